/*
** agency.h: licensed recruitment agencies (ILO C181, General Principles for Fair
** Recruitment) and workers' reviews of agencies and employers.
**
** A regulator's licence list is imported from CSV, all or nothing, with errors that
** name file:line:field; a re-import updates agencies and writes a status-history
** row for each changed status. "Is this agency licensed?" matches names with
** typos, accents, case and other scripts (agency_normalize, agency_similarity)
** and always reports the licence status with the match: a banned, cancelled,
** suspended, delisted or expired licence is never reported as licensed.
** See docs/recruitment.md.
**
** Ownership: json_t results are new references the caller decrefs; strings from
** agency_normalize are the caller's to free(); agency_status_name returns static text.
*/
#ifndef LMIS_AGENCY_H
#define LMIS_AGENCY_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>
#include "csv.h"
#include "err.h"
#include "policy.h"
#include "store.h"

/* The regulator's statuses, then AGENCY_EXPIRED: a 'valid' licence past its
** valid_to date (or before valid_from), decided at read time. */
typedef enum AgencyStatus {
  AGENCY_VALID = 0,
  AGENCY_SUSPENDED,
  AGENCY_CANCELLED,
  AGENCY_DELISTED,
  AGENCY_BANNED,
  AGENCY_EXPIRED,
  AGENCY__COUNT
} AgencyStatus;

const char *agency_status_name(AgencyStatus st);       /* "valid", ... (static) */
/* Parse one of the five stored statuses (not "expired"); 0 or -1. */
int agency_status_parse(const char *z, AgencyStatus *pSt);

/* The form of a name used for matching (docs/recruitment.md): Unicode NFKC
** compatibility folding, case folding, accents and other marks removed, '.' and
** apostrophes dropped, every other run of non-letters/digits one space, runs of
** single letters joined ("S. A." -> "sa"), legal-form words (ltd, inc, sarl, ...)
** dropped unless nothing else is left. NULL for invalid UTF-8. Caller frees. */
char *agency_normalize(const char *zName);
/* Similarity of two normalized names in [0, 1]: the best of trigram similarity,
** edit-distance similarity and (for queries of 4 trigrams or more) the share of
** the query's trigrams found in the name, scaled by 0.85, and the word-by-word
** edit similarity (each query word against its closest name word), scaled by 0.9
** when the numbers of words differ. */
double agency_similarity(const char *zNormQuery, const char *zNormName);

typedef struct AgencyImportReport {
  long nRow;            /* data rows read */
  long nNew;            /* agencies created */
  long nUpdated;        /* agencies already known (their fields were replaced) */
  long nStatusChanged;  /* of those, how many changed status (one history row each) */
} AgencyImportReport;

/* Import a licence list (CSV with a header; columns in docs/recruitment.md) in
** one transaction. On any bad row: -1, nothing changed, e names file:line:field.
** who may be NULL (the local operator). bProgress: a progress bar on a terminal. */
int agency_import_csv(Store *s, const char *zPath, const Principal *who, bool bProgress, AgencyImportReport *pRep,
                      Err *e);
/* The same from an open reader (tests, fuzzing); zSource is recorded as the source. */
int agency_import_reader(Store *s, CsvReader *r, const char *zSource, const Principal *who,
                         AgencyImportReport *pRep, Err *e);

/* "Is this agency licensed?": agencies whose name, alias or licence number match
** zName, best first, at most nLimit; zCountry (alpha-3) restricts to one issuing
** country. Returns {query, normalized, verdict, matches:[...]}; verdict is
** "licensed", "not_licensed", "ambiguous" or "no_match". */
json_t *agency_check(Store *s, const char *zName, const char *zCountry, int nLimit, Err *e);
/* One agency with aliases, branches, status history and sanctions. zCountry may be
** NULL when the licence number is unique across countries (else ERR_CONFLICT). */
json_t *agency_get(Store *s, const char *zLicence, const char *zCountry, Err *e);
/* Agencies, optionally of one status ("expired" included) and/or only sanctioned
** ones (suspended, cancelled or banned, or with a sanction recorded). */
json_t *agency_list(Store *s, const char *zStatus, bool bSanctioned, const char *zCountry, Err *e);
/* Record a regulator's decision: new status plus a history row (decision
** reference required; zDate defaults to today), audited as agency.status. */
int agency_set_status(Store *s, const char *zLicence, const char *zCountry, const char *zStatus,
                      const char *zDecision, const char *zDate, const char *zAuthority, const char *zReason,
                      const Principal *who, const char *zAddr, Err *e);
/* The effective status of a licence (AGENCY_EXPIRED for a lapsed valid licence).
** 0, or -1 with ERR_NOT_FOUND / ERR_CONFLICT (licence in several countries, none given). */
int agency_licence_status(Store *s, const char *zLicence, const char *zCountry, AgencyStatus *pSt, Err *e);
/* Row id of a licence, or -1 with e set (as agency_licence_status). */
int64_t agency_id(Store *s, const char *zLicence, const char *zCountry, Err *e);

/* True when z is a licence number lmis accepts: 1-64 of A-Z a-z 0-9 . _ - */
bool agency_licence_ok(const char *z);
/* True when z is an ISO 8601 calendar date YYYY-MM-DD. */
bool agency_date_ok(const char *z);
/* Today (UTC) as YYYY-MM-DD into z[11]. */
void agency_today(char z[11]);

/* ---- reviews ---- */

/* Submit a review from a JSON object {agency:{licence, country} | employer:{name,
** country}, ratings:{fees, contract, documents, information} (1-5, at least one),
** text, lang}. Stored as pending; nothing about the reviewer is kept. Returns the
** new id, or -1 with e set (ERR_INVALID with a JSON pointer in zWhere). */
int64_t review_submit(Store *s, json_t *j, Err *e);
/* Reviews of one status ("pending", "published", "rejected"), optionally of one
** agency (licence + optional country). {reviews:[...], summary:{n, mean ratings}}.
** Listing pending or rejected reviews (the moderation queue, whose text may hold
** personal data) is audited as review.read with who and zAddr. */
json_t *review_list(Store *s, const char *zStatus, const char *zLicence, const char *zCountry, int nLimit,
                    const Principal *who, const char *zAddr, Err *e);
/* Publish or reject a pending review; audited as review.moderate. */
int review_moderate(Store *s, int64_t id, bool bPublish, const char *zNote, const Principal *who, const char *zAddr,
                    Err *e);

#endif
