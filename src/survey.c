/*
** survey.c: survey microdata import, columnar storage and loading (see survey.h
** and docs/survey-import.md).
**
** Import reads the codebook (jansson), resolves its columns against the CSV
** header, then streams the CSV once (csv.c) into one growing array per column:
** float64 for numeric columns, int32 level indices for categorical ones, with a
** small open-addressing hash map per categorical column from the file's code to
** its level. Nothing per row is allocated and no SQL runs per row. Problems are
** collected as "file:line: column "x": why"; the 100 with the smallest line
** numbers are kept for the report and the rest only counted. Only when there is
** no problem are derived columns computed and everything written, in one
** transaction that also deletes a survey of the same name.
**
** Checks that concern a code rather than a row (a code missing from the map, a
** code that is not a standard code of its concept) are made once per distinct
** code and reported at the first line where the code occurs, with the number of
** rows that hold it, so a wrong code in a million rows is one message.
**
** PSU identifiers are nested within strata (R's svydesign(nest=TRUE)): PSUs are
** numbered per (stratum, PSU code) pair, so PSU "1" of stratum A and PSU "1" of
** stratum B are two PSUs. The stored levels of the PSU column are the file's PSU
** codes in that numbering, and may therefore repeat.
*/
#include "survey.h"
#include "cli.h"
#include "csv.h"
#include "util.h"
#include "colcache.h"

#include <errno.h>
#include <float.h>
#include <pthread.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

/* A BLOB holds at most SQLite's default maximum length (1e9 bytes): 8 bytes a row. */
#define SURVEY_MAX_ROWS 100000000L
#define CODEBOOK_MAX_BYTES (16u << 20)
#define PROBLEMS_KEPT 100
#define NAME_MAX_LEN 64

/* ---- roles and concepts ---- */

enum { CR_VARIABLE = 0, CR_WEIGHT, CR_STRATA, CR_PSU, CR_FPC, CR_DERIVED, CR__COUNT };
static const char *const azRoleName[CR__COUNT] = {"variable", "weight", "strata", "psu", "fpc", "derived"};

/* How the standard codes of a categorical concept are checked. */
enum { CODES_NONE = 0, CODES_FIXED, CODES_COUNTRY, CODES_ISCO };

enum {
  C_SEX = 0, C_AGE, C_COB, C_CIT, C_CPR, C_YOA, C_WAB, C_LFS, C_ISCO, C_ISIC, C_ICSE, C_ISCED,
  C_EARN, C_HOURS, C_RCOST, C_FJEARN, C__COUNT
};

static const char *const azSex[] = {"M", "F"};
static const char *const azYesNo[] = {"0", "1"};
static const char *const azLfs[] = {"EMP", "UNE", "OLF"};
static const char *const azIsic[] = {"A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K",
                                     "L", "M", "N", "O", "P", "Q", "R", "S", "T", "U"};
static const char *const azIcse[] = {"1", "2", "3", "4", "5", "6"};
static const char *const azIsced[] = {"0", "1", "2", "3", "4", "5", "6", "7", "8"};

typedef struct Concept {
  const char *zName;
  ColKind kind;
  int codes;                  /* CODES_* for categorical concepts */
  const char *const *azFixed; /* CODES_FIXED: the standard codes, in the stored level order */
  int nFixed;
  double rMin, rMax;          /* numeric: the plausible range (YEAR_MAX: the reference year) */
  const char *zWhat;          /* what the standard codes are, for messages */
} Concept;

#define YEAR_MAX (-1.0)   /* rMax placeholder: the survey's reference year */

static const Concept aConcept[C__COUNT] = {
  {"sex", COL_CATEGORICAL, CODES_FIXED, azSex, 2, 0, 0, "M or F"},
  {"age", COL_NUMERIC, CODES_NONE, NULL, 0, 0, 130, "age in completed years"},
  {"country_of_birth", COL_CATEGORICAL, CODES_COUNTRY, NULL, 0, 0, 0, "an ISO 3166-1 alpha-3 country code"},
  {"citizenship", COL_CATEGORICAL, CODES_COUNTRY, NULL, 0, 0, 0, "an ISO 3166-1 alpha-3 country code"},
  {"country_of_previous_residence", COL_CATEGORICAL, CODES_COUNTRY, NULL, 0, 0, 0,
   "an ISO 3166-1 alpha-3 country code"},
  {"year_of_arrival", COL_NUMERIC, CODES_NONE, NULL, 0, 1900, YEAR_MAX, "a year"},
  {"worked_abroad_before", COL_CATEGORICAL, CODES_FIXED, azYesNo, 2, 0, 0, "1 (yes) or 0 (no)"},
  {"labour_force_status", COL_CATEGORICAL, CODES_FIXED, azLfs, 3, 0, 0, "EMP, UNE or OLF"},
  {"isco08", COL_CATEGORICAL, CODES_ISCO, NULL, 0, 0, 0, "an ISCO-08 code of 1 to 4 digits"},
  {"isic4", COL_CATEGORICAL, CODES_FIXED, azIsic, 21, 0, 0, "an ISIC Rev.4 section letter A-U"},
  {"status_in_employment", COL_CATEGORICAL, CODES_FIXED, azIcse, 6, 0, 0, "an ICSE-93 group 1-6"},
  {"isced", COL_CATEGORICAL, CODES_FIXED, azIsced, 9, 0, 0, "an ISCED 2011 level 0-8"},
  {"monthly_earnings", COL_NUMERIC, CODES_NONE, NULL, 0, 0, INFINITY, "an amount"},
  {"hours_usually_worked", COL_NUMERIC, CODES_NONE, NULL, 0, 0, 168, "hours a week"},
  {"recruitment_cost", COL_NUMERIC, CODES_NONE, NULL, 0, 0, INFINITY, "an amount"},
  {"first_job_abroad_earnings", COL_NUMERIC, CODES_NONE, NULL, 0, 0, INFINITY, "an amount"},
};

static int concept_find(const char *z) {
  for (int i = 0; i < C__COUNT; i++)
    if (strcmp(aConcept[i].zName, z) == 0) return i;
  return -1;
}

static int fixed_index(const Concept *p, const char *z, size_t n) {
  for (int i = 0; i < p->nFixed; i++)
    if (strlen(p->azFixed[i]) == n && memcmp(p->azFixed[i], z, n) == 0) return i;
  return -1;
}

/* Derived columns: names are reserved, order is the stored order. */
static const char *const azAgeBand[] = {"YLT15", "Y15-24", "Y25-34", "Y35-44", "Y45-54", "Y55-64", "YGE65"};
static const char *const azBirth[] = {"NB", "FB"};
static const char *const azCitStatus[] = {"NAT", "FOR"};
static const char *const azMigrant[] = {"MIG", "NONMIG"};
static const char *const azDigit[] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
static const char *const azDerivedName[] = {
  "age_band", "working_age", "labour_force", "in_labour_force", "birth_status", "citizenship_status",
  "migrant", "migrant_worker", "recent_migrant", "return_migrant_worker", "isco08_major", "overqualified", "rci",
};

static bool is_derived_name(const char *z) {
  for (size_t i = 0; i < COUNT(azDerivedName); i++)
    if (strcmp(azDerivedName[i], z) == 0) return true;
  return false;
}

/* ---- a hash map from a byte string to an entry (open addressing, FNV-1a) ---- */

/* Entry values of iLevel other than a level index. */
#define CODE_MISSING (-1)    /* the map sends it to missing (null) */
#define CODE_UNMAPPED (-2)   /* the column has a map and the code is not in it */
#define CODE_INVALID (-3)    /* not a standard code of the column's concept */
#define CODE_PENDING (-4)    /* in the map, target level not yet created */

typedef struct CodeEntry {
  const char *zCode;     /* arena copy, NUL-terminated; may hold a binary prefix (PSU keys) */
  uint32_t nCode;
  uint32_t h;
  int32_t iLevel;
  int32_t iAux;          /* PSU: stratum index */
  const char *zTarget;   /* CODE_PENDING: the standard code (borrowed from the codebook) */
  long nFirstLine;       /* first line where the code was seen (0: not seen) */
  long nRows;            /* rows holding it (only counted for problem codes) */
} CodeEntry;

typedef struct CodeMap {
  CodeEntry *aEntry;
  int nEntry, nEntryAlloc;
  int32_t *aSlot;        /* entry index + 1; 0 empty */
  uint32_t nSlot;        /* power of two */
} CodeMap;

static uint32_t hash_bytes(const char *z, size_t n) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++) {
    h ^= (unsigned char)z[i];
    h *= 16777619u;
  }
  return h;
}

static CodeEntry *codemap_get(const CodeMap *m, const char *z, size_t n, uint32_t h) {
  if (!m->nSlot) return NULL;
  for (uint32_t i = h & (m->nSlot - 1);; i = (i + 1) & (m->nSlot - 1)) {
    int32_t k = m->aSlot[i];
    if (!k) return NULL;
    CodeEntry *p = &m->aEntry[k - 1];
    if (p->h == h && p->nCode == n && memcmp(p->zCode, z, n) == 0) return p;
  }
}

static void codemap_place(CodeMap *m, int32_t k) {
  uint32_t i = m->aEntry[k].h & (m->nSlot - 1);
  while (m->aSlot[i]) i = (i + 1) & (m->nSlot - 1);
  m->aSlot[i] = k + 1;
}

/* Add a new key (the caller checked it is absent). The entry pointer is valid
** until the next add. */
static CodeEntry *codemap_add(CodeMap *m, Arena *pArena, const char *z, size_t n, uint32_t h) {
  if (2 * (uint32_t)(m->nEntry + 1) > m->nSlot) {
    uint32_t nNew = m->nSlot ? m->nSlot * 2 : 64;
    free(m->aSlot);
    m->aSlot = xcalloc(nNew, sizeof(int32_t));
    m->nSlot = nNew;
    for (int32_t k = 0; k < m->nEntry; k++) codemap_place(m, k);
  }
  if (m->nEntry == m->nEntryAlloc) {
    m->nEntryAlloc = m->nEntryAlloc ? m->nEntryAlloc * 2 : 32;
    m->aEntry = xrealloc(m->aEntry, (size_t)m->nEntryAlloc * sizeof(CodeEntry));
  }
  CodeEntry *p = &m->aEntry[m->nEntry];
  memset(p, 0, sizeof *p);
  p->zCode = arena_strndup(pArena, z, n);
  p->nCode = (uint32_t)n;
  p->h = h;
  codemap_place(m, m->nEntry);
  m->nEntry++;
  return p;
}

static void codemap_free(CodeMap *m) {
  free(m->aEntry);
  free(m->aSlot);
  memset(m, 0, sizeof *m);
}

static bool strset_has(const CodeMap *m, const char *z) {
  size_t n = strlen(z);
  return codemap_get(m, z, n, hash_bytes(z, n)) != NULL;
}

/* ---- problems: keep the PROBLEMS_KEPT smallest (line, column, sequence) ---- */

typedef struct Problem {
  long nLine;
  int iCol;
  long iSeq;
  char *zText;
} Problem;

typedef struct Problems {
  Problem a[PROBLEMS_KEPT];
  int n;
  int iMax;        /* index of the largest kept key once full */
  long nTotal;
  long iSeq;
} Problems;

static int problem_cmp(const Problem *a, const Problem *b) {
  if (a->nLine != b->nLine) return a->nLine < b->nLine ? -1 : 1;
  if (a->iCol != b->iCol) return a->iCol < b->iCol ? -1 : 1;
  return a->iSeq < b->iSeq ? -1 : (a->iSeq > b->iSeq);
}

static int problem_qsort(const void *a, const void *b) { return problem_cmp(a, b); }

/* Record a problem. zCol may be NULL for a problem of a whole row or file. The
** text is only formatted when it is kept. */
static void problem_add(Problems *P, const char *zFile, long nLine, int iCol, const char *zCol, const char *zFmt,
                        ...) __attribute__((format(printf, 6, 7)));
static void problem_add(Problems *P, const char *zFile, long nLine, int iCol, const char *zCol, const char *zFmt,
                        ...) {
  Problem cand = {nLine, iCol, P->iSeq++, NULL};
  Problem *pSlot;
  Buf b;
  va_list ap;
  P->nTotal++;
  if (P->n < PROBLEMS_KEPT) {
    pSlot = &P->a[P->n++];
  } else {
    if (problem_cmp(&cand, &P->a[P->iMax]) >= 0) return;
    pSlot = &P->a[P->iMax];
    free(pSlot->zText);
  }
  buf_init(&b, 4096);
  if (zFile && nLine > 0) buf_printf(&b, "%s:%ld: ", zFile, nLine);
  else if (zFile) buf_printf(&b, "%s: ", zFile);
  if (zCol) buf_printf(&b, "column \"%s\": ", zCol);
  va_start(ap, zFmt);
  buf_vprintf(&b, zFmt, ap);
  va_end(ap);
  buf_cstr(&b);
  cand.zText = buf_detach(&b);
  *pSlot = cand;
  if (P->n == PROBLEMS_KEPT) {
    P->iMax = 0;
    for (int i = 1; i < P->n; i++)
      if (problem_cmp(&P->a[i], &P->a[P->iMax]) > 0) P->iMax = i;
  }
}

static char *problems_text(Problems *P) {
  Buf b;
  buf_init(&b, BUF_UNBOUNDED);
  qsort(P->a, (size_t)P->n, sizeof(Problem), problem_qsort);
  for (int i = 0; i < P->n; i++) {
    buf_puts(&b, P->a[i].zText);
    buf_putc(&b, '\n');
  }
  if (P->nTotal > P->n) buf_printf(&b, "... and %ld more problems\n", P->nTotal - P->n);
  buf_cstr(&b);
  return buf_detach(&b);
}

static void problems_free(Problems *P) {
  for (int i = 0; i < P->n; i++) free(P->a[i].zText);
  P->n = 0;
}

/* ---- codebook ---- */

typedef struct Spec {
  char *zName;
  char *zPtr;            /* JSON pointer of the codebook entry, for messages */
  ColKind kind;
  int role;
  int iConcept;          /* -1: none */
  double rMin, rMax;
  bool bMinOpen;         /* weights and fpc: strictly above rMin */
  json_t *pMap;          /* borrowed from the codebook; NULL when none */
  char **azMissing;      /* extra missing codes of this variable */
  int nMissing;
} Spec;

typedef struct Codebook {
  json_t *pRoot;
  char *zText;           /* the file as read */
  const char *zFile;
  const char *zTitle, *zRefArea, *zRefPeriod, *zSource;   /* borrowed from pRoot */
  int refYear;
  LonelyPsu lonely;
  const char *zLonely;
  char **azMissing;
  int nMissing;
  Spec *aSpec;           /* design columns first (weight, strata, psu, fpc), then variables */
  int nSpec;
} Codebook;

static const char *const azLonely[] = {"fail", "remove", "adjust", "average", "certainty"};

static void codebook_free(Codebook *cb) {
  for (int i = 0; i < cb->nSpec; i++) {
    free(cb->aSpec[i].zName);
    free(cb->aSpec[i].zPtr);
    for (int k = 0; k < cb->aSpec[i].nMissing; k++) free(cb->aSpec[i].azMissing[k]);
    free(cb->aSpec[i].azMissing);
  }
  free(cb->aSpec);
  for (int k = 0; k < cb->nMissing; k++) free(cb->azMissing[k]);
  free(cb->azMissing);
  json_decref(cb->pRoot);
  free(cb->zText);
  memset(cb, 0, sizeof *cb);
}

/* Append a JSON pointer token (RFC 6901: ~ as ~0, / as ~1). */
static void ptr_token(Buf *b, const char *z) {
  buf_putc(b, '/');
  for (; *z; z++) {
    if (*z == '~') buf_puts(b, "~0");
    else if (*z == '/') buf_puts(b, "~1");
    else buf_putc(b, *z);
  }
}

static char *ptr_join(const char *zBase, const char *zKey) {
  Buf b;
  buf_init(&b, BUF_UNBOUNDED);
  buf_puts(&b, zBase);
  ptr_token(&b, zKey);
  buf_cstr(&b);
  return buf_detach(&b);
}

/* An error at a JSON pointer of the codebook: "FILE: /pointer: why". */
static int cb_fail(const Codebook *cb, Err *e, const char *zPtr, const char *zFmt, ...)
  __attribute__((format(printf, 4, 5)));
static int cb_fail(const Codebook *cb, Err *e, const char *zPtr, const char *zFmt, ...) {
  Buf b;
  va_list ap;
  buf_init(&b, BUF_UNBOUNDED);
  va_start(ap, zFmt);
  buf_vprintf(&b, zFmt, ap);
  va_end(ap);
  err_set(e, ERR_INVALID, "%s: %s: %s", cb->zFile, *zPtr ? zPtr : "/", buf_cstr(&b));
  err_where(e, "%s", *zPtr ? zPtr : "/");
  buf_free(&b);
  return -1;
}

/* Fail when object j has a key not in the NULL-terminated list azAllowed. */
static int cb_check_keys(const Codebook *cb, Err *e, const char *zPtr, json_t *j, const char *const *azAllowed) {
  const char *zKey;
  json_t *v;
  json_object_foreach(j, zKey, v) {
    bool bOk = false;
    for (int i = 0; azAllowed[i]; i++)
      if (strcmp(azAllowed[i], zKey) == 0) bOk = true;
    if (!bOk) {
      Buf b;
      char *zP = ptr_join(zPtr, zKey);
      buf_init(&b, BUF_UNBOUNDED);
      for (int i = 0; azAllowed[i]; i++) buf_printf(&b, "%s\"%s\"", i ? ", " : "", azAllowed[i]);
      cb_fail(cb, e, zP, "unknown key");
      err_detail(e, "expected one of %s", buf_cstr(&b));
      buf_free(&b);
      free(zP);
      return -1;
    }
  }
  return 0;
}

/* Optional string member; NULL when absent or JSON null. */
static int cb_string(const Codebook *cb, Err *e, const char *zPtr, json_t *pObj, const char *zKey, bool bRequired,
                     const char **pz) {
  json_t *v = json_object_get(pObj, zKey);
  *pz = NULL;
  if (!v || json_is_null(v)) {
    if (!bRequired) return 0;
    char *zP = ptr_join(zPtr, zKey);
    cb_fail(cb, e, zP, "required");
    free(zP);
    return -1;
  }
  if (!json_is_string(v)) {
    char *zP = ptr_join(zPtr, zKey);
    cb_fail(cb, e, zP, "expected a string");
    free(zP);
    return -1;
  }
  *pz = json_string_value(v);
  return 0;
}

static bool column_name_ok(const char *z) {
  size_t n = strlen(z);
  if (n == 0 || n > NAME_MAX_LEN) return false;
  return utf8_valid_text(z, n) && !strpbrk(z, "\t\r\n");
}

/* Parse a list of missing codes (array of strings) into *pazOut. */
static int cb_missing_list(const Codebook *cb, Err *e, const char *zPtr, json_t *j, char ***pazOut, int *pnOut) {
  size_t i;
  json_t *v;
  if (!json_is_array(j)) return cb_fail(cb, e, zPtr, "expected an array of strings");
  *pazOut = xcalloc(json_array_size(j) + 1, sizeof(char *));
  *pnOut = 0;
  json_array_foreach(j, i, v) {
    if (!json_is_string(v)) {
      char zIdx[32];
      snprintf(zIdx, sizeof zIdx, "%zu", i);
      char *zP = ptr_join(zPtr, zIdx);
      cb_fail(cb, e, zP, "expected a string");
      free(zP);
      return -1;
    }
    (*pazOut)[(*pnOut)++] = xstrdup(json_string_value(v));
  }
  return 0;
}

static Spec *cb_new_spec(Codebook *cb, const char *zName, const char *zPtr, ColKind kind, int role) {
  Spec *p;
  cb->aSpec = xrealloc(cb->aSpec, (size_t)(cb->nSpec + 1) * sizeof(Spec));
  p = &cb->aSpec[cb->nSpec++];
  memset(p, 0, sizeof *p);
  p->zName = xstrdup(zName);
  p->zPtr = xstrdup(zPtr);
  p->kind = kind;
  p->role = role;
  p->iConcept = -1;
  p->rMin = -INFINITY;
  p->rMax = INFINITY;
  return p;
}

/* Check a standard code of concept iConcept; true when valid. */
static bool standard_code_ok(int iConcept, const char *z, const CodeMap *pCountries, const CodeMap *pIsco) {
  const Concept *p = &aConcept[iConcept];
  switch (p->codes) {
    case CODES_FIXED: return fixed_index(p, z, strlen(z)) >= 0;
    case CODES_COUNTRY: return strset_has(pCountries, z);
    case CODES_ISCO: return strset_has(pIsco, z);
    default: return true;
  }
}

static int cb_design_column(Codebook *cb, Err *e, json_t *pDesign, const char *zKey, ColKind kind, int role,
                            bool bRequired) {
  const char *z;
  char *zPtr = ptr_join("/design", zKey);
  int rc = -1;
  if (cb_string(cb, e, "/design", pDesign, zKey, bRequired, &z)) goto out;
  if (z) {
    if (!column_name_ok(z)) {
      cb_fail(cb, e, zPtr, "\"%s\" is not a usable column name", z);
      err_detail(e, "column names are 1 to %d characters of text", NAME_MAX_LEN);
      goto out;
    }
    if (is_derived_name(z)) {
      cb_fail(cb, e, zPtr, "\"%s\" is the name of a derived column", z);
      goto out;
    }
    for (int i = 0; i < cb->nSpec; i++) {
      if (strcmp(cb->aSpec[i].zName, z) == 0) {
        cb_fail(cb, e, zPtr, "column \"%s\" is already the %s column", z, azRoleName[cb->aSpec[i].role]);
        goto out;
      }
    }
    Spec *p = cb_new_spec(cb, z, zPtr, kind, role);
    if (role == CR_WEIGHT || role == CR_FPC) {
      p->rMin = 0;
      p->bMinOpen = true;
    }
  }
  rc = 0;
out:
  free(zPtr);
  return rc;
}

/* Read and validate the codebook. Country and ISCO code sets check the
** standard codes of map targets. */
static int codebook_parse(Codebook *cb, const char *zPath, const CodeMap *pCountries, const CodeMap *pIsco,
                          Err *e) {
  static const char *const azTop[] = {"survey", "design", "missing", "variables", "description", NULL};
  static const char *const azSurvey[] = {"title", "ref_area", "ref_period", "source", "description", NULL};
  static const char *const azDesign[] = {"weight", "strata", "psu", "fpc", "lonely_psu", NULL};
  static const char *const azVar[] = {"type", "concept", "map", "labels", "min", "max", "missing",
                                      "description", NULL};
  struct stat st;
  FILE *f = NULL;
  json_error_t jerr;
  json_t *pSurvey, *pDesign, *pVars, *v;
  const char *zKey;
  int rc = -1;
  char *zPtr = NULL;

  memset(cb, 0, sizeof *cb);
  cb->zFile = zPath;
  cb->lonely = LONELY_ADJUST;
  cb->zLonely = "adjust";
  if (stat(zPath, &st) != 0) {
    err_set(e, ERR_IO, "cannot open codebook %s", zPath);
    err_detail(e, "%s", strerror(errno));
    return -1;
  }
  if (!S_ISREG(st.st_mode)) {
    err_set(e, ERR_IO, "cannot open codebook %s", zPath);
    err_detail(e, "not a regular file");
    return -1;
  }
  if ((unsigned long long)st.st_size > CODEBOOK_MAX_BYTES) {
    err_set(e, ERR_TOO_LARGE, "%s: the codebook is larger than 16 MiB", zPath);
    return -1;
  }
  f = fopen(zPath, "rb");
  if (!f) {
    err_set(e, ERR_IO, "cannot open codebook %s", zPath);
    err_detail(e, "%s", strerror(errno));
    return -1;
  }
  cb->zText = xmalloc((size_t)st.st_size + 1);
  size_t nText = fread(cb->zText, 1, (size_t)st.st_size, f);
  cb->zText[nText] = 0;
  if (ferror(f)) {
    fclose(f);
    err_set(e, ERR_IO, "cannot read codebook %s", zPath);
    return -1;
  }
  fclose(f);
  cb->pRoot = json_loadb(cb->zText, nText, JSON_REJECT_DUPLICATES, &jerr);
  if (!cb->pRoot) {
    err_set(e, ERR_INVALID, "%s:%d:%d: invalid JSON", zPath, jerr.line, jerr.column);
    err_detail(e, "%s", jerr.text);
    err_where(e, "%s:%d:%d", zPath, jerr.line, jerr.column);
    return -1;
  }
  if (!json_is_object(cb->pRoot)) return cb_fail(cb, e, "", "expected an object");
  if (cb_check_keys(cb, e, "", cb->pRoot, azTop)) return -1;

  /* survey */
  pSurvey = json_object_get(cb->pRoot, "survey");
  if (!pSurvey) return cb_fail(cb, e, "/survey", "required");
  if (!json_is_object(pSurvey)) return cb_fail(cb, e, "/survey", "expected an object");
  if (cb_check_keys(cb, e, "/survey", pSurvey, azSurvey)) return -1;
  if (cb_string(cb, e, "/survey", pSurvey, "title", false, &cb->zTitle) ||
      cb_string(cb, e, "/survey", pSurvey, "ref_area", true, &cb->zRefArea) ||
      cb_string(cb, e, "/survey", pSurvey, "ref_period", true, &cb->zRefPeriod) ||
      cb_string(cb, e, "/survey", pSurvey, "source", false, &cb->zSource))
    return -1;
  if (!strset_has(pCountries, cb->zRefArea)) {
    cb_fail(cb, e, "/survey/ref_area", "\"%s\" is not an ISO 3166-1 alpha-3 country code", cb->zRefArea);
    if (pCountries->nEntry == 0) err_hint(e, "the database holds no countries; was it created with `lmis init`?");
    return -1;
  }
  {
    const char *z = cb->zRefPeriod;
    bool bYear = strlen(z) >= 4 && z[0] >= '1' && z[0] <= '2';
    for (int i = 0; bYear && i < 4; i++) bYear = z[i] >= '0' && z[i] <= '9';
    if (!bYear || !(z[4] == 0 || (z[4] == '-' && z[5] == 'Q' && z[6] >= '1' && z[6] <= '4' && z[7] == 0)))
      return cb_fail(cb, e, "/survey/ref_period", "expected a year (\"2023\") or a quarter (\"2023-Q2\"), not \"%s\"",
                     z);
    cb->refYear = (z[0] - '0') * 1000 + (z[1] - '0') * 100 + (z[2] - '0') * 10 + (z[3] - '0');
  }

  /* design */
  pDesign = json_object_get(cb->pRoot, "design");
  if (!pDesign) return cb_fail(cb, e, "/design", "required");
  if (!json_is_object(pDesign)) return cb_fail(cb, e, "/design", "expected an object");
  if (cb_check_keys(cb, e, "/design", pDesign, azDesign)) return -1;
  if (cb_design_column(cb, e, pDesign, "weight", COL_NUMERIC, CR_WEIGHT, true) ||
      cb_design_column(cb, e, pDesign, "strata", COL_CATEGORICAL, CR_STRATA, false) ||
      cb_design_column(cb, e, pDesign, "psu", COL_CATEGORICAL, CR_PSU, false) ||
      cb_design_column(cb, e, pDesign, "fpc", COL_NUMERIC, CR_FPC, false))
    return -1;
  {
    const char *z;
    if (cb_string(cb, e, "/design", pDesign, "lonely_psu", false, &z)) return -1;
    if (z) {
      int k = -1;
      for (int i = 0; i < (int)COUNT(azLonely); i++)
        if (strcmp(azLonely[i], z) == 0) k = i;
      if (k < 0)
        return cb_fail(cb, e, "/design/lonely_psu",
                       "expected fail, remove, adjust, average or certainty, not \"%s\"", z);
      cb->lonely = (LonelyPsu)k;
      cb->zLonely = azLonely[k];
    }
  }

  /* missing */
  v = json_object_get(cb->pRoot, "missing");
  if (v) {
    if (cb_missing_list(cb, e, "/missing", v, &cb->azMissing, &cb->nMissing)) return -1;
  } else {
    cb->azMissing = xcalloc(1, sizeof(char *));
  }

  /* variables */
  pVars = json_object_get(cb->pRoot, "variables");
  if (!pVars) return cb_fail(cb, e, "/variables", "required");
  if (!json_is_object(pVars)) return cb_fail(cb, e, "/variables", "expected an object");
  json_object_foreach(pVars, zKey, v) {
    const char *zType = NULL, *zConcept = NULL;
    json_t *pMap, *pLabels, *pMin, *pMax, *pMiss;
    ColKind kind;
    int iConcept = -1;
    Spec *p;
    free(zPtr);
    zPtr = ptr_join("/variables", zKey);
    if (!column_name_ok(zKey)) {
      cb_fail(cb, e, zPtr, "not a usable column name");
      err_detail(e, "column names are 1 to %d characters of text", NAME_MAX_LEN);
      goto out;
    }
    if (is_derived_name(zKey)) {
      cb_fail(cb, e, zPtr, "\"%s\" is the name of a derived column", zKey);
      err_hint(e, "rename the column in the file and the codebook; lmis computes %s itself", zKey);
      goto out;
    }
    for (int i = 0; i < cb->nSpec; i++) {
      if (strcmp(cb->aSpec[i].zName, zKey) == 0) {
        cb_fail(cb, e, zPtr, "\"%s\" is the %s column of the design", zKey, azRoleName[cb->aSpec[i].role]);
        err_detail(e, "design columns are stored under their own names and need no entry in variables");
        goto out;
      }
    }
    if (!json_is_object(v)) { cb_fail(cb, e, zPtr, "expected an object"); goto out; }
    if (cb_check_keys(cb, e, zPtr, v, azVar)) goto out;
    if (cb_string(cb, e, zPtr, v, "type", false, &zType) || cb_string(cb, e, zPtr, v, "concept", false, &zConcept))
      goto out;
    if (zConcept) {
      iConcept = concept_find(zConcept);
      if (iConcept < 0) {
        char *zP = ptr_join(zPtr, "concept");
        Buf b;
        buf_init(&b, BUF_UNBOUNDED);
        for (int i = 0; i < C__COUNT; i++) buf_printf(&b, "%s%s", i ? ", " : "", aConcept[i].zName);
        cb_fail(cb, e, zP, "unknown concept \"%s\"", zConcept);
        err_detail(e, "the concepts are %s", buf_cstr(&b));
        buf_free(&b);
        free(zP);
        goto out;
      }
      for (int i = 0; i < cb->nSpec; i++) {
        if (cb->aSpec[i].iConcept == iConcept) {
          char *zP = ptr_join(zPtr, "concept");
          cb_fail(cb, e, zP, "concept %s is already given to column \"%s\"", zConcept, cb->aSpec[i].zName);
          free(zP);
          goto out;
        }
      }
    }
    if (zType) {
      if (strcmp(zType, "numeric") == 0) kind = COL_NUMERIC;
      else if (strcmp(zType, "categorical") == 0) kind = COL_CATEGORICAL;
      else {
        char *zP = ptr_join(zPtr, "type");
        cb_fail(cb, e, zP, "expected \"numeric\" or \"categorical\", not \"%s\"", zType);
        free(zP);
        goto out;
      }
      if (iConcept >= 0 && aConcept[iConcept].kind != kind) {
        char *zP = ptr_join(zPtr, "type");
        cb_fail(cb, e, zP, "concept %s is %s", zConcept,
                aConcept[iConcept].kind == COL_NUMERIC ? "numeric" : "categorical");
        free(zP);
        goto out;
      }
    } else if (iConcept >= 0) {
      kind = aConcept[iConcept].kind;
    } else {
      char *zP = ptr_join(zPtr, "type");
      cb_fail(cb, e, zP, "required when there is no concept");
      free(zP);
      goto out;
    }
    p = cb_new_spec(cb, zKey, zPtr, kind, CR_VARIABLE);
    p->iConcept = iConcept;
    if (iConcept >= 0 && kind == COL_NUMERIC) {
      p->rMin = aConcept[iConcept].rMin;
      p->rMax = aConcept[iConcept].rMax == YEAR_MAX ? (double)cb->refYear : aConcept[iConcept].rMax;
    }
    pMin = json_object_get(v, "min");
    pMax = json_object_get(v, "max");
    if ((pMin || pMax) && kind != COL_NUMERIC) {
      char *zP = ptr_join(zPtr, pMin ? "min" : "max");
      cb_fail(cb, e, zP, "only numeric variables have a range");
      free(zP);
      goto out;
    }
    if (pMin) {
      if (!json_is_number(pMin)) {
        char *zP = ptr_join(zPtr, "min");
        cb_fail(cb, e, zP, "expected a number");
        free(zP);
        goto out;
      }
      p->rMin = json_number_value(pMin);
    }
    if (pMax) {
      if (!json_is_number(pMax)) {
        char *zP = ptr_join(zPtr, "max");
        cb_fail(cb, e, zP, "expected a number");
        free(zP);
        goto out;
      }
      p->rMax = json_number_value(pMax);
    }
    if (p->rMin > p->rMax) { cb_fail(cb, e, zPtr, "min is above max"); goto out; }
    pMiss = json_object_get(v, "missing");
    if (pMiss) {
      char *zP = ptr_join(zPtr, "missing");
      int rcm = cb_missing_list(cb, e, zP, pMiss, &p->azMissing, &p->nMissing);
      free(zP);
      if (rcm) goto out;
    }
    pMap = json_object_get(v, "map");
    if (pMap) {
      const char *zFrom;
      json_t *pTo;
      char *zMapPtr = ptr_join(zPtr, "map");
      if (kind != COL_CATEGORICAL) {
        cb_fail(cb, e, zMapPtr, "only categorical variables have a map");
        free(zMapPtr);
        goto out;
      }
      if (!json_is_object(pMap)) {
        cb_fail(cb, e, zMapPtr, "expected an object");
        free(zMapPtr);
        goto out;
      }
      json_object_foreach(pMap, zFrom, pTo) {
        size_t nFrom = strlen(zFrom);
        if (nFrom == 0 || strchr(" \t", zFrom[0]) || strchr(" \t", zFrom[nFrom - 1])) {
          char *zP = ptr_join(zMapPtr, zFrom);
          cb_fail(cb, e, zP, "a code must be non-empty, without blanks around it");
          err_detail(e, "cells are trimmed of blanks before they are looked up, and an empty cell is missing");
          free(zP);
          free(zMapPtr);
          goto out;
        }
        if (json_is_null(pTo)) continue;
        if (!json_is_string(pTo) || !*json_string_value(pTo)) {
          char *zP = ptr_join(zMapPtr, zFrom);
          cb_fail(cb, e, zP, "expected a code (a non-empty string) or null for missing");
          free(zP);
          free(zMapPtr);
          goto out;
        }
        if (iConcept >= 0 && !standard_code_ok(iConcept, json_string_value(pTo), pCountries, pIsco)) {
          char *zP = ptr_join(zMapPtr, zFrom);
          cb_fail(cb, e, zP, "\"%s\" is not a standard code of %s", json_string_value(pTo), aConcept[iConcept].zName);
          err_detail(e, "expected %s", aConcept[iConcept].zWhat);
          free(zP);
          free(zMapPtr);
          goto out;
        }
      }
      free(zMapPtr);
      p->pMap = pMap;
    }
    pLabels = json_object_get(v, "labels");
    if (pLabels) {
      const char *zCode;
      json_t *pLab;
      char *zLabPtr = ptr_join(zPtr, "labels");
      if (kind != COL_CATEGORICAL || !json_is_object(pLabels)) {
        cb_fail(cb, e, zLabPtr, kind != COL_CATEGORICAL ? "only categorical variables have labels"
                                                        : "expected an object");
        free(zLabPtr);
        goto out;
      }
      json_object_foreach(pLabels, zCode, pLab) {
        if (!json_is_string(pLab)) {
          char *zP = ptr_join(zLabPtr, zCode);
          cb_fail(cb, e, zP, "expected a string");
          free(zP);
          free(zLabPtr);
          goto out;
        }
      }
      free(zLabPtr);
    }
  }
  rc = 0;
out:
  free(zPtr);
  return rc;
}

/* ---- columns being built ---- */

typedef struct Col {
  const char *zName;       /* borrowed from the Spec, or a derived name */
  const char *zConcept;    /* static concept name or NULL */
  ColKind kind;
  int role;
  const Spec *pSpec;       /* NULL for derived columns */
  double *aNum;
  int32_t *aCode;
  long nMissing;
  /* categorical */
  CodeMap map;             /* file code -> level */
  char **azLevel;          /* level codes (arena strings or static) */
  long *aLevelLine;        /* first line of each level (free levels), for code checks */
  int nLevel, nLevelAlloc;
  bool bFixed;             /* levels are the concept's standard codes */
  /* missing codes: the codebook's and the variable's own, with their lengths */
  const char **azMiss;
  size_t *anMiss;
  int nMiss;
  /* The last valid cell, reused when the next row holds the same text (design
  ** columns and household variables repeat from row to row). */
  char zLast[32];
  size_t nLast;            /* 0: nothing cached */
  int32_t iLastAux;        /* PSU: stratum of the cached code */
  int32_t iLastLevel;
  double rLast;
} Col;

typedef struct Import {
  Codebook cb;
  CodeMap countries, isco;     /* standard code sets from the database */
  Arena *pArena;
  Col *aCol;
  int nCol, nColAlloc;
  size_t nRow, nRowAlloc;
  Problems P;
  const char *zCsv;
  int iStrata, iPsu, iFpc, iWeight;   /* column indices or -1 */
  /* per stratum: fpc of the first row, its line, whether a mismatch was reported */
  double *aFpcFirst;
  long *aStratumLine;
  bool *abFpcReported;
  int nStratumAlloc;
  Buf key;                     /* scratch for PSU keys */
  int32_t *aStrataPerm;        /* old -> new stratum index after sorting, or NULL */
  Col *aDer;                   /* derived columns (levels static) */
  int nDer, nDerAlloc;
} Import;

static Col *import_new_col(Import *im) {
  if (im->nCol == im->nColAlloc) {
    im->nColAlloc = im->nColAlloc ? im->nColAlloc * 2 : 32;
    im->aCol = xrealloc(im->aCol, (size_t)im->nColAlloc * sizeof(Col));
  }
  Col *c = &im->aCol[im->nCol++];
  memset(c, 0, sizeof *c);
  return c;
}

static int col_add_level(Import *im, Col *c, const char *z, size_t n, long nLine) {
  if (c->nLevel == c->nLevelAlloc) {
    c->nLevelAlloc = c->nLevelAlloc ? c->nLevelAlloc * 2 : 16;
    c->azLevel = xrealloc(c->azLevel, (size_t)c->nLevelAlloc * sizeof(char *));
    c->aLevelLine = xrealloc(c->aLevelLine, (size_t)c->nLevelAlloc * sizeof(long));
  }
  c->azLevel[c->nLevel] = arena_strndup(im->pArena, z, n);
  c->aLevelLine[c->nLevel] = nLine;
  return c->nLevel++;
}

static void col_set_fixed_levels(Import *im, Col *c, const char *const *az, int n) {
  for (int i = 0; i < n; i++) col_add_level(im, c, az[i], strlen(az[i]), 0);
  c->bFixed = true;
}

/* Set up the categorical column's code map from its codebook map. */
static void col_prepare_map(Import *im, Col *c) {
  const Spec *p = c->pSpec;
  const char *zFrom;
  json_t *pTo;
  if (!p || !p->pMap) return;
  json_object_foreach(p->pMap, zFrom, pTo) {
    /* Keys are unique, non-empty and without surrounding blanks (codebook_parse). */
    size_t n = strlen(zFrom);
    CodeEntry *pE = codemap_add(&c->map, im->pArena, zFrom, n, hash_bytes(zFrom, n));
    if (json_is_null(pTo)) {
      pE->iLevel = CODE_MISSING;
    } else if (c->bFixed) {
      const char *zTo = json_string_value(pTo);
      pE->iLevel = fixed_index(&aConcept[p->iConcept], zTo, strlen(zTo));   /* checked by the parser */
    } else {
      pE->iLevel = CODE_PENDING;
      pE->zTarget = json_string_value(pTo);
    }
  }
}

/* Column arrays. A million rows make 170 MB of columns, and touching fresh
** memory 4 KiB at a time costs a page fault each (a large share of the import
** on virtual machines). On Linux the arrays are mappings aligned to 2 MiB with
** transparent huge pages asked for, which the kernel fills 2 MiB at a time when
** it can; growing copies into a new mapping. Elsewhere, and under
** AddressSanitizer (which checks heap blocks, not mappings), plain malloc. */
#if defined(__linux__) && defined(MADV_HUGEPAGE) && !defined(__SANITIZE_ADDRESS__)
#define HUGE_BYTES ((size_t)2 << 20)
static size_t colmem_size(size_t n) { return (n + HUGE_BYTES - 1) & ~(HUGE_BYTES - 1); }

static void *colmem_alloc(size_t n) {
  size_t nMap = colmem_size(n ? n : 1);
  char *p = mmap(NULL, nMap + HUGE_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  char *q;
  if (p == MAP_FAILED) {
    fprintf(stderr, "lmis: out of memory: could not map %zu bytes\n", nMap);
    abort();
  }
  q = (char *)(((uintptr_t)p + HUGE_BYTES - 1) & ~(uintptr_t)(HUGE_BYTES - 1));
  if (q > p) munmap(p, (size_t)(q - p));
  munmap(q + nMap, (size_t)(p + nMap + HUGE_BYTES - (q + nMap)));
  madvise(q, nMap, MADV_HUGEPAGE);
  return q;
}

static void colmem_free(void *p, size_t n) {
  if (p) munmap(p, colmem_size(n ? n : 1));
}
#else
static void *colmem_alloc(size_t n) { return xmalloc(n ? n : 1); }
static void colmem_free(void *p, size_t n) {
  (void)n;
  free(p);
}
#endif

/* Memory for the columns one load reads: one mapping reserved for all of them
** (virtual space only: a page costs when first touched), handed out in order,
** so that columns of 1 or 2 MB share huge pages instead of each taking a 2 MiB
** one the kernel zeroes whole. NULL where there are no such mappings (then each
** column has its own). */
#if defined(__linux__) && defined(MADV_HUGEPAGE) && !defined(__SANITIZE_ADDRESS__)
static void loadmem_init(SurveyData *d, size_t nBound) {
  size_t nMap = colmem_size(nBound ? nBound : 1);
  char *p = mmap(NULL, nMap + HUGE_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) return;
  char *q = (char *)(((uintptr_t)p + HUGE_BYTES - 1) & ~(uintptr_t)(HUGE_BYTES - 1));
  if (q > p) munmap(p, (size_t)(q - p));
  munmap(q + nMap, (size_t)(p + nMap + HUGE_BYTES - (q + nMap)));
  madvise(q, nMap, MADV_HUGEPAGE);
  d->pMem = q;
  d->nMem = nMap;
  d->nMemUsed = 0;
}
static void loadmem_release(SurveyData *d) {
  if (d->pMem) munmap(d->pMem, d->nMem);
}
#else
static void loadmem_init(SurveyData *d, size_t nBound) { (void)d, (void)nBound; }
static void loadmem_release(SurveyData *d) { (void)d; }
#endif

static void *load_alloc(SurveyData *d, size_t n) {
  size_t nAt = (d->nMemUsed + 63) & ~(size_t)63;
  if (d->pMem && nAt + n <= d->nMem) {
    d->nMemUsed = nAt + n;
    return (char *)d->pMem + nAt;
  }
  return colmem_alloc(n);
}

/* Keep a column file's mapping (colcache_map) until survey_free. */
static void load_keep_map(SurveyData *d, void *pMap, size_t nMap) {
  d->aMap = xrealloc(d->aMap, (size_t)(d->nMap + 1) * sizeof *d->aMap);
  d->aMap[d->nMap].p = pMap;
  d->aMap[d->nMap].n = nMap;
  d->nMap++;
}

static void load_free(SurveyData *d, const void *p, size_t n) {
  const char *c = p;
  if (!p || (d->pMem && c >= (const char *)d->pMem && c < (const char *)d->pMem + d->nMem)) return;
  for (int i = 0; i < d->nMap; i++)   /* a mapped file: released with the others in survey_free */
    if (c >= (const char *)d->aMap[i].p && c < (const char *)d->aMap[i].p + d->aMap[i].n) return;
  colmem_free((void *)p, n);
}

/* Grow a column array of nOld bytes (used) to nNew bytes. */
static void *colmem_grow(void *p, size_t nOld, size_t nNew) {
  void *q = colmem_alloc(nNew);
  if (p) {
    memcpy(q, p, nOld);
    colmem_free(p, nOld);
  }
  return q;
}

static size_t col_width(const Col *c) { return c->kind == COL_NUMERIC ? sizeof(double) : sizeof(int32_t); }

static void import_grow_rows(Import *im) {
  size_t nNew = im->nRowAlloc ? im->nRowAlloc * 2 : 65536;
  for (int i = 0; i < im->nCol; i++) {
    Col *c = &im->aCol[i];
    if (c->kind == COL_NUMERIC) c->aNum = colmem_grow(c->aNum, im->nRowAlloc * sizeof(double), nNew * sizeof(double));
    else c->aCode = colmem_grow(c->aCode, im->nRowAlloc * sizeof(int32_t), nNew * sizeof(int32_t));
  }
  im->nRowAlloc = nNew;
}

static void import_grow_strata(Import *im, int nNeed) {
  if (nNeed <= im->nStratumAlloc) return;
  int nNew = im->nStratumAlloc ? im->nStratumAlloc * 2 : 64;
  while (nNew < nNeed) nNew *= 2;
  im->aFpcFirst = xrealloc(im->aFpcFirst, (size_t)nNew * sizeof(double));
  im->aStratumLine = xrealloc(im->aStratumLine, (size_t)nNew * sizeof(long));
  im->abFpcReported = xrealloc(im->abFpcReported, (size_t)nNew * sizeof(bool));
  for (int i = im->nStratumAlloc; i < nNew; i++) {
    im->aFpcFirst[i] = NAN;
    im->aStratumLine[i] = 0;
    im->abFpcReported[i] = false;
  }
  im->nStratumAlloc = nNew;
}

static void import_free(Import *im) {
  for (int i = 0; i < im->nCol; i++) {
    Col *c = &im->aCol[i];
    colmem_free(c->kind == COL_NUMERIC ? (void *)c->aNum : (void *)c->aCode, im->nRowAlloc * col_width(c));
    codemap_free(&c->map);
    free(c->azLevel);
    free(c->aLevelLine);
    free(c->azMiss);
    free(c->anMiss);
  }
  free(im->aCol);
  for (int i = 0; i < im->nDer; i++) {
    Col *c = &im->aDer[i];
    colmem_free(c->kind == COL_NUMERIC ? (void *)c->aNum : (void *)c->aCode, im->nRow * col_width(c));
    free(im->aDer[i].azLevel);
  }
  free(im->aDer);
  codemap_free(&im->countries);
  codemap_free(&im->isco);
  codebook_free(&im->cb);
  problems_free(&im->P);
  free(im->aFpcFirst);
  free(im->aStratumLine);
  free(im->abFpcReported);
  buf_free(&im->key);
  free(im->aStrataPerm);
  arena_free(im->pArena);
}

/* ---- cells ---- */

static const double aPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* Parse a decimal number that is all of z[0..n) (z[n] is NUL). Plain decimals of
** up to 15 significant digits take an exact fast path (Clinger: both the integer
** mantissa and the power of ten are exact doubles, so one correctly rounded
** division gives the same result as strtod); anything else goes to strtod.
** Hexadecimal, infinities and NaN are refused. 0 or -1. */
static int parse_number(const char *z, size_t n, double *pv) {
  size_t i = 0;
  uint64_t m = 0;
  int nSig = 0, nFrac = 0, nDigit = 0;
  bool bNeg = false, bDot = false;
  if (n == 0) return -1;
  if (z[0] == '-' || z[0] == '+') { bNeg = z[0] == '-'; i++; }
  if (i == n || !((z[i] >= '0' && z[i] <= '9') || z[i] == '.')) return -1;
  for (; i < n; i++) {
    char ch = z[i];
    if (ch >= '0' && ch <= '9') {
      nDigit++;
      if (bDot) nFrac++;
      if (m == 0 && ch == '0') continue;
      if (++nSig > 15) break;
      m = m * 10 + (uint64_t)(ch - '0');
    } else if (ch == '.' && !bDot) {
      bDot = true;
    } else {
      break;
    }
  }
  if (i == n && nDigit > 0 && nFrac <= 22) {
    double v = (double)m / aPow10[nFrac];
    *pv = bNeg ? -v : v;
    return 0;
  }
  {
    char *zEnd;
    errno = 0;
    double v = strtod(z, &zEnd);
    if (zEnd != z + n || !isfinite(v) || nDigit == 0) return -1;
    for (size_t k = 0; k < n; k++)
      if (z[k] == 'x' || z[k] == 'X') return -1;
    *pv = v;
  }
  return 0;
}

/* Gather the missing codes that apply to column c (an empty cell always is missing). */
static void col_prepare_missing(Import *im, Col *c) {
  int n = im->cb.nMissing + (c->pSpec ? c->pSpec->nMissing : 0);
  c->azMiss = xcalloc((size_t)n + 1, sizeof(char *));
  c->anMiss = xcalloc((size_t)n + 1, sizeof(size_t));
  for (int i = 0; i < im->cb.nMissing; i++) c->azMiss[c->nMiss++] = im->cb.azMissing[i];
  for (int i = 0; c->pSpec && i < c->pSpec->nMissing; i++) c->azMiss[c->nMiss++] = c->pSpec->azMissing[i];
  for (int i = 0; i < c->nMiss; i++) c->anMiss[i] = strlen(c->azMiss[i]);
}

static bool is_missing(const Col *c, const char *z, size_t n) {
  if (n == 0) return true;
  for (int i = 0; i < c->nMiss; i++)
    if (c->anMiss[i] == n && memcmp(c->azMiss[i], z, n) == 0) return true;
  return false;
}

static void col_cache(Col *c, const char *z, size_t n, int32_t iAux, int32_t iLevel, double r) {
  if (n == 0 || n >= sizeof c->zLast) {
    c->nLast = 0;
    return;
  }
  memcpy(c->zLast, z, n);
  c->nLast = n;
  c->iLastAux = iAux;
  c->iLastLevel = iLevel;
  c->rLast = r;
}

static void fmt_range(char *zBuf, size_t nBuf, const Spec *p) {
  if (isinf(p->rMax)) snprintf(zBuf, nBuf, "%s %g", p->bMinOpen ? "above" : "at least", p->rMin);
  else if (isinf(p->rMin)) snprintf(zBuf, nBuf, "at most %g", p->rMax);
  else snprintf(zBuf, nBuf, "between %g and %g", p->rMin, p->rMax);
}

static void cell_numeric(Import *im, int iCol, const char *z, size_t n, long nLine) {
  Col *c = &im->aCol[iCol];
  const Spec *p = c->pSpec;
  double v;
  if (c->nLast && n == c->nLast && memcmp(z, c->zLast, n) == 0) {
    c->aNum[im->nRow] = c->rLast;
    return;
  }
  if (is_missing(c, z, n)) {
    c->aNum[im->nRow] = NAN;
    c->nMissing++;
    if (c->role == CR_WEIGHT || c->role == CR_FPC)
      problem_add(&im->P, im->zCsv, nLine, iCol, c->zName, "the %s is missing", azRoleName[c->role]);
    return;
  }
  if (parse_number(z, n, &v)) {
    c->aNum[im->nRow] = NAN;
    problem_add(&im->P, im->zCsv, nLine, iCol, c->zName, "\"%.*s\" is not a number", (int)(n > 40 ? 40 : n), z);
    return;
  }
  if (v < p->rMin || v > p->rMax || (p->bMinOpen && v <= p->rMin)) {
    char zRange[96];
    fmt_range(zRange, sizeof zRange, p);
    problem_add(&im->P, im->zCsv, nLine, iCol, c->zName, "%.*s is out of range: expected a value %s",
                (int)(n > 40 ? 40 : n), z, zRange);
  } else {
    col_cache(c, z, n, 0, 0, v);
  }
  c->aNum[im->nRow] = v;
}

/* The level of a code seen for the first time. */
static int32_t first_sight(Import *im, Col *c, const char *z, size_t n, long nLine, CodeEntry **ppE) {
  CodeEntry *pE;
  int32_t iLevel;
  if (c->pSpec && c->pSpec->pMap) {
    iLevel = CODE_UNMAPPED;
  } else if (c->bFixed) {
    iLevel = fixed_index(&aConcept[c->pSpec->iConcept], z, n);
    if (iLevel < 0) iLevel = CODE_INVALID;
  } else {
    iLevel = col_add_level(im, c, z, n, nLine);
  }
  pE = codemap_add(&c->map, im->pArena, z, n, hash_bytes(z, n));
  pE->iLevel = iLevel;
  pE->nFirstLine = nLine;
  *ppE = pE;
  return iLevel;
}

static void cell_categorical(Import *im, int iCol, const char *z, size_t n, long nLine) {
  Col *c = &im->aCol[iCol];
  int32_t *pOut = &c->aCode[im->nRow];
  CodeEntry *pE;
  if (c->role == CR_PSU) {
    /* Nested: the key is the stratum index, then the code. */
    int32_t iStratum = im->iStrata >= 0 ? im->aCol[im->iStrata].aCode[im->nRow] : 0;
    if (c->nLast && n == c->nLast && iStratum == c->iLastAux && memcmp(z, c->zLast, n) == 0) {
      *pOut = c->iLastLevel;
      return;
    }
    if (is_missing(c, z, n)) {
      *pOut = -1;
      c->nMissing++;
      problem_add(&im->P, im->zCsv, nLine, iCol, c->zName, "the PSU is missing");
      return;
    }
    buf_reset(&im->key);
    buf_append(&im->key, &iStratum, sizeof iStratum);
    buf_append(&im->key, z, n);
    uint32_t h = hash_bytes(im->key.z, im->key.n);
    pE = codemap_get(&c->map, im->key.z, im->key.n, h);
    if (!pE) {
      int32_t iLevel = col_add_level(im, c, z, n, nLine);
      pE = codemap_add(&c->map, im->pArena, im->key.z, im->key.n, h);
      pE->iLevel = iLevel;
      pE->iAux = iStratum;
      pE->nFirstLine = nLine;
    }
    *pOut = pE->iLevel;
    col_cache(c, z, n, iStratum, pE->iLevel, 0);
    return;
  }
  if (c->nLast && n == c->nLast && memcmp(z, c->zLast, n) == 0) {
    *pOut = c->iLastLevel;
    return;
  }
  if (is_missing(c, z, n)) {
    *pOut = -1;
    c->nMissing++;
    if (c->role == CR_STRATA)
      problem_add(&im->P, im->zCsv, nLine, iCol, c->zName, "the stratum is missing");
    return;
  }
  pE = codemap_get(&c->map, z, n, hash_bytes(z, n));
  if (!pE) first_sight(im, c, z, n, nLine, &pE);
  if (pE->nFirstLine == 0) pE->nFirstLine = nLine;
  if (pE->iLevel == CODE_PENDING) {
    /* A mapped code seen for the first time: find or create its target level. */
    int32_t k = -1;
    for (int i = 0; i < c->nLevel && k < 0; i++)
      if (strcmp(c->azLevel[i], pE->zTarget) == 0) k = i;
    if (k < 0) k = col_add_level(im, c, pE->zTarget, strlen(pE->zTarget), nLine);
    pE->iLevel = k;
  }
  if (pE->iLevel >= 0) {
    *pOut = pE->iLevel;
    col_cache(c, z, n, 0, pE->iLevel, 0);
    return;
  }
  *pOut = -1;
  c->nMissing++;
  if (pE->iLevel != CODE_MISSING) pE->nRows++;
}

/* ---- checks after the data has been read ---- */

static int cmp_natural(const char *a, const char *b) {
  char *zEa, *zEb;
  long long x, y;
  errno = 0;
  x = strtoll(a, &zEa, 10);
  y = strtoll(b, &zEb, 10);
  if (*a && *b && !*zEa && !*zEb && !errno && x != y) return x < y ? -1 : 1;
  return strcmp(a, b);
}

typedef struct LevelSort {
  const char *z;
  int32_t iOld;
  int32_t iAux;
} LevelSort;

static int level_sort_cmp(const void *pa, const void *pb) {
  const LevelSort *a = pa, *b = pb;
  if (a->iAux != b->iAux) return a->iAux < b->iAux ? -1 : 1;
  int c = cmp_natural(a->z, b->z);
  if (c) return c;
  return a->iOld < b->iOld ? -1 : (a->iOld > b->iOld);
}

/* Sort the levels of a free categorical column (natural order: numeric codes by
** value) and renumber its codes. PSUs are sorted by stratum, then code. */
static void col_sort_levels(Import *im, Col *c, int32_t **paPerm) {
  LevelSort *a;
  int32_t *aNew;
  if (c->bFixed || c->nLevel < 2) return;   /* *paPerm stays NULL: identity */
  a = xmalloc((size_t)c->nLevel * sizeof(LevelSort));
  for (int i = 0; i < c->nLevel; i++) {
    a[i].z = c->azLevel[i];
    a[i].iOld = i;
    a[i].iAux = 0;
  }
  if (c->role == CR_PSU) {
    for (int k = 0; k < c->map.nEntry; k++) {
      int32_t s = c->map.aEntry[k].iAux;
      if (im->aStrataPerm && s >= 0) s = im->aStrataPerm[s];
      a[c->map.aEntry[k].iLevel].iAux = s;
    }
  }
  qsort(a, (size_t)c->nLevel, sizeof(LevelSort), level_sort_cmp);
  aNew = xmalloc((size_t)c->nLevel * sizeof(int32_t));
  for (int i = 0; i < c->nLevel; i++) {
    aNew[a[i].iOld] = i;
    c->azLevel[i] = (char *)a[i].z;
  }
  bool bIdentity = true;
  for (int i = 0; i < c->nLevel; i++) bIdentity = bIdentity && aNew[i] == i;
  if (!bIdentity) {
    for (size_t r = 0; r < im->nRow; r++)
      if (c->aCode[r] >= 0) c->aCode[r] = aNew[c->aCode[r]];
  }
  for (int k = 0; k < c->map.nEntry; k++)
    if (c->map.aEntry[k].iLevel >= 0) c->map.aEntry[k].iLevel = aNew[c->map.aEntry[k].iLevel];
  if (paPerm) *paPerm = aNew;
  else free(aNew);
  free(a);
}

static void check_codes(Import *im) {
  for (int i = 0; i < im->nCol; i++) {
    Col *c = &im->aCol[i];
    const Spec *p = c->pSpec;
    if (c->kind != COL_CATEGORICAL || c->role == CR_PSU) continue;
    for (int k = 0; k < c->map.nEntry; k++) {
      CodeEntry *pE = &c->map.aEntry[k];
      if (pE->nRows == 0) continue;
      if (pE->iLevel == CODE_UNMAPPED)
        problem_add(&im->P, im->zCsv, pE->nFirstLine, i, c->zName,
                    "code \"%s\" is not in the codebook map (%ld row%s)", pE->zCode, pE->nRows,
                    pE->nRows == 1 ? "" : "s");
      else if (pE->iLevel == CODE_INVALID)
        problem_add(&im->P, im->zCsv, pE->nFirstLine, i, c->zName,
                    "\"%s\" is not a standard code of %s: expected %s, or a map in the codebook (%ld row%s)",
                    pE->zCode, aConcept[p->iConcept].zName, aConcept[p->iConcept].zWhat, pE->nRows,
                    pE->nRows == 1 ? "" : "s");
    }
    /* Free levels of a concept with code lists in the database (no map). */
    if (p && p->iConcept >= 0 && !p->pMap && !c->bFixed) {
      for (int k = 0; k < c->nLevel; k++) {
        if (!standard_code_ok(p->iConcept, c->azLevel[k], &im->countries, &im->isco))
          problem_add(&im->P, im->zCsv, c->aLevelLine[k], i, c->zName, "\"%s\" is not %s",
                      c->azLevel[k], aConcept[p->iConcept].zWhat);
      }
    }
  }
}

/* FPC: at least as many population units as sampled ones in each stratum (R's rule:
** values <= 1 are sampling fractions). */
static void check_fpc(Import *im) {
  Col *pFpc, *pStrata;
  long *anSampled;
  int nStratum;
  if (im->iFpc < 0) return;
  pFpc = &im->aCol[im->iFpc];
  pStrata = im->iStrata >= 0 ? &im->aCol[im->iStrata] : NULL;
  nStratum = pStrata ? pStrata->nLevel : 1;
  if (nStratum == 0) return;
  anSampled = xcalloc((size_t)nStratum, sizeof(long));
  if (im->iPsu >= 0) {
    Col *pPsu = &im->aCol[im->iPsu];
    for (int k = 0; k < pPsu->map.nEntry; k++) {
      int32_t s = pPsu->map.aEntry[k].iAux;
      if (s >= 0 && s < nStratum) anSampled[s]++;
    }
  } else {
    for (size_t r = 0; r < im->nRow; r++) {
      int32_t s = pStrata ? pStrata->aCode[r] : 0;
      if (s >= 0) anSampled[s]++;
    }
  }
  /* All sampling fractions or all population counts (R's as.fpc rejects a mix). */
  int iFirst = -1;
  for (int s = 0; s < nStratum && s < im->nStratumAlloc; s++) {
    double f = im->aFpcFirst[s];
    if (isnan(f)) continue;
    if (iFirst < 0) {
      iFirst = s;
    } else if ((f <= 1.0) != (im->aFpcFirst[iFirst] <= 1.0)) {
      problem_add(&im->P, im->zCsv, im->aStratumLine[s], im->iFpc, pFpc->zName,
                  "%g is a %s but %g on line %ld is a %s: the fpc must be all sampling fractions (<= 1) or all "
                  "population counts", f, f <= 1.0 ? "sampling fraction" : "population count", im->aFpcFirst[iFirst],
                  im->aStratumLine[iFirst], f <= 1.0 ? "population count" : "sampling fraction");
      break;
    }
  }
  for (int s = 0; s < nStratum && s < im->nStratumAlloc; s++) {
    double f = im->aFpcFirst[s];
    if (isnan(f) || f <= 1.0) continue;
    if (f < (double)anSampled[s])
      problem_add(&im->P, im->zCsv, im->aStratumLine[s], im->iFpc, pFpc->zName,
                  "the population count %g of stratum \"%s\" is smaller than the %ld %s sampled in it", f,
                  pStrata ? pStrata->azLevel[s] : "(all)", anSampled[s], im->iPsu >= 0 ? "PSUs" : "units");
  }
  free(anSampled);
}

/* ---- derived columns (see survey.h) ---- */

/* A new derived column in im->aDer. Derived columns are computed on a thread
** of their own while the imported ones are written, so they never touch
** im->aCol (read only meanwhile) nor the arena: their levels are static. */
static Col *derived_new(Import *im, const char *zName, ColKind kind) {
  Col *c;
  if (im->nDer == im->nDerAlloc) {
    im->nDerAlloc = im->nDerAlloc ? im->nDerAlloc * 2 : 16;
    im->aDer = xrealloc(im->aDer, (size_t)im->nDerAlloc * sizeof(Col));
  }
  c = &im->aDer[im->nDer++];
  memset(c, 0, sizeof *c);
  c->zName = zName;
  c->kind = kind;
  c->role = CR_DERIVED;
  if (kind == COL_NUMERIC) c->aNum = colmem_alloc(im->nRow * sizeof(double));
  else c->aCode = colmem_alloc(im->nRow * sizeof(int32_t));
  return c;
}

static Col *derived_cat(Import *im, const char *zName, const char *const *azLevel, int nLevel) {
  Col *c = derived_new(im, zName, COL_CATEGORICAL);
  c->azLevel = xmalloc((size_t)nLevel * sizeof(char *));
  for (int i = 0; i < nLevel; i++) c->azLevel[i] = (char *)azLevel[i];
  c->nLevel = nLevel;
  c->bFixed = true;
  return c;
}

static int find_concept_col(const Import *im, int iConcept) {
  for (int i = 0; i < im->nCol; i++)
    if (im->aCol[i].pSpec && im->aCol[i].pSpec->iConcept == iConcept) return i;
  return -1;
}

/* Kleene AND of three-valued 1/0/-1 (missing) values: 0 if any is 0. */
static int32_t and3(int32_t a, int32_t b, int32_t c) {
  if (a == 0 || b == 0 || c == 0) return 0;
  if (a < 0 || b < 0 || c < 0) return -1;
  return 1;
}

/* Highest ISCED level that matches the skill level of an ISCO-08 code: skill
** level 1 ~ ISCED 1, 2 ~ ISCED 2-4, 3 ~ ISCED 5, 4 ~ ISCED 6+. A job of several
** skill levels takes its highest. Armed forces (major group 0) are split by
** sub-major group: 01 officers skill level 4, 02 non-commissioned officers 2,
** 03 other ranks 1; the major group alone (levels 1, 2, 4) counts as 4. */
static int isco_max_isced(const char *z) {
  switch (z[0]) {
    case '1': case '2': return 8;
    case '3': return 5;
    case '4': case '5': case '6': case '7': case '8': return 4;
    case '9': return 1;
    case '0':
      if (z[1] == '2') return 4;
      if (z[1] == '3') return 1;
      return 8;
    default: return 8;
  }
}

/* Compute every derived column whose inputs exist, into im->aDer. Columns are
** referred to by index because adding one may move the others. */
static void compute_derived(Import *im) {
  size_t n = im->nRow;
  const char *zArea = im->cb.zRefArea;
  int iAge = find_concept_col(im, C_AGE), iLfs = find_concept_col(im, C_LFS);
  int iCob = find_concept_col(im, C_COB), iCit = find_concept_col(im, C_CIT);
  int iYoa = find_concept_col(im, C_YOA), iWab = find_concept_col(im, C_WAB);
  int iIsco = find_concept_col(im, C_ISCO), iIsced = find_concept_col(im, C_ISCED);
  int iRcost = find_concept_col(im, C_RCOST), iFj = find_concept_col(im, C_FJEARN);
  int iWorking = -1, iInLf = -1, iBirth = -1, iCitSt = -1, iMig = -1;
  Col *c;

  if (iAge >= 0) {
    c = derived_cat(im, "age_band", azAgeBand, (int)COUNT(azAgeBand));
    const double *a = im->aCol[iAge].aNum;
    for (size_t r = 0; r < n; r++) {
      double x = a[r];
      c->aCode[r] = isnan(x) ? -1 : x < 15 ? 0 : x < 25 ? 1 : x < 35 ? 2 : x < 45 ? 3 : x < 55 ? 4 : x < 65 ? 5 : 6;
    }
    iWorking = im->nDer;
    c = derived_cat(im, "working_age", azYesNo, 2);
    a = im->aCol[iAge].aNum;
    for (size_t r = 0; r < n; r++) c->aCode[r] = isnan(a[r]) ? -1 : a[r] >= 15;
  }
  if (iLfs >= 0) {
    c = derived_cat(im, "labour_force", azLfs, 3);
    memcpy(c->aCode, im->aCol[iLfs].aCode, n * sizeof(int32_t));
    iInLf = im->nDer;
    c = derived_cat(im, "in_labour_force", azYesNo, 2);
    const int32_t *a = im->aCol[iLfs].aCode;
    for (size_t r = 0; r < n; r++) c->aCode[r] = a[r] < 0 ? -1 : a[r] <= 1;   /* EMP 0, UNE 1 */
  }
  /* Country columns: "is the surveyed country" per level, then per row. */
  for (int pass = 0; pass < 2; pass++) {
    int iIn = pass == 0 ? iCob : iCit;
    if (iIn < 0) continue;
    Col *pIn = &im->aCol[iIn];
    int8_t *aHome = xmalloc((size_t)(pIn->nLevel ? pIn->nLevel : 1));
    for (int k = 0; k < pIn->nLevel; k++) aHome[k] = strcmp(pIn->azLevel[k], zArea) == 0;
    if (pass == 0) iBirth = im->nDer;
    else iCitSt = im->nDer;
    c = pass == 0 ? derived_cat(im, "birth_status", azBirth, 2) : derived_cat(im, "citizenship_status", azCitStatus, 2);
    for (size_t r = 0; r < n; r++) {
      int32_t k = pIn->aCode[r];
      c->aCode[r] = k < 0 ? -1 : (aHome[k] ? 0 : 1);   /* NB/NAT 0, FB/FOR 1 */
    }
    free(aHome);
  }
  if (iBirth >= 0 || iCitSt >= 0) {
    iMig = im->nDer;
    c = derived_cat(im, "migrant", azMigrant, 2);
    const int32_t *aB = iBirth >= 0 ? im->aDer[iBirth].aCode : NULL;
    const int32_t *aC = iCitSt >= 0 ? im->aDer[iCitSt].aCode : NULL;
    for (size_t r = 0; r < n; r++) {
      /* ICLS 2018: foreign-born; where birthplace is unknown, foreign citizen. MIG 0, NONMIG 1. */
      int32_t b = aB ? aB[r] : -1;
      if (b < 0) b = aC ? aC[r] : -1;
      c->aCode[r] = b < 0 ? -1 : (b == 1 ? 0 : 1);
    }
  }
  if (iMig >= 0 && iWorking >= 0 && iInLf >= 0) {
    c = derived_cat(im, "migrant_worker", azYesNo, 2);
    const int32_t *aM = im->aDer[iMig].aCode, *aW = im->aDer[iWorking].aCode, *aL = im->aDer[iInLf].aCode;
    for (size_t r = 0; r < n; r++) c->aCode[r] = and3(aM[r] < 0 ? -1 : aM[r] == 0, aW[r], aL[r]);
  }
  if (iMig >= 0 && iYoa >= 0) {
    c = derived_cat(im, "recent_migrant", azYesNo, 2);
    const int32_t *aM = im->aDer[iMig].aCode;
    const double *aY = im->aCol[iYoa].aNum;
    double refYear = im->cb.refYear;
    for (size_t r = 0; r < n; r++) {
      if (aM[r] < 0) c->aCode[r] = -1;
      else if (aM[r] == 1) c->aCode[r] = 0;
      else if (isnan(aY[r])) c->aCode[r] = -1;
      else c->aCode[r] = refYear - aY[r] >= 0 && refYear - aY[r] <= 5;
    }
  }
  if (iMig >= 0 && iWab >= 0) {
    c = derived_cat(im, "return_migrant_worker", azYesNo, 2);
    const int32_t *aM = im->aDer[iMig].aCode, *aW = im->aCol[iWab].aCode;
    for (size_t r = 0; r < n; r++) c->aCode[r] = and3(aM[r] < 0 ? -1 : aM[r] == 1, aW[r], 1);
  }
  if (iIsco >= 0) {
    Col *pIsco = &im->aCol[iIsco];
    int32_t *aMajor = xmalloc((size_t)(pIsco->nLevel ? pIsco->nLevel : 1) * sizeof(int32_t));
    for (int k = 0; k < pIsco->nLevel; k++) aMajor[k] = pIsco->azLevel[k][0] - '0';
    c = derived_cat(im, "isco08_major", azDigit, 10);
    const int32_t *a = im->aCol[iIsco].aCode;
    for (size_t r = 0; r < n; r++) c->aCode[r] = a[r] < 0 ? -1 : aMajor[a[r]];
    free(aMajor);
  }
  if (iIsco >= 0 && iIsced >= 0 && iLfs >= 0) {
    Col *pIsco = &im->aCol[iIsco];
    int32_t *aMax = xmalloc((size_t)(pIsco->nLevel ? pIsco->nLevel : 1) * sizeof(int32_t));
    for (int k = 0; k < pIsco->nLevel; k++) aMax[k] = isco_max_isced(pIsco->azLevel[k]);
    c = derived_cat(im, "overqualified", azYesNo, 2);
    const int32_t *aO = im->aCol[iIsco].aCode, *aE = im->aCol[iIsced].aCode, *aL = im->aCol[iLfs].aCode;
    for (size_t r = 0; r < n; r++) {
      if (aL[r] != 0 || aO[r] < 0 || aE[r] < 0) c->aCode[r] = -1;   /* employed (EMP 0) only */
      else c->aCode[r] = aE[r] > aMax[aO[r]];                        /* ISCED level = level index */
    }
    free(aMax);
  }
  if (iRcost >= 0 && iFj >= 0) {
    c = derived_new(im, "rci", COL_NUMERIC);
    const double *aC = im->aCol[iRcost].aNum, *aF = im->aCol[iFj].aNum;
    for (size_t r = 0; r < n; r++) c->aNum[r] = (isnan(aC[r]) || isnan(aF[r]) || aF[r] <= 0) ? NAN : aC[r] / aF[r];
  }
  for (int i = 0; i < im->nDer; i++) {
    c = &im->aDer[i];
    c->nMissing = 0;
    for (size_t r = 0; r < n; r++)
      c->nMissing += c->kind == COL_NUMERIC ? isnan(c->aNum[r]) : c->aCode[r] < 0;
  }
}

/* ---- reading ---- */

static int load_code_set(Store *s, const char *zSql, CodeMap *m, Arena *pArena, Err *e) {
  Stmt *q = store_prepare(s, zSql, e);
  int rc;
  if (!q) return -1;
  while ((rc = stmt_step(q, e)) == 1) {
    const char *z = stmt_text(q, 0);
    if (!z) continue;
    size_t n = strlen(z);
    uint32_t h = hash_bytes(z, n);
    if (!codemap_get(m, z, n, h)) codemap_add(m, pArena, z, n, h);
  }
  stmt_finalize(q);
  return rc;
}

static bool survey_name_ok(const char *z) {
  size_t n = strlen(z);
  if (n == 0 || n > NAME_MAX_LEN) return false;
  if (!((z[0] >= 'a' && z[0] <= 'z') || (z[0] >= 'A' && z[0] <= 'Z') || (z[0] >= '0' && z[0] <= '9'))) return false;
  for (size_t i = 0; i < n; i++) {
    char c = z[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
          c == '.'))
      return false;
  }
  return true;
}

static int check_survey_name(const char *zName, Err *e) {
  if (survey_name_ok(zName)) return 0;
  err_set(e, ERR_INVALID, "\"%s\" is not a valid survey name", zName);
  err_detail(e, "a survey name is 1 to %d letters, digits, '_', '-' or '.', starting with a letter or digit",
             NAME_MAX_LEN);
  return -1;
}

/* The CSV is parsed by a reader thread while the calling thread converts cells:
** the reader copies the fields that the codebook names into batches, handed
** over through a queue of BATCHES buffers. */
#define BATCH_RECORDS 4096
#define BATCH_BYTES (8u << 20)
#define BATCHES 3

typedef struct Batch {
  char *zData;            /* the wanted fields of each record, NUL-terminated */
  size_t nData, nDataAlloc;
  uint32_t *aOff;         /* [record * nCol + column]: offset in zData */
  uint32_t *aLen;
  long *aLine;            /* line of each record */
  int *anField;           /* fields in the record (when not nHeader, no field is copied) */
  int nRec;
  long long iOffset;      /* csv_offset after the batch, for the progress bar */
} Batch;

typedef struct Reader {
  CsvReader *r;
  int nCol, nHeader;
  const int *aiField;     /* CSV field of each column */
  const char **azCell;    /* scratch: the wanted fields of one record */
  size_t *anCell;
  Batch aBatch[BATCHES];
  int aFull[BATCHES], nFull, iFullHead;   /* queue of filled batches */
  int aFree[BATCHES], nFree;
  bool bDone, bStop;
  Err err;                /* the reader's CSV error, when bFailed */
  bool bFailed;
  pthread_mutex_t mu;
  pthread_cond_t cvFull, cvFree;
} Reader;

static void batch_reserve(Batch *b, size_t nMore) {
  if (b->nData + nMore > b->nDataAlloc) {
    size_t nNew = b->nDataAlloc ? b->nDataAlloc : (1u << 20);
    while (nNew < b->nData + nMore) nNew *= 2;
    b->zData = xrealloc(b->zData, nNew);
    b->nDataAlloc = nNew;
  }
}

static void *reader_main(void *pArg) {
  Reader *R = pArg;
  bool bEnd = false;
  while (!bEnd) {
    Batch *b;
    int iBatch;
    pthread_mutex_lock(&R->mu);
    while (R->nFree == 0 && !R->bStop) pthread_cond_wait(&R->cvFree, &R->mu);
    if (R->bStop) {
      pthread_mutex_unlock(&R->mu);
      break;
    }
    iBatch = R->aFree[--R->nFree];
    pthread_mutex_unlock(&R->mu);
    b = &R->aBatch[iBatch];
    b->nRec = 0;
    b->nData = 0;
    while (b->nRec < BATCH_RECORDS && b->nData < BATCH_BYTES) {
      int k = csv_next(R->r, &R->err);
      if (k <= 0) {
        R->bFailed = k < 0;
        bEnd = true;
        break;
      }
      int iRec = b->nRec++;
      b->aLine[iRec] = csv_line(R->r);
      b->anField[iRec] = csv_nfield(R->r);
      if (b->anField[iRec] != R->nHeader) continue;
      /* Room for the whole record first, then plain copies (most cells are a few bytes). */
      size_t nNeed = 0;
      for (int i = 0; i < R->nCol; i++) {
        R->azCell[i] = csv_field(R->r, R->aiField[i]);
        R->anCell[i] = csv_field_len(R->r, R->aiField[i]);
        nNeed += R->anCell[i] + 1;
      }
      batch_reserve(b, nNeed);
      uint32_t *aOff = &b->aOff[iRec * R->nCol], *aLen = &b->aLen[iRec * R->nCol];
      for (int i = 0; i < R->nCol; i++) {
        const char *z = R->azCell[i];
        size_t n = R->anCell[i];
        char *p = b->zData + b->nData;
        if (n <= 16) {
          for (size_t j = 0; j < n; j++) p[j] = z[j];
        } else {
          memcpy(p, z, n);
        }
        p[n] = 0;
        aOff[i] = (uint32_t)b->nData;
        aLen[i] = (uint32_t)n;
        b->nData += n + 1;
      }
    }
    b->iOffset = csv_offset(R->r);
    pthread_mutex_lock(&R->mu);
    R->aFull[(R->iFullHead + R->nFull) % BATCHES] = iBatch;
    R->nFull++;
    if (bEnd) R->bDone = true;
    pthread_cond_signal(&R->cvFull);
    pthread_mutex_unlock(&R->mu);
  }
  pthread_mutex_lock(&R->mu);
  R->bDone = true;
  pthread_cond_signal(&R->cvFull);
  pthread_mutex_unlock(&R->mu);
  return NULL;
}

/* Convert the cells of one record (nCol wanted fields). */
static void import_record(Import *im, const Batch *b, int iRec, int nCol) {
  long nLine = b->aLine[iRec];
  const uint32_t *aOff = &b->aOff[iRec * nCol], *aLen = &b->aLen[iRec * nCol];
  for (int i = 0; i < nCol; i++) {
    Col *c = &im->aCol[i];
    const char *z = b->zData + aOff[i];
    size_t n = aLen[i];
    while (n > 0 && (z[n - 1] == ' ' || z[n - 1] == '\t')) n--;
    while (n > 0 && (*z == ' ' || *z == '\t')) { z++; n--; }
    if (c->kind == COL_NUMERIC) {
      if (z[n] != 0) {
        /* strtod needs z[n] == 0: copy a cell that had trailing blanks. */
        char zBuf[64];
        if (n < sizeof zBuf) {
          memcpy(zBuf, z, n);
          zBuf[n] = 0;
          cell_numeric(im, i, zBuf, n, nLine);
        } else {
          char *zCopy = xstrndup(z, n);
          cell_numeric(im, i, zCopy, n, nLine);
          free(zCopy);
        }
      } else {
        cell_numeric(im, i, z, n, nLine);
      }
    } else {
      cell_categorical(im, i, z, n, nLine);
    }
  }
  /* FPC constant within a stratum. */
  if (im->iFpc >= 0) {
    int32_t s = im->iStrata >= 0 ? im->aCol[im->iStrata].aCode[im->nRow] : 0;
    double f = im->aCol[im->iFpc].aNum[im->nRow];
    if (s >= 0 && !isnan(f)) {
      import_grow_strata(im, s + 1);
      if (isnan(im->aFpcFirst[s])) {
        im->aFpcFirst[s] = f;
        im->aStratumLine[s] = nLine;
      } else if (f != im->aFpcFirst[s] && !im->abFpcReported[s]) {
        im->abFpcReported[s] = true;
        problem_add(&im->P, im->zCsv, nLine, im->iFpc, im->aCol[im->iFpc].zName,
                    "%g differs from %g on line %ld: the fpc must be the same for every row of a stratum", f,
                    im->aFpcFirst[s], im->aStratumLine[s]);
      }
    }
  }
  im->nRow++;
}

/* Stream the CSV into the columns. Returns -1 only for failures that are not
** data problems (I/O, threads); data problems, including malformed CSV, go to im->P. */
static int read_csv(Import *im, bool bProgress, Err *e) {
  Reader R;
  Progress *pProg = NULL;
  Err ce = ERR_INIT;
  struct stat st;
  int nHeader, rc = -1;
  int nCol = im->nCol;
  int *aiField = NULL;
  pthread_t thread;
  bool bThread = false, bStop = false;

  memset(&R, 0, sizeof R);
  if (csv_open(im->zCsv, &R.r, e)) return -1;
  if (csv_header(R.r, NULL, NULL, 0, &ce)) {
    problem_add(&im->P, NULL, 0, -1, NULL, "%s", ce.zMsg);
    rc = 0;
    goto out;
  }
  nHeader = csv_nfield(R.r);
  aiField = xcalloc((size_t)nCol + 1, sizeof(int));
  for (int i = 0; i < nCol; i++) {
    Col *c = &im->aCol[i];
    int nSeen = 0;
    for (int k = 0; k < nHeader; k++) {
      if (strcmp(csv_field(R.r, k), c->zName) == 0) {
        if (!nSeen) aiField[i] = k;
        nSeen++;
      }
    }
    if (nSeen == 0)
      problem_add(&im->P, im->zCsv, csv_line(R.r), i, c->zName,
                  "not in the file's header (named in the codebook at %s)", c->pSpec->zPtr);
    else if (nSeen > 1)
      problem_add(&im->P, im->zCsv, csv_line(R.r), i, c->zName, "appears %d times in the header", nSeen);
  }
  if (im->P.nTotal) { rc = 0; goto out; }

  R.nCol = nCol;
  R.nHeader = nHeader;
  R.aiField = aiField;
  R.azCell = xcalloc((size_t)nCol + 1, sizeof(char *));
  R.anCell = xcalloc((size_t)nCol + 1, sizeof(size_t));
  for (int i = 0; i < BATCHES; i++) {
    Batch *b = &R.aBatch[i];
    b->aOff = xmalloc((size_t)BATCH_RECORDS * (size_t)nCol * sizeof(uint32_t));
    b->aLen = xmalloc((size_t)BATCH_RECORDS * (size_t)nCol * sizeof(uint32_t));
    b->aLine = xmalloc(BATCH_RECORDS * sizeof(long));
    b->anField = xmalloc(BATCH_RECORDS * sizeof(int));
    R.aFree[R.nFree++] = i;
  }
  pthread_mutex_init(&R.mu, NULL);
  pthread_cond_init(&R.cvFull, NULL);
  pthread_cond_init(&R.cvFree, NULL);
  if (pthread_create(&thread, NULL, reader_main, &R) != 0) {
    err_set(e, ERR_INTERNAL, "could not start the CSV reader thread");
    goto out_sync;
  }
  bThread = true;

  if (bProgress && stat(im->zCsv, &st) == 0) pProg = progress_start("importing survey", (long long)st.st_size);
  for (;;) {
    int iBatch;
    Batch *b;
    pthread_mutex_lock(&R.mu);
    while (R.nFull == 0 && !R.bDone) pthread_cond_wait(&R.cvFull, &R.mu);
    if (R.nFull == 0) {
      pthread_mutex_unlock(&R.mu);
      break;
    }
    iBatch = R.aFull[R.iFullHead];
    R.iFullHead = (R.iFullHead + 1) % BATCHES;
    R.nFull--;
    pthread_mutex_unlock(&R.mu);
    b = &R.aBatch[iBatch];
    for (int iRec = 0; iRec < b->nRec && !bStop; iRec++) {
      if (b->anField[iRec] != nHeader) {
        problem_add(&im->P, im->zCsv, b->aLine[iRec], -1, NULL, "expected %d fields as in the header, found %d",
                    nHeader, b->anField[iRec]);
        continue;
      }
      if ((long)im->nRow >= SURVEY_MAX_ROWS) {
        problem_add(&im->P, im->zCsv, b->aLine[iRec], -1, NULL, "more than %ld rows: lmis stores at most that many",
                    SURVEY_MAX_ROWS);
        bStop = true;
        break;
      }
      if (im->nRow == im->nRowAlloc) import_grow_rows(im);
      import_record(im, b, iRec, nCol);
    }
    progress_update(pProg, b->iOffset);
    pthread_mutex_lock(&R.mu);
    R.aFree[R.nFree++] = iBatch;
    if (bStop) R.bStop = true;
    pthread_cond_signal(&R.cvFree);
    pthread_mutex_unlock(&R.mu);
    if (bStop) break;
  }
  pthread_join(thread, NULL);
  bThread = false;
  progress_end(pProg);
  if (R.bFailed && !bStop) {
    /* Malformed CSV stops the reading; it is listed first. */
    problem_add(&im->P, NULL, 0, -1, NULL, "%s%s%s", R.err.zMsg, R.err.zDetail ? ": " : "",
                R.err.zDetail ? R.err.zDetail : "");
  }
  if (im->nRow == 0 && im->P.nTotal == 0) problem_add(&im->P, im->zCsv, 0, -1, NULL, "no data rows");
  rc = 0;
out_sync:
  if (bThread) pthread_join(thread, NULL);
  pthread_mutex_destroy(&R.mu);
  pthread_cond_destroy(&R.cvFull);
  pthread_cond_destroy(&R.cvFree);
  for (int i = 0; i < BATCHES; i++) {
    free(R.aBatch[i].zData);
    free(R.aBatch[i].aOff);
    free(R.aBatch[i].aLen);
    free(R.aBatch[i].aLine);
    free(R.aBatch[i].anField);
  }
out:
  err_clear(&R.err);
  err_clear(&ce);
  free(aiField);
  free(R.azCell);
  free(R.anCell);
  csv_close(R.r);
  return rc;
}

/* ---- writing ---- */

/* Bytes of a stored level index: the fewest that hold nLevel levels and -1. */
static size_t code_width(int nLevel) { return nLevel <= INT8_MAX ? 1 : nLevel <= INT16_MAX ? 2 : 4; }

/* BLOB bytes of a column: little-endian whatever the host; level indices in
** code_width bytes. *ppFree is set when a narrowed or swapped copy was made. */
static const void *col_blob(const Col *c, size_t n, int *pnByte, void **ppFree) {
  size_t nSize = c->kind == COL_NUMERIC ? 8 : code_width(c->nLevel);
  const void *p = c->kind == COL_NUMERIC ? (const void *)c->aNum : (const void *)c->aCode;
  *pnByte = (int)(n * nSize);
  *ppFree = NULL;
  if (nSize == 1) {
    int8_t *q = xmalloc(n ? n : 1);
    for (size_t i = 0; i < n; i++) q[i] = (int8_t)c->aCode[i];
    *ppFree = q;
    p = q;
  } else if (nSize == 2) {
    int16_t *q = xmalloc((n ? n : 1) * sizeof *q);
    for (size_t i = 0; i < n; i++) q[i] = (int16_t)c->aCode[i];
    *ppFree = q;
    p = q;
  }
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  if (nSize > 1) {
    unsigned char *q = xmalloc(n * nSize);
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++)
      for (size_t k = 0; k < nSize; k++) q[i * nSize + k] = s[i * nSize + nSize - 1 - k];
    free(*ppFree);
    *ppFree = q;
    p = q;
  }
#endif
  return p;
}

static char *levels_json(const Col *c) {
  json_t *a = json_array();
  char *z;
  for (int k = 0; k < c->nLevel; k++) json_array_append_new(a, json_string(c->azLevel[k]));
  z = json_dumps(a, JSON_COMPACT);
  json_decref(a);
  return z;
}

/* Insert column c. aFpcStratum (nStratum values) replaces the data of the fpc
** column, which is constant within a stratum: one value per stratum, not per row.
** With zDb and zToken the column is also written as a file (colcache_put; its
** name is given by colcache_publish once the import commits). */
static int insert_column(Stmt *q, int64_t id, int iPos, const Col *c, size_t n, double *aFpcStratum, int nStratum,
                         const char *zDb, const char *zToken, Err *e) {
  int nByte, rc;
  void *pFree;
  const void *pData;
  if (aFpcStratum) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    for (int h = 0; h < nStratum; h++) {
      unsigned char *b = (unsigned char *)&aFpcStratum[h];
      for (int k = 0; k < 4; k++) {
        unsigned char t = b[k];
        b[k] = b[7 - k];
        b[7 - k] = t;
      }
    }
#endif
    pData = aFpcStratum;
    nByte = nStratum * (int)sizeof(double);
    pFree = NULL;
  } else {
    pData = col_blob(c, n, &nByte, &pFree);
  }
  char *zLevels = c->kind == COL_CATEGORICAL ? levels_json(c) : NULL;
  stmt_reset(q);
  stmt_bind_int(q, ":id", id);
  stmt_bind_int(q, ":pos", iPos);
  stmt_bind_text(q, ":name", c->zName);
  stmt_bind_text(q, ":kind", c->kind == COL_NUMERIC ? "numeric" : "categorical");
  stmt_bind_text(q, ":role", azRoleName[c->role]);
  stmt_bind_text(q, ":concept", c->zConcept);
  stmt_bind_text(q, ":levels", zLevels);
  stmt_bind_int(q, ":missing", c->nMissing);
  stmt_bind_blob(q, ":data", pData, nByte);
  rc = stmt_run(q, e);
  if (rc == 0 && zToken && !aFpcStratum) colcache_put(zDb, zToken, iPos, c->zName, pData, (size_t)nByte, false);
  free(zLevels);
  free(pFree);
  return rc;
}

static void *derive_main(void *pArg) {
  compute_derived(pArg);
  return NULL;
}

/* Write the survey in one transaction, replacing one of the same name. The
** derived columns are computed meanwhile on another thread (joined here, on
** every path) when one could be started. */
static int write_survey(Store *s, const char *zName, Import *im, Err *e) {
  Stmt *q = NULL;
  int64_t id;
  int rc = -1, nFpcStratum = 0;
  double *aFpcStratum = NULL;
  pthread_t thread;
  char zToken[COLCACHE_TOKEN_LEN + 1], *zOldToken = NULL;
  const char *zDb = colcache_enabled() ? store_path(s) : NULL;
  colcache_token(zToken);
  bool bThread = pthread_create(&thread, NULL, derive_main, im) == 0;
  if (!bThread) compute_derived(im);
  if (store_begin(s, e)) goto out;
  /* The data token of the survey replaced, whose cached columns go once this commits. */
  q = store_prepare(s, "SELECT data_token FROM survey WHERE name = :name", e);
  if (!q) goto out;
  stmt_bind_text(q, ":name", zName);
  if (stmt_step(q, e) == 1 && stmt_text(q, 0)) zOldToken = xstrdup(stmt_text(q, 0));
  stmt_finalize(q);
  q = store_prepare(s, "DELETE FROM survey WHERE name = :name", e);
  if (!q) goto out;
  stmt_bind_text(q, ":name", zName);
  if (stmt_run(q, e)) goto out;
  stmt_finalize(q);
  q = store_prepare(s,
                    "INSERT INTO survey(name, title, ref_area, ref_period, source, n_rows, codebook, lonely_psu,"
                    " imported_at, data_token)"
                    " VALUES(:name, :title, :area, :period, :source, :n, :codebook, :lonely, :at, :token)",
                    e);
  if (!q) goto out;
  stmt_bind_text(q, ":name", zName);
  stmt_bind_text(q, ":title", im->cb.zTitle);
  stmt_bind_text(q, ":area", im->cb.zRefArea);
  stmt_bind_text(q, ":period", im->cb.zRefPeriod);
  stmt_bind_text(q, ":source", im->cb.zSource);
  stmt_bind_int(q, ":n", (int64_t)im->nRow);
  stmt_bind_text(q, ":codebook", im->cb.zText);
  stmt_bind_text(q, ":lonely", im->cb.zLonely);
  stmt_bind_int(q, ":at", now_seconds());
  stmt_bind_text(q, ":token", zToken);
  if (stmt_run(q, e)) goto out;
  id = store_last_id(s);
  stmt_finalize(q);
  q = store_prepare(s,
                    "INSERT INTO survey_column(survey_id, position, name, kind, role, concept, levels, n_missing, data)"
                    " VALUES(:id, :pos, :name, :kind, :role, :concept, :levels, :missing, :data)",
                    e);
  if (!q) goto out;
  /* The fpc once per stratum (when that is fewer values than rows, so that the
  ** BLOB's length tells which it is; see read_column). */
  if (im->iFpc >= 0) {
    const Col *pStr = im->iStrata >= 0 ? &im->aCol[im->iStrata] : NULL;
    nFpcStratum = pStr ? pStr->nLevel : 1;
    if ((size_t)nFpcStratum < im->nRow) {
      aFpcStratum = xmalloc((size_t)nFpcStratum * sizeof *aFpcStratum);
      for (int h = 0; h < nFpcStratum; h++) aFpcStratum[h] = NAN;
      for (size_t r = 0; r < im->nRow; r++) {
        int32_t h = pStr ? pStr->aCode[r] : 0;
        if (h >= 0 && h < nFpcStratum) aFpcStratum[h] = im->aCol[im->iFpc].aNum[r];
      }
    }
  }
  for (int i = 0; i < im->nCol; i++)
    if (insert_column(q, id, i, &im->aCol[i], im->nRow, i == im->iFpc ? aFpcStratum : NULL, nFpcStratum, zDb, zToken,
                      e))
      goto out;
  if (bThread) {
    pthread_join(thread, NULL);
    bThread = false;
  }
  for (int i = 0; i < im->nDer; i++)
    if (insert_column(q, id, im->nCol + i, &im->aDer[i], im->nRow, NULL, 0, zDb, zToken, e)) goto out;
  stmt_finalize(q);
  q = NULL;
  if (store_commit(s, e)) goto out;
  colcache_publish(zDb, zToken);
  colcache_drop(zDb, zOldToken);
  rc = 0;
out:
  if (bThread) pthread_join(thread, NULL);
  if (rc) colcache_drop(zDb, zToken);
  free(zOldToken);
  free(aFpcStratum);
  stmt_finalize(q);
  if (rc) store_rollback(s);
  return rc;
}

int survey_import(Store *s, const char *zName, const char *zCsv, const char *zCodebook, bool bProgress,
                  SurveyImportReport *pRep, Err *e) {
  Import im;
  int rc = -1;
  memset(pRep, 0, sizeof *pRep);
  memset(&im, 0, sizeof im);
  im.pArena = arena_new();
  im.zCsv = zCsv;
  im.iStrata = im.iPsu = im.iFpc = im.iWeight = -1;
  buf_init(&im.key, CSV_MAX_FIELD + 16);
  if (check_survey_name(zName, e)) goto out;
  if (load_code_set(s, "SELECT alpha3 FROM country", &im.countries, im.pArena, e) ||
      load_code_set(s, "SELECT code FROM isco_group", &im.isco, im.pArena, e))
    goto out;
  if (codebook_parse(&im.cb, zCodebook, &im.countries, &im.isco, e)) goto out;

  for (int i = 0; i < im.cb.nSpec; i++) {
    const Spec *p = &im.cb.aSpec[i];
    Col *c = import_new_col(&im);
    c->zName = p->zName;
    c->zConcept = p->iConcept >= 0 ? aConcept[p->iConcept].zName : NULL;
    c->kind = p->kind;
    c->role = p->role;
    c->pSpec = p;
    if (p->role == CR_WEIGHT) im.iWeight = i;
    if (p->role == CR_STRATA) im.iStrata = i;
    if (p->role == CR_PSU) im.iPsu = i;
    if (p->role == CR_FPC) im.iFpc = i;
    if (p->iConcept >= 0 && aConcept[p->iConcept].codes == CODES_FIXED)
      col_set_fixed_levels(&im, c, aConcept[p->iConcept].azFixed, aConcept[p->iConcept].nFixed);
    col_prepare_map(&im, c);
    col_prepare_missing(&im, c);
  }
  if (read_csv(&im, bProgress, e)) goto out;
  check_codes(&im);
  check_fpc(&im);
  pRep->nRows = (long)im.nRow;
  if (im.P.nTotal) {
    pRep->nProblems = im.P.nTotal;
    pRep->zProblems = problems_text(&im.P);
    err_set(e, ERR_INVALID, "%s: %ld problem%s found; nothing was imported", zCsv, im.P.nTotal,
            im.P.nTotal == 1 ? "" : "s");
    err_detail(e, "%s", im.P.a[0].zText);
    err_hint(e, "fix the data or the codebook (%s) and import again", zCodebook);
    goto out;
  }
  /* Strata come before the PSU column, whose order follows theirs. */
  for (int i = 0; i < im.nCol; i++)
    if (im.aCol[i].kind == COL_CATEGORICAL)
      col_sort_levels(&im, &im.aCol[i], im.aCol[i].role == CR_STRATA ? &im.aStrataPerm : NULL);
  if (write_survey(s, zName, &im, e)) goto out;
  pRep->nColumns = im.nCol + im.nDer;
  rc = 0;
out:
  import_free(&im);
  return rc;
}

/* ---- loading ---- */

typedef struct ColMeta {
  char *zName, *zConcept;
  ColKind kind;
  int role;
  json_t *pLevels;
  bool bWanted;
  int iPos;            /* position in the survey (names its cached file) */
} ColMeta;

static int corrupt(Err *e, const char *zSurvey, const char *zCol, const char *zWhy) {
  err_set(e, ERR_DB, "survey %s: column %s is corrupt", zSurvey, zCol);
  err_detail(e, "%s", zWhy);
  err_hint(e, "import the survey again");
  return -1;
}

/* Read one column's BLOB into a new array, checking its size and values.
** Level indices are stored in 1, 2 or 4 bytes (4 before lmis stored them
** narrow; both read). With bNarrow they stay as stored (*pnWidth bytes each),
** else they are widened to int32 in place: the BLOB is read into the end of the
** int32 array and widened from the front, which never overwrites an index not
** yet read. */
static int read_column(Store *s, Stmt *q, SurveyData *d, const char *zSurvey, const ColMeta *m, size_t n, int nLevel,
                       bool bDesign, bool bNarrow, size_t nPerStratum, void **ppOut, int *pnWidth, Err *e) {
  int rcStep;
  int64_t iRow, nByte;
  size_t nSize, nAlloc;
  unsigned char *pOut, *pRead;
  *ppOut = NULL;
  stmt_reset(q);
  stmt_bind_text(q, ":name", m->zName);
  rcStep = stmt_step(q, e);
  if (rcStep < 0) return -1;
  if (rcStep == 0) return corrupt(e, zSurvey, m->zName, "its data is missing");
  iRow = stmt_int(q, 0);
  nByte = stmt_int(q, 1);
  bool bBlob = stmt_int(q, 2) != 0;
  stmt_reset(q);
  if (!bBlob) return corrupt(e, zSurvey, m->zName, "its data is not binary");
  if (nPerStratum > 0 && nPerStratum != n && (uint64_t)nByte == (uint64_t)nPerStratum * 8) {
    /* The fpc stored once per stratum (NaN: a stratum without rows). */
    double *a = xmalloc(nPerStratum * sizeof *a);
    if (store_blob_read(s, "survey_column", "data", iRow, a, nPerStratum * 8, e)) {
      free(a);
      return -1;
    }
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    for (size_t i = 0; i < nPerStratum; i++) {
      unsigned char *b = (unsigned char *)&a[i];
      for (int k = 0; k < 4; k++) {
        unsigned char t = b[k];
        b[k] = b[7 - k];
        b[7 - k] = t;
      }
    }
#endif
    for (size_t i = 0; i < nPerStratum; i++) {
      if (!(isnan(a[i]) || (isfinite(a[i]) && a[i] > 0))) {
        free(a);
        return corrupt(e, zSurvey, m->zName, "a design value is not positive");
      }
    }
    *ppOut = a;
    if (pnWidth) *pnWidth = -1;
    return 0;
  }
  nSize = m->kind == COL_NUMERIC ? 8 : 4;
  if (m->kind == COL_CATEGORICAL && nByte >= 0 && (uint64_t)nByte == (uint64_t)n * 1) nSize = 1;
  if (m->kind == COL_CATEGORICAL && nByte >= 0 && (uint64_t)nByte == (uint64_t)n * 2) nSize = 2;
  if (nByte < 0 || (uint64_t)nByte != (uint64_t)n * nSize) {
    char zWhy[128];
    snprintf(zWhy, sizeof zWhy, "%lld bytes of data where %zu rows need %zu", (long long)nByte, n, n * nSize);
    return corrupt(e, zSurvey, m->zName, zWhy);
  }
  /* The column as stored, mapped from its cached file (colcache.h) when there
  ** is one; level indices to be widened, from the file of them widened when
  ** there is one (written by the first load that widens them). */
  const char *zDb = d->zToken ? store_path(s) : NULL;
  void *pMap = NULL;
  size_t nMap = 0;
  bool bInPlace = m->kind == COL_NUMERIC || bNarrow;   /* used as stored, not widened */
  bool bWiden = !bInPlace && nSize < 4;
  const unsigned char *pCached = NULL;
  if (zDb && bWiden) {
    pCached = colcache_map(zDb, d->zToken, COLCACHE_INT32 + m->iPos, m->zName, n * 4, &pMap, &nMap);
    if (pCached) {
      nSize = 4;
      bWiden = false;
      bInPlace = true;
    }
  }
  if (zDb && !pCached) pCached = colcache_map(zDb, d->zToken, m->iPos, m->zName, n * nSize, &pMap, &nMap);
  if (pCached && bInPlace) {
    nAlloc = n * nSize;
    pOut = pRead = (unsigned char *)pCached;   /* read-only: never written below (no widening) */
    load_keep_map(d, pMap, nMap);
    pMap = NULL;
  } else if (m->kind == COL_CATEGORICAL && bNarrow) {
    nAlloc = n * nSize;
    pOut = pRead = load_alloc(d, nAlloc);
  } else {
    nAlloc = n * (m->kind == COL_NUMERIC ? 8 : 4);
    pOut = load_alloc(d, nAlloc);
    pRead = pOut + (nAlloc - n * nSize);
  }
  if (pCached && !bInPlace) {
    memcpy(pRead, pCached, n * nSize);
  } else if (!pCached && store_blob_read(s, "survey_column", "data", iRow, pRead, n * nSize, e)) {
    /* Straight from the database into the column: no intermediate copy. */
    load_free(d, pOut, nAlloc);
    return -1;
  }
  colcache_unmap(pMap, nMap);
  /* Checked below before it is cached for the next load (as stored, or widened). */
  bool bPut = zDb && !pCached && bInPlace, bPutWide = zDb && bWiden;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
  for (size_t i = 0; i < n; i++)
    for (size_t k = 0; k < nSize / 2; k++) {
      unsigned char t = pRead[i * nSize + k];
      pRead[i * nSize + k] = pRead[i * nSize + nSize - 1 - k];
      pRead[i * nSize + nSize - 1 - k] = t;
    }
#endif
  if (m->kind == COL_CATEGORICAL) {
    int32_t lo = bDesign ? 0 : -1;
    bool bBad = false;
    if (pRead != pOut) {   /* widen */
      int32_t *a = (int32_t *)(void *)pOut;
      if (nSize == 1) {
        for (size_t i = 0; i < n; i++) a[i] = (int8_t)pRead[i];
      } else {
        for (size_t i = 0; i < n; i++) {
          int16_t v;
          memcpy(&v, pRead + 2 * i, 2);
          a[i] = v;
        }
      }
      nSize = 4;
    }
    /* lo <= a[i] < nLevel as one unsigned bound on a[i] - lo, checked by the
    ** largest: a reduction the compiler vectorizes. */
    uint32_t nSpan = (uint32_t)(nLevel - lo);
    if (nSize == 1) {
      const int8_t *a = (const int8_t *)pOut;
      uint8_t mx = 0;
      for (size_t i = 0; i < n; i++) {
        uint8_t u = (uint8_t)(a[i] - lo);
        mx = u > mx ? u : mx;
      }
      bBad = n > 0 && mx >= nSpan;
    } else if (nSize == 2) {
      const int16_t *a = (const int16_t *)(void *)pOut;
      uint16_t mx = 0;
      for (size_t i = 0; i < n; i++) {
        uint16_t u = (uint16_t)(a[i] - lo);
        mx = u > mx ? u : mx;
      }
      bBad = n > 0 && mx >= nSpan;
    } else {
      const int32_t *a = (const int32_t *)(void *)pOut;
      uint32_t mx = 0;
      for (size_t i = 0; i < n; i++) {
        uint32_t u = (uint32_t)a[i] - (uint32_t)lo;
        mx = u > mx ? u : mx;
      }
      bBad = n > 0 && mx >= nSpan;
    }
    if (bBad) {
      load_free(d, pOut, nAlloc);
      return corrupt(e, zSurvey, m->zName, "a level index is out of range");
    }
    if (bPut) colcache_put(zDb, d->zToken, m->iPos, m->zName, pOut, n * nSize, true);
    if (bPutWide) colcache_put(zDb, d->zToken, COLCACHE_INT32 + m->iPos, m->zName, pOut, n * 4, true);
  } else {
    /* Weights and fpc: checked here when read from the database; a column file
    ** was checked before it was written, and the estimators check them again. */
    if (bDesign && !pCached) {
      /* Positive and finite: the bits of a[i] in [1, those of DBL_MAX], i.e. the
      ** bits minus 1 below them (a reduction, no branch); the message only on failure. */
      const double *a = (const double *)(void *)pOut;
      uint64_t mx = 0, uMax;
      double rMax = DBL_MAX;
      memcpy(&uMax, &rMax, sizeof uMax);
      for (size_t i = 0; i < n; i++) {
        uint64_t u;
        memcpy(&u, &a[i], sizeof u);
        u -= 1;
        mx = u > mx ? u : mx;
      }
      bool bBad = n > 0 && mx >= uMax;
      if (bBad) {
        load_free(d, pOut, nAlloc);
        return corrupt(e, zSurvey, m->zName, "a design value is missing or not positive");
      }
    }
    if (bPut) colcache_put(zDb, d->zToken, m->iPos, m->zName, pOut, n * nSize, true);
  }
  *ppOut = pOut;
  if (pnWidth) *pnWidth = (int)nSize;
  return 0;
}

static int levels_to_array(const ColMeta *m, const char *zSurvey, char ***pazLevel, int *pnLevel, Err *e) {
  size_t i;
  json_t *v;
  *pazLevel = NULL;
  *pnLevel = 0;
  if (m->kind != COL_CATEGORICAL) return 0;
  if (!json_is_array(m->pLevels) || json_array_size(m->pLevels) > INT32_MAX)
    return corrupt(e, zSurvey, m->zName, "its levels are not a JSON array");
  *pazLevel = xcalloc(json_array_size(m->pLevels) + 1, sizeof(char *));
  json_array_foreach(m->pLevels, i, v) {
    if (!json_is_string(v)) return corrupt(e, zSurvey, m->zName, "a level is not a string");
    (*pazLevel)[i] = xstrdup(json_string_value(v));
    (*pnLevel)++;
  }
  return 0;
}

static void free_levels(char **az, int n) {
  for (int i = 0; i < n; i++) free(az[i]);
  free(az);
}

static LonelyPsu lonely_parse(const char *z) {
  for (int i = 0; i < (int)COUNT(azLonely); i++)
    if (z && strcmp(azLonely[i], z) == 0) return (LonelyPsu)i;
  return LONELY_ADJUST;
}

int survey_load(Store *s, const char *zName, const char *const *azCol, int nCol, SurveyData **pp, Err *e) {
  return survey_load_ex(s, zName, azCol, nCol, 0, pp, e);
}

int survey_load_ex(Store *s, const char *zName, const char *const *azCol, int nCol, unsigned flags, SurveyData **pp,
                   Err *e) {
  Stmt *q = NULL;
  SurveyData *d = xcalloc(1, sizeof(SurveyData));
  ColMeta *aMeta = NULL;
  int nMeta = 0, rc = -1, rcStep, nStrataWidth = 0;
  bool bUnmapped = false;
  void *pStrataNarrow = NULL;
  int64_t nRows;
  int iRole[CR__COUNT];
  *pp = NULL;
  for (int i = 0; i < CR__COUNT; i++) iRole[i] = -1;

  q = store_prepare(s, "SELECT id, name, ref_area, ref_period, n_rows, lonely_psu, data_token FROM survey WHERE name = :name",
                    e);
  if (!q) goto out;
  stmt_bind_text(q, ":name", zName);
  rcStep = stmt_step(q, e);
  if (rcStep < 0) goto out;
  if (rcStep == 0) {
    err_set(e, ERR_NOT_FOUND, "no survey named \"%s\"", zName);
    err_hint(e, "`lmis survey list` shows the surveys imported");
    goto out;
  }
  d->id = stmt_int(q, 0);
  d->zName = xstrdup(stmt_text(q, 1));
  d->zRefArea = xstrdup(stmt_text(q, 2) ? stmt_text(q, 2) : "");
  d->zRefPeriod = xstrdup(stmt_text(q, 3) ? stmt_text(q, 3) : "");
  nRows = stmt_int(q, 4);
  d->design.lonely = lonely_parse(stmt_text(q, 5));
  d->zToken = stmt_text(q, 6) ? xstrdup(stmt_text(q, 6)) : NULL;
  stmt_finalize(q);
  q = NULL;
  if (nRows <= 0 || nRows > SURVEY_MAX_ROWS) {
    err_set(e, ERR_DB, "survey %s is corrupt", zName);
    err_detail(e, "its row count %lld is out of range", (long long)nRows);
    goto out;
  }
  d->n = (size_t)nRows;
  d->design.n = d->n;

  q = store_prepare(s,
                    "SELECT name, kind, role, concept, levels, position FROM survey_column"
                    " WHERE survey_id = :id ORDER BY position",
                    e);
  if (!q) goto out;
  stmt_bind_int(q, ":id", d->id);
  while ((rcStep = stmt_step(q, e)) == 1) {
    ColMeta *m;
    const char *zRole = stmt_text(q, 2);
    aMeta = xrealloc(aMeta, (size_t)(nMeta + 1) * sizeof(ColMeta));
    m = &aMeta[nMeta++];
    memset(m, 0, sizeof *m);
    m->zName = xstrdup(stmt_text(q, 0) ? stmt_text(q, 0) : "");
    m->zConcept = stmt_text(q, 3) ? xstrdup(stmt_text(q, 3)) : NULL;
    m->iPos = (int)stmt_int(q, 5);
    m->kind = str_eq(stmt_text(q, 1), "numeric") ? COL_NUMERIC : COL_CATEGORICAL;
    m->role = CR_VARIABLE;
    for (int k = 0; k < CR__COUNT; k++)
      if (str_eq(zRole, azRoleName[k])) m->role = k;
    if (stmt_text(q, 4)) m->pLevels = json_loads(stmt_text(q, 4), 0, NULL);
    if (m->role != CR_VARIABLE && m->role != CR_DERIVED) {
      bool bKindOk = (m->role == CR_WEIGHT || m->role == CR_FPC) ? m->kind == COL_NUMERIC
                                                                     : m->kind == COL_CATEGORICAL;
      if (iRole[m->role] >= 0 || !bKindOk) {
        err_set(e, ERR_DB, "survey %s is corrupt", zName);
        err_detail(e, "its design column %s is duplicated or of the wrong kind", m->zName);
        goto out;
      }
      iRole[m->role] = nMeta - 1;
    }
  }
  if (rcStep < 0) goto out;
  stmt_finalize(q);
  q = NULL;
  if (iRole[CR_WEIGHT] < 0) {
    err_set(e, ERR_DB, "survey %s is corrupt", zName);
    err_detail(e, "it has no weight column");
    goto out;
  }

  /* Which columns the caller wants. */
  if (!azCol) {
    for (int i = 0; i < nMeta; i++) aMeta[i].bWanted = true;
  } else {
    for (int k = 0; k < nCol; k++) {
      int iFound = -1;
      for (int i = 0; i < nMeta && iFound < 0; i++)
        if (strcmp(aMeta[i].zName, azCol[k]) == 0) iFound = i;
      for (int i = 0; i < nMeta && iFound < 0; i++)
        if (aMeta[i].zConcept && strcmp(aMeta[i].zConcept, azCol[k]) == 0) iFound = i;
      if (iFound < 0) {
        err_set(e, ERR_NOT_FOUND, "survey %s has no column or concept \"%s\"", zName, azCol[k]);
        err_hint(e, "`lmis survey show %s` lists its columns", zName);
        goto out;
      }
      aMeta[iFound].bWanted = true;
    }
  }

  {
    size_t nWanted = 0;
    for (int i = 0; i < nMeta; i++) nWanted += aMeta[i].bWanted;
    if ((uint64_t)(nWanted + 6) * 8 * d->n <= ((uint64_t)1 << 40)) loadmem_init(d, (nWanted + 6) * 8 * d->n);
  }
  /* The BLOBs through read() into SQLite's small page cache rather than its
  ** memory map: a mapped page stays in the process's memory after it is copied,
  ** which would double the memory a survey takes; it is no faster here. */
  if (store_exec(s, "PRAGMA mmap_size=0", e)) goto out;
  bUnmapped = true;
  q = store_prepare(s, "SELECT rowid, length(data), typeof(data) = 'blob' FROM survey_column WHERE survey_id = :id AND name = :name", e);
  if (!q) goto out;
  stmt_bind_int(q, ":id", d->id);
  /* Design arrays. */
  for (int role = CR_WEIGHT; role <= CR_FPC; role++) {
    const ColMeta *m;
    void *p;
    char **azLevel;
    int nLevel;
    if (iRole[role] < 0) continue;
    m = &aMeta[iRole[role]];
    if (levels_to_array(m, zName, &azLevel, &nLevel, e)) { free_levels(azLevel, nLevel); goto out; }
    free_levels(azLevel, nLevel);
    int nWidth = 0;
    size_t nPerStratum = role == CR_FPC ? (size_t)(iRole[CR_STRATA] >= 0 ? d->design.nStratum : 1) : 0;
    /* Narrow, with PSUs: the strata only to give each PSU its stratum (below). */
    bool bStrataNarrow = role == CR_STRATA && (flags & SURVEY_LOAD_NARROW) && iRole[CR_PSU] >= 0;
    if (read_column(s, q, d, zName, m, d->n, nLevel, true, bStrataNarrow, nPerStratum, &p, &nWidth, e)) goto out;
    switch (role) {
      case CR_WEIGHT: d->aWeight = p; break;
      case CR_STRATA:
        d->design.nStratum = nLevel;
        if (bStrataNarrow) {
          pStrataNarrow = p;
          nStrataWidth = nWidth;
        } else {
          d->aStratum = p;
        }
        break;
      case CR_PSU: d->aPsu = p; d->design.nPsu = nLevel; break;
      default:
        if (nWidth >= 0) {
          d->aFpc = p;
          break;
        }
        d->aFpcStratum = p;
        if (!(flags & SURVEY_LOAD_NARROW)) {   /* the per-unit array callers of survey_load expect */
          d->aFpc = load_alloc(d, d->n * sizeof(double));
          for (size_t r = 0; r < d->n; r++) d->aFpc[r] = d->aFpcStratum[d->aStratum ? d->aStratum[r] : 0];
        }
        break;
    }
    if (role == CR_PSU && pStrataNarrow) {
      /* Each PSU's stratum; PSUs are nested in strata (checked at import, and here). */
      d->aPsuStratum = xmalloc((size_t)(nLevel > 0 ? nLevel : 1) * sizeof(int32_t));
      for (int k = 0; k < nLevel; k++) d->aPsuStratum[k] = -1;
      bool bNested = true;
      for (size_t r = 0; r < d->n; r++) {
        int32_t h = nStrataWidth == 1   ? ((const int8_t *)pStrataNarrow)[r]
                    : nStrataWidth == 2 ? ((const int16_t *)pStrataNarrow)[r]
                                        : ((const int32_t *)pStrataNarrow)[r];
        int32_t k = d->aPsu[r];
        if (d->aPsuStratum[k] < 0) d->aPsuStratum[k] = h;
        bNested = bNested && d->aPsuStratum[k] == h;
      }
      load_free(d, pStrataNarrow, d->n * (size_t)nStrataWidth);
      pStrataNarrow = NULL;
      if (!bNested) {
        corrupt(e, zName, m->zName, "a PSU is in two strata");
        goto out;
      }
    }
  }
  d->design.aWeight = d->aWeight;
  d->design.aStratum = d->aStratum;
  d->design.aPsu = d->aPsu;
  d->design.aFpc = d->aFpc;
  d->design.aFpcStratum = d->aFpcStratum;
  d->design.aPsuStratum = d->aPsuStratum;
  if (!d->aStratum && !d->aPsuStratum) d->design.nStratum = 1;
  if (!d->aPsu) d->design.nPsu = (int)d->n;

  d->aCol = xcalloc((size_t)nMeta + 1, sizeof(SurveyColumn));
  for (int i = 0; i < nMeta; i++) {
    const ColMeta *m = &aMeta[i];
    SurveyColumn *c;
    void *p;
    if (!m->bWanted) continue;
    c = &d->aCol[d->nCol++];
    c->zName = xstrdup(m->zName);
    c->zConcept = m->zConcept ? xstrdup(m->zConcept) : NULL;
    c->kind = m->kind;
    if (levels_to_array(m, zName, &c->azLevel, &c->nLevel, e)) goto out;
    if (m->role == CR_FPC && d->aFpcStratum) {
      /* Stored once per stratum: as a column, one value per row. */
      c->aNum = load_alloc(d, d->n * sizeof(double));
      if (d->aFpc) memcpy(c->aNum, d->aFpc, d->n * sizeof(double));
      else
        for (size_t r = 0; r < d->n; r++) c->aNum[r] = d->aFpcStratum[d->aStratum ? d->aStratum[r] : 0];
      continue;
    }
    if (read_column(s, q, d, zName, m, d->n, c->nLevel, false, (flags & SURVEY_LOAD_NARROW) != 0, 0, &p,
                    &c->nCodeWidth, e))
      goto out;
    if (m->kind == COL_NUMERIC) {
      c->aNum = p;
      c->nCodeWidth = 0;
    } else {
      c->pCode = p;
      if (c->nCodeWidth == 4) c->aCode = p;
    }
  }
  *pp = d;
  d = NULL;
  rc = 0;
out:
  stmt_finalize(q);
  if (pStrataNarrow) load_free(d, pStrataNarrow, d->n * (size_t)nStrataWidth);
  if (bUnmapped) {
    Err eMap = ERR_INIT;   /* back to store_open's setting; a failure here changes no result */
    store_exec(s, "PRAGMA mmap_size=1073741824", &eMap);
    err_clear(&eMap);
  }
  for (int i = 0; i < nMeta; i++) {
    free(aMeta[i].zName);
    free(aMeta[i].zConcept);
    json_decref(aMeta[i].pLevels);
  }
  free(aMeta);
  survey_free(d);
  return rc;
}

const SurveyColumn *survey_column(const SurveyData *d, const char *zName) {
  for (int i = 0; i < d->nCol; i++)
    if (strcmp(d->aCol[i].zName, zName) == 0) return &d->aCol[i];
  for (int i = 0; i < d->nCol; i++)
    if (d->aCol[i].zConcept && strcmp(d->aCol[i].zConcept, zName) == 0) return &d->aCol[i];
  return NULL;
}

void survey_free(SurveyData *d) {
  if (!d) return;
  for (int i = 0; i < d->nCol; i++) {
    SurveyColumn *c = &d->aCol[i];
    free(c->zName);
    free(c->zConcept);
    /* Column arrays come from load_alloc (read_column). */
    load_free(d, c->aNum, d->n * sizeof(double));
    load_free(d, c->pCode, d->n * (size_t)c->nCodeWidth);
    free_levels(c->azLevel, c->nLevel);
  }
  free(d->aCol);
  free(d->zName);
  free(d->zRefArea);
  free(d->zRefPeriod);
  load_free(d, d->aWeight, d->n * sizeof(double));
  load_free(d, d->aFpc, d->n * sizeof(double));
  free(d->aFpcStratum);
  free(d->aPsuStratum);
  load_free(d, d->aStratum, d->n * sizeof(int32_t));
  load_free(d, d->aPsu, d->n * sizeof(int32_t));
  loadmem_release(d);
  for (int i = 0; i < d->nMap; i++) colcache_unmap(d->aMap[i].p, d->aMap[i].n);
  free(d->aMap);
  free(d->zToken);
  free(d);
}

/* ---- metadata ---- */

static json_t *json_text_or_null(const char *z) { return z ? json_string(z) : json_null(); }

json_t *survey_list(Store *s, Err *e) {
  Stmt *q = store_prepare(s,
                          "SELECT name, title, ref_area, ref_period, source, n_rows, imported_at,"
                          " (SELECT count(*) FROM survey_column c WHERE c.survey_id = survey.id)"
                          " FROM survey ORDER BY name",
                          e);
  json_t *a, *j;
  int rc;
  if (!q) return NULL;
  a = json_array();
  while ((rc = stmt_step(q, e)) == 1) {
    json_array_append_new(a, json_pack("{s:o, s:o, s:o, s:o, s:o, s:I, s:I, s:I}",
                                       "name", json_text_or_null(stmt_text(q, 0)),
                                       "title", json_text_or_null(stmt_text(q, 1)),
                                       "ref_area", json_text_or_null(stmt_text(q, 2)),
                                       "ref_period", json_text_or_null(stmt_text(q, 3)),
                                       "source", json_text_or_null(stmt_text(q, 4)),
                                       "n_rows", (json_int_t)stmt_int(q, 5),
                                       "imported_at", (json_int_t)stmt_int(q, 6),
                                       "columns", (json_int_t)stmt_int(q, 7)));
  }
  stmt_finalize(q);
  if (rc < 0) {
    json_decref(a);
    return NULL;
  }
  j = json_object();
  json_object_set_new(j, "surveys", a);
  return j;
}

json_t *survey_info(Store *s, const char *zName, Err *e) {
  Stmt *q = store_prepare(s,
                          "SELECT id, name, title, ref_area, ref_period, source, n_rows, imported_at, imported_by,"
                          " lonely_psu, codebook FROM survey WHERE name = :name",
                          e);
  json_t *j = NULL, *pDesign, *aCols, *pCodebook = NULL, *pVars;
  int64_t id;
  int rc;
  if (!q) return NULL;
  stmt_bind_text(q, ":name", zName);
  rc = stmt_step(q, e);
  if (rc <= 0) {
    if (rc == 0) {
      err_set(e, ERR_NOT_FOUND, "no survey named \"%s\"", zName);
      err_hint(e, "`lmis survey list` shows the surveys imported");
    }
    stmt_finalize(q);
    return NULL;
  }
  id = stmt_int(q, 0);
  pDesign = json_pack("{s:n, s:n, s:n, s:n, s:o, s:i, s:i}", "weight", "strata", "psu", "fpc", "lonely_psu",
                      json_text_or_null(stmt_text(q, 9)), "n_strata", 1, "n_psu", 0);
  j = json_pack("{s:o, s:o, s:o, s:o, s:o, s:I, s:I, s:o}",
                "name", json_text_or_null(stmt_text(q, 1)), "title", json_text_or_null(stmt_text(q, 2)),
                "ref_area", json_text_or_null(stmt_text(q, 3)), "ref_period", json_text_or_null(stmt_text(q, 4)),
                "source", json_text_or_null(stmt_text(q, 5)), "n_rows", (json_int_t)stmt_int(q, 6),
                "imported_at", (json_int_t)stmt_int(q, 7), "imported_by", json_text_or_null(stmt_text(q, 8)));
  if (stmt_text(q, 10)) pCodebook = json_loads(stmt_text(q, 10), 0, NULL);
  pVars = json_object_get(pCodebook, "variables");
  stmt_finalize(q);
  json_object_set_new(pDesign, "n_psu", json_integer(json_integer_value(json_object_get(j, "n_rows"))));

  q = store_prepare(s,
                    "SELECT name, kind, role, concept, levels, n_missing FROM survey_column"
                    " WHERE survey_id = :id ORDER BY position",
                    e);
  if (!q) {
    json_decref(pDesign);
    json_decref(pCodebook);
    json_decref(j);
    return NULL;
  }
  stmt_bind_int(q, ":id", id);
  aCols = json_array();
  while ((rc = stmt_step(q, e)) == 1) {
    const char *zCol = stmt_text(q, 0) ? stmt_text(q, 0) : "";
    const char *zRole = stmt_text(q, 2) ? stmt_text(q, 2) : "";
    json_t *pLevels = stmt_text(q, 4) ? json_loads(stmt_text(q, 4), 0, NULL) : NULL;
    json_t *c = json_pack("{s:s, s:s, s:s, s:o, s:I}", "name", zCol, "kind", stmt_text(q, 1) ? stmt_text(q, 1) : "",
                          "role", zRole, "concept", json_text_or_null(stmt_text(q, 3)),
                          "n_missing", (json_int_t)stmt_int(q, 5));
    if (pLevels) {
      json_object_set_new(c, "n_levels", json_integer((json_int_t)json_array_size(pLevels)));
      if (strcmp(zRole, "psu") == 0) json_decref(pLevels);
      else json_object_set_new(c, "levels", pLevels);
    }
    json_t *pLabels = json_object_get(json_object_get(pVars, zCol), "labels");
    if (pLabels) json_object_set(c, "labels", pLabels);
    if (strcmp(zRole, "weight") == 0 || strcmp(zRole, "strata") == 0 || strcmp(zRole, "psu") == 0 ||
        strcmp(zRole, "fpc") == 0) {
      json_object_set_new(pDesign, zRole, json_string(zCol));
      if (strcmp(zRole, "strata") == 0)
        json_object_set(pDesign, "n_strata", json_object_get(c, "n_levels"));
      if (strcmp(zRole, "psu") == 0) json_object_set(pDesign, "n_psu", json_object_get(c, "n_levels"));
    }
    json_array_append_new(aCols, c);
  }
  stmt_finalize(q);
  json_decref(pCodebook);
  if (rc < 0) {
    json_decref(aCols);
    json_decref(pDesign);
    json_decref(j);
    return NULL;
  }
  json_object_set_new(j, "design", pDesign);
  json_object_set_new(j, "columns", aCols);
  return j;
}

int survey_drop(Store *s, const char *zName, Err *e) {
  Stmt *q = store_prepare(s, "SELECT data_token FROM survey WHERE name = :name", e);
  char *zToken = NULL;
  int rc;
  if (!q) return -1;
  stmt_bind_text(q, ":name", zName);
  if (stmt_step(q, e) == 1 && stmt_text(q, 0)) zToken = xstrdup(stmt_text(q, 0));
  stmt_finalize(q);
  q = store_prepare(s, "DELETE FROM survey WHERE name = :name", e);
  if (!q) {
    free(zToken);
    return -1;
  }
  stmt_bind_text(q, ":name", zName);
  rc = stmt_run(q, e);
  stmt_finalize(q);
  /* The cached columns go with it (a rollback later only costs reading the BLOBs again). */
  if (rc == 0 && zToken) colcache_drop(store_path(s), zToken);
  free(zToken);
  if (rc) return -1;
  if (store_changes(s) == 0) {
    err_set(e, ERR_NOT_FOUND, "no survey named \"%s\"", zName);
    err_hint(e, "`lmis survey list` shows the surveys imported");
    return -1;
  }
  return 0;
}
