/*
** web_recruit.c: agencies, recruitment costs and reviews as JSON API and HTML pages.
** API and pages call the same agency.c/cost.c functions as the CLI: one data path.
** A licence status is always shown in words ("Not licensed: banned"), never only
** as a colour, so a banned or cancelled agency can never look licensed.
*/
#include "web_recruit.h"
#include "agency.h"
#include "cost.h"
#include "html.h"
#include "i18n.h"
#include "policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *js(const json_t *j, const char *zKey) {
  const char *z = json_string_value(json_object_get(j, zKey));
  return z ? z : "";
}

static int send_or_fail(Request *r, json_t *j, Err *e) {
  if (!j) return req_fail_with(r, e);
  resp_json(r, 200, j);
  return 0;
}

/* The {licence} path segment: only the characters a licence number may have. */
static const char *path_licence(Request *r) {
  const char *z = r->nParam > 0 ? r->azParam[0] : "";
  if (!agency_licence_ok(z)) {
    req_fail(r, ERR_INVALID, "\"%.80s\" is not a licence number", z);
    err_where(&r->err, "licence");
    return NULL;
  }
  return z;
}

/* ---- API ---- */

int api_agencies(Request *r) {
  Err e = ERR_INIT;
  const char *zS = req_query(r, "sanctioned");
  if (zS && !str_eq(zS, "1") && !str_eq(zS, "0") && !str_eq(zS, "true") && !str_eq(zS, "false")) {
    req_fail(r, ERR_INVALID, "sanctioned must be true or false");
    err_where(&r->err, "sanctioned");
    return -1;
  }
  return send_or_fail(r, agency_list(r->store, req_query(r, "status"), zS && (str_eq(zS, "1") || str_eq(zS, "true")),
                                     req_query(r, "country"), &e), &e);
}

int api_agency_check(Request *r) {
  Err e = ERR_INIT;
  long long n;
  if (req_query_int(r, "limit", 1, 50, 10, &n)) return -1;
  return send_or_fail(r, agency_check(r->store, req_query(r, "name"), req_query(r, "country"), (int)n, &e), &e);
}

int api_agency(Request *r) {
  Err e = ERR_INIT;
  const char *zL = path_licence(r);
  json_t *j;
  if (!zL) return -1;
  j = agency_get(r->store, zL, req_query(r, "country"), &e);
  if (!j) return req_fail_with(r, &e);
  json_t *jR = review_list(r->store, "published", zL, req_query(r, "country"), 100, &r->who, r->zAddr, &e);
  if (!jR) {
    json_decref(j);
    return req_fail_with(r, &e);
  }
  json_object_set_new(j, "reviews", jR);
  resp_json(r, 200, j);
  return 0;
}

int api_cost_report(Request *r) {
  Err e = ERR_INIT;
  json_t *j = req_json(r);
  int64_t id;
  if (!j) return -1;
  id = cost_report_add(r->store, j, true, &e);
  if (id <= 0) return req_fail_with(r, &e);
  json_t *jOut = cost_report_get(r->store, id, &e);
  if (!jOut) return req_fail_with(r, &e);
  resp_json(r, 201, jOut);
  return 0;
}

/* SDG options from the query; the public may raise the suppression threshold, never lower it. */
static int sdg_opts(Request *r, CostSdgOpts *o) {
  Err e = ERR_INIT;
  long long n;
  cost_sdg_opts_default(o);
  if (cost_parse_by(req_query(r, "by"), o, &e)) return req_fail_with(r, &e);
  if (req_query_int(r, "min_n", 10, 1000000, 10, &n)) return -1;
  o->minN = (int)n;
  if (req_query_int(r, "isco_digits", 1, 4, 1, &n)) return -1;
  o->iscoDigits = (int)n;
  static const char *const azP[] = {"origin", "destination"};
  for (int i = 0; i < 2; i++) {
    const char *z = req_query(r, azP[i]);
    bool bOk = !z || !*z || strlen(z) == 3;
    for (size_t k = 0; bOk && z && z[k]; k++) bOk = z[k] >= 'A' && z[k] <= 'Z';
    if (!bOk) {
      req_fail(r, ERR_INVALID, "%s must be an ISO 3166-1 alpha-3 code", azP[i]);
      err_where(&r->err, "%s", azP[i]);
      return -1;
    }
    if (i == 0) o->zOrigin = z;
    else o->zDestination = z;
  }
  return 0;
}

int api_costs_sdg(Request *r) {
  Err e = ERR_INIT;
  CostSdgOpts o;
  if (sdg_opts(r, &o)) return -1;
  return send_or_fail(r, cost_sdg(r->store, &o, &e), &e);
}

int api_reviews(Request *r) {
  Err e = ERR_INIT;
  long long n;
  const char *zStatus = req_query(r, "status");
  if (req_query_int(r, "limit", 1, 1000, 50, &n)) return -1;
  /* Anything but published reviews is the moderation queue. */
  if (zStatus && !str_eq(zStatus, "published")) {
    if (policy_check("review.moderate", &r->who, &e)) return req_fail_with(r, &e);
  }
  return send_or_fail(r, review_list(r->store, zStatus ? zStatus : "published", req_query(r, "agency"),
                                     req_query(r, "country"), (int)n, &r->who, r->zAddr, &e), &e);
}

int api_review_submit(Request *r) {
  Err e = ERR_INIT;
  json_t *j = req_json(r);
  int64_t id;
  if (!j) return -1;
  id = review_submit(r->store, j, &e);
  if (id < 0) return req_fail_with(r, &e);
  resp_json(r, 202, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "status", "pending", "message",
                              T(r->zLang, "Thank you. Your review will be published after moderation.")));
  return 0;
}

int api_review_moderate(Request *r) {
  Err e = ERR_INIT;
  long long id;
  json_t *j = req_json(r), *v;
  const char *zAction, *zKey;
  if (!j) return -1;
  if (r->nParam < 1 || parse_int(r->azParam[0], 1, INT64_MAX, &id)) {
    req_fail(r, ERR_INVALID, "the review id must be a whole number");
    err_where(&r->err, "id");
    return -1;
  }
  json_object_foreach(j, zKey, v) {
    if (!str_eq(zKey, "action") && !str_eq(zKey, "note")) {
      req_fail(r, ERR_INVALID, "/%.60s: unknown field (action, note)", zKey);
      err_where(&r->err, "/%.60s", zKey);
      return -1;
    }
  }
  zAction = json_string_value(json_object_get(j, "action"));
  if (!str_eq(zAction, "publish") && !str_eq(zAction, "reject")) {
    req_fail(r, ERR_INVALID, "/action: \"publish\" or \"reject\"");
    err_where(&r->err, "/action");
    return -1;
  }
  v = json_object_get(j, "note");
  if (v && !json_is_null(v) && !json_is_string(v)) {
    req_fail(r, ERR_INVALID, "/note: must be a string");
    err_where(&r->err, "/note");
    return -1;
  }
  if (review_moderate(r->store, id, str_eq(zAction, "publish"), json_string_value(v), &r->who, r->zAddr, &e))
    return req_fail_with(r, &e);
  resp_json(r, 200, json_pack("{s:I, s:s}", "id", (json_int_t)id, "status",
                              str_eq(zAction, "publish") ? "published" : "rejected"));
  return 0;
}

/* ---- pages ---- */

/* The status of an agency in words, translated; "licensed" only for a current valid licence. */
static const char *status_text(const char *zL, const char *zStatus) {
  if (str_eq(zStatus, "valid")) return T(zL, "Licensed: valid licence");
  if (str_eq(zStatus, "expired")) return T(zL, "Not licensed: licence expired");
  if (str_eq(zStatus, "suspended")) return T(zL, "Not licensed: licence suspended");
  if (str_eq(zStatus, "cancelled")) return T(zL, "Not licensed: licence cancelled");
  if (str_eq(zStatus, "delisted")) return T(zL, "Not licensed: delisted");
  if (str_eq(zStatus, "banned")) return T(zL, "Not licensed: banned");
  return T(zL, "Not licensed");
}

static void status_badge(Buf *b, const char *zL, const char *zStatus) {
  html_printf(b, "<strong class=\"status status-%s\" data-status=\"%s\">%s</strong>", zStatus, zStatus,
              status_text(zL, zStatus));
}

static void agency_link(Buf *b, const json_t *a) {
  html_printf(b, "<a href=\"/agencies/%s?country=%s\">%s</a>", js(a, "licence"), js(a, "country"), js(a, "name"));
}

static void check_form(Request *r, const char *zName, const char *zCountry) {
  const char *zL = r->zLang;
  html_printf(&r->out,
              "<form class=\"login\" method=\"get\" action=\"/agencies/check\" role=\"search\">\n"
              "<p><label for=\"name\">%s</label>\n"
              "<input id=\"name\" name=\"name\" maxlength=\"300\" required value=\"%s\"></p>\n"
              "<p><label for=\"country\">%s</label>\n"
              "<input id=\"country\" name=\"country\" maxlength=\"3\" autocapitalize=\"characters\" value=\"%s\"></p>\n"
              "<p><button type=\"submit\">%s</button></p>\n</form>\n",
              T(zL, "Agency name or licence number"), zName ? zName : "",
              T(zL, "Country that issued the licence (3 letters, optional)"), zCountry ? zCountry : "",
              T(zL, "Check"));
}

int page_agency_check(Request *r) {
  const char *zL = r->zLang;
  const char *zName = req_query(r, "name"), *zCountry = req_query(r, "country");
  Err e = ERR_INIT;
  json_t *j = NULL, *v;
  size_t i;
  if (zName && *zName) {
    j = agency_check(r->store, zName, zCountry, 10, &e);
    if (!j && e.code != ERR_INVALID) return req_fail_with(r, &e);
    if (!j) r->status = 400;
  }
  page_begin(r, T(zL, "Is this agency licensed?"));
  Buf *b = &r->out;
  html_printf(b, "<h1>%s</h1>\n<p class=\"lead\">%s</p>\n", T(zL, "Is this agency licensed?"),
              T(zL, "Check a recruitment agency before you pay anything or sign anything. Type its name as you "
                    "know it: spelling mistakes and accents do not matter."));
  check_form(r, zName, zCountry);
  if (!j && e.code) html_printf(b, "<p class=\"error\" role=\"alert\">%s</p>\n", e.zMsg ? e.zMsg : "");
  err_clear(&e);
  if (j) {
    const char *zV = js(j, "verdict");
    html_printf(b, "<section id=\"result\" aria-live=\"polite\">\n<h2>%s</h2>\n<p class=\"lead verdict\" "
                   "data-verdict=\"%s\"><strong>%s</strong></p>\n",
                T(zL, "Result"), zV,
                str_eq(zV, "licensed")       ? T(zL, "This agency holds a valid licence.")
                : str_eq(zV, "not_licensed") ? T(zL, "This agency does NOT hold a valid licence. Do not use it.")
                : str_eq(zV, "ambiguous")    ? T(zL, "Several agencies have similar names and not all are licensed: "
                                                     "compare the licence number.")
                                             : T(zL, "No agency on the licence list matches this name. Treat it as "
                                                     "unlicensed."));
    json_t *a = json_object_get(j, "matches");
    if (json_array_size(a)) {
      html_raw_UNSAFE(b, "<ul class=\"matches\">\n");
      json_array_foreach(a, i, v) {
        html_raw_UNSAFE(b, "<li>");
        status_badge(b, zL, js(v, "status"));
        html_raw_UNSAFE(b, "<br>");
        agency_link(b, v);
        html_printf(b, " <span class=\"code\">%s %s</span>", js(v, "country"), js(v, "licence"));
        if (!str_eq(js(v, "matched_by"), "name"))
          html_printf(b, "<br><span class=\"note\">%s: %s</span>", T(zL, "Also known as"), js(v, "matched"));
        if (json_is_true(json_object_get(v, "sanctioned")))
          html_printf(b, "<br><strong>%s</strong>", T(zL, "Sanctioned by the regulator"));
        html_raw_UNSAFE(b, "</li>\n");
      }
      html_raw_UNSAFE(b, "</ul>\n");
    }
    html_raw_UNSAFE(b, "</section>\n");
    json_decref(j);
  }
  html_printf(b, "<p><a href=\"/agencies/sanctioned\">%s</a> · <a href=\"/costs/report\">%s</a></p>\n",
              T(zL, "Agencies sanctioned or banned"), T(zL, "Report what you paid to be recruited"));
  if (policy_allows("review.moderate", r->who.role))
    html_printf(b, "<p><a href=\"/reviews/moderate\">%s</a></p>\n", T(zL, "Reviews waiting for moderation"));
  page_end(r);
  return 0;
}

int page_agencies_sanctioned(Request *r) {
  const char *zL = r->zLang;
  Err e = ERR_INIT;
  json_t *j = agency_list(r->store, NULL, true, NULL, &e), *v;
  size_t i;
  if (!j) return req_fail_with(r, &e);
  page_begin(r, T(zL, "Agencies sanctioned or banned"));
  Buf *b = &r->out;
  html_printf(b, "<h1>%s</h1>\n<p class=\"lead\">%s</p>\n", T(zL, "Agencies sanctioned or banned"),
              T(zL, "Recruitment agencies whose licence is suspended, cancelled or banned, or that were sanctioned."));
  html_printf(b, "<div class=\"table-wrap\"><table>\n<thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
                 "<th scope=\"col\">%s</th></tr></thead>\n<tbody>\n",
              T(zL, "Agency"), T(zL, "Licence"), T(zL, "Status"));
  json_array_foreach(json_object_get(j, "agencies"), i, v) {
    html_raw_UNSAFE(b, "<tr><td>");
    agency_link(b, v);
    html_printf(b, "</td><td><span class=\"code\">%s %s</span></td><td>", js(v, "country"), js(v, "licence"));
    status_badge(b, zL, js(v, "status"));
    html_raw_UNSAFE(b, "</td></tr>\n");
  }
  html_raw_UNSAFE(b, "</tbody></table></div>\n");
  if (json_array_size(json_object_get(j, "agencies")) == 0) html_printf(b, "<p>%s</p>\n", T(zL, "None."));
  json_decref(j);
  page_end(r);
  return 0;
}

static void rating_cell(Buf *b, const json_t *v) {
  if (json_is_number(v)) html_printf(b, "<td>%.1f / 5</td>", json_number_value(v));
  else html_raw_UNSAFE(b, "<td>-</td>");
}

static const char *const azRatingField[] = {"fees", "contract", "documents", "information"};
static const char *const azRatingLabel[] = {N_("No fees charged"), N_("Contract as promised"),
                                            N_("Documents kept by the worker"), N_("Information given")};

/* The anonymous review form of an agency page; posts with the pre-session CSRF token. */
static void review_form(Request *r, const json_t *jAgency) {
  const char *zL = r->zLang;
  Buf *b = &r->out;
  html_printf(b, "<h2>%s</h2>\n<form class=\"login review\" method=\"post\" action=\"/agencies/%s/review\">\n"
                 "<input type=\"hidden\" name=\"%s\" value=\"%s\">\n"
                 "<input type=\"hidden\" name=\"country\" value=\"%s\">\n<p class=\"note\">%s</p>\n",
              T(zL, "Review this agency"), js(jAgency, "licence"), HTTP_CSRF_FIELD, req_login_csrf(r),
              js(jAgency, "country"),
              T(zL, "Rate from 1 (very bad) to 5 (very good). Your review is anonymous and is published after "
                    "moderation; do not write your name or anything that identifies you."));
  for (size_t i = 0; i < COUNT(azRatingField); i++) {
    html_printf(b, "<p><label for=\"r-%s\">%s</label>\n<select id=\"r-%s\" name=\"%s\">\n<option value=\"\">-</option>\n",
                azRatingField[i], T(zL, azRatingLabel[i]), azRatingField[i], azRatingField[i]);
    for (int k = 1; k <= 5; k++) html_printf(b, "<option value=\"%d\">%d</option>\n", k, k);
    html_raw_UNSAFE(b, "</select></p>\n");
  }
  html_printf(b, "<p><label for=\"r-text\">%s</label>\n<textarea id=\"r-text\" name=\"text\" rows=\"4\" "
                 "maxlength=\"4000\"></textarea></p>\n<p><button type=\"submit\">%s</button></p>\n</form>\n",
              T(zL, "Your experience (optional)"), T(zL, "Send my review"));
}

int page_agency(Request *r) {
  const char *zL = r->zLang;
  Err e = ERR_INIT;
  const char *zLic = path_licence(r);
  json_t *j, *jR, *a, *v;
  size_t i;
  if (!zLic) return -1;
  j = agency_get(r->store, zLic, req_query(r, "country"), &e);
  if (!j) return req_fail_with(r, &e);
  jR = review_list(r->store, "published", zLic, req_query(r, "country"), 100, &r->who, r->zAddr, &e);
  if (!jR) {
    json_decref(j);
    return req_fail_with(r, &e);
  }
  page_begin(r, js(j, "name"));
  Buf *b = &r->out;
  html_printf(b, "<h1>%s</h1>\n<p class=\"lead\">", js(j, "name"));
  status_badge(b, zL, js(j, "status"));
  html_raw_UNSAFE(b, "</p>\n<dl>\n");
  html_printf(b, "<dt>%s</dt><dd><span class=\"code\">%s %s</span></dd>\n", T(zL, "Licence"), js(j, "country"),
              js(j, "licence"));
  if (*js(j, "valid_from") || *js(j, "valid_to"))
    html_printf(b, "<dt>%s</dt><dd>%s – %s</dd>\n", T(zL, "Valid"), *js(j, "valid_from") ? js(j, "valid_from") : "?",
                *js(j, "valid_to") ? js(j, "valid_to") : "?");
  if (*js(j, "address")) html_printf(b, "<dt>%s</dt><dd>%s</dd>\n", T(zL, "Address"), js(j, "address"));
  a = json_object_get(j, "aliases");
  if (json_array_size(a)) {
    html_printf(b, "<dt>%s</dt>", T(zL, "Also known as"));
    json_array_foreach(a, i, v) html_printf(b, "<dd>%s</dd>", json_string_value(v));
    html_raw_UNSAFE(b, "\n");
  }
  a = json_object_get(j, "branches");
  if (json_array_size(a)) {
    html_printf(b, "<dt>%s</dt>", T(zL, "Branches"));
    json_array_foreach(a, i, v) html_printf(b, "<dd>%s</dd>", json_string_value(v));
    html_raw_UNSAFE(b, "\n");
  }
  html_raw_UNSAFE(b, "</dl>\n");
  html_printf(b, "<h2>%s</h2>\n<div class=\"table-wrap\"><table>\n<thead><tr><th scope=\"col\">%s</th>"
                 "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead>\n<tbody>\n",
              T(zL, "Status history"), T(zL, "Date"), T(zL, "Status"), T(zL, "Decision"), T(zL, "Reason"));
  json_array_foreach(json_object_get(j, "history"), i, v)
    html_printf(b, "<tr><td>%s</td><td>%s</td><td>%s %s</td><td>%s</td></tr>\n", js(v, "decided_on"),
                js(v, "new_status"), js(v, "decision_ref"), js(v, "authority"), js(v, "reason"));
  html_raw_UNSAFE(b, "</tbody></table></div>\n");
  a = json_object_get(j, "sanctions");
  if (json_array_size(a)) {
    html_printf(b, "<h2>%s</h2>\n<ul>\n", T(zL, "Sanctions"));
    json_array_foreach(a, i, v)
      html_printf(b, "<li>%s: %s (%s) %s</li>\n", js(v, "decided_on"), js(v, "kind"), js(v, "decision_ref"),
                  js(v, "description"));
    html_raw_UNSAFE(b, "</ul>\n");
  }
  json_t *jS = json_object_get(jR, "summary");
  html_printf(b, "<h2>%s</h2>\n", T(zL, "Workers' reviews"));
  if (json_integer_value(json_object_get(jS, "n")) > 0) {
    html_printf(b, "<div class=\"table-wrap\"><table>\n<thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
                   "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead>\n<tbody><tr>",
                T(zL, "No fees charged"), T(zL, "Contract as promised"), T(zL, "Documents kept by the worker"),
                T(zL, "Information given"));
    rating_cell(b, json_object_get(jS, "fees"));
    rating_cell(b, json_object_get(jS, "contract"));
    rating_cell(b, json_object_get(jS, "documents"));
    rating_cell(b, json_object_get(jS, "information"));
    html_raw_UNSAFE(b, "</tr></tbody></table></div>\n<ul class=\"reviews\">\n");
    json_array_foreach(json_object_get(jR, "reviews"), i, v)
      if (*js(v, "text")) html_printf(b, "<li><p>%s</p><p class=\"note\">%s</p></li>\n", js(v, "text"), js(v, "submitted"));
    html_raw_UNSAFE(b, "</ul>\n");
  } else {
    html_printf(b, "<p>%s</p>\n", T(zL, "No published reviews yet."));
  }
  review_form(r, j);
  html_printf(b, "<p><a href=\"/agencies/check\">%s</a></p>\n", T(zL, "Check another agency"));
  json_decref(j);
  json_decref(jR);
  page_end(r);
  return 0;
}

int page_costs(Request *r) {
  const char *zL = r->zLang;
  Err e = ERR_INIT;
  CostSdgOpts o;
  json_t *j, *v;
  size_t i;
  if (sdg_opts(r, &o)) return -1;
  j = cost_sdg(r->store, &o, &e);
  if (!j) return req_fail_with(r, &e);
  page_begin(r, T(zL, "Recruitment costs (SDG 10.7.1)"));
  Buf *b = &r->out;
  html_printf(b, "<h1>%s</h1>\n<p class=\"lead\">%s</p>\n", T(zL, "Recruitment costs (SDG 10.7.1)"),
              T(zL, "What workers paid to be recruited, as a multiple of their first month's earnings abroad "
                    "(1.0 = one month's pay), by migration corridor. Workers should pay nothing."));
  html_printf(b, "<p><a href=\"/costs\">%s</a> · <a href=\"/costs?by=sex\">%s</a> · <a href=\"/costs?by=isco\">%s</a>"
                 "</p>\n",
              T(zL, "By corridor"), T(zL, "By sex"), T(zL, "By occupation"));
  bool bSex = o.byMask & COST_BY_SEX, bIsco = o.byMask & COST_BY_ISCO, bAg = o.byMask & COST_BY_AGENCY;
  html_printf(b, "<div class=\"table-wrap\"><table class=\"sdg\">\n<thead><tr><th scope=\"col\">%s</th>"
                 "<th scope=\"col\">%s</th>",
              T(zL, "Origin"), T(zL, "Destination"));
  if (bSex) html_printf(b, "<th scope=\"col\">%s</th>", T(zL, "Sex"));
  if (bIsco) html_printf(b, "<th scope=\"col\">%s</th>", T(zL, "Occupation (ISCO-08)"));
  if (bAg) html_printf(b, "<th scope=\"col\">%s</th>", T(zL, "Agency"));
  html_printf(b, "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
                 "<th scope=\"col\">%s</th></tr></thead>\n<tbody>\n",
              T(zL, "Reports"), T(zL, "Mean"), T(zL, "Median"), T(zL, "4th quintile"), T(zL, "Share who paid"));
  json_array_foreach(json_object_get(j, "cells"), i, v) {
    html_printf(b, "<tr><td>%s</td><td>%s</td>", js(v, "origin"), js(v, "destination"));
    if (bSex) html_printf(b, "<td>%s</td>", js(v, "sex"));
    if (bIsco) html_printf(b, "<td>%s</td>", *js(v, "isco") ? js(v, "isco") : "?");
    if (bAg) html_printf(b, "<td>%s</td>", *js(v, "agency") ? js(v, "agency") : "?");
    html_printf(b, "<td>%lld</td>", (long long)json_integer_value(json_object_get(v, "n")));
    if (json_is_true(json_object_get(v, "suppressed"))) {
      html_printf(b, "<td colspan=\"4\" class=\"note\">%s</td></tr>\n", T(zL, "too few reports to publish"));
      continue;
    }
    html_printf(b, "<td>%.2f</td><td>%.2f</td><td>%.2f</td><td>%.0f%%</td></tr>\n",
                json_number_value(json_object_get(v, "mean")), json_number_value(json_object_get(v, "median")),
                json_number_value(json_object_get(v, "p80")),
                100 * json_number_value(json_object_get(v, "share_worker_paid")));
  }
  html_raw_UNSAFE(b, "</tbody></table></div>\n");
  html_printf(b, "<p class=\"note\">%s</p>\n",
              T(zL, "Per worker: costs the worker paid divided by the first month's earnings, both converted to one "
                    "currency at the rates reported. Then the mean, the median and the 4th quintile (80th "
                    "percentile) of these ratios in each corridor; corridors are never pooled. Cells with fewer "
                    "than 10 reports are not published."));
  html_printf(b, "<p><a href=\"/costs/report\">%s</a></p>\n", T(zL, "Report what you paid to be recruited"));
  json_decref(j);
  page_end(r);
  return 0;
}

/* ---- the cost report form ---- */

static const char *const azCat[] = {"recruitment_fee", "medical", "insurance", "skills_test", "training",
                                    "equipment", "travel_lodging", "administrative", "illegitimate"};
static const char *const azCatLabel[] = {
  N_("Recruitment fee (to the agency or a broker)"),
  N_("Medical examinations"),
  N_("Insurance"),
  N_("Skills or language tests"),
  N_("Training and orientation"),
  N_("Equipment and clothing"),
  N_("Travel and lodging"),
  N_("Documents, visa and permits"),
  N_("Bribes, deposits or other payments asked of you"),
};

static const char *fv(Request *r, const char *zName) {
  const char *z = req_form(r, zName);
  return z ? z : "";
}

static void text_field(Request *r, const char *zName, const char *zLabel, const char *zAttr, bool bPost) {
  html_printf(&r->out, "<p><label for=\"%s\">%s</label>\n<input id=\"%s\" name=\"%s\" %s value=\"%s\"></p>\n", zName,
              zLabel, zName, zName, zAttr, bPost ? fv(r, zName) : "");
}

static void cost_form(Request *r, bool bPost) {
  const char *zL = r->zLang;
  Buf *b = &r->out;
  html_printf(b, "<form class=\"login cost\" method=\"post\" action=\"/costs/report\">\n"
                 "<input type=\"hidden\" name=\"%s\" value=\"%s\">\n", HTTP_CSRF_FIELD, req_login_csrf(r));
  html_printf(b, "<fieldset><legend>%s</legend>\n", T(zL, "Your journey"));
  /* maxlength, not pattern: the server validates and says what is wrong. */
  text_field(r, "origin", T(zL, "Country you left (3 letters, e.g. NPL)"),
             "maxlength=\"3\" required autocapitalize=\"characters\"", bPost);
  text_field(r, "destination", T(zL, "Country where you work (3 letters, e.g. QAT)"),
             "maxlength=\"3\" required autocapitalize=\"characters\"", bPost);
  html_printf(b, "<p><label for=\"sex\">%s</label>\n<select id=\"sex\" name=\"sex\">\n", T(zL, "Sex"));
  static const char *const azSex[] = {"F", "M", "O"};
  const char *azSexLabel[] = {T(zL, "Woman"), T(zL, "Man"), T(zL, "Other")};
  for (int i = 0; i < 3; i++)
    html_printf(b, "<option value=\"%s\"%s>%s</option>\n", azSex[i],
                bPost && str_eq(fv(r, "sex"), azSex[i]) ? " selected" : "", azSexLabel[i]);
  html_raw_UNSAFE(b, "</select></p>\n");
  text_field(r, "isco", T(zL, "Occupation code ISCO-08 (optional, e.g. 9313)"), "maxlength=\"4\" inputmode=\"numeric\"",
             bPost);
  text_field(r, "agency_licence", T(zL, "Agency licence number (optional)"), "maxlength=\"64\"", bPost);
  text_field(r, "agency_country", T(zL, "Country that issued the licence (optional)"),
             "maxlength=\"3\" autocapitalize=\"characters\"", bPost);
  text_field(r, "agency_name", T(zL, "Agency name, if you do not know the licence (optional)"), "maxlength=\"300\"",
             bPost);
  html_raw_UNSAFE(b, "</fieldset>\n");
  html_printf(b, "<fieldset><legend>%s</legend>\n", T(zL, "Your first month's pay"));
  text_field(r, "earnings", T(zL, "Pay for your first month, after taxes"), "maxlength=\"16\" inputmode=\"decimal\" required",
             bPost);
  text_field(r, "earnings_currency", T(zL, "Currency of your pay (e.g. QAR)"),
             "maxlength=\"3\" required autocapitalize=\"characters\"", bPost);
  html_raw_UNSAFE(b, "</fieldset>\n");
  html_printf(b, "<fieldset><legend>%s</legend>\n<p class=\"note\">%s</p>\n", T(zL, "What you paid"),
              T(zL, "Leave empty what you did not pay. If you paid in another currency, give it and how much one unit "
                    "was worth in the currency of your pay."));
  text_field(r, "cost_currency", T(zL, "Currency you paid in (e.g. NPR)"),
             "maxlength=\"3\" autocapitalize=\"characters\"", bPost);
  text_field(r, "rate", T(zL, "Value of one unit of that currency in the currency of your pay (e.g. 0.0276)"),
             "maxlength=\"16\" inputmode=\"decimal\"", bPost);
  for (size_t i = 0; i < COUNT(azCat); i++) {
    char zName[40];
    snprintf(zName, sizeof zName, "cost_%s", azCat[i]);
    text_field(r, zName, T(zL, azCatLabel[i]), "maxlength=\"16\" inputmode=\"decimal\"", bPost);
  }
  html_raw_UNSAFE(b, "</fieldset>\n");
  html_printf(b, "<p class=\"note\">%s</p>\n<p><button type=\"submit\">%s</button></p>\n</form>\n",
              T(zL, "Your report is anonymous: no name, account or address is kept."), T(zL, "Send my report"));
}

static void cost_intro(Request *r) {
  const char *zL = r->zLang;
  html_printf(&r->out, "<h1>%s</h1>\n<p class=\"lead\">%s</p>\n", T(zL, "Report what you paid to be recruited"),
              T(zL, "Under the ILO principles, workers should pay no recruitment fees or related costs. Tell us what "
                    "you paid to get your job abroad: it helps to measure and reduce these costs."));
}

int page_cost_form(Request *r) {
  page_begin(r, T(r->zLang, "Report what you paid to be recruited"));
  cost_intro(r);
  cost_form(r, false);
  page_end(r);
  return 0;
}

static char *upper3(Request *r, const char *z) {
  char *zOut = arena_strdup(r->arena, z);
  for (char *p = zOut; *p; p++)
    if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 32);
  return zOut;
}

/* The form as the JSON of POST /api/v1/costs. Amounts stay strings: cost.c parses them exactly. */
static json_t *cost_form_json(Request *r) {
  json_t *j = json_object(), *a = json_array();
  const char *zEarnCur = upper3(r, fv(r, "earnings_currency"));
  const char *zCostCur = *fv(r, "cost_currency") ? upper3(r, fv(r, "cost_currency")) : zEarnCur;
  json_object_set_new(j, "origin", json_string(upper3(r, fv(r, "origin"))));
  json_object_set_new(j, "destination", json_string(upper3(r, fv(r, "destination"))));
  json_object_set_new(j, "sex", json_string(fv(r, "sex")));
  if (*fv(r, "isco")) json_object_set_new(j, "isco", json_string(fv(r, "isco")));
  if (*fv(r, "agency_licence")) {
    json_t *jA = json_pack("{s:s}", "licence", fv(r, "agency_licence"));
    if (*fv(r, "agency_country")) json_object_set_new(jA, "country", json_string(upper3(r, fv(r, "agency_country"))));
    json_object_set_new(j, "agency", jA);
  }
  if (*fv(r, "agency_name")) json_object_set_new(j, "agency_name", json_string(fv(r, "agency_name")));
  json_object_set_new(j, "reporting_currency", json_string(zEarnCur));
  json_object_set_new(j, "earnings", json_pack("{s:s, s:s}", "amount", fv(r, "earnings"), "currency", zEarnCur));
  for (size_t i = 0; i < COUNT(azCat); i++) {
    char zName[40];
    snprintf(zName, sizeof zName, "cost_%s", azCat[i]);
    const char *zAmt = fv(r, zName);
    if (!*zAmt) continue;
    json_t *jI = json_pack("{s:s, s:s, s:s, s:s}", "category", azCat[i], "paid_by", "worker", "amount", zAmt,
                           "currency", zCostCur);
    if (!str_eq(zCostCur, zEarnCur)) {
      char *zEnd = NULL;
      const char *zRate = fv(r, "rate");
      double d = strtod(zRate, &zEnd);
      /* A missing or unreadable rate is left out: cost.c then names the field. */
      if (*zRate && zEnd && !*zEnd) json_object_set_new(jI, "rate", json_real(d));
    }
    json_array_append_new(a, jI);
  }
  json_object_set_new(j, "items", a);
  return j;
}

int page_cost_post(Request *r) {
  const char *zL = r->zLang;
  Err e = ERR_INIT;
  json_t *j = cost_form_json(r);
  int64_t id = cost_report_add(r->store, j, true, &e);
  json_decref(j);
  if (id < 0 && e.code != ERR_INVALID) return req_fail_with(r, &e);
  if (id < 0) r->status = 400;
  page_begin(r, T(zL, "Report what you paid to be recruited"));
  cost_intro(r);
  Buf *b = &r->out;
  if (id < 0) {
    html_printf(b, "<p class=\"error\" role=\"alert\">%s %s</p>\n", T(zL, "Please check your report:"),
                e.zMsg ? e.zMsg : "");
    err_clear(&e);
    cost_form(r, true);
  } else {
    json_t *jR = cost_report_get(r->store, id, &e);
    err_clear(&e);
    html_printf(b, "<section id=\"result\" aria-live=\"polite\">\n<h2>%s</h2>\n",
                T(zL, "Thank you: your report was recorded."));
    if (jR && json_is_true(json_object_get(jR, "no_fee_breach")))
      html_printf(b, "<p class=\"lead\"><strong>%s</strong></p>\n<p>%s %s %s (%s %.2f)</p>\n",
                  T(zL, "You paid costs that workers should never pay."), T(zL, "You paid"), js(jR, "worker_paid"),
                  js(jR, "reporting_currency"), T(zL, "months of pay:"),
                  json_number_value(json_object_get(jR, "ratio")));
    else html_printf(b, "<p class=\"lead\">%s</p>\n", T(zL, "You reported no costs paid by yourself."));
    html_printf(b, "<p><a href=\"/costs\">%s</a> · <a href=\"/agencies/check\">%s</a></p>\n</section>\n",
                T(zL, "See recruitment costs by corridor"), T(zL, "Check an agency"));
    json_decref(jR);
  }
  page_end(r);
  return 0;
}

int page_agency_review_post(Request *r) {
  const char *zL = r->zLang;
  Err e = ERR_INIT;
  const char *zLic = path_licence(r);
  const char *zCountry = req_form(r, "country");
  if (!zLic) return -1;
  json_t *j = json_object(), *jRat = json_object(), *jA = json_pack("{s:s}", "licence", zLic);
  if (zCountry && *zCountry) json_object_set_new(jA, "country", json_string(zCountry));
  json_object_set_new(j, "agency", jA);
  for (size_t i = 0; i < COUNT(azRatingField); i++) {
    const char *z = req_form(r, azRatingField[i]);
    long long v;
    if (!z || !*z) continue;
    /* Out of range or not a number: pass it on as text so review_submit names the field. */
    if (parse_int(z, 1, 5, &v) == 0) json_object_set_new(jRat, azRatingField[i], json_integer(v));
    else json_object_set_new(jRat, azRatingField[i], json_string(z));
  }
  json_object_set_new(j, "ratings", jRat);
  if (req_form(r, "text") && *req_form(r, "text")) json_object_set_new(j, "text", json_string(req_form(r, "text")));
  json_object_set_new(j, "lang", json_string(zL));
  int64_t id = review_submit(r->store, j, &e);
  json_decref(j);
  if (id < 0 && e.code != ERR_INVALID) return req_fail_with(r, &e);
  if (id < 0) r->status = 400;
  page_begin(r, T(zL, "Review this agency"));
  Buf *b = &r->out;
  html_printf(b, "<h1>%s</h1>\n", T(zL, "Review this agency"));
  if (id < 0) html_printf(b, "<p class=\"error\" role=\"alert\">%s %s</p>\n", T(zL, "Please check your review:"),
                          e.zMsg ? e.zMsg : "");
  else html_printf(b, "<p class=\"lead\" id=\"result\">%s</p>\n",
                   T(zL, "Thank you. Your review will be published after moderation."));
  html_printf(b, "<p><a href=\"/agencies/%s?country=%s\">%s</a></p>\n", zLic, zCountry ? zCountry : "",
              T(zL, "Back to the agency"));
  err_clear(&e);
  page_end(r);
  return 0;
}

/* ---- moderation (recruitment regulators) ---- */

int page_reviews_moderate(Request *r) {
  const char *zL = r->zLang;
  Err e = ERR_INIT;
  json_t *j = review_list(r->store, "pending", NULL, NULL, 100, &r->who, r->zAddr, &e), *v;
  size_t i;
  if (!j) return req_fail_with(r, &e);
  page_begin(r, T(zL, "Reviews waiting for moderation"));
  Buf *b = &r->out;
  html_printf(b, "<h1>%s</h1>\n<p class=\"lead\">%s</p>\n", T(zL, "Reviews waiting for moderation"),
              T(zL, "Publish a review only if it names no one and reveals nothing that identifies the worker. "
                    "Each decision is recorded in the audit log."));
  if (json_array_size(json_object_get(j, "reviews")) == 0) html_printf(b, "<p>%s</p>\n", T(zL, "None."));
  json_array_foreach(json_object_get(j, "reviews"), i, v) {
    json_t *jA = json_object_get(v, "agency"), *jRat = json_object_get(v, "ratings");
    long long id = (long long)json_integer_value(json_object_get(v, "id"));
    html_printf(b, "<section class=\"review\" id=\"review-%lld\">\n<h2>#%lld · %s</h2>\n", id, id,
                jA ? js(jA, "name") : js(json_object_get(v, "employer"), "name"));
    html_raw_UNSAFE(b, "<ul>\n");
    for (size_t k = 0; k < COUNT(azRatingField); k++) {
      json_t *jR = json_object_get(jRat, azRatingField[k]);
      if (json_is_integer(jR))
        html_printf(b, "<li>%s: %lld / 5</li>\n", T(zL, azRatingLabel[k]), (long long)json_integer_value(jR));
    }
    html_raw_UNSAFE(b, "</ul>\n");
    if (*js(v, "text")) html_printf(b, "<blockquote>%s</blockquote>\n", js(v, "text"));
    html_printf(b, "<p class=\"note\">%s %s</p>\n", T(zL, "Submitted in"), js(v, "submitted"));
    html_printf(b, "<form class=\"login\" method=\"post\" action=\"/reviews/%lld/moderate\">\n"
                   "<input type=\"hidden\" name=\"%s\" value=\"%s\">\n"
                   "<p><label for=\"note-%lld\">%s</label>\n<input id=\"note-%lld\" name=\"note\" maxlength=\"2000\"></p>\n"
                   "<p><button type=\"submit\" name=\"action\" value=\"publish\">%s</button> "
                   "<button type=\"submit\" name=\"action\" value=\"reject\">%s</button></p>\n</form>\n</section>\n",
                id, HTTP_CSRF_FIELD, r->zCsrf ? r->zCsrf : "", id, T(zL, "Note (kept, never published)"), id,
                T(zL, "Publish"), T(zL, "Reject"));
  }
  json_decref(j);
  page_end(r);
  return 0;
}

int page_review_moderate_post(Request *r) {
  Err e = ERR_INIT;
  long long id;
  const char *zAction = req_form(r, "action");
  if (r->nParam < 1 || parse_int(r->azParam[0], 1, INT64_MAX, &id)) {
    req_fail(r, ERR_INVALID, "the review id must be a whole number");
    err_where(&r->err, "id");
    return -1;
  }
  if (!str_eq(zAction, "publish") && !str_eq(zAction, "reject")) {
    req_fail(r, ERR_INVALID, "choose publish or reject");
    err_where(&r->err, "action");
    return -1;
  }
  if (review_moderate(r->store, id, str_eq(zAction, "publish"), req_form(r, "note"), &r->who, r->zAddr, &e))
    return req_fail_with(r, &e);
  resp_redirect(r, "/reviews/moderate");
  return 0;
}
