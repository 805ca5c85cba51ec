/*
** web_agreement.c: the agreements repository on the web: JSON API handlers that
** send what agreement.c returns, and server-rendered pages over the same objects
** (search with facets, an agreement with its assessment beside its text, the
** corridor view, the world table of ratifications, good practices: a filtered list
** and one practice with the agreements for its countries).
**
** Snippets come from agreement.c with private markers (\x01, \x02) around matches;
** the text is escaped first and only then are the markers turned into <mark>, so
** no stored text ever reaches the page as markup.
*/
#include "web_agreement.h"
#include "agreement.h"
#include "html.h"
#include "i18n.h"
#include "policy.h"

#include <stdlib.h>
#include <string.h>

#define MARK_OPEN "\x01"
#define MARK_CLOSE "\x02"

static const char *param(Request *r, int i) {
  const char *z = r->nParam > i ? r->azParam[i] : "";
  return arena_strndup(r->arena, z, strcspn(z, "/"));
}

static int send_or_fail(Request *r, json_t *j, Err *e) {
  if (!j) return req_fail_with(r, e);
  resp_json(r, 200, j);
  return 0;
}

static const char *js(const json_t *j, const char *zKey) {
  const char *z = json_string_value(json_object_get(j, zKey));
  return z ? z : "";
}

/* Blank query parameters count as absent (forms send every field). */
static const char *qparam(Request *r, const char *zName) {
  const char *z = req_query(r, zName);
  return z && z[strspn(z, " \t")] ? z : NULL;
}

static int fill_query(Request *r, AgreementQuery *q) {
  long long n, year, off;
  memset(q, 0, sizeof *q);
  if (req_query_int(r, "limit", 1, 100, 20, &n) || req_query_int(r, "year", 1900, 2200, 0, &year) ||
      req_query_int(r, "offset", 0, 100000, 0, &off))
    return -1;
  q->zText = qparam(r, "q");
  q->zCountry = qparam(r, "country");
  q->zType = qparam(r, "type");
  q->zStatus = qparam(r, "status");
  q->zMet = qparam(r, "met");
  q->year = (int)year;
  q->nLimit = (int)n;
  q->nOffset = (int)off;
  return 0;
}

/* ---- API ---- */

int api_agreements(Request *r) {
  AgreementQuery q;
  Err e = ERR_INIT;
  if (fill_query(r, &q)) return -1;
  return send_or_fail(r, agreement_search(r->store, &q, &e), &e);
}

int api_agreement_import(Request *r) {
  Err e = ERR_INIT;
  RepoImport rep;
  json_t *j = req_json(r);
  if (!j) return -1;
  memset(&rep, 0, sizeof rep);
  if (repo_import_json(r->store, j, "request body", r->who.zUsername, &rep, &e)) return req_fail_with(r, &e);
  resp_json(r, 200, json_pack("{s:i, s:i, s:i, s:i, s:i}", "agreements", rep.nAgreement, "assessments",
                              rep.nAssessment, "practices", rep.nPractice, "ratifications", rep.nRatification,
                              "coverage", rep.nCoverage));
  return 0;
}

int api_agreement_indicators(Request *r) {
  Err e = ERR_INIT;
  long long yFrom, yTo;
  if (req_query_int(r, "from", 1900, 2200, 0, &yFrom) || req_query_int(r, "to", 1900, 2200, 0, &yTo)) return -1;
  return send_or_fail(r, agreement_indicators(r->store, qparam(r, "country"), (int)yFrom, (int)yTo, &e), &e);
}

int api_agreement(Request *r) {
  Err e = ERR_INIT;
  return send_or_fail(r, agreement_get(r->store, param(r, 0), &e), &e);
}

int api_agreement_r86(Request *r) {
  Err e = ERR_INIT;
  return send_or_fail(r, agreement_compare(r->store, param(r, 0), NULL, NULL, &e), &e);
}

static const char *jbody_str(Request *r, json_t *j, const char *zKey) {
  json_t *v = json_object_get(j, zKey);
  if (v && !json_is_string(v) && !json_is_null(v)) {
    req_fail(r, ERR_INVALID, "%s must be a string", zKey);
    err_where(&r->err, "/%s", zKey);
    return (const char *)-1;
  }
  return json_is_string(v) ? json_string_value(v) : NULL;
}

#define BAD ((const char *)-1)

int api_agreement_assess(Request *r) {
  Err e = ERR_INIT;
  json_t *j = req_json(r);
  const char *zCrit, *zRating, *zClause, *zArticle;
  if (!j) return -1;
  if ((zCrit = jbody_str(r, j, "criterion")) == BAD || (zRating = jbody_str(r, j, "rating")) == BAD ||
      (zClause = jbody_str(r, j, "clause")) == BAD || (zArticle = jbody_str(r, j, "article")) == BAD)
    return -1;
  if (agreement_assess(r->store, param(r, 0), zCrit, zRating, zClause, zArticle, r->who.zUsername, NULL, &e)) {
    if (e.zWhere && e.zWhere[0] != '/') {
      char *z = xasprintf("/%s", e.zWhere);
      free(e.zWhere);
      e.zWhere = z;
    }
    return req_fail_with(r, &e);
  }
  return send_or_fail(r, agreement_get(r->store, param(r, 0), &e), &e);
}

int api_agreement_comment(Request *r) {
  Err e = ERR_INIT;
  json_t *j = req_json(r);
  const char *zBody, *zCrit;
  if (!j) return -1;
  if ((zBody = jbody_str(r, j, "body")) == BAD || (zCrit = jbody_str(r, j, "criterion")) == BAD) return -1;
  int64_t id = agreement_comment(r->store, param(r, 0), zCrit, r->who.zUsername, role_name(r->who.role), zBody, &e);
  if (id < 0) {
    if (e.zWhere && e.zWhere[0] != '/') {
      char *z = xasprintf("/%s", e.zWhere);
      free(e.zWhere);
      e.zWhere = z;
    }
    return req_fail_with(r, &e);
  }
  resp_json(r, 201, json_pack("{s:I, s:s}", "id", (json_int_t)id, "agreement", param(r, 0)));
  return 0;
}


int api_practice(Request *r) {
  Err e = ERR_INIT;
  return send_or_fail(r, practice_get(r->store, param(r, 0), &e), &e);
}

int api_ratifications(Request *r) {
  Err e = ERR_INIT;
  return send_or_fail(r, ratification_list(r->store, qparam(r, "country"), qparam(r, "instrument"), r->zLang, &e), &e);
}

int api_corridor(Request *r) {
  Err e = ERR_INIT;
  return send_or_fail(r, corridor_view(r->store, param(r, 0), param(r, 1), r->zLang, &e), &e);
}

/* ---- pages ---- */

/* Escaped snippet with matches in <mark>. */
static void put_snippet(Buf *b, const char *z) {
  bool bOpen = false;
  while (*z) {
    size_t n = strcspn(z, MARK_OPEN MARK_CLOSE);
    char *zPart = xstrndup(z, n);
    html_escape(b, zPart);
    free(zPart);
    z += n;
    if (*z == MARK_OPEN[0] && !bOpen) { html_raw_UNSAFE(b, "<mark>"); bOpen = true; }
    else if (*z == MARK_CLOSE[0] && bOpen) { html_raw_UNSAFE(b, "</mark>"); bOpen = false; }
    if (*z) z++;
  }
  if (bOpen) html_raw_UNSAFE(b, "</mark>");
}

/* A code and its label (translatable), in tables looked up by code_label. */
typedef struct CodeLabel {
  const char *zCode, *zLabel;
} CodeLabel;

/* The label of zCode in a[0..n) in the reader's language; the code itself when not there. */
static const char *code_label(Request *r, const CodeLabel *a, size_t n, const char *zCode) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(a[i].zCode, zCode) == 0) return req_t(r, a[i].zLabel);
  return zCode;
}

static const CodeLabel aLabel[] = {
  {"bilateral_labour_agreement", N_("Bilateral labour agreement")},
  {"memorandum_of_understanding", N_("Memorandum of understanding")},
  {"social_security_agreement", N_("Social security agreement")},
  {"regional_framework", N_("Regional framework")},
  {"framework_agreement", N_("Framework agreement")},
  {"draft", N_("draft")},
  {"signed", N_("signed")},
  {"in force", N_("in force")},
  {"expired", N_("expired")},
  {"terminated", N_("terminated")},
  {"unknown", N_("unknown")},
  {"met", N_("met")},
  {"partly", N_("partly")},
  {"not met", N_("not met")},
  {"governance", N_("Governance")},
  {"protection", N_("Protection")},
  {"development", N_("Development")},
  {"overall", N_("Overall")},
  {"ilo_un_instruments", N_("Grounded in ILO and UN instruments")},
  {"text_public", N_("Text made public")},
  {"joint_committee", N_("Joint committee meeting regularly")},
  {"monitoring_evaluation", N_("Monitoring and evaluation")},
  {"social_partners", N_("Social partners involved")},
  {"recruitment_fees", N_("Regulation of recruitment and fees")},
  {"equal_treatment", N_("Equal treatment with nationals")},
  {"employment_contract", N_("Standard employment contract")},
  {"wage_protection", N_("Wage protection")},
  {"social_security", N_("Social security")},
  {"complaints", N_("Complaint and dispute mechanism")},
  {"freedom_of_association", N_("Freedom of association")},
  {"women_domestic_workers", N_("Provisions for women and domestic workers")},
  {"documents_kept", N_("Workers keep their documents")},
  {"skills_recognition", N_("Skills recognition")},
  {"remittances", N_("Remittances")},
  {"return_reintegration", N_("Return and reintegration")},
};

static const char *label(Request *r, const char *zCode) { return code_label(r, aLabel, COUNT(aLabel), zCode); }

static void put_parties(Buf *b, json_t *a) {
  size_t i;
  json_t *v;
  json_array_foreach(a, i, v) html_printf(b, "%s%s", i ? ", " : "", js(v, "name"));
}

/* A facet value as a link that keeps the other filters. */
static void facet_link(Request *r, Buf *b, const char *zFacet, const char *zValue, long long n, const char *zLabel) {
  static const char *const azKeep[] = {"q", "country", "type", "status", "year", "met"};
  bool bFirst = true;
  html_raw_UNSAFE(b, "<li><a href=\"/agreements?");
  for (size_t i = 0; i < COUNT(azKeep); i++) {
    const char *zV = strcmp(azKeep[i], zFacet) == 0 ? zValue : qparam(r, azKeep[i]);
    if (!zV) continue;
    if (!bFirst) html_raw_UNSAFE(b, "&amp;");
    html_printf(b, "%s=", azKeep[i]);
    html_urlencode(b, zV);
    bFirst = false;
  }
  html_printf(b, "\">%s</a> <span class=\"count\">%lld</span></li>\n", zLabel, n);
}

static void put_select(Request *r, Buf *b, const char *zName, const char *zTitle, const char *const *az) {
  const char *zCur = qparam(r, zName);
  html_printf(b, "<label>%s <select name=\"%s\">\n<option value=\"\">%s</option>\n", zTitle, zName, req_t(r, "any"));
  for (; *az; az++) {
    html_printf(b, "<option value=\"%s\"", *az);
    if (zCur && strcmp(zCur, *az) == 0) html_raw_UNSAFE(b, " selected");
    html_printf(b, ">%s</option>\n", label(r, *az));
  }
  html_raw_UNSAFE(b, "</select></label>\n");
}

int page_agreements(Request *r) {
  static const char *const azTypes[] = {"bilateral_labour_agreement", "memorandum_of_understanding",
                                        "social_security_agreement", "regional_framework", "framework_agreement", NULL};
  static const char *const azStat[] = {"in force", "signed", "draft", "expired", "terminated", "unknown", NULL};
  AgreementQuery q;
  Err e = ERR_INIT;
  Buf *b = &r->out;
  json_t *j, *v, *f;
  size_t i;
  if (fill_query(r, &q)) return -1;
  q.zOpen = MARK_OPEN;
  q.zClose = MARK_CLOSE;
  if (!(j = agreement_search(r->store, &q, &e))) return req_fail_with(r, &e);
  page_begin(r, req_t(r, "Agreements"));
  html_printf(b, "<h1>%s</h1>\n<p>%s</p>\n", req_t(r, "Labour migration agreements"),
              req_t(r, "Bilateral and regional agreements, assessed clause by clause against good-practice criteria, "
                       "with good practices and ratifications. Every record cites its source."));
  html_printf(b, "<form class=\"search\" action=\"/agreements\" method=\"get\" role=\"search\">\n"
                 "<label for=\"q\">%s</label>\n<input id=\"q\" name=\"q\" type=\"search\" value=\"%s\">\n",
              req_t(r, "Search agreements and good practices"), q.zText ? q.zText : "");
  html_printf(b, "<label>%s <input name=\"country\" size=\"4\" maxlength=\"3\" value=\"%s\"></label>\n",
              req_t(r, "Country"), q.zCountry ? q.zCountry : "");
  put_select(r, b, "type", req_t(r, "Type"), azTypes);
  put_select(r, b, "status", req_t(r, "Status"), azStat);
  html_printf(b, "<button type=\"submit\">%s</button>\n</form>\n", req_t(r, "Search"));

  html_printf(b, "<p class=\"count\">%lld %s</p>\n", (long long)json_integer_value(json_object_get(j, "total")),
              req_t(r, "agreement(s)"));
  html_raw_UNSAFE(b, "<ol class=\"results agreements\">\n");
  json_array_foreach(json_object_get(j, "results"), i, v) {
    html_printf(b, "<li><a href=\"/agreements/%s\">%s</a>\n<p class=\"meta\">%s · %s", js(v, "id"), js(v, "title"),
                label(r, js(v, "type")), label(r, js(v, "status")));
    if (*js(v, "date_signed")) html_printf(b, " · %s", js(v, "date_signed"));
    html_raw_UNSAFE(b, " · ");
    put_parties(b, json_object_get(v, "parties"));
    html_raw_UNSAFE(b, "</p>\n<p class=\"snippet\">");
    put_snippet(b, js(v, "snippet"));
    html_raw_UNSAFE(b, "</p></li>\n");
  }
  html_raw_UNSAFE(b, "</ol>\n");
  if ((f = json_object_get(j, "practices")) && json_array_size(f)) {
    html_printf(b, "<h2>%s</h2>\n<ol class=\"results practices\">\n", req_t(r, "Good practices"));
    json_array_foreach(f, i, v) {
      html_printf(b, "<li><a href=\"/practices/%s\">%s</a> <span class=\"meta\">%s</span>\n<p class=\"snippet\">",
                  js(v, "id"), js(v, "title"), js(v, "theme"));
      put_snippet(b, js(v, "snippet"));
      html_raw_UNSAFE(b, "</p></li>\n");
    }
    html_raw_UNSAFE(b, "</ol>\n<p><a href=\"/practices?q=");
    html_urlencode(b, q.zText);
    html_printf(b, "\">%s</a></p>\n", req_t(r, "All good practices matching this search"));
  }
  /* facets */
  static const struct { const char *zKey, *zTitle; } aFacet[] = {
    {"type", N_("Type")}, {"status", N_("Status")}, {"year", N_("Year signed")}, {"country", N_("Country")},
    {"met", N_("Criterion met")}};
  html_printf(b, "<section class=\"facets\" aria-label=\"%s\">\n", req_t(r, "Refine"));
  for (size_t k = 0; k < COUNT(aFacet); k++) {
    json_t *o = json_object_get(json_object_get(j, "facets"), aFacet[k].zKey), *n;
    const char *zV;
    if (!json_object_size(o)) continue;
    html_printf(b, "<h2>%s</h2>\n<ul>\n", req_t(r, aFacet[k].zTitle));
    json_object_foreach(o, zV, n) facet_link(r, b, aFacet[k].zKey, zV, (long long)json_integer_value(n), label(r, zV));
    html_raw_UNSAFE(b, "</ul>\n");
  }
  html_raw_UNSAFE(b, "</section>\n");
  html_printf(b, "<h2>%s</h2>\n<form class=\"corridor\" action=\"/corridor\" method=\"get\">\n"
                 "<label>%s <input name=\"origin\" size=\"4\" maxlength=\"3\" required></label>\n"
                 "<label>%s <input name=\"dest\" size=\"4\" maxlength=\"3\" required></label>\n"
                 "<button type=\"submit\">%s</button>\n</form>\n",
              req_t(r, "Corridor view"), req_t(r, "Origin (ISO code)"), req_t(r, "Destination (ISO code)"),
              req_t(r, "Show"));
  html_printf(b, "<p><a href=\"/ratifications\">%s</a></p>\n", req_t(r, "Ratifications of the migrant worker Conventions"));
  html_printf(b, "<p><a href=\"/practices\">%s</a></p>\n", req_t(r, "Good practices in labour migration"));
  json_decref(j);
  page_end(r);
  return 0;
}

static void put_scores(Request *r, Buf *b, json_t *pScores) {
  static const char *const az[] = {"governance", "protection", "development", "overall"};
  html_printf(b, "<div class=\"table-wrap\"><table class=\"scores\">\n<tr><th>%s</th><th>%s</th><th>%s</th></tr>\n",
              req_t(r, "Group"), req_t(r, "Score"), req_t(r, "Criteria assessed"));
  for (size_t i = 0; i < COUNT(az); i++) {
    json_t *g = json_object_get(pScores, az[i]), *s = json_object_get(g, "score");
    html_printf(b, "<tr><td>%s</td><td>", label(r, az[i]));
    if (json_is_number(s)) html_printf(b, "%.0f", json_number_value(s));
    else html_raw_UNSAFE(b, "–");
    html_printf(b, "</td><td>%lld / %lld</td></tr>\n", (long long)json_integer_value(json_object_get(g, "assessed")),
                (long long)json_integer_value(json_object_get(g, "criteria")));
  }
  html_raw_UNSAFE(b, "</table></div>\n");
}

int page_agreement(Request *r) {
  Err e = ERR_INIT;
  Buf *b = &r->out;
  const char *zId = param(r, 0);
  json_t *j = agreement_get(r->store, zId, &e), *v, *cmp;
  size_t i;
  if (!j) return req_fail_with(r, &e);
  cmp = agreement_compare(r->store, zId, NULL, NULL, &e);
  err_clear(&e);
  page_begin(r, js(j, "title"));
  html_printf(b, "<nav class=\"breadcrumb\" aria-label=\"%s\">\n<ol>\n<li><a href=\"/agreements\">%s</a></li>\n"
                 "<li aria-current=\"page\">%s</li>\n</ol>\n</nav>\n",
              req_t(r, "Breadcrumb"), req_t(r, "Agreements"), js(j, "id"));
  html_printf(b, "<h1>%s</h1>\n", js(j, "title"));
  if (*js(j, "title_original")) html_printf(b, "<p lang=\"%s\"><em>%s</em></p>\n", js(j, "title_lang"), js(j, "title_original"));
  html_printf(b, "<dl class=\"titles\">\n<dt>%s</dt><dd>%s</dd>\n<dt>%s</dt><dd>%s</dd>\n<dt>%s</dt><dd>",
              req_t(r, "Type"), label(r, js(j, "type")), req_t(r, "Status"), label(r, js(j, "status")),
              req_t(r, "Parties"));
  put_parties(b, json_object_get(j, "parties"));
  if (*js(j, "regional_body")) html_printf(b, " (%s)", js(j, "regional_body"));
  html_raw_UNSAFE(b, "</dd>\n");
  static const struct { const char *zKey, *zTitle; } aDate[] = {
    {"date_signed", N_("Signed")}, {"place_signed", N_("Place")}, {"date_in_force", N_("In force")},
    {"date_expiry", N_("Expires")}, {"renewal", N_("Renewal")}};
  for (size_t k = 0; k < COUNT(aDate); k++)
    if (*js(j, aDate[k].zKey)) html_printf(b, "<dt>%s</dt><dd>%s</dd>\n", req_t(r, aDate[k].zTitle), js(j, aDate[k].zKey));
  html_printf(b, "<dt>%s</dt><dd>%s</dd>\n</dl>\n", req_t(r, "Source"), js(j, "source"));

  html_raw_UNSAFE(b, "<div class=\"side-by-side\">\n<section class=\"assessment\">\n");
  html_printf(b, "<h2>%s</h2>\n", req_t(r, "Assessment"));
  put_scores(r, b, json_object_get(j, "scores"));
  html_printf(b, "<div class=\"table-wrap\"><table class=\"criteria\">\n<tr><th>%s</th><th>%s</th><th>%s</th></tr>\n",
              req_t(r, "Criterion"), req_t(r, "Rating"), req_t(r, "Clause"));
  json_array_foreach(json_object_get(j, "assessment"), i, v) {
    html_printf(b, "<tr class=\"rating-%s\"><td>%s <span class=\"meta\">(%s)</span></td><td>%s</td><td>",
                strcmp(js(v, "rating"), "not met") == 0 ? "not-met" : js(v, "rating"), label(r, js(v, "criterion")),
                label(r, js(v, "group")), label(r, js(v, "rating")));
    if (*js(v, "clause")) html_printf(b, "<q>%s</q>", js(v, "clause"));
    if (*js(v, "article")) html_printf(b, " %s %s", req_t(r, "Art."), js(v, "article"));
    if (*js(v, "assessor")) html_printf(b, " <span class=\"meta\">%s, %s</span>", js(v, "assessor"), js(v, "assessed_on"));
    html_raw_UNSAFE(b, "</td></tr>\n");
  }
  html_raw_UNSAFE(b, "</table></div>\n</section>\n<section class=\"agreement-text\">\n");
  html_printf(b, "<h2>%s</h2>\n", req_t(r, "Text"));
  if (*js(j, "summary")) html_printf(b, "<p lang=\"%s\">%s</p>\n", js(j, "lang"), js(j, "summary"));
  if (*js(j, "text")) html_printf(b, "<pre class=\"text\" lang=\"%s\">%s</pre>\n", js(j, "lang"), js(j, "text"));
  if (!*js(j, "summary") && !*js(j, "text")) html_printf(b, "<p>%s</p>\n", req_t(r, "No text or summary is held."));
  html_raw_UNSAFE(b, "</section>\n</div>\n");

  if (cmp) {
    html_printf(b, "<h2>%s</h2>\n<p>%lld / %lld %s</p>\n", req_t(r, "Compared with the model agreement (Recommendation No. 86)"),
                (long long)json_integer_value(json_object_get(cmp, "covered")),
                (long long)json_integer_value(json_object_get(cmp, "articles")),
                req_t(r, "articles found in the text held (a keyword screening, not a legal review)."));
    html_printf(b, "<details><summary>%s</summary>\n<ul class=\"missing\">\n", req_t(r, "Missing articles"));
    json_array_foreach(json_object_get(cmp, "missing"), i, v)
      html_printf(b, "<li>%s %lld: %s</li>\n", req_t(r, "Art."), (long long)json_integer_value(json_object_get(v, "article")),
                  js(v, "title"));
    html_raw_UNSAFE(b, "</ul></details>\n");
    json_decref(cmp);
  }
  html_printf(b, "<h2>%s</h2>\n", req_t(r, "Comments (tripartite review)"));
  if (!json_array_size(json_object_get(j, "comments"))) html_printf(b, "<p>%s</p>\n", req_t(r, "No comments yet."));
  html_raw_UNSAFE(b, "<ul class=\"comments\">\n");
  json_array_foreach(json_object_get(j, "comments"), i, v)
    html_printf(b, "<li><p>%s</p><p class=\"meta\">%s (%s), %s</p></li>\n", js(v, "body"), js(v, "author"), js(v, "role"),
                js(v, "created_at"));
  html_raw_UNSAFE(b, "</ul>\n");
  if (r->zCsrf && policy_allows("agreement.comment", r->who.role)) {
    html_printf(b, "<form method=\"post\" action=\"/agreements/%s/comments\">\n<input type=\"hidden\" name=\"%s\" value=\"%s\">\n"
                   "<label for=\"comment\">%s</label>\n<textarea id=\"comment\" name=\"body\" rows=\"3\" required maxlength=\"8000\"></textarea>\n"
                   "<button type=\"submit\">%s</button>\n</form>\n",
                js(j, "id"), HTTP_CSRF_FIELD, r->zCsrf, req_t(r, "Your comment"), req_t(r, "Add comment"));
  }
  if (r->zCsrf && policy_allows("agreement.manage", r->who.role)) {
    html_printf(b, "<h2>%s</h2>\n<form class=\"assess\" method=\"post\" action=\"/agreements/%s/assessment\">\n"
                   "<input type=\"hidden\" name=\"%s\" value=\"%s\">\n<label>%s <select name=\"criterion\">\n",
                req_t(r, "Assess a criterion"), js(j, "id"), HTTP_CSRF_FIELD, r->zCsrf, req_t(r, "Criterion"));
    json_array_foreach(json_object_get(j, "assessment"), i, v)
      html_printf(b, "<option value=\"%s\">%s</option>\n", js(v, "criterion"), label(r, js(v, "criterion")));
    html_printf(b, "</select></label>\n<label>%s <select name=\"rating\">\n", req_t(r, "Rating"));
    static const char *const azR[] = {"met", "partly", "not met", "unknown"};
    for (size_t k = 0; k < COUNT(azR); k++) html_printf(b, "<option value=\"%s\">%s</option>\n", azR[k], label(r, azR[k]));
    html_printf(b, "</select></label>\n<label>%s <input name=\"article\" size=\"6\"></label>\n"
                   "<label for=\"clause\">%s</label>\n<textarea id=\"clause\" name=\"clause\" rows=\"3\" maxlength=\"8000\"></textarea>\n"
                   "<button type=\"submit\">%s</button>\n</form>\n",
                req_t(r, "Article"), req_t(r, "Quoted clause"), req_t(r, "Save"));
  }
  json_decref(j);
  page_end(r);
  return 0;
}

static int after_post(Request *r, int rc, Err *e) {
  if (rc) return req_fail_with(r, e);
  char *z = arena_printf(r->arena, "/agreements/%s", param(r, 0));
  resp_redirect(r, z);
  return 0;
}

int page_agreement_assess(Request *r) {
  Err e = ERR_INIT;
  const char *zClause = req_form(r, "clause"), *zArt = req_form(r, "article");
  int rc = agreement_assess(r->store, param(r, 0), req_form(r, "criterion"), req_form(r, "rating"),
                            zClause && *zClause ? zClause : NULL, zArt && *zArt ? zArt : NULL, r->who.zUsername, NULL, &e);
  return after_post(r, rc, &e);
}

int page_agreement_comment(Request *r) {
  Err e = ERR_INIT;
  int64_t id = agreement_comment(r->store, param(r, 0), req_form(r, "criterion"), r->who.zUsername,
                                 role_name(r->who.role), req_form(r, "body"), &e);
  return after_post(r, id < 0 ? -1 : 0, &e);
}

int page_corridor_query(Request *r) {
  const char *zO = qparam(r, "origin"), *zD = qparam(r, "dest");
  Buf b;
  if (!zO || !zD) return req_fail(r, ERR_INVALID, "give an origin and a destination country");
  buf_init(&b, 256);
  buf_puts(&b, "/corridor/");
  html_urlencode(&b, zO);
  buf_putc(&b, '/');
  html_urlencode(&b, zD);
  resp_redirect(r, arena_strdup(r->arena, buf_cstr(&b)));
  buf_free(&b);
  return 0;
}

static void put_rat_cell(Buf *b, json_t *x) {
  if (!x || json_is_null(x)) {
    html_raw_UNSAFE(b, "<td>–</td>");
    return;
  }
  json_t *y = json_object_get(x, "year");
  html_printf(b, "<td class=\"rat-%s\">", strcmp(js(x, "status"), "in force") == 0 ? "in-force" : "other");
  if (json_is_integer(y)) html_printf(b, "%lld", (long long)json_integer_value(y));
  if (strcmp(js(x, "status"), "in force") != 0) html_printf(b, " (%s)", js(x, "status"));
  html_raw_UNSAFE(b, "</td>");
}

int page_corridor(Request *r) {
  Err e = ERR_INIT;
  Buf *b = &r->out;
  json_t *j = corridor_view(r->store, param(r, 0), param(r, 1), r->zLang, &e), *v, *o, *d;
  size_t i;
  const char *zCode;
  if (!j) return req_fail_with(r, &e);
  o = json_object_get(j, "origin");
  d = json_object_get(j, "destination");
  page_begin(r, req_t(r, "Corridor"));
  html_printf(b, "<h1>%s → %s</h1>\n", js(o, "name"), js(d, "name"));
  html_printf(b, "<h2>%s</h2>\n<ul class=\"agreements\">\n", req_t(r, "Agreements in force"));
  json_array_foreach(json_object_get(j, "agreements"), i, v)
    html_printf(b, "<li><a href=\"/agreements/%s\">%s</a> <span class=\"meta\">%s</span></li>\n", js(v, "id"),
                js(v, "title"), strcmp(js(v, "via"), "regional") == 0 ? req_t(r, "regional framework") : req_t(r, "direct"));
  if (!json_array_size(json_object_get(j, "agreements"))) html_printf(b, "<li>%s</li>\n", req_t(r, "None recorded"));
  html_raw_UNSAFE(b, "</ul>\n");
  if (json_array_size(json_object_get(j, "other_agreements"))) {
    html_printf(b, "<h2>%s</h2>\n<ul>\n", req_t(r, "Other agreements (not in force, or entry into force not recorded)"));
    json_array_foreach(json_object_get(j, "other_agreements"), i, v)
      html_printf(b, "<li><a href=\"/agreements/%s\">%s</a> <span class=\"meta\">%s</span></li>\n", js(v, "id"),
                  js(v, "title"), label(r, js(v, "status")));
    html_raw_UNSAFE(b, "</ul>\n");
  }
  html_printf(b, "<h2>%s</h2>\n<ul class=\"gaps\">\n", req_t(r, "Gaps"));
  json_array_foreach(json_object_get(j, "gaps"), i, v) html_printf(b, "<li>%s</li>\n", js(v, "text"));
  html_raw_UNSAFE(b, "</ul>\n");
  html_printf(b, "<h2>%s</h2>\n<div class=\"table-wrap\"><table>\n<tr><th>%s</th><th>%s</th><th>%s</th></tr>\n",
              req_t(r, "Ratifications"), req_t(r, "Instrument"), js(o, "name"), js(d, "name"));
  json_t *ro = json_object_get(json_object_get(j, "ratifications"), "origin");
  json_t *rd = json_object_get(json_object_get(j, "ratifications"), "destination");
  json_object_foreach(ro, zCode, v) {
    html_printf(b, "<tr><td>%s</td>", zCode);
    put_rat_cell(b, v);
    put_rat_cell(b, json_object_get(rd, zCode));
    html_raw_UNSAFE(b, "</tr>\n");
  }
  html_raw_UNSAFE(b, "</table></div>\n");
  html_printf(b, "<h2>%s</h2>\n<ul class=\"uncovered\">\n", req_t(r, "Criteria no agreement in force covers"));
  json_array_foreach(json_object_get(j, "uncovered_criteria"), i, v)
    html_printf(b, "<li>%s</li>\n", label(r, js(v, "criterion")));
  html_raw_UNSAFE(b, "</ul>\n");
  json_t *aObs = json_object_get(json_object_get(j, "statistics"), "observations");
  html_printf(b, "<h2>%s</h2>\n", req_t(r, "Statistics held for this corridor"));
  if (!json_array_size(aObs)) html_printf(b, "<p>%s</p>\n", req_t(r, "None held."));
  else {
    html_printf(b, "<div class=\"table-wrap\"><table>\n<tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>\n",
                req_t(r, "Indicator"), req_t(r, "Area / counterpart"), req_t(r, "Period"), req_t(r, "Value"));
    json_array_foreach(aObs, i, v) {
      json_t *x = json_object_get(v, "obs_value");
      html_printf(b, "<tr><td>%s</td><td>%s / %s</td><td>%s</td><td>", *js(v, "indicator_name") ? js(v, "indicator_name") : js(v, "indicator"),
                  js(v, "ref_area"), js(v, "counterpart_area"), js(v, "time_period"));
      if (json_is_number(x)) html_printf(b, "%.0f", json_number_value(x));
      html_raw_UNSAFE(b, "</td></tr>\n");
    }
    html_raw_UNSAFE(b, "</table></div>\n");
  }
  json_decref(j);
  page_end(r);
  return 0;
}

int page_ratifications(Request *r) {
  Err e = ERR_INIT;
  Buf *b = &r->out;
  json_t *j = ratification_list(r->store, NULL, NULL, r->zLang, &e), *v, *c;
  size_t i, k;
  if (!j) return req_fail_with(r, &e);
  page_begin(r, req_t(r, "Ratifications"));
  html_printf(b, "<h1>%s</h1>\n<p>%s</p>\n", req_t(r, "Ratifications of the migrant worker and social security instruments"),
              req_t(r, "Year of ratification; a dash means no ratification is recorded in lmis. The ILO lists held are partial "
                       "(see each instrument's coverage); the UN Convention list is complete for UN member states as of 2022."));
  html_raw_UNSAFE(b, "<div class=\"table-wrap\"><table class=\"ratifications\">\n<tr><th></th>");
  json_array_foreach(json_object_get(j, "instruments"), k, v)
    html_printf(b, "<th><abbr title=\"%s\">%s</abbr></th>", js(v, "title"), js(v, "code"));
  html_raw_UNSAFE(b, "</tr>\n");
  json_array_foreach(json_object_get(j, "countries"), i, c) {
    html_printf(b, "<tr><th>%s</th>", js(c, "name"));
    json_array_foreach(json_object_get(j, "instruments"), k, v)
      put_rat_cell(b, json_object_get(json_object_get(c, "ratifications"), js(v, "code")));
    html_raw_UNSAFE(b, "</tr>\n");
  }
  html_raw_UNSAFE(b, "</table></div>\n");
  json_decref(j);
  page_end(r);
  return 0;
}

/* ---- good practices ---- */

/* The principle areas of the ILO Multilateral Framework on Labour Migration (2006),
** as the practices' mflm field codes them. */
static const CodeLabel aMflm[] = {
  {"I", N_("I. Decent work")},
  {"II", N_("II. Means for international cooperation on labour migration")},
  {"III", N_("III. Global knowledge base")},
  {"IV", N_("IV. Effective management of labour migration")},
  {"V", N_("V. Protection of migrant workers")},
  {"VI", N_("VI. Prevention of and protection against abusive migration practices")},
  {"VII", N_("VII. Migration process")},
  {"VIII", N_("VIII. Social integration and inclusion")},
  {"IX", N_("IX. Migration and development")},
};

static const char *mflm_label(Request *r, const char *zCode) { return code_label(r, aMflm, COUNT(aMflm), zCode); }

/* The filters of /practices, in the order links keep them. */
static const char *const azPracticeKeep[] = {"q", "country", "theme", "mflm", "regional_body", "year", "limit"};

static int fill_practice_query(Request *r, PracticeQuery *q) {
  long long n, year = 0, off;
  memset(q, 0, sizeof *q);
  /* the form sends year= when "any" is chosen */
  if (req_query_int(r, "limit", 1, 100, 20, &n) || (qparam(r, "year") && req_query_int(r, "year", 1900, 2200, 0, &year)) ||
      req_query_int(r, "offset", 0, 100000, 0, &off))
    return -1;
  q->zText = qparam(r, "q");
  q->zCountry = qparam(r, "country");
  q->zTheme = qparam(r, "theme");
  q->zMflm = qparam(r, "mflm");
  q->zRegion = qparam(r, "regional_body");
  q->year = (int)year;
  q->nLimit = (int)n;
  q->nOffset = (int)off;
  q->zLang = r->zLang;
  return 0;
}

/* The same search, filters, facets and paging as the /practices page. */
int api_practices(Request *r) {
  Err e = ERR_INIT;
  PracticeQuery q;
  if (fill_practice_query(r, &q)) return -1;
  return send_or_fail(r, practice_query(r->store, &q, &e), &e);
}

/* "/practices?" and the current filters, with zKey set to zValue (NULL: dropped),
** and offset when nOffset > 0. */
static void practices_href(Request *r, Buf *b, const char *zKey, const char *zValue, long long nOffset) {
  bool bFirst = true;
  html_raw_UNSAFE(b, "/practices?");
  for (size_t i = 0; i < COUNT(azPracticeKeep); i++) {
    const char *zV = zKey && strcmp(azPracticeKeep[i], zKey) == 0 ? zValue : qparam(r, azPracticeKeep[i]);
    if (!zV) continue;
    if (!bFirst) html_raw_UNSAFE(b, "&amp;");
    html_printf(b, "%s=", azPracticeKeep[i]);
    html_urlencode(b, zV);
    bFirst = false;
  }
  if (nOffset > 0) {
    if (!bFirst) html_raw_UNSAFE(b, "&amp;");
    html_printf(b, "offset=%lld", nOffset);
  }
}

/* A <select> of the values of one facet of all practices (pAll), zCur selected. */
static void practice_select(Request *r, Buf *b, const char *zName, const char *zTitle, json_t *pAll, const char *zCur,
                            bool bMflm) {
  const char *zV;
  json_t *n;
  html_printf(b, "<label>%s <select name=\"%s\">\n<option value=\"\">%s</option>\n", zTitle, zName, req_t(r, "any"));
  json_object_foreach(pAll, zV, n) {
    html_printf(b, "<option value=\"%s\"", zV);
    if (zCur && strcmp(zCur, zV) == 0) html_raw_UNSAFE(b, " selected");
    html_printf(b, ">%s</option>\n", bMflm ? mflm_label(r, zV) : zV);
  }
  html_raw_UNSAFE(b, "</select></label>\n");
}

static void put_practice_countries(Buf *b, json_t *a) {
  size_t i;
  json_t *v;
  json_array_foreach(a, i, v) html_printf(b, "%s%s", i ? ", " : "", js(v, "name"));
}

int page_practices(Request *r) {
  PracticeQuery q, qAll;
  Err e = ERR_INIT;
  Buf *b = &r->out;
  json_t *j, *pAll, *v, *pFacets, *pNames;
  size_t i;
  long long nTotal, nOff;
  char zYear[8];
  if (fill_practice_query(r, &q)) return -1;
  q.zOpen = MARK_OPEN;
  q.zClose = MARK_CLOSE;
  if (!(j = practice_query(r->store, &q, &e))) return req_fail_with(r, &e);
  /* every value of every filter, for the form's lists */
  memset(&qAll, 0, sizeof qAll);
  qAll.nLimit = 1;
  qAll.zLang = r->zLang;
  if (!(pAll = practice_query(r->store, &qAll, &e))) {
    json_decref(j);
    return req_fail_with(r, &e);
  }
  pFacets = json_object_get(pAll, "facets");
  nTotal = (long long)json_integer_value(json_object_get(j, "total"));
  nOff = (long long)json_integer_value(json_object_get(j, "offset"));
  page_begin(r, req_t(r, "Good practices"));
  html_printf(b, "<nav class=\"breadcrumb\" aria-label=\"%s\">\n<ol>\n<li><a href=\"/agreements\">%s</a></li>\n"
                 "<li aria-current=\"page\">%s</li>\n</ol>\n</nav>\n",
              req_t(r, "Breadcrumb"), req_t(r, "Agreements"), req_t(r, "Good practices"));
  html_printf(b, "<h1>%s</h1>\n<p>%s</p>\n", req_t(r, "Good practices in labour migration"),
              req_t(r, "Policies and programmes that governments, social partners and the ILO have reported as working, "
                       "classified by the principle areas of the ILO Multilateral Framework on Labour Migration. "
                       "Every practice cites its source."));
  html_printf(b, "<form class=\"search practices\" action=\"/practices\" method=\"get\" role=\"search\">\n"
                 "<label for=\"q\">%s</label>\n<input id=\"q\" name=\"q\" type=\"search\" value=\"%s\" maxlength=\"1000\">\n",
              req_t(r, "Search good practices"), q.zText ? q.zText : "");
  html_printf(b, "<label>%s <input name=\"country\" size=\"4\" maxlength=\"3\" value=\"%s\"></label>\n",
              req_t(r, "Country"), q.zCountry ? q.zCountry : "");
  practice_select(r, b, "theme", req_t(r, "Theme"), json_object_get(pFacets, "theme"), q.zTheme, false);
  practice_select(r, b, "mflm", req_t(r, "Principle area"), json_object_get(pFacets, "mflm"), q.zMflm, true);
  practice_select(r, b, "regional_body", req_t(r, "Regional body"), json_object_get(pFacets, "regional_body"),
                  q.zRegion, false);
  snprintf(zYear, sizeof zYear, "%d", q.year);
  practice_select(r, b, "year", req_t(r, "Year"), json_object_get(pFacets, "year"), q.year ? zYear : NULL, false);
  html_printf(b, "<button type=\"submit\">%s</button>\n</form>\n", req_t(r, "Search"));

  html_printf(b, "<p class=\"count\">%lld %s</p>\n", nTotal, req_t(r, "good practice(s)"));
  if (nTotal == 0)
    html_printf(b, "<p>%s</p>\n", req_t(r, "No good practice matches. Try another word, or remove a filter."));
  html_printf(b, "<ol class=\"results practices\" start=\"%lld\">\n", nOff + 1);
  json_array_foreach(json_object_get(j, "results"), i, v) {
    json_t *y = json_object_get(v, "year");
    html_printf(b, "<li><a href=\"/practices/%s\">%s</a>\n<p class=\"meta\">%s", js(v, "id"), js(v, "title"),
                js(v, "theme"));
    if (json_array_size(json_object_get(v, "countries"))) {
      html_raw_UNSAFE(b, " · ");
      put_practice_countries(b, json_object_get(v, "countries"));
    }
    if (*js(v, "regional_body")) html_printf(b, " · %s", js(v, "regional_body"));
    if (json_is_integer(y)) html_printf(b, " · %lld", (long long)json_integer_value(y));
    html_raw_UNSAFE(b, "</p>\n<p class=\"snippet\">");
    put_snippet(b, js(v, "snippet"));
    html_raw_UNSAFE(b, "</p></li>\n");
  }
  html_raw_UNSAFE(b, "</ol>\n");
  if (nOff > 0 || nOff + q.nLimit < nTotal) {
    html_printf(b, "<nav class=\"pager\" aria-label=\"%s\">\n<ul>\n", req_t(r, "Pages of results"));
    if (nOff > 0) {
      html_raw_UNSAFE(b, "<li><a rel=\"prev\" href=\"");
      practices_href(r, b, NULL, NULL, nOff > q.nLimit ? nOff - q.nLimit : 0);
      html_printf(b, "\">%s</a></li>\n", req_t(r, "Previous"));
    }
    if (nOff + q.nLimit < nTotal) {
      html_raw_UNSAFE(b, "<li><a rel=\"next\" href=\"");
      practices_href(r, b, NULL, NULL, nOff + q.nLimit);
      html_printf(b, "\">%s</a></li>\n", req_t(r, "Next"));
    }
    html_raw_UNSAFE(b, "</ul>\n</nav>\n");
  }

  /* facets of the current matches; each keeps the other filters */
  static const struct { const char *zKey, *zTitle; } aFacet[] = {
    {"theme", N_("Theme")}, {"country", N_("Country")}, {"mflm", N_("Principle area")},
    {"regional_body", N_("Regional body")}, {"year", N_("Year")}};
  pNames = json_object_get(j, "country_names");
  html_printf(b, "<section class=\"facets\" aria-label=\"%s\">\n", req_t(r, "Refine"));
  for (size_t k = 0; k < COUNT(aFacet); k++) {
    json_t *o = json_object_get(json_object_get(j, "facets"), aFacet[k].zKey), *n;
    const char *zV;
    if (!json_object_size(o)) continue;
    html_printf(b, "<h2>%s</h2>\n<ul>\n", req_t(r, aFacet[k].zTitle));
    json_object_foreach(o, zV, n) {
      const char *zLabel = zV;
      if (k == 1 && json_is_string(json_object_get(pNames, zV))) zLabel = json_string_value(json_object_get(pNames, zV));
      if (k == 2) zLabel = mflm_label(r, zV);
      html_raw_UNSAFE(b, "<li><a href=\"");
      practices_href(r, b, aFacet[k].zKey, zV, 0);
      html_printf(b, "\">%s</a> <span class=\"count\">%lld</span></li>\n", zLabel, (long long)json_integer_value(n));
    }
    html_raw_UNSAFE(b, "</ul>\n");
  }
  html_raw_UNSAFE(b, "</section>\n");
  html_printf(b, "<p class=\"meta\"><a href=\"/api/v1/practices%s", q.zText ? "?q=" : "");
  if (q.zText) html_urlencode(b, q.zText);
  html_printf(b, "\">%s</a> · <a href=\"/agreements\">%s</a></p>\n", req_t(r, "These practices as JSON"),
              req_t(r, "Search agreements"));
  json_decref(j);
  json_decref(pAll);
  page_end(r);
  return 0;
}

/* The language of a practice's text, named in the reader's language. */
static const char *lang_name(Request *r, const char *zCode) {
  static const struct { const char *zCode, *zName; } a[] = {
    {"en", N_("English")}, {"fr", N_("French")}, {"es", N_("Spanish")}};
  for (size_t i = 0; i < COUNT(a); i++)
    if (strcmp(a[i].zCode, zCode) == 0) return req_t(r, a[i].zName);
  return zCode;
}

static bool url_is_web(const char *z) {
  return strncmp(z, "https://", 8) == 0 || strncmp(z, "http://", 7) == 0;
}

int page_practice(Request *r) {
  Err e = ERR_INIT;
  Buf *b = &r->out;
  const char *zId = param(r, 0);
  json_t *j = practice_get(r->store, zId, &e), *rel, *v, *y;
  size_t i;
  if (!j && e.code == ERR_NOT_FOUND) {
    /* the core's hint names the CLI; a reader of the web wants the list page */
    err_clear(&e);
    req_fail(r, ERR_NOT_FOUND, "no good practice with id %s", zId);
    err_hint(&r->err, "the good practices held are listed at /practices");
    return -1;
  }
  if (!j) return req_fail_with(r, &e);
  if (!(rel = practice_related(r->store, zId, r->zLang, 20, &e))) {
    json_decref(j);
    return req_fail_with(r, &e);
  }
  page_begin(r, js(j, "title"));
  html_printf(b, "<nav class=\"breadcrumb\" aria-label=\"%s\">\n<ol>\n<li><a href=\"/agreements\">%s</a></li>\n"
                 "<li><a href=\"/practices\">%s</a></li>\n<li aria-current=\"page\">%s</li>\n</ol>\n</nav>\n",
              req_t(r, "Breadcrumb"), req_t(r, "Agreements"), req_t(r, "Good practices"), js(j, "id"));
  html_printf(b, "<article class=\"practice\">\n<h1>%s</h1>\n", js(j, "title"));
  html_printf(b, "<dl class=\"titles\">\n<dt>%s</dt><dd><a href=\"/practices?theme=", req_t(r, "Theme"));
  html_urlencode(b, js(j, "theme"));
  html_printf(b, "\">%s</a></dd>\n", js(j, "theme"));
  if (json_array_size(json_object_get(rel, "countries"))) {
    html_printf(b, "<dt>%s</dt><dd><ul class=\"countries\">\n", req_t(r, "Countries"));
    json_array_foreach(json_object_get(rel, "countries"), i, v)
      html_printf(b, "<li><a href=\"/agreements?country=%s\">%s</a> <span class=\"meta\">"
                     "(<a href=\"/practices?country=%s\">%s</a> · <a href=\"/statistics/area/%s\">%s</a>)</span></li>\n",
                  js(v, "alpha2"), js(v, "name"), js(v, "alpha2"), req_t(r, "its good practices"), js(v, "alpha3"),
                  req_t(r, "statistics"));
    html_raw_UNSAFE(b, "</ul></dd>\n");
  }
  if (*js(j, "regional_body")) {
    html_printf(b, "<dt>%s</dt><dd><a href=\"/practices?regional_body=", req_t(r, "Regional body"));
    html_urlencode(b, js(j, "regional_body"));
    html_printf(b, "\">%s</a></dd>\n", js(j, "regional_body"));
  }
  if (json_is_integer(y = json_object_get(j, "year")))
    html_printf(b, "<dt>%s</dt><dd>%lld</dd>\n", req_t(r, "Year"), (long long)json_integer_value(y));
  if (json_array_size(json_object_get(j, "mflm"))) {
    html_printf(b, "<dt>%s</dt><dd><ul class=\"mflm\">\n", req_t(r, "Principle areas"));
    json_array_foreach(json_object_get(j, "mflm"), i, v) {
      html_printf(b, "<li><a href=\"/practices?mflm=%s\">%s</a></li>\n", json_string_value(v),
                  mflm_label(r, json_string_value(v)));
    }
    html_raw_UNSAFE(b, "</ul></dd>\n");
  }
  html_printf(b, "<dt>%s</dt><dd>%s</dd>\n</dl>\n", req_t(r, "Language"), lang_name(r, js(j, "lang")));
  html_printf(b, "<h2>%s</h2>\n<p class=\"description\" lang=\"%s\">%s</p>\n", req_t(r, "Description"), js(j, "lang"),
              js(j, "description"));
  if (*js(j, "evidence"))
    html_printf(b, "<h2>%s</h2>\n<p class=\"evidence\" lang=\"%s\">%s</p>\n", req_t(r, "Evidence of results"),
                js(j, "lang"), js(j, "evidence"));
  html_printf(b, "<h2>%s</h2>\n<p class=\"source\"><cite>%s</cite>", req_t(r, "Source"), js(j, "source"));
  if (url_is_web(js(j, "source_url")))
    html_printf(b, "<br><a class=\"source-link\" href=\"%s\" rel=\"noopener noreferrer\">%s</a>", js(j, "source_url"),
                req_t(r, "Open the source"));
  html_raw_UNSAFE(b, "</p>\n</article>\n");

  html_printf(b, "<section class=\"related\">\n<h2>%s</h2>\n", req_t(r, "Agreements for the same countries"));
  if (!json_array_size(json_object_get(rel, "agreements"))) {
    html_printf(b, "<p>%s</p>\n", req_t(r, "No agreement held in lmis involves these countries."));
  } else {
    html_raw_UNSAFE(b, "<ul class=\"agreements\">\n");
    json_array_foreach(json_object_get(rel, "agreements"), i, v) {
      html_printf(b, "<li><a href=\"/agreements/%s\">%s</a>\n<span class=\"meta\">%s · %s", js(v, "id"), js(v, "title"),
                  label(r, js(v, "type")), label(r, js(v, "status")));
      if (*js(v, "date_signed")) html_printf(b, " · %s", js(v, "date_signed"));
      if (strcmp(js(v, "via"), "regional") == 0) html_printf(b, " · %s", req_t(r, "same regional body"));
      html_raw_UNSAFE(b, "</span></li>\n");
    }
    html_raw_UNSAFE(b, "</ul>\n");
  }
  html_raw_UNSAFE(b, "</section>\n");
  html_printf(b, "<p class=\"meta\"><a href=\"/api/v1/practices/%s\" type=\"application/json\">%s</a> · "
                 "<a href=\"/practices\">%s</a></p>\n",
              js(j, "id"), req_t(r, "This practice as JSON"), req_t(r, "All good practices"));
  json_decref(rel);
  json_decref(j);
  page_end(r);
  return 0;
}
