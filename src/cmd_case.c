/*
** cmd_case.c: `lmis case ...`: complaints and cases from the command line.
**
** Filing, tracking by receipt code, statistics and the deadline sweep work for
** the local operator. Reading and working on cases needs the identity of the
** labour inspector assigned: set LMIS_TOKEN to that inspector's API token (the
** operator, an administrator, is refused by the firewall like over HTTP).
*/
#include "case.h"
#include "cli.h"
#include "cmds.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>


/* Print a case (case_get, case_track, case_act) for people. */
static void print_case(FILE *out, json_t *j) {
  json_t *jWho = json_object_get(j, "complainant"), *jEv = json_object_get(j, "events"), *o;
  json_t *jAmt = json_object_get(j, "amount_recovered");
  size_t i;
  fprintf(out, "%s  %s  %s%s\n", cli_str_or(j, "case", "?"), cli_str_or(j, "category", "?"), cli_str_or(j, "state", "?"),
          json_is_true(json_object_get(j, "escalated")) ? "  ESCALATED" : "");
  fprintf(out, "received     ");
  cli_put_time(out, json_object_get(j, "received_at"));
  fprintf(out, "\ndeadline     ");
  cli_put_time(out, json_object_get(j, "deadline"));
  fprintf(out, "\nlanguage     %s\n", cli_str_or(j, "language", "-"));
  if (json_object_get(j, "assigned_to")) fprintf(out, "assigned to  %s\n", cli_str_or(j, "assigned_to", "nobody"));
  fprintf(out, "period       %s to %s\n", cli_str_or(j, "occurred_from", "?"), cli_str_or(j, "occurred_to", "?"));
  fprintf(out, "employer     %s (%s)\n", cli_str_or(json_object_get(j, "employer"), "name", "-"),
          cli_str_or(json_object_get(j, "employer"), "country", "-"));
  fprintf(out, "agency       %s (licence %s)\n", cli_str_or(json_object_get(j, "agency"), "name", "-"),
          cli_str_or(json_object_get(j, "agency"), "licence", "-"));
  if (json_is_true(json_object_get(j, "anonymous"))) fprintf(out, "complainant  anonymous\n");
  else if (jWho)
    fprintf(out, "complainant  %s; passport %s; phone %s; email %s\n", cli_str_or(jWho, "name", "-"),
            cli_str_or(jWho, "passport", "-"), cli_str_or(jWho, "phone", "-"), cli_str_or(jWho, "email", "-"));
  fprintf(out, "contact      %s %s\n", cli_str_or(j, "contact_method", "-"), cli_str_or(j, "contact_detail", ""));
  if (json_is_object(jAmt))
    fprintf(out, "recovered    %s %s\n", cli_str_or(jAmt, "amount", "0"), cli_str_or(jAmt, "currency", ""));
  if (json_is_string(json_object_get(j, "outcome"))) fprintf(out, "outcome      %s\n", cli_str_or(j, "outcome", ""));
  if (json_is_string(json_object_get(j, "referral_country")))
    fprintf(out, "referred to  %s\n", cli_str_or(j, "referral_country", ""));
  fprintf(out, "\n%s\n", cli_str_or(j, "description", ""));
  if (json_array_size(jEv)) fprintf(out, "\nhistory\n");
  json_array_foreach(jEv, i, o) {
    fprintf(out, "  ");
    cli_put_time(out, json_object_get(o, "at"));
    fprintf(out, "  %-10s %s%s%s", cli_str_or(o, "kind", "?"), cli_str_or(o, "from", ""),
            json_is_string(json_object_get(o, "from")) ? " -> " : "", cli_str_or(o, "to", ""));
    if (json_is_string(json_object_get(o, "by"))) fprintf(out, "  by %s", cli_str_or(o, "by", ""));
    if (json_is_string(json_object_get(o, "note"))) fprintf(out, "\n      %s", cli_str_or(o, "note", ""));
    fputc('\n', out);
  }
}

static int emit_case(CliCtx *c, json_t *j) {
  if (!j) return -1;
  if (c->bJson) return cli_print_json(c, j);
  print_case(c->out, j);
  json_decref(j);
  return 0;
}

static int case_id_arg(CliCtx *c, int64_t *pId) {
  if (case_parse_number(c->azArg[0], pId))
    return err_set(&c->err, ERR_USAGE, "a case is named like C-000123 or 123, not \"%s\"", c->azArg[0]);
  return 0;
}

int cmd_case_file(CliCtx *c) {
  json_error_t je;
  json_t *jIn = json_load_file(c->azArg[0], JSON_REJECT_DUPLICATES, &je), *j;
  if (!jIn) {
    err_set(&c->err, ERR_INVALID, "%s:%d:%d: %s", c->azArg[0], je.line, je.column, je.text);
    return -1;
  }
  j = case_file(c->store, &c->who, NULL, jIn, &c->err);
  json_decref(jIn);
  if (!j) {
    if (c->err.zWhere) {
      /* FILE#/json/pointer: the file and the place in it. */
      char *zPtr = xstrdup(c->err.zWhere);
      err_where(&c->err, "%s#%s", c->azArg[0], zPtr);
      free(zPtr);
    }
    return -1;
  }
  if (c->bJson) return cli_print_json(c, j);
  fprintf(c->out, "filed %s\nreceipt code %s (give it to the complainant: it is shown only once)\n",
          cli_str_or(j, "case", "?"), cli_str_or(j, "receipt", "?"));
  json_decref(j);
  return 0;
}

int cmd_case_track(CliCtx *c) { return emit_case(c, case_track(c->store, c->azArg[0], NULL, &c->err)); }

int cmd_case_show(CliCtx *c) {
  int64_t id;
  if (case_id_arg(c, &id)) return -1;
  return emit_case(c, case_get(c->store, &c->who, id, NULL, &c->err));
}

static void print_rows(FILE *out, const char *zTitle, json_t *a) {
  json_t *o;
  size_t i;
  fprintf(out, "%s (%zu)\n", zTitle, json_array_size(a));
  json_array_foreach(a, i, o) {
    fprintf(out, "  %-9s %-22s %-13s %-3s received ", cli_str_or(o, "case", "?"), cli_str_or(o, "category", "?"),
            cli_str_or(o, "state", "?"), cli_str_or(o, "language", "?"));
    cli_put_time(out, json_object_get(o, "received_at"));
    fprintf(out, "  due ");
    cli_put_time(out, json_object_get(o, "deadline"));
    fprintf(out, "%s\n", json_is_true(json_object_get(o, "escalated")) ? "  ESCALATED" : "");
  }
}

int cmd_case_queue(CliCtx *c) {
  json_t *j = case_queue(c->store, &c->who, NULL, &c->err);
  if (!j) return -1;
  if (c->bJson) return cli_print_json(c, j);
  print_rows(c->out, "unassigned", json_object_get(j, "unassigned"));
  print_rows(c->out, "assigned to you", json_object_get(j, "mine"));
  json_decref(j);
  return 0;
}

/* Build the action object from the command's arguments and options. */
static int act(CliCtx *c, json_t *jAct) {
  int64_t id;
  json_t *j;
  const char *zNote = cli_opt(c, "--note");
  if (case_id_arg(c, &id)) {
    json_decref(jAct);
    return -1;
  }
  if (zNote && !json_object_get(jAct, "note")) json_object_set_new(jAct, "note", json_string(zNote));
  if (cli_flag(c, "--visible")) json_object_set_new(jAct, "visible", json_true());
  j = case_act(c->store, &c->who, id, jAct, NULL, &c->err);
  json_decref(jAct);
  if (!j) return -1;
  if (c->bJson) return cli_print_json(c, j);
  if (json_object_get(j, "referral")) {
    fprintf(c->out, "referral package (send to the inspectorate of %s):\n",
            cli_str_or(json_object_get(j, "referral"), "referred_to", "?"));
    char *z = json_dumps(json_object_get(j, "referral"), JSON_INDENT(2) | JSON_SORT_KEYS);
    fprintf(c->out, "%s\n\n", z ? z : "{}");
    free(z);
  }
  if (json_object_get(j, "events")) print_case(c->out, j);
  else fprintf(c->out, "%s is now assigned to %s\n", cli_str_or(j, "case", "?"), cli_str_or(j, "assigned_to", "?"));
  json_decref(j);
  return 0;
}

int cmd_case_assign(CliCtx *c) { return act(c, json_pack("{s:s, s:s}", "action", "assign", "to", c->azArg[1])); }

int cmd_case_move(CliCtx *c) {
  json_t *j = json_pack("{s:s, s:s}", "action", "transition", "state", c->azArg[1]);
  const char *z;
  if ((z = cli_opt(c, "--outcome"))) json_object_set_new(j, "outcome", json_string(z));
  if ((z = cli_opt(c, "--amount"))) json_object_set_new(j, "amount_recovered", json_string(z));
  if ((z = cli_opt(c, "--currency"))) json_object_set_new(j, "currency", json_string(z));
  return act(c, j);
}

int cmd_case_note(CliCtx *c) { return act(c, json_pack("{s:s, s:s}", "action", "note", "note", c->azArg[1])); }

int cmd_case_refer(CliCtx *c) { return act(c, json_pack("{s:s, s:s}", "action", "refer", "country", c->azArg[1])); }

int cmd_case_search(CliCtx *c) {
  static const char *const azKind[] = {"name", "passport", "phone"};
  const char *zKind = NULL, *zVal = NULL;
  json_t *j, *o;
  size_t i;
  for (int k = 0; k < 3; k++) {
    char zOpt[16];
    snprintf(zOpt, sizeof zOpt, "--%s", azKind[k]);
    if (cli_opt(c, zOpt)) {
      if (zKind) return err_set(&c->err, ERR_USAGE, "search by one of --name, --passport or --phone");
      zKind = azKind[k];
      zVal = cli_opt(c, zOpt);
    }
  }
  if (!zKind) return err_set(&c->err, ERR_USAGE, "search by one of --name, --passport or --phone");
  j = case_search(c->store, &c->who, zKind, zVal, NULL, &c->err);
  if (!j) return -1;
  if (c->bJson) return cli_print_json(c, j);
  json_array_foreach(json_object_get(j, "cases"), i, o)
    fprintf(c->out, "%s  %s  %s\n", cli_str_or(o, "case", "?"), cli_str_or(o, "category", "?"), cli_str_or(o, "state", "?"));
  if (json_array_size(json_object_get(j, "cases")) == 0) fprintf(c->out, "no case of yours matches\n");
  json_decref(j);
  return 0;
}

int cmd_case_stats(CliCtx *c) {
  long long nMin;
  json_t *j, *o;
  size_t i;
  if (cli_opt_int(c, "--min-n", 1, 1000, CASE_MIN_CELL, &nMin)) return -1;
  j = case_stats(c->store, cli_opt(c, "--by"), (int)nMin, &c->err);
  if (!j) return -1;
  if (c->bJson) return cli_print_json(c, j);
  fprintf(c->out, "%-24s %s\n", cli_str_or(j, "by", "?"), "complaints");
  json_array_foreach(json_object_get(j, "cells"), i, o) {
    json_t *n = json_object_get(o, "count");
    fprintf(c->out, "%-24s ", cli_str_or(o, "value", "(not given)"));
    if (json_is_integer(n)) fprintf(c->out, "%lld\n", (long long)json_integer_value(n));
    else fprintf(c->out, "suppressed (fewer than %lld)\n", nMin);
  }
  o = json_object_get(j, "total");
  if (json_is_integer(o)) fprintf(c->out, "%-24s %lld\n", "total", (long long)json_integer_value(o));
  json_decref(j);
  return 0;
}

int cmd_case_escalate(CliCtx *c) {
  int n;
  if (case_escalate(c->store, now_seconds(), &n, &c->err)) return -1;
  if (c->bJson) return cli_print_json(c, json_pack("{s:i}", "escalated", n));
  fprintf(c->out, "escalated %d overdue case%s\n", n, n == 1 ? "" : "s");
  return 0;
}
