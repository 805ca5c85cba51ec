/*
** test_sdmx.c: SDMX writers, schema validation, import, keys, REST and the
** public series (sdmx.c, aggregate.c).
**
** One temporary database holds the reference data and the public series
** (loaded once, as `lmis init` does). SDMX-ML messages are validated with
** libxml2 against the official SDMX 2.1 schemas shipped in data/sdmx/xsd and
** the DSD-specific schema lmis writes; each validation has a negative control
** (a tampered message must fail). SDMX-JSON is checked against the required
** members of the SDMX-JSON 1.0 schema, and against the whole schema with
** python3-jsonschema when it is installed. Import fixtures are in
** tests/fixtures/sdmx (see PROVENANCE.txt there).
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include "aggregate.h"
#include "refdata.h"
#include "sdmx.h"
#include "util.h"

typedef struct Fixture {
  char *zDir;
  char *zData;
  char *zFixtures;
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

static int64_t count_sql(const char *zSql) { return store_int(fx.s, zSql, -1); }

static int setup(void **state) {
  char zTmpl[] = "/tmp/lmis-test-sdmx-XXXXXX";
  const char *zData = getenv("LMIS_DATA");
  char *zDb;
  Err e = ERR_INIT;
  RefReport rep;
  long nObs = 0;
  struct timespec t0, t1;
  (void)state;
  memset(&rep, 0, sizeof rep);
  if (!zData) zData = refdata_default_dir();
  fx.zData = xstrdup(zData);
  fx.zDir = xstrdup(mkdtemp(zTmpl));
  fx.zFixtures = xasprintf("%s/../tests/fixtures/sdmx", zData);
  zDb = path_in(fx.zDir, "sdmx.db");
  if (store_open(zDb, STORE_CREATE, &fx.s, &e) || store_migrate(fx.s, &e) || refdata_load(fx.s, zData, 0, &rep, &e))
    goto setup_fail;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  if (store_begin(fx.s, &e) || aggregate_load_public(fx.s, zData, &nObs, &e) || store_commit(fx.s, &e))
    goto setup_fail;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  fprintf(stderr, "public series: %ld observations in %.2f s\n", nObs,
          (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
  free(rep.zSkipped);
  free(zDb);
  return 0;
setup_fail:
  err_print(&e);
  err_clear(&e);
  free(rep.zSkipped);
  free(zDb);
  return -1;
}

static int teardown(void **state) {
  char *zCmd = xasprintf("rm -rf '%s'", fx.zDir);
  (void)state;
  store_close(fx.s);
  if (system(zCmd) != 0) fprintf(stderr, "could not remove %s\n", fx.zDir);
  free(zCmd);
  free(fx.zDir);
  free(fx.zData);
  free(fx.zFixtures);
  xmlCleanupParser();
  return 0;
}

/* ---- helpers ---- */

static SdmxObs obs(const char *zArea, const char *zInd, const char *zSex, const char *zTime, double v) {
  SdmxObs o;
  sdmx_obs_init(&o);
  o.azDim[SDMX_REF_AREA] = zArea;
  o.azDim[SDMX_COUNTERPART_AREA] = "_T";
  o.azDim[SDMX_INDICATOR] = zInd;
  o.azDim[SDMX_SEX] = zSex;
  o.azDim[SDMX_CLASSIF1] = "AGE_10YRBANDS_Y15-24";
  o.azDim[SDMX_CLASSIF2] = "CBR_BIR_FOREIGN";
  o.zTime = zTime;
  o.value = v;
  return o;
}

static void quiet(void *p, xmlErrorPtr err) {
  (void)p;
  (void)err;
}

static bool bQuietXml;   /* negative controls: the errors are expected */

/* Validate an XML document in memory against a schema file or schema text;
** returns the number of errors (0 = valid), -1 when the schema does not load. */
static int xml_validate(const char *zXml, size_t nXml, const char *zSchemaPath, const char *zSchemaText) {
  xmlSchemaParserCtxtPtr pc = zSchemaPath ? xmlSchemaNewParserCtxt(zSchemaPath)
                                          : xmlSchemaNewMemParserCtxt(zSchemaText, (int)strlen(zSchemaText));
  xmlSchemaPtr schema = pc ? xmlSchemaParse(pc) : NULL;
  xmlSchemaValidCtxtPtr vc;
  xmlDocPtr doc;
  int rc;
  if (pc) xmlSchemaFreeParserCtxt(pc);
  if (!schema) return -1;
  doc = xmlReadMemory(zXml, (int)nXml, "message.xml", NULL, XML_PARSE_NONET);
  if (!doc) {
    xmlSchemaFree(schema);
    return 1;
  }
  vc = xmlSchemaNewValidCtxt(schema);
  if (bQuietXml) xmlSchemaSetValidStructuredErrors(vc, quiet, NULL);
  rc = xmlSchemaValidateDoc(vc, doc);
  xmlSchemaFreeValidCtxt(vc);
  xmlFreeDoc(doc);
  xmlSchemaFree(schema);
  return rc;
}

static char *official_xsd(const char *zFile) { return xasprintf("%s/sdmx/xsd/%s", fx.zData, zFile); }

static void import_ok(Store *s, const char *zFile, SdmxImportReport *pRep) {
  Err e = ERR_INIT;
  char *zPath = path_in(fx.zFixtures, zFile);
  int rc = sdmx_import_csv(s, zPath, NULL, pRep, &e);
  if (rc) {
    err_print(&e);
    if (pRep->zProblems) fputs(pRep->zProblems, stderr);
  }
  assert_int_equal(rc, 0);
  err_clear(&e);
  free(zPath);
}

/* Import a file written from zText that must fail; returns e (caller clears). */
static void import_fails(const char *zName, const char *zText, ErrCode code, const char *zWhere, const char *zMsgPart,
                         Err *e) {
  char *zPath = path_in(fx.zDir, zName);
  SdmxImportReport rep;
  int64_t nBefore = count_sql("SELECT count(*) FROM observation");
  int64_t nFlows = count_sql("SELECT count(*) FROM dataflow");
  write_file(zPath, zText);
  assert_int_equal(sdmx_import_csv(fx.s, zPath, NULL, &rep, e), -1);
  assert_int_equal(e->code, code);
  if (zWhere) {
    char *zFull = xasprintf("%s:%s", zPath, zWhere);
    assert_non_null(e->zWhere);
    assert_string_equal(e->zWhere, zFull);
    free(zFull);
  }
  if (zMsgPart) {
    if (!strstr(e->zMsg, zMsgPart)) fprintf(stderr, "message: %s\n", e->zMsg);
    assert_non_null(strstr(e->zMsg, zMsgPart));
  }
  /* all or nothing */
  assert_int_equal(count_sql("SELECT count(*) FROM observation"), nBefore);
  assert_int_equal(count_sql("SELECT count(*) FROM dataflow"), nFlows);
  sdmx_import_report_free(&rep);
  free(zPath);
}

/* ---- tests ---- */

static void test_formats(void **state) {
  SdmxFormat f;
  (void)state;
  assert_int_equal(sdmx_format_parse("sdmx-csv", &f), 0);
  assert_int_equal(f, SDMX_CSV1);
  assert_int_equal(sdmx_format_parse("sdmx-csv2", &f), 0);
  assert_int_equal(f, SDMX_CSV2);
  assert_int_equal(sdmx_format_parse("sdmx-ml", &f), 0);
  assert_int_equal(f, SDMX_ML);
  assert_int_equal(sdmx_format_parse("sdmx-json", &f), 0);
  assert_int_equal(f, SDMX_JSON);
  assert_int_equal(sdmx_format_parse("pdf", &f), -1);
  assert_string_equal(sdmx_content_type(SDMX_CSV2), "application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8");

  assert_int_equal(sdmx_format_from_accept(NULL, &f), 0);
  assert_int_equal(f, SDMX_ML);
  assert_int_equal(sdmx_format_from_accept("application/vnd.sdmx.data+csv;version=2.0.0", &f), 0);
  assert_int_equal(f, SDMX_CSV2);
  assert_int_equal(sdmx_format_from_accept("application/vnd.sdmx.data+csv; version=1.0.0; labels=id", &f), 0);
  assert_int_equal(f, SDMX_CSV1);
  assert_int_equal(sdmx_format_from_accept("text/html, application/json;q=0.5, application/xml;q=0.9", &f), 0);
  assert_int_equal(f, SDMX_ML);
  assert_int_equal(sdmx_format_from_accept("text/html, application/vnd.sdmx.data+json;version=1.0.0", &f), 0);
  assert_int_equal(f, SDMX_JSON);
  assert_int_equal(sdmx_format_from_accept("*/*", &f), 0);
  assert_int_equal(f, SDMX_ML);
  assert_int_equal(sdmx_format_from_accept("text/html", &f), -1);
  assert_int_equal(sdmx_format_from_accept("application/json;q=0", &f), -1);
  assert_int_equal(sdmx_format_from_accept("application/vnd.sdmx.data+json;version=2.0.0", &f), -1);
}

static void test_keys(void **state) {
  SdmxKey *k = NULL;
  Err e = ERR_INIT;
  SdmxObs o = obs("PHL", "X", "SEX_F", "2020", 1);
  (void)state;
  assert_int_equal(sdmx_key_parse("all", &k, &e), 0);
  assert_true(sdmx_key_match(k, &o));
  sdmx_key_free(k);
  assert_int_equal(sdmx_key_parse("PHL+ITA...SEX_F+SEX_M..", &k, &e), 0);
  assert_true(sdmx_key_match(k, &o));
  o.azDim[SDMX_SEX] = "SEX_T";
  assert_false(sdmx_key_match(k, &o));
  sdmx_key_free(k);
  assert_int_equal(sdmx_key_parse("PHL.USA", &k, &e), -1);
  assert_null(k);
  assert_int_equal(e.code, ERR_INVALID);
  assert_non_null(strstr(e.zMsg, "2 positions"));
  err_clear(&e);
  assert_int_equal(sdmx_key_parse("PHL...SEX_X..", &k, &e), -1);
  assert_non_null(strstr(e.zMsg, "position 4"));
  assert_non_null(strstr(e.zMsg, "(SEX)"));
  err_clear(&e);
  assert_int_equal(sdmx_key_parse("PH L.....", &k, &e), -1);
  assert_non_null(strstr(e.zMsg, "position 1 of the series key (REF_AREA)"));
  err_clear(&e);
  assert_int_equal(sdmx_key_parse("PHL.+USA....", &k, &e), -1);
  assert_non_null(strstr(e.zMsg, "position 2"));
  err_clear(&e);
}

static void test_csv_writers(void **state) {
  SdmxData *d = sdmx_data_new("LMIS", "LMIS_MIG", "1.0");
  SdmxObs a = obs("ITA", "UNE_DEAP_SEX_AGE_CBR_RT", "SEX_F", "2023", 12.5);
  SdmxObs b = obs("ITA", "UNE_DEAP_SEX_AGE_CBR_RT", "SEX_M", "2023", NAN);
  Buf out;
  Err e = ERR_INIT;
  (void)state;
  a.zStatus = "U";
  a.zUnit = "PT";
  a.bUnitMult = true;
  a.decimals = 1;
  a.se = 4.25;
  a.ciLow = 4.17;
  a.ciHigh = 20.83;
  a.cv = 0.34;
  a.n = 123;
  b.zStatus = "C";
  b.n = 7;
  sdmx_data_add(d, &a);
  sdmx_data_add(d, &b);
  buf_init(&out, BUF_UNBOUNDED);
  assert_int_equal(sdmx_write(NULL, d, SDMX_CSV1, "en", &out, &e), 0);
  assert_string_equal(buf_cstr(&out),
    "DATAFLOW,REF_AREA,COUNTERPART_AREA,INDICATOR,SEX,CLASSIF1,CLASSIF2,TIME_PERIOD,OBS_VALUE,OBS_STATUS,"
    "UNIT_MEASURE,UNIT_MULT,DECIMALS,SE,CI_LOW,CI_HIGH,CV,N\n"
    "LMIS:LMIS_MIG(1.0),ITA,_T,UNE_DEAP_SEX_AGE_CBR_RT,SEX_F,AGE_10YRBANDS_Y15-24,CBR_BIR_FOREIGN,2023,12.5,U,PT,0,1,"
    "4.25,4.17,20.83,0.34,123\n"
    "LMIS:LMIS_MIG(1.0),ITA,_T,UNE_DEAP_SEX_AGE_CBR_RT,SEX_M,AGE_10YRBANDS_Y15-24,CBR_BIR_FOREIGN,2023,,C,,,,,,,,7\n");
  buf_reset(&out);
  assert_int_equal(sdmx_write(NULL, d, SDMX_CSV2, "en", &out, &e), 0);
  assert_true(str_startswith(buf_cstr(&out), "STRUCTURE,STRUCTURE_ID,ACTION,REF_AREA,COUNTERPART_AREA,INDICATOR,SEX,"));
  assert_non_null(strstr(buf_cstr(&out), "\ndataflow,LMIS:LMIS_MIG(1.0),I,ITA,_T,UNE_DEAP_SEX_AGE_CBR_RT,SEX_F,"));
  /* a bounded buffer overflows with ERR_TOO_LARGE */
  buf_free(&out);
  buf_init(&out, 100);
  assert_int_equal(sdmx_write(NULL, d, SDMX_CSV1, "en", &out, &e), -1);
  assert_int_equal(e.code, ERR_TOO_LARGE);
  err_clear(&e);
  buf_free(&out);
  sdmx_data_free(d);
}

/* The shortest exact decimal for doubles. */
static void test_number_format(void **state) {
  char z[32];
  (void)state;
  assert_string_equal(sdmx_fmt_double(z, 0.1), "0.1");
  assert_string_equal(sdmx_fmt_double(z, 225525), "225525");
  assert_string_equal(sdmx_fmt_double(z, 1.0 / 3.0), "0.33333333333333331");
  assert_true(strtod(sdmx_fmt_double(z, 2.0 / 3.0), NULL) == 2.0 / 3.0);
  assert_true(sdmx_id_ok("AGE_10YRBANDS_Y15-24"));
  assert_false(sdmx_id_ok("A.B"));
  assert_false(sdmx_id_ok(""));
}

/* The public series: counts and values checked against the source files. */
static void test_public_series(void **state) {
  Err e = ERR_INIT;
  long nObs = 0;
  (void)state;
  /* every non-missing corridor-quarter of Remittance Prices Worldwide (PROVENANCE: 10,417) */
  assert_int_equal(count_sql("SELECT count(*) FROM observation WHERE indicator = 'REM_COST_CORR'"), 10417);
  assert_int_equal(count_sql("SELECT count(*) FROM observation WHERE dataflow = 'LMIS_PUBLIC' AND obs_value IS NULL"), 0);
  /* UN DESA 2020: Philippines, 2020, both sexes 225,525 (male 117,105 + female 108,420) */
  assert_int_equal(count_sql("SELECT obs_value FROM observation WHERE series_key = 'PHL._T.MIG_STOCK_DEST.SEX_T._Z._Z'"
                             " AND time_period = '2020'"), 225525);
  assert_int_equal(count_sql("SELECT obs_value FROM observation WHERE series_key = 'PHL._T.MIG_STOCK_DEST.SEX_F._Z._Z'"
                             " AND time_period = '2020'"), 108420);
  /* UN DESA 2019 origin x destination: Romanians in Italy, 2019 */
  assert_int_equal(count_sql("SELECT obs_value FROM observation WHERE series_key = 'ITA.ROU.MIG_STOCK_OD.SEX_T._Z._Z'"
                             " AND time_period = '2019'"), 1074382);
  /* World Bank 2017: Mexicans in the United States; Kosovo as XKX */
  assert_int_equal(count_sql("SELECT obs_value FROM observation WHERE series_key = 'USA.MEX.MIG_STOCK_BILAT.SEX_T._Z._Z'"),
                   11573680);
  assert_int_equal(count_sql("SELECT obs_value FROM observation WHERE series_key = 'DEU.XKX.MIG_STOCK_BILAT.SEX_T._Z._Z'"),
                   202905);
  /* remittances in US$ millions, UNIT_MULT 6 */
  assert_int_equal(count_sql("SELECT round(obs_value * 1000) FROM observation WHERE series_key = 'USA.MEX.REM_BILAT._Z._Z._Z'"),
                   30019187);
  assert_int_equal(count_sql("SELECT unit_mult FROM observation WHERE series_key = 'USA.MEX.REM_BILAT._Z._Z._Z'"), 6);
  /* SDG 10.c.1 by corridor and quarter */
  assert_int_equal(count_sql("SELECT round(obs_value * 1e6) FROM observation WHERE series_key = 'USA.MEX.REM_COST_CORR._Z._Z._Z'"
                             " AND time_period = '2011-Q1'"), 5006111);
  /* WDI: Italy paid 9.58 billion US$ in 2019 */
  assert_int_equal(count_sql("SELECT round(obs_value) FROM observation WHERE series_key = 'ITA._T.REM_PAID._Z._Z._Z'"
                             " AND time_period = '2019'"), 9577332781LL);
  /* no aggregates: every area is a country of the country table or a listed extra */
  assert_int_equal(count_sql("SELECT count(*) FROM observation WHERE dataflow = 'LMIS_PUBLIC' AND ref_area NOT IN"
                             " (SELECT alpha3 FROM country) AND ref_area NOT IN ('XKX', 'CHI', 'ANT')"), 0);
  assert_int_equal(count_sql("SELECT count(*) FROM observation WHERE dataflow = 'LMIS_PUBLIC' AND counterpart_area NOT IN"
                             " (SELECT alpha3 FROM country) AND counterpart_area NOT IN ('XKX', 'CHI', 'ANT', '_T')"), 0);
  /* a second load replaces the first */
  int64_t n = count_sql("SELECT count(*) FROM observation WHERE dataflow = 'LMIS_PUBLIC'");
  assert_int_equal(store_begin(fx.s, &e), 0);
  assert_int_equal(aggregate_load_public(fx.s, fx.zData, &nObs, &e), 0);
  assert_int_equal(store_commit(fx.s, &e), 0);
  assert_int_equal(nObs, n);
  assert_int_equal(count_sql("SELECT count(*) FROM observation WHERE dataflow = 'LMIS_PUBLIC'"), n);
}

/* A data directory whose alias file lacks an entry: the load stops with file and line. */
static void test_public_series_unknown_name(void **state) {
  char *zDir = path_in(fx.zDir, "data");
  char *zCmd = xasprintf("mkdir -p '%s/migration-stats' '%s/countries' && cp '%s'/migration-stats/*.gz '%s/migration-stats/'"
                         " && cp '%s'/countries/*.csv '%s/countries/'"
                         " && grep -v '^Swaziland' '%s/migration-stats/country_names.csv' > '%s/migration-stats/country_names.csv'",
                         zDir, zDir, fx.zData, zDir, fx.zData, zDir, fx.zData, zDir);
  Err e = ERR_INIT;
  long nObs = 0;
  (void)state;
  assert_int_equal(system(zCmd), 0);
  assert_int_equal(store_begin(fx.s, &e), 0);
  assert_int_equal(aggregate_load_public(fx.s, zDir, &nObs, &e), -1);
  store_rollback(fx.s);
  assert_int_equal(e.code, ERR_INVALID);
  assert_non_null(strstr(e.zMsg, "wb_bilateral_migrant_stocks_2017_long.csv.gz:"));
  assert_non_null(strstr(e.zMsg, "unknown country or area \"Swaziland\""));
  err_clear(&e);
  assert_true(count_sql("SELECT count(*) FROM observation WHERE dataflow = 'LMIS_PUBLIC'") > 100000);
  free(zCmd);
  free(zDir);
}

static void test_structure_validates(void **state) {
  Buf b;
  Err e = ERR_INIT;
  char *zXsd = official_xsd("SDMXMessage.xsd");
  (void)state;
  buf_init(&b, BUF_UNBOUNDED);
  assert_int_equal(sdmx_structure(fx.s, &b, &e), 0);
  assert_non_null(strstr(b.z, "<structure:Code id=\"PHL\">"));
  assert_non_null(strstr(b.z, "<structure:Code id=\"EAR_XGAP_SEX_CBR_RT\">"));
  assert_non_null(strstr(b.z, "<structure:Code id=\"REM_COST_CORR\">"));
  assert_non_null(strstr(b.z, "<structure:Dataflow id=\"LMIS_PUBLIC\""));
  assert_non_null(strstr(b.z, "xml:lang=\"fr\""));
  assert_int_equal(xml_validate(b.z, b.n, zXsd, NULL), 0);
  /* negative control: a dimension without its concept must not validate */
  {
    char *z = xstrdup(b.z);
    char *p = strstr(z, "<structure:ConceptIdentity>");
    assert_non_null(p);
    memcpy(p + 1, "structure:ConceptIdentitx", 25);
    char *q = strstr(p, "</structure:ConceptIdentity>");
    memcpy(q + 2, "structure:ConceptIdentitx", 25);
    bQuietXml = true;
    assert_true(xml_validate(z, strlen(z), zXsd, NULL) != 0);
    bQuietXml = false;
    free(z);
  }
  buf_free(&b);
  free(zXsd);
}

static void test_data_ml_validates(void **state) {
  Buf xsd, ml;
  Err e = ERR_INIT;
  SdmxData *d = NULL;
  char *zDir = xasprintf("%s/sdmx/xsd/", fx.zData);
  (void)state;
  buf_init(&xsd, BUF_UNBOUNDED);
  buf_init(&ml, BUF_UNBOUNDED);
  assert_int_equal(sdmx_structure_xsd(fx.s, zDir, &xsd, &e), 0);
  assert_int_equal(sdmx_export(fx.s, "LMIS_PUBLIC", "PHL.USA+SAU....", &d, &e), 0);
  assert_true(d->nObs > 10);
  assert_int_equal(sdmx_write(fx.s, d, SDMX_ML, "en", &ml, &e), 0);
  assert_int_equal(xml_validate(ml.z, ml.n, NULL, buf_cstr(&xsd)), 0);
  /* negative controls: a code outside CL_SEX, a value that is not a number */
  {
    char *z = xstrdup(ml.z), *p = strstr(z, "SEX=\"SEX_T\"");
    assert_non_null(p);
    p[9] = 'X';
    bQuietXml = true;
    assert_true(xml_validate(z, strlen(z), NULL, buf_cstr(&xsd)) > 0);
    free(z);
    z = xstrdup(ml.z);
    p = strstr(z, "OBS_VALUE=\"");
    assert_non_null(p);
    p[11] = 'x';
    assert_true(xml_validate(z, strlen(z), NULL, buf_cstr(&xsd)) > 0);
    bQuietXml = false;
    free(z);
  }
  /* quarterly periods (SDG 10.c.1 by corridor) and imported flows' periods */
  sdmx_data_free(d);
  assert_int_equal(sdmx_export(fx.s, "LMIS_PUBLIC", "USA.MEX+PHL.REM_COST_CORR...", &d, &e), 0);
  assert_true(d->nObs > 20);
  buf_reset(&ml);
  assert_int_equal(sdmx_write(fx.s, d, SDMX_ML, "en", &ml, &e), 0);
  assert_non_null(strstr(ml.z, "TIME_PERIOD=\"2011-Q1\""));
  assert_int_equal(xml_validate(ml.z, ml.n, NULL, buf_cstr(&xsd)), 0);
  /* an empty message validates too */
  sdmx_data_free(d);
  assert_int_equal(sdmx_export(fx.s, "LMIS_MIG", "ZZZ.....", &d, &e), 0);
  assert_int_equal(d->nObs, 0);
  buf_reset(&ml);
  assert_int_equal(sdmx_write(fx.s, d, SDMX_ML, "en", &ml, &e), 0);
  assert_int_equal(xml_validate(ml.z, ml.n, NULL, buf_cstr(&xsd)), 0);
  sdmx_data_free(d);
  buf_free(&xsd);
  buf_free(&ml);
  free(zDir);
}

static bool matches(const char *zPattern, const char *z) {
  regex_t re;
  bool b;
  assert_int_equal(regcomp(&re, zPattern, REG_EXTENDED | REG_NOSUB), 0);
  b = regexec(&re, z, 0, NULL, 0) == 0;
  regfree(&re);
  return b;
}

/* SDMX-JSON 1.0: the members the schema requires, and the whole schema when
** python3-jsonschema is available. */
static void test_json_message(void **state) {
  Buf b;
  Err e = ERR_INIT;
  SdmxData *d = NULL;
  json_t *j, *jStruct, *jDims, *jAttrs, *jSet, *v;
  const char *zKey;
  size_t i;
  (void)state;
  buf_init(&b, BUF_UNBOUNDED);
  assert_int_equal(sdmx_export(fx.s, "LMIS_PUBLIC", "PHL.USA....", &d, &e), 0);
  assert_int_equal(sdmx_write(fx.s, d, SDMX_JSON, "fr", &b, &e), 0);
  j = json_loads(b.z, 0, NULL);
  assert_non_null(j);
  v = json_object_get(j, "meta");
  assert_true(matches("^[A-Za-z0-9_@$-]+$", json_string_value(json_object_get(v, "id"))));
  assert_true(matches("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$",
                      json_string_value(json_object_get(v, "prepared"))));
  assert_non_null(json_string_value(json_object_get(json_object_get(v, "sender"), "id")));
  jStruct = json_object_get(json_object_get(j, "data"), "structure");
  jDims = json_object_get(json_object_get(jStruct, "dimensions"), "observation");
  jAttrs = json_object_get(json_object_get(jStruct, "attributes"), "observation");
  assert_int_equal(json_array_size(jDims), 7);
  json_array_foreach(jDims, i, v) {
    size_t k;
    json_t *jv;
    assert_true(matches("^[A-Za-z][A-Za-z0-9_-]*$", json_string_value(json_object_get(v, "id"))));
    assert_int_equal(json_integer_value(json_object_get(v, "keyPosition")), (json_int_t)i);
    assert_true(json_array_size(json_object_get(v, "values")) > 0);
    json_array_foreach(json_object_get(v, "values"), k, jv) {
      assert_true(matches("^[A-Za-z0-9_@$-]+$", json_string_value(json_object_get(jv, "id"))));
      assert_non_null(json_string_value(json_object_get(jv, "name")));
    }
  }
  /* names in French: the area and the dimension */
  assert_string_equal(json_string_value(json_object_get(json_array_get(jDims, 3), "name")), "Sexe");
  json_array_foreach(jAttrs, i, v) {
    assert_non_null(json_string_value(json_object_get(v, "id")));
    assert_non_null(json_object_get(json_object_get(v, "relationship"), "primaryMeasure"));
    assert_true(json_is_array(json_object_get(v, "values")));
  }
  jSet = json_array_get(json_object_get(json_object_get(j, "data"), "dataSets"), 0);
  assert_true(json_is_array(json_object_get(jSet, "links")));
  assert_int_equal(json_object_size(json_object_get(jSet, "observations")), d->nObs);
  json_object_foreach(json_object_get(jSet, "observations"), zKey, v) {
    assert_true(matches("^[0-9]+(:[0-9]+){6}$", zKey));
    assert_int_equal(json_array_size(v), 1 + json_array_size(jAttrs));
    assert_true(json_is_number(json_array_get(v, 0)));
    for (size_t k = 1; k < json_array_size(v); k++) {
      json_t *x = json_array_get(v, k);
      json_t *jVals = json_object_get(json_array_get(jAttrs, k - 1), "values");
      assert_true(json_is_null(x) || (json_is_integer(x) && (size_t)json_integer_value(x) < json_array_size(jVals)));
    }
  }
  /* the full schema, when python3-jsonschema is installed */
  if (system("python3 -c 'import jsonschema' 2>/dev/null") == 0) {
    char *zMsg = path_in(fx.zDir, "message.json");
    char *zSchema = xasprintf("%s/../tests/fixtures/sdmx/sdmx-json-data-schema-1.0.json", fx.zData);
    char *zCmd = xasprintf("python3 -c 'import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[1])),"
                           " json.load(open(sys.argv[2])))' '%s' '%s'", zMsg, zSchema);
    write_file(zMsg, b.z);
    assert_int_equal(system(zCmd), 0);
    /* negative control: drop a required member */
    json_object_del(json_object_get(j, "meta"), "prepared");
    assert_int_equal(json_dump_file(j, zMsg, 0), 0);
    {
      char *zQuiet = xasprintf("%s 2>/dev/null", zCmd);
      assert_true(system(zQuiet) != 0);
      free(zQuiet);
    }
    free(zCmd);
    free(zSchema);
    free(zMsg);
  } else {
    fprintf(stderr, "python3-jsonschema not installed: SDMX-JSON checked for required members only\n");
  }
  json_decref(j);
  sdmx_data_free(d);
  buf_free(&b);
}

static void test_import_fixtures(void **state) {
  SdmxImportReport rep;
  Err e = ERR_INIT;
  char *zPath;
  (void)state;
  /* a real ISTAT message (SDMX-CSV 1.0 form): its SEX codes 1/2 are not SDMX
  ** codes, so nothing is imported and the error names line and column */
  zPath = path_in(fx.zFixtures, "istat_22_289.csv");
  assert_int_equal(sdmx_import_csv(fx.s, zPath, NULL, &rep, &e), -1);
  {
    char *zWhere = xasprintf("%s:2:5", zPath);
    assert_string_equal(e.zWhere, zWhere);
    free(zWhere);
  }
  assert_non_null(strstr(e.zMsg, "column SEX: \"1\" is not a sex code"));
  assert_non_null(strstr(rep.zProblems, ":9:5: column SEX: \"2\""));
  assert_int_equal(count_sql("SELECT count(*) FROM dataflow WHERE id = '22_289'"), 0);
  err_clear(&e);
  sdmx_import_report_free(&rep);
  free(zPath);

  /* the same with SEX mapped, ';' separators */
  import_ok(fx.s, "istat_22_289_sex_mapped.csv", &rep);
  assert_string_equal(rep.zFormat, "SDMX-CSV 1.0");
  assert_int_equal(rep.nStored, 8);
  assert_int_equal(count_sql("SELECT obs_value FROM observation WHERE dataflow = '22_289' AND sex = 'SEX_F'"
                             " AND time_period = '2022'"), 30235705);
  assert_int_equal(count_sql("SELECT count(*) FROM observation WHERE dataflow = '22_289' AND obs_status = 'E'"), 2);
  assert_int_equal(count_sql("SELECT count(*) FROM dataflow WHERE id = '22_289' AND agency = 'IT1'"), 1);
  assert_int_equal(count_sql("SELECT count(*) FROM observation WHERE dataflow = '22_289'"
                             " AND json_extract(attributes, '$.MARITAL_STATUS') = '99'"), 8);
  sdmx_import_report_free(&rep);

  /* ILOSTAT bulk CSV: quarters and months normalised, empty classif2 = _Z */
  import_ok(fx.s, "ilostat_bulk.csv", &rep);
  assert_string_equal(rep.zFormat, "ILOSTAT CSV");
  assert_int_equal(rep.nStored, 5);
  assert_int_equal(count_sql("SELECT count(*) FROM observation WHERE dataflow = 'ILOSTAT' AND time_period = '2019-Q1'"
                             " AND obs_status = 'U'"), 1);
  assert_int_equal(count_sql("SELECT count(*) FROM observation WHERE dataflow = 'ILOSTAT' AND time_period = '2019-03'"
                             " AND classif1 = '_Z' AND classif2 = '_Z'"), 1);
  assert_int_equal(count_sql("SELECT count(*) FROM observation WHERE dataflow = 'ILOSTAT'"
                             " AND json_extract(attributes, '$.NOTE_SOURCE') LIKE 'Repository: ILO-STATISTICS - Micro%'"), 1);
  sdmx_import_report_free(&rep);

  /* SDMX-CSV 2.0 with labels, actions and a delete */
  import_ok(fx.s, "lmis_csv2_actions.csv", &rep);
  assert_string_equal(rep.zFormat, "SDMX-CSV 2.0");
  assert_int_equal(rep.nStored, 3);
  assert_int_equal(rep.nDeleted, 1);
  assert_int_equal(count_sql("SELECT count(*) FROM observation WHERE dataflow = 'MIG_STATS'"), 2);
  assert_int_equal(count_sql("SELECT obs_value * 10 FROM observation WHERE dataflow = 'MIG_STATS' AND sex = 'SEX_F'"), 2455);
  assert_int_equal(count_sql("SELECT unit_mult FROM observation WHERE dataflow = 'MIG_STATS' AND sex = 'SEX_F'"), 3);
  assert_int_equal(count_sql("SELECT json_extract(attributes, '$.N') FROM observation WHERE dataflow = 'MIG_STATS'"
                             " AND sex = 'SEX_F'"), 420);
  assert_int_equal(count_sql("SELECT count(*) FROM observation WHERE dataflow = 'MIG_STATS'"
                             " AND json_extract(attributes, '$.COMMENT') = 'first row, quoted'"), 1);
  sdmx_import_report_free(&rep);

  /* semicolons and a decimal comma */
  import_ok(fx.s, "semicolon.csv", &rep);
  assert_int_equal(count_sql("SELECT obs_value * 10 FROM observation WHERE indicator = 'X_IND'"), 125);
  sdmx_import_report_free(&rep);
  /* a re-import replaces (no duplicate) */
  import_ok(fx.s, "semicolon.csv", &rep);
  assert_int_equal(count_sql("SELECT count(*) FROM observation WHERE indicator = 'X_IND'"), 1);
  sdmx_import_report_free(&rep);
}

static void test_import_errors(void **state) {
  Err e = ERR_INIT;
  (void)state;
  import_fails("bad_time.csv",
               "DATAFLOW,REF_AREA,INDICATOR,SEX,CLASSIF1,CLASSIF2,TIME_PERIOD,OBS_VALUE\n"
               "LMIS:T1(1.0),ITA,A,SEX_T,_Z,_Z,2020,1\n"
               "LMIS:T1(1.0),ITA,A,SEX_T,_Z,_Z,20-20,2\n",
               ERR_INVALID, "3:7", "not an SDMX time period", &e);
  err_clear(&e);
  import_fails("dup.csv",
               "DATAFLOW,REF_AREA,INDICATOR,AGE,TIME_PERIOD,OBS_VALUE\n"
               "LMIS:T1(1.0),ITA,A,Y15-24,2020,1\n"
               "LMIS:T1(1.0),ITA,A,Y25-34,2020,2\n",
               ERR_INVALID, "3", "the first is on line 2", &e);
  assert_non_null(strstr(e.zHint, "AGE"));
  err_clear(&e);
  import_fails("status.csv",
               "DATAFLOW,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,OBS_STATUS\n"
               "LMIS:T1(1.0),ITA,A,2020,1,Z\n",
               ERR_INVALID, "2:6", "CL_OBS_STATUS", &e);
  err_clear(&e);
  import_fails("value.csv",
               "DATAFLOW,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE\n"
               "LMIS:T1(1.0),ITA,A,2020,1\n"
               "LMIS:T1(1.0),ITA,A,2021,12,5\n",
               ERR_INVALID, "3", "expected 5 fields", &e);
  err_clear(&e);
  import_fails("nan.csv",
               "DATAFLOW,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE\n"
               "LMIS:T1(1.0),ITA,A,2020,NaN\n",
               ERR_INVALID, "2:5", "not a number", &e);
  err_clear(&e);
  import_fails("header.csv", "FLOW,REF_AREA\nX,ITA\n", ERR_INVALID, "1:1", "not SDMX-CSV", &e);
  err_clear(&e);
  import_fails("noarea.csv", "DATAFLOW,FREQ,TIME_PERIOD,OBS_VALUE\nECB:EXR(1.0),M,2020-01,1\n", ERR_INVALID, "1",
               "no REF_AREA column", &e);
  err_clear(&e);
  import_fails("flow.csv", "DATAFLOW,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE\nEXR,ITA,A,2020,1\n", ERR_INVALID,
               "2:1", "AGENCY:ID(VERSION)", &e);
  err_clear(&e);
  import_fails("agency.csv", "DATAFLOW,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE\nILO:LMIS_MIG(1.0),ITA,A,2020,1\n",
               ERR_INVALID, "2:1", "belongs to agency LMIS", &e);
  err_clear(&e);
  import_fails("action.csv",
               "STRUCTURE,STRUCTURE_ID,ACTION,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE\n"
               "dataflow,LMIS:T1(1.0),X,ITA,A,2020,1\n",
               ERR_INVALID, "2:3", "not an action", &e);
  err_clear(&e);
  import_fails("quote.csv", "DATAFLOW,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE\nLMIS:T1(1.0),\"ITA,A,2020,1\n",
               ERR_INVALID, NULL, "not closed", &e);
  err_clear(&e);
  import_fails("utf8.csv", "DATAFLOW,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE\nLMIS:T1(1.0),IT\xff,A,2020,1\n",
               ERR_INVALID, NULL, "not UTF-8", &e);
  err_clear(&e);
  /* many problems: all counted, the first 20 listed */
  {
    Buf b;
    SdmxImportReport rep;
    char *zPath = path_in(fx.zDir, "many.csv");
    buf_init(&b, BUF_UNBOUNDED);
    buf_puts(&b, "DATAFLOW,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE\n");
    for (int i = 0; i < 30; i++) buf_printf(&b, "LMIS:T1(1.0),ITA,A,%d,x\n", 2000 + i);
    write_file(zPath, buf_cstr(&b));
    assert_int_equal(sdmx_import_csv(fx.s, zPath, NULL, &rep, &e), -1);
    assert_non_null(strstr(e.zDetail, "30 problems"));
    assert_non_null(strstr(rep.zProblems, "... and 10 more problems"));
    err_clear(&e);
    sdmx_import_report_free(&rep);
    buf_free(&b);
    free(zPath);
  }
  {
    SdmxImportReport rep;
    assert_int_equal(sdmx_import_csv(fx.s, "/nonexistent/x.csv", NULL, &rep, &e), -1);
    assert_int_equal(e.code, ERR_IO);
    err_clear(&e);
    sdmx_import_report_free(&rep);
  }
}

/* Export as SDMX-CSV 1.0 and 2.0, import into an empty store, export again:
** the same bytes. */
static void test_roundtrip(void **state) {
  Store *s2 = NULL;
  Err e = ERR_INIT;
  char *zDb = path_in(fx.zDir, "roundtrip.db");
  SdmxData *d = NULL, *d2 = NULL;
  Buf a, b;
  (void)state;
  buf_init(&a, BUF_UNBOUNDED);
  buf_init(&b, BUF_UNBOUNDED);
  assert_int_equal(store_open(zDb, STORE_CREATE, &s2, &e), 0);
  assert_int_equal(store_migrate(s2, &e), 0);
  for (int v = 0; v < 2; v++) {
    SdmxFormat f = v ? SDMX_CSV2 : SDMX_CSV1;
    char *zFile = path_in(fx.zDir, v ? "rt2.csv" : "rt1.csv");
    SdmxImportReport rep;
    buf_reset(&a);
    buf_reset(&b);
    assert_int_equal(sdmx_export(fx.s, "LMIS_PUBLIC", "PHL+ITA.USA+ROU+_T....", &d, &e), 0);
    assert_true(d->nObs > 50);
    assert_int_equal(sdmx_write(NULL, d, f, "en", &a, &e), 0);
    write_file(zFile, a.z);
    assert_int_equal(sdmx_import_csv(s2, zFile, NULL, &rep, &e), 0);
    assert_int_equal(rep.nStored, (long)d->nObs);
    assert_int_equal(sdmx_export(s2, "LMIS_PUBLIC", "", &d2, &e), 0);
    assert_int_equal(sdmx_write(NULL, d2, f, "en", &b, &e), 0);
    assert_string_equal(a.z, b.z);
    sdmx_import_report_free(&rep);
    sdmx_data_free(d);
    sdmx_data_free(d2);
    free(zFile);
  }
  store_close(s2);
  buf_free(&a);
  buf_free(&b);
  free(zDb);
}

static void test_rest(void **state) {
  Buf b;
  Err e = ERR_INIT;
  const char *zType = NULL;
  (void)state;
  buf_init(&b, BUF_UNBOUNDED);
  assert_int_equal(sdmx_rest_data(fx.s, "LMIS,LMIS_PUBLIC,1.0", "PHL.USA....",
                                  "application/vnd.sdmx.data+csv;version=2.0.0", &b, &zType, &e), 0);
  assert_string_equal(zType, sdmx_content_type(SDMX_CSV2));
  assert_true(str_startswith(b.z, "STRUCTURE,"));
  assert_non_null(strstr(b.z, "dataflow,LMIS:LMIS_PUBLIC(1.0),I,PHL,USA,MIG_STOCK_BILAT,SEX_T,_Z,_Z,2017,36683,E,"));
  buf_reset(&b);
  assert_int_equal(sdmx_rest_data(fx.s, "LMIS_PUBLIC", "USA.MEX.REM_COST_CORR...", NULL, &b, &zType, &e), 0);
  assert_string_equal(zType, sdmx_content_type(SDMX_ML));
  buf_reset(&b);
  assert_int_equal(sdmx_rest_data(fx.s, "LMIS_PUBLIC", "all", "sdmx-json", &b, &zType, &e), 0);
  assert_string_equal(zType, sdmx_content_type(SDMX_JSON));
  buf_free(&b);
  buf_init(&b, 1000);
  assert_int_equal(sdmx_rest_data(fx.s, "LMIS_PUBLIC", "", "sdmx-csv", &b, &zType, &e), -1);
  assert_int_equal(e.code, ERR_TOO_LARGE);
  err_clear(&e);
  buf_reset(&b);
  assert_int_equal(sdmx_rest_data(fx.s, "NOPE", "", NULL, &b, &zType, &e), -1);
  assert_int_equal(e.code, ERR_NOT_FOUND);
  err_clear(&e);
  assert_int_equal(sdmx_rest_data(fx.s, "LMIS,LMIS_PUBLIC,2.0", "", NULL, &b, &zType, &e), -1);
  assert_int_equal(e.code, ERR_NOT_FOUND);
  err_clear(&e);
  assert_int_equal(sdmx_rest_data(fx.s, "OTHER,LMIS_PUBLIC", "", NULL, &b, &zType, &e), -1);
  assert_int_equal(e.code, ERR_NOT_FOUND);
  err_clear(&e);
  assert_int_equal(sdmx_rest_data(fx.s, "LMIS,LMIS_PUBLIC,1.0,x", "", NULL, &b, &zType, &e), -1);
  assert_int_equal(e.code, ERR_INVALID);
  err_clear(&e);
  assert_int_equal(sdmx_rest_data(fx.s, "LMIS_PUBLIC", "PHL.USA", NULL, &b, &zType, &e), -1);
  assert_int_equal(e.code, ERR_INVALID);
  err_clear(&e);
  assert_int_equal(sdmx_rest_data(fx.s, "LMIS_PUBLIC", "ZZZ.....", NULL, &b, &zType, &e), -1);
  assert_int_equal(e.code, ERR_NOT_FOUND);
  err_clear(&e);
  assert_int_equal(sdmx_rest_data(fx.s, "LMIS_PUBLIC", "", "text/html", &b, &zType, &e), -1);
  assert_int_equal(e.code, ERR_INVALID);
  assert_non_null(e.zHint);
  err_clear(&e);
  buf_free(&b);
}

static void test_aggregate_query(void **state) {
  AggQuery q;
  Err e = ERR_INIT;
  json_t *j, *v;
  size_t i;
  bool bPhlUsa = false, bUsaPhl = false;
  (void)state;
  memset(&q, 0, sizeof q);
  q.zArea = "USA";
  q.zCounterpart = "PHL";
  q.bBothWays = true;
  q.nLimit = 10000;
  j = aggregate_query(fx.s, &q, &e);
  assert_non_null(j);
  json_array_foreach(json_object_get(j, "observations"), i, v) {
    const char *zA = json_string_value(json_object_get(v, "ref_area"));
    const char *zC = json_string_value(json_object_get(v, "counterpart_area"));
    if (strcmp(zA, "PHL") == 0 && strcmp(zC, "USA") == 0) bPhlUsa = true;
    else if (strcmp(zA, "USA") == 0 && strcmp(zC, "PHL") == 0) bUsaPhl = true;
    else fail_msg("unexpected corridor %s-%s", zA, zC);
  }
  assert_true(bPhlUsa && bUsaPhl);
  json_decref(j);

  /* latest only, one direction, with names */
  memset(&q, 0, sizeof q);
  q.zArea = "USA";
  q.zCounterpart = "MEX";
  q.zIndicator = "REM_COST_CORR";
  q.bLatest = true;
  q.zLang = "es";
  j = aggregate_query(fx.s, &q, &e);
  assert_non_null(j);
  assert_int_equal(json_array_size(json_object_get(j, "observations")), 1);
  v = json_array_get(json_object_get(j, "observations"), 0);
  assert_string_equal(json_string_value(json_object_get(v, "time_period")), "2020-Q3");
  assert_string_equal(json_string_value(json_object_get(v, "ref_area")), "USA");
  assert_non_null(strstr(json_string_value(json_object_get(v, "indicator_name")), "ODS 10.c.1"));
  json_decref(j);

  /* limit and "more" */
  memset(&q, 0, sizeof q);
  q.zArea = "ITA";
  q.nLimit = 5;
  j = aggregate_query(fx.s, &q, &e);
  assert_int_equal(json_array_size(json_object_get(j, "observations")), 5);
  assert_true(json_is_true(json_object_get(j, "more")));
  json_decref(j);

  q.zArea = "IT A";
  assert_null(aggregate_query(fx.s, &q, &e));
  assert_int_equal(e.code, ERR_INVALID);
  err_clear(&e);
}

static void test_dataflows(void **state) {
  Err e = ERR_INIT;
  json_t *j = sdmx_dataflows(fx.s, "fr", &e), *v;
  size_t i;
  bool bMig = false;
  (void)state;
  assert_non_null(j);
  json_array_foreach(json_object_get(j, "dataflows"), i, v) {
    if (strcmp(json_string_value(json_object_get(v, "id")), "LMIS_MIG") == 0) {
      bMig = true;
      assert_non_null(strstr(json_string_value(json_object_get(v, "name")), "Indicateurs"));
      assert_int_equal(json_array_size(json_object_get(v, "dimensions")), SDMX_NDIM);
    }
  }
  assert_true(bMig);
  json_decref(j);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_formats),
    cmocka_unit_test(test_keys),
    cmocka_unit_test(test_csv_writers),
    cmocka_unit_test(test_number_format),
    cmocka_unit_test(test_public_series),
    cmocka_unit_test(test_public_series_unknown_name),
    cmocka_unit_test(test_structure_validates),
    cmocka_unit_test(test_data_ml_validates),
    cmocka_unit_test(test_json_message),
    cmocka_unit_test(test_import_fixtures),
    cmocka_unit_test(test_import_errors),
    cmocka_unit_test(test_roundtrip),
    cmocka_unit_test(test_rest),
    cmocka_unit_test(test_aggregate_query),
    cmocka_unit_test(test_dataflows),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
