/*
** jobs.h: the job-matching register: job seekers (with occupations, ESCO skills,
** languages, qualifications and their recognition decisions), vacancies, and
** recognition arrangements between countries. Formats: docs/matching.md.
**
** Every write goes through one validator per kind that names the offending field
** as a JSON pointer ("/occupations/0/isco"); imports add "FILE:LINE" and are all
** or nothing (one transaction). Codes are checked against the reference tables
** (countries, languages, ISCO-08, ESCO, currencies).
**
** Ownership: json_t results are new references owned by the caller. Functions
** returning int give 0 or -1 with e set.
*/
#ifndef LMIS_JOBS_H
#define LMIS_JOBS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "err.h"
#include "store.h"
#include "policy.h"

typedef enum JobsKind { JOBS_SEEKER = 0, JOBS_VACANCY, JOBS_ARRANGEMENT } JobsKind;

#define JOBS_IMPORT_MAX_BYTES (256u << 20)   /* largest import file */

/* CEFR level names: 1..6 = A1..C2, 7 = native. "" for out of range (static). */
const char *jobs_cefr_name(int level);
/* Parse "A1".."C2" or "native" (case-insensitive); 0 or -1. */
int jobs_cefr_parse(const char *z, int *pLevel);
/* Day number (days since 1970-01-01) of a valid 'YYYY-MM-DD'; -1 if invalid. */
int jobs_date_days(const char *z);
/* Today's date as 'YYYY-MM-DD' (UTC) into z (11 bytes), or LMIS_TODAY when set
** (tests and demos use it to be reproducible). */
void jobs_today(char z[11]);

/* Create (id 0) or replace (id > 0) one record from its JSON form. With id 0 an
** existing ref is replaced when bUpsert, else ERR_CONFLICT. *pId gets the id.
** Not in a transaction of its own: callers wrap it (jobs_put does). accountId is
** the account of a migrant editing their own profile (0 otherwise): it links the
** seeker to that account and the "account" field is then ignored. */
int jobs_put_in_tx(Store *s, JobsKind k, json_t *obj, int64_t id, bool bUpsert, int64_t accountId, int64_t *pId,
                   Err *e);
/* The same in its own transaction. */
int jobs_put(Store *s, JobsKind k, json_t *obj, int64_t id, int64_t accountId, int64_t *pId, Err *e);
/* A counter in meta (jobs_generation) that every write the matching index
** depends on bumps, in the writer's transaction: seekers, vacancies,
** arrangements (jobs_put_in_tx) and the agency register (agency.c). Servers
** cache the index while it is unchanged. */
int jobs_touch(Store *s, Err *e);
int64_t jobs_generation(Store *s);
/* One record in the JSON form jobs_put accepts (plus id and, for display, titles
** of codes in zLang). ERR_NOT_FOUND when absent. */
json_t *jobs_get(Store *s, JobsKind k, int64_t id, const char *zLang, Err *e);
/* Summaries: {"seekers"|"vacancies"|"arrangements": [...], "count": N}, ordered by
** id, at most nLimit (0: all) from offset nOffset. zCountry filters vacancies by
** destination and seekers by an accepted destination; zIsco by ISCO prefix. */
json_t *jobs_list(Store *s, JobsKind k, const char *zCountry, const char *zIsco, int nLimit, int nOffset,
                  const char *zLang, Err *e);
/* The seeker profile linked to an account, or 0. */
int64_t jobs_seeker_of_account(Store *s, int64_t accountId);
/* THE check before anyone reads or changes a seeker's personal data (profile,
** matches): employment officers and administrators may, and the access is
** audited (zAction, "seeker:ID", zAddr); a migrant may only for the profile
** linked to their own account; anyone else gets ERR_FORBIDDEN. The local CLI
** operator (accountId 0, role admin) is audited without an account. 0 or -1. */
int jobs_seeker_access(Store *s, const Principal *who, int64_t idSeeker, const char *zAction, const char *zAddr,
                       Err *e);

/* Build a record's JSON from named text fields (CSV columns, HTML form fields):
** xGet(pCtx, zColumn) returns the text or NULL when the field is absent. The
** columns are those of the CSV format (docs/matching.md); list columns split on
** ';' or newlines, parts on '|'. Starting from a copy of pBase (may be NULL),
** absent fields keep their value and empty ones remove it. Caller owns the
** result; NULL with e set when the qualifications column is not JSON. */
json_t *jobs_from_fields(JobsKind k, const char *(*xGet)(void *, const char *), void *pCtx, json_t *pBase, Err *e);
/* The JSON of jobs_get made importable (ids and titles dropped, skills as URIs),
** in place. Forms start from it. */
void jobs_to_import_form(json_t *o);
/* A record's value for one CSV column or form field (lists joined back with ';'
** and '|'); NULL when absent. Caller frees. */
char *jobs_field_text(const char *zColumn, json_t *j);

/* Import JSON Lines (zFormat "jsonl") or CSV ("csv") from memory; zName names the
** input in errors ("FILE:LINE" in Err.zWhere, with the JSON pointer or column
** in the detail). All rows or none: one transaction. Existing refs are replaced.
** *pnRow gets the number of records written. */
int jobs_import_mem(Store *s, JobsKind k, const char *zName, const char *p, size_t n, const char *zFormat,
                    int *pnRow, Err *e);
/* The same from a file; zFormat NULL picks by extension (.csv, else JSON Lines). */
int jobs_import_file(Store *s, JobsKind k, const char *zPath, const char *zFormat, int *pnRow, Err *e);
/* Write every record as JSON Lines or CSV (the import formats), ordered by id. */
int jobs_export(Store *s, JobsKind k, FILE *f, const char *zFormat, Err *e);

#endif
