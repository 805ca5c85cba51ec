/*
** web_audit.c: the audit log over HTTP: JSON list and verification, and an
** administrator's page showing whether the chain is intact and the newest entries.
*/
#include "web_audit.h"
#include "audit.h"
#include "html.h"
#include "i18n.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ACTION_MAX 64

/* ?action= is an action name or a family ending in '.': letters, digits, . _ */
static int action_param(Request *r, const char **pz) {
  const char *z = req_query(r, "action");
  *pz = NULL;
  if (!z || !z[0]) return 0;
  if (strlen(z) > ACTION_MAX || strspn(z, "abcdefghijklmnopqrstuvwxyz0123456789._") != strlen(z)) {
    req_fail(r, ERR_INVALID, "action is an action name such as session.login, or a family such as session.");
    err_where(&r->err, "action");
    return -1;
  }
  *pz = z;
  return 0;
}

static json_t *list_entries(Request *r, int nLimit, const char *zAction, Err *e) {
  if (audit(r->store, &r->who, "audit.read", zAction, r->zAddr, NULL, e)) return NULL;
  return audit_list_json(r->store, nLimit, zAction, e);
}

int api_audit_list(Request *r) {
  Err e = ERR_INIT;
  long long nLimit;
  const char *zAction;
  json_t *a;
  if (req_query_int(r, "limit", 1, 1000, 50, &nLimit) || action_param(r, &zAction)) return -1;
  a = list_entries(r, (int)nLimit, zAction, &e);
  if (!a) return req_fail_with(r, &e);
  resp_json(r, 200, json_pack("{s:o}", "entries", a));
  return 0;
}

int api_audit_verify(Request *r) {
  Err e = ERR_INIT;
  AuditReport rep;
  if (audit_verify(r->store, req_query(r, "anchor"), &rep, &e)) {
    if (e.code == ERR_USAGE) {
      e.code = ERR_INVALID;
      err_where(&e, "anchor");
    }
    return req_fail_with(r, &e);
  }
  resp_json(r, 200, audit_report_json(&rep));
  audit_report_free(&rep);
  return 0;
}

int page_admin_audit(Request *r) {
  const char *zL = r->zLang;
  Buf *b = &r->out;
  Err e = ERR_INIT;
  AuditReport rep;
  json_t *a, *o;
  size_t i;
  if (audit_verify(r->store, NULL, &rep, &e)) return req_fail_with(r, &e);
  a = list_entries(r, 100, NULL, &e);
  if (!a) {
    audit_report_free(&rep);
    return req_fail_with(r, &e);
  }
  page_begin(r, T(zL, "Audit log"));
  html_printf(b, "<h1>%s</h1>\n", T(zL, "Audit log"));
  if (rep.nProblem == 0) {
    html_printf(b, "<p>%s ", T(zL, "The chain is intact."));
    html_printf(b, T(zL, "%lld entries; head %lld:%s"), (long long)rep.nEntries, (long long)rep.headSeq,
                rep.zHeadHash);
    html_printf(b, "</p>\n");
  } else {
    int n = rep.nProblem < AUDIT_MAX_PROBLEMS ? rep.nProblem : AUDIT_MAX_PROBLEMS;
    html_printf(b, "<p class=\"error\">%s</p>\n<ul>\n", T(zL, "The audit log fails verification:"));
    for (int k = 0; k < n; k++) html_printf(b, "<li>%s: %s</li>\n", rep.aProblem[k].zKind, rep.aProblem[k].zText);
    html_printf(b, "</ul>\n");
  }
  if (rep.nLegacy > 0)
    html_printf(b, "<p>%s %lld</p>\n", T(zL, "Entries from before the chain began (not verifiable):"),
                (long long)rep.nLegacy);
  html_printf(b, "<h2>%s</h2>\n<div class=\"table-wrap\"><table>\n<thead><tr><th>#</th><th>%s</th><th>%s</th>"
                 "<th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead>\n<tbody>\n",
              T(zL, "Newest entries"), T(zL, "When (UTC)"), T(zL, "User"), T(zL, "Role"), T(zL, "Action"),
              T(zL, "Object"), T(zL, "From"));
  json_array_foreach(a, i, o) {
    char zAt[32];
    time_t t = (time_t)json_integer_value(json_object_get(o, "at"));
    struct tm tm;
    const char *zUser = json_string_value(json_object_get(o, "user"));
    const char *zRole = json_string_value(json_object_get(o, "role"));
    const char *zObj = json_string_value(json_object_get(o, "object"));
    const char *zAddr = json_string_value(json_object_get(o, "address"));
    json_t *jSeq = json_object_get(o, "seq");
    gmtime_r(&t, &tm);
    strftime(zAt, sizeof zAt, "%Y-%m-%d %H:%M:%S", &tm);
    html_printf(b, "<tr><td>%lld</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n",
                json_is_integer(jSeq) ? (long long)json_integer_value(jSeq) : 0LL, zAt, zUser ? zUser : "-",
                zRole ? zRole : "-", json_string_value(json_object_get(o, "action")), zObj ? zObj : "",
                zAddr ? zAddr : "");
  }
  html_printf(b, "</tbody></table></div>\n");
  json_decref(a);
  audit_report_free(&rep);
  page_end(r);
  return 0;
}
