/*
** cmd_agreement.c: CLI handlers of the agreements repository: agreement
** import/list/show/assess/compare/search/indicators, practice import/list/show/search,
** ratification import/list, corridor ORIGIN DEST.
**
** Each handler asks agreement.c for the jansson object that the API serves and
** prints it (--json) or renders it as text: one data path.
*/
#include "agreement.h"
#include "cli.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static const char *js(const json_t *j, const char *zKey) {
  const char *z = json_string_value(json_object_get(j, zKey));
  return z ? z : "";
}

static char *join_args(CliCtx *c, int iFrom) {
  Buf b;
  buf_init(&b, BUF_UNBOUNDED);
  for (int i = iFrom; i < c->nArg; i++) {
    if (i > iFrom) buf_putc(&b, ' ');
    buf_puts(&b, c->azArg[i]);
  }
  return buf_detach(&b);
}

/* Print JSON or hand the object to a text renderer; consumes j. */
static int emit(CliCtx *c, json_t *j, void (*xText)(CliCtx *, json_t *)) {
  if (!j) return -1;
  if (c->bJson) return cli_print_json(c, j);
  xText(c, j);
  json_decref(j);
  return 0;
}

static void print_import(CliCtx *c, json_t *j) {
  fprintf(c->out, "imported %lld agreements (%lld assessments), %lld practices, %lld ratifications\n",
          (long long)json_integer_value(json_object_get(j, "agreements")),
          (long long)json_integer_value(json_object_get(j, "assessments")),
          (long long)json_integer_value(json_object_get(j, "practices")),
          (long long)json_integer_value(json_object_get(j, "ratifications")));
}

/* agreement import, practice import and ratification import: the same format;
** zKey, when given, must be in the file (so a practice file is not mistaken). */
static int do_import(CliCtx *c, const char *zKey) {
  RepoImport r;
  memset(&r, 0, sizeof r);
  if (zKey) {
    /* a syntax error is reported by the import itself, with its line */
    json_error_t je;
    json_t *j = json_load_file(c->azArg[0], JSON_REJECT_DUPLICATES, &je);
    if (j && !json_object_get(j, zKey)) {
      json_decref(j);
      return err_set(&c->err, ERR_INVALID, "%s has no \"%s\" array", c->azArg[0], zKey);
    }
    json_decref(j);
  }
  if (repo_import_file(c->store, c->azArg[0], c->who.zUsername, &r, &c->err)) return -1;
  return emit(c, json_pack("{s:i, s:i, s:i, s:i, s:i}", "agreements", r.nAgreement, "assessments", r.nAssessment,
                           "practices", r.nPractice, "ratifications", r.nRatification, "coverage", r.nCoverage),
              print_import);
}

int cmd_agreement_import(CliCtx *c) { return do_import(c, NULL); }
int cmd_practice_import(CliCtx *c) { return do_import(c, "practices"); }
int cmd_ratification_import(CliCtx *c) { return do_import(c, "ratifications"); }

static void print_parties(CliCtx *c, json_t *a) {
  size_t i;
  json_t *v;
  json_array_foreach(a, i, v) fprintf(c->out, "%s%s", i ? "," : "", js(v, "alpha2"));
}

static void print_search(CliCtx *c, json_t *j) {
  json_t *a = json_object_get(j, "results"), *v, *f;
  size_t i;
  fprintf(c->out, "%lld agreement(s)\n", (long long)json_integer_value(json_object_get(j, "total")));
  json_array_foreach(a, i, v) {
    fprintf(c->out, "%-28s %-10s %-4.4s ", js(v, "id"), js(v, "status"),
            json_is_string(json_object_get(v, "date_signed")) ? js(v, "date_signed") : "    ");
    print_parties(c, json_object_get(v, "parties"));
    fprintf(c->out, "\n  %s\n", js(v, "title"));
    if (*js(v, "snippet") && json_object_get(j, "query") && !json_is_null(json_object_get(j, "query")))
      fprintf(c->out, "  %s\n", js(v, "snippet"));
  }
  if ((a = json_object_get(j, "practices")) && json_array_size(a)) {
    fprintf(c->out, "good practices:\n");
    json_array_foreach(a, i, v) fprintf(c->out, "%-28s %s\n  %s\n", js(v, "id"), js(v, "title"), js(v, "snippet"));
  }
  if ((f = json_object_get(j, "facets"))) {
    const char *zName;
    json_t *o;
    json_object_foreach(f, zName, o) {
      const char *zV;
      json_t *n;
      if (!json_object_size(o)) continue;
      fprintf(c->out, "%s:", zName);
      json_object_foreach(o, zV, n) fprintf(c->out, " %s (%lld)", zV, (long long)json_integer_value(n));
      fputc('\n', c->out);
    }
  }
}

static int search_common(CliCtx *c, const char *zText) {
  AgreementQuery q;
  long long nLimit, year;
  memset(&q, 0, sizeof q);
  if (cli_opt_int(c, "--limit", 1, 100, 20, &nLimit) || cli_opt_int(c, "--year", 1900, 2200, 0, &year)) return -1;
  q.zText = zText;
  q.zCountry = cli_opt(c, "--country");
  q.zType = cli_opt(c, "--type");
  q.zStatus = cli_opt(c, "--status");
  q.zMet = cli_opt(c, "--met");
  q.year = (int)year;
  q.nLimit = (int)nLimit;
  return emit(c, agreement_search(c->store, &q, &c->err), print_search);
}

int cmd_agreement_list(CliCtx *c) { return search_common(c, NULL); }

int cmd_agreement_search(CliCtx *c) {
  char *z = join_args(c, 0);
  int rc = search_common(c, z);
  free(z);
  return rc;
}

static void print_scores(CliCtx *c, json_t *pScores) {
  static const char *const az[] = {"governance", "protection", "development", "overall"};
  for (size_t i = 0; i < COUNT(az); i++) {
    json_t *g = json_object_get(pScores, az[i]);
    json_t *pS = json_object_get(g, "score");
    fprintf(c->out, "  %-12s ", az[i]);
    if (json_is_number(pS)) fprintf(c->out, "%5.1f", json_number_value(pS));
    else fprintf(c->out, "    -");
    fprintf(c->out, "  (%lld of %lld criteria assessed)\n", (long long)json_integer_value(json_object_get(g, "assessed")),
            (long long)json_integer_value(json_object_get(g, "criteria")));
  }
}

static void print_agreement(CliCtx *c, json_t *j) {
  json_t *a, *v;
  size_t i;
  fprintf(c->out, "%s\n%s\n", js(j, "id"), js(j, "title"));
  if (*js(j, "title_original")) fprintf(c->out, "%s (%s)\n", js(j, "title_original"), js(j, "title_lang"));
  fprintf(c->out, "type:        %s\nstatus:      %s\n", js(j, "type"), js(j, "status"));
  if (*js(j, "regional_body")) fprintf(c->out, "regional:    %s\n", js(j, "regional_body"));
  fprintf(c->out, "parties:     ");
  json_array_foreach(json_object_get(j, "parties"), i, v)
    fprintf(c->out, "%s%s (%s)%s", i ? ", " : "", js(v, "name"), js(v, "alpha2"),
            strcmp(js(v, "role"), "member") == 0 ? " member" : "");
  fputc('\n', c->out);
  static const char *const azDate[][2] = {{"date_signed", "signed:"}, {"place_signed", "place:"},
                                          {"date_in_force", "in force:"}, {"date_expiry", "expires:"},
                                          {"renewal", "renewal:"}};
  for (size_t k = 0; k < COUNT(azDate); k++)
    if (*js(j, azDate[k][0])) fprintf(c->out, "%-12s %s\n", azDate[k][1], js(j, azDate[k][0]));
  if (*js(j, "summary")) fprintf(c->out, "summary:     %s\n", js(j, "summary"));
  fprintf(c->out, "source:      %s\n", js(j, "source"));
  if ((a = json_object_get(j, "versions")) && json_array_size(a)) {
    fprintf(c->out, "versions:\n");
    json_array_foreach(a, i, v)
      fprintf(c->out, "  %lld %s %s\n", (long long)json_integer_value(json_object_get(v, "version")), js(v, "date"),
              js(v, "description"));
  }
  fprintf(c->out, "assessment:\n");
  json_array_foreach(json_object_get(j, "assessment"), i, v) {
    if (strcmp(js(v, "rating"), "unknown") == 0 && !*js(v, "assessor")) continue;
    if (*js(v, "article")) fprintf(c->out, "  %-24s %-8s Art. %s\n", js(v, "criterion"), js(v, "rating"), js(v, "article"));
    else fprintf(c->out, "  %-24s %s\n", js(v, "criterion"), js(v, "rating"));
    if (*js(v, "clause")) fprintf(c->out, "    \"%s\" (%s, %s)\n", js(v, "clause"), js(v, "assessor"), js(v, "assessed_on"));
  }
  fprintf(c->out, "scores:\n");
  print_scores(c, json_object_get(j, "scores"));
  if ((a = json_object_get(j, "comments")) && json_array_size(a)) {
    fprintf(c->out, "comments:\n");
    json_array_foreach(a, i, v) fprintf(c->out, "  %s (%s): %s\n", js(v, "author"), js(v, "role"), js(v, "body"));
  }
}

int cmd_agreement_show(CliCtx *c) { return emit(c, agreement_get(c->store, c->azArg[0], &c->err), print_agreement); }

static void print_scores_only(CliCtx *c, json_t *j) { print_scores(c, j); }

int cmd_agreement_assess(CliCtx *c) {
  const char *zCrit = c->azArg[1], *zRating = c->azArg[2];
  if (agreement_assess(c->store, c->azArg[0], zCrit, zRating, cli_opt(c, "--clause"), cli_opt(c, "--article"),
                       cli_opt(c, "--assessor") ? cli_opt(c, "--assessor") : c->who.zUsername, cli_opt(c, "--date"),
                       &c->err))
    return -1;
  return emit(c, agreement_scores(c->store, c->azArg[0], &c->err), print_scores_only);
}

static void print_compare(CliCtx *c, json_t *j) {
  json_t *v;
  size_t i;
  fprintf(c->out, "%s: %lld of %lld articles of the R86 model agreement found (compared: %s)\n", js(j, "source"),
          (long long)json_integer_value(json_object_get(j, "covered")),
          (long long)json_integer_value(json_object_get(j, "articles")), js(j, "compared"));
  fprintf(c->out, "missing:\n");
  json_array_foreach(json_object_get(j, "missing"), i, v)
    fprintf(c->out, "  Art. %-3lld %s\n", (long long)json_integer_value(json_object_get(v, "article")), js(v, "title"));
}

int cmd_agreement_compare(CliCtx *c) {
  const char *zDraft = cli_opt(c, "--draft");
  if (c->nArg == 0 && !zDraft) return err_set(&c->err, ERR_USAGE, "give an agreement ID or --draft FILE");
  if (c->nArg > 0 && zDraft) return err_set(&c->err, ERR_USAGE, "give an agreement ID or --draft FILE, not both");
  if (zDraft) {
    Buf b;
    FILE *f = fopen(zDraft, "rb");
    char a[8192];
    size_t n;
    if (!f) return err_set(&c->err, ERR_IO, "cannot open %s", zDraft);
    buf_init(&b, 16u << 20);
    while ((n = fread(a, 1, sizeof a, f)) > 0)
      if (buf_append(&b, a, n)) break;
    fclose(f);
    if (b.bOverflow) {
      buf_free(&b);
      return err_set(&c->err, ERR_TOO_LARGE, "%s is larger than 16 MiB", zDraft);
    }
    const char *zLang = cli_opt(c, "--lang") ? cli_opt(c, "--lang") : "en";
    json_t *j = agreement_compare(c->store, NULL, buf_cstr(&b), zLang, &c->err);
    buf_free(&b);
    if (!j) err_where(&c->err, "%s", zDraft);
    return emit(c, j, print_compare);
  }
  return emit(c, agreement_compare(c->store, c->azArg[0], NULL, NULL, &c->err), print_compare);
}

static void print_indicators(CliCtx *c, json_t *j) {
  json_t *v, *y;
  size_t i, k;
  fprintf(c->out, "agreements signed and not ended, per country and year (para 44): mobility / social security\n");
  json_array_foreach(json_object_get(j, "countries"), i, v) {
    json_t *t = json_object_get(v, "trend");
    fprintf(c->out, "%s %s  trend %lld-%lld: %+lld / %+lld\n", js(v, "country"), js(v, "name"),
            (long long)json_integer_value(json_object_get(t, "since")), (long long)json_integer_value(json_object_get(t, "to")),
            (long long)json_integer_value(json_object_get(t, "mobility")),
            (long long)json_integer_value(json_object_get(t, "social_security")));
    long long pm = -1, ps = -1;
    json_array_foreach(json_object_get(v, "series"), k, y) {
      long long m = json_integer_value(json_object_get(y, "mobility")), s = json_integer_value(json_object_get(y, "social_security"));
      if (m == pm && s == ps) continue;   /* print the years where something changes */
      fprintf(c->out, "  %lld  %lld / %lld\n", (long long)json_integer_value(json_object_get(y, "year")), m, s);
      pm = m, ps = s;
    }
  }
}

int cmd_agreement_indicators(CliCtx *c) {
  long long yFrom, yTo;
  if (cli_opt_int(c, "--from", 1900, 2200, 0, &yFrom) || cli_opt_int(c, "--to", 1900, 2200, 0, &yTo)) return -1;
  return emit(c, agreement_indicators(c->store, cli_opt(c, "--country"), (int)yFrom, (int)yTo, &c->err),
              print_indicators);
}

static void print_practices(CliCtx *c, json_t *j) {
  json_t *v;
  size_t i;
  fprintf(c->out, "%lld practice(s)\n", (long long)json_integer_value(json_object_get(j, "total")));
  json_array_foreach(json_object_get(j, "results"), i, v) {
    fprintf(c->out, "%-28s %s\n  %s\n", js(v, "id"), js(v, "theme"), js(v, "title"));
    if (json_is_string(json_object_get(j, "query"))) fprintf(c->out, "  %s\n", js(v, "snippet"));
  }
}

/* practice list and search: the filters and paging of the /practices page (zText NULL: all). */
static int practices(CliCtx *c, const char *zText) {
  PracticeQuery q;
  long long n, year, off;
  memset(&q, 0, sizeof q);
  if (cli_opt_int(c, "--limit", 1, 100, 20, &n) || cli_opt_int(c, "--year", 1900, 2200, 0, &year) ||
      cli_opt_int(c, "--offset", 0, 100000, 0, &off))
    return -1;
  q.zText = zText;
  q.zCountry = cli_opt(c, "--country");
  q.zTheme = cli_opt(c, "--theme");
  q.zMflm = cli_opt(c, "--mflm");
  q.zRegion = cli_opt(c, "--regional-body");
  q.year = (int)year;
  q.nLimit = (int)n;
  q.nOffset = (int)off;
  return emit(c, practice_query(c->store, &q, &c->err), print_practices);
}

int cmd_practice_list(CliCtx *c) { return practices(c, NULL); }

int cmd_practice_search(CliCtx *c) {
  char *z = join_args(c, 0);
  int rc = practices(c, z);
  free(z);
  return rc;
}

static void print_practice(CliCtx *c, json_t *j) {
  json_t *v;
  size_t i;
  fprintf(c->out, "%s\n%s\ntheme:       %s\nMFLM:       ", js(j, "id"), js(j, "title"), js(j, "theme"));
  json_array_foreach(json_object_get(j, "mflm"), i, v) fprintf(c->out, " %s", json_string_value(v));
  fprintf(c->out, "\ncountries:  ");
  json_array_foreach(json_object_get(j, "countries"), i, v) fprintf(c->out, " %s", js(v, "alpha2"));
  fprintf(c->out, "\n%s\n", js(j, "description"));
  if (*js(j, "evidence")) fprintf(c->out, "evidence:    %s\n", js(j, "evidence"));
  fprintf(c->out, "source:      %s\n", js(j, "source"));
}

int cmd_practice_show(CliCtx *c) { return emit(c, practice_get(c->store, c->azArg[0], &c->err), print_practice); }

static void print_ratifications(CliCtx *c, json_t *j) {
  json_t *v, *r;
  size_t i;
  const char *zCode;
  json_array_foreach(json_object_get(j, "countries"), i, v) {
    fprintf(c->out, "%s %s\n", js(v, "alpha2"), js(v, "name"));
    json_object_foreach(json_object_get(v, "ratifications"), zCode, r) {
      json_t *y = json_object_get(r, "year");
      fprintf(c->out, "  %-5s %-12s %s", zCode, js(r, "status"), json_is_integer(y) ? "" : "-");
      if (json_is_integer(y)) fprintf(c->out, "%lld", (long long)json_integer_value(y));
      if (*js(r, "exclusions")) fprintf(c->out, "  excl. %s", js(r, "exclusions"));
      fputc('\n', c->out);
    }
  }
}

int cmd_ratification_list(CliCtx *c) {
  return emit(c, ratification_list(c->store, cli_opt(c, "--country"), cli_opt(c, "--instrument"), c->zLang, &c->err),
              print_ratifications);
}

static void print_corridor(CliCtx *c, json_t *j) {
  json_t *o = json_object_get(j, "origin"), *d = json_object_get(j, "destination"), *v;
  size_t i;
  fprintf(c->out, "corridor %s (%s) -> %s (%s)\n", js(o, "name"), js(o, "alpha2"), js(d, "name"), js(d, "alpha2"));
  fprintf(c->out, "agreements in force:\n");
  json_array_foreach(json_object_get(j, "agreements"), i, v)
    fprintf(c->out, "  %-28s %-8s %s\n", js(v, "id"), js(v, "via"), js(v, "title"));
  if (!json_array_size(json_object_get(j, "agreements"))) fprintf(c->out, "  none recorded\n");
  if (json_array_size(json_object_get(j, "other_agreements"))) {
    fprintf(c->out, "other agreements (not in force, or status unknown):\n");
    json_array_foreach(json_object_get(j, "other_agreements"), i, v)
      fprintf(c->out, "  %-28s %-10s %s\n", js(v, "id"), js(v, "status"), js(v, "title"));
  }
  fprintf(c->out, "gaps:\n");
  json_array_foreach(json_object_get(j, "gaps"), i, v) fprintf(c->out, "  - %s\n", js(v, "text"));
  fprintf(c->out, "criteria no agreement in force covers: %zu of 17\n",
          json_array_size(json_object_get(j, "uncovered_criteria")));
  json_t *aObs = json_object_get(json_object_get(j, "statistics"), "observations");
  fprintf(c->out, "statistics held for the corridor: %zu series (latest periods)\n", json_array_size(aObs));
  json_array_foreach(aObs, i, v) {
    json_t *x = json_object_get(v, "obs_value");
    fprintf(c->out, "  %s %s/%s %s: ", js(v, "indicator"), js(v, "ref_area"), js(v, "counterpart_area"),
            js(v, "time_period"));
    if (json_is_number(x)) fprintf(c->out, "%.0f\n", json_number_value(x));
    else fprintf(c->out, "-\n");
  }
}

int cmd_corridor(CliCtx *c) {
  return emit(c, corridor_view(c->store, c->azArg[0], c->azArg[1], c->zLang, &c->err), print_corridor);
}
