/*
** refdata.c: load the shipped reference data (data/, see data/README.md and
** docs/reference-data.md) into a database whose schema exists.
**
** Everything is loaded in one transaction: any error rolls it back, so the
** database is left exactly as it was, and the error names file, line and field.
** Each file is read once as a stream (csv.c; .gz files are decompressed on the fly);
** each INSERT is prepared once and reset per row. ESCO relations are resolved
** against in-memory maps from URI to row id, so 123,855 relations cost 123,855
** hash lookups and inserts, not queries.
**
** Data errors (a code that does not fit its level, a missing parent, an ESCO
** occupation under a group that is not a unit group) fail the load. The one known
** dangling reference in ESCO v1.1.1 (relations to an occupation that is not in
** occupations_en.csv) is skipped, counted and reported in RefReport.zSkipped.
*/
#include "refdata.h"
#include "config.h"
#include "cli.h"
#include "csv.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

const char *refdata_default_dir(void) {
  const char *z = getenv("LMIS_DATA");
  return (z && *z) ? z : LMIS_DATA_DIR;
}

/* The files loaded, relative to the data directory. */
#define F_ISCO_STRUCTURE "isco08/isco08_structure.csv"
#define F_ISCO_DESCRIPTIONS "isco08/isco08_descriptions_en.csv.gz"
#define F_ESCO_OCCUPATIONS "esco-v1.1.1/classification_en/occupations_en.csv.gz"
#define F_ESCO_SKILLS "esco-v1.1.1/classification_en/skills_en.csv.gz"
#define F_ESCO_SCHEMES "esco-v1.1.1/classification_en/conceptSchemes_en.csv.gz"
#define F_ESCO_RELATIONS "esco-v1.1.1/relations/occupationSkillRelations.csv.gz"
#define F_ISO3166 "countries/iso3166-1_debian_iso-codes_4.15.0.csv"
#define F_M49_EN "countries/unsd_m49_overview_en.csv"
#define F_M49_FR "countries/unsd_m49_overview_fr.csv"
#define F_M49_ES "countries/unsd_m49_overview_es.csv"
#define F_DATAHUB "countries/datahub_country-codes.csv"
#define F_LANGUAGES "iso-codes/iso639-1.csv"
#define F_CURRENCIES "iso-codes/iso4217.csv"
#define F_INSTRUMENTS "instruments.csv"
#define F_ICMW "ratifications/un_icmw_ratification_status.csv"

#define ICMW_SOURCE "https://treaties.un.org/Pages/ViewDetails.aspx?src=TREATY&mtdsg_no=IV-13&chapter=4&clang=_en"
#define ICMW_NOTES "status as of 2022-08-25 (UN Treaty Collection, as extracted by " \
  "world-politics-datalab/humanrights-treaties-ratification-status); year only, no exact date"

/* ---- a string -> integer map (open addressing, FNV-1a) ---- */

typedef struct MapSlot {
  char *zKey;
  int64_t v;
} MapSlot;

typedef struct Map {
  MapSlot *a;
  size_t nSlot;   /* a power of two, or 0 */
  size_t nUsed;
} Map;

static uint64_t map_hash(const char *z) {
  uint64_t h = 1469598103934665603ull;
  for (; *z; z++) {
    h ^= (unsigned char)*z;
    h *= 1099511628211ull;
  }
  return h;
}

static MapSlot *map_find(const Map *m, const char *z) {
  size_t i = (size_t)map_hash(z) & (m->nSlot - 1);
  while (m->a[i].zKey && strcmp(m->a[i].zKey, z) != 0) i = (i + 1) & (m->nSlot - 1);
  return &m->a[i];
}

static bool map_get(const Map *m, const char *z, int64_t *pv) {
  if (m->nSlot == 0) return false;
  MapSlot *p = map_find(m, z);
  if (!p->zKey) return false;
  if (pv) *pv = p->v;
  return true;
}

/* Add z -> v. Returns false, leaving the map unchanged, when z is already there. */
static bool map_add(Map *m, const char *z, int64_t v) {
  if (2 * (m->nUsed + 1) > m->nSlot) {
    Map n = {0, m->nSlot ? m->nSlot * 2 : 1024, 0};
    n.a = xcalloc(n.nSlot, sizeof(MapSlot));
    for (size_t i = 0; i < m->nSlot; i++) {
      if (m->a[i].zKey) *map_find(&n, m->a[i].zKey) = m->a[i];
    }
    n.nUsed = m->nUsed;
    free(m->a);
    *m = n;
  }
  MapSlot *p = map_find(m, z);
  if (p->zKey) return false;
  p->zKey = xstrdup(z);
  p->v = v;
  m->nUsed++;
  return true;
}

static void map_free(Map *m) {
  for (size_t i = 0; i < m->nSlot; i++) free(m->a[i].zKey);
  free(m->a);
  memset(m, 0, sizeof *m);
}

/* ---- in-memory rows that are validated as a whole before insertion ---- */

typedef struct IscoRow {
  char zCode[5];
  int level;
  long nLine;
  char *zParent, *zTitleEn, *zTitleFr, *zTitleEs, *zUri, *zDef;
} IscoRow;

typedef struct Region {
  char zCode[4];
  const char *zKind;      /* static: global, region, subregion, intermediate */
  char zParent[4];        /* "" for the world */
  char *azName[3];        /* en, fr, es */
} Region;

typedef struct Country {
  char zA2[3], zA3[4], zNum[4];
  char *zName;            /* ISO 3166-1 (Debian) name: used when M49 has none */
  char *zOfficial;
  char *azName[3];        /* M49 names: en, fr, es */
  char zRegion[4], zSub[4], zInter[4];
  char zCurrency[4];
  int ldc, lldc, sids;
} Country;

typedef struct Loader {
  Store *s;
  const char *zDir;
  int bProgress;
  RefReport *pRep;
  Err *e;
  IscoRow *aIsco;
  int nIsco;
  Map isco;               /* code -> index in aIsco */
  Map occ;                /* ESCO occupation URI -> id */
  Map skill;              /* ESCO skill URI -> id */
  Region *aRegion;
  int nRegion;
  Map region;             /* M49 code -> index in aRegion */
  Country *aCountry;
  int nCountry;
  Map country;            /* alpha-2 -> index in aCountry */
  Map instrument;         /* instrument code -> 1 */
  Stmt *pFts;             /* INSERT INTO occupation_fts */
  Buf skipped;
} Loader;

/* ---- one CSV source: header resolved to column indexes, errors with file:line:field ---- */

#define SRC_MAX_COLS 16

typedef struct Src {
  CsvReader *r;
  const char *zRel;                /* path relative to the data directory */
  const char *const *azCol;
  int aIdx[SRC_MAX_COLS];
  int nHeader;
  Progress *pProg;
  long nRow;
} Src;

static int src_open(Loader *L, Src *p, const char *zRel, const char *zLabel, const char *const *azCol,
                    int nCol) {
  char *zPath = xasprintf("%s/%s", L->zDir, zRel);
  int rc = -1;
  memset(p, 0, sizeof *p);
  p->zRel = zRel;
  p->azCol = azCol;
  if (csv_open(zPath, &p->r, L->e)) {
    err_hint(L->e, "the reference data directory is %s (set LMIS_DATA or use --data to change it)", L->zDir);
    goto src_open_out;
  }
  if (csv_header(p->r, azCol, p->aIdx, nCol, L->e)) goto src_open_out;
  p->nHeader = csv_nfield(p->r);
  if (zLabel && L->bProgress) {
    struct stat st;
    if (stat(zPath, &st) == 0) p->pProg = progress_start(zLabel, (long long)st.st_size);
  }
  rc = 0;
src_open_out:
  free(zPath);
  return rc;
}

static void src_close(Src *p) {
  if (p->pProg) progress_end(p->pProg);
  csv_close(p->r);
  memset(p, 0, sizeof *p);
}

/* Record-level error: "FILE:LINE: message". */
static int src_fail_record(Loader *L, Src *p, const char *zFmt, ...) __attribute__((format(printf, 3, 4)));
static int src_fail_record(Loader *L, Src *p, const char *zFmt, ...) {
  va_list ap;
  Buf b;
  buf_init(&b, BUF_UNBOUNDED);
  va_start(ap, zFmt);
  buf_vprintf(&b, zFmt, ap);
  va_end(ap);
  err_set(L->e, ERR_INVALID, "%s:%ld: %s", csv_name(p->r), csv_line(p->r), buf_cstr(&b));
  err_where(L->e, "%s:%ld", csv_name(p->r), csv_line(p->r));
  buf_free(&b);
  return -1;
}

/* Field-level error: "FILE:LINE: field "NAME": message". */
static int src_fail(Loader *L, Src *p, int iCol, const char *zFmt, ...) __attribute__((format(printf, 4, 5)));
static int src_fail(Loader *L, Src *p, int iCol, const char *zFmt, ...) {
  va_list ap;
  Buf b;
  buf_init(&b, BUF_UNBOUNDED);
  va_start(ap, zFmt);
  buf_vprintf(&b, zFmt, ap);
  va_end(ap);
  err_set(L->e, ERR_INVALID, "%s:%ld: field \"%s\": %s", csv_name(p->r), csv_line(p->r), p->azCol[iCol],
          buf_cstr(&b));
  err_where(L->e, "%s:%ld:%s", csv_name(p->r), csv_line(p->r), p->azCol[iCol]);
  buf_free(&b);
  return -1;
}

/* A database error while storing the current record: keep the database's words as
** the detail and say which record it was. */
static int src_fail_db(Loader *L, Src *p) {
  char *zMsg = xstrdup(L->e->zMsg ? L->e->zMsg : "database error");
  char *zDetail = L->e->zDetail ? xstrdup(L->e->zDetail) : NULL;
  ErrCode code = L->e->code;
  err_set(L->e, code, "%s:%ld: %s", csv_name(p->r), csv_line(p->r), zMsg);
  if (zDetail) err_detail(L->e, "%s", zDetail);
  err_where(L->e, "%s:%ld", csv_name(p->r), csv_line(p->r));
  free(zMsg);
  free(zDetail);
  return -1;
}

/* Next record: 1, 0 at the end, -1 on error. Every record must have as many fields
** as the header. */
static int src_next(Loader *L, Src *p) {
  int rc = csv_next(p->r, L->e);
  if (rc <= 0) return rc;
  if (csv_nfield(p->r) != p->nHeader) {
    return src_fail_record(L, p, "expected %d fields as in the header, found %d", p->nHeader, csv_nfield(p->r));
  }
  p->nRow++;
  if (p->pProg && (p->nRow & 1023) == 0) progress_update(p->pProg, csv_offset(p->r));
  return 1;
}

static const char *src_get(const Src *p, int iCol) { return csv_field(p->r, p->aIdx[iCol]); }
/* The field, or NULL when empty (to store SQL NULL). */
static const char *src_opt(const Src *p, int iCol) {
  const char *z = src_get(p, iCol);
  return *z ? z : NULL;
}
static int src_required(Loader *L, Src *p, int iCol) {
  return *src_get(p, iCol) ? 0 : src_fail(L, p, iCol, "must not be empty");
}

/* Run a prepared insert for the current record and reset it for the next one. */
static int src_insert(Loader *L, Src *p, Stmt *q) {
  int rc = stmt_run(q, L->e);
  stmt_reset(q);
  return rc ? src_fail_db(L, p) : 0;
}

/* Run an insert that is not tied to a record. */
static int run_insert(Loader *L, Stmt *q) {
  int rc = stmt_run(q, L->e);
  stmt_reset(q);
  return rc;
}

static bool all_digits(const char *z, size_t n) {
  if (strlen(z) != n) return false;
  for (size_t i = 0; i < n; i++)
    if (z[i] < '0' || z[i] > '9') return false;
  return true;
}

static bool all_in(const char *z, size_t n, char lo, char hi) {
  if (strlen(z) != n) return false;
  for (size_t i = 0; i < n; i++)
    if (z[i] < lo || z[i] > hi) return false;
  return true;
}

/* ---- ISCO-08 ---- */

static const char *const azLevelName[] = {"", "major", "sub-major", "minor", "unit"};
static const int aLevelCount[] = {0, 10, 43, 130, 436};

/* ISCO-08 skill levels of a major group (ISCO-08 volume 1, table 1). */
static const char *isco_skill_levels(const char *zCode) {
  switch (zCode[0]) {
    case '1': return "3,4";
    case '2': return "4";
    case '3': return "3";
    case '9': return "1";
    case '0': return "1,2,4";
    default: return "2";
  }
}

/* The text indexed for search: the definition without the sections naming
** occupations that are classified in other groups, which would otherwise make a
** group match the very occupations it excludes. */
static int isco_search_body_len(const char *zDef) {
  static const char *const azCut[] = {"\nSome related occupations classified elsewhere", "\nExcluded from this group"};
  size_t n = strlen(zDef);
  for (size_t i = 0; i < COUNT(azCut); i++) {
    const char *z = strstr(zDef, azCut[i]);
    if (z && (size_t)(z - zDef) < n) n = (size_t)(z - zDef);
  }
  return (int)n;
}

static int fts_insert(Loader *L, const char *zKind, const char *zRef, const char *zTitle, const char *zOther,
                      const char *zBody, int nBody) {
  stmt_bind_text(L->pFts, ":kind", zKind);
  stmt_bind_text(L->pFts, ":ref", zRef);
  stmt_bind_text(L->pFts, ":title", zTitle);
  stmt_bind_text(L->pFts, ":other", zOther);
  stmt_bind_textn(L->pFts, ":body", zBody, nBody);
  return run_insert(L, L->pFts);
}

enum { IS_CODE, IS_LEVEL, IS_LEVEL_NAME, IS_PARENT, IS_EN, IS_FR, IS_ES, IS_URI, IS__N };
static const char *const azIscoCol[] = {"code", "level", "level_name", "parent_code",
                                        "title_en", "title_fr", "title_es", "esco_uri"};
enum { ID_CODE, ID_LEVEL, ID_DESC, ID__N };
static const char *const azIscoDescCol[] = {"code", "level", "description_en"};

static int load_isco_structure(Loader *L) {
  Src src;
  int rc, nAlloc = 0;
  if (src_open(L, &src, F_ISCO_STRUCTURE, "ISCO-08 groups", azIscoCol, IS__N)) goto fail;
  while ((rc = src_next(L, &src)) == 1) {
    const char *zCode = src_get(&src, IS_CODE);
    const char *zParent = src_get(&src, IS_PARENT);
    long long level;
    int64_t iPrev;
    size_t nCode = strlen(zCode);
    if (nCode < 1 || nCode > 4 || !all_digits(zCode, nCode)) {
      src_fail(L, &src, IS_CODE, "expected 1 to 4 digits, got \"%s\"", zCode);
      goto fail;
    }
    if (parse_int(src_get(&src, IS_LEVEL), 1, 4, &level)) {
      src_fail(L, &src, IS_LEVEL, "expected 1-4, got \"%s\"", src_get(&src, IS_LEVEL));
      goto fail;
    }
    if ((long long)nCode != level) {
      src_fail(L, &src, IS_CODE, "code %s has %zu digits but its level is %lld", zCode, nCode, level);
      goto fail;
    }
    if (strcmp(src_get(&src, IS_LEVEL_NAME), azLevelName[level]) != 0) {
      src_fail(L, &src, IS_LEVEL_NAME, "expected \"%s\" for level %lld, got \"%s\"", azLevelName[level], level,
               src_get(&src, IS_LEVEL_NAME));
      goto fail;
    }
    if (level == 1 && *zParent) {
      src_fail(L, &src, IS_PARENT, "a major group has no parent, got \"%s\"", zParent);
      goto fail;
    }
    if (level > 1 && (strlen(zParent) != (size_t)level - 1 || strncmp(zParent, zCode, (size_t)level - 1) != 0)) {
      src_fail(L, &src, IS_PARENT, "the parent of %s must be %.*s, got \"%s\"", zCode, (int)level - 1, zCode,
               zParent);
      goto fail;
    }
    if (src_required(L, &src, IS_EN)) goto fail;
    if (map_get(&L->isco, zCode, &iPrev)) {
      src_fail(L, &src, IS_CODE, "code %s appears twice (first on line %ld)", zCode, L->aIsco[iPrev].nLine);
      goto fail;
    }
    if (L->nIsco == nAlloc) {
      nAlloc = nAlloc ? 2 * nAlloc : 1024;
      L->aIsco = xrealloc(L->aIsco, (size_t)nAlloc * sizeof(IscoRow));
    }
    IscoRow *pRow = &L->aIsco[L->nIsco];
    memset(pRow, 0, sizeof *pRow);
    memcpy(pRow->zCode, zCode, nCode + 1);
    pRow->level = (int)level;
    pRow->nLine = csv_line(src.r);
    pRow->zParent = level > 1 ? xstrdup(zParent) : NULL;
    pRow->zTitleEn = xstrdup(src_get(&src, IS_EN));
    pRow->zTitleFr = src_opt(&src, IS_FR) ? xstrdup(src_get(&src, IS_FR)) : NULL;
    pRow->zTitleEs = src_opt(&src, IS_ES) ? xstrdup(src_get(&src, IS_ES)) : NULL;
    pRow->zUri = src_opt(&src, IS_URI) ? xstrdup(src_get(&src, IS_URI)) : NULL;
    map_add(&L->isco, zCode, L->nIsco);
    L->nIsco++;
  }
  if (rc < 0) goto fail;

  /* Whole-file checks: every parent present, and the published size of ISCO-08. */
  for (int i = 0; i < L->nIsco; i++) {
    IscoRow *pRow = &L->aIsco[i];
    if (pRow->zParent && !map_get(&L->isco, pRow->zParent, NULL)) {
      err_set(L->e, ERR_INVALID, "%s:%ld: field \"parent_code\": no group %s in this file", csv_name(src.r),
              pRow->nLine, pRow->zParent);
      err_where(L->e, "%s:%ld:parent_code", csv_name(src.r), pRow->nLine);
      goto fail;
    }
  }
  for (int level = 1; level <= 4; level++) {
    int n = 0;
    for (int i = 0; i < L->nIsco; i++) n += L->aIsco[i].level == level;
    if (n != aLevelCount[level]) {
      err_set(L->e, ERR_INVALID, "%s: expected %d %s groups, found %d", csv_name(src.r), aLevelCount[level],
              azLevelName[level], n);
      err_detail(L->e, "ISCO-08 has 10 major, 43 sub-major, 130 minor and 436 unit groups");
      goto fail;
    }
  }
  src_close(&src);
  return 0;
fail:
  src_close(&src);
  return -1;
}

static int load_isco_descriptions(Loader *L) {
  Src src;
  int rc;
  if (src_open(L, &src, F_ISCO_DESCRIPTIONS, "ISCO-08 definitions", azIscoDescCol, ID__N)) goto fail;
  while ((rc = src_next(L, &src)) == 1) {
    const char *zCode = src_get(&src, ID_CODE);
    int64_t i;
    if (!map_get(&L->isco, zCode, &i)) {
      src_fail(L, &src, ID_CODE, "no ISCO-08 group %s in %s", zCode, F_ISCO_STRUCTURE);
      goto fail;
    }
    char zLevel[2] = {(char)('0' + L->aIsco[i].level), 0};
    if (strcmp(src_get(&src, ID_LEVEL), zLevel) != 0) {
      src_fail(L, &src, ID_LEVEL, "expected %s for group %s, got \"%s\"", zLevel, zCode, src_get(&src, ID_LEVEL));
      goto fail;
    }
    if (L->aIsco[i].zDef) {
      src_fail(L, &src, ID_CODE, "a second definition of group %s", zCode);
      goto fail;
    }
    if (src_opt(&src, ID_DESC)) L->aIsco[i].zDef = xstrdup(src_get(&src, ID_DESC));
  }
  if (rc < 0) goto fail;
  src_close(&src);
  return 0;
fail:
  src_close(&src);
  return -1;
}

static int insert_isco(Loader *L) {
  Stmt *q = store_prepare(L->s,
    "INSERT INTO isco_group(code, level, parent, title_en, title_fr, title_es, definition_en, skill_levels, esco_uri)"
    " VALUES(:code, :level, :parent, :en, :fr, :es, :def, :skill, :uri)", L->e);
  Buf other;
  int rc = -1;
  buf_init(&other, BUF_UNBOUNDED);
  if (!q) return -1;
  /* Parents before children, whatever the order of the file. */
  for (int level = 1; level <= 4; level++) {
    for (int i = 0; i < L->nIsco; i++) {
      IscoRow *p = &L->aIsco[i];
      if (p->level != level) continue;
      stmt_bind_text(q, ":code", p->zCode);
      stmt_bind_int(q, ":level", p->level);
      stmt_bind_text(q, ":parent", p->zParent);
      stmt_bind_text(q, ":en", p->zTitleEn);
      stmt_bind_text(q, ":fr", p->zTitleFr);
      stmt_bind_text(q, ":es", p->zTitleEs);
      stmt_bind_text(q, ":def", p->zDef);
      stmt_bind_text(q, ":skill", isco_skill_levels(p->zCode));
      stmt_bind_text(q, ":uri", p->zUri);
      if (run_insert(L, q)) goto insert_isco_out;
      buf_reset(&other);
      buf_printf(&other, "%s\n%s", p->zTitleFr ? p->zTitleFr : "", p->zTitleEs ? p->zTitleEs : "");
      if (fts_insert(L, "isco", p->zCode, p->zTitleEn, buf_cstr(&other), p->zDef,
                     p->zDef ? isco_search_body_len(p->zDef) : 0)) goto insert_isco_out;
    }
  }
  L->pRep->nIsco = L->nIsco;
  rc = 0;
insert_isco_out:
  buf_free(&other);
  stmt_finalize(q);
  return rc;
}

/* ---- ESCO ---- */

enum { EO_URI, EO_ISCO, EO_TITLE, EO_ALT, EO_DESC, EO_CODE, EO__N };
static const char *const azOccCol[] = {"conceptUri", "iscoGroup", "preferredLabel", "altLabels", "description",
                                       "code"};

static int load_esco_occupations(Loader *L) {
  Src src;
  int rc;
  char zId[24];
  Stmt *q = store_prepare(L->s,
    "INSERT INTO esco_occupation(id, uri, isco_code, code, title, alt_labels, description)"
    " VALUES(:id, :uri, :isco, :code, :title, :alt, :desc)", L->e);
  if (!q) return -1;
  if (src_open(L, &src, F_ESCO_OCCUPATIONS, "ESCO occupations", azOccCol, EO__N)) goto fail;
  while ((rc = src_next(L, &src)) == 1) {
    const char *zIsco = src_get(&src, EO_ISCO);
    int64_t i, id = L->pRep->nEscoOccupation + 1;
    if (src_required(L, &src, EO_URI) || src_required(L, &src, EO_TITLE)) goto fail;
    if (!map_get(&L->isco, zIsco, &i)) {
      src_fail(L, &src, EO_ISCO, "\"%s\" is not an ISCO-08 group", zIsco);
      goto fail;
    }
    if (L->aIsco[i].level != 4) {
      src_fail(L, &src, EO_ISCO, "%s is a %s group; ESCO occupations belong to unit groups (4 digits)", zIsco,
               azLevelName[L->aIsco[i].level]);
      goto fail;
    }
    if (!map_add(&L->occ, src_get(&src, EO_URI), id)) {
      src_fail(L, &src, EO_URI, "occupation %s appears twice", src_get(&src, EO_URI));
      goto fail;
    }
    stmt_bind_int(q, ":id", id);
    stmt_bind_text(q, ":uri", src_get(&src, EO_URI));
    stmt_bind_text(q, ":isco", zIsco);
    stmt_bind_text(q, ":code", src_opt(&src, EO_CODE));
    stmt_bind_text(q, ":title", src_get(&src, EO_TITLE));
    stmt_bind_text(q, ":alt", src_opt(&src, EO_ALT));
    stmt_bind_text(q, ":desc", src_opt(&src, EO_DESC));
    if (src_insert(L, &src, q)) goto fail;
    snprintf(zId, sizeof zId, "%lld", (long long)id);
    if (fts_insert(L, "esco", zId, src_get(&src, EO_TITLE), src_opt(&src, EO_ALT), src_opt(&src, EO_DESC), -1))
      goto fail_db;
    L->pRep->nEscoOccupation++;
  }
  if (rc < 0) goto fail;
  src_close(&src);
  stmt_finalize(q);
  return 0;
fail_db:
  src_fail_db(L, &src);
fail:
  src_close(&src);
  stmt_finalize(q);
  return -1;
}

enum { ES_URI, ES_TYPE, ES_REUSE, ES_TITLE, ES_ALT, ES_DESC, ES__N };
static const char *const azSkillCol[] = {"conceptUri", "skillType", "reuseLevel", "preferredLabel", "altLabels",
                                         "description"};

static int load_esco_skills(Loader *L) {
  Src src;
  int rc;
  Stmt *q = store_prepare(L->s,
    "INSERT INTO esco_skill(id, uri, title, skill_type, reuse_level, alt_labels, description)"
    " VALUES(:id, :uri, :title, :type, :reuse, :alt, :desc)", L->e);
  if (!q) return -1;
  if (src_open(L, &src, F_ESCO_SKILLS, "ESCO skills", azSkillCol, ES__N)) goto fail;
  while ((rc = src_next(L, &src)) == 1) {
    int64_t id = L->pRep->nEscoSkill + 1;
    if (src_required(L, &src, ES_URI) || src_required(L, &src, ES_TITLE)) goto fail;
    if (!map_add(&L->skill, src_get(&src, ES_URI), id)) {
      src_fail(L, &src, ES_URI, "skill %s appears twice", src_get(&src, ES_URI));
      goto fail;
    }
    stmt_bind_int(q, ":id", id);
    stmt_bind_text(q, ":uri", src_get(&src, ES_URI));
    stmt_bind_text(q, ":title", src_get(&src, ES_TITLE));
    stmt_bind_text(q, ":type", src_opt(&src, ES_TYPE));
    stmt_bind_text(q, ":reuse", src_opt(&src, ES_REUSE));
    stmt_bind_text(q, ":alt", src_opt(&src, ES_ALT));
    stmt_bind_text(q, ":desc", src_opt(&src, ES_DESC));
    if (src_insert(L, &src, q)) goto fail;
    L->pRep->nEscoSkill++;
  }
  if (rc < 0) goto fail;
  src_close(&src);
  stmt_finalize(q);
  return 0;
fail:
  src_close(&src);
  stmt_finalize(q);
  return -1;
}

/* Distinct dangling URIs in the order first met, with how many rows named each. */
typedef struct Dangling {
  Map seen;          /* URI -> index */
  char **azUri;
  const char **azWhat;
  long *anRow;
  int n;
} Dangling;

static void dangling_add(Dangling *d, const char *zWhat, const char *zUri) {
  int64_t i;
  if (map_get(&d->seen, zUri, &i)) {
    d->anRow[i]++;
    return;
  }
  map_add(&d->seen, zUri, d->n);
  d->azUri = xrealloc(d->azUri, (size_t)(d->n + 1) * sizeof(char *));
  d->azWhat = xrealloc(d->azWhat, (size_t)(d->n + 1) * sizeof(char *));
  d->anRow = xrealloc(d->anRow, (size_t)(d->n + 1) * sizeof(long));
  d->azUri[d->n] = xstrdup(zUri);
  d->azWhat[d->n] = zWhat;
  d->anRow[d->n] = 1;
  d->n++;
}

static void dangling_free(Dangling *d) {
  for (int i = 0; i < d->n; i++) free(d->azUri[i]);
  free(d->azUri);
  free(d->azWhat);
  free(d->anRow);
  map_free(&d->seen);
}

enum { ER_OCC, ER_TYPE, ER_SKILL, ER__N };
static const char *const azRelCol[] = {"occupationUri", "relationType", "skillUri"};

static int load_esco_relations(Loader *L) {
  Src src;
  int rc;
  Dangling d;
  memset(&d, 0, sizeof d);
  Stmt *q = store_prepare(L->s,
    "INSERT INTO esco_occupation_skill(occupation_id, skill_id, relation) VALUES(:occ, :skill, :rel)", L->e);
  if (!q) return -1;
  if (src_open(L, &src, F_ESCO_RELATIONS, "ESCO occupation skills", azRelCol, ER__N)) goto fail;
  while ((rc = src_next(L, &src)) == 1) {
    const char *zRel = src_get(&src, ER_TYPE);
    int64_t idOcc, idSkill;
    bool bOcc, bSkill;
    if (strcmp(zRel, "essential") != 0 && strcmp(zRel, "optional") != 0) {
      src_fail(L, &src, ER_TYPE, "expected \"essential\" or \"optional\", got \"%s\"", zRel);
      goto fail;
    }
    bOcc = map_get(&L->occ, src_get(&src, ER_OCC), &idOcc);
    bSkill = map_get(&L->skill, src_get(&src, ER_SKILL), &idSkill);
    if (!bOcc || !bSkill) {
      /* A dangling reference in the source data: skip and report, never fail. */
      if (!bOcc) dangling_add(&d, "occupation", src_get(&src, ER_OCC));
      else dangling_add(&d, "skill", src_get(&src, ER_SKILL));
      L->pRep->nEscoRelationSkipped++;
      continue;
    }
    stmt_bind_int(q, ":occ", idOcc);
    stmt_bind_int(q, ":skill", idSkill);
    stmt_bind_text(q, ":rel", zRel);
    if (src_insert(L, &src, q)) goto fail;
    L->pRep->nEscoRelation++;
  }
  if (rc < 0) goto fail;
  if (L->pRep->nEscoRelationSkipped > 0) {
    buf_printf(&L->skipped, "%s: %ld of %ld occupation-skill relations skipped (unknown occupation or skill):",
               F_ESCO_RELATIONS, L->pRep->nEscoRelationSkipped, src.nRow);
    for (int i = 0; i < d.n && i < 5; i++)
      buf_printf(&L->skipped, "%s %s %s not in the ESCO files (%ld rows)", i ? ";" : "", d.azWhat[i], d.azUri[i],
                 d.anRow[i]);
    if (d.n > 5) buf_printf(&L->skipped, "; and %d more", d.n - 5);
    buf_puts(&L->skipped, "\n");
  }
  dangling_free(&d);
  src_close(&src);
  stmt_finalize(q);
  return 0;
fail:
  dangling_free(&d);
  src_close(&src);
  stmt_finalize(q);
  return -1;
}

enum { EC_URI, EC_TITLE, EC_DESC, EC_TOP, EC__N };
static const char *const azSchemeCol[] = {"conceptSchemeUri", "preferredLabel", "description", "hasTopConcept"};

/* hasTopConcept is a list of URIs separated by commas and newlines. */
static long count_list(const char *z) {
  long n = 0;
  bool bItem = false;
  for (; *z; z++) {
    if (*z == ',') {
      n += bItem;
      bItem = false;
    } else if (*z != ' ' && *z != '\n' && *z != '\r' && *z != '\t') {
      bItem = true;
    }
  }
  return n + bItem;
}

static int load_esco_schemes(Loader *L) {
  Src src;
  int rc;
  Stmt *q = store_prepare(L->s,
    "INSERT INTO esco_scheme(uri, title, description, n_top_concepts) VALUES(:uri, :title, :desc, :n)", L->e);
  if (!q) return -1;
  if (src_open(L, &src, F_ESCO_SCHEMES, NULL, azSchemeCol, EC__N)) goto fail;
  while ((rc = src_next(L, &src)) == 1) {
    if (src_required(L, &src, EC_URI)) goto fail;
    stmt_bind_text(q, ":uri", src_get(&src, EC_URI));
    stmt_bind_text(q, ":title", src_opt(&src, EC_TITLE));
    stmt_bind_text(q, ":desc", src_opt(&src, EC_DESC));
    stmt_bind_int(q, ":n", count_list(src_get(&src, EC_TOP)));
    if (src_insert(L, &src, q)) goto fail;
  }
  if (rc < 0) goto fail;
  src_close(&src);
  stmt_finalize(q);
  return 0;
fail:
  src_close(&src);
  stmt_finalize(q);
  return -1;
}

/* ---- countries and M49 regions ---- */

enum { IC_A2, IC_A3, IC_NUM, IC_NAME, IC_OFFICIAL, IC__N };
static const char *const azIsoCol[] = {"alpha_2", "alpha_3", "numeric", "name", "official_name"};

static int load_iso3166(Loader *L) {
  Src src;
  int rc, nAlloc = 0;
  if (src_open(L, &src, F_ISO3166, NULL, azIsoCol, IC__N)) goto fail;
  while ((rc = src_next(L, &src)) == 1) {
    const char *zA2 = src_get(&src, IC_A2);
    if (!all_in(zA2, 2, 'A', 'Z')) { src_fail(L, &src, IC_A2, "expected two capital letters, got \"%s\"", zA2); goto fail; }
    if (!all_in(src_get(&src, IC_A3), 3, 'A', 'Z')) {
      src_fail(L, &src, IC_A3, "expected three capital letters, got \"%s\"", src_get(&src, IC_A3));
      goto fail;
    }
    if (!all_digits(src_get(&src, IC_NUM), 3)) {
      src_fail(L, &src, IC_NUM, "expected three digits, got \"%s\"", src_get(&src, IC_NUM));
      goto fail;
    }
    if (src_required(L, &src, IC_NAME)) goto fail;
    if (!map_add(&L->country, zA2, L->nCountry)) {
      src_fail(L, &src, IC_A2, "country %s appears twice", zA2);
      goto fail;
    }
    if (L->nCountry == nAlloc) {
      nAlloc = nAlloc ? 2 * nAlloc : 256;
      L->aCountry = xrealloc(L->aCountry, (size_t)nAlloc * sizeof(Country));
    }
    Country *p = &L->aCountry[L->nCountry++];
    memset(p, 0, sizeof *p);
    memcpy(p->zA2, zA2, 3);
    memcpy(p->zA3, src_get(&src, IC_A3), 4);
    memcpy(p->zNum, src_get(&src, IC_NUM), 4);
    p->zName = xstrdup(src_get(&src, IC_NAME));
    p->zOfficial = src_opt(&src, IC_OFFICIAL) ? xstrdup(src_get(&src, IC_OFFICIAL)) : NULL;
  }
  if (rc < 0) goto fail;
  src_close(&src);
  return 0;
fail:
  src_close(&src);
  return -1;
}

enum {
  M_GLOBAL, M_GLOBAL_NAME, M_REGION, M_REGION_NAME, M_SUB, M_SUB_NAME, M_INTER, M_INTER_NAME,
  M_NAME, M_M49, M_A2, M_A3, M_LDC, M_LLDC, M_SIDS, M__N
};
static const char *const azM49Col[] = {
  "Global Code", "Global Name", "Region Code", "Region Name", "Sub-region Code", "Sub-region Name",
  "Intermediate Region Code", "Intermediate Region Name", "Country or Area", "M49 Code",
  "ISO-alpha2 Code", "ISO-alpha3 Code", "Least Developed Countries (LDC)",
  "Land Locked Developing Countries (LLDC)", "Small Island Developing States (SIDS)"};

/* Record the region in column iCode (name in iCode+1) under zParent. In the English
** file regions are created; the French and Spanish files only add names. */
static int m49_region(Loader *L, Src *p, int iLang, int iCode, const char *zKind, const char *zParent) {
  const char *zCode = src_get(p, iCode);
  const char *zName = src_get(p, iCode + 1);
  int64_t i;
  Region *r;
  if (!*zCode) return 0;
  if (!all_digits(zCode, 3)) return src_fail(L, p, iCode, "expected a three-digit M49 code, got \"%s\"", zCode);
  if (!*zName) return src_fail(L, p, iCode + 1, "region %s has no name", zCode);
  if (!map_get(&L->region, zCode, &i)) {
    if (iLang != 0) return src_fail(L, p, iCode, "region %s is not in %s", zCode, F_M49_EN);
    L->aRegion = xrealloc(L->aRegion, (size_t)(L->nRegion + 1) * sizeof(Region));
    r = &L->aRegion[L->nRegion];
    memset(r, 0, sizeof *r);
    memcpy(r->zCode, zCode, 4);
    r->zKind = zKind;
    snprintf(r->zParent, sizeof r->zParent, "%s", zParent);
    map_add(&L->region, zCode, L->nRegion++);
  } else {
    r = &L->aRegion[i];
    if (strcmp(r->zKind, zKind) != 0 || strcmp(r->zParent, zParent) != 0)
      return src_fail(L, p, iCode, "region %s is a %s under \"%s\" elsewhere in the file, here a %s under \"%s\"",
                      zCode, r->zKind, r->zParent, zKind, zParent);
  }
  if (!r->azName[iLang]) r->azName[iLang] = xstrdup(zName);
  return 0;
}

static int m49_flag(Loader *L, Src *p, int iCol, int *pFlag) {
  const char *z = src_get(p, iCol);
  if (*z && strcmp(z, "x") != 0) return src_fail(L, p, iCol, "expected \"x\" or nothing, got \"%s\"", z);
  *pFlag = *z != 0;
  return 0;
}

static int load_m49(Loader *L, const char *zRel, int iLang) {
  Src src;
  int rc;
  if (src_open(L, &src, zRel, NULL, azM49Col, M__N)) goto fail;
  while ((rc = src_next(L, &src)) == 1) {
    const char *zA2 = src_get(&src, M_A2);
    int64_t i;
    if (m49_region(L, &src, iLang, M_GLOBAL, "global", "")) goto fail;
    if (m49_region(L, &src, iLang, M_REGION, "region", src_get(&src, M_GLOBAL))) goto fail;
    if (m49_region(L, &src, iLang, M_SUB, "subregion", src_get(&src, M_REGION))) goto fail;
    if (m49_region(L, &src, iLang, M_INTER, "intermediate", src_get(&src, M_SUB))) goto fail;
    if (!map_get(&L->country, zA2, &i)) {
      src_fail(L, &src, M_A2, "\"%s\" is not in %s", zA2, F_ISO3166);
      goto fail;
    }
    Country *p = &L->aCountry[i];
    if (strcmp(src_get(&src, M_A3), p->zA3) != 0) {
      src_fail(L, &src, M_A3, "expected %s for %s, got \"%s\"", p->zA3, zA2, src_get(&src, M_A3));
      goto fail;
    }
    if (strcmp(src_get(&src, M_M49), p->zNum) != 0) {
      src_fail(L, &src, M_M49, "expected %s for %s, got \"%s\"", p->zNum, zA2, src_get(&src, M_M49));
      goto fail;
    }
    if (src_required(L, &src, M_NAME)) goto fail;
    if (p->azName[iLang]) {
      src_fail(L, &src, M_A2, "country %s appears twice", zA2);
      goto fail;
    }
    p->azName[iLang] = xstrdup(src_get(&src, M_NAME));
    if (iLang == 0) {
      snprintf(p->zRegion, sizeof p->zRegion, "%s", src_get(&src, M_REGION));
      snprintf(p->zSub, sizeof p->zSub, "%s", src_get(&src, M_SUB));
      snprintf(p->zInter, sizeof p->zInter, "%s", src_get(&src, M_INTER));
      if (m49_flag(L, &src, M_LDC, &p->ldc) || m49_flag(L, &src, M_LLDC, &p->lldc) ||
          m49_flag(L, &src, M_SIDS, &p->sids)) goto fail;
    }
  }
  if (rc < 0) goto fail;
  src_close(&src);
  return 0;
fail:
  src_close(&src);
  return -1;
}

enum { DH_A2, DH_CUR, DH__N };
static const char *const azDatahubCol[] = {"ISO3166-1-Alpha-2", "ISO4217-currency_alphabetic_code"};

/* The currency of each country. Where datahub lists several ("INR,BTN"), the
** national one is chosen: ISO 4217 codes of national currencies begin with the
** country's alpha-2 code (BTN for BT); otherwise the first listed. */
static int load_currency_by_country(Loader *L) {
  Src src;
  int rc;
  if (src_open(L, &src, F_DATAHUB, NULL, azDatahubCol, DH__N)) goto fail;
  while ((rc = src_next(L, &src)) == 1) {
    const char *zA2 = src_get(&src, DH_A2);
    const char *zList = src_get(&src, DH_CUR);
    const char *zPick = NULL;
    int64_t i;
    if (!*zA2) continue;   /* rows for areas without an ISO code */
    if (!map_get(&L->country, zA2, &i)) {
      src_fail(L, &src, DH_A2, "\"%s\" is not in %s", zA2, F_ISO3166);
      goto fail;
    }
    for (const char *z = zList; *z;) {
      size_t n = strcspn(z, ",");
      bool bUpper = n == 3 && z[0] >= 'A' && z[0] <= 'Z' && z[1] >= 'A' && z[1] <= 'Z' && z[2] >= 'A' && z[2] <= 'Z';
      if (!bUpper || (z[n] == ',' && z[n + 1] == 0)) {
        src_fail(L, &src, DH_CUR, "expected ISO 4217 codes separated by commas, got \"%s\"", zList);
        goto fail;
      }
      bool bNational = z[0] == zA2[0] && z[1] == zA2[1];
      if (!zPick || (bNational && !(zPick[0] == zA2[0] && zPick[1] == zA2[1]))) zPick = z;
      z += n;
      if (*z == ',') z++;
    }
    if (zPick) memcpy(L->aCountry[i].zCurrency, zPick, 3);
  }
  if (rc < 0) goto fail;
  src_close(&src);
  return 0;
fail:
  src_close(&src);
  return -1;
}

static int insert_countries(Loader *L) {
  static const char *const azKind[] = {"global", "region", "subregion", "intermediate"};
  int rc = -1;
  Stmt *qR = store_prepare(L->s,
    "INSERT INTO m49_region(code, kind, parent, name_en, name_fr, name_es)"
    " VALUES(:code, :kind, :parent, :en, :fr, :es)", L->e);
  Stmt *qC = qR ? store_prepare(L->s,
    "INSERT INTO country(alpha2, alpha3, numeric, name_en, name_fr, name_es, official_name_en, region, subregion,"
    " intermediate_region, currency, ldc, lldc, sids)"
    " VALUES(:a2, :a3, :num, :en, :fr, :es, :official, :region, :sub, :inter, :cur, :ldc, :lldc, :sids)", L->e)
    : NULL;
  if (!qC) goto insert_countries_out;
  for (size_t k = 0; k < COUNT(azKind); k++) {
    for (int i = 0; i < L->nRegion; i++) {
      Region *r = &L->aRegion[i];
      if (strcmp(r->zKind, azKind[k]) != 0) continue;
      stmt_bind_text(qR, ":code", r->zCode);
      stmt_bind_text(qR, ":kind", r->zKind);
      stmt_bind_text(qR, ":parent", *r->zParent ? r->zParent : NULL);
      stmt_bind_text(qR, ":en", r->azName[0]);
      stmt_bind_text(qR, ":fr", r->azName[1]);
      stmt_bind_text(qR, ":es", r->azName[2]);
      if (run_insert(L, qR)) {
        err_detail(L->e, "M49 region %s: %s", r->zCode, L->e->zDetail ? L->e->zDetail : "");
        goto insert_countries_out;
      }
      L->pRep->nRegion++;
    }
  }
  for (int i = 0; i < L->nCountry; i++) {
    Country *p = &L->aCountry[i];
    stmt_bind_text(qC, ":a2", p->zA2);
    stmt_bind_text(qC, ":a3", p->zA3);
    stmt_bind_text(qC, ":num", p->zNum);
    stmt_bind_text(qC, ":en", p->azName[0] ? p->azName[0] : p->zName);
    stmt_bind_text(qC, ":fr", p->azName[1]);
    stmt_bind_text(qC, ":es", p->azName[2]);
    stmt_bind_text(qC, ":official", p->zOfficial);
    stmt_bind_text(qC, ":region", *p->zRegion ? p->zRegion : NULL);
    stmt_bind_text(qC, ":sub", *p->zSub ? p->zSub : NULL);
    stmt_bind_text(qC, ":inter", *p->zInter ? p->zInter : NULL);
    stmt_bind_text(qC, ":cur", *p->zCurrency ? p->zCurrency : NULL);
    stmt_bind_int(qC, ":ldc", p->ldc);
    stmt_bind_int(qC, ":lldc", p->lldc);
    stmt_bind_int(qC, ":sids", p->sids);
    if (run_insert(L, qC)) {
      err_detail(L->e, "country %s: %s", p->zA2, L->e->zDetail ? L->e->zDetail : "");
      goto insert_countries_out;
    }
    L->pRep->nCountry++;
  }
  rc = 0;
insert_countries_out:
  stmt_finalize(qR);
  stmt_finalize(qC);
  return rc;
}

/* ---- languages, currencies: code lists with three columns ---- */

/* How a column of a code list is checked. */
typedef enum CodeCheck {
  CK_LOWER2,      /* two small letters */
  CK_LOWER3,      /* three small letters */
  CK_UPPER3,      /* three capital letters */
  CK_DIGITS3,     /* three digits, or empty */
  CK_TEXT,        /* required text */
} CodeCheck;

typedef struct CodeList {
  const char *zFile;
  const char *azCol[3];     /* CSV header names */
  const char *azParam[3];   /* the INSERT's parameters, in the same order */
  CodeCheck aCheck[3];
  const char *zSql;
} CodeList;

static const CodeList aCodeList[] = {
  {F_LANGUAGES, {"alpha_2", "alpha_3", "name"}, {":a2", ":a3", ":name"}, {CK_LOWER2, CK_LOWER3, CK_TEXT},
   "INSERT INTO language(alpha2, alpha3, name_en) VALUES(:a2, :a3, :name)"},
  {F_CURRENCIES, {"alpha_3", "numeric", "name"}, {":code", ":num", ":name"}, {CK_UPPER3, CK_DIGITS3, CK_TEXT},
   "INSERT INTO currency(code, numeric, name_en) VALUES(:code, :num, :name)"},
};

/* 0 when column k of the current row passes its check, else -1 with the error set. */
static int code_check(Loader *L, Src *p, int k, CodeCheck ck) {
  const char *z = src_get(p, k);
  switch (ck) {
  case CK_LOWER2:
    if (all_in(z, 2, 'a', 'z')) return 0;
    return src_fail(L, p, k, "expected two small letters, got \"%s\"", z);
  case CK_LOWER3:
    if (all_in(z, 3, 'a', 'z')) return 0;
    return src_fail(L, p, k, "expected three small letters, got \"%s\"", z);
  case CK_UPPER3:
    if (all_in(z, 3, 'A', 'Z')) return 0;
    return src_fail(L, p, k, "expected three capital letters, got \"%s\"", z);
  case CK_DIGITS3:
    if (!*z || all_digits(z, 3)) return 0;
    return src_fail(L, p, k, "expected three digits, got \"%s\"", z);
  default:
    return src_required(L, p, k);
  }
}

static int load_code_list(Loader *L, const CodeList *pList, long *pnLoaded) {
  Src src;
  int rc;
  Stmt *q = store_prepare(L->s, pList->zSql, L->e);
  if (!q) return -1;
  if (src_open(L, &src, pList->zFile, NULL, pList->azCol, 3)) goto fail;
  while ((rc = src_next(L, &src)) == 1) {
    for (int k = 0; k < 3; k++) {
      if (code_check(L, &src, k, pList->aCheck[k])) goto fail;
      stmt_bind_text(q, pList->azParam[k], pList->aCheck[k] == CK_DIGITS3 ? src_opt(&src, k) : src_get(&src, k));
    }
    if (src_insert(L, &src, q)) goto fail;
    (*pnLoaded)++;
  }
  if (rc < 0) goto fail;
  src_close(&src);
  stmt_finalize(q);
  return 0;
fail:
  src_close(&src);
  stmt_finalize(q);
  return -1;
}

static int load_code_lists(Loader *L) {
  return load_code_list(L, &aCodeList[0], &L->pRep->nLanguage) || load_code_list(L, &aCodeList[1], &L->pRep->nCurrency)
             ? -1
             : 0;
}

/* ---- instruments and ratifications ---- */

enum { IN_CODE, IN_ORG, IN_NUM, IN_YEAR, IN_EN, IN_FR, IN_ES, IN_TOPIC, IN_SOURCE, IN__N };
static const char *const azInstCol[] = {"code", "organisation", "number", "year", "title_en", "title_fr",
                                        "title_es", "topic", "source"};

static int load_instruments(Loader *L) {
  Src src;
  int rc;
  Stmt *q = store_prepare(L->s,
    "INSERT INTO instrument(code, organisation, number, year, title_en, title_fr, title_es, topic, source)"
    " VALUES(:code, :org, :num, :year, :en, :fr, :es, :topic, :source)", L->e);
  if (!q) return -1;
  if (src_open(L, &src, F_INSTRUMENTS, NULL, azInstCol, IN__N)) goto fail;
  while ((rc = src_next(L, &src)) == 1) {
    long long year, num = 0;
    if (src_required(L, &src, IN_CODE) || src_required(L, &src, IN_ORG) || src_required(L, &src, IN_EN) ||
        src_required(L, &src, IN_SOURCE)) goto fail;
    if (parse_int(src_get(&src, IN_YEAR), 1900, 2100, &year)) {
      src_fail(L, &src, IN_YEAR, "expected a year, got \"%s\"", src_get(&src, IN_YEAR));
      goto fail;
    }
    if (*src_get(&src, IN_NUM) && parse_int(src_get(&src, IN_NUM), 1, 9999, &num)) {
      src_fail(L, &src, IN_NUM, "expected a number or nothing, got \"%s\"", src_get(&src, IN_NUM));
      goto fail;
    }
    if (!map_add(&L->instrument, src_get(&src, IN_CODE), 1)) {
      src_fail(L, &src, IN_CODE, "instrument %s appears twice", src_get(&src, IN_CODE));
      goto fail;
    }
    stmt_bind_text(q, ":code", src_get(&src, IN_CODE));
    stmt_bind_text(q, ":org", src_get(&src, IN_ORG));
    if (num) stmt_bind_int(q, ":num", num);
    else stmt_bind_null(q, ":num");
    stmt_bind_int(q, ":year", year);
    stmt_bind_text(q, ":en", src_get(&src, IN_EN));
    stmt_bind_text(q, ":fr", src_opt(&src, IN_FR));
    stmt_bind_text(q, ":es", src_opt(&src, IN_ES));
    stmt_bind_text(q, ":topic", src_opt(&src, IN_TOPIC));
    stmt_bind_text(q, ":source", src_get(&src, IN_SOURCE));
    if (src_insert(L, &src, q)) goto fail;
    L->pRep->nInstrument++;
  }
  if (rc < 0) goto fail;
  src_close(&src);
  stmt_finalize(q);
  return 0;
fail:
  src_close(&src);
  stmt_finalize(q);
  return -1;
}

enum { RA_A2, RA_PARTY, RA_YEAR, RA_SIGNED, RA_NONE, RA_STATUS, RA__N };
static const char *const azIcmwCol[] = {"iso2", "state party", "year ratification or accession", "signatory",
                                        "no action", "status"};

/* Withdrawn ISO 3166-1 codes still found in sources, and their successors
** (ISO 3166-3). The ICMW file codes Timor-Leste with its pre-2002 code TP. */
static const char *iso3166_successor(const char *zA2) {
  static const char *const azMap[][2] = {{"TP", "TL"}};
  for (size_t i = 0; i < COUNT(azMap); i++)
    if (strcmp(zA2, azMap[i][0]) == 0) return azMap[i][1];
  return zA2;
}

static int ra_bool(Loader *L, Src *p, int iCol, int *pv) {
  const char *z = src_get(p, iCol);
  if (strcmp(z, "0") != 0 && strcmp(z, "1") != 0) return src_fail(L, p, iCol, "expected 0 or 1, got \"%s\"", z);
  *pv = z[0] == '1';
  return 0;
}

/* UN ICMW status: state parties are 'in force' with the year of ratification or
** accession; signatories that have not ratified are 'signed'; "no action" rows are
** not ratification records and are not stored. The iso2 column is taken literally:
** Namibia is "NA", which is a code and not a missing value; the one withdrawn code
** (TP, East Timor) is mapped to its successor. */
static int load_icmw(Loader *L) {
  Src src;
  int rc;
  Stmt *q = NULL;
  if (!map_get(&L->instrument, "ICMW", NULL)) {
    err_set(L->e, ERR_INVALID, "%s/%s: instrument ICMW is missing", L->zDir, F_INSTRUMENTS);
    err_detail(L->e, "%s records ratifications of the UN Migrant Workers Convention (code ICMW)", F_ICMW);
    return -1;
  }
  q = store_prepare(L->s,
    "INSERT INTO ratification(country, instrument, year, status, notes, source)"
    " VALUES(:country, 'ICMW', :year, :status, :notes, :source)", L->e);
  if (!q) return -1;
  if (src_open(L, &src, F_ICMW, NULL, azIcmwCol, RA__N)) goto fail;
  while ((rc = src_next(L, &src)) == 1) {
    const char *zA2 = iso3166_successor(src_get(&src, RA_A2));
    const char *zStatus = src_get(&src, RA_STATUS);
    const char *zExpect;
    int bParty = 0, bSigned = 0, bNone = 0;
    long long year = 0;
    if (!map_get(&L->country, zA2, NULL)) {
      src_fail(L, &src, RA_A2, "\"%s\" is not an ISO 3166-1 alpha-2 code in %s", zA2, F_ISO3166);
      goto fail;
    }
    if (ra_bool(L, &src, RA_PARTY, &bParty) || ra_bool(L, &src, RA_SIGNED, &bSigned) ||
        ra_bool(L, &src, RA_NONE, &bNone)) goto fail;
    if (bParty + bSigned + bNone != 1) {
      src_fail_record(L, &src, "exactly one of \"state party\", \"signatory\" and \"no action\" must be 1");
      goto fail;
    }
    zExpect = bParty ? "state party" : bSigned ? "signatory state" : "no action";
    if (strcmp(zStatus, zExpect) != 0) {
      src_fail(L, &src, RA_STATUS, "expected \"%s\" from the flags, got \"%s\"", zExpect, zStatus);
      goto fail;
    }
    if (bParty && parse_int(src_get(&src, RA_YEAR), 1990, 2100, &year)) {
      src_fail(L, &src, RA_YEAR, "a state party needs the year of ratification, got \"%s\"",
               src_get(&src, RA_YEAR));
      goto fail;
    }
    if (bNone) continue;
    stmt_bind_text(q, ":country", zA2);
    if (bParty) stmt_bind_int(q, ":year", year);
    else stmt_bind_null(q, ":year");
    stmt_bind_text(q, ":status", bParty ? "in force" : "signed");
    stmt_bind_text(q, ":notes", ICMW_NOTES);
    stmt_bind_text(q, ":source", ICMW_SOURCE);
    if (src_insert(L, &src, q)) goto fail;
    L->pRep->nRatification++;
  }
  if (rc < 0) goto fail;
  src_close(&src);
  stmt_finalize(q);
  return 0;
fail:
  src_close(&src);
  stmt_finalize(q);
  return -1;
}

/* ---- the whole load ---- */

static void loader_free(Loader *L) {
  for (int i = 0; i < L->nIsco; i++) {
    IscoRow *p = &L->aIsco[i];
    free(p->zParent);
    free(p->zTitleEn);
    free(p->zTitleFr);
    free(p->zTitleEs);
    free(p->zUri);
    free(p->zDef);
  }
  free(L->aIsco);
  for (int i = 0; i < L->nRegion; i++)
    for (int k = 0; k < 3; k++) free(L->aRegion[i].azName[k]);
  free(L->aRegion);
  for (int i = 0; i < L->nCountry; i++) {
    Country *p = &L->aCountry[i];
    free(p->zName);
    free(p->zOfficial);
    for (int k = 0; k < 3; k++) free(p->azName[k]);
  }
  free(L->aCountry);
  map_free(&L->isco);
  map_free(&L->occ);
  map_free(&L->skill);
  map_free(&L->region);
  map_free(&L->country);
  map_free(&L->instrument);
  stmt_finalize(L->pFts);
  buf_free(&L->skipped);
}

int refdata_load(Store *s, const char *zDir, int bProgress, RefReport *pRep, Err *e) {
  Loader L;
  int rc = -1;
  int64_t nExisting;
  memset(pRep, 0, sizeof *pRep);
  memset(&L, 0, sizeof L);
  L.s = s;
  L.zDir = zDir ? zDir : refdata_default_dir();
  L.bProgress = bProgress;
  L.pRep = pRep;
  L.e = e;
  buf_init(&L.skipped, BUF_UNBOUNDED);

  nExisting = store_int(s, "SELECT (SELECT count(*) FROM isco_group) + (SELECT count(*) FROM country)", -1);
  if (nExisting < 0) {
    err_set(e, ERR_DB, "cannot load reference data: the database has no schema");
    err_hint(e, "run the migrations first (lmis init does both)");
    goto refdata_out;
  }
  if (nExisting > 0) {
    err_set(e, ERR_CONFLICT, "reference data is already loaded in %s", store_path(s));
    err_hint(e, "create a new database with `lmis init --force` to reload it");
    goto refdata_out;
  }
  if (store_begin(s, e)) goto refdata_out;
  L.pFts = store_prepare(s,
    "INSERT INTO occupation_fts(kind, ref, title, other_titles, body) VALUES(:kind, :ref, :title, :other, :body)",
    e);
  if (!L.pFts) goto refdata_rollback;
  if (load_isco_structure(&L) || load_isco_descriptions(&L) || insert_isco(&L)) goto refdata_rollback;
  if (load_esco_occupations(&L) || load_esco_skills(&L) || load_esco_relations(&L) || load_esco_schemes(&L))
    goto refdata_rollback;
  if (load_iso3166(&L) || load_m49(&L, F_M49_EN, 0) || load_m49(&L, F_M49_FR, 1) || load_m49(&L, F_M49_ES, 2) ||
      load_currency_by_country(&L) || insert_countries(&L))
    goto refdata_rollback;
  if (load_code_lists(&L) || load_instruments(&L) || load_icmw(&L)) goto refdata_rollback;
  stmt_finalize(L.pFts);
  L.pFts = NULL;
  if (store_commit(s, e)) goto refdata_rollback;
  pRep->zSkipped = buf_detach(&L.skipped);
  rc = 0;
  goto refdata_out;

refdata_rollback:
  stmt_finalize(L.pFts);
  L.pFts = NULL;
  store_rollback(s);
  memset(pRep, 0, sizeof *pRep);
refdata_out:
  loader_free(&L);
  return rc;
}
