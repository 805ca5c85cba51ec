/* Unit tests: err.c, the single mapping from error code to HTTP status, exit code and slug. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "err.h"

static void test_mapping(void **state) {
  (void)state;
  assert_int_equal(err_http_status(ERR_NOT_FOUND), 404);
  assert_int_equal(err_http_status(ERR_INVALID), 400);
  assert_int_equal(err_http_status(ERR_UNAUTH), 401);
  assert_int_equal(err_http_status(ERR_FORBIDDEN), 403);
  assert_int_equal(err_http_status(ERR_METHOD), 405);
  assert_int_equal(err_http_status(ERR_TOO_LARGE), 413);
  assert_int_equal(err_http_status(ERR_RATE_LIMIT), 429);
  assert_int_equal(err_http_status(ERR_DB), 500);
  assert_int_equal(err_exit_code(ERR_OK), 0);
  assert_int_equal(err_exit_code(ERR_USAGE), 2);
  assert_int_equal(err_exit_code(ERR_NOT_FOUND), 1);
  assert_string_equal(err_slug(ERR_NOT_FOUND), "not-found");
  /* Out-of-range codes are treated as internal errors, never read out of bounds. */
  assert_int_equal(err_http_status((ErrCode)999), 500);
  /* Every code has a distinct slug. */
  for (int i = 0; i < ERR__COUNT; i++)
    for (int j = i + 1; j < ERR__COUNT; j++) assert_string_not_equal(err_slug(i), err_slug(j));
}

static void test_messages(void **state) {
  (void)state;
  Err e = ERR_INIT;
  assert_int_equal(err_set(&e, ERR_INVALID, "bad %s", "thing"), -1);
  err_detail(&e, "line %d", 3);
  err_hint(&e, "fix it");
  err_where(&e, "/a/b");
  assert_int_equal(e.code, ERR_INVALID);
  assert_string_equal(e.zMsg, "bad thing");
  assert_string_equal(e.zDetail, "line 3");
  err_set(&e, ERR_NOT_FOUND, "other");   /* replaces everything */
  assert_null(e.zDetail);
  assert_null(e.zHint);
  assert_null(e.zWhere);
  err_clear(&e);
  assert_int_equal(e.code, ERR_OK);
  assert_null(e.zMsg);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_mapping), cmocka_unit_test(test_messages)};
  return cmocka_run_group_tests_name("err", tests, NULL, NULL);
}
