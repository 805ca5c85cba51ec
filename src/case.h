/*
** case.h: complaints and cases, behind the firewall (docs/complaints.md).
**
** Anyone may file a complaint (anonymously, as a signed-in migrant, or as an
** officer taking it down) and gets a receipt code to follow it without an
** account. Labour inspectors take cases from a queue that shows no identities;
** only the inspector assigned and the complainant read a case. Every function
** that touches a case checks policy_check_case (policy.c) and writes the audit
** log before it returns anything; identities and free text are encrypted (pii.h).
** Filing, assigning and changing the state of a case queue notifications
** (notify.h) in the same transaction as the change.
**
** Ownership: returned json_t are new references owned by the caller.
** Functions return NULL / -1 with e set on failure; nothing is changed then.
*/
#ifndef LMIS_CASE_H
#define LMIS_CASE_H

#include <jansson.h>
#include <stdint.h>
#include "err.h"
#include "policy.h"
#include "store.h"

#define CASE_DESCRIPTION_MAX 10000   /* bytes of the description */
#define CASE_NOTE_MAX 4000
#define CASE_MIN_CELL 5              /* default: statistics cells below are suppressed */

/* The categories, states and contact methods, NULL-terminated (static). */
extern const char *const case_azCategory[];
extern const char *const case_azState[];
extern const char *const case_azContact[];

/* File a complaint described by the JSON object jIn (format: docs/complaints.md;
** errors name the JSON pointer). who is the filer (the public, a migrant, an
** officer); zAddr the client address for the audit log. Returns
** {id, case, receipt, state, deadline}: the receipt is shown once, never stored. */
json_t *case_file(Store *s, const Principal *who, const char *zAddr, json_t *jIn, Err *e);

/* The complainant's view, found by receipt code: state, dates, the events marked
** visible, and what they filed (identifiers masked). ERR_NOT_FOUND when no case
** has that code. */
json_t *case_track(Store *s, const char *zReceipt, const char *zAddr, Err *e);

/* An inspector's queue: unassigned cases (category, language, dates: no
** identities) and their own open cases. Runs the escalation sweep first. */
json_t *case_queue(Store *s, const Principal *who, const char *zAddr, Err *e);

/* One case in full, for the inspector assigned or the complainant's account. */
json_t *case_get(Store *s, const Principal *who, int64_t id, const char *zAddr, Err *e);

/* Act on a case: jAct is {"action": "assign", "to": USER} | {"action":
** "transition", "state": S, "note"?, "outcome"?, "amount_recovered"?,
** "currency"?} | {"action": "note", "note": T, "visible"?} | {"action": "refer",
** "country": ISO3, "note"?}. Returns the case as case_get does, plus a
** "referral" object for refer (only what the other inspectorate needs). */
json_t *case_act(Store *s, const Principal *who, int64_t id, json_t *jAct, const char *zAddr, Err *e);

/* The caller's own cases whose complainant has this name, passport or phone
** (zKind: "name", "passport" or "phone"), by blind index. */
json_t *case_search(Store *s, const Principal *who, const char *zKind, const char *zValue, const char *zAddr,
                    Err *e);

/* Counts of complaints by one dimension (category, state, language,
** employer_country or agency_licence), cells under nMin suppressed (and one more
** when a single suppressed cell could be recovered from the total). */
json_t *case_stats(Store *s, const char *zBy, int nMin, Err *e);

/* Mark every open case past its deadline as escalated (an event each), and queue
** the "deadline passed" notices (notify.h) in the same transaction. *pn gets the
** number escalated. */
int case_escalate(Store *s, int64_t now, int *pn, Err *e);

/* "C-000123" for id 123, into z (at least 16 bytes). */
void case_number(int64_t id, char *z, size_t n);
/* Parse "C-000123" or "123"; 0 or -1. */
int case_parse_number(const char *z, int64_t *pId);

#endif
