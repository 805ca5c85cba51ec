/*
** routes.c: every HTTP route of lmis, as one const table.
**
** Each row names the method, the path pattern ({name} captures one path
** segment), the handler, the policy action the dispatcher checks before calling
** it, and flags (API or page, writes, public POST, JSON body). Rows are sorted by
** pattern, then method; tests/unit/test_routes.c checks the order, that every
** action exists in policy.c, and that every /api/ route is in www/openapi.json.
*/
#include "http.h"
#include "api.h"
#include "pages.h"
#include "web_agreement.h"
#include "web_audit.h"
#include "web_case.h"
#include "web_match.h"
#include "web_notify.h"
#include "web_recruit.h"
#include "web_socsec.h"

#include <stdio.h>
#include <string.h>

#define API ROUTE_API
#define PAGE ROUTE_PAGE
#define WRITE ROUTE_WRITE

static const Route aRoute[] = {
  {"GET", "/", page_home, "page.read", PAGE, "Home page"},
  {"GET", "/account", page_account, "me.read", PAGE, "Own account, with a log-out button"},
  {"GET", "/admin/audit", page_admin_audit, "audit.read", PAGE, "Audit log: chain status and newest entries"},
  {"GET", "/admin/notifications", page_admin_notifications, "notify.manage", PAGE,
   "Notification outbox: queued, sent and failed messages about cases"},
  {"POST", "/admin/notifications/{id}/retry", page_admin_notification_retry, "notify.manage", PAGE | WRITE,
   "Queue a failed notification again (form)"},
  {"GET", "/agencies/check", page_agency_check, "agency.read", PAGE, "Is this agency licensed? (form and result)"},
  {"GET", "/agencies/sanctioned", page_agencies_sanctioned, "agency.read", PAGE, "Agencies sanctioned or banned"},
  {"GET", "/agencies/{licence}", page_agency, "agency.read", PAGE,
   "An agency: licence status, history, sanctions, published reviews"},
  {"POST", "/agencies/{licence}/review", page_agency_review_post, "review.submit", PAGE | WRITE | ROUTE_PUBLIC_POST,
   "Review an agency (form; anonymous, published after moderation)"},
  {"GET", "/agreements", page_agreements, "agreement.read", PAGE, "Agreements: search with facets"},
  {"GET", "/agreements/{id}", page_agreement, "agreement.read", PAGE, "An agreement: assessment beside the text"},
  {"POST", "/agreements/{id}/assessment", page_agreement_assess, "agreement.manage", PAGE | WRITE,
   "Record a criterion's rating (form)"},
  {"POST", "/agreements/{id}/comments", page_agreement_comment, "agreement.comment", PAGE | WRITE,
   "Comment in tripartite review (form)"},
  {"GET", "/api/v1/agencies", api_agencies, "agency.read", API, "Agencies, by status or sanctioned"},
  {"GET", "/api/v1/agencies/check", api_agency_check, "agency.read", API,
   "Is this agency licensed? Ranked name matches with their licence status"},
  {"GET", "/api/v1/agencies/{licence}", api_agency, "agency.read", API,
   "One agency: status, history, sanctions, published reviews"},
  {"GET", "/api/v1/aggregates", api_aggregates, "indicator.read", API,
   "Published aggregates: computed, imported and public series"},
  {"GET", "/api/v1/agreements", api_agreements, "agreement.read", API,
   "Search agreements (ranked, snippets) with facets"},
  {"POST", "/api/v1/agreements", api_agreement_import, "agreement.manage", API | WRITE | ROUTE_JSON_BODY,
   "Import agreements, assessments, practices and ratifications (all or nothing)"},
  {"GET", "/api/v1/agreements/indicators", api_agreement_indicators, "agreement.read", API,
   "Agreements facilitating mobility and with social security portability per country and year"},
  {"GET", "/api/v1/agreements/{id}", api_agreement, "agreement.read", API, "One agreement with assessment and scores"},
  {"POST", "/api/v1/agreements/{id}/assessment", api_agreement_assess, "agreement.manage", API | WRITE | ROUTE_JSON_BODY,
   "Record one criterion's rating with the clause"},
  {"POST", "/api/v1/agreements/{id}/comments", api_agreement_comment, "agreement.comment",
   API | WRITE | ROUTE_JSON_BODY, "Add a comment (tripartite review)"},
  {"GET", "/api/v1/agreements/{id}/r86", api_agreement_r86, "agreement.read", API,
   "Compare with the R86 model agreement: what is missing"},
  {"GET", "/api/v1/audit", api_audit_list, "audit.read", API, "Newest audit log entries (the read is audited)"},
  {"GET", "/api/v1/audit/verify", api_audit_verify, "audit.read", API,
   "Verify the hash chain of the audit log; ?anchor=SEQ:HASH checks a recorded head"},
  {"GET", "/api/v1/cases", api_case_queue, "case.queue", API, "A labour inspector's case queue (unassigned cases without identities; own cases)"},
  {"GET", "/api/v1/cases/search", api_case_search, "case.search", API, "Find one's own cases by complainant name, passport or phone (blind index)"},
  {"GET", "/api/v1/cases/stats", api_case_stats, "case.stats", API, "Complaint counts by one dimension, small cells suppressed"},
  {"GET", "/api/v1/cases/{id}", api_case_get, "case.read", API, "One case in full: the inspector assigned or the complainant only"},
  {"POST", "/api/v1/cases/{id}", api_case_act, "case.update", API | WRITE | ROUTE_JSON_BODY, "Act on a case: assign, transition, note, refer"},
  {"POST", "/api/v1/complaints", api_complaint_file, "case.file", API | WRITE | ROUTE_PUBLIC_POST | ROUTE_JSON_BODY, "File a complaint (anonymous allowed); returns the receipt code once"},
  {"POST", "/api/v1/complaints/track", api_complaint_track, "case.track", API | WRITE | ROUTE_PUBLIC_POST | ROUTE_JSON_BODY, "Follow a complaint by its receipt code"},
  {"GET", "/api/v1/corridors/{origin}/{dest}", api_corridor, "agreement.read", API,
   "Corridor view: agreements, ratifications, gaps, statistics"},
  {"POST", "/api/v1/costs", api_cost_report, "cost.report", API | WRITE | ROUTE_PUBLIC_POST | ROUTE_JSON_BODY,
   "Report recruitment costs (anonymous); returns the report with its no-fee flag"},
  {"GET", "/api/v1/costs/sdg", api_costs_sdg, "cost.read", API,
   "SDG 10.7.1 by corridor (and sex, occupation, agency); small cells suppressed"},
  {"GET", "/api/v1/countries", api_countries, "country.read", API, "List countries"},
  {"GET", "/api/v1/esco/occupations", api_esco_occupations, "esco.read", API, "Search ESCO occupations"},
  {"GET", "/api/v1/esco/occupations/{id}", api_esco_occupation, "esco.read", API, "One ESCO occupation"},
  {"GET", "/api/v1/health", api_health, "health.read", API, "Service health and versions"},
  {"GET", "/api/v1/indicators", api_indicators, "indicator.read", API, "The indicator catalogue"},
  {"GET", "/api/v1/indicators/{id}", api_indicator, "indicator.read", API,
   "An indicator, or computed from a survey (?survey=) as JSON or SDMX"},
  {"GET", "/api/v1/isco", api_isco_list, "isco.read", API, "List or search ISCO-08 groups"},
  {"GET", "/api/v1/isco/{code}", api_isco_get, "isco.read", API, "One ISCO-08 group"},
  {"POST", "/api/v1/login", api_login, "session.login", API | WRITE | ROUTE_PUBLIC_POST | ROUTE_JSON_BODY,
   "Log in; returns a session cookie and its CSRF token"},
  {"POST", "/api/v1/logout", api_logout, "session.logout", API | WRITE, "End the session"},
  {"GET", "/api/v1/match/seekers/{id}", api_match_seeker, "match.read", API,
   "The best vacancies for a job seeker (a migrant: only their own)"},
  {"GET", "/api/v1/match/vacancies/{id}", api_match_vacancy, "match.read", API,
   "The best job seekers for a vacancy (employment officers)"},
  {"GET", "/api/v1/me", api_me, "me.read", API, "The signed-in account"},
  {"GET", "/api/v1/needs", api_needs, "needs.read", API,
   "Labour market needs: open positions, available seekers, shortage or surplus"},
  {"GET", "/api/v1/notifications", api_notifications, "notify.read", API,
   "Case notifications: state, attempts, errors (administrators; inspectors for their cases; no addresses)"},
  {"POST", "/api/v1/notifications/{id}/retry", api_notification_retry, "notify.manage", API | WRITE,
   "Queue a failed notification again, attempts reset"},
  {"GET", "/api/v1/openapi.json", api_openapi, "doc.read", API, "This API described in OpenAPI 3.1"},
  {"GET", "/api/v1/practices", api_practices, "agreement.read", API, "Search good practices"},
  {"GET", "/api/v1/practices/{id}", api_practice, "agreement.read", API, "One good practice"},
  {"GET", "/api/v1/ratifications", api_ratifications, "agreement.read", API, "Ratifications by country"},
  {"GET", "/api/v1/reviews", api_reviews, "review.read", API,
   "Published reviews of agencies and employers (?status=pending: regulators)"},
  {"POST", "/api/v1/reviews", api_review_submit, "review.submit", API | WRITE | ROUTE_PUBLIC_POST | ROUTE_JSON_BODY,
   "Review an agency or employer (moderated; the reviewer is not recorded)"},
  {"POST", "/api/v1/reviews/{id}/moderate", api_review_moderate, "review.moderate", API | WRITE | ROUTE_JSON_BODY,
   "Publish or reject a pending review"},
  {"GET", "/api/v1/seekers", api_seekers, "seeker.manage", API, "List job seekers"},
  {"POST", "/api/v1/seekers", api_seeker_create, "seeker.manage", API | WRITE | ROUTE_JSON_BODY,
   "Create a job seeker"},
  {"GET", "/api/v1/seekers/{id}", api_seeker_get, "seeker.profile", API,
   "One job seeker's profile (a migrant: only their own)"},
  {"POST", "/api/v1/seekers/{id}", api_seeker_update, "seeker.profile", API | WRITE | ROUTE_JSON_BODY,
   "Replace a job seeker's profile (a migrant: only their own)"},
  {"POST", "/api/v1/socsec/compute", api_socsec_compute, "socsec.compute",
   API | WRITE | ROUTE_PUBLIC_POST | ROUTE_JSON_BODY, "Compute pensions across countries: totalization and pro-rata"},
  {"GET", "/api/v1/socsec/instruments", api_socsec_instruments, "socsec.read", API,
   "Social security coordination instruments configured"},
  {"GET", "/api/v1/socsec/schemes", api_socsec_schemes, "socsec.read", API, "National old-age schemes configured"},
  {"GET", "/api/v1/surveys", api_surveys, "survey.read", API, "Imported surveys (metadata only)"},
  {"GET", "/api/v1/surveys/{name}", api_survey, "survey.read", API, "One survey's design and columns (metadata only)"},
  {"GET", "/api/v1/vacancies", api_vacancies, "vacancy.manage", API, "List vacancies"},
  {"POST", "/api/v1/vacancies", api_vacancy_create, "vacancy.manage", API | WRITE | ROUTE_JSON_BODY,
   "Create a vacancy"},
  {"GET", "/api/v1/vacancies/{id}", api_vacancy_get, "vacancy.manage", API, "One vacancy"},
  {"POST", "/api/v1/vacancies/{id}", api_vacancy_update, "vacancy.manage", API | WRITE | ROUTE_JSON_BODY,
   "Replace a vacancy"},
  {"GET", "/cases", page_case_queue, "case.queue", PAGE, "A labour inspector's case queue"},
  {"GET", "/cases/{id}", page_case, "case.read", PAGE, "A case: facts, history, and the inspector's actions"},
  {"POST", "/cases/{id}", page_case_post, "case.update", PAGE | WRITE, "Act on a case (form)"},
  {"GET", "/complaint", page_complaint_form, "case.file", PAGE, "Complaint form (anonymous allowed), EN/FR/ES"},
  {"POST", "/complaint", page_complaint_post, "case.file", PAGE | WRITE | ROUTE_PUBLIC_POST, "File a complaint (form); shows the receipt code"},
  {"GET", "/complaint/stats", page_case_stats, "case.stats", PAGE, "Complaints in figures (small cells suppressed)"},
  {"GET", "/complaint/track", page_track_form, "case.track", PAGE, "Follow a complaint: receipt code form"},
  {"POST", "/complaint/track", page_track_post, "case.track", PAGE | WRITE | ROUTE_PUBLIC_POST, "Follow a complaint (form): its state and history"},
  {"GET", "/corridor", page_corridor_query, "agreement.read", PAGE, "Corridor form: redirects"},
  {"GET", "/corridor/{origin}/{dest}", page_corridor, "agreement.read", PAGE, "Corridor view"},
  {"GET", "/costs", page_costs, "cost.read", PAGE, "Recruitment costs: the SDG 10.7.1 table"},
  {"GET", "/costs/report", page_cost_form, "cost.report", PAGE, "Recruitment cost report form"},
  {"POST", "/costs/report", page_cost_post, "cost.report", PAGE | WRITE | ROUTE_PUBLIC_POST,
   "Report recruitment costs (form)"},
  {"GET", "/esco/occupation/{id}", page_esco_occupation, "esco.read", PAGE, "ESCO occupation page"},
  {"GET", "/isco", page_isco_index, "isco.read", PAGE, "ISCO-08 major groups and search"},
  {"GET", "/isco/{code}", page_isco_group, "isco.read", PAGE, "ISCO-08 group page"},
  {"GET", "/jobs/me", page_jobs_me, "match.read", PAGE, "Jobs for me: a migrant's own profile and best vacancies"},
  {"GET", "/jobs/me/edit", page_jobs_me_edit, "seeker.self", PAGE, "Form: a migrant's own job-seeker profile"},
  {"POST", "/jobs/me/edit", page_jobs_me_save, "seeker.self", PAGE | WRITE,
   "Save a migrant's own job-seeker profile (form)"},
  {"GET", "/login", page_login_form, "session.login", PAGE, "Log-in form"},
  {"POST", "/login", page_login_post, "session.login", PAGE | WRITE | ROUTE_PUBLIC_POST, "Log in (form)"},
  {"POST", "/logout", page_logout, "session.logout", PAGE | WRITE, "Log out (form)"},
  {"GET", "/needs", page_needs, "needs.read", PAGE, "Labour market needs with a chart"},
  {"GET", "/practices", page_practices, "agreement.read", PAGE,
   "Good practices: search with filters (country, theme, principle area, regional body, year) and facets"},
  {"GET", "/practices/{id}", page_practice, "agreement.read", PAGE,
   "A good practice: description, evidence, source, countries and related agreements"},
  {"GET", "/ratifications", page_ratifications, "agreement.read", PAGE, "World table of ratifications"},
  {"GET", "/reviews/moderate", page_reviews_moderate, "review.moderate", PAGE,
   "Reviews waiting for moderation (regulators; the read is audited)"},
  {"POST", "/reviews/{id}/moderate", page_review_moderate_post, "review.moderate", PAGE | WRITE,
   "Publish or reject a review (form)"},
  {"GET", "/sdmx/data/{flow}", api_sdmx_data, "sdmx.read", API, "SDMX REST data query: a whole dataflow"},
  {"GET", "/sdmx/data/{flow}/{key}", api_sdmx_data, "sdmx.read", API, "SDMX REST data query by series key"},
  {"GET", "/seekers", page_seekers, "seeker.manage", PAGE, "Job seekers (employment officers)"},
  {"POST", "/seekers", page_seeker_create, "seeker.manage", PAGE | WRITE, "Create a job seeker (form)"},
  {"GET", "/seekers/new", page_seeker_new, "seeker.manage", PAGE, "Form: new job seeker"},
  {"GET", "/seekers/{id}", page_seeker, "seeker.manage", PAGE, "A job seeker with their best vacancies"},
  {"GET", "/seekers/{id}/edit", page_seeker_edit, "seeker.manage", PAGE, "Form: edit a job seeker"},
  {"POST", "/seekers/{id}/edit", page_seeker_save, "seeker.manage", PAGE | WRITE, "Save a job seeker (form)"},
  {"GET", "/socsec", page_socsec_form, "socsec.compute", PAGE, "Pension calculator (form)"},
  {"POST", "/socsec", page_socsec_post, "socsec.compute", PAGE | WRITE | ROUTE_PUBLIC_POST,
   "Pension calculator: the result with every step"},
  {"GET", "/static/style.css", page_style_css, "page.read", PAGE, "Style sheet"},
  {"GET", "/statistics", page_statistics, "indicator.read", PAGE, "Statistics: surveys, indicators, public series"},
  {"GET", "/statistics/area", page_stats_area_query, "indicator.read", PAGE, "Country/corridor form: redirects"},
  {"GET", "/statistics/area/{code}", page_stats_area, "indicator.read", PAGE,
   "A country's published figures, or a corridor with ?counterpart="},
  {"GET", "/statistics/indicator/{id}", page_stats_indicator, "indicator.read", PAGE,
   "An indicator from a survey: table, chart with intervals, downloads"},
  {"GET", "/vacancies", page_vacancies, "vacancy.manage", PAGE, "Vacancies (employment officers)"},
  {"POST", "/vacancies", page_vacancy_create, "vacancy.manage", PAGE | WRITE, "Create a vacancy (form)"},
  {"GET", "/vacancies/new", page_vacancy_new, "vacancy.manage", PAGE, "Form: new vacancy"},
  {"GET", "/vacancies/{id}", page_vacancy, "vacancy.manage", PAGE, "A vacancy with its candidate list"},
  {"GET", "/vacancies/{id}/edit", page_vacancy_edit, "vacancy.manage", PAGE, "Form: edit a vacancy"},
  {"POST", "/vacancies/{id}/edit", page_vacancy_save, "vacancy.manage", PAGE | WRITE, "Save a vacancy (form)"},
};

const Route *routes_table(int *pn) {
  *pn = (int)(sizeof(aRoute) / sizeof(aRoute[0]));
  return aRoute;
}

/* Match zPath against a pattern segment by segment. A {name} segment matches one
** non-empty path segment; its start is recorded in azParam. */
static bool pattern_match(const char *zPat, const char *zPath, const char **azParam, int *pnParam) {
  int nParam = 0;
  while (*zPat && *zPath) {
    if (zPat[0] == '{') {
      const char *zClose = strchr(zPat, '}');
      size_t nSeg = strcspn(zPath, "/");
      if (!zClose || nSeg == 0) return false;
      if (nParam < 4 && azParam) azParam[nParam] = zPath;
      nParam++;
      zPat = zClose + 1;
      zPath += nSeg;
    } else {
      if (*zPat != *zPath) return false;
      zPat++;
      zPath++;
    }
  }
  if (*zPat || *zPath) return false;
  if (pnParam) *pnParam = nParam < 4 ? nParam : 4;
  return true;
}

const Route *routes_match(const char *zMethod, const char *zPath, const char **azParam, int *pnParam,
                          bool *pbPathKnown) {
  bool bKnown = false;
  if (pnParam) *pnParam = 0;
  if (!zMethod || !zPath) {
    if (pbPathKnown) *pbPathKnown = false;
    return NULL;
  }
  /* HEAD is GET without the body (libmicrohttpd drops it). */
  if (strcmp(zMethod, "HEAD") == 0) zMethod = "GET";
  for (size_t i = 0; i < sizeof(aRoute) / sizeof(aRoute[0]); i++) {
    const char *az[4];
    int n = 0;
    if (!pattern_match(aRoute[i].zPattern, zPath, az, &n)) continue;
    if (strcmp(aRoute[i].zMethod, zMethod) == 0) {
      if (azParam) memcpy(azParam, az, sizeof(az[0]) * (size_t)n);
      if (pnParam) *pnParam = n;
      if (pbPathKnown) *pbPathKnown = true;
      return &aRoute[i];
    }
    bKnown = true;
  }
  if (pbPathKnown) *pbPathKnown = bKnown;
  return NULL;
}

void routes_allowed(const char *zPath, char *zOut, size_t nOut) {
  size_t n = 0;
  if (nOut == 0) return;
  zOut[0] = 0;
  for (size_t i = 0; i < sizeof(aRoute) / sizeof(aRoute[0]); i++) {
    if (!pattern_match(aRoute[i].zPattern, zPath, NULL, NULL)) continue;
    const char *zM = aRoute[i].zMethod;
    for (int k = 0; k < 2; k++) {
      int w;
      if (strstr(zOut, zM)) continue; /* methods are distinct words: GET, HEAD, POST */
      w = snprintf(zOut + n, nOut - n, "%s%s", n ? ", " : "", zM);
      if (w < 0 || (size_t)w >= nOut - n) return;
      n += (size_t)w;
      if (strcmp(zM, "GET") != 0) break;
      zM = "HEAD";
    }
  }
}
