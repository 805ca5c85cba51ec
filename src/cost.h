/*
** cost.h: recruitment cost reports and SDG indicator 10.7.1 computed from them.
**
** A report (a worker's own, or a survey record) lists what it cost to find,
** qualify for and reach a first job abroad, item by item in the categories of the
** ILO 2019 definition of recruitment fees and related costs, with who paid each
** item, its amount and currency and the rate that converts it to the report's
** reporting currency, plus the first month's earnings. Any cost borne by the
** worker breaks the no-fee principle and flags the report.
**
** SDG 10.7.1: per worker k, RCI_k = C_k / E_k (worker-paid costs over first-month
** earnings, both in the reporting currency); then the mean, median and 4th
** quintile (P80, Hyndman-Fan type 7) of RCI_k by corridor and optionally sex,
** occupation and agency, never pooled across corridors; cells of fewer than
** min_n reports are suppressed. See docs/recruitment.md.
**
** Money is stored as integer minor units (ISO 4217 exponent, cost_minor_exponent).
** Ownership: json_t results are new references the caller decrefs.
*/
#ifndef LMIS_COST_H
#define LMIS_COST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "err.h"
#include "store.h"

/* ISO 4217 minor-unit exponent of a currency code: 0, 2 (default), 3 or 4. */
int cost_minor_exponent(const char *zCurrency);
/* An amount as a JSON string ("1500.50") or number, to minor units of a currency
** with exponent nExp; more decimals than nExp, negatives and values over 10^15
** minor units are refused. 0 or -1. */
int cost_parse_amount(const json_t *v, int nExp, int64_t *pMinor);
/* Quantile p of the n sorted values a (Hyndman and Fan type 7, R's default):
** h = (n-1)p, a[floor h] + (h - floor h)(a[floor h + 1] - a[floor h]). */
double cost_quantile(const double *a, int n, double p);

/* Validate one report (JSON object, fields in docs/recruitment.md) and store it.
** bPublic: a worker's report from the web, whose source is always "worker" and
** whose "id" is not accepted. Returns the new row id, 0 when a report with the
** same id was already stored (nothing changed), or -1 with e set: ERR_INVALID with
** a JSON pointer in zWhere and the message "POINTER: what is wrong". */
int64_t cost_report_add(Store *s, json_t *j, bool bPublic, Err *e);
/* The stored report as JSON (items converted, the no-fee flag, the ratio). */
json_t *cost_report_get(Store *s, int64_t id, Err *e);

typedef struct CostImportReport {
  long nLine;       /* non-blank lines read */
  long nNew;        /* reports stored */
  long nKnown;      /* reports whose id was already stored (skipped) */
  long nFlagged;    /* new reports with a cost borne by the worker */
} CostImportReport;

/* Import JSON Lines (one report per line) in one transaction: any bad line
** leaves the database unchanged and e names "FILE:LINE:POINTER: problem".
** bProgress: a progress bar on a terminal. */
int cost_import_jsonl(Store *s, const char *zPath, bool bProgress, CostImportReport *pRep, Err *e);
/* The same from memory (tests, fuzzing); zName names it in errors. */
int cost_import_mem(Store *s, const char *zName, const char *p, size_t n, CostImportReport *pRep, Err *e);

enum { COST_BY_SEX = 1, COST_BY_ISCO = 2, COST_BY_AGENCY = 4 };

typedef struct CostSdgOpts {
  unsigned byMask;     /* COST_BY_*; the corridor is always a breakdown */
  int minN;            /* suppress cells of fewer reports (default 10) */
  int iscoDigits;      /* occupation breakdown at this ISCO-08 level, 1-4 (default 1) */
  const char *zOrigin, *zDestination;   /* optional: one corridor (alpha-3) */
} CostSdgOpts;

void cost_sdg_opts_default(CostSdgOpts *o);
/* Parse "corridor,sex,isco,agency" into o->byMask; -1 with e naming the bad word. */
int cost_parse_by(const char *z, CostSdgOpts *o, Err *e);
/* SDG 10.7.1 cells: {indicator, definition, quantile, min_n, by, cells:[{origin,
** destination, [sex], [isco], [agency], n, suppressed, mean, median, p80,
** share_worker_paid}]}. Suppressed cells keep n and have null statistics. */
json_t *cost_sdg(Store *s, const CostSdgOpts *o, Err *e);

#endif
