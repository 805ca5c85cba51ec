/*
** cmd_audit.c: `lmis audit list|verify|head`: read and check the hash-chained
** audit log (audit.h). Listing entries shows personal data, so it is audited too.
*/
#include "audit.h"
#include "cli.h"
#include "cmds.h"
#include "util.h"

#include <stdlib.h>
#include <time.h>

int cmd_audit_list(CliCtx *c) {
  long long nLimit;
  const char *zAction = cli_opt(c, "--action");
  json_t *a, *o;
  size_t i;
  if (cli_opt_int(c, "--limit", 1, 10000, 50, &nLimit)) return -1;
  if (audit(c->store, &c->who, "audit.read", zAction, NULL, NULL, &c->err)) return -1;
  a = audit_list_json(c->store, (int)nLimit, zAction, &c->err);
  if (!a) return -1;
  if (c->bJson) return cli_print_json(c, json_pack("{s:o}", "entries", a));
  fprintf(c->out, "%-7s %-20s %-16s %-20s %-28s %s\n", "seq", "at (UTC)", "user", "role", "action", "object");
  json_array_foreach(a, i, o) {
    char zAt[32];
    time_t t = (time_t)json_integer_value(json_object_get(o, "at"));
    struct tm tm;
    json_t *jSeq = json_object_get(o, "seq");
    const char *zUser = json_string_value(json_object_get(o, "user"));
    const char *zRole = json_string_value(json_object_get(o, "role"));
    const char *zObj = json_string_value(json_object_get(o, "object"));
    gmtime_r(&t, &tm);
    strftime(zAt, sizeof zAt, "%Y-%m-%d %H:%M:%S", &tm);
    if (json_is_integer(jSeq)) fprintf(c->out, "%-7lld ", (long long)json_integer_value(jSeq));
    else fprintf(c->out, "%-7s ", "-");
    fprintf(c->out, "%-20s %-16s %-20s %-28s %s\n", zAt, zUser ? zUser : "-", zRole ? zRole : "-",
            json_string_value(json_object_get(o, "action")), zObj ? zObj : "");
  }
  json_decref(a);
  return 0;
}

int cmd_audit_verify(CliCtx *c) {
  AuditReport rep;
  int n;
  if (audit_verify(c->store, cli_opt(c, "--anchor"), &rep, &c->err)) return -1;
  if (c->bJson) {
    cli_print_json(c, audit_report_json(&rep));
  } else {
    n = rep.nProblem < AUDIT_MAX_PROBLEMS ? rep.nProblem : AUDIT_MAX_PROBLEMS;
    fprintf(c->out, "audit log: %lld chained entries", (long long)rep.nEntries);
    if (rep.nLegacy) fprintf(c->out, ", %lld older entries before the chain began (not verifiable)", (long long)rep.nLegacy);
    fprintf(c->out, "\n");
    for (int i = 0; i < n; i++) fprintf(c->out, "  %s: %s\n", rep.aProblem[i].zKind, rep.aProblem[i].zText);
    if (rep.nProblem > n) fprintf(c->out, "  ... and %d more problems\n", rep.nProblem - n);
    if (rep.nProblem == 0) {
      if (rep.headSeq > 0) fprintf(c->out, "intact; head %lld:%s\n", (long long)rep.headSeq, rep.zHeadHash);
      else fprintf(c->out, "intact; the log is empty\n");
    }
  }
  n = rep.nProblem;
  audit_report_free(&rep);
  if (n > 0) {
    err_set(&c->err, ERR_CONFLICT, "the audit log fails verification: %d problem%s", n, n == 1 ? "" : "s");
    err_hint(&c->err, "restore the database from a backup and keep this report");
    return -1;
  }
  return 0;
}

int cmd_audit_head(CliCtx *c) {
  AuditReport rep;
  int rc = 0;
  if (audit_verify(c->store, NULL, &rep, &c->err)) return -1;
  if (rep.nProblem > 0) {
    err_set(&c->err, ERR_CONFLICT, "the audit log fails verification; run `lmis audit verify`");
    rc = -1;
  } else if (c->bJson) {
    json_t *j = audit_report_json(&rep);
    rc = cli_print_json(c, json_pack("{s:O, s:I}", "head", json_object_get(j, "head"), "entries",
                                     (json_int_t)rep.nEntries));
    json_decref(j);
  } else if (rep.headSeq > 0) {
    fprintf(c->out, "%lld:%s\n", (long long)rep.headSeq, rep.zHeadHash);
  } else {
    err_set(&c->err, ERR_NOT_FOUND, "the audit log is empty");
    rc = -1;
  }
  audit_report_free(&rep);
  return rc;
}
