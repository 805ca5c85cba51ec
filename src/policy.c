/*
** policy.c: roles and the access-control table.
**
** The table below is the whole access policy of lmis: each action names the set
** of roles that may perform it. HTTP routes (routes.c) and CLI commands (cli.c)
** carry an action; their dispatchers call policy_check once, before any handler
** runs. Nothing else decides who may do what. The matrix is tested cell by cell
** in tests/unit/test_policy.c and documented in docs/security.md: change all
** three together.
*/
#include "policy.h"
#include "util.h"

#include <string.h>

static const char *const azRoleName[ROLE__COUNT] = {
  [ROLE_PUBLIC] = "public",
  [ROLE_MIGRANT] = "migrant",
  [ROLE_EMPLOYMENT_OFFICER] = "employment_officer",
  [ROLE_STATISTICIAN] = "statistician",
  [ROLE_LABOUR_INSPECTOR] = "labour_inspector",
  [ROLE_RECRUITMENT_REGULATOR] = "recruitment_regulator",
  [ROLE_SOCIAL_PARTNER] = "social_partner",
  [ROLE_IMMIGRATION_OFFICER] = "immigration_officer",
  [ROLE_ADMIN] = "admin",
};

#define ADMIN ROLE_BIT(ROLE_ADMIN)
#define STATS (ROLE_BIT(ROLE_STATISTICIAN) | ADMIN)

/* Sorted by action name (policy_find relies on it; test_policy checks it). */
static const PolicyRule aRule[] = {
  {"account.manage", ADMIN, "create, disable and change accounts"},
  {"aggregate.import", STATS, "import published aggregates (SDMX-CSV, public series)"},
  {"country.read", ROLES_ALL, "read the country and region lists"},
  {"db.init", ADMIN, "create or migrate the database and load reference data"},
  {"doc.read", ROLES_ALL, "read the API description (OpenAPI)"},
  {"esco.read", ROLES_ALL, "read and search ESCO occupations"},
  {"health.read", ROLES_ALL, "check that the service is up"},
  {"indicator.read", ROLES_ALL, "read the indicator catalogue and published estimates (small cells suppressed)"},
  {"isco.read", ROLES_ALL, "read and search ISCO-08 groups"},
  {"me.read", ROLES_ACCOUNT, "see one's own account"},
  {"page.read", ROLES_ALL, "read public pages and static files"},
  {"sdmx.read", ROLES_ALL, "read published aggregates as SDMX"},
  {"server.run", ADMIN, "run the web server"},
  {"session.login", ROLES_ALL, "log in"},
  {"session.logout", ROLES_ACCOUNT, "log out"},
  {"survey.estimate", STATS, "compute ad hoc estimates from survey microdata"},
  {"survey.import", STATS, "import survey microdata"},
  {"survey.manage", STATS, "replace or delete surveys"},
  {"survey.read", ROLES_ALL, "read survey metadata (never microdata)"},
  {"token.manage", ADMIN, "create, list and revoke API tokens"},
};

const char *role_name(Role r) {
  if ((int)r < 0 || r >= ROLE__COUNT) return "unknown";
  return azRoleName[r];
}

int role_parse(const char *z, Role *pRole) {
  if (!z) return -1;
  for (int i = 0; i < ROLE__COUNT; i++) {
    if (strcmp(z, azRoleName[i]) == 0) {
      *pRole = (Role)i;
      return 0;
    }
  }
  return -1;
}

const PolicyRule *policy_rules(int *pn) {
  *pn = (int)COUNT(aRule);
  return aRule;
}

const PolicyRule *policy_find(const char *zAction) {
  int lo = 0, hi = (int)COUNT(aRule) - 1;
  if (!zAction) return NULL;
  while (lo <= hi) {
    int mid = (lo + hi) / 2;
    int c = strcmp(zAction, aRule[mid].zAction);
    if (c == 0) return &aRule[mid];
    if (c < 0) hi = mid - 1;
    else lo = mid + 1;
  }
  return NULL;
}

bool policy_allows(const char *zAction, Role r) {
  const PolicyRule *p = policy_find(zAction);
  if (!p || (int)r < 0 || r >= ROLE__COUNT) return false;
  return (p->roleMask & ROLE_BIT(r)) != 0;
}

int policy_check(const char *zAction, const Principal *p, Err *e) {
  Role r = p ? p->role : ROLE_PUBLIC;
  const PolicyRule *pRule = policy_find(zAction);
  if (!pRule) {
    /* A missing rule is a bug in a table; deny rather than guess. */
    err_set(e, ERR_FORBIDDEN, "no access rule for action %s", zAction ? zAction : "(none)");
    err_hint(e, "this is a bug in lmis: every action needs a row in policy.c");
    return -1;
  }
  if (pRule->roleMask & ROLE_BIT(r)) return 0;
  if (r == ROLE_PUBLIC) {
    err_set(e, ERR_UNAUTH, "log in first");
    err_detail(e, "an account is needed to %s", pRule->zWhat);
    err_hint(e, "log in, or send an API token as `Authorization: Bearer TOKEN`");
    return -1;
  }
  err_set(e, ERR_FORBIDDEN, "the %s role may not do this", role_name(r));
  err_detail(e, "action %s (%s) is not open to this role", pRule->zAction, pRule->zWhat);
  return -1;
}
