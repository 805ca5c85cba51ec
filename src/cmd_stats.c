/*
** cmd_stats.c: CLI handlers for indicators, SDMX exchange and the aggregate
** store: indicator list/compute, sdmx import/export/structure, aggregate list.
**
** Each handler asks indicator.c, sdmx.c or aggregate.c for the same objects
** the API serves and prints them as JSON (--json), SDMX or a text table.
*/
#include "aggregate.h"
#include "cmds.h"
#include "indicator.h"
#include "sdmx.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SDMX_OUT_MAX ((size_t)1 << 31)

static int write_buf(CliCtx *c, Buf *b) {
  if (b->n && fwrite(b->z, 1, b->n, c->out) != b->n) {
    return err_set(&c->err, ERR_IO, "could not write the output");
  }
  return 0;
}

/* ---- indicator list ---- */

int cmd_indicator_list(CliCtx *c) {
  const Catalogue *pCat = indicator_catalogue_default(&c->err);
  json_t *j;
  if (!pCat) return -1;
  j = indicator_list_json(pCat, c->zLang);
  if (c->bJson) return cli_print_json(c, j);
  size_t i;
  json_t *v;
  json_array_foreach(json_object_get(j, "indicators"), i, v) {
    const char *zMig = json_string_value(json_object_get(v, "migrant"));
    fprintf(c->out, "%-26s %-12s %-5s %-18s %s\n", json_string_value(json_object_get(v, "id")),
            json_string_value(json_object_get(v, "statistic")), json_string_value(json_object_get(v, "unit")),
            zMig ? zMig : "-", json_string_value(json_object_get(v, "title")));
  }
  json_decref(j);
  return 0;
}

/* ---- indicator compute ---- */

/* Split "a,b" into at most nMax names (pointers into the copy *pzCopy). */
static int split_by(CliCtx *c, const char *zBy, char **pzCopy, const char **azBy, int nMax) {
  int n = 0;
  char *z = *pzCopy = xstrdup(zBy);
  for (char *p = z; p;) {
    char *zComma = strchr(p, ',');
    if (zComma) *zComma = 0;
    if (*p) {
      if (n == nMax) return err_set(&c->err, ERR_USAGE, "--by: at most %d breakdowns", nMax);
      azBy[n++] = p;
    }
    p = zComma ? zComma + 1 : NULL;
  }
  return n;
}

static void fmt_fixed(char *zBuf, size_t n, double v, int decimals) {
  if (!isfinite(v)) snprintf(zBuf, n, "-");
  else snprintf(zBuf, n, "%.*f", decimals < 0 ? 2 : decimals, v);
}

static void print_table(CliCtx *c, const IndicatorResult *r) {
  const SdmxData *d = r->pData;
  bool bCounterpart = false;
  int dec = 0;
  for (size_t i = 0; i < d->nObs; i++)
    if (strcmp(d->aObs[i].azDim[SDMX_COUNTERPART_AREA], "_T") != 0) bCounterpart = true;
  fprintf(c->out, "%s  %s\n", indicator_id(r->pDef), indicator_title(r->pDef, c->zLang));
  fprintf(c->out, "survey %s, %s %s; unit %s; by %s\n\n", r->zSurvey, r->zRefArea, r->zTimePeriod,
          indicator_unit(r->pDef), *r->zBy ? r->zBy : "(none)");
  if (bCounterpart) fprintf(c->out, "%-12s ", "COUNTERPART");
  fprintf(c->out, "%-6s %-22s %-18s %14s %12s %14s %14s %7s %7s  %s\n", "SEX", "CLASSIF1", "CLASSIF2", "ESTIMATE",
          "SE", "CI_LOW", "CI_HIGH", "CV", "N", "STATUS");
  for (size_t i = 0; i < d->nObs; i++) {
    const SdmxObs *p = &d->aObs[i];
    char zV[32], zSe[32], zLo[32], zHi[32], zCv[32];
    dec = p->decimals;
    fmt_fixed(zV, sizeof zV, p->value, dec);
    fmt_fixed(zSe, sizeof zSe, p->se, dec + 1);
    fmt_fixed(zLo, sizeof zLo, p->ciLow, dec);
    fmt_fixed(zHi, sizeof zHi, p->ciHigh, dec);
    fmt_fixed(zCv, sizeof zCv, p->cv, 3);
    if (bCounterpart) fprintf(c->out, "%-12s ", p->azDim[SDMX_COUNTERPART_AREA]);
    fprintf(c->out, "%-6s %-22s %-18s %14s %12s %14s %14s %7s %7ld  %s\n", p->azDim[SDMX_SEX] + (str_startswith(p->azDim[SDMX_SEX], "SEX_") ? 4 : 0),
            p->azDim[SDMX_CLASSIF1], p->azDim[SDMX_CLASSIF2], zV, zSe, zLo, zHi, zCv, p->n,
            !p->zStatus || strcmp(p->zStatus, "A") == 0 ? "" :
            strcmp(p->zStatus, "U") == 0 ? "U unreliable" : strcmp(p->zStatus, "C") == 0 ? "C suppressed" : p->zStatus);
  }
  fprintf(c->out, "\nU: coefficient of variation above 0.3; C: fewer than 10 sample units, not published.\n");
}

int cmd_indicator_compute(CliCtx *c) {
  const char *zSurvey = cli_opt(c, "--survey");
  const char *zBy = cli_opt(c, "--by");
  const char *zFormat = cli_opt(c, "--format");
  const char *azBy[8];
  char *zByCopy = NULL;
  int nBy = 0, rc = -1;
  IndicatorResult *r = NULL;
  SdmxFormat f = SDMX_CSV1;
  bool bSdmx = false, bJson = c->bJson;
  Buf b;
  buf_init(&b, SDMX_OUT_MAX);
  if (!zSurvey || !*zSurvey) {
    err_set(&c->err, ERR_USAGE, "indicator compute needs --survey NAME");
    err_hint(&c->err, "list the surveys with `lmis survey list`");
    return -1;
  }
  if (zFormat) {
    if (strcmp(zFormat, "json") == 0) bJson = true;
    else if (strcmp(zFormat, "table") == 0) bJson = false;
    else if (sdmx_format_parse(zFormat, &f) == 0) bSdmx = true;
    else {
      err_set(&c->err, ERR_USAGE, "--format: \"%s\" is not table, json, sdmx-csv, sdmx-csv2, sdmx-ml or sdmx-json", zFormat);
      return -1;
    }
  }
  if (zBy) {
    nBy = split_by(c, zBy, &zByCopy, azBy, 4);
    if (nBy < 0) goto compute_out;
  }
  /* Publication thresholds: the same rules as `survey estimate`. */
  EstOptions o;
  long long nMin;
  est_options_default(&o);
  if (cli_opt_int(c, "--min-n", 0, 1000000, o.nMinCell, &nMin)) goto compute_out;
  o.nMinCell = (long)nMin;
  if (cli_opt(c, "--cv-max")) {
    char *zEnd = NULL;
    double v = strtod(cli_opt(c, "--cv-max"), &zEnd);
    if (!zEnd || *zEnd || !(v > 0 && v <= 100)) {
      err_set(&c->err, ERR_USAGE, "--cv-max must be a number above 0, such as 0.3, not \"%s\"", cli_opt(c, "--cv-max"));
      goto compute_out;
    }
    o.cvMax = v;
  }
  if (indicator_compute(c->store, NULL, c->azArg[0], zSurvey, zBy ? azBy : NULL, nBy, &o, &r, &c->err))
    goto compute_out;
  if (cli_flag(c, "--publish")) {
    long n;
    if (indicator_publish(c->store, r, &n, &c->err)) goto compute_out;
    fprintf(stderr, "published %ld observations of %s from survey %s to dataflow LMIS_MIG\n", n,
            indicator_id(r->pDef), r->zSurvey);
  }
  if (bSdmx) {
    if (sdmx_write(c->store, r->pData, f, c->zLang, &b, &c->err) || write_buf(c, &b)) goto compute_out;
  } else if (bJson) {
    rc = cli_print_json(c, indicator_result_json(r, c->zLang));
    goto compute_out;
  } else {
    print_table(c, r);
  }
  rc = 0;
compute_out:
  buf_free(&b);
  free(zByCopy);
  indicator_result_free(r);
  return rc;
}

/* ---- sdmx ---- */

int cmd_sdmx_import(CliCtx *c) {
  SdmxImportReport rep;
  int rc = sdmx_import_csv(c->store, c->azArg[0], cli_opt(c, "--dataflow"), &rep, &c->err);
  if (rc) {
    if (rep.zProblems && *rep.zProblems) {
      char *zDetail = xasprintf("%s%s%s", c->err.zDetail ? c->err.zDetail : "", c->err.zDetail ? "\n" : "",
                                rep.zProblems);
      size_t n = strlen(zDetail);
      if (n && zDetail[n - 1] == '\n') zDetail[n - 1] = 0;
      err_detail(&c->err, "%s", zDetail);
      free(zDetail);
    }
    sdmx_import_report_free(&rep);
    return -1;
  }
  if (c->bJson) {
    rc = cli_print_json(c, json_pack("{s:s, s:s, s:I, s:I, s:I, s:s}", "file", c->azArg[0], "format", rep.zFormat,
                                     "rows", (json_int_t)rep.nRows, "stored", (json_int_t)rep.nStored, "deleted",
                                     (json_int_t)rep.nDeleted, "dataflows", rep.zFlows ? rep.zFlows : ""));
  } else {
    fprintf(c->out, "imported %s (%s): %ld rows, %ld observations stored, %ld deleted, dataflow %s\n", c->azArg[0],
            rep.zFormat, rep.nRows, rep.nStored, rep.nDeleted, rep.zFlows ? rep.zFlows : "");
  }
  sdmx_import_report_free(&rep);
  return rc;
}

int cmd_sdmx_export(CliCtx *c) {
  const char *zFormat = cli_opt(c, "--format");
  SdmxFormat f = SDMX_CSV1;
  SdmxData *d = NULL;
  Buf b;
  int rc = -1;
  if (zFormat && sdmx_format_parse(zFormat, &f)) {
    return err_set(&c->err, ERR_USAGE, "--format: \"%s\" is not sdmx-csv, sdmx-csv2, sdmx-ml or sdmx-json", zFormat);
  }
  buf_init(&b, SDMX_OUT_MAX);
  if (sdmx_export(c->store, c->azArg[0], cli_opt(c, "--key"), &d, &c->err)) goto export_out;
  if (sdmx_write(c->store, d, f, c->zLang, &b, &c->err) || write_buf(c, &b)) goto export_out;
  rc = 0;
export_out:
  sdmx_data_free(d);
  buf_free(&b);
  return rc;
}

int cmd_sdmx_structure(CliCtx *c) {
  Buf b;
  int rc;
  buf_init(&b, SDMX_OUT_MAX);
  if (cli_flag(c, "--xsd")) rc = sdmx_structure_xsd(c->store, NULL, &b, &c->err);
  else rc = sdmx_structure(c->store, &b, &c->err);
  if (rc == 0) rc = write_buf(c, &b);
  buf_free(&b);
  return rc;
}

/* ---- aggregate list ---- */

int cmd_aggregate_list(CliCtx *c) {
  AggQuery q;
  long long nLimit;
  json_t *j, *v;
  size_t i;
  memset(&q, 0, sizeof(q));
  if (cli_opt_int(c, "--limit", 1, 10000, 100, &nLimit)) return -1;
  q.zArea = cli_opt(c, "--area");
  q.zCounterpart = cli_opt(c, "--counterpart");
  q.zIndicator = cli_opt(c, "--indicator");
  q.zDataflow = cli_opt(c, "--dataflow");
  q.nLimit = (long)nLimit;
  q.zLang = c->zLang;
  j = aggregate_query(c->store, &q, &c->err);
  if (!j) return -1;
  if (c->bJson) return cli_print_json(c, j);
  fprintf(c->out, "%-12s %-24s %-5s %-5s %-6s %-22s %-18s %-8s %16s %-3s %s\n", "DATAFLOW", "INDICATOR", "AREA",
          "CPART", "SEX", "CLASSIF1", "CLASSIF2", "TIME", "VALUE", "ST", "UNIT");
  json_array_foreach(json_object_get(j, "observations"), i, v) {
    json_t *jv = json_object_get(v, "obs_value");
    char zV[40], zNum[32];
    const char *zUnit = json_string_value(json_object_get(v, "unit_measure"));
    json_t *jMult = json_object_get(v, "unit_mult");
    if (json_is_number(jv)) snprintf(zV, sizeof zV, "%s", sdmx_fmt_double(zNum, json_number_value(jv)));
    else snprintf(zV, sizeof zV, "-");
    fprintf(c->out, "%-12s %-24s %-5s %-5s %-6s %-22s %-18s %-8s %16s %-3s %s", json_string_value(json_object_get(v, "dataflow")),
            json_string_value(json_object_get(v, "indicator")), json_string_value(json_object_get(v, "ref_area")),
            json_string_value(json_object_get(v, "counterpart_area")), json_string_value(json_object_get(v, "sex")),
            json_string_value(json_object_get(v, "classif1")), json_string_value(json_object_get(v, "classif2")),
            json_string_value(json_object_get(v, "time_period")), zV,
            json_string_value(json_object_get(v, "obs_status")) ? json_string_value(json_object_get(v, "obs_status")) : "",
            zUnit ? zUnit : "");
    if (json_integer_value(jMult)) fprintf(c->out, " x10^%lld", (long long)json_integer_value(jMult));
    fputc('\n', c->out);
  }
  if (json_is_true(json_object_get(j, "more")))
    fprintf(c->out, "(more observations match; raise --limit or narrow the query)\n");
  json_decref(j);
  return 0;
}
