/* Unit tests: case notifications (notify.c): what each case event queues, for
** whom and in which language; that anonymous complainants and those who did not
** choose email or phone get nothing; that texts carry no notes or other people's
** data; retry with backoff until failed; who may list the outbox. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case.h"
#include "notify.h"
#include "pii.h"
#include "store.h"
#include "util.h"
#include "testdb.h"

typedef struct Fixture {
  char zDir[64];
  char *zDb;
  Store *s;
  Principal insp, insp2, migrant, imm, admin, sys;
} Fixture;

static int setup(void **state) {
  Fixture *f = xcalloc(1, sizeof *f);
  Err e = ERR_INIT;
  if (testdb_open("notify", f->zDir, &f->zDb, &f->s)) return -1;
  /* insp has an email, insp2 none; one administrator with an email, one without. */
  if (store_exec(f->s,
                 "INSERT INTO language(alpha2, alpha3, name_en) VALUES('en','eng','English'),('fr','fra','French'),"
                 " ('es','spa','Spanish'),('tl','tgl','Tagalog');"
                 "INSERT INTO account(id, username, role, password_hash, created_at, email) VALUES"
                 " (1,'insp','labour_inspector','x',0,'insp@labour.example.gov'),"
                 " (2,'insp2','labour_inspector','x',0,NULL),"
                 " (3,'mig','migrant','x',0,NULL),(4,'imm','immigration_officer','x',0,'imm@example.gov'),"
                 " (5,'adm','admin','x',0,'chief@labour.example.gov'),(6,'adm2','admin','x',0,NULL);",
                 &e)) {
    err_print(&e);
    return -1;
  }
  f->insp = test_who(1, ROLE_LABOUR_INSPECTOR, "insp");
  f->insp2 = test_who(2, ROLE_LABOUR_INSPECTOR, "insp2");
  f->migrant = test_who(3, ROLE_MIGRANT, "mig");
  f->imm = test_who(4, ROLE_IMMIGRATION_OFFICER, "imm");
  f->admin = test_who(5, ROLE_ADMIN, "adm");
  notify_system_principal(&f->sys);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  Fixture *f = *state;
  testdb_close(f->zDir, f->zDb, f->s);
  free(f);
  return 0;
}

/* File a complaint: the common fields plus zExtra (JSON members with a leading
** comma). Returns the id; the receipt into zReceipt when given. */
static int64_t file(Fixture *f, const char *zLang, const char *zExtra, char zReceipt[24]) {
  Err e = ERR_INIT;
  char *z = xasprintf("{\"category\": \"unpaid_wages\", \"language\": \"%s\", \"description\": \"Not paid since May. "
                      "SECRET-DESCRIPTION\", \"employer\": {\"name\": \"Employer Vantablack\"}%s}",
                      zLang, zExtra ? zExtra : "");
  json_t *jIn = json_loads(z, 0, NULL), *j;
  int64_t id;
  free(z);
  assert_non_null(jIn);
  j = case_file(f->s, NULL, "203.0.113.9", jIn, &e);
  if (!j) err_print(&e);
  assert_non_null(j);
  id = json_integer_value(json_object_get(j, "id"));
  if (zReceipt) snprintf(zReceipt, 24, "%s", json_string_value(json_object_get(j, "receipt")));
  json_decref(jIn);
  json_decref(j);
  return id;
}

static void act(Fixture *f, const Principal *by, int64_t id, const char *zJson) {
  Err e = ERR_INIT;
  json_t *jIn = json_loads(zJson, 0, NULL), *j;
  assert_non_null(jIn);
  j = case_act(f->s, by, id, jIn, NULL, &e);
  if (!j) err_print(&e);
  assert_non_null(j);
  json_decref(j);
  json_decref(jIn);
}

static int64_t count(Fixture *f, const char *zSql) { return store_int(f->s, zSql, -1); }

/* One outbox row, decrypted: {recipient, channel, language, event, state, address, params}. */
static json_t *row(Fixture *f, int64_t id) {
  Err e = ERR_INIT;
  Pii pii;
  Stmt *q = store_prepare(f->s, "SELECT recipient, channel, language, event, state, address, params FROM outbox"
                                " WHERE id = :id", &e);
  json_t *j;
  char *zAddr, *zParams = NULL;
  const void *p;
  int n;
  assert_non_null(q);
  assert_int_equal(pii_open(f->s, 0, &pii, &e), 0);
  stmt_bind_int(q, ":id", id);
  assert_int_equal(stmt_step(q, &e), 1);
  p = stmt_blob(q, 5, &n);
  zAddr = pii_open_text(&pii, p, n, &e);
  assert_non_null(zAddr);
  if (!stmt_is_null(q, 6)) {
    p = stmt_blob(q, 6, &n);
    zParams = pii_open_text(&pii, p, n, &e);
  }
  j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "recipient", stmt_text(q, 0), "channel", stmt_text(q, 1),
                "language", stmt_text(q, 2), "event", stmt_text(q, 3), "state", stmt_text(q, 4), "address", zAddr);
  json_object_set_new(j, "params", zParams ? json_loads(zParams, 0, NULL) : json_null());
  free(zAddr);
  free(zParams);
  stmt_finalize(q);
  pii_close(&pii);
  return j;
}

static const char *js(json_t *o, const char *zKey) { return json_string_value(json_object_get(o, zKey)); }

static void render(json_t *jRow, const char *zPublic, char **pzSubject, char **pzText) {
  NotifyConfig cfg;
  Err e = ERR_INIT;
  notify_config_default(&cfg);
  if (zPublic) cfg.zPublicUrl = zPublic;
  if (notify_render(&cfg, js(jRow, "event"), js(jRow, "recipient"), js(jRow, "language"),
                    json_object_get(jRow, "params"), pzSubject, pzText, &e))
    err_print(&e);
  assert_non_null(*pzText);
}

/* Nothing about the complainant but the case number, and nothing of the case. */
static const char *const azSecret[] = {"Amina", "Quorvath", "PQ1234567", "SECRET-DESCRIPTION", "Vantablack",
                                       "SECRET-NOTE", "amina@example.org", "555", NULL};

static void assert_clean(const char *zText) {
  for (int i = 0; azSecret[i]; i++)
    if (strstr(zText, azSecret[i])) fail_msg("the message contains %s: %s", azSecret[i], zText);
}

#define IDENTIFIED ", \"anonymous\": false, \"complainant\": {\"name\": \"Amina Quorvath\", \"email\": " \
                   "\"amina@example.org\", \"passport\": \"PQ1234567\", \"phone\": \"+63 917 555 0101\"}"

static void test_received_goes_to_complainant_who_chose_email(void **state) {
  Fixture *f = *state;
  char zReceipt[24], *zSubject, *zText;
  json_t *j;
  file(f, "fr", IDENTIFIED ", \"contact\": {\"method\": \"email\"}", zReceipt);
  assert_int_equal(count(f, "SELECT count(*) FROM outbox"), 1);
  j = row(f, 1);
  assert_string_equal(js(j, "recipient"), "complainant");
  assert_string_equal(js(j, "channel"), "email");
  assert_string_equal(js(j, "language"), "fr");
  assert_string_equal(js(j, "event"), "received");
  assert_string_equal(js(j, "state"), "queued");
  assert_string_equal(js(j, "address"), "amina@example.org");
  assert_string_equal(js(json_object_get(j, "params"), "receipt"), zReceipt);
  render(j, "https://lmis.example.gov/", &zSubject, &zText);
  assert_non_null(strstr(zText, zReceipt));
  assert_non_null(strstr(zText, "https://lmis.example.gov/complaint/track"));
  assert_non_null(strstr(zSubject, "C-000001"));
  assert_clean(zText);
  assert_clean(zSubject);
  free(zSubject);
  free(zText);
  json_decref(j);
  /* The receipt code is not in the database in clear. */
  {
    char *zSql = xasprintf("SELECT count(*) FROM outbox WHERE instr(CAST(params AS TEXT), '%s') > 0", zReceipt);
    assert_int_equal(count(f, zSql), 0);
    free(zSql);
  }
}

static void test_phone_contact_gets_sms_and_detail_wins(void **state) {
  Fixture *f = *state;
  json_t *j;
  file(f, "es", IDENTIFIED ", \"contact\": {\"method\": \"phone\", \"detail\": \"(+34) 600-11-22-33\"}", NULL);
  file(f, "es", IDENTIFIED ", \"contact\": {\"method\": \"phone\"}", NULL);
  assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE channel = 'sms'"), 2);
  j = row(f, 1);
  assert_string_equal(js(j, "address"), "+34600112233");
  assert_string_equal(js(j, "language"), "es");
  json_decref(j);
  j = row(f, 2);
  assert_string_equal(js(j, "address"), "+639175550101");
  json_decref(j);
}

static void test_nothing_without_consent_or_identity(void **state) {
  Fixture *f = *state;
  /* anonymous; no contact method; none; post; in person */
  file(f, "en", NULL, NULL);
  file(f, "en", ", \"anonymous\": true, \"contact\": {\"method\": \"email\", \"detail\": \"anon@example.org\"}", NULL);
  file(f, "en", IDENTIFIED, NULL);
  file(f, "en", IDENTIFIED ", \"contact\": {\"method\": \"none\"}", NULL);
  file(f, "en", IDENTIFIED ", \"contact\": {\"method\": \"post\", \"detail\": \"1 Main Street\"}", NULL);
  file(f, "en", IDENTIFIED ", \"contact\": {\"method\": \"in_person\"}", NULL);
  assert_int_equal(count(f, "SELECT count(*) FROM outbox"), 0);
  /* Anonymous cases get nothing later either. */
  act(f, &f->insp, 2, "{\"action\": \"assign\", \"to\": \"insp\"}");
  act(f, &f->insp, 2, "{\"action\": \"transition\", \"state\": \"resolved\"}");
  assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE recipient = 'complainant'"), 0);
  assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE recipient = 'inspector'"), 1);
}

static void test_unusable_address_is_recorded_failed(void **state) {
  Fixture *f = *state;
  file(f, "en", ", \"anonymous\": false, \"complainant\": {\"name\": \"X\"}, \"contact\": {\"method\": \"email\", "
                "\"detail\": \"a@b.org>\\r\\nRCPT TO:<victim@example.org\"}", NULL);
  assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE state = 'failed' AND last_error IS NOT NULL"), 1);
}

static void test_assign_move_escalate(void **state) {
  Fixture *f = *state;
  char *zSubject, *zText;
  json_t *j;
  Err e = ERR_INIT;
  int n;
  int64_t id = file(f, "es", IDENTIFIED ", \"contact\": {\"method\": \"email\"}", NULL);
  /* insp2 has no email: taking the case tells the complainant only. */
  act(f, &f->insp2, id, "{\"action\": \"assign\", \"to\": \"insp2\"}");
  assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE recipient = 'inspector'"), 0);
  assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE recipient = 'complainant' AND event = 'state'"), 1);
  /* Handed on to insp: the inspector is told; the public status did not change. */
  act(f, &f->insp2, id, "{\"action\": \"assign\", \"to\": \"insp\"}");
  assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE recipient = 'inspector' AND event = 'assigned'"), 1);
  assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE recipient = 'complainant' AND event = 'state'"), 1);
  j = row(f, 3);
  assert_string_equal(js(j, "address"), "insp@labour.example.gov");
  assert_string_equal(js(j, "language"), "en");
  render(j, NULL, &zSubject, &zText);
  assert_non_null(strstr(zText, "http://localhost:8080/cases/1"));
  assert_clean(zText);
  free(zSubject);
  free(zText);
  json_decref(j);
  /* A note, even a visible one, is never in the message; the new status is, in Spanish. */
  act(f, &f->insp, id, "{\"action\": \"transition\", \"state\": \"in_mediation\", \"note\": \"SECRET-NOTE\", "
                       "\"visible\": true}");
  act(f, &f->insp, id, "{\"action\": \"note\", \"note\": \"SECRET-NOTE again\"}");
  assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE recipient = 'complainant' AND event = 'state'"), 2);
  j = row(f, 4);
  assert_string_equal(js(json_object_get(j, "params"), "state"), "in_mediation");
  render(j, NULL, &zSubject, &zText);
  assert_non_null(strstr(zText, "En mediaci\xc3\xb3n"));
  assert_clean(zText);
  free(zSubject);
  free(zText);
  json_decref(j);
  /* Past the deadline: the inspector and the administrator with an email. */
  assert_int_equal(case_escalate(f->s, now_seconds() + 40 * 86400, &n, &e), 0);
  assert_int_equal(n, 1);
  assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE event = 'escalated'"), 2);
  assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE event = 'escalated' AND recipient = 'supervisor'"
                            " AND account_id = 5"), 1);
  j = row(f, 6);
  render(j, NULL, &zSubject, &zText);
  assert_null(strstr(zText, "/cases/"));   /* the administrator cannot open it */
  assert_non_null(strstr(zSubject, "C-000001"));
  assert_clean(zText);
  free(zSubject);
  free(zText);
  json_decref(j);
  /* Escalated once only. */
  assert_int_equal(case_escalate(f->s, now_seconds() + 41 * 86400, &n, &e), 0);
  assert_int_equal(n, 0);
  assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE event = 'escalated'"), 2);
}

static void test_render_languages(void **state) {
  NotifyConfig cfg;
  Err e = ERR_INIT;
  char *zSubject, *zText;
  json_t *jP = json_pack("{s:s, s:s}", "case", "C-000042", "state", "resolved");
  (void)state;
  notify_config_default(&cfg);
  struct {
    const char *zLang, *zLabel;
  } a[] = {{"en", "Resolved"}, {"fr", "R\xc3\xa9solue"}, {"es", "Resuelta"}, {"tl", "Resolved"}, {"", "Resolved"}};
  for (size_t i = 0; i < sizeof a / sizeof a[0]; i++) {
    assert_int_equal(notify_render(&cfg, "state", "complainant", a[i].zLang, jP, &zSubject, &zText, &e), 0);
    if (!strstr(zText, a[i].zLabel)) fail_msg("%s: %s", a[i].zLang, zText);
    assert_non_null(strstr(zText, "C-000042"));
    free(zSubject);
    free(zText);
  }
  /* A receipt message without its receipt, or an unknown event, renders nothing. */
  assert_int_equal(notify_render(&cfg, "received", "complainant", "en", jP, &zSubject, &zText, &e), -1);
  assert_null(zText);
  err_clear(&e);
  assert_int_equal(notify_render(&cfg, "assigned", "complainant", "en", jP, &zSubject, &zText, &e), -1);
  err_clear(&e);
  json_decref(jP);
}

static void test_addresses(void **state) {
  char z[24];
  (void)state;
  assert_true(notify_email_ok("a.b+c@example.org"));
  assert_false(notify_email_ok("a@b"));
  assert_false(notify_email_ok("@example.org"));
  assert_false(notify_email_ok("a@@example.org"));
  assert_false(notify_email_ok("a b@example.org"));
  assert_false(notify_email_ok("a@example.org>\r\nRCPT TO:<b@example.org"));
  assert_false(notify_email_ok("<a@example.org>"));
  assert_false(notify_email_ok("a@example..org"));
  assert_false(notify_email_ok("\xc3\xa9@example.org"));
  assert_false(notify_email_ok(NULL));
  assert_true(notify_phone_ok("+63 (917) 555-0101", z, sizeof z));
  assert_string_equal(z, "+639175550101");
  assert_false(notify_phone_ok("12345", z, sizeof z));
  assert_false(notify_phone_ok("+1 555 0101 x12", z, sizeof z));
  assert_false(notify_phone_ok("1234567890123456", z, sizeof z));
  assert_false(notify_phone_ok("12+34567", z, sizeof z));
}

/* Sending to a closed port fails; the attempts back off 100, 200 s, then fail. */
static void test_retry_backoff_then_failed(void **state) {
  Fixture *f = *state;
  NotifyConfig cfg;
  NotifyReport rep;
  Err e = ERR_INIT;
  int64_t t0 = now_seconds();
  json_t *j;
  file(f, "en", IDENTIFIED ", \"contact\": {\"method\": \"email\"}", NULL);
  file(f, "en", IDENTIFIED ", \"contact\": {\"method\": \"phone\"}", NULL);
  notify_config_default(&cfg);
  cfg.zSmtpUrl = "smtp://127.0.0.1:1";
  cfg.zSmtpFrom = "lmis@example.gov";
  cfg.timeoutSec = 5;
  cfg.backoffSec = 100;
  cfg.maxAttempts = 3;
  assert_int_equal(notify_transport_init(&e), 0);
  /* Only the administrator's role may send. */
  assert_int_equal(notify_sweep(f->s, &cfg, &f->insp, t0, &rep, &e), -1);
  assert_int_equal(e.code, ERR_FORBIDDEN);
  err_clear(&e);
  assert_int_equal(notify_sweep(f->s, &cfg, &f->sys, t0, &rep, &e), 0);
  assert_int_equal(rep.nRetry, 1);
  assert_int_equal(rep.nWaiting, 1);   /* the SMS: no gateway configured */
  assert_int_equal(count(f, "SELECT attempts FROM outbox WHERE id = 1"), 1);
  assert_int_equal(count(f, "SELECT due_at FROM outbox WHERE id = 1") - t0, 100);
  assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE id = 1 AND last_error LIKE 'email:%'"), 1);
  assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE action = 'notify.send' AND object = 'C-000001'"), 1);
  /* Not due yet: nothing tried. */
  assert_int_equal(notify_sweep(f->s, &cfg, &f->sys, t0 + 99, &rep, &e), 0);
  assert_int_equal(rep.nRetry + rep.nSent + rep.nFailed, 0);
  assert_int_equal(notify_sweep(f->s, &cfg, &f->sys, t0 + 100, &rep, &e), 0);
  assert_int_equal(rep.nRetry, 1);
  assert_int_equal(count(f, "SELECT due_at FROM outbox WHERE id = 1") - t0, 300);
  assert_int_equal(notify_sweep(f->s, &cfg, &f->sys, t0 + 300, &rep, &e), 0);
  assert_int_equal(rep.nFailed, 1);
  assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE id = 1 AND state = 'failed' AND attempts = 3"), 1);
  assert_int_equal(count(f, "SELECT count(*) FROM audit_log WHERE action = 'notify.send'"), 3);
  assert_int_equal(notify_sweep(f->s, &cfg, &f->sys, t0 + 90000, &rep, &e), 0);
  assert_int_equal(rep.nRetry + rep.nSent + rep.nFailed, 0);
  /* Retry: queued again with its attempts reset; never for one already sent. */
  j = notify_retry(f->s, &f->admin, 1, NULL, &e);
  assert_non_null(j);
  assert_string_equal(js(j, "state"), "queued");
  assert_int_equal(json_integer_value(json_object_get(j, "attempts")), 0);
  json_decref(j);
  assert_null(notify_retry(f->s, &f->insp, 1, NULL, &e));
  assert_int_equal(e.code, ERR_FORBIDDEN);
  err_clear(&e);
  assert_null(notify_retry(f->s, &f->admin, 99, NULL, &e));
  assert_int_equal(e.code, ERR_NOT_FOUND);
  err_clear(&e);
  assert_int_equal(store_exec(f->s, "UPDATE outbox SET state = 'sent' WHERE id = 2", &e), 0);
  assert_null(notify_retry(f->s, &f->admin, 2, NULL, &e));
  assert_int_equal(e.code, ERR_CONFLICT);
  err_clear(&e);
  notify_transport_cleanup();
}

static void test_list_by_role(void **state) {
  Fixture *f = *state;
  Err e = ERR_INIT;
  json_t *j, *o;
  size_t i;
  int64_t a = file(f, "en", IDENTIFIED ", \"contact\": {\"method\": \"email\"}", NULL);
  int64_t b = file(f, "en", IDENTIFIED ", \"contact\": {\"method\": \"email\"}", NULL);
  act(f, &f->insp, a, "{\"action\": \"assign\", \"to\": \"insp\"}");
  act(f, &f->insp2, b, "{\"action\": \"assign\", \"to\": \"insp2\"}");
  j = notify_list(f->s, &f->admin, NULL, 100, &e);
  assert_non_null(j);
  assert_int_equal(json_array_size(json_object_get(j, "notifications")), 5);
  assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "counts"), "queued")), 5);
  /* Never an address or a text. */
  {
    char *z = json_dumps(j, 0);
    assert_null(strstr(z, "@"));
    free(z);
  }
  json_decref(j);
  j = notify_list(f->s, &f->insp, NULL, 100, &e);
  assert_non_null(j);
  assert_int_equal(json_array_size(json_object_get(j, "notifications")), 3);
  json_array_foreach(json_object_get(j, "notifications"), i, o)
    assert_int_equal(json_integer_value(json_object_get(o, "case_id")), a);
  json_decref(j);
  j = notify_list(f->s, &f->insp2, "queued", 100, &e);
  assert_int_equal(json_array_size(json_object_get(j, "notifications")), 2);
  json_decref(j);
  j = notify_list(f->s, &f->admin, "sent", 100, &e);
  assert_int_equal(json_array_size(json_object_get(j, "notifications")), 0);
  json_decref(j);
  assert_null(notify_list(f->s, &f->admin, "bogus", 100, &e));
  assert_int_equal(e.code, ERR_INVALID);
  err_clear(&e);
  assert_null(notify_list(f->s, &f->imm, NULL, 100, &e));
  assert_int_equal(e.code, ERR_FORBIDDEN);
  err_clear(&e);
  assert_null(notify_list(f->s, &f->migrant, NULL, 100, &e));
  assert_int_equal(e.code, ERR_FORBIDDEN);
  err_clear(&e);
}

/* A refused case change queues nothing (the same transaction). */
static void test_refused_change_queues_nothing(void **state) {
  Fixture *f = *state;
  Err e = ERR_INIT;
  int64_t id = file(f, "en", IDENTIFIED ", \"contact\": {\"method\": \"email\"}", NULL);
  json_t *jIn = json_loads("{\"action\": \"transition\", \"state\": \"closed\"}", 0, NULL);
  act(f, &f->insp, id, "{\"action\": \"assign\", \"to\": \"insp\"}");
  assert_int_equal(count(f, "SELECT count(*) FROM outbox"), 3);
  assert_null(case_act(f->s, &f->insp2, id, jIn, NULL, &e));
  err_clear(&e);
  assert_null(case_act(f->s, &f->imm, id, jIn, NULL, &e));
  err_clear(&e);
  json_decref(jIn);
  jIn = json_loads("{\"action\": \"transition\", \"state\": \"received\"}", 0, NULL);
  assert_null(case_act(f->s, &f->insp, id, jIn, NULL, &e));
  err_clear(&e);
  json_decref(jIn);
  assert_int_equal(count(f, "SELECT count(*) FROM outbox"), 3);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test_setup_teardown(test_received_goes_to_complainant_who_chose_email, setup, teardown),
    cmocka_unit_test_setup_teardown(test_phone_contact_gets_sms_and_detail_wins, setup, teardown),
    cmocka_unit_test_setup_teardown(test_nothing_without_consent_or_identity, setup, teardown),
    cmocka_unit_test_setup_teardown(test_unusable_address_is_recorded_failed, setup, teardown),
    cmocka_unit_test_setup_teardown(test_assign_move_escalate, setup, teardown),
    cmocka_unit_test(test_render_languages),
    cmocka_unit_test(test_addresses),
    cmocka_unit_test_setup_teardown(test_retry_backoff_then_failed, setup, teardown),
    cmocka_unit_test_setup_teardown(test_list_by_role, setup, teardown),
    cmocka_unit_test_setup_teardown(test_refused_change_queues_nothing, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
