/*
** test_auth.c: password hashing, accounts, sessions, API tokens, login rate
** limits, disabled accounts and the audit log, against a fresh database.
**
** argon2id is deliberately slow (and slower under AddressSanitizer), so the
** tests share a few accounts and insert rate-limit history directly where the
** number of attempts, not the hashing, is what is being tested.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "util.h"

#define PW "correct horse battery"
#define PW2 "another long passphrase"

typedef struct Fixture {
  char zDir[64];
  char *zDb;
  Store *s;
} Fixture;

/* One argon2 hash of PW shared by the fixtures (hashing is the slow part). */
static char *zHashPW;

static int64_t count_rows(Store *s, const char *zSql) { return store_int(s, zSql, -1); }

static int setup(void **state) {
  Fixture *f = xcalloc(1, sizeof *f);
  Err e = ERR_INIT;
  snprintf(f->zDir, sizeof f->zDir, "/tmp/lmis-test-auth.XXXXXX");
  if (!mkdtemp(f->zDir)) return -1;
  f->zDb = xasprintf("%s/auth.db", f->zDir);
  if (store_open(f->zDb, STORE_CREATE, &f->s, &e) || store_migrate(f->s, &e)) {
    err_print(&e);
    err_clear(&e);
    return -1;
  }
  {
    Stmt *q = store_prepare(f->s,
                            "INSERT INTO account(username, display_name, role, password_hash, created_at) VALUES"
                            " ('alice', 'Alice', 'statistician', :h, 0), ('bob', NULL, 'migrant', :h, 0)",
                            &e);
    if (!q) return -1;
    stmt_bind_text(q, ":h", zHashPW);
    if (stmt_run(q, &e)) return -1;
    stmt_finalize(q);
  }
  *state = f;
  return 0;
}

static int teardown(void **state) {
  Fixture *f = *state;
  char *z;
  store_close(f->s);
  unlink(f->zDb);
  z = xasprintf("%s-wal", f->zDb);
  unlink(z);
  free(z);
  z = xasprintf("%s-shm", f->zDb);
  unlink(z);
  free(z);
  rmdir(f->zDir);
  free(f->zDb);
  free(f);
  return 0;
}

/* Forget earlier failures so each test starts with a clean rate-limit slate. */
static void reset_failures(Store *s) {
  Err e = ERR_INIT;
  assert_int_equal(store_exec(s, "DELETE FROM login_failure", &e), 0);
}

static void test_hash_verify(void **state) {
  char *h1 = auth_hash_password(PW), *h2 = auth_hash_password(PW);
  (void)state;
  assert_non_null(h1);
  assert_non_null(h2);
  assert_true(str_startswith(h1, "$argon2id$"));
  assert_string_not_equal(h1, h2); /* salted */
  assert_int_equal(auth_verify_password(h1, PW), 0);
  assert_int_equal(auth_verify_password(h2, PW), 0);
  assert_int_equal(auth_verify_password(h1, "wrong password!"), -1);
  assert_int_equal(auth_verify_password(h1, ""), -1);
  assert_int_equal(auth_verify_password("not a hash", PW), -1);
  assert_int_equal(auth_verify_password(NULL, PW), -1);
  free(h1);
  free(h2);
}

static void test_password_rules(void **state) {
  Err e = ERR_INIT;
  char *zLong = xmalloc(1100);
  (void)state;
  assert_int_equal(auth_password_ok("short", &e), -1);
  assert_int_equal(e.code, ERR_INVALID);
  err_clear(&e);
  assert_int_equal(auth_password_ok("", &e), -1);
  err_clear(&e);
  assert_int_equal(auth_password_ok("\xff\xfe invalid utf8 xx", &e), -1);
  err_clear(&e);
  assert_int_equal(auth_password_ok("ten chars!", &e), 0);
  /* characters, not bytes: nine accented letters are too few */
  assert_int_equal(auth_password_ok("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", &e), -1);
  err_clear(&e);
  memset(zLong, 'a', 1099);
  zLong[1099] = 0;
  assert_int_equal(auth_password_ok(zLong, &e), -1);
  err_clear(&e);
  free(zLong);
}

static void test_user_add_rules(void **state) {
  Fixture *f = *state;
  Err e = ERR_INIT;
  int64_t id = 0;
  assert_int_equal(auth_user_add(f->s, "ALICE", NULL, ROLE_ADMIN, PW, &id, &e), -1);
  assert_int_equal(e.code, ERR_CONFLICT); /* usernames ignore case */
  err_clear(&e);
  assert_int_equal(auth_user_add(f->s, "bad name", NULL, ROLE_ADMIN, PW, &id, &e), -1);
  assert_int_equal(e.code, ERR_INVALID);
  err_clear(&e);
  assert_int_equal(auth_user_add(f->s, "", NULL, ROLE_ADMIN, PW, &id, &e), -1);
  err_clear(&e);
  assert_int_equal(auth_user_add(f->s, "pub", NULL, ROLE_PUBLIC, PW, &id, &e), -1);
  assert_int_equal(e.code, ERR_INVALID);
  err_clear(&e);
  assert_int_equal(auth_user_add(f->s, "weak", NULL, ROLE_MIGRANT, "short", &id, &e), -1);
  err_clear(&e);
  assert_int_equal(auth_user_add(f->s, "dora.d@example", "Dora D", ROLE_SOCIAL_PARTNER, PW, &id, &e), 0);
  assert_true(id > 0);
  assert_int_equal(count_rows(f->s, "SELECT count(*) FROM account"), 3);
  assert_int_equal(count_rows(f->s, "SELECT count(*) FROM audit_log WHERE action = 'account.add'"), 1);
  /* only a hash is stored */
  assert_int_equal(count_rows(f->s, "SELECT count(*) FROM account WHERE password_hash LIKE '$argon2id$%'"), 3);
  assert_int_equal(count_rows(f->s, "SELECT count(*) FROM account WHERE role = 'social_partner'"), 1);
}

static void test_login_session_logout(void **state) {
  Fixture *f = *state;
  Err e = ERR_INIT;
  Principal who, who2;
  char *zToken = NULL, *zCsrf = NULL, *zCsrf2 = NULL;
  reset_failures(f->s);
  assert_int_equal(auth_login(f->s, "Alice", PW, "192.0.2.1", &who, &zToken, &zCsrf, &e), 0);
  assert_int_equal(who.role, ROLE_STATISTICIAN);
  assert_string_equal(who.zUsername, "alice");
  assert_false(who.bToken);
  assert_true(who.accountId > 0);
  assert_int_equal(strlen(zToken), 64);
  assert_int_equal(strlen(zCsrf), 64);
  assert_string_not_equal(zToken, zCsrf);

  /* The database has the hash of the token, never the token. */
  assert_int_equal(count_rows(f->s, "SELECT count(*) FROM session"), 1);
  assert_int_equal(count_rows(f->s, "SELECT count(*) FROM session WHERE length(token_hash) = 64"), 1);
  {
    Stmt *q = store_prepare(f->s, "SELECT count(*) FROM session WHERE token_hash = :t", &e);
    assert_non_null(q);
    stmt_bind_text(q, ":t", zToken);
    assert_int_equal(stmt_step(q, &e), 1);
    assert_int_equal(stmt_int(q, 0), 0);
    stmt_finalize(q);
  }

  assert_int_equal(auth_session(f->s, zToken, &who2, &zCsrf2, &e), 0);
  assert_int_equal(who2.accountId, who.accountId);
  assert_int_equal(who2.role, ROLE_STATISTICIAN);
  assert_string_equal(zCsrf2, zCsrf);
  free(zCsrf2);
  zCsrf2 = NULL;

  /* unknown and malformed tokens */
  assert_int_equal(auth_session(f->s, "00", &who2, NULL, &e), -1);
  assert_int_equal(e.code, ERR_UNAUTH);
  err_clear(&e);
  {
    char zOther[65];
    memset(zOther, 'a', 64);
    zOther[64] = 0;
    assert_int_equal(auth_session(f->s, zOther, &who2, NULL, &e), -1);
    err_clear(&e);
  }

  assert_int_equal(auth_logout(f->s, zToken, &e), 0);
  assert_int_equal(auth_session(f->s, zToken, &who2, &zCsrf2, &e), -1);
  assert_int_equal(e.code, ERR_UNAUTH);
  assert_null(zCsrf2);
  err_clear(&e);
  assert_int_equal(auth_logout(f->s, zToken, &e), 0); /* twice is harmless */
  assert_int_equal(count_rows(f->s, "SELECT count(*) FROM audit_log WHERE action = 'session.login'"), 1);
  assert_int_equal(count_rows(f->s, "SELECT count(*) FROM audit_log WHERE action = 'session.logout'"), 1);
  free(zToken);
  free(zCsrf);
}

static void test_session_expiry(void **state) {
  Fixture *f = *state;
  Err e = ERR_INIT;
  Principal who;
  char *zToken = NULL, *zCsrf = NULL;
  reset_failures(f->s);
  assert_int_equal(auth_login(f->s, "bob", PW, "192.0.2.2", &who, &zToken, &zCsrf, &e), 0);
  assert_int_equal(auth_session(f->s, zToken, &who, NULL, &e), 0);
  assert_int_equal(store_exec(f->s, "UPDATE session SET expires_at = 1", &e), 0);
  assert_int_equal(auth_session(f->s, zToken, &who, NULL, &e), -1);
  assert_int_equal(e.code, ERR_UNAUTH);
  err_clear(&e);
  free(zToken);
  free(zCsrf);
}

static void test_wrong_password_and_unknown_user(void **state) {
  Fixture *f = *state;
  Err e = ERR_INIT;
  Principal who;
  char *zToken = NULL, *zCsrf = NULL;
  reset_failures(f->s);
  assert_int_equal(auth_login(f->s, "alice", "wrong password", "192.0.2.3", &who, &zToken, &zCsrf, &e), -1);
  assert_int_equal(e.code, ERR_UNAUTH);
  assert_null(zToken);
  assert_null(zCsrf);
  /* the same message for an unknown user: no account enumeration */
  char *zMsg = xstrdup(e.zMsg);
  err_clear(&e);
  assert_int_equal(auth_login(f->s, "nobody", "wrong password", "192.0.2.3", &who, &zToken, &zCsrf, &e), -1);
  assert_int_equal(e.code, ERR_UNAUTH);
  assert_string_equal(e.zMsg, zMsg);
  err_clear(&e);
  free(zMsg);
  assert_int_equal(auth_login(f->s, "", PW, "192.0.2.3", &who, &zToken, &zCsrf, &e), -1);
  err_clear(&e);
  assert_int_equal(count_rows(f->s, "SELECT count(*) FROM login_failure WHERE address = '192.0.2.3'"), 2);
  assert_int_equal(count_rows(f->s, "SELECT count(*) FROM audit_log WHERE action = 'session.login.failed'"), 2);
}

static void test_rate_limit_account(void **state) {
  Fixture *f = *state;
  Err e = ERR_INIT;
  Principal who;
  char *zToken = NULL, *zCsrf = NULL;
  reset_failures(f->s);
  /* Five failures from different addresses... */
  for (int i = 0; i < AUTH_MAX_FAIL_ACCOUNT; i++) {
    char zAddr[32];
    snprintf(zAddr, sizeof zAddr, "198.51.100.%d", i);
    assert_int_equal(auth_login(f->s, "bob", "wrong password", zAddr, &who, &zToken, &zCsrf, &e), -1);
    assert_int_equal(e.code, ERR_UNAUTH);
    err_clear(&e);
  }
  /* ...and the sixth attempt is refused, even with the right password. */
  assert_int_equal(auth_login(f->s, "BOB", PW, "198.51.100.99", &who, &zToken, &zCsrf, &e), -1);
  assert_int_equal(e.code, ERR_RATE_LIMIT);
  assert_non_null(e.zHint);
  assert_non_null(strstr(e.zHint, "try again in"));
  assert_null(zToken);
  err_clear(&e);
  /* other accounts are not affected */
  assert_int_equal(auth_login(f->s, "alice", PW, "198.51.100.98", &who, &zToken, &zCsrf, &e), 0);
  free(zToken);
  free(zCsrf);
  zToken = zCsrf = NULL;
  /* failures older than the window do not count */
  assert_int_equal(store_exec(f->s, "UPDATE login_failure SET at = at - 1000", &e), 0);
  assert_int_equal(auth_login(f->s, "bob", PW, "198.51.100.99", &who, &zToken, &zCsrf, &e), 0);
  free(zToken);
  free(zCsrf);
}

static void test_success_clears_failures(void **state) {
  Fixture *f = *state;
  Err e = ERR_INIT;
  Principal who;
  char *zToken = NULL, *zCsrf = NULL;
  reset_failures(f->s);
  /* four recorded failures, then a success */
  assert_int_equal(store_exec(f->s,
                              "INSERT INTO login_failure(username, address, at) VALUES"
                              " ('alice','203.0.113.1',strftime('%s','now')),('alice','203.0.113.1',strftime('%s','now')),"
                              " ('alice','203.0.113.1',strftime('%s','now')),('alice','203.0.113.1',strftime('%s','now'))",
                              &e),
                   0);
  assert_int_equal(auth_login(f->s, "alice", PW, "203.0.113.1", &who, &zToken, &zCsrf, &e), 0);
  free(zToken);
  free(zCsrf);
  zToken = zCsrf = NULL;
  assert_int_equal(count_rows(f->s, "SELECT count(*) FROM login_failure WHERE username = 'alice'"), 0);
  /* so four more failures still leave room for a login */
  assert_int_equal(store_exec(f->s,
                              "INSERT INTO login_failure(username, address, at) VALUES"
                              " ('alice','203.0.113.1',strftime('%s','now')),('alice','203.0.113.1',strftime('%s','now')),"
                              " ('alice','203.0.113.1',strftime('%s','now')),('alice','203.0.113.1',strftime('%s','now'))",
                              &e),
                   0);
  assert_int_equal(auth_login(f->s, "alice", PW, "203.0.113.1", &who, &zToken, &zCsrf, &e), 0);
  free(zToken);
  free(zCsrf);
}

static void test_rate_limit_address(void **state) {
  Fixture *f = *state;
  Err e = ERR_INIT;
  Principal who;
  char *zToken = NULL, *zCsrf = NULL;
  reset_failures(f->s);
  /* 20 failures from one address, spread over many (made-up) usernames */
  for (int i = 0; i < AUTH_MAX_FAIL_ADDRESS; i++) {
    Stmt *q = store_prepare(f->s,
                            "INSERT INTO login_failure(username, address, at) VALUES(:u, '203.0.113.7', :now)", &e);
    char zUser[16];
    snprintf(zUser, sizeof zUser, "guess%d", i);
    assert_non_null(q);
    stmt_bind_text(q, ":u", zUser);
    stmt_bind_int(q, ":now", now_seconds());
    assert_int_equal(stmt_run(q, &e), 0);
    stmt_finalize(q);
  }
  assert_int_equal(auth_login(f->s, "alice", PW, "203.0.113.7", &who, &zToken, &zCsrf, &e), -1);
  assert_int_equal(e.code, ERR_RATE_LIMIT);
  err_clear(&e);
  assert_int_equal(auth_login(f->s, "alice", PW, "203.0.113.8", &who, &zToken, &zCsrf, &e), 0);
  free(zToken);
  free(zCsrf);
}

static void test_tokens(void **state) {
  Fixture *f = *state;
  Err e = ERR_INIT;
  Principal who;
  char *zToken = NULL;
  int64_t id = 0;
  assert_int_equal(auth_token_create(f->s, "alice", "", &zToken, &id, &e), -1);
  err_clear(&e);
  assert_int_equal(auth_token_create(f->s, "nobody", "ci", &zToken, &id, &e), -1);
  assert_int_equal(e.code, ERR_NOT_FOUND);
  err_clear(&e);
  assert_int_equal(auth_token_create(f->s, "alice", "ci", &zToken, &id, &e), 0);
  assert_true(id > 0);
  assert_int_equal(strlen(zToken), 64);
  assert_int_equal(count_rows(f->s, "SELECT count(*) FROM api_token WHERE length(token_hash) = 64"), 1);
  assert_int_equal(auth_token(f->s, zToken, &who, &e), 0);
  assert_true(who.bToken);
  assert_int_equal(who.role, ROLE_STATISTICIAN);
  assert_string_equal(who.zUsername, "alice");
  assert_int_equal(count_rows(f->s, "SELECT count(*) FROM api_token WHERE last_used_at IS NOT NULL"), 1);
  /* a token is not a session, and a session token is not an API token */
  assert_int_equal(auth_session(f->s, zToken, &who, NULL, &e), -1);
  err_clear(&e);
  assert_int_equal(auth_token(f->s, "garbage", &who, &e), -1);
  assert_int_equal(e.code, ERR_UNAUTH);
  err_clear(&e);
  assert_int_equal(auth_token_revoke(f->s, id, &e), 0);
  assert_int_equal(auth_token(f->s, zToken, &who, &e), -1);
  assert_int_equal(e.code, ERR_UNAUTH);
  err_clear(&e);
  assert_int_equal(auth_token_revoke(f->s, id, &e), -1);
  assert_int_equal(e.code, ERR_NOT_FOUND);
  err_clear(&e);
  assert_int_equal(count_rows(f->s, "SELECT count(*) FROM audit_log WHERE action IN ('token.create','token.revoke')"), 2);
  free(zToken);
}

static void test_disabled_account(void **state) {
  Fixture *f = *state;
  Err e = ERR_INIT;
  Principal who;
  char *zSession = NULL, *zCsrf = NULL, *zApi = NULL;
  int64_t id;
  reset_failures(f->s);
  assert_int_equal(auth_user_add(f->s, "carol", NULL, ROLE_LABOUR_INSPECTOR, PW, &id, &e), 0);
  assert_int_equal(auth_login(f->s, "carol", PW, "192.0.2.9", &who, &zSession, &zCsrf, &e), 0);
  assert_int_equal(auth_token_create(f->s, "carol", "script", &zApi, &id, &e), 0);
  assert_int_equal(auth_session(f->s, zSession, &who, NULL, &e), 0);
  assert_int_equal(auth_token(f->s, zApi, &who, &e), 0);

  assert_int_equal(auth_user_disable(f->s, "carol", &e), 0);
  assert_int_equal(auth_session(f->s, zSession, &who, NULL, &e), -1);
  err_clear(&e);
  assert_int_equal(auth_token(f->s, zApi, &who, &e), -1);
  err_clear(&e);
  free(zSession);
  free(zCsrf);
  zSession = zCsrf = NULL;
  assert_int_equal(auth_login(f->s, "carol", PW, "192.0.2.9", &who, &zSession, &zCsrf, &e), -1);
  assert_int_equal(e.code, ERR_UNAUTH);
  assert_null(zSession);
  err_clear(&e);
  assert_int_equal(auth_token_create(f->s, "carol", "again", &zSession, &id, &e), -1);
  err_clear(&e);
  assert_int_equal(auth_user_disable(f->s, "nobody", &e), -1);
  assert_int_equal(e.code, ERR_NOT_FOUND);
  err_clear(&e);
  assert_int_equal(count_rows(f->s, "SELECT count(*) FROM audit_log WHERE action = 'account.disable'"), 1);
  free(zApi);
}

static void test_set_password(void **state) {
  Fixture *f = *state;
  Err e = ERR_INIT;
  Principal who;
  char *zToken = NULL, *zCsrf = NULL;
  reset_failures(f->s);
  assert_int_equal(auth_login(f->s, "bob", PW, "192.0.2.10", &who, &zToken, &zCsrf, &e), 0);
  assert_int_equal(auth_user_set_password(f->s, "bob", "short", &e), -1);
  err_clear(&e);
  assert_int_equal(auth_user_set_password(f->s, "nobody", PW2, &e), -1);
  assert_int_equal(e.code, ERR_NOT_FOUND);
  err_clear(&e);
  assert_int_equal(auth_user_set_password(f->s, "bob", PW2, &e), 0);
  /* the old session ended with the old password */
  assert_int_equal(auth_session(f->s, zToken, &who, NULL, &e), -1);
  err_clear(&e);
  free(zToken);
  free(zCsrf);
  zToken = zCsrf = NULL;
  assert_int_equal(auth_login(f->s, "bob", PW, "192.0.2.10", &who, &zToken, &zCsrf, &e), -1);
  err_clear(&e);
  assert_int_equal(auth_login(f->s, "bob", PW2, "192.0.2.10", &who, &zToken, &zCsrf, &e), 0);
  free(zToken);
  free(zCsrf);
}

static void test_audit_direct(void **state) {
  Fixture *f = *state;
  Err e = ERR_INIT;
  Principal who;
  memset(&who, 0, sizeof who);
  who.accountId = 1;
  who.role = ROLE_ADMIN;
  assert_int_equal(audit(f->s, &who, "test.action", "obj", "127.0.0.1", "detail", &e), 0);
  assert_int_equal(audit(f->s, NULL, "test.action", NULL, NULL, NULL, &e), 0);
  assert_int_equal(count_rows(f->s, "SELECT count(*) FROM audit_log WHERE action = 'test.action' AND account_id = 1"), 1);
  assert_int_equal(count_rows(f->s, "SELECT count(*) FROM audit_log WHERE action = 'test.action' AND account_id IS NULL"), 1);
}

static int group_setup(void **state) {
  (void)state;
  zHashPW = auth_hash_password(PW);
  return zHashPW ? 0 : -1;
}

static int group_teardown(void **state) {
  (void)state;
  free(zHashPW);
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_hash_verify),
    cmocka_unit_test(test_password_rules),
    cmocka_unit_test_setup_teardown(test_user_add_rules, setup, teardown),
    cmocka_unit_test_setup_teardown(test_login_session_logout, setup, teardown),
    cmocka_unit_test_setup_teardown(test_session_expiry, setup, teardown),
    cmocka_unit_test_setup_teardown(test_wrong_password_and_unknown_user, setup, teardown),
    cmocka_unit_test_setup_teardown(test_rate_limit_account, setup, teardown),
    cmocka_unit_test_setup_teardown(test_success_clears_failures, setup, teardown),
    cmocka_unit_test_setup_teardown(test_rate_limit_address, setup, teardown),
    cmocka_unit_test_setup_teardown(test_tokens, setup, teardown),
    cmocka_unit_test_setup_teardown(test_disabled_account, setup, teardown),
    cmocka_unit_test_setup_teardown(test_set_password, setup, teardown),
    cmocka_unit_test_setup_teardown(test_audit_direct, setup, teardown),
  };
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
