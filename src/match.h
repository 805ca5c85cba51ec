/*
** match.h: the matching engine and the labour-market needs table.
**
** match_index_build loads every vacancy, seeker and recognition arrangement from
** the store into a compact in-memory index (struct of arrays, int32 ids, one
** allocation per array, vacancies grouped in blocks by destination country and
** ISCO unit group). Queries rank with the formula of docs/matching.md: hard
** filters first, then a score in thousandths of a point from five components and
** a deskilling penalty. Ties are broken by ascending id, so the ranking is total
** and a top-k is exactly the first k of the complete ranking. Seeker queries
** visit blocks by decreasing upper bound and stop when no remaining block can
** enter the top k.
**
** Ownership: match_index_build returns an index freed with match_index_free; it
** is read-only afterwards, so threads may query it at once. Result arrays are
** allocated and owned by the caller (free()). json_t results are new references.
*/
#ifndef LMIS_MATCH_H
#define LMIS_MATCH_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "err.h"
#include "store.h"

typedef struct MatchIndex MatchIndex;

/* Occupation relation, best first. */
enum {
  MATCH_OCC_NONE = 0,
  MATCH_OCC_MAJOR,
  MATCH_OCC_SUBMAJOR,
  MATCH_OCC_MINOR,
  MATCH_OCC_UNIT,
  MATCH_OCC_ESCO,
};

/* Recognition status of the seeker's best qualification for the vacancy. */
enum {
  MATCH_REC_NONE = 0,      /* no qualification covers it, or refused */
  MATCH_REC_PENDING,
  MATCH_REC_ASSESSMENT,    /* arrangement by assessment, no individual decision */
  MATCH_REC_PARTIAL,
  MATCH_REC_AUTOMATIC,     /* automatic arrangement, no individual decision */
  MATCH_REC_RECOGNISED,
};

/* Flags of a result. */
enum {
  MATCH_F_LICENCE = 1,     /* recruited through an agency whose licence is not valid (officers only) */
  MATCH_F_DESKILL = 2,     /* the job's skill level is below the seeker's education */
  MATCH_F_REGULATED = 4,
};

typedef struct MatchResult {
  int64_t id;              /* vacancy id (seeker queries) or seeker id (vacancy queries) */
  int32_t score;           /* total, thousandths of a point (may be negative) */
  int16_t occ, ess, opt, lang, edu;   /* components, 0..1000 */
  int16_t penalty;         /* deskilling penalty subtracted, thousandths of a point */
  uint8_t occLevel;        /* MATCH_OCC_* */
  uint8_t rec;             /* MATCH_REC_* */
  uint8_t flags;           /* MATCH_F_* */
  uint8_t jobLevel, seekerLevel;  /* ISCO skill levels (1-4) */
  uint8_t nEss, nEssHave, nOpt, nOptHave;
  uint8_t nLang, nLangMet;
} MatchResult;

/* Query options. today is a day number (jobs_date_days). bOfficer: vacancies with
** an invalid agency licence are included and flagged (MATCH_F_LICENCE) instead
** of left out. k 0 asks for the complete ranking. */
typedef struct MatchOpt {
  int k;
  int today;
  bool bOfficer;
} MatchOpt;

int match_index_build(Store *s, MatchIndex **pp, Err *e);
void match_index_free(MatchIndex *x);
int match_index_vacancies(const MatchIndex *x);
int match_index_seekers(const MatchIndex *x);
/* Bytes the index holds for vacancies (their arrays and blocks, not seekers). */
size_t match_index_vacancy_bytes(const MatchIndex *x);

/* The best vacancies for seeker idSeeker; ERR_NOT_FOUND when not in the index.
** *paOut (caller frees) gets *pn results, best first. */
int match_seeker(const MatchIndex *x, int64_t idSeeker, const MatchOpt *o, MatchResult **paOut, int *pn, Err *e);
/* The best open seekers for vacancy idVacancy. *pbLicence tells whether the
** vacancy itself is recruited through an agency whose licence is not valid. */
int match_vacancy(const MatchIndex *x, int64_t idVacancy, const MatchOpt *o, MatchResult **paOut, int *pn,
                  bool *pbLicence, Err *e);
/* The exhaustive ranking without any pruning (for tests and the benchmark's
** self-check): must equal match_seeker. */
int match_seeker_exhaustive(const MatchIndex *x, int64_t idSeeker, const MatchOpt *o, MatchResult **paOut, int *pn,
                            Err *e);

/* The one-line explanation of a result in zLang, into b. */
struct Buf;
void match_explain(const MatchResult *m, const char *zLang, struct Buf *b);
/* A result as JSON: {id, score (thousandths of a point), components{occupation,
** essential_skills, optional_skills, languages, education, deskilling_penalty}
** (thousandths), occupation_match, recognition, flags, counts, explanation}. */
json_t *match_result_json(const MatchResult *m, const char *zLang);

/* The whole answer the CLI prints and the API sends, one data path:
** {seeker:{id, ref}, as_of, top, results:[match_result_json + vacancy fields
** ref, employer, country, region, isco, isco_title, wage, currency]} and
** {vacancy:{id, ref, employer, country, isco, licence_not_valid, open}, as_of, top,
** results:[match_result_json + seeker fields ref, citizenship, residence]}. */
json_t *match_seeker_json(Store *s, const MatchIndex *x, int64_t id, const MatchOpt *o, const char *zLang, Err *e);
json_t *match_vacancy_json(Store *s, const MatchIndex *x, int64_t id, const MatchOpt *o, const char *zLang, Err *e);
/* Build the index, answer, free the index: for one-off queries. */
json_t *match_query(Store *s, bool bSeeker, int64_t id, const MatchOpt *o, const char *zLang, Err *e);

/* Labour-market needs by destination country and ISCO group at level 1-4 (see
** docs/matching.md "Needs"): {as_of, level, rows:[{country, isco, title,
** positions, vacancies, seekers, ratio, mean_days_open, classification}]}. */
json_t *match_needs(Store *s, const char *zCountry, int level, const char *zToday, const char *zLang, Err *e);

#endif
