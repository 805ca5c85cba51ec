/*
** test_agreement.c: the agreements repository (agreement.c): stemming in English,
** French and Spanish, import errors with JSON pointers and all-or-nothing, search
** ranking and snippets, assessment scores, the R86 comparison, corridor gaps and
** the para 44 indicators. One database with the reference data and the starter
** set is built for the whole file.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agreement.h"
#include "refdata.h"
#include "util.h"

static struct {
  char *zDir;
  Store *s;
} fx;

static int setup(void **state) {
  char zTmpl[] = "/tmp/lmis-test-agreement-XXXXXX";
  Err e = ERR_INIT;
  RefReport rep;
  (void)state;
  fx.zDir = xstrdup(mkdtemp(zTmpl));
  char *zPath = xasprintf("%s/ag.db", fx.zDir);
  memset(&rep, 0, sizeof rep);
  if (store_open(zPath, STORE_CREATE, &fx.s, &e) || store_migrate(fx.s, &e) ||
      refdata_load(fx.s, refdata_default_dir(), 0, &rep, &e) || store_begin(fx.s, &e) ||
      repo_load_starter(fx.s, refdata_default_dir(), NULL, &e) || store_commit(fx.s, &e)) {
    err_print(&e);
    err_clear(&e);
    free(zPath);
    return -1;
  }
  free(rep.zSkipped);
  free(zPath);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  store_close(fx.s);
  char *z = xasprintf("rm -rf '%s'", fx.zDir);
  if (system(z) != 0) fprintf(stderr, "could not remove %s\n", fx.zDir);
  free(z);
  free(fx.zDir);
  return 0;
}

static void assert_same_stem(const char *a, const char *b, const char *zLang) {
  char *x = repo_stem_word(a, zLang), *y = repo_stem_word(b, zLang);
  assert_non_null(x);
  assert_non_null(y);
  if (strcmp(x, y) != 0) fail_msg("%s -> %s but %s -> %s (%s)", a, x, b, y, zLang);
  free(x);
  free(y);
}

static void test_stemming(void **state) {
  (void)state;
  assert_same_stem("workers", "worker", "en");
  assert_same_stem("recruitment", "recruiting", "en");
  assert_same_stem("travailleurs", "travailleur", "fr");
  assert_same_stem("saisonniers", "saisonnier", "fr");
  assert_same_stem("trabajadores", "trabajador", "es");
  assert_same_stem("migratorios", "migratorio", "es");
  /* stems are folded: no case, no diacritics */
  char *z = repo_stem_text("Égalité de TRATO", NULL);
  assert_string_equal(z, "egalite de trato");
  free(z);
  /* a language lmis does not stem keeps the words whole */
  z = repo_stem_text("Arbeitnehmer", "de");
  assert_string_equal(z, "arbeitnehmer");
  free(z);
  assert_null(repo_stem_word("  ,;  ", "en"));
  assert_null(repo_fts_query("  ...  "));
  /* the query is quoted words only: FTS5 operators in the text are words */
  char *q = repo_fts_query("NEAR(a\" OR b) *");
  assert_non_null(q);
  assert_non_null(strstr(q, "\"near\""));
  free(q);
}

/* Import zJson; expect failure at zWhere (NULL: success). */
static void import_expect(const char *zJson, const char *zWhere) {
  json_error_t je;
  json_t *j = json_loads(zJson, 0, &je);
  Err e = ERR_INIT;
  if (!j) fail_msg("bad test JSON: %s", je.text);
  int rc = repo_import_json(fx.s, j, "test", "tester", NULL, &e);
  json_decref(j);
  if (!zWhere) {
    if (rc) fail_msg("import failed: %s", e.zMsg);
  } else {
    if (rc == 0) fail_msg("import of %s succeeded; expected an error at %s", zJson, zWhere);
    if (!e.zWhere || strcmp(e.zWhere, zWhere) != 0)
      fail_msg("error at %s (%s), expected %s", e.zWhere ? e.zWhere : "(none)", e.zMsg, zWhere);
    assert_int_equal(e.code, ERR_INVALID);
  }
  err_clear(&e);
}

#define AG_OK "\"id\":\"t-ok\",\"type\":\"bilateral_labour_agreement\",\"title_en\":\"T\",\"status\":\"signed\",\"source\":\"test\""

static void test_import_errors(void **state) {
  (void)state;
  int64_t nBefore = store_int(fx.s, "SELECT count(*) FROM agreement", -1);
  import_expect("[]", "");
  import_expect("{\"agreement\":[]}", "/agreement");
  import_expect("{\"agreements\":{}}", "/agreements");
  import_expect("{\"agreements\":[{\"id\":\"x\",\"type\":\"bilateral_labour_agreement\",\"title_en\":\"T\","
                "\"status\":\"signed\",\"parties\":[\"ES\",\"EC\"]}]}", "/agreements/0/source");
  import_expect("{\"agreements\":[{" AG_OK ",\"parties\":[\"ES\",\"XX\"]}]}", "/agreements/0/parties/1");
  import_expect("{\"agreements\":[{" AG_OK ",\"parties\":[\"ES\",\"ES\"]}]}", "/agreements/0/parties/1");
  import_expect("{\"agreements\":[{" AG_OK ",\"parties\":[\"ES\"]}]}", "/agreements/0/parties");
  import_expect("{\"agreements\":[{" AG_OK ",\"parties\":[\"ES\",\"EC\"],\"date_signed\":\"2001-13\"}]}",
                "/agreements/0/date_signed");
  import_expect("{\"agreements\":[{" AG_OK ",\"parties\":[\"ES\",\"EC\"],\"date_signed\":\"2005\","
                "\"date_in_force\":\"2001\"}]}", "/agreements/0/date_in_force");
  import_expect("{\"agreements\":[{" AG_OK ",\"parties\":[\"ES\",\"EC\"],\"colour\":\"red\"}]}", "/agreements/0/colour");
  import_expect("{\"agreements\":[{" AG_OK ",\"parties\":[\"ES\",\"EC\"],\"occupations\":[\"2221\",\"99999\"]}]}",
                "/agreements/0/occupations/1");
  import_expect("{\"agreements\":[{" AG_OK ",\"parties\":[\"ES\",\"EC\"],\"summary\":\"x\"}]}", "/agreements/0/lang");
  import_expect("{\"agreements\":[{" AG_OK ",\"parties\":[\"ES\",\"EC\"],\"assessment\":[{\"criterion\":\"remittances\","
                "\"rating\":\"great\",\"assessor\":\"a\",\"date\":\"2026-01-01\"}]}]}", "/agreements/0/assessment/0/rating");
  import_expect("{\"agreements\":[{" AG_OK ",\"parties\":[\"ES\",\"EC\"],\"assessment\":[{\"criterion\":\"nope\","
                "\"rating\":\"met\",\"assessor\":\"a\",\"date\":\"2026-01-01\"}]}]}", "/agreements/0/assessment/0/criterion");
  import_expect("{\"practices\":[{\"id\":\"p\",\"title_en\":\"P\",\"theme\":\"t\",\"lang\":\"en\",\"description\":\"d\","
                "\"source\":\"s\",\"mflm\":[\"X\"]}]}", "/practices/0/mflm/0");
  import_expect("{\"ratifications\":[{\"country\":\"PH\",\"instrument\":\"C999\",\"year\":2000,\"status\":\"in force\","
                "\"source\":\"s\"}]}", "/ratifications/0/instrument");
  import_expect("{\"ratifications\":[{\"country\":\"PH\",\"instrument\":\"C097\",\"status\":\"in force\","
                "\"source\":\"s\"}]}", "/ratifications/0/year");
  /* all or nothing: the first agreement is valid, the second is not */
  import_expect("{\"agreements\":[{" AG_OK ",\"parties\":[\"ES\",\"EC\"]},{\"id\":\"Bad Id\"}]}", "/agreements/1/id");
  assert_int_equal(store_int(fx.s, "SELECT count(*) FROM agreement", -1), nBefore);
  assert_int_equal(store_int(fx.s, "SELECT count(*) FROM repo_fts WHERE ref = 't-ok'", -1), 0);
}

static void test_search_ranking(void **state) {
  (void)state;
  import_expect("{\"agreements\":["
    "{\"id\":\"t-body\",\"type\":\"memorandum_of_understanding\",\"title_en\":\"Memorandum on labour cooperation\","
    "\"parties\":[\"LK\",\"JO\"],\"status\":\"signed\",\"date_signed\":\"2010\",\"lang\":\"en\",\"source\":\"test\","
    "\"summary\":\"Cooperation on many matters. It also covers domestic workers in one clause.\"},"
    "{\"id\":\"t-title\",\"type\":\"memorandum_of_understanding\",\"title_en\":\"Memorandum on domestic workers\","
    "\"parties\":[\"LK\",\"KW\"],\"status\":\"signed\",\"date_signed\":\"2011\",\"lang\":\"en\",\"source\":\"test\","
    "\"summary\":\"Recruitment and employment.\"},"
    "{\"id\":\"t-fr\",\"type\":\"bilateral_labour_agreement\",\"title_en\":\"Seasonal work agreement\","
    "\"title_original\":\"Accord sur le travail saisonnier\",\"title_lang\":\"fr\",\"parties\":[\"FR\",\"TN\"],"
    "\"status\":\"in force\",\"lang\":\"fr\",\"source\":\"test\","
    "\"summary\":\"Les travailleurs saisonniers bénéficient de l'égalité de traitement et de la sécurité sociale.\"}]}",
    NULL);
  AgreementQuery q;
  Err e = ERR_INIT;
  memset(&q, 0, sizeof q);
  q.zText = "domestic worker";
  json_t *j = agreement_search(fx.s, &q, &e);
  assert_non_null(j);
  json_t *a = json_object_get(j, "results");
  assert_true(json_array_size(a) >= 2);
  /* a title match ranks above a body-only match */
  assert_string_equal(json_string_value(json_object_get(json_array_get(a, 0), "id")), "t-title");
  const char *zSnip = json_string_value(json_object_get(json_array_get(a, 1), "snippet"));
  assert_non_null(strstr(zSnip, "[domestic] [workers]"));
  json_decref(j);

  /* French stems and diacritics: "travailleur saisonnier" finds "travailleurs saisonniers";
  ** "securite" finds "sécurité" */
  q.zText = "travailleur saisonnier securite";
  j = agreement_search(fx.s, &q, &e);
  assert_non_null(j);
  a = json_object_get(j, "results");
  assert_int_equal(json_array_size(a), 1);
  assert_string_equal(json_string_value(json_object_get(json_array_get(a, 0), "id")), "t-fr");
  assert_non_null(strstr(json_string_value(json_object_get(json_array_get(a, 0), "snippet")), "[travailleurs] [saisonniers]"));
  json_decref(j);

  /* Spanish stems in the starter set */
  q.zText = "trabajador";
  j = agreement_search(fx.s, &q, &e);
  assert_non_null(j);
  assert_true(json_integer_value(json_object_get(j, "total")) >= 2);
  json_decref(j);

  /* facets: filter by country and by criterion met */
  memset(&q, 0, sizeof q);
  q.zCountry = "LKA";
  j = agreement_search(fx.s, &q, &e);
  assert_int_equal(json_integer_value(json_object_get(j, "total")), 2);
  assert_int_equal(json_integer_value(json_object_get(json_object_get(json_object_get(j, "facets"), "country"), "KW")), 1);
  json_decref(j);
  memset(&q, 0, sizeof q);
  q.zMet = "social_security";
  j = agreement_search(fx.s, &q, &e);
  assert_int_equal(json_integer_value(json_object_get(j, "total")), 1);
  json_decref(j);
  /* bad facet values are errors naming the parameter */
  q.zMet = NULL;
  q.zType = "treaty";
  assert_null(agreement_search(fx.s, &q, &e));
  assert_string_equal(e.zWhere, "type");
  err_clear(&e);
}

static double score(json_t *s, const char *zGroup) {
  return json_number_value(json_object_get(json_object_get(s, zGroup), "score"));
}

static void test_scores(void **state) {
  Err e = ERR_INIT;
  (void)state;
  import_expect("{\"agreements\":[{\"id\":\"t-score\",\"type\":\"bilateral_labour_agreement\",\"title_en\":\"S\","
                "\"parties\":[\"PH\",\"QA\"],\"status\":\"in force\",\"date_signed\":\"2012\",\"source\":\"test\"}]}",
                NULL);
  assert_int_equal(agreement_assess(fx.s, "t-score", "text_public", "met", "Art. 9: this agreement is published", "9",
                                    "tester", "2026-01-02", &e), 0);
  assert_int_equal(agreement_assess(fx.s, "t-score", "joint_committee", "partly", "a committee may meet", "10", "tester",
                                    NULL, &e), 0);
  assert_int_equal(agreement_assess(fx.s, "t-score", "equal_treatment", "not met", NULL, NULL, "tester", NULL, &e), 0);
  assert_int_equal(agreement_assess(fx.s, "t-score", "remittances", "unknown", NULL, NULL, "tester", NULL, &e), 0);
  /* met without the clause is refused */
  assert_int_equal(agreement_assess(fx.s, "t-score", "remittances", "met", NULL, NULL, "tester", NULL, &e), -1);
  assert_string_equal(e.zWhere, "clause");
  err_clear(&e);
  assert_int_equal(agreement_assess(fx.s, "nope", "remittances", "unknown", NULL, NULL, "tester", NULL, &e), -1);
  assert_int_equal(e.code, ERR_NOT_FOUND);
  err_clear(&e);
  json_t *s = agreement_scores(fx.s, "t-score", &e);
  assert_non_null(s);
  assert_true(score(s, "governance") > 74.99 && score(s, "governance") < 75.01);   /* (1 + 0.5) / 2 */
  assert_true(score(s, "protection") < 0.01);                                      /* 0 / 1 */
  assert_true(json_is_null(json_object_get(json_object_get(s, "development"), "score")));  /* unknown only */
  assert_true(score(s, "overall") > 49.99 && score(s, "overall") < 50.01);          /* 1.5 / 3 */
  assert_int_equal(json_integer_value(json_object_get(json_object_get(s, "protection"), "criteria")), 9);
  json_decref(s);
  /* comments are kept apart from the assessment */
  assert_true(agreement_comment(fx.s, "t-score", NULL, "union", "social_partner", "Article 10 needs a date.", &e) > 0);
  assert_int_equal(agreement_comment(fx.s, "t-score", NULL, "union", "social_partner", "", &e), -1);
  err_clear(&e);
  s = agreement_get(fx.s, "t-score", &e);
  assert_int_equal(json_array_size(json_object_get(s, "comments")), 1);
  assert_int_equal(json_array_size(json_object_get(s, "assessment")), 17);
  json_decref(s);
}

static void test_r86_compare(void **state) {
  Err e = ERR_INIT;
  (void)state;
  json_t *j = agreement_compare(fx.s, NULL,
    "Article 1. The parties shall exchange information on vacancies. Article 2. Migrant workers shall enjoy "
    "equal treatment with nationals and social security. Article 3. Each worker signs a contract of employment.",
    "en", &e);
  assert_non_null(j);
  assert_int_equal(json_integer_value(json_object_get(j, "articles")), 28);
  json_t *a = json_object_get(j, "items");
  assert_true(json_is_true(json_object_get(json_array_get(a, 0), "found")));    /* 1 exchange of information */
  assert_true(json_is_true(json_object_get(json_array_get(a, 16), "found")));   /* 17 equality of treatment */
  assert_true(json_is_true(json_object_get(json_array_get(a, 20), "found")));   /* 21 social security */
  assert_true(json_is_true(json_object_get(json_array_get(a, 21), "found")));   /* 22 contract of employment */
  assert_false(json_is_true(json_object_get(json_array_get(a, 26), "found")));  /* 27 double taxation */
  assert_int_equal(json_integer_value(json_object_get(j, "covered")), 4);
  assert_int_equal(json_array_size(json_object_get(j, "missing")), 24);
  json_decref(j);
  /* a Spanish draft is read with Spanish phrases and stems */
  j = agreement_compare(fx.s, NULL, "Los trabajadores tendrán igualdad de trato y seguridad social.", "es", &e);
  assert_int_equal(json_integer_value(json_object_get(j, "covered")), 2);
  json_decref(j);
  assert_null(agreement_compare(fx.s, "no-such", NULL, NULL, &e));
  err_clear(&e);
}

static bool has_gap(json_t *j, const char *zCode) {
  size_t i;
  json_t *v;
  json_array_foreach(json_object_get(j, "gaps"), i, v)
    if (strcmp(json_string_value(json_object_get(v, "code")), zCode) == 0) return true;
  return false;
}

static void test_corridor(void **state) {
  Err e = ERR_INIT;
  (void)state;
  /* MERCOSUR: a social security agreement in force, through the regional framework */
  json_t *j = corridor_view(fx.s, "ARG", "BR", "en", &e);
  assert_non_null(j);
  json_t *a = json_object_get(j, "agreements");
  assert_int_equal(json_array_size(a), 1);
  assert_string_equal(json_string_value(json_object_get(json_array_get(a, 0), "via")), "regional");
  assert_false(has_gap(j, "no_social_security_agreement"));
  assert_true(has_gap(j, "no_mobility_agreement"));
  /* social security is met by the MERCOSUR agreement; the rest is uncovered */
  assert_int_equal(json_array_size(json_object_get(j, "uncovered_criteria")), 16);
  json_decref(j);
  /* Philippines -> Germany: only a signed agreement; Germany has not ratified the ICMW (complete list) and
  ** has ratified C189 (starter set); C181 is unknown (partial list) */
  j = corridor_view(fx.s, "PH", "DE", "en", &e);
  assert_non_null(j);
  assert_int_equal(json_array_size(json_object_get(j, "agreements")), 0);
  assert_int_equal(json_array_size(json_object_get(j, "other_agreements")), 1);
  assert_true(has_gap(j, "no_social_security_agreement"));
  assert_true(has_gap(j, "destination_not_ratified_ICMW"));
  assert_false(has_gap(j, "destination_not_ratified_C189"));
  assert_false(has_gap(j, "origin_not_ratified_ICMW"));
  assert_true(has_gap(j, "destination_not_ratified_C181"));
  size_t i;
  json_t *v;
  json_array_foreach(json_object_get(j, "gaps"), i, v) {
    const char *zCode = json_string_value(json_object_get(v, "code")), *zText = json_string_value(json_object_get(v, "text"));
    if (strcmp(zCode, "destination_not_ratified_ICMW") == 0) assert_non_null(strstr(zText, "has not ratified"));
    if (strcmp(zCode, "destination_not_ratified_C181") == 0) assert_non_null(strstr(zText, "no ratification"));
  }
  /* the statistics come from the aggregate store (empty here: no public series loaded) */
  assert_true(json_is_array(json_object_get(json_object_get(j, "statistics"), "observations")));
  json_decref(j);
  assert_null(corridor_view(fx.s, "PH", "PHL", "en", &e));
  err_clear(&e);
  assert_null(corridor_view(fx.s, "PH", "ZZ", "en", &e));
  err_clear(&e);
}

static void test_indicators(void **state) {
  Err e = ERR_INIT;
  (void)state;
  json_t *j = agreement_indicators(fx.s, "PH", 2010, 2020, &e);
  assert_non_null(j);
  json_t *c = json_array_get(json_object_get(j, "countries"), 0);
  json_t *aS = json_object_get(c, "series");
  assert_int_equal(json_array_size(aS), 11);
  assert_int_equal(json_integer_value(json_object_get(json_array_get(aS, 2), "mobility")), 0);   /* 2012 */
  assert_int_equal(json_integer_value(json_object_get(json_array_get(aS, 3), "mobility")), 2);   /* 2013 */
  json_decref(j);
  j = agreement_indicators(fx.s, "UY", 2000, 2010, &e);
  c = json_array_get(json_object_get(j, "countries"), 0);
  aS = json_object_get(c, "series");
  /* MERCOSUR social security: counted from 1997 */
  assert_int_equal(json_integer_value(json_object_get(json_array_get(aS, 0), "social_security")), 1);
  assert_int_equal(json_integer_value(json_object_get(json_object_get(c, "trend"), "social_security")), 0);
  json_decref(j);
  assert_null(agreement_indicators(fx.s, NULL, 2020, 2010, &e));
  err_clear(&e);
}

static void test_snippet(void **state) {
  (void)state;
  char *z = repo_snippet("One two three. Les travailleurs migrants arrivent.", "fr", "travailleur", 4, "<", ">");
  assert_non_null(strstr(z, "<travailleurs>"));
  free(z);
  z = repo_snippet("alpha beta", "en", NULL, 10, "<", ">");
  assert_string_equal(z, "alpha beta");
  free(z);
}

/* The ids of a practice_query result, space-separated, in order; caller frees. */
static char *practice_ids(const PracticeQuery *pq, int64_t *pTotal) {
  Err e = ERR_INIT;
  json_t *j = practice_query(fx.s, pq, &e), *v;
  size_t i;
  Buf b;
  if (!j) fail_msg("practice_query: %s (at %s)", e.zMsg, e.zWhere ? e.zWhere : "-");
  buf_init(&b, BUF_UNBOUNDED);
  json_array_foreach(json_object_get(j, "results"), i, v) {
    if (i) buf_putc(&b, ' ');
    buf_puts(&b, json_string_value(json_object_get(v, "id")));
  }
  buf_putc(&b, 0);
  if (pTotal) *pTotal = json_integer_value(json_object_get(j, "total"));
  json_decref(j);
  return buf_detach(&b);
}

/* practice_query finds zRef (as one of the ids) for the text zText. */
static void assert_practice_found(const char *zText, const char *zRef, bool bFound) {
  PracticeQuery q;
  memset(&q, 0, sizeof q);
  q.zText = zText;
  q.nLimit = 100;
  char *z = practice_ids(&q, NULL);
  bool b = false;
  for (const char *p = z; (p = strstr(p, zRef)) != NULL; p++)
    if ((p == z || p[-1] == ' ') && (p[strlen(zRef)] == 0 || p[strlen(zRef)] == ' ')) b = true;
  if (b != bFound) fail_msg("\"%s\" %s %s: got [%s]", zText, bFound ? "does not find" : "finds", zRef, z);
  free(z);
}

static void practice_query_fails(const PracticeQuery *pq, const char *zWhere) {
  Err e = ERR_INIT;
  json_t *j = practice_query(fx.s, pq, &e);
  if (j) fail_msg("practice_query succeeded; expected an error at %s", zWhere);
  assert_non_null(e.zWhere);
  assert_string_equal(e.zWhere, zWhere);
  err_clear(&e);
}

static void test_practice_query(void **state) {
  PracticeQuery q;
  Err e = ERR_INIT;
  int64_t nAll = store_int(fx.s, "SELECT count(*) FROM practice", -1), n;
  json_t *j, *f;
  char *z, *z2;
  (void)state;
  /* a French practice, to search in French */
  import_expect("{\"practices\":[{\"id\":\"t-fr-practice\",\"title_en\":\"Orientation of seasonal workers\","
                "\"theme\":\"information\",\"lang\":\"fr\",\"countries\":[\"SN\"],\"year\":2019,\"description\":"
                "\"Les travailleurs saisonniers re\xc3\xa7oivent une formation avant le d\xc3\xa9part.\","
                "\"evidence\":\"Les syndicats ont \xc3\xa9t\xc3\xa9 consult\xc3\xa9s.\",\"source\":\"test\"}]}", NULL);
  nAll++;
  memset(&q, 0, sizeof q);
  q.nLimit = 100;
  z = practice_ids(&q, &n);
  assert_int_equal(n, nAll);
  free(z);
  /* found by title, theme, description and evidence, in English, French and Spanish */
  assert_practice_found("Caribbean Vocational", "caricom-cvq", true);                        /* title */
  assert_practice_found("circular", "ca-mx-seasonal-agricultural-worker-program", true);     /* theme only */
  assert_practice_found("harmonizing", "ilo-lfs-migration-module", true);                    /* evidence only */
  assert_practice_found("maritime", "pa-employer-reference-letter", true);                   /* description */
  assert_practice_found("saisonnier", "t-fr-practice", true);                                /* French stem */
  assert_practice_found("syndicat", "t-fr-practice", true);                                  /* French evidence */
  assert_practice_found("depart", "t-fr-practice", true);                                    /* diacritics */
  assert_practice_found("gobernanza", "pa-regularization-programmes-2010", true);            /* Spanish evidence */
  assert_practice_found("trabajador", "co-venezuelan-temporary-protection-2021", true);      /* "trabajar" */
  assert_practice_found("saisonnier", "caricom-cvq", false);
  /* filters and facets */
  memset(&q, 0, sizeof q);
  q.zTheme = "regularization";
  j = practice_query(fx.s, &q, &e);
  assert_non_null(j);
  assert_int_equal(json_integer_value(json_object_get(j, "total")), 3);
  f = json_object_get(j, "facets");
  assert_int_equal(json_integer_value(json_object_get(json_object_get(f, "theme"), "regularization")), 3);
  assert_int_equal(json_integer_value(json_object_get(json_object_get(f, "country"), "CO")), 1);
  assert_int_equal(json_integer_value(json_object_get(json_object_get(f, "year"), "2010")), 1);
  assert_int_equal(json_integer_value(json_object_get(json_object_get(f, "regional_body"), "MERCOSUR")), 1);
  assert_int_equal(json_integer_value(json_object_get(json_object_get(f, "mflm"), "V")), 3);
  json_decref(j);
  memset(&q, 0, sizeof q);
  q.zCountry = "COL";
  q.zLang = "fr";
  j = practice_query(fx.s, &q, &e);
  assert_non_null(j);
  assert_int_equal(json_integer_value(json_object_get(j, "total")), 1);
  json_t *c = json_array_get(json_object_get(json_array_get(json_object_get(j, "results"), 0), "countries"), 0);
  assert_string_equal(json_string_value(json_object_get(c, "alpha3")), "COL");
  assert_string_equal(json_string_value(json_object_get(c, "name")), "Colombie");
  assert_string_equal(json_string_value(json_object_get(json_object_get(j, "country_names"), "CO")), "Colombie");
  json_decref(j);
  memset(&q, 0, sizeof q);
  q.zRegion = "ASEAN";
  q.zMflm = "II";
  z = practice_ids(&q, &n);
  assert_string_equal(z, "asean-forum-on-migrant-labour");
  free(z);
  memset(&q, 0, sizeof q);
  q.year = 2019;
  q.zText = "formation";
  z = practice_ids(&q, &n);
  assert_string_equal(z, "t-fr-practice");
  free(z);
  q.year = 2018;
  z = practice_ids(&q, &n);
  assert_string_equal(z, "");
  assert_int_equal(n, 0);
  free(z);
  /* paging: two pages of two are disjoint, the total is every match */
  memset(&q, 0, sizeof q);
  q.nLimit = 2;
  z = practice_ids(&q, &n);
  assert_int_equal(n, nAll);
  q.nOffset = 2;
  z2 = practice_ids(&q, NULL);
  assert_non_null(strchr(z, ' '));
  assert_null(strstr(z2, strchr(z, ' ') + 1));
  assert_null(strstr(z, z2));
  free(z);
  free(z2);
  /* errors name the parameter */
  memset(&q, 0, sizeof q);
  q.zMflm = "X";
  practice_query_fails(&q, "mflm");
  memset(&q, 0, sizeof q);
  q.zCountry = "ZZ";
  practice_query_fails(&q, "country");
  memset(&q, 0, sizeof q);
  q.zText = "***";
  practice_query_fails(&q, "q");
  memset(&q, 0, sizeof q);
  q.year = 1800;
  practice_query_fails(&q, "year");
  memset(&q, 0, sizeof q);
  q.zTheme = "\xff\xfe";
  practice_query_fails(&q, "theme");
}

static void test_practice_related(void **state) {
  Err e = ERR_INIT;
  json_t *j, *v;
  size_t i;
  bool bSa = false, bDe = false;
  (void)state;
  j = practice_related(fx.s, "ph-tripartite-boards", "es", 0, &e);
  assert_non_null(j);
  assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(j, "countries"), 0), "name")),
                      "Filipinas");
  json_array_foreach(json_object_get(j, "agreements"), i, v) {
    const char *zId = json_string_value(json_object_get(v, "id"));
    bSa |= strcmp(zId, "ph-sa-domestic-workers-2013") == 0;
    bDe |= strcmp(zId, "de-ph-health-professionals-2013") == 0;
    assert_string_equal(json_string_value(json_object_get(v, "via")), "country");
  }
  assert_true(bSa && bDe);
  json_decref(j);
  /* Argentina is party to the MERCOSUR agreement, which is in force: it comes first */
  j = practice_related(fx.s, "ar-mercosur-regularization-2006", NULL, 0, &e);
  assert_non_null(j);
  assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(j, "agreements"), 0), "id")),
                      "mercosur-social-security-1997");
  json_decref(j);
  /* no agreement held for Trinidad and Tobago */
  j = practice_related(fx.s, "caricom-cvq", NULL, 0, &e);
  assert_non_null(j);
  assert_int_equal(json_array_size(json_object_get(j, "agreements")), 0);
  json_decref(j);
  assert_null(practice_related(fx.s, "no-such-practice", NULL, 0, &e));
  assert_int_equal(e.code, ERR_NOT_FOUND);
  err_clear(&e);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_stemming),
    cmocka_unit_test(test_snippet),
    cmocka_unit_test(test_import_errors),
    cmocka_unit_test(test_search_ranking),
    cmocka_unit_test(test_scores),
    cmocka_unit_test(test_r86_compare),
    cmocka_unit_test(test_corridor),
    cmocka_unit_test(test_indicators),
    cmocka_unit_test(test_practice_query),
    cmocka_unit_test(test_practice_related),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
