/*
** refdata.h: loading the shipped reference data (data/) into a new database, all
** in one transaction: a failure anywhere leaves the database as it was and names
** file, line and field.
*/
#ifndef LMIS_REFDATA_H
#define LMIS_REFDATA_H

#include "err.h"
#include "store.h"

typedef struct RefReport {
  long nIsco, nEscoOccupation, nEscoSkill, nEscoRelation, nEscoRelationSkipped;
  long nCountry, nRegion, nLanguage, nCurrency, nInstrument, nRatification;
  char *zSkipped;     /* what was skipped and why (one line per kind); caller frees */
} RefReport;

/* Default data directory: LMIS_DATA, else the one configured at build time. */
const char *refdata_default_dir(void);
/* Load everything from zDir into s (schema must exist). bProgress: draw progress
** bars on a terminal. */
int refdata_load(Store *s, const char *zDir, int bProgress, RefReport *pRep, Err *e);

#endif
