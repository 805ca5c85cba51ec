/*
** cmd_survey.c: CLI handlers for survey microdata: survey import, list, show, drop.
**
** Each handler asks survey.c for the data the API also serves (survey_list,
** survey_info) and prints it as text, or as JSON with --json.
*/
#include "cmds.h"
#include "survey.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *jstr(const json_t *j, const char *zKey) {
  const char *z = json_string_value(json_object_get(j, zKey));
  return z ? z : "";
}

static long long jint(const json_t *j, const char *zKey) {
  return (long long)json_integer_value(json_object_get(j, zKey));
}

static double elapsed_since(const struct timespec *t0) {
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* "1234567" -> "1,234,567" into z[nz]. */
static const char *thousands(long long v, char *z, size_t nz) {
  char zRaw[32];
  int n = snprintf(zRaw, sizeof zRaw, "%lld", v < 0 ? -v : v);
  size_t k = 0;
  if (v < 0 && k + 1 < nz) z[k++] = '-';
  for (int i = 0; i < n && k + 2 < nz; i++) {
    if (i > 0 && (n - i) % 3 == 0) z[k++] = ',';
    z[k++] = zRaw[i];
  }
  z[k] = 0;
  return z;
}

int cmd_survey_import(CliCtx *c) {
  const char *zName = c->azArg[0], *zCsv = c->azArg[1];
  const char *zCodebook = cli_opt(c, "--codebook");
  SurveyImportReport rep;
  struct timespec t0;
  json_t *pInfo;
  int nDerived = 0, nDesign = 0, nVar = 0, rc;
  double rSeconds;
  if (!zCodebook || !*zCodebook) {
    err_set(&c->err, ERR_USAGE, "survey import: --codebook FILE is required");
    err_hint(&c->err, "the codebook (JSON) names the design columns and variables; see docs/survey-import.md");
    return -1;
  }
  clock_gettime(CLOCK_MONOTONIC, &t0);
  rc = survey_import(c->store, zName, zCsv, zCodebook, !c->bJson, &rep, &c->err);
  rSeconds = elapsed_since(&t0);
  if (rc) {
    if (rep.zProblems) {
      /* The list replaces the detail, which repeats its first line. */
      fputs(rep.zProblems, stderr);
      free(rep.zProblems);
      free(c->err.zDetail);
      c->err.zDetail = NULL;
    }
    return -1;
  }
  free(rep.zProblems);
  pInfo = survey_info(c->store, zName, &c->err);
  if (!pInfo) return -1;
  {
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(pInfo, "columns"), i, v) {
      const char *zRole = jstr(v, "role");
      if (strcmp(zRole, "derived") == 0) nDerived++;
      else if (strcmp(zRole, "variable") == 0) nVar++;
      else nDesign++;
    }
  }
  if (c->bJson) {
    json_t *j = json_pack("{s:s, s:s, s:O, s:O, s:I, s:i, s:i, s:i, s:i, s:I}",
                          "name", zName, "file", zCsv, "ref_area", json_object_get(pInfo, "ref_area"),
                          "ref_period", json_object_get(pInfo, "ref_period"), "rows", (json_int_t)rep.nRows,
                          "columns", rep.nColumns, "design_columns", nDesign, "variables", nVar,
                          "derived_columns", nDerived, "milliseconds", (json_int_t)(rSeconds * 1000 + 0.5));
    json_t *aDerived = json_array(), *v;
    size_t i;
    json_array_foreach(json_object_get(pInfo, "columns"), i, v)
      if (strcmp(jstr(v, "role"), "derived") == 0) json_array_append(aDerived, json_object_get(v, "name"));
    json_object_set_new(j, "derived", aDerived);
    json_decref(pInfo);
    return cli_print_json(c, j);
  }
  {
    char zRows[32];
    size_t i;
    json_t *v;
    int k = 0;
    fprintf(c->out, "imported survey %s (%s %s): %s rows, %d columns in %.2f s\n", zName, jstr(pInfo, "ref_area"),
            jstr(pInfo, "ref_period"), thousands(rep.nRows, zRows, sizeof zRows), rep.nColumns, rSeconds);
    fprintf(c->out, "  design     %d column%s\n  variables  %d\n  derived    %d%s", nDesign, nDesign == 1 ? "" : "s",
            nVar, nDerived, nDerived ? ":" : "");
    json_array_foreach(json_object_get(pInfo, "columns"), i, v) {
      if (strcmp(jstr(v, "role"), "derived") != 0) continue;
      fprintf(c->out, "%s%s", (k > 0 && k % 6 == 0) ? "\n             " : " ", jstr(v, "name"));
      k++;
    }
    fputc('\n', c->out);
  }
  json_decref(pInfo);
  return 0;
}

int cmd_survey_list(CliCtx *c) {
  json_t *j = survey_list(c->store, &c->err), *a, *v;
  size_t i;
  if (!j) return -1;
  if (c->bJson) return cli_print_json(c, j);
  a = json_object_get(j, "surveys");
  if (json_array_size(a) == 0) {
    fprintf(c->out, "no surveys imported (see `lmis survey import`)\n");
  } else {
    fprintf(c->out, "%-20s %-4s %-8s %12s %7s  %s\n", "NAME", "AREA", "PERIOD", "ROWS", "COLUMNS", "TITLE");
    json_array_foreach(a, i, v) {
      char zRows[32];
      fprintf(c->out, "%-20s %-4s %-8s %12s %7lld  %s\n", jstr(v, "name"), jstr(v, "ref_area"),
              jstr(v, "ref_period"), thousands(jint(v, "n_rows"), zRows, sizeof zRows), jint(v, "columns"),
              jstr(v, "title"));
    }
  }
  json_decref(j);
  return 0;
}

/* Levels on one line, at most nMax of them. */
static void print_levels(FILE *f, const json_t *pLevels, size_t nMax) {
  size_t i;
  json_t *v;
  json_array_foreach(pLevels, i, v) {
    if (i == nMax) {
      fprintf(f, " ... (%zu in all)", json_array_size(pLevels));
      break;
    }
    const char *z = json_string_value(v) ? json_string_value(v) : "";
    /* Codes are separated by spaces: quote one that holds a space. */
    fprintf(f, (!*z || strpbrk(z, " \"")) ? "%s\"%s\"" : "%s%s", i ? " " : "", z);
  }
}

int cmd_survey_show(CliCtx *c) {
  json_t *j = survey_info(c->store, c->azArg[0], &c->err), *d, *a, *v;
  size_t i;
  char zRows[32];
  time_t at;
  struct tm tm;
  char zAt[32];
  FILE *f = c->out;
  if (!j) return -1;
  if (c->bJson) return cli_print_json(c, j);
  at = (time_t)jint(j, "imported_at");
  gmtime_r(&at, &tm);
  strftime(zAt, sizeof zAt, "%Y-%m-%d %H:%M:%S UTC", &tm);
  fprintf(f, "%s  %s\n", jstr(j, "name"), jstr(j, "title"));
  fprintf(f, "  area, period  %s, %s\n", jstr(j, "ref_area"), jstr(j, "ref_period"));
  if (*jstr(j, "source")) fprintf(f, "  source        %s\n", jstr(j, "source"));
  fprintf(f, "  rows          %s\n", thousands(jint(j, "n_rows"), zRows, sizeof zRows));
  fprintf(f, "  imported      %s\n", zAt);
  d = json_object_get(j, "design");
  fprintf(f, "\nDesign\n  weight        %s\n", jstr(d, "weight"));
  fprintf(f, "  strata        %s (%lld)\n", *jstr(d, "strata") ? jstr(d, "strata") : "none", jint(d, "n_strata"));
  if (*jstr(d, "psu")) fprintf(f, "  PSUs          %s (%lld, numbered within strata)\n", jstr(d, "psu"), jint(d, "n_psu"));
  else fprintf(f, "  PSUs          none (each unit is a PSU)\n");
  fprintf(f, "  fpc           %s\n", *jstr(d, "fpc") ? jstr(d, "fpc") : "none");
  fprintf(f, "  lonely PSU    %s\n", jstr(d, "lonely_psu"));
  a = json_object_get(j, "columns");
  fprintf(f, "\nColumns (%zu)\n  %-24s %-11s %-8s %-25s %9s  %s\n", json_array_size(a), "NAME", "KIND", "ROLE",
          "CONCEPT", "MISSING", "LEVELS");
  json_array_foreach(a, i, v) {
    char zMiss[32];
    fprintf(f, "  %-24s %-11s %-8s %-25s %9s  ", jstr(v, "name"), jstr(v, "kind"), jstr(v, "role"),
            *jstr(v, "concept") ? jstr(v, "concept") : "-", thousands(jint(v, "n_missing"), zMiss, sizeof zMiss));
    if (json_object_get(v, "levels")) print_levels(f, json_object_get(v, "levels"), 12);
    else if (json_object_get(v, "n_levels")) fprintf(f, "%lld", jint(v, "n_levels"));
    fputc('\n', f);
  }
  json_decref(j);
  return 0;
}

int cmd_survey_drop(CliCtx *c) {
  if (survey_drop(c->store, c->azArg[0], &c->err)) return -1;
  fprintf(c->out, "dropped survey %s\n", c->azArg[0]);
  return 0;
}
