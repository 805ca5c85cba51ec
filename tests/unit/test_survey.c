/*
** test_survey.c: survey microdata import, storage and loading (survey.c).
**
** The reference data (countries, ISCO-08) is loaded once into a temporary
** database; every test imports under a name of its own. The fixture
** tests/fixtures/survey/small.csv holds ten invented persons whose derived
** classifications are checked by hand below; variants with errors are written
** into the temporary directory.
**
** LMIS_DATA (set by meson and scripts/check.sh) points at data/; the fixtures
** are found next to it.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "colcache.h"
#include "refdata.h"
#include "survey.h"
#include "util.h"

typedef struct Fixture {
  char *zDir;          /* temporary directory */
  char *zFixtures;     /* tests/fixtures/survey */
  char *zCsv, *zCodebook;
  Store *s;
} Fixture;

static Fixture fx;

static char *path_in(const char *zDir, const char *zName) { return xasprintf("%s/%s", zDir, zName); }

static void write_file(const char *zPath, const char *zText) {
  FILE *f = fopen(zPath, "wb");
  assert_non_null(f);
  fputs(zText, f);
  fclose(f);
}

static char *read_file(const char *zPath) {
  FILE *f = fopen(zPath, "rb");
  Buf b;
  char aChunk[4096];
  size_t n;
  assert_non_null(f);
  buf_init(&b, BUF_UNBOUNDED);
  while ((n = fread(aChunk, 1, sizeof aChunk, f)) > 0) buf_append(&b, aChunk, n);
  fclose(f);
  buf_cstr(&b);
  return buf_detach(&b);
}

/* The text with the first occurrence of zFrom replaced by zTo; caller frees. */
static char *replace(const char *zText, const char *zFrom, const char *zTo) {
  const char *p = strstr(zText, zFrom);
  assert_non_null(p);
  return xasprintf("%.*s%s%s", (int)(p - zText), zText, zTo, p + strlen(zFrom));
}

/* Write a variant of the fixture CSV (or codebook) into the temporary directory. */
static char *variant(const char *zName, const char *zBase, const char *zFrom, const char *zTo) {
  char *zText = read_file(zBase);
  char *zNew = zFrom ? replace(zText, zFrom, zTo) : xstrdup(zText);
  char *zPath = path_in(fx.zDir, zName);
  write_file(zPath, zNew);
  free(zText);
  free(zNew);
  return zPath;
}

static int setup(void **state) {
  char zTmpl[] = "/tmp/lmis-test-survey-XXXXXX";
  const char *zData = getenv("LMIS_DATA");
  char *zDb;
  Err e = ERR_INIT;
  RefReport rep;
  (void)state;
  memset(&rep, 0, sizeof rep);
  if (!zData) zData = refdata_default_dir();
  fx.zDir = xstrdup(mkdtemp(zTmpl));
  fx.zFixtures = xasprintf("%s/../tests/fixtures/survey", zData);
  fx.zCsv = path_in(fx.zFixtures, "small.csv");
  fx.zCodebook = path_in(fx.zFixtures, "small.codebook.json");
  zDb = path_in(fx.zDir, "survey.db");
  if (store_open(zDb, STORE_CREATE, &fx.s, &e) || store_migrate(fx.s, &e) || refdata_load(fx.s, zData, 0, &rep, &e)) {
    err_print(&e);
    err_clear(&e);
    free(zDb);
    free(rep.zSkipped);
    return -1;
  }
  free(rep.zSkipped);
  free(zDb);
  return 0;
}

static int teardown(void **state) {
  char *zCmd = xasprintf("rm -rf '%s'", fx.zDir);
  (void)state;
  store_close(fx.s);
  if (system(zCmd) != 0) fprintf(stderr, "could not remove %s\n", fx.zDir);
  free(zCmd);
  free(fx.zDir);
  free(fx.zFixtures);
  free(fx.zCsv);
  free(fx.zCodebook);
  return 0;
}

/* Import that must succeed. */
static void import_ok(const char *zName, const char *zCsv, const char *zCodebook, SurveyImportReport *pRep) {
  Err e = ERR_INIT;
  int rc = survey_import(fx.s, zName, zCsv, zCodebook, false, pRep, &e);
  if (rc) {
    err_print(&e);
    if (pRep->zProblems) fputs(pRep->zProblems, stderr);
  }
  assert_int_equal(rc, 0);
  assert_int_equal(pRep->nProblems, 0);
  err_clear(&e);
  free(pRep->zProblems);
  pRep->zProblems = NULL;
}

/* Import that must fail with validation problems; returns the report (caller frees zProblems). */
static void import_fails(const char *zName, const char *zCsv, const char *zCodebook, SurveyImportReport *pRep,
                         Err *e) {
  int rc = survey_import(fx.s, zName, zCsv, zCodebook, false, pRep, e);
  assert_int_equal(rc, -1);
  assert_int_equal(e->code, ERR_INVALID);
}

static const char *level_of(const SurveyData *d, const char *zCol, size_t iRow) {
  const SurveyColumn *c = survey_column(d, zCol);
  assert_non_null(c);
  assert_int_equal(c->kind, COL_CATEGORICAL);
  if (c->aCode[iRow] < 0) return NULL;
  assert_true(c->aCode[iRow] < c->nLevel);
  return c->azLevel[c->aCode[iRow]];
}

static double num_of(const SurveyData *d, const char *zCol, size_t iRow) {
  const SurveyColumn *c = survey_column(d, zCol);
  assert_non_null(c);
  assert_int_equal(c->kind, COL_NUMERIC);
  return c->aNum[iRow];
}

/* Assert that a categorical cell is the code z (NULL: missing). */
static void expect_level(const SurveyData *d, const char *zCol, size_t iRow, const char *z) {
  const char *zGot = level_of(d, zCol, iRow);
  if (!z || !zGot) {
    if (z != zGot) fail_msg("row %zu column %s: expected %s, got %s", iRow, zCol, z ? z : "missing",
                            zGot ? zGot : "missing");
    return;
  }
  if (strcmp(z, zGot) != 0) fail_msg("row %zu column %s: expected %s, got %s", iRow, zCol, z, zGot);
}

static void test_import_small(void **state) {
  SurveyImportReport rep;
  SurveyData *d = NULL;
  Err e = ERR_INIT;
  (void)state;
  import_ok("small", fx.zCsv, fx.zCodebook, &rep);
  assert_int_equal(rep.nRows, 10);
  /* 4 design + 15 variables + 13 derived */
  assert_int_equal(rep.nColumns, 32);
  assert_int_equal(survey_load(fx.s, "small", NULL, 0, &d, &e), 0);
  assert_int_equal(d->n, 10);
  assert_string_equal(d->zRefArea, "ITA");
  assert_string_equal(d->zRefPeriod, "2023-Q2");
  assert_int_equal(d->nCol, 32);

  /* Levels: standard codes of fixed concepts in their standard order; others sorted. */
  const SurveyColumn *c = survey_column(d, "sex");
  assert_int_equal(c->nLevel, 2);
  assert_string_equal(c->azLevel[0], "M");
  assert_string_equal(c->azLevel[1], "F");
  assert_string_equal(c->zConcept, "sex");
  assert_ptr_equal(survey_column(d, "labour_force_status"), survey_column(d, "lfs"));   /* by concept */
  c = survey_column(d, "isced");
  assert_int_equal(c->nLevel, 9);
  c = survey_column(d, "cit");
  assert_int_equal(c->nLevel, 4);
  assert_string_equal(c->azLevel[0], "ALB");
  expect_level(d, "sex", 0, "M");
  expect_level(d, "sex", 1, "F");
  expect_level(d, "cit", 1, "ROU");     /* mapped from 642 */
  expect_level(d, "cob", 3, NULL);      /* empty */
  expect_level(d, "wab", 4, "1");       /* Y */
  expect_level(d, "lfs", 2, "UNE");
  expect_level(d, "lfs", 5, NULL);
  expect_level(d, "isco", 1, "9112");
  expect_level(d, "nace", 0, "Q");

  /* Numbers: blanks around, exponent, missing codes. */
  assert_true(num_of(d, "age", 0) == 40);
  assert_true(num_of(d, "yoa", 6) == 2010);       /* " 2010 " */
  assert_true(num_of(d, "earn", 6) == 1500);      /* 1.5e3 */
  assert_true(num_of(d, "earn", 7) == 1800);      /* " 1800 " */
  assert_true(isnan(num_of(d, "earn", 4)));       /* NA */
  assert_true(isnan(num_of(d, "earn", 8)));       /* . */
  assert_true(isnan(num_of(d, "yoa", 0)));        /* empty */

  /* p1: native, employed nurse (2221) with ISCED 7: not overqualified. */
  expect_level(d, "age_band", 0, "Y35-44");
  expect_level(d, "working_age", 0, "1");
  expect_level(d, "birth_status", 0, "NB");
  expect_level(d, "citizenship_status", 0, "NAT");
  expect_level(d, "migrant", 0, "NONMIG");
  expect_level(d, "migrant_worker", 0, "0");
  expect_level(d, "recent_migrant", 0, "0");
  expect_level(d, "return_migrant_worker", 0, "0");
  expect_level(d, "isco08_major", 0, "2");
  expect_level(d, "overqualified", 0, "0");
  expect_level(d, "in_labour_force", 0, "1");
  expect_level(d, "labour_force", 0, "EMP");

  /* p2: foreign-born, arrived 2020 (3 years before 2023), cleaner (9112) with ISCED 7. */
  expect_level(d, "birth_status", 1, "FB");
  expect_level(d, "citizenship_status", 1, "FOR");
  expect_level(d, "migrant", 1, "MIG");
  expect_level(d, "migrant_worker", 1, "1");
  expect_level(d, "recent_migrant", 1, "1");
  expect_level(d, "return_migrant_worker", 1, "0");   /* a migrant is not a return migrant */
  expect_level(d, "overqualified", 1, "1");
  expect_level(d, "isco08_major", 1, "9");
  assert_true(fabs(num_of(d, "rci", 1) - 0.8) < 1e-12);

  /* p3: naturalised (foreign-born national), unemployed: a migrant worker; no occupation. */
  expect_level(d, "birth_status", 2, "FB");
  expect_level(d, "citizenship_status", 2, "NAT");
  expect_level(d, "migrant", 2, "MIG");
  expect_level(d, "migrant_worker", 2, "1");
  expect_level(d, "recent_migrant", 2, "0");
  expect_level(d, "overqualified", 2, NULL);
  expect_level(d, "in_labour_force", 2, "1");

  /* p4: birthplace missing, foreign citizen: a migrant by the citizenship rule;
  ** arrived 2018, 5 years before 2023: recent; outside the labour force. */
  expect_level(d, "birth_status", 3, NULL);
  expect_level(d, "migrant", 3, "MIG");
  expect_level(d, "recent_migrant", 3, "1");
  expect_level(d, "migrant_worker", 3, "0");
  expect_level(d, "in_labour_force", 3, "0");

  /* p5: native who worked abroad: a return migrant worker; cleaner with ISCED 3,
  ** above skill level 1 (ISCED 1): overqualified by the rule of survey.h. */
  expect_level(d, "return_migrant_worker", 4, "1");
  expect_level(d, "migrant", 4, "NONMIG");
  expect_level(d, "overqualified", 4, "1");
  expect_level(d, "age_band", 4, "Y55-64");

  /* p6: a child: below working age, no labour status. */
  expect_level(d, "age_band", 5, "YLT15");
  expect_level(d, "working_age", 5, "0");
  expect_level(d, "in_labour_force", 5, NULL);
  expect_level(d, "migrant_worker", 5, "0");          /* ruled out by age */
  expect_level(d, "return_migrant_worker", 5, NULL);  /* worked abroad not asked */

  /* p7: migrant nurse (2221) with ISCED 7, arrived 2010: not recent, not overqualified. */
  expect_level(d, "recent_migrant", 6, "0");
  expect_level(d, "overqualified", 6, "0");
  assert_true(fabs(num_of(d, "rci", 6) - 3.0) < 1e-12);
  assert_true(isnan(num_of(d, "rci", 0)));

  /* p8: cleaner with ISCED 1: matches skill level 1. */
  expect_level(d, "overqualified", 7, "0");
  /* p9: 70 years old. */
  expect_level(d, "age_band", 8, "YGE65");
  /* p10: native-born foreign citizen: not a migrant (birthplace decides). */
  expect_level(d, "birth_status", 9, "NB");
  expect_level(d, "citizenship_status", 9, "FOR");
  expect_level(d, "migrant", 9, "NONMIG");

  /* Design: two strata, PSUs nested (PSU "1" of A and of B differ), fpc, lonely rule. */
  assert_int_equal(d->design.n, 10);
  assert_int_equal(d->design.nStratum, 2);
  assert_int_equal(d->design.nPsu, 4);
  assert_non_null(d->design.aStratum);
  assert_non_null(d->design.aPsu);
  assert_non_null(d->design.aFpc);
  assert_int_equal(d->design.lonely, LONELY_REMOVE);
  assert_int_equal(d->design.aStratum[0], 0);
  assert_int_equal(d->design.aStratum[4], 1);
  assert_int_equal(d->design.aPsu[0], d->design.aPsu[1]);
  assert_int_not_equal(d->design.aPsu[0], d->design.aPsu[2]);
  assert_int_not_equal(d->design.aPsu[0], d->design.aPsu[4]);   /* A/1 vs B/1 */
  assert_int_equal(d->design.aPsu[4], d->design.aPsu[5]);
  assert_true(d->design.aWeight[2] == 120);
  assert_true(d->design.aFpc[0] == 10 && d->design.aFpc[9] == 20);
  survey_free(d);
}

static void test_info_and_list(void **state) {
  SurveyImportReport rep;
  Err e = ERR_INIT;
  json_t *j, *a, *v, *pSex = NULL;
  size_t i;
  (void)state;
  import_ok("info", fx.zCsv, fx.zCodebook, &rep);
  j = survey_info(fx.s, "info", &e);
  assert_non_null(j);
  assert_string_equal(json_string_value(json_object_get(j, "ref_area")), "ITA");
  assert_int_equal(json_integer_value(json_object_get(j, "n_rows")), 10);
  v = json_object_get(j, "design");
  assert_string_equal(json_string_value(json_object_get(v, "weight")), "wt");
  assert_string_equal(json_string_value(json_object_get(v, "strata")), "stratum");
  assert_string_equal(json_string_value(json_object_get(v, "psu")), "psu");
  assert_string_equal(json_string_value(json_object_get(v, "fpc")), "fpc");
  assert_string_equal(json_string_value(json_object_get(v, "lonely_psu")), "remove");
  assert_int_equal(json_integer_value(json_object_get(v, "n_strata")), 2);
  assert_int_equal(json_integer_value(json_object_get(v, "n_psu")), 4);
  a = json_object_get(j, "columns");
  assert_int_equal(json_array_size(a), 32);
  json_array_foreach(a, i, v) {
    if (strcmp(json_string_value(json_object_get(v, "name")), "sex") == 0) pSex = v;
    if (strcmp(json_string_value(json_object_get(v, "name")), "earn") == 0)
      assert_int_equal(json_integer_value(json_object_get(v, "n_missing")), 6);
    if (strcmp(json_string_value(json_object_get(v, "name")), "migrant") == 0)
      assert_string_equal(json_string_value(json_object_get(v, "role")), "derived");
  }
  assert_non_null(pSex);
  assert_string_equal(json_string_value(json_object_get(pSex, "concept")), "sex");
  assert_string_equal(json_string_value(json_object_get(json_object_get(pSex, "labels"), "F")), "Female");
  assert_int_equal(json_array_size(json_object_get(pSex, "levels")), 2);
  json_decref(j);

  j = survey_list(fx.s, &e);
  assert_non_null(j);
  bool bFound = false;
  json_array_foreach(json_object_get(j, "surveys"), i, v) {
    if (strcmp(json_string_value(json_object_get(v, "name")), "info") == 0) {
      bFound = true;
      assert_int_equal(json_integer_value(json_object_get(v, "columns")), 32);
      assert_int_equal(json_integer_value(json_object_get(v, "n_rows")), 10);
    }
  }
  assert_true(bFound);
  json_decref(j);
  assert_null(survey_info(fx.s, "no-such-survey", &e));
  assert_int_equal(e.code, ERR_NOT_FOUND);
  err_clear(&e);
}

/* Validation problems name file, line and column; several are reported at once. */
static void test_validation_problems(void **state) {
  SurveyImportReport rep;
  Err e = ERR_INIT;
  char *zText = read_file(fx.zCsv), *z1, *z2, *z3, *z4, *zCsv;
  (void)state;
  z1 = replace(zText, "p2,A,1,100,10,2,30,", "p2,A,1,100,10,7,30,");      /* line 3: sex 7 not in the map */
  z2 = replace(z1, "p3,A,2,120,10,1,50,", "p3,A,2,120,10,1,5O,");        /* line 4: age "5O" */
  z3 = replace(z2, "p7,B,2,200,20,1,45,IND,", "p7,B,2,200,20,1,45,XYZ,"); /* line 8: not a country */
  z4 = replace(z3, "p9,B,2,250,", "p9,B,2,,");                            /* line 10: weight missing */
  zCsv = path_in(fx.zDir, "bad.csv");
  write_file(zCsv, z4);
  import_fails("bad", zCsv, fx.zCodebook, &rep, &e);
  assert_int_equal(rep.nProblems, 4);
  assert_non_null(rep.zProblems);
  char *zWant = xasprintf("%s:3: column \"sex\": code \"7\" is not in the codebook map (1 row)\n"
                          "%s:4: column \"age\": \"5O\" is not a number\n"
                          "%s:8: column \"cob\": \"XYZ\" is not an ISO 3166-1 alpha-3 country code\n"
                          "%s:10: column \"wt\": the weight is missing\n",
                          zCsv, zCsv, zCsv, zCsv);
  assert_string_equal(rep.zProblems, zWant);
  assert_non_null(strstr(e.zMsg, "4 problems"));
  assert_non_null(strstr(e.zMsg, "nothing was imported"));
  free(zWant);
  free(rep.zProblems);
  err_clear(&e);
  /* Nothing was stored. */
  SurveyData *d = NULL;
  assert_int_equal(survey_load(fx.s, "bad", NULL, 0, &d, &e), -1);
  assert_int_equal(e.code, ERR_NOT_FOUND);
  err_clear(&e);
  free(zText);
  free(z1);
  free(z2);
  free(z3);
  free(z4);
  free(zCsv);
}

static void expect_problem(const char *zFile, const char *zFrom, const char *zTo, const char *zWant) {
  SurveyImportReport rep;
  Err e = ERR_INIT;
  char *zCsv = variant(zFile, fx.zCsv, zFrom, zTo);
  import_fails("variant", zCsv, fx.zCodebook, &rep, &e);
  if (!rep.zProblems || !strstr(rep.zProblems, zWant))
    fail_msg("expected a problem containing [%s], got:\n%s", zWant, rep.zProblems ? rep.zProblems : "(none)");
  free(rep.zProblems);
  err_clear(&e);
  free(zCsv);
}

static void test_design_problems(void **state) {
  (void)state;
  expect_problem("w0.csv", "p2,A,1,100,", "p2,A,1,0,", "w0.csv:3: column \"wt\": 0 is out of range: expected a value above 0");
  expect_problem("wneg.csv", "p2,A,1,100,", "p2,A,1,-5,", "column \"wt\": -5 is out of range");
  expect_problem("s.csv", "p2,A,1,", "p2,,1,", "s.csv:3: column \"stratum\": the stratum is missing");
  expect_problem("p.csv", "p2,A,1,", "p2,A,NA,", "p.csv:3: column \"psu\": the PSU is missing");
  expect_problem("fpc.csv", "p3,A,2,120,10,", "p3,A,2,120,11,",
                 "fpc.csv:4: column \"fpc\": 11 differs from 10 on line 2: the fpc must be the same");
  /* Stratum B samples 2 PSUs: a population of 1 PSU is impossible. */
  char *zText = read_file(fx.zCsv), *z = xstrdup(zText);
  for (const char *zOld = ",20,"; strstr(z, zOld);) {
    char *zNew = replace(z, zOld, ",1.5,");
    free(z);
    z = zNew;
  }
  char *zCsv = path_in(fx.zDir, "fpcsmall.csv");
  write_file(zCsv, z);
  SurveyImportReport rep;
  Err e = ERR_INIT;
  import_fails("variant", zCsv, fx.zCodebook, &rep, &e);
  assert_non_null(strstr(rep.zProblems, "fpcsmall.csv:6: column \"fpc\": the population count"));
  free(rep.zProblems);
  err_clear(&e);
  free(zCsv);
  free(z);
  free(zText);
  /* Stratum B as sampling fractions while A holds population counts. */
  zText = read_file(fx.zCsv);
  z = xstrdup(zText);
  for (const char *zOld = ",20,"; strstr(z, zOld);) {
    char *zNew = replace(z, zOld, ",0.5,");
    free(z);
    z = zNew;
  }
  zCsv = path_in(fx.zDir, "fpcmix.csv");
  write_file(zCsv, z);
  import_fails("variant", zCsv, fx.zCodebook, &rep, &e);
  assert_non_null(strstr(rep.zProblems, "fpcmix.csv:6: column \"fpc\": 0.5 is a sampling fraction but 10 on line 2"));
  free(rep.zProblems);
  err_clear(&e);
  free(zCsv);
  free(z);
  free(zText);
  expect_problem("age.csv", ",1,40,ITA,", ",1,140,ITA,", "age.csv:2: column \"age\": 140 is out of range");
  expect_problem("yoa.csv", ",2020,Y,", ",2024,Y,", "yoa.csv:3: column \"yoa\": 2024 is out of range");
  expect_problem("isco.csv", ",1,9112,7,", ",1,9119,7,", "isco.csv:3: column \"isco\": \"9119\" is not an ISCO-08 code");
  expect_problem("isced.csv", ",1,2221,7,", ",1,2221,9,", "isced.csv:2: column \"isced\": \"9\" is not a standard code of isced");
  expect_problem("ragged.csv", "p4,A,2,120,", "p4,A,2,120,extra,", "ragged.csv:5: expected 20 fields as in the header, found 21");
  expect_problem("quote.csv", "p8,B,2,", "p8,\"B,2,", "quote.csv:9: quoted field is not closed");
  expect_problem("header.csv", "id,stratum,psu,wt,", "id,stratum,psu,weight,",
                 "header.csv:1: column \"wt\": not in the file's header");
}

static void test_codebook_errors(void **state) {
  static const struct {
    const char *zFrom, *zTo, *zWant;
  } a[] = {
    {"\"map\": {\"1\": \"M\", \"2\": \"F\"}", "\"map\": [\"M\", \"F\"]", ": /variables/sex/map: expected an object"},
    {"\"map\": {\"1\": \"M\", \"2\": \"F\"}", "\"map\": {\"1\": \"M\", \"2\": \"W\"}",
     ": /variables/sex/map/2: \"W\" is not a standard code of sex"},
    {"\"ref_area\": \"ITA\"", "\"ref_area\": \"ITX\"", ": /survey/ref_area: \"ITX\" is not an ISO 3166-1 alpha-3"},
    {"\"ref_period\": \"2023-Q2\"", "\"ref_period\": \"2023-Q5\"", ": /survey/ref_period: expected a year"},
    {"\"concept\": \"age\"", "\"concept\": \"agee\"", ": /variables/age/concept: unknown concept \"agee\""},
    {"\"concept\": \"age\"", "\"concept\": \"age\", \"type\": \"categorical\"", ": /variables/age/type: concept age is numeric"},
    {"\"lonely_psu\": \"remove\"", "\"lonely_psu\": \"drop\"", ": /design/lonely_psu: expected fail, remove"},
    {"\"weight\": \"wt\",", "", ": /design/weight: required"},
    {"\"note\": {\"type\": \"categorical\"}", "\"note\": {\"type\": \"text\"}", ": /variables/note/type: expected"},
    {"\"note\": {\"type\": \"categorical\"}", "\"note\": {\"type\": \"categorical\", \"colour\": 1}",
     ": /variables/note/colour: unknown key"},
    {"\"note\": {\"type\": \"categorical\"}", "\"migrant\": {\"type\": \"categorical\"}",
     ": /variables/migrant: \"migrant\" is the name of a derived column"},
    {"\"note\": {\"type\": \"categorical\"}", "\"stratum\": {\"type\": \"categorical\"}",
     ": /variables/stratum: \"stratum\" is the strata column of the design"},
    {"\"isced\": {\"concept\": \"isced\"}", "\"isced\": {\"concept\": \"age\"}",
     ": /variables/isced/concept: concept age is already given to column \"age\""},
    {"\"missing\": [\"\", \"NA\", \".\"]", "\"missing\": [\"\", 9]", ": /missing/1: expected a string"},
    {"\"age\": {\"concept\": \"age\"}", "\"age\": {\"concept\": \"age\", \"min\": \"0\"}", ": /variables/age/min: expected a number"},
    {"\"missing\"", "\"survey\": {}, \"missing\"", ": invalid JSON"},
    {"\"map\": {\"1\": \"M\", \"2\": \"F\"}", "\"map\": {\" 1\": \"M\", \"2\": \"F\"}",
     ": /variables/sex/map/ 1: a code must be non-empty, without blanks around it"},
    {"\"cit\": {\"concept\": \"citizenship\", \"map\": {", "\"cit\": {\"concept\": \"citizenship\", \"map\": {\"777\": \"XKX\", ",
     ": /variables/cit/map/777: \"XKX\" is not a standard code of citizenship"},
  };
  (void)state;
  for (size_t i = 0; i < COUNT(a); i++) {
    SurveyImportReport rep;
    Err e = ERR_INIT;
    char *zCb = variant("cb.json", fx.zCodebook, a[i].zFrom, a[i].zTo);
    assert_int_equal(survey_import(fx.s, "cb", fx.zCsv, zCb, false, &rep, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    if (!strstr(e.zMsg, a[i].zWant)) fail_msg("case %zu: expected [%s] in [%s]", i, a[i].zWant, e.zMsg);
    assert_non_null(strstr(e.zMsg, "cb.json"));
    assert_null(rep.zProblems);
    err_clear(&e);
    free(zCb);
  }
}

/* A map of many codes (the code map grows), some unused, some to missing. */
static void test_large_map(void **state) {
  SurveyImportReport rep;
  Err e = ERR_INIT;
  SurveyData *d = NULL;
  Buf b;
  (void)state;
  buf_init(&b, BUF_UNBOUNDED);
  buf_puts(&b, "\"map\": {");
  for (int i = 100; i < 400; i++) buf_printf(&b, "\"%d\": %s, ", i, i % 3 ? "\"M\"" : "null");
  buf_puts(&b, "\"1\": \"M\", \"2\": \"F\"}");
  char *zCb = variant("bigmap.json", fx.zCodebook, "\"map\": {\"1\": \"M\", \"2\": \"F\"}", buf_cstr(&b));
  char *zCsv = variant("bigmap.csv", fx.zCsv, "p9,B,2,250,20,1,", "p9,B,2,250,20,399,");
  import_ok("bigmap", zCsv, zCb, &rep);
  assert_int_equal(survey_load(fx.s, "bigmap", NULL, 0, &d, &e), 0);
  expect_level(d, "sex", 8, NULL);   /* 399 -> null */
  expect_level(d, "sex", 9, "F");
  assert_int_equal(survey_column(d, "sex")->nLevel, 2);
  survey_free(d);
  buf_free(&b);
  free(zCb);
  free(zCsv);
}

/* A failed import leaves the survey of that name as it was; a good one replaces it. */
static void test_all_or_nothing_and_replace(void **state) {
  SurveyImportReport rep;
  Err e = ERR_INIT;
  SurveyData *d = NULL;
  int64_t id;
  (void)state;
  import_ok("keep", fx.zCsv, fx.zCodebook, &rep);
  assert_int_equal(survey_load(fx.s, "keep", NULL, 0, &d, &e), 0);
  id = d->id;
  survey_free(d);

  char *zBad = variant("keep-bad.csv", fx.zCsv, "p10,B,1,250,20,2,19,", "p10,B,1,250,20,2,x19,");
  import_fails("keep", zBad, fx.zCodebook, &rep, &e);
  assert_int_equal(rep.nProblems, 1);
  free(rep.zProblems);
  err_clear(&e);
  assert_int_equal(survey_load(fx.s, "keep", NULL, 0, &d, &e), 0);
  assert_int_equal(d->id, id);
  assert_int_equal(d->n, 10);
  survey_free(d);

  /* Re-import with fewer rows (the last two removed) replaces it. */
  char *zText = read_file(fx.zCsv);
  char *zCut = xstrndup(zText, (size_t)(strstr(zText, "p9,") - zText));
  char *zShort = path_in(fx.zDir, "keep-short.csv");
  write_file(zShort, zCut);
  import_ok("keep", zShort, fx.zCodebook, &rep);
  assert_int_equal(rep.nRows, 8);
  assert_int_equal(survey_load(fx.s, "keep", NULL, 0, &d, &e), 0);
  assert_int_equal(d->n, 8);
  survey_free(d);
  assert_int_equal(store_int(fx.s, "SELECT count(*) FROM survey WHERE name = 'keep'", -1), 1);
  assert_int_equal(store_int(fx.s, "SELECT count(*) FROM survey_column c WHERE NOT EXISTS "
                                   "(SELECT 1 FROM survey s WHERE s.id = c.survey_id)", -1), 0);
  free(zText);
  free(zCut);
  free(zShort);
  free(zBad);
}

static void test_load_selected(void **state) {
  SurveyImportReport rep;
  Err e = ERR_INIT;
  SurveyData *d = NULL;
  const char *azCol[] = {"sex", "migrant", "age", "labour_force_status", "sex"};
  (void)state;
  import_ok("sel", fx.zCsv, fx.zCodebook, &rep);
  assert_int_equal(survey_load(fx.s, "sel", azCol, 5, &d, &e), 0);
  assert_int_equal(d->nCol, 4);   /* "sex" asked twice, loaded once */
  assert_non_null(survey_column(d, "sex"));
  assert_non_null(survey_column(d, "lfs"));
  assert_non_null(survey_column(d, "labour_force_status"));
  assert_null(survey_column(d, "isco"));
  assert_null(survey_column(d, "wt"));    /* design columns are in the Design, not in aCol */
  assert_non_null(d->design.aWeight);
  assert_non_null(d->design.aPsu);
  assert_int_equal(d->design.nPsu, 4);
  expect_level(d, "migrant", 3, "MIG");
  survey_free(d);

  const char *azBad[] = {"sex", "no_such_column"};
  assert_int_equal(survey_load(fx.s, "sel", azBad, 2, &d, &e), -1);
  assert_null(d);
  assert_int_equal(e.code, ERR_NOT_FOUND);
  assert_non_null(strstr(e.zMsg, "no_such_column"));
  err_clear(&e);
  assert_int_equal(survey_load(fx.s, "no-survey", NULL, 0, &d, &e), -1);
  assert_int_equal(e.code, ERR_NOT_FOUND);
  err_clear(&e);
}

/* Replace the stored data of one column of survey zName by the n bytes at p. */
static void set_column_data(const char *zName, const char *zCol, const void *p, int n) {
  Err e = ERR_INIT;
  Stmt *q = store_prepare(fx.s,
                          "UPDATE survey_column SET data = :data WHERE name = :col AND survey_id = "
                          "(SELECT id FROM survey WHERE name = :name)",
                          &e);
  assert_non_null(q);
  stmt_bind_blob(q, ":data", p, n);
  stmt_bind_text(q, ":col", zCol);
  stmt_bind_text(q, ":name", zName);
  assert_int_equal(stmt_run(q, &e), 0);
  stmt_finalize(q);
}

/* Level indices are stored in one byte when they fit, the fpc once per stratum;
** survey_load widens them, SURVEY_LOAD_NARROW keeps them; and the int32 and
** per-row fpc that earlier versions stored still load the same. */
static void test_narrow_and_old_format(void **state) {
  SurveyImportReport rep;
  Err e = ERR_INIT;
  SurveyData *d = NULL, *dn = NULL;
  const char *azCol[] = {"sex", "lfs", "age"};
  (void)state;
  import_ok("narrow", fx.zCsv, fx.zCodebook, &rep);
  assert_int_equal(survey_load(fx.s, "narrow", azCol, 3, &d, &e), 0);
  assert_int_equal(survey_load_ex(fx.s, "narrow", azCol, 3, SURVEY_LOAD_NARROW, &dn, &e), 0);
  const SurveyColumn *c = survey_column(d, "sex"), *cn = survey_column(dn, "sex");
  assert_int_equal(c->nCodeWidth, 4);
  assert_non_null(c->aCode);
  assert_int_equal(cn->nCodeWidth, 1);
  assert_null(cn->aCode);
  for (size_t r = 0; r < d->n; r++) {
    assert_int_equal(survey_code(cn, r), c->aCode[r]);
    assert_int_equal(survey_code(survey_column(dn, "lfs"), r), survey_column(d, "lfs")->aCode[r]);
  }
  /* narrow: no stratum per row, the stratum of each PSU instead */
  assert_null(dn->design.aStratum);
  assert_non_null(dn->design.aPsuStratum);
  assert_int_equal(dn->design.nStratum, d->design.nStratum);
  for (size_t r = 0; r < d->n; r++)
    assert_int_equal(dn->design.aPsuStratum[dn->design.aPsu[r]], d->design.aStratum[r]);
  assert_null(dn->design.aFpc);
  assert_non_null(dn->design.aFpcStratum);
  assert_true(dn->design.aFpcStratum[0] == 10 && dn->design.aFpcStratum[1] == 20);
  assert_non_null(d->design.aFpc);
  assert_true(d->design.aFpc[0] == 10 && d->design.aFpc[9] == 20);
#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  /* As an earlier version stored them: int32 level indices, the fpc per row. */
  set_column_data("narrow", "sex", c->aCode, (int)(d->n * sizeof(int32_t)));
  set_column_data("narrow", "fpc", d->design.aFpc, (int)(d->n * sizeof(double)));
  SurveyData *d2 = NULL, *dn2 = NULL;
  assert_int_equal(survey_load(fx.s, "narrow", azCol, 3, &d2, &e), 0);
  assert_int_equal(survey_load_ex(fx.s, "narrow", azCol, 3, SURVEY_LOAD_NARROW, &dn2, &e), 0);
  assert_int_equal(survey_column(dn2, "sex")->nCodeWidth, 4);
  assert_memory_equal(survey_column(d2, "sex")->aCode, c->aCode, d->n * sizeof(int32_t));
  assert_memory_equal(survey_column(dn2, "sex")->pCode, c->aCode, d->n * sizeof(int32_t));
  assert_null(dn2->design.aFpcStratum);
  assert_memory_equal(dn2->design.aFpc, d->design.aFpc, d->n * sizeof(double));
  survey_free(d2);
  survey_free(dn2);
#endif
  survey_free(d);
  survey_free(dn);
}

/* An unstratified design without PSUs or fpc loads with NULL arrays. */
static void test_simple_design(void **state) {
  SurveyImportReport rep;
  Err e = ERR_INIT;
  SurveyData *d = NULL;
  (void)state;
  char *zCb = variant("simple.json", fx.zCodebook,
                      "\"design\": {\"weight\": \"wt\", \"strata\": \"stratum\", \"psu\": \"psu\", \"fpc\": \"fpc\", "
                      "\"lonely_psu\": \"remove\"}",
                      "\"design\": {\"weight\": \"wt\", \"strata\": null}");
  import_ok("simple", fx.zCsv, zCb, &rep);
  assert_int_equal(survey_load(fx.s, "simple", NULL, 0, &d, &e), 0);
  assert_null(d->design.aStratum);
  assert_null(d->design.aPsu);
  assert_null(d->design.aFpc);
  assert_int_equal(d->design.nStratum, 1);
  assert_int_equal(d->design.lonely, LONELY_ADJUST);
  assert_int_equal(d->nCol, 29);
  survey_free(d);
  free(zCb);
}

static void corrupt_and_expect(const char *zSql, const char *zWant) {
  Err e = ERR_INIT;
  SurveyData *d = NULL;
  assert_int_equal(store_exec(fx.s, zSql, &e), 0);
  assert_int_equal(survey_load(fx.s, "corrupt", NULL, 0, &d, &e), -1);
  assert_null(d);
  assert_int_equal(e.code, ERR_DB);
  if (!strstr(e.zMsg, zWant) && !(e.zDetail && strstr(e.zDetail, zWant)))
    fail_msg("expected [%s] in [%s: %s]", zWant, e.zMsg, e.zDetail ? e.zDetail : "");
  err_clear(&e);
}

static void test_corrupt_blob(void **state) {
  SurveyImportReport rep;
  (void)state;
  /* The BLOBs themselves: the column files (test_column_cache) would stand in for them. */
  setenv("LMIS_NO_COLCACHE", "1", 1);
  import_ok("corrupt", fx.zCsv, fx.zCodebook, &rep);
  corrupt_and_expect("UPDATE survey_column SET data = substr(data, 1, 10) WHERE name = 'age' AND survey_id = "
                     "(SELECT id FROM survey WHERE name = 'corrupt')",
                     "10 bytes of data where 10 rows need 80");
  import_ok("corrupt", fx.zCsv, fx.zCodebook, &rep);
  /* sex has 2 levels: stored in one byte a row; 127 is out of range */
  corrupt_and_expect("UPDATE survey_column SET data = CAST(x'0000000000000000007f' AS BLOB) WHERE name = 'sex' AND "
                     "survey_id = (SELECT id FROM survey WHERE name = 'corrupt')",
                     "level index is out of range");
  /* the same in the int32 of earlier versions (still read) */
  import_ok("corrupt", fx.zCsv, fx.zCodebook, &rep);
  corrupt_and_expect("UPDATE survey_column SET data = CAST(x'00000000000000000000000000000000000000000000000000000000"
                     "ffffff7f0000000000000000' AS BLOB) WHERE name = 'sex' AND survey_id = (SELECT id FROM survey WHERE name = "
                     "'corrupt')",
                     "level index is out of range");
  import_ok("corrupt", fx.zCsv, fx.zCodebook, &rep);
  corrupt_and_expect("UPDATE survey_column SET data = zeroblob(80) WHERE name = 'wt' AND survey_id = "
                     "(SELECT id FROM survey WHERE name = 'corrupt')",
                     "not positive");
  import_ok("corrupt", fx.zCsv, fx.zCodebook, &rep);
  corrupt_and_expect("UPDATE survey_column SET levels = '{' WHERE name = 'sex' AND survey_id = "
                     "(SELECT id FROM survey WHERE name = 'corrupt')",
                     "levels are not a JSON array");
  import_ok("corrupt", fx.zCsv, fx.zCodebook, &rep);
  corrupt_and_expect("UPDATE survey_column SET data = 'text' WHERE name = 'age' AND survey_id = "
                     "(SELECT id FROM survey WHERE name = 'corrupt')",
                     "not binary");
  import_ok("corrupt", fx.zCsv, fx.zCodebook, &rep);
  corrupt_and_expect("UPDATE survey SET n_rows = 11 WHERE name = 'corrupt'", "where 11 rows need");
  unsetenv("LMIS_NO_COLCACHE");
}

/* The survey's data token and how many column files of it DB.cols holds. */
static char *data_token(const char *zName) {
  Err e = ERR_INIT;
  Stmt *q = store_prepare(fx.s, "SELECT data_token FROM survey WHERE name = :name", &e);
  assert_non_null(q);
  stmt_bind_text(q, ":name", zName);
  char *z = stmt_step(q, &e) == 1 && stmt_text(q, 0) ? xstrdup(stmt_text(q, 0)) : NULL;
  stmt_finalize(q);
  return z;
}

static int token_files(const char *zToken) {
  char *zCmd = xasprintf("ls '%s.cols' 2>/dev/null | grep -c '^%s-[0-9]*$'", store_path(fx.s), zToken);
  FILE *f = popen(zCmd, "r");
  int n = -1;
  assert_non_null(f);
  assert_int_equal(fscanf(f, "%d", &n), 1);
  pclose(f);
  free(zCmd);
  return n;
}

/* Every column but the fpc stored per stratum is also a file DB.cols/TOKEN-POS
** after an import; a load maps the files (the same bytes as the BLOBs), skips a
** damaged one (and writes it again), and re-import and drop remove them. */
static void test_column_cache(void **state) {
  SurveyImportReport rep;
  Err e = ERR_INIT;
  SurveyData *d = NULL, *dRef = NULL;
  (void)state;
  import_ok("cached", fx.zCsv, fx.zCodebook, &rep);
  char *zToken = data_token("cached");
  assert_non_null(zToken);
  assert_int_equal(strlen(zToken), 32);
  int nCol = (int)store_int(fx.s, "SELECT count(*) FROM survey_column WHERE role <> 'fpc' AND survey_id = "
                                  "(SELECT id FROM survey WHERE name = 'cached')", -1);
  assert_int_equal(token_files(zToken), nCol);
  /* The first load widens the PSU codes to int32 (the design's array) and keeps
  ** that too, as TOKEN-(COLCACHE_INT32 + its position, 2); later loads map it. */
  assert_int_equal(survey_load_ex(fx.s, "cached", NULL, 0, SURVEY_LOAD_NARROW, &d, &e), 0);
  int nFirst = d->nMap;
  survey_free(d);
  assert_int_equal(token_files(zToken), nCol + 1);
  char *zWide = xasprintf("%s.cols/%s-%d", store_path(fx.s), zToken, COLCACHE_INT32 + 2);
  assert_int_equal(access(zWide, R_OK), 0);
  free(zWide);
  assert_int_equal(survey_load_ex(fx.s, "cached", NULL, 0, SURVEY_LOAD_NARROW, &d, &e), 0);
  assert_int_equal(d->nMap, nFirst + 1);
  setenv("LMIS_NO_COLCACHE", "1", 1);
  assert_int_equal(survey_load_ex(fx.s, "cached", NULL, 0, SURVEY_LOAD_NARROW, &dRef, &e), 0);
  unsetenv("LMIS_NO_COLCACHE");
  assert_int_equal(dRef->nMap, 0);
  assert_int_equal(d->nCol, dRef->nCol);
  assert_memory_equal(d->aWeight, dRef->aWeight, d->n * sizeof(double));
  assert_memory_equal(d->aPsu, dRef->aPsu, d->n * sizeof(int32_t));
  for (int i = 0; i < d->nCol; i++) {
    const SurveyColumn *c = &d->aCol[i], *r = &dRef->aCol[i];
    if (c->aNum) assert_memory_equal(c->aNum, r->aNum, d->n * sizeof(double));
    else assert_memory_equal(c->pCode, r->pCode, d->n * (size_t)c->nCodeWidth);
  }
  int nMapped = d->nMap;
  survey_free(d);
  survey_free(dRef);
  /* A damaged header: that column comes from its BLOB, and its file is written again. */
  char *zFile = xasprintf("%s.cols/%s-0", store_path(fx.s), zToken);
  FILE *f = fopen(zFile, "r+b");
  assert_non_null(f);
  assert_int_equal(fwrite("XXXX", 1, 4, f), 4);
  fclose(f);
  assert_int_equal(survey_load_ex(fx.s, "cached", NULL, 0, SURVEY_LOAD_NARROW, &d, &e), 0);
  assert_int_equal(d->nMap, nMapped - 1);
  survey_free(d);
  assert_int_equal(survey_load_ex(fx.s, "cached", NULL, 0, SURVEY_LOAD_NARROW, &d, &e), 0);
  assert_int_equal(d->nMap, nMapped);
  survey_free(d);
  /* A truncated file is not used either. */
  assert_int_equal(truncate(zFile, 4096), 0);
  assert_int_equal(survey_load_ex(fx.s, "cached", NULL, 0, SURVEY_LOAD_NARROW, &d, &e), 0);
  assert_int_equal(d->nMap, nMapped - 1);
  survey_free(d);
  /* Imported again: a new token, the old files gone. */
  import_ok("cached", fx.zCsv, fx.zCodebook, &rep);
  char *zToken2 = data_token("cached");
  assert_string_not_equal(zToken, zToken2);
  assert_int_equal(token_files(zToken), 0);
  assert_int_equal(token_files(zToken2), nCol);
  assert_int_equal(survey_drop(fx.s, "cached", &e), 0);
  assert_int_equal(token_files(zToken2), 0);
  free(zFile);
  free(zToken);
  free(zToken2);
}

static void test_drop(void **state) {
  SurveyImportReport rep;
  Err e = ERR_INIT;
  (void)state;
  import_ok("dropme", fx.zCsv, fx.zCodebook, &rep);
  assert_int_equal(survey_drop(fx.s, "dropme", &e), 0);
  assert_int_equal(store_int(fx.s, "SELECT count(*) FROM survey WHERE name = 'dropme'", -1), 0);
  assert_int_equal(survey_drop(fx.s, "dropme", &e), -1);
  assert_int_equal(e.code, ERR_NOT_FOUND);
  err_clear(&e);
}

/* Only the first 100 problems are listed, with a count of the rest. */
static void test_many_problems(void **state) {
  SurveyImportReport rep;
  Err e = ERR_INIT;
  Buf b;
  (void)state;
  buf_init(&b, BUF_UNBOUNDED);
  buf_puts(&b, "id,stratum,psu,wt,fpc,sex,age,cob,cit,yoa,wab,lfs,isco,isced,nace,icse,earn,rcost,fjearn,note\n");
  for (int i = 0; i < 150; i++) buf_printf(&b, "q%d,A,1,100,10,1,old,ITA,380,,N,3,,3,,,,,,\n", i);
  buf_printf(&b, "q150,A,1,100,10,5,40,ITA,380,,N,3,,3,,,,,,\n");
  char *zCsv = path_in(fx.zDir, "many.csv");
  write_file(zCsv, buf_cstr(&b));
  import_fails("many", zCsv, fx.zCodebook, &rep, &e);
  assert_int_equal(rep.nProblems, 151);
  int nLines = 0;
  for (const char *p = rep.zProblems; *p; p++) nLines += *p == '\n';
  assert_int_equal(nLines, 101);
  assert_non_null(strstr(rep.zProblems, "many.csv:2: column \"age\": \"old\" is not a number\n"));
  assert_non_null(strstr(rep.zProblems, "many.csv:101: column \"age\""));
  assert_null(strstr(rep.zProblems, "many.csv:102:"));
  assert_non_null(strstr(rep.zProblems, "... and 51 more problems\n"));
  free(rep.zProblems);
  err_clear(&e);
  buf_free(&b);
  free(zCsv);
}

static void test_bad_names_and_files(void **state) {
  SurveyImportReport rep;
  Err e = ERR_INIT;
  (void)state;
  assert_int_equal(survey_import(fx.s, "bad name", fx.zCsv, fx.zCodebook, false, &rep, &e), -1);
  assert_int_equal(e.code, ERR_INVALID);
  err_clear(&e);
  assert_int_equal(survey_import(fx.s, "x", "/nonexistent/x.csv", fx.zCodebook, false, &rep, &e), -1);
  assert_int_equal(e.code, ERR_IO);
  err_clear(&e);
  assert_int_equal(survey_import(fx.s, "x", fx.zCsv, "/nonexistent/cb.json", false, &rep, &e), -1);
  assert_int_equal(e.code, ERR_IO);
  err_clear(&e);
  char *zEmpty = path_in(fx.zDir, "empty.csv");
  write_file(zEmpty, "");
  import_fails("x", zEmpty, fx.zCodebook, &rep, &e);
  assert_non_null(strstr(rep.zProblems, "the file is empty"));
  free(rep.zProblems);
  err_clear(&e);
  write_file(zEmpty, "id,stratum,psu,wt,fpc,sex,age,cob,cit,yoa,wab,lfs,isco,isced,nace,icse,earn,rcost,fjearn,note\n");
  import_fails("x", zEmpty, fx.zCodebook, &rep, &e);
  assert_non_null(strstr(rep.zProblems, "no data rows"));
  free(rep.zProblems);
  err_clear(&e);
  free(zEmpty);
}

/* The demo sample and its codebook (data/samples) import cleanly. */
static void test_demo_sample(void **state) {
  SurveyImportReport rep;
  Err e = ERR_INIT;
  SurveyData *d = NULL;
  const char *zData = getenv("LMIS_DATA") ? getenv("LMIS_DATA") : refdata_default_dir();
  char *zCsv = xasprintf("%s/samples/lfs-demo.csv.gz", zData);
  char *zCb = xasprintf("%s/samples/lfs-demo.codebook.json", zData);
  const char *azCol[] = {"migrant", "sex"};
  (void)state;
  import_ok("demo", zCsv, zCb, &rep);
  assert_int_equal(rep.nRows, 20000);
  assert_int_equal(survey_load(fx.s, "demo", azCol, 2, &d, &e), 0);
  assert_int_equal(d->design.nStratum, 40);
  /* Between 5% and 25% of the weighted population are migrants. */
  const SurveyColumn *c = survey_column(d, "migrant");
  double rMig = 0, rAll = 0;
  for (size_t i = 0; i < d->n; i++) {
    rAll += d->design.aWeight[i];
    if (c->aCode[i] == 0) rMig += d->design.aWeight[i];
  }
  assert_true(rMig / rAll > 0.05 && rMig / rAll < 0.25);
  survey_free(d);
  free(zCsv);
  free(zCb);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_import_small),
    cmocka_unit_test(test_info_and_list),
    cmocka_unit_test(test_validation_problems),
    cmocka_unit_test(test_design_problems),
    cmocka_unit_test(test_codebook_errors),
    cmocka_unit_test(test_large_map),
    cmocka_unit_test(test_all_or_nothing_and_replace),
    cmocka_unit_test(test_load_selected),
    cmocka_unit_test(test_narrow_and_old_format),
    cmocka_unit_test(test_simple_design),
    cmocka_unit_test(test_corrupt_blob),
    cmocka_unit_test(test_column_cache),
    cmocka_unit_test(test_drop),
    cmocka_unit_test(test_many_problems),
    cmocka_unit_test(test_bad_names_and_files),
    cmocka_unit_test(test_demo_sample),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
