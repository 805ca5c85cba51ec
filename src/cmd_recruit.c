/*
** cmd_recruit.c: CLI handlers for fair recruitment: agency import/check/show/list/
** status, cost import/sdg, review list/moderate. Each asks agency.c or cost.c for
** the JSON the API also serves and prints it (--json) or renders it as text.
*/
#include "agency.h"
#include "cmds.h"
#include "cost.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *js(const json_t *j, const char *zKey) {
  const char *z = json_string_value(json_object_get(j, zKey));
  return z ? z : "";
}

static char *join_args(CliCtx *c) {
  Buf b;
  buf_init(&b, BUF_UNBOUNDED);
  for (int i = 0; i < c->nArg; i++) {
    if (i) buf_putc(&b, ' ');
    buf_puts(&b, c->azArg[i]);
  }
  return buf_detach(&b);
}

/* The status in capitals with what it means, so nobody reads a banned agency as licensed. */
static const char *status_words(const json_t *a) {
  const char *z = js(a, "status");
  if (str_eq(z, "valid")) return "LICENSED (valid licence)";
  if (str_eq(z, "expired")) return "NOT LICENSED (licence expired)";
  if (str_eq(z, "suspended")) return "NOT LICENSED (licence suspended)";
  if (str_eq(z, "cancelled")) return "NOT LICENSED (licence cancelled)";
  if (str_eq(z, "delisted")) return "NOT LICENSED (delisted)";
  if (str_eq(z, "banned")) return "NOT LICENSED (BANNED)";
  return "NOT LICENSED";
}

int cmd_agency_import(CliCtx *c) {
  AgencyImportReport rep;
  if (agency_import_csv(c->store, c->azArg[0], &c->who, true, &rep, &c->err)) return -1;
  if (c->bJson)
    return cli_print_json(c, json_pack("{s:s, s:I, s:I, s:I, s:I}", "file", c->azArg[0], "rows", (json_int_t)rep.nRow,
                                       "new", (json_int_t)rep.nNew, "updated", (json_int_t)rep.nUpdated,
                                       "status_changed", (json_int_t)rep.nStatusChanged));
  fprintf(c->out, "imported %ld agencies from %s: %ld new, %ld updated (%ld changed status)\n", rep.nRow, c->azArg[0],
          rep.nNew, rep.nUpdated, rep.nStatusChanged);
  return 0;
}

int cmd_agency_check(CliCtx *c) {
  long long nLimit;
  char *zName;
  json_t *j, *a, *v;
  size_t i;
  if (cli_opt_int(c, "--limit", 1, 50, 10, &nLimit)) return -1;
  zName = join_args(c);
  j = agency_check(c->store, zName, cli_opt(c, "--country"), (int)nLimit, &c->err);
  free(zName);
  if (!j) return -1;
  if (c->bJson) return cli_print_json(c, j);
  const char *zV = js(j, "verdict");
  a = json_object_get(j, "matches");
  if (str_eq(zV, "licensed")) fprintf(c->out, "LICENSED: the agency matching \"%s\" holds a valid licence\n", js(j, "query"));
  else if (str_eq(zV, "not_licensed"))
    fprintf(c->out, "NOT LICENSED: the agency matching \"%s\" does not hold a valid licence\n", js(j, "query"));
  else if (str_eq(zV, "ambiguous"))
    fprintf(c->out, "CHECK THE LICENCE NUMBER: several agencies match \"%s\", not all licensed\n", js(j, "query"));
  else fprintf(c->out, "NOT FOUND: no agency on the licence list matches \"%s\"; treat it as unlicensed\n",
               js(j, "query"));
  json_array_foreach(a, i, v) {
    fprintf(c->out, "\n%s  %s/%s  %s\n", status_words(v), js(v, "country"), js(v, "licence"), js(v, "name"));
    if (!str_eq(js(v, "matched_by"), "name"))
      fprintf(c->out, "  matched %s \"%s\"\n", js(v, "matched_by"), js(v, "matched"));
    fprintf(c->out, "  score %.2f", json_number_value(json_object_get(v, "score")));
    if (*js(v, "valid_to")) fprintf(c->out, ", valid until %s", js(v, "valid_to"));
    if (json_is_true(json_object_get(v, "sanctioned"))) fprintf(c->out, ", SANCTIONED");
    fputc('\n', c->out);
  }
  json_decref(j);
  return 0;
}

int cmd_agency_show(CliCtx *c) {
  json_t *j = agency_get(c->store, c->azArg[0], cli_opt(c, "--country"), &c->err), *a, *v;
  size_t i;
  if (!j) return -1;
  if (c->bJson) return cli_print_json(c, j);
  FILE *f = c->out;
  fprintf(f, "%s  %s/%s\n", js(j, "name"), js(j, "country"), js(j, "licence"));
  fprintf(f, "  status     %s\n", status_words(j));
  if (*js(j, "valid_from") || *js(j, "valid_to"))
    fprintf(f, "  validity   %s to %s\n", *js(j, "valid_from") ? js(j, "valid_from") : "?",
            *js(j, "valid_to") ? js(j, "valid_to") : "?");
  if (*js(j, "address")) fprintf(f, "  address    %s\n", js(j, "address"));
  a = json_object_get(j, "aliases");
  json_array_foreach(a, i, v) fprintf(f, "  %s %s\n", i ? "          " : "also known", json_string_value(v));
  a = json_object_get(j, "branches");
  json_array_foreach(a, i, v) fprintf(f, "  %s %s\n", i ? "          " : "branches  ", json_string_value(v));
  a = json_object_get(j, "history");
  fprintf(f, "\nStatus history (%zu)\n", json_array_size(a));
  json_array_foreach(a, i, v) {
    fprintf(f, "  %-10s %s -> %s", *js(v, "decided_on") ? js(v, "decided_on") : "-",
            *js(v, "old_status") ? js(v, "old_status") : "(listed)", js(v, "new_status"));
    if (*js(v, "decision_ref")) fprintf(f, "  decision %s", js(v, "decision_ref"));
    if (*js(v, "authority")) fprintf(f, " (%s)", js(v, "authority"));
    fputc('\n', f);
    if (*js(v, "reason")) fprintf(f, "             %s\n", js(v, "reason"));
  }
  a = json_object_get(j, "sanctions");
  if (json_array_size(a)) {
    fprintf(f, "\nSanctions (%zu)\n", json_array_size(a));
    json_array_foreach(a, i, v) {
      fprintf(f, "  %-10s %-12s decision %s\n", *js(v, "decided_on") ? js(v, "decided_on") : "-", js(v, "kind"),
              js(v, "decision_ref"));
      if (*js(v, "description")) fprintf(f, "             %s\n", js(v, "description"));
    }
  }
  json_decref(j);
  return 0;
}

int cmd_agency_list(CliCtx *c) {
  json_t *j = agency_list(c->store, cli_opt(c, "--status"), cli_flag(c, "--sanctioned"), cli_opt(c, "--country"),
                          &c->err), *v;
  size_t i;
  if (!j) return -1;
  if (c->bJson) return cli_print_json(c, j);
  json_array_foreach(json_object_get(j, "agencies"), i, v)
    fprintf(c->out, "%-3s %-20s %-10s %s%s\n", js(v, "country"), js(v, "licence"), js(v, "status"), js(v, "name"),
            json_is_true(json_object_get(v, "sanctioned")) ? "  [sanctioned]" : "");
  fprintf(c->out, "(%lld agencies)\n", (long long)json_integer_value(json_object_get(j, "count")));
  json_decref(j);
  return 0;
}

int cmd_agency_status(CliCtx *c) {
  const char *zSet = cli_opt(c, "--set");
  if (!zSet) return err_set(&c->err, ERR_USAGE, "agency status: --set S is required");
  if (!cli_opt(c, "--decision")) return err_set(&c->err, ERR_USAGE, "agency status: --decision REF is required");
  if (!cli_opt(c, "--reason")) return err_set(&c->err, ERR_USAGE, "agency status: --reason TEXT is required");
  if (agency_set_status(c->store, c->azArg[0], cli_opt(c, "--country"), zSet, cli_opt(c, "--decision"),
                        cli_opt(c, "--date"), cli_opt(c, "--authority"), cli_opt(c, "--reason"), &c->who, "cli",
                        &c->err))
    return -1;
  if (c->bJson) {
    json_t *j = agency_get(c->store, c->azArg[0], cli_opt(c, "--country"), &c->err);
    return j ? cli_print_json(c, j) : -1;
  }
  fprintf(c->out, "agency %s is now %s (decision %s)\n", c->azArg[0], zSet, cli_opt(c, "--decision"));
  return 0;
}

int cmd_cost_import(CliCtx *c) {
  CostImportReport rep;
  if (cost_import_jsonl(c->store, c->azArg[0], true, &rep, &c->err)) return -1;
  if (c->bJson)
    return cli_print_json(c, json_pack("{s:s, s:I, s:I, s:I, s:I}", "file", c->azArg[0], "lines", (json_int_t)rep.nLine,
                                       "new", (json_int_t)rep.nNew, "already_imported", (json_int_t)rep.nKnown,
                                       "no_fee_breach", (json_int_t)rep.nFlagged));
  fprintf(c->out, "imported %ld cost reports from %s (%ld already there); %ld with costs borne by the worker "
                  "(no-fee principle breached)\n",
          rep.nNew, c->azArg[0], rep.nKnown, rep.nFlagged);
  return 0;
}

int cmd_cost_sdg(CliCtx *c) {
  CostSdgOpts o;
  long long n;
  json_t *j, *v;
  size_t i;
  cost_sdg_opts_default(&o);
  if (cost_parse_by(cli_opt(c, "--by"), &o, &c->err)) {
    c->err.code = ERR_USAGE;
    return -1;
  }
  if (cli_opt_int(c, "--min-n", 1, 1000000, 10, &n)) return -1;
  o.minN = (int)n;
  if (cli_opt_int(c, "--isco-digits", 1, 4, 1, &n)) return -1;
  o.iscoDigits = (int)n;
  o.zOrigin = cli_opt(c, "--origin");
  o.zDestination = cli_opt(c, "--destination");
  j = cost_sdg(c->store, &o, &c->err);
  if (!j) return -1;
  if (c->bJson) return cli_print_json(c, j);
  fprintf(c->out, "SDG 10.7.1 recruitment cost indicator: worker-paid costs / first month's earnings\n"
                  "(cells of fewer than %d reports suppressed; p80 = 4th quintile, type 7)\n\n", o.minN);
  fprintf(c->out, "%-7s %-3s %-4s %-22s %6s %8s %8s %8s %8s\n", "origin", "->", "sex", "occupation/agency", "n", "mean",
          "median", "p80", "paid");
  json_array_foreach(json_object_get(j, "cells"), i, v) {
    char zExtra[64];
    snprintf(zExtra, sizeof zExtra, "%s%s%s", js(v, "isco"), *js(v, "isco") && *js(v, "agency") ? " " : "",
             js(v, "agency"));
    fprintf(c->out, "%-7s %-3s %-4s %-22s %6lld", js(v, "origin"), js(v, "destination"),
            json_object_get(v, "sex") ? js(v, "sex") : "all", *zExtra ? zExtra : "all",
            (long long)json_integer_value(json_object_get(v, "n")));
    if (json_is_true(json_object_get(v, "suppressed"))) fprintf(c->out, " %8s %8s %8s %8s\n", "x", "x", "x", "x");
    else
      fprintf(c->out, " %8.2f %8.2f %8.2f %7.0f%%\n", json_number_value(json_object_get(v, "mean")),
              json_number_value(json_object_get(v, "median")), json_number_value(json_object_get(v, "p80")),
              100 * json_number_value(json_object_get(v, "share_worker_paid")));
  }
  fprintf(c->out, "\n%lld reports; x = suppressed; paid = share of workers who paid any cost\n",
          (long long)json_integer_value(json_object_get(j, "reports")));
  json_decref(j);
  return 0;
}

/* A rating 1-5 as that many stars, "-" when not given. */
static const char *stars(const json_t *v) {
  static const char *const az[] = {"-", "*", "**", "***", "****", "*****"};
  json_int_t n = json_is_integer(v) ? json_integer_value(v) : 0;
  return az[n >= 1 && n <= 5 ? n : 0];
}

int cmd_review_list(CliCtx *c) {
  long long nLimit;
  json_t *j, *v;
  size_t i;
  if (cli_opt_int(c, "--limit", 1, 1000, 50, &nLimit)) return -1;
  j = review_list(c->store, cli_opt(c, "--status") ? cli_opt(c, "--status") : "pending", cli_opt(c, "--agency"),
                  cli_opt(c, "--country"), (int)nLimit, &c->who, "cli", &c->err);
  if (!j) return -1;
  if (c->bJson) return cli_print_json(c, j);
  json_array_foreach(json_object_get(j, "reviews"), i, v) {
    json_t *t = json_object_get(v, "agency");
    json_t *r = json_object_get(v, "ratings");
    fprintf(c->out, "#%lld  %s  %s  %s\n", (long long)json_integer_value(json_object_get(v, "id")), js(v, "status"),
            js(v, "submitted"), t ? js(t, "name") : js(json_object_get(v, "employer"), "name"));
    fprintf(c->out, "  fees %s  contract %s  documents %s  information %s\n", stars(json_object_get(r, "fees")),
            stars(json_object_get(r, "contract")), stars(json_object_get(r, "documents")),
            stars(json_object_get(r, "information")));
    if (*js(v, "text")) fprintf(c->out, "  %s\n", js(v, "text"));
  }
  fprintf(c->out, "(%zu %s reviews)\n", json_array_size(json_object_get(j, "reviews")), js(j, "status"));
  json_decref(j);
  return 0;
}

int cmd_review_moderate(CliCtx *c) {
  long long id;
  bool bPub = cli_flag(c, "--publish"), bRej = cli_flag(c, "--reject");
  if (bPub == bRej) return err_set(&c->err, ERR_USAGE, "review moderate: give exactly one of --publish and --reject");
  if (parse_int(c->azArg[0], 1, INT64_MAX, &id))
    return err_set(&c->err, ERR_USAGE, "review moderate: \"%s\" is not a review number", c->azArg[0]);
  if (review_moderate(c->store, id, bPub, cli_opt(c, "--note"), &c->who, "cli", &c->err)) return -1;
  if (c->bJson) return cli_print_json(c, json_pack("{s:I, s:s}", "id", (json_int_t)id, "status",
                                                   bPub ? "published" : "rejected"));
  fprintf(c->out, "review %lld %s\n", id, bPub ? "published" : "rejected");
  return 0;
}
