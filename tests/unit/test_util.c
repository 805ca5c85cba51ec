/* Unit tests: util.c (buffers with limits, arena, integer parsing, UTF-8). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <stdlib.h>
#include <pthread.h>
#include <sched.h>
#include "util.h"

static void test_buf_limit(void **state) {
  (void)state;
  Buf b;
  buf_init(&b, 8);
  assert_int_equal(buf_puts(&b, "12345678"), 0);
  assert_string_equal(buf_cstr(&b), "12345678");
  assert_int_equal(buf_putc(&b, 'x'), -1);
  assert_true(b.bOverflow);
  assert_int_equal(b.n, 8);
  assert_int_equal(buf_printf(&b, "%d", 1), -1);
  buf_reset(&b);
  assert_int_equal(buf_printf(&b, "%s-%d", "ab", 42), 0);
  assert_string_equal(buf_cstr(&b), "ab-42");
  buf_free(&b);
}

static void test_buf_detach(void **state) {
  (void)state;
  Buf b;
  buf_init(&b, BUF_UNBOUNDED);
  char *z = buf_detach(&b);
  assert_string_equal(z, "");
  free(z);
  for (int i = 0; i < 10000; i++) buf_putc(&b, 'a');
  z = buf_detach(&b);
  assert_int_equal(strlen(z), 10000);
  assert_null(b.z);
  free(z);
}

static void test_arena(void **state) {
  (void)state;
  Arena *a = arena_new();
  char *z = arena_strdup(a, "hello");
  char *big = arena_alloc(a, 100000);
  memset(big, 1, 100000);
  char *p = arena_printf(a, "%s %d", z, 7);
  assert_string_equal(p, "hello 7");
  for (int i = 0; i < 1000; i++) assert_non_null(arena_alloc(a, 33));
  assert_null(arena_strdup(a, NULL));
  arena_free(a);
  arena_free(NULL);
}

static void test_parse_int(void **state) {
  (void)state;
  long long v;
  assert_int_equal(parse_int("42", 0, 100, &v), 0);
  assert_int_equal(v, 42);
  assert_int_equal(parse_int("-5", -10, 10, &v), 0);
  assert_int_equal(v, -5);
  assert_int_equal(parse_int("", 0, 10, &v), -1);
  assert_int_equal(parse_int("abc", 0, 10, &v), -1);
  assert_int_equal(parse_int("12x", 0, 100, &v), -1);
  assert_int_equal(parse_int(" 1", 0, 10, &v), -1);
  assert_int_equal(parse_int("101", 0, 100, &v), -1);
  assert_int_equal(parse_int("99999999999999999999999", 0, INT64_MAX, &v), -1);
  assert_int_equal(parse_int(NULL, 0, 1, &v), -1);
}

static void test_utf8(void **state) {
  (void)state;
  assert_true(utf8_valid_text("abc", 3));
  assert_true(utf8_valid_text("\xc3\xa9t\xc3\xa9", 5));          /* été */
  assert_true(utf8_valid_text("\xe2\x82\xac", 3));               /* euro sign */
  assert_true(utf8_valid_text("\xf0\x9f\x98\x80", 4));           /* emoji */
  assert_true(utf8_valid_text("line\nnext\ttab\r", 14));
  assert_false(utf8_valid_text("\xc3", 1));                      /* truncated */
  assert_false(utf8_valid_text("\xc0\xaf", 2));                  /* overlong */
  assert_false(utf8_valid_text("\xed\xa0\x80", 3));              /* surrogate */
  assert_false(utf8_valid_text("\xff", 1));
  assert_false(utf8_valid_text("a\0b", 3));
  assert_false(utf8_valid_text("\x01", 1));
  assert_false(utf8_valid_text("\xe2\x82", 2));
}

static void test_strings(void **state) {
  (void)state;
  assert_true(str_eq("a", "a"));
  assert_false(str_eq("a", NULL));
  assert_true(str_startswith("isco show", "isco"));
  assert_false(str_startswith(NULL, "x"));
  char *z = xasprintf("%s=%d", "n", 3);
  assert_string_equal(z, "n=3");
  free(z);
  char *t = random_token(16);
  assert_int_equal(strlen(t), 32);
  char *t2 = random_token(16);
  assert_string_not_equal(t, t2);
  free(t);
  free(t2);
}

/* The thread runs; where the process may use two CPUs or more, it may not use the creator's. */
typedef struct Beside {
  int iCreator;
  bool bRan, bMayUseCreatorsCpu;
} Beside;

static void *beside_main(void *pArg) {
  Beside *p = pArg;
  cpu_set_t set;
  p->bRan = true;
  p->bMayUseCreatorsCpu = pthread_getaffinity_np(pthread_self(), sizeof set, &set) != 0 || CPU_ISSET(p->iCreator, &set);
  return NULL;
}

static void test_thread_beside(void **state) {
  (void)state;
  cpu_set_t set;
  pthread_t t;
  Beside b = {sched_getcpu(), false, true};
  assert_int_equal(sched_getaffinity(0, sizeof set, &set), 0);
  assert_int_equal(thread_start_beside(&t, beside_main, &b), 0);
  assert_int_equal(pthread_join(t, NULL), 0);
  assert_true(b.bRan);
  if (CPU_COUNT(&set) >= 2 && b.iCreator >= 0) assert_false(b.bMayUseCreatorsCpu);
  char z[32];
  assert_string_equal(utc_minute(86400 + 3600 + 60, z), "1970-01-02 01:01");
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_buf_limit), cmocka_unit_test(test_buf_detach), cmocka_unit_test(test_arena),
    cmocka_unit_test(test_parse_int), cmocka_unit_test(test_utf8),       cmocka_unit_test(test_strings), cmocka_unit_test(test_thread_beside),
  };
  return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
