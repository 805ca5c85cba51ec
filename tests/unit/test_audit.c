/* Unit tests: the hash-chained audit log (audit.c) and the key file (keys.c).
** Tampering is simulated the way an attacker with write access to the database
** file would do it: drop the append-only triggers, then edit, delete, insert or
** reorder rows with plain SQL. audit_verify must name each change. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "keys.h"
#include "store.h"
#include "util.h"
#include "testdb.h"

typedef struct Fixture {
  char zDir[64];
  char *zDb;
  Store *s;
} Fixture;

static int setup(void **state) {
  Fixture *f = xcalloc(1, sizeof *f);
  Err e = ERR_INIT;
  Principal who;
  if (testdb_open("audit", f->zDir, &f->zDb, &f->s)) return -1;
  memset(&who, 0, sizeof who);
  who.accountId = 0;
  who.role = ROLE_LABOUR_INSPECTOR;
  /* Five entries: seq 1..5. */
  for (int i = 1; i <= 5; i++) {
    char zObj[16];
    snprintf(zObj, sizeof zObj, "case-%d", i);
    if (audit(f->s, i % 2 ? NULL : &who, "case.read", zObj, "192.0.2.1", i == 3 ? NULL : "detail", &e)) {
      err_print(&e);
      return -1;
    }
  }
  *state = f;
  return 0;
}

static int teardown(void **state) {
  Fixture *f = *state;
  testdb_close(f->zDir, f->zDb, f->s);
  free(f);
  return 0;
}

static void untrigger(Fixture *f) {
  Err e = ERR_INIT;
  assert_int_equal(store_exec(f->s, "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete", &e), 0);
}

static void exec_ok(Fixture *f, const char *zSql) {
  Err e = ERR_INIT;
  if (store_exec(f->s, zSql, &e)) err_print(&e);
  assert_int_equal(e.code, ERR_OK);
}

/* Verify and return the report; the caller frees it. */
static void verify(Fixture *f, const char *zAnchor, AuditReport *p) {
  Err e = ERR_INIT;
  if (audit_verify(f->s, zAnchor, p, &e)) err_print(&e);
  assert_int_equal(e.code, ERR_OK);
}

static bool has_problem(const AuditReport *p, const char *zKind, int64_t seq) {
  for (int i = 0; i < p->nProblem && i < AUDIT_MAX_PROBLEMS; i++)
    if (strcmp(p->aProblem[i].zKind, zKind) == 0 && p->aProblem[i].seq == seq) return true;
  return false;
}

static void test_intact(void **state) {
  Fixture *f = *state;
  AuditReport r;
  struct stat st;
  char *zKey = keys_path(f->zDb);
  verify(f, NULL, &r);
  assert_int_equal(r.nProblem, 0);
  assert_int_equal(r.nEntries, 5);
  assert_int_equal(r.headSeq, 5);
  assert_int_equal(strlen(r.zHeadHash), 64);
  /* The key sits next to the database, readable by its owner only. */
  assert_int_equal(stat(zKey, &st), 0);
  assert_int_equal(st.st_mode & 0777, 0600);
  assert_int_equal(st.st_size, KEYS_BYTES);
  free(zKey);
  audit_report_free(&r);
  /* Roles are recorded: the operator (no principal) and the inspector. */
  assert_int_equal(store_int(f->s, "SELECT count(*) FROM audit_log WHERE role = 'operator'", -1), 3);
  assert_int_equal(store_int(f->s, "SELECT count(*) FROM audit_log WHERE role = 'labour_inspector'", -1), 2);
}

static void test_append_only(void **state) {
  Fixture *f = *state;
  Err e = ERR_INIT;
  assert_int_not_equal(store_exec(f->s, "UPDATE audit_log SET detail = 'x' WHERE seq = 2", &e), 0);
  assert_true(strstr(e.zMsg, "append-only") || (e.zDetail && strstr(e.zDetail, "append-only")));
  err_clear(&e);
  assert_int_not_equal(store_exec(f->s, "DELETE FROM audit_log WHERE seq = 5", &e), 0);
  err_clear(&e);
}

static void test_edited(void **state) {
  Fixture *f = *state;
  AuditReport r;
  untrigger(f);
  exec_ok(f, "UPDATE audit_log SET object = 'case-99' WHERE seq = 2");
  verify(f, NULL, &r);
  assert_int_equal(r.nProblem, 1);
  assert_true(has_problem(&r, "edited", 2));
  assert_non_null(strstr(r.aProblem[0].zText, "entry 2"));
  audit_report_free(&r);
}

/* Recomputing the hash is not possible without the key: even a consistent-looking
** edit that also replaces the hash with another entry's hash is caught. */
static void test_edited_with_copied_hash(void **state) {
  Fixture *f = *state;
  AuditReport r;
  untrigger(f);
  exec_ok(f, "UPDATE audit_log SET at = at + 1, hash = (SELECT hash FROM audit_log WHERE seq = 1) WHERE seq = 4");
  verify(f, NULL, &r);
  assert_true(has_problem(&r, "edited", 4));
  audit_report_free(&r);
}

static void test_deleted_middle(void **state) {
  Fixture *f = *state;
  AuditReport r;
  untrigger(f);
  exec_ok(f, "DELETE FROM audit_log WHERE seq = 3");
  verify(f, NULL, &r);
  assert_int_equal(r.nProblem, 1);
  assert_true(has_problem(&r, "deleted", 4));
  assert_non_null(strstr(r.aProblem[0].zText, "entry 3 is missing"));
  audit_report_free(&r);
}

/* Deleting an entry and renumbering the rest still breaks the hashes. */
static void test_deleted_renumbered(void **state) {
  Fixture *f = *state;
  AuditReport r;
  untrigger(f);
  exec_ok(f, "DELETE FROM audit_log WHERE seq = 3; UPDATE audit_log SET seq = seq - 1 WHERE seq > 3");
  verify(f, NULL, &r);
  assert_true(has_problem(&r, "edited", 3));
  assert_true(r.nProblem >= 2);
  audit_report_free(&r);
}

static void test_truncated(void **state) {
  Fixture *f = *state;
  AuditReport r;
  untrigger(f);
  exec_ok(f, "DELETE FROM audit_log WHERE seq >= 4");
  verify(f, NULL, &r);
  assert_int_equal(r.nProblem, 1);
  assert_true(has_problem(&r, "truncated", 5));
  audit_report_free(&r);
}

/* Swap the row ids of entries 2 and 3: same contents, other order. */
static void test_reordered(void **state) {
  Fixture *f = *state;
  AuditReport r;
  untrigger(f);
  exec_ok(f, "UPDATE audit_log SET id = 1000 WHERE seq = 2;"
             "UPDATE audit_log SET id = (SELECT min(id) FROM audit_log WHERE seq > 2) - 1 WHERE seq = 3;"
             "UPDATE audit_log SET id = (SELECT id FROM audit_log WHERE seq = 3) + 1 WHERE seq = 2;");
  verify(f, NULL, &r);
  /* Seen in id order the log reads 1, 3, 2, 4, 5: 2 missing before 3, 2 after 3,
  ** and 4 not chained onto 3. */
  assert_int_equal(r.nProblem, 3);
  assert_true(has_problem(&r, "deleted", 3));
  assert_true(has_problem(&r, "reordered", 2));
  assert_true(has_problem(&r, "replaced", 4));
  audit_report_free(&r);
}

static void test_inserted(void **state) {
  Fixture *f = *state;
  AuditReport r;
  exec_ok(f, "INSERT INTO audit_log(at, action, object) VALUES(0, 'case.read', 'forged')");
  verify(f, NULL, &r);
  assert_int_equal(r.nProblem, 1);
  assert_string_equal(r.aProblem[0].zKind, "inserted");
  audit_report_free(&r);
}

/* A forged entry with the next sequence number and a made-up hash. */
static void test_forged_next(void **state) {
  Fixture *f = *state;
  AuditReport r;
  exec_ok(f, "INSERT INTO audit_log(seq, at, role, action, object, prev_hash, hash)"
             " SELECT 6, 0, 'admin', 'case.read', 'x', hash, hash FROM audit_log WHERE seq = 5");
  verify(f, NULL, &r);
  assert_true(has_problem(&r, "edited", 6));
  assert_true(has_problem(&r, "inserted", 6));
  audit_report_free(&r);
}

static void test_anchor(void **state) {
  Fixture *f = *state;
  AuditReport r;
  char *zAnchor;
  Err e = ERR_INIT;
  verify(f, NULL, &r);
  zAnchor = xasprintf("%lld:%s", (long long)r.headSeq, r.zHeadHash);
  audit_report_free(&r);
  verify(f, zAnchor, &r);
  assert_int_equal(r.nProblem, 0);
  audit_report_free(&r);
  /* The attacker deletes the tail and rewrites the recorded head consistently:
  ** only the anchor kept elsewhere shows it. */
  untrigger(f);
  exec_ok(f, "DELETE FROM audit_log WHERE seq = 5;"
             "UPDATE meta SET value = (SELECT seq || ':' || hash FROM audit_log WHERE seq = 4) WHERE key = 'audit_head'");
  verify(f, NULL, &r);
  assert_int_equal(r.nProblem, 0);
  audit_report_free(&r);
  verify(f, zAnchor, &r);
  assert_true(has_problem(&r, "anchor", 5));
  audit_report_free(&r);
  assert_int_equal(audit_verify(f->s, "5:nothex", &r, &e), -1);
  assert_int_equal(e.code, ERR_USAGE);
  err_clear(&e);
  free(zAnchor);
}

static void test_wrong_key(void **state) {
  Fixture *f = *state;
  AuditReport r;
  Err e = ERR_INIT;
  char *zKey = keys_path(f->zDb);
  FILE *fp = fopen(zKey, "wb");
  assert_non_null(fp);
  for (int i = 0; i < KEYS_BYTES; i++) fputc(i, fp);
  fclose(fp);
  assert_int_equal(audit_verify(f->s, NULL, &r, &e), -1);
  assert_int_equal(e.code, ERR_CONFLICT);
  assert_non_null(strstr(e.zMsg, "not the one"));
  err_clear(&e);
  /* Writing with the wrong key is refused too: the chain would break. */
  assert_int_equal(audit(f->s, NULL, "x", NULL, NULL, NULL, &e), -1);
  err_clear(&e);
  /* A missing key file is an error naming it, not a new key. */
  unlink(zKey);
  assert_int_equal(audit_verify(f->s, NULL, &r, &e), -1);
  assert_int_equal(e.code, ERR_IO);
  assert_non_null(strstr(e.zMsg, zKey));
  err_clear(&e);
  free(zKey);
}

static void test_list(void **state) {
  Fixture *f = *state;
  Err e = ERR_INIT;
  json_t *a = audit_list_json(f->s, 2, NULL, &e);
  assert_non_null(a);
  assert_int_equal(json_array_size(a), 2);
  assert_int_equal(json_integer_value(json_object_get(json_array_get(a, 0), "seq")), 5);
  json_decref(a);
  a = audit_list_json(f->s, 100, "case.", &e);
  assert_int_equal(json_array_size(a), 5);
  json_decref(a);
  /* LIKE wildcards typed by the user are literal. */
  a = audit_list_json(f->s, 100, "case_read", &e);
  assert_int_equal(json_array_size(a), 0);
  json_decref(a);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_intact, setup, teardown),
    cmocka_unit_test_setup_teardown(test_append_only, setup, teardown),
    cmocka_unit_test_setup_teardown(test_edited, setup, teardown),
    cmocka_unit_test_setup_teardown(test_edited_with_copied_hash, setup, teardown),
    cmocka_unit_test_setup_teardown(test_deleted_middle, setup, teardown),
    cmocka_unit_test_setup_teardown(test_deleted_renumbered, setup, teardown),
    cmocka_unit_test_setup_teardown(test_truncated, setup, teardown),
    cmocka_unit_test_setup_teardown(test_reordered, setup, teardown),
    cmocka_unit_test_setup_teardown(test_inserted, setup, teardown),
    cmocka_unit_test_setup_teardown(test_forged_next, setup, teardown),
    cmocka_unit_test_setup_teardown(test_anchor, setup, teardown),
    cmocka_unit_test_setup_teardown(test_wrong_key, setup, teardown),
    cmocka_unit_test_setup_teardown(test_list, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
