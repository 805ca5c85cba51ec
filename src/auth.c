/*
** auth.c: accounts, password hashing, sessions, API tokens, login rate limiting
** and the audit log.
**
** Passwords are hashed with argon2id (libsodium, interactive limits). Session and
** API tokens are 32 random bytes in hex; the database keeps only their BLAKE2b
** hash, so a copy of the database does not let anyone log in. Rate limiting and
** sessions live in the database, not in process memory, so they hold across the
** server's threads and restarts and need no shared mutable state.
*/
#include "auth.h"
#include "notify.h"
#include "util.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOKEN_BYTES 32
#define TOKEN_HEX (TOKEN_BYTES * 2)
#define PASSWORD_MAX 1024
#define DISPLAY_MAX 200
#define TOKEN_NAME_MAX 100

/* A real argon2id hash of a throw-away password with the same limits as
** auth_hash_password: verifying against it for unknown usernames takes as long as
** for real ones, so response times do not reveal which usernames exist. */
static const char zDummyHash[] =
  "$argon2id$v=19$m=65536,t=2,p=1$1I3MYE04CA92VWc01tJbUQ$/ItL7bwKizwIfIs7FWoDuZww9Fiutk64HWP3IC60BKY";

static void sodium_ready(void) {
  /* Safe to call from many threads; later calls return 1 at once. */
  if (sodium_init() < 0) {
    fprintf(stderr, "lmis: libsodium failed to initialise\n");
    abort();
  }
}

char *auth_hash_password(const char *zPassword) {
  char *zOut;
  sodium_ready();
  zOut = xmalloc(crypto_pwhash_STRBYTES);
  if (crypto_pwhash_str_alg(zOut, zPassword, strlen(zPassword), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    free(zOut);
    return NULL;
  }
  return zOut;
}

int auth_verify_password(const char *zHash, const char *zPassword) {
  sodium_ready();
  if (!zHash || !zPassword) return -1;
  return crypto_pwhash_str_verify(zHash, zPassword, strlen(zPassword)) == 0 ? 0 : -1;
}

int auth_password_ok(const char *zPassword, Err *e) {
  size_t n = zPassword ? strlen(zPassword) : 0;
  if (n > PASSWORD_MAX) {
    err_set(e, ERR_INVALID, "password is too long");
    err_detail(e, "%zu bytes; at most %d are allowed", n, PASSWORD_MAX);
    return -1;
  }
  if (!utf8_valid_text(zPassword ? zPassword : "", n)) {
    return err_set(e, ERR_INVALID, "password must be valid UTF-8 text without control characters");
  }
  /* Count characters, not bytes: 10 accented letters are 10 characters. */
  size_t nChar = 0;
  for (size_t i = 0; i < n; i++)
    if (((unsigned char)zPassword[i] & 0xc0) != 0x80) nChar++;
  if (nChar < AUTH_MIN_PASSWORD) {
    err_set(e, ERR_INVALID, "password is too short");
    err_detail(e, "%zu characters; at least %d are needed", nChar, AUTH_MIN_PASSWORD);
    err_hint(e, "a passphrase of a few unrelated words is long and easy to remember");
    return -1;
  }
  return 0;
}

int auth_username_ok(const char *zUser, Err *e) {
  size_t n = zUser ? strlen(zUser) : 0;
  if (n == 0 || n > USERNAME_MAX) {
    err_set(e, ERR_INVALID, "username must have 1 to %d characters", USERNAME_MAX);
    return -1;
  }
  for (size_t i = 0; i < n; i++) {
    char c = zUser[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
          c == '_' || c == '-' || c == '@')) {
      err_set(e, ERR_INVALID, "username may contain only letters, digits and . _ - @");
      err_detail(e, "character %zu is not allowed", i + 1);
      return -1;
    }
  }
  return 0;
}

/* Hex BLAKE2b-256 of a token into zOut[TOKEN_HEX + 1]. */
static void token_hash(const char *zToken, char *zOut) {
  unsigned char aHash[32];
  sodium_ready();
  crypto_generichash(aHash, sizeof aHash, (const unsigned char *)zToken, strlen(zToken), NULL, 0);
  sodium_bin2hex(zOut, TOKEN_HEX + 1, aHash, sizeof aHash);
}

/* Tokens are exactly 64 lower-case hex digits: anything else is not looked up. */
static bool token_wellformed(const char *z) {
  size_t i;
  if (!z) return false;
  for (i = 0; z[i]; i++) {
    if (i >= TOKEN_HEX) return false;
    if (!((z[i] >= '0' && z[i] <= '9') || (z[i] >= 'a' && z[i] <= 'f'))) return false;
  }
  return i == TOKEN_HEX;
}

static void principal_set(Principal *p, int64_t id, const char *zUser, const char *zRole, bool bToken) {
  Role r = ROLE_PUBLIC;
  memset(p, 0, sizeof *p);
  p->accountId = id;
  if (role_parse(zRole, &r) != 0 || r == ROLE_PUBLIC) r = ROLE_PUBLIC;
  p->role = r;
  snprintf(p->zUsername, sizeof p->zUsername, "%s", zUser ? zUser : "");
  p->bToken = bToken;
}

/* ---- accounts ---- */

int auth_user_add(Store *s, const char *zUser, const char *zDisplay, Role role, const char *zPassword,
                  int64_t *pId, Err *e) {
  char *zHash = NULL;
  Stmt *q = NULL;
  int rc = -1;
  if (auth_username_ok(zUser, e)) return -1;
  if (role == ROLE_PUBLIC || (int)role < 0 || role >= ROLE__COUNT) {
    err_set(e, ERR_INVALID, "an account needs a role other than public");
    return -1;
  }
  if (zDisplay && (strlen(zDisplay) > DISPLAY_MAX || !utf8_valid_text(zDisplay, strlen(zDisplay)))) {
    return err_set(e, ERR_INVALID, "display name must be UTF-8 text of at most %d bytes", DISPLAY_MAX);
  }
  if (auth_password_ok(zPassword, e)) return -1;
  zHash = auth_hash_password(zPassword);
  if (!zHash) return err_set(e, ERR_INTERNAL, "could not hash the password");
  q = store_prepare(s,
                    "INSERT INTO account(username, display_name, role, password_hash, created_at)"
                    " VALUES(:user, :display, :role, :hash, :now)",
                    e);
  if (!q) goto add_out;
  stmt_bind_text(q, ":user", zUser);
  stmt_bind_text(q, ":display", zDisplay);
  stmt_bind_text(q, ":role", role_name(role));
  stmt_bind_text(q, ":hash", zHash);
  stmt_bind_int(q, ":now", now_seconds());
  if (stmt_run(q, e)) {
    if (e->code == ERR_CONFLICT) {
      err_set(e, ERR_CONFLICT, "account %s already exists", zUser);
      err_hint(e, "usernames are compared without regard to case");
    }
    goto add_out;
  }
  if (pId) *pId = store_last_id(s);
  {
    char *zDetail = xasprintf("role=%s", role_name(role));
    rc = audit(s, NULL, "account.add", zUser, NULL, zDetail, e);
    free(zDetail);
  }
add_out:
  stmt_finalize(q);
  if (zHash) {
    sodium_memzero(zHash, strlen(zHash));
    free(zHash);
  }
  return rc;
}

/* Run one statement that changes the account zUser; ERR_NOT_FOUND when none did. */
static int account_update(Store *s, const char *zSql, const char *zUser, const char *zHash, Err *e) {
  Stmt *q = store_prepare(s, zSql, e);
  int rc;
  if (!q) return -1;
  stmt_bind_text(q, ":user", zUser);
  if (zHash) stmt_bind_text(q, ":hash", zHash);
  rc = stmt_run(q, e);
  stmt_finalize(q);
  if (rc == 0 && store_changes(s) == 0) {
    err_set(e, ERR_NOT_FOUND, "no account %s", zUser);
    err_hint(e, "`lmis user list` shows the accounts");
    return -1;
  }
  return rc;
}

static int sessions_end_for(Store *s, const char *zUser, Err *e) {
  Stmt *q = store_prepare(s,
                          "DELETE FROM session WHERE account_id IN"
                          " (SELECT id FROM account WHERE username = :user)",
                          e);
  int rc;
  if (!q) return -1;
  stmt_bind_text(q, ":user", zUser);
  rc = stmt_run(q, e);
  stmt_finalize(q);
  return rc;
}

int auth_user_set_password(Store *s, const char *zUser, const char *zPassword, Err *e) {
  char *zHash;
  int rc;
  if (auth_password_ok(zPassword, e)) return -1;
  zHash = auth_hash_password(zPassword);
  if (!zHash) return err_set(e, ERR_INTERNAL, "could not hash the password");
  if (store_begin(s, e)) {
    free(zHash);
    return -1;
  }
  rc = account_update(s, "UPDATE account SET password_hash = :hash WHERE username = :user", zUser, zHash, e);
  /* A new password ends every session opened with the old one. */
  if (rc == 0) rc = sessions_end_for(s, zUser, e);
  if (rc == 0) rc = audit(s, NULL, "account.password", zUser, NULL, NULL, e);
  if (rc == 0) rc = store_commit(s, e);
  if (rc) store_rollback(s);
  sodium_memzero(zHash, strlen(zHash));
  free(zHash);
  return rc;
}

int auth_user_disable(Store *s, const char *zUser, Err *e) {
  int rc;
  if (store_begin(s, e)) return -1;
  rc = account_update(s, "UPDATE account SET disabled = 1 WHERE username = :user", zUser, NULL, e);
  if (rc == 0) rc = sessions_end_for(s, zUser, e);
  if (rc == 0) rc = audit(s, NULL, "account.disable", zUser, NULL, NULL, e);
  if (rc == 0) rc = store_commit(s, e);
  if (rc) store_rollback(s);
  return rc;
}

/* The account's email for case notifications (notify.c), or none when zEmail is
** NULL. A work address, stored in clear like the username; audited. */
int auth_user_set_email(Store *s, const char *zUser, const char *zEmail, Err *e) {
  int rc;
  if (zEmail && !notify_email_ok(zEmail)) {
    err_set(e, ERR_USAGE, "not an email address lmis can write to: \"%.80s\"", zEmail);
    err_hint(e, "a plain address such as name@example.org (ASCII, no spaces or angle brackets)");
    return -1;
  }
  if (store_begin(s, e)) return -1;
  /* account_update binds its second value as :hash. */
  rc = account_update(s, zEmail ? "UPDATE account SET email = :hash WHERE username = :user"
                                : "UPDATE account SET email = NULL WHERE username = :user",
                      zUser, zEmail, e);
  if (rc == 0) rc = audit(s, NULL, "account.email", zUser, NULL, zEmail ? "set" : "cleared", e);
  if (rc == 0) rc = store_commit(s, e);
  if (rc) store_rollback(s);
  return rc;
}

/* ---- login rate limiting ---- */

/* Count recent failures for a username or an address; also returns the time the
** oldest of them leaves the window, for the retry hint. */
static int failures_count(Store *s, const char *zSql, const char *zValue, int64_t now, int64_t *pnCount,
                          int64_t *piRetry, Err *e) {
  Stmt *q = store_prepare(s, zSql, e);
  int rc;
  if (!q) return -1;
  stmt_bind_text(q, ":v", zValue);
  stmt_bind_int(q, ":since", now - AUTH_FAIL_WINDOW);
  rc = stmt_step(q, e);
  if (rc == 1) {
    *pnCount = stmt_int(q, 0);
    *piRetry = stmt_is_null(q, 1) ? now : stmt_int(q, 1) + AUTH_FAIL_WINDOW;
    rc = 0;
  } else if (rc == 0) {
    *pnCount = 0;
    *piRetry = now;
  }
  stmt_finalize(q);
  return rc;
}

/* The n-th most recent failure decides when the count drops below the limit. */
static int rate_check(Store *s, const char *zUser, const char *zAddr, Err *e) {
  int64_t now = now_seconds(), nUser = 0, nAddr = 0, iRetryUser = now, iRetryAddr = now;
  if (failures_count(s,
                     "SELECT count(*), (SELECT at FROM login_failure WHERE username = :v COLLATE NOCASE"
                     " AND at > :since ORDER BY at DESC LIMIT 1 OFFSET " /* limit - 1 */ "4)"
                     " FROM login_failure WHERE username = :v COLLATE NOCASE AND at > :since",
                     zUser, now, &nUser, &iRetryUser, e))
    return -1;
  if (zAddr && failures_count(s,
                              "SELECT count(*), (SELECT at FROM login_failure WHERE address = :v"
                              " AND at > :since ORDER BY at DESC LIMIT 1 OFFSET 19)"
                              " FROM login_failure WHERE address = :v AND at > :since",
                              zAddr, now, &nAddr, &iRetryAddr, e))
    return -1;
  if (nUser >= AUTH_MAX_FAIL_ACCOUNT || nAddr >= AUTH_MAX_FAIL_ADDRESS) {
    int64_t iRetry = iRetryUser > iRetryAddr ? iRetryUser : iRetryAddr;
    int64_t nWait = iRetry - now;
    if (nWait < 1) nWait = 1;
    err_set(e, ERR_RATE_LIMIT, "too many failed logins");
    err_detail(e, "%s",
               nUser >= AUTH_MAX_FAIL_ACCOUNT
                 ? "this account had too many failed attempts in the last 15 minutes"
                 : "this address had too many failed attempts in the last 15 minutes");
    err_hint(e, "try again in %lld seconds", (long long)nWait);
    return -1;
  }
  return 0;
}
_Static_assert(AUTH_MAX_FAIL_ACCOUNT == 5 && AUTH_MAX_FAIL_ADDRESS == 20,
               "the OFFSETs in rate_check are the limits minus one");

static int failure_record(Store *s, const char *zUser, const char *zAddr, Err *e) {
  Stmt *q = store_prepare(s, "INSERT INTO login_failure(username, address, at) VALUES(:user, :addr, :now)", e);
  int rc;
  if (!q) return -1;
  stmt_bind_text(q, ":user", zUser);
  stmt_bind_text(q, ":addr", zAddr);
  stmt_bind_int(q, ":now", now_seconds());
  rc = stmt_run(q, e);
  stmt_finalize(q);
  if (rc == 0) rc = audit(s, NULL, "session.login.failed", zUser, zAddr, NULL, e);
  return rc;
}

static int run_simple(Store *s, const char *zSql, const char *zName, const char *zText, int64_t iVal, Err *e) {
  Stmt *q = store_prepare(s, zSql, e);
  int rc;
  if (!q) return -1;
  if (zText) stmt_bind_text(q, zName, zText);
  else stmt_bind_int(q, zName, iVal);
  rc = stmt_run(q, e);
  stmt_finalize(q);
  return rc;
}

int auth_login(Store *s, const char *zUser, const char *zPassword, const char *zAddr, Principal *pWho,
               char **pzToken, char **pzCsrf, Err *e) {
  Stmt *q = NULL;
  char *zHash = NULL, *zRole = NULL, *zName = NULL, *zToken = NULL, *zCsrf = NULL;
  int64_t id = 0;
  bool bDisabled = false, bOk;
  char zTokenHash[TOKEN_HEX + 1];
  int rc = -1;

  *pzToken = *pzCsrf = NULL;
  if (!zUser || !zPassword || !*zUser || strlen(zUser) > USERNAME_MAX || strlen(zPassword) > PASSWORD_MAX) {
    err_set(e, ERR_UNAUTH, "wrong username or password");
    return -1;
  }
  if (rate_check(s, zUser, zAddr, e)) return -1;

  q = store_prepare(s, "SELECT id, username, role, password_hash, disabled FROM account WHERE username = :user",
                    e);
  if (!q) return -1;
  stmt_bind_text(q, ":user", zUser);
  rc = stmt_step(q, e);
  if (rc < 0) goto login_out;
  if (rc == 1) {
    id = stmt_int(q, 0);
    zName = xstrdup(stmt_text(q, 1));
    zRole = xstrdup(stmt_text(q, 2));
    zHash = xstrdup(stmt_text(q, 3));
    bDisabled = stmt_int(q, 4) != 0;
  }
  stmt_finalize(q);
  q = NULL;
  rc = -1;

  /* Always pay for one argon2 verification, whether or not the account exists. */
  bOk = auth_verify_password(zHash ? zHash : zDummyHash, zPassword) == 0 && zHash != NULL;
  if (!bOk || bDisabled) {
    if (failure_record(s, zUser, zAddr, e)) goto login_out;
    if (bOk && bDisabled) {
      err_set(e, ERR_UNAUTH, "account %s is disabled", zName);
      err_hint(e, "ask an administrator to enable it again");
    } else {
      err_set(e, ERR_UNAUTH, "wrong username or password");
    }
    goto login_out;
  }

  zToken = random_token(TOKEN_BYTES);
  zCsrf = random_token(TOKEN_BYTES);
  token_hash(zToken, zTokenHash);
  principal_set(pWho, id, zName, zRole, false);
  if (store_begin(s, e)) goto login_out;
  {
    int64_t now = now_seconds();
    /* Housekeeping while we hold the write lock anyway. */
    if (run_simple(s, "DELETE FROM session WHERE expires_at <= :now", ":now", NULL, now, e)) goto login_rollback;
    if (run_simple(s, "DELETE FROM login_failure WHERE at <= :old", ":old", NULL, now - AUTH_FAIL_WINDOW, e))
      goto login_rollback;
    if (run_simple(s, "DELETE FROM login_failure WHERE username = :user COLLATE NOCASE", ":user", zName, 0, e))
      goto login_rollback;
    q = store_prepare(s,
                      "INSERT INTO session(token_hash, account_id, csrf, created_at, expires_at)"
                      " VALUES(:hash, :account, :csrf, :now, :expires)",
                      e);
    if (!q) goto login_rollback;
    stmt_bind_text(q, ":hash", zTokenHash);
    stmt_bind_int(q, ":account", id);
    stmt_bind_text(q, ":csrf", zCsrf);
    stmt_bind_int(q, ":now", now);
    stmt_bind_int(q, ":expires", now + AUTH_SESSION_TTL);
    if (stmt_run(q, e)) goto login_rollback;
    if (audit(s, pWho, "session.login", zName, zAddr, NULL, e)) goto login_rollback;
    if (store_commit(s, e)) goto login_rollback;
  }
  *pzToken = zToken;
  *pzCsrf = zCsrf;
  zToken = zCsrf = NULL;
  rc = 0;
  goto login_out;

login_rollback:
  store_rollback(s);
  memset(pWho, 0, sizeof *pWho);
login_out:
  stmt_finalize(q);
  free(zToken);
  free(zCsrf);
  free(zName);
  free(zRole);
  free(zHash);
  return rc;
}

int auth_session(Store *s, const char *zToken, Principal *pWho, char **pzCsrf, Err *e) {
  char zHash[TOKEN_HEX + 1];
  Stmt *q;
  int rc;
  if (pzCsrf) *pzCsrf = NULL;
  if (!token_wellformed(zToken)) return err_set(e, ERR_UNAUTH, "session expired or unknown");
  token_hash(zToken, zHash);
  q = store_prepare(s,
                    "SELECT a.id, a.username, a.role, s.csrf FROM session s JOIN account a ON a.id = s.account_id"
                    " WHERE s.token_hash = :hash AND s.expires_at > :now AND a.disabled = 0",
                    e);
  if (!q) return -1;
  stmt_bind_text(q, ":hash", zHash);
  stmt_bind_int(q, ":now", now_seconds());
  rc = stmt_step(q, e);
  if (rc == 1) {
    principal_set(pWho, stmt_int(q, 0), stmt_text(q, 1), stmt_text(q, 2), false);
    if (pzCsrf) *pzCsrf = xstrdup(stmt_text(q, 3));
    rc = 0;
  } else if (rc == 0) {
    rc = err_set(e, ERR_UNAUTH, "session expired or unknown");
    err_hint(e, "log in again");
  }
  stmt_finalize(q);
  return rc;
}

int auth_logout(Store *s, const char *zToken, Err *e) {
  Principal who;
  char zHash[TOKEN_HEX + 1];
  Err eIgnore = ERR_INIT;
  int rc;
  if (!token_wellformed(zToken)) return 0;  /* nothing to end */
  if (auth_session(s, zToken, &who, NULL, &eIgnore)) {
    err_clear(&eIgnore);
    memset(&who, 0, sizeof who);
  }
  token_hash(zToken, zHash);
  rc = run_simple(s, "DELETE FROM session WHERE token_hash = :hash", ":hash", zHash, 0, e);
  if (rc == 0 && who.accountId > 0) rc = audit(s, &who, "session.logout", who.zUsername, NULL, NULL, e);
  return rc;
}

int auth_token(Store *s, const char *zToken, Principal *pWho, Err *e) {
  char zHash[TOKEN_HEX + 1];
  Stmt *q;
  int rc;
  int64_t tokenId = 0, lastUsed = 0, now = now_seconds();
  if (!token_wellformed(zToken)) {
    err_set(e, ERR_UNAUTH, "invalid API token");
    err_hint(e, "tokens are 64 hexadecimal digits, created with `lmis token create`");
    return -1;
  }
  token_hash(zToken, zHash);
  q = store_prepare(s,
                    "SELECT a.id, a.username, a.role, t.id, coalesce(t.last_used_at, 0)"
                    " FROM api_token t JOIN account a ON a.id = t.account_id"
                    " WHERE t.token_hash = :hash AND t.revoked = 0 AND a.disabled = 0",
                    e);
  if (!q) return -1;
  stmt_bind_text(q, ":hash", zHash);
  rc = stmt_step(q, e);
  if (rc == 1) {
    principal_set(pWho, stmt_int(q, 0), stmt_text(q, 1), stmt_text(q, 2), true);
    tokenId = stmt_int(q, 3);
    lastUsed = stmt_int(q, 4);
    rc = 0;
  } else if (rc == 0) {
    rc = err_set(e, ERR_UNAUTH, "invalid API token");
    err_detail(e, "the token is unknown, revoked, or its account is disabled");
  }
  stmt_finalize(q);
  /* Record use at most once a minute: a write per request would serialise readers. */
  if (rc == 0 && now - lastUsed >= 60) {
    Err eIgnore = ERR_INIT;
    run_simple(s, "UPDATE api_token SET last_used_at = strftime('%s','now') WHERE id = :id", ":id", NULL,
               tokenId, &eIgnore);
    err_clear(&eIgnore);
  }
  return rc;
}

int auth_token_create(Store *s, const char *zUser, const char *zName, char **pzToken, int64_t *pId, Err *e) {
  Stmt *q = NULL;
  char *zToken = NULL;
  char zHash[TOKEN_HEX + 1];
  int64_t accountId = 0;
  int rc = -1;
  *pzToken = NULL;
  if (!zName || !*zName || strlen(zName) > TOKEN_NAME_MAX || !utf8_valid_text(zName, strlen(zName))) {
    return err_set(e, ERR_INVALID, "token name must be text of 1 to %d bytes", TOKEN_NAME_MAX);
  }
  q = store_prepare(s, "SELECT id, disabled FROM account WHERE username = :user", e);
  if (!q) return -1;
  stmt_bind_text(q, ":user", zUser);
  rc = stmt_step(q, e);
  if (rc == 1 && stmt_int(q, 1) != 0) {
    err_set(e, ERR_CONFLICT, "account %s is disabled", zUser);
    rc = -1;
  } else if (rc == 1) {
    accountId = stmt_int(q, 0);
    rc = 0;
  } else if (rc == 0) {
    err_set(e, ERR_NOT_FOUND, "no account %s", zUser);
    rc = -1;
  }
  stmt_finalize(q);
  q = NULL;
  if (rc) return -1;
  rc = -1;
  zToken = random_token(TOKEN_BYTES);
  token_hash(zToken, zHash);
  if (store_begin(s, e)) goto token_out;
  q = store_prepare(s,
                    "INSERT INTO api_token(token_hash, account_id, name, created_at)"
                    " VALUES(:hash, :account, :name, :now)",
                    e);
  if (!q) goto token_rollback;
  stmt_bind_text(q, ":hash", zHash);
  stmt_bind_int(q, ":account", accountId);
  stmt_bind_text(q, ":name", zName);
  stmt_bind_int(q, ":now", now_seconds());
  if (stmt_run(q, e)) goto token_rollback;
  if (pId) *pId = store_last_id(s);
  if (audit(s, NULL, "token.create", zUser, NULL, zName, e)) goto token_rollback;
  if (store_commit(s, e)) goto token_rollback;
  *pzToken = zToken;
  zToken = NULL;
  rc = 0;
  goto token_out;
token_rollback:
  store_rollback(s);
token_out:
  stmt_finalize(q);
  free(zToken);
  return rc;
}

int auth_token_revoke(Store *s, int64_t id, Err *e) {
  int rc;
  char zId[32];
  if (store_begin(s, e)) return -1;
  rc = run_simple(s, "UPDATE api_token SET revoked = 1 WHERE id = :id AND revoked = 0", ":id", NULL, id, e);
  if (rc == 0 && store_changes(s) == 0) {
    rc = err_set(e, ERR_NOT_FOUND, "no active API token with id %lld", (long long)id);
    err_hint(e, "`lmis token list` shows the tokens");
  }
  snprintf(zId, sizeof zId, "%lld", (long long)id);
  if (rc == 0) rc = audit(s, NULL, "token.revoke", zId, NULL, NULL, e);
  if (rc == 0) rc = store_commit(s, e);
  if (rc) store_rollback(s);
  return rc;
}
