/*
** agreement.h: the repository of labour migration agreements, good practices and
** ratifications (Conclusions 9(ii)-(iii), 5(i), 5(ix) of the 2013 meeting; see
** docs/agreements.md): import (JSON, all or nothing, errors as JSON pointers),
** ranked full-text search with English/French/Spanish stemming and facets,
** clause-level assessment with scores per group, comparison against the model
** agreement annexed to Recommendation No. 86, corridor views and the para 44
** indicators.
**
** Ownership: every json_t result is a new reference owned by the caller
** (json_decref); NULL means failure with e set. char* results are owned by the
** caller (free). Nothing here keeps state between calls.
*/
#ifndef LMIS_AGREEMENT_H
#define LMIS_AGREEMENT_H

#include <jansson.h>
#include <stdbool.h>
#include "err.h"
#include "store.h"

/* ---- stemming and search text (libstemmer Snowball: english, french, spanish) ---- */

/* True for "en", "fr" and "es", the languages lmis stems. */
bool repo_lang_stemmed(const char *zLang);
/* The stems of every word of zText in zLang, case-folded, diacritics removed, joined
** by spaces (words of other languages are kept whole, folded). Caller frees. */
char *repo_stem_text(const char *zText, const char *zLang);
/* One word stemmed in zLang and folded; caller frees. NULL for no word. */
char *repo_stem_word(const char *zWord, const char *zLang);
/* The FTS5 query for free text: each word (at most 16) must match either as written
** (in title or body; the last word also as a prefix) or by its stem in any of the
** three languages in the stems column. NULL when there is no word. Caller frees. */
char *repo_fts_query(const char *zText);
/* A snippet of zBody around the words of zQuery (as written or by stem in zLang):
** about nWords words, matches wrapped in zOpen/zClose, "…" where cut. The markers
** are inserted as given: callers that render HTML pass private control characters,
** escape, then turn them into <mark> (text never holds C0 controls). Caller frees. */
char *repo_snippet(const char *zBody, const char *zLang, const char *zQuery, int nWords, const char *zOpen,
                   const char *zClose);

/* ---- import ---- */

typedef struct RepoImport {
  int nAgreement, nPractice, nRatification, nAssessment, nCoverage;
} RepoImport;

/* Load a JSON document {"agreements":[...], "practices":[...], "ratifications":[...],
** "coverage":[...]} (any subset; docs/agreements.md gives every field). Records are
** keyed by "id" (agreements, practices) or by country and instrument
** (ratifications): an existing one is updated, its comments kept. The whole
** document is checked before anything is written, and written in one transaction:
** on any error nothing changes and e->zWhere is the JSON pointer of the bad value
** ("/agreements/2/parties/0"). zOrigin names the input in messages and zUser is
** recorded as the editor. */
int repo_import_json(Store *s, json_t *pDoc, const char *zOrigin, const char *zUser, RepoImport *pOut, Err *e);
/* Same, from a file (at most 16 MiB of UTF-8 JSON). */
int repo_import_file(Store *s, const char *zPath, const char *zUser, RepoImport *pOut, Err *e);
/* Load the starter set at init: zDataDir/agreements/r86-model.json, then every other
** *.json there in name order. A missing directory loads nothing. Runs inside the
** caller's transaction. */
int repo_load_starter(Store *s, const char *zDataDir, RepoImport *pOut, Err *e);

/* ---- agreements ---- */

typedef struct AgreementQuery {
  const char *zText;       /* free text, or NULL for all */
  const char *zCountry;    /* ISO alpha-2 or alpha-3 party or member */
  const char *zType;
  const char *zStatus;
  int year;                /* year signed, 0 for any */
  const char *zMet;        /* a criterion code the agreement meets */
  int nLimit;              /* 1..100, 0 = 20 */
  int nOffset;
  const char *zOpen, *zClose;  /* snippet markers, NULL for "[" "]" */
} AgreementQuery;

/* {query, fts_query, total, results:[{id, type, title, title_original, status,
** date_signed, parties:[..], regional_body, snippet, score}], practices:[{id, title,
** theme, snippet}] (when there is text), facets:{type:{..}, status:{..}, year:{..},
** country:{..}, met:{..}}}. Ranked by bm25 (title 10, body 1, stems 2) when there is
** text, else by date signed, newest first. Facet counts cover every match. */
json_t *agreement_search(Store *s, const AgreementQuery *q, Err *e);
/* One agreement by id with parties, versions, assessment [{criterion, group, title,
** rating, clause, article, assessor, assessed_on}] over every criterion (unassessed
** ones "unknown"), scores (see agreement_scores) and comments. */
json_t *agreement_get(Store *s, const char *zRef, Err *e);
/* Scores per group: for each of governance, protection, development, and overall,
** {assessed, criteria, points, score} where met = 1, partly = 0.5, not met = 0,
** unknown not assessed, score = 100 * points / assessed (null when none assessed),
** coverage = assessed / criteria. */
json_t *agreement_scores(Store *s, const char *zRef, Err *e);
/* Record one criterion's rating (met, partly, not met, unknown) with the quoted
** clause and article, by zAssessor today (zDate NULL) or on zDate. */
int agreement_assess(Store *s, const char *zRef, const char *zCriterion, const char *zRating,
                     const char *zClause, const char *zArticle, const char *zAssessor, const char *zDate, Err *e);
/* Add a comment (tripartite review); returns its id or -1. zCriterion may be NULL. */
int64_t agreement_comment(Store *s, const char *zRef, const char *zCriterion, const char *zAuthor,
                          const char *zRole, const char *zBody, Err *e);
/* Compare with the R86 model agreement: for a stored agreement (zRef) its text, or
** else its summary; for a draft (zRef NULL) zText in zLang. {source, compared,
** items:[{article, title, found, evidence}], covered, missing:[{article, title}]}. */
json_t *agreement_compare(Store *s, const char *zRef, const char *zText, const char *zLang, Err *e);
/* The R86 checklist itself: {items:[{article, title, summary}]}. */
json_t *r86_model(Store *s, Err *e);

/* ---- practices, ratifications, corridors, indicators ---- */

json_t *practice_get(Store *s, const char *zRef, Err *e);

/* Good practices for the web pages: free text (the same stemmed search as the
** agreements), filters, paging and facets. */
typedef struct PracticeQuery {
  const char *zText;       /* free text, or NULL for all */
  const char *zCountry;    /* ISO alpha-2 or alpha-3 */
  const char *zTheme;      /* a theme exactly as stored, e.g. "skills recognition" */
  const char *zMflm;       /* a principle area of the Multilateral Framework, I to IX */
  const char *zRegion;     /* a regional body exactly as stored, e.g. "MERCOSUR" */
  int year;                /* 0 for any */
  int nLimit;              /* 1..100, 0 = 20 */
  int nOffset;
  const char *zLang;       /* language of country names: en, fr, es (NULL: en) */
  const char *zOpen, *zClose;  /* snippet markers, NULL for "[" "]" */
} PracticeQuery;

/* New object {query, fts_query, total, limit, offset, results:[{id, title, theme,
** mflm, year, regional_body, lang, snippet, countries:[{alpha2, alpha3, name}],
** score}], facets:{theme, country, mflm, regional_body, year: {value: count}},
** country_names:{alpha2: name}}. Ranked by bm25 with text, else newest year first.
** Facet counts cover every match. Errors name the parameter (q, country, mflm, ...). */
json_t *practice_query(Store *s, const PracticeQuery *q, Err *e);
/* New object {id, countries:[{alpha2, alpha3, name (in zLang)}], agreements:[{id,
** title, type, status, date_signed, via: "country" | "regional"}]}: the agreements a
** country of the practice is party to, or under the practice's regional body; in
** force first, then newest; at most nLimit (0 = 20). ERR_NOT_FOUND for an unknown id. */
json_t *practice_related(Store *s, const char *zRef, const char *zLang, int nLimit, Err *e);
/* {instruments:[{code, title}], countries:[{alpha2, name, ratifications:{CODE:{status,
** year, date, exclusions}}}], coverage:{CODE:{complete, as_of}}}; zCountry and
** zInstrument narrow it. Countries with no ratification held are left out. */
json_t *ratification_list(Store *s, const char *zCountry, const char *zInstrument, const char *zLang, Err *e);
/* The corridor view: {origin, destination (each {alpha2, alpha3, name}), agreements:
** [{..., via: "direct"|"regional"}] in force between them, other_agreements (not in
** force or status unknown), ratifications:{origin:{..}, destination:{..}}, gaps:[{code,
** text}], uncovered_criteria:[..], statistics:{observations:[..]}}. */
json_t *corridor_view(Store *s, const char *zOrigin, const char *zDest, const char *zLang, Err *e);
/* Para 44: per country and year, agreements facilitating mobility and agreements
** with social security portability (counted from the year signed, or in force when
** the signature date is unknown, until expiry or termination), with the trend over
** the last five years. zCountry NULL for every country with an agreement. */
json_t *agreement_indicators(Store *s, const char *zCountry, int yearFrom, int yearTo, Err *e);

/* Resolve an ISO 3166-1 alpha-2 or alpha-3 code to alpha-2 (into z3, 3 bytes). */
int repo_country(Store *s, const char *zCode, char zAlpha2[3], Err *e);

/* cmd_agreement.c: CLI handlers (rows in cli.c). */
struct CliCtx;
int cmd_agreement_import(struct CliCtx *c);
int cmd_agreement_list(struct CliCtx *c);
int cmd_agreement_show(struct CliCtx *c);
int cmd_agreement_assess(struct CliCtx *c);
int cmd_agreement_compare(struct CliCtx *c);
int cmd_agreement_search(struct CliCtx *c);
int cmd_agreement_indicators(struct CliCtx *c);
int cmd_practice_import(struct CliCtx *c);
int cmd_practice_list(struct CliCtx *c);
int cmd_practice_show(struct CliCtx *c);
int cmd_practice_search(struct CliCtx *c);
int cmd_ratification_import(struct CliCtx *c);
int cmd_ratification_list(struct CliCtx *c);
int cmd_corridor(struct CliCtx *c);

#endif
