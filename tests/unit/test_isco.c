/*
** test_isco.c: loading the shipped reference data (refdata.c) and querying it
** (isco.c). The data is loaded once for the whole file into a temporary database;
** the failure tests load into databases of their own.
**
** LMIS_DATA (set by meson) points at data/.
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
#include <sys/stat.h>

#include "isco.h"
#include "refdata.h"
#include "util.h"

typedef struct Fixture {
  char *zDir;        /* temporary directory for databases and data copies */
  Store *s;
  RefReport rep;
} Fixture;

static Fixture fx;

static int run_shell(const char *zFmt, const char *z1, const char *z2) {
  char *zCmd = xasprintf(zFmt, z1, z2);
  int rc = system(zCmd);
  free(zCmd);
  return rc;
}

static Store *new_db(const char *zName) {
  char *zPath = xasprintf("%s/%s", fx.zDir, zName);
  Store *s = NULL;
  Err e = ERR_INIT;
  if (store_open(zPath, STORE_CREATE, &s, &e) || store_migrate(s, &e)) {
    err_print(&e);
    fail_msg("cannot create %s", zPath);
  }
  free(zPath);
  return s;
}

static int setup(void **state) {
  char zTmpl[] = "/tmp/lmis-test-isco-XXXXXX";
  Err e = ERR_INIT;
  (void)state;
  fx.zDir = xstrdup(mkdtemp(zTmpl));
  fx.s = new_db("ref.db");
  if (refdata_load(fx.s, refdata_default_dir(), 0, &fx.rep, &e)) {
    err_print(&e);
    err_clear(&e);
    return -1;
  }
  return 0;
}

static int teardown(void **state) {
  (void)state;
  store_close(fx.s);
  free(fx.rep.zSkipped);
  run_shell("rm -rf '%s'%s", fx.zDir, "");
  free(fx.zDir);
  return 0;
}

static int64_t count_where(const char *zSql) { return store_int(fx.s, zSql, -1); }

static void test_counts(void **state) {
  (void)state;
  assert_int_equal(fx.rep.nIsco, 619);
  assert_int_equal(count_where("SELECT count(*) FROM isco_group WHERE level = 1"), 10);
  assert_int_equal(count_where("SELECT count(*) FROM isco_group WHERE level = 2"), 43);
  assert_int_equal(count_where("SELECT count(*) FROM isco_group WHERE level = 3"), 130);
  assert_int_equal(count_where("SELECT count(*) FROM isco_group WHERE level = 4"), 436);
  assert_int_equal(count_where("SELECT count(*) FROM isco_group WHERE definition_en IS NULL"), 0);
  assert_int_equal(fx.rep.nEscoOccupation, 3007);
  assert_int_equal(count_where("SELECT count(*) FROM esco_occupation"), 3007);
  assert_int_equal(fx.rep.nEscoSkill, 13896);
  assert_int_equal(count_where("SELECT count(*) FROM esco_skill"), 13896);
  assert_int_equal(fx.rep.nEscoRelation + fx.rep.nEscoRelationSkipped, 123855);
  assert_int_equal(fx.rep.nEscoRelationSkipped, 67);
  assert_int_equal(count_where("SELECT count(*) FROM esco_occupation_skill"), 123855 - 67);
  assert_non_null(fx.rep.zSkipped);
  assert_non_null(strstr(fx.rep.zSkipped, "67 of 123855"));
  assert_non_null(strstr(fx.rep.zSkipped, "a9e54177-a185-404d-b6e6-15663d31137e"));
  assert_int_equal(count_where("SELECT count(*) FROM occupation_fts"), 619 + 3007);
  /* the 627,354-character hasTopConcept list became a count */
  assert_int_equal(count_where("SELECT count(*) FROM esco_scheme"), 19);
  assert_int_equal(count_where("SELECT n_top_concepts FROM esco_scheme"
                               " WHERE uri = 'http://data.europa.eu/esco/concept-scheme/member-skills'"), 8836);
  assert_int_equal(fx.rep.nCountry, 249);
  assert_int_equal(fx.rep.nLanguage, 184);
  assert_int_equal(fx.rep.nCurrency, 181);
  assert_int_equal(fx.rep.nInstrument, 8);
  assert_int_equal(fx.rep.nRegion, count_where("SELECT count(*) FROM m49_region"));
  assert_int_equal(count_where("SELECT count(*) FROM m49_region WHERE kind = 'region'"), 5);
}

static void test_skill_levels(void **state) {
  (void)state;
  static const char *const az[][2] = {{"1", "3,4"}, {"2", "4"}, {"3", "3"}, {"4", "2"}, {"8", "2"},
                                      {"9", "1"}, {"0", "1,2,4"}};
  Err e = ERR_INIT;
  for (size_t i = 0; i < COUNT(az); i++) {
    json_t *j = isco_get(fx.s, az[i][0], "en", &e);
    json_t *a = json_object_get(j, "skill_levels");
    char zGot[16] = "";
    size_t k;
    json_t *v;
    json_array_foreach(a, k, v) {
      size_t n = strlen(zGot);
      snprintf(zGot + n, sizeof zGot - n, "%s%lld", k ? "," : "", (long long)json_integer_value(v));
    }
    assert_string_equal(zGot, az[i][1]);
    json_decref(j);
  }
  /* every group carries its major group's levels */
  assert_int_equal(count_where("SELECT count(*) FROM isco_group g JOIN isco_group m"
                               " ON m.code = substr(g.code, 1, 1) WHERE g.skill_levels <> m.skill_levels"), 0);
}

static void test_countries_and_ratifications(void **state) {
  (void)state;
  /* Namibia's code is NA, which naive readers take for a missing value. */
  assert_int_equal(count_where("SELECT count(*) FROM country WHERE alpha2 = 'NA' AND name_en = 'Namibia'"
                               " AND name_fr = 'Namibie' AND currency = 'NAD'"), 1);
  assert_int_equal(count_where("SELECT count(*) FROM country WHERE alpha2 = 'BT' AND currency = 'BTN'"), 1);
  assert_int_equal(count_where("SELECT count(*) FROM country WHERE numeric = '004' AND alpha2 = 'AF'"), 1);
  assert_int_equal(count_where("SELECT count(*) FROM country WHERE name_fr IS NULL OR name_es IS NULL"), 0);
  /* UN ICMW: 57 state parties (in force) and 11 signatories, nothing for "no action". */
  assert_int_equal(fx.rep.nRatification, 68);
  assert_int_equal(count_where("SELECT count(*) FROM ratification WHERE status = 'in force' AND year > 1990"), 57);
  assert_int_equal(count_where("SELECT count(*) FROM ratification WHERE status = 'signed' AND year IS NULL"), 11);
  assert_int_equal(count_where("SELECT count(*) FROM ratification WHERE instrument <> 'ICMW'"), 0);
  assert_int_equal(count_where("SELECT count(*) FROM ratification WHERE country = 'TL' AND year = 2004"), 1);
  assert_int_equal(count_where("SELECT count(*) FROM instrument WHERE code IN"
                               " ('C097','C143','C181','C189','C157','C118','C102','ICMW')"), 8);
}

static void test_isco_get(void **state) {
  (void)state;
  Err e = ERR_INIT;
  json_t *j = isco_get(fx.s, "2221", "en", &e);
  json_t *a;
  assert_non_null(j);
  assert_string_equal(json_string_value(json_object_get(j, "title")), "Nursing professionals");
  assert_int_equal(json_integer_value(json_object_get(j, "level")), 4);
  assert_string_equal(json_string_value(json_object_get(j, "parent")), "222");
  a = json_object_get(j, "path");
  assert_int_equal(json_array_size(a), 4);
  assert_string_equal(json_string_value(json_object_get(json_array_get(a, 0), "code")), "2");
  assert_string_equal(json_string_value(json_object_get(json_array_get(a, 1), "code")), "22");
  assert_string_equal(json_string_value(json_object_get(json_array_get(a, 2), "code")), "222");
  assert_string_equal(json_string_value(json_object_get(json_array_get(a, 3), "code")), "2221");
  assert_string_equal(json_string_value(json_object_get(json_array_get(a, 0), "title")), "Professionals");
  assert_int_equal(json_array_size(json_object_get(j, "children")), 0);
  assert_int_equal(json_array_size(json_object_get(j, "esco_occupations")), 3);   /* ESCO v1.1.1 */
  assert_non_null(strstr(json_string_value(json_object_get(j, "definition")), "Nursing professionals provide"));
  json_decref(j);

  j = isco_get(fx.s, "22", "fr", &e);
  assert_non_null(j);
  assert_string_equal(json_string_value(json_object_get(j, "title")), "Spécialistes de la santé");
  assert_string_equal(json_string_value(json_object_get(j, "title_en")), "Health professionals");
  assert_int_equal(json_array_size(json_object_get(j, "children")), 6);
  assert_null(json_object_get(j, "esco_occupations"));
  json_decref(j);

  /* armed forces codes keep their leading zero */
  j = isco_get(fx.s, "0110", NULL, &e);
  assert_non_null(j);
  assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(j, "path"), 0), "code")),
                      "0");
  json_decref(j);
}

static void test_isco_not_found(void **state) {
  (void)state;
  static const char *const az[] = {"9999", "99", "abc", "", "22210", "2221'--"};
  Err e = ERR_INIT;
  for (size_t i = 0; i < COUNT(az); i++) {
    assert_null(isco_get(fx.s, az[i], "en", &e));
    assert_int_equal(e.code, ERR_NOT_FOUND);
    assert_non_null(e.zMsg);
  }
  err_clear(&e);
}

static void test_isco_list(void **state) {
  (void)state;
  Err e = ERR_INIT;
  json_t *j = isco_list(fx.s, 0, NULL, "en", &e);
  assert_non_null(j);
  assert_int_equal(json_array_size(json_object_get(j, "groups")), 10);
  json_decref(j);
  j = isco_list(fx.s, 0, "22", "en", &e);
  assert_non_null(j);
  assert_int_equal(json_integer_value(json_object_get(j, "level")), 3);
  assert_int_equal(json_array_size(json_object_get(j, "groups")), 6);
  json_decref(j);
  j = isco_list(fx.s, 4, "2", "es", &e);
  assert_non_null(j);
  assert_int_equal(json_array_size(json_object_get(j, "groups")),
                   count_where("SELECT count(*) FROM isco_group WHERE level = 4 AND code LIKE '2%'"));
  json_decref(j);
  assert_null(isco_list(fx.s, 2, "22", "en", &e));
  assert_int_equal(e.code, ERR_INVALID);
  assert_null(isco_list(fx.s, 0, "2221", "en", &e));
  assert_int_equal(e.code, ERR_INVALID);
  assert_null(isco_list(fx.s, 0, "77", "en", &e));
  assert_int_equal(e.code, ERR_NOT_FOUND);
  assert_null(isco_list(fx.s, 5, NULL, "en", &e));
  assert_int_equal(e.code, ERR_INVALID);
  err_clear(&e);
}

static const char *result_code(json_t *j, size_t i) {
  json_t *r = json_array_get(json_object_get(j, "results"), i);
  return json_string_value(json_object_get(r, "code"));
}

/* The acceptance test: the two ISCO-08 nursing unit groups come first. */
static void test_search_nurse(void **state) {
  (void)state;
  Err e = ERR_INIT;
  json_t *j = occupation_search(fx.s, "nurse", NULL, 0, "en", &e);
  assert_non_null(j);
  assert_int_equal(json_array_size(json_object_get(j, "results")), 20);
  assert_string_equal(result_code(j, 0), "2221");
  assert_string_equal(result_code(j, 1), "3221");
  json_t *r = json_array_get(json_object_get(j, "results"), 0);
  assert_string_equal(json_string_value(json_object_get(r, "kind")), "isco");
  assert_int_equal(json_integer_value(json_object_get(r, "rank")), 1);
  assert_non_null(strchr(json_string_value(json_object_get(r, "snippet")), '['));
  /* then ESCO occupations whose title holds the word */
  r = json_array_get(json_object_get(j, "results"), 2);
  assert_string_equal(json_string_value(json_object_get(r, "kind")), "esco");
  assert_non_null(strstr(json_string_value(json_object_get(r, "title")), "nurs"));
  json_decref(j);

  j = occupation_search(fx.s, "Nurses", NULL, 5, "en", &e);
  assert_int_equal(json_array_size(json_object_get(j, "results")), 5);
  assert_string_equal(result_code(j, 0), "2221");
  json_decref(j);

  j = occupation_search(fx.s, "software developer", "isco", 3, "en", &e);
  assert_string_equal(result_code(j, 0), "2512");
  json_decref(j);
}

/* French titles, with or without accents, in any case. */
static void test_search_diacritics(void **state) {
  (void)state;
  static const char *const az[] = {"electricien", "électricien", "ÉLECTRICIENS", "Electricien du batiment"};
  Err e = ERR_INIT;
  for (size_t i = 0; i < COUNT(az); i++) {
    json_t *j = occupation_search(fx.s, az[i], NULL, 10, "fr", &e);
    assert_non_null(j);
    assert_string_equal(result_code(j, 0), "7411");
    assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(j, "results"), 0), "title")),
                        "Électriciens du bâtiment et assimilés");
    json_decref(j);
  }
}

/* Any text is a valid query: FTS5 syntax and SQL in the input are just words. */
static void test_search_hostile_input(void **state) {
  (void)state;
  static const char *const az[] = {
    "nurse\" OR \"cook", "NEAR(nurse cook)", "title:nurse", "nurse*", "-nurse", "nurse AND",
    "'; DROP TABLE isco_group; --", "^nurse", "nurse OR", "{title}: x", "a\"b\"\"c",
    "über-straße", "護士", "nurse nurse nurse nurse nurse nurse nurse nurse nurse nurse nurse nurse nurse nurse "
    "nurse nurse nurse nurse nurse"};
  Err e = ERR_INIT;
  for (size_t i = 0; i < COUNT(az); i++) {
    json_t *j = occupation_search(fx.s, az[i], NULL, 100, "en", &e);
    if (!j) fail_msg("search for [%s] failed: %s", az[i], e.zMsg);
    json_decref(j);
  }
  assert_int_equal(count_where("SELECT count(*) FROM isco_group"), 619);
  /* nothing searchable */
  static const char *const azEmpty[] = {"", "   ", "\"", "\"\"", "*", "-- ()", "\xe2\x80\x94"};
  for (size_t i = 0; i < COUNT(azEmpty); i++) {
    assert_null(occupation_search(fx.s, azEmpty[i], NULL, 10, "en", &e));
    assert_int_equal(e.code, ERR_INVALID);
  }
  assert_null(occupation_search(fx.s, "\xff\xfe nurse", NULL, 10, "en", &e));   /* not UTF-8 */
  assert_int_equal(e.code, ERR_INVALID);
  assert_null(occupation_search(fx.s, "nurse", "other", 10, "en", &e));
  assert_int_equal(e.code, ERR_INVALID);
  /* the limit is capped */
  json_t *j = occupation_search(fx.s, "a", NULL, 100000, "en", &e);
  assert_int_equal(json_array_size(json_object_get(j, "results")), 100);
  json_decref(j);
  err_clear(&e);
}

static void test_fts_query_from_text(void **state) {
  (void)state;
  static const char *const az[][2] = {
    {"nurse", "\"nurse\"*"},
    {"  software   developer ", "\"software\" AND \"developer\"*"},
    {"he said \"hi\"", "\"he\" AND \"said\" AND \"hi\"*"},
    {"title:nurse", "\"title\" AND \"nurse\"*"},
    {"électricien", "\"électricien\"*"},
    {"C++ (2024)", "\"C\" AND \"2024\"*"},
    {"\xff\xfe nurse\xc3", "\"nurse\"*"},      /* invalid UTF-8 separates words */
  };
  for (size_t i = 0; i < COUNT(az); i++) {
    char *z = fts_query_from_text(az[i][0]);
    assert_non_null(z);
    assert_string_equal(z, az[i][1]);
    free(z);
  }
  assert_null(fts_query_from_text(""));
  assert_null(fts_query_from_text(NULL));
  assert_null(fts_query_from_text("!!! --- ***"));
}

static void test_esco_get(void **state) {
  (void)state;
  Err e = ERR_INIT;
  json_t *j = occupation_search(fx.s, "specialist nurse", "esco", 1, "en", &e);
  json_t *r = json_array_get(json_object_get(j, "results"), 0);
  json_int_t id = json_integer_value(json_object_get(r, "id"));
  char *zUri = xstrdup(json_string_value(json_object_get(r, "uri")));
  char zId[32];
  assert_string_equal(json_string_value(json_object_get(r, "title")), "specialist nurse");
  json_decref(j);

  snprintf(zId, sizeof zId, "%lld", (long long)id);
  j = esco_occupation_get(fx.s, zId, &e);
  assert_non_null(j);
  assert_string_equal(json_string_value(json_object_get(j, "uri")), zUri);
  assert_string_equal(json_string_value(json_object_get(j, "isco_code")), "2221");
  assert_string_equal(json_string_value(json_object_get(json_object_get(j, "isco_group"), "title")),
                      "Nursing professionals");
  assert_true(json_array_size(json_object_get(json_object_get(j, "skills"), "essential")) > 5);
  assert_true(json_array_size(json_object_get(j, "alt_labels")) > 1);
  json_decref(j);

  j = esco_occupation_get(fx.s, zUri, &e);           /* by URI */
  assert_non_null(j);
  assert_int_equal(json_integer_value(json_object_get(j, "id")), id);
  json_decref(j);
  j = esco_occupation_get(fx.s, strrchr(zUri, '/') + 1, &e);   /* by bare UUID */
  assert_non_null(j);
  json_decref(j);
  free(zUri);

  /* the occupation that relations point to but occupations_en.csv lacks */
  assert_null(esco_occupation_get(fx.s, "http://data.europa.eu/esco/occupation/a9e54177-a185-404d-b6e6-15663d31137e",
                                  &e));
  assert_int_equal(e.code, ERR_NOT_FOUND);
  assert_null(esco_occupation_get(fx.s, "999999", &e));
  assert_int_equal(e.code, ERR_NOT_FOUND);
  assert_null(esco_occupation_get(fx.s, "99999999999999999999999", &e));
  assert_int_equal(e.code, ERR_NOT_FOUND);
  err_clear(&e);
}

static int index_of(json_t *a, const char *zA2) {
  size_t i;
  json_t *v;
  json_array_foreach(a, i, v)
    if (strcmp(json_string_value(json_object_get(v, "alpha2")), zA2) == 0) return (int)i;
  return -1;
}

static void test_country_list(void **state) {
  (void)state;
  Err e = ERR_INIT;
  json_t *j = country_list(fx.s, "fr", &e);
  json_t *a = json_object_get(j, "countries");
  assert_int_equal(json_array_size(a), 249);
  /* sorted ignoring accents: Égypte (EG) before Espagne (ES), after Danemark (DK) */
  assert_true(index_of(a, "DK") < index_of(a, "EG"));
  assert_true(index_of(a, "EG") < index_of(a, "ES"));
  json_t *na = json_array_get(a, (size_t)index_of(a, "NA"));
  assert_string_equal(json_string_value(json_object_get(na, "name")), "Namibie");
  assert_string_equal(json_string_value(json_object_get(na, "region")), "Afrique");
  json_decref(j);
}

/* A data directory copy in which one file is damaged by zCmd. */
static char *damaged_data(const char *zName, const char *zCmd) {
  char *zData = xasprintf("%s/%s", fx.zDir, zName);
  assert_int_equal(run_shell("cp -r '%s' '%s'", refdata_default_dir(), zData), 0);
  assert_int_equal(run_shell(zCmd, zData, ""), 0);
  return zData;
}

static void assert_empty(Store *s) {
  assert_int_equal(store_int(s, "SELECT count(*) FROM isco_group", -1), 0);
  assert_int_equal(store_int(s, "SELECT count(*) FROM esco_occupation", -1), 0);
  assert_int_equal(store_int(s, "SELECT count(*) FROM esco_skill", -1), 0);
  assert_int_equal(store_int(s, "SELECT count(*) FROM occupation_fts", -1), 0);
  assert_int_equal(store_int(s, "SELECT count(*) FROM country", -1), 0);
}

/* A bad field: the message names file, line and field, and nothing is loaded. */
static void test_bad_field_rolls_back(void **state) {
  (void)state;
  char *zData = damaged_data("data-badlevel", "sed -i '17s/^\\([0-9]*\\),[0-9],/\\1,x,/' '%s/isco08/isco08_structure.csv'");
  Store *s = new_db("badlevel.db");
  RefReport rep;
  Err e = ERR_INIT;
  char *zWant = xasprintf("%s/isco08/isco08_structure.csv:17: field \"level\": expected 1-4, got \"x\"", zData);
  assert_int_equal(refdata_load(s, zData, 0, &rep, &e), -1);
  assert_int_equal(e.code, ERR_INVALID);
  assert_string_equal(e.zMsg, zWant);
  assert_null(rep.zSkipped);
  assert_empty(s);
  store_close(s);
  err_clear(&e);
  free(zWant);
  free(zData);
}

/* A truncated ESCO relations file fails late in the load; the transaction is
** rolled back and the database is as it was. */
static void test_truncated_file_rolls_back(void **state) {
  (void)state;
  char *zData = damaged_data("data-truncated",
    "f='%s/esco-v1.1.1/relations/occupationSkillRelations.csv.gz'; truncate -s $(($(stat -c %%s \"$f\") / 2)) \"$f\"");
  Store *s = new_db("truncated.db");
  RefReport rep;
  Err e = ERR_INIT;
  assert_int_equal(refdata_load(s, zData, 0, &rep, &e), -1);
  assert_non_null(strstr(e.zMsg, "occupationSkillRelations.csv.gz:"));
  assert_non_null(strstr(e.zMsg, "ends unexpectedly"));
  /* file:line in the location */
  assert_non_null(e.zWhere);
  assert_true(strtol(strrchr(e.zWhere, ':') + 1, NULL, 10) > 1000);
  assert_empty(s);
  store_close(s);
  err_clear(&e);
  free(zData);
}

static void test_missing_file_and_reload(void **state) {
  (void)state;
  char *zData = damaged_data("data-missing", "rm '%s/instruments.csv'");
  Store *s = new_db("missing.db");
  RefReport rep;
  Err e = ERR_INIT;
  assert_int_equal(refdata_load(s, zData, 0, &rep, &e), -1);
  assert_int_equal(e.code, ERR_IO);
  assert_non_null(strstr(e.zMsg, "instruments.csv"));
  assert_empty(s);
  store_close(s);
  free(zData);
  /* loading twice into the same database is refused and changes nothing */
  assert_int_equal(refdata_load(fx.s, refdata_default_dir(), 0, &rep, &e), -1);
  assert_int_equal(e.code, ERR_CONFLICT);
  assert_int_equal(count_where("SELECT count(*) FROM isco_group"), 619);
  err_clear(&e);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_counts),
    cmocka_unit_test(test_skill_levels),
    cmocka_unit_test(test_countries_and_ratifications),
    cmocka_unit_test(test_isco_get),
    cmocka_unit_test(test_isco_not_found),
    cmocka_unit_test(test_isco_list),
    cmocka_unit_test(test_search_nurse),
    cmocka_unit_test(test_search_diacritics),
    cmocka_unit_test(test_search_hostile_input),
    cmocka_unit_test(test_fts_query_from_text),
    cmocka_unit_test(test_esco_get),
    cmocka_unit_test(test_country_list),
    cmocka_unit_test(test_bad_field_rolls_back),
    cmocka_unit_test(test_truncated_file_rolls_back),
    cmocka_unit_test(test_missing_file_and_reload),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
