/*
** test_routes.c: the route table against the policy table and the OpenAPI
** document, route matching, and the request parsers of http.c that need no
** network (form bodies, JSON bodies, problem documents).
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "embedded.h"
#include "http.h"

/* ---- the table ---- */

static void test_sorted_and_well_formed(void **state) {
  int n;
  const Route *a = routes_table(&n);
  (void)state;
  assert_true(n >= 19);
  for (int i = 0; i < n; i++) {
    const Route *p = &a[i];
    assert_non_null(p->xHandler);
    assert_non_null(p->zSummary);
    assert_true(p->zPattern[0] == '/');
    assert_true(str_eq(p->zMethod, "GET") || str_eq(p->zMethod, "POST"));
    /* exactly one of API and PAGE, matching the path */
    assert_true(((p->flags & ROUTE_API) != 0) != ((p->flags & ROUTE_PAGE) != 0));
    /* machine routes: the JSON API, and SDMX REST at the path SDMX clients expect */
    assert_int_equal((p->flags & ROUTE_API) != 0,
                     str_startswith(p->zPattern, "/api/v1/") || str_startswith(p->zPattern, "/sdmx/"));
    /* POST changes state and is CSRF-checked; GET never is */
    assert_int_equal(str_eq(p->zMethod, "POST"), (p->flags & ROUTE_WRITE) != 0);
    if (p->flags & ROUTE_PUBLIC_POST) assert_true(p->flags & ROUTE_WRITE);
    if (i > 0) {
      int c = strcmp(a[i - 1].zPattern, p->zPattern);
      if (c > 0 || (c == 0 && strcmp(a[i - 1].zMethod, p->zMethod) >= 0))
        fail_msg("routes not sorted at %s %s", p->zMethod, p->zPattern);
    }
  }
}

/* Every route names an action that exists in policy.c. */
static void test_every_route_has_a_policy(void **state) {
  int n;
  const Route *a = routes_table(&n);
  (void)state;
  for (int i = 0; i < n; i++) {
    if (!policy_find(a[i].zAction))
      fail_msg("%s %s: action \"%s\" has no rule in policy.c", a[i].zMethod, a[i].zPattern,
               a[i].zAction ? a[i].zAction : "(null)");
  }
}

/* The routes the issue asks for are all there, with the expected flags. */
static void test_required_routes(void **state) {
  static const struct {
    const char *zMethod, *zPath;
    unsigned flags;
  } aWant[] = {
    {"GET", "/", ROUTE_PAGE},
    {"GET", "/isco", ROUTE_PAGE},
    {"GET", "/isco/2221", ROUTE_PAGE},
    {"GET", "/esco/occupation/1", ROUTE_PAGE},
    {"GET", "/login", ROUTE_PAGE},
    {"POST", "/login", ROUTE_PAGE | ROUTE_WRITE | ROUTE_PUBLIC_POST},
    {"POST", "/logout", ROUTE_PAGE | ROUTE_WRITE},
    {"GET", "/account", ROUTE_PAGE},
    {"GET", "/static/style.css", ROUTE_PAGE},
    {"GET", "/api/v1/health", ROUTE_API},
    {"GET", "/api/v1/openapi.json", ROUTE_API},
    {"GET", "/api/v1/isco", ROUTE_API},
    {"GET", "/api/v1/isco/2221", ROUTE_API},
    {"GET", "/api/v1/esco/occupations", ROUTE_API},
    {"GET", "/api/v1/esco/occupations/5", ROUTE_API},
    {"GET", "/api/v1/countries", ROUTE_API},
    {"POST", "/api/v1/login", ROUTE_API | ROUTE_WRITE | ROUTE_PUBLIC_POST | ROUTE_JSON_BODY},
    {"POST", "/api/v1/logout", ROUTE_API | ROUTE_WRITE},
    {"GET", "/api/v1/me", ROUTE_API},
  };
  (void)state;
  for (size_t i = 0; i < sizeof(aWant) / sizeof(aWant[0]); i++) {
    const char *az[4];
    int nParam = -1;
    bool bKnown = false;
    const Route *p = routes_match(aWant[i].zMethod, aWant[i].zPath, az, &nParam, &bKnown);
    if (!p) fail_msg("no route for %s %s", aWant[i].zMethod, aWant[i].zPath);
    assert_int_equal(p->flags, aWant[i].flags);
    assert_true(bKnown);
  }
}

/* "/api/v1/isco/{code}" -> "/api/v1/isco/{code}" as OpenAPI writes it (same syntax);
** returns the path item of the document for that pattern, or NULL. */
static json_t *openapi_doc(void) {
  const EmbeddedFile *f = embedded_find("openapi.json");
  json_error_t jerr;
  json_t *j;
  if (!f) return NULL;
  j = json_loadb((const char *)f->pData, f->nData, 0, &jerr);
  if (!j) fprintf(stderr, "openapi.json: line %d: %s\n", jerr.line, jerr.text);
  return j;
}

static void test_api_routes_in_openapi(void **state) {
  int n;
  const Route *a = routes_table(&n);
  json_t *pDoc = openapi_doc(), *pPaths;
  (void)state;
  assert_non_null(pDoc);
  assert_string_equal(json_string_value(json_object_get(pDoc, "openapi")), "3.1.0");
  pPaths = json_object_get(pDoc, "paths");
  assert_true(json_is_object(pPaths));
  for (int i = 0; i < n; i++) {
    char zMethod[8];
    json_t *pItem, *pOp;
    if (!str_startswith(a[i].zPattern, "/api/")) continue;
    for (int k = 0; k < 7 && a[i].zMethod[k]; k++) zMethod[k] = (char)(a[i].zMethod[k] | 0x20), zMethod[k + 1] = 0;
    pItem = json_object_get(pPaths, a[i].zPattern);
    if (!pItem) fail_msg("%s is missing from www/openapi.json", a[i].zPattern);
    pOp = json_object_get(pItem, zMethod);
    if (!pOp) fail_msg("%s %s is missing from www/openapi.json", a[i].zMethod, a[i].zPattern);
    assert_non_null(json_object_get(pOp, "responses"));
    /* every {param} of the pattern is described */
    for (const char *z = strchr(a[i].zPattern, '{'); z; z = strchr(z + 1, '{')) {
      size_t nName = strcspn(z + 1, "}");
      json_t *pParams = json_object_get(pOp, "parameters");
      size_t k;
      json_t *pP;
      bool bFound = false;
      json_array_foreach(pParams, k, pP) {
        const char *zIn = json_string_value(json_object_get(pP, "in"));
        const char *zName = json_string_value(json_object_get(pP, "name"));
        if (str_eq(zIn, "path") && zName && strlen(zName) == nName && strncmp(zName, z + 1, nName) == 0)
          bFound = true;
      }
      if (!bFound) fail_msg("%s: path parameter %.*s undocumented", a[i].zPattern, (int)nName, z + 1);
    }
  }
  /* and the document describes no route that does not exist */
  {
    const char *zPath;
    json_t *pItem;
    json_object_foreach(pPaths, zPath, pItem) {
      const char *zMethod;
      json_t *pOp;
      json_object_foreach(pItem, zMethod, pOp) {
        bool bFound = false;
        for (int i = 0; i < n; i++) {
          if (strcmp(a[i].zPattern, zPath) == 0 && strcasecmp(a[i].zMethod, zMethod) == 0) bFound = true;
        }
        if (!bFound && strcmp(zMethod, "parameters") != 0)
          fail_msg("www/openapi.json has %s %s, which is not a route", zMethod, zPath);
      }
    }
  }
  json_decref(pDoc);
}

/* ---- matching ---- */

static void test_match(void **state) {
  const char *az[4];
  int nParam = -1;
  bool bKnown = false;
  const Route *p;
  (void)state;
  p = routes_match("GET", "/api/v1/isco/2221", az, &nParam, &bKnown);
  assert_non_null(p);
  assert_string_equal(p->zPattern, "/api/v1/isco/{code}");
  assert_int_equal(nParam, 1);
  assert_int_equal(strcspn(az[0], "/"), 4);
  assert_int_equal(strncmp(az[0], "2221", 4), 0);

  p = routes_match("HEAD", "/api/v1/isco", az, &nParam, &bKnown);
  assert_non_null(p);
  assert_int_equal(nParam, 0);

  p = routes_match("POST", "/api/v1/isco/2221", az, &nParam, &bKnown);
  assert_null(p);
  assert_true(bKnown); /* 405, not 404 */

  p = routes_match("GET", "/api/v1/nothing", az, &nParam, &bKnown);
  assert_null(p);
  assert_false(bKnown);

  /* a {param} is one non-empty segment */
  assert_null(routes_match("GET", "/api/v1/isco/", az, &nParam, &bKnown));
  assert_null(routes_match("GET", "/api/v1/isco/22/21", az, &nParam, &bKnown));
  assert_null(routes_match("GET", "/isco/", az, &nParam, &bKnown));
  assert_null(routes_match("GET", "", az, &nParam, &bKnown));
  assert_null(routes_match("GET", "//", az, &nParam, &bKnown));
  assert_null(routes_match("DELETE", "/", az, &nParam, &bKnown));
  assert_true(bKnown);
  assert_null(routes_match(NULL, "/", az, &nParam, &bKnown));

  p = routes_match("GET", "/esco/occupation/42", az, &nParam, &bKnown);
  assert_non_null(p);
  assert_string_equal(az[0], "42");
}

static void test_allowed(void **state) {
  char z[64];
  (void)state;
  routes_allowed("/login", z, sizeof z);
  assert_string_equal(z, "GET, HEAD, POST");
  routes_allowed("/logout", z, sizeof z);
  assert_string_equal(z, "POST");
  routes_allowed("/api/v1/isco/1", z, sizeof z);
  assert_string_equal(z, "GET, HEAD");
  routes_allowed("/nowhere", z, sizeof z);
  assert_string_equal(z, "");
  routes_allowed("/login", z, 5);
  assert_true(strlen(z) < 5);
}

/* ---- form bodies ---- */

static void test_form_parse(void **state) {
  Arena *a = arena_new();
  FormField *f = NULL;
  (void)state;
  const char *zBody = "a=1&b=two+words&c=%C3%A9t%c3%A9&d&&e=";
  assert_int_equal(form_parse(a, zBody, strlen(zBody), &f), 5);
  assert_string_equal(f[0].zName, "a");
  assert_string_equal(f[0].zValue, "1");
  assert_string_equal(f[1].zValue, "two words");
  assert_string_equal(f[2].zValue, "\xc3\xa9t\xc3\xa9");
  assert_string_equal(f[3].zName, "d");
  assert_string_equal(f[3].zValue, "");
  assert_string_equal(f[4].zName, "e");
  assert_string_equal(f[4].zValue, "");
  assert_int_equal(form_parse(a, "", 0, &f), 0);
  assert_int_equal(form_parse(a, NULL, 0, &f), 0);
  assert_int_equal(form_parse(a, "&&&", 3, &f), 0);
  assert_int_equal(form_parse(a, "x=%3d%26", 8, &f), 1);
  assert_string_equal(f[0].zValue, "=&");
  /* length is respected: no reading past n */
  assert_int_equal(form_parse(a, "k=v&zzz", 3, &f), 1);
  assert_string_equal(f[0].zValue, "v");
  /* malformed */
  assert_int_equal(form_parse(a, "a=%", 3, &f), -1);
  assert_int_equal(form_parse(a, "a=%4", 4, &f), -1);
  assert_int_equal(form_parse(a, "a=%zz", 5, &f), -1);
  assert_int_equal(form_parse(a, "a=%00", 5, &f), -1);
  assert_int_equal(form_parse(a, "a=%ff", 5, &f), -1);
  assert_int_equal(form_parse(a, "a=%C3", 5, &f), -1);
  assert_int_equal(form_parse(a, "%zz=1", 5, &f), -1);
  assert_int_equal(form_parse(a, "a=\x01", 3, &f), -1);
  {
    Buf b;
    buf_init(&b, BUF_UNBOUNDED);
    for (int i = 0; i < 256; i++) buf_printf(&b, "f%d=%d&", i, i);
    assert_int_equal(form_parse(a, b.z, b.n, &f), 256);
    buf_puts(&b, "one=more");
    assert_int_equal(form_parse(a, b.z, b.n, &f), -1);
    buf_free(&b);
  }
  arena_free(a);
}

/* ---- a request made by hand ---- */

static void req_init(Request *r, const char *zBody) {
  memset(r, 0, sizeof *r);
  r->arena = arena_new();
  r->zLang = "en";
  buf_init(&r->out, 1 << 20);
  r->zBody = zBody;
  r->nBody = zBody ? strlen(zBody) : 0;
}

static void req_done(Request *r) {
  req_release(r);
  arena_free(r->arena);
}

static void test_req_json(void **state) {
  Request r;
  json_t *j;
  (void)state;
  req_init(&r, "{\"username\": \"x\", \"n\": [1, 2]}");
  j = req_json(&r);
  assert_non_null(j);
  assert_string_equal(json_string_value(json_object_get(j, "username")), "x");
  assert_ptr_equal(req_json(&r), j); /* parsed once, owned by the request */
  req_done(&r);

  req_init(&r, "{\"a\": 1,, }");
  assert_null(req_json(&r));
  assert_int_equal(r.err.code, ERR_INVALID);
  assert_non_null(strstr(r.err.zDetail, "column"));
  req_done(&r);

  req_init(&r, "[1]");
  assert_null(req_json(&r));
  assert_int_equal(r.err.code, ERR_INVALID);
  req_done(&r);

  req_init(&r, "{\"a\":1,\"a\":2}");
  assert_null(req_json(&r));
  req_done(&r);

  req_init(&r, "");
  assert_null(req_json(&r));
  req_done(&r);

  {
    Buf b;
    buf_init(&b, BUF_UNBOUNDED);
    buf_puts(&b, "{\"a\":");
    for (int i = 0; i < 100; i++) buf_puts(&b, "[");
    for (int i = 0; i < 100; i++) buf_puts(&b, "]");
    buf_puts(&b, "}");
    req_init(&r, buf_cstr(&b));
    assert_null(req_json(&r));
    assert_non_null(strstr(r.err.zMsg, "deeply"));
    req_done(&r);
    buf_free(&b);
  }
  /* brackets inside strings do not count */
  req_init(&r, "{\"a\":\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\\"[[[[[\"}");
  assert_non_null(req_json(&r));
  req_done(&r);
}

static void test_req_form_and_query(void **state) {
  Request r;
  long long v = 0;
  (void)state;
  req_init(&r, "username=ana&password=p%40ss+word");
  assert_string_equal(req_form(&r, "username"), "ana");
  assert_string_equal(req_form(&r, "password"), "p@ss word");
  assert_null(req_form(&r, "csrf"));
  r.zQuery = "level=3&limit=abc&q=caf%C3%A9&bad=%zz";
  /* one bad escape spoils the whole query string */
  assert_null(req_query(&r, "level"));
  req_done(&r);

  req_init(&r, NULL);
  r.zQuery = "level=3&limit=abc&zero=0";
  assert_string_equal(req_query(&r, "level"), "3");
  assert_int_equal(req_query_int(&r, "level", 1, 4, 1, &v), 0);
  assert_int_equal(v, 3);
  assert_int_equal(req_query_int(&r, "absent", 1, 4, 2, &v), 0);
  assert_int_equal(v, 2);
  assert_int_equal(req_query_int(&r, "limit", 1, 100, 20, &v), -1);
  assert_int_equal(r.err.code, ERR_INVALID);
  assert_string_equal(r.err.zWhere, "limit");
  err_clear(&r.err);
  assert_int_equal(req_query_int(&r, "zero", 1, 100, 20, &v), -1);
  assert_string_equal(r.err.zWhere, "zero");
  req_done(&r);
}

static void test_problem_json(void **state) {
  Err e = ERR_INIT;
  json_t *j;
  (void)state;
  err_set(&e, ERR_INVALID, "parameter level must be a whole number from 1 to 4");
  err_detail(&e, "got \"abc\"");
  err_where(&e, "level");
  err_hint(&e, "try level=1");
  j = problem_json(&e, 400, "/api/v1/isco");
  assert_string_equal(json_string_value(json_object_get(j, "type")), "/problems/invalid");
  assert_string_equal(json_string_value(json_object_get(j, "title")), "Invalid input");
  assert_int_equal(json_integer_value(json_object_get(j, "status")), 400);
  assert_non_null(strstr(json_string_value(json_object_get(j, "detail")), "abc"));
  assert_string_equal(json_string_value(json_object_get(j, "instance")), "/api/v1/isco");
  assert_string_equal(json_string_value(json_object_get(j, "parameter")), "level");
  assert_null(json_object_get(j, "pointer"));
  assert_string_equal(json_string_value(json_object_get(j, "hint")), "try level=1");
  json_decref(j);

  err_set(&e, ERR_INVALID, "username must be a string");
  err_where(&e, "/username");
  j = problem_json(&e, 400, "/api/v1/login");
  assert_string_equal(json_string_value(json_object_get(j, "pointer")), "/username");
  assert_null(json_object_get(j, "parameter"));
  json_decref(j);

  /* server-side details stay out of the response */
  err_set(&e, ERR_DB, "database query failed");
  err_detail(&e, "secret internals");
  j = problem_json(&e, 500, "/x");
  assert_null(strstr(json_string_value(json_object_get(j, "detail")), "secret"));
  json_decref(j);

  /* invalid UTF-8 in a message still gives valid JSON */
  err_set(&e, ERR_NOT_FOUND, "no \xff code");
  j = problem_json(&e, 404, "/x");
  assert_non_null(json_string_value(json_object_get(j, "detail")));
  json_decref(j);
  err_clear(&e);
}

static void test_responses(void **state) {
  Request r;
  (void)state;
  req_init(&r, NULL);
  resp_redirect(&r, "//evil.example/");
  assert_int_equal(r.status, 303);
  req_done(&r);
  req_init(&r, NULL);
  resp_json(&r, 201, json_pack("{s:i}", "a", 1));
  assert_int_equal(r.status, 201);
  assert_string_equal(r.zContentType, "application/json");
  assert_non_null(strstr(r.out.z, "\"a\": 1"));
  /* header injection is refused */
  resp_header(&r, "X-Test", "a\r\nSet-Cookie: evil=1");
  assert_null(r.pHeaders);
  resp_cookie(&r, "lmis_lang", "fr; Domain=evil.example", 60);
  resp_cookie(&r, "a b", "x", 60);
  assert_null(r.pHeaders);
  resp_cookie(&r, "lmis_session", "abc", 60);
  assert_non_null(r.pHeaders);
  req_done(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_sorted_and_well_formed),
    cmocka_unit_test(test_every_route_has_a_policy),
    cmocka_unit_test(test_required_routes),
    cmocka_unit_test(test_api_routes_in_openapi),
    cmocka_unit_test(test_match),
    cmocka_unit_test(test_allowed),
    cmocka_unit_test(test_form_parse),
    cmocka_unit_test(test_req_json),
    cmocka_unit_test(test_req_form_and_query),
    cmocka_unit_test(test_problem_json),
    cmocka_unit_test(test_responses),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
