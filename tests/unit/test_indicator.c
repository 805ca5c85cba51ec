/*
** test_indicator.c: the indicator catalogue and its computation (indicator.c).
**
** The catalogue shipped in data/indicators.json must load; broken variants must
** fail with the JSON pointer of the offending value. Computations run on the
** synthetic demo survey (data/samples/lfs-demo.csv.gz) and are compared with R
** survey 4.1.1 (tests/fixtures/sdmx/indicator_reference.R prints the values
** below): estimates to a relative 1e-9, standard errors to 1e-6.
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
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include "indicator.h"
#include "refdata.h"
#include "survey.h"
#include "util.h"

typedef struct Fixture {
  char *zDir, *zData;
  Store *s;
  Catalogue *pCat;
} Fixture;

static Fixture fx;

static int setup(void **state) {
  char zTmpl[] = "/tmp/lmis-test-indicator-XXXXXX";
  const char *zData = getenv("LMIS_DATA");
  char *zDb, *zCsv, *zCb, *zCat;
  Err e = ERR_INIT;
  RefReport rep;
  SurveyImportReport srep;
  (void)state;
  memset(&rep, 0, sizeof rep);
  memset(&srep, 0, sizeof srep);
  if (!zData) zData = refdata_default_dir();
  fx.zData = xstrdup(zData);
  fx.zDir = xstrdup(mkdtemp(zTmpl));
  zDb = xasprintf("%s/indicator.db", fx.zDir);
  zCsv = xasprintf("%s/samples/lfs-demo.csv.gz", zData);
  zCb = xasprintf("%s/samples/lfs-demo.codebook.json", zData);
  zCat = xasprintf("%s/indicators.json", zData);
  int rc = store_open(zDb, STORE_CREATE, &fx.s, &e) || store_migrate(fx.s, &e) ||
           refdata_load(fx.s, zData, 0, &rep, &e) || survey_import(fx.s, "demo", zCsv, zCb, false, &srep, &e) ||
           survey_import(fx.s, "demo2", zCsv, zCb, false, &srep, &e) || indicator_catalogue_load(zCat, &fx.pCat, &e);
  if (rc) {
    err_print(&e);
    if (srep.zProblems) fputs(srep.zProblems, stderr);
  }
  err_clear(&e);
  free(rep.zSkipped);
  free(srep.zProblems);
  free(zDb);
  free(zCsv);
  free(zCb);
  free(zCat);
  return rc ? -1 : 0;
}

static int teardown(void **state) {
  char *zCmd = xasprintf("rm -rf '%s'", fx.zDir);
  (void)state;
  indicator_catalogue_free(fx.pCat);
  store_close(fx.s);
  if (system(zCmd) != 0) fprintf(stderr, "could not remove %s\n", fx.zDir);
  free(zCmd);
  free(fx.zDir);
  free(fx.zData);
  xmlCleanupParser();
  return 0;
}

/* ---- helpers ---- */

static IndicatorResult *compute(const char *zId, const char *zBy, const EstOptions *o) {
  IndicatorResult *r = NULL;
  Err e = ERR_INIT;
  const char *azBy[4];
  int nBy = 0;
  char *zCopy = zBy ? xstrdup(zBy) : NULL;
  for (char *p = zCopy; p && *p;) {
    char *c = strchr(p, ',');
    if (c) *c = 0;
    azBy[nBy++] = p;
    p = c ? c + 1 : NULL;
  }
  if (indicator_compute(fx.s, fx.pCat, zId, "demo", zBy ? azBy : NULL, nBy, o, &r, &e)) err_print(&e);
  assert_non_null(r);
  err_clear(&e);
  free(zCopy);
  return r;
}

/* The observation with these codes (NULL: any). */
static const SdmxObs *find(const IndicatorResult *r, const char *zSex, const char *zC1, const char *zC2,
                           const char *zCounterpart) {
  for (size_t i = 0; i < r->pData->nObs; i++) {
    const SdmxObs *p = &r->pData->aObs[i];
    if ((!zSex || strcmp(p->azDim[SDMX_SEX], zSex) == 0) && (!zC1 || strcmp(p->azDim[SDMX_CLASSIF1], zC1) == 0) &&
        (!zC2 || strcmp(p->azDim[SDMX_CLASSIF2], zC2) == 0) &&
        (!zCounterpart || strcmp(p->azDim[SDMX_COUNTERPART_AREA], zCounterpart) == 0))
      return p;
  }
  fail_msg("no observation %s %s %s", zSex, zC1, zC2);
  return NULL;
}

static void assert_close(double got, double want, double relTol, const char *zWhat) {
  double d = fabs(got - want) / fmax(fabs(want), 1e-300);
  if (!(d <= relTol)) fail_msg("%s: got %.17g, R gives %.17g (relative difference %.3g)", zWhat, got, want, d);
}

/* Check one value against R: estimate to 1e-9, standard error to 1e-6. */
static void check_r(const char *zId, const char *zBy, const char *zSex, const char *zC1, const char *zC2, double est,
                    double se) {
  IndicatorResult *r = compute(zId, zBy, NULL);
  const SdmxObs *p = find(r, zSex, zC1, zC2, NULL);
  assert_close(p->value, est, 1e-9, zId);
  assert_close(p->se, se, 1e-6, zId);
  indicator_result_free(r);
}

/* ---- catalogue ---- */

static void test_catalogue_shipped(void **state) {
  int nCbr = 0;
  (void)state;
  assert_true(indicator_count(fx.pCat) >= 30);
  for (int i = 0; i < indicator_count(fx.pCat); i++) {
    const IndicatorDef *d = indicator_at(fx.pCat, i);
    const char *zId = indicator_id(d);
    const char *zCbr = strstr(zId, "_CBR_");
    assert_true(sdmx_id_ok(zId));
    assert_true(*indicator_title(d, "en") && *indicator_title(d, "fr") && *indicator_title(d, "es"));
    if (zCbr) {
      /* every indicator by place of birth has its twin by citizenship */
      char *zTwin = xstrdup(zId);
      memcpy(zTwin + (zCbr - zId), "_CCT_", 5);
      assert_non_null(indicator_find(fx.pCat, zTwin));
      free(zTwin);
      nCbr++;
    }
  }
  assert_true(nCbr >= 13);
  assert_string_equal(indicator_unit(indicator_find(fx.pCat, "UNE_DEAP_SEX_AGE_CBR_RT")), "PT");
  assert_non_null(indicator_find(fx.pCat, "SDG_1071_RCI_P80"));
  assert_null(indicator_find(fx.pCat, "NOPE"));
  json_t *j = indicator_list_json(fx.pCat, "fr");
  assert_int_equal(json_array_size(json_object_get(j, "indicators")), (size_t)indicator_count(fx.pCat));
  json_decref(j);
  j = indicator_def_json(indicator_find(fx.pCat, "EAR_XGAP_SEX_CBR_RT"), "es");
  assert_string_equal(json_string_value(json_object_get(json_object_get(j, "gap"), "reference")), "NB");
  assert_non_null(strstr(json_string_value(json_object_get(j, "title")), "Brecha"));
  json_decref(j);
}

/* A broken catalogue fails naming the JSON pointer of the problem. */
static void catalogue_fails(const char *zText, const char *zWhere, const char *zMsgPart) {
  Catalogue *c = NULL;
  Err e = ERR_INIT;
  assert_int_equal(indicator_catalogue_parse(zText, strlen(zText), "cat.json", &c, &e), -1);
  assert_null(c);
  assert_int_equal(e.code, ERR_INVALID);
  if (!e.zWhere || strcmp(e.zWhere, zWhere) != 0) fail_msg("where: got %s, want %s (%s)", e.zWhere, zWhere, e.zMsg);
  if (zMsgPart && !strstr(e.zMsg, zMsgPart)) fail_msg("message: %s", e.zMsg);
  err_clear(&e);
}

#define GOOD_TITLE "\"title\":{\"en\":\"a\",\"fr\":\"b\",\"es\":\"c\"},\"definition\":{\"en\":\"d\"}"
#define GOOD "{\"id\":\"X1\"," GOOD_TITLE ",\"unit\":\"PS\",\"statistic\":\"total\",\"decimals\":0}"

static void test_catalogue_errors(void **state) {
  Catalogue *c = NULL;
  Err e = ERR_INIT;
  const char *zGood = "{\"indicators\":[" GOOD "]}";
  (void)state;
  assert_int_equal(indicator_catalogue_parse(zGood, strlen(zGood), "cat.json", &c, &e), 0);
  assert_int_equal(indicator_count(c), 1);
  indicator_catalogue_free(c);
  catalogue_fails("{\"indicators\":[", "cat.json:1:15", NULL);
  catalogue_fails("[]", "cat.json#", "JSON object");
  catalogue_fails("{\"indicators\":[]}", "cat.json#/indicators", "non-empty");
  catalogue_fails("{\"indicator\":[]}", "cat.json#/indicator", "unknown member");
  catalogue_fails("{\"indicators\":[" GOOD "," GOOD "]}", "cat.json#/indicators/1/id", "also indicator 0");
  catalogue_fails("{\"indicators\":[{\"id\":\"X1\"," GOOD_TITLE ",\"unit\":\"PS\",\"statistic\":\"total\"}]}",
                  "cat.json#/indicators/0/decimals", "decimals");
  catalogue_fails("{\"indicators\":[{\"id\":\"X1\"," GOOD_TITLE ",\"unit\":\"PS\",\"statistic\":\"sum\",\"decimals\":0}]}",
                  "cat.json#/indicators/0/statistic", "not total, mean");
  catalogue_fails("{\"indicators\":[{\"id\":\"X1\"," GOOD_TITLE ",\"unit\":\"KG\",\"statistic\":\"total\",\"decimals\":0}]}",
                  "cat.json#/indicators/0/unit", "CL_UNIT");
  catalogue_fails("{\"indicators\":[{\"id\":\"X1\"," GOOD_TITLE ",\"unit\":\"PS\",\"statistic\":\"total\",\"decimals\":0,"
                  "\"numerater\":\"x=1\"}]}",
                  "cat.json#/indicators/0/numerater", "unknown member");
  catalogue_fails("{\"indicators\":[{\"id\":\"X1\"," GOOD_TITLE ",\"unit\":\"PT\",\"statistic\":\"ratio\",\"decimals\":0,"
                  "\"numerator\":\"x=1\"}]}",
                  "cat.json#/indicators/0", "numerator and a denominator");
  catalogue_fails("{\"indicators\":[{\"id\":\"X1\"," GOOD_TITLE ",\"unit\":\"PT\",\"statistic\":\"quantile\",\"decimals\":0,"
                  "\"value\":\"rci\"}]}",
                  "cat.json#/indicators/0/q", "strictly between 0 and 1");
  catalogue_fails("{\"indicators\":[{\"id\":\"X1\"," GOOD_TITLE ",\"unit\":\"PS\",\"statistic\":\"total\",\"decimals\":0,"
                  "\"population\":[\"working_age\"]}]}",
                  "cat.json#/indicators/0/population/0", "not a condition");
  catalogue_fails("{\"indicators\":[{\"id\":\"X1\"," GOOD_TITLE ",\"unit\":\"PS\",\"statistic\":\"gap\",\"decimals\":0,"
                  "\"value\":\"earn\"}]}",
                  "cat.json#/indicators/0", "give \"migrant\"");
  catalogue_fails("{\"indicators\":[{\"id\":\"X.1\"," GOOD_TITLE ",\"unit\":\"PS\",\"statistic\":\"total\",\"decimals\":0}]}",
                  "cat.json#/indicators/0/id", "SDMX code");
  catalogue_fails("{\"indicators\":[{\"id\":\"X1\",\"title\":{\"en\":\"a\",\"fr\":\"b\"},\"definition\":{\"en\":\"d\"},"
                  "\"unit\":\"PS\",\"statistic\":\"total\",\"decimals\":0}]}",
                  "cat.json#/indicators/0/title", "\"es\" is required");
  catalogue_fails("{\"classifications\":{\"age_band\":{\"dimension\":\"TIME\",\"total\":\"T\"}},\"indicators\":[" GOOD "]}",
                  "cat.json#/classifications/age_band", "must be SEX, COUNTERPART_AREA");
  catalogue_fails("{\"classifications\":{\"age_band\":{\"codes\":{\"Y15-24\":\"A.B\"},\"total\":\"T\"}},\"indicators\":["
                  GOOD "]}",
                  "cat.json#/classifications/age_band/codes/Y15-24", "SDMX code");
  /* a file that does not exist */
  assert_int_equal(indicator_catalogue_load("/nonexistent/indicators.json", &c, &e), -1);
  assert_int_equal(e.code, ERR_IO);
  err_clear(&e);
}

/* ---- computation, against R survey ---- */

static void test_against_r(void **state) {
  (void)state;
  /* earnings gap native-born vs foreign-born among employees, both sexes and women:
  ** svycontrast(svyby(~earn, ~nb, ..., svymean, covmat=TRUE), quote(100*(1 - FB/NB))) */
  check_r("EAR_XGAP_SEX_CBR_RT", NULL, "SEX_T", "_T", "_Z", 31.7849867466694, 2.08408444573564);
  check_r("EAR_XGAP_SEX_CBR_RT", NULL, "SEX_F", "_T", "_Z", 28.480558857361, 3.42365210627648);
  /* unemployment rate of foreign-born women: svyratio */
  check_r("UNE_DEAP_SEX_AGE_CBR_RT", NULL, "SEX_F", "AGE_10YRBANDS_TOTAL", "CBR_BIR_FOREIGN", 10.9994406809171,
          2.08669904302149);
  /* working-age population, foreign-born aged 25-34: svytotal */
  check_r("POP_XWAP_SEX_AGE_CBR_NB", NULL, "SEX_T", "AGE_10YRBANDS_Y25-34", "CBR_BIR_FOREIGN", 206578.88,
          21904.2033783748);
  /* share of ISCO-08 major group 2 in the employment of the foreign-born */
  check_r("EMP_TEMP_SEX_OCU_CBR_DT", NULL, "SEX_T", "OCU_ISCO08_2", "CBR_BIR_FOREIGN", 4.16679440097426,
          1.0223389009411);
  /* SDG 10.7.1, mean of the per-worker cost ratio */
  check_r("SDG_1071_RCI_MEAN", NULL, "SEX_T", "_T", "_T", 2.10307443037719, 0.299105086739453);
}

/* Totals are domains of their own: the total over birth status includes the
** persons whose birthplace is missing, so it is not the sum of NB and FB. */
static void test_totals_are_domains(void **state) {
  IndicatorResult *r = compute("POP_XWAP_SEX_AGE_CBR_NB", NULL, NULL);
  const SdmxObs *t = find(r, "SEX_T", "AGE_10YRBANDS_TOTAL", "CBR_BIR_TOTAL", NULL);
  const SdmxObs *nb = find(r, "SEX_T", "AGE_10YRBANDS_TOTAL", "CBR_BIR_NATIVE", NULL);
  const SdmxObs *fb = find(r, "SEX_T", "AGE_10YRBANDS_TOTAL", "CBR_BIR_FOREIGN", NULL);
  const SdmxObs *m = find(r, "SEX_M", "AGE_10YRBANDS_TOTAL", "CBR_BIR_TOTAL", NULL);
  const SdmxObs *f = find(r, "SEX_F", "AGE_10YRBANDS_TOTAL", "CBR_BIR_TOTAL", NULL);
  (void)state;
  assert_true(t->n > nb->n + fb->n);
  assert_true(t->value > nb->value + fb->value);
  assert_close(t->value, m->value + f->value, 1e-12, "sex is never missing: T = M + F");
  /* rows: 3 sexes x 7 age groups x 3 birth statuses, totals first */
  assert_int_equal(r->pData->nObs, 3 * 7 * 3);
  assert_string_equal(r->pData->aObs[0].azDim[SDMX_SEX], "SEX_T");
  assert_string_equal(r->pData->aObs[0].azDim[SDMX_CLASSIF1], "AGE_10YRBANDS_TOTAL");
  assert_string_equal(r->pData->aObs[0].azDim[SDMX_CLASSIF2], "CBR_BIR_TOTAL");
  assert_string_equal(r->pData->aObs[0].azDim[SDMX_REF_AREA], "ITA");
  assert_string_equal(r->pData->aObs[0].zTime, "2023");
  assert_string_equal(r->pData->aObs[0].zUnit, "PS");
  indicator_result_free(r);

  /* distributions: the shares of a domain add up to 100 */
  r = compute("EMP_TEMP_SEX_OCU_CCT_DT", NULL, NULL);
  double sum = 0;
  for (size_t i = 0; i < r->pData->nObs; i++) {
    const SdmxObs *p = &r->pData->aObs[i];
    if (strcmp(p->azDim[SDMX_SEX], "SEX_F") == 0 && strcmp(p->azDim[SDMX_CLASSIF2], "CCT_CIT_FOREIGN") == 0 &&
        strcmp(p->azDim[SDMX_CLASSIF1], "OCU_ISCO08_TOTAL") != 0 && isfinite(p->value))
      sum += p->value;
  }
  assert_close(sum, 100.0, 1e-9, "shares");
  assert_close(find(r, "SEX_F", "OCU_ISCO08_TOTAL", "CCT_CIT_FOREIGN", NULL)->value, 100.0, 1e-12, "total share");
  indicator_result_free(r);
}

/* Cells with too few sample units are suppressed (C, no value); imprecise ones
** are flagged U. */
static void test_status(void **state) {
  EstOptions o;
  IndicatorResult *r;
  const SdmxObs *p;
  int nC = 0, nU = 0;
  (void)state;
  est_options_default(&o);
  o.nMinCell = 300;
  o.cvMax = 0.1;
  r = compute("UNE_DEAP_SEX_AGE_CBR_RT", NULL, &o);
  for (size_t i = 0; i < r->pData->nObs; i++) {
    p = &r->pData->aObs[i];
    if (strcmp(p->zStatus, "C") == 0) {
      nC++;
      assert_true(p->n < 300);
      assert_true(isnan(p->value) && isnan(p->se) && isnan(p->ciLow));
    } else if (strcmp(p->zStatus, "U") == 0) {
      nU++;
      assert_true(p->cv > 0.1);
    } else {
      assert_string_equal(p->zStatus, "A");
      assert_true(p->n >= 300 && p->cv <= 0.1);
    }
  }
  assert_true(nC > 0 && nU > 0);
  indicator_result_free(r);
}

static void test_breakdowns(void **state) {
  IndicatorResult *r = NULL;
  Err e = ERR_INIT;
  const char *azTwo[] = {"isced", "age_band"};
  const char *azNum[] = {"earn"};
  const char *azNone[] = {"nosuchcolumn"};
  const char *azMig[] = {"birth_status"};
  (void)state;
  /* a corridor breakdown: country of birth into COUNTERPART_AREA */
  r = compute("EAR_4MTH_SEX_CBR_NB", "sex,country_of_birth", NULL);
  assert_non_null(find(r, "SEX_T", "_T", "CBR_BIR_FOREIGN", "ROU"));
  assert_non_null(find(r, "SEX_T", "_T", "CBR_BIR_TOTAL", "_T"));
  assert_string_equal(r->zBy, "sex,country_of_birth,birth_status");
  indicator_result_free(r);
  /* no breakdown at all: one row per migrant status */
  r = compute("EAP_DWAP_SEX_AGE_CCT_RT", "", NULL);
  assert_int_equal(r->pData->nObs, 3);
  assert_string_equal(r->pData->aObs[0].azDim[SDMX_SEX], "SEX_T");
  assert_string_equal(r->pData->aObs[0].azDim[SDMX_CLASSIF1], "_T");
  indicator_result_free(r);
  r = NULL;
  assert_int_equal(indicator_compute(fx.s, fx.pCat, "UNE_DEAP_SEX_AGE_CBR_RT", "demo", azTwo, 2, NULL, &r, &e), -1);
  assert_int_equal(e.code, ERR_INVALID);
  assert_non_null(strstr(e.zMsg, "CLASSIF1"));
  err_clear(&e);
  assert_int_equal(indicator_compute(fx.s, fx.pCat, "UNE_DEAP_SEX_AGE_CBR_RT", "demo", azNum, 1, NULL, &r, &e), -1);
  assert_int_equal(e.code, ERR_INVALID);
  err_clear(&e);
  assert_int_equal(indicator_compute(fx.s, fx.pCat, "UNE_DEAP_SEX_AGE_CBR_RT", "demo", azNone, 1, NULL, &r, &e), -1);
  assert_int_equal(e.code, ERR_NOT_FOUND);
  err_clear(&e);
  assert_int_equal(indicator_compute(fx.s, fx.pCat, "EAR_XGAP_SEX_CBR_RT", "demo", azMig, 1, NULL, &r, &e), -1);
  assert_int_equal(e.code, ERR_INVALID);
  err_clear(&e);
  assert_int_equal(indicator_compute(fx.s, fx.pCat, "NOPE", "demo", NULL, 0, NULL, &r, &e), -1);
  assert_int_equal(e.code, ERR_NOT_FOUND);
  err_clear(&e);
  assert_int_equal(indicator_compute(fx.s, fx.pCat, "UNE_DEAP_SEX_AGE_CBR_RT", "nosurvey", NULL, 0, NULL, &r, &e), -1);
  assert_int_equal(e.code, ERR_NOT_FOUND);
  err_clear(&e);
  assert_null(r);
}

static void test_publish(void **state) {
  IndicatorResult *r = compute("UNE_DEAP_SEX_AGE_CBR_RT", NULL, NULL), *r2 = NULL;
  Err e = ERR_INIT;
  long n = 0;
  (void)state;
  assert_int_equal(indicator_publish(fx.s, r, &n, &e), 0);
  assert_int_equal(n, (long)r->pData->nObs);
  assert_int_equal(store_int(fx.s, "SELECT count(*) FROM observation WHERE origin = 'survey:demo'", -1), n);
  /* again: replaced, not doubled */
  assert_int_equal(indicator_publish(fx.s, r, &n, &e), 0);
  assert_int_equal(store_int(fx.s, "SELECT count(*) FROM observation WHERE origin = 'survey:demo'", -1), n);
  assert_int_equal(store_int(fx.s, "SELECT count(*) FROM observation WHERE origin = 'survey:demo' AND obs_status = 'A'"
                                   " AND json_extract(attributes, '$.SE') > 0 AND json_extract(attributes, '$.N') > 0", -1),
                   store_int(fx.s, "SELECT count(*) FROM observation WHERE origin = 'survey:demo' AND obs_status = 'A'"
                                   " AND obs_value > 0", -1));
  /* the same series from another survey of the same country and year conflicts */
  assert_int_equal(indicator_compute(fx.s, fx.pCat, "UNE_DEAP_SEX_AGE_CBR_RT", "demo2", NULL, 0, NULL, &r2, &e), 0);
  assert_int_equal(indicator_publish(fx.s, r2, &n, &e), -1);
  assert_int_equal(e.code, ERR_CONFLICT);
  assert_non_null(strstr(e.zDetail, "survey:demo"));
  err_clear(&e);
  assert_int_equal(store_int(fx.s, "SELECT count(*) FROM observation WHERE origin = 'survey:demo2'", -1), 0);
  indicator_result_free(r);
  indicator_result_free(r2);
}

/* An indicator's SDMX-ML validates against the DSD schema of the store. */
static void test_sdmx_of_result(void **state) {
  IndicatorResult *r = compute("EMP_TEMP_SEX_ECO_CBR_DT", NULL, NULL);
  Buf xsd, ml;
  Err e = ERR_INIT;
  char *zDir = xasprintf("%s/sdmx/xsd/", fx.zData);
  xmlSchemaParserCtxtPtr pc;
  xmlSchemaPtr schema;
  xmlSchemaValidCtxtPtr vc;
  xmlDocPtr doc;
  json_t *j;
  (void)state;
  buf_init(&xsd, BUF_UNBOUNDED);
  buf_init(&ml, BUF_UNBOUNDED);
  assert_int_equal(sdmx_structure_xsd(fx.s, zDir, &xsd, &e), 0);
  assert_int_equal(sdmx_write(fx.s, r->pData, SDMX_ML, "en", &ml, &e), 0);
  assert_non_null(strstr(ml.z, "CLASSIF1=\"ECO_ISIC4_C\""));
  pc = xmlSchemaNewMemParserCtxt(xsd.z, (int)xsd.n);
  schema = xmlSchemaParse(pc);
  xmlSchemaFreeParserCtxt(pc);
  assert_non_null(schema);
  doc = xmlReadMemory(ml.z, (int)ml.n, "indicator.xml", NULL, XML_PARSE_NONET);
  vc = xmlSchemaNewValidCtxt(schema);
  assert_int_equal(xmlSchemaValidateDoc(vc, doc), 0);
  xmlSchemaFreeValidCtxt(vc);
  xmlFreeDoc(doc);
  xmlSchemaFree(schema);
  j = indicator_result_json(r, "en");
  assert_int_equal(json_array_size(json_object_get(j, "observations")), r->pData->nObs);
  assert_string_equal(json_string_value(json_object_get(j, "survey")), "demo");
  json_decref(j);
  buf_free(&xsd);
  buf_free(&ml);
  free(zDir);
  indicator_result_free(r);
}

/* Every indicator of the catalogue computes on the demo survey. */
static void test_all_indicators(void **state) {
  (void)state;
  for (int i = 0; i < indicator_count(fx.pCat); i++) {
    IndicatorResult *r = compute(indicator_id(indicator_at(fx.pCat, i)), NULL, NULL);
    size_t nValue = 0;
    for (size_t k = 0; k < r->pData->nObs; k++) nValue += isfinite(r->pData->aObs[k].value);
    if (nValue == 0) fail_msg("%s: no value", indicator_id(indicator_at(fx.pCat, i)));
    indicator_result_free(r);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_catalogue_shipped),
    cmocka_unit_test(test_catalogue_errors),
    cmocka_unit_test(test_against_r),
    cmocka_unit_test(test_totals_are_domains),
    cmocka_unit_test(test_status),
    cmocka_unit_test(test_breakdowns),
    cmocka_unit_test(test_publish),
    cmocka_unit_test(test_sdmx_of_result),
    cmocka_unit_test(test_all_indicators),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
