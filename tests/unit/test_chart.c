/* Unit tests: chart.c, SVG bar charts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <string.h>
#include "chart.h"

static int count(const char *z, const char *zNeedle) {
  int n = 0;
  for (const char *p = strstr(z, zNeedle); p; p = strstr(p + 1, zNeedle)) n++;
  return n;
}

static void test_bars(void **state) {
  (void)state;
  const char *azSeries[] = {"Migrants", "Non-migrants"};
  ChartBar a[] = {
    {"Women <15>", 0, 40.0, 35.0, 45.0, false, false},
    {"Women <15>", 1, 50.0, 48.0, 52.0, false, false},
    {"Men", 0, 10.0, NAN, NAN, false, true},
    {"Men", 1, 0, NAN, NAN, true, false},
  };
  Buf b;
  buf_init(&b, BUF_UNBOUNDED);
  chart_bars_svg(&b, "Rate & <title>", "desc", a, 4, azSeries, 2, "suppressed", " (!)");
  const char *z = buf_cstr(&b);
  assert_non_null(strstr(z, "<svg"));
  assert_non_null(strstr(z, "</svg>"));
  /* labels are escaped, never markup */
  assert_null(strstr(z, "<15>"));
  assert_non_null(strstr(z, "Women &lt;15&gt;"));
  assert_non_null(strstr(z, "Rate &amp; &lt;title&gt;"));
  /* two legend squares + three bars; the suppressed one is a note */
  assert_int_equal(count(z, "<rect"), 5);
  assert_int_equal(count(z, "suppressed"), 1);
  /* intervals only where both bounds are known */
  assert_int_equal(count(z, "class=\"ci\""), 2);
  /* the unreliable bar is pale and marked */
  assert_int_equal(count(z, "fill-opacity"), 1);
  assert_non_null(strstr(z, "10 (!)"));
  /* axis maximum is a nice number above the largest upper bound (52 -> 100) */
  assert_non_null(strstr(z, ">100<"));
  buf_free(&b);
}

static void test_empty(void **state) {
  (void)state;
  Buf b;
  buf_init(&b, BUF_UNBOUNDED);
  chart_bars_svg(&b, "t", "d", NULL, 0, NULL, 0, "-", "!");
  assert_non_null(strstr(buf_cstr(&b), "</svg>"));
  buf_free(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {cmocka_unit_test(test_bars), cmocka_unit_test(test_empty)};
  return cmocka_run_group_tests_name("chart", tests, NULL, NULL);
}
