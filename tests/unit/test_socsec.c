/*
** test_socsec.c: worked examples of totalization and pro-rata pensions, written from
** the formula of EU Regulation 883/2004 Art. 52 and MERCOSUR Art. 7.2, with the
** arithmetic done by hand in the comments. Schemes are the illustrative ones shipped
** in data/socsec (parsed here from the same files):
**   XAA: months, qualify 180, earnings 1.50% (150 bp) per 12 months, minimum 300.00
**   XBB: months, qualify 120, flat 600.00 for 360 months (pro rata below), no minimum
**   XCC: weeks, qualify 520, earnings 1.00% per 52 weeks, at most 2080 weeks
** EXAMPLE-ABC: totalization, 12-month minimum, third-country periods always, higher of
** independent and pro-rata. Amounts are minor units (cents).
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "socsec.h"
#include "store.h"

#include <sys/stat.h>
#include <unistd.h>

static SsScheme aScheme[3];
static SsInstrument instrAbc, instrMercosur;

static int setup(void **state) {
  (void)state;
  const char *zData = getenv("LMIS_DATA");
  char zPath[512];
  json_error_t jerr;
  Err e = ERR_INIT;
  snprintf(zPath, sizeof zPath, "%s/socsec/schemes-illustrative.json", zData ? zData : "data");
  json_t *j = json_load_file(zPath, 0, &jerr);
  if (!j) return -1;
  for (int i = 0; i < 3; i++)
    if (socsec_scheme_parse(json_array_get(json_object_get(j, "schemes"), (size_t)i), "x", "", &aScheme[i], &e)) return -1;
  json_decref(j);
  snprintf(zPath, sizeof zPath, "%s/socsec/instruments.json", zData ? zData : "data");
  j = json_load_file(zPath, 0, &jerr);
  if (!j) return -1;
  json_t *a = json_object_get(j, "instruments");
  if (socsec_instrument_parse(json_array_get(a, 0), "x", "", &instrMercosur, &e)) return -1;
  if (socsec_instrument_parse(json_array_get(a, 1), "x", "", &instrAbc, &e)) return -1;
  json_decref(j);
  return 0;
}

/* Parse zJson as a record and compute with the given instrument; asserts success. */
static void run(const char *zJson, const SsInstrument *pI, SsResult *pRes) {
  SsRecord r;
  Err e = ERR_INIT;
  json_error_t jerr;
  json_t *j = json_loads(zJson, 0, &jerr);
  assert_non_null(j);
  if (socsec_record_parse(j, &r, &e)) fail_msg("parse: %s", e.zMsg);
  if (socsec_compute(&r, pI, aScheme, 3, "en", pRes, &e)) fail_msg("compute: %s", e.zMsg);
  socsec_record_free(&r);
  json_decref(j);
}

static const SsCountryResult *country(const SsResult *p, const char *z) {
  for (int i = 0; i < p->nCountry; i++)
    if (strcmp(p->aCountry[i].zCountry, z) == 0) return &p->aCountry[i];
  fail_msg("no result for %s", z);
  return NULL;
}

/* Rounding: half up at the minor unit. */
static void test_rounding(void **state) {
  (void)state;
  assert_int_equal(socsec_muldiv(5, 1, 2), 3);     /* 2.5 -> 3 */
  assert_int_equal(socsec_muldiv(3, 1, 2), 2);     /* 1.5 -> 2 */
  assert_int_equal(socsec_muldiv(5, 1, 4), 1);     /* 1.25 -> 1 */
  assert_int_equal(socsec_muldiv(7, 1, 4), 2);     /* 1.75 -> 2 */
  assert_int_equal(socsec_muldiv(60000, 250, 360), 41667);  /* 41666.67 -> 41667 */
  assert_int_equal(socsec_muldiv(INT64_MAX, 2, 1), -1);     /* overflow is refused */
  char z[32];
  socsec_money(41667, 2, z, sizeof z);
  assert_string_equal(z, "416.67");
  socsec_money(5, 2, z, sizeof z);
  assert_string_equal(z, "0.05");
  socsec_money(1234, 0, z, sizeof z);
  assert_string_equal(z, "1234");
}

/* Dates and the counting of months: whole calendar months + other days / 30. */
static void test_periods(void **state) {
  (void)state;
  assert_int_equal(socsec_day("1970-01-01"), 0);
  assert_int_equal(socsec_day("2000-03-01") - socsec_day("2000-02-28"), 2);  /* 2000 is a leap year */
  assert_int_equal(socsec_day("1900-02-29"), INT32_MIN);                     /* 1900 is not */
  assert_int_equal(socsec_day("2001-13-01"), INT32_MIN);
  assert_int_equal(socsec_day("1899-12-31"), INT32_MIN);
  assert_int_equal(socsec_day("2001-1-01"), INT32_MIN);
  /* 2000-01-15..2000-03-10: February whole (1), 17 days of January + 10 of March = 27
  ** days -> 27 / 30 = 0 more: 1 month. */
  SsResult res;
  run("{\"birth_year\":1960,\"sex\":\"M\",\"periods\":[{\"country\":\"XBB\",\"from\":\"2000-01-15\",\"to\":\"2000-03-10\"}]}",
      NULL, &res);
  assert_int_equal(res.aCountry[0].nWholeMonths, 1);
  assert_int_equal(res.aCountry[0].nRestDays, 27);
  assert_int_equal(res.aCountry[0].nOwn, 1);
  assert_int_equal(res.aCountry[0].nDays, 56);   /* 17 + 29 + 10 */
  socsec_result_free(&res);
  /* Weeks: XCC 2000-01-01..2009-12-31 = 3653 days = 521 weeks (521.86, floor) >= 520.
  ** Independent = 100000 x 100 bp x 521 / (10000 x 52) = 5 210 000 000 / 520 000
  ** = 10019.23 -> 10019. */
  run("{\"birth_year\":1960,\"sex\":\"M\",\"periods\":[{\"country\":\"XCC\",\"from\":\"2000-01-01\",\"to\":\"2009-12-31\"}],"
      "\"earnings\":{\"XCC\":100000}}", NULL, &res);
  assert_int_equal(res.aCountry[0].nDays, 3653);
  assert_int_equal(res.aCountry[0].nOwn, 521);
  assert_true(res.aCountry[0].bIndependentRight);
  assert_int_equal(res.aCountry[0].iIndependent, 10019);
  assert_int_equal(res.aCountry[0].ageYears, 66);
  assert_int_equal(res.aCountry[0].ageMonths, 6);
  socsec_result_free(&res);
}

/* 1. One country, no agreement: XAA 1990-01-01..2019-12-31 = 360 months >= 180.
** 200000 x 150 x 360 / (10000 x 12) = 10 800 000 000 / 120 000 = 90000 (900.00). */
static void test_single_country(void **state) {
  (void)state;
  SsResult res;
  run("{\"birth_year\":1955,\"sex\":\"F\",\"periods\":[{\"country\":\"XAA\",\"from\":\"1990-01-01\",\"to\":\"2019-12-31\"}],"
      "\"earnings\":{\"XAA\":200000}}", NULL, &res);
  const SsCountryResult *a = country(&res, "XAA");
  assert_int_equal(a->nOwn, 360);
  assert_true(a->bIndependentRight);
  assert_int_equal(a->iIndependent, 90000);
  assert_int_equal(a->iPayable, 90000);
  assert_string_equal(a->zBasis, "independent");
  assert_int_equal(res.aTotal[0].i, 90000);
  socsec_result_free(&res);
  /* Minimum pension: earnings 50000, 180 months: 50000 x 150 x 180 / 120000 = 11250,
  ** raised to the minimum 30000. */
  run("{\"birth_year\":1955,\"sex\":\"F\",\"periods\":[{\"country\":\"XAA\",\"from\":\"1990-01-01\",\"to\":\"2004-12-31\"}],"
      "\"earnings\":{\"XAA\":50000}}", NULL, &res);
  assert_int_equal(res.aCountry[0].nOwn, 180);
  assert_int_equal(res.aCountry[0].iIndependent, 30000);
  socsec_result_free(&res);
}

/* 2. Two countries, each qualifying: XAA 240 months, XBB 240 months, total 480.
** XAA: independent 200000 x 150 x 240 / 120000 = 60000; theoretical on 480 = 120000;
**      pro-rata 120000 x 240 / 480 = 60000; payable the higher = 60000.
** XBB: independent 60000 x 240 / 360 = 40000; theoretical 60000 x min(480, 360) / 360
**      = 60000; pro-rata 60000 x 240 / 480 = 30000; payable the higher = 40000.
** Total 100000 (1000.00). */
static void test_two_countries(void **state) {
  (void)state;
  SsResult res;
  run("{\"birth_year\":1958,\"sex\":\"F\",\"instrument\":\"EXAMPLE-ABC\",\"periods\":["
      "{\"country\":\"XAA\",\"from\":\"1980-01-01\",\"to\":\"1999-12-31\"},"
      "{\"country\":\"XBB\",\"from\":\"2000-01-01\",\"to\":\"2019-12-31\"}],\"earnings\":{\"XAA\":200000}}",
      &instrAbc, &res);
  const SsCountryResult *a = country(&res, "XAA"), *b = country(&res, "XBB");
  assert_int_equal(a->nOwn, 240);
  assert_int_equal(a->nTotal, 480);
  assert_int_equal(a->iIndependent, 60000);
  assert_int_equal(a->iTheoretical, 120000);
  assert_int_equal(a->iProRata, 60000);
  assert_int_equal(a->iPayable, 60000);
  assert_int_equal(b->iIndependent, 40000);
  assert_int_equal(b->iTheoretical, 60000);
  assert_int_equal(b->iProRata, 30000);
  assert_int_equal(b->iPayable, 40000);
  assert_string_equal(b->zBasis, "independent");
  assert_int_equal(b->ageYears, 60);   /* women born before 1960 */
  assert_int_equal(res.aTotal[0].i, 100000);
  socsec_result_free(&res);
}

/* 3. One country below the 12-month minimum: XAA 240 months, XBB 10 months, total 250.
** XBB: theoretical 60000 x 250 / 360 = 41666.67 -> 41667; pro-rata 41667 x 10 / 250 =
**      1666.68 -> 1667; but 10 < 12 months: pays 0.
** XAA still counts the 10 months: theoretical 200000 x 150 x 250 / 120000 = 62500;
**      pro-rata 62500 x 240 / 250 = 60000; independent 60000; payable 60000. */
static void test_below_minimum(void **state) {
  (void)state;
  SsResult res;
  run("{\"birth_year\":1960,\"sex\":\"F\",\"instrument\":\"MERCOSUR-like\",\"periods\":["
      "{\"country\":\"XAA\",\"from\":\"1985-01-01\",\"to\":\"2004-12-31\"},"
      "{\"country\":\"XBB\",\"from\":\"2005-01-01\",\"to\":\"2005-10-31\"}],\"earnings\":{\"XAA\":200000}}",
      &instrAbc, &res);
  const SsCountryResult *a = country(&res, "XAA"), *b = country(&res, "XBB");
  assert_int_equal(b->nOwn, 10);
  assert_int_equal(b->iTheoretical, 41667);
  assert_int_equal(b->iProRata, 1667);
  assert_true(b->bBelowMinimum);
  assert_int_equal(b->iPayable, 0);
  assert_string_equal(b->zBasis, "below_minimum");
  assert_int_equal(a->nTotal, 250);
  assert_int_equal(a->iTheoretical, 62500);
  assert_int_equal(a->iProRata, 60000);
  assert_int_equal(a->iPayable, 60000);
  assert_int_equal(res.aTotal[0].i, 60000);
  socsec_result_free(&res);
}

/* 4. Overlap: XAA contribution 1990-01-01..2009-12-31 (240 months), XBB voluntary
** 2005-01-01..2014-12-31. The 1826 days 2005-01-01..2009-12-31 (5 years, 2008 leap)
** count once, under XAA (contribution beats voluntary): XBB keeps 60 months. Total 300.
** XAA: theoretical 200000 x 150 x 300 / 120000 = 75000; pro-rata 75000 x 240 / 300 =
**      60000 = independent; payable 60000.
** XBB: no independent right (60 < 120); theoretical 60000 x 300 / 360 = 50000; pro-rata
**      50000 x 60 / 300 = 10000. Total 70000. */
static void test_overlap(void **state) {
  (void)state;
  SsResult res;
  run("{\"birth_year\":1955,\"sex\":\"M\",\"instrument\":\"EXAMPLE-ABC\",\"periods\":["
      "{\"country\":\"XAA\",\"from\":\"1990-01-01\",\"to\":\"2009-12-31\",\"kind\":\"contribution\"},"
      "{\"country\":\"XBB\",\"from\":\"2005-01-01\",\"to\":\"2014-12-31\",\"kind\":\"voluntary\"}],"
      "\"earnings\":{\"XAA\":200000}}", &instrAbc, &res);
  const SsCountryResult *a = country(&res, "XAA"), *b = country(&res, "XBB");
  assert_int_equal(res.nOverlap, 1);
  assert_non_null(strstr(res.azOverlap[0], "1826 days"));
  assert_int_equal(a->nOwn, 240);
  assert_int_equal(b->nOwn, 60);
  assert_int_equal(b->nDays, 1826);
  assert_int_equal(a->nTotal, 300);
  assert_int_equal(a->iPayable, 60000);
  assert_false(b->bIndependentRight);
  assert_int_equal(b->iTheoretical, 50000);
  assert_int_equal(b->iProRata, 10000);
  assert_int_equal(res.aTotal[0].i, 70000);
  socsec_result_free(&res);
  /* Same kind: the period that began first keeps the days. Two contributions in XAA
  ** 2000-01-01..2000-12-31 and XBB 2000-07-01..2001-06-30: XAA keeps 12 months, XBB
  ** keeps 2001-01-01..2001-06-30 = 6 months. The same country twice counts once. */
  run("{\"birth_year\":1955,\"sex\":\"M\",\"instrument\":\"EXAMPLE-ABC\",\"periods\":["
      "{\"country\":\"XBB\",\"from\":\"2000-07-01\",\"to\":\"2001-06-30\"},"
      "{\"country\":\"XAA\",\"from\":\"2000-01-01\",\"to\":\"2000-12-31\"},"
      "{\"country\":\"XAA\",\"from\":\"2000-03-01\",\"to\":\"2000-04-30\"}],"
      "\"earnings\":{\"XAA\":200000}}", &instrAbc, &res);
  assert_int_equal(country(&res, "XAA")->nOwn, 12);
  assert_int_equal(country(&res, "XBB")->nOwn, 6);
  assert_int_equal(country(&res, "XAA")->nTotal, 18);
  socsec_result_free(&res);
}

/* 5. Third-country periods: XBB 60 months, XAA 6 months, third country XZZ 120 months.
** Instrument counts them ("always"): XBB total 60 + 6 + 120 = 186 >= 120;
**      theoretical 60000 x 186 / 360 = 31000; pro-rata 31000 x 60 / 186 = 10000.
**      XAA: 6 < 12 months, pays nothing. XZZ pays nothing (not a party).
** "never": XBB total 66 < 120: no right, nothing payable.
** "if_needed" (MERCOSUR Art. 7.3): counted because the right is not met without them:
**      as "always", 10000. */
static void test_third_country(void **state) {
  (void)state;
  const char *zIn = "{\"birth_year\":1960,\"sex\":\"M\",\"instrument\":\"EXAMPLE-ABC\",\"periods\":["
                    "{\"country\":\"XZZ\",\"from\":\"2000-01-01\",\"to\":\"2009-12-31\"},"
                    "{\"country\":\"XBB\",\"from\":\"2010-01-01\",\"to\":\"2014-12-31\"},"
                    "{\"country\":\"XAA\",\"from\":\"2015-01-01\",\"to\":\"2015-06-30\"}],\"earnings\":{\"XAA\":200000}}";
  SsResult res;
  run(zIn, &instrAbc, &res);
  const SsCountryResult *b = country(&res, "XBB"), *z = country(&res, "XZZ");
  assert_true(z->bThird);
  assert_true(z->bThirdCounted);
  assert_int_equal(b->nThirdUnits, 120);
  assert_int_equal(b->nTotal, 186);
  assert_int_equal(b->iTheoretical, 31000);
  assert_int_equal(b->iProRata, 10000);
  assert_int_equal(b->iPayable, 10000);
  assert_true(country(&res, "XAA")->bBelowMinimum);
  assert_int_equal(res.aTotal[0].i, 10000);
  socsec_result_free(&res);

  SsInstrument never = instrAbc;
  never.third = SS_THIRD_NEVER;
  run(zIn, &never, &res);
  b = country(&res, "XBB");
  assert_int_equal(b->nTotal, 66);
  assert_false(b->bTotalRight);
  assert_int_equal(b->iPayable, 0);
  assert_false(country(&res, "XZZ")->bThirdCounted);
  socsec_result_free(&res);

  SsInstrument needed = instrAbc;
  needed.third = SS_THIRD_IF_NEEDED;
  run(zIn, &needed, &res);
  assert_int_equal(country(&res, "XBB")->iPayable, 10000);
  socsec_result_free(&res);
}

/* 6. Qualifies nowhere alone, but by totalization: XAA 120 months (< 180), XBB 96
** months (< 120); total 216.
** XAA: theoretical 200000 x 150 x 216 / 120000 = 54000; pro-rata 54000 x 120 / 216 = 30000.
** XBB: theoretical 60000 x 216 / 360 = 36000; pro-rata 36000 x 96 / 216 = 16000.
** Total 46000 (460.00). */
static void test_totalization_only(void **state) {
  (void)state;
  SsResult res;
  run("{\"birth_year\":1962,\"sex\":\"M\",\"instrument\":\"EXAMPLE-ABC\",\"periods\":["
      "{\"country\":\"XAA\",\"from\":\"2000-01-01\",\"to\":\"2009-12-31\"},"
      "{\"country\":\"XBB\",\"from\":\"2010-01-01\",\"to\":\"2017-12-31\"}],\"earnings\":{\"XAA\":200000}}",
      &instrAbc, &res);
  const SsCountryResult *a = country(&res, "XAA"), *b = country(&res, "XBB");
  assert_false(a->bIndependentRight);
  assert_false(b->bIndependentRight);
  assert_true(a->bTotalRight);
  assert_int_equal(a->iTheoretical, 54000);
  assert_int_equal(a->iPayable, 30000);
  assert_int_equal(b->iTheoretical, 36000);
  assert_int_equal(b->iPayable, 16000);
  assert_string_equal(b->zBasis, "pro_rata");
  assert_int_equal(res.aTotal[0].i, 46000);
  socsec_result_free(&res);
  /* Without an agreement nobody pays. */
  run("{\"birth_year\":1962,\"sex\":\"M\",\"periods\":["
      "{\"country\":\"XAA\",\"from\":\"2000-01-01\",\"to\":\"2009-12-31\"},"
      "{\"country\":\"XBB\",\"from\":\"2010-01-01\",\"to\":\"2017-12-31\"}],\"earnings\":{\"XAA\":200000}}",
      NULL, &res);
  assert_int_equal(res.aTotal[0].i, 0);
  socsec_result_free(&res);
}

/* MERCOSUR Art. 8: periods before entry into force (2005-06-01) count only when the
** worker has periods after it. Inline illustrative scheme for ARG. */
static void test_entry_into_force(void **state) {
  (void)state;
  SsScheme s = aScheme[1];
  memcpy(s.zCountry, "ARG", 4);
  SsScheme s2 = aScheme[1];
  memcpy(s2.zCountry, "BRA", 4);
  SsScheme a2[2] = {s, s2};
  SsRecord r;
  SsResult res;
  Err e = ERR_INIT;
  json_error_t jerr;
  json_t *j = json_loads("{\"birth_year\":1950,\"sex\":\"M\",\"periods\":["
                         "{\"country\":\"ARG\",\"from\":\"1990-01-01\",\"to\":\"1999-12-31\"},"
                         "{\"country\":\"BRA\",\"from\":\"2000-01-01\",\"to\":\"2004-12-31\"}]}", 0, &jerr);
  assert_int_equal(socsec_record_parse(j, &r, &e), 0);
  /* Every period ends before 2005-06-01: none is totalized; ARG keeps its own right
  ** (120 months >= 120): 60000 x 120 / 360 = 20000. */
  assert_int_equal(socsec_compute(&r, &instrMercosur, a2, 2, "en", &res, &e), 0);
  assert_int_equal(country(&res, "ARG")->nOwnTotalized, 0);
  assert_int_equal(country(&res, "ARG")->iPayable, 20000);
  assert_int_equal(country(&res, "BRA")->iPayable, 0);
  socsec_result_free(&res);
  socsec_record_free(&r);
  json_decref(j);
}

static void expect_error(const char *zJson, const char *zWhere) {
  SsRecord r;
  SsResult res;
  Err e = ERR_INIT;
  json_error_t jerr;
  json_t *j = json_loads(zJson, 0, &jerr);
  assert_non_null(j);
  int rc = socsec_record_parse(j, &r, &e);
  if (rc == 0) rc = socsec_compute(&r, &instrAbc, aScheme, 3, "en", &res, &e), socsec_result_free(&res);
  socsec_record_free(&r);
  json_decref(j);
  assert_int_equal(rc, -1);
  assert_int_equal(e.code, ERR_INVALID);
  if (!e.zWhere || strcmp(e.zWhere, zWhere) != 0)
    fail_msg("expected error at %s, got %s (%s)", zWhere, e.zWhere ? e.zWhere : "nothing", e.zMsg);
  err_clear(&e);
}

static void test_input_errors(void **state) {
  (void)state;
  expect_error("{\"sex\":\"F\",\"periods\":[]}", "/birth_year");
  expect_error("{\"birth_year\":1960,\"sex\":\"X\",\"periods\":[]}", "/sex");
  expect_error("{\"birth_year\":1960,\"sex\":\"F\",\"periods\":[]}", "/periods");
  expect_error("{\"birth_year\":1960,\"sex\":\"F\",\"periods\":[{\"country\":\"XAA\",\"from\":\"2005-02-30\",\"to\":\"2006-01-01\"}]}",
               "/periods/0/from");
  expect_error("{\"birth_year\":1960,\"sex\":\"F\",\"periods\":[{\"country\":\"XAA\",\"from\":\"2005-01-01\",\"to\":\"2004-01-01\"}]}",
               "/periods/0/to");
  expect_error("{\"birth_year\":1960,\"sex\":\"F\",\"periods\":[{\"country\":\"xaa\",\"from\":\"2005-01-01\",\"to\":\"2006-01-01\"}]}",
               "/periods/0/country");
  expect_error("{\"birth_year\":1960,\"sex\":\"F\",\"periods\":[{\"country\":\"XBB\",\"from\":\"2005-01-01\",\"to\":\"2006-01-01\",\"kind\":\"paid\"}]}",
               "/periods/0/kind");
  expect_error("{\"birth_year\":1960,\"sex\":\"F\",\"bogus\":1,\"periods\":[]}", "/bogus");
  expect_error("{\"birth_year\":1960,\"sex\":\"F\",\"periods\":[{\"country\":\"XBB\",\"from\":\"2005-01-01\",\"to\":\"2006-01-01\"}],"
               "\"earnings\":{\"XAA\":-5}}", "/earnings/XAA");
  /* XAA is earnings-related: its earnings are needed. */
  expect_error("{\"birth_year\":1960,\"sex\":\"F\",\"periods\":[{\"country\":\"XAA\",\"from\":\"2005-01-01\",\"to\":\"2006-01-01\"}]}",
               "/earnings");
  /* A member with no scheme: named at its first period. */
  expect_error("{\"birth_year\":1960,\"sex\":\"F\",\"periods\":[{\"country\":\"XBB\",\"from\":\"2005-01-01\",\"to\":\"2006-01-01\"}],"
               "\"schemes\":[{\"id\":\"S\",\"country\":\"XAA\",\"name\":\"n\",\"currency\":\"EUR\",\"period_unit\":\"years\","
               "\"qualifying_period\":1,\"pensionable_age\":[{\"years\":65}],\"formula\":{\"type\":\"flat\",\"full_amount\":1}}]}",
               "/schemes/0/period_unit");
  expect_error("{\"birth_year\":1960,\"sex\":\"F\",\"periods\":[{\"country\":\"XBB\",\"from\":\"2005-01-01\",\"to\":\"2006-01-01\"}],"
               "\"schemes\":[{\"id\":\"S\",\"country\":\"XAA\",\"name\":\"n\",\"currency\":\"EUR\",\"period_unit\":\"months\","
               "\"qualifying_period\":1,\"pensionable_age\":[{\"years\":65}],\"formula\":{\"type\":\"flat\",\"full_amount\":1.5}}]}",
               "/schemes/0/formula/full_amount");
}

/* Explanations come in the user's language and JSON carries every step. */
static void test_output(void **state) {
  (void)state;
  SsResult res;
  SsRecord r;
  Err e = ERR_INIT;
  json_error_t jerr;
  json_t *j = json_loads("{\"birth_year\":1962,\"sex\":\"M\",\"periods\":["
                         "{\"country\":\"XBB\",\"from\":\"2000-01-01\",\"to\":\"2017-12-31\"}]}", 0, &jerr);
  assert_int_equal(socsec_record_parse(j, &r, &e), 0);
  assert_int_equal(socsec_compute(&r, NULL, aScheme, 3, "en", &res, &e), 0);
  json_t *o = socsec_result_json(&res);
  json_t *c = json_array_get(json_object_get(o, "countries"), 0);
  /* 216 months: 60000 x 216 / 360 = 36000. */
  assert_int_equal(json_integer_value(json_object_get(json_object_get(c, "payable"), "minor_units")), 36000);
  assert_string_equal(json_string_value(json_object_get(json_object_get(c, "payable"), "text")), "360.00 EUR");
  assert_true(json_array_size(json_object_get(c, "steps")) >= 4);
  json_decref(o);
  Buf b;
  buf_init(&b, BUF_UNBOUNDED);
  socsec_result_text(&res, "en", &b);
  assert_non_null(strstr(buf_cstr(&b), "Total a month: 360.00 EUR."));
  buf_free(&b);
  socsec_result_free(&res);
  socsec_record_free(&r);
  json_decref(j);
}

/* Data files: the shipped ones load; a bad field is named by file and pointer, and a
** second scheme for the same country is refused. */
static void test_load_dir(void **state) {
  (void)state;
  char zTmp[] = "/tmp/lmis-socsec-XXXXXX";
  assert_non_null(mkdtemp(zTmp));
  char zDb[128], zDir[128], zFile[160];
  snprintf(zDb, sizeof zDb, "%s/t.db", zTmp);
  Store *s = NULL;
  Err e = ERR_INIT;
  long n = 0;
  assert_int_equal(store_open(zDb, STORE_CREATE, &s, &e), 0);
  assert_int_equal(store_migrate(s, &e), 0);
  const char *zData = getenv("LMIS_DATA");
  assert_int_equal(socsec_load_dir(s, zData ? zData : "data", &n, &e), 0);
  assert_int_equal(n, 5);   /* 2 instruments, 3 schemes */
  SsInstrument in;
  assert_int_equal(socsec_instrument_find(s, "MERCOSUR-1997", &in, &e), 1);
  assert_int_equal(in.nMinMonths, 12);
  assert_int_equal(socsec_instrument_find(s, "NOPE", &in, &e), 0);
  /* Loading again: every id is already there, named with the file that has it. */
  assert_int_equal(socsec_load_dir(s, zData ? zData : "data", &n, &e), -1);
  assert_non_null(strstr(e.zMsg, "already defined"));
  err_clear(&e);
  store_close(s);

  snprintf(zDir, sizeof zDir, "%s/socsec", zTmp);
  assert_int_equal(mkdir(zDir, 0700), 0);
  snprintf(zFile, sizeof zFile, "%s/bad.json", zDir);
  FILE *f = fopen(zFile, "w");
  assert_non_null(f);
  fputs("{\"schemes\": [{\"id\": \"S\", \"country\": \"XAA\", \"name\": \"n\", \"currency\": \"EUR\","
        " \"period_unit\": \"months\", \"qualifying_period\": \"15 years\", \"pensionable_age\": [{\"years\": 65}],"
        " \"formula\": {\"type\": \"flat\", \"full_amount\": 1}}]}", f);
  fclose(f);
  snprintf(zDb, sizeof zDb, "%s/u.db", zTmp);
  assert_int_equal(store_open(zDb, STORE_CREATE, &s, &e), 0);
  assert_int_equal(store_migrate(s, &e), 0);
  assert_int_equal(socsec_load_dir(s, zTmp, &n, &e), -1);
  assert_string_equal(e.zWhere, "socsec/bad.json#/schemes/0/qualifying_period");
  err_clear(&e);
  store_close(s);
  char zCmd[200];
  snprintf(zCmd, sizeof zCmd, "rm -rf '%s'", zTmp);
  assert_int_equal(system(zCmd), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_rounding),
    cmocka_unit_test(test_periods),
    cmocka_unit_test(test_single_country),
    cmocka_unit_test(test_two_countries),
    cmocka_unit_test(test_below_minimum),
    cmocka_unit_test(test_overlap),
    cmocka_unit_test(test_third_country),
    cmocka_unit_test(test_totalization_only),
    cmocka_unit_test(test_entry_into_force),
    cmocka_unit_test(test_input_errors),
    cmocka_unit_test(test_output),
    cmocka_unit_test(test_load_dir),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
