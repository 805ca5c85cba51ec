/*
** page_stats.c: the statistics pages: the index (surveys, indicator catalogue,
** public series), an indicator computed from a survey (table with intervals and
** flags, an SVG chart, downloads in every format), and a country's or a
** corridor's published figures. Only aggregates are shown; suppressed cells
** carry no value.
*/
#include "aggregate.h"
#include "chart.h"
#include "html.h"
#include "i18n.h"
#include "indicator.h"
#include "pages.h"
#include "survey.h"

#include <math.h>
#include <string.h>

#define MAX_BARS 400

static const char *jstr(json_t *o, const char *zKey) {
  json_t *v = json_object_get(o, zKey);
  return json_is_string(v) ? json_string_value(v) : NULL;
}

static double jnum(json_t *o, const char *zKey) {
  json_t *v = json_object_get(o, zKey);
  return json_is_number(v) ? json_number_value(v) : NAN;
}

static bool code_ok(const char *z, size_t nMax) {
  size_t n = z ? strlen(z) : 0;
  if (n == 0 || n > nMax) return false;
  for (size_t i = 0; i < n; i++) {
    char c = z[i];
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
          c == '.'))
      return false;
  }
  return true;
}

/* Labels of the codes lmis writes (data/indicators.json), translated. */
static const struct {
  const char *zCode, *zLabel;
} aCodeLabel[] = {
  {"SEX_T", N_("Total")},
  {"SEX_M", N_("Men")},
  {"SEX_F", N_("Women")},
  {"SEX_O", N_("Other")},
  {"CBR_BIR_NATIVE", N_("Native-born")},
  {"CBR_BIR_FOREIGN", N_("Foreign-born")},
  {"CCT_CIT_NATIONAL", N_("Nationals")},
  {"CCT_CIT_FOREIGN", N_("Foreign citizens")},
  {"MIG_ICLS_MIGRANT", N_("International migrants")},
  {"MIG_ICLS_NONMIGRANT", N_("Non-migrants")},
  {"MIG_RECENT_YES", N_("Recent migrants")},
  {"MIG_RECENT_NO", N_("Not recent migrants")},
  {"AGE_10YRBANDS_YGE65", "65+"},
  {"_T", N_("Total")},
  {"_Z", N_("Not applicable")},
};

/* Prefixes whose remainder is itself readable ("AGE_10YRBANDS_Y15-24" -> "15-24"). */
static const char *const azCodePrefix[] = {"AGE_10YRBANDS_Y", "OCU_ISCO08_", "ECO_ISIC4_", "STE_ICSE93_",
                                           "EDU_ISCED11_", "LFS_"};

/* Human label of the SDMX code in field zField of o. */
static const char *code_label(Request *r, json_t *o, const char *zField) {
  const char *z = jstr(o, zField);
  if (!z) return "";
  for (size_t i = 0; i < COUNT(aCodeLabel); i++)
    if (strcmp(z, aCodeLabel[i].zCode) == 0) return req_t(r, aCodeLabel[i].zLabel);
  size_t n = strlen(z);
  if (n > 6 && strcmp(z + n - 6, "_TOTAL") == 0) return req_t(r, "Total");
  for (size_t i = 0; i < COUNT(azCodePrefix); i++)
    if (str_startswith(z, azCodePrefix[i]) && z[strlen(azCodePrefix[i])]) return z + strlen(azCodePrefix[i]);
  return z;
}

static bool is_total(json_t *o, const char *zField) {
  const char *z = jstr(o, zField);
  size_t n = z ? strlen(z) : 0;
  return z && (strcmp(z, "_T") == 0 || (n > 6 && strcmp(z + n - 6, "_TOTAL") == 0));
}

/* A number as the indicator's decimals say (default 1). */
static void put_num(Buf *b, double v, int nDec) {
  if (!isfinite(v)) {
    html_raw_UNSAFE(b, "–");
    return;
  }
  char z[64];
  snprintf(z, sizeof z, "%.*f", nDec, v);
  html_printf(b, "%s", z);
}

static const char *flag_label(Request *r, const char *zFlag) {
  if (!zFlag || strcmp(zFlag, "ok") == 0) return "";
  if (strcmp(zFlag, "unreliable") == 0) return req_t(r, "unreliable");
  if (strcmp(zFlag, "suppressed") == 0) return req_t(r, "suppressed");
  if (strcmp(zFlag, "missing") == 0) return req_t(r, "no estimate");
  return zFlag;
}

/* GET /statistics */
int page_statistics(Request *r) {
  Err e = ERR_INIT;
  Buf *b = &r->out;
  const Catalogue *pCat = indicator_catalogue_default(&e);
  json_t *pSurveys, *pInd;
  if (!pCat) return req_fail_with(r, &e);
  if (!(pSurveys = survey_list(r->store, &e))) return req_fail_with(r, &e);
  pInd = indicator_list_json(pCat, r->zLang);
  json_t *aSurvey = json_object_get(pSurveys, "surveys");
  const char *zFirst = json_array_size(aSurvey) ? jstr(json_array_get(aSurvey, 0), "name") : NULL;

  page_begin(r, req_t(r, "Statistics"));
  html_printf(b, "<h1>%s</h1>\n<p>%s</p>\n", req_t(r, "Statistics on migrant workers"),
              req_t(r, "Estimates from labour force surveys by the 2018 ICLS standards, with standard errors, "
                       "and published figures from UN DESA and the World Bank."));
  html_printf(b, "<h2>%s</h2>\n", req_t(r, "Surveys"));
  if (!json_array_size(aSurvey)) {
    html_printf(b, "<p class=\"note\">%s</p>\n", req_t(r, "No survey has been imported yet."));
  } else {
    html_printf(b, "<div class=\"table-wrap\"><table>\n<thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
                   "<th class=\"num\">%s</th></tr></thead>\n<tbody>\n",
                req_t(r, "Survey"), req_t(r, "Title"), req_t(r, "Country"), req_t(r, "Period"),
                req_t(r, "Persons"));
    size_t i;
    json_t *o;
    json_array_foreach(aSurvey, i, o) {
      html_printf(b, "<tr><td><span class=\"code\">%s</span></td><td>%s</td><td>%s</td><td>%s</td>"
                     "<td class=\"num\">%lld</td></tr>\n",
                  jstr(o, "name") ? jstr(o, "name") : "", jstr(o, "title") ? jstr(o, "title") : "",
                  jstr(o, "ref_area") ? jstr(o, "ref_area") : "", jstr(o, "ref_period") ? jstr(o, "ref_period") : "",
                  (long long)json_integer_value(json_object_get(o, "n_rows")));
    }
    html_raw_UNSAFE(b, "</tbody></table></div>\n");
  }
  html_printf(b, "<h2>%s</h2>\n<ul class=\"indicators\">\n", req_t(r, "Indicators"));
  size_t i;
  json_t *o;
  json_array_foreach(json_object_get(pInd, "indicators"), i, o) {
    const char *zId = jstr(o, "id");
    if (!zId) continue;
    if (zFirst) {
      html_printf(b, "<li><a href=\"/statistics/indicator/%s?survey=%s\">%s</a> <span class=\"code\">%s</span></li>\n",
                  zId, zFirst, jstr(o, "title") ? jstr(o, "title") : zId, zId);
    } else {
      html_printf(b, "<li>%s <span class=\"code\">%s</span></li>\n", jstr(o, "title") ? jstr(o, "title") : zId, zId);
    }
  }
  html_raw_UNSAFE(b, "</ul>\n");
  html_printf(b, "<h2>%s</h2>\n<p>%s</p>\n", req_t(r, "Countries and corridors"),
              req_t(r, "Migrant stocks, remittances and remittance costs (SDG 10.c.1) as published by "
                       "UN DESA and the World Bank."));
  html_printf(b, "<form class=\"corridor\" method=\"get\" action=\"/statistics/area\">\n"
                 "<label>%s <input name=\"code\" maxlength=\"3\" size=\"4\" placeholder=\"ITA\" "
                 "pattern=\"[A-Za-z]{3}\" required></label>\n"
                 "<label>%s <input name=\"counterpart\" maxlength=\"3\" size=\"4\" placeholder=\"PHL\" "
                 "pattern=\"[A-Za-z]{3}\"></label>\n<button type=\"submit\">%s</button>\n</form>\n",
              req_t(r, "Country (ISO alpha-3)"), req_t(r, "Corridor with (optional)"), req_t(r, "Show"));
  html_printf(b, "<p><a href=\"/statistics/area/ITA\">%s</a> · <a href=\"/statistics/area/ITA?counterpart=PHL\">%s</a>"
                 "</p>\n", req_t(r, "Example: Italy"), req_t(r, "Example: Philippines–Italy corridor"));
  page_end(r);
  json_decref(pSurveys);
  json_decref(pInd);
  return 0;
}

/* GET /statistics/area?code=&counterpart=: the form's query, redirected to the
** page's own address so that it can be bookmarked. */
int page_stats_area_query(Request *r) {
  const char *zCode = req_query(r, "code");
  const char *zCounter = req_query(r, "counterpart");
  if (!zCode || strlen(zCode) != 3 || !code_ok(zCode, 3)) {
    req_fail(r, ERR_INVALID, "a country code has three letters, such as ITA");
    err_where(&r->err, "code");
    return -1;
  }
  if (zCounter && *zCounter && (strlen(zCounter) != 3 || !code_ok(zCounter, 3))) {
    req_fail(r, ERR_INVALID, "a country code has three letters, such as PHL");
    err_where(&r->err, "counterpart");
    return -1;
  }
  resp_redirect(r, zCounter && *zCounter ? arena_printf(r->arena, "/statistics/area/%s?counterpart=%s", zCode, zCounter)
                                         : arena_printf(r->arena, "/statistics/area/%s", zCode));
  return 0;
}


/* GET /statistics/indicator/{id}?survey=NAME */
int page_stats_indicator(Request *r) {
  Err e = ERR_INIT;
  Buf *b = &r->out;
  const char *zId = r->nParam > 0 ? r->azParam[0] : "";
  const char *zSurvey = req_query(r, "survey");
  const Catalogue *pCat;
  const IndicatorDef *d;
  IndicatorResult *pRes = NULL;
  json_t *j;
  if (!code_ok(zId, 64)) return req_fail(r, ERR_NOT_FOUND, "no indicator %.64s", zId);
  if (!(pCat = indicator_catalogue_default(&e))) return req_fail_with(r, &e);
  if (!(d = indicator_find(pCat, zId))) return req_fail(r, ERR_NOT_FOUND, "no indicator %s", zId);
  if (!zSurvey) {
    json_t *pSurveys = survey_list(r->store, &e);
    if (!pSurveys) return req_fail_with(r, &e);
    const char *z = jstr(json_array_get(json_object_get(pSurveys, "surveys"), 0), "name");
    zSurvey = z ? arena_strdup(r->arena, z) : NULL;
    json_decref(pSurveys);
    if (!zSurvey) {
      req_fail(r, ERR_NOT_FOUND, "no survey has been imported yet");
      err_hint(&r->err, "a statistician imports one with `lmis survey import`");
      return -1;
    }
  }
  if (!code_ok(zSurvey, 64)) return req_fail(r, ERR_NOT_FOUND, "no survey %.64s", zSurvey);
  if (indicator_compute(r->store, pCat, zId, zSurvey, NULL, 0, NULL, &pRes, &e)) return req_fail_with(r, &e);
  j = indicator_result_json(pRes, r->zLang);
  indicator_result_free(pRes);
  if (!j) return req_fail(r, ERR_INTERNAL, "could not render the indicator");

  json_t *pDef = json_object_get(j, "indicator");
  json_t *aObs = json_object_get(j, "observations");
  const char *zTitle = indicator_title(d, r->zLang);
  int nDec = (int)json_integer_value(json_object_get(pDef, "decimals"));
  if (nDec < 0 || nDec > 6 || !json_is_integer(json_object_get(pDef, "decimals"))) nDec = 1;

  page_begin(r, zTitle);
  html_printf(b, "<nav class=\"breadcrumb\" aria-label=\"%s\"><ol><li><a href=\"/statistics\">%s</a></li>"
                 "<li aria-current=\"page\"><span class=\"code\">%s</span></li></ol></nav>\n",
              req_t(r, "Breadcrumb"), req_t(r, "Statistics"), zId);
  html_printf(b, "<h1>%s</h1>\n", zTitle);
  html_printf(b, "<p class=\"meta\">%s <span class=\"code\">%s</span> · %s %s · %s %s · %s %s</p>\n",
              req_t(r, "Survey"), zSurvey, req_t(r, "Country"), jstr(j, "ref_area") ? jstr(j, "ref_area") : "",
              req_t(r, "Period"), jstr(j, "time_period") ? jstr(j, "time_period") : "", req_t(r, "Unit"),
              indicator_unit(d) ? indicator_unit(d) : "");

  /* Chart: one group per sex x breakdown (CLASSIF1), one bar per migrant status
  ** (CLASSIF2); the all-persons total of CLASSIF2 stays in the table. */
  ChartBar aBar[MAX_BARS];
  const char *azSeries[8];
  int nSeries = 0, nBar = 0;
  size_t i;
  json_t *o;
  json_array_foreach(aObs, i, o) {
    if (nBar >= MAX_BARS) break;
    if (is_total(o, "classif2") && json_array_size(aObs) > 1) continue;
    const char *zSeries = code_label(r, o, "classif2");
    int s;
    for (s = 0; s < nSeries; s++)
      if (strcmp(azSeries[s], zSeries) == 0) break;
    if (s == nSeries) {
      if (nSeries >= (int)COUNT(azSeries)) continue;
      azSeries[nSeries++] = zSeries;
    }
    const char *zFlag = jstr(o, "flag");
    ChartBar *p = &aBar[nBar++];
    p->zGroup = arena_printf(r->arena, "%s, %s", code_label(r, o, "sex"), code_label(r, o, "classif1"));
    p->iSeries = s;
    p->value = jnum(o, "estimate");
    p->lo = jnum(o, "ci_low");
    p->hi = jnum(o, "ci_high");
    p->bMissing = !isfinite(p->value) || str_eq(zFlag, "suppressed");
    p->bUnreliable = str_eq(zFlag, "unreliable");
  }
  if (nBar > 0) {
    html_raw_UNSAFE(b, "<figure class=\"chart\">\n");
    chart_bars_svg(b, zTitle, /* xgettext:no-c-format */ req_t(r, "Estimates with 95% confidence intervals"), aBar, nBar, azSeries, nSeries,
                   req_t(r, "suppressed"), " (!)");
    html_printf(b, "<figcaption>%s</figcaption>\n</figure>\n",
                /* xgettext:no-c-format */
                req_t(r, "Bars show estimates, lines their 95% confidence intervals; pale bars marked (!) are "
                         "unreliable (coefficient of variation above 30%); suppressed cells have too few persons "
                         "in the sample to publish."));
  }

  html_printf(b, "<div class=\"table-wrap\"><table class=\"estimates\">\n<thead><tr><th>%s</th><th>%s</th><th>%s</th>"
                 "<th class=\"num\">%s</th><th class=\"num\">%s</th><th class=\"num\">%s</th>"
                 "<th class=\"num\">%s</th><th>%s</th></tr></thead>\n<tbody>\n",
              req_t(r, "Sex"), req_t(r, "Breakdown"), req_t(r, "Group"), req_t(r, "Estimate"),
              /* xgettext:no-c-format */
              req_t(r, "95% interval"), req_t(r, "CV"), req_t(r, "Persons in sample"), req_t(r, "Note"));
  json_array_foreach(aObs, i, o) {
    const char *zFlag = jstr(o, "flag");
    html_printf(b, "<tr%s><td>%s</td><td>%s</td><td>%s</td><td class=\"num\">",
                str_eq(zFlag, "ok") || !zFlag ? "" : " class=\"flagged\"", code_label(r, o, "sex"),
                code_label(r, o, "classif1"), code_label(r, o, "classif2"));
    put_num(b, jnum(o, "estimate"), nDec);
    html_raw_UNSAFE(b, "</td><td class=\"num\">");
    if (isfinite(jnum(o, "ci_low"))) {
      put_num(b, jnum(o, "ci_low"), nDec);
      html_raw_UNSAFE(b, "–");
      put_num(b, jnum(o, "ci_high"), nDec);
    }
    html_raw_UNSAFE(b, "</td><td class=\"num\">");
    double cv = jnum(o, "cv");
    if (isfinite(cv)) html_printf(b, "%.1f%%", cv * 100);
    html_printf(b, "</td><td class=\"num\">%lld</td><td>%s</td></tr>\n",
                (long long)json_integer_value(json_object_get(o, "n")), flag_label(r, zFlag));
  }
  html_raw_UNSAFE(b, "</tbody></table></div>\n");

  static const struct {
    const char *zFormat, *zLabel;
  } aDl[] = {{"json", "JSON"}, {"sdmx-csv", "SDMX-CSV 1.0"}, {"sdmx-csv2", "SDMX-CSV 2.0"},
             {"sdmx-ml", "SDMX-ML 2.1"}, {"sdmx-json", "SDMX-JSON"}};
  html_printf(b, "<h2>%s</h2>\n<ul class=\"downloads\">\n", req_t(r, "Download"));
  for (size_t k = 0; k < COUNT(aDl); k++) {
    html_printf(b, "<li><a href=\"/api/v1/indicators/%s?survey=%s&amp;format=%s\">%s</a></li>\n", zId, zSurvey,
                aDl[k].zFormat, aDl[k].zLabel);
  }
  html_raw_UNSAFE(b, "</ul>\n");
  page_end(r);
  json_decref(j);
  return 0;
}

/* GET /statistics/area/{code}?counterpart=CODE */
int page_stats_area(Request *r) {
  Err e = ERR_INIT;
  Buf *b = &r->out;
  const char *zArea = r->nParam > 0 ? r->azParam[0] : "";
  const char *zCounter = req_query(r, "counterpart");
  AggQuery q;
  json_t *j;
  char zUp[4], zUpC[4];
  if (strlen(zArea) != 3 || !code_ok(zArea, 3)) return req_fail(r, ERR_NOT_FOUND, "no country %.8s", zArea);
  for (int k = 0; k < 4; k++) zUp[k] = (char)(k < 3 ? (zArea[k] >= 'a' && zArea[k] <= 'z' ? zArea[k] - 32 : zArea[k]) : 0);
  if (zCounter && *zCounter) {
    if (strlen(zCounter) != 3 || !code_ok(zCounter, 3)) {
      req_fail(r, ERR_INVALID, "a country code has three letters");
      err_where(&r->err, "counterpart");
      return -1;
    }
    for (int k = 0; k < 4; k++)
      zUpC[k] = (char)(k < 3 ? (zCounter[k] >= 'a' && zCounter[k] <= 'z' ? zCounter[k] - 32 : zCounter[k]) : 0);
    zCounter = zUpC;
  } else {
    zCounter = NULL;
  }
  memset(&q, 0, sizeof q);
  q.zArea = zUp;
  q.zCounterpart = zCounter;
  q.bBothWays = zCounter != NULL;
  q.bLatest = true;
  q.nLimit = zCounter ? 200 : 60;
  q.zLang = r->zLang;
  if (!(j = aggregate_query(r->store, &q, &e))) return req_fail_with(r, &e);
  json_t *aObs = json_object_get(j, "observations");
  const char *zTitle = zCounter ? arena_printf(r->arena, "%s – %s", zUp, zCounter) : zUp;
  page_begin(r, zTitle);
  html_printf(b, "<nav class=\"breadcrumb\" aria-label=\"%s\"><ol><li><a href=\"/statistics\">%s</a></li>"
                 "<li aria-current=\"page\">%s</li></ol></nav>\n",
              req_t(r, "Breadcrumb"), req_t(r, "Statistics"), zTitle);
  html_printf(b, "<h1>%s</h1>\n<p class=\"meta\">%s</p>\n", zTitle,
              zCounter ? req_t(r, "Published figures for this corridor, both ways, latest period of each series.")
                       : req_t(r, "Published figures for this country, latest period of each series."));
  if (!json_array_size(aObs)) {
    html_printf(b, "<p class=\"note\">%s</p>\n", req_t(r, "No published figures are held for this selection."));
  } else {
    html_printf(b, "<div class=\"table-wrap\"><table>\n<thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
                   "<th>%s</th><th class=\"num\">%s</th><th>%s</th></tr></thead>\n<tbody>\n",
                req_t(r, "Indicator"), req_t(r, "Country"), req_t(r, "Counterpart"), req_t(r, "Sex"),
                req_t(r, "Period"), req_t(r, "Value"), req_t(r, "Unit"));
    size_t i;
    json_t *o;
    json_array_foreach(aObs, i, o) {
      const char *zInd = jstr(o, "indicator_name") ? jstr(o, "indicator_name") : jstr(o, "indicator");
      html_printf(b, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td class=\"num\">",
                  zInd ? zInd : "", jstr(o, "ref_area") ? jstr(o, "ref_area") : "",
                  jstr(o, "counterpart_area") ? jstr(o, "counterpart_area") : "", code_label(r, o, "sex"),
                  jstr(o, "time_period") ? jstr(o, "time_period") : "");
      double v = jnum(o, "obs_value");
      if (!isfinite(v)) v = jnum(o, "value");
      put_num(b, v, fabs(v) < 100 ? 2 : 0);
      html_printf(b, "</td><td>%s</td></tr>\n", jstr(o, "unit_measure") ? jstr(o, "unit_measure") : "");
    }
    html_raw_UNSAFE(b, "</tbody></table></div>\n");
  }
  page_end(r);
  json_decref(j);
  return 0;
}
