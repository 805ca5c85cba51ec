/*
** sdmx.h: SDMX exchange of aggregate statistics: the lmis data structure
** definition (DSD), writers for SDMX-CSV 1.0 and 2.0, SDMX-ML 2.1
** structure-specific data, SDMX-JSON 1.0 data, the SDMX-ML 2.1 structure message
** and the DSD-specific XML schema; SDMX-CSV import; key queries and a minimal
** REST data function. docs/sdmx.md describes the formats, codes and mapping.
**
** The DSD (agency LMIS, id DSD_LMIS, version 1.0) has these dimensions, in key
** order: REF_AREA, COUNTERPART_AREA, INDICATOR, SEX, CLASSIF1, CLASSIF2, then the
** time dimension TIME_PERIOD; the primary measure OBS_VALUE; and the
** observation-level attributes OBS_STATUS, UNIT_MEASURE, UNIT_MULT, DECIMALS,
** SE, CI_LOW, CI_HIGH, CV and N. Every dataflow lmis holds (table dataflow:
** LMIS_MIG for survey results, LMIS_PUBLIC for the public series, and those
** named by imported files) uses it. A series key is the six dimension codes
** joined by '.'.
**
** Codes: "_T" is the total over a dimension and "_Z" "not applicable" (SDMX
** conventions). OBS_STATUS: A normal, U unreliable (CV above the threshold),
** C confidential (suppressed: too few sample units, no value published), E
** estimated, P provisional, B break, F forecast, I imputed, M missing.
**
** Ownership: SdmxData and SdmxKey are created by the functions here and freed
** with sdmx_data_free / sdmx_key_free; an SdmxData owns every string reachable
** from it (an arena). Writers append to a caller's Buf and fail with
** ERR_TOO_LARGE when the Buf's maximum is reached. json_t results are new
** references.
*/
#ifndef LMIS_SDMX_H
#define LMIS_SDMX_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include "err.h"
#include "store.h"
#include "util.h"

#define SDMX_AGENCY "LMIS"
#define SDMX_DSD_ID "DSD_LMIS"
#define SDMX_DSD_VERSION "1.0"
#define SDMX_FLOW_MIG "LMIS_MIG"
#define SDMX_FLOW_PUBLIC "LMIS_PUBLIC"

/* The key dimensions, in DSD order (TIME_PERIOD is kept apart). */
typedef enum SdmxDim {
  SDMX_REF_AREA = 0,
  SDMX_COUNTERPART_AREA,
  SDMX_INDICATOR,
  SDMX_SEX,
  SDMX_CLASSIF1,
  SDMX_CLASSIF2,
  SDMX_NDIM
} SdmxDim;

/* The id of dimension i ("REF_AREA" ...). */
const char *sdmx_dim_id(int i);

/* One observation. Absent values: value, se, ciLow, ciHigh, cv NaN; n, decimals
** -1; bUnitMult false; strings NULL. */
typedef struct SdmxObs {
  const char *azDim[SDMX_NDIM];
  const char *zTime;
  double value;
  const char *zStatus;
  const char *zUnit;
  bool bUnitMult;
  int unitMult;
  int decimals;
  double se, ciLow, ciHigh, cv;
  long n;
  const char *zAttrJson;   /* other attributes as a JSON object (kept, never exported), or NULL */
  const char *zOrigin;     /* where the observation came from (store rows only), or NULL */
} SdmxObs;

/* Initialise every field of *p as absent. */
void sdmx_obs_init(SdmxObs *p);

/* A data set for one dataflow. */
typedef struct SdmxData {
  char *zAgency, *zFlow, *zVersion;   /* the dataflow; owned */
  size_t nObs, nAlloc;
  SdmxObs *aObs;
  Arena *pArena;                      /* owns the strings of aObs */
} SdmxData;

SdmxData *sdmx_data_new(const char *zAgency, const char *zFlow, const char *zVersion);
/* Append a copy of *p (its strings are copied into the data set's arena). */
void sdmx_data_add(SdmxData *d, const SdmxObs *p);
void sdmx_data_free(SdmxData *d);

typedef enum SdmxFormat {
  SDMX_CSV1 = 0,     /* SDMX-CSV 1.0.0 */
  SDMX_CSV2,         /* SDMX-CSV 2.0.0 */
  SDMX_ML,           /* SDMX-ML 2.1 structure-specific data, flat (AllDimensions) */
  SDMX_JSON,         /* SDMX-JSON 1.0 data message, flat */
} SdmxFormat;

/* "sdmx-csv", "sdmx-csv2", "sdmx-ml", "sdmx-json" (also "csv", "csv2", "xml",
** "json"); 0, or -1 when unknown. */
int sdmx_format_parse(const char *z, SdmxFormat *p);
/* The media type of a format, e.g. "application/vnd.sdmx.data+csv; version=1.0.0". */
const char *sdmx_content_type(SdmxFormat f);
/* Pick a format from an HTTP Accept header (SDMX media types, text/csv,
** application/xml, application/json, * / *, with q-values). NULL or empty:
** SDMX-ML. -1 when the header names nothing lmis can write. */
int sdmx_format_from_accept(const char *zAccept, SdmxFormat *p);

/* Write a data message. s (may be NULL) supplies code names for SDMX-JSON in
** zLang (en, fr or es; NULL = en). */
int sdmx_write(Store *s, const SdmxData *d, SdmxFormat f, const char *zLang, Buf *pOut, Err *e);

/* The SDMX-ML 2.1 Structure message: dataflows, codelists (CL_AREA,
** CL_INDICATOR, CL_SEX, CL_OBS_STATUS, CL_UNIT), the concept scheme CS_LMIS and
** the DSD. Codelists hold the built-in codes plus every code found in the store,
** so that every message lmis exports validates. Names in English, French and
** Spanish. */
int sdmx_structure(Store *s, Buf *pOut, Err *e);
/* The XML schema for structure-specific data of the DSD (namespace
** sdmx_dsd_namespace()), importing the official SDMXMessage.xsd from zXsdDir
** (a directory path or URL prefix ending in '/'; NULL: the shipped copy in
** <data dir>/sdmx/xsd/). `xmllint --schema THIS.xsd DATA.xml` then validates a
** whole data message. */
int sdmx_structure_xsd(Store *s, const char *zXsdDir, Buf *pOut, Err *e);
/* urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=LMIS:DSD_LMIS(1.0):ObsLevelDim:AllDimensions */
const char *sdmx_dsd_namespace(void);
/* The directory of the shipped official SDMX 2.1 schemas (<data dir>/sdmx/xsd/);
** caller frees. */
char *sdmx_xsd_dir(void);

/* ---- keys and export ---- */

/* A parsed series key: per dimension a list of codes ('+'), empty = any. */
typedef struct SdmxKey SdmxKey;
/* Parse "AREA.COUNTERPART.INDICATOR.SEX.CLASSIF1.CLASSIF2" (empty position =
** wildcard, '+' = or; "", "all" or NULL = everything). Each position must have
** the right count and well-formed codes; SEX codes must be in CL_SEX. Errors
** (ERR_INVALID) name the position and the dimension. */
int sdmx_key_parse(const char *zKey, SdmxKey **pp, Err *e);
bool sdmx_key_match(const SdmxKey *k, const SdmxObs *p);
void sdmx_key_free(SdmxKey *k);

/* The observations of dataflow zFlow ("ID", "AGENCY,ID" or "AGENCY,ID,VERSION")
** matching zKey, ordered by series key and time. ERR_NOT_FOUND for an unknown
** dataflow. *pp is set (possibly with no observation) on success. */
int sdmx_export(Store *s, const char *zFlow, const char *zKey, SdmxData **pp, Err *e);

/* {dataflows:[{id, agency, version, name, dimensions, source, observations}]} */
json_t *sdmx_dataflows(Store *s, const char *zLang, Err *e);

/* ---- REST ---- */

/* The SDMX REST data resource /data/{flow}/{key} over published aggregates.
**   zFlow    "LMIS_MIG", "LMIS,LMIS_MIG" or "LMIS,LMIS_MIG,1.0" (version must match)
**   zKey     the series key as in sdmx_key_parse; NULL, "" or "all" = everything
**   zFormat  a format name as in sdmx_format_parse ("sdmx-csv" ...), or an HTTP
**            Accept header value; NULL = SDMX-ML
** On success appends the message to pOut and sets *pzContentType (static
** string). Errors: ERR_NOT_FOUND unknown dataflow, or no observation matches
** (SDMX's "no results found", HTTP 404); ERR_INVALID bad key or flow syntax
** (400); an Accept header naming no supported type: ERR_INVALID with a hint
** listing them (answering 406 is the caller's choice); ERR_TOO_LARGE when pOut's maximum is reached. Never reads
** microdata: only the observation table. */
int sdmx_rest_data(Store *s, const char *zFlow, const char *zKey, const char *zFormat, Buf *pOut,
                   const char **pzContentType, Err *e);

/* ---- storing observations ---- */

typedef enum SdmxInsertMode {
  SDMX_INSERT_STRICT = 0,   /* an existing observation with the same key is an error (ERR_CONFLICT) */
  SDMX_INSERT_UPSERT,       /* replace it */
} SdmxInsertMode;

typedef struct SdmxInserter SdmxInserter;
/* Prepare to insert into the observation table (the caller holds the transaction). */
SdmxInserter *sdmx_inserter_new(Store *s, SdmxInsertMode mode, Err *e);
/* Insert p into dataflow zFlow with origin zOrigin; se, ci, cv, n and decimals go
** into the attributes JSON along with p->zAttrJson's members. */
int sdmx_inserter_add(SdmxInserter *w, const char *zFlow, const SdmxObs *p, const char *zOrigin, Err *e);
void sdmx_inserter_free(SdmxInserter *w);
/* The series key of p ("A.B.C.D.E.F") in a new string; caller frees. */
char *sdmx_series_key(const SdmxObs *p);

/* ---- import ---- */

typedef struct SdmxImportReport {
  long nRows;          /* data rows read */
  long nStored;        /* observations inserted or replaced */
  long nDeleted;       /* observations deleted by ACTION=D rows */
  char *zFlows;        /* dataflows written, comma-separated; caller frees */
  char *zFormat;       /* "SDMX-CSV 1.0", "SDMX-CSV 2.0" or "ILOSTAT CSV"; caller frees */
  char *zProblems;     /* up to 20 problems, one per line "FILE:LINE:COL: ..."; caller frees */
} SdmxImportReport;

/* Import an SDMX-CSV 1.0 or 2.0 file (comma or semicolon separated, labels=id
** or both, plain or gzip), or an ILOSTAT bulk CSV (ref_area, indicator, sex,
** classif1, classif2, time, obs_value, obs_status, ...), in one transaction of
** its own: all or nothing. Columns REF_AREA, COUNTERPART_AREA, INDICATOR, SEX,
** CLASSIF1, CLASSIF2, TIME_PERIOD, OBS_VALUE, OBS_STATUS, UNIT_MEASURE,
** UNIT_MULT (and SE, CI_LOW, CI_HIGH, CV, N, DECIMALS) are mapped; any other
** column is kept in the attributes JSON. zFlowDefault names the dataflow for
** files that carry none (ILOSTAT CSV; default "ILOSTAT"). On failure, ERR_INVALID
** with e->zWhere = FILE:LINE:COL of the first problem and pRep->zProblems. */
int sdmx_import_csv(Store *s, const char *zPath, const char *zFlowDefault, SdmxImportReport *pRep, Err *e);
void sdmx_import_report_free(SdmxImportReport *r);

/* ---- small helpers shared with indicator.c and aggregate.c ---- */

/* True when z is an SDMX IDType: [A-Za-z0-9_@$-]+ (at most 255 bytes). */
bool sdmx_id_ok(const char *z);
/* Format v as the shortest decimal that reads back exactly; buffer of 32. */
const char *sdmx_fmt_double(char *zBuf, double v);

#endif
