/*
** case.c: complaints and cases behind the firewall (see case.h).
**
** Every entry point that reads or changes a case goes: load who it is assigned
** to and who filed it -> policy_check_case -> do the work -> audit, in one
** transaction, so a refused or failed request changes nothing and leaves no
** personal data in memory longer than the response.
*/
#include "case.h"
#include "audit.h"
#include "notify.h"
#include "pii.h"
#include "util.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const case_azCategory[] = {"unpaid_wages", "contract_substitution", "document_retention",
                                       "recruitment_fees", "unsafe_work", "harassment", "forced_labour", "other",
                                       NULL};
const char *const case_azState[] = {"received", "assigned", "in_mediation", "referred", "resolved", "closed", NULL};
const char *const case_azContact[] = {"none", "email", "phone", "post", "in_person", NULL};

enum { ST_RECEIVED, ST_ASSIGNED, ST_MEDIATION, ST_REFERRED, ST_RESOLVED, ST_CLOSED, ST__COUNT };

/* Days allowed in each state before the case is escalated (0: no deadline). */
static const int aDeadlineDays[ST__COUNT] = {5, 14, 30, 60, 14, 0};

/* Which states a transition may go to, from each state (bit per state). Assignment
** (received -> assigned) is the "assign" action, not a transition. */
#define B(s) (1u << (s))
static const unsigned aNext[ST__COUNT] = {
  [ST_RECEIVED] = 0,
  [ST_ASSIGNED] = B(ST_MEDIATION) | B(ST_REFERRED) | B(ST_RESOLVED) | B(ST_CLOSED),
  [ST_MEDIATION] = B(ST_REFERRED) | B(ST_RESOLVED) | B(ST_CLOSED),
  [ST_REFERRED] = B(ST_RESOLVED) | B(ST_CLOSED),
  [ST_RESOLVED] = B(ST_CLOSED),
  [ST_CLOSED] = 0,
};
#undef B

static int find_word(const char *const *az, const char *z) {
  for (int i = 0; z && az[i]; i++)
    if (strcmp(az[i], z) == 0) return i;
  return -1;
}

void case_number(int64_t id, char *z, size_t n) { snprintf(z, n, "C-%06lld", (long long)id); }

int case_parse_number(const char *z, int64_t *pId) {
  long long v;
  if (!z) return -1;
  if ((z[0] == 'C' || z[0] == 'c') && z[1] == '-') z += 2;
  if (parse_int(z, 1, INT64_MAX, &v)) return -1;
  *pId = v;
  return 0;
}

/* ---- input validation (JSON pointers in every error) ---- */

static int bad(Err *e, const char *zPtr, const char *zFmt, const char *zArg) {
  err_set(e, ERR_INVALID, zFmt, zArg);
  err_where(e, "%s", zPtr);
  return -1;
}

/* Reject members not in azKnown: a misspelt field must not be silently dropped. */
static int only_keys(json_t *o, const char *const *azKnown, const char *zBase, Err *e) {
  const char *zKey;
  json_t *v;
  json_object_foreach(o, zKey, v) {
    if (find_word(azKnown, zKey) < 0) {
      char zPtr[128];
      snprintf(zPtr, sizeof zPtr, "%s/%.60s", zBase, zKey);
      return bad(e, zPtr, "unknown field \"%.60s\"", zKey);
    }
  }
  return 0;
}

/* An optional text member: NULL when absent or null; -1 when not valid text of at
** most nMax bytes (or empty when bRequired). */
static int text_member(json_t *o, const char *zKey, const char *zBase, size_t nMax, bool bRequired,
                       const char **pz, Err *e) {
  json_t *v = json_object_get(o, zKey);
  char zPtr[128];
  snprintf(zPtr, sizeof zPtr, "%s/%s", zBase, zKey);
  *pz = NULL;
  if (!v || json_is_null(v)) return bRequired ? bad(e, zPtr, "%s is required", zKey) : 0;
  if (!json_is_string(v)) return bad(e, zPtr, "%s must be a string", zKey);
  size_t n = json_string_length(v);
  const char *z = json_string_value(v);
  if (n > nMax) {
    err_set(e, ERR_INVALID, "%s is too long: at most %zu bytes", zKey, nMax);
    err_where(e, "%s", zPtr);
    return -1;
  }
  if (!utf8_valid_text(z, n)) return bad(e, zPtr, "%s must be text (UTF-8, no control characters)", zKey);
  /* Blank is absent, except for required fields. */
  if (strspn(z, " \t\r\n") == n) return bRequired ? bad(e, zPtr, "%s must not be empty", zKey) : 0;
  *pz = z;
  return 0;
}

static bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static bool date_ok(const char *z) {
  static const int aDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int y, m, d;
  if (strlen(z) != 10 || z[4] != '-' || z[7] != '-') return false;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && (z[i] < '0' || z[i] > '9')) return false;
  y = (z[0] - '0') * 1000 + (z[1] - '0') * 100 + (z[2] - '0') * 10 + (z[3] - '0');
  m = (z[5] - '0') * 10 + (z[6] - '0');
  d = (z[8] - '0') * 10 + (z[9] - '0');
  if (y < 1900 || m < 1 || m > 12 || d < 1) return false;
  return d <= aDays[m - 1] + (m == 2 && leap(y));
}

/* Run zSql (a literal with one parameter :c) for zCode: 1 when it returns a
** row (its first column into *pId when pId), 0 when none, -1 on error. */
static int lookup(Store *s, const char *zSql, const char *zCode, int64_t *pId, Err *e) {
  Stmt *q = store_prepare(s, zSql, e);
  int rc;
  if (!q) return -1;
  stmt_bind_text(q, ":c", zCode);
  rc = stmt_step(q, e);
  if (rc == 1 && pId) *pId = stmt_int(q, 0);
  stmt_finalize(q);
  return rc;
}

static int code_exists(Store *s, const char *zSql, const char *zCode, Err *e) {
  return lookup(s, zSql, zCode, NULL, e);
}

/* The validated complaint. Strings point into the JSON input. */
typedef struct Intake {
  int iCategory, iContact;
  bool bAnonymous;
  const char *zDescription, *zLanguage, *zFrom, *zTo;
  const char *zEmployer, *zEmployerCountry, *zAgency, *zLicence;
  const char *zName, *zPassport, *zPhone, *zEmail, *zContactDetail;
} Intake;

static int parse_intake(Store *s, json_t *j, Intake *p, Err *e) {
  static const char *const azTop[] = {"category", "description", "employer", "agency", "occurred_from",
                                      "occurred_to", "language", "anonymous", "complainant", "contact", NULL};
  static const char *const azEmployer[] = {"name", "country", NULL};
  static const char *const azAgency[] = {"name", "licence", NULL};
  static const char *const azWho[] = {"name", "passport", "phone", "email", NULL};
  static const char *const azContact[] = {"method", "detail", NULL};
  const char *zCat = NULL, *zMethod = NULL;
  json_t *v;
  memset(p, 0, sizeof *p);
  if (!json_is_object(j)) return bad(e, "", "the complaint must be a JSON object%s", "");
  if (only_keys(j, azTop, "", e)) return -1;
  if (text_member(j, "category", "", 40, true, &zCat, e)) return -1;
  if ((p->iCategory = find_word(case_azCategory, zCat)) < 0)
    return bad(e, "/category", "unknown category \"%.40s\" (see docs/complaints.md)", zCat);
  if (text_member(j, "description", "", CASE_DESCRIPTION_MAX, true, &p->zDescription, e)) return -1;
  if (text_member(j, "language", "", 2, true, &p->zLanguage, e)) return -1;
  {
    int rc = code_exists(s, "SELECT 1 FROM language WHERE alpha2 = :c", p->zLanguage, e);
    if (rc < 0) return -1;
    if (rc == 0) return bad(e, "/language", "unknown language \"%.2s\": use an ISO 639-1 code such as en", p->zLanguage);
  }
  if (text_member(j, "occurred_from", "", 10, false, &p->zFrom, e)) return -1;
  if (p->zFrom && !date_ok(p->zFrom)) return bad(e, "/occurred_from", "not a date YYYY-MM-DD: \"%.10s\"", p->zFrom);
  if (text_member(j, "occurred_to", "", 10, false, &p->zTo, e)) return -1;
  if (p->zTo && !date_ok(p->zTo)) return bad(e, "/occurred_to", "not a date YYYY-MM-DD: \"%.10s\"", p->zTo);
  if (p->zFrom && p->zTo && strcmp(p->zFrom, p->zTo) > 0)
    return bad(e, "/occurred_to", "occurred_to is before occurred_from%s", "");
  if ((v = json_object_get(j, "employer")) && !json_is_null(v)) {
    if (!json_is_object(v)) return bad(e, "/employer", "employer must be an object {name, country}%s", "");
    if (only_keys(v, azEmployer, "/employer", e)) return -1;
    if (text_member(v, "name", "/employer", 200, false, &p->zEmployer, e)) return -1;
    if (text_member(v, "country", "/employer", 3, false, &p->zEmployerCountry, e)) return -1;
    if (p->zEmployerCountry) {
      int rc = code_exists(s, "SELECT 1 FROM country WHERE alpha3 = :c", p->zEmployerCountry, e);
      if (rc < 0) return -1;
      if (rc == 0)
        return bad(e, "/employer/country", "unknown country \"%.3s\": use ISO 3166-1 alpha-3", p->zEmployerCountry);
    }
  }
  if ((v = json_object_get(j, "agency")) && !json_is_null(v)) {
    if (!json_is_object(v)) return bad(e, "/agency", "agency must be an object {name, licence}%s", "");
    if (only_keys(v, azAgency, "/agency", e)) return -1;
    if (text_member(v, "name", "/agency", 200, false, &p->zAgency, e)) return -1;
    if (text_member(v, "licence", "/agency", 64, false, &p->zLicence, e)) return -1;
  }
  if ((v = json_object_get(j, "complainant")) && !json_is_null(v)) {
    if (!json_is_object(v)) return bad(e, "/complainant", "complainant must be an object%s", "");
    if (only_keys(v, azWho, "/complainant", e)) return -1;
    if (text_member(v, "name", "/complainant", 200, false, &p->zName, e)) return -1;
    if (text_member(v, "passport", "/complainant", 40, false, &p->zPassport, e)) return -1;
    if (text_member(v, "phone", "/complainant", 40, false, &p->zPhone, e)) return -1;
    if (text_member(v, "email", "/complainant", 254, false, &p->zEmail, e)) return -1;
  }
  v = json_object_get(j, "anonymous");
  if (v && !json_is_boolean(v) && !json_is_null(v)) return bad(e, "/anonymous", "anonymous must be true or false%s", "");
  p->bAnonymous = v && json_is_boolean(v) ? json_is_true(v) : !(p->zName || p->zPassport || p->zPhone || p->zEmail);
  if (p->bAnonymous && (p->zName || p->zPassport || p->zPhone || p->zEmail))
    return bad(e, "/complainant", "an anonymous complaint carries no identity: remove complainant or set anonymous "
                                  "to false%s", "");
  p->iContact = 0;
  if ((v = json_object_get(j, "contact")) && !json_is_null(v)) {
    if (!json_is_object(v)) return bad(e, "/contact", "contact must be an object {method, detail}%s", "");
    if (only_keys(v, azContact, "/contact", e)) return -1;
    if (text_member(v, "method", "/contact", 20, true, &zMethod, e)) return -1;
    if ((p->iContact = find_word(case_azContact, zMethod)) < 0)
      return bad(e, "/contact/method", "contact method must be none, email, phone, post or in_person, not \"%.20s\"",
                 zMethod);
    if (text_member(v, "detail", "/contact", 500, false, &p->zContactDetail, e)) return -1;
    if (p->iContact != 0 && p->iContact != 4 && !p->zContactDetail && !p->zEmail && !p->zPhone)
      return bad(e, "/contact/detail", "say where to contact you by %s, or choose none", zMethod);
  }
  return 0;
}

/* ---- receipt codes ---- */

#define RECEIPT_ALPHABET "0123456789ABCDEFGHJKMNPQRSTVWXYZ"   /* Crockford base 32 */

/* 16 symbols = 80 random bits, shown in four dash-separated groups of four. */
static void receipt_new(char z[20]) {
  int k = 0;
  for (int i = 0; i < 16; i++) {
    if (i && i % 4 == 0) z[k++] = '-';
    z[k++] = RECEIPT_ALPHABET[randombytes_uniform(32)];
  }
  z[k] = 0;
}

/* Hash of a typed receipt code after Crockford's decoding rules (O is 0, I and L
** are 1; case, spaces and dashes ignored). */
static void receipt_hash(const Pii *p, const char *zIn, char zOut[33]) {
  char z[64];
  size_t k = 0;
  for (const char *c = zIn; *c && k + 1 < sizeof z; c++) {
    char ch = *c;
    if (ch >= 'a' && ch <= 'z') ch = (char)(ch - 'a' + 'A');
    if (ch == 'O') ch = '0';
    if (ch == 'I' || ch == 'L') ch = '1';
    if (ch == '-' || ch == ' ') continue;
    z[k++] = ch;
  }
  z[k] = 0;
  pii_blind_index(p, "receipt", z, zOut);
}

/* ---- storing and reading ---- */

static void bind_opt(Stmt *q, const char *zName, const char *z) {
  if (z) stmt_bind_text(q, zName, z);
  else stmt_bind_null(q, zName);
}

static int add_event(Store *s, const Pii *pii, int64_t id, const Principal *who, const char *zKind,
                     const char *zFrom, const char *zTo, const char *zNote, bool bVisible, Err *e) {
  Stmt *q = store_prepare(s,
                          "INSERT INTO complaint_event(complaint_id, at, actor, kind, state_from, state_to, note, visible)"
                          " VALUES(:id, :at, :actor, :kind, :from, :to, :note, :vis)",
                          e);
  int rc;
  if (!q) return -1;
  stmt_bind_int(q, ":id", id);
  stmt_bind_int(q, ":at", now_seconds());
  if (who && who->accountId > 0) stmt_bind_int(q, ":actor", who->accountId);
  else stmt_bind_null(q, ":actor");
  stmt_bind_text(q, ":kind", zKind);
  bind_opt(q, ":from", zFrom);
  bind_opt(q, ":to", zTo);
  if (zNote) {
    int n;
    uint8_t *pBox = pii_seal(pii, zNote, &n);
    stmt_bind_blob(q, ":note", pBox, n);
    free(pBox);
  } else {
    stmt_bind_null(q, ":note");
  }
  stmt_bind_int(q, ":vis", bVisible ? 1 : 0);
  rc = stmt_run(q, e);
  stmt_finalize(q);
  return rc;
}

static int64_t deadline_for(int iState, int64_t now) {
  return aDeadlineDays[iState] ? now + (int64_t)aDeadlineDays[iState] * 86400 : 0;
}

static int audit_case(Store *s, const Principal *who, const char *zAction, int64_t id, const char *zAddr,
                      const char *zDetail, Err *e) {
  char zObj[32];
  case_number(id, zObj, sizeof zObj);
  return audit(s, who, zAction, zObj, zAddr, zDetail, e);
}

json_t *case_file(Store *s, const Principal *who, const char *zAddr, json_t *jIn, Err *e) {
  Intake in;
  Pii pii;
  char zReceipt[20], zHash[33], zName[33], zPass[33], zPhone[33], zNum[16];
  json_t *jPii;
  char *zPii;
  uint8_t *pBox;
  int nBox, rc;
  int64_t id = 0, now = now_seconds();
  Stmt *q;
  const char *zSource = "public";
  if (parse_intake(s, jIn, &in, e)) return NULL;
  if (pii_open(s, 1, &pii, e)) return NULL;
  if (who && who->role != ROLE_PUBLIC) zSource = who->role == ROLE_MIGRANT ? "migrant" : "officer";
  jPii = json_pack("{s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s}", "name", in.zName, "passport", in.zPassport,
                   "phone", in.zPhone, "email", in.zEmail, "contact_detail", in.zContactDetail, "employer",
                   in.zEmployer, "description", in.zDescription);
  zPii = json_dumps(jPii, JSON_COMPACT);
  json_decref(jPii);
  pBox = pii_seal(&pii, zPii, &nBox);
  sodium_memzero(zPii, strlen(zPii));
  free(zPii);
  pii_blind_index(&pii, "name", in.zName, zName);
  pii_blind_index(&pii, "passport", in.zPassport, zPass);
  pii_blind_index(&pii, "phone", in.zPhone, zPhone);
  if (store_begin(s, e)) goto file_fail;
  /* A collision of 80-bit codes is not expected; the UNIQUE constraint would catch it. */
  receipt_new(zReceipt);
  receipt_hash(&pii, zReceipt, zHash);
  q = store_prepare(s,
                    "INSERT INTO complaint(receipt_hash, category, source, filed_by, employer_country, agency_name,"
                    " agency_licence, occurred_from, occurred_to, language, contact_method, anonymous, pii, name_bidx,"
                    " passport_bidx, phone_bidx, state, deadline, received_at, updated_at)"
                    " VALUES(:rh, :cat, :src, :by, :ec, :an, :al, :from, :to, :lang, :cm, :anon, :pii, :nb, :pb, :phb,"
                    " 'received', :dl, :now, :now)",
                    e);
  if (!q) goto file_rollback;
  stmt_bind_text(q, ":rh", zHash);
  stmt_bind_text(q, ":cat", case_azCategory[in.iCategory]);
  stmt_bind_text(q, ":src", zSource);
  if (who && who->accountId > 0 && who->role == ROLE_MIGRANT) stmt_bind_int(q, ":by", who->accountId);
  else stmt_bind_null(q, ":by");
  bind_opt(q, ":ec", in.zEmployerCountry);
  bind_opt(q, ":an", in.zAgency);
  bind_opt(q, ":al", in.zLicence);
  bind_opt(q, ":from", in.zFrom);
  bind_opt(q, ":to", in.zTo);
  stmt_bind_text(q, ":lang", in.zLanguage);
  stmt_bind_text(q, ":cm", case_azContact[in.iContact]);
  stmt_bind_int(q, ":anon", in.bAnonymous ? 1 : 0);
  stmt_bind_blob(q, ":pii", pBox, nBox);
  bind_opt(q, ":nb", zName[0] ? zName : NULL);
  bind_opt(q, ":pb", zPass[0] ? zPass : NULL);
  bind_opt(q, ":phb", zPhone[0] ? zPhone : NULL);
  stmt_bind_int(q, ":dl", deadline_for(ST_RECEIVED, now));
  stmt_bind_int(q, ":now", now);
  rc = stmt_run(q, e);
  stmt_finalize(q);
  if (rc) goto file_rollback;
  id = store_last_id(s);
  if (add_event(s, &pii, id, who, "filed", NULL, "received", NULL, true, e)) goto file_rollback;
  /* The receipt goes out only to a complainant who chose email or phone (notify.c). */
  if (notify_case_received(s, &pii, id, zReceipt, e)) goto file_rollback;
  if (audit_case(s, who, "case.file", id, zAddr, NULL, e)) goto file_rollback;
  if (store_commit(s, e)) goto file_rollback;
  free(pBox);
  pii_close(&pii);
  case_number(id, zNum, sizeof zNum);
  return json_pack("{s:I, s:s, s:s, s:s, s:I}", "id", (json_int_t)id, "case", zNum, "receipt", zReceipt, "state",
                   "received", "deadline", (json_int_t)deadline_for(ST_RECEIVED, now));
file_rollback:
  store_rollback(s);
file_fail:
  free(pBox);
  pii_close(&pii);
  return NULL;
}

/* Who the case is assigned to and who filed it; ERR_NOT_FOUND when no such case. */
static int load_access(Store *s, int64_t id, CaseAccess *pAcc, int *piState, Err *e) {
  Stmt *q = store_prepare(s, "SELECT coalesce(assigned_to, 0), coalesce(filed_by, 0), state FROM complaint WHERE id = :id",
                          e);
  int rc;
  if (!q) return -1;
  stmt_bind_int(q, ":id", id);
  rc = stmt_step(q, e);
  if (rc == 1) {
    pAcc->assignedTo = stmt_int(q, 0);
    pAcc->filedBy = stmt_int(q, 1);
    if (piState) *piState = find_word(case_azState, stmt_text(q, 2));
  }
  stmt_finalize(q);
  if (rc == 0) {
    char zNum[16];
    case_number(id, zNum, sizeof zNum);
    err_set(e, ERR_NOT_FOUND, "no case %s", zNum);
    return -1;
  }
  return rc < 0 ? -1 : 0;
}

/* "P1234567" -> "*****567": the complainant's own view shows enough to recognise. */
static json_t *masked(const char *z) {
  size_t n;
  char *zOut;
  json_t *j;
  if (!z) return json_null();
  n = strlen(z);
  zOut = xstrdup(z);
  for (size_t i = 0; i + 3 < n; i++)
    if (zOut[i] != ' ' && (unsigned char)zOut[i] < 0x80) zOut[i] = '*';
  j = json_string(zOut);
  free(zOut);
  return j;
}

static const char *jstr(json_t *o, const char *zKey) { return json_string_value(json_object_get(o, zKey)); }

/* The case as JSON. bFull: the inspector's or complainant-account view (all
** notes); otherwise the receipt holder's view (visible events only, identifiers
** masked). */
static json_t *case_json(Store *s, const Pii *pii, int64_t id, bool bFull, Err *e) {
  Stmt *q = store_prepare(s,
                          "SELECT c.category, c.source, c.employer_country, c.agency_name, c.agency_licence,"
                          " c.occurred_from, c.occurred_to, c.language, c.contact_method, c.anonymous, c.pii, c.state,"
                          " c.deadline, c.escalated, c.outcome, c.amount_recovered, c.amount_currency,"
                          " c.referral_country, c.received_at, c.updated_at, a.username"
                          " FROM complaint c LEFT JOIN account a ON a.id = c.assigned_to WHERE c.id = :id",
                          e);
  json_t *j = NULL, *jPii = NULL, *jEv;
  char *zPii = NULL, zNum[16];
  int rc, n;
  const void *pBlob;
  if (!q) return NULL;
  stmt_bind_int(q, ":id", id);
  rc = stmt_step(q, e);
  if (rc != 1) {
    if (rc == 0) err_set(e, ERR_NOT_FOUND, "no such case");
    stmt_finalize(q);
    return NULL;
  }
  pBlob = stmt_blob(q, 10, &n);
  zPii = pii_open_text(pii, pBlob, n, e);
  if (!zPii || !(jPii = json_loads(zPii, 0, NULL))) {
    if (zPii && !e->code) err_set(e, ERR_DB, "case %lld: the decrypted record is not JSON", (long long)id);
    if (zPii) sodium_memzero(zPii, strlen(zPii));
    free(zPii);
    stmt_finalize(q);
    return NULL;
  }
  sodium_memzero(zPii, strlen(zPii));
  free(zPii);
  case_number(id, zNum, sizeof zNum);
  j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:b, s:I, s:I}", "id", (json_int_t)id, "case", zNum,
                "category", stmt_text(q, 0), "source", stmt_text(q, 1), "language", stmt_text(q, 7), "contact_method",
                stmt_text(q, 8), "anonymous", (int)stmt_int(q, 9), "state", stmt_text(q, 11), "escalated",
                (int)stmt_int(q, 13), "received_at", (json_int_t)stmt_int(q, 18), "updated_at",
                (json_int_t)stmt_int(q, 19));
  json_object_set_new(j, "deadline", stmt_is_null(q, 12) || stmt_int(q, 12) == 0 ? json_null()
                                                                                   : json_integer(stmt_int(q, 12)));
  json_object_set_new(j, "occurred_from", stmt_text(q, 5) ? json_string(stmt_text(q, 5)) : json_null());
  json_object_set_new(j, "occurred_to", stmt_text(q, 6) ? json_string(stmt_text(q, 6)) : json_null());
  json_object_set_new(j, "employer", json_pack("{s:s?, s:s?}", "name", jstr(jPii, "employer"), "country",
                                               stmt_text(q, 2)));
  json_object_set_new(j, "agency", json_pack("{s:s?, s:s?}", "name", stmt_text(q, 3), "licence", stmt_text(q, 4)));
  json_object_set_new(j, "description", json_string(jstr(jPii, "description") ? jstr(jPii, "description") : ""));
  if (bFull) {
    json_object_set_new(j, "complainant", json_pack("{s:s?, s:s?, s:s?, s:s?}", "name", jstr(jPii, "name"),
                                                    "passport", jstr(jPii, "passport"), "phone", jstr(jPii, "phone"),
                                                    "email", jstr(jPii, "email")));
    json_object_set_new(j, "contact_detail", jstr(jPii, "contact_detail") ? json_string(jstr(jPii, "contact_detail"))
                                                                           : json_null());
    json_object_set_new(j, "assigned_to", stmt_text(q, 20) ? json_string(stmt_text(q, 20)) : json_null());
  } else {
    json_object_set_new(j, "complainant", json_pack("{s:s?, s:o, s:o, s:s?}", "name", jstr(jPii, "name"),
                                                    "passport", masked(jstr(jPii, "passport")), "phone",
                                                    masked(jstr(jPii, "phone")), "email", jstr(jPii, "email")));
  }
  json_object_set_new(j, "outcome", stmt_text(q, 14) ? json_string(stmt_text(q, 14)) : json_null());
  if (!stmt_is_null(q, 15)) {
    char zAmt[40];
    long long v = (long long)stmt_int(q, 15);
    snprintf(zAmt, sizeof zAmt, "%lld.%02lld", v / 100, v % 100);
    json_object_set_new(j, "amount_recovered", json_pack("{s:s, s:s?}", "amount", zAmt, "currency", stmt_text(q, 16)));
  } else {
    json_object_set_new(j, "amount_recovered", json_null());
  }
  json_object_set_new(j, "referral_country", stmt_text(q, 17) ? json_string(stmt_text(q, 17)) : json_null());
  json_decref(jPii);
  stmt_finalize(q);
  /* Events: the complainant's view shows only those marked visible. */
  q = store_prepare(s,
                    "SELECT e.at, e.kind, e.state_from, e.state_to, e.note, e.visible, a.username"
                    " FROM complaint_event e LEFT JOIN account a ON a.id = e.actor"
                    " WHERE e.complaint_id = :id AND (:full OR e.visible) ORDER BY e.id",
                    e);
  if (!q) goto json_fail;
  stmt_bind_int(q, ":id", id);
  stmt_bind_int(q, ":full", bFull);
  jEv = json_array();
  json_object_set_new(j, "events", jEv);
  while ((rc = stmt_step(q, e)) == 1) {
    json_t *o = json_pack("{s:I, s:s, s:b}", "at", (json_int_t)stmt_int(q, 0), "kind", stmt_text(q, 1), "visible",
                          (int)stmt_int(q, 5));
    json_object_set_new(o, "from", stmt_text(q, 2) ? json_string(stmt_text(q, 2)) : json_null());
    json_object_set_new(o, "to", stmt_text(q, 3) ? json_string(stmt_text(q, 3)) : json_null());
    if (bFull) json_object_set_new(o, "by", stmt_text(q, 6) ? json_string(stmt_text(q, 6)) : json_null());
    if (!stmt_is_null(q, 4)) {
      const void *p = stmt_blob(q, 4, &n);
      char *zNote = pii_open_text(pii, p, n, e);
      if (!zNote) {
        json_decref(o);
        rc = -1;
        break;
      }
      json_object_set_new(o, "note", json_string(zNote));
      free(zNote);
    } else {
      json_object_set_new(o, "note", json_null());
    }
    json_array_append_new(jEv, o);
  }
  stmt_finalize(q);
  if (rc < 0) goto json_fail;
  return j;
json_fail:
  json_decref(j);
  return NULL;
}

json_t *case_track(Store *s, const char *zReceipt, const char *zAddr, Err *e) {
  Pii pii;
  char zHash[33];
  int64_t id = 0;
  int rc;
  json_t *j = NULL;
  Principal pub;
  memset(&pub, 0, sizeof pub);
  if (!zReceipt || strlen(zReceipt) > 40) {
    err_set(e, ERR_INVALID, "a receipt code looks like ABCD-EFGH-JKMN-PQRS");
    err_where(e, "receipt");
    return NULL;
  }
  if (pii_open(s, 0, &pii, e)) return NULL;
  receipt_hash(&pii, zReceipt, zHash);
  if (store_begin(s, e)) goto track_out;
  rc = lookup(s, "SELECT id FROM complaint WHERE receipt_hash = :c", zHash, &id, e);
  if (rc < 0) goto track_rollback;
  if (rc == 0) {
    err_set(e, ERR_NOT_FOUND, "no complaint has this receipt code");
    err_hint(e, "check the code on your receipt; letters O and I are read as 0 and 1");
    goto track_rollback;
  }
  if (audit_case(s, &pub, "case.track", id, zAddr, NULL, e)) goto track_rollback;
  j = case_json(s, &pii, id, false, e);
  if (!j || store_commit(s, e)) goto track_rollback;
  pii_close(&pii);
  return j;
track_rollback:
  json_decref(j);
  j = NULL;
  store_rollback(s);
track_out:
  pii_close(&pii);
  return NULL;
}

/* Rows of the queue: never identities, employer names or descriptions. */
static json_t *queue_rows(Store *s, const char *zSql, int64_t account, Err *e) {
  Stmt *q = store_prepare(s, zSql, e);
  json_t *a;
  int rc;
  if (!q) return NULL;
  if (account) stmt_bind_int(q, ":me", account);
  a = json_array();
  while ((rc = stmt_step(q, e)) == 1) {
    char zNum[16];
    case_number(stmt_int(q, 0), zNum, sizeof zNum);
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:b}", "id", (json_int_t)stmt_int(q, 0), "case", zNum,
                          "category", stmt_text(q, 1), "language", stmt_text(q, 2), "state", stmt_text(q, 3),
                          "received_at", (json_int_t)stmt_int(q, 4), "escalated", (int)stmt_int(q, 6));
    json_object_set_new(o, "deadline", stmt_int(q, 5) ? json_integer(stmt_int(q, 5)) : json_null());
    json_array_append_new(a, o);
  }
  stmt_finalize(q);
  if (rc < 0) {
    json_decref(a);
    return NULL;
  }
  return a;
}

json_t *case_queue(Store *s, const Principal *who, const char *zAddr, Err *e) {
  json_t *jUn = NULL, *jMine = NULL;
  int n;
  if (policy_check("case.queue", who, e)) return NULL;
  if (case_escalate(s, now_seconds(), &n, e)) return NULL;
  if (store_begin(s, e)) return NULL;
  jUn = queue_rows(s,
                   "SELECT id, category, language, state, received_at, coalesce(deadline, 0), escalated FROM complaint"
                   " WHERE assigned_to IS NULL AND state = 'received' ORDER BY escalated DESC, deadline, id",
                   0, e);
  if (jUn)
    jMine = queue_rows(s,
                       "SELECT id, category, language, state, received_at, coalesce(deadline, 0), escalated FROM complaint"
                       " WHERE assigned_to = :me AND state <> 'closed' ORDER BY escalated DESC, deadline, id",
                       who->accountId, e);
  if (!jMine || audit(s, who, "case.queue", NULL, zAddr, NULL, e) || store_commit(s, e)) {
    store_rollback(s);
    json_decref(jUn);
    json_decref(jMine);
    return NULL;
  }
  return json_pack("{s:o, s:o}", "unassigned", jUn, "mine", jMine);
}

json_t *case_get(Store *s, const Principal *who, int64_t id, const char *zAddr, Err *e) {
  CaseAccess acc;
  Pii pii;
  json_t *j = NULL;
  if (policy_check("case.read", who, e)) return NULL;
  if (store_begin(s, e)) return NULL;
  if (load_access(s, id, &acc, NULL, e) || policy_check_case("case.read", who, &acc, e)) {
    /* A refused attempt is recorded too: who tried to read which case. */
    if (e->code == ERR_FORBIDDEN) {
      Err e2 = ERR_INIT;
      store_rollback(s);
      if (audit_case(s, who, "case.read.denied", id, zAddr, NULL, &e2)) err_clear(&e2);
      return NULL;
    }
    store_rollback(s);
    return NULL;
  }
  if (pii_open(s, 0, &pii, e)) {
    store_rollback(s);
    return NULL;
  }
  if (audit_case(s, who, "case.read", id, zAddr, NULL, e) || !(j = case_json(s, &pii, id, true, e)) ||
      store_commit(s, e)) {
    json_decref(j);
    j = NULL;
    store_rollback(s);
  }
  pii_close(&pii);
  return j;
}

/* "1200.5" -> 120050 hundredths; -1 when not a non-negative amount with at most
** two decimals. */
static int parse_amount(const char *z, int64_t *pOut) {
  int64_t v = 0;
  int nDec = -1;
  if (!z || !*z) return -1;
  for (const char *c = z; *c; c++) {
    if (*c == '.') {
      if (nDec >= 0) return -1;
      nDec = 0;
      continue;
    }
    if (*c < '0' || *c > '9') return -1;
    if (nDec >= 0 && ++nDec > 2) return -1;
    if (v > (INT64_MAX - 9) / 10) return -1;
    v = v * 10 + (*c - '0');
  }
  if (nDec < 0) nDec = 0;
  while (nDec++ < 2) v *= 10;
  *pOut = v;
  return 0;
}

static json_t *referral_json(json_t *jCase, const char *zCountry) {
  json_t *j = json_pack("{s:O, s:O, s:s, s:O, s:O, s:O, s:O, s:O, s:O}", "case", json_object_get(jCase, "case"),
                        "category", json_object_get(jCase, "category"), "referred_to", zCountry, "occurred_from",
                        json_object_get(jCase, "occurred_from"), "occurred_to", json_object_get(jCase, "occurred_to"),
                        "employer", json_object_get(jCase, "employer"), "agency", json_object_get(jCase, "agency"),
                        "description", json_object_get(jCase, "description"), "language",
                        json_object_get(jCase, "language"));
  json_object_set_new(j, "withheld", json_pack("[s, s, s]", "complainant identity", "contact details",
                                               "anything about immigration status outside the description"));
  return j;
}

json_t *case_act(Store *s, const Principal *who, int64_t id, json_t *jAct, const char *zAddr, Err *e) {
  static const char *const azKeys[] = {"action", "to", "state", "note", "outcome", "amount_recovered", "currency",
                                       "visible", "country", NULL};
  CaseAccess acc;
  Pii pii;
  int iState = -1, rc = -1;
  const char *zAction = NULL, *zNote = NULL, *zVerb;
  json_t *j = NULL, *jRef = NULL;
  int64_t now = now_seconds();
  if (!json_is_object(jAct)) {
    bad(e, "", "the action must be a JSON object%s", "");
    return NULL;
  }
  if (only_keys(jAct, azKeys, "", e) || text_member(jAct, "action", "", 20, true, &zAction, e)) return NULL;
  if (text_member(jAct, "note", "", CASE_NOTE_MAX, strcmp(zAction, "note") == 0, &zNote, e)) return NULL;
  zVerb = strcmp(zAction, "assign") == 0 ? "case.assign" : "case.update";
  if (strcmp(zAction, "assign") && strcmp(zAction, "transition") && strcmp(zAction, "note") && strcmp(zAction, "refer")) {
    bad(e, "/action", "action must be assign, transition, note or refer, not \"%.20s\"", zAction);
    return NULL;
  }
  if (policy_check(zVerb, who, e)) return NULL;
  if (pii_open(s, 0, &pii, e)) return NULL;
  if (store_begin(s, e)) goto act_out;
  if (load_access(s, id, &acc, &iState, e)) goto act_rollback;
  if (policy_check_case(zVerb, who, &acc, e)) {
    Err e2 = ERR_INIT;
    store_rollback(s);
    if (audit_case(s, who, "case.update.denied", id, zAddr, zAction, &e2)) err_clear(&e2);
    goto act_out;
  }
  if (strcmp(zAction, "assign") == 0) {
    const char *zTo = NULL;
    int64_t idTo = 0;
    Stmt *q;
    if (text_member(jAct, "to", "", USERNAME_MAX, true, &zTo, e)) goto act_rollback;
    if (iState == ST_CLOSED) {
      err_set(e, ERR_CONFLICT, "the case is closed");
      goto act_rollback;
    }
    rc = lookup(s, "SELECT id FROM account WHERE username = :c AND role = 'labour_inspector' AND disabled = 0", zTo,
                &idTo, e);
    if (rc < 0) goto act_rollback;
    if (rc == 0) {
      bad(e, "/to", "no active labour inspector named \"%.64s\"", zTo);
      goto act_rollback;
    }
    q = store_prepare(s,
                      "UPDATE complaint SET assigned_to = :to, state = CASE state WHEN 'received' THEN 'assigned' ELSE"
                      " state END, deadline = CASE state WHEN 'received' THEN :dl ELSE deadline END, escalated ="
                      " CASE state WHEN 'received' THEN 0 ELSE escalated END, updated_at = :now WHERE id = :id",
                      e);
    if (!q) goto act_rollback;
    stmt_bind_int(q, ":to", idTo);
    stmt_bind_int(q, ":dl", deadline_for(ST_ASSIGNED, now));
    stmt_bind_int(q, ":now", now);
    stmt_bind_int(q, ":id", id);
    rc = stmt_run(q, e);
    stmt_finalize(q);
    if (rc) goto act_rollback;
    if (add_event(s, &pii, id, who, "assigned", case_azState[iState],
                  iState == ST_RECEIVED ? "assigned" : case_azState[iState], zNote, false, e))
      goto act_rollback;
    if (notify_case_assigned(s, &pii, id, e) || (iState == ST_RECEIVED && notify_case_state(s, &pii, id, "assigned", e)))
      goto act_rollback;
  } else if (strcmp(zAction, "transition") == 0 || strcmp(zAction, "refer") == 0) {
    const char *zState = NULL, *zOutcome = NULL, *zAmount = NULL, *zCur = NULL, *zCountry = NULL;
    int iTo;
    int64_t amount = 0;
    Stmt *q;
    if (strcmp(zAction, "refer") == 0) {
      zState = "referred";
      if (text_member(jAct, "country", "", 3, true, &zCountry, e)) goto act_rollback;
      rc = code_exists(s, "SELECT 1 FROM country WHERE alpha3 = :c", zCountry, e);
      if (rc < 0) goto act_rollback;
      if (rc == 0) {
        bad(e, "/country", "unknown country \"%.3s\": use ISO 3166-1 alpha-3", zCountry);
        goto act_rollback;
      }
    } else if (text_member(jAct, "state", "", 20, true, &zState, e)) {
      goto act_rollback;
    }
    if (text_member(jAct, "outcome", "", 2000, false, &zOutcome, e) ||
        text_member(jAct, "amount_recovered", "", 24, false, &zAmount, e) ||
        text_member(jAct, "currency", "", 3, false, &zCur, e))
      goto act_rollback;
    if (zAmount && parse_amount(zAmount, &amount)) {
      bad(e, "/amount_recovered", "amount_recovered is a decimal amount such as 1200.50, not \"%.24s\"", zAmount);
      goto act_rollback;
    }
    if (zAmount && !zCur) {
      bad(e, "/currency", "currency (ISO 4217) is required with amount_recovered%s", "");
      goto act_rollback;
    }
    if (zCur) {
      rc = code_exists(s, "SELECT 1 FROM currency WHERE code = :c", zCur, e);
      if (rc < 0) goto act_rollback;
      if (rc == 0) {
        bad(e, "/currency", "unknown currency \"%.3s\": use ISO 4217", zCur);
        goto act_rollback;
      }
    }
    iTo = find_word(case_azState, zState);
    if (iTo < 0) {
      bad(e, "/state", "unknown state \"%.20s\"", zState);
      goto act_rollback;
    }
    if (!(aNext[iState] & (1u << iTo))) {
      err_set(e, ERR_CONFLICT, "a case cannot go from %s to %s", case_azState[iState], case_azState[iTo]);
      err_hint(e, "see the workflow in docs/complaints.md");
      err_where(e, "/state");
      goto act_rollback;
    }
    q = store_prepare(s,
                      "UPDATE complaint SET state = :st, deadline = :dl, escalated = 0, updated_at = :now,"
                      " outcome = coalesce(:outcome, outcome), amount_recovered = coalesce(:amt, amount_recovered),"
                      " amount_currency = coalesce(:cur, amount_currency),"
                      " referral_country = coalesce(:country, referral_country) WHERE id = :id",
                      e);
    if (!q) goto act_rollback;
    stmt_bind_text(q, ":st", case_azState[iTo]);
    if (deadline_for(iTo, now)) stmt_bind_int(q, ":dl", deadline_for(iTo, now));
    else stmt_bind_null(q, ":dl");
    stmt_bind_int(q, ":now", now);
    bind_opt(q, ":outcome", zOutcome);
    if (zAmount) stmt_bind_int(q, ":amt", amount);
    else stmt_bind_null(q, ":amt");
    bind_opt(q, ":cur", zCur);
    bind_opt(q, ":country", zCountry);
    stmt_bind_int(q, ":id", id);
    rc = stmt_run(q, e);
    stmt_finalize(q);
    if (rc) goto act_rollback;
    /* State changes are what the complainant follows; notes stay internal unless marked. */
    if (add_event(s, &pii, id, who, zCountry ? "referred" : "state", case_azState[iState], case_azState[iTo], zNote,
                  json_is_true(json_object_get(jAct, "visible")), e))
      goto act_rollback;
    /* The complainant is told the new public status, never the note. */
    if (notify_case_state(s, &pii, id, case_azState[iTo], e)) goto act_rollback;
    if (zCountry) jRef = json_string(zCountry);
  } else {
    if (add_event(s, &pii, id, who, "note", NULL, NULL, zNote, json_is_true(json_object_get(jAct, "visible")), e))
      goto act_rollback;
  }
  if (audit_case(s, who, zVerb, id, zAddr, zAction, e)) goto act_rollback;
  /* Handing a case to another inspector ends this one's access: return a receipt. */
  acc.assignedTo = -1;
  if (load_access(s, id, &acc, NULL, e)) goto act_rollback;
  if (acc.assignedTo == who->accountId) {
    if (!(j = case_json(s, &pii, id, true, e))) goto act_rollback;
  } else {
    char zNum[16];
    case_number(id, zNum, sizeof zNum);
    j = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "case", zNum, "assigned_to",
                  jstr(jAct, "to") ? jstr(jAct, "to") : "");
  }
  if (jRef) {
    json_object_set_new(j, "referral", referral_json(j, json_string_value(jRef)));
    json_decref(jRef);
    jRef = NULL;
  }
  if (store_commit(s, e)) goto act_rollback;
  pii_close(&pii);
  return j;
act_rollback:
  store_rollback(s);
act_out:
  json_decref(j);
  json_decref(jRef);
  pii_close(&pii);
  return NULL;
}

json_t *case_search(Store *s, const Principal *who, const char *zKind, const char *zValue, const char *zAddr,
                    Err *e) {
  static const char *const azKind[] = {"name", "passport", "phone", NULL};
  static const char *const azSql[] = {
    "SELECT id, category, language, state, received_at, coalesce(deadline, 0), escalated FROM complaint"
    " WHERE name_bidx = :h AND assigned_to = :me ORDER BY id",
    "SELECT id, category, language, state, received_at, coalesce(deadline, 0), escalated FROM complaint"
    " WHERE passport_bidx = :h AND assigned_to = :me ORDER BY id",
    "SELECT id, category, language, state, received_at, coalesce(deadline, 0), escalated FROM complaint"
    " WHERE phone_bidx = :h AND assigned_to = :me ORDER BY id",
  };
  int k = find_word(azKind, zKind);
  Pii pii;
  char zHash[33];
  json_t *a = NULL;
  Stmt *q;
  int rc;
  if (policy_check("case.search", who, e)) return NULL;
  if (k < 0) {
    err_set(e, ERR_INVALID, "search by name, passport or phone");
    return NULL;
  }
  if (!zValue || !zValue[0] || strlen(zValue) > 200 || !utf8_valid_text(zValue, strlen(zValue))) {
    err_set(e, ERR_INVALID, "the %s to search for must be 1 to 200 bytes of text", zKind);
    err_where(e, "%s", zKind);
    return NULL;
  }
  if (pii_open(s, 0, &pii, e)) return NULL;
  pii_blind_index(&pii, zKind, zValue, zHash);
  pii_close(&pii);
  if (store_begin(s, e)) return NULL;
  q = store_prepare(s, azSql[k], e);
  if (!q) goto search_fail;
  stmt_bind_text(q, ":h", zHash);
  stmt_bind_int(q, ":me", who->accountId);
  a = json_array();
  while ((rc = stmt_step(q, e)) == 1) {
    char zNum[16];
    case_number(stmt_int(q, 0), zNum, sizeof zNum);
    json_array_append_new(a, json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)stmt_int(q, 0), "case", zNum,
                                       "category", stmt_text(q, 1), "state", stmt_text(q, 3)));
  }
  stmt_finalize(q);
  /* The audit entry says what kind of identifier was searched, never its value. */
  if (rc < 0 || audit(s, who, "case.search", zKind, zAddr, NULL, e) || store_commit(s, e)) goto search_fail;
  return json_pack("{s:o}", "cases", a);
search_fail:
  json_decref(a);
  store_rollback(s);
  return NULL;
}

json_t *case_stats(Store *s, const char *zBy, int nMin, Err *e) {
  static const char *const azBy[] = {"category", "state", "language", "employer_country", "agency_licence", NULL};
  static const char *const azSql[] = {
    "SELECT category, count(*) FROM complaint GROUP BY 1 ORDER BY 1",
    "SELECT state, count(*) FROM complaint GROUP BY 1 ORDER BY 1",
    "SELECT language, count(*) FROM complaint GROUP BY 1 ORDER BY 1",
    "SELECT employer_country, count(*) FROM complaint GROUP BY 1 ORDER BY 1",
    "SELECT agency_licence, count(*) FROM complaint GROUP BY 1 ORDER BY 1",
  };
  int k = find_word(azBy, zBy ? zBy : "category"), rc, nSupp = 0, iSmall = -1;
  int64_t total = 0, smallest = INT64_MAX;
  json_t *a, *o;
  size_t i;
  Stmt *q;
  if (k < 0) {
    err_set(e, ERR_INVALID, "by must be category, state, language, employer_country or agency_licence");
    err_where(e, "by");
    return NULL;
  }
  q = store_prepare(s, azSql[k], e);
  if (!q) return NULL;
  a = json_array();
  while ((rc = stmt_step(q, e)) == 1) {
    int64_t n = stmt_int(q, 1);
    total += n;
    json_array_append_new(a, json_pack("{s:s?, s:I}", "value", stmt_text(q, 0), "count", (json_int_t)n));
  }
  stmt_finalize(q);
  if (rc < 0) {
    json_decref(a);
    return NULL;
  }
  /* Primary suppression: cells under nMin. Secondary: a lone suppressed cell
  ** could be recovered from the total, so the next smallest goes too. */
  json_array_foreach(a, i, o) {
    int64_t n = json_integer_value(json_object_get(o, "count"));
    if (n < nMin) {
      json_object_set_new(o, "suppressed", json_true());
      nSupp++;
    } else if (n < smallest) {
      smallest = n;
      iSmall = (int)i;
    }
  }
  if (nSupp == 1 && iSmall >= 0) json_object_set_new(json_array_get(a, (size_t)iSmall), "suppressed", json_true());
  json_array_foreach(a, i, o) {
    if (json_is_true(json_object_get(o, "suppressed"))) json_object_set_new(o, "count", json_null());
    else json_object_set_new(o, "suppressed", json_false());
  }
  return json_pack("{s:s, s:i, s:o, s:o}", "by", azBy[k], "min_cell", nMin, "cells", a, "total",
                   total >= nMin ? json_integer(total) : json_null());
}

int case_escalate(Store *s, int64_t now, int *pn, Err *e) {
  Stmt *q;
  int rc, nId = 0, nAlloc = 0;
  int64_t *aId = NULL;
  *pn = 0;
  if (store_begin(s, e)) return -1;
  /* The cases about to be escalated, for their notices (notify.c). */
  q = store_prepare(s,
                    "SELECT id FROM complaint WHERE deadline IS NOT NULL AND deadline < :now AND escalated = 0"
                    " AND state <> 'closed' ORDER BY id",
                    e);
  if (!q) goto esc_fail;
  stmt_bind_int(q, ":now", now);
  while ((rc = stmt_step(q, e)) == 1) {
    if (nId == nAlloc) aId = xrealloc(aId, sizeof(int64_t) * (size_t)(nAlloc = nAlloc ? 2 * nAlloc : 16));
    aId[nId++] = stmt_int(q, 0);
  }
  stmt_finalize(q);
  if (rc < 0) goto esc_fail;
  q = store_prepare(s,
                    "INSERT INTO complaint_event(complaint_id, at, kind, state_from, state_to, visible)"
                    " SELECT id, :now, 'escalated', state, state, 0 FROM complaint"
                    " WHERE deadline IS NOT NULL AND deadline < :now AND escalated = 0 AND state <> 'closed'",
                    e);
  if (!q) goto esc_fail;
  stmt_bind_int(q, ":now", now);
  rc = stmt_run(q, e);
  stmt_finalize(q);
  if (rc) goto esc_fail;
  *pn = store_changes(s);
  q = store_prepare(s,
                    "UPDATE complaint SET escalated = 1 WHERE deadline IS NOT NULL AND deadline < :now AND escalated = 0"
                    " AND state <> 'closed'",
                    e);
  if (!q) goto esc_fail;
  stmt_bind_int(q, ":now", now);
  rc = stmt_run(q, e);
  stmt_finalize(q);
  if (rc) goto esc_fail;
  if (nId > 0) {
    Pii pii;
    if (pii_open(s, 0, &pii, e)) goto esc_fail;
    for (int i = 0; i < nId && rc == 0; i++) rc = notify_case_escalated(s, &pii, aId[i], e);
    pii_close(&pii);
    if (rc) goto esc_fail;
  }
  if (store_commit(s, e)) goto esc_fail;
  free(aId);
  return 0;
esc_fail:
  free(aId);
  *pn = 0;
  store_rollback(s);
  return -1;
}
