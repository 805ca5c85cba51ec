/*
** aggregate.h: the aggregate store's public series and queries.
**
** aggregate_load_public loads real published series into the observation table
** under the dataflow LMIS_PUBLIC (DSD_LMIS, see sdmx.h), mapped to SDMX
** dimensions as documented in docs/sdmx.md:
**
**   indicator       source                                   REF_AREA          COUNTERPART_AREA   SEX        TIME     unit
**   MIG_STOCK_DEST  UN DESA International Migrant Stock 2020  destination       _T                 T, M, F    1990-2020 PS
**   MIG_STOCK_OD    UN DESA IMS 2019 origin x destination     destination       origin             SEX_T      1990-2019 PS
**   MIG_STOCK_BILAT World Bank bilateral migrant stocks 2017  destination       origin             SEX_T      2017     PS
**   REM_BILAT       World Bank bilateral remittances 2017     sending (host)    receiving (origin) _Z         2017     USD x 10^6
**   REM_COST_CORR   World Bank Remittance Prices Worldwide    sending           receiving          _Z         2011-Q1.. PT (SDG 10.c.1)
**   REM_PAID        World Bank WDI BM.TRF.PWKR.CD.DT          paying country    _T                 _Z         1960-2020 USD
**
** CLASSIF1 and CLASSIF2 are _Z. Only countries and areas with an ISO 3166-1
** alpha-3 code (plus XKX Kosovo, CHI Channel Islands, ANT former Netherlands
** Antilles) are loaded; regional and income-group aggregates are skipped, as are
** missing cells ("..", "-", empty) and zero cells (the sources do not tell a zero
** from "not reported"). Country names are resolved through the country table,
** data/countries/unsd_m49_overview_en.csv, the WDI file's names and codes, and
** data/migration-stats/country_names.csv (aliases; an empty code marks an
** aggregate); an unknown name is an error naming file and line.
**
** Ownership: json_t results are new references.
*/
#ifndef LMIS_AGGREGATE_H
#define LMIS_AGGREGATE_H

#include <jansson.h>
#include <stdbool.h>
#include "err.h"
#include "store.h"

/* One indicator of the public series. */
typedef struct AggIndicator {
  const char *zCode;
  const char *zTitleEn, *zTitleFr, *zTitleEs;
  const char *zUnit;       /* UNIT_MEASURE */
  int unitMult;            /* UNIT_MULT */
  const char *zSource;     /* short citation */
} AggIndicator;

/* The static table of public indicators; *pn set to its length. */
const AggIndicator *aggregate_indicators(int *pn);

/* Load every public series from zDataDir (the reference data directory that
** refdata_load takes; needs the country table loaded) into LMIS_PUBLIC,
** replacing what an earlier load put there. Runs inside the caller's
** transaction (it neither begins nor commits). *pnObs: observations stored. */
int aggregate_load_public(Store *s, const char *zDataDir, long *pnObs, Err *e);

/* A query over all aggregates held (survey results, imports, public series). */
typedef struct AggQuery {
  const char *zArea;        /* REF_AREA, or NULL */
  const char *zCounterpart; /* COUNTERPART_AREA, or NULL */
  const char *zIndicator;   /* INDICATOR, or NULL */
  const char *zDataflow;    /* dataflow id, or NULL */
  const char *zSex;         /* SEX code, or NULL */
  bool bBothWays;           /* a corridor: also rows with area and counterpart swapped */
  bool bLatest;             /* only the latest TIME_PERIOD of each series */
  long nLimit;              /* 1..10000; 0 = 100 */
  long nOffset;
  const char *zLang;        /* names in en, fr or es */
} AggQuery;

/* {"observations":[{dataflow, series_key, ref_area, ref_area_name, counterpart_area,
**   counterpart_area_name, indicator, indicator_name, sex, classif1, classif2,
**   time_period, obs_value (null when suppressed or missing), obs_status,
**   unit_measure, unit_mult, attributes{SE, CI_LOW, ...}, origin}],
**   "count": returned, "offset", "limit", "more": true when more rows match}
** Ordered by dataflow, indicator, series key, time. Codes are checked
** (ERR_INVALID for malformed ones). */
json_t *aggregate_query(Store *s, const AggQuery *q, Err *e);

#endif
