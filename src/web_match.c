/*
** web_match.c: job matching on the web (see web_match.h).
**
** API handlers send the objects of jobs.c and match.c as they are (the CLI
** prints the same with --json). Pages render the same objects. Every access to a
** seeker's personal data goes through jobs_seeker_access, which decides (a
** migrant: only the profile linked to their account) and audits. Forms carry the
** session's CSRF token (checked by the dispatcher on WRITE routes) and use the
** field names of the CSV format, so jobs_from_fields turns them into the record
** the API would send: one validator, errors named by field.
*/
#include "web_match.h"
#include "audit.h"
#include "chart.h"
#include "html.h"
#include "i18n.h"
#include "jobs.h"
#include "match.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TOP_DEFAULT 10
#define TOP_MAX 1000

static const char *js(const json_t *j, const char *zKey) {
  const char *z = json_string_value(json_object_get(j, zKey));
  return z ? z : "";
}

static long long ji(const json_t *j, const char *zKey) { return (long long)json_integer_value(json_object_get(j, zKey)); }

static int send_or_fail(Request *r, int status, json_t *j, Err *e) {
  if (!j) return req_fail_with(r, e);
  resp_json(r, status, j);
  return 0;
}

/* Path parameter i as a positive id; 404 for anything else (ids are not secrets,
** but a malformed one names no record). */
static int param_id(Request *r, int i, int64_t *pId) {
  const char *z = r->nParam > i ? r->azParam[i] : "";
  char *zSeg = arena_strndup(r->arena, z, strcspn(z, "/"));
  long long v;
  if (parse_int(zSeg, 1, INT32_MAX, &v)) {
    req_fail(r, ERR_NOT_FOUND, "no record with id \"%.20s\"", zSeg);
    err_where(&r->err, "id");
    return -1;
  }
  *pId = v;
  return 0;
}

static bool is_officer(const Request *r) {
  return r->who.role == ROLE_EMPLOYMENT_OFFICER || r->who.role == ROLE_ADMIN;
}

/* ?top= and ?date= into o. */
static int match_opt(Request *r, MatchOpt *o) {
  long long k;
  char zDay[11];
  const char *zDate = req_query(r, "date");
  if (req_query_int(r, "top", 0, TOP_MAX, TOP_DEFAULT, &k)) return -1;
  if (zDate && jobs_date_days(zDate) < 0) {
    req_fail(r, ERR_INVALID, "date must be YYYY-MM-DD");
    err_where(&r->err, "date");
    return -1;
  }
  if (!zDate) jobs_today(zDay);
  o->k = (int)k;
  o->today = jobs_date_days(zDate ? zDate : zDay);
  o->bOfficer = is_officer(r);
  return 0;
}

static void index_free(void *p) { match_index_free(p); }

/* match_query over the server's cached index, rebuilt when a write bumped the
** jobs generation (jobs_touch) or the day changed (licences lapse by date).
** One request at a time uses or rebuilds it. Without a server (tests): built
** for the one query. */
static json_t *match_cached(Request *r, bool bSeeker, int64_t id, const MatchOpt *o, Err *e) {
  ServerCache *c = req_cache(r, SERVER_CACHE_MATCH);
  char zKey[64], zDay[11];
  json_t *j;
  if (!c) return match_query(r->store, bSeeker, id, o, r->zLang, e);
  jobs_today(zDay);
  snprintf(zKey, sizeof zKey, "%lld@%s", (long long)jobs_generation(r->store), zDay);
  pthread_mutex_lock(&c->mu);
  if (!c->p || strcmp(c->zKey, zKey) != 0) {
    MatchIndex *x = NULL;
    if (c->p) c->xFree(c->p);
    c->p = NULL;
    if (match_index_build(r->store, &x, e)) {
      pthread_mutex_unlock(&c->mu);
      return NULL;
    }
    c->p = x;
    c->xFree = index_free;
    snprintf(c->zKey, sizeof c->zKey, "%s", zKey);
  }
  j = bSeeker ? match_seeker_json(r->store, c->p, id, o, r->zLang, e)
              : match_vacancy_json(r->store, c->p, id, o, r->zLang, e);
  pthread_mutex_unlock(&c->mu);
  return j;
}

/* ---- API ---- */

int api_match_seeker(Request *r) {
  int64_t id;
  MatchOpt o;
  Err e = ERR_INIT;
  if (param_id(r, 0, &id) || match_opt(r, &o)) return -1;
  if (jobs_seeker_access(r->store, &r->who, id, "match.seeker", r->zAddr, &e)) return req_fail_with(r, &e);
  return send_or_fail(r, 200, match_cached(r, true, id, &o, &e), &e);
}

/* A candidate list shows many seekers: officers only, audited as one access. */
static int candidates_access(Request *r, int64_t id, Err *e) {
  char zObj[32];
  if (!is_officer(r)) return err_set(e, ERR_FORBIDDEN, "only employment officers see candidate lists");
  snprintf(zObj, sizeof zObj, "vacancy:%lld", (long long)id);
  return audit(r->store, &r->who, "match.vacancy", zObj, r->zAddr, NULL, e);
}

int api_match_vacancy(Request *r) {
  int64_t id;
  MatchOpt o;
  Err e = ERR_INIT;
  if (param_id(r, 0, &id) || match_opt(r, &o)) return -1;
  if (candidates_access(r, id, &e)) return req_fail_with(r, &e);
  return send_or_fail(r, 200, match_cached(r, false, id, &o, &e), &e);
}

/* ?country= (alpha-2) and ?isco= (digits) for lists and needs. */
static int filter_params(Request *r, const char **pzCountry, const char **pzIsco) {
  const char *zC = req_query(r, "country"), *zI = pzIsco ? req_query(r, "isco") : NULL;
  if (zC && !*zC) zC = NULL;
  if (zI && !*zI) zI = NULL;
  if (zC && (strlen(zC) != 2 || zC[0] < 'A' || zC[0] > 'Z' || zC[1] < 'A' || zC[1] > 'Z')) {
    req_fail(r, ERR_INVALID, "country must be an ISO 3166-1 alpha-2 code such as DE");
    err_where(&r->err, "country");
    return -1;
  }
  if (zI && (strlen(zI) > 4 || strspn(zI, "0123456789") != strlen(zI))) {
    req_fail(r, ERR_INVALID, "isco must be an ISCO-08 code of 1 to 4 digits");
    err_where(&r->err, "isco");
    return -1;
  }
  *pzCountry = zC;
  if (pzIsco) *pzIsco = zI;
  return 0;
}

static int list_api(Request *r, JobsKind k) {
  long long n, off;
  const char *zC, *zI;
  Err e = ERR_INIT;
  if (req_query_int(r, "limit", 1, 1000, 50, &n) || req_query_int(r, "offset", 0, INT32_MAX, 0, &off) ||
      filter_params(r, &zC, &zI))
    return -1;
  if (k == JOBS_SEEKER && audit(r->store, &r->who, "seeker.list", NULL, r->zAddr, NULL, &e)) return req_fail_with(r, &e);
  return send_or_fail(r, 200, jobs_list(r->store, k, zC, zI, (int)n, (int)off, r->zLang, &e), &e);
}

int api_seekers(Request *r) { return list_api(r, JOBS_SEEKER); }
int api_vacancies(Request *r) { return list_api(r, JOBS_VACANCY); }

/* Create (id 0) or replace from the JSON body; 201/200 with the stored record. */
static int put_api(Request *r, JobsKind k, int64_t id) {
  json_t *j = req_json(r);
  Err e = ERR_INIT;
  int64_t idNew;
  if (!j) return -1;
  int64_t accountId = r->who.role == ROLE_MIGRANT ? r->who.accountId : 0;
  if (jobs_put(r->store, k, j, id, accountId, &idNew, &e)) return req_fail_with(r, &e);
  if (k == JOBS_SEEKER) {
    char zObj[32];
    snprintf(zObj, sizeof zObj, "seeker:%lld", (long long)idNew);
    if (audit(r->store, &r->who, id ? "seeker.update" : "seeker.create", zObj, r->zAddr, NULL, &e))
      return req_fail_with(r, &e);
  }
  return send_or_fail(r, id ? 200 : 201, jobs_get(r->store, k, idNew, r->zLang, &e), &e);
}

int api_seeker_create(Request *r) { return put_api(r, JOBS_SEEKER, 0); }
int api_vacancy_create(Request *r) { return put_api(r, JOBS_VACANCY, 0); }

int api_seeker_get(Request *r) {
  int64_t id;
  Err e = ERR_INIT;
  if (param_id(r, 0, &id)) return -1;
  if (jobs_seeker_access(r->store, &r->who, id, "seeker.read", r->zAddr, &e)) return req_fail_with(r, &e);
  return send_or_fail(r, 200, jobs_get(r->store, JOBS_SEEKER, id, r->zLang, &e), &e);
}

int api_seeker_update(Request *r) {
  int64_t id;
  Err e = ERR_INIT;
  if (param_id(r, 0, &id)) return -1;
  if (jobs_seeker_access(r->store, &r->who, id, "seeker.update", r->zAddr, &e)) return req_fail_with(r, &e);
  return put_api(r, JOBS_SEEKER, id);
}

int api_vacancy_get(Request *r) {
  int64_t id;
  Err e = ERR_INIT;
  if (param_id(r, 0, &id)) return -1;
  return send_or_fail(r, 200, jobs_get(r->store, JOBS_VACANCY, id, r->zLang, &e), &e);
}

int api_vacancy_update(Request *r) {
  int64_t id;
  if (param_id(r, 0, &id)) return -1;
  return put_api(r, JOBS_VACANCY, id);
}

static int needs_params(Request *r, const char **pzC, long long *pLevel, char zDay[11]) {
  const char *zDate = req_query(r, "date");
  if (filter_params(r, pzC, NULL) || req_query_int(r, "isco", 1, 4, 2, pLevel)) return -1;
  if (zDate && jobs_date_days(zDate) < 0) {
    req_fail(r, ERR_INVALID, "date must be YYYY-MM-DD");
    err_where(&r->err, "date");
    return -1;
  }
  if (zDate) snprintf(zDay, 11, "%s", zDate);
  else jobs_today(zDay);
  return 0;
}

int api_needs(Request *r) {
  const char *zC;
  long long level;
  char zDay[11];
  Err e = ERR_INIT;
  if (needs_params(r, &zC, &level, zDay)) return -1;
  return send_or_fail(r, 200, match_needs(r->store, zC, (int)level, zDay, r->zLang, &e), &e);
}

/* ---- pages: shared parts ---- */

static void csrf_field(Request *r) {
  html_printf(&r->out, "<input type=\"hidden\" name=\"%s\" value=\"%s\">\n", HTTP_CSRF_FIELD, r->zCsrf ? r->zCsrf : "");
}

/* One match result as a list item. */
static void result_item(Request *r, json_t *v, bool bSeekerView, bool bLink) {
  Buf *b = &r->out;
  json_t *k = json_object_get(v, "components");
  html_raw_UNSAFE(b, "<li>");
  if (bSeekerView) {
    if (bLink) html_printf(b, "<a href=\"/vacancies/%lld\">", ji(v, "id"));
    html_printf(b, "%s %s", js(v, "isco_title"), js(v, "ref"));
    if (bLink) html_raw_UNSAFE(b, "</a>");
    html_printf(b, " &mdash; %s, %s", js(v, "employer"), js(v, "country"));
    if (json_is_number(json_object_get(v, "wage")))
      html_printf(b, ", %.0f %s", json_number_value(json_object_get(v, "wage")), js(v, "currency"));
  } else {
    html_printf(b, "<a href=\"/seekers/%lld\">%s</a> &mdash; %s, ISCO %s", ji(v, "id"), js(v, "ref"),
                js(v, "citizenship"), js(v, "isco"));
  }
  html_printf(b, " <strong>%.1f</strong>", (double)ji(v, "score") / 1000.0);
  if (json_is_true(json_object_get(v, "licence_not_valid")))
    html_printf(b, " <span class=\"error\">%s</span>", req_t(r, "agency licence not valid"));
  html_printf(b, "<p class=\"snippet\">%s</p>", js(v, "explanation"));
  html_printf(b,
              "<p class=\"snippet\">%s %.2f &middot; %s %.2f &middot; %s %.2f &middot; %s %.2f &middot; %s %.2f"
              " &middot; %s %.1f</p></li>\n",
              req_t(r, "occupation"), ji(k, "occupation") / 1000.0, req_t(r, "essential skills"),
              ji(k, "essential_skills") / 1000.0, req_t(r, "optional skills"), ji(k, "optional_skills") / 1000.0,
              req_t(r, "languages"), ji(k, "languages") / 1000.0, req_t(r, "education"), ji(k, "education") / 1000.0,
              req_t(r, "deskilling penalty"), ji(k, "deskilling_penalty") / 1000.0);
}

static void results_list(Request *r, json_t *j, bool bSeekerView, bool bLink) {
  json_t *a = json_object_get(j, "results"), *v;
  size_t i;
  if (json_array_size(a) == 0) {
    html_printf(&r->out, "<p>%s</p>\n", req_t(r, "No match passes the filters today."));
    return;
  }
  html_raw_UNSAFE(&r->out, "<ol class=\"results\">\n");
  json_array_foreach(a, i, v) result_item(r, v, bSeekerView, bLink);
  html_raw_UNSAFE(&r->out, "</ol>\n");
}

/* A seeker's profile as a definition list. */
static void profile_dl(Request *r, json_t *j) {
  Buf *b = &r->out;
  json_t *v;
  size_t i;
  html_raw_UNSAFE(b, "<dl class=\"account\">\n");
  html_printf(b, "<dt>%s</dt><dd>%s</dd>\n", req_t(r, "Reference"), js(j, "ref"));
  html_printf(b, "<dt>%s</dt><dd>%s / %s</dd>\n", req_t(r, "Citizenship / residence"), js(j, "citizenship"),
              js(j, "residence"));
  html_printf(b, "<dt>%s</dt><dd>ISCED %lld</dd>\n", req_t(r, "Education"), ji(j, "isced"));
  html_printf(b, "<dt>%s</dt><dd>", req_t(r, "Occupations"));
  json_array_foreach(json_object_get(j, "occupations"), i, v)
    html_printf(b, "%s%s %s (%lld)", i ? "; " : "", js(v, "isco"), js(v, "isco_title"), ji(v, "years"));
  html_printf(b, "</dd>\n<dt>%s</dt><dd>", req_t(r, "Languages"));
  json_array_foreach(json_object_get(j, "languages"), i, v)
    html_printf(b, "%s%s %s", i ? ", " : "", js(v, "lang"), js(v, "level"));
  html_printf(b, "</dd>\n<dt>%s</dt><dd>", req_t(r, "Destinations"));
  json_array_foreach(json_object_get(j, "destinations"), i, v)
    html_printf(b, "%s%s", i ? ", " : "", json_string_value(v));
  html_printf(b, "</dd>\n<dt>%s</dt><dd>%zu</dd>\n</dl>\n", req_t(r, "Skills"),
              json_array_size(json_object_get(j, "skills")));
}

/* ---- forms ---- */

typedef struct Field {
  const char *zName;
  const char *zLabel;   /* msgid */
  char cType;           /* t text, a textarea, n number, d date, s select */
  const char *zOptions; /* select: values separated by '|' */
} Field;

static const Field aSeekerField[] = {
  {"ref", N_("Reference (unique)"), 't', 0},
  {"account", N_("Account (username of the migrant, optional)"), 't', 0},
  {"sex", N_("Sex"), 's', "F|M|O"},
  {"birth_year", N_("Year of birth"), 'n', 0},
  {"citizenship", N_("Citizenship (country code, e.g. PH)"), 't', 0},
  {"residence", N_("Country of residence (code)"), 't', 0},
  {"isced", N_("Highest education (ISCED level 0-8)"), 's', "0|1|2|3|4|5|6|7|8"},
  {"isced_field", N_("Field of education (ISCED-F code, optional)"), 't', 0},
  {"occupations", N_("Occupations held: ISCO unit group|ESCO occupation (optional)|years, one per line"), 'a', 0},
  {"skills", N_("ESCO skills (URIs or ids), one per line"), 'a', 0},
  {"languages", N_("Languages: code|level (A1 to C2 or native), one per line"), 'a', 0},
  {"destinations", N_("Countries you accept (codes, one per line)"), 'a', 0},
  {"qualifications", N_("Qualifications and recognition decisions (JSON, see the documentation)"), 'a', 0},
  {"available_from", N_("Available from"), 'd', 0},
  {"status", N_("Status"), 's', "open|closed"},
  {0, 0, 0, 0},
};

static const Field aVacancyField[] = {
  {"ref", N_("Reference (unique)"), 't', 0},
  {"employer", N_("Employer"), 't', 0},
  {"country", N_("Country (code, e.g. DE)"), 't', 0},
  {"region", N_("Region"), 't', 0},
  {"isco", N_("ISCO-08 unit group (4 digits)"), 't', 0},
  {"esco", N_("ESCO occupation (URI or id, optional)"), 't', 0},
  {"essential_skills", N_("Essential ESCO skills (URIs or ids), one per line"), 'a', 0},
  {"optional_skills", N_("Optional ESCO skills (URIs or ids), one per line"), 'a', 0},
  {"languages", N_("Languages: code|level (A1 to C2 or native), one per line"), 'a', 0},
  {"min_isced", N_("Minimum education (ISCED level)"), 's', "0|1|2|3|4|5|6|7|8"},
  {"regulated", N_("Regulated occupation"), 's', "false|true"},
  {"wage", N_("Gross monthly wage"), 't', 0},
  {"currency", N_("Currency (ISO 4217)"), 't', 0},
  {"contract_months", N_("Contract duration (months)"), 'n', 0},
  {"positions", N_("Positions"), 'n', 0},
  {"agency_licence", N_("Recruitment agency licence number"), 't', 0},
  {"agency_licence_status", N_("Agency licence status"), 's', "|valid|suspended|revoked|expired|unknown"},
  {"status", N_("Status"), 's', "open|filled|closed"},
  {"posted_on", N_("Posted on"), 'd', 0},
  {"valid_until", N_("Valid until"), 'd', 0},
  {0, 0, 0, 0},
};

/* Render a form for record o (import form) posting to zAction. bSelf hides
** the fields a migrant does not set (ref, account). */
static void record_form(Request *r, const Field *aF, json_t *o, const char *zAction, bool bSelf) {
  Buf *b = &r->out;
  html_printf(b, "<form class=\"login record\" method=\"post\" action=\"%s\">\n", zAction);
  csrf_field(r);
  for (const Field *f = aF; f->zName; f++) {
    if (bSelf && (str_eq(f->zName, "ref") || str_eq(f->zName, "account"))) continue;
    char *zVal = jobs_field_text(f->zName, json_object_get(o, f->zName));
    const char *z = zVal ? zVal : "";
    html_printf(b, "<p><label for=\"f-%s\">%s</label>\n", f->zName, req_t(r, f->zLabel));
    if (f->cType == 'a') {
      /* lists show one item per line */
      char *zLines = xstrdup(z);
      if (!str_eq(f->zName, "qualifications"))
        for (char *p = zLines; *p; p++)
          if (*p == ';') *p = '\n';
      html_printf(b, "<textarea id=\"f-%s\" name=\"%s\" rows=\"4\">%s</textarea></p>\n", f->zName, f->zName, zLines);
      free(zLines);
    } else if (f->cType == 's') {
      html_printf(b, "<select id=\"f-%s\" name=\"%s\">\n", f->zName, f->zName);
      const char *p = f->zOptions;
      while (p) {
        const char *q = strchr(p, '|');
        char *zOpt = xstrndup(p, q ? (size_t)(q - p) : strlen(p));
        html_printf(b, "<option value=\"%s\"%s>%s</option>\n", zOpt, str_eq(zOpt, z) ? " selected" : "", zOpt);
        free(zOpt);
        p = q ? q + 1 : NULL;
      }
      html_raw_UNSAFE(b, "</select></p>\n");
    } else {
      html_printf(b, "<input id=\"f-%s\" name=\"%s\" type=\"%s\" value=\"%s\"></p>\n", f->zName, f->zName,
                  f->cType == 'n' ? "number" : f->cType == 'd' ? "date" : "text", z);
    }
    free(zVal);
  }
  html_printf(b, "<button type=\"submit\">%s</button>\n</form>\n", req_t(r, "Save"));
}

/* Form getter: bSelf drops ref and account (set by lmis for a migrant). */
typedef struct FormGet {
  Request *r;
  bool bSelf;
} FormGet;

static const char *form_get(void *p, const char *zName) {
  FormGet *g = p;
  if (g->bSelf && (str_eq(zName, "ref") || str_eq(zName, "account"))) return NULL;
  return req_form(g->r, zName);
}

/* The stored record in import form (base of an edit), or NULL. */
static json_t *import_base(Request *r, JobsKind k, int64_t id, Err *e) {
  json_t *o = jobs_get(r->store, k, id, r->zLang, e);
  if (o) jobs_to_import_form(o);
  return o;
}

/* Show the form again with the error (400), values as submitted. */
static int form_error(Request *r, const char *zTitle, const Field *aF, json_t *o, const char *zAction, bool bSelf,
                      Err *e) {
  r->status = err_http_status(e->code);
  page_begin(r, zTitle);
  html_printf(&r->out, "<h1>%s</h1>\n<p class=\"error\" role=\"alert\">%s</p>\n", zTitle, e->zMsg ? e->zMsg : "");
  record_form(r, aF, o, zAction, bSelf);
  page_end(r);
  err_clear(e);
  return 0;
}

/* Save a form: build from base + fields, put, redirect; or show it again. */
static int save_form(Request *r, JobsKind k, int64_t id, bool bSelf, const char *zTitle, const char *zAction) {
  Err e = ERR_INIT;
  const Field *aF = k == JOBS_SEEKER ? aSeekerField : aVacancyField;
  json_t *pBase = NULL;
  if (id && !(pBase = import_base(r, k, id, &e))) return req_fail_with(r, &e);
  if (bSelf && !pBase) pBase = json_pack("{ss}", "ref", arena_printf(r->arena, "ACC-%lld", (long long)r->who.accountId));
  FormGet g = {r, bSelf};
  json_t *o = jobs_from_fields(k, form_get, &g, pBase, &e);
  int64_t idNew = 0;
  if (!o) {
    int rc = form_error(r, zTitle, aF, pBase, zAction, bSelf, &e);
    json_decref(pBase);
    return rc;
  }
  json_decref(pBase);
  if (jobs_put(r->store, k, o, id, bSelf ? r->who.accountId : 0, &idNew, &e)) {
    int rc = form_error(r, zTitle, aF, o, zAction, bSelf, &e);
    json_decref(o);
    return rc;
  }
  json_decref(o);
  if (k == JOBS_SEEKER) {
    char zObj[32];
    snprintf(zObj, sizeof zObj, "seeker:%lld", (long long)idNew);
    if (audit(r->store, &r->who, id ? "seeker.update" : "seeker.create", zObj, r->zAddr, NULL, &e))
      return req_fail_with(r, &e);
  }
  if (bSelf) resp_redirect(r, "/jobs/me");
  else resp_redirect(r, arena_printf(r->arena, k == JOBS_SEEKER ? "/seekers/%lld" : "/vacancies/%lld", (long long)idNew));
  return 0;
}

/* ---- pages: migrant ---- */

int page_jobs_me(Request *r) {
  Err e = ERR_INIT;
  MatchOpt o;
  Buf *b = &r->out;
  if (match_opt(r, &o)) return -1;
  o.bOfficer = false;   /* the migrant's own view: invalid agency licences are never shown */
  int64_t id = jobs_seeker_of_account(r->store, r->who.accountId);
  page_begin(r, req_t(r, "Jobs for me"));
  html_printf(b, "<h1>%s</h1>\n", req_t(r, "Jobs for me"));
  if (!id) {
    html_printf(b, "<p>%s</p>\n<p><a href=\"/jobs/me/edit\">%s</a></p>\n",
                req_t(r, "You have no job-seeker profile yet."), req_t(r, "Create your profile"));
    page_end(r);
    return 0;
  }
  if (jobs_seeker_access(r->store, &r->who, id, "match.seeker", r->zAddr, &e)) return req_fail_with(r, &e);
  json_t *p = jobs_get(r->store, JOBS_SEEKER, id, r->zLang, &e);
  json_t *j = p ? match_cached(r, true, id, &o, &e) : NULL;
  if (!j) {
    json_decref(p);
    return req_fail_with(r, &e);
  }
  profile_dl(r, p);
  html_printf(b, "<p><a href=\"/jobs/me/edit\">%s</a></p>\n", req_t(r, "Edit your profile"));
  html_printf(b, "<h2>%s</h2>\n<p>%s</p>\n", req_t(r, "Best vacancies for you"),
              req_t(r, "Ranked by occupation, skills, languages, education and recognition. A warning marks jobs "
                       "below your level of education (deskilling)."));
  results_list(r, j, true, false);
  json_decref(p);
  json_decref(j);
  page_end(r);
  return 0;
}

int page_jobs_me_edit(Request *r) {
  Err e = ERR_INIT;
  int64_t id = jobs_seeker_of_account(r->store, r->who.accountId);
  json_t *o = NULL;
  if (id) {
    if (jobs_seeker_access(r->store, &r->who, id, "seeker.read", r->zAddr, &e)) return req_fail_with(r, &e);
    if (!(o = import_base(r, JOBS_SEEKER, id, &e))) return req_fail_with(r, &e);
  }
  page_begin(r, req_t(r, "Your job-seeker profile"));
  html_printf(&r->out, "<h1>%s</h1>\n", req_t(r, "Your job-seeker profile"));
  record_form(r, aSeekerField, o, "/jobs/me/edit", true);
  json_decref(o);
  page_end(r);
  return 0;
}

int page_jobs_me_save(Request *r) {
  Err e = ERR_INIT;
  int64_t id = jobs_seeker_of_account(r->store, r->who.accountId);
  if (id && jobs_seeker_access(r->store, &r->who, id, "seeker.update", r->zAddr, &e)) return req_fail_with(r, &e);
  return save_form(r, JOBS_SEEKER, id, true, req_t(r, "Your job-seeker profile"), "/jobs/me/edit");
}

/* ---- pages: officers ---- */

static void list_filter_form(Request *r, const char *zAction) {
  const char *zC = req_query(r, "country"), *zI = req_query(r, "isco");
  html_printf(&r->out,
              "<form class=\"corridor\" method=\"get\" action=\"%s\">\n<label>%s <input name=\"country\" "
              "value=\"%s\" size=\"3\"></label>\n<label>%s <input name=\"isco\" value=\"%s\" size=\"5\"></label>\n"
              "<button type=\"submit\">%s</button>\n</form>\n",
              zAction, req_t(r, "Country"), zC ? zC : "", req_t(r, "ISCO-08"), zI ? zI : "", req_t(r, "Filter"));
}

int page_seekers(Request *r) {
  const char *zC, *zI;
  Err e = ERR_INIT;
  json_t *v;
  size_t i;
  if (filter_params(r, &zC, &zI)) return -1;
  if (audit(r->store, &r->who, "seeker.list", NULL, r->zAddr, NULL, &e)) return req_fail_with(r, &e);
  json_t *j = jobs_list(r->store, JOBS_SEEKER, zC, zI, 200, 0, r->zLang, &e);
  if (!j) return req_fail_with(r, &e);
  Buf *b = &r->out;
  page_begin(r, req_t(r, "Job seekers"));
  html_printf(b, "<h1>%s</h1>\n<p><a href=\"/seekers/new\">%s</a></p>\n", req_t(r, "Job seekers"),
              req_t(r, "New job seeker"));
  list_filter_form(r, "/seekers");
  html_printf(b, "<div class=\"table-wrap\"><table>\n<thead><tr><th>%s</th><th>%s</th><th>%s</th><th>ISCO</th>"
                 "<th>ISCED</th><th>%s</th></tr></thead>\n<tbody>\n",
              req_t(r, "Reference"), req_t(r, "Citizenship"), req_t(r, "Destinations"), req_t(r, "Status"));
  json_array_foreach(json_object_get(j, "seekers"), i, v)
    html_printf(b, "<tr><td><a href=\"/seekers/%lld\">%s</a></td><td>%s</td><td>%s</td><td>%s</td><td>%lld</td>"
                   "<td>%s</td></tr>\n",
                ji(v, "id"), js(v, "ref"), js(v, "citizenship"), js(v, "destinations"), js(v, "isco"),
                ji(v, "isced"), js(v, "status"));
  html_raw_UNSAFE(b, "</tbody></table></div>\n");
  json_decref(j);
  page_end(r);
  return 0;
}

int page_seeker_new(Request *r) {
  page_begin(r, req_t(r, "New job seeker"));
  html_printf(&r->out, "<h1>%s</h1>\n", req_t(r, "New job seeker"));
  record_form(r, aSeekerField, NULL, "/seekers", false);
  page_end(r);
  return 0;
}

int page_seeker_create(Request *r) { return save_form(r, JOBS_SEEKER, 0, false, req_t(r, "New job seeker"), "/seekers"); }

int page_seeker(Request *r) {
  int64_t id;
  MatchOpt o;
  Err e = ERR_INIT;
  if (param_id(r, 0, &id) || match_opt(r, &o)) return -1;
  if (jobs_seeker_access(r->store, &r->who, id, "seeker.read", r->zAddr, &e)) return req_fail_with(r, &e);
  json_t *p = jobs_get(r->store, JOBS_SEEKER, id, r->zLang, &e);
  json_t *j = p ? match_cached(r, true, id, &o, &e) : NULL;
  if (!j) {
    json_decref(p);
    return req_fail_with(r, &e);
  }
  Buf *b = &r->out;
  page_begin(r, req_t(r, "Job seeker"));
  html_printf(b, "<h1>%s %s</h1>\n", req_t(r, "Job seeker"), js(p, "ref"));
  profile_dl(r, p);
  html_printf(b, "<p><a href=\"/seekers/%lld/edit\">%s</a></p>\n", (long long)id, req_t(r, "Edit"));
  html_printf(b, "<h2>%s</h2>\n", req_t(r, "Best vacancies"));
  results_list(r, j, true, is_officer(r));
  json_decref(p);
  json_decref(j);
  page_end(r);
  return 0;
}

int page_seeker_edit(Request *r) {
  int64_t id;
  Err e = ERR_INIT;
  if (param_id(r, 0, &id)) return -1;
  if (jobs_seeker_access(r->store, &r->who, id, "seeker.read", r->zAddr, &e)) return req_fail_with(r, &e);
  json_t *o = import_base(r, JOBS_SEEKER, id, &e);
  if (!o) return req_fail_with(r, &e);
  page_begin(r, req_t(r, "Edit job seeker"));
  html_printf(&r->out, "<h1>%s %s</h1>\n", req_t(r, "Edit job seeker"), js(o, "ref"));
  record_form(r, aSeekerField, o, arena_printf(r->arena, "/seekers/%lld/edit", (long long)id),
              r->who.role == ROLE_MIGRANT);
  json_decref(o);
  page_end(r);
  return 0;
}

int page_seeker_save(Request *r) {
  int64_t id;
  Err e = ERR_INIT;
  if (param_id(r, 0, &id)) return -1;
  if (jobs_seeker_access(r->store, &r->who, id, "seeker.update", r->zAddr, &e)) return req_fail_with(r, &e);
  return save_form(r, JOBS_SEEKER, id, r->who.role == ROLE_MIGRANT, req_t(r, "Edit job seeker"),
                   arena_printf(r->arena, "/seekers/%lld/edit", (long long)id));
}

int page_vacancies(Request *r) {
  const char *zC, *zI;
  Err e = ERR_INIT;
  json_t *v;
  size_t i;
  if (filter_params(r, &zC, &zI)) return -1;
  json_t *j = jobs_list(r->store, JOBS_VACANCY, zC, zI, 200, 0, r->zLang, &e);
  if (!j) return req_fail_with(r, &e);
  Buf *b = &r->out;
  page_begin(r, req_t(r, "Vacancies"));
  html_printf(b, "<h1>%s</h1>\n<p><a href=\"/vacancies/new\">%s</a> &middot; <a href=\"/needs\">%s</a></p>\n",
              req_t(r, "Vacancies"), req_t(r, "New vacancy"), req_t(r, "Labour market needs"));
  list_filter_form(r, "/vacancies");
  html_printf(b, "<div class=\"table-wrap\"><table>\n<thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
                 "<th>%s</th><th>%s</th></tr></thead>\n<tbody>\n",
              req_t(r, "Reference"), req_t(r, "Country"), req_t(r, "Occupation"), req_t(r, "Positions"),
              req_t(r, "Valid until"), req_t(r, "Status"));
  json_array_foreach(json_object_get(j, "vacancies"), i, v) {
    const char *zLic = js(v, "agency_licence_status");
    html_printf(b, "<tr><td><a href=\"/vacancies/%lld\">%s</a></td><td>%s</td><td>%s %s</td><td>%lld</td><td>%s</td>"
                   "<td>%s%s</td></tr>\n",
                ji(v, "id"), js(v, "ref"), js(v, "country"), js(v, "isco"), js(v, "isco_title"), ji(v, "positions"),
                js(v, "valid_until"), js(v, "status"),
                *zLic && !str_eq(zLic, "valid") ? req_t(r, " (agency licence not valid)") : "");
  }
  html_raw_UNSAFE(b, "</tbody></table></div>\n");
  json_decref(j);
  page_end(r);
  return 0;
}

int page_vacancy_new(Request *r) {
  page_begin(r, req_t(r, "New vacancy"));
  html_printf(&r->out, "<h1>%s</h1>\n", req_t(r, "New vacancy"));
  record_form(r, aVacancyField, NULL, "/vacancies", false);
  page_end(r);
  return 0;
}

int page_vacancy_create(Request *r) { return save_form(r, JOBS_VACANCY, 0, false, req_t(r, "New vacancy"), "/vacancies"); }

int page_vacancy(Request *r) {
  int64_t id;
  MatchOpt o;
  Err e = ERR_INIT;
  json_t *v;
  size_t i;
  if (param_id(r, 0, &id) || match_opt(r, &o)) return -1;
  json_t *p = jobs_get(r->store, JOBS_VACANCY, id, r->zLang, &e);
  if (!p) return req_fail_with(r, &e);
  if (candidates_access(r, id, &e)) {
    json_decref(p);
    return req_fail_with(r, &e);
  }
  json_t *j = match_cached(r, false, id, &o, &e);
  if (!j) {
    json_decref(p);
    return req_fail_with(r, &e);
  }
  Buf *b = &r->out;
  page_begin(r, req_t(r, "Vacancy"));
  html_printf(b, "<h1>%s &mdash; %s</h1>\n", js(p, "isco_title"), js(p, "ref"));
  html_raw_UNSAFE(b, "<dl class=\"account\">\n");
  html_printf(b, "<dt>%s</dt><dd>%s</dd>\n", req_t(r, "Employer"), js(p, "employer"));
  html_printf(b, "<dt>%s</dt><dd>%s %s</dd>\n", req_t(r, "Country"), js(p, "country"), js(p, "region"));
  html_printf(b, "<dt>%s</dt><dd>ISCO %s %s</dd>\n", req_t(r, "Occupation"), js(p, "isco"), js(p, "esco_title"));
  html_printf(b, "<dt>%s</dt><dd>%lld</dd>\n", req_t(r, "Positions"), ji(p, "positions"));
  html_printf(b, "<dt>%s</dt><dd>%s &ndash; %s (%s)</dd>\n", req_t(r, "Open"), js(p, "posted_on"),
              js(p, "valid_until"), js(p, "status"));
  html_printf(b, "<dt>%s</dt><dd>", req_t(r, "Languages"));
  json_array_foreach(json_object_get(p, "languages"), i, v)
    html_printf(b, "%s%s %s", i ? ", " : "", js(v, "lang"), js(v, "level"));
  html_raw_UNSAFE(b, "</dd>\n</dl>\n");
  if (json_is_true(json_object_get(json_object_get(j, "vacancy"), "licence_not_valid")))
    html_printf(b, "<p class=\"error\" role=\"alert\">%s</p>\n",
                req_t(r, "The recruiting agency's licence is not valid: seekers are not shown this vacancy."));
  html_printf(b, "<p><a href=\"/vacancies/%lld/edit\">%s</a></p>\n<h2>%s</h2>\n", (long long)id, req_t(r, "Edit"),
              req_t(r, "Candidates"));
  results_list(r, j, false, true);
  json_decref(p);
  json_decref(j);
  page_end(r);
  return 0;
}

int page_vacancy_edit(Request *r) {
  int64_t id;
  Err e = ERR_INIT;
  if (param_id(r, 0, &id)) return -1;
  json_t *o = import_base(r, JOBS_VACANCY, id, &e);
  if (!o) return req_fail_with(r, &e);
  page_begin(r, req_t(r, "Edit vacancy"));
  html_printf(&r->out, "<h1>%s %s</h1>\n", req_t(r, "Edit vacancy"), js(o, "ref"));
  record_form(r, aVacancyField, o, arena_printf(r->arena, "/vacancies/%lld/edit", (long long)id), false);
  json_decref(o);
  page_end(r);
  return 0;
}

int page_vacancy_save(Request *r) {
  int64_t id;
  if (param_id(r, 0, &id)) return -1;
  return save_form(r, JOBS_VACANCY, id, false, req_t(r, "Edit vacancy"),
                   arena_printf(r->arena, "/vacancies/%lld/edit", (long long)id));
}

/* ---- needs ---- */

#define NEEDS_CHART_MAX 40

int page_needs(Request *r) {
  const char *zC;
  long long level;
  char zDay[11];
  Err e = ERR_INIT;
  json_t *v;
  size_t i;
  if (needs_params(r, &zC, &level, zDay)) return -1;
  json_t *j = match_needs(r->store, zC, (int)level, zDay, r->zLang, &e);
  if (!j) return req_fail_with(r, &e);
  json_t *a = json_object_get(j, "rows");
  Buf *b = &r->out;
  page_begin(r, req_t(r, "Labour market needs"));
  html_printf(b, "<h1>%s</h1>\n<p>%s</p>\n", req_t(r, "Labour market needs"),
              req_t(r, "Open positions and available job seekers by destination country and occupation: a shortage "
                       "is fewer than half a seeker per position, or fewer seekers than positions open for 60 days "
                       "or more; a surplus is at least two seekers per position."));
  html_printf(b,
              "<form class=\"corridor\" method=\"get\" action=\"/needs\">\n<label>%s <input name=\"country\" "
              "value=\"%s\" size=\"3\"></label>\n<label>%s <select name=\"isco\">",
              req_t(r, "Country"), zC ? zC : "", req_t(r, "ISCO-08 level"));
  for (int l = 1; l <= 4; l++) html_printf(b, "<option%s>%d</option>", l == level ? " selected" : "", l);
  html_printf(b, "</select></label>\n<button type=\"submit\">%s</button>\n</form>\n", req_t(r, "Show"));
  /* Chart: positions and seekers per group (first rows; the table has all). */
  ChartBar aBar[2 * NEEDS_CHART_MAX];
  int nBar = 0;
  json_array_foreach(a, i, v) {
    if (nBar + 2 > 2 * NEEDS_CHART_MAX) break;
    /* Country and ISCO code fit the chart's label column; the table below names the occupation. */
    const char *zGroup = arena_printf(r->arena, "%s %s", js(v, "country"), js(v, "isco"));
    for (int s = 0; s < 2; s++) {
      ChartBar *p = &aBar[nBar++];
      memset(p, 0, sizeof *p);
      p->zGroup = zGroup;
      p->iSeries = s;
      p->value = (double)ji(v, s ? "seekers" : "positions");
      p->lo = p->hi = NAN;
    }
  }
  if (nBar > 0) {
    const char *azSeries[2] = {req_t(r, "Open positions"), req_t(r, "Available seekers")};
    html_raw_UNSAFE(b, "<figure class=\"chart\">\n");
    chart_bars_svg(b, req_t(r, "Open positions and available seekers"),
                   req_t(r, "Bars per country and occupation group"), aBar, nBar, azSeries, 2, req_t(r, "none"),
                   req_t(r, "unreliable"));
    html_raw_UNSAFE(b, "</figure>\n");
  }
  html_printf(b, "<div class=\"table-wrap\"><table>\n<thead><tr><th>%s</th><th>ISCO</th><th>%s</th><th>%s</th>"
                 "<th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead>\n<tbody>\n",
              req_t(r, "Country"), req_t(r, "Occupation"), req_t(r, "Open positions"), req_t(r, "Available seekers"),
              req_t(r, "Ratio"), req_t(r, "Mean days open"), req_t(r, "Classification"));
  json_array_foreach(a, i, v) {
    json_t *pR = json_object_get(v, "ratio"), *pD = json_object_get(v, "mean_days_open");
    html_printf(b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%lld</td><td>%lld</td>", js(v, "country"),
                js(v, "isco"), js(v, "title"), ji(v, "positions"), ji(v, "seekers"));
    if (json_is_number(pR)) html_printf(b, "<td>%.2f</td>", json_number_value(pR));
    else html_raw_UNSAFE(b, "<td>&ndash;</td>");
    if (json_is_number(pD)) html_printf(b, "<td>%.0f</td>", json_number_value(pD));
    else html_raw_UNSAFE(b, "<td>&ndash;</td>");
    html_printf(b, "<td>%s</td></tr>\n", req_t(r, js(v, "classification")));
  }
  html_printf(b, "</tbody></table></div>\n<p class=\"snippet\">%s</p>\n",
              req_t(r, "Unemployment by occupation from labour force surveys is not used yet."));
  json_decref(j);
  page_end(r);
  return 0;
}
