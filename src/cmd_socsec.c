/*
** cmd_socsec.c: CLI handlers for social security coordination: socsec compute
** (old-age, invalidity or survivors' pensions; --benefit), socsec schemes, socsec
** instruments. The engine is socsec.c; the JSON printed with
** --json is the one the API serves.
*/
#include "cmds.h"
#include "socsec.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INPUT_MAX (1 << 20)

/* Read the whole file (at most INPUT_MAX bytes) as JSON; NULL with c->err set. */
static json_t *read_input(CliCtx *c, const char *zFile) {
  FILE *f = strcmp(zFile, "-") == 0 ? stdin : fopen(zFile, "rb");
  Buf b;
  char a[8192];
  size_t n;
  json_error_t jerr;
  if (!f) {
    err_set(&c->err, ERR_IO, "cannot open %s", zFile);
    err_detail(&c->err, "%s", strerror(errno));
    return NULL;
  }
  buf_init(&b, INPUT_MAX);
  while ((n = fread(a, 1, sizeof a, f)) > 0)
    if (buf_append(&b, a, n)) break;
  if (f != stdin) fclose(f);
  if (b.bOverflow) {
    buf_free(&b);
    err_set(&c->err, ERR_TOO_LARGE, "%s is larger than %d bytes", zFile, INPUT_MAX);
    return NULL;
  }
  json_t *j = json_loadb(b.z ? b.z : "", b.n, JSON_REJECT_DUPLICATES, &jerr);
  buf_free(&b);
  if (!j) {
    err_set(&c->err, ERR_INVALID, "%s:%d: not valid JSON: %s", zFile, jerr.line, jerr.text);
    err_where(&c->err, "%s:%d", zFile, jerr.line);
  }
  return j;
}

/* --benefit B: the file's "benefit" gets type B (a string or an object's "type"). */
static int apply_benefit(CliCtx *c, json_t *j) {
  const char *zB = cli_opt(c, "--benefit");
  if (!zB) return 0;
  if (strcmp(zB, "old_age") != 0 && strcmp(zB, "invalidity") != 0 && strcmp(zB, "survivors") != 0) {
    err_set(&c->err, ERR_USAGE, "socsec compute: --benefit must be old_age, invalidity or survivors, not \"%s\"", zB);
    err_hint(&c->err, "see `lmis help socsec compute`");
    return -1;
  }
  json_t *b = json_object_get(j, "benefit");
  if (json_is_object(b)) json_object_set_new(b, "type", json_string(zB));
  else if (json_is_object(j)) json_object_set_new(j, "benefit", json_pack("{s:s}", "type", zB));
  return 0;
}

int cmd_socsec_compute(CliCtx *c) {
  const char *zFile = c->azArg[0];
  SsResult res;
  json_t *j = read_input(c, zFile);
  if (!j) return -1;
  if (apply_benefit(c, j)) {
    json_decref(j);
    return -1;
  }
  int rc = socsec_compute_input(c->store, j, c->zLang, &res, &c->err);
  json_decref(j);
  if (rc) {
    /* Name the file with the JSON pointer: "worker.json#/periods/2/from: ...". */
    if (c->err.zWhere && c->err.zWhere[0] == '/') {
      char *zMsg = xstrdup(c->err.zMsg ? c->err.zMsg : "");
      char *zWhere = xstrdup(c->err.zWhere);
      free(c->err.zMsg);
      c->err.zMsg = xasprintf("%s#%s", zFile, zMsg);
      err_where(&c->err, "%s#%s", zFile, zWhere);
      free(zMsg);
      free(zWhere);
    }
    socsec_result_free(&res);
    return -1;
  }
  if (c->bJson) {
    rc = cli_print_json(c, socsec_result_json(&res));
  } else {
    Buf b;
    buf_init(&b, BUF_UNBOUNDED);
    socsec_result_text(&res, c->zLang, &b);
    fputs(buf_cstr(&b), c->out);
    buf_free(&b);
  }
  socsec_result_free(&res);
  return rc;
}

static const char *jstr(json_t *j, const char *zKey) {
  const char *z = json_string_value(json_object_get(j, zKey));
  return z ? z : "";
}

int cmd_socsec_schemes(CliCtx *c) {
  json_t *a = socsec_schemes_json(c->store, c->zLang, &c->err), *v;
  size_t i;
  if (!a) return -1;
  if (c->bJson) return cli_print_json(c, a);
  json_array_foreach(a, i, v) {
    json_t *f = json_object_get(v, "formula");
    fprintf(c->out, "%s  %-14s %s%s\n     qualifying period %lld %s; formula %s; currency %s; from %s\n",
            jstr(v, "country"), jstr(v, "id"), jstr(v, "display_name"),
            json_is_true(json_object_get(v, "illustrative")) ? " (illustrative)" : "",
            (long long)json_integer_value(json_object_get(v, "qualifying_period")), jstr(v, "period_unit"),
            jstr(f, "type"), jstr(v, "currency"), jstr(v, "source_file"));
    json_t *pInv = json_object_get(v, "invalidity"), *pSurv = json_object_get(v, "survivors");
    if (pInv)
      fprintf(c->out, "     invalidity: type %s; qualifying period %lld; minimum degree %lld%%; formula %s\n",
              *jstr(pInv, "type") ? jstr(pInv, "type") : "B",
              (long long)json_integer_value(json_object_get(pInv, "qualifying_period")),
              json_object_get(pInv, "minimum_degree") ? (long long)json_integer_value(json_object_get(pInv, "minimum_degree"))
                                                      : 50LL,
              jstr(json_object_get(pInv, "formula"), "type"));
    if (pSurv)
      fprintf(c->out, "     survivors: basis %s; spouse %lld bp; each child %lld bp\n",
              *jstr(pSurv, "basis") ? jstr(pSurv, "basis") : "old_age",
              (long long)json_integer_value(json_object_get(pSurv, "spouse_bp")),
              (long long)json_integer_value(json_object_get(pSurv, "child_bp")));
  }
  fprintf(c->out, "%zu schemes\n", json_array_size(a));
  json_decref(a);
  return 0;
}

int cmd_socsec_instruments(CliCtx *c) {
  json_t *a = socsec_instruments_json(c->store, c->zLang, &c->err), *v, *m;
  size_t i, k;
  if (!a) return -1;
  if (c->bJson) return cli_print_json(c, a);
  json_array_foreach(a, i, v) {
    json_t *r = json_object_get(v, "rules");
    fprintf(c->out, "%-20s %s%s\n     %s; members", jstr(v, "id"), jstr(v, "display_name"),
            json_is_true(json_object_get(v, "illustrative")) ? " (illustrative)" : "", jstr(v, "kind"));
    json_array_foreach(json_object_get(v, "members"), k, m) fprintf(c->out, " %s", json_string_value(m));
    fprintf(c->out, "; in force %s\n     totalization %s; minimum period %lld months; third-country periods %s; "
                    "amount payable %s\n",
            *jstr(v, "in_force") ? jstr(v, "in_force") : "unknown",
            json_is_true(json_object_get(r, "totalization")) ? "yes" : "no",
            (long long)json_integer_value(json_object_get(r, "minimum_period_months")),
            *jstr(r, "third_country_periods") ? jstr(r, "third_country_periods") : "never",
            *jstr(r, "amount_payable") ? jstr(r, "amount_payable") : "higher_of_independent_and_pro_rata");
  }
  fprintf(c->out, "%zu instruments\n", json_array_size(a));
  json_decref(a);
  return 0;
}
