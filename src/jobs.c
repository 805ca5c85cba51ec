/*
** jobs.c: the job-matching register (see jobs.h and docs/matching.md).
**
** One validator per kind turns a JSON object into rows; CSV rows are first
** turned into the same JSON object (list columns split on ';', sub-fields on
** '|'), so both formats share every check and every error message. Errors name
** the field as a JSON pointer; imports prefix FILE:LINE.
*/
#include "jobs.h"
#include "audit.h"
#include "csv.h"
#include "i18n.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define REF_MAX 64
#define TEXT_MAX 200
#define LIST_MAX 200
#define ESCO_OCC_PREFIX "http://data.europa.eu/esco/occupation/"
#define ESCO_SKILL_PREFIX "http://data.europa.eu/esco/skill/"

static const char *const azCefr[] = {"", "A1", "A2", "B1", "B2", "C1", "C2", "native"};

const char *jobs_cefr_name(int level) { return level >= 1 && level <= 7 ? azCefr[level] : ""; }

int jobs_cefr_parse(const char *z, int *pLevel) {
  for (int i = 1; i <= 7; i++)
    if (z && strcasecmp(z, azCefr[i]) == 0) {
      *pLevel = i;
      return 0;
    }
  return -1;
}

int jobs_date_days(const char *z) {
  static const int aDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int y, m, d;
  if (!z || strlen(z) != 10 || z[4] != '-' || z[7] != '-') return -1;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && (z[i] < '0' || z[i] > '9')) return -1;
  y = (z[0] - '0') * 1000 + (z[1] - '0') * 100 + (z[2] - '0') * 10 + (z[3] - '0');
  m = (z[5] - '0') * 10 + (z[6] - '0');
  d = (z[8] - '0') * 10 + (z[9] - '0');
  if (y < 1970 || y > 2200 || m < 1 || m > 12 || d < 1) return -1;
  bool bLeap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d > aDays[m - 1] + (m == 2 && bLeap)) return -1;
  /* days from civil (Howard Hinnant's algorithm) */
  y -= m <= 2;
  int era = y / 400;
  int yoe = y - era * 400;
  int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void jobs_today(char z[11]) {
  const char *zEnv = getenv("LMIS_TODAY");
  if (zEnv && jobs_date_days(zEnv) >= 0) {
    memcpy(z, zEnv, 11);
    return;
  }
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(z, 11, "%Y-%m-%d", &tm);
}

/* ---- validation context ---- */

typedef struct Val {
  Store *s;
  Err *e;
  Stmt *qCountry, *qLang, *qIsco, *qEscoId, *qEscoUri, *qSkillId, *qSkillUri, *qCurrency, *qAccount;
} Val;

static void val_init(Val *v, Store *s, Err *e) {
  memset(v, 0, sizeof *v);
  v->s = s;
  v->e = e;
}

static void val_free(Val *v) {
  stmt_finalize(v->qCountry);
  stmt_finalize(v->qLang);
  stmt_finalize(v->qIsco);
  stmt_finalize(v->qEscoId);
  stmt_finalize(v->qEscoUri);
  stmt_finalize(v->qSkillId);
  stmt_finalize(v->qSkillUri);
  stmt_finalize(v->qCurrency);
  stmt_finalize(v->qAccount);
}

/* Fail with ERR_INVALID at JSON pointer zPtr. */
static int bad(Val *v, const char *zPtr, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int bad(Val *v, const char *zPtr, const char *fmt, ...) {
  char zMsg[300];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(zMsg, sizeof zMsg, fmt, ap);
  va_end(ap);
  err_set(v->e, ERR_INVALID, "%s: %s", zPtr, zMsg);
  err_where(v->e, "%s", zPtr);
  return -1;
}

/* Run a one-parameter lookup; 1 found (first column into *pOut if given), 0 not, -1 error. */
static int lookup(Val *v, Stmt **pq, const char *zSql, const char *zText, int64_t iVal, bool bText,
                  int64_t *pOut, char *zOut, size_t nOut) {
  int rc;
  if (!*pq) {
    *pq = store_prepare(v->s, zSql, v->e);
    if (!*pq) return -1;
  }
  stmt_reset(*pq);
  if (bText) stmt_bind_text(*pq, ":k", zText);
  else stmt_bind_int(*pq, ":k", iVal);
  rc = stmt_step(*pq, v->e);
  if (rc == 1) {
    if (pOut) *pOut = stmt_int(*pq, 0);
    if (zOut) snprintf(zOut, nOut, "%s", stmt_text(*pq, 1) ? stmt_text(*pq, 1) : "");
  }
  return rc;
}

/* A string field; NULL when absent or null (then only an error if bRequired). */
static int get_str(Val *v, json_t *o, const char *zKey, const char *zPtr, size_t nMax, bool bRequired,
                   const char **pz) {
  json_t *j = json_object_get(o, zKey);
  *pz = NULL;
  if (!j || json_is_null(j)) {
    if (bRequired) return bad(v, zPtr, "is required");
    return 0;
  }
  if (!json_is_string(j)) return bad(v, zPtr, "must be a string");
  const char *z = json_string_value(j);
  size_t n = json_string_length(j);
  if (n > nMax) return bad(v, zPtr, "is longer than %zu bytes", nMax);
  if (!utf8_valid_text(z, n)) return bad(v, zPtr, "must be text without control characters");
  if (bRequired && z[strspn(z, " \t")] == 0) return bad(v, zPtr, "must not be empty");
  *pz = z;
  return 0;
}

static int get_int(Val *v, json_t *o, const char *zKey, const char *zPtr, long long lo, long long hi,
                   bool bRequired, long long iDefault, long long *p) {
  json_t *j = json_object_get(o, zKey);
  *p = iDefault;
  if (!j || json_is_null(j)) return bRequired ? bad(v, zPtr, "is required") : 0;
  if (!json_is_integer(j)) return bad(v, zPtr, "must be a whole number");
  *p = json_integer_value(j);
  if (*p < lo || *p > hi) return bad(v, zPtr, "must be from %lld to %lld, not %lld", lo, hi, *p);
  return 0;
}

static int get_country(Val *v, json_t *o, const char *zKey, const char *zPtr, bool bRequired, const char **pz) {
  if (get_str(v, o, zKey, zPtr, 2, bRequired, pz)) return -1;
  if (!*pz) return 0;
  int rc = lookup(v, &v->qCountry, "SELECT 1 FROM country WHERE alpha2 = :k", *pz, 0, true, NULL, NULL, 0);
  if (rc < 0) return -1;
  if (rc == 0) return bad(v, zPtr, "\"%s\" is not an ISO 3166-1 alpha-2 country code (e.g. PH, DE)", *pz);
  return 0;
}

static int get_date(Val *v, json_t *o, const char *zKey, const char *zPtr, bool bRequired, const char **pz) {
  if (get_str(v, o, zKey, zPtr, 10, bRequired, pz)) return -1;
  if (*pz && jobs_date_days(*pz) < 0) return bad(v, zPtr, "\"%s\" is not a date YYYY-MM-DD", *pz);
  return 0;
}

/* An ISCO-08 code of the given level (0: any level) that exists. */
static int check_isco(Val *v, const char *z, int level, const char *zPtr) {
  int64_t lev = 0;
  int rc = lookup(v, &v->qIsco, "SELECT level FROM isco_group WHERE code = :k", z, 0, true, &lev, NULL, 0);
  if (rc < 0) return -1;
  if (rc == 0) return bad(v, zPtr, "\"%s\" is not an ISCO-08 code", z);
  if (level && lev != level) return bad(v, zPtr, "\"%s\" must be an ISCO-08 unit group (4 digits)", z);
  return 0;
}

/* An ESCO occupation by id or URI; *pId and its ISCO unit code. */
static int get_esco(Val *v, json_t *j, const char *zPtr, int64_t *pId, char zIsco[8]) {
  int rc;
  if (json_is_integer(j)) {
    rc = lookup(v, &v->qEscoId, "SELECT id, isco_code FROM esco_occupation WHERE id = :k", NULL,
                json_integer_value(j), false, pId, zIsco, 8);
  } else if (json_is_string(j)) {
    rc = lookup(v, &v->qEscoUri, "SELECT id, isco_code FROM esco_occupation WHERE uri = :k", json_string_value(j),
                0, true, pId, zIsco, 8);
  } else {
    return bad(v, zPtr, "must be an ESCO occupation id or URI");
  }
  if (rc < 0) return -1;
  if (rc == 0) return bad(v, zPtr, "is not an ESCO occupation (id or URI " ESCO_OCC_PREFIX "...)");
  return 0;
}

static int get_skill(Val *v, json_t *j, const char *zPtr, int64_t *pId) {
  int rc;
  if (json_is_integer(j)) {
    rc = lookup(v, &v->qSkillId, "SELECT id FROM esco_skill WHERE id = :k", NULL, json_integer_value(j), false, pId,
                NULL, 0);
  } else if (json_is_string(j)) {
    rc = lookup(v, &v->qSkillUri, "SELECT id FROM esco_skill WHERE uri = :k", json_string_value(j), 0, true, pId,
                NULL, 0);
  } else {
    return bad(v, zPtr, "must be an ESCO skill id or URI");
  }
  if (rc < 0) return -1;
  if (rc == 0) return bad(v, zPtr, "is not an ESCO skill (id or URI " ESCO_SKILL_PREFIX "...)");
  return 0;
}

static int get_array(Val *v, json_t *o, const char *zKey, const char *zPtr, json_t **pa) {
  json_t *a = json_object_get(o, zKey);
  *pa = NULL;
  if (!a || json_is_null(a)) return 0;
  if (!json_is_array(a)) return bad(v, zPtr, "must be an array");
  if (json_array_size(a) > LIST_MAX) return bad(v, zPtr, "has more than %d entries", LIST_MAX);
  *pa = a;
  return 0;
}

/* Reject members the format does not have: a typo must not be silently dropped. */
static int check_keys(Val *v, json_t *o, const char *zBase, const char *const *azKey) {
  const char *zKey;
  json_t *j;
  json_object_foreach(o, zKey, j) {
    int i;
    for (i = 0; azKey[i]; i++)
      if (strcmp(zKey, azKey[i]) == 0) break;
    if (!azKey[i]) {
      char zPtr[128];
      snprintf(zPtr, sizeof zPtr, "%s/%.60s", zBase, zKey);
      return bad(v, zPtr, "unknown field");
    }
  }
  return 0;
}

static int run(Val *v, Stmt *q) {
  int rc = stmt_run(q, v->e);
  stmt_finalize(q);
  return rc;
}

/* Languages [{lang, level}] into zTable (seeker_language or vacancy_language). */
static int put_languages(Val *v, json_t *o, const char *zSql, int64_t id) {
  json_t *a, *x;
  size_t i;
  char zPtr[64];
  static const char *const azKey[] = {"lang", "level", NULL};
  if (get_array(v, o, "languages", "/languages", &a)) return -1;
  json_array_foreach(a, i, x) {
    const char *zLang, *zLevel;
    int level;
    snprintf(zPtr, sizeof zPtr, "/languages/%zu", i);
    if (!json_is_object(x)) return bad(v, zPtr, "must be an object {\"lang\": \"en\", \"level\": \"B2\"}");
    if (check_keys(v, x, zPtr, azKey)) return -1;
    snprintf(zPtr, sizeof zPtr, "/languages/%zu/lang", i);
    if (get_str(v, x, "lang", zPtr, 2, true, &zLang)) return -1;
    int rc = lookup(v, &v->qLang, "SELECT 1 FROM language WHERE alpha2 = :k", zLang, 0, true, NULL, NULL, 0);
    if (rc < 0) return -1;
    if (rc == 0) return bad(v, zPtr, "\"%s\" is not an ISO 639-1 language code (e.g. en, fr)", zLang);
    snprintf(zPtr, sizeof zPtr, "/languages/%zu/level", i);
    if (get_str(v, x, "level", zPtr, 8, true, &zLevel)) return -1;
    if (jobs_cefr_parse(zLevel, &level)) return bad(v, zPtr, "must be a CEFR level A1 to C2 or \"native\"");
    Stmt *q = store_prepare(v->s, zSql, v->e);
    if (!q) return -1;
    stmt_bind_int(q, ":id", id);
    stmt_bind_text(q, ":lang", zLang);
    stmt_bind_int(q, ":level", level);
    if (run(v, q)) {
      if (strstr(v->e->zMsg ? v->e->zMsg : "", "UNIQUE")) {
        snprintf(zPtr, sizeof zPtr, "/languages/%zu", i);
        return bad(v, zPtr, "language %s is listed twice", zLang);
      }
      return -1;
    }
  }
  return 0;
}

/* ---- seekers ---- */

static const char *const azSeekerKey[] = {"id", "ref", "account", "sex", "birth_year", "citizenship", "residence",
                                          "isced", "isced_field", "occupations", "skills", "languages",
                                          "destinations", "qualifications", "available_from", "status", NULL};

static int seeker_put(Val *v, json_t *o, int64_t id, bool bUpsert, int64_t accountId, int64_t *pId) {
  const char *zRef, *zSex, *zCit, *zRes, *zField, *zAvail, *zStatus, *zAccount;
  long long birth, isced;
  json_t *a, *x;
  size_t i;
  char zPtr[160];
  Stmt *q;
  int64_t idAccount = 0;
  static const char *const azOccKey[] = {"isco", "esco", "years", NULL};
  static const char *const azQualKey[] = {"title", "isced", "country", "isco", "recognition", NULL};
  static const char *const azRecKey[] = {"country", "status", "authority", "date", NULL};

  if (!json_is_object(o)) return bad(v, "", "a seeker must be a JSON object");
  if (check_keys(v, o, "", azSeekerKey)) return -1;
  if (get_str(v, o, "ref", "/ref", REF_MAX, true, &zRef)) return -1;
  if (get_str(v, o, "sex", "/sex", 1, true, &zSex)) return -1;
  if (strcmp(zSex, "F") && strcmp(zSex, "M") && strcmp(zSex, "O")) return bad(v, "/sex", "must be F, M or O");
  if (get_int(v, o, "birth_year", "/birth_year", 1900, 2100, false, 0, &birth)) return -1;
  if (get_country(v, o, "citizenship", "/citizenship", true, &zCit)) return -1;
  if (get_country(v, o, "residence", "/residence", true, &zRes)) return -1;
  if (get_int(v, o, "isced", "/isced", 0, 8, true, 0, &isced)) return -1;
  if (get_str(v, o, "isced_field", "/isced_field", 8, false, &zField)) return -1;
  if (get_date(v, o, "available_from", "/available_from", false, &zAvail)) return -1;
  if (get_str(v, o, "status", "/status", 8, false, &zStatus)) return -1;
  if (!zStatus) zStatus = "open";
  if (strcmp(zStatus, "open") && strcmp(zStatus, "closed")) return bad(v, "/status", "must be open or closed");
  if (accountId > 0) {
    idAccount = accountId;
  } else {
    if (get_str(v, o, "account", "/account", 64, false, &zAccount)) return -1;
    if (zAccount) {
      int rc = lookup(v, &v->qAccount, "SELECT id FROM account WHERE username = :k", zAccount, 0, true, &idAccount,
                      NULL, 0);
      if (rc < 0) return -1;
      if (rc == 0) return bad(v, "/account", "no account \"%s\"", zAccount);
    }
  }

  /* Find an existing record by id or ref. */
  q = store_prepare(v->s, "SELECT id FROM seeker WHERE ref = :ref", v->e);
  if (!q) return -1;
  stmt_bind_text(q, ":ref", zRef);
  int rc = stmt_step(q, v->e);
  int64_t idRef = rc == 1 ? stmt_int(q, 0) : 0;
  stmt_finalize(q);
  if (rc < 0) return -1;
  if (id == 0 && idRef) {
    if (!bUpsert) {
      bad(v, "/ref", "a seeker with ref \"%s\" already exists (id %lld)", zRef, (long long)idRef);
      v->e->code = ERR_CONFLICT;
      return -1;
    }
    id = idRef;
  } else if (id && idRef && idRef != id) {
    bad(v, "/ref", "ref \"%s\" belongs to seeker %lld", zRef, (long long)idRef);
    v->e->code = ERR_CONFLICT;
    return -1;
  }
  if (id) {
    q = store_prepare(v->s,
                      "UPDATE seeker SET ref=:ref, account_id=coalesce(:acc, account_id), sex=:sex, birth_year=:by, "
                      "citizenship=:cit, residence=:res, isced=:isced, isced_field=:field, available_from=:avail, "
                      "status=:status, updated_at=:now WHERE id=:id",
                      v->e);
  } else {
    q = store_prepare(v->s,
                      "INSERT INTO seeker(ref, account_id, sex, birth_year, citizenship, residence, isced, isced_field, "
                      "available_from, status, updated_at) VALUES(:ref, :acc, :sex, :by, :cit, :res, :isced, :field, "
                      ":avail, :status, :now)",
                      v->e);
  }
  if (!q) return -1;
  if (id) stmt_bind_int(q, ":id", id);
  stmt_bind_text(q, ":ref", zRef);
  if (idAccount) stmt_bind_int(q, ":acc", idAccount);
  else stmt_bind_null(q, ":acc");
  stmt_bind_text(q, ":sex", zSex);
  if (birth) stmt_bind_int(q, ":by", birth);
  else stmt_bind_null(q, ":by");
  stmt_bind_text(q, ":cit", zCit);
  stmt_bind_text(q, ":res", zRes);
  stmt_bind_int(q, ":isced", isced);
  stmt_bind_text(q, ":field", zField);
  stmt_bind_text(q, ":avail", zAvail);
  stmt_bind_text(q, ":status", zStatus);
  stmt_bind_int(q, ":now", now_seconds());
  if (run(v, q)) {
    if (v->e->zMsg && strstr(v->e->zMsg, "account_id")) {
      bad(v, "/account", "this account already has a seeker profile");
      v->e->code = ERR_CONFLICT;
    }
    return -1;
  }
  if (!id) id = store_last_id(v->s);
  *pId = id;

  static const char *const azDel[] = {
    "DELETE FROM seeker_occupation WHERE seeker_id = :id", "DELETE FROM seeker_skill WHERE seeker_id = :id",
    "DELETE FROM seeker_language WHERE seeker_id = :id", "DELETE FROM seeker_destination WHERE seeker_id = :id",
    "DELETE FROM qualification WHERE seeker_id = :id"};
  for (size_t k = 0; k < COUNT(azDel); k++) {
    q = store_prepare(v->s, azDel[k], v->e);
    if (!q) return -1;
    stmt_bind_int(q, ":id", id);
    if (run(v, q)) return -1;
  }

  if (get_array(v, o, "occupations", "/occupations", &a)) return -1;
  json_array_foreach(a, i, x) {
    const char *zIsco;
    long long years;
    int64_t idEsco = 0;
    char zEscoIsco[8] = "";
    snprintf(zPtr, sizeof zPtr, "/occupations/%zu", i);
    if (!json_is_object(x)) return bad(v, zPtr, "must be an object {\"isco\", \"esco\", \"years\"}");
    if (check_keys(v, x, zPtr, azOccKey)) return -1;
    json_t *jEsco = json_object_get(x, "esco");
    if (jEsco && !json_is_null(jEsco)) {
      snprintf(zPtr, sizeof zPtr, "/occupations/%zu/esco", i);
      if (get_esco(v, jEsco, zPtr, &idEsco, zEscoIsco)) return -1;
    }
    snprintf(zPtr, sizeof zPtr, "/occupations/%zu/isco", i);
    if (get_str(v, x, "isco", zPtr, 4, !idEsco, &zIsco)) return -1;
    if (zIsco && check_isco(v, zIsco, 4, zPtr)) return -1;
    if (!zIsco) zIsco = zEscoIsco;
    if (idEsco && strcmp(zIsco, zEscoIsco) != 0)
      return bad(v, zPtr, "ISCO %s does not match the ESCO occupation's unit group %s", zIsco, zEscoIsco);
    snprintf(zPtr, sizeof zPtr, "/occupations/%zu/years", i);
    if (get_int(v, x, "years", zPtr, 0, 70, false, 0, &years)) return -1;
    q = store_prepare(v->s,
                      "INSERT INTO seeker_occupation(seeker_id, position, isco_code, esco_id, years) "
                      "VALUES(:id, :pos, :isco, :esco, :years)",
                      v->e);
    if (!q) return -1;
    stmt_bind_int(q, ":id", id);
    stmt_bind_int(q, ":pos", (int64_t)i);
    stmt_bind_text(q, ":isco", zIsco);
    if (idEsco) stmt_bind_int(q, ":esco", idEsco);
    else stmt_bind_null(q, ":esco");
    stmt_bind_int(q, ":years", years);
    if (run(v, q)) return -1;
  }

  if (get_array(v, o, "skills", "/skills", &a)) return -1;
  json_array_foreach(a, i, x) {
    int64_t idSkill;
    snprintf(zPtr, sizeof zPtr, "/skills/%zu", i);
    if (get_skill(v, x, zPtr, &idSkill)) return -1;
    q = store_prepare(v->s, "INSERT OR IGNORE INTO seeker_skill(seeker_id, skill_id) VALUES(:id, :skill)", v->e);
    if (!q) return -1;
    stmt_bind_int(q, ":id", id);
    stmt_bind_int(q, ":skill", idSkill);
    if (run(v, q)) return -1;
  }

  if (put_languages(v, o, "INSERT INTO seeker_language(seeker_id, lang, level) VALUES(:id, :lang, :level)", id))
    return -1;

  if (get_array(v, o, "destinations", "/destinations", &a)) return -1;
  json_array_foreach(a, i, x) {
    const char *zC;
    snprintf(zPtr, sizeof zPtr, "/destinations/%zu", i);
    json_t *w = json_pack("{sO}", "c", x);
    int rcC = get_country(v, w, "c", zPtr, true, &zC);
    if (rcC == 0) {
      q = store_prepare(v->s, "INSERT OR IGNORE INTO seeker_destination(seeker_id, country) VALUES(:id, :c)", v->e);
      if (!q) rcC = -1;
      else {
        stmt_bind_int(q, ":id", id);
        stmt_bind_text(q, ":c", zC);
        rcC = run(v, q);
      }
    }
    json_decref(w);
    if (rcC) return -1;
  }

  if (get_array(v, o, "qualifications", "/qualifications", &a)) return -1;
  json_array_foreach(a, i, x) {
    const char *zTitle, *zC, *zIsco;
    long long qIsced;
    json_t *ar, *y;
    size_t k;
    snprintf(zPtr, sizeof zPtr, "/qualifications/%zu", i);
    if (!json_is_object(x)) return bad(v, zPtr, "must be an object {\"title\", \"isced\", \"country\", ...}");
    if (check_keys(v, x, zPtr, azQualKey)) return -1;
    snprintf(zPtr, sizeof zPtr, "/qualifications/%zu/title", i);
    if (get_str(v, x, "title", zPtr, TEXT_MAX, true, &zTitle)) return -1;
    snprintf(zPtr, sizeof zPtr, "/qualifications/%zu/isced", i);
    if (get_int(v, x, "isced", zPtr, 0, 8, true, 0, &qIsced)) return -1;
    snprintf(zPtr, sizeof zPtr, "/qualifications/%zu/country", i);
    if (get_country(v, x, "country", zPtr, true, &zC)) return -1;
    snprintf(zPtr, sizeof zPtr, "/qualifications/%zu/isco", i);
    if (get_str(v, x, "isco", zPtr, 4, false, &zIsco)) return -1;
    if (zIsco && check_isco(v, zIsco, 0, zPtr)) return -1;
    q = store_prepare(v->s,
                      "INSERT INTO qualification(seeker_id, title, isced, country, isco_code) "
                      "VALUES(:id, :title, :isced, :c, :isco)",
                      v->e);
    if (!q) return -1;
    stmt_bind_int(q, ":id", id);
    stmt_bind_text(q, ":title", zTitle);
    stmt_bind_int(q, ":isced", qIsced);
    stmt_bind_text(q, ":c", zC);
    stmt_bind_text(q, ":isco", zIsco);
    if (run(v, q)) return -1;
    int64_t idQual = store_last_id(v->s);
    snprintf(zPtr, sizeof zPtr, "/qualifications/%zu/recognition", i);
    char zBase[64];
    snprintf(zBase, sizeof zBase, "/qualifications/%zu/recognition", i);
    if (get_array(v, x, "recognition", zBase, &ar)) return -1;
    json_array_foreach(ar, k, y) {
      const char *zRc, *zSt, *zAuth, *zDate;
      snprintf(zPtr, sizeof zPtr, "%s/%zu", zBase, k);
      if (!json_is_object(y)) return bad(v, zPtr, "must be an object {\"country\", \"status\", ...}");
      if (check_keys(v, y, zPtr, azRecKey)) return -1;
      snprintf(zPtr, sizeof zPtr, "%s/%zu/country", zBase, k);
      if (get_country(v, y, "country", zPtr, true, &zRc)) return -1;
      snprintf(zPtr, sizeof zPtr, "%s/%zu/status", zBase, k);
      if (get_str(v, y, "status", zPtr, 16, true, &zSt)) return -1;
      if (strcmp(zSt, "recognised") && strcmp(zSt, "partial") && strcmp(zSt, "refused") && strcmp(zSt, "pending"))
        return bad(v, zPtr, "must be recognised, partial, refused or pending");
      snprintf(zPtr, sizeof zPtr, "%s/%zu/authority", zBase, k);
      if (get_str(v, y, "authority", zPtr, TEXT_MAX, false, &zAuth)) return -1;
      snprintf(zPtr, sizeof zPtr, "%s/%zu/date", zBase, k);
      if (get_date(v, y, "date", zPtr, false, &zDate)) return -1;
      q = store_prepare(v->s,
                        "INSERT INTO recognition(qualification_id, country, status, authority, decided_on) "
                        "VALUES(:q, :c, :st, :auth, :date)",
                        v->e);
      if (!q) return -1;
      stmt_bind_int(q, ":q", idQual);
      stmt_bind_text(q, ":c", zRc);
      stmt_bind_text(q, ":st", zSt);
      stmt_bind_text(q, ":auth", zAuth);
      stmt_bind_text(q, ":date", zDate);
      if (run(v, q)) {
        snprintf(zPtr, sizeof zPtr, "%s/%zu/country", zBase, k);
        return bad(v, zPtr, "two decisions for country %s", zRc);
      }
    }
  }
  return 0;
}

/* ---- vacancies ---- */

static const char *const azVacancyKey[] = {
  "id", "ref", "employer", "country", "region", "isco", "esco", "essential_skills", "optional_skills", "languages",
  "min_isced", "regulated", "wage", "currency", "contract_months", "positions", "agency_licence",
  "agency_licence_status", "status", "posted_on", "valid_until", NULL};

static int vacancy_put(Val *v, json_t *o, int64_t id, bool bUpsert, int64_t *pId) {
  const char *zRef, *zEmp, *zC, *zRegion, *zIsco, *zCur, *zLic, *zLicSt, *zStatus, *zPosted, *zUntil;
  long long minIsced, months, positions;
  int64_t idEsco = 0;
  char zEscoIsco[8] = "", zPtr[96], zToday[11];
  double wage = -1;
  bool bReg = false;
  json_t *j, *a, *x;
  size_t i;
  Stmt *q;
  int rc;

  if (!json_is_object(o)) return bad(v, "", "a vacancy must be a JSON object");
  if (check_keys(v, o, "", azVacancyKey)) return -1;
  if (get_str(v, o, "ref", "/ref", REF_MAX, true, &zRef)) return -1;
  if (get_str(v, o, "employer", "/employer", TEXT_MAX, true, &zEmp)) return -1;
  if (get_country(v, o, "country", "/country", true, &zC)) return -1;
  if (get_str(v, o, "region", "/region", TEXT_MAX, false, &zRegion)) return -1;
  j = json_object_get(o, "esco");
  if (j && !json_is_null(j) && get_esco(v, j, "/esco", &idEsco, zEscoIsco)) return -1;
  if (get_str(v, o, "isco", "/isco", 4, !idEsco, &zIsco)) return -1;
  if (zIsco && check_isco(v, zIsco, 4, "/isco")) return -1;
  if (!zIsco) zIsco = zEscoIsco;
  if (idEsco && strcmp(zIsco, zEscoIsco))
    return bad(v, "/isco", "ISCO %s does not match the ESCO occupation's unit group %s", zIsco, zEscoIsco);
  if (get_int(v, o, "min_isced", "/min_isced", 0, 8, false, 0, &minIsced)) return -1;
  j = json_object_get(o, "regulated");
  if (j && !json_is_null(j)) {
    if (!json_is_boolean(j)) return bad(v, "/regulated", "must be true or false");
    bReg = json_is_true(j);
  }
  j = json_object_get(o, "wage");
  if (j && !json_is_null(j)) {
    if (!json_is_number(j)) return bad(v, "/wage", "must be a number (gross monthly wage)");
    wage = json_number_value(j);
    if (wage < 0 || wage > 1e9) return bad(v, "/wage", "must be from 0 to 1000000000");
  }
  if (get_str(v, o, "currency", "/currency", 3, wage >= 0, &zCur)) return -1;
  if (zCur) {
    rc = lookup(v, &v->qCurrency, "SELECT 1 FROM currency WHERE code = :k", zCur, 0, true, NULL, NULL, 0);
    if (rc < 0) return -1;
    if (rc == 0) return bad(v, "/currency", "\"%s\" is not an ISO 4217 currency code", zCur);
  }
  if (get_int(v, o, "contract_months", "/contract_months", 1, 600, false, 0, &months)) return -1;
  if (get_int(v, o, "positions", "/positions", 1, 100000, false, 1, &positions)) return -1;
  if (get_str(v, o, "agency_licence", "/agency_licence", REF_MAX, false, &zLic)) return -1;
  if (get_str(v, o, "agency_licence_status", "/agency_licence_status", 16, false, &zLicSt)) return -1;
  if (zLicSt && strcmp(zLicSt, "valid") && strcmp(zLicSt, "suspended") && strcmp(zLicSt, "revoked") &&
      strcmp(zLicSt, "expired") && strcmp(zLicSt, "unknown"))
    return bad(v, "/agency_licence_status", "must be valid, suspended, revoked, expired or unknown");
  if (zLicSt && !zLic) return bad(v, "/agency_licence_status", "is only meaningful with an agency_licence");
  if (zLic && !zLicSt) zLicSt = "unknown";
  if (get_str(v, o, "status", "/status", 8, false, &zStatus)) return -1;
  if (!zStatus) zStatus = "open";
  if (strcmp(zStatus, "open") && strcmp(zStatus, "filled") && strcmp(zStatus, "closed"))
    return bad(v, "/status", "must be open, filled or closed");
  jobs_today(zToday);
  if (get_date(v, o, "posted_on", "/posted_on", false, &zPosted)) return -1;
  if (!zPosted) zPosted = zToday;
  if (get_date(v, o, "valid_until", "/valid_until", true, &zUntil)) return -1;
  if (strcmp(zUntil, zPosted) < 0) return bad(v, "/valid_until", "is before posted_on (%s)", zPosted);

  q = store_prepare(v->s, "SELECT id FROM vacancy WHERE ref = :ref", v->e);
  if (!q) return -1;
  stmt_bind_text(q, ":ref", zRef);
  rc = stmt_step(q, v->e);
  int64_t idRef = rc == 1 ? stmt_int(q, 0) : 0;
  stmt_finalize(q);
  if (rc < 0) return -1;
  if (id == 0 && idRef) {
    if (!bUpsert) {
      bad(v, "/ref", "a vacancy with ref \"%s\" already exists (id %lld)", zRef, (long long)idRef);
      v->e->code = ERR_CONFLICT;
      return -1;
    }
    id = idRef;
  } else if (id && idRef && idRef != id) {
    bad(v, "/ref", "ref \"%s\" belongs to vacancy %lld", zRef, (long long)idRef);
    v->e->code = ERR_CONFLICT;
    return -1;
  }
  if (id) {
    q = store_prepare(v->s,
                      "UPDATE vacancy SET ref=:ref, employer=:emp, country=:c, region=:region, isco_code=:isco, "
                      "esco_id=:esco, min_isced=:mi, regulated=:reg, wage=:wage, currency=:cur, "
                      "contract_months=:months, positions=:pos, agency_licence=:lic, agency_licence_status=:licst, "
                      "status=:status, posted_on=:posted, valid_until=:until, updated_at=:now WHERE id=:id",
                      v->e);
  } else {
    q = store_prepare(v->s,
                      "INSERT INTO vacancy(ref, employer, country, region, isco_code, esco_id, min_isced, regulated, "
                      "wage, currency, contract_months, positions, agency_licence, agency_licence_status, status, "
                      "posted_on, valid_until, updated_at) VALUES(:ref, :emp, :c, :region, :isco, :esco, :mi, :reg, "
                      ":wage, :cur, :months, :pos, :lic, :licst, :status, :posted, :until, :now)",
                      v->e);
  }
  if (!q) return -1;
  if (id) stmt_bind_int(q, ":id", id);
  stmt_bind_text(q, ":ref", zRef);
  stmt_bind_text(q, ":emp", zEmp);
  stmt_bind_text(q, ":c", zC);
  stmt_bind_text(q, ":region", zRegion);
  stmt_bind_text(q, ":isco", zIsco);
  if (idEsco) stmt_bind_int(q, ":esco", idEsco);
  else stmt_bind_null(q, ":esco");
  stmt_bind_int(q, ":mi", minIsced);
  stmt_bind_int(q, ":reg", bReg);
  if (wage >= 0) stmt_bind_double(q, ":wage", wage);
  else stmt_bind_null(q, ":wage");
  stmt_bind_text(q, ":cur", zCur);
  if (months) stmt_bind_int(q, ":months", months);
  else stmt_bind_null(q, ":months");
  stmt_bind_int(q, ":pos", positions);
  stmt_bind_text(q, ":lic", zLic);
  stmt_bind_text(q, ":licst", zLicSt);
  stmt_bind_text(q, ":status", zStatus);
  stmt_bind_text(q, ":posted", zPosted);
  stmt_bind_text(q, ":until", zUntil);
  stmt_bind_int(q, ":now", now_seconds());
  if (run(v, q)) return -1;
  if (!id) id = store_last_id(v->s);
  *pId = id;

  static const char *const azDel[] = {"DELETE FROM vacancy_skill WHERE vacancy_id = :id",
                                      "DELETE FROM vacancy_language WHERE vacancy_id = :id"};
  for (size_t k = 0; k < COUNT(azDel); k++) {
    q = store_prepare(v->s, azDel[k], v->e);
    if (!q) return -1;
    stmt_bind_int(q, ":id", id);
    if (run(v, q)) return -1;
  }
  for (int ess = 1; ess >= 0; ess--) {
    const char *zKey = ess ? "essential_skills" : "optional_skills";
    char zBase[32];
    snprintf(zBase, sizeof zBase, "/%s", zKey);
    if (get_array(v, o, zKey, zBase, &a)) return -1;
    json_array_foreach(a, i, x) {
      int64_t idSkill;
      snprintf(zPtr, sizeof zPtr, "%s/%zu", zBase, i);
      if (get_skill(v, x, zPtr, &idSkill)) return -1;
      /* A skill listed as essential and optional counts as essential. */
      q = store_prepare(v->s,
                        "INSERT OR IGNORE INTO vacancy_skill(vacancy_id, skill_id, essential) VALUES(:id, :s, :e)",
                        v->e);
      if (!q) return -1;
      stmt_bind_int(q, ":id", id);
      stmt_bind_int(q, ":s", idSkill);
      stmt_bind_int(q, ":e", ess);
      if (run(v, q)) return -1;
    }
  }
  if (put_languages(v, o, "INSERT INTO vacancy_language(vacancy_id, lang, level) VALUES(:id, :lang, :level)", id))
    return -1;
  return 0;
}

/* ---- recognition arrangements ---- */

static const char *const azArrKey[] = {"id", "origin", "destination", "isco", "min_isced", "kind", "title", NULL};

static int arrangement_put(Val *v, json_t *o, int64_t id, int64_t *pId) {
  const char *zO, *zD, *zIsco, *zKind, *zTitle;
  long long minIsced;
  Stmt *q;
  if (!json_is_object(o)) return bad(v, "", "an arrangement must be a JSON object");
  if (check_keys(v, o, "", azArrKey)) return -1;
  if (get_country(v, o, "origin", "/origin", true, &zO)) return -1;
  if (get_country(v, o, "destination", "/destination", true, &zD)) return -1;
  if (strcmp(zO, zD) == 0) return bad(v, "/destination", "must differ from origin");
  if (get_str(v, o, "isco", "/isco", 4, false, &zIsco)) return -1;
  if (zIsco && check_isco(v, zIsco, 0, "/isco")) return -1;
  if (get_int(v, o, "min_isced", "/min_isced", 0, 8, false, 0, &minIsced)) return -1;
  if (get_str(v, o, "kind", "/kind", 16, true, &zKind)) return -1;
  if (strcmp(zKind, "automatic") && strcmp(zKind, "assessment")) return bad(v, "/kind", "must be automatic or assessment");
  if (get_str(v, o, "title", "/title", TEXT_MAX, true, &zTitle)) return -1;
  if (!id) {
    /* The same origin, destination, occupation and title: a re-import replaces it. */
    q = store_prepare(v->s,
                      "SELECT id FROM recognition_arrangement WHERE origin = :o AND destination = :d AND "
                      "coalesce(isco_code, '') = coalesce(:isco, '') AND title = :title",
                      v->e);
    if (!q) return -1;
    stmt_bind_text(q, ":o", zO);
    stmt_bind_text(q, ":d", zD);
    stmt_bind_text(q, ":isco", zIsco);
    stmt_bind_text(q, ":title", zTitle);
    int rc = stmt_step(q, v->e);
    if (rc == 1) id = stmt_int(q, 0);
    stmt_finalize(q);
    if (rc < 0) return -1;
  }
  if (id) {
    q = store_prepare(v->s,
                      "UPDATE recognition_arrangement SET origin=:o, destination=:d, isco_code=:isco, "
                      "min_isced=:mi, kind=:kind, title=:title WHERE id=:id",
                      v->e);
  } else {
    q = store_prepare(v->s,
                      "INSERT INTO recognition_arrangement(origin, destination, isco_code, min_isced, kind, title) "
                      "VALUES(:o, :d, :isco, :mi, :kind, :title)",
                      v->e);
  }
  if (!q) return -1;
  if (id) stmt_bind_int(q, ":id", id);
  stmt_bind_text(q, ":o", zO);
  stmt_bind_text(q, ":d", zD);
  stmt_bind_text(q, ":isco", zIsco);
  stmt_bind_int(q, ":mi", minIsced);
  stmt_bind_text(q, ":kind", zKind);
  stmt_bind_text(q, ":title", zTitle);
  if (run(v, q)) return -1;
  *pId = id ? id : store_last_id(v->s);
  return 0;
}

static const char *const azTable[] = {"seeker", "vacancy", "recognition arrangement"};

static int exists(Store *s, JobsKind k, int64_t id, Err *e) {
  static const char *const azSql[] = {"SELECT 1 FROM seeker WHERE id = :id", "SELECT 1 FROM vacancy WHERE id = :id",
                                      "SELECT 1 FROM recognition_arrangement WHERE id = :id"};
  Stmt *q = store_prepare(s, azSql[k], e);
  if (!q) return -1;
  stmt_bind_int(q, ":id", id);
  int rc = stmt_step(q, e);
  stmt_finalize(q);
  if (rc == 0) return err_set(e, ERR_NOT_FOUND, "no %s with id %lld", azTable[k], (long long)id);
  return rc < 0 ? -1 : 0;
}

int jobs_put_in_tx(Store *s, JobsKind k, json_t *obj, int64_t id, bool bUpsert, int64_t accountId, int64_t *pId,
                   Err *e) {
  Val v;
  int rc;
  if (id && exists(s, k, id, e)) return -1;
  val_init(&v, s, e);
  switch (k) {
    case JOBS_SEEKER: rc = seeker_put(&v, obj, id, bUpsert, accountId, pId); break;
    case JOBS_VACANCY: rc = vacancy_put(&v, obj, id, bUpsert, pId); break;
    default: rc = arrangement_put(&v, obj, id, pId); break;
  }
  val_free(&v);
  if (rc == 0) rc = jobs_touch(s, e);
  return rc;
}

int jobs_touch(Store *s, Err *e) {
  return store_exec(s,
                    "INSERT INTO meta(key, value) VALUES('jobs_generation', '1') ON CONFLICT(key) DO UPDATE SET"
                    " value = CAST(value AS INTEGER) + 1",
                    e);
}

int64_t jobs_generation(Store *s) {
  return store_int(s, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'jobs_generation'", 0);
}

int jobs_put(Store *s, JobsKind k, json_t *obj, int64_t id, int64_t accountId, int64_t *pId, Err *e) {
  if (store_begin(s, e)) return -1;
  if (jobs_put_in_tx(s, k, obj, id, false, accountId, pId, e)) {
    store_rollback(s);
    return -1;
  }
  return store_commit(s, e);
}

int64_t jobs_seeker_of_account(Store *s, int64_t accountId) {
  Err e = ERR_INIT;
  int64_t id = 0;
  Stmt *q = store_prepare(s, "SELECT id FROM seeker WHERE account_id = :a", &e);
  if (q) {
    stmt_bind_int(q, ":a", accountId);
    if (stmt_step(q, &e) == 1) id = stmt_int(q, 0);
    stmt_finalize(q);
  }
  err_clear(&e);
  return id;
}

int jobs_seeker_access(Store *s, const Principal *who, int64_t idSeeker, const char *zAction, const char *zAddr,
                       Err *e) {
  char zObj[32];
  Role r = who ? who->role : ROLE_PUBLIC;
  snprintf(zObj, sizeof zObj, "seeker:%lld", (long long)idSeeker);
  if (r == ROLE_MIGRANT) {
    if (who->accountId <= 0 || jobs_seeker_of_account(s, who->accountId) != idSeeker) {
      err_set(e, ERR_FORBIDDEN, "a migrant may only see their own profile and matches");
      err_hint(e, "open /jobs/me for your own profile");
      return -1;
    }
  } else if (r != ROLE_EMPLOYMENT_OFFICER && r != ROLE_ADMIN) {
    return err_set(e, ERR_FORBIDDEN, "the %s role may not see job seekers' personal data", role_name(r));
  }
  return audit(s, who && who->accountId > 0 ? who : NULL, zAction, zObj, zAddr, NULL, e);
}

/* ---- reading ---- */

static json_t *jtext(const char *z) { return z ? json_string(z) : json_null(); }

/* Rows of one query into an array of objects built by xRow. */
static int each_row(Store *s, const char *zSql, int64_t id, json_t *a, json_t *(*xRow)(Stmt *, const char *),
                    const char *zLang, Err *e) {
  Stmt *q = store_prepare(s, zSql, e);
  int rc;
  if (!q) return -1;
  stmt_bind_int(q, ":id", id);
  while ((rc = stmt_step(q, e)) == 1) json_array_append_new(a, xRow(q, zLang));
  stmt_finalize(q);
  return rc < 0 ? -1 : 0;
}

static json_t *row_occupation(Stmt *q, const char *zLang) {
  (void)zLang;
  json_t *o = json_pack("{ss}", "isco", stmt_text(q, 0));
  json_object_set_new(o, "esco", jtext(stmt_text(q, 1)));
  json_object_set_new(o, "years", json_integer(stmt_int(q, 2)));
  json_object_set_new(o, "isco_title", jtext(stmt_text(q, 3)));
  json_object_set_new(o, "esco_title", jtext(stmt_text(q, 4)));
  return o;
}

static json_t *row_first(Stmt *q, const char *zLang) {
  (void)zLang;
  return jtext(stmt_text(q, 0));
}

static json_t *row_language(Stmt *q, const char *zLang) {
  (void)zLang;
  return json_pack("{ss ss}", "lang", stmt_text(q, 0), "level", jobs_cefr_name((int)stmt_int(q, 1)));
}

static json_t *row_skill(Stmt *q, const char *zLang) {
  (void)zLang;
  return json_pack("{ss ss}", "uri", stmt_text(q, 0), "title", stmt_text(q, 1));
}

static json_t *row_recognition(Stmt *q, const char *zLang) {
  (void)zLang;
  json_t *o = json_pack("{ss ss}", "country", stmt_text(q, 0), "status", stmt_text(q, 1));
  if (stmt_text(q, 2)) json_object_set_new(o, "authority", json_string(stmt_text(q, 2)));
  if (stmt_text(q, 3)) json_object_set_new(o, "date", json_string(stmt_text(q, 3)));
  return o;
}

#define ISCO_TITLE_SQL                                                                             \
  "CASE :lang WHEN 'fr' THEN coalesce(g.title_fr, g.title_en) WHEN 'es' THEN coalesce(g.title_es, " \
  "g.title_en) ELSE g.title_en END"

/* A list of values from a query with :id (and optionally :lang) into a new array. */
static json_t *list_of(Store *s, const char *zSql, int64_t id, json_t *(*xRow)(Stmt *, const char *), Err *e) {
  json_t *a = json_array();
  if (each_row(s, zSql, id, a, xRow, NULL, e)) {
    json_decref(a);
    return NULL;
  }
  return a;
}

static json_t *seeker_get(Store *s, int64_t id, const char *zLang, Err *e) {
  Stmt *q = store_prepare(s,
                          "SELECT s.id, s.ref, a.username, s.sex, s.birth_year, s.citizenship, s.residence, s.isced, "
                          "s.isced_field, s.available_from, s.status FROM seeker s LEFT JOIN account a ON "
                          "a.id = s.account_id WHERE s.id = :id",
                          e);
  json_t *o = NULL, *a;
  int rc;
  if (!q) return NULL;
  stmt_bind_int(q, ":id", id);
  rc = stmt_step(q, e);
  if (rc == 1) {
    o = json_object();
    json_object_set_new(o, "id", json_integer(stmt_int(q, 0)));
    json_object_set_new(o, "ref", json_string(stmt_text(q, 1)));
    json_object_set_new(o, "account", jtext(stmt_text(q, 2)));
    json_object_set_new(o, "sex", json_string(stmt_text(q, 3)));
    json_object_set_new(o, "birth_year", stmt_is_null(q, 4) ? json_null() : json_integer(stmt_int(q, 4)));
    json_object_set_new(o, "citizenship", json_string(stmt_text(q, 5)));
    json_object_set_new(o, "residence", json_string(stmt_text(q, 6)));
    json_object_set_new(o, "isced", json_integer(stmt_int(q, 7)));
    json_object_set_new(o, "isced_field", jtext(stmt_text(q, 8)));
    json_object_set_new(o, "available_from", jtext(stmt_text(q, 9)));
    json_object_set_new(o, "status", json_string(stmt_text(q, 10)));
  } else if (rc == 0) {
    err_set(e, ERR_NOT_FOUND, "no seeker with id %lld", (long long)id);
  }
  stmt_finalize(q);
  if (!o) return NULL;

  /* occupations with titles: the query binds :lang too */
  q = store_prepare(s,
                    "SELECT o.isco_code, e.uri, o.years, " ISCO_TITLE_SQL ", e.title FROM seeker_occupation o "
                    "JOIN isco_group g ON g.code = o.isco_code LEFT JOIN esco_occupation e ON e.id = o.esco_id "
                    "WHERE o.seeker_id = :id ORDER BY o.position",
                    e);
  if (!q) goto fail;
  stmt_bind_int(q, ":id", id);
  stmt_bind_text(q, ":lang", zLang ? zLang : "en");
  a = json_array();
  while ((rc = stmt_step(q, e)) == 1) json_array_append_new(a, row_occupation(q, zLang));
  stmt_finalize(q);
  json_object_set_new(o, "occupations", a);
  if (rc < 0) goto fail;
  if (!(a = list_of(s, "SELECT k.uri, k.title FROM seeker_skill x JOIN esco_skill k ON k.id = x.skill_id "
                       "WHERE x.seeker_id = :id ORDER BY k.title, k.id", id, row_skill, e)))
    goto fail;
  json_object_set_new(o, "skills", a);
  if (!(a = list_of(s, "SELECT lang, level FROM seeker_language WHERE seeker_id = :id ORDER BY lang", id,
                    row_language, e)))
    goto fail;
  json_object_set_new(o, "languages", a);
  if (!(a = list_of(s, "SELECT country FROM seeker_destination WHERE seeker_id = :id ORDER BY country", id,
                    row_first, e)))
    goto fail;
  json_object_set_new(o, "destinations", a);

  q = store_prepare(s, "SELECT id, title, isced, country, isco_code FROM qualification WHERE seeker_id = :id ORDER BY id",
                    e);
  if (!q) goto fail;
  stmt_bind_int(q, ":id", id);
  a = json_array();
  json_object_set_new(o, "qualifications", a);
  while ((rc = stmt_step(q, e)) == 1) {
    json_t *x = json_pack("{ss sI ss}", "title", stmt_text(q, 1), "isced", (json_int_t)stmt_int(q, 2), "country",
                          stmt_text(q, 3));
    json_object_set_new(x, "isco", jtext(stmt_text(q, 4)));
    json_t *r = list_of(s, "SELECT country, status, authority, decided_on FROM recognition WHERE qualification_id = :id "
                           "ORDER BY country", stmt_int(q, 0), row_recognition, e);
    if (!r) {
      json_decref(x);
      rc = -1;
      break;
    }
    json_object_set_new(x, "recognition", r);
    json_array_append_new(a, x);
  }
  stmt_finalize(q);
  if (rc < 0) goto fail;
  return o;
fail:
  json_decref(o);
  return NULL;
}

static json_t *vacancy_get(Store *s, int64_t id, const char *zLang, Err *e) {
  Stmt *q = store_prepare(s,
                          "SELECT v.id, v.ref, v.employer, v.country, v.region, v.isco_code, e.uri, v.min_isced, "
                          "v.regulated, v.wage, v.currency, v.contract_months, v.positions, v.agency_licence, "
                          "v.agency_licence_status, v.status, v.posted_on, v.valid_until, " ISCO_TITLE_SQL ", e.title "
                          "FROM vacancy v JOIN isco_group g ON g.code = v.isco_code LEFT JOIN esco_occupation e "
                          "ON e.id = v.esco_id WHERE v.id = :id",
                          e);
  json_t *o = NULL, *a;
  int rc;
  if (!q) return NULL;
  stmt_bind_int(q, ":id", id);
  stmt_bind_text(q, ":lang", zLang ? zLang : "en");
  rc = stmt_step(q, e);
  if (rc == 1) {
    o = json_object();
    json_object_set_new(o, "id", json_integer(stmt_int(q, 0)));
    json_object_set_new(o, "ref", json_string(stmt_text(q, 1)));
    json_object_set_new(o, "employer", json_string(stmt_text(q, 2)));
    json_object_set_new(o, "country", json_string(stmt_text(q, 3)));
    json_object_set_new(o, "region", jtext(stmt_text(q, 4)));
    json_object_set_new(o, "isco", json_string(stmt_text(q, 5)));
    json_object_set_new(o, "isco_title", jtext(stmt_text(q, 18)));
    json_object_set_new(o, "esco", jtext(stmt_text(q, 6)));
    json_object_set_new(o, "esco_title", jtext(stmt_text(q, 19)));
    json_object_set_new(o, "min_isced", json_integer(stmt_int(q, 7)));
    json_object_set_new(o, "regulated", json_boolean(stmt_int(q, 8)));
    json_object_set_new(o, "wage", stmt_is_null(q, 9) ? json_null() : json_real(stmt_double(q, 9)));
    json_object_set_new(o, "currency", jtext(stmt_text(q, 10)));
    json_object_set_new(o, "contract_months", stmt_is_null(q, 11) ? json_null() : json_integer(stmt_int(q, 11)));
    json_object_set_new(o, "positions", json_integer(stmt_int(q, 12)));
    json_object_set_new(o, "agency_licence", jtext(stmt_text(q, 13)));
    json_object_set_new(o, "agency_licence_status", jtext(stmt_text(q, 14)));
    json_object_set_new(o, "status", json_string(stmt_text(q, 15)));
    json_object_set_new(o, "posted_on", json_string(stmt_text(q, 16)));
    json_object_set_new(o, "valid_until", json_string(stmt_text(q, 17)));
  } else if (rc == 0) {
    err_set(e, ERR_NOT_FOUND, "no vacancy with id %lld", (long long)id);
  }
  stmt_finalize(q);
  if (!o) return NULL;
  if (!(a = list_of(s, "SELECT k.uri, k.title FROM vacancy_skill x JOIN esco_skill k ON k.id = x.skill_id "
                       "WHERE x.vacancy_id = :id AND x.essential = 1 ORDER BY k.title, k.id", id, row_skill, e)))
    goto fail;
  json_object_set_new(o, "essential_skills", a);
  if (!(a = list_of(s, "SELECT k.uri, k.title FROM vacancy_skill x JOIN esco_skill k ON k.id = x.skill_id "
                       "WHERE x.vacancy_id = :id AND x.essential = 0 ORDER BY k.title, k.id", id, row_skill, e)))
    goto fail;
  json_object_set_new(o, "optional_skills", a);
  if (!(a = list_of(s, "SELECT lang, level FROM vacancy_language WHERE vacancy_id = :id ORDER BY lang", id,
                    row_language, e)))
    goto fail;
  json_object_set_new(o, "languages", a);
  return o;
fail:
  json_decref(o);
  return NULL;
}

static json_t *arrangement_get(Store *s, int64_t id, Err *e) {
  Stmt *q = store_prepare(s,
                          "SELECT id, origin, destination, isco_code, min_isced, kind, title FROM "
                          "recognition_arrangement WHERE id = :id",
                          e);
  json_t *o = NULL;
  int rc;
  if (!q) return NULL;
  stmt_bind_int(q, ":id", id);
  rc = stmt_step(q, e);
  if (rc == 1) {
    o = json_pack("{sI ss ss}", "id", (json_int_t)stmt_int(q, 0), "origin", stmt_text(q, 1), "destination",
                  stmt_text(q, 2));
    json_object_set_new(o, "isco", jtext(stmt_text(q, 3)));
    json_object_set_new(o, "min_isced", json_integer(stmt_int(q, 4)));
    json_object_set_new(o, "kind", json_string(stmt_text(q, 5)));
    json_object_set_new(o, "title", json_string(stmt_text(q, 6)));
  } else if (rc == 0) {
    err_set(e, ERR_NOT_FOUND, "no recognition arrangement with id %lld", (long long)id);
  }
  stmt_finalize(q);
  return o;
}

json_t *jobs_get(Store *s, JobsKind k, int64_t id, const char *zLang, Err *e) {
  switch (k) {
    case JOBS_SEEKER: return seeker_get(s, id, zLang, e);
    case JOBS_VACANCY: return vacancy_get(s, id, zLang, e);
    default: return arrangement_get(s, id, e);
  }
}

json_t *jobs_list(Store *s, JobsKind k, const char *zCountry, const char *zIsco, int nLimit, int nOffset,
                  const char *zLang, Err *e) {
  static const char *const azSql[] = {
    "SELECT s.id, s.ref, s.sex, s.citizenship, s.residence, s.isced, s.status, "
    "(SELECT o.isco_code FROM seeker_occupation o WHERE o.seeker_id = s.id ORDER BY o.position LIMIT 1), "
    "(SELECT group_concat(country, ',') FROM (SELECT country FROM seeker_destination d WHERE d.seeker_id = s.id "
    "ORDER BY country)) FROM seeker s "
    "WHERE (:c IS NULL OR EXISTS(SELECT 1 FROM seeker_destination d WHERE d.seeker_id = s.id AND d.country = :c)) "
    "AND (:isco IS NULL OR EXISTS(SELECT 1 FROM seeker_occupation o WHERE o.seeker_id = s.id AND "
    "o.isco_code LIKE :isco || '%')) ORDER BY s.id LIMIT :lim OFFSET :off",
    "SELECT v.id, v.ref, v.employer, v.country, v.isco_code, " ISCO_TITLE_SQL ", v.positions, v.status, "
    "v.valid_until, v.agency_licence_status FROM vacancy v JOIN isco_group g ON g.code = v.isco_code "
    "WHERE (:c IS NULL OR v.country = :c) AND (:isco IS NULL OR v.isco_code LIKE :isco || '%') "
    "ORDER BY v.id LIMIT :lim OFFSET :off",
    "SELECT id, origin, destination, isco_code, min_isced, kind, title FROM recognition_arrangement "
    "WHERE (:c IS NULL OR destination = :c OR origin = :c) AND (:isco IS NULL OR isco_code IS NULL OR "
    ":isco LIKE isco_code || '%') ORDER BY id LIMIT :lim OFFSET :off"};
  static const char *const azKey[] = {"seekers", "vacancies", "arrangements"};
  Stmt *q = store_prepare(s, azSql[k], e);
  json_t *a, *o;
  int rc;
  if (!q) return NULL;
  stmt_bind_text(q, ":c", zCountry);
  stmt_bind_text(q, ":isco", zIsco);
  stmt_bind_int(q, ":lim", nLimit > 0 ? nLimit : -1);
  stmt_bind_int(q, ":off", nOffset);
  if (k == JOBS_VACANCY) stmt_bind_text(q, ":lang", zLang ? zLang : "en");
  a = json_array();
  while ((rc = stmt_step(q, e)) == 1) {
    json_t *x;
    if (k == JOBS_SEEKER) {
      x = json_pack("{sI ss ss ss ss sI ss}", "id", (json_int_t)stmt_int(q, 0), "ref", stmt_text(q, 1), "sex",
                    stmt_text(q, 2), "citizenship", stmt_text(q, 3), "residence", stmt_text(q, 4), "isced",
                    (json_int_t)stmt_int(q, 5), "status", stmt_text(q, 6));
      json_object_set_new(x, "isco", jtext(stmt_text(q, 7)));
      json_object_set_new(x, "destinations", jtext(stmt_text(q, 8)));
    } else if (k == JOBS_VACANCY) {
      x = json_pack("{sI ss ss ss ss ss sI ss ss}", "id", (json_int_t)stmt_int(q, 0), "ref", stmt_text(q, 1),
                    "employer", stmt_text(q, 2), "country", stmt_text(q, 3), "isco", stmt_text(q, 4), "isco_title",
                    stmt_text(q, 5), "positions", (json_int_t)stmt_int(q, 6), "status", stmt_text(q, 7),
                    "valid_until", stmt_text(q, 8));
      json_object_set_new(x, "agency_licence_status", jtext(stmt_text(q, 9)));
    } else {
      x = json_pack("{sI ss ss}", "id", (json_int_t)stmt_int(q, 0), "origin", stmt_text(q, 1), "destination",
                    stmt_text(q, 2));
      json_object_set_new(x, "isco", jtext(stmt_text(q, 3)));
      json_object_set_new(x, "min_isced", json_integer(stmt_int(q, 4)));
      json_object_set_new(x, "kind", json_string(stmt_text(q, 5)));
      json_object_set_new(x, "title", json_string(stmt_text(q, 6)));
    }
    json_array_append_new(a, x);
  }
  stmt_finalize(q);
  if (rc < 0) {
    json_decref(a);
    return NULL;
  }
  o = json_object();
  json_object_set_new(o, "count", json_integer((json_int_t)json_array_size(a)));
  json_object_set_new(o, azKey[k], a);
  return o;
}

/* ---- import ---- */

/* CSV columns per kind, in export order. */
static const char *const azSeekerCol[] = {"ref", "account", "sex", "birth_year", "citizenship", "residence",
                                          "isced", "isced_field", "occupations", "skills", "languages",
                                          "destinations", "qualifications", "available_from", "status", NULL};
static const char *const azVacancyCol[] = {
  "ref", "employer", "country", "region", "isco", "esco", "essential_skills", "optional_skills", "languages",
  "min_isced", "regulated", "wage", "currency", "contract_months", "positions", "agency_licence",
  "agency_licence_status", "status", "posted_on", "valid_until", NULL};
static const char *const azArrCol[] = {"origin", "destination", "isco", "min_isced", "kind", "title", NULL};
static const char *const *const aazCol[] = {azSeekerCol, azVacancyCol, azArrCol};

/* Integer-valued CSV columns become JSON integers; the rest stay strings. */
static bool col_is_int(const char *z) {
  return strcmp(z, "birth_year") == 0 || strcmp(z, "isced") == 0 || strcmp(z, "min_isced") == 0 ||
         strcmp(z, "contract_months") == 0 || strcmp(z, "positions") == 0;
}

/* Split z on any of zSep into a JSON array of strings (empty items dropped). */
static json_t *split(const char *z, const char *zSep) {
  json_t *a = json_array();
  while (*z) {
    size_t n = strcspn(z, zSep);
    size_t b = 0;
    while (b < n && (z[b] == ' ' || z[b] == '\t')) b++;
    size_t m = n;
    while (m > b && (z[m - 1] == ' ' || z[m - 1] == '\t')) m--;
    if (m > b) json_array_append_new(a, json_stringn(z + b, m - b));
    z += n;
    if (*z) z++;
  }
  return a;
}

/* A value that should be an integer: keep text that is not one, so the validator
** reports it ("must be a whole number"). */
static json_t *int_or_text(const char *z) {
  long long v;
  if (parse_int(z, -1000000000LL, 1000000000LL, &v) == 0) return json_integer(v);
  return json_string(z);
}

json_t *jobs_from_fields(JobsKind k, const char *(*xGet)(void *, const char *), void *pCtx, json_t *pBase, Err *e) {
  const char *const *azCol = aazCol[k];
  json_t *o = pBase ? json_deep_copy(pBase) : json_object();
  for (int i = 0; azCol[i]; i++) {
    const char *zCol = azCol[i];
    const char *z = xGet(pCtx, zCol);
    if (!z) continue;
    if (!*z || z[strspn(z, " \t\r\n")] == 0) {
      json_object_del(o, zCol);
      continue;
    }
    json_t *j;
    if (col_is_int(zCol)) {
      j = int_or_text(z);
    } else if (strcmp(zCol, "skills") == 0 || strcmp(zCol, "essential_skills") == 0 ||
               strcmp(zCol, "optional_skills") == 0 || strcmp(zCol, "destinations") == 0) {
      j = split(z, ";\r\n");
      for (size_t m = 0; m < json_array_size(j); m++) {
        const char *zv = json_string_value(json_array_get(j, m));
        long long id;
        if (strcmp(zCol, "destinations") != 0 && parse_int(zv, 1, 1000000000LL, &id) == 0)
          json_array_set_new(j, m, json_integer(id));
      }
    } else if (strcmp(zCol, "languages") == 0 || strcmp(zCol, "occupations") == 0) {
      json_t *items = split(z, ";\r\n");
      j = json_array();
      for (size_t m = 0; m < json_array_size(items); m++) {
        json_t *parts = split(json_string_value(json_array_get(items, m)), "|");
        json_t *x = json_object();
        if (zCol[0] == 'l') {
          json_object_set(x, "lang", json_array_get(parts, 0) ? json_array_get(parts, 0) : json_null());
          json_object_set(x, "level", json_array_get(parts, 1) ? json_array_get(parts, 1) : json_null());
        } else {
          /* isco|esco|years; esco may be left empty: "7212||5" */
          const char *zItem = json_string_value(json_array_get(items, m));
          const char *zBar1 = strchr(zItem, '|');
          const char *zBar2 = zBar1 ? strchr(zBar1 + 1, '|') : NULL;
          size_t n1 = zBar1 ? (size_t)(zBar1 - zItem) : strlen(zItem);
          if (n1) json_object_set_new(x, "isco", json_stringn(zItem, n1));
          if (zBar1) {
            size_t n2 = zBar2 ? (size_t)(zBar2 - zBar1 - 1) : strlen(zBar1 + 1);
            if (n2) {
              char *zE = xstrndup(zBar1 + 1, n2);
              long long id;
              json_object_set_new(x, "esco", parse_int(zE, 1, 1000000000LL, &id) == 0 ? json_integer(id)
                                                                                     : json_string(zE));
              free(zE);
            }
          }
          if (zBar2 && zBar2[1]) json_object_set_new(x, "years", int_or_text(zBar2 + 1));
        }
        json_decref(parts);
        json_array_append_new(j, x);
      }
      json_decref(items);
    } else if (strcmp(zCol, "qualifications") == 0) {
      json_error_t jerr;
      j = json_loads(z, JSON_REJECT_DUPLICATES, &jerr);
      if (!j) {
        err_set(e, ERR_INVALID, "/qualifications: not a JSON array (%s)", jerr.text);
        err_where(e, "/qualifications");
        json_decref(o);
        return NULL;
      }
    } else if (strcmp(zCol, "regulated") == 0) {
      j = strcmp(z, "true") == 0 || strcmp(z, "1") == 0 || strcmp(z, "yes") == 0 ? json_true()
          : strcmp(z, "false") == 0 || strcmp(z, "0") == 0 || strcmp(z, "no") == 0 ? json_false()
                                                                                   : json_string(z);
    } else if (strcmp(zCol, "wage") == 0) {
      char *zEnd;
      errno = 0;
      double d = strtod(z, &zEnd);
      j = (*zEnd || errno) ? json_string(z) : json_real(d);
    } else {
      j = json_string(z);
    }
    json_object_set_new(o, zCol, j);
  }
  return o;
}

/* CSV getter: the field of column zCol, NULL when the file has no such column. */
typedef struct CsvGet {
  CsvReader *r;
  const int *aIdx;
  const char *const *azCol;
} CsvGet;

static const char *csv_get(void *p, const char *zCol) {
  CsvGet *g = p;
  for (int i = 0; g->azCol[i]; i++)
    if (strcmp(g->azCol[i], zCol) == 0) return g->aIdx[i] < 0 ? NULL : csv_field(g->r, g->aIdx[i]);
  return NULL;
}

/* Prefix the error with where the record came from. */
static void at_line(Err *e, const char *zName, long iLine) {
  char *zMsg = e->zMsg;
  e->zMsg = xasprintf("%s:%ld: %s", zName, iLine, zMsg ? zMsg : "invalid record");
  free(zMsg);
  err_where(e, "%s:%ld", zName, iLine);
}

static int import_jsonl(Store *s, JobsKind k, const char *zName, const char *p, size_t n, int *pn, Err *e) {
  long iLine = 0;
  size_t i = 0;
  while (i < n) {
    size_t m = i;
    while (m < n && p[m] != '\n') m++;
    iLine++;
    size_t len = m - i;
    if (len && p[i + len - 1] == '\r') len--;
    const char *z = p + i;
    i = m + 1;
    size_t b = 0;
    while (b < len && (z[b] == ' ' || z[b] == '\t')) b++;
    if (b == len) continue; /* blank line */
    json_error_t jerr;
    json_t *o = json_loadb(z, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!o) {
      err_set(e, ERR_INVALID, "not valid JSON: %s (column %d)", jerr.text, jerr.column);
      at_line(e, zName, iLine);
      return -1;
    }
    int64_t id;
    int rc = jobs_put_in_tx(s, k, o, 0, true, 0, &id, e);
    json_decref(o);
    if (rc) {
      at_line(e, zName, iLine);
      return -1;
    }
    (*pn)++;
  }
  return 0;
}

static int import_csv(Store *s, JobsKind k, const char *zName, const char *p, size_t n, int *pn, Err *e) {
  CsvReader *r = csv_open_mem(zName, p, n);
  const char *const *azCol = aazCol[k];
  int aIdx[32];
  int rc = csv_next(r, e);
  if (rc <= 0) {
    csv_close(r);
    if (rc == 0) return err_set(e, ERR_INVALID, "%s: empty file (a header line is needed)", zName);
    return -1;
  }
  /* Unknown columns are errors (a misspelt column must not be dropped silently). */
  for (int f = 0; f < csv_nfield(r); f++) {
    int c;
    for (c = 0; azCol[c]; c++)
      if (strcmp(csv_field(r, f), azCol[c]) == 0) break;
    if (!azCol[c]) {
      err_set(e, ERR_INVALID, "%s:1: unknown column \"%.60s\"", zName, csv_field(r, f));
      err_where(e, "%s:1", zName);
      csv_close(r);
      return -1;
    }
  }
  for (int c = 0; azCol[c]; c++) {
    aIdx[c] = -1;
    for (int f = 0; f < csv_nfield(r); f++) {
      if (strcmp(csv_field(r, f), azCol[c]) != 0) continue;
      if (aIdx[c] >= 0) {
        err_set(e, ERR_INVALID, "%s:1: column \"%s\" appears twice", zName, azCol[c]);
        err_where(e, "%s:1", zName);
        csv_close(r);
        return -1;
      }
      aIdx[c] = f;
    }
  }
  while ((rc = csv_next(r, e)) == 1) {
    long iLine = csv_line(r);
    if (csv_nfield(r) == 1 && csv_field_len(r, 0) == 0) continue;
    CsvGet g = {r, aIdx, azCol};
    json_t *o = jobs_from_fields(k, csv_get, &g, NULL, e);
    int64_t id;
    if (!o || jobs_put_in_tx(s, k, o, 0, true, 0, &id, e)) {
      json_decref(o);
      at_line(e, zName, iLine);
      csv_close(r);
      return -1;
    }
    json_decref(o);
    (*pn)++;
  }
  csv_close(r);
  return rc < 0 ? -1 : 0;
}

int jobs_import_mem(Store *s, JobsKind k, const char *zName, const char *p, size_t n, const char *zFormat,
                    int *pnRow, Err *e) {
  int rc;
  *pnRow = 0;
  if (strcmp(zFormat, "jsonl") && strcmp(zFormat, "csv"))
    return err_set(e, ERR_USAGE, "unknown format \"%s\" (jsonl or csv)", zFormat);
  if (store_begin(s, e)) return -1;
  rc = zFormat[0] == 'c' ? import_csv(s, k, zName, p, n, pnRow, e) : import_jsonl(s, k, zName, p, n, pnRow, e);
  if (rc) {
    store_rollback(s);
    *pnRow = 0;
    return -1;
  }
  return store_commit(s, e);
}

int jobs_import_file(Store *s, JobsKind k, const char *zPath, const char *zFormat, int *pnRow, Err *e) {
  FILE *f = strcmp(zPath, "-") == 0 ? stdin : fopen(zPath, "rb");
  Buf b;
  char aChunk[65536];
  size_t n;
  int rc;
  if (!f) return err_set(e, ERR_IO, "cannot open %s: %s", zPath, strerror(errno));
  buf_init(&b, JOBS_IMPORT_MAX_BYTES);
  while ((n = fread(aChunk, 1, sizeof aChunk, f)) > 0) {
    if (buf_append(&b, aChunk, n)) {
      if (f != stdin) fclose(f);
      buf_free(&b);
      return err_set(e, ERR_TOO_LARGE, "%s is larger than %u MiB", zPath, JOBS_IMPORT_MAX_BYTES >> 20);
    }
  }
  if (ferror(f)) {
    if (f != stdin) fclose(f);
    buf_free(&b);
    return err_set(e, ERR_IO, "cannot read %s", zPath);
  }
  if (f != stdin) fclose(f);
  if (!zFormat) {
    size_t m = strlen(zPath);
    zFormat = m > 4 && strcmp(zPath + m - 4, ".csv") == 0 ? "csv" : "jsonl";
  }
  rc = jobs_import_mem(s, k, zPath, b.z ? b.z : "", b.n, zFormat, pnRow, e);
  buf_free(&b);
  return rc;
}

/* ---- export ---- */

static void csv_put(FILE *f, const char *z, bool bFirst) {
  if (!bFirst) fputc(',', f);
  if (!z) return;
  if (strpbrk(z, ",\"\r\n") || (z[0] == ' ')) {
    fputc('"', f);
    for (; *z; z++) {
      if (*z == '"') fputc('"', f);
      fputc(*z, f);
    }
    fputc('"', f);
  } else {
    fputs(z, f);
  }
}

/* A record's value for one CSV column (list columns joined back). Caller frees. */
char *jobs_field_text(const char *zCol, json_t *j) {
  Buf b;
  size_t i;
  json_t *x;
  if (!j || json_is_null(j)) return NULL;
  buf_init(&b, BUF_UNBOUNDED);
  if (json_is_string(j)) buf_puts(&b, json_string_value(j));
  else if (json_is_integer(j)) buf_printf(&b, "%lld", (long long)json_integer_value(j));
  else if (json_is_real(j)) buf_printf(&b, "%.17g", json_real_value(j));
  else if (json_is_boolean(j)) buf_puts(&b, json_is_true(j) ? "true" : "false");
  else if (strcmp(zCol, "qualifications") == 0) {
    char *z = json_dumps(j, JSON_COMPACT);
    buf_puts(&b, z);
    free(z);
  } else {
    json_array_foreach(j, i, x) {
      if (i) buf_putc(&b, ';');
      if (json_is_string(x)) buf_puts(&b, json_string_value(x));
      else if (json_object_get(x, "uri")) buf_puts(&b, json_string_value(json_object_get(x, "uri")));
      else if (json_object_get(x, "lang"))
        buf_printf(&b, "%s|%s", json_string_value(json_object_get(x, "lang")),
                   json_string_value(json_object_get(x, "level")));
      else if (json_object_get(x, "isco")) {
        const char *zE = json_string_value(json_object_get(x, "esco"));
        buf_printf(&b, "%s|%s|%lld", json_string_value(json_object_get(x, "isco")), zE ? zE : "",
                   (long long)json_integer_value(json_object_get(x, "years")));
      }
    }
  }
  return buf_detach(&b);
}

/* Make a record from jobs_get importable: drop the id and display titles, and
** turn skill objects into URIs. */
void jobs_to_import_form(json_t *o) {
  static const char *const azDrop[] = {"id", "isco_title", "esco_title"};
  size_t i;
  json_t *x;
  for (size_t d = 0; d < COUNT(azDrop); d++) json_object_del(o, azDrop[d]);
  static const char *const azSkill[] = {"skills", "essential_skills", "optional_skills"};
  for (size_t d = 0; d < COUNT(azSkill); d++) {
    json_t *a = json_object_get(o, azSkill[d]);
    json_array_foreach(a, i, x) json_array_set(a, i, json_object_get(x, "uri"));
  }
  json_array_foreach(json_object_get(o, "occupations"), i, x) {
    json_object_del(x, "isco_title");
    json_object_del(x, "esco_title");
  }
  /* nulls are the absence of a value: leave them out */
  const char *zKey;
  void *tmp;
  json_object_foreach_safe(o, tmp, zKey, x) if (json_is_null(x)) json_object_del(o, zKey);
}

int jobs_export(Store *s, JobsKind k, FILE *f, const char *zFormat, Err *e) {
  static const char *const azIds[] = {"SELECT id FROM seeker ORDER BY id", "SELECT id FROM vacancy ORDER BY id",
                                      "SELECT id FROM recognition_arrangement ORDER BY id"};
  bool bCsv = zFormat && strcmp(zFormat, "csv") == 0;
  const char *const *azCol = aazCol[k];
  Stmt *q;
  int rc;
  if (zFormat && !bCsv && strcmp(zFormat, "jsonl"))
    return err_set(e, ERR_USAGE, "unknown format \"%s\" (jsonl or csv)", zFormat);
  if (bCsv) {
    for (int c = 0; azCol[c]; c++) csv_put(f, azCol[c], c == 0);
    fputs("\r\n", f);
  }
  q = store_prepare(s, azIds[k], e);
  if (!q) return -1;
  while ((rc = stmt_step(q, e)) == 1) {
    json_t *o = jobs_get(s, k, stmt_int(q, 0), "en", e);
    if (!o) {
      rc = -1;
      break;
    }
    jobs_to_import_form(o);
    if (bCsv) {
      for (int c = 0; azCol[c]; c++) {
        char *z = jobs_field_text(azCol[c], json_object_get(o, azCol[c]));
        csv_put(f, z, c == 0);
        free(z);
      }
      fputs("\r\n", f);
    } else {
      char *z = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
      fprintf(f, "%s\n", z);
      free(z);
    }
    json_decref(o);
  }
  stmt_finalize(q);
  if (rc < 0) return -1;
  if (fflush(f) || ferror(f)) return err_set(e, ERR_IO, "could not write the export");
  return 0;
}
