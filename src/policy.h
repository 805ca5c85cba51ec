/*
** policy.h: roles and the one access-control table. Every HTTP route and every CLI
** command names an action; policy_check is the only place that decides whether a
** principal may perform it. The table (policy.c) is data: action -> set of roles.
*/
#ifndef LMIS_POLICY_H
#define LMIS_POLICY_H

#include <stdbool.h>
#include <stdint.h>
#include "err.h"

typedef enum Role {
  ROLE_PUBLIC = 0,          /* no account */
  ROLE_MIGRANT,
  ROLE_EMPLOYMENT_OFFICER,
  ROLE_STATISTICIAN,
  ROLE_LABOUR_INSPECTOR,
  ROLE_RECRUITMENT_REGULATOR,
  ROLE_SOCIAL_PARTNER,
  ROLE_IMMIGRATION_OFFICER,
  ROLE_ADMIN,
  ROLE__COUNT
} Role;

#define ROLE_BIT(r) (1u << (r))
#define ROLES_ALL ((1u << ROLE__COUNT) - 1)
#define ROLES_ACCOUNT (ROLES_ALL & ~ROLE_BIT(ROLE_PUBLIC))

/* Who is acting. accountId is 0 and zUsername "" for the public. */
#define USERNAME_MAX 64
typedef struct Principal {
  int64_t accountId;
  Role role;
  char zUsername[USERNAME_MAX + 1];
  bool bToken;        /* authenticated by API bearer token, not a browser session */
} Principal;

const char *role_name(Role r);            /* "public", "migrant", ... (static) */
int role_parse(const char *z, Role *pRole);  /* 0, or -1 if unknown */

typedef struct PolicyRule {
  const char *zAction;    /* e.g. "isco.read" */
  unsigned roleMask;      /* ROLE_BIT()s allowed */
  const char *zWhat;      /* one line for docs and error messages */
} PolicyRule;

/* The whole table, for the matrix test and the docs. */
const PolicyRule *policy_rules(int *pn);
const PolicyRule *policy_find(const char *zAction);
bool policy_allows(const char *zAction, Role r);
/* 0 when allowed. Otherwise -1 with ERR_UNAUTH for the public (log in first) or
** ERR_FORBIDDEN for an account whose role may not. An unknown action is denied. */
int policy_check(const char *zAction, const Principal *p, Err *e);

/* Object-level rule for one complaint case (the firewall): who it is assigned to
** and which account filed it (0: nobody, e.g. an anonymous complaint). */
typedef struct CaseAccess {
  int64_t assignedTo;
  int64_t filedBy;
} CaseAccess;
/* policy_check(zAction), then the per-case rule for case.read, case.update and
** case.assign. 0 when allowed, else -1 with ERR_UNAUTH/ERR_FORBIDDEN. */
int policy_check_case(const char *zAction, const Principal *p, const CaseAccess *c, Err *e);

#endif
