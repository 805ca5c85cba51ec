/*
** notify.c: the notification outbox, its rendering and delivery (see notify.h).
**
** Queueing never sends: it stores one row per message with the address and the
** template values sealed by pii.c, in the caller's transaction, so a refused or
** failed case change queues nothing. A sweep claims each due row (attempts + 1,
** due_at pushed out by a lease, so two sweepers never send the same message),
** audits the decryption, sends with libcurl outside any transaction, and records
** the outcome: sent (the template values, which may hold the receipt code, are
** wiped), retried later with exponential backoff, or failed when the attempts
** are spent. Errors recorded on a message are lmis's own words (the curl error
** and the server's reply code), never the server's text, which may quote the
** address.
**
** libcurl is loaded when the first sweep needs it (dlopen), not linked into
** the binary: it brings some twenty libraries whose loading would add about
** 3 ms to every lmis command, most of which never send anything. Its table of
** functions is filled once (pthread_once) and only read afterwards.
*/
#include "notify.h"
#include "audit.h"
#include "case.h"
#include "i18n.h"
#include "util.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LEASE_EXTRA 60          /* seconds a claimed message waits beyond two timeouts before a retry */
#define BACKOFF_CAP 86400       /* the longest wait between two attempts */
#define ERROR_MAX 200

/* The complainant sees the public names of the states (the labels of the
** tracking page: same msgids, same translations). */
static const char *const azStateLabel[] = {
  N_("Received"), N_("Assigned to an inspector"), N_("In mediation"), N_("Referred to another country"),
  N_("Resolved"), N_("Closed"),
};

static const char *jstr(json_t *o, const char *zKey) { return json_string_value(json_object_get(o, zKey)); }

/* ---------------------------------------------------------------- settings */

void notify_config_default(NotifyConfig *c) {
  memset(c, 0, sizeof *c);
  c->zPublicUrl = "http://localhost:8080";
  c->timeoutSec = 20;
  c->maxAttempts = 5;
  c->backoffSec = 300;
  c->nBatch = 100;
}

static const char *env_value(const char *zName) {
  const char *z = getenv(zName);
  return z && z[0] ? z : NULL;
}

/* A URL of one of the schemes (NULL-terminated), printable ASCII without spaces. */
static bool url_ok(const char *z, const char *const *azScheme) {
  bool bScheme = false;
  for (int i = 0; azScheme[i]; i++)
    if (str_startswith(z, azScheme[i]) && z[strlen(azScheme[i])]) bScheme = true;
  if (!bScheme || strlen(z) > 2000) return false;
  for (const unsigned char *p = (const unsigned char *)z; *p; p++)
    if (*p <= 0x20 || *p >= 0x7f) return false;
  return true;
}

static int env_int(const char *zName, long long lo, long long hi, long long *pv, Err *e) {
  const char *z = env_value(zName);
  if (!z) return 0;
  if (parse_int(z, lo, hi, pv)) {
    err_set(e, ERR_USAGE, "%s must be a whole number from %lld to %lld, not \"%.40s\"", zName, lo, hi, z);
    err_where(e, "%s", zName);
    return -1;
  }
  return 0;
}

static int env_bad(Err *e, const char *zName, const char *zWhat) {
  err_set(e, ERR_USAGE, "%s must be %s", zName, zWhat);
  err_where(e, "%s", zName);
  err_hint(e, "see \"Notifications\" in docs/complaints.md");
  return -1;
}

int notify_config_env(NotifyConfig *c, Err *e) {
  static const char *const azSmtp[] = {"smtp://", "smtps://", NULL};
  static const char *const azHttp[] = {"http://", "https://", NULL};
  long long v;
  c->zSmtpUrl = env_value("LMIS_SMTP_URL");
  c->zSmtpFrom = env_value("LMIS_SMTP_FROM");
  c->zSmtpUser = env_value("LMIS_SMTP_USER");
  c->zSmtpPassword = env_value("LMIS_SMTP_PASSWORD");
  c->zSmsUrl = env_value("LMIS_SMS_URL");
  c->zSmsToken = env_value("LMIS_SMS_TOKEN");
  if (env_value("LMIS_PUBLIC_URL")) c->zPublicUrl = env_value("LMIS_PUBLIC_URL");
  if (c->zSmtpUrl && !url_ok(c->zSmtpUrl, azSmtp))
    return env_bad(e, "LMIS_SMTP_URL", "an smtp://HOST:PORT or smtps://HOST:PORT URL");
  if (c->zSmtpUrl && (!c->zSmtpFrom || !notify_email_ok(c->zSmtpFrom)))
    return env_bad(e, "LMIS_SMTP_FROM", "the sender's email address when LMIS_SMTP_URL is set");
  if (!c->zSmtpUser != !c->zSmtpPassword)
    return env_bad(e, c->zSmtpUser ? "LMIS_SMTP_PASSWORD" : "LMIS_SMTP_USER", "set together with its pair");
  if (c->zSmsUrl && !url_ok(c->zSmsUrl, azHttp))
    return env_bad(e, "LMIS_SMS_URL", "an http:// or https:// URL of the SMS gateway");
  if (c->zSmsToken && strpbrk(c->zSmsToken, "\r\n"))
    return env_bad(e, "LMIS_SMS_TOKEN", "one line");
  if (!url_ok(c->zPublicUrl, azHttp)) return env_bad(e, "LMIS_PUBLIC_URL", "an http:// or https:// URL");
  v = c->timeoutSec;
  if (env_int("LMIS_NOTIFY_TIMEOUT", 1, 300, &v, e)) return -1;
  c->timeoutSec = (long)v;
  v = c->maxAttempts;
  if (env_int("LMIS_NOTIFY_MAX_ATTEMPTS", 1, 20, &v, e)) return -1;
  c->maxAttempts = (int)v;
  v = c->backoffSec;
  if (env_int("LMIS_NOTIFY_BACKOFF", 0, BACKOFF_CAP, &v, e)) return -1;
  c->backoffSec = v;
  return 0;
}

/* ---------------------------------------------------------------- addresses */

bool notify_email_ok(const char *z) {
  size_t n;
  const char *zAt, *zDom;
  if (!z || (n = strlen(z)) < 3 || n > NOTIFY_ADDRESS_MAX) return false;
  zAt = strchr(z, '@');
  if (!zAt || zAt == z || strchr(zAt + 1, '@')) return false;
  zDom = zAt + 1;
  /* A domain with a dot, no empty labels. */
  if (!zDom[0] || zDom[0] == '.' || z[n - 1] == '.' || strstr(zDom, "..") || !strchr(zDom, '.')) return false;
  /* ASCII only, and nothing that could end an SMTP command or a header. */
  for (const unsigned char *p = (const unsigned char *)z; *p; p++)
    if (*p <= 0x20 || *p >= 0x7f || strchr("<>()[]\\,;:\"", *p)) return false;
  return true;
}

bool notify_phone_ok(const char *z, char *zOut, size_t nOut) {
  size_t k = 0;
  int nDigit = 0;
  if (!z || nOut < 20) return false;
  for (const char *p = z; *p; p++) {
    if (*p == '+' && k == 0) {
      zOut[k++] = '+';
    } else if (*p >= '0' && *p <= '9') {
      if (++nDigit > 15) return false;
      zOut[k++] = *p;
    } else if (!strchr(" .-()", *p)) {
      return false;
    }
  }
  zOut[k] = 0;
  return nDigit >= 6;
}

/* ---------------------------------------------------------------- queueing */

/* One outbox row. zError: the message cannot be sent (a bad address): it is
** stored as failed, so an administrator sees that the complainant was not told. */
static int queue_row(Store *s, const Pii *pii, int64_t caseId, const char *zRecipient, int64_t idAccount,
                     const char *zChannel, const char *zAddr, const char *zLang, const char *zEvent, json_t *jParams,
                     const char *zError, Err *e) {
  char *zParams = json_dumps(jParams, JSON_COMPACT | JSON_SORT_KEYS);
  int nAddr, nPar, rc;
  uint8_t *pAddr = pii_seal(pii, zAddr, &nAddr);
  uint8_t *pPar = pii_seal(pii, zParams, &nPar);
  int64_t now = now_seconds();
  Stmt *q;
  sodium_memzero(zParams, strlen(zParams));
  free(zParams);
  q = store_prepare(s,
                    "INSERT INTO outbox(complaint_id, recipient, account_id, channel, address, language, event, params,"
                    " created_at, due_at, attempts, last_error, state)"
                    " VALUES(:case, :rcpt, :acct, :chan, :addr, :lang, :event, :params, :now, :now, 0, :err, :state)",
                    e);
  if (!q) {
    free(pAddr);
    free(pPar);
    return -1;
  }
  stmt_bind_int(q, ":case", caseId);
  stmt_bind_text(q, ":rcpt", zRecipient);
  if (idAccount > 0) stmt_bind_int(q, ":acct", idAccount);
  else stmt_bind_null(q, ":acct");
  stmt_bind_text(q, ":chan", zChannel);
  stmt_bind_blob(q, ":addr", pAddr, nAddr);
  stmt_bind_text(q, ":lang", zLang);
  stmt_bind_text(q, ":event", zEvent);
  stmt_bind_blob(q, ":params", pPar, nPar);
  stmt_bind_int(q, ":now", now);
  stmt_bind_text(q, ":err", zError);
  stmt_bind_text(q, ":state", zError ? "failed" : "queued");
  rc = stmt_run(q, e);
  stmt_finalize(q);
  free(pAddr);
  free(pPar);
  return rc;
}

/* Where to write to the complainant of caseId: 1 with *pzChannel (static),
** *pzAddr (new, caller wipes and frees), zLang and *pbUsable set; 0 when nobody
** is to be told (anonymous, no consent to email or phone, no address); -1 on
** error. The contact detail wins over the complainant's email or phone when it is
** an address of the chosen kind. */
static int complainant_address(Store *s, const Pii *pii, int64_t caseId, const char **pzChannel, char **pzAddr,
                               char zLang[3], bool *pbUsable, Err *e) {
  Stmt *q = store_prepare(s, "SELECT anonymous, contact_method, language, pii FROM complaint WHERE id = :id", e);
  json_t *j = NULL;
  char *zPii = NULL, zPhone[24];
  const char *zMethod, *zDetail, *zPick = NULL;
  int rc, n;
  if (!q) return -1;
  stmt_bind_int(q, ":id", caseId);
  rc = stmt_step(q, e);
  if (rc != 1) {
    if (rc == 0) err_set(e, ERR_NOT_FOUND, "no case %lld", (long long)caseId);
    stmt_finalize(q);
    return -1;
  }
  zMethod = stmt_text(q, 1);
  if (stmt_int(q, 0) || !zMethod || (strcmp(zMethod, "email") && strcmp(zMethod, "phone"))) {
    stmt_finalize(q);
    return 0;
  }
  snprintf(zLang, 3, "%s", i18n_supported(stmt_text(q, 2)) ? stmt_text(q, 2) : "en");
  {
    const void *pBlob = stmt_blob(q, 3, &n);
    zPii = pii_open_text(pii, pBlob, n, e);
  }
  *pzChannel = strcmp(zMethod, "email") == 0 ? "email" : "sms";
  stmt_finalize(q);
  if (!zPii) return -1;
  j = json_loads(zPii, 0, NULL);
  sodium_memzero(zPii, strlen(zPii));
  free(zPii);
  if (!j) return err_set(e, ERR_DB, "case %lld: the decrypted record is not JSON", (long long)caseId);
  zDetail = jstr(j, "contact_detail");
  if (strcmp(*pzChannel, "email") == 0) {
    zPick = zDetail && strchr(zDetail, '@') ? zDetail : jstr(j, "email");
    *pbUsable = zPick && notify_email_ok(zPick);
  } else {
    zPick = zDetail && notify_phone_ok(zDetail, zPhone, sizeof zPhone) ? zDetail : jstr(j, "phone");
    *pbUsable = zPick && notify_phone_ok(zPick, zPhone, sizeof zPhone);
    if (*pbUsable) zPick = zPhone;
  }
  *pzAddr = zPick ? xstrdup(zPick) : NULL;
  json_decref(j);
  return *pzAddr ? 1 : 0;
}

static void wipe_free(char *z) {
  if (!z) return;
  sodium_memzero(z, strlen(z));
  free(z);
}

static int queue_complainant(Store *s, const Pii *pii, int64_t caseId, const char *zEvent, json_t *jParams,
                             Err *e) {
  const char *zChannel = NULL;
  char *zAddr = NULL, zLang[3];
  bool bUsable = false;
  int rc = complainant_address(s, pii, caseId, &zChannel, &zAddr, zLang, &bUsable, e);
  if (rc == 1) {
    rc = queue_row(s, pii, caseId, "complainant", 0, zChannel, zAddr, zLang, zEvent, jParams,
                   bUsable ? NULL : (strcmp(zChannel, "email") == 0 ? "not a usable email address"
                                                                    : "not a usable phone number"),
                   e);
  }
  wipe_free(zAddr);
  json_decref(jParams);
  return rc < 0 ? -1 : 0;
}

int notify_case_received(Store *s, const Pii *pii, int64_t caseId, const char *zReceipt, Err *e) {
  char zNum[16];
  case_number(caseId, zNum, sizeof zNum);
  return queue_complainant(s, pii, caseId, "received", json_pack("{s:s, s:s}", "case", zNum, "receipt", zReceipt), e);
}

int notify_case_state(Store *s, const Pii *pii, int64_t caseId, const char *zState, Err *e) {
  char zNum[16];
  case_number(caseId, zNum, sizeof zNum);
  return queue_complainant(s, pii, caseId, "state", json_pack("{s:s, s:s}", "case", zNum, "state", zState), e);
}

/* The values of a message to staff about caseId: case, id, state, deadline. */
static json_t *staff_params(Store *s, int64_t caseId, Err *e) {
  Stmt *q = store_prepare(s, "SELECT state, coalesce(deadline, 0) FROM complaint WHERE id = :id", e);
  json_t *j = NULL;
  char zNum[16];
  if (!q) return NULL;
  stmt_bind_int(q, ":id", caseId);
  if (stmt_step(q, e) == 1) {
    case_number(caseId, zNum, sizeof zNum);
    j = json_pack("{s:s, s:I, s:s, s:I}", "case", zNum, "id", (json_int_t)caseId, "state", stmt_text(q, 0),
                  "deadline", (json_int_t)stmt_int(q, 1));
  } else if (!e->code) {
    err_set(e, ERR_NOT_FOUND, "no case %lld", (long long)caseId);
  }
  stmt_finalize(q);
  return j;
}

/* Queue zEvent to the staff zSql selects (id, email; parameter :id the case) as
** zRecipient. Accounts without an email are skipped. */
static int queue_staff(Store *s, const Pii *pii, int64_t caseId, const char *zSql, const char *zRecipient,
                       const char *zEvent, json_t *jParams, Err *e) {
  Stmt *q = store_prepare(s, zSql, e);
  int rc;
  if (!q) return -1;
  stmt_bind_int(q, ":id", caseId);
  while ((rc = stmt_step(q, e)) == 1) {
    const char *zEmail = stmt_text(q, 1);
    if (!zEmail) continue;
    /* Staff messages are in English: accounts carry no language (docs/complaints.md). */
    if (queue_row(s, pii, caseId, zRecipient, stmt_int(q, 0), "email", zEmail, "en", zEvent, jParams,
                  notify_email_ok(zEmail) ? NULL : "not a usable email address", e)) {
      rc = -1;
      break;
    }
  }
  stmt_finalize(q);
  return rc < 0 ? -1 : 0;
}

int notify_case_assigned(Store *s, const Pii *pii, int64_t caseId, Err *e) {
  json_t *j = staff_params(s, caseId, e);
  int rc;
  if (!j) return -1;
  rc = queue_staff(s, pii, caseId,
                   "SELECT a.id, a.email FROM complaint c JOIN account a ON a.id = c.assigned_to"
                   " WHERE c.id = :id AND a.disabled = 0",
                   "inspector", "assigned", j, e);
  json_decref(j);
  return rc;
}

int notify_case_escalated(Store *s, const Pii *pii, int64_t caseId, Err *e) {
  json_t *j = staff_params(s, caseId, e);
  int rc;
  if (!j) return -1;
  rc = queue_staff(s, pii, caseId,
                   "SELECT a.id, a.email FROM complaint c JOIN account a ON a.id = c.assigned_to"
                   " WHERE c.id = :id AND a.disabled = 0",
                   "inspector", "escalated", j, e);
  if (rc == 0)
    rc = queue_staff(s, pii, caseId,
                     "SELECT id, email FROM account WHERE role = 'admin' AND disabled = 0 AND :id > 0 ORDER BY id",
                     "supervisor", "escalated", j, e);
  json_decref(j);
  return rc;
}

/* ---------------------------------------------------------------- rendering */

static void format_time(int64_t t, char *z, size_t n) {
  time_t tt = (time_t)t;
  struct tm tm;
  gmtime_r(&tt, &tm);
  strftime(z, n, "%Y-%m-%d %H:%M", &tm);
}

static const char *state_label(const char *zLang, const char *zState) {
  for (int i = 0; case_azState[i]; i++)
    if (zState && strcmp(case_azState[i], zState) == 0) return T(zLang, azStateLabel[i]);
  return zState ? zState : "?";
}

int notify_render(const NotifyConfig *cfg, const char *zEvent, const char *zRecipient, const char *zLang,
                  json_t *jParams, char **pzSubject, char **pzText, Err *e) {
  const char *zCase = jstr(jParams, "case"), *zState = jstr(jParams, "state");
  size_t nBase = strlen(cfg->zPublicUrl);
  char zWhen[32], *zLink = NULL;
  *pzSubject = *pzText = NULL;
  while (nBase > 0 && cfg->zPublicUrl[nBase - 1] == '/') nBase--;
  if (!zEvent || !zRecipient || !zCase) goto render_bad;
  if (!i18n_supported(zLang)) zLang = "en";
  format_time(json_integer_value(json_object_get(jParams, "deadline")), zWhen, sizeof zWhen);
  if (strcmp(zRecipient, "complainant") == 0) {
    /* The tracking page: the code is typed into its form, never put in a link. */
    zLink = xasprintf("%.*s/complaint/track", (int)nBase, cfg->zPublicUrl);
    if (strcmp(zEvent, "received") == 0 && jstr(jParams, "receipt")) {
      *pzSubject = xasprintf(T(zLang, "Your complaint %s was received"), zCase);
      *pzText = xasprintf(T(zLang, "We received your complaint %s. Your receipt code is %s. Keep it private: it is "
                                   "the only way to follow your complaint, at %s"),
                          zCase, jstr(jParams, "receipt"), zLink);
    } else if (strcmp(zEvent, "state") == 0 && zState) {
      *pzSubject = xasprintf(T(zLang, "Your complaint %s: new status"), zCase);
      *pzText = xasprintf(T(zLang, "The status of your complaint %s is now: %s. Follow it with your receipt code at "
                                   "%s"),
                          zCase, state_label(zLang, zState), zLink);
    }
  } else if (strcmp(zRecipient, "inspector") == 0 || strcmp(zRecipient, "supervisor") == 0) {
    zLink = xasprintf("%.*s/cases/%lld", (int)nBase, cfg->zPublicUrl,
                      (long long)json_integer_value(json_object_get(jParams, "id")));
    if (strcmp(zEvent, "assigned") == 0 && strcmp(zRecipient, "inspector") == 0) {
      *pzSubject = xasprintf(T(zLang, "Case %s is assigned to you"), zCase);
      *pzText = xasprintf(T(zLang, "Case %s is assigned to you. The next step is due by %s (UTC). Open it at %s"),
                          zCase, zWhen, zLink);
    } else if (strcmp(zEvent, "escalated") == 0 && zState) {
      *pzSubject = xasprintf(T(zLang, "Case %s is past its deadline"), zCase);
      if (strcmp(zRecipient, "inspector") == 0)
        *pzText = xasprintf(T(zLang, "Case %s (status: %s) passed its deadline of %s (UTC) and is escalated. Open it "
                                     "at %s"),
                            zCase, state_label(zLang, zState), zWhen, zLink);
      else
        *pzText = xasprintf(T(zLang, "Case %s (status: %s) passed its deadline of %s (UTC) and is escalated: it now "
                                     "comes first in the inspectors' queue."),
                            zCase, state_label(zLang, zState), zWhen);
    }
  }
  free(zLink);
  if (*pzSubject && *pzText) return 0;
  free(*pzSubject);
  free(*pzText);
  *pzSubject = *pzText = NULL;
render_bad:
  err_set(e, ERR_INVALID, "no message \"%s\" for a %s", zEvent ? zEvent : "?", zRecipient ? zRecipient : "?");
  return -1;
}

/* ---------------------------------------------------------------- transports */

typedef struct Upload {
  const char *z;
  size_t n, i;
} Upload;

static size_t upload_read(char *p, size_t size, size_t nItem, void *pArg) {
  Upload *u = pArg;
  size_t nRoom = size * nItem, nLeft = u->n - u->i, k = nLeft < nRoom ? nLeft : nRoom;
  memcpy(p, u->z + u->i, k);
  u->i += k;
  return k;
}

static size_t discard(char *p, size_t size, size_t nItem, void *pArg) {
  (void)p;
  (void)pArg;
  return size * nItem;
}

static void put_base64(Buf *b, const unsigned char *p, size_t n) {
  char z[sodium_base64_ENCODED_LEN(57, sodium_base64_VARIANT_ORIGINAL)];
  for (size_t i = 0; i < n; i += 57) {
    size_t k = n - i < 57 ? n - i : 57;
    sodium_bin2base64(z, sizeof z, p + i, k, sodium_base64_VARIANT_ORIGINAL);
    buf_puts(b, z);
    buf_puts(b, "\r\n");
  }
}

/* A header value as RFC 2047 encoded words of at most 45 bytes of UTF-8 each
** (never splitting a character), folded onto continuation lines. */
static void put_encoded_words(Buf *b, const char *z) {
  size_t n = strlen(z), i = 0;
  while (i < n) {
    size_t k = n - i < 45 ? n - i : 45;
    char zEnc[sodium_base64_ENCODED_LEN(45, sodium_base64_VARIANT_ORIGINAL)];
    while (i + k < n && k > 1 && ((unsigned char)z[i + k] & 0xC0) == 0x80) k--;
    sodium_bin2base64(zEnc, sizeof zEnc, (const unsigned char *)z + i, k, sodium_base64_VARIANT_ORIGINAL);
    buf_printf(b, "%s=?UTF-8?B?%s?=", i ? "\r\n " : "", zEnc);
    i += k;
  }
}

/* The whole message: headers and a base64 text/plain UTF-8 body. */
static char *email_message(const NotifyConfig *cfg, const char *zTo, const char *zLang, const char *zSubject,
                           const char *zText, size_t *pn) {
  static const char *const azDay[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char *const azMon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  time_t t = time(NULL);
  struct tm tm;
  Buf b;
  char *zBody, *zId = random_token(16), *zOut;
  gmtime_r(&t, &tm);
  buf_init(&b, BUF_UNBOUNDED);
  buf_printf(&b, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", azDay[tm.tm_wday], tm.tm_mday, azMon[tm.tm_mon],
             tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  buf_printf(&b, "From: %s\r\nTo: %s\r\nSubject: ", cfg->zSmtpFrom, zTo);
  put_encoded_words(&b, zSubject);
  buf_printf(&b, "\r\nMessage-ID: <%s%s>\r\n", zId, strchr(cfg->zSmtpFrom, '@'));
  buf_printf(&b, "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Language: %s\r\n"
                 "Content-Transfer-Encoding: base64\r\nAuto-Submitted: auto-generated\r\n\r\n",
             zLang);
  zBody = xasprintf("%s\r\n\r\n%s\r\n", zText, T(zLang, "This message was sent automatically by lmis. Do not reply to it."));
  put_base64(&b, (const unsigned char *)zBody, strlen(zBody));
  wipe_free(zBody);
  free(zId);
  *pn = b.n;
  zOut = buf_detach(&b);
  return zOut;
}

/* The libcurl functions lmis calls, from the shared library loaded by curl_api_load. */
typedef struct CurlApi {
  __typeof__(curl_global_init) *global_init;
  __typeof__(curl_global_cleanup) *global_cleanup;
  __typeof__(curl_easy_init) *easy_init;
  __typeof__(curl_easy_setopt) *easy_setopt;
  __typeof__(curl_easy_perform) *easy_perform;
  __typeof__(curl_easy_getinfo) *easy_getinfo;
  __typeof__(curl_easy_cleanup) *easy_cleanup;
  __typeof__(curl_easy_strerror) *easy_strerror;
  __typeof__(curl_slist_append) *slist_append;
  __typeof__(curl_slist_free_all) *slist_free_all;
} CurlApi;

static CurlApi gCurl;           /* written once by curl_api_load, then read only */
static bool gCurlLoaded;
static pthread_once_t gCurlOnce = PTHREAD_ONCE_INIT;

static void curl_api_load(void) {
  /* Debian's GnuTLS build first (libcurl4-gnutls-dev, which scripts/deps.sh installs), then OpenSSL's. */
  static const char *const azLib[] = {"libcurl-gnutls.so.4", "libcurl.so.4"};
  const DlSym aSym[] = {
    {"curl_global_init", (void **)&gCurl.global_init},     {"curl_global_cleanup", (void **)&gCurl.global_cleanup},
    {"curl_easy_init", (void **)&gCurl.easy_init},         {"curl_easy_setopt", (void **)&gCurl.easy_setopt},
    {"curl_easy_perform", (void **)&gCurl.easy_perform},   {"curl_easy_getinfo", (void **)&gCurl.easy_getinfo},
    {"curl_easy_cleanup", (void **)&gCurl.easy_cleanup},   {"curl_easy_strerror", (void **)&gCurl.easy_strerror},
    {"curl_slist_append", (void **)&gCurl.slist_append},   {"curl_slist_free_all", (void **)&gCurl.slist_free_all},
  };
  gCurlLoaded = dl_load(azLib, COUNT(azLib), aSym, COUNT(aSym));
}

static void common_options(CURL *h, const NotifyConfig *cfg, char *zErrBuf) {
  gCurl.easy_setopt(h, CURLOPT_NOSIGNAL, 1L);             /* threads: no SIGALRM for timeouts */
  gCurl.easy_setopt(h, CURLOPT_TIMEOUT, cfg->timeoutSec);
  gCurl.easy_setopt(h, CURLOPT_CONNECTTIMEOUT, cfg->timeoutSec < 10 ? cfg->timeoutSec : 10L);
  gCurl.easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  gCurl.easy_setopt(h, CURLOPT_ERRORBUFFER, zErrBuf);     /* read only to clear it; never stored */
}

/* Send one email; 0, or -1 with zErr (lmis's words: the curl error and reply code). */
static int send_email(const NotifyConfig *cfg, const char *zTo, const char *zLang, const char *zSubject,
                      const char *zText, char *zErr, size_t nErr) {
  CURL *h = gCurl.easy_init();
  struct curl_slist *pRcpt = NULL;
  char zCurlErr[CURL_ERROR_SIZE] = "", *zFrom, *zRcpt, *zMsg;
  Upload up;
  CURLcode rc;
  long nReply = 0;
  if (!h) {
    snprintf(zErr, nErr, "email: libcurl failed to start");
    return -1;
  }
  zFrom = xasprintf("<%s>", cfg->zSmtpFrom);
  zRcpt = xasprintf("<%s>", zTo);
  zMsg = email_message(cfg, zTo, zLang, zSubject, zText, &up.n);
  up.z = zMsg;
  up.i = 0;
  pRcpt = gCurl.slist_append(NULL, zRcpt);
  common_options(h, cfg, zCurlErr);
  gCurl.easy_setopt(h, CURLOPT_URL, cfg->zSmtpUrl);
  gCurl.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  gCurl.easy_setopt(h, CURLOPT_MAIL_FROM, zFrom);
  gCurl.easy_setopt(h, CURLOPT_MAIL_RCPT, pRcpt);
  gCurl.easy_setopt(h, CURLOPT_UPLOAD, 1L);
  gCurl.easy_setopt(h, CURLOPT_READFUNCTION, upload_read);
  gCurl.easy_setopt(h, CURLOPT_READDATA, &up);
  gCurl.easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)up.n);
  /* STARTTLS whenever the server offers it; required when a password would cross. */
  gCurl.easy_setopt(h, CURLOPT_USE_SSL, cfg->zSmtpUser ? (long)CURLUSESSL_ALL : (long)CURLUSESSL_TRY);
  if (cfg->zSmtpUser) {
    gCurl.easy_setopt(h, CURLOPT_USERNAME, cfg->zSmtpUser);
    gCurl.easy_setopt(h, CURLOPT_PASSWORD, cfg->zSmtpPassword);
  }
  rc = gCurl.easy_perform(h);
  gCurl.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &nReply);
  if (rc != CURLE_OK) {
    if (nReply) snprintf(zErr, nErr, "email: %s (the server replied %ld)", gCurl.easy_strerror(rc), nReply);
    else snprintf(zErr, nErr, "email: %s", gCurl.easy_strerror(rc));
  }
  gCurl.slist_free_all(pRcpt);
  gCurl.easy_cleanup(h);
  sodium_memzero(zCurlErr, sizeof zCurlErr);
  wipe_free(zMsg);
  wipe_free(zRcpt);
  free(zFrom);
  return rc == CURLE_OK ? 0 : -1;
}

/* POST {"to", "text"} to the SMS gateway; 2xx is success. */
static int send_sms(const NotifyConfig *cfg, const char *zTo, const char *zText, char *zErr, size_t nErr) {
  CURL *h = gCurl.easy_init();
  struct curl_slist *pHdr = NULL;
  char zCurlErr[CURL_ERROR_SIZE] = "", *zBody, *zAuth = NULL;
  json_t *j;
  CURLcode rc;
  long nStatus = 0;
  if (!h) {
    snprintf(zErr, nErr, "sms: libcurl failed to start");
    return -1;
  }
  j = json_pack("{s:s, s:s}", "to", zTo, "text", zText);
  zBody = json_dumps(j, JSON_COMPACT);
  json_decref(j);
  pHdr = gCurl.slist_append(pHdr, "Content-Type: application/json");
  if (cfg->zSmsToken) {
    zAuth = xasprintf("Authorization: Bearer %s", cfg->zSmsToken);
    pHdr = gCurl.slist_append(pHdr, zAuth);
  }
  common_options(h, cfg, zCurlErr);
  gCurl.easy_setopt(h, CURLOPT_URL, cfg->zSmsUrl);
  gCurl.easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  gCurl.easy_setopt(h, CURLOPT_HTTPHEADER, pHdr);
  gCurl.easy_setopt(h, CURLOPT_POSTFIELDS, zBody);
  gCurl.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(zBody));
  gCurl.easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
  rc = gCurl.easy_perform(h);
  gCurl.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &nStatus);
  if (rc != CURLE_OK) snprintf(zErr, nErr, "sms: %s", gCurl.easy_strerror(rc));
  else if (nStatus < 200 || nStatus > 299) snprintf(zErr, nErr, "sms: the gateway answered HTTP %ld", nStatus);
  gCurl.slist_free_all(pHdr);
  gCurl.easy_cleanup(h);
  sodium_memzero(zCurlErr, sizeof zCurlErr);
  wipe_free(zBody);
  wipe_free(zAuth);
  return rc == CURLE_OK && nStatus >= 200 && nStatus <= 299 ? 0 : -1;
}

/* ---------------------------------------------------------------- delivery */

int notify_transport_init(Err *e) {
  pthread_once(&gCurlOnce, curl_api_load);
  if (!gCurlLoaded) {
    err_set(e, ERR_INTERNAL, "cannot load libcurl, which sends notifications");
    err_hint(e, "install the Debian package libcurl3-gnutls (or libcurl4)");
    return -1;
  }
  if (gCurl.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) return err_set(e, ERR_INTERNAL, "libcurl failed to initialise");
  return 0;
}

void notify_transport_cleanup(void) { gCurl.global_cleanup(); }

/* Record the outcome of an attempt (the attempt was counted when claimed). */
static int record(Store *s, const NotifyConfig *cfg, int64_t id, int nAttempts, int64_t now, const char *zError,
                  NotifyReport *pRep, Err *e) {
  Stmt *q;
  int rc;
  if (!zError) {
    /* Sent: the template values (perhaps a receipt code) are not kept. */
    q = store_prepare(s, "UPDATE outbox SET state = 'sent', sent_at = :now, params = NULL, last_error = NULL"
                         " WHERE id = :id", e);
    pRep->nSent++;
  } else if (nAttempts >= cfg->maxAttempts) {
    q = store_prepare(s, "UPDATE outbox SET state = 'failed', last_error = :err WHERE id = :id", e);
    pRep->nFailed++;
  } else {
    q = store_prepare(s, "UPDATE outbox SET due_at = :due, last_error = :err WHERE id = :id", e);
    pRep->nRetry++;
  }
  if (!q) return -1;
  stmt_bind_int(q, ":id", id);
  if (!zError) {
    stmt_bind_int(q, ":now", now);
  } else {
    stmt_bind_text(q, ":err", zError);
    if (nAttempts < cfg->maxAttempts) {
      int64_t delay = cfg->backoffSec;
      for (int i = 1; i < nAttempts && delay < BACKOFF_CAP; i++) delay *= 2;
      stmt_bind_int(q, ":due", now + (delay < BACKOFF_CAP ? delay : BACKOFF_CAP));
    }
  }
  rc = stmt_run(q, e);
  stmt_finalize(q);
  return rc;
}

/* Claim, audit, decrypt, render, send and record one message. -1 only when the
** store fails; a message that cannot be sent is recorded as such. */
static int deliver_one(Store *s, const NotifyConfig *cfg, const Pii *pii, const Principal *who, int64_t id, int64_t now,
                       NotifyReport *pRep, Err *e) {
  Stmt *q;
  int rc, nAttempts = 0;
  int64_t caseId = 0;
  char zRecipient[16] = "", zChannel[8] = "", zLang[8] = "", zEvent[16] = "", zNum[16], zDetail[96];
  char zErr[ERROR_MAX] = "", *zAddr = NULL, *zParams = NULL, *zSubject = NULL, *zText = NULL;
  uint8_t *pAddr = NULL, *pParams = NULL;
  int nAddr = 0, nParams = 0;
  json_t *jParams = NULL;
  if (store_begin(s, e)) return -1;
  q = store_prepare(s, "UPDATE outbox SET attempts = attempts + 1, due_at = :lease"
                       " WHERE id = :id AND state = 'queued' AND due_at <= :now", e);
  if (!q) goto one_rollback;
  stmt_bind_int(q, ":lease", now + 2 * cfg->timeoutSec + LEASE_EXTRA);
  stmt_bind_int(q, ":id", id);
  stmt_bind_int(q, ":now", now);
  rc = stmt_run(q, e);
  stmt_finalize(q);
  if (rc) goto one_rollback;
  if (store_changes(s) == 0) {   /* another sweeper took it */
    store_rollback(s);
    return 0;
  }
  q = store_prepare(s, "SELECT complaint_id, recipient, channel, language, event, attempts, address, params"
                       " FROM outbox WHERE id = :id", e);
  if (!q) goto one_rollback;
  stmt_bind_int(q, ":id", id);
  if ((rc = stmt_step(q, e)) == 1) {
    const void *p;
    caseId = stmt_int(q, 0);
    snprintf(zRecipient, sizeof zRecipient, "%s", stmt_text(q, 1));
    snprintf(zChannel, sizeof zChannel, "%s", stmt_text(q, 2));
    snprintf(zLang, sizeof zLang, "%s", stmt_text(q, 3));
    snprintf(zEvent, sizeof zEvent, "%s", stmt_text(q, 4));
    nAttempts = (int)stmt_int(q, 5);
    p = stmt_blob(q, 6, &nAddr);
    pAddr = xmalloc((size_t)nAddr + 1);
    if (nAddr) memcpy(pAddr, p, (size_t)nAddr);
    if (!stmt_is_null(q, 7)) {
      p = stmt_blob(q, 7, &nParams);
      pParams = xmalloc((size_t)nParams + 1);
      if (nParams) memcpy(pParams, p, (size_t)nParams);
    }
  }
  stmt_finalize(q);
  if (rc != 1) goto one_rollback;
  /* The address is personal data: its decryption is audited before it happens. */
  case_number(caseId, zNum, sizeof zNum);
  snprintf(zDetail, sizeof zDetail, "outbox %lld: %s to %s (%s)", (long long)id, zChannel, zRecipient, zEvent);
  if (audit(s, who, "notify.send", zNum, NULL, zDetail, e) || store_commit(s, e)) goto one_rollback;

  {
    Err e2 = ERR_INIT;
    zAddr = pii_open_text(pii, pAddr, nAddr, &e2);
    zParams = pParams ? pii_open_text(pii, pParams, nParams, &e2) : NULL;
    err_clear(&e2);
  }
  if (!zAddr || !zParams || !(jParams = json_loads(zParams, 0, NULL))) {
    snprintf(zErr, sizeof zErr, "the stored message cannot be decrypted");
    nAttempts = cfg->maxAttempts;   /* no retry can help */
  } else {
    Err e2 = ERR_INIT;
    if (notify_render(cfg, zEvent, zRecipient, zLang, jParams, &zSubject, &zText, &e2)) {
      snprintf(zErr, sizeof zErr, "%s", e2.zMsg ? e2.zMsg : "cannot render the message");
      nAttempts = cfg->maxAttempts;
    } else if (strcmp(zChannel, "email") == 0) {
      send_email(cfg, zAddr, zLang, zSubject, zText, zErr, sizeof zErr);
    } else {
      send_sms(cfg, zAddr, zText, zErr, sizeof zErr);
    }
    err_clear(&e2);
  }
  if (store_begin(s, e)) goto one_out;
  if (record(s, cfg, id, nAttempts, now, zErr[0] ? zErr : NULL, pRep, e) || store_commit(s, e)) {
    store_rollback(s);
    goto one_out;
  }
  rc = 0;
  goto one_done;
one_rollback:
  store_rollback(s);
one_out:
  rc = -1;
one_done:
  json_decref(jParams);
  wipe_free(zAddr);
  wipe_free(zParams);
  wipe_free(zText);
  free(zSubject);
  free(pAddr);
  free(pParams);
  return rc;
}

int notify_sweep(Store *s, const NotifyConfig *cfg, const Principal *who, int64_t now, NotifyReport *pRep, Err *e) {
  Stmt *q;
  int rc, nId = 0;
  int64_t *aId;
  Pii pii;
  bool bEmail = cfg->zSmtpUrl && cfg->zSmtpFrom, bSms = cfg->zSmsUrl != NULL;
  memset(pRep, 0, sizeof *pRep);
  if (policy_check("notify.manage", who, e)) return -1;
  if (case_escalate(s, now, &pRep->nEscalated, e)) return -1;
  q = store_prepare(s, "SELECT count(*) FROM outbox WHERE state = 'queued' AND due_at <= :now"
                       " AND NOT ((channel = 'email' AND :email) OR (channel = 'sms' AND :sms))", e);
  if (!q) return -1;
  stmt_bind_int(q, ":now", now);
  stmt_bind_int(q, ":email", bEmail);
  stmt_bind_int(q, ":sms", bSms);
  if ((rc = stmt_step(q, e)) == 1) pRep->nWaiting = (int)stmt_int(q, 0);
  stmt_finalize(q);
  if (rc < 0) return -1;
  if (!bEmail && !bSms) return 0;
  /* The ids first: no statement stays open while messages go out. */
  q = store_prepare(s, "SELECT id FROM outbox WHERE state = 'queued' AND due_at <= :now"
                       " AND ((channel = 'email' AND :email) OR (channel = 'sms' AND :sms)) ORDER BY due_at, id LIMIT :n",
                    e);
  if (!q) return -1;
  stmt_bind_int(q, ":now", now);
  stmt_bind_int(q, ":email", bEmail);
  stmt_bind_int(q, ":sms", bSms);
  stmt_bind_int(q, ":n", cfg->nBatch > 0 ? cfg->nBatch : 100);
  aId = xmalloc(sizeof(int64_t) * (size_t)(cfg->nBatch > 0 ? cfg->nBatch : 100));
  while ((rc = stmt_step(q, e)) == 1) aId[nId++] = stmt_int(q, 0);
  stmt_finalize(q);
  if (rc < 0 || (nId > 0 && pii_open(s, 0, &pii, e))) {
    free(aId);
    return -1;
  }
  rc = 0;
  for (int i = 0; i < nId && rc == 0; i++) rc = deliver_one(s, cfg, &pii, who, aId[i], now, pRep, e);
  if (nId > 0) pii_close(&pii);
  free(aId);
  return rc;
}

/* ---------------------------------------------------------------- listing */

static json_t *row_json(Stmt *q) {
  char zNum[16];
  json_t *o;
  case_number(stmt_int(q, 1), zNum, sizeof zNum);
  o = json_pack("{s:I, s:s, s:I, s:s, s:s?, s:s, s:s, s:s, s:s, s:i, s:I, s:I}", "id", (json_int_t)stmt_int(q, 0),
                "case", zNum, "case_id", (json_int_t)stmt_int(q, 1), "recipient", stmt_text(q, 2), "account",
                stmt_text(q, 3), "channel", stmt_text(q, 4), "language", stmt_text(q, 5), "event", stmt_text(q, 6),
                "state", stmt_text(q, 7), "attempts", (int)stmt_int(q, 8), "created_at", (json_int_t)stmt_int(q, 9),
                "due_at", (json_int_t)stmt_int(q, 10));
  json_object_set_new(o, "sent_at", stmt_is_null(q, 11) ? json_null() : json_integer(stmt_int(q, 11)));
  json_object_set_new(o, "last_error", stmt_text(q, 12) ? json_string(stmt_text(q, 12)) : json_null());
  return o;
}

#define ROW_COLUMNS                                                                                              \
  "o.id, o.complaint_id, o.recipient, a.username, o.channel, o.language, o.event, o.state, o.attempts,"        \
  " o.created_at, o.due_at, o.sent_at, o.last_error"

json_t *notify_list(Store *s, const Principal *who, const char *zState, int nLimit, Err *e) {
  static const char *const azState[] = {"queued", "sent", "failed", NULL};
  Stmt *q;
  json_t *a, *jCount;
  int rc;
  bool bAll;
  if (policy_check("notify.read", who, e)) return NULL;
  /* The firewall, again: whatever the table says, never the immigration officer. */
  if (who->role == ROLE_IMMIGRATION_OFFICER) {
    err_set(e, ERR_FORBIDDEN, "the immigration_officer role may not do this");
    return NULL;
  }
  if (zState) {
    bool bOk = false;
    for (int i = 0; azState[i]; i++)
      if (strcmp(azState[i], zState) == 0) bOk = true;
    if (!bOk) {
      err_set(e, ERR_INVALID, "state must be queued, sent or failed, not \"%.20s\"", zState);
      err_where(e, "state");
      return NULL;
    }
  }
  bAll = who->role == ROLE_ADMIN;
  q = store_prepare(s, "SELECT " ROW_COLUMNS " FROM outbox o JOIN complaint c ON c.id = o.complaint_id"
                       " LEFT JOIN account a ON a.id = o.account_id"
                       " WHERE (:state IS NULL OR o.state = :state) AND (:all OR c.assigned_to = :me)"
                       " ORDER BY o.id DESC LIMIT :n", e);
  if (!q) return NULL;
  stmt_bind_text(q, ":state", zState);
  stmt_bind_int(q, ":all", bAll);
  stmt_bind_int(q, ":me", who->accountId);
  stmt_bind_int(q, ":n", nLimit);
  a = json_array();
  while ((rc = stmt_step(q, e)) == 1) json_array_append_new(a, row_json(q));
  stmt_finalize(q);
  if (rc < 0) goto list_fail;
  q = store_prepare(s, "SELECT o.state, count(*) FROM outbox o JOIN complaint c ON c.id = o.complaint_id"
                       " WHERE (:all OR c.assigned_to = :me) GROUP BY 1", e);
  if (!q) goto list_fail;
  stmt_bind_int(q, ":all", bAll);
  stmt_bind_int(q, ":me", who->accountId);
  jCount = json_pack("{s:i, s:i, s:i}", "queued", 0, "sent", 0, "failed", 0);
  while ((rc = stmt_step(q, e)) == 1) json_object_set_new(jCount, stmt_text(q, 0), json_integer(stmt_int(q, 1)));
  stmt_finalize(q);
  if (rc < 0) {
    json_decref(jCount);
    goto list_fail;
  }
  return json_pack("{s:o, s:o}", "notifications", a, "counts", jCount);
list_fail:
  json_decref(a);
  return NULL;
}

json_t *notify_retry(Store *s, const Principal *who, int64_t id, const char *zAddr, Err *e) {
  Stmt *q;
  json_t *j = NULL;
  int rc;
  int64_t caseId = 0;
  char zState[16] = "", zNum[16], zDetail[32];
  if (policy_check("notify.manage", who, e)) return NULL;
  if (store_begin(s, e)) return NULL;
  q = store_prepare(s, "SELECT state, complaint_id FROM outbox WHERE id = :id", e);
  if (!q) goto retry_fail;
  stmt_bind_int(q, ":id", id);
  if ((rc = stmt_step(q, e)) == 1) {
    snprintf(zState, sizeof zState, "%s", stmt_text(q, 0));
    caseId = stmt_int(q, 1);
  }
  stmt_finalize(q);
  if (rc < 0) goto retry_fail;
  if (rc == 0) {
    err_set(e, ERR_NOT_FOUND, "no notification %lld", (long long)id);
    goto retry_fail;
  }
  if (strcmp(zState, "sent") == 0) {
    err_set(e, ERR_CONFLICT, "notification %lld was sent already", (long long)id);
    goto retry_fail;
  }
  q = store_prepare(s, "UPDATE outbox SET state = 'queued', attempts = 0, due_at = :now WHERE id = :id", e);
  if (!q) goto retry_fail;
  stmt_bind_int(q, ":now", now_seconds());
  stmt_bind_int(q, ":id", id);
  rc = stmt_run(q, e);
  stmt_finalize(q);
  case_number(caseId, zNum, sizeof zNum);
  snprintf(zDetail, sizeof zDetail, "outbox %lld", (long long)id);
  if (rc || audit(s, who, "notify.retry", zNum, zAddr, zDetail, e)) goto retry_fail;
  q = store_prepare(s, "SELECT " ROW_COLUMNS " FROM outbox o LEFT JOIN account a ON a.id = o.account_id"
                       " WHERE o.id = :id", e);
  if (!q) goto retry_fail;
  stmt_bind_int(q, ":id", id);
  if (stmt_step(q, e) == 1) j = row_json(q);
  stmt_finalize(q);
  if (!j || store_commit(s, e)) goto retry_fail;
  return j;
retry_fail:
  json_decref(j);
  store_rollback(s);
  return NULL;
}

/* ---------------------------------------------------------------- the worker */

void notify_system_principal(Principal *p) {
  memset(p, 0, sizeof *p);
  p->role = ROLE_ADMIN;
  snprintf(p->zUsername, sizeof p->zUsername, "lmis-notify");
}

struct NotifyWorker {
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t cond;
  bool bStop;
  int intervalSec;
  Store *s;
  NotifyConfig cfg;
  Principal who;
};

static void *worker_main(void *pArg) {
  NotifyWorker *w = pArg;
  pthread_mutex_lock(&w->mu);
  while (!w->bStop) {
    NotifyReport rep;
    Err e = ERR_INIT;
    struct timespec ts;
    pthread_mutex_unlock(&w->mu);
    if (notify_sweep(w->s, &w->cfg, &w->who, now_seconds(), &rep, &e)) {
      fprintf(stderr, "lmis: notify: %s%s%s\n", e.zMsg ? e.zMsg : "the sweep failed", e.zDetail ? ": " : "",
              e.zDetail ? e.zDetail : "");
      err_clear(&e);
    } else if (rep.nEscalated || rep.nSent || rep.nRetry || rep.nFailed) {
      fprintf(stderr, "lmis: notify: %d cases escalated; %d messages sent, %d to retry, %d failed\n",
              rep.nEscalated, rep.nSent, rep.nRetry, rep.nFailed);
    }
    pthread_mutex_lock(&w->mu);
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += w->intervalSec;
    while (!w->bStop && pthread_cond_timedwait(&w->cond, &w->mu, &ts) != ETIMEDOUT) {}
  }
  pthread_mutex_unlock(&w->mu);
  return NULL;
}

int notify_worker_start(const char *zDb, int intervalSec, NotifyWorker **pp, Err *e) {
  NotifyWorker *w = xcalloc(1, sizeof *w);
  pthread_condattr_t ca;
  sigset_t sigs, sigsOld;
  int rc;
  *pp = NULL;
  notify_config_default(&w->cfg);
  if (notify_config_env(&w->cfg, e) || store_open(zDb, STORE_READWRITE, &w->s, e)) {
    free(w);
    return -1;
  }
  if (notify_transport_init(e)) {
    store_close(w->s);
    free(w);
    return -1;
  }
  w->intervalSec = intervalSec > 0 ? intervalSec : 60;
  notify_system_principal(&w->who);
  pthread_mutex_init(&w->mu, NULL);
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&w->cond, &ca);
  pthread_condattr_destroy(&ca);
  /* The stop signals belong to the thread that waits for them (sigwait). */
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &sigs, &sigsOld);
  rc = pthread_create(&w->thread, NULL, worker_main, w);
  pthread_sigmask(SIG_SETMASK, &sigsOld, NULL);
  if (rc) {
    pthread_cond_destroy(&w->cond);
    pthread_mutex_destroy(&w->mu);
    store_close(w->s);
    gCurl.global_cleanup();
    free(w);
    return err_set(e, ERR_INTERNAL, "cannot start the notification thread: %s", strerror(rc));
  }
  *pp = w;
  return 0;
}

void notify_worker_stop(NotifyWorker *w) {
  if (!w) return;
  pthread_mutex_lock(&w->mu);
  w->bStop = true;
  pthread_cond_signal(&w->cond);
  pthread_mutex_unlock(&w->mu);
  pthread_join(w->thread, NULL);
  pthread_cond_destroy(&w->cond);
  pthread_mutex_destroy(&w->mu);
  store_close(w->s);
  gCurl.global_cleanup();
  free(w);
}
