/*
** audit.h: the append-only, hash-chained audit log.
**
** Every read and write of personal data and every account change appends one
** entry: who (account and role), what (action, object), when, from where. Each
** entry carries a sequence number and a keyed BLAKE2b hash over its content and
** the previous entry's hash; the key is derived from the key file (keys.h), never
** stored in the database. SQL triggers refuse UPDATE and DELETE. audit_verify
** walks the chain and reports every edited, deleted, inserted or reordered entry.
**
** Ownership: AuditReport and its strings belong to the caller (audit_report_free).
*/
#ifndef LMIS_AUDIT_H
#define LMIS_AUDIT_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>
#include "err.h"
#include "policy.h"
#include "store.h"

/* Append one entry (who may be NULL: the local operator on the CLI). Runs in the
** caller's transaction when there is one, else in its own. A failure to audit is
** an error: callers must stop and roll back. */
int audit(Store *s, const Principal *who, const char *zAction, const char *zObject, const char *zAddr,
          const char *zDetail, Err *e);

#define AUDIT_MAX_PROBLEMS 100

typedef struct AuditProblem {
  int64_t id;        /* row id where the problem shows (0: the log as a whole) */
  int64_t seq;       /* sequence number found there (0 when none) */
  char *zKind;       /* edited, deleted, inserted, reordered, truncated, anchor, key */
  char *zText;       /* one sentence, in English */
} AuditProblem;

typedef struct AuditReport {
  int64_t nEntries;      /* chained entries */
  int64_t nLegacy;       /* entries written before the chain began (not verifiable) */
  int64_t headSeq;       /* last sequence number in the log */
  char zHeadHash[65];    /* its hash, hex */
  int nProblem;          /* problems found (only the first AUDIT_MAX_PROBLEMS kept) */
  AuditProblem aProblem[AUDIT_MAX_PROBLEMS];
} AuditReport;

/* Verify the whole chain. zAnchor, when not NULL, is "SEQ:HASH" recorded earlier
** (`lmis audit head`): the entry SEQ must still have that hash. Returns 0 when
** the verification ran (the report says whether the log is intact), -1 on error
** (e.g. the key file is missing). */
int audit_verify(Store *s, const char *zAnchor, AuditReport *pRep, Err *e);
void audit_report_free(AuditReport *pRep);
/* The report as JSON: {intact, entries, legacy_entries, head, problems:[...]}.
** New reference for the caller. */
json_t *audit_report_json(const AuditReport *pRep);
/* The newest entries, newest first, at most nLimit, optionally of one action
** (prefix match "case." when it ends with '.'): a new JSON array, or NULL with e set. */
json_t *audit_list_json(Store *s, int nLimit, const char *zAction, Err *e);

#endif
