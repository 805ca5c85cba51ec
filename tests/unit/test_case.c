/* Unit tests: complaints and cases (case.c), the firewall's per-case rule
** (policy_check_case) and encryption at rest with blind indexes (pii.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "case.h"
#include "pii.h"
#include "store.h"
#include "util.h"
#include "testdb.h"

typedef struct Fixture {
  char zDir[64];
  char *zDb;
  Store *s;
  Principal insp, insp2, migrant, imm, admin, pub;
} Fixture;

static int setup(void **state) {
  Fixture *f = xcalloc(1, sizeof *f);
  Err e = ERR_INIT;
  if (testdb_open("case", f->zDir, &f->zDb, &f->s)) return -1;
  /* Reference codes the intake checks, and the accounts (no password needed). */
  if (store_exec(f->s,
                 "INSERT INTO language(alpha2, alpha3, name_en) VALUES('en','eng','English'),('fr','fra','French');"
                 "INSERT INTO currency(code, numeric, name_en) VALUES('USD','840','US Dollar');"
                 "INSERT INTO account(id, username, role, password_hash, created_at) VALUES"
                 " (1,'insp','labour_inspector','x',0),(2,'insp2','labour_inspector','x',0),"
                 " (3,'mig','migrant','x',0),(4,'imm','immigration_officer','x',0),(5,'adm','admin','x',0);",
                 &e)) {
    err_print(&e);
    return -1;
  }
  f->insp = test_who(1, ROLE_LABOUR_INSPECTOR, "insp");
  f->insp2 = test_who(2, ROLE_LABOUR_INSPECTOR, "insp2");
  f->migrant = test_who(3, ROLE_MIGRANT, "mig");
  f->imm = test_who(4, ROLE_IMMIGRATION_OFFICER, "imm");
  f->admin = test_who(5, ROLE_ADMIN, "adm");
  f->pub = test_who(0, ROLE_PUBLIC, "");
  *state = f;
  return 0;
}

static int teardown(void **state) {
  Fixture *f = *state;
  testdb_close(f->zDir, f->zDb, f->s);
  free(f);
  return 0;
}

static json_t *complaint(const char *zExtra) {
  char *z = xasprintf("{\"category\": \"unpaid_wages\", \"language\": \"en\", \"description\": \"Not paid since May.\"%s}",
                      zExtra ? zExtra : "");
  json_t *j = json_loads(z, 0, NULL);
  free(z);
  assert_non_null(j);
  return j;
}

/* File a complaint as `by`; returns the id, the receipt in zReceipt. */
static int64_t file(Fixture *f, const Principal *by, const char *zExtra, char zReceipt[24]) {
  Err e = ERR_INIT;
  json_t *jIn = complaint(zExtra), *j = case_file(f->s, by, "203.0.113.9", jIn, &e);
  int64_t id;
  if (!j) err_print(&e);
  assert_non_null(j);
  id = json_integer_value(json_object_get(j, "id"));
  if (zReceipt) snprintf(zReceipt, 24, "%s", json_string_value(json_object_get(j, "receipt")));
  json_decref(jIn);
  json_decref(j);
  return id;
}

static json_t *act(Fixture *f, const Principal *by, int64_t id, const char *zJson, Err *e) {
  json_t *jIn = json_loads(zJson, 0, NULL), *j;
  assert_non_null(jIn);
  j = case_act(f->s, by, id, jIn, NULL, e);
  json_decref(jIn);
  return j;
}

/* The firewall, cell by cell: who may read, update, assign a case assigned to
** inspector 1 and filed by the migrant (3). */
static void test_policy_check_case(void **state) {
  Fixture *f = *state;
  CaseAccess c = {.assignedTo = 1, .filedBy = 3};
  CaseAccess un = {.assignedTo = 0, .filedBy = 0};
  struct {
    const Principal *p;
    const char *zAction;
    const CaseAccess *c;
    int want;
  } aCell[] = {
    {&f->insp, "case.read", &c, 0},       {&f->insp, "case.update", &c, 0},      {&f->insp, "case.assign", &c, 0},
    {&f->insp2, "case.read", &c, -1},     {&f->insp2, "case.update", &c, -1},    {&f->insp2, "case.assign", &c, -1},
    {&f->insp2, "case.assign", &un, 0},   {&f->insp2, "case.read", &un, -1},     {&f->migrant, "case.read", &c, 0},
    {&f->migrant, "case.update", &c, -1}, {&f->migrant, "case.read", &un, -1},   {&f->imm, "case.read", &c, -1},
    {&f->imm, "case.read", &un, -1},      {&f->imm, "case.assign", &un, -1},     {&f->admin, "case.read", &c, -1},
    {&f->admin, "case.update", &c, -1},   {&f->pub, "case.read", &un, -1},
  };
  for (size_t i = 0; i < sizeof aCell / sizeof aCell[0]; i++) {
    Err e = ERR_INIT;
    int rc = policy_check_case(aCell[i].zAction, aCell[i].p, aCell[i].c, &e);
    if (rc != aCell[i].want) fail_msg("cell %zu: %s as %s gave %d", i, aCell[i].zAction, aCell[i].p->zUsername, rc);
    err_clear(&e);
  }
  /* Even an immigration officer's own filing (an account id that matches) is refused. */
  {
    CaseAccess own = {.assignedTo = 0, .filedBy = 4};
    Err e = ERR_INIT;
    assert_int_equal(policy_check_case("case.read", &f->imm, &own, &e), -1);
    err_clear(&e);
  }
}

static void test_pii(void **state) {
  Fixture *f = *state;
  Pii p;
  Err e = ERR_INIT;
  char a[33], b[33], c[33];
  int n;
  uint8_t *pBox;
  char *z;
  assert_int_equal(pii_open(f->s, 1, &p, &e), 0);
  z = pii_normalise("  Öztürk-ŞAHIN, Ａｙşe 12 ");
  assert_string_equal(z, "ozturksahinayse12");
  free(z);
  pii_blind_index(&p, "passport", "P 12-345", a);
  pii_blind_index(&p, "passport", "p12345", b);
  pii_blind_index(&p, "phone", "p12345", c);
  assert_string_equal(a, b);
  assert_string_not_equal(a, c);   /* the kind separates passport from phone */
  assert_int_equal(strlen(a), 32);
  pii_blind_index(&p, "name", " - ", a);
  assert_string_equal(a, "");
  pBox = pii_seal(&p, "Zainab", &n);
  assert_null(memmem(pBox, (size_t)n, "Zainab", 6));
  z = pii_open_text(&p, pBox, n, &e);
  assert_string_equal(z, "Zainab");
  free(z);
  pBox[n - 1] ^= 1;   /* altered ciphertext is refused, not returned */
  assert_null(pii_open_text(&p, pBox, n, &e));
  assert_int_equal(e.code, ERR_DB);
  err_clear(&e);
  assert_null(pii_open_text(&p, pBox, 10, &e));
  err_clear(&e);
  free(pBox);
  pii_close(&p);
}

static void test_file_track_and_encryption(void **state) {
  Fixture *f = *state;
  char zReceipt[24], zLoose[40];
  Err e = ERR_INIT;
  int64_t id = file(f, &f->pub, ", \"anonymous\": false, \"complainant\": {\"name\": \"Zainab Q\", \"passport\": "
                              "\"PX1234567\"}, \"employer\": {\"name\": \"Casa Vanterpool\"}", zReceipt);
  json_t *j;
  assert_int_equal(id, 1);
  /* Nothing identifying is stored in clear. */
  assert_int_equal(store_int(f->s, "SELECT count(*) FROM complaint WHERE CAST(pii AS TEXT) LIKE '%Zainab%'"
                                   " OR CAST(pii AS TEXT) LIKE '%Vanterpool%'", -1), 0);
  assert_int_equal(store_int(f->s, "SELECT count(*) FROM complaint WHERE name_bidx IS NOT NULL AND passport_bidx IS "
                                   "NOT NULL AND phone_bidx IS NULL", -1), 1);
  /* Loosely typed receipt: lower case, spaces, O for 0 and I/L for 1. */
  snprintf(zLoose, sizeof zLoose, "%s", zReceipt);
  for (char *c = zLoose; *c; c++) {
    if (*c == '-') *c = ' ';
    else if (*c == '0') *c = 'o';
    else if (*c == '1') *c = 'l';
    else if (*c >= 'A' && *c <= 'Z') *c = (char)(*c - 'A' + 'a');
  }
  j = case_track(f->s, zLoose, NULL, &e);
  assert_non_null(j);
  assert_string_equal(json_string_value(json_object_get(j, "state")), "received");
  assert_string_equal(json_string_value(json_object_get(json_object_get(j, "complainant"), "passport")), "******567");
  json_decref(j);
  assert_null(case_track(f->s, "0000-0000-0000-0000", NULL, &e));
  assert_int_equal(e.code, ERR_NOT_FOUND);
  err_clear(&e);
  /* Every access is audited, with the case number and never the identity. */
  assert_int_equal(store_int(f->s, "SELECT count(*) FROM audit_log WHERE action IN ('case.file','case.track')"
                                   " AND object = 'C-000001'", -1), 2);
  assert_int_equal(store_int(f->s, "SELECT count(*) FROM audit_log WHERE detail LIKE '%Zainab%'", -1), 0);
}

static void test_intake_errors(void **state) {
  Fixture *f = *state;
  static const struct {
    const char *zJson, *zPtr;
  } a[] = {
    {"[]", ""},
    {"{\"category\": \"x\", \"language\": \"en\", \"description\": \"d\"}", "/category"},
    {"{\"category\": \"other\", \"language\": \"en\", \"description\": \"   \"}", "/description"},
    {"{\"category\": \"other\", \"language\": \"de\", \"description\": \"d\"}", "/language"},
    {"{\"category\": \"other\", \"language\": \"en\", \"description\": \"d\", \"occurred_from\": \"2025-02-29\"}",
     "/occurred_from"},
    {"{\"category\": \"other\", \"language\": \"en\", \"description\": \"d\", \"occurred_from\": \"2025-03-02\","
     " \"occurred_to\": \"2025-03-01\"}", "/occurred_to"},
    {"{\"category\": \"other\", \"language\": \"en\", \"description\": \"d\", \"extra\": 1}", "/extra"},
    {"{\"category\": \"other\", \"language\": \"en\", \"description\": \"d\", \"contact\": {\"method\": \"fax\"}}",
     "/contact/method"},
    {"{\"category\": \"other\", \"language\": \"en\", \"description\": 5}", "/description"},
  };
  for (size_t i = 0; i < sizeof a / sizeof a[0]; i++) {
    Err e = ERR_INIT;
    json_t *jIn = json_loads(a[i].zJson, 0, NULL);
    assert_null(case_file(f->s, &f->pub, NULL, jIn, &e));
    assert_int_equal(e.code, ERR_INVALID);
    assert_string_equal(e.zWhere ? e.zWhere : "", a[i].zPtr);
    err_clear(&e);
    json_decref(jIn);
  }
  /* Nothing was stored and nothing audited by the refused filings. */
  assert_int_equal(store_int(f->s, "SELECT count(*) FROM complaint", -1), 0);
  assert_int_equal(store_int(f->s, "SELECT count(*) FROM audit_log WHERE action = 'case.file'", -1), 0);
}

static void test_workflow(void **state) {
  Fixture *f = *state;
  Err e = ERR_INIT;
  int64_t id = file(f, &f->migrant, NULL, NULL);
  json_t *j;
  /* The queue shows the case without identities; reading it needs the assignment. */
  j = case_queue(f->s, &f->insp, NULL, &e);
  assert_int_equal(json_array_size(json_object_get(j, "unassigned")), 1);
  assert_null(json_object_get(json_array_get(json_object_get(j, "unassigned"), 0), "description"));
  json_decref(j);
  assert_null(case_get(f->s, &f->insp, id, NULL, &e));
  assert_int_equal(e.code, ERR_FORBIDDEN);
  err_clear(&e);
  assert_int_equal(store_int(f->s, "SELECT count(*) FROM audit_log WHERE action = 'case.read.denied'", -1), 1);
  /* The migrant who filed it reads it. */
  j = case_get(f->s, &f->migrant, id, NULL, &e);
  assert_non_null(j);
  json_decref(j);
  /* Transitions before assignment are refused; assign; then the workflow. */
  assert_null(act(f, &f->insp, id, "{\"action\": \"transition\", \"state\": \"resolved\"}", &e));
  assert_int_equal(e.code, ERR_FORBIDDEN);
  err_clear(&e);
  j = act(f, &f->insp, id, "{\"action\": \"assign\", \"to\": \"insp\"}", &e);
  assert_string_equal(json_string_value(json_object_get(j, "state")), "assigned");
  json_decref(j);
  assert_null(act(f, &f->insp2, id, "{\"action\": \"note\", \"note\": \"x\"}", &e));
  assert_int_equal(e.code, ERR_FORBIDDEN);
  err_clear(&e);
  assert_null(act(f, &f->insp, id, "{\"action\": \"assign\", \"to\": \"mig\"}", &e));
  assert_string_equal(e.zWhere, "/to");
  err_clear(&e);
  assert_null(act(f, &f->insp, id, "{\"action\": \"transition\", \"state\": \"assigned\"}", &e));
  assert_int_equal(e.code, ERR_CONFLICT);
  err_clear(&e);
  j = act(f, &f->insp, id, "{\"action\": \"note\", \"note\": \"internal\"}", &e);
  json_decref(j);
  j = act(f, &f->insp, id, "{\"action\": \"transition\", \"state\": \"resolved\", \"note\": \"paid\", \"visible\": true,"
                           " \"amount_recovered\": \"250\", \"currency\": \"USD\", \"outcome\": \"Wages paid\"}", &e);
  assert_non_null(j);
  assert_string_equal(json_string_value(json_object_get(json_object_get(j, "amount_recovered"), "amount")), "250.00");
  json_decref(j);
  assert_null(act(f, &f->insp, id, "{\"action\": \"transition\", \"state\": \"referred\"}", &e));
  assert_int_equal(e.code, ERR_CONFLICT);
  err_clear(&e);
  /* The complainant's account sees the visible note, the inspector both. */
  j = case_get(f->s, &f->insp, id, NULL, &e);
  assert_int_equal(json_array_size(json_object_get(j, "events")), 4);
  json_decref(j);
  /* Handing the case to inspector 2 ends inspector 1's access. */
  j = act(f, &f->insp, id, "{\"action\": \"assign\", \"to\": \"insp2\"}", &e);
  assert_string_equal(json_string_value(json_object_get(j, "assigned_to")), "insp2");
  assert_null(json_object_get(j, "description"));
  json_decref(j);
  assert_null(case_get(f->s, &f->insp, id, NULL, &e));
  err_clear(&e);
  j = case_get(f->s, &f->insp2, id, NULL, &e);
  assert_non_null(j);
  json_decref(j);
}

static void test_refer_withholds_identity(void **state) {
  Fixture *f = *state;
  Err e = ERR_INIT;
  int64_t id = file(f, &f->pub, ", \"anonymous\": false, \"complainant\": {\"name\": \"Ana Referral\", \"phone\": "
                                "\"+34 600 000 000\"}, \"contact\": {\"method\": \"phone\"}", NULL);
  json_t *j = act(f, &f->insp, id, "{\"action\": \"assign\", \"to\": \"insp\"}", &e), *jRef;
  char *z;
  json_decref(j);
  assert_null(act(f, &f->insp, id, "{\"action\": \"refer\", \"country\": \"ZZZ\"}", &e));
  err_clear(&e);
  store_exec(f->s, "INSERT INTO country(alpha2, alpha3, numeric, name_en) VALUES('PH', 'PHL', '608', 'Philippines')", &e);
  j = act(f, &f->insp, id, "{\"action\": \"refer\", \"country\": \"PHL\"}", &e);
  if (!j) err_print(&e);
  assert_non_null(j);
  jRef = json_object_get(j, "referral");
  z = json_dumps(jRef, 0);
  assert_null(strstr(z, "Ana Referral"));
  assert_null(strstr(z, "600 000"));
  assert_non_null(strstr(z, "Not paid since May."));
  free(z);
  json_decref(j);
}

static void test_search_only_own_cases(void **state) {
  Fixture *f = *state;
  Err e = ERR_INIT;
  int64_t a = file(f, &f->pub, ", \"anonymous\": false, \"complainant\": {\"passport\": \"AB 123456\"}", NULL);
  int64_t b = file(f, &f->pub, ", \"anonymous\": false, \"complainant\": {\"passport\": \"ab123456\"}", NULL);
  json_t *j = act(f, &f->insp, a, "{\"action\": \"assign\", \"to\": \"insp\"}", &e);
  json_decref(j);
  j = act(f, &f->insp2, b, "{\"action\": \"assign\", \"to\": \"insp2\"}", &e);
  json_decref(j);
  j = case_search(f->s, &f->insp, "passport", "Ab-123-456", NULL, &e);
  assert_int_equal(json_array_size(json_object_get(j, "cases")), 1);
  json_decref(j);
  assert_null(case_search(f->s, &f->imm, "passport", "AB123456", NULL, &e));
  assert_int_equal(e.code, ERR_FORBIDDEN);
  err_clear(&e);
  /* The audit entry names the kind of identifier, never the value. */
  assert_int_equal(store_int(f->s, "SELECT count(*) FROM audit_log WHERE action = 'case.search' AND object = "
                                   "'passport' AND coalesce(detail, '') NOT LIKE '%123456%'", -1), 1);
}

static void test_escalation_and_stats(void **state) {
  Fixture *f = *state;
  Err e = ERR_INIT;
  int n;
  json_t *j;
  for (int i = 0; i < 6; i++) file(f, &f->pub, NULL, NULL);
  file(f, &f->pub, NULL, NULL);
  store_exec(f->s, "UPDATE complaint SET category = 'harassment' WHERE id = 7", &e);
  /* Received cases have 5 days: nothing is due now, all of them in 6 days. */
  assert_int_equal(case_escalate(f->s, now_seconds(), &n, &e), 0);
  assert_int_equal(n, 0);
  assert_int_equal(case_escalate(f->s, now_seconds() + 6 * 86400, &n, &e), 0);
  assert_int_equal(n, 7);
  assert_int_equal(case_escalate(f->s, now_seconds() + 7 * 86400, &n, &e), 0);
  assert_int_equal(n, 0);   /* once only */
  /* 6 unpaid_wages and 1 harassment: the lone small cell would be recoverable
  ** from the total, so the other cell is suppressed too. */
  j = case_stats(f->s, "category", 5, &e);
  assert_non_null(j);
  assert_true(json_is_null(json_object_get(json_array_get(json_object_get(j, "cells"), 0), "count")));
  assert_true(json_is_null(json_object_get(json_array_get(json_object_get(j, "cells"), 1), "count")));
  assert_int_equal(json_integer_value(json_object_get(j, "total")), 7);
  json_decref(j);
  j = case_stats(f->s, "category", 1, &e);
  assert_int_equal(json_integer_value(json_object_get(json_array_get(json_object_get(j, "cells"), 1), "count")), 6);
  json_decref(j);
  assert_null(case_stats(f->s, "complainant", 5, &e));
  err_clear(&e);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_policy_check_case, setup, teardown),
    cmocka_unit_test_setup_teardown(test_pii, setup, teardown),
    cmocka_unit_test_setup_teardown(test_file_track_and_encryption, setup, teardown),
    cmocka_unit_test_setup_teardown(test_intake_errors, setup, teardown),
    cmocka_unit_test_setup_teardown(test_workflow, setup, teardown),
    cmocka_unit_test_setup_teardown(test_refer_withholds_identity, setup, teardown),
    cmocka_unit_test_setup_teardown(test_search_only_own_cases, setup, teardown),
    cmocka_unit_test_setup_teardown(test_escalation_and_stats, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
