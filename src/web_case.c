/*
** web_case.c: complaints and cases over HTTP. The handlers only translate
** between HTTP (JSON bodies, forms, pages) and case.c; the firewall and the
** audit are in case.c and policy.c, so no page can forget them.
*/
#include "web_case.h"
#include "case.h"
#include "html.h"
#include "i18n.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Translatable labels of the codes (xgettext reads the N_ marks). */
static const char *const azCategoryLabel[] = {
  N_("Unpaid wages"), N_("Contract substitution (a worse contract than promised)"),
  N_("Passport or documents kept by the employer or agency"), N_("Recruitment fees charged to the worker"),
  N_("Unsafe work"), N_("Harassment or violence"), N_("Forced labour (threats, debt, not free to leave)"),
  N_("Something else"),
};
static const char *const azStateLabel[] = {
  N_("Received"), N_("Assigned to an inspector"), N_("In mediation"), N_("Referred to another country"),
  N_("Resolved"), N_("Closed"),
};
static const char *const azContactLabel[] = {
  N_("Do not contact me"), N_("By email"), N_("By phone"), N_("By post"), N_("In person"),
};

static int index_of(const char *const *az, const char *z) {
  for (int i = 0; z && az[i]; i++)
    if (strcmp(az[i], z) == 0) return i;
  return -1;
}

static const char *label(Request *r, const char *const *azCode, const char *const *azLabel, const char *z) {
  int i = index_of(azCode, z);
  return i < 0 ? (z ? z : "") : req_t(r, azLabel[i]);
}

static int case_param(Request *r, int64_t *pId) {
  char z[32];
  size_t n = r->nParam > 0 ? strcspn(r->azParam[0], "/") : 0;
  if (n == 0 || n >= sizeof z) goto bad_id;
  memcpy(z, r->azParam[0], n);
  z[n] = 0;
  if (case_parse_number(z, pId) == 0) return 0;
bad_id:
  req_fail(r, ERR_INVALID, "a case is named like C-000123 or 123");
  err_where(&r->err, "id");
  return -1;
}

static int send(Request *r, int status, json_t *j, Err *e) {
  if (!j) return req_fail_with(r, e);
  resp_json(r, status, j);
  return 0;
}

/* ---- JSON API ---- */

int api_complaint_file(Request *r) {
  Err e = ERR_INIT;
  json_t *jIn = req_json(r);
  if (!jIn) return -1;
  return send(r, 201, case_file(r->store, &r->who, r->zAddr, jIn, &e), &e);
}

int api_complaint_track(Request *r) {
  Err e = ERR_INIT;
  json_t *jIn = req_json(r), *v;
  if (!jIn) return -1;
  v = json_object_get(jIn, "receipt");
  if (!json_is_string(v)) {
    req_fail(r, ERR_INVALID, "receipt (the code on the complaint's receipt) is required");
    err_where(&r->err, "/receipt");
    return -1;
  }
  return send(r, 200, case_track(r->store, json_string_value(v), r->zAddr, &e), &e);
}

int api_case_queue(Request *r) {
  Err e = ERR_INIT;
  return send(r, 200, case_queue(r->store, &r->who, r->zAddr, &e), &e);
}

int api_case_stats(Request *r) {
  Err e = ERR_INIT;
  long long nMin;
  if (req_query_int(r, "min_n", 1, 1000, CASE_MIN_CELL, &nMin)) return -1;
  return send(r, 200, case_stats(r->store, req_query(r, "by"), (int)nMin, &e), &e);
}

int api_case_search(Request *r) {
  static const char *const azKind[] = {"name", "passport", "phone"};
  Err e = ERR_INIT;
  const char *zKind = NULL, *zVal = NULL;
  for (int k = 0; k < 3; k++) {
    const char *z = req_query(r, azKind[k]);
    if (!z) continue;
    if (zKind) return req_fail(r, ERR_INVALID, "search by one of name, passport or phone");
    zKind = azKind[k];
    zVal = z;
  }
  if (!zKind) return req_fail(r, ERR_INVALID, "search by one of name, passport or phone");
  return send(r, 200, case_search(r->store, &r->who, zKind, zVal, r->zAddr, &e), &e);
}

int api_case_get(Request *r) {
  Err e = ERR_INIT;
  int64_t id;
  if (case_param(r, &id)) return -1;
  return send(r, 200, case_get(r->store, &r->who, id, r->zAddr, &e), &e);
}

int api_case_act(Request *r) {
  Err e = ERR_INIT;
  int64_t id;
  json_t *jIn;
  if (case_param(r, &id)) return -1;
  if (!(jIn = req_json(r))) return -1;
  return send(r, 200, case_act(r->store, &r->who, id, jIn, r->zAddr, &e), &e);
}

/* ---- pages ---- */

static void put_time(Buf *b, json_t *v) {
  char z[32];
  if (json_is_integer(v)) html_printf(b, "%s UTC", utc_minute((int64_t)json_integer_value(v), z));
  else html_printf(b, "-");
}

static const char *jstr(json_t *o, const char *zKey) { return json_string_value(json_object_get(o, zKey)); }

static void put_select(Request *r, const char *zName, const char *const *azCode, const char *const *azLabel,
                       const char *zCur) {
  html_printf(&r->out, "<select id=\"%s\" name=\"%s\">\n", zName, zName);
  for (int i = 0; azCode[i]; i++) {
    html_printf(&r->out, "<option value=\"%s\"", azCode[i]);
    if (zCur && strcmp(zCur, azCode[i]) == 0) html_raw_UNSAFE(&r->out, " selected");
    html_printf(&r->out, ">%s</option>\n", req_t(r, azLabel[i]));
  }
  html_printf(&r->out, "</select>\n");
}

static void put_input(Request *r, const char *zName, const char *zLabel, const char *zType, int nMax,
                      const char *zValue) {
  html_printf(&r->out,
              "<label for=\"%s\">%s</label>\n<input id=\"%s\" name=\"%s\" type=\"%s\" maxlength=\"%d\" value=\"%s\">\n",
              zName, zLabel, zName, zName, zType, nMax, zValue ? zValue : "");
}

/* The complaint form, refilled with what was sent when zError says what to fix. */
static void complaint_form(Request *r, const char *zError) {
  Buf *b = &r->out;
  const char *zL = r->zLang;
  const char *zLang = req_form(r, "language");
  page_begin(r, T(zL, "Make a complaint"));
  html_printf(b, "<h1>%s</h1>\n", T(zL, "Make a complaint"));
  html_printf(b, "<p>%s</p>\n",
              T(zL, "Labour inspectors deal with your complaint whatever your immigration status. What you tell them "
                    "is never passed to immigration authorities. You may stay anonymous."));
  if (zError) html_printf(b, "<p class=\"error\" role=\"alert\">%s</p>\n", zError);
  html_printf(b, "<form class=\"stack\" method=\"post\" action=\"/complaint\">\n<input type=\"hidden\" name=\"%s\" value=\"%s\">\n",
              HTTP_CSRF_FIELD, r->zCsrf ? r->zCsrf : req_login_csrf(r));
  html_printf(b, "<label for=\"category\">%s</label>\n", T(zL, "What happened?"));
  put_select(r, "category", case_azCategory, azCategoryLabel, req_form(r, "category"));
  html_printf(b, "<label for=\"description\">%s</label>\n<textarea id=\"description\" name=\"description\" rows=\"6\" "
                 "maxlength=\"%d\" required>%s</textarea>\n",
              T(zL, "Describe it in your own words"), CASE_DESCRIPTION_MAX,
              req_form(r, "description") ? req_form(r, "description") : "");
  html_printf(b, "<label for=\"language\">%s</label>\n<select id=\"language\" name=\"language\">\n",
              T(zL, "Language you wrote in"));
  {
    static const char *const azLang[] = {"en", "fr", "es", "ar", "bn", "hi", "id", "ne", "pt", "ru", "sw", "tl", "uk",
                                         "ur", "vi", "zh", "am", "my", "si", "ta", NULL};
    static const char *const azLangName[] = {"English", "Français", "Español", "العربية", "বাংলা", "हिन्दी",
                                             "Bahasa Indonesia", "नेपाली", "Português", "Русский", "Kiswahili",
                                             "Tagalog", "Українська", "اردو", "Tiếng Việt", "中文", "አማርኛ", "မြန်မာ",
                                             "සිංහල", "தமிழ்"};
    const char *zCur = zLang ? zLang : zL;
    for (int i = 0; azLang[i]; i++) {
      html_printf(b, "<option value=\"%s\"", azLang[i]);
      if (strcmp(zCur, azLang[i]) == 0) html_raw_UNSAFE(b, " selected");
      html_printf(b, " lang=\"%s\">%s</option>\n", azLang[i], azLangName[i]);
    }
  }
  html_printf(b, "</select>\n<fieldset><legend>%s</legend>\n", T(zL, "When (if you know)"));
  put_input(r, "occurred_from", T(zL, "From"), "date", 10, req_form(r, "occurred_from"));
  put_input(r, "occurred_to", T(zL, "To"), "date", 10, req_form(r, "occurred_to"));
  html_printf(b, "</fieldset>\n<fieldset><legend>%s</legend>\n", T(zL, "Employer and agency (if you know)"));
  put_input(r, "employer_name", T(zL, "Employer"), "text", 200, req_form(r, "employer_name"));
  put_input(r, "employer_country", T(zL, "Country of work (3-letter code, e.g. SAU)"), "text", 3,
            req_form(r, "employer_country"));
  put_input(r, "agency_name", T(zL, "Recruitment agency"), "text", 200, req_form(r, "agency_name"));
  put_input(r, "agency_licence", T(zL, "Agency licence number"), "text", 64, req_form(r, "agency_licence"));
  html_printf(b, "</fieldset>\n<fieldset><legend>%s</legend>\n<p>%s</p>\n", T(zL, "About you (optional)"),
              T(zL, "Leave these empty to stay anonymous. They are encrypted and only the inspector handling your "
                    "case can read them."));
  put_input(r, "name", T(zL, "Name"), "text", 200, req_form(r, "name"));
  put_input(r, "passport", T(zL, "Passport number"), "text", 40, req_form(r, "passport"));
  put_input(r, "phone", T(zL, "Phone"), "tel", 40, req_form(r, "phone"));
  put_input(r, "email", T(zL, "Email"), "email", 254, req_form(r, "email"));
  html_printf(b, "<label for=\"contact_method\">%s</label>\n", T(zL, "How may the inspector contact you?"));
  put_select(r, "contact_method", case_azContact, azContactLabel, req_form(r, "contact_method"));
  put_input(r, "contact_detail", T(zL, "Where (address, or another number)"), "text", 500, req_form(r, "contact_detail"));
  html_printf(b, "</fieldset>\n<p><button type=\"submit\">%s</button></p>\n</form>\n", T(zL, "Send the complaint"));
  html_printf(b, "<p><a href=\"/complaint/track\">%s</a> · <a href=\"/complaint/stats\">%s</a></p>\n",
              T(zL, "Follow a complaint you made"), T(zL, "Complaints in figures"));
  page_end(r);
}

int page_complaint_form(Request *r) {
  complaint_form(r, NULL);
  return 0;
}

/* Add a form field to o at key when it is not blank. */
static void put_field(json_t *o, const char *zKey, const char *z) {
  if (z && z[strspn(z, " \t\r\n")]) json_object_set_new(o, zKey, json_string(z));
}

/* Which form field a JSON pointer of case_file's errors refers to. */
static const char *field_of(const char *zPtr) {
  static const char *const az[][2] = {
    {"/employer/name", "employer_name"}, {"/employer/country", "employer_country"}, {"/agency/name", "agency_name"},
    {"/agency/licence", "agency_licence"}, {"/complainant/name", "name"}, {"/complainant/passport", "passport"},
    {"/complainant/phone", "phone"}, {"/complainant/email", "email"}, {"/contact/method", "contact_method"},
    {"/contact/detail", "contact_detail"},
  };
  if (!zPtr) return NULL;
  for (size_t i = 0; i < sizeof az / sizeof az[0]; i++)
    if (strcmp(zPtr, az[i][0]) == 0) return az[i][1];
  return zPtr[0] == '/' ? zPtr + 1 : zPtr;
}

int page_complaint_post(Request *r) {
  const char *zL = r->zLang;
  Buf *b = &r->out;
  Err e = ERR_INIT;
  json_t *j = json_object(), *jOut, *o;
  const char *zName = req_form(r, "name"), *zPass = req_form(r, "passport"), *zPhone = req_form(r, "phone"),
             *zEmail = req_form(r, "email");
  bool bIdentity = false;
  put_field(j, "category", req_form(r, "category"));
  put_field(j, "description", req_form(r, "description"));
  put_field(j, "language", req_form(r, "language"));
  put_field(j, "occurred_from", req_form(r, "occurred_from"));
  put_field(j, "occurred_to", req_form(r, "occurred_to"));
  o = json_object();
  put_field(o, "name", req_form(r, "employer_name"));
  put_field(o, "country", req_form(r, "employer_country"));
  if (json_object_size(o)) json_object_set(j, "employer", o);
  json_decref(o);
  o = json_object();
  put_field(o, "name", req_form(r, "agency_name"));
  put_field(o, "licence", req_form(r, "agency_licence"));
  if (json_object_size(o)) json_object_set(j, "agency", o);
  json_decref(o);
  o = json_object();
  put_field(o, "name", zName);
  put_field(o, "passport", zPass);
  put_field(o, "phone", zPhone);
  put_field(o, "email", zEmail);
  bIdentity = json_object_size(o) > 0;
  if (bIdentity) json_object_set(j, "complainant", o);
  json_decref(o);
  json_object_set_new(j, "anonymous", json_boolean(!bIdentity));
  o = json_object();
  put_field(o, "method", req_form(r, "contact_method"));
  put_field(o, "detail", req_form(r, "contact_detail"));
  if (json_object_size(o)) json_object_set(j, "contact", o);
  json_decref(o);
  jOut = case_file(r->store, &r->who, r->zAddr, j, &e);
  json_decref(j);
  if (!jOut) {
    if (e.code != ERR_INVALID) return req_fail_with(r, &e);
    /* Say which field, in words the complainant reads, and keep what they typed. */
    char *zMsg = xasprintf("%s: %s (%s)", T(zL, "Please check the form"), e.zMsg ? e.zMsg : "",
                           field_of(e.zWhere) ? field_of(e.zWhere) : "");
    err_clear(&e);
    r->status = 400;
    complaint_form(r, zMsg);
    free(zMsg);
    return 0;
  }
  page_begin(r, T(zL, "Complaint received"));
  html_printf(b, "<h1>%s</h1>\n<p>%s <strong>%s</strong>.</p>\n", T(zL, "Complaint received"),
              T(zL, "Your complaint is registered as"), jstr(jOut, "case"));
  html_printf(b, "<p>%s</p>\n<p class=\"receipt\" id=\"receipt\">%s</p>\n",
              T(zL, "Your receipt code. Write it down or take a picture: it is shown only once, and it is the only way "
                    "to follow your complaint without an account."),
              jstr(jOut, "receipt"));
  html_printf(b, "<p><a href=\"/complaint/track\">%s</a></p>\n", T(zL, "Follow a complaint you made"));
  json_decref(jOut);
  page_end(r);
  return 0;
}

static void track_form(Request *r, const char *zError) {
  Buf *b = &r->out;
  const char *zL = r->zLang;
  page_begin(r, T(zL, "Follow your complaint"));
  html_printf(b, "<h1>%s</h1>\n", T(zL, "Follow your complaint"));
  if (zError) html_printf(b, "<p class=\"error\" role=\"alert\">%s</p>\n", zError);
  html_printf(b,
              "<form class=\"stack\" method=\"post\" action=\"/complaint/track\">\n<input type=\"hidden\" name=\"%s\" "
              "value=\"%s\">\n<label for=\"receipt\">%s</label>\n<input id=\"receipt\" name=\"receipt\" type=\"text\" "
              "maxlength=\"40\" autocomplete=\"off\" autocapitalize=\"characters\" spellcheck=\"false\" required>\n"
              "<p><button type=\"submit\">%s</button></p>\n</form>\n",
              HTTP_CSRF_FIELD, r->zCsrf ? r->zCsrf : req_login_csrf(r), T(zL, "Receipt code"), T(zL, "Show"));
  page_end(r);
}

int page_track_form(Request *r) {
  track_form(r, NULL);
  return 0;
}

static void put_events(Request *r, json_t *jEv) {
  json_t *o;
  size_t i;
  Buf *b = &r->out;
  html_printf(b, "<h2>%s</h2>\n<ol class=\"events\">\n", req_t(r, "History"));
  json_array_foreach(jEv, i, o) {
    const char *zKind = jstr(o, "kind");
    html_printf(b, "<li>");
    put_time(b, json_object_get(o, "at"));
    html_printf(b, ": ");
    if (zKind && (strcmp(zKind, "state") == 0 || strcmp(zKind, "referred") == 0 || strcmp(zKind, "filed") == 0 ||
                  strcmp(zKind, "assigned") == 0))
      html_printf(b, "%s", label(r, case_azState, azStateLabel, jstr(o, "to")));
    else if (zKind && strcmp(zKind, "escalated") == 0)
      html_printf(b, "<span class=\"escalated\">%s</span>", req_t(r, "Deadline passed: escalated"));
    else
      html_printf(b, "%s", req_t(r, "Note"));
    if (jstr(o, "by")) html_printf(b, " (%s)", jstr(o, "by"));
    if (jstr(o, "note")) html_printf(b, "<br>%s", jstr(o, "note"));
    html_printf(b, "</li>\n");
  }
  html_printf(b, "</ol>\n");
}

/* "Name (extra)", "Name", "extra" or "-" from two members of o. */
static void put_pair(Request *r, const char *zTerm, json_t *o, const char *zMain, const char *zExtra) {
  const char *a = jstr(o, zMain), *c = jstr(o, zExtra);
  html_printf(&r->out, "<dt>%s</dt><dd>", zTerm);
  if (a && c) html_printf(&r->out, "%s (%s)", a, c);
  else html_printf(&r->out, "%s", a ? a : c ? c : "-");
  html_printf(&r->out, "</dd>\n");
}

/* The facts of a case as a definition list (both views). */
static void put_case(Request *r, json_t *j) {
  Buf *b = &r->out;
  json_t *jWho = json_object_get(j, "complainant"), *jAmt = json_object_get(j, "amount_recovered");
  html_printf(b, "<dl class=\"case\">\n<dt>%s</dt><dd>%s</dd>\n", req_t(r, "State"),
              label(r, case_azState, azStateLabel, jstr(j, "state")));
  if (json_is_true(json_object_get(j, "escalated")))
    html_printf(b, "<dt></dt><dd class=\"escalated\">%s</dd>\n", req_t(r, "Deadline passed: escalated"));
  html_printf(b, "<dt>%s</dt><dd>%s</dd>\n<dt>%s</dt><dd>", req_t(r, "Category"),
              label(r, case_azCategory, azCategoryLabel, jstr(j, "category")), req_t(r, "Received"));
  put_time(b, json_object_get(j, "received_at"));
  html_printf(b, "</dd>\n<dt>%s</dt><dd>", req_t(r, "Next step due"));
  put_time(b, json_object_get(j, "deadline"));
  html_printf(b, "</dd>\n");
  if (json_object_get(j, "assigned_to"))
    html_printf(b, "<dt>%s</dt><dd>%s</dd>\n", req_t(r, "Inspector"),
                jstr(j, "assigned_to") ? jstr(j, "assigned_to") : req_t(r, "not yet assigned"));
  put_pair(r, req_t(r, "Employer"), json_object_get(j, "employer"), "name", "country");
  put_pair(r, req_t(r, "Recruitment agency"), json_object_get(j, "agency"), "name", "licence");
  if (json_is_true(json_object_get(j, "anonymous"))) {
    html_printf(b, "<dt>%s</dt><dd>%s</dd>\n", req_t(r, "Complainant"), req_t(r, "anonymous"));
  } else if (jWho) {
    html_printf(b, "<dt>%s</dt><dd>%s</dd>\n<dt>%s</dt><dd>%s</dd>\n<dt>%s</dt><dd>%s</dd>\n<dt>%s</dt><dd>%s</dd>\n",
                req_t(r, "Name"), jstr(jWho, "name") ? jstr(jWho, "name") : "-", req_t(r, "Passport number"),
                jstr(jWho, "passport") ? jstr(jWho, "passport") : "-", req_t(r, "Phone"),
                jstr(jWho, "phone") ? jstr(jWho, "phone") : "-", req_t(r, "Email"),
                jstr(jWho, "email") ? jstr(jWho, "email") : "-");
  }
  if (json_is_object(jAmt))
    html_printf(b, "<dt>%s</dt><dd>%s %s</dd>\n", req_t(r, "Amount recovered"), jstr(jAmt, "amount"),
                jstr(jAmt, "currency") ? jstr(jAmt, "currency") : "");
  if (jstr(j, "outcome")) html_printf(b, "<dt>%s</dt><dd>%s</dd>\n", req_t(r, "Outcome"), jstr(j, "outcome"));
  html_printf(b, "</dl>\n<h2>%s</h2>\n<p>%s</p>\n", req_t(r, "Description"), jstr(j, "description"));
  put_events(r, json_object_get(j, "events"));
}

int page_track_post(Request *r) {
  const char *zL = r->zLang;
  Err e = ERR_INIT;
  const char *zCode = req_form(r, "receipt");
  json_t *j = case_track(r->store, zCode ? zCode : "", r->zAddr, &e);
  if (!j) {
    if (e.code != ERR_NOT_FOUND && e.code != ERR_INVALID) return req_fail_with(r, &e);
    err_clear(&e);
    r->status = 404;
    track_form(r, T(zL, "No complaint has this receipt code. Check the code: letters O and I count as 0 and 1."));
    return 0;
  }
  page_begin(r, T(zL, "Follow your complaint"));
  html_printf(&r->out, "<h1>%s %s</h1>\n", T(zL, "Complaint"), jstr(j, "case"));
  put_case(r, j);
  json_decref(j);
  page_end(r);
  return 0;
}

static void queue_table(Request *r, const char *zTitle, json_t *a) {
  Buf *b = &r->out;
  json_t *o;
  size_t i;
  html_printf(b, "<h2>%s (%zu)</h2>\n", zTitle, json_array_size(a));
  if (!json_array_size(a)) return;
  html_printf(b, "<div class=\"table-wrap\"><table>\n<thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>"
                 "</thead>\n<tbody>\n",
              req_t(r, "Case"), req_t(r, "Category"), req_t(r, "State"), req_t(r, "Next step due"));
  json_array_foreach(a, i, o) {
    html_printf(b, "<tr><td><a href=\"/cases/%lld\">%s</a></td><td>%s</td><td>%s</td><td>",
                (long long)json_integer_value(json_object_get(o, "id")), jstr(o, "case"),
                label(r, case_azCategory, azCategoryLabel, jstr(o, "category")),
                label(r, case_azState, azStateLabel, jstr(o, "state")));
    put_time(b, json_object_get(o, "deadline"));
    if (json_is_true(json_object_get(o, "escalated")))
      html_printf(b, " <span class=\"escalated\">%s</span>", req_t(r, "overdue"));
    html_printf(b, "</td></tr>\n");
  }
  html_printf(b, "</tbody></table></div>\n");
}

int page_case_queue(Request *r) {
  Err e = ERR_INIT;
  json_t *j = case_queue(r->store, &r->who, r->zAddr, &e);
  if (!j) return req_fail_with(r, &e);
  page_begin(r, req_t(r, "Cases"));
  html_printf(&r->out, "<h1>%s</h1>\n", req_t(r, "Cases"));
  queue_table(r, req_t(r, "Assigned to you"), json_object_get(j, "mine"));
  queue_table(r, req_t(r, "Waiting for an inspector"), json_object_get(j, "unassigned"));
  json_decref(j);
  page_end(r);
  return 0;
}

/* The inspector's forms on a case page; each posts back to /cases/{id}. */
static void case_forms(Request *r, json_t *j) {
  Buf *b = &r->out;
  const char *zState = jstr(j, "state");
  long long id = (long long)json_integer_value(json_object_get(j, "id"));
  if (!r->zCsrf || (zState && strcmp(zState, "closed") == 0)) return;
  if (!jstr(j, "assigned_to")) {
    html_printf(b, "<form class=\"stack\" method=\"post\" action=\"/cases/%lld\">\n<input type=\"hidden\" name=\"%s\" "
                   "value=\"%s\">\n<input type=\"hidden\" name=\"action\" value=\"assign\">\n<input type=\"hidden\" "
                   "name=\"to\" value=\"%s\">\n<p><button type=\"submit\">%s</button></p>\n</form>\n",
                id, HTTP_CSRF_FIELD, r->zCsrf, r->who.zUsername, req_t(r, "Take this case"));
    return;
  }
  html_printf(b, "<h2>%s</h2>\n<form class=\"stack\" method=\"post\" action=\"/cases/%lld\">\n<input type=\"hidden\" "
                 "name=\"%s\" value=\"%s\">\n<input type=\"hidden\" name=\"action\" value=\"transition\">\n"
                 "<label for=\"state\">%s</label>\n<select id=\"state\" name=\"state\">\n",
              req_t(r, "Move the case"), id, HTTP_CSRF_FIELD, r->zCsrf, req_t(r, "New state"));
  for (int i = 2; case_azState[i]; i++)
    html_printf(b, "<option value=\"%s\">%s</option>\n", case_azState[i], req_t(r, azStateLabel[i]));
  html_printf(b, "</select>\n<label for=\"outcome\">%s</label>\n<input id=\"outcome\" name=\"outcome\" type=\"text\" "
                 "maxlength=\"2000\">\n<label for=\"amount_recovered\">%s</label>\n<input id=\"amount_recovered\" "
                 "name=\"amount_recovered\" type=\"text\" inputmode=\"decimal\" maxlength=\"24\">\n<label "
                 "for=\"currency\">%s</label>\n<input id=\"currency\" name=\"currency\" type=\"text\" maxlength=\"3\">\n"
                 "<label for=\"note\">%s</label>\n<textarea id=\"note\" name=\"note\" rows=\"3\" maxlength=\"%d\">"
                 "</textarea>\n<label class=\"check\"><input type=\"checkbox\" name=\"visible\" value=\"1\"> %s</label>\n"
                 "<p><button type=\"submit\">%s</button></p>\n</form>\n",
              req_t(r, "Outcome"), req_t(r, "Amount recovered"), req_t(r, "Currency (ISO 4217)"), req_t(r, "Note"),
              CASE_NOTE_MAX, req_t(r, "Show the note to the complainant"), req_t(r, "Save"));
}

int page_case(Request *r) {
  Err e = ERR_INIT;
  int64_t id;
  json_t *j;
  if (case_param(r, &id)) return -1;
  j = case_get(r->store, &r->who, id, r->zAddr, &e);
  if (!j && e.code == ERR_FORBIDDEN && r->who.role == ROLE_LABOUR_INSPECTOR) {
    /* An unassigned case shows its inspector only the button to take it. */
    Err eQ = ERR_INIT;
    json_t *jQ = case_queue(r->store, &r->who, r->zAddr, &eQ);
    json_t *o;
    size_t i;
    err_clear(&eQ);
    json_array_foreach(json_object_get(jQ, "unassigned"), i, o) {
      if (json_integer_value(json_object_get(o, "id")) != id) continue;
      page_begin(r, jstr(o, "case"));
      html_printf(&r->out, "<h1>%s %s</h1>\n<p>%s</p>\n", req_t(r, "Case"), jstr(o, "case"),
                  req_t(r, "Take the case to read it."));
      case_forms(r, o);
      json_decref(jQ);
      page_end(r);
      return 0;
    }
    json_decref(jQ);
  }
  if (!j) return req_fail_with(r, &e);
  page_begin(r, jstr(j, "case"));
  html_printf(&r->out, "<h1>%s %s</h1>\n", req_t(r, "Case"), jstr(j, "case"));
  put_case(r, j);
  if (r->who.role == ROLE_LABOUR_INSPECTOR) case_forms(r, j);
  json_decref(j);
  page_end(r);
  return 0;
}

int page_case_post(Request *r) {
  Err e = ERR_INIT;
  int64_t id;
  json_t *jAct = json_object(), *j;
  char zLoc[48];
  if (case_param(r, &id)) {
    json_decref(jAct);
    return -1;
  }
  put_field(jAct, "action", req_form(r, "action"));
  put_field(jAct, "to", req_form(r, "to"));
  put_field(jAct, "state", req_form(r, "state"));
  put_field(jAct, "note", req_form(r, "note"));
  put_field(jAct, "outcome", req_form(r, "outcome"));
  put_field(jAct, "amount_recovered", req_form(r, "amount_recovered"));
  put_field(jAct, "currency", req_form(r, "currency"));
  put_field(jAct, "country", req_form(r, "country"));
  if (req_form(r, "visible")) json_object_set_new(jAct, "visible", json_true());
  j = case_act(r->store, &r->who, id, jAct, r->zAddr, &e);
  json_decref(jAct);
  if (!j) return req_fail_with(r, &e);
  json_decref(j);
  snprintf(zLoc, sizeof zLoc, "/cases/%lld", (long long)id);
  resp_redirect(r, zLoc);
  return 0;
}

/* One table of counts, suppressed cells marked. */
static void stats_table(Request *r, json_t *j, const char *zTitle, const char *const *azCode,
                        const char *const *azLabel) {
  Buf *b = &r->out;
  json_t *o, *jTotal = json_object_get(j, "total");
  size_t i;
  html_printf(b, "<h2>%s</h2>\n<div class=\"table-wrap\"><table>\n<thead><tr><th>%s</th><th class=\"num\">%s</th>"
                 "</tr></thead>\n<tbody>\n",
              zTitle, zTitle, req_t(r, "Complaints"));
  json_array_foreach(json_object_get(j, "cells"), i, o) {
    json_t *n = json_object_get(o, "count");
    html_printf(b, "<tr><td>%s</td><td class=\"num\">", label(r, azCode, azLabel, jstr(o, "value")));
    if (json_is_integer(n)) html_printf(b, "%lld", (long long)json_integer_value(n));
    else html_printf(b, "%s", req_t(r, "too few to show"));
    html_printf(b, "</td></tr>\n");
  }
  html_printf(b, "</tbody>\n<tfoot><tr><th>%s</th><td class=\"num\">", req_t(r, "Total"));
  if (json_is_integer(jTotal)) html_printf(b, "%lld", (long long)json_integer_value(jTotal));
  else html_printf(b, "%s", req_t(r, "too few to show"));
  html_printf(b, "</td></tr></tfoot></table></div>\n");
}

int page_case_stats(Request *r) {
  Err e = ERR_INIT;
  json_t *jCat = case_stats(r->store, "category", CASE_MIN_CELL, &e), *jState;
  if (!jCat) return req_fail_with(r, &e);
  jState = case_stats(r->store, "state", CASE_MIN_CELL, &e);
  if (!jState) {
    json_decref(jCat);
    return req_fail_with(r, &e);
  }
  page_begin(r, req_t(r, "Complaints in figures"));
  html_printf(&r->out, "<h1>%s</h1>\n<p>%s</p>\n", req_t(r, "Complaints in figures"),
              req_t(r, "Counts only. Categories with fewer than 5 complaints are not shown, so that nobody can be "
                       "recognised."));
  stats_table(r, jCat, req_t(r, "Category"), case_azCategory, azCategoryLabel);
  stats_table(r, jState, req_t(r, "State"), case_azState, azStateLabel);
  json_decref(jCat);
  json_decref(jState);
  page_end(r);
  return 0;
}
