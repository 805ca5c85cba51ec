/*
** test_match.c: the job-matching register (jobs.c) and engine (match.c): every
** hard filter, each score component with its exact value from docs/matching.md,
** tie-breaking, top-k against the complete ranking, the pruned query against the
** exhaustive one on random data, imports (line-numbered errors, all or nothing,
** CSV round trip) and the personal-data access check.
**
** The fixture is a small hand-made reference set (a few ISCO groups, countries,
** languages, ESCO occupations and skills), so every expected number can be
** worked out by hand.
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
#include "jobs.h"
#include "match.h"
#include "util.h"

static char *zDir;
static Store *s;
static int nextRef;
#define TODAY "2026-06-01"

static void exec(const char *zSql) {
  Err e = ERR_INIT;
  if (store_exec(s, zSql, &e)) {
    err_print(&e);
    fail_msg("SQL failed");
  }
}

static int setup(void **state) {
  char zTmpl[] = "/tmp/lmis-test-match-XXXXXX";
  Err e = ERR_INIT;
  (void)state;
  zDir = xstrdup(mkdtemp(zTmpl));
  char *zPath = xasprintf("%s/m.db", zDir);
  if (store_open(zPath, STORE_CREATE, &s, &e) || store_migrate(s, &e)) {
    err_print(&e);
    return -1;
  }
  free(zPath);
  setenv("LMIS_TODAY", TODAY, 1);
  exec("INSERT INTO isco_group(code, level, parent, title_en, skill_levels) VALUES"
       "('2',1,NULL,'Professionals','4'),('7',1,NULL,'Craft','2'),('9',1,NULL,'Elementary','1'),"
       "('22',2,'2','Health professionals','4'),('21',2,'2','Science professionals','4'),"
       "('72',2,'7','Metal trades','2'),('91',2,'9','Cleaners','1'),"
       "('222',3,'22','Nursing','4'),('221',3,'22','Doctors','4'),('211',3,'21','Physicists','4'),"
       "('721',3,'72','Welders etc','2'),('911',3,'91','Domestic cleaners','1'),"
       "('2221',4,'222','Nursing professionals','4'),('2222',4,'222','Midwives','4'),"
       "('2211',4,'221','Generalist doctors','4'),('2111',4,'211','Physicists','4'),"
       "('7212',4,'721','Welders','2'),('7213',4,'721','Sheet-metal workers','2'),"
       "('9111',4,'911','Domestic cleaners','1');");
  exec("INSERT INTO country(alpha2, alpha3, numeric, name_en) VALUES('DE','DEU','276','Germany'),"
       "('FR','FRA','250','France'),('PH','PHL','608','Philippines'),('ES','ESP','724','Spain');"
       "INSERT INTO language(alpha2, alpha3, name_en) VALUES('de','deu','German'),('en','eng','English'),"
       "('fr','fra','French'),('tl','tgl','Tagalog');"
       "INSERT INTO currency(code, name_en) VALUES('EUR','Euro');"
       "INSERT INTO esco_occupation(id, uri, isco_code, title) VALUES"
       "(1,'http://data.europa.eu/esco/occupation/nurse','2221','nurse'),"
       "(2,'http://data.europa.eu/esco/occupation/specialist-nurse','2221','specialist nurse'),"
       "(3,'http://data.europa.eu/esco/occupation/welder','7212','welder');");
  for (int i = 1; i <= 40; i++) {
    char zSql[200];
    snprintf(zSql, sizeof zSql,
             "INSERT INTO esco_skill(id, uri, title) VALUES(%d, 'http://data.europa.eu/esco/skill/s%d', 'skill %d');", i,
             i, i);
    exec(zSql);
  }
  exec("INSERT INTO recognition_arrangement(origin, destination, isco_code, min_isced, kind, title) VALUES"
       "('PH','DE','222',6,'assessment','PH-DE nursing'),('PH','FR','2221',6,'automatic','PH-FR nursing');");
  return 0;
}

static int teardown(void **state) {
  (void)state;
  store_close(s);
  char *zCmd = xasprintf("rm -rf '%s'", zDir);
  if (system(zCmd) != 0) fprintf(stderr, "could not remove %s\n", zDir);
  free(zCmd);
  free(zDir);
  return 0;
}

/* Store a record from JSON text (a unique ref is added); returns its id. */
static int64_t put(JobsKind k, const char *zJson) {
  json_error_t jerr;
  Err e = ERR_INIT;
  int64_t id = 0;
  json_t *o = json_loads(zJson, 0, &jerr);
  if (!o) fail_msg("bad test JSON: %s: %s", jerr.text, zJson);
  if (!json_object_get(o, "ref") && k != JOBS_ARRANGEMENT) {
    char zRef[32];
    snprintf(zRef, sizeof zRef, "T-%d", ++nextRef);
    json_object_set_new(o, "ref", json_string(zRef));
  }
  if (jobs_put(s, k, o, 0, 0, &id, &e)) {
    err_print(&e);
    fail_msg("put failed: %s", zJson);
  }
  json_decref(o);
  return id;
}

/* A vacancy in DE for ISCO 7212 valid until 2027 unless the extra fields say otherwise. */
static int64_t vac(const char *zExtra) {
  char *z = xasprintf("{\"employer\":\"E\",\"country\":\"DE\",\"isco\":\"7212\",\"valid_until\":\"2027-01-01\","
                      "\"posted_on\":\"2026-05-01\"%s%s}", zExtra && *zExtra ? "," : "", zExtra ? zExtra : "");
  int64_t id = put(JOBS_VACANCY, z);
  free(z);
  return id;
}

static int64_t seeker(const char *zExtra) {
  char *z = xasprintf("{\"sex\":\"F\",\"citizenship\":\"PH\",\"residence\":\"PH\",\"isced\":3,"
                      "\"destinations\":[\"DE\"]%s%s}", zExtra && *zExtra ? "," : "", zExtra ? zExtra : "");
  int64_t id = put(JOBS_SEEKER, z);
  free(z);
  return id;
}

static void clear_all(void) {
  exec("DELETE FROM vacancy; DELETE FROM seeker;");
}

/* Rank for seeker id (k 0: all) and find vacancy v; NULL when filtered out. */
static MatchResult aRes[4096];
static int nRes;

static void rank(int64_t idSeeker, int k, bool bOfficer) {
  MatchIndex *x;
  Err e = ERR_INIT;
  MatchResult *a;
  int n;
  MatchOpt o = {k, jobs_date_days(TODAY), bOfficer};
  assert_int_equal(match_index_build(s, &x, &e), 0);
  assert_int_equal(match_seeker(x, idSeeker, &o, &a, &n, &e), 0);
  assert_true(n <= (int)COUNT(aRes));
  memcpy(aRes, a, (size_t)n * sizeof *a);
  nRes = n;
  free(a);
  match_index_free(x);
}

static const MatchResult *find(int64_t id) {
  for (int i = 0; i < nRes; i++)
    if (aRes[i].id == id) return &aRes[i];
  return NULL;
}

static void test_filter_open_unexpired(void **state) {
  (void)state;
  clear_all();
  int64_t sk = seeker(NULL);
  int64_t vOk = vac(NULL);
  int64_t vClosed = vac("\"status\":\"closed\"");
  int64_t vFilled = vac("\"status\":\"filled\"");
  int64_t vExpired = vac("\"valid_until\":\"2026-05-31\"");
  int64_t vToday = vac("\"valid_until\":\"2026-06-01\"");
  rank(sk, 0, true);
  assert_non_null(find(vOk));
  assert_null(find(vClosed));
  assert_null(find(vFilled));
  assert_null(find(vExpired));
  assert_non_null(find(vToday));   /* valid through its last day */
}

static void test_filter_country(void **state) {
  (void)state;
  clear_all();
  int64_t sk = seeker("\"destinations\":[\"DE\",\"ES\"]");
  int64_t vDe = vac(NULL), vFr = vac("\"country\":\"FR\""), vEs = vac("\"country\":\"ES\"");
  rank(sk, 0, false);
  assert_non_null(find(vDe));
  assert_null(find(vFr));
  assert_non_null(find(vEs));
  assert_int_equal(nRes, 2);
}

static void test_filter_licence(void **state) {
  (void)state;
  clear_all();
  int64_t sk = seeker(NULL);
  int64_t vValid = vac("\"agency_licence\":\"L1\",\"agency_licence_status\":\"valid\"");
  int64_t vSusp = vac("\"agency_licence\":\"L2\",\"agency_licence_status\":\"suspended\"");
  int64_t vUnknown = vac("\"agency_licence\":\"L3\"");
  int64_t vDirect = vac(NULL);
  rank(sk, 0, false);   /* the seeker's own view */
  assert_non_null(find(vValid));
  assert_non_null(find(vDirect));
  assert_null(find(vSusp));
  assert_null(find(vUnknown));
  rank(sk, 0, true);    /* an officer's view: shown, flagged */
  assert_non_null(find(vSusp));
  assert_true(find(vSusp)->flags & MATCH_F_LICENCE);
  assert_true(find(vUnknown)->flags & MATCH_F_LICENCE);
  assert_false(find(vValid)->flags & MATCH_F_LICENCE);
}

/* When the regulator's register holds the licence, it decides, whatever the
** vacancy was filed with: banned or lapsed hides it, valid shows it. */
static void test_filter_licence_register(void **state) {
  (void)state;
  clear_all();
  exec("DELETE FROM agency;"
       "INSERT INTO agency(licence, country, name, name_norm, status, valid_from, valid_to, updated_at) VALUES"
       " ('R1', 'NPL', 'Banned', 'banned', 'banned', '2020-01-01', '2999-12-31', 0),"
       " ('R2', 'NPL', 'Lapsed', 'lapsed', 'valid', '2000-01-01', '2001-01-01', 0),"
       " ('R3', 'NPL', 'Good', 'good', 'valid', '2000-01-01', '2999-12-31', 0),"
       " ('R4', 'NPL', 'Twin A', 'twin a', 'banned', NULL, NULL, 0),"
       " ('R4', 'BGD', 'Twin B', 'twin b', 'valid', NULL, NULL, 0);");
  int64_t sk = seeker(NULL);
  int64_t vBanned = vac("\"agency_licence\":\"R1\",\"agency_licence_status\":\"valid\"");
  int64_t vLapsed = vac("\"agency_licence\":\"R2\",\"agency_licence_status\":\"valid\"");
  int64_t vGood = vac("\"agency_licence\":\"R3\"");
  int64_t vTwin = vac("\"agency_licence\":\"R4\",\"agency_licence_status\":\"valid\"");
  rank(sk, 0, false);
  assert_null(find(vBanned));
  assert_null(find(vLapsed));
  assert_non_null(find(vGood));
  assert_non_null(find(vTwin));   /* two countries' licences: the filed status stands */
  exec("DELETE FROM agency;");
}

static void test_filter_regulated(void **state) {
  (void)state;
  clear_all();
  const char *zV = "\"isco\":\"2221\",\"regulated\":true,\"min_isced\":6";
  int64_t vDe = vac(zV);
  char *zFr = xasprintf("%s,\"country\":\"FR\"", zV);
  int64_t vFr = vac(zFr);
  free(zFr);
  int64_t none = seeker("\"isced\":6,\"destinations\":[\"DE\",\"FR\"]");
  int64_t rec = seeker("\"isced\":6,\"destinations\":[\"DE\",\"FR\"],\"qualifications\":[{\"title\":\"BSN\",\"isced\":6,"
                       "\"country\":\"PH\",\"isco\":\"2221\",\"recognition\":[{\"country\":\"DE\",\"status\":\"recognised\"}]}]");
  int64_t arr = seeker("\"isced\":6,\"destinations\":[\"DE\",\"FR\"],\"qualifications\":[{\"title\":\"BSN\",\"isced\":6,"
                       "\"country\":\"PH\",\"isco\":\"222\"}]");
  int64_t part = seeker("\"isced\":6,\"destinations\":[\"DE\"],\"qualifications\":[{\"title\":\"BSN\",\"isced\":6,"
                        "\"country\":\"PH\",\"recognition\":[{\"country\":\"DE\",\"status\":\"partial\"}]}]");
  int64_t refused = seeker("\"isced\":6,\"destinations\":[\"DE\"],\"qualifications\":[{\"title\":\"BSN\",\"isced\":6,"
                           "\"country\":\"PH\",\"recognition\":[{\"country\":\"DE\",\"status\":\"refused\"}]}]");
  int64_t low = seeker("\"isced\":5,\"destinations\":[\"DE\"],\"qualifications\":[{\"title\":\"Dip\",\"isced\":5,"
                       "\"country\":\"PH\",\"isco\":\"2221\"}]");
  int64_t other = seeker("\"isced\":6,\"destinations\":[\"DE\"],\"qualifications\":[{\"title\":\"Eng\",\"isced\":6,"
                         "\"country\":\"PH\",\"isco\":\"7\",\"recognition\":[{\"country\":\"DE\",\"status\":\"recognised\"}]}]");
  int64_t domestic = seeker("\"isced\":6,\"destinations\":[\"DE\"],\"qualifications\":[{\"title\":\"Staatsexamen\","
                            "\"isced\":6,\"country\":\"DE\"}]");
  rank(none, 0, true);
  assert_int_equal(nRes, 0);
  rank(rec, 0, true);
  assert_non_null(find(vDe));
  assert_int_equal(find(vDe)->rec, MATCH_REC_RECOGNISED);
  assert_int_equal(find(vFr)->rec, MATCH_REC_AUTOMATIC);    /* no decision for FR: the arrangement */
  rank(arr, 0, true);
  assert_int_equal(find(vDe)->rec, MATCH_REC_ASSESSMENT);
  assert_int_equal(find(vDe)->edu, (1000 + 500) / 2);
  /* the qualification (nursing, 222) covers unit 2221, and so does the PH-FR arrangement */
  assert_int_equal(find(vFr)->rec, MATCH_REC_AUTOMATIC);
  rank(part, 0, true);
  assert_int_equal(nRes, 0);  /* partial recognition does not open a regulated occupation */
  rank(refused, 0, true);
  assert_int_equal(nRes, 0);  /* a refusal overrides the arrangement */
  rank(low, 0, true);
  assert_int_equal(nRes, 0);  /* ISCED 5 is below the arrangement's minimum */
  rank(other, 0, true);
  assert_int_equal(nRes, 0);  /* recognised, but for another occupation */
  rank(domestic, 0, true);
  assert_non_null(find(vDe));  /* awarded in the destination country */
}

static void test_occupation_component(void **state) {
  (void)state;
  clear_all();
  int64_t vEsco = vac("\"isco\":\"2221\",\"esco\":1");
  int64_t vUnit = vac("\"isco\":\"2221\",\"esco\":2");
  int64_t vMinor = vac("\"isco\":\"2222\"");
  int64_t vSub = vac("\"isco\":\"2211\"");
  int64_t vMajor = vac("\"isco\":\"2111\"");
  int64_t vNone = vac("\"isco\":\"7212\"");
  int64_t sk = seeker("\"isced\":6,\"occupations\":[{\"esco\":1,\"years\":12}]");
  rank(sk, 0, true);
  assert_int_equal(find(vEsco)->occ, 1000);
  assert_int_equal(find(vEsco)->occLevel, MATCH_OCC_ESCO);
  assert_int_equal(find(vUnit)->occ, 800);
  assert_int_equal(find(vUnit)->occLevel, MATCH_OCC_UNIT);
  assert_int_equal(find(vMinor)->occ, 600);
  assert_int_equal(find(vSub)->occ, 400);
  assert_int_equal(find(vMajor)->occ, 200);
  assert_int_equal(find(vNone)->occ, 0);
  assert_int_equal(find(vNone)->occLevel, MATCH_OCC_NONE);
  /* experience: 0 years weighs 500/1000, 4 years 700/1000; the best occupation counts */
  int64_t sk2 = seeker("\"isced\":6,\"occupations\":[{\"isco\":\"2221\",\"years\":0},{\"isco\":\"2222\",\"years\":4}]");
  rank(sk2, 0, true);
  assert_int_equal(find(vUnit)->occ, 600 * 700 / 1000);   /* 420 (minor, 4 years) beats 400 (unit, 0 years) */
  assert_int_equal(find(vUnit)->occLevel, MATCH_OCC_MINOR);
  assert_int_equal(find(vMinor)->occ, 800 * 700 / 1000);  /* 2222 is the seeker's own unit group, 4 years */
}

static void test_skills_component(void **state) {
  (void)state;
  clear_all();
  int64_t v1 = vac("\"essential_skills\":[1,2,3],\"optional_skills\":[4,5,6,7]");
  int64_t v2 = vac("\"essential_skills\":[],\"optional_skills\":[]");
  int64_t v3 = vac("\"essential_skills\":[1,\"http://data.europa.eu/esco/skill/s2\"],\"optional_skills\":[1]");
  int64_t sk = seeker("\"skills\":[1,3,4,20]");
  rank(sk, 0, true);
  assert_int_equal(find(v1)->ess, 666);   /* 2 of 3 */
  assert_int_equal(find(v1)->nEssHave, 2);
  assert_int_equal(find(v1)->opt, 250);   /* 1 of 4 */
  assert_int_equal(find(v2)->ess, 500);   /* none listed */
  assert_int_equal(find(v2)->opt, 500);
  assert_int_equal(find(v3)->ess, 500);   /* 1 of 2 (by id and by URI) */
  assert_int_equal(find(v3)->nOpt, 0);    /* listed as essential too: counts as essential */
}

static void test_language_component(void **state) {
  (void)state;
  clear_all();
  int64_t vNone = vac(NULL);
  int64_t vB2 = vac("\"languages\":[{\"lang\":\"de\",\"level\":\"B2\"}]");
  int64_t vTwo = vac("\"languages\":[{\"lang\":\"de\",\"level\":\"A2\"},{\"lang\":\"fr\",\"level\":\"A1\"}]");
  int64_t vC2 = vac("\"languages\":[{\"lang\":\"en\",\"level\":\"C2\"}]");
  int64_t sk = seeker("\"languages\":[{\"lang\":\"de\",\"level\":\"B1\"},{\"lang\":\"en\",\"level\":\"native\"}]");
  rank(sk, 0, true);
  assert_int_equal(find(vNone)->lang, 1000);
  assert_int_equal(find(vB2)->lang, 750);            /* one step short */
  assert_int_equal(find(vTwo)->lang, (1000 + 0) / 2);  /* German met, no French */
  assert_int_equal(find(vTwo)->nLangMet, 1);
  assert_int_equal(find(vC2)->lang, 1000);           /* native meets any level */
}

static void test_education_and_deskilling(void **state) {
  (void)state;
  clear_all();
  int64_t vMin6 = vac("\"isco\":\"2221\",\"min_isced\":6");
  int64_t vClean = vac("\"isco\":\"9111\"");
  int64_t vWeld = vac(NULL);
  int64_t sk = seeker("\"isced\":4");
  rank(sk, 0, true);
  assert_int_equal(find(vMin6)->edu, 500);    /* two levels short */
  assert_int_equal(find(vMin6)->penalty, 0);
  assert_int_equal(find(vClean)->penalty, 8000);  /* ISCED 4 = level 2, job level 1 */
  assert_int_equal(find(vWeld)->penalty, 0);
  int64_t grad = seeker("\"isced\":7");
  rank(grad, 0, true);
  const MatchResult *m = find(vClean);
  assert_int_equal(m->penalty, 3 * 8000);
  assert_true(m->flags & MATCH_F_DESKILL);
  assert_int_equal(m->jobLevel, 1);
  assert_int_equal(m->seekerLevel, 4);
  assert_false(find(vMin6)->flags & MATCH_F_DESKILL);
  /* the deskilled match is shown, with the warning in the explanation */
  Buf b;
  buf_init(&b, 4096);
  match_explain(m, "en", &b);
  assert_non_null(strstr(buf_cstr(&b), "deskilling"));
  buf_reset(&b);
  match_explain(m, "fr", &b);
  assert_null(strstr(buf_cstr(&b), "same ISCO"));   /* translated */
  buf_free(&b);
}

static void test_total_score(void **state) {
  (void)state;
  clear_all();
  int64_t v = vac("\"isco\":\"7212\",\"essential_skills\":[1,2],\"optional_skills\":[3],"
                  "\"languages\":[{\"lang\":\"de\",\"level\":\"B1\"}],\"min_isced\":3");
  int64_t sk = seeker("\"isced\":3,\"occupations\":[{\"isco\":\"7212\",\"years\":6}],\"skills\":[1],"
                      "\"languages\":[{\"lang\":\"de\",\"level\":\"A2\"}]");
  rank(sk, 0, true);
  const MatchResult *m = find(v);
  assert_non_null(m);
  int occ = 800 * (500 + 300) / 1000;   /* 640 */
  assert_int_equal(m->occ, occ);
  assert_int_equal(m->ess, 500);
  assert_int_equal(m->opt, 0);
  assert_int_equal(m->lang, 750);
  assert_int_equal(m->edu, 1000);
  assert_int_equal(m->score, 40 * occ + 25 * 500 + 10 * 0 + 10 * 750 + 15 * 1000);
}

static void test_ties_and_topk(void **state) {
  (void)state;
  clear_all();
  int64_t a = vac(NULL), b = vac(NULL), c = vac(NULL);
  int64_t sk = seeker(NULL);
  rank(sk, 0, true);
  assert_int_equal(nRes, 3);
  assert_int_equal(aRes[0].score, aRes[2].score);
  assert_int_equal(aRes[0].id, a);   /* equal scores: ascending id */
  assert_int_equal(aRes[1].id, b);
  assert_int_equal(aRes[2].id, c);
  rank(sk, 2, true);
  assert_int_equal(nRes, 2);
  assert_int_equal(aRes[0].id, a);
  assert_int_equal(aRes[1].id, b);
}

static unsigned seed = 12345;

/* A small deterministic generator (the test must not depend on libc's rand). */
static int rnd(int n) {
  seed = seed * 1103515245u + 12345u;
  return (int)((seed >> 8) % (unsigned)n);
}

/* Random data: the pruned top-k equals the first k of the exhaustive ranking. */
static void test_pruned_equals_exhaustive(void **state) {
  (void)state;
  static const char *const azUnit[] = {"2221", "2222", "2211", "2111", "7212", "7213", "9111"};
  static const char *const azC[] = {"DE", "FR", "ES"};
  static const char *const azLang[] = {"de", "en", "fr"};
#define RND(n) rnd(n)
  clear_all();
  exec("BEGIN");
  for (int i = 0; i < 3000; i++) {
    char z[600];
    int n = snprintf(z, sizeof z, "INSERT INTO vacancy(ref, employer, country, isco_code, esco_id, min_isced, regulated, "
                     "status, posted_on, valid_until, updated_at, agency_licence, agency_licence_status) VALUES("
                     "'R%d','E','%s','%s',%s,%d,%d,'%s','2026-01-01','%s',0,%s,%s);",
                     i, azC[RND(3)], azUnit[RND(7)], RND(4) == 0 ? "1" : "NULL", RND(9), RND(8) == 0,
                     RND(20) == 0 ? "closed" : "open", RND(10) == 0 ? "2026-05-01" : "2027-01-01",
                     RND(5) == 0 ? "'L'" : "NULL", RND(2) ? "'valid'" : "'revoked'");
    assert_true(n < (int)sizeof z);
    exec(z);
    int64_t id = store_last_id(s);
    int nSkill = RND(8);
    for (int k = 0; k < nSkill; k++) {
      snprintf(z, sizeof z, "INSERT OR IGNORE INTO vacancy_skill VALUES(%lld, %d, %d);", (long long)id, 1 + RND(40),
               RND(3) != 0);
      exec(z);
    }
    if (RND(2)) {
      snprintf(z, sizeof z, "INSERT INTO vacancy_language VALUES(%lld, '%s', %d);", (long long)id, azLang[RND(3)],
               1 + RND(6));
      exec(z);
    }
  }
  exec("COMMIT");
  int64_t aSeek[12];
  for (int i = 0; i < 12; i++) {
    char z[800];
    snprintf(z, sizeof z,
             "\"isced\":%d,\"destinations\":[\"%s\",\"%s\"],\"occupations\":[{\"isco\":\"%s\",\"years\":%d}%s],"
             "\"skills\":[%d,%d,%d,%d,%d],\"languages\":[{\"lang\":\"%s\",\"level\":\"B1\"}]%s",
             RND(9), azC[RND(3)], azC[RND(3)], azUnit[RND(7)], RND(15), RND(2) ? ",{\"esco\":1,\"years\":3}" : "",
             1 + RND(40), 1 + RND(40), 1 + RND(40), 1 + RND(40), 1 + RND(40), azLang[RND(3)],
             RND(2) ? ",\"qualifications\":[{\"title\":\"Q\",\"isced\":6,\"country\":\"PH\",\"isco\":\"22\"}]" : "");
    aSeek[i] = seeker(z);
  }
  MatchIndex *x;
  Err e = ERR_INIT;
  assert_int_equal(match_index_build(s, &x, &e), 0);
  assert_int_equal(match_index_vacancies(x), 3000);
  for (int i = 0; i < 12; i++) {
    for (int officer = 0; officer < 2; officer++) {
      MatchOpt oAll = {0, jobs_date_days(TODAY), officer};
      MatchResult *aAll, *aTop;
      int nAll, nTop;
      assert_int_equal(match_seeker_exhaustive(x, aSeek[i], &oAll, &aAll, &nAll, &e), 0);
      static const int aK[] = {1, 5, 10, 50};
      for (size_t kk = 0; kk < COUNT(aK); kk++) {
        MatchOpt o = {aK[kk], jobs_date_days(TODAY), officer};
        assert_int_equal(match_seeker(x, aSeek[i], &o, &aTop, &nTop, &e), 0);
        assert_int_equal(nTop, nAll < aK[kk] ? nAll : aK[kk]);
        for (int j = 0; j < nTop; j++) {
          assert_int_equal(aTop[j].id, aAll[j].id);
          assert_int_equal(aTop[j].score, aAll[j].score);
        }
        free(aTop);
      }
      assert_int_equal(match_seeker(x, aSeek[i], &oAll, &aTop, &nTop, &e), 0);
      assert_int_equal(nTop, nAll);
      for (int j = 1; j < nAll; j++)
        assert_true(aAll[j - 1].score > aAll[j].score ||
                    (aAll[j - 1].score == aAll[j].score && aAll[j - 1].id < aAll[j].id));
      free(aTop);
      free(aAll);
    }
  }
  match_index_free(x);
#undef RND
}

static void test_vacancy_direction(void **state) {
  (void)state;
  clear_all();
  int64_t v = vac("\"essential_skills\":[1,2]");
  int64_t s1 = seeker("\"skills\":[1,2]");
  int64_t s2 = seeker("\"skills\":[1]");
  int64_t s3 = seeker("\"skills\":[1,2],\"status\":\"closed\"");
  int64_t s4 = seeker("\"skills\":[1,2],\"destinations\":[\"FR\"]");
  MatchIndex *x;
  Err e = ERR_INIT;
  MatchResult *a;
  int n;
  bool bLic;
  MatchOpt o = {0, jobs_date_days(TODAY), true};
  assert_int_equal(match_index_build(s, &x, &e), 0);
  assert_int_equal(match_vacancy(x, v, &o, &a, &n, &bLic, &e), 0);
  assert_int_equal(n, 2);
  assert_int_equal(a[0].id, s1);
  assert_int_equal(a[1].id, s2);
  assert_false(bLic);
  free(a);
  (void)s3;
  (void)s4;
  assert_int_equal(match_vacancy(x, 999999, &o, &a, &n, &bLic, &e), -1);
  assert_int_equal(e.code, ERR_NOT_FOUND);
  err_clear(&e);
  match_index_free(x);
}

static int64_t count(const char *zTable) {
  char *z = xasprintf("SELECT count(*) FROM %s", zTable);
  int64_t n = store_int(s, z, -1);
  free(z);
  return n;
}

static void test_import_errors_all_or_nothing(void **state) {
  (void)state;
  clear_all();
  Err e = ERR_INIT;
  int n;
  const char *zGood = "{\"ref\":\"A\",\"employer\":\"E\",\"country\":\"DE\",\"isco\":\"7212\",\"valid_until\":\"2027-01-01\"}\n";
  char *zBad = xasprintf("%s\n{\"ref\":\"B\",\"employer\":\"E\",\"country\":\"DE\",\"isco\":\"7212\","
                         "\"valid_until\":\"2027-01-01\",\"languages\":[{\"lang\":\"de\",\"level\":\"B7\"}]}\n", zGood);
  assert_int_equal(jobs_import_mem(s, JOBS_VACANCY, "v.jsonl", zBad, strlen(zBad), "jsonl", &n, &e), -1);
  assert_int_equal(e.code, ERR_INVALID);
  assert_non_null(strstr(e.zMsg, "v.jsonl:3:"));   /* blank line 2 is counted */
  assert_non_null(strstr(e.zMsg, "/languages/0/level"));
  assert_int_equal(count("vacancy"), 0);           /* line 1 rolled back */
  err_clear(&e);
  free(zBad);
  /* unknown field, bad country, bad ISCO level, ESCO not under ISCO */
  static const char *const azCase[][2] = {
    {"{\"ref\":\"A\",\"employer\":\"E\",\"country\":\"DE\",\"isco\":\"7212\",\"valid_until\":\"2027-01-01\",\"salary\":1}", "/salary"},
    {"{\"ref\":\"A\",\"employer\":\"E\",\"country\":\"XX\",\"isco\":\"7212\",\"valid_until\":\"2027-01-01\"}", "/country"},
    {"{\"ref\":\"A\",\"employer\":\"E\",\"country\":\"DE\",\"isco\":\"721\",\"valid_until\":\"2027-01-01\"}", "/isco"},
    {"{\"ref\":\"A\",\"employer\":\"E\",\"country\":\"DE\",\"isco\":\"7212\",\"esco\":1,\"valid_until\":\"2027-01-01\"}", "/isco"},
    {"{\"ref\":\"A\",\"employer\":\"E\",\"country\":\"DE\",\"isco\":\"7212\",\"valid_until\":\"2027-02-30\"}", "/valid_until"},
    {"{\"ref\":\"A\",\"employer\":\"E\",\"country\":\"DE\",\"isco\":\"7212\",\"valid_until\":\"2027-01-01\",\"essential_skills\":[999]}", "/essential_skills/0"},
    {"{\"ref\":\"A\",\"employer\":\"E\",\"country\":\"DE\",\"isco\":\"7212\",\"valid_until\":\"2027-01-01\",\"wage\":100}", "/currency"},
    {"not json", "v.jsonl:1"},
  };
  for (size_t i = 0; i < COUNT(azCase); i++) {
    assert_int_equal(jobs_import_mem(s, JOBS_VACANCY, "v.jsonl", azCase[i][0], strlen(azCase[i][0]), "jsonl", &n, &e),
                     -1);
    if (!strstr(e.zMsg, azCase[i][1])) fail_msg("case %zu: \"%s\" does not name %s", i, e.zMsg, azCase[i][1]);
    err_clear(&e);
  }
  /* seekers: pointer into nested arrays */
  const char *zS = "{\"ref\":\"S\",\"sex\":\"F\",\"citizenship\":\"PH\",\"residence\":\"PH\",\"isced\":3,"
                   "\"qualifications\":[{\"title\":\"Q\",\"isced\":3,\"country\":\"PH\",\"recognition\":[{\"country\":"
                   "\"DE\",\"status\":\"maybe\"}]}]}";
  assert_int_equal(jobs_import_mem(s, JOBS_SEEKER, "s.jsonl", zS, strlen(zS), "jsonl", &n, &e), -1);
  assert_non_null(strstr(e.zMsg, "/qualifications/0/recognition/0/status"));
  err_clear(&e);
  assert_int_equal(count("seeker"), 0);
  /* CSV: the line and the column */
  const char *zCsv = "ref,employer,country,isco,valid_until,languages\nA,E,DE,7212,2027-01-01,de|B1;en|C1\n"
                     "B,E,DE,7212,2027-01-01,de|Z9\n";
  assert_int_equal(jobs_import_mem(s, JOBS_VACANCY, "v.csv", zCsv, strlen(zCsv), "csv", &n, &e), -1);
  assert_non_null(strstr(e.zMsg, "v.csv:3:"));
  assert_non_null(strstr(e.zMsg, "/languages/0/level"));
  err_clear(&e);
  const char *zCsvCol = "ref,employer,country,isco,valid_untill\n";
  assert_int_equal(jobs_import_mem(s, JOBS_VACANCY, "v.csv", zCsvCol, strlen(zCsvCol), "csv", &n, &e), -1);
  assert_non_null(strstr(e.zMsg, "valid_untill"));
  err_clear(&e);
  assert_int_equal(count("vacancy"), 0);
}

/* Export as CSV and JSON Lines, import again: the same records. */
static void test_export_import_round_trip(void **state) {
  (void)state;
  clear_all();
  seeker("\"ref\":\"RT1\",\"occupations\":[{\"isco\":\"2221\",\"esco\":1,\"years\":3},{\"isco\":\"7212\"}],"
         "\"skills\":[1,2],\"languages\":[{\"lang\":\"de\",\"level\":\"B2\"}],\"qualifications\":[{\"title\":\"Q, \\\"x\\\"\","
         "\"isced\":6,\"country\":\"PH\",\"isco\":\"222\",\"recognition\":[{\"country\":\"DE\",\"status\":\"pending\"}]}]");
  vac("\"ref\":\"RTV\",\"esco\":3,\"essential_skills\":[5],\"optional_skills\":[6],\"wage\":2500.5,\"currency\":\"EUR\","
      "\"regulated\":true,\"languages\":[{\"lang\":\"en\",\"level\":\"A2\"}]");
  for (int k = 0; k < 2; k++) {
    for (int fmt = 0; fmt < 2; fmt++) {
      const char *zFmt = fmt ? "csv" : "jsonl";
      char *zBuf = NULL;
      size_t nBuf = 0;
      FILE *f = open_memstream(&zBuf, &nBuf);
      Err e = ERR_INIT;
      int n;
      assert_int_equal(jobs_export(s, (JobsKind)k, f, zFmt, &e), 0);
      fclose(f);
      json_t *before = jobs_get(s, (JobsKind)k, k ? store_int(s, "SELECT id FROM vacancy", 0)
                                                  : store_int(s, "SELECT id FROM seeker", 0), "en", &e);
      if (jobs_import_mem(s, (JobsKind)k, "rt", zBuf, nBuf, zFmt, &n, &e)) {
        err_print(&e);
        fail_msg("re-import failed (%s):\n%s", zFmt, zBuf);
      }
      assert_int_equal(n, 1);
      json_t *after = jobs_get(s, (JobsKind)k, json_integer_value(json_object_get(before, "id")), "en", &e);
      assert_non_null(after);
      if (!json_equal(before, after)) fail_msg("round trip changed the record (%s):\n%s", zFmt, zBuf);
      json_decref(before);
      json_decref(after);
      free(zBuf);
    }
  }
}

static void test_seeker_access(void **state) {
  (void)state;
  clear_all();
  Err e = ERR_INIT;
  exec("DELETE FROM account; INSERT INTO account(id, username, role, password_hash, created_at) VALUES"
       "(10,'ana','migrant','x',0),(11,'ben','migrant','x',0),(12,'off','employment_officer','x',0),"
       "(13,'stat','statistician','x',0);");
  int64_t sk = seeker("\"account\":\"ana\"");
  assert_int_equal(jobs_seeker_of_account(s, 10), sk);
  Principal ana = {10, ROLE_MIGRANT, "ana", false}, ben = {11, ROLE_MIGRANT, "ben", false};
  Principal off = {12, ROLE_EMPLOYMENT_OFFICER, "off", false}, stat = {13, ROLE_STATISTICIAN, "stat", false};
  int64_t nAudit = count("audit_log");
  assert_int_equal(jobs_seeker_access(s, &ana, sk, "seeker.read", NULL, &e), 0);
  assert_int_equal(jobs_seeker_access(s, &off, sk, "seeker.read", NULL, &e), 0);
  assert_int_equal(count("audit_log"), nAudit + 2);
  assert_int_equal(jobs_seeker_access(s, &ben, sk, "seeker.read", NULL, &e), -1);
  assert_int_equal(e.code, ERR_FORBIDDEN);
  err_clear(&e);
  assert_int_equal(jobs_seeker_access(s, &stat, sk, "seeker.read", NULL, &e), -1);
  assert_int_equal(e.code, ERR_FORBIDDEN);
  err_clear(&e);
  /* one profile per account */
  json_t *o = json_pack("{ss ss ss ss si ss}", "ref", "dup", "sex", "M", "citizenship", "PH", "residence", "PH", "isced",
                        2, "account", "ana");
  int64_t id;
  assert_int_equal(jobs_put(s, JOBS_SEEKER, o, 0, 0, &id, &e), -1);
  assert_int_equal(e.code, ERR_CONFLICT);
  err_clear(&e);
  json_decref(o);
}

static void test_needs(void **state) {
  (void)state;
  clear_all();
  vac("\"positions\":4,\"posted_on\":\"2026-05-22\"");      /* 7212: 4 positions, 1 seeker -> shortage */
  vac("\"isco\":\"2221\",\"positions\":1,\"posted_on\":\"2026-01-01\"");  /* 22: 1 position, 2 seekers -> surplus */
  seeker("\"occupations\":[{\"isco\":\"7213\"}]");
  seeker("\"occupations\":[{\"isco\":\"2222\"},{\"isco\":\"2221\"}]");   /* counted once */
  seeker("\"occupations\":[{\"isco\":\"2211\"}]");
  Err e = ERR_INIT;
  json_t *j = match_needs(s, "DE", 2, TODAY, "en", &e);
  assert_non_null(j);
  json_t *a = json_object_get(j, "rows");
  assert_int_equal(json_array_size(a), 2);
  json_t *r0 = json_array_get(a, 0), *r1 = json_array_get(a, 1);
  assert_string_equal(json_string_value(json_object_get(r0, "isco")), "22");
  assert_int_equal(json_integer_value(json_object_get(r0, "positions")), 1);
  assert_int_equal(json_integer_value(json_object_get(r0, "seekers")), 2);
  assert_string_equal(json_string_value(json_object_get(r0, "classification")), "surplus");
  assert_string_equal(json_string_value(json_object_get(r1, "isco")), "72");
  assert_int_equal(json_integer_value(json_object_get(r1, "seekers")), 1);
  assert_int_equal(json_integer_value(json_object_get(r1, "mean_days_open")), 10);
  assert_string_equal(json_string_value(json_object_get(r1, "classification")), "shortage");
  json_decref(j);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_filter_open_unexpired),
    cmocka_unit_test(test_filter_country),
    cmocka_unit_test(test_filter_licence),
    cmocka_unit_test(test_filter_licence_register),
    cmocka_unit_test(test_filter_regulated),
    cmocka_unit_test(test_occupation_component),
    cmocka_unit_test(test_skills_component),
    cmocka_unit_test(test_language_component),
    cmocka_unit_test(test_education_and_deskilling),
    cmocka_unit_test(test_total_score),
    cmocka_unit_test(test_ties_and_topk),
    cmocka_unit_test(test_pruned_equals_exhaustive),
    cmocka_unit_test(test_vacancy_direction),
    cmocka_unit_test(test_import_errors_all_or_nothing),
    cmocka_unit_test(test_export_import_round_trip),
    cmocka_unit_test(test_seeker_access),
    cmocka_unit_test(test_needs),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
