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
#define INSPECTOR ROLE_BIT(ROLE_LABOUR_INSPECTOR)

/* Sorted by action name (policy_find relies on it; test_policy checks it). */
static const PolicyRule aRule[] = {
  {"account.manage", ADMIN, "create, disable and change accounts"},
  {"agency.manage", ROLE_BIT(ROLE_RECRUITMENT_REGULATOR) | ADMIN, "import licence lists and record decisions on agencies (status, sanctions)"},
  {"agency.read", ROLES_ALL, "check whether an agency is licensed; read agencies, their status history and sanctions"},
  {"aggregate.import", STATS, "import published aggregates (SDMX-CSV, public series)"},
  {"agreement.comment", ROLE_BIT(ROLE_SOCIAL_PARTNER) | ROLE_BIT(ROLE_EMPLOYMENT_OFFICER) | ADMIN,
   "comment on an agreement in tripartite review (kept apart from the assessment)"},
  {"agreement.manage", ROLE_BIT(ROLE_EMPLOYMENT_OFFICER) | ADMIN,
   "import and edit agreements, assessments, good practices and ratifications"},
  {"agreement.read", ROLES_ALL, "read and search agreements, good practices, ratifications and corridors"},
  {"audit.read", ADMIN, "read and verify the audit log"},
  {"case.assign", INSPECTOR, "take an unassigned complaint case or hand one on (firewall: per case)"},
  {"case.escalate", INSPECTOR | ADMIN, "run the deadline sweep that escalates overdue cases (no personal data shown)"},
  {"case.file", ROLES_ALL, "file a complaint (anonymous allowed)"},
  {"case.queue", INSPECTOR, "see the case queue: unassigned cases without identities, and one's own cases"},
  {"case.read", INSPECTOR | ROLE_BIT(ROLE_MIGRANT), "read a complaint case (firewall: the assigned inspector or the complainant only)"},
  {"case.search", INSPECTOR, "find one's own cases by complainant name, passport or phone (blind index)"},
  {"case.stats", ROLES_ALL, "complaint statistics: aggregates only, small cells suppressed"},
  {"case.track", ROLES_ALL, "follow a complaint with its receipt code"},
  {"case.update", INSPECTOR, "change the state of an assigned case, add notes, refer it (firewall: per case)"},
  {"cost.import", ROLE_BIT(ROLE_RECRUITMENT_REGULATOR) | STATS, "import recruitment cost reports from surveys (JSON Lines)"},
  {"cost.read", ROLES_ALL, "read SDG 10.7.1 recruitment cost aggregates (small cells suppressed; never single reports)"},
  {"cost.report", ROLES_ALL, "report what one paid to be recruited (anonymous)"},
  {"country.read", ROLES_ALL, "read the country and region lists"},
  {"db.init", ADMIN, "create or migrate the database and load reference data"},
  {"doc.read", ROLES_ALL, "read the API description (OpenAPI)"},
  {"esco.read", ROLES_ALL, "read and search ESCO occupations"},
  {"health.read", ROLES_ALL, "check that the service is up"},
  {"indicator.read", ROLES_ALL, "read the indicator catalogue and published estimates (small cells suppressed)"},
  {"isco.read", ROLES_ALL, "read and search ISCO-08 groups"},
  {"match.read", ROLE_BIT(ROLE_MIGRANT) | ROLE_BIT(ROLE_EMPLOYMENT_OFFICER) | ADMIN,
   "match job seekers and vacancies (a migrant: only their own profile)"},
  {"me.read", ROLES_ACCOUNT, "see one's own account"},
  {"needs.read", ROLES_ALL, "read labour market needs: open positions, available seekers, shortages"},
  {"notify.manage", ADMIN, "send due notifications, retry failed ones, see the whole outbox (addresses decrypted only to send, audited)"},
  {"notify.read", INSPECTOR | ADMIN, "list case notifications (an inspector: only those of cases assigned to them; never addresses or text)"},
  {"page.read", ROLES_ALL, "read public pages and static files"},
  {"recognition.manage", ROLE_BIT(ROLE_EMPLOYMENT_OFFICER) | ADMIN, "import and list recognition arrangements"},
  {"review.moderate", ROLE_BIT(ROLE_RECRUITMENT_REGULATOR) | ADMIN, "read pending reviews and publish or reject them (audited)"},
  {"review.read", ROLES_ALL, "read published reviews of agencies and employers"},
  {"review.submit", ROLES_ALL, "review an agency or employer (moderated; the reviewer is not recorded)"},
  {"sdmx.read", ROLES_ALL, "read published aggregates as SDMX"},
  {"seeker.manage", ROLE_BIT(ROLE_EMPLOYMENT_OFFICER) | ADMIN, "list, read, create and change job seekers (audited)"},
  {"seeker.profile", ROLE_BIT(ROLE_MIGRANT) | ROLE_BIT(ROLE_EMPLOYMENT_OFFICER) | ADMIN,
   "read or replace one job seeker's profile through the API (a migrant: only their own; audited)"},
  {"seeker.self", ROLE_BIT(ROLE_MIGRANT), "keep one's own job-seeker profile"},
  {"server.run", ADMIN, "run the web server"},
  {"session.login", ROLES_ALL, "log in"},
  {"session.logout", ROLES_ACCOUNT, "log out"},
  {"socsec.compute", ROLES_ALL, "compute pensions across countries (a public calculator; nothing is stored)"},
  {"socsec.read", ROLES_ALL, "read the social security schemes and instruments configured"},
  {"survey.estimate", STATS, "compute ad hoc estimates from survey microdata"},
  {"survey.import", STATS, "import survey microdata"},
  {"survey.manage", STATS, "replace or delete surveys"},
  {"survey.read", ROLES_ALL, "read survey metadata (never microdata)"},
  {"token.manage", ADMIN, "create, list and revoke API tokens"},
  {"vacancy.manage", ROLE_BIT(ROLE_EMPLOYMENT_OFFICER) | ADMIN, "list, read, create and change vacancies"},
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

/* The firewall (docs/complaints.md). The role table above lets labour inspectors
** and migrants reach case actions at all; this decides per case. Only the
** inspector a case is assigned to reads or changes it; the complainant (an
** account that filed it) reads it; an inspector may take an unassigned case.
** Nobody else: not administrators, and never the immigration officer. */
int policy_check_case(const char *zAction, const Principal *p, const CaseAccess *c, Err *e) {
  bool bOk = false;
  if (policy_check(zAction, p, e)) return -1;
  if (p->role == ROLE_IMMIGRATION_OFFICER || p->accountId <= 0) {
    bOk = false;
  } else if (strcmp(zAction, "case.read") == 0) {
    bOk = (p->role == ROLE_LABOUR_INSPECTOR && c->assignedTo == p->accountId) || c->filedBy == p->accountId;
  } else if (strcmp(zAction, "case.update") == 0) {
    bOk = p->role == ROLE_LABOUR_INSPECTOR && c->assignedTo == p->accountId;
  } else if (strcmp(zAction, "case.assign") == 0) {
    bOk = p->role == ROLE_LABOUR_INSPECTOR && (c->assignedTo == 0 || c->assignedTo == p->accountId);
  }
  if (bOk) return 0;
  err_set(e, ERR_FORBIDDEN, "this case is not assigned to you");
  err_detail(e, "complaints are readable only by the labour inspector assigned and the complainant");
  return -1;
}
