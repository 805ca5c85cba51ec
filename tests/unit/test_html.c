/*
** test_html.c: escaping of HTML output (html.c): every special character,
** every html_printf conversion, URL encoding, and that no %s argument can
** inject markup.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <string.h>

#include "html.h"

static void test_escape_each_char(void **state) {
  (void)state;
  static const struct {
    const char *zIn, *zOut;
  } aCase[] = {
    {"&", "&amp;"},
    {"<", "&lt;"},
    {">", "&gt;"},
    {"\"", "&quot;"},
    {"'", "&#39;"},
    {"plain text", "plain text"},
    {"", ""},
    {"a&b<c>d\"e'f", "a&amp;b&lt;c&gt;d&quot;e&#39;f"},
    {"&amp;", "&amp;amp;"},   /* no double-decoding shortcuts */
    {"Français – Español ©", "Français – Español ©"},
  };
  for (size_t i = 0; i < sizeof(aCase) / sizeof(aCase[0]); i++) {
    Buf b;
    buf_init(&b, BUF_UNBOUNDED);
    html_escape(&b, aCase[i].zIn);
    assert_string_equal(buf_cstr(&b), aCase[i].zOut);
    buf_free(&b);
  }
}

static void test_escape_null(void **state) {
  (void)state;
  Buf b;
  buf_init(&b, BUF_UNBOUNDED);
  html_escape(&b, NULL);
  const char *volatile zNull = NULL;   /* hidden from -Wformat-overflow */
  html_printf(&b, "[%s]", zNull);
  assert_string_equal(buf_cstr(&b), "[]");
  buf_free(&b);
}

static void test_printf_formats(void **state) {
  (void)state;
  Buf b;
  buf_init(&b, BUF_UNBOUNDED);
  html_printf(&b, "%d|%i|%u|%x", -42, 7, 4000000000u, 255u);
  assert_string_equal(buf_cstr(&b), "-42|7|4000000000|ff");
  buf_reset(&b);
  html_printf(&b, "%ld|%lld|%lu|%llu", -1234567890L, LLONG_MIN, 99UL, ULLONG_MAX);
  assert_string_equal(buf_cstr(&b), "-1234567890|-9223372036854775808|99|18446744073709551615");
  buf_reset(&b);
  html_printf(&b, "%zu|%.2f|%.0f|%.3f|100%%", (size_t)12345, 3.14159, 2.0, -2.71828);
  assert_string_equal(buf_cstr(&b), "12345|3.14|2|-2.718|100%");
  buf_reset(&b);
  html_printf(&b, "%f", 1.5);
  assert_string_equal(buf_cstr(&b), "1.500000");
  buf_reset(&b);
  html_printf(&b, "no conversions <b>kept</b>");
  assert_string_equal(buf_cstr(&b), "no conversions <b>kept</b>");
  buf_reset(&b);
  html_printf(&b, "%c%c", 'x', '<');
  assert_string_equal(buf_cstr(&b), "x&lt;");
  buf_reset(&b);
  html_printf(&b, "<a href=\"/isco/%s\">%s %d</a>", "2221", "Nursing & midwifery", 3);
  assert_string_equal(buf_cstr(&b), "<a href=\"/isco/2221\">Nursing &amp; midwifery 3</a>");
  buf_free(&b);
}

static void test_printf_unsupported_stops(void **state) {
  (void)state;
  Buf b;
  buf_init(&b, BUF_UNBOUNDED);
  /* A width is valid printf but not supported: output stops with a marker
  ** instead of consuming arguments it cannot type. */
  html_printf(&b, "a%5db%s", 3, "never");
  assert_non_null(strstr(buf_cstr(&b), "unsupported"));
  assert_null(strstr(buf_cstr(&b), "never"));
  assert_int_equal(buf_cstr(&b)[0], 'a');
  buf_free(&b);
}

/* Hostile strings in every position of a typical template. */
static void test_no_injection(void **state) {
  (void)state;
  static const char *const azEvil[] = {
    "\"><script>alert(1)</script>",
    "' onmouseover='alert(1)",
    "<img src=x onerror=alert(1)>",
    "</textarea><svg onload=alert(1)>",
    "<!--",
    "&lt;script&gt;",
  };
  for (size_t i = 0; i < sizeof(azEvil) / sizeof(azEvil[0]); i++) {
    Buf b;
    buf_init(&b, BUF_UNBOUNDED);
    html_printf(&b, "<p title=\"%s\" data-x='%s'>%s</p>", azEvil[i], azEvil[i], azEvil[i]);
    const char *z = buf_cstr(&b);
    /* Exactly the template's own markup: one element, quotes only where the
    ** template put them. */
    assert_true(strncmp(z, "<p title=\"", 10) == 0);
    size_t nLt = 0, nGt = 0, nDq = 0, nSq = 0;
    for (const char *p = z; *p; p++) {
      nLt += *p == '<';
      nGt += *p == '>';
      nDq += *p == '"';
      nSq += *p == '\'';
    }
    assert_int_equal(nLt, 2);
    assert_int_equal(nGt, 2);
    assert_int_equal(nDq, 2);
    assert_int_equal(nSq, 2);
    assert_null(strstr(z, "<script"));
    assert_null(strstr(z, "<img"));
    assert_null(strstr(z, "<svg"));
    assert_null(strstr(z, "<!--"));
    buf_free(&b);
  }
}

static void test_urlencode(void **state) {
  (void)state;
  Buf b;
  buf_init(&b, BUF_UNBOUNDED);
  html_urlencode(&b, "AZaz09-._~");
  assert_string_equal(buf_cstr(&b), "AZaz09-._~");
  buf_reset(&b);
  html_urlencode(&b, "a b&c=d/e?f#g+h%\"<'");
  assert_string_equal(buf_cstr(&b), "a%20b%26c%3Dd%2Fe%3Ff%23g%2Bh%25%22%3C%27");
  buf_reset(&b);
  html_urlencode(&b, "infirmière");
  assert_string_equal(buf_cstr(&b), "infirmi%C3%A8re");
  buf_reset(&b);
  html_urlencode(&b, NULL);
  html_urlencode(&b, "");
  assert_string_equal(buf_cstr(&b), "");
  buf_free(&b);
}

static void test_raw(void **state) {
  (void)state;
  Buf b;
  buf_init(&b, BUF_UNBOUNDED);
  html_raw_UNSAFE(&b, "<ul>");
  html_raw_UNSAFE(&b, NULL);
  assert_string_equal(buf_cstr(&b), "<ul>");
  buf_free(&b);
}

/* A bounded buffer refuses to grow past its maximum instead of crashing. */
static void test_bounded(void **state) {
  (void)state;
  Buf b;
  buf_init(&b, 16);
  html_printf(&b, "%s", "<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<");
  html_printf(&b, "%d and %s", 123456789, "more text than fits");
  assert_true(b.bOverflow);
  assert_true(b.n <= 16);
  buf_free(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_escape_each_char),
    cmocka_unit_test(test_escape_null),
    cmocka_unit_test(test_printf_formats),
    cmocka_unit_test(test_printf_unsupported_stops),
    cmocka_unit_test(test_no_injection),
    cmocka_unit_test(test_urlencode),
    cmocka_unit_test(test_raw),
    cmocka_unit_test(test_bounded),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
