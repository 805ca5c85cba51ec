/*
** test_policy.c: the access-control matrix, cell by cell.
**
** The expected matrix is written out here independently of policy.c: changing
** who may do what means changing both (and docs/security.md), on purpose.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "policy.h"

/* Columns, in Role order: public, migrant, employment_officer, statistician,
** labour_inspector, recruitment_regulator, social_partner, immigration_officer,
** admin. 'x' allowed, '.' denied. */
static const struct {
  const char *zAction;
  const char *zRoles;
} aExpect[] = {
  {"account.manage", "........x"},
  {"agency.manage", ".....x..x"},
  {"agency.read", "xxxxxxxxx"},
  {"aggregate.import", "...x....x"},
  {"agreement.comment", "..x...x.x"},
  {"agreement.manage", "..x.....x"},
  {"agreement.read", "xxxxxxxxx"},
  {"audit.read", "........x"},
  {"case.assign", "....x...."},
  {"case.escalate", "....x...x"},
  {"case.file", "xxxxxxxxx"},
  {"case.queue", "....x...."},
  {"case.read", ".x..x...."},
  {"case.search", "....x...."},
  {"case.stats", "xxxxxxxxx"},
  {"case.track", "xxxxxxxxx"},
  {"case.update", "....x...."},
  {"cost.import", "...x.x..x"},
  {"cost.read", "xxxxxxxxx"},
  {"cost.report", "xxxxxxxxx"},
  {"country.read", "xxxxxxxxx"},
  {"db.init", "........x"},
  {"doc.read", "xxxxxxxxx"},
  {"esco.read", "xxxxxxxxx"},
  {"health.read", "xxxxxxxxx"},
  {"indicator.read", "xxxxxxxxx"},
  {"isco.read", "xxxxxxxxx"},
  {"match.read", ".xx.....x"},
  {"me.read", ".xxxxxxxx"},
  {"needs.read", "xxxxxxxxx"},
  {"notify.manage", "........x"},
  {"notify.read", "....x...x"},
  {"page.read", "xxxxxxxxx"},
  {"recognition.manage", "..x.....x"},
  {"review.moderate", ".....x..x"},
  {"review.read", "xxxxxxxxx"},
  {"review.submit", "xxxxxxxxx"},
  {"sdmx.read", "xxxxxxxxx"},
  {"seeker.manage", "..x.....x"},
  {"seeker.profile", ".xx.....x"},
  {"seeker.self", ".x......."},
  {"server.run", "........x"},
  {"session.login", "xxxxxxxxx"},
  {"session.logout", ".xxxxxxxx"},
  {"socsec.compute", "xxxxxxxxx"},
  {"socsec.read", "xxxxxxxxx"},
  {"survey.estimate", "...x....x"},
  {"survey.import", "...x....x"},
  {"survey.manage", "...x....x"},
  {"survey.read", "xxxxxxxxx"},
  {"token.manage", "........x"},
  {"vacancy.manage", "..x.....x"},
};
#define N_EXPECT ((int)(sizeof(aExpect) / sizeof(aExpect[0])))

static const char *const azRole[] = {"public", "migrant", "employment_officer", "statistician", "labour_inspector",
                                     "recruitment_regulator", "social_partner", "immigration_officer", "admin"};

static Principal as_role(Role r) {
  Principal p;
  memset(&p, 0, sizeof p);
  p.role = r;
  p.accountId = r == ROLE_PUBLIC ? 0 : 1;
  return p;
}

static void test_role_names(void **state) {
  (void)state;
  assert_int_equal(ROLE__COUNT, 9);
  for (int i = 0; i < ROLE__COUNT; i++) {
    Role r;
    assert_string_equal(role_name((Role)i), azRole[i]);
    assert_int_equal(role_parse(azRole[i], &r), 0);
    assert_int_equal(r, i);
  }
  Role r;
  assert_int_equal(role_parse("Admin", &r), -1);
  assert_int_equal(role_parse("", &r), -1);
  assert_int_equal(role_parse(NULL, &r), -1);
  assert_string_equal(role_name(ROLE__COUNT), "unknown");
}

static void test_table_sorted_and_documented(void **state) {
  int n;
  const PolicyRule *a = policy_rules(&n);
  (void)state;
  assert_true(n > 0);
  for (int i = 0; i < n; i++) {
    assert_non_null(a[i].zAction);
    assert_non_null(a[i].zWhat);
    assert_true(strlen(a[i].zWhat) > 0);
    assert_true((a[i].roleMask & ~ROLES_ALL) == 0);
    if (i > 0) assert_true(strcmp(a[i - 1].zAction, a[i].zAction) < 0);
    assert_ptr_equal(policy_find(a[i].zAction), &a[i]);
  }
}

/* The table and the expected matrix have exactly the same actions. */
static void test_same_actions(void **state) {
  int n;
  const PolicyRule *a = policy_rules(&n);
  (void)state;
  assert_int_equal(n, N_EXPECT);
  for (int i = 0; i < N_EXPECT; i++) {
    assert_non_null(policy_find(aExpect[i].zAction));
    assert_int_equal(strlen(aExpect[i].zRoles), ROLE__COUNT);
  }
  for (int i = 0; i < n; i++) {
    int k;
    for (k = 0; k < N_EXPECT; k++)
      if (strcmp(aExpect[k].zAction, a[i].zAction) == 0) break;
    if (k == N_EXPECT) fail_msg("action %s has no row in the expected matrix", a[i].zAction);
  }
}

static void test_matrix(void **state) {
  (void)state;
  for (int i = 0; i < N_EXPECT; i++) {
    for (int r = 0; r < ROLE__COUNT; r++) {
      bool bExpect = aExpect[i].zRoles[r] == 'x';
      Principal p = as_role((Role)r);
      Err e = ERR_INIT;
      int rc = policy_check(aExpect[i].zAction, &p, &e);
      if (policy_allows(aExpect[i].zAction, (Role)r) != bExpect)
        fail_msg("%s as %s: expected %s", aExpect[i].zAction, azRole[r], bExpect ? "allowed" : "denied");
      if (bExpect) {
        assert_int_equal(rc, 0);
        assert_int_equal(e.code, ERR_OK);
      } else {
        assert_int_equal(rc, -1);
        /* The public is asked to log in; an account is refused. */
        assert_int_equal(e.code, r == ROLE_PUBLIC ? ERR_UNAUTH : ERR_FORBIDDEN);
        assert_non_null(e.zMsg);
      }
      err_clear(&e);
    }
  }
}

static void test_public_message(void **state) {
  Principal p = as_role(ROLE_PUBLIC);
  Err e = ERR_INIT;
  (void)state;
  assert_int_equal(policy_check("me.read", &p, &e), -1);
  assert_int_equal(e.code, ERR_UNAUTH);
  assert_string_equal(e.zMsg, "log in first");
  err_clear(&e);
  /* NULL principal is the public. */
  assert_int_equal(policy_check("me.read", NULL, &e), -1);
  assert_int_equal(e.code, ERR_UNAUTH);
  err_clear(&e);
  assert_int_equal(policy_check("isco.read", NULL, &e), 0);
}

static void test_unknown_action_denied(void **state) {
  (void)state;
  for (int r = 0; r < ROLE__COUNT; r++) {
    Principal p = as_role((Role)r);
    Err e = ERR_INIT;
    assert_int_equal(policy_check("no.such.action", &p, &e), -1);
    assert_int_equal(e.code, ERR_FORBIDDEN);
    err_clear(&e);
    assert_int_equal(policy_check(NULL, &p, &e), -1);
    err_clear(&e);
    assert_false(policy_allows("no.such.action", (Role)r));
    assert_false(policy_allows("", (Role)r));
  }
  assert_null(policy_find("ISCO.READ"));
  assert_null(policy_find(NULL));
  assert_false(policy_allows("isco.read", ROLE__COUNT));
}

/* The firewall: the immigration officer reads published information only. */
static void test_immigration_officer_is_not_admin(void **state) {
  int n;
  const PolicyRule *a = policy_rules(&n);
  (void)state;
  for (int i = 0; i < n; i++) {
    if (a[i].roleMask & ROLE_BIT(ROLE_IMMIGRATION_OFFICER)) {
      /* anything it may do, every other account may do too */
      assert_true((a[i].roleMask & ROLES_ACCOUNT) == ROLES_ACCOUNT);
    }
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_role_names),
    cmocka_unit_test(test_table_sorted_and_documented),
    cmocka_unit_test(test_same_actions),
    cmocka_unit_test(test_matrix),
    cmocka_unit_test(test_public_message),
    cmocka_unit_test(test_unknown_action_denied),
    cmocka_unit_test(test_immigration_officer_is_not_admin),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
