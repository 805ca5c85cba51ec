/*
** indicator.h: the indicator catalogue (data/indicators.json) and the
** computation of indicators from survey microdata as SDMX observations.
**
** The catalogue is data, not code: each indicator names a statistic (total,
** mean, ratio, quantile, gap, distribution), expressions over survey columns
** ("labour_force=UNE", "in_labour_force=1", "monthly_earnings"), a population
** filter, a migrant dimension (birth_status or citizenship_status), default
** breakdowns and display rules; "classifications" map survey variables to SDMX
** dimensions and ILOSTAT-style codes (age_band Y15-24 -> CLASSIF1
** AGE_10YRBANDS_Y15-24). docs/indicators.md describes every field and indicator.
**
** indicator_compute estimates every domain of the breakdowns, and every total
** (SEX_T, AGE_10YRBANDS_TOTAL, CBR_BIR_TOTAL ...) as a domain of its own, never
** as a sum: each combination of breakdowns kept or totalled is one call to the
** estimator over the whole design. OBS_STATUS: A, U (cv > cvMax), C (fewer than
** nMinCell sample units: no value, no standard error), M (no estimate, e.g. a
** zero denominator); empty domains are left out.
**
** Ownership: catalogues from indicator_catalogue_load/parse are freed with
** indicator_catalogue_free; indicator_catalogue_default returns a catalogue that
** lives until the process ends (loaded once, thread-safe, never modified).
** IndicatorDef pointers belong to their catalogue. An IndicatorResult is freed
** with indicator_result_free. json_t results are new references.
*/
#ifndef LMIS_INDICATOR_H
#define LMIS_INDICATOR_H

#include <jansson.h>
#include <stdbool.h>
#include "err.h"
#include "estimate.h"
#include "sdmx.h"
#include "store.h"

typedef struct Catalogue Catalogue;
typedef struct IndicatorDef IndicatorDef;

/* Parse and validate a catalogue; errors are ERR_INVALID with e->zWhere =
** "NAME#/json/pointer" of the offending value. */
int indicator_catalogue_parse(const char *zText, size_t nText, const char *zName, Catalogue **pp, Err *e);
int indicator_catalogue_load(const char *zPath, Catalogue **pp, Err *e);
void indicator_catalogue_free(Catalogue *c);
/* <data dir>/indicators.json (refdata_default_dir()), loaded on first use. */
const Catalogue *indicator_catalogue_default(Err *e);

int indicator_count(const Catalogue *c);
const IndicatorDef *indicator_at(const Catalogue *c, int i);
const IndicatorDef *indicator_find(const Catalogue *c, const char *zId);
const char *indicator_id(const IndicatorDef *d);
/* Title in zLang (en, fr, es; others: en). */
const char *indicator_title(const IndicatorDef *d, const char *zLang);
const char *indicator_unit(const IndicatorDef *d);

/* {indicators:[{id, title, statistic, unit, unit_mult, migrant, by, decimals, sdg}]} */
json_t *indicator_list_json(const Catalogue *c, const char *zLang);
/* One indicator in full: the catalogue entry with the title in zLang. */
json_t *indicator_def_json(const IndicatorDef *d, const char *zLang);

typedef struct IndicatorResult {
  const IndicatorDef *pDef;   /* belongs to the catalogue used */
  char *zSurvey;
  char *zRefArea, *zTimePeriod;
  SdmxData *pData;            /* dataflow LMIS_MIG, one observation per domain */
  char *zBy;                  /* the breakdowns used, comma-separated */
} IndicatorResult;

/* Compute indicator zId from survey zSurvey. azBy/nBy: breakdown variables
** (survey column names or concepts; "sex" and any categorical column); NULL uses
** the indicator's default. pCat NULL: the default catalogue; o NULL: defaults
** (conf 0.95, cvMax 0.3, nMinCell 10). Errors: ERR_NOT_FOUND (indicator,
** survey, column), ERR_INVALID (a breakdown that is not categorical, two
** breakdowns on one SDMX dimension, too many domains). */
int indicator_compute(Store *s, const Catalogue *pCat, const char *zId, const char *zSurvey, const char *const *azBy,
                      int nBy, const EstOptions *o, IndicatorResult **pp, Err *e);
void indicator_result_free(IndicatorResult *r);

/* {indicator:{...}, survey, ref_area, time_period, by:[...], observations:[{ref_area,
**  counterpart_area, sex, classif1, classif2, time_period, estimate, se, ci_low,
**  ci_high, cv, n, obs_status, flag}]} with flag ok|unreliable|suppressed|missing. */
json_t *indicator_result_json(const IndicatorResult *r, const char *zLang);

/* Store the result in the observation table (dataflow LMIS_MIG, origin
** "survey:NAME"), replacing earlier results of the same survey and indicator,
** in one transaction of its own. ERR_CONFLICT when another origin holds the
** same series and period. *pnStored may be NULL. */
int indicator_publish(Store *s, const IndicatorResult *r, long *pnStored, Err *e);

#endif
