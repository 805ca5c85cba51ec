/*
** web_socsec.c: the pension calculator (totalization and pro-rata) as JSON API and
** as an HTML form a migrant can fill in on a phone. Both build the same input JSON
** and call socsec_compute_input, so the page, the API and the CLI agree.
*/
#include "web_socsec.h"
#include "html.h"
#include "i18n.h"
#include "socsec.h"

#include <stdio.h>
#include <string.h>

#define FORM_ROWS 6   /* period rows on the form; the API and CLI take up to 200 */
#define FORM_CHILDREN 4   /* children rows on the form; the API and CLI take up to SS_MAX_CHILDREN */

/* ---- API ---- */

int api_socsec_compute(Request *r) {
  Err e = ERR_INIT;
  SsResult res;
  json_t *j = req_json(r);
  if (!j) return -1;
  if (socsec_compute_input(r->store, j, r->zLang, &res, &e)) {
    socsec_result_free(&res);
    return req_fail_with(r, &e);
  }
  resp_json(r, 200, socsec_result_json(&res));
  socsec_result_free(&res);
  return 0;
}

int api_socsec_schemes(Request *r) {
  Err e = ERR_INIT;
  json_t *a = socsec_schemes_json(r->store, r->zLang, &e);
  if (!a) return req_fail_with(r, &e);
  resp_json(r, 200, json_pack("{s:o}", "schemes", a));
  return 0;
}

int api_socsec_instruments(Request *r) {
  Err e = ERR_INIT;
  json_t *a = socsec_instruments_json(r->store, r->zLang, &e);
  if (!a) return req_fail_with(r, &e);
  resp_json(r, 200, json_pack("{s:o}", "instruments", a));
  return 0;
}

/* ---- HTML calculator ---- */

/* The form's values, kept to redisplay them. All arena or request-owned. */
typedef struct SsForm {
  const char *zBirth, *zSex, *zInstr;
  const char *zBenefit, *zOnset, *zDegree, *zState, *zDeath, *zSpouseBirth, *azChild[FORM_CHILDREN];
  const char *azCountry[FORM_ROWS], *azFrom[FORM_ROWS], *azTo[FORM_ROWS], *azKind[FORM_ROWS], *azEarn[FORM_ROWS];
} SsForm;

static const char *val(const char *z) { return z ? z : ""; }

static void opt(Buf *b, const char *zValue, const char *zLabel, const char *zCur) {
  html_printf(b, "<option value=\"%s\"%s>%s</option>\n", zValue, str_eq(zValue, val(zCur)) ? " selected" : "",
              zLabel);
}

static void radio_named(Buf *b, const char *zName, const char *zValue, const char *zLabel, bool bChecked) {
  html_printf(b, "<p><label><input type=\"radio\" name=\"%s\" value=\"%s\"%s> %s</label></p>\n", zName, zValue,
              bChecked ? " checked" : "", zLabel);
}

static void radio(Buf *b, const char *zValue, const char *zLabel, const char *zCur) {
  radio_named(b, "instrument", zValue, zLabel, str_eq(zValue, val(zCur)));
}

/* The benefit asked for, and the fields of invalidity and survivors' pensions. The
** two fieldsets are always shown (no script needed); only the chosen one is read. */
static void render_benefit(Request *r, const SsForm *f) {
  const char *zL = r->zLang, *zCur = *val(f->zBenefit) ? f->zBenefit : "old_age";
  Buf *b = &r->out;
  html_printf(b, "<div class=\"benefit\" role=\"radiogroup\" aria-labelledby=\"benefit-label\">\n"
                 "<p id=\"benefit-label\"><strong>%s</strong></p>\n", T(zL, "Which pension?"));
  radio_named(b, "benefit", "old_age", T(zL, "Old-age pension"), str_eq(zCur, "old_age"));
  radio_named(b, "benefit", "invalidity", T(zL, "Invalidity pension (disability)"), str_eq(zCur, "invalidity"));
  radio_named(b, "benefit", "survivors", T(zL, "Survivors' pension (after a death)"), str_eq(zCur, "survivors"));
  html_raw_UNSAFE(b, "</div>\n");
  html_printf(b, "<fieldset class=\"period\" id=\"invalidity\"><legend>%s</legend>\n",
              T(zL, "Invalidity pension only"));
  html_printf(b, "<p><label for=\"onset\">%s</label>\n<input id=\"onset\" name=\"onset\" type=\"date\" "
                 "min=\"1900-01-01\" max=\"2100-12-31\" value=\"%s\"></p>\n",
              T(zL, "Date of onset of the invalidity"), val(f->zOnset));
  html_printf(b, "<p><label for=\"degree\">%s</label>\n<input id=\"degree\" name=\"degree\" inputmode=\"numeric\" "
                 "maxlength=\"3\" value=\"%s\"></p>\n",
              T(zL, "Degree of incapacity (percent, 0 to 100)"), val(f->zDegree));
  html_printf(b, "<p><label for=\"state\">%s</label>\n<input id=\"state\" name=\"state\" maxlength=\"3\" "
                 "list=\"socsec-countries\" autocapitalize=\"characters\" value=\"%s\"></p>\n</fieldset>\n",
              T(zL, "Country where you were insured at the onset (optional)"), val(f->zState));
  html_printf(b, "<fieldset class=\"period\" id=\"survivors\"><legend>%s</legend>\n<p class=\"note\">%s</p>\n",
              T(zL, "Survivors' pension only"),
              T(zL, "Enter the year of birth, sex and periods of the person who died, then the survivors."));
  html_printf(b, "<p><label for=\"death\">%s</label>\n<input id=\"death\" name=\"death\" type=\"date\" "
                 "min=\"1900-01-01\" max=\"2100-12-31\" value=\"%s\"></p>\n",
              T(zL, "Date of death"), val(f->zDeath));
  html_printf(b, "<p><label for=\"spouse_birth\">%s</label>\n<input id=\"spouse_birth\" name=\"spouse_birth\" "
                 "type=\"date\" min=\"1900-01-01\" max=\"2100-12-31\" value=\"%s\"></p>\n",
              T(zL, "Spouse's date of birth (empty: no surviving spouse)"), val(f->zSpouseBirth));
  for (int k = 0; k < FORM_CHILDREN; k++)
    html_printf(b, "<p><label for=\"child%d\">%s %d</label>\n<input id=\"child%d\" name=\"child%d\" type=\"date\" "
                   "min=\"1900-01-01\" max=\"2100-12-31\" value=\"%s\"></p>\n",
                k + 1, T(zL, "Date of birth of child"), k + 1, k + 1, k + 1, val(f->azChild[k]));
  html_raw_UNSAFE(b, "</fieldset>\n");
}

static void render_form(Request *r, const SsForm *f) {
  const char *zL = r->zLang;
  Buf *b = &r->out;
  Err e = ERR_INIT;
  json_t *aI = socsec_instruments_json(r->store, zL, &e), *aS = socsec_schemes_json(r->store, zL, &e), *v;
  size_t i;
  err_clear(&e);
  html_printf(b, "<form class=\"login socsec\" method=\"post\" action=\"/socsec\">\n"
                 "<input type=\"hidden\" name=\"%s\" value=\"%s\">\n", HTTP_CSRF_FIELD, req_login_csrf(r));
  html_printf(b, "<p><label for=\"birth_year\">%s</label>\n"
                 "<input id=\"birth_year\" name=\"birth_year\" inputmode=\"numeric\" maxlength=\"4\" required "
                 "value=\"%s\"></p>\n", T(zL, "Year of birth"), val(f->zBirth));
  html_printf(b, "<p><label for=\"sex\">%s</label>\n<select id=\"sex\" name=\"sex\">\n", T(zL, "Sex"));
  opt(b, "F", T(zL, "Woman"), f->zSex);
  opt(b, "M", T(zL, "Man"), f->zSex);
  /* Radio buttons, not a select: agreement names are long and a select cannot wrap
  ** them on a 360 px screen. */
  html_printf(b, "</select></p>\n<div class=\"instruments\" role=\"radiogroup\" aria-labelledby=\"instrument-label\">\n"
                 "<p id=\"instrument-label\"><strong>%s</strong></p>\n", T(zL, "Social security agreement"));
  radio(b, "", T(zL, "None: each country alone"), f->zInstr);
  json_array_foreach(aI, i, v) {
    char *z = xasprintf("%s%s", json_string_value(json_object_get(v, "display_name")),
                        json_is_true(json_object_get(v, "illustrative")) ? T(zL, " (illustrative)") : "");
    radio(b, json_string_value(json_object_get(v, "id")), z, f->zInstr);
    free(z);
  }
  html_raw_UNSAFE(b, "</div>\n");
  render_benefit(r, f);
  html_raw_UNSAFE(b, "<datalist id=\"socsec-countries\">\n");
  json_array_foreach(aS, i, v)
    html_printf(b, "<option value=\"%s\">%s</option>\n", json_string_value(json_object_get(v, "country")),
                json_string_value(json_object_get(v, "display_name")));
  html_raw_UNSAFE(b, "</datalist>\n");
  html_printf(b, "<p class=\"note\">%s</p>\n",
              T(zL, "Enter each period of insurance: the country (ISO code of 3 letters), the first and the last day. "
                    "Leave unused rows empty. Earnings: your average monthly insured earnings in that country, "
                    "needed where the pension depends on earnings."));
  for (int k = 0; k < FORM_ROWS; k++) {
    html_printf(b, "<fieldset class=\"period\"><legend>%s %d</legend>\n", T(zL, "Period"), k + 1);
    html_printf(b, "<p><label for=\"country%d\">%s</label>\n<input id=\"country%d\" name=\"country%d\" maxlength=\"3\" "
                   "list=\"socsec-countries\" autocapitalize=\"characters\" value=\"%s\"></p>\n",
                k + 1, T(zL, "Country"), k + 1, k + 1, val(f->azCountry[k]));
    html_printf(b, "<p><label for=\"from%d\">%s</label>\n<input id=\"from%d\" name=\"from%d\" type=\"date\" "
                   "min=\"1900-01-01\" max=\"2100-12-31\" value=\"%s\"></p>\n",
                k + 1, T(zL, "From"), k + 1, k + 1, val(f->azFrom[k]));
    html_printf(b, "<p><label for=\"to%d\">%s</label>\n<input id=\"to%d\" name=\"to%d\" type=\"date\" "
                   "min=\"1900-01-01\" max=\"2100-12-31\" value=\"%s\"></p>\n",
                k + 1, T(zL, "To"), k + 1, k + 1, val(f->azTo[k]));
    html_printf(b, "<p><label for=\"kind%d\">%s</label>\n<select id=\"kind%d\" name=\"kind%d\">\n", k + 1,
                T(zL, "Kind of period"), k + 1, k + 1);
    opt(b, "contribution", T(zL, "Contributions (employment)"), f->azKind[k]);
    opt(b, "voluntary", T(zL, "Voluntary contributions"), f->azKind[k]);
    opt(b, "credited", T(zL, "Credited (e.g. unemployment, child care)"), f->azKind[k]);
    html_printf(b, "</select></p>\n<p><label for=\"earnings%d\">%s</label>\n<input id=\"earnings%d\" "
                   "name=\"earnings%d\" inputmode=\"decimal\" maxlength=\"16\" value=\"%s\"></p>\n</fieldset>\n",
                k + 1, T(zL, "Monthly earnings (optional)"), k + 1, k + 1, val(f->azEarn[k]));
  }
  html_printf(b, "<p><button type=\"submit\">%s</button></p>\n</form>\n", T(zL, "Compute my pension"));
  json_decref(aI);
  json_decref(aS);
}

static void intro(Request *r) {
  const char *zL = r->zLang;
  html_printf(&r->out, "<h1>%s</h1>\n<p class=\"lead\">%s</p>\n", T(zL, "Pension calculator"),
              T(zL, "Worked in several countries? Agreements add up your insurance periods (totalization); each "
                    "country then pays its share (pro-rata). Every step is shown so you can check it."));
}

int page_socsec_form(Request *r) {
  SsForm f;
  memset(&f, 0, sizeof f);
  page_begin(r, T(r->zLang, "Pension calculator"));
  intro(r);
  render_form(r, &f);
  html_printf(&r->out, "<p class=\"note\">%s</p>\n",
              T(r->zLang, "Figures of schemes marked illustrative are examples, not any country's law. The result is "
                          "an estimate; the pension institutions decide."));
  page_end(r);
  return 0;
}

/* "2500", "2500.5" or "2500.50" -> minor units (2 decimals), exactly; -1 when not such a number. */
static long long parse_amount(const char *z) {
  long long i = 0;
  int nFrac = -1;
  if (!*z) return -1;
  for (; *z; z++) {
    if (*z == '.' || *z == ',') {
      if (nFrac >= 0) return -1;
      nFrac = 0;
    } else if (*z >= '0' && *z <= '9') {
      if (nFrac >= 2 || i > 100000000000LL) return -1;
      i = i * 10 + (*z - '0');
      if (nFrac >= 0) nFrac++;
    } else {
      return -1;
    }
  }
  if (nFrac < 0) nFrac = 0;
  for (; nFrac < 2; nFrac++) i *= 10;
  return i;
}

/* The form as the compute input JSON; NULL with zErr (translated) on bad fields. */
static json_t *form_to_json(Request *r, SsForm *f, const char **pzErr) {
  const char *zL = r->zLang;
  long long y;
  json_t *j = json_object(), *a = json_array(), *pEarn = json_object();
  *pzErr = NULL;
  if (parse_int(val(f->zBirth), 1900, 2100, &y)) {
    *pzErr = T(zL, "Year of birth: enter a year such as 1965.");
    goto form_fail;
  }
  json_object_set_new(j, "birth_year", json_integer(y));
  json_object_set_new(j, "sex", json_string(str_eq(f->zSex, "M") ? "M" : "F"));
  if (f->zInstr && *f->zInstr) json_object_set_new(j, "instrument", json_string(f->zInstr));
  for (int k = 0; k < FORM_ROWS; k++) {
    const char *zC = val(f->azCountry[k]);
    if (!*zC && !*val(f->azFrom[k]) && !*val(f->azTo[k])) continue;
    char zUp[4] = {0};
    for (int t = 0; t < 3 && zC[t]; t++) zUp[t] = (char)(zC[t] >= 'a' && zC[t] <= 'z' ? zC[t] - 32 : zC[t]);
    json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s}", "country", strlen(zC) <= 3 ? zUp : zC, "from",
                                       val(f->azFrom[k]), "to", val(f->azTo[k]), "kind",
                                       *val(f->azKind[k]) ? f->azKind[k] : "contribution"));
    if (*val(f->azEarn[k])) {
      long long i = parse_amount(f->azEarn[k]);
      if (i < 0) {
        *pzErr = T(zL, "Monthly earnings: enter an amount such as 2500 or 2500.50.");
        goto form_fail;
      }
      json_object_set_new(pEarn, zUp, json_integer(i));
    }
  }
  if (json_array_size(a) == 0) {
    *pzErr = T(zL, "Enter at least one period: a country, a first day and a last day.");
    goto form_fail;
  }
  json_object_set_new(j, "periods", a);
  json_object_set_new(j, "earnings", pEarn);
  if (str_eq(f->zBenefit, "invalidity")) {
    json_t *pB = json_pack("{s:s}", "type", "invalidity");
    long long d;
    if (*val(f->zOnset)) json_object_set_new(pB, "onset", json_string(f->zOnset));
    if (*val(f->zDegree)) {
      if (parse_int(f->zDegree, 0, 100, &d)) {
        json_decref(pB);
        *pzErr = T(zL, "Degree of incapacity: enter a whole number from 0 to 100.");
        json_decref(j);
        return NULL;
      }
      json_object_set_new(pB, "degree", json_integer(d));
    }
    if (*val(f->zState)) {
      char zUp[4] = {0};
      for (int t = 0; t < 3 && f->zState[t]; t++)
        zUp[t] = (char)(f->zState[t] >= 'a' && f->zState[t] <= 'z' ? f->zState[t] - 32 : f->zState[t]);
      json_object_set_new(pB, "state", json_string(strlen(f->zState) <= 3 ? zUp : f->zState));
    }
    json_object_set_new(j, "benefit", pB);
  } else if (str_eq(f->zBenefit, "survivors")) {
    json_t *pB = json_pack("{s:s}", "type", "survivors"), *pC = json_array();
    if (*val(f->zDeath)) json_object_set_new(pB, "death", json_string(f->zDeath));
    if (*val(f->zSpouseBirth)) json_object_set_new(pB, "spouse", json_pack("{s:s}", "birth_date", f->zSpouseBirth));
    for (int k = 0; k < FORM_CHILDREN; k++)
      if (*val(f->azChild[k])) json_array_append_new(pC, json_pack("{s:s}", "birth_date", f->azChild[k]));
    if (json_array_size(pC) > 0) json_object_set_new(pB, "children", pC);
    else json_decref(pC);
    json_object_set_new(j, "benefit", pB);
  }
  return j;
form_fail:
  json_decref(j);
  json_decref(a);
  json_decref(pEarn);
  return NULL;
}

static void render_result(Request *r, const SsResult *res) {
  const char *zL = r->zLang;
  Buf *b = &r->out;
  html_printf(b, "<section id=\"result\" aria-labelledby=\"result-title\">\n<h2 id=\"result-title\">%s</h2>\n",
              T(zL, "Result"));
  html_printf(b, "<p class=\"lead total\"><strong>%s</strong></p>\n", res->zSummary ? res->zSummary : "");
  if (res->bInstrument)
    html_printf(b, "<p>%s: %s%s</p>\n", T(zL, "Agreement"), socsec_name(res->instr.azName, zL),
                res->instr.bIllustrative ? T(zL, " (illustrative)") : "");
  else html_printf(b, "<p>%s</p>\n", T(zL, "No agreement: each country pays under its own law alone."));
  if (res->benefit != SS_BEN_OLD_AGE) {
    char zDay[16];
    int y, m, d;
    socsec_date_parts(res->iRiskDay, &y, &m, &d);
    snprintf(zDay, sizeof zDay, "%04d-%02d-%02d", y, m, d);
    html_raw_UNSAFE(b, "<p class=\"benefit\">");
    if (res->benefit == SS_BEN_INVALIDITY)
      html_printf(b, T(zL, "Invalidity pension: onset of invalidity on %s, degree of incapacity %d%%."), zDay,
                  res->degree);
    else html_printf(b, T(zL, "Survivors' pension: death of the insured person on %s."), zDay);
    html_raw_UNSAFE(b, "</p>\n");
    if (res->nNote > 0) {
      html_raw_UNSAFE(b, "<ul class=\"notes\">\n");
      for (int i = 0; i < res->nNote; i++) html_printf(b, "<li>%s</li>\n", res->azNote[i]);
      html_raw_UNSAFE(b, "</ul>\n");
    }
  }
  if (res->nOverlap > 0) {
    html_printf(b, "<h3>%s</h3>\n<ul class=\"overlaps\">\n", T(zL, "Overlapping periods"));
    for (int i = 0; i < res->nOverlap; i++) html_printf(b, "<li>%s</li>\n", res->azOverlap[i]);
    html_raw_UNSAFE(b, "</ul>\n");
  }
  for (int i = 0; i < res->nCountry; i++) {
    const SsCountryResult *c = &res->aCountry[i];
    if (c->bThird) {
      html_printf(b, "<h3>%s (%s)</h3>\n<p>%s</p>\n", c->zCountry, T(zL, "third country"),
                  c->bThirdCounted ? T(zL, "Its periods are counted by the countries of the agreement; it pays "
                                           "nothing under the agreement.")
                                   : T(zL, "Its periods are not counted; it pays nothing under the agreement."));
      continue;
    }
    html_printf(b, "<h3>%s: %s%s</h3>\n<ol class=\"steps\">\n", c->zCountry, socsec_name(c->scheme.azName, zL),
                c->scheme.bIllustrative ? T(zL, " (illustrative)") : "");
    for (int k = 0; k < c->nStep; k++)
      html_printf(b, "<li data-step=\"%s\">%s</li>\n", c->aStep[k].zCode, c->aStep[k].zText);
    html_raw_UNSAFE(b, "</ol>\n");
  }
  html_printf(b, "<p class=\"note\">%s <a href=\"/socsec\">%s</a></p>\n</section>\n",
              T(zL, "Amounts are monthly, in minor units rounded half up. Figures of schemes marked illustrative are "
                    "examples, not any country's law."),
              T(zL, "New calculation"));
}

int page_socsec_post(Request *r) {
  const char *zL = r->zLang;
  SsForm f;
  char azName[5][FORM_ROWS][16];
  const char *zErr = NULL;
  char *zErrOwned = NULL;
  SsResult res;
  bool bOk = false;
  memset(&f, 0, sizeof f);
  memset(&res, 0, sizeof res);
  f.zBirth = req_form(r, "birth_year");
  f.zSex = req_form(r, "sex");
  f.zInstr = req_form(r, "instrument");
  f.zBenefit = req_form(r, "benefit");
  f.zOnset = req_form(r, "onset");
  f.zDegree = req_form(r, "degree");
  f.zState = req_form(r, "state");
  f.zDeath = req_form(r, "death");
  f.zSpouseBirth = req_form(r, "spouse_birth");
  char azChildName[FORM_CHILDREN][16];
  for (int k = 0; k < FORM_CHILDREN; k++) {
    snprintf(azChildName[k], sizeof azChildName[k], "child%d", k + 1);
    f.azChild[k] = req_form(r, azChildName[k]);
  }
  for (int k = 0; k < FORM_ROWS; k++) {
    static const char *const azField[] = {"country", "from", "to", "kind", "earnings"};
    for (int t = 0; t < 5; t++) snprintf(azName[t][k], sizeof azName[t][k], "%s%d", azField[t], k + 1);
    f.azCountry[k] = req_form(r, azName[0][k]);
    f.azFrom[k] = req_form(r, azName[1][k]);
    f.azTo[k] = req_form(r, azName[2][k]);
    f.azKind[k] = req_form(r, azName[3][k]);
    f.azEarn[k] = req_form(r, azName[4][k]);
  }
  json_t *j = form_to_json(r, &f, &zErr);
  if (j) {
    Err e = ERR_INIT;
    if (socsec_compute_input(r->store, j, zL, &res, &e) == 0) {
      bOk = true;
    } else if (e.code == ERR_INVALID) {
      /* "/periods/2/from: must be a date" -> "Period 3: from: must be a date". The rows sent
      ** are the non-empty ones, renumbered: map back to the form's row numbers. */
      int iRow = -1, n = 0;
      const char *zMsg = e.zMsg ? e.zMsg : "";
      if (sscanf(val(e.zWhere), "/periods/%d", &iRow) == 1) {
        for (int k = 0, seen = 0; k < FORM_ROWS; k++)
          if (*val(f.azCountry[k]) || *val(f.azFrom[k]) || *val(f.azTo[k])) {
            if (seen++ == iRow) { n = k + 1; break; }
          }
        const char *zField = strrchr(val(e.zWhere), '/');
        const char *zRest = strstr(zMsg, ": ");
        zErrOwned = xasprintf("%s %d, %s: %s", T(zL, "Period"), n, zField ? zField + 1 : "",
                              zRest ? zRest + 2 : zMsg);
      } else if (strncmp(val(e.zWhere), "/benefit/", 9) == 0) {
        /* "/benefit/onset: is required" -> "Date of onset of the invalidity: is required". */
        const char *zW = e.zWhere + 9, *zRest = strstr(zMsg, ": "), *zLabel = NULL;
        if (str_eq(zW, "onset")) zLabel = T(zL, "Date of onset of the invalidity");
        else if (str_eq(zW, "degree")) zLabel = T(zL, "Degree of incapacity (percent, 0 to 100)");
        else if (str_eq(zW, "state")) zLabel = T(zL, "Country where you were insured at the onset (optional)");
        else if (str_eq(zW, "death")) zLabel = T(zL, "Date of death");
        else if (strncmp(zW, "spouse", 6) == 0) zLabel = T(zL, "Spouse's date of birth (empty: no surviving spouse)");
        else if (strncmp(zW, "children", 8) == 0) zLabel = T(zL, "Date of birth of child");
        zErrOwned = zLabel ? xasprintf("%s: %s", zLabel, zRest ? zRest + 2 : zMsg) : xasprintf("%s", zMsg);
      } else {
        zErrOwned = xasprintf("%s", zMsg);
      }
      zErr = zErrOwned;
      socsec_result_free(&res);
      err_clear(&e);
    } else {
      socsec_result_free(&res);
      json_decref(j);
      return req_fail_with(r, &e);
    }
    json_decref(j);
  }
  if (!bOk) r->status = 400;
  page_begin(r, T(zL, "Pension calculator"));
  intro(r);
  if (zErr) html_printf(&r->out, "<p class=\"error\" role=\"alert\">%s</p>\n", zErr);
  if (bOk) render_result(r, &res);
  render_form(r, &f);
  page_end(r);
  free(zErrOwned);
  socsec_result_free(&res);
  return 0;
}
