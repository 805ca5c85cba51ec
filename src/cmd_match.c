/*
** cmd_match.c: CLI handlers for job matching: seeker and vacancy import, export,
** list and show; recognition arrangements; match seeker/vacancy/batch; needs.
**
** Each handler asks jobs.c or match.c for the jansson object the API also sends
** and prints it (--json) or renders it as text: one data path.
*/
#include "cmds.h"
#include "i18n.h"
#include "jobs.h"
#include "match.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char *jstr(const json_t *j, const char *zKey) {
  const char *z = json_string_value(json_object_get(j, zKey));
  return z ? z : "";
}

static long long jint(const json_t *j, const char *zKey) { return (long long)json_integer_value(json_object_get(j, zKey)); }

static int parse_id(CliCtx *c, const char *z, int64_t *pId) {
  long long v;
  if (parse_int(z, 1, INT32_MAX, &v)) {
    return err_set(&c->err, ERR_USAGE, "%s: ID must be a positive whole number, not \"%s\"", c->pCmd->zName, z);
  }
  *pId = v;
  return 0;
}

/* --date or LMIS_TODAY or today, as a day number and text. */
static int as_of(CliCtx *c, char zDay[11], int *pDay) {
  const char *z = cli_opt(c, "--date");
  if (z) {
    if (jobs_date_days(z) < 0)
      return err_set(&c->err, ERR_USAGE, "%s: --date must be YYYY-MM-DD, not \"%s\"", c->pCmd->zName, z);
    snprintf(zDay, 11, "%s", z);
  } else {
    jobs_today(zDay);
  }
  *pDay = jobs_date_days(zDay);
  return 0;
}

static int import_kind(CliCtx *c, JobsKind k) {
  int n;
  const char *zFormat = cli_opt(c, "--format");
  if (jobs_import_file(c->store, k, c->azArg[0], zFormat, &n, &c->err)) return -1;
  if (c->bJson) return cli_print_json(c, json_pack("{si}", "imported", n));
  static const char *const azWhat[] = {"seekers", "vacancies", "recognition arrangements"};
  fprintf(c->out, "imported %d %s from %s\n", n, azWhat[k], c->azArg[0]);
  return 0;
}

static int export_kind(CliCtx *c, JobsKind k) {
  const char *zOut = cli_opt(c, "--out");
  FILE *f = c->out;
  if (zOut && !(f = fopen(zOut, "w"))) return err_set(&c->err, ERR_IO, "cannot write %s: %s", zOut, strerror(errno));
  int rc = jobs_export(c->store, k, f, cli_opt(c, "--format"), &c->err);
  if (zOut && fclose(f) && rc == 0) rc = err_set(&c->err, ERR_IO, "cannot write %s", zOut);
  return rc;
}

static int list_kind(CliCtx *c, JobsKind k) {
  long long nLimit, nOffset;
  const char *zIsco = cli_opt(c, "--isco");
  if (cli_opt_int(c, "--limit", 0, 1000000, 50, &nLimit) || cli_opt_int(c, "--offset", 0, INT32_MAX, 0, &nOffset))
    return -1;
  if (zIsco && (strlen(zIsco) < 1 || strlen(zIsco) > 4 || strspn(zIsco, "0123456789") != strlen(zIsco)))
    return err_set(&c->err, ERR_USAGE, "%s: --isco must be an ISCO-08 code of 1 to 4 digits", c->pCmd->zName);
  json_t *j = jobs_list(c->store, k, cli_opt(c, "--country"), zIsco, (int)nLimit, (int)nOffset, c->zLang, &c->err);
  json_t *a, *v;
  size_t i;
  if (!j) return -1;
  if (c->bJson) return cli_print_json(c, j);
  if (k == JOBS_SEEKER) {
    a = json_object_get(j, "seekers");
    json_array_foreach(a, i, v)
      fprintf(c->out, "%6lld  %-12s %s %s->%-14s ISCED %lld  ISCO %-4s  %s\n", jint(v, "id"), jstr(v, "ref"),
              jstr(v, "sex"), jstr(v, "citizenship"), jstr(v, "destinations"), jint(v, "isced"), jstr(v, "isco"),
              jstr(v, "status"));
  } else if (k == JOBS_VACANCY) {
    a = json_object_get(j, "vacancies");
    json_array_foreach(a, i, v)
      fprintf(c->out, "%6lld  %-12s %s  %s %-40.40s %3lld  until %s  %s%s\n", jint(v, "id"), jstr(v, "ref"),
              jstr(v, "country"), jstr(v, "isco"), jstr(v, "isco_title"), jint(v, "positions"),
              jstr(v, "valid_until"), jstr(v, "status"),
              *jstr(v, "agency_licence_status") && strcmp(jstr(v, "agency_licence_status"), "valid")
                ? "  [agency licence not valid]"
                : "");
  } else {
    a = json_object_get(j, "arrangements");
    json_array_foreach(a, i, v)
      fprintf(c->out, "%4lld  %s->%s  ISCO %-4s ISCED>=%lld  %-10s %s\n", jint(v, "id"), jstr(v, "origin"),
              jstr(v, "destination"), *jstr(v, "isco") ? jstr(v, "isco") : "any", jint(v, "min_isced"),
              jstr(v, "kind"), jstr(v, "title"));
  }
  fprintf(c->out, "%lld shown\n", jint(j, "count"));
  json_decref(j);
  return 0;
}

int cmd_seeker_import(CliCtx *c) { return import_kind(c, JOBS_SEEKER); }
int cmd_seeker_export(CliCtx *c) { return export_kind(c, JOBS_SEEKER); }
int cmd_seeker_list(CliCtx *c) { return list_kind(c, JOBS_SEEKER); }
int cmd_vacancy_import(CliCtx *c) { return import_kind(c, JOBS_VACANCY); }
int cmd_vacancy_export(CliCtx *c) { return export_kind(c, JOBS_VACANCY); }
int cmd_vacancy_list(CliCtx *c) { return list_kind(c, JOBS_VACANCY); }
int cmd_arrangement_import(CliCtx *c) { return import_kind(c, JOBS_ARRANGEMENT); }
int cmd_arrangement_list(CliCtx *c) { return list_kind(c, JOBS_ARRANGEMENT); }

/* Print skills [{uri,title}] as one indented list. */
static void print_skills(FILE *f, const char *zLabel, json_t *a) {
  json_t *v;
  size_t i;
  fprintf(f, "  %-16s %zu\n", zLabel, json_array_size(a));
  json_array_foreach(a, i, v) fprintf(f, "    - %s\n", jstr(v, "title"));
}

static void print_languages(FILE *f, json_t *a) {
  json_t *v;
  size_t i;
  fprintf(f, "  languages        ");
  json_array_foreach(a, i, v) fprintf(f, "%s%s %s", i ? ", " : "", jstr(v, "lang"), jstr(v, "level"));
  fprintf(f, "%s\n", json_array_size(a) ? "" : "(none)");
}

int cmd_seeker_show(CliCtx *c) {
  int64_t id = 0;
  json_t *j, *a, *v, *r;
  size_t i, k;
  if (parse_id(c, c->azArg[0], &id)) return -1;
  j = jobs_get(c->store, JOBS_SEEKER, id, c->zLang, &c->err);
  if (!j) return -1;
  if (c->bJson) return cli_print_json(c, j);
  FILE *f = c->out;
  fprintf(f, "seeker %lld  %s\n", jint(j, "id"), jstr(j, "ref"));
  fprintf(f, "  sex              %s\n", jstr(j, "sex"));
  if (json_integer_value(json_object_get(j, "birth_year"))) fprintf(f, "  born             %lld\n", jint(j, "birth_year"));
  fprintf(f, "  citizenship      %s\n  residence        %s\n", jstr(j, "citizenship"), jstr(j, "residence"));
  fprintf(f, "  education        ISCED %lld%s%s\n", jint(j, "isced"), *jstr(j, "isced_field") ? ", field " : "",
          jstr(j, "isced_field"));
  fprintf(f, "  destinations     ");
  json_array_foreach(json_object_get(j, "destinations"), i, v) fprintf(f, "%s%s", i ? ", " : "", json_string_value(v));
  fprintf(f, "\n  status           %s%s%s\n", jstr(j, "status"), *jstr(j, "available_from") ? ", available from " : "",
          jstr(j, "available_from"));
  if (*jstr(j, "account")) fprintf(f, "  account          %s\n", jstr(j, "account"));
  fprintf(f, "  occupations\n");
  json_array_foreach(json_object_get(j, "occupations"), i, v) {
    fprintf(f, "    ISCO %s %s, %lld years\n", jstr(v, "isco"), jstr(v, "isco_title"), jint(v, "years"));
    if (*jstr(v, "esco_title")) fprintf(f, "      ESCO: %s\n", jstr(v, "esco_title"));
  }
  print_languages(f, json_object_get(j, "languages"));
  a = json_object_get(j, "qualifications");
  fprintf(f, "  qualifications   %zu\n", json_array_size(a));
  json_array_foreach(a, i, v) {
    fprintf(f, "    %s (ISCED %lld, %s%s%s)\n", jstr(v, "title"), jint(v, "isced"), jstr(v, "country"),
            *jstr(v, "isco") ? ", ISCO " : "", jstr(v, "isco"));
    json_array_foreach(json_object_get(v, "recognition"), k, r)
      fprintf(f, "      %s: %s%s%s%s%s\n", jstr(r, "country"), jstr(r, "status"), *jstr(r, "authority") ? " by " : "",
              jstr(r, "authority"), *jstr(r, "date") ? " on " : "", jstr(r, "date"));
  }
  print_skills(f, "skills", json_object_get(j, "skills"));
  json_decref(j);
  return 0;
}

int cmd_vacancy_show(CliCtx *c) {
  int64_t id = 0;
  json_t *j;
  if (parse_id(c, c->azArg[0], &id)) return -1;
  j = jobs_get(c->store, JOBS_VACANCY, id, c->zLang, &c->err);
  if (!j) return -1;
  if (c->bJson) return cli_print_json(c, j);
  FILE *f = c->out;
  fprintf(f, "vacancy %lld  %s\n", jint(j, "id"), jstr(j, "ref"));
  fprintf(f, "  employer         %s\n", jstr(j, "employer"));
  fprintf(f, "  country          %s%s%s\n", jstr(j, "country"), *jstr(j, "region") ? ", " : "", jstr(j, "region"));
  fprintf(f, "  occupation       ISCO %s %s\n", jstr(j, "isco"), jstr(j, "isco_title"));
  if (*jstr(j, "esco_title")) fprintf(f, "                   ESCO: %s\n", jstr(j, "esco_title"));
  fprintf(f, "  minimum ISCED    %lld%s\n", jint(j, "min_isced"),
          json_is_true(json_object_get(j, "regulated")) ? " (regulated occupation)" : "");
  if (json_is_number(json_object_get(j, "wage")))
    fprintf(f, "  wage             %.2f %s a month\n", json_number_value(json_object_get(j, "wage")), jstr(j, "currency"));
  if (json_integer_value(json_object_get(j, "contract_months")))
    fprintf(f, "  contract         %lld months\n", jint(j, "contract_months"));
  fprintf(f, "  positions        %lld\n", jint(j, "positions"));
  if (*jstr(j, "agency_licence"))
    fprintf(f, "  agency licence   %s (%s)\n", jstr(j, "agency_licence"), jstr(j, "agency_licence_status"));
  fprintf(f, "  status           %s, posted %s, valid until %s\n", jstr(j, "status"), jstr(j, "posted_on"),
          jstr(j, "valid_until"));
  print_languages(f, json_object_get(j, "languages"));
  print_skills(f, "essential skills", json_object_get(j, "essential_skills"));
  print_skills(f, "optional skills", json_object_get(j, "optional_skills"));
  json_decref(j);
  return 0;
}

/* One result in text: rank, score, what, components, explanation. */
static void print_result(FILE *f, size_t i, json_t *v, bool bSeekerView) {
  json_t *k = json_object_get(v, "components");
  if (bSeekerView)
    fprintf(f, "%2zu. vacancy %lld %s  score %.3f  %s ISCO %s %s, %s\n", i + 1, jint(v, "id"), jstr(v, "ref"),
            json_integer_value(json_object_get(v, "score")) / 1000.0, jstr(v, "country"), jstr(v, "isco"), jstr(v, "isco_title"),
            jstr(v, "employer"));
  else
    fprintf(f, "%2zu. seeker %lld %s  score %.3f  %s in %s, ISCO %s\n", i + 1, jint(v, "id"), jstr(v, "ref"),
            json_integer_value(json_object_get(v, "score")) / 1000.0, jstr(v, "citizenship"), jstr(v, "residence"),
            jstr(v, "isco"));
  fprintf(f, "    occupation %lld  essential %lld  optional %lld  languages %lld  education %lld  penalty %lld\n",
          jint(k, "occupation"), jint(k, "essential_skills"), jint(k, "optional_skills"), jint(k, "languages"),
          jint(k, "education"), jint(k, "deskilling_penalty"));
  fprintf(f, "    %s\n", jstr(v, "explanation"));
}

static int run_match(CliCtx *c, bool bSeeker) {
  int64_t id = 0;
  long long k;
  char zDay[11];
  MatchOpt o = {0};
  if (parse_id(c, c->azArg[0], &id) || cli_opt_int(c, "--top", 0, 100000, 10, &k) || as_of(c, zDay, &o.today))
    return -1;
  o.k = (int)k;
  o.bOfficer = true;   /* the CLI operator is an administrator: flagged vacancies are shown, flagged */
  json_t *j = match_query(c->store, bSeeker, id, &o, c->zLang, &c->err);
  json_t *v;
  size_t i;
  if (!j) return -1;
  if (c->bJson) return cli_print_json(c, j);
  FILE *f = c->out;
  json_t *a = json_object_get(j, "results");
  if (bSeeker) {
    json_t *s = json_object_get(j, "seeker");
    fprintf(f, "Vacancies for seeker %lld %s as of %s (%zu)\n", jint(s, "id"), jstr(s, "ref"), jstr(j, "as_of"),
            json_array_size(a));
  } else {
    json_t *s = json_object_get(j, "vacancy");
    fprintf(f, "Candidates for vacancy %lld %s (%s, ISCO %s) as of %s (%zu)\n", jint(s, "id"), jstr(s, "ref"),
            jstr(s, "country"), jstr(s, "isco"), jstr(j, "as_of"), json_array_size(a));
    if (json_is_true(json_object_get(s, "licence_not_valid")))
      fprintf(f, "warning: the recruiting agency's licence is not valid: seekers are not shown this vacancy\n");
    if (!json_is_true(json_object_get(s, "open")))
      fprintf(f, "note: the vacancy is not open or has expired: no candidates\n");
  }
  json_array_foreach(a, i, v) print_result(f, i, v, bSeeker);
  json_decref(j);
  return 0;
}

int cmd_match_seeker(CliCtx *c) { return run_match(c, true); }
int cmd_match_vacancy(CliCtx *c) { return run_match(c, false); }

/* Every open seeker: one JSON line per seeker with their top results, then a summary. */
int cmd_match_batch(CliCtx *c) {
  long long k;
  char zDay[11];
  MatchOpt o = {0};
  MatchIndex *x;
  const char *zOut = cli_opt(c, "--out");
  FILE *f = c->out;
  int rc = 0;
  long long nSeeker = 0, nWith = 0, nResults = 0, nDeskill = 0;
  if (cli_opt_int(c, "--top", 1, 1000, 10, &k) || as_of(c, zDay, &o.today)) return -1;
  o.k = (int)k;
  if (match_index_build(c->store, &x, &c->err)) return -1;
  if (zOut && !(f = fopen(zOut, "w"))) {
    match_index_free(x);
    return err_set(&c->err, ERR_IO, "cannot write %s: %s", zOut, strerror(errno));
  }
  Stmt *q = store_prepare(c->store, "SELECT id FROM seeker WHERE status = 'open' ORDER BY id", &c->err);
  Progress *p = progress_start("matching", match_index_seekers(x));
  while (q && (rc = stmt_step(q, &c->err)) == 1) {
    json_t *j = match_seeker_json(c->store, x, stmt_int(q, 0), &o, c->zLang, &c->err);
    if (!j) {
      rc = -1;
      break;
    }
    json_t *a = json_object_get(j, "results"), *v;
    size_t i;
    nSeeker++;
    nResults += (long long)json_array_size(a);
    if (json_array_size(a)) nWith++;
    json_array_foreach(a, i, v) nDeskill += json_is_true(json_object_get(v, "deskilling"));
    if (zOut || c->bJson) {
      char *z = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
      fprintf(f, "%s\n", z);
      free(z);
    }
    json_decref(j);
    progress_update(p, nSeeker);
  }
  progress_end(p);
  if (!q) rc = -1;
  stmt_finalize(q);
  match_index_free(x);
  if (zOut && fclose(f) && rc >= 0) rc = err_set(&c->err, ERR_IO, "cannot write %s", zOut);
  if (rc < 0) return -1;
  if (!c->bJson)
    fprintf(c->out,
            "matched %lld open seekers as of %s: %lld with at least one vacancy, %lld results (top %lld each), "
            "%lld flagged for deskilling%s%s\n",
            nSeeker, zDay, nWith, nResults, k, nDeskill, zOut ? "; report in " : "", zOut ? zOut : "");
  return 0;
}

int cmd_needs(CliCtx *c) {
  long long level;
  char zDay[11];
  int day;
  const char *zC = cli_opt(c, "--country");
  if (cli_opt_int(c, "--isco", 1, 4, 2, &level) || as_of(c, zDay, &day)) return -1;
  json_t *j = match_needs(c->store, zC, (int)level, zDay, c->zLang, &c->err);
  json_t *v;
  size_t i;
  if (!j) return -1;
  if (c->bJson) return cli_print_json(c, j);
  FILE *f = c->out;
  fprintf(f, "Labour market needs as of %s by ISCO-08 level %lld%s%s\n", zDay, level, zC ? " in " : "", zC ? zC : "");
  fprintf(f, "%-2s  %-4s  %9s  %7s  %6s  %9s  %-10s %s\n", "", "ISCO", "positions", "seekers", "ratio", "days open",
          "class", "title");
  json_array_foreach(json_object_get(j, "rows"), i, v) {
    char zRatio[16] = "-", zDays[16] = "-";
    if (json_is_number(json_object_get(v, "ratio")))
      snprintf(zRatio, sizeof zRatio, "%.2f", json_number_value(json_object_get(v, "ratio")));
    if (json_is_number(json_object_get(v, "mean_days_open")))
      snprintf(zDays, sizeof zDays, "%.0f", json_number_value(json_object_get(v, "mean_days_open")));
    fprintf(f, "%-2s  %-4s  %9lld  %7lld  %6s  %9s  %-10s %s\n", jstr(v, "country"), jstr(v, "isco"),
            jint(v, "positions"), jint(v, "seekers"), zRatio, zDays, jstr(v, "classification"), jstr(v, "title"));
  }
  fprintf(f, "%zu rows; unemployment by occupation from surveys is not used yet (docs/matching.md)\n",
          json_array_size(json_object_get(j, "rows")));
  json_decref(j);
  return 0;
}
