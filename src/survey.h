/*
** survey.h: labour force survey microdata: import from CSV with a JSON codebook,
** columnar storage, derived ICLS-2018 classifications, loading for estimation.
**
** Storage: one row per survey (table survey) and one BLOB per column (table
** survey_column): numeric columns as little-endian float64 (NaN = missing),
** categorical columns as little-endian level indices (-1 = missing) in the fewest
** bytes that hold the levels (int8 up to 127 levels, int16 up to 32767, else
** int32; surveys imported before were all int32 and still load), with the level
** codes in `levels` (JSON array). Loading a column is one BLOB read, so a fresh process
** can analyse a million-row survey in milliseconds.
**
** Standard codes of concepts (what a codebook "map" translates the file's codes to):
**   sex M, F; age years; country_of_birth, citizenship, country_of_previous_residence
**   ISO 3166-1 alpha-3; year_of_arrival YYYY; worked_abroad_before 1, 0;
**   labour_force_status EMP, UNE, OLF; isco08 ISCO-08 code (1-4 digits); isic4 ISIC
**   Rev.4 section letter A-U; status_in_employment ICSE-93 1-6; isced ISCED 2011
**   level 0-8; monthly_earnings, hours_usually_worked, recruitment_cost,
**   first_job_abroad_earnings numbers.
**
** Derived columns added at import (categorical unless noted; missing when an input
** is missing):
**   age_band        Y15-24 Y25-34 Y35-44 Y45-54 Y55-64 YGE65 (YLT15 below working age)
**   working_age     1, 0 (age >= 15)
**   labour_force    EMP, UNE, OLF copy of labour_force_status; in_labour_force 1, 0
**   birth_status    NB native-born, FB foreign-born (country_of_birth vs the survey's ref_area)
**   citizenship_status NAT national, FOR foreign citizen
**   migrant         MIG, NONMIG: international migrant by ICLS 2018: foreign-born; where
**                   birthplace is missing, foreign citizen
**   migrant_worker  1, 0: migrant, working age, in the labour force
**   recent_migrant  1, 0: migrant arrived in the 5 years before the reference year
**   return_migrant_worker 1, 0: not a migrant, worked abroad before
**   isco08_major    first digit of isco08 (0-9)
**   overqualified   1, 0 for employed persons with isco08 and isced: ISCED level above
**                   the skill level of the job (skill level 1 ~ ISCED 1, 2 ~ ISCED 2-4,
**                   3 ~ ISCED 5, 4 ~ ISCED 6+)
**   rci             numeric: recruitment_cost / first_job_abroad_earnings (SDG 10.7.1)
**
** Ownership: survey_load returns a SurveyData the caller frees with survey_free;
** its arrays and strings belong to it. json_t results are new references.
*/
#ifndef LMIS_SURVEY_H
#define LMIS_SURVEY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "err.h"
#include "estimate.h"
#include "store.h"

typedef enum ColKind { COL_NUMERIC = 0, COL_CATEGORICAL = 1 } ColKind;

typedef struct SurveyColumn {
  char *zName;        /* column name in lmis (file variable name, or a derived name) */
  char *zConcept;     /* lmis concept or NULL */
  ColKind kind;
  double *aNum;       /* COL_NUMERIC: n values, NaN missing */
  int32_t *aCode;     /* COL_CATEGORICAL: n level indices, -1 missing (NULL when loaded narrow in 1 or 2 bytes) */
  const void *pCode;  /* COL_CATEGORICAL: the level indices as loaded, nCodeWidth (1, 2 or 4) bytes each */
  int nCodeWidth;
  int nLevel;
  char **azLevel;     /* level codes */
} SurveyColumn;

typedef struct SurveyData {
  int64_t id;
  char *zName;
  char *zRefArea;     /* ISO alpha-3 of the country surveyed */
  char *zRefPeriod;   /* e.g. "2023" or "2023-Q2" */
  size_t n;
  Design design;      /* arrays point into the design columns below */
  int nCol;
  SurveyColumn *aCol;
  /* private: design arrays */
  double *aWeight, *aFpc;
  double *aFpcStratum;   /* the fpc per stratum (surveys stored so), instead of aFpc */
  int32_t *aPsuStratum;  /* SURVEY_LOAD_NARROW with PSUs: each PSU's stratum, instead of aStratum */
  void *pMem;            /* the columns' memory (survey.c: loadmem), or NULL */
  size_t nMem, nMemUsed;
  char *zToken;          /* the survey's data token: names its cached column files (colcache.h) */
  struct { void *p; size_t n; } *aMap;   /* column files mapped (read-only) */
  int nMap;
  int32_t *aStratum, *aPsu;
} SurveyData;

typedef struct SurveyImportReport {
  long nRows;
  int nColumns;        /* stored, including derived */
  long nProblems;      /* validation problems found (import fails when > 0) */
  char *zProblems;     /* the first 100, one per line "file:line: column \"x\": why" ; caller frees */
} SurveyImportReport;

/* Import zCsv under zName using the codebook file zCodebook, all or nothing; a
** survey of the same name is replaced in the same transaction. On validation
** problems returns -1 with ERR_INVALID, e->zMsg summarising and pRep->zProblems
** listing them. */
int survey_import(Store *s, const char *zName, const char *zCsv, const char *zCodebook, bool bProgress,
                  SurveyImportReport *pRep, Err *e);
/* Load the design and the named columns (by name or concept; NULL = all). */
int survey_load(Store *s, const char *zName, const char *const *azCol, int nCol, SurveyData **pp, Err *e);
/* survey_load with flags: SURVEY_LOAD_NARROW leaves level indices as stored (1,
** 2 or 4 bytes: pCode and nCodeWidth; aCode only when 4), which reads and holds
** a quarter of the bytes of int32 for most columns; with PSUs, the design then
** has each PSU's stratum (aPsuStratum) and no stratum per row, and the fpc per
** stratum (aFpcStratum) when stored so. */
#define SURVEY_LOAD_NARROW 1u
int survey_load_ex(Store *s, const char *zName, const char *const *azCol, int nCol, unsigned flags, SurveyData **pp,
                   Err *e);
/* Level index of row i of a categorical column, whatever its width. */
static inline int32_t survey_code(const SurveyColumn *c, size_t i) {
  return c->nCodeWidth == 1 ? ((const int8_t *)c->pCode)[i]
         : c->nCodeWidth == 2 ? ((const int16_t *)c->pCode)[i] : ((const int32_t *)c->pCode)[i];
}
/* Column by name, else by concept; NULL if absent. */
const SurveyColumn *survey_column(const SurveyData *d, const char *zName);
void survey_free(SurveyData *d);

/* {surveys:[{name,title,ref_area,ref_period,source,n_rows,imported_at,columns}]} */
json_t *survey_list(Store *s, Err *e);
/* One survey with its design and columns (name, kind, concept, levels, missing). */
json_t *survey_info(Store *s, const char *zName, Err *e);
int survey_drop(Store *s, const char *zName, Err *e);

#endif
