/* Unit tests: store.c, the statement wrapper, migrations and the pool. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "store.h"
#include "util.h"

static char zPath[64];

static int setup(void **state) {
  (void)state;
  snprintf(zPath, sizeof zPath, "/tmp/lmis-test-store-%d.db", (int)getpid());
  unlink(zPath);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  char *z;
  unlink(zPath);
  z = xasprintf("%s-wal", zPath); unlink(z); free(z);
  z = xasprintf("%s-shm", zPath); unlink(z); free(z);
  return 0;
}

static void test_missing_db(void **state) {
  (void)state;
  Store *s = NULL;
  Err e = ERR_INIT;
  assert_int_equal(store_open("/nonexistent/lmis.db", STORE_READWRITE, &s, &e), -1);
  assert_null(s);
  assert_int_equal(e.code, ERR_NO_DB);
  assert_non_null(strstr(e.zHint, "lmis init"));
  err_clear(&e);
}

static void test_migrate_and_bind(void **state) {
  (void)state;
  Store *s = NULL;
  Err e = ERR_INIT;
  assert_int_equal(store_open(zPath, STORE_CREATE, &s, &e), 0);
  assert_int_equal(store_schema_version(s), 0);
  assert_int_equal(store_migrate(s, &e), 0);
  assert_int_equal(store_schema_version(s), store_schema_latest());
  assert_int_equal(store_int(s, "PRAGMA foreign_keys", 0), 1);

  Stmt *q = store_prepare(s, "INSERT INTO meta(key, value) VALUES(:k, :v)", &e);
  assert_non_null(q);
  /* A value that would be an injection if SQL were built from text. */
  stmt_bind_text(q, ":k", "x'); DROP TABLE meta; --");
  stmt_bind_text(q, ":v", "1");
  assert_int_equal(stmt_run(q, &e), 0);
  stmt_finalize(q);
  assert_int_equal(store_int(s, "SELECT count(*) FROM meta", -1), 1);

  /* Unknown parameter names are reported, not silently ignored. */
  q = store_prepare(s, "SELECT value FROM meta WHERE key = :k", &e);
  stmt_bind_text(q, ":nope", "x");
  assert_int_equal(stmt_step(q, &e), -1);
  assert_int_equal(e.code, ERR_INTERNAL);
  assert_non_null(strstr(e.zMsg, ":nope"));
  stmt_finalize(q);
  err_clear(&e);

  /* Constraint violations are conflicts. */
  q = store_prepare(s, "INSERT INTO meta(key, value) VALUES(:k, NULL)", &e);
  stmt_bind_text(q, ":k", "y");
  assert_int_equal(stmt_run(q, &e), -1);
  assert_int_equal(e.code, ERR_CONFLICT);
  stmt_finalize(q);
  err_clear(&e);

  /* Bad SQL fails to prepare with a message. */
  assert_null(store_prepare(s, "SELEC nonsense", &e));
  assert_int_equal(e.code, ERR_DB);
  err_clear(&e);

  /* Rollback undoes. */
  assert_int_equal(store_begin(s, &e), 0);
  assert_int_equal(store_exec(s, "DELETE FROM meta", &e), 0);
  store_rollback(s);
  assert_int_equal(store_int(s, "SELECT count(*) FROM meta", -1), 1);
  store_close(s);

  /* Reopening an existing database at the current version works without CREATE. */
  assert_int_equal(store_open(zPath, STORE_READWRITE, &s, &e), 0);
  assert_string_equal(store_path(s), zPath);
  store_close(s);
}

static void test_not_a_database(void **state) {
  (void)state;
  Store *s = NULL;
  Err e = ERR_INIT;
  FILE *f = fopen(zPath, "w");
  fputs("this is not a database, just text that is long enough to be a header.....................", f);
  fclose(f);
  assert_int_equal(store_open(zPath, STORE_READWRITE, &s, &e), -1);
  assert_null(s);
  assert_true(e.code == ERR_DB || e.code == ERR_NO_DB);
  err_clear(&e);
  unlink(zPath);
}

static void test_empty_database(void **state) {
  (void)state;
  Store *s = NULL;
  Err e = ERR_INIT;
  FILE *f = fopen(zPath, "w");
  fclose(f);
  assert_int_equal(store_open(zPath, STORE_READWRITE, &s, &e), -1);
  assert_int_equal(e.code, ERR_NO_DB);
  assert_non_null(strstr(e.zHint, "lmis init"));
  err_clear(&e);
}

static void test_pool(void **state) {
  (void)state;
  Store *s = NULL;
  StorePool *p = NULL;
  Err e = ERR_INIT;
  teardown(NULL);
  assert_int_equal(store_open(zPath, STORE_CREATE, &s, &e), 0);
  assert_int_equal(store_migrate(s, &e), 0);
  store_close(s);
  assert_int_equal(store_pool_new(zPath, 3, &p, &e), 0);
  Store *a = store_pool_get(p), *b = store_pool_get(p), *c = store_pool_get(p);
  assert_true(a != b && b != c && a != c);
  store_begin(a, &e);  /* left open: put() must roll it back */
  store_pool_put(p, a);
  store_pool_put(p, b);
  store_pool_put(p, c);
  store_pool_free(p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_missing_db),
    cmocka_unit_test_setup_teardown(test_migrate_and_bind, setup, teardown),
    cmocka_unit_test_setup_teardown(test_not_a_database, setup, teardown),
    cmocka_unit_test_setup_teardown(test_empty_database, setup, teardown),
    cmocka_unit_test_setup_teardown(test_pool, setup, teardown),
  };
  return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
