/* Unit tests: fair recruitment (agency.c, cost.c). Licence-list import with
** file:line:field errors, all or nothing, status history; name matching with
** typos, accents, case and other scripts, never showing a banned agency as
** licensed; cost reports (categories, no-fee flag, conversion); SDG 10.7.1 mean,
** median and P80 checked by hand; suppression; reviews. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agency.h"
#include "cost.h"
#include "store.h"
#include "util.h"
#include "testdb.h"

typedef struct Fixture {
  char zDir[64];
  char *zDb;
  Store *s;
} Fixture;

static void exec_ok(Store *s, const char *zSql) {
  Err e = ERR_INIT;
  if (store_exec(s, zSql, &e)) {
    err_print(&e);
    fail();
  }
}

static int setup(void **state) {
  Fixture *f = xcalloc(1, sizeof *f);
  if (testdb_open("recruit", f->zDir, &f->zDb, &f->s)) return -1;
  exec_ok(f->s,
          "INSERT INTO country(alpha2, alpha3, numeric, name_en) VALUES ('NP','NPL','524','Nepal'),"
          "('QA','QAT','634','Qatar'),('PH','PHL','608','Philippines'),('SA','SAU','682','Saudi Arabia'),"
          "('MA','MAR','504','Morocco'),('UA','UKR','804','Ukraine');"
          "INSERT INTO currency(code, numeric, name_en) VALUES ('USD','840','US Dollar'),('NPR','524','Nepalese Rupee'),"
          "('QAR','634','Qatari Rial'),('JPY','392','Yen'),('KWD','414','Kuwaiti Dinar');"
          "INSERT INTO isco_group(code, level, parent, title_en, skill_levels) VALUES ('9',1,NULL,'Elementary','1'),"
          "('93',2,'9','Labourers','1'),('931',3,'93','Mining and construction labourers','1'),"
          "('9313',4,'931','Building construction labourers','1');");
  *state = f;
  return 0;
}

static int teardown(void **state) {
  Fixture *f = *state;
  testdb_close(f->zDir, f->zDb, f->s);
  free(f);
  return 0;
}

static int64_t count(Store *s, const char *zSql) { return store_int(s, zSql, -1); }

static const char zList[] =
  "licence,country,name,aliases,status,valid_from,valid_to,decided_on,decision_ref,authority,reason,sanction_kind\n"
  "L-1,NPL,Sunrise Manpower Services Pvt. Ltd.,सनराइज म्यानपावर|Sunrise HR,valid,2024-01-01,2099-12-31,2024-01-01,D-1,DoFE,issued,\n"
  "L-2,NPL,Everest Overseas Recruitment,,banned,2019-01-01,2099-12-31,2025-02-10,D-2,DoFE,fees charged,ban\n"
  "L-3,MAR,Société Atlas Recrutement S.A.R.L.,شركة الأطلس للتوظيف,valid,,,,D-3,,,\n"
  "L-4,UKR,Дніпро Персонал,Dnipro Personnel,valid,2010-01-01,2011-12-31,,D-4,,,\n";

static int import(Fixture *f, const char *zName, const char *zCsv, AgencyImportReport *pRep, Err *e) {
  CsvReader *r = csv_open_mem(zName, zCsv, strlen(zCsv));
  int rc = agency_import_reader(f->s, r, zName, NULL, pRep, e);
  csv_close(r);
  return rc;
}

static void test_normalize(void **state) {
  (void)state;
  static const struct {
    const char *zIn, *zOut;
  } a[] = {
    {"Société Atlas Recrutement S.A.R.L.", "societe atlas recrutement"},
    {"  ABC   Manpower, Ltd. ", "abc manpower"},
    {"A.B.C. Manpower Inc", "abc manpower"},
    {"A B C MANPOWER", "abc manpower"},
    {"S. A.", "sa"},                                   /* only a legal form: kept */
    {"ＳＵＮＲＩＳＥ Manpower", "sunrise manpower"},   /* fullwidth: NFKC */
    {"Ἀθῆναι Jobs", "αθηναι jobs"},
    {"O'Brien & Sons (Pvt) Co.", "obrien sons"},
    {"ДНІПРО-Персонал", "дніпро персонал"},           /* Cyrillic case folding, hyphen */
  };
  for (size_t i = 0; i < COUNT(a); i++) {
    char *z = agency_normalize(a[i].zIn);
    assert_non_null(z);
    assert_string_equal(z, a[i].zOut);
    free(z);
  }
  assert_null(agency_normalize("bad \xff utf8"));
}

static void test_similarity(void **state) {
  (void)state;
  assert_true(agency_similarity("sunrise manpower services", "sunrise manpower services") == 1.0);
  assert_true(agency_similarity("sunrize manpower services", "sunrise manpower services") >= 0.8);
  assert_true(agency_similarity("sunrize manpower", "sunrise manpower services") >= 0.8);
  assert_true(agency_similarity("everest", "everest overseas recruitment") >= 0.8);
  assert_true(agency_similarity("totally different", "sunrise manpower services") < 0.45);
  assert_true(agency_similarity("", "x") == 0);
}

static void test_import_and_history(void **state) {
  Fixture *f = *state;
  Err e = ERR_INIT;
  AgencyImportReport rep;
  assert_int_equal(import(f, "list.csv", zList, &rep, &e), 0);
  assert_int_equal(rep.nRow, 4);
  assert_int_equal(rep.nNew, 4);
  assert_int_equal(count(f->s, "SELECT count(*) FROM agency"), 4);
  assert_int_equal(count(f->s, "SELECT count(*) FROM agency_alias"), 4);
  assert_int_equal(count(f->s, "SELECT count(*) FROM agency_status_history"), 4);
  assert_int_equal(count(f->s, "SELECT count(*) FROM agency_sanction WHERE kind = 'ban'"), 1);
  /* Same list again: nothing changes status, no history row. */
  assert_int_equal(import(f, "list.csv", zList, &rep, &e), 0);
  assert_int_equal(rep.nUpdated, 4);
  assert_int_equal(rep.nStatusChanged, 0);
  assert_int_equal(count(f->s, "SELECT count(*) FROM agency_status_history"), 4);
  /* L-1 suspended by a new decision: one history row with the old status. */
  static const char zNew[] = "licence,country,name,status,decided_on,decision_ref,reason\n"
                             "L-1,NPL,Sunrise Manpower Services Pvt. Ltd.,suspended,2026-01-05,D-9,inquiry\n";
  assert_int_equal(import(f, "new.csv", zNew, &rep, &e), 0);
  assert_int_equal(rep.nStatusChanged, 1);
  assert_int_equal(count(f->s, "SELECT count(*) FROM agency_status_history h JOIN agency a ON a.id = h.agency_id "
                               "WHERE a.licence = 'L-1' AND h.old_status = 'valid' AND h.new_status = 'suspended' "
                               "AND h.decision_ref = 'D-9' AND h.decided_on = '2026-01-05'"),
                   1);
  AgencyStatus st;
  assert_int_equal(agency_licence_status(f->s, "L-1", "NPL", &st, &e), 0);
  assert_int_equal(st, AGENCY_SUSPENDED);
  /* The CLI path: a decision by hand, audited, with a sanction. */
  assert_int_equal(agency_set_status(f->s, "L-1", NULL, "cancelled", "D-10", "2026-02-01", "DoFE", "fraud", NULL, "test",
                                     &e),
                   0);
  assert_int_equal(count(f->s, "SELECT count(*) FROM agency_sanction WHERE kind = 'cancellation' AND decision_ref = 'D-10'"), 1);
  assert_int_equal(count(f->s, "SELECT count(*) FROM audit_log WHERE action = 'agency.status'"), 1);
  assert_int_equal(agency_set_status(f->s, "L-1", NULL, "cancelled", "D-11", NULL, NULL, "again", NULL, "test", &e), -1);
  assert_int_equal(e.code, ERR_CONFLICT);
  err_clear(&e);
}

/* Each bad file fails naming file:line:field, and nothing of it is kept. */
static void test_import_errors(void **state) {
  Fixture *f = *state;
  static const struct {
    const char *zCsv, *zWhere;
  } a[] = {
    {"licence,country,name,status\nX-1,NPL,Good,valid\nX-2,XXX,Bad,valid\n", "bad.csv:3:country"},
    {"licence,country,name,status\nX-1,NPL,Good,valid\nX-2,NPL,Bad,closed\n", "bad.csv:3:status"},
    {"licence,country,name,status,valid_to\nX-1,NPL,Good,valid,2024-02-30\n", "bad.csv:2:valid_to"},
    {"licence,country,name,status,colour\n", "bad.csv:1:colour"},
    {"licence,country,name\n", "bad.csv:1:status"},
    {"licence,country,name,status\nX-1,NPL,Good,valid\n\"X 2\",NPL,Bad,valid\n", "bad.csv:3:licence"},
    {"licence,country,name,status\nX-1,NPL,Good,valid\nX-1,NPL,Twice,valid\n", "bad.csv:3:licence"},
    {"licence,country,name,status\nX-1,NPL,...,valid\n", "bad.csv:2:name"},
    {"licence,country,name,status,sanction_kind\nX-1,NPL,Good,valid,ban\n", "bad.csv:2:decision_ref"},
    /* L-2 banned -> valid with no decision, or with the old decision */
    {"licence,country,name,status\nX-1,NPL,Good,valid\nL-2,NPL,Everest Overseas Recruitment,valid\n", "bad.csv:3:decision_ref"},
    {"licence,country,name,status,decision_ref\nL-2,NPL,Everest Overseas Recruitment,valid,D-2\n", "bad.csv:2:decision_ref"},
  };
  Err e = ERR_INIT;
  AgencyImportReport rep;
  assert_int_equal(import(f, "list.csv", zList, &rep, &e), 0);
  for (size_t i = 0; i < COUNT(a); i++) {
    assert_int_equal(import(f, "bad.csv", a[i].zCsv, &rep, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_non_null(e.zWhere);
    assert_string_equal(e.zWhere, a[i].zWhere);
    assert_true(str_startswith(e.zMsg, a[i].zWhere));
    assert_int_equal(rep.nRow, 0);
    err_clear(&e);
    assert_int_equal(count(f->s, "SELECT count(*) FROM agency"), 4);
    assert_int_equal(count(f->s, "SELECT count(*) FROM agency WHERE licence = 'X-1'"), 0);
    assert_int_equal(count(f->s, "SELECT count(*) FROM agency WHERE licence = 'L-2' AND status = 'banned'"), 1);
  }
}

static json_t *check(Fixture *f, const char *zName, const char *zCountry) {
  Err e = ERR_INIT;
  json_t *j = agency_check(f->s, zName, zCountry, 10, &e);
  if (!j) err_print(&e);
  assert_non_null(j);
  return j;
}

static const char *first(json_t *j, const char *zKey) {
  return json_string_value(json_object_get(json_array_get(json_object_get(j, "matches"), 0), zKey));
}

static void test_check(void **state) {
  Fixture *f = *state;
  Err e = ERR_INIT;
  AgencyImportReport rep;
  json_t *j;
  assert_int_equal(import(f, "list.csv", zList, &rep, &e), 0);
  static const struct {
    const char *zQuery, *zLicence, *zStatus, *zVerdict;
  } a[] = {
    {"Sunrize Manpower Services", "L-1", "valid", "licensed"},          /* typo */
    {"SUNRISE manpower services pvt ltd", "L-1", "valid", "licensed"},  /* case, legal form */
    {"सनराइज म्यानपावर", "L-1", "valid", "licensed"},                   /* alias in Devanagari */
    {"Societe Atlas Recrutement", "L-3", "valid", "licensed"},          /* accents */
    {"شركة الاطلس للتوظيف", "L-3", "valid", "licensed"},                /* Arabic alias, hamza mark stripped */
    {"ДНІПРО персонал", "L-4", "expired", "not_licensed"},              /* Cyrillic case; licence lapsed */
    {"Everst Overseas", "L-2", "banned", "not_licensed"},               /* banned: never licensed */
    {"l-2", "L-2", "banned", "not_licensed"},                           /* licence number */
  };
  for (size_t i = 0; i < COUNT(a); i++) {
    j = check(f, a[i].zQuery, NULL);
    assert_string_equal(first(j, "licence"), a[i].zLicence);
    assert_string_equal(first(j, "status"), a[i].zStatus);
    assert_string_equal(json_string_value(json_object_get(j, "verdict")), a[i].zVerdict);
    bool bLicensed = json_is_true(json_object_get(json_array_get(json_object_get(j, "matches"), 0), "licensed"));
    assert_int_equal(bLicensed, str_eq(a[i].zStatus, "valid"));
    json_decref(j);
  }
  j = check(f, "Completely Unrelated Name", NULL);
  assert_string_equal(json_string_value(json_object_get(j, "verdict")), "no_match");
  json_decref(j);
  j = check(f, "Sunrise Manpower Services", "MAR");   /* another country's list */
  assert_string_equal(json_string_value(json_object_get(j, "verdict")), "no_match");
  json_decref(j);
  assert_null(agency_check(f->s, "x", "ZZZ", 10, &e));
  assert_string_equal(e.zWhere, "country");
  err_clear(&e);
  assert_null(agency_check(f->s, "", NULL, 10, &e));
  err_clear(&e);
}

static void test_amounts(void **state) {
  (void)state;
  static const struct {
    const char *zJson;
    int nExp;
    long long want;   /* -1: refused */
  } a[] = {
    {"\"1500.50\"", 2, 150050}, {"\"1500\"", 2, 150000},  {"\"1500.505\"", 2, -1}, {"12", 2, 1200},
    {"12.25", 2, 1225},         {"\"1500\"", 0, 1500},    {"\"1.5\"", 0, -1},      {"\"1.234\"", 3, 1234},
    {"-5", 2, -1},              {"\"-5\"", 2, -1},        {"\"1e3\"", 2, -1},      {"\"\"", 2, -1},
    {"\".5\"", 2, -1},          {"\"5.\"", 2, -1},        {"true", 2, -1},         {"\"99999999999999999999\"", 2, -1},
  };
  for (size_t i = 0; i < COUNT(a); i++) {
    json_t *v = json_loads(a[i].zJson, JSON_DECODE_ANY, NULL);
    int64_t m = -1;
    int rc = cost_parse_amount(v, a[i].nExp, &m);
    if (a[i].want < 0) assert_int_equal(rc, -1);
    else {
      assert_int_equal(rc, 0);
      assert_int_equal(m, a[i].want);
    }
    json_decref(v);
  }
  assert_int_equal(cost_minor_exponent("JPY"), 0);
  assert_int_equal(cost_minor_exponent("KWD"), 3);
  assert_int_equal(cost_minor_exponent("USD"), 2);
}

static void test_quantile(void **state) {
  (void)state;
  double a[] = {1, 2, 3, 4};
  assert_true(fabs(cost_quantile(a, 4, 0.5) - 2.5) < 1e-12);
  assert_true(fabs(cost_quantile(a, 4, 0.8) - 3.4) < 1e-12);   /* h = 2.4: 3 + 0.4 (4 - 3) */
  assert_true(fabs(cost_quantile(a, 1, 0.8) - 1) < 1e-12);
  assert_true(fabs(cost_quantile(a, 4, 1.0) - 4) < 1e-12);
}

static int64_t add(Fixture *f, const char *zJson, Err *e) {
  json_t *j = json_loads(zJson, 0, NULL);
  assert_non_null(j);
  int64_t id = cost_report_add(f->s, j, false, e);
  json_decref(j);
  return id;
}

static void test_cost_report(void **state) {
  Fixture *f = *state;
  Err e = ERR_INIT;
  /* 80000 NPR at 0.0075 = 600.00 USD (worker) + 5000 NPR medical paid by the employer;
  ** earnings 1200 QAR at 0.2747 = 329.64 USD; ratio 600 / 329.64. */
  int64_t id = add(f,
                   "{\"id\":\"r1\",\"source\":\"survey\",\"origin\":\"NPL\",\"destination\":\"QAT\",\"sex\":\"M\","
                   "\"isco\":\"9313\",\"reporting_currency\":\"USD\",\"earnings\":{\"amount\":\"1200\",\"currency\":"
                   "\"QAR\",\"rate\":0.2747},\"items\":[{\"category\":\"recruitment_fee\",\"paid_by\":\"worker\","
                   "\"amount\":\"80000\",\"currency\":\"NPR\",\"rate\":0.0075},{\"category\":\"medical\",\"paid_by\":"
                   "\"employer\",\"amount\":\"5000\",\"currency\":\"NPR\",\"rate\":0.0075}]}",
                   &e);
  assert_true(id > 0);
  json_t *j = cost_report_get(f->s, id, &e);
  assert_non_null(j);
  assert_string_equal(json_string_value(json_object_get(j, "worker_paid")), "600.00");
  assert_string_equal(json_string_value(json_object_get(json_object_get(j, "earnings"), "converted")), "329.64");
  assert_true(json_is_true(json_object_get(j, "no_fee_breach")));
  assert_true(fabs(json_real_value(json_object_get(j, "ratio")) - 1.8202) < 1e-9);
  assert_false(json_is_true(json_object_get(json_array_get(json_object_get(j, "items"), 1), "no_fee_breach")));
  json_decref(j);
  /* The same id again: not stored twice. */
  assert_int_equal(add(f, "{\"id\":\"r1\",\"source\":\"survey\",\"origin\":\"NPL\",\"destination\":\"QAT\",\"sex\":\"M\","
                          "\"reporting_currency\":\"USD\",\"earnings\":{\"amount\":\"1\",\"currency\":\"USD\"},"
                          "\"items\":[]}",
                       &e),
                   0);
  /* Everything paid by others: no flag, ratio 0. */
  id = add(f, "{\"source\":\"worker\",\"origin\":\"NPL\",\"destination\":\"QAT\",\"sex\":\"F\",\"reporting_currency\":"
              "\"QAR\",\"earnings\":{\"amount\":1500,\"currency\":\"QAR\"},\"items\":[{\"category\":\"travel_lodging\","
              "\"paid_by\":\"employer\",\"amount\":\"900\",\"currency\":\"QAR\"}]}",
           &e);
  assert_true(id > 0);
  assert_int_equal(count(f->s, "SELECT no_fee_breach + worker_paid_minor FROM cost_report ORDER BY id DESC LIMIT 1"), 0);
  static const struct {
    const char *zJson, *zPtr;
  } bad[] = {
    {"{\"source\":\"worker\",\"origin\":\"NPL\",\"destination\":\"NPL\",\"sex\":\"F\",\"reporting_currency\":\"QAR\","
     "\"earnings\":{\"amount\":1,\"currency\":\"QAR\"},\"items\":[]}", "/destination"},
    {"{\"source\":\"worker\",\"origin\":\"NPL\",\"destination\":\"QAT\",\"sex\":\"X\",\"reporting_currency\":\"QAR\","
     "\"earnings\":{\"amount\":1,\"currency\":\"QAR\"},\"items\":[]}", "/sex"},
    {"{\"source\":\"worker\",\"origin\":\"NPL\",\"destination\":\"QAT\",\"sex\":\"F\",\"reporting_currency\":\"XXX\","
     "\"earnings\":{\"amount\":1,\"currency\":\"QAR\"},\"items\":[]}", "/reporting_currency"},
    {"{\"source\":\"worker\",\"origin\":\"NPL\",\"destination\":\"QAT\",\"sex\":\"F\",\"reporting_currency\":\"QAR\","
     "\"earnings\":{\"amount\":0,\"currency\":\"QAR\"},\"items\":[]}", "/earnings/amount"},
    {"{\"source\":\"worker\",\"origin\":\"NPL\",\"destination\":\"QAT\",\"sex\":\"F\",\"reporting_currency\":\"QAR\","
     "\"earnings\":{\"amount\":1,\"currency\":\"QAR\"},\"items\":[{\"category\":\"bribe\",\"paid_by\":\"worker\","
     "\"amount\":1,\"currency\":\"QAR\"}]}", "/items/0/category"},
    {"{\"source\":\"worker\",\"origin\":\"NPL\",\"destination\":\"QAT\",\"sex\":\"F\",\"reporting_currency\":\"QAR\","
     "\"earnings\":{\"amount\":1,\"currency\":\"QAR\"},\"items\":[{\"category\":\"medical\",\"paid_by\":\"worker\","
     "\"amount\":1,\"currency\":\"NPR\"}]}", "/items/0/rate"},
    {"{\"source\":\"worker\",\"origin\":\"NPL\",\"destination\":\"QAT\",\"sex\":\"F\",\"reporting_currency\":\"QAR\","
     "\"earnings\":{\"amount\":1,\"currency\":\"QAR\"},\"items\":[{\"category\":\"medical\",\"paid_by\":\"family\","
     "\"amount\":1,\"currency\":\"QAR\"}]}", "/items/0/paid_by"},
    {"{\"source\":\"worker\",\"origin\":\"NPL\",\"destination\":\"QAT\",\"sex\":\"F\",\"isco\":\"9999\","
     "\"reporting_currency\":\"QAR\",\"earnings\":{\"amount\":1,\"currency\":\"QAR\"},\"items\":[]}", "/isco"},
    {"{\"source\":\"worker\",\"origin\":\"NPL\",\"destination\":\"QAT\",\"sex\":\"F\",\"agency\":{\"licence\":\"NO-1\"},"
     "\"reporting_currency\":\"QAR\",\"earnings\":{\"amount\":1,\"currency\":\"QAR\"},\"items\":[]}", "/agency/licence"},
    {"{\"sorce\":\"worker\"}", "/sorce"},
    {"{\"source\":\"worker\",\"origin\":\"NPL\",\"destination\":\"QAT\",\"sex\":\"F\",\"reporting_currency\":\"QAR\","
     "\"earnings\":{\"amount\":1,\"currency\":\"QAR\"},\"items\":[{\"category\":\"medical\",\"paid_by\":\"worker\","
     "\"amount\":\"9999999999999\",\"currency\":\"NPR\",\"rate\":999999999}]}", "/items/0/amount"},
  };
  int64_t n = count(f->s, "SELECT count(*) FROM cost_report");
  for (size_t i = 0; i < COUNT(bad); i++) {
    assert_int_equal(add(f, bad[i].zJson, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_string_equal(e.zWhere, bad[i].zPtr);
    err_clear(&e);
  }
  assert_int_equal(count(f->s, "SELECT count(*) FROM cost_report"), n);
}

/* Ten NPL->QAT reports with ratios 0, 0.1, ..., 0.9 (5 women, 5 men) and one
** PHL->SAU report: mean 0.45, median 0.45, P80 h = 9 x 0.8 = 7.2 -> 0.7 + 0.2 x 0.1 = 0.72. */
static void test_sdg(void **state) {
  Fixture *f = *state;
  Err e = ERR_INIT;
  Buf b;
  CostImportReport rep;
  buf_init(&b, BUF_UNBOUNDED);
  for (int i = 0; i < 10; i++)
    buf_printf(&b, "{\"id\":\"s%d\",\"source\":\"survey\",\"origin\":\"NPL\",\"destination\":\"QAT\",\"sex\":\"%s\","
                   "\"reporting_currency\":\"USD\",\"earnings\":{\"amount\":\"1000\",\"currency\":\"USD\"},\"items\":["
                   "{\"category\":\"recruitment_fee\",\"paid_by\":\"worker\",\"amount\":\"%d\",\"currency\":\"USD\"},"
                   "{\"category\":\"travel_lodging\",\"paid_by\":\"employer\",\"amount\":\"700\",\"currency\":\"USD\"}]}\n\n",
               i, i % 2 ? "M" : "F", i * 100);
  buf_puts(&b, "{\"id\":\"p1\",\"source\":\"survey\",\"origin\":\"PHL\",\"destination\":\"SAU\",\"sex\":\"F\","
               "\"reporting_currency\":\"USD\",\"earnings\":{\"amount\":\"500\",\"currency\":\"USD\"},\"items\":[]}\n");
  assert_int_equal(cost_import_mem(f->s, "s.jsonl", buf_cstr(&b), b.n, &rep, &e), 0);
  assert_int_equal(rep.nNew, 11);
  assert_int_equal(rep.nFlagged, 9);   /* s0 paid nothing */
  CostSdgOpts o;
  cost_sdg_opts_default(&o);
  json_t *j = cost_sdg(f->s, &o, &e), *c;
  assert_non_null(j);
  assert_int_equal(json_array_size(json_object_get(j, "cells")), 2);
  c = json_array_get(json_object_get(j, "cells"), 0);
  assert_string_equal(json_string_value(json_object_get(c, "origin")), "NPL");
  assert_int_equal(json_integer_value(json_object_get(c, "n")), 10);
  assert_false(json_is_true(json_object_get(c, "suppressed")));
  assert_true(fabs(json_real_value(json_object_get(c, "mean")) - 0.45) < 1e-9);
  assert_true(fabs(json_real_value(json_object_get(c, "median")) - 0.45) < 1e-9);
  assert_true(fabs(json_real_value(json_object_get(c, "p80")) - 0.72) < 1e-9);
  assert_true(fabs(json_real_value(json_object_get(c, "share_worker_paid")) - 0.9) < 1e-9);
  c = json_array_get(json_object_get(j, "cells"), 1);   /* PHL->SAU: never pooled, suppressed */
  assert_string_equal(json_string_value(json_object_get(c, "origin")), "PHL");
  assert_int_equal(json_integer_value(json_object_get(c, "n")), 1);
  assert_true(json_is_true(json_object_get(c, "suppressed")));
  assert_true(json_is_null(json_object_get(c, "mean")));
  assert_true(json_is_null(json_object_get(c, "p80")));
  json_decref(j);
  /* By sex, 5 each: suppressed at 10, published at 5 (women: 0, .2, .4, .6, .8). */
  assert_int_equal(cost_parse_by("corridor,sex", &o, &e), 0);
  j = cost_sdg(f->s, &o, &e);
  c = json_array_get(json_object_get(j, "cells"), 0);
  assert_string_equal(json_string_value(json_object_get(c, "sex")), "F");
  assert_true(json_is_true(json_object_get(c, "suppressed")));
  json_decref(j);
  o.minN = 5;
  j = cost_sdg(f->s, &o, &e);
  c = json_array_get(json_object_get(j, "cells"), 0);
  assert_true(fabs(json_real_value(json_object_get(c, "median")) - 0.4) < 1e-9);
  assert_true(fabs(json_real_value(json_object_get(c, "p80")) - 0.64) < 1e-9);   /* h = 3.2: .6 + .2 x .2 */
  json_decref(j);
  assert_int_equal(cost_parse_by("sex,colour", &o, &e), -1);
  assert_string_equal(e.zWhere, "by");
  err_clear(&e);
  /* Importing the same file again stores nothing new. */
  assert_int_equal(cost_import_mem(f->s, "s.jsonl", buf_cstr(&b), b.n, &rep, &e), 0);
  assert_int_equal(rep.nNew, 0);
  assert_int_equal(rep.nKnown, 11);
  buf_free(&b);
}

static void test_cost_import_errors(void **state) {
  Fixture *f = *state;
  Err e = ERR_INIT;
  CostImportReport rep;
  static const char zGood[] =
    "{\"source\":\"worker\",\"origin\":\"NPL\",\"destination\":\"QAT\",\"sex\":\"F\",\"reporting_currency\":\"QAR\","
    "\"earnings\":{\"amount\":1,\"currency\":\"QAR\"},\"items\":[]}\n";
  char *z = xasprintf("%s\n%s{\"source\":\"worker\"}\n", zGood, zGood);
  assert_int_equal(cost_import_mem(f->s, "c.jsonl", z, strlen(z), &rep, &e), -1);
  assert_true(str_startswith(e.zMsg, "c.jsonl:4:/origin"));
  err_clear(&e);
  free(z);
  z = xasprintf("%s{not json\n", zGood);
  assert_int_equal(cost_import_mem(f->s, "c.jsonl", z, strlen(z), &rep, &e), -1);
  assert_true(str_startswith(e.zMsg, "c.jsonl:2:"));
  err_clear(&e);
  free(z);
  z = xasprintf("{\"id\":\"a\",%s{\"id\":\"a\",%s", zGood + 1, zGood + 1);
  assert_int_equal(cost_import_mem(f->s, "c.jsonl", z, strlen(z), &rep, &e), -1);
  assert_true(str_startswith(e.zMsg, "c.jsonl:2:/id"));
  err_clear(&e);
  free(z);
  assert_int_equal(count(f->s, "SELECT count(*) FROM cost_report"), 0);
}

static void test_reviews(void **state) {
  Fixture *f = *state;
  Err e = ERR_INIT;
  AgencyImportReport rep;
  assert_int_equal(import(f, "list.csv", zList, &rep, &e), 0);
  json_t *j = json_loads("{\"agency\":{\"licence\":\"L-2\",\"country\":\"NPL\"},\"ratings\":{\"fees\":1,\"documents\":2},"
                         "\"text\":\"kept my passport\",\"lang\":\"en\"}", 0, NULL);
  int64_t id = review_submit(f->s, j, &e);
  json_decref(j);
  assert_true(id > 0);
  j = json_loads("{\"employer\":{\"name\":\"Acme\",\"country\":\"QAT\"},\"ratings\":{\"contract\":6}}", 0, NULL);
  assert_int_equal(review_submit(f->s, j, &e), -1);
  assert_string_equal(e.zWhere, "/ratings/contract");
  err_clear(&e);
  json_decref(j);
  j = json_loads("{\"ratings\":{\"fees\":3}}", 0, NULL);
  assert_int_equal(review_submit(f->s, j, &e), -1);
  assert_string_equal(e.zWhere, "/agency");
  err_clear(&e);
  json_decref(j);
  json_t *l = review_list(f->s, "published", "L-2", NULL, 10, NULL, "test", &e);
  assert_int_equal(json_array_size(json_object_get(l, "reviews")), 0);
  json_decref(l);
  l = review_list(f->s, "pending", NULL, NULL, 10, NULL, "test", &e);
  assert_int_equal(json_array_size(json_object_get(l, "reviews")), 1);
  json_decref(l);
  assert_int_equal(count(f->s, "SELECT count(*) FROM audit_log WHERE action = 'review.read'"), 1);
  assert_int_equal(review_moderate(f->s, id, true, "fine", NULL, "test", &e), 0);
  assert_int_equal(review_moderate(f->s, id, false, NULL, NULL, "test", &e), -1);
  assert_int_equal(e.code, ERR_CONFLICT);
  err_clear(&e);
  l = review_list(f->s, "published", "L-2", NULL, 10, NULL, "test", &e);
  json_t *r = json_array_get(json_object_get(l, "reviews"), 0);
  assert_string_equal(json_string_value(json_object_get(r, "text")), "kept my passport");
  assert_null(json_object_get(r, "moderator"));
  assert_int_equal(strlen(json_string_value(json_object_get(r, "submitted"))), 7);
  assert_true(fabs(json_real_value(json_object_get(json_object_get(l, "summary"), "fees")) - 1.0) < 1e-9);
  json_decref(l);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_normalize),
    cmocka_unit_test(test_similarity),
    cmocka_unit_test_setup_teardown(test_import_and_history, setup, teardown),
    cmocka_unit_test_setup_teardown(test_import_errors, setup, teardown),
    cmocka_unit_test_setup_teardown(test_check, setup, teardown),
    cmocka_unit_test(test_amounts),
    cmocka_unit_test(test_quantile),
    cmocka_unit_test_setup_teardown(test_cost_report, setup, teardown),
    cmocka_unit_test_setup_teardown(test_sdg, setup, teardown),
    cmocka_unit_test_setup_teardown(test_cost_import_errors, setup, teardown),
    cmocka_unit_test_setup_teardown(test_reviews, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
