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

#include <stdio.h>
#include <string.h>

#define API ROUTE_API
#define PAGE ROUTE_PAGE
#define WRITE ROUTE_WRITE

static const Route aRoute[] = {
  {"GET", "/", page_home, "page.read", PAGE, "Home page"},
  {"GET", "/account", page_account, "me.read", PAGE, "Own account, with a log-out button"},
  {"GET", "/api/v1/aggregates", api_aggregates, "indicator.read", API,
   "Published aggregates: computed, imported and public series"},
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
  {"GET", "/api/v1/me", api_me, "me.read", API, "The signed-in account"},
  {"GET", "/api/v1/openapi.json", api_openapi, "doc.read", API, "This API described in OpenAPI 3.1"},
  {"GET", "/api/v1/surveys", api_surveys, "survey.read", API, "Imported surveys (metadata only)"},
  {"GET", "/api/v1/surveys/{name}", api_survey, "survey.read", API, "One survey's design and columns (metadata only)"},
  {"GET", "/esco/occupation/{id}", page_esco_occupation, "esco.read", PAGE, "ESCO occupation page"},
  {"GET", "/isco", page_isco_index, "isco.read", PAGE, "ISCO-08 major groups and search"},
  {"GET", "/isco/{code}", page_isco_group, "isco.read", PAGE, "ISCO-08 group page"},
  {"GET", "/login", page_login_form, "session.login", PAGE, "Log-in form"},
  {"POST", "/login", page_login_post, "session.login", PAGE | WRITE | ROUTE_PUBLIC_POST, "Log in (form)"},
  {"POST", "/logout", page_logout, "session.logout", PAGE | WRITE, "Log out (form)"},
  {"GET", "/sdmx/data/{flow}", api_sdmx_data, "sdmx.read", API, "SDMX REST data query: a whole dataflow"},
  {"GET", "/sdmx/data/{flow}/{key}", api_sdmx_data, "sdmx.read", API, "SDMX REST data query by series key"},
  {"GET", "/static/style.css", page_style_css, "page.read", PAGE, "Style sheet"},
  {"GET", "/statistics", page_statistics, "indicator.read", PAGE, "Statistics: surveys, indicators, public series"},
  {"GET", "/statistics/area", page_stats_area_query, "indicator.read", PAGE, "Country/corridor form: redirects"},
  {"GET", "/statistics/area/{code}", page_stats_area, "indicator.read", PAGE,
   "A country's published figures, or a corridor with ?counterpart="},
  {"GET", "/statistics/indicator/{id}", page_stats_indicator, "indicator.read", PAGE,
   "An indicator from a survey: table, chart with intervals, downloads"},
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
