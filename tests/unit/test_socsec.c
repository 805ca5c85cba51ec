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
  if (rc != -1) fail_msg("expected an error at %s, got none", zWhere);
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


/* ---- invalidity and survivors (docs/socsec.md, "Invalidity" and "Survivors") ----
** Illustrative rules (data/socsec/schemes-illustrative.json):
**   XAA: type B; qualify 60 months; minimum degree 50; 50% of the full rate from 50,
**        100% from 66; full rate = the old-age formula on periods + months credited
**        from the onset to pensionable age (65, birth taken as 1 January).
**        Survivors: qualify 60; basis the full invalidity pension; spouse 60%, child
**        20% (full orphan 30%), cap 100%, children under 18.
**   XBB: type A; qualify 36 months; minimum degree 66; flat 500.00.
**        Survivors: qualify 120 (the old-age one); basis the old-age formula; spouse
**        50% if aged 40+, child 25% under 21, cap 100%.
**   XCC: type A; qualify 156 weeks; minimum degree 50; 40% of reference earnings;
**        50% of it from 50, 100% from 75. */

/* I1. Type B with a type A country (EU Reg. 883/2004 Art. 46(1)): born 1975; XBB
** 2005-01-01..2014-12-31 = 120 months, XAA 2015-01-01..2018-12-31 = 48 months; onset
** 2019-01-01, degree 70; earnings in XAA 2000.00.
** XAA (type B): 70 >= 66: 100% of the full rate. Own 48 < 60: no independent right.
**   Totalized 48 + 120 = 168 >= 60. Credited 2019-01-01..2039-12-31 = 252 months.
**   Theoretical: 200000 x 150 x (168 + 252) / 120000 = 200000 x 150 x 420 / 120000 = 105000.
**   Pro-rata: 105000 x 48 / 168 = 30000. Payable 30000 (pro-rata).
** XBB (type A): 70 >= 66: 100%. Own 120 >= 36: independent = 50000. Totalized 168:
**   theoretical = 50000 (independent of periods); pro-rata 50000 x 120 / 168 = 35714.29
**   -> 35714. Payable the higher: 50000. Total 80000.
** Degree 60: XAA 50% of 105000 = 52500; pro-rata 52500 x 48 / 168 = 15000. XBB: 60 < 66,
**   nothing. Total 15000. */
static void test_invalidity_type_b(void **state) {
  (void)state;
  const char *zIn = "{\"birth_year\":1975,\"sex\":\"M\",\"instrument\":\"EXAMPLE-ABC\",\"periods\":["
                    "{\"country\":\"XBB\",\"from\":\"2005-01-01\",\"to\":\"2014-12-31\"},"
                    "{\"country\":\"XAA\",\"from\":\"2015-01-01\",\"to\":\"2018-12-31\"}],\"earnings\":{\"XAA\":200000},"
                    "\"benefit\":{\"type\":\"invalidity\",\"onset\":\"2019-01-01\",\"degree\":%d}}";
  char z[1000];
  SsResult res;
  snprintf(z, sizeof z, zIn, 70);
  run(z, &instrAbc, &res);
  const SsCountryResult *a = country(&res, "XAA"), *b = country(&res, "XBB");
  assert_string_equal(res.zInvRule, "art_46_1");
  assert_string_equal(res.zOnsetState, "XAA");   /* the last period before the onset */
  assert_true(res.bOnsetInferred);
  assert_int_equal(a->bandPercent, 100);
  assert_false(a->bIndependentRight);
  assert_int_equal(a->nTotal, 168);
  assert_int_equal(a->nProjected, 252);
  assert_int_equal(a->iTheoretical, 105000);
  assert_int_equal(a->iProRata, 30000);
  assert_int_equal(a->iPayable, 30000);
  assert_string_equal(a->zBasis, "pro_rata");
  assert_true(b->bTypeA);
  assert_int_equal(b->iIndependent, 50000);
  assert_int_equal(b->iTheoretical, 50000);
  assert_int_equal(b->iProRata, 35714);
  assert_int_equal(b->iPayable, 50000);
  assert_string_equal(b->zBasis, "independent");
  assert_int_equal(res.aTotal[0].i, 80000);
  socsec_result_free(&res);

  snprintf(z, sizeof z, zIn, 60);
  run(z, &instrAbc, &res);
  a = country(&res, "XAA");
  b = country(&res, "XBB");
  assert_int_equal(a->bandPercent, 50);
  assert_int_equal(a->iTheoretical, 52500);
  assert_int_equal(a->iPayable, 15000);
  assert_false(b->bDegreeMet);
  assert_string_equal(b->zBasis, "degree_below_minimum");
  assert_int_equal(b->iPayable, 0);
  assert_int_equal(res.aTotal[0].i, 15000);
  socsec_result_free(&res);

  /* Periods after the onset do not count: XAA continues to 2020-12-31 (24 months
  ** more, 731 days left out); the figures stay the same. */
  snprintf(z, sizeof z, "%s", zIn);
  char *p = strstr(z, "2018-12-31");
  memcpy(p, "2020-12-31", 10);
  char z2[1000];
  snprintf(z2, sizeof z2, z, 70);
  run(z2, &instrAbc, &res);
  assert_int_equal(country(&res, "XAA")->nOwn, 48);
  assert_int_equal(res.aTotal[0].i, 80000);
  assert_int_equal(res.nNote, 3);
  assert_non_null(strstr(res.azNote[0], "731 later days"));
  socsec_result_free(&res);
}

/* I3. Onset under a type A law after type B periods (EU Reg. 883/2004 Art. 46(2)):
** born 1975; XAA 2005-01-01..2014-12-31 (120 months, type B), XBB 2015-01-01..
** 2018-12-31 (48 months, type A); onset 2019-01-01 (state: XBB, the last period).
** Degree 70: XBB's conditions are met with type A periods alone (48 >= 36, 70 >= 66):
**   XBB pays its full 50000 (Art. 44); XAA pays no invalidity benefit. Total 50000.
** Degree 60 (< 66 in XBB): Art. 46(1) as usual. XAA: 50% band; own 120 >= 60;
**   independent 200000 x 150 x (120 + 252) / 120000 = 93000, x 50% = 46500;
**   theoretical (168 + 252 = 420) 105000 x 50% = 52500; pro-rata 52500 x 120 / 168 =
**   37500; payable the higher: 46500. XBB nothing. Total 46500. */
static void test_invalidity_art_46_2(void **state) {
  (void)state;
  const char *zIn = "{\"birth_year\":1975,\"sex\":\"M\",\"instrument\":\"EXAMPLE-ABC\",\"periods\":["
                    "{\"country\":\"XAA\",\"from\":\"2005-01-01\",\"to\":\"2014-12-31\"},"
                    "{\"country\":\"XBB\",\"from\":\"2015-01-01\",\"to\":\"2018-12-31\"}],\"earnings\":{\"XAA\":200000},"
                    "\"benefit\":{\"type\":\"invalidity\",\"onset\":\"2019-01-01\",\"degree\":%d}}";
  char z[1000];
  SsResult res;
  snprintf(z, sizeof z, zIn, 70);
  run(z, &instrAbc, &res);
  assert_string_equal(res.zInvRule, "art_46_2");
  assert_string_equal(res.zOnsetState, "XBB");
  assert_int_equal(country(&res, "XBB")->iPayable, 50000);
  assert_string_equal(country(&res, "XBB")->zBasis, "full_type_a");
  assert_int_equal(country(&res, "XBB")->nTotal, 48);   /* XAA's type B periods are not counted */
  assert_string_equal(country(&res, "XAA")->zBasis, "not_competent");
  assert_int_equal(res.aTotal[0].i, 50000);
  socsec_result_free(&res);
  snprintf(z, sizeof z, zIn, 60);
  run(z, &instrAbc, &res);
  assert_string_equal(res.zInvRule, "art_46_1");
  const SsCountryResult *a = country(&res, "XAA");
  assert_int_equal(a->iIndependent, 46500);
  assert_int_equal(a->iTheoretical, 52500);
  assert_int_equal(a->iProRata, 37500);
  assert_int_equal(a->iPayable, 46500);
  assert_int_equal(res.aTotal[0].i, 46500);
  socsec_result_free(&res);
}

/* I2. Only type A legislations (EU Reg. 883/2004 Art. 44(2) and 45): born 1970;
** XCC 2008-01-01..2011-12-31 (1461 days = 208 weeks; 48 months), XBB 2012-01-01..
** 2013-12-31 (24 months; 731 days = 104 weeks); onset 2014-01-01, degree 80;
** earnings in XCC 3000.00.
** The state at the onset is XBB (last period). XBB: 80 >= 66; own 24 < 36, totalized
**   24 + 48 = 72 >= 36; pays the full 500.00 (50000), no pro-rata. XCC pays nothing.
** With "state": "XCC": XCC: 80 >= 75: 100%; full = 300000 x 40% = 120000; own 208 >=
**   156; totalized 208 + 104 = 312. Pays 120000; XBB nothing.
** Degree 60 with XCC: 60 >= 50: 50% -> 60000. */
static void test_invalidity_type_a(void **state) {
  (void)state;
  const char *zIn = "{\"birth_year\":1970,\"sex\":\"F\",\"instrument\":\"EXAMPLE-ABC\",\"periods\":["
                    "{\"country\":\"XCC\",\"from\":\"2008-01-01\",\"to\":\"2011-12-31\"},"
                    "{\"country\":\"XBB\",\"from\":\"2012-01-01\",\"to\":\"2013-12-31\"}],\"earnings\":{\"XCC\":300000},"
                    "\"benefit\":{\"type\":\"invalidity\",\"onset\":\"2014-01-01\",\"degree\":%d%s}}";
  char z[1000];
  SsResult res;
  snprintf(z, sizeof z, zIn, 80, "");
  run(z, &instrAbc, &res);
  const SsCountryResult *b = country(&res, "XBB"), *c = country(&res, "XCC");
  assert_string_equal(res.zInvRule, "art_44_2");
  assert_string_equal(res.zOnsetState, "XBB");
  assert_false(b->bIndependentRight);
  assert_int_equal(b->nTotal, 72);
  assert_true(b->bTotalRight);
  assert_int_equal(b->iPayable, 50000);
  assert_string_equal(b->zBasis, "full_type_a");
  assert_int_equal(b->iProRata, 0);
  assert_int_equal(c->nOwn, 208);
  assert_int_equal(c->iPayable, 0);
  assert_string_equal(c->zBasis, "not_competent");
  assert_int_equal(res.aTotal[0].i, 50000);
  socsec_result_free(&res);

  snprintf(z, sizeof z, zIn, 80, ",\"state\":\"XCC\"");
  run(z, &instrAbc, &res);
  b = country(&res, "XBB");
  c = country(&res, "XCC");
  assert_false(res.bOnsetInferred);
  assert_int_equal(c->nTotal, 312);
  assert_int_equal(c->iPayable, 120000);
  assert_string_equal(c->zBasis, "full_type_a");
  assert_int_equal(b->iPayable, 0);
  assert_int_equal(res.aTotal[0].i, 120000);
  socsec_result_free(&res);

  snprintf(z, sizeof z, zIn, 60, ",\"state\":\"XCC\"");
  run(z, &instrAbc, &res);
  assert_int_equal(country(&res, "XCC")->bandPercent, 50);
  assert_int_equal(country(&res, "XCC")->iPayable, 60000);
  socsec_result_free(&res);

  /* Without an agreement each country applies its own law: XCC alone qualifies
  ** (208 >= 156) and pays 60000 at degree 60; XBB (24 < 36, and 60 < 66) nothing. */
  snprintf(z, sizeof z, zIn, 60, "");
  char *p = strstr(z, "\"instrument\":\"EXAMPLE-ABC\",");
  memmove(p, p + 27, strlen(p + 27) + 1);
  run(z, NULL, &res);
  assert_string_equal(res.zInvRule, "national");
  assert_int_equal(country(&res, "XCC")->iPayable, 60000);
  assert_int_equal(country(&res, "XBB")->iPayable, 0);
  socsec_result_free(&res);
}

/* S1. Survivors: the deceased, born 1970, died 2019-06-30; XAA 1995-01-01..2009-12-31
** (180 months), XBB 2010-01-01..2019-06-30 (114 months); earnings in XAA 2500.00.
** Spouse born 1972-03-10 (47 at the death); children born 2005-09-01 (13) and
** 1999-01-15 (20).
** XAA: own 180 >= 60. Credited 2019-07-01..2034-12-31 = 186 months.
**   Independent: 250000 x 150 x (180 + 186) / 120000 = 13 725 000 000 / 120000 = 114375.
**   Totalized 180 + 114 = 294; theoretical 250000 x 150 x (294 + 186) / 120000 = 150000;
**   pro-rata 150000 x 180 / 294 = 91836.73 -> 91837. Deceased's pension: the higher,
**   114375. Spouse 60% = 68625; child 1 (13 < 18) 20% = 22875; child 2 (20): none.
**   Payable 91500.
** XBB: own 114 < 120; totalized 294 >= 120; theoretical 60000 x 294 / 360 = 49000;
**   pro-rata 49000 x 114 / 294 = 19000. Spouse (47 >= 40) 50% = 9500; children (13 and
**   20 < 21) 25% each = 4750 + 4750. Payable 19000. Total 110500.
** A third child born 2010-01-01 (9): XBB shares 50 + 3 x 25 = 125% > 100%: each x 100/125:
**   spouse 19000 x 5000 x 10000 / (10000 x 12500) = 7600, children 3800 each; total 19000.
**   XAA: 60 + 20 + 20 = 100%: 68625 + 22875 + 22875 = 114375. */
static void test_survivors(void **state) {
  (void)state;
  const char *zIn = "{\"birth_year\":1970,\"sex\":\"M\",\"instrument\":\"EXAMPLE-ABC\",\"periods\":["
                    "{\"country\":\"XAA\",\"from\":\"1995-01-01\",\"to\":\"2009-12-31\"},"
                    "{\"country\":\"XBB\",\"from\":\"2010-01-01\",\"to\":\"2019-06-30\"}],\"earnings\":{\"XAA\":250000},"
                    "\"benefit\":{\"type\":\"survivors\",\"death\":\"2019-06-30\",\"spouse\":{\"birth_date\":\"1972-03-10\"},"
                    "\"children\":[{\"birth_date\":\"2005-09-01\"},{\"birth_date\":\"1999-01-15\"}%s]}}";
  char z[1200];
  SsResult res;
  snprintf(z, sizeof z, zIn, "");
  run(z, &instrAbc, &res);
  const SsCountryResult *a = country(&res, "XAA"), *b = country(&res, "XBB");
  assert_int_equal(a->nProjected, 186);
  assert_int_equal(a->iIndependent, 114375);
  assert_int_equal(a->iTheoretical, 150000);
  assert_int_equal(a->iProRata, 91837);
  assert_int_equal(a->iDeceased, 114375);
  assert_int_equal(a->nShare, 3);
  assert_int_equal(a->aShare[0].age, 47);
  assert_int_equal(a->aShare[0].i, 68625);
  assert_int_equal(a->aShare[1].age, 13);
  assert_int_equal(a->aShare[1].i, 22875);
  assert_int_equal(a->aShare[2].age, 20);
  assert_false(a->aShare[2].bEntitled);
  assert_int_equal(a->iPayable, 91500);
  assert_false(b->bIndependentRight);
  assert_int_equal(b->iTheoretical, 49000);
  assert_int_equal(b->iDeceased, 19000);
  assert_int_equal(b->aShare[0].i, 9500);
  assert_int_equal(b->aShare[1].i, 4750);
  assert_int_equal(b->aShare[2].i, 4750);
  assert_int_equal(b->iPayable, 19000);
  assert_int_equal(res.aTotal[0].i, 110500);
  socsec_result_free(&res);

  snprintf(z, sizeof z, zIn, ",{\"birth_date\":\"2010-01-01\"}");
  run(z, &instrAbc, &res);
  a = country(&res, "XAA");
  b = country(&res, "XBB");
  assert_int_equal(b->aShare[0].i, 7600);
  assert_int_equal(b->aShare[1].i, 3800);
  assert_int_equal(b->aShare[3].i, 3800);
  assert_int_equal(b->iPayable, 19000);
  assert_int_equal(a->iPayable, 114375);
  int nCap = 0;
  for (int k = 0; k < b->nStep; k++) nCap += strcmp(b->aStep[k].zCode, "cap") == 0;
  assert_int_equal(nCap, 1);
  socsec_result_free(&res);

  /* A spouse of 35 gets nothing in XBB (minimum age 40) but 60% in XAA. */
  snprintf(z, sizeof z, "%s", zIn);
  memcpy(strstr(z, "1972-03-10"), "1984-03-10", 10);
  char z2[1200];
  snprintf(z2, sizeof z2, z, "");
  run(z2, &instrAbc, &res);
  assert_false(country(&res, "XBB")->aShare[0].bEntitled);
  assert_int_equal(country(&res, "XBB")->iPayable, 9500);
  assert_int_equal(country(&res, "XAA")->aShare[0].i, 68625);
  socsec_result_free(&res);

  /* A spouse of unknown age where no age condition applies: XAA alone (no agreement;
  ** 180 months >= 60), independent 114375 as above; spouse 60% = 68625, no children. */
  run("{\"birth_year\":1970,\"sex\":\"M\",\"periods\":[{\"country\":\"XAA\",\"from\":\"1995-01-01\",\"to\":\"2009-12-31\"}],"
      "\"earnings\":{\"XAA\":250000},\"benefit\":{\"type\":\"survivors\",\"death\":\"2019-06-30\",\"spouse\":{}}}",
      NULL, &res);
  a = country(&res, "XAA");
  assert_int_equal(a->iDeceased, 114375);
  assert_true(a->aShare[0].bEntitled);
  assert_int_equal(a->iPayable, 68625);
  socsec_result_free(&res);
}

static void test_benefit_errors(void **state) {
  (void)state;
  const char *zP = "{\"birth_year\":1970,\"sex\":\"F\",\"periods\":[{\"country\":\"XBB\",\"from\":\"2005-01-01\","
                   "\"to\":\"2012-01-01\"}],";
  char z[600];
#define EXPECT(zBenefit, zWhere) snprintf(z, sizeof z, "%s%s}", zP, zBenefit), expect_error(z, zWhere)
  EXPECT("\"benefit\":{\"type\":\"invalidity\",\"degree\":70}", "/benefit/onset");
  EXPECT("\"benefit\":\"invalidity\"", "/benefit/onset");
  EXPECT("\"benefit\":\"pension\"", "/benefit");
  EXPECT("\"benefit\":{\"type\":\"invalidity\",\"onset\":\"2013-01-01\",\"degree\":101}", "/benefit/degree");
  EXPECT("\"benefit\":{\"type\":\"invalidity\",\"onset\":\"2013-01-01\"}", "/benefit/degree");
  EXPECT("\"benefit\":{\"type\":\"invalidity\",\"onset\":\"2013-01-01\",\"degree\":70,\"death\":\"2013-01-01\"}",
         "/benefit/death");
  EXPECT("\"benefit\":{\"type\":\"invalidity\",\"onset\":\"2004-01-01\",\"degree\":70}", "/benefit/onset");
  EXPECT("\"benefit\":{\"type\":\"invalidity\",\"onset\":\"2013-01-01\",\"degree\":70,\"state\":\"XAA\"}",
         "/benefit/state");
  EXPECT("\"benefit\":{\"type\":\"survivors\",\"death\":\"2013-01-01\"}", "/benefit/spouse");
  EXPECT("\"benefit\":{\"type\":\"survivors\",\"death\":\"2013-01-01\",\"children\":[{}]}",
         "/benefit/children/0/birth_date");
  EXPECT("\"benefit\":{\"type\":\"survivors\",\"death\":\"2013-01-01\",\"children\":[{\"birth_date\":\"2014-01-01\"}]}",
         "/benefit/children/0/birth_date");
  /* XBB's spouse condition needs the spouse's age. */
#undef EXPECT
  /* XBB's spouse condition (aged 40 or more) needs the spouse's age once the deceased
  ** qualifies (2005-01-01..2015-12-31: 132 months >= 120). */
  expect_error("{\"birth_year\":1970,\"sex\":\"F\",\"periods\":[{\"country\":\"XBB\",\"from\":\"2005-01-01\","
               "\"to\":\"2015-12-31\"}],\"benefit\":{\"type\":\"survivors\",\"death\":\"2016-01-01\",\"spouse\":{}}}",
               "/benefit/spouse/birth_date");
  /* A type A law with a period-dependent formula is refused where it is written. */
  expect_error("{\"birth_year\":1960,\"sex\":\"F\",\"periods\":[{\"country\":\"XBB\",\"from\":\"2005-01-01\",\"to\":\"2006-01-01\"}],"
               "\"schemes\":[{\"id\":\"S\",\"country\":\"XAA\",\"name\":\"n\",\"currency\":\"EUR\",\"period_unit\":\"months\","
               "\"qualifying_period\":1,\"pensionable_age\":[{\"years\":65}],\"formula\":{\"type\":\"flat\",\"full_amount\":1},"
               "\"invalidity\":{\"type\":\"A\",\"qualifying_period\":12,\"formula\":{\"type\":\"old_age\"}}}]}",
               "/schemes/0/invalidity/type");
  expect_error("{\"birth_year\":1960,\"sex\":\"F\",\"periods\":[{\"country\":\"XBB\",\"from\":\"2005-01-01\",\"to\":\"2006-01-01\"}],"
               "\"schemes\":[{\"id\":\"S\",\"country\":\"XAA\",\"name\":\"n\",\"currency\":\"EUR\",\"period_unit\":\"months\","
               "\"qualifying_period\":1,\"pensionable_age\":[{\"years\":65}],\"formula\":{\"type\":\"flat\",\"full_amount\":1},"
               "\"invalidity\":{\"qualifying_period\":12,\"minimum_degree\":50,\"formula\":{\"type\":\"flat\",\"amount\":1},"
               "\"degree_bands\":[{\"from\":50,\"percent\":50},{\"from\":50,\"percent\":100}]}}]}",
               "/schemes/0/invalidity/degree_bands/1/from");
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
    cmocka_unit_test(test_invalidity_type_b),
    cmocka_unit_test(test_invalidity_type_a),
    cmocka_unit_test(test_invalidity_art_46_2),
    cmocka_unit_test(test_survivors),
    cmocka_unit_test(test_benefit_errors),
  };
  return cmocka_run_group_tests(tests, setup, NULL);
}
