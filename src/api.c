/*
** api.c: handlers of the JSON API under /api/v1.
**
** The dispatcher (http.c) has already matched the route, resolved the principal,
** checked the policy and CSRF: a handler validates its own parameters (400
** naming the parameter), calls one query function of isco.h, and sends the
** jansson object it returns. The JSON shapes are those of isco.h, the same the
** CLI prints with --json; www/openapi.json describes them.
*/
#include "api.h"
#include "auth.h"
#include "config.h"
#include "embedded.h"
#include "isco.h"
#include "aggregate.h"
#include "indicator.h"
#include "sdmx.h"
#include "survey.h"

#include <string.h>

#define SEARCH_LIMIT_DEFAULT 20
#define SEARCH_LIMIT_MAX 100
#define QUERY_MAX 200

/* Send j, or turn a NULL from a query function into the request's error. */
static int send_or_fail(Request *r, json_t *j, Err *e) {
  if (!j) return req_fail_with(r, e);
  resp_json(r, 200, j);
  return 0;
}

/* Fail with 400 naming parameter zName. */
static int bad_param(Request *r, const char *zName, const char *zMsg, const char *zValue) {
  req_fail(r, ERR_INVALID, "%s", zMsg);
  if (zValue) err_detail(&r->err, "got \"%.40s\"", zValue);
  err_where(&r->err, "%s", zName);
  return -1;
}

static bool all_digits(const char *z, size_t nMin, size_t nMax) {
  size_t n = strlen(z);
  return n >= nMin && n <= nMax && strspn(z, "0123456789") == n;
}

/* Free-text search parameter: present, non-blank, bounded. NULL with r->err set. */
static const char *search_text(Request *r, const char *zName, bool bRequired) {
  const char *z = req_query(r, zName);
  if (!z) {
    if (bRequired) bad_param(r, zName, "parameter q (search text) is required", NULL);
    return NULL;
  }
  if (strlen(z) > QUERY_MAX) {
    bad_param(r, zName, "search text is too long (at most 200 bytes)", NULL);
    return NULL;
  }
  if (z[strspn(z, " \t\r\n")] == 0) {
    bad_param(r, zName, "search text is empty", z);
    return NULL;
  }
  return z;
}

int api_health(Request *r) {
  json_t *j = json_object();
  json_object_set_new(j, "status", json_string("ok"));
  json_object_set_new(j, "version", json_string(LMIS_VERSION));
  json_object_set_new(j, "schema_version", json_integer(r->store ? store_schema_version(r->store) : 0));
  resp_json(r, 200, j);
  return 0;
}

int api_openapi(Request *r) {
  const EmbeddedFile *p = embedded_find("openapi.json");
  if (!p) return req_fail(r, ERR_INTERNAL, "the OpenAPI document is missing from this build");
  resp_bytes(r, 200, "application/json", p->pData, p->nData);
  return 0;
}

int api_isco_list(Request *r) {
  Err e = ERR_INIT;
  long long level, nLimit;
  const char *zParent = req_query(r, "parent");
  const char *zQ = req_query(r, "q");
  if (req_query_int(r, "level", 1, 4, 1, &level)) return -1;
  if (req_query_int(r, "limit", 1, SEARCH_LIMIT_MAX, SEARCH_LIMIT_DEFAULT, &nLimit)) return -1;
  if (zQ) {
    if (!search_text(r, "q", true)) return -1;
    if (zParent || req_query(r, "level")) {
      return bad_param(r, "q", "q cannot be combined with level or parent", NULL);
    }
    return send_or_fail(r, occupation_search(r->store, zQ, "isco", (int)nLimit, r->zLang, &e), &e);
  }
  if (zParent) {
    if (!all_digits(zParent, 1, 3)) return bad_param(r, "parent", "parent must be an ISCO-08 code of 1 to 3 digits", zParent);
    /* Without an explicit level, list the children of the parent. */
    if (!req_query(r, "level")) level = (long long)strlen(zParent) + 1;
    if ((size_t)level <= strlen(zParent)) {
      return bad_param(r, "level", "level must be deeper than the parent's", NULL);
    }
  }
  return send_or_fail(r, isco_list(r->store, (int)level, zParent, r->zLang, &e), &e);
}

int api_isco_get(Request *r) {
  Err e = ERR_INIT;
  const char *zCode = r->nParam > 0 ? r->azParam[0] : "";
  if (!all_digits(zCode, 1, 4)) return bad_param(r, "code", "an ISCO-08 code has 1 to 4 digits", zCode);
  return send_or_fail(r, isco_get(r->store, zCode, r->zLang, &e), &e);
}

int api_esco_occupations(Request *r) {
  Err e = ERR_INIT;
  long long nLimit;
  const char *zQ = search_text(r, "q", true);
  if (!zQ) return -1;
  if (req_query_int(r, "limit", 1, SEARCH_LIMIT_MAX, SEARCH_LIMIT_DEFAULT, &nLimit)) return -1;
  return send_or_fail(r, occupation_search(r->store, zQ, "esco", (int)nLimit, r->zLang, &e), &e);
}

int api_esco_occupation(Request *r) {
  Err e = ERR_INIT;
  const char *zId = r->nParam > 0 ? r->azParam[0] : "";
  if (!all_digits(zId, 1, 18)) return bad_param(r, "id", "an ESCO occupation id is a number", zId);
  return send_or_fail(r, esco_occupation_get(r->store, zId, &e), &e);
}

int api_countries(Request *r) {
  Err e = ERR_INIT;
  return send_or_fail(r, country_list(r->store, r->zLang, &e), &e);
}

int api_login(Request *r) {
  json_t *j = req_json(r), *pUser, *pPass, *pOut;
  if (!j) return -1;
  pUser = json_object_get(j, "username");
  pPass = json_object_get(j, "password");
  if (!json_is_string(pUser)) {
    req_fail(r, ERR_INVALID, "username must be a string");
    err_where(&r->err, "/username");
    return -1;
  }
  if (!json_is_string(pPass)) {
    req_fail(r, ERR_INVALID, "password must be a string");
    err_where(&r->err, "/password");
    return -1;
  }
  if (req_login(r, json_string_value(pUser), json_string_value(pPass))) return -1;
  pOut = json_object();
  json_object_set_new(pOut, "username", json_string(r->who.zUsername));
  json_object_set_new(pOut, "role", json_string(role_name(r->who.role)));
  json_object_set_new(pOut, "csrf_token", json_string(r->zCsrf));
  json_object_set_new(pOut, "expires_in", json_integer(AUTH_SESSION_TTL));
  resp_json(r, 200, pOut);
  return 0;
}

int api_logout(Request *r) {
  json_t *j;
  if (r->who.bToken) {
    req_fail(r, ERR_INVALID, "API tokens have no session to end");
    err_hint(&r->err, "revoke the token with `lmis token revoke ID` instead");
    return -1;
  }
  if (req_logout(r)) return -1;
  j = json_object();
  json_object_set_new(j, "status", json_string("logged out"));
  resp_json(r, 200, j);
  return 0;
}

int api_me(Request *r) {
  json_t *j = json_object();
  json_object_set_new(j, "username", json_string(r->who.zUsername));
  json_object_set_new(j, "role", json_string(role_name(r->who.role)));
  json_object_set_new(j, "auth", json_string(r->who.bToken ? "token" : "session"));
  if (r->zCsrf) json_object_set_new(j, "csrf_token", json_string(r->zCsrf));
  resp_json(r, 200, j);
  return 0;
}

/* Survey names are what `lmis survey import` accepted: letters, digits, _ . - */
static bool survey_name_ok(const char *z) {
  size_t n = strlen(z);
  if (n == 0 || n > 64) return false;
  for (size_t i = 0; i < n; i++) {
    char c = z[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
          c == '-'))
      return false;
  }
  return true;
}

int api_surveys(Request *r) {
  Err e = ERR_INIT;
  return send_or_fail(r, survey_list(r->store, &e), &e);
}

int api_survey(Request *r) {
  Err e = ERR_INIT;
  const char *zName = r->nParam > 0 ? r->azParam[0] : "";
  if (!survey_name_ok(zName)) return bad_param(r, "name", "a survey name has 1 to 64 letters, digits, _ . or -", zName);
  return send_or_fail(r, survey_info(r->store, zName, &e), &e);
}

/* ---- statistics: indicators, aggregates, SDMX ---- */

#define SDMX_OUT_MAX (64u << 20)   /* largest message built for one response */
#define BY_MAX 4


/* Split "a,b" into at most BY_MAX arena strings of [a-z0-9_]. Returns the count,
** or -1 with 400 naming the parameter. */
static int parse_by(Request *r, const char *zBy, const char **azBy) {
  int n = 0;
  const char *z = zBy;
  while (*z) {
    size_t k = strcspn(z, ",");
    if (k == 0 || k > 64 || n >= BY_MAX) return bad_param(r, "by", "by lists up to 4 variable names separated by commas", zBy);
    for (size_t i = 0; i < k; i++) {
      char c = z[i];
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
        return bad_param(r, "by", "variable names use small letters, digits and _", zBy);
    }
    azBy[n++] = arena_strndup(r->arena, z, k);
    z += k;
    if (*z == ',') z++;
  }
  return n;
}

int api_indicators(Request *r) {
  Err e = ERR_INIT;
  const Catalogue *c = indicator_catalogue_default(&e);
  if (!c) return req_fail_with(r, &e);
  return send_or_fail(r, indicator_list_json(c, r->zLang), &e);
}

/* GET /api/v1/indicators/{id}: the definition; with ?survey= the indicator computed
** from that survey (published aggregates only: microdata never leave), as JSON or
** ?format=sdmx-csv|sdmx-csv2|sdmx-ml|sdmx-json. Breakdowns other than the
** indicator's own (?by=) are ad hoc estimates: the policy decides who may ask. */
int api_indicator(Request *r) {
  Err e = ERR_INIT;
  const char *zId = r->nParam > 0 ? r->azParam[0] : "";
  const char *zSurvey = req_query(r, "survey");
  const char *zBy = req_query(r, "by");
  const char *zFormat = req_query(r, "format");
  const char *azBy[BY_MAX];
  int nBy = 0;
  SdmxFormat fmt = SDMX_CSV1;
  bool bSdmx = false;
  IndicatorResult *pRes = NULL;
  const Catalogue *c;
  const IndicatorDef *d;
  if (!sdmx_id_ok(zId)) return bad_param(r, "id", "an indicator id has letters, digits and _", zId);
  if (zFormat && strcmp(zFormat, "json") != 0) {
    if (sdmx_format_parse(zFormat, &fmt))
      return bad_param(r, "format", "format is json, sdmx-csv, sdmx-csv2, sdmx-ml or sdmx-json", zFormat);
    bSdmx = true;
  }
  if (!(c = indicator_catalogue_default(&e))) return req_fail_with(r, &e);
  if (!(d = indicator_find(c, zId))) {
    req_fail(r, ERR_NOT_FOUND, "no indicator %s", zId);
    err_hint(&r->err, "GET /api/v1/indicators lists them");
    return -1;
  }
  if (!zSurvey) {
    if (bSdmx || zBy) return bad_param(r, "survey", "survey is required to compute an indicator", NULL);
    return send_or_fail(r, indicator_def_json(d, r->zLang), &e);
  }
  if (!survey_name_ok(zSurvey)) return bad_param(r, "survey", "a survey name has 1 to 64 letters, digits, _ . or -", zSurvey);
  if (zBy) {
    if ((nBy = parse_by(r, zBy, azBy)) < 0) return -1;
    if (policy_check("survey.estimate", &r->who, &r->err)) {
      err_hint(&r->err, "the public sees the indicator's own breakdowns; leave out by=");
      return -1;
    }
  }
  if (indicator_compute(r->store, c, zId, zSurvey, zBy ? azBy : NULL, nBy, NULL, &pRes, &e)) return req_fail_with(r, &e);
  if (!bSdmx) {
    json_t *j = indicator_result_json(pRes, r->zLang);
    indicator_result_free(pRes);
    return send_or_fail(r, j, &e);
  }
  Buf b;
  buf_init(&b, SDMX_OUT_MAX);
  int rc = sdmx_write(r->store, pRes->pData, fmt, r->zLang, &b, &e);
  indicator_result_free(pRes);
  if (rc == 0) resp_bytes(r, 200, sdmx_content_type(fmt), buf_cstr(&b), b.n);
  buf_free(&b);
  return rc ? req_fail_with(r, &e) : 0;
}

/* GET /api/v1/aggregates: published aggregates (computed, imported, public series). */
int api_aggregates(Request *r) {
  Err e = ERR_INIT;
  AggQuery q;
  long long v;
  memset(&q, 0, sizeof q);
  static const char *const azField[] = {"area", "counterpart", "indicator", "dataflow", "sex"};
  const char **apDest[] = {&q.zArea, &q.zCounterpart, &q.zIndicator, &q.zDataflow, &q.zSex};
  for (size_t i = 0; i < COUNT(azField); i++) {
    const char *z = req_query(r, azField[i]);
    if (z && !sdmx_id_ok(z)) return bad_param(r, azField[i], "codes use letters, digits, _ and -", z);
    *apDest[i] = z;
  }
  if (req_query_int(r, "limit", 1, 10000, 100, &v)) return -1;
  q.nLimit = (long)v;
  if (req_query_int(r, "offset", 0, 100000000, 0, &v)) return -1;
  q.nOffset = (long)v;
  if (req_query_int(r, "latest", 0, 1, 0, &v)) return -1;
  q.bLatest = v == 1;
  if (req_query_int(r, "both_ways", 0, 1, 0, &v)) return -1;
  q.bBothWays = v == 1;
  q.zLang = r->zLang;
  return send_or_fail(r, aggregate_query(r->store, &q, &e), &e);
}

/* GET /sdmx/data/{flow} and /sdmx/data/{flow}/{key}: SDMX REST data queries over
** published aggregates; the format comes from ?format= or the Accept header. */
int api_sdmx_data(Request *r) {
  Err e = ERR_INIT;
  const char *zFlow = r->nParam > 0 ? r->azParam[0] : "";
  const char *zKey = r->nParam > 1 ? r->azParam[1] : NULL;
  const char *zFormat = req_query(r, "format");
  const char *zType = NULL;
  Buf b;
  int rc;
  if (!zFormat) zFormat = req_header(r, "Accept");
  buf_init(&b, SDMX_OUT_MAX);
  rc = sdmx_rest_data(r->store, zFlow, zKey, zFormat, &b, &zType, &e);
  if (rc == 0) resp_bytes(r, 200, zType, buf_cstr(&b), b.n);
  buf_free(&b);
  return rc ? req_fail_with(r, &e) : 0;
}
