/*
** aggregate.c: loading the public migration series and querying the aggregate
** store (see aggregate.h; the mapping is documented in docs/sdmx.md).
**
** Each loader reads one shipped file with csv.c, resolves country names or codes
** to ISO 3166-1 alpha-3 through one name table (NameMap), and stores observations
** through sdmx.c's inserter. A name that is neither a known country nor a listed
** aggregate stops the load with file and line: a new edition of a source must
** be looked at, not half loaded.
*/
#include "aggregate.h"
#include "csv.h"
#include "indicator.h"
#include "sdmx.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DIR_STATS "migration-stats/"
#define F_DESA2020 DIR_STATS "undesa_ims2020_stock_by_sex_destination_long.csv.gz"
#define F_DESA2019 DIR_STATS "undesa_ims2019_origin_destination_wide_DERIVED.csv.gz"
#define F_WB_STOCK DIR_STATS "wb_bilateral_migrant_stocks_2017_long.csv.gz"
#define F_WB_REM DIR_STATS "wb_bilateral_remittances_2017_long.csv.gz"
#define F_RPW DIR_STATS "wb_rpw_corridors_ATCR_2011Q1-2020Q3.csv.gz"
#define F_WDI DIR_STATS "wdi_BM.TRF.PWKR.CD.DT_personal_remittances_paid.csv.gz"
#define F_ALIASES DIR_STATS "country_names.csv"
#define F_M49 "countries/unsd_m49_overview_en.csv"
#define F_ISO "countries/iso3166-1_debian_iso-codes_4.15.0.csv"

static const AggIndicator aIndicator[] = {
  {"MIG_STOCK_DEST", "International migrant stock at mid-year, by destination and sex",
   "Nombre de migrants internationaux en milieu d'ann\u00e9e, par destination et par sexe",
   "N\u00famero de migrantes internacionales a mitad de a\u00f1o, por destino y sexo", "PS", 0,
   "UN DESA, International Migrant Stock 2020 (CC BY 3.0 IGO)"},
  {"MIG_STOCK_OD", "International migrant stock at mid-year, by destination and origin",
   "Nombre de migrants internationaux en milieu d'ann\u00e9e, par destination et par origine",
   "N\u00famero de migrantes internacionales a mitad de a\u00f1o, por destino y origen", "PS", 0,
   "UN DESA, International Migrant Stock 2019 (origin x destination, derived table)"},
  {"MIG_STOCK_BILAT", "Bilateral migrant stock (estimates)", "Stock bilat\u00e9ral de migrants (estimations)",
   "Stock bilateral de migrantes (estimaciones)", "PS", 0, "World Bank, Bilateral Estimates of Migrant Stocks in 2017"},
  {"REM_BILAT", "Bilateral remittances, from host to origin country (estimates, million US$)",
   "Envois de fonds bilat\u00e9raux, du pays d'accueil au pays d'origine (estimations, millions de dollars EU)",
   "Remesas bilaterales, del pa\u00eds de acogida al de origen (estimaciones, millones de d\u00f3lares EE. UU.)", "USD",
   6, "World Bank/KNOMAD, Bilateral Remittance Estimates for 2017"},
  {"REM_COST_CORR", "Average total cost of sending USD 200 in the corridor, % of amount sent (SDG 10.c.1)",
   "Co\u00fbt total moyen de l'envoi de 200 USD dans le corridor, % du montant envoy\u00e9 (ODD 10.c.1)",
   "Costo total medio de enviar 200 USD en el corredor, % del monto enviado (ODS 10.c.1)", "PT", 0,
   "World Bank, Remittance Prices Worldwide (corridors), ATCR.CORR"},
  {"REM_PAID", "Personal remittances paid (current US$)", "Envois de fonds personnels, pay\u00e9s ($ US courants)",
   "Remesas personales, pagadas (US$ a precios actuales)", "USD", 0,
   "World Bank, World Development Indicators, BM.TRF.PWKR.CD.DT"},
};

const AggIndicator *aggregate_indicators(int *pn) {
  *pn = (int)COUNT(aIndicator);
  return aIndicator;
}

/* ---------------------------------------------------------------------------
** Country names and codes.
*/

typedef struct NameEntry {
  const char *zName;   /* as written in a source */
  const char *zIso;    /* alpha-3, or "" for an aggregate */
  int iOrder;          /* priority: lower wins */
} NameEntry;

typedef struct NameMap {
  NameEntry *a;
  int n, nAlloc;
  Arena *pArena;
  char **azIso;        /* codes of the country table and the extra areas, sorted */
  int nIso;
  NameEntry *aNum;     /* numeric (3 digits) -> alpha-3 */
  int nNum, nNumAlloc;
} NameMap;

/* The comparison form of a name into zOut (nOut bytes): ASCII letters folded to
** lower case, the typographic apostrophe (U+2019) written as ', spaces trimmed. */
static void name_fold(char *zOut, size_t nOut, const char *zName) {
  char *q = zOut, *zEnd = zOut + nOut - 1;
  while (*zName == ' ') zName++;
  for (const char *p = zName; *p && q < zEnd; p++) {
    if ((unsigned char)p[0] == 0xE2 && (unsigned char)p[1] == 0x80 && (unsigned char)p[2] == 0x99) {
      *q++ = '\'';
      p += 2;
    } else {
      *q++ = (char)tolower((unsigned char)*p);
    }
  }
  while (q > zOut && q[-1] == ' ') q--;
  *q = 0;
}

static void names_add(NameMap *m, const char *zName, const char *zIso) {
  if (!zName || !*zName || !zIso) return;
  if (m->n == m->nAlloc) {
    m->nAlloc = m->nAlloc ? m->nAlloc * 2 : 1024;
    m->a = xrealloc(m->a, (size_t)m->nAlloc * sizeof(NameEntry));
  }
  {
    size_t n = strlen(zName) + 1;
    char *z = arena_alloc(m->pArena, n);
    name_fold(z, n, zName);
    m->a[m->n].zName = z;
  }
  m->a[m->n].zIso = arena_strdup(m->pArena, zIso);
  m->a[m->n].iOrder = m->n;
  m->n++;
}

static int name_cmp(const void *pa, const void *pb) {
  const NameEntry *a = pa, *b = pb;
  int c = strcmp(a->zName, b->zName);
  return c ? c : a->iOrder - b->iOrder;
}

static int num_cmp(const void *pa, const void *pb) {
  return strcmp(((const NameEntry *)pa)->zName, ((const NameEntry *)pb)->zName);
}

static int str_cmp(const void *pa, const void *pb) {
  return strcmp(*(const char *const *)pa, *(const char *const *)pb);
}

static bool iso_known(const NameMap *m, const char *z) {
  return bsearch(&z, m->azIso, (size_t)m->nIso, sizeof(char *), str_cmp) != NULL;
}

/* 1 and *pzIso set: a country; 0: a listed aggregate; -1: unknown. */
static int names_find(const NameMap *m, const char *zNameIn, const char **pzIso) {
  char zName[512];
  name_fold(zName, sizeof zName, zNameIn);
  int lo = 0, hi = m->n - 1, iFound = -1;
  while (lo <= hi) {   /* leftmost match: the highest priority */
    int mid = (lo + hi) / 2;
    int c = strcmp(m->a[mid].zName, zName);
    if (c >= 0) {
      if (c == 0) iFound = mid;
      hi = mid - 1;
    } else {
      lo = mid + 1;
    }
  }
  if (iFound < 0) return -1;
  if (!*m->a[iFound].zIso) return 0;
  *pzIso = m->a[iFound].zIso;
  return 1;
}

static void names_free(NameMap *m) {
  free(m->a);
  free(m->azIso);
  free(m->aNum);
  arena_free(m->pArena);
  memset(m, 0, sizeof(*m));
}

static const char *const azExtraArea[] = {"ANT", "CHI", "XKX"};

/* Build the map: aliases first (they win), then the country table, the M49
** overview and the WDI names whose codes are known. */
static int names_build(Store *s, const char *zDir, NameMap *m, Err *e) {
  CsvReader *r = NULL;
  Stmt *q;
  int rc, aIdx[2];
  char *zPath = NULL;
  static const char *const azAliasCol[] = {"name", "iso3"};
  static const char *const azM49Col[] = {"Country or Area", "ISO-alpha3 Code"};
  memset(m, 0, sizeof(*m));
  m->pArena = arena_new();

  /* codes */
  q = store_prepare(s, "SELECT alpha3, numeric, name_en, official_name_en FROM country", e);
  if (!q) return -1;
  {
    int nAlloc = 300;
    m->azIso = xcalloc((size_t)nAlloc, sizeof(char *));
    while ((rc = stmt_step(q, e)) == 1) {
      if (m->nIso + 4 >= nAlloc) {
        nAlloc *= 2;
        m->azIso = xrealloc(m->azIso, (size_t)nAlloc * sizeof(char *));
      }
      m->azIso[m->nIso++] = arena_strdup(m->pArena, stmt_text(q, 0));
      if (m->nNum == m->nNumAlloc) {
        m->nNumAlloc = m->nNumAlloc ? m->nNumAlloc * 2 : 256;
        m->aNum = xrealloc(m->aNum, (size_t)m->nNumAlloc * sizeof(NameEntry));
      }
      m->aNum[m->nNum].zName = arena_strdup(m->pArena, stmt_text(q, 1));
      m->aNum[m->nNum].zIso = m->azIso[m->nIso - 1];
      m->aNum[m->nNum].iOrder = m->nNum;
      m->nNum++;
    }
    stmt_finalize(q);
    if (rc < 0) return -1;
    if (m->nIso == 0) {
      err_set(e, ERR_INVALID, "the country table is empty");
      err_hint(e, "load the reference data (refdata_load) before the public series");
      return -1;
    }
    for (size_t i = 0; i < COUNT(azExtraArea); i++) m->azIso[m->nIso++] = (char *)azExtraArea[i];
    qsort(m->azIso, (size_t)m->nIso, sizeof(char *), str_cmp);
    qsort(m->aNum, (size_t)m->nNum, sizeof(NameEntry), num_cmp);
  }

  /* aliases */
  zPath = xasprintf("%s/%s", zDir, F_ALIASES);
  if (csv_open(zPath, &r, e) || csv_header(r, azAliasCol, aIdx, 2, e)) goto names_fail;
  while ((rc = csv_next(r, e)) == 1) {
    const char *zIso = csv_field(r, aIdx[1]);
    if (*zIso && !iso_known(m, zIso)) {
      err_set(e, ERR_INVALID, "%s:%ld: \"%s\" is not a code of the country table", zPath, csv_line(r), zIso);
      err_where(e, "%s:%ld:iso3", zPath, csv_line(r));
      goto names_fail;
    }
    names_add(m, csv_field(r, aIdx[0]), zIso);
  }
  if (rc < 0) goto names_fail;
  csv_close(r);
  r = NULL;
  free(zPath);
  zPath = NULL;

  /* the country table */
  q = store_prepare(s, "SELECT alpha3, name_en, official_name_en FROM country", e);
  if (!q) goto names_fail;
  while ((rc = stmt_step(q, e)) == 1) {
    names_add(m, stmt_text(q, 1), stmt_text(q, 0));
    names_add(m, stmt_text(q, 2), stmt_text(q, 0));
  }
  stmt_finalize(q);
  if (rc < 0) goto names_fail;

  /* UN M49 names (what UN DESA writes) */
  zPath = xasprintf("%s/%s", zDir, F_M49);
  if (csv_open(zPath, &r, e) || csv_header(r, azM49Col, aIdx, 2, e)) goto names_fail;
  while ((rc = csv_next(r, e)) == 1) {
    if (iso_known(m, csv_field(r, aIdx[1]))) names_add(m, csv_field(r, aIdx[0]), csv_field(r, aIdx[1]));
  }
  if (rc < 0) goto names_fail;
  csv_close(r);
  r = NULL;
  free(zPath);
  zPath = NULL;

  /* ISO 3166-1 names (Debian iso-codes): name, official and common names */
  zPath = xasprintf("%s/%s", zDir, F_ISO);
  {
    static const char *const azIsoCol[] = {"alpha_3", "name", "official_name", "common_name"};
    int aIso[4];
    if (csv_open(zPath, &r, e) || csv_header(r, azIsoCol, aIso, 4, e)) goto names_fail;
    while ((rc = csv_next(r, e)) == 1) {
      if (!iso_known(m, csv_field(r, aIso[0]))) continue;
      for (int k = 1; k < 4; k++) names_add(m, csv_field(r, aIso[k]), csv_field(r, aIso[0]));
    }
    if (rc < 0) goto names_fail;
  }
  csv_close(r);
  r = NULL;
  free(zPath);
  zPath = NULL;

  /* World Bank names, from the WDI file (after its 4 preamble lines) */
  zPath = xasprintf("%s/%s", zDir, F_WDI);
  if (csv_open(zPath, &r, e)) goto names_fail;
  while ((rc = csv_next(r, e)) == 1) {
    if (csv_nfield(r) > 2 && iso_known(m, csv_field(r, 1))) names_add(m, csv_field(r, 0), csv_field(r, 1));
  }
  if (rc < 0) goto names_fail;
  csv_close(r);
  free(zPath);
  qsort(m->a, (size_t)m->n, sizeof(NameEntry), name_cmp);
  return 0;
names_fail:
  csv_close(r);
  free(zPath);
  names_free(m);
  return -1;
}

/* ---------------------------------------------------------------------------
** Loaders.
*/

typedef struct Loader {
  Store *s;
  Err *e;
  const char *zDir;
  NameMap names;
  SdmxInserter *w;
  long nObs;
  CsvReader *r;
  char *zPath;
} Loader;

static int open_src(Loader *L, const char *zFile) {
  free(L->zPath);
  L->zPath = xasprintf("%s/%s", L->zDir, zFile);
  return csv_open(L->zPath, &L->r, L->e);
}

static void close_src(Loader *L) {
  csv_close(L->r);
  L->r = NULL;
}

static int fail_at(Loader *L, const char *zColumn, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail_at(Loader *L, const char *zColumn, const char *fmt, ...) {
  va_list ap;
  Buf b;
  buf_init(&b, 4096);
  va_start(ap, fmt);
  buf_vprintf(&b, fmt, ap);
  va_end(ap);
  err_set(L->e, ERR_INVALID, "%s:%ld: column \"%s\": %s", csv_name(L->r), csv_line(L->r), zColumn, buf_cstr(&b));
  err_where(L->e, "%s:%ld:%s", csv_name(L->r), csv_line(L->r), zColumn);
  buf_free(&b);
  return -1;
}

/* Resolve a country name; 1 country, 0 aggregate (skip), -1 error set. */
static int resolve(Loader *L, const char *zName, const char *zColumn, const char **pzIso) {
  char zTrim[256];
  size_t n = strlen(zName);
  int rc;
  while (n > 0 && (zName[n - 1] == ' ' || zName[n - 1] == '*')) n--;   /* DESA marks notes with '*' */
  snprintf(zTrim, sizeof zTrim, "%.*s", (int)(n < 255 ? n : 255), zName);
  rc = names_find(&L->names, zTrim, pzIso);
  if (rc < 0) {
    fail_at(L, zColumn, "unknown country or area \"%s\"", zTrim);
    err_hint(L->e, "add it to %s/" F_ALIASES " with its ISO 3166-1 alpha-3 code (empty for an aggregate)", L->zDir);
  }
  return rc;
}

/* A cell value: 1 and *pv for a positive number; 0 for a missing or zero cell;
** -1 (error set) for anything else. */
static int cell_value(Loader *L, const char *z, const char *zColumn, double *pv) {
  char *zEnd;
  if (!*z || strcmp(z, "..") == 0 || strcmp(z, "-") == 0 || strcmp(z, "\u2014") == 0) return 0;
  errno = 0;
  *pv = strtod(z, &zEnd);
  if (*zEnd || errno || !isfinite(*pv) || *pv < 0) return fail_at(L, zColumn, "\"%s\" is not a count or amount", z);
  return *pv == 0 ? 0 : 1;
}

static int store_obs(Loader *L, const char *zArea, const char *zCounterpart, const char *zIndicator,
                     const char *zSex, const char *zTime, double v, const char *zUnit, int unitMult, int decimals,
                     const char *zStatus, const char *zAttr, const char *zOrigin) {
  SdmxObs o;
  sdmx_obs_init(&o);
  o.azDim[SDMX_REF_AREA] = zArea;
  o.azDim[SDMX_COUNTERPART_AREA] = zCounterpart;
  o.azDim[SDMX_INDICATOR] = zIndicator;
  o.azDim[SDMX_SEX] = zSex;
  o.azDim[SDMX_CLASSIF1] = "_Z";
  o.azDim[SDMX_CLASSIF2] = "_Z";
  o.zTime = zTime;
  o.value = v;
  o.zUnit = zUnit;
  o.bUnitMult = true;
  o.unitMult = unitMult;
  o.decimals = decimals;
  o.zStatus = zStatus;
  o.zAttrJson = zAttr;
  if (sdmx_inserter_add(L->w, SDMX_FLOW_PUBLIC, &o, zOrigin, L->e)) {
    err_where(L->e, "%s:%ld", csv_name(L->r), csv_line(L->r));
    err_detail(L->e, "%s:%ld: %s", csv_name(L->r), csv_line(L->r), L->e->zDetail ? L->e->zDetail : "");
    return -1;
  }
  L->nObs++;
  return 0;
}

/* UN DESA IMS 2020: stock by destination and sex. Country rows carry a type of
** data code; their M49 code gives the alpha-3 code. */
static int load_desa2020(Loader *L) {
  static const char *const azCol[] = {"location", "m49_code", "type_of_data", "year", "sex", "migrant_stock", "notes"};
  int aIdx[7], rc;
  if (open_src(L, F_DESA2020) || csv_header(L->r, azCol, aIdx, 7, L->e)) return -1;
  while ((rc = csv_next(L->r, L->e)) == 1) {
    const char *zType = csv_field(L->r, aIdx[2]), *zIso = NULL, *zSex;
    const char *zSexIn = csv_field(L->r, aIdx[4]);
    char zNum[8], zStatus[2] = "A";
    NameEntry k, *pHit;
    double v;
    long long y;
    json_t *j;
    char *zAttr;
    int r;
    if (!*zType) continue;   /* world, regions, income groups */
    snprintf(zNum, sizeof zNum, "%03d", (int)strtol(csv_field(L->r, aIdx[1]), NULL, 10));
    k.zName = zNum;
    pHit = bsearch(&k, L->names.aNum, (size_t)L->names.nNum, sizeof(NameEntry), num_cmp);
    if (pHit) zIso = pHit->zIso;
    else if ((r = resolve(L, csv_field(L->r, aIdx[0]), "location", &zIso)) <= 0) {
      if (r < 0) return -1;
      continue;
    }
    if (strcmp(zSexIn, "both") == 0) zSex = "SEX_T";
    else if (strcmp(zSexIn, "male") == 0) zSex = "SEX_M";
    else if (strcmp(zSexIn, "female") == 0) zSex = "SEX_F";
    else return fail_at(L, "sex", "\"%s\" is not both, male or female", zSexIn);
    if (parse_int(csv_field(L->r, aIdx[3]), 1900, 2100, &y)) return fail_at(L, "year", "not a year");
    if ((r = cell_value(L, csv_field(L->r, aIdx[5]), "migrant_stock", &v)) < 0) return -1;
    if (r == 0) continue;
    if (strchr(zType, 'I')) zStatus[0] = 'I';   /* no data: imputed by UN DESA */
    j = json_pack("{s:s}", "TYPE_OF_DATA", zType);
    if (*csv_field(L->r, aIdx[6])) json_object_set_new(j, "NOTES", json_string(csv_field(L->r, aIdx[6])));
    zAttr = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(j);
    snprintf(zNum, sizeof zNum, "%lld", y);
    r = store_obs(L, zIso, "_T", "MIG_STOCK_DEST", zSex, zNum, v, "PS", 0, 0, zStatus, zAttr, "public:UN_DESA_IMS2020");
    free(zAttr);
    if (r) return -1;
  }
  close_src(L);
  return rc;
}

/* UN DESA IMS 2019 origin x destination (wide: Year, Dest, one column per origin). */
static int load_desa2019(Loader *L) {
  const char **azOrigin = NULL;
  int nOrigin, rc = -1, r;
  if (open_src(L, F_DESA2019)) return -1;
  if ((r = csv_next(L->r, L->e)) != 1) {
    if (r == 0) err_set(L->e, ERR_INVALID, "%s is empty", L->zPath);
    return -1;
  }
  nOrigin = csv_nfield(L->r);
  if (nOrigin < 3 || strcmp(csv_field(L->r, 0), "Year") || strcmp(csv_field(L->r, 1), "Dest")) {
    return fail_at(L, "Year", "expected the header Year,Dest,<origins>");
  }
  azOrigin = xcalloc((size_t)nOrigin, sizeof(char *));
  for (int i = 2; i < nOrigin; i++) {
    const char *zIso = NULL;
    r = resolve(L, csv_field(L->r, i), csv_field(L->r, i), &zIso);
    if (r < 0) goto desa2019_out;
    azOrigin[i] = r ? zIso : NULL;
  }
  while ((r = csv_next(L->r, L->e)) == 1) {
    const char *zDest = NULL;
    long long y;
    if (csv_nfield(L->r) != nOrigin) {
      fail_at(L, "Year", "expected %d fields as in the header, found %d", nOrigin, csv_nfield(L->r));
      goto desa2019_out;
    }
    if (parse_int(csv_field(L->r, 0), 1900, 2100, &y)) {
      fail_at(L, "Year", "not a year");
      goto desa2019_out;
    }
    int k = resolve(L, csv_field(L->r, 1), "Dest", &zDest);
    if (k < 0) goto desa2019_out;
    if (k == 0) continue;   /* a region */
    char zYear[8];
    snprintf(zYear, sizeof zYear, "%lld", y);
    for (int i = 2; i < nOrigin; i++) {
      double v;
      int c;
      if (!azOrigin[i]) continue;
      c = cell_value(L, csv_field(L->r, i), "origin", &v);
      if (c < 0) goto desa2019_out;
      if (c == 0) continue;
      if (store_obs(L, zDest, azOrigin[i], "MIG_STOCK_OD", "SEX_T", zYear, v, "PS", 0, 0, "A", NULL,
                    "public:UN_DESA_IMS2019_OD"))
        goto desa2019_out;
    }
  }
  if (r < 0) goto desa2019_out;
  close_src(L);
  rc = 0;
desa2019_out:
  free(azOrigin);
  return rc;
}

/* World Bank bilateral matrices 2017 in long form: stocks (origin, destination)
** and remittances (sending, receiving). */
static int load_wb_bilateral(Loader *L, bool bRemit) {
  static const char *const azStock[] = {"origin", "destination", "migrants", "involves_aggregate"};
  static const char *const azRemit[] = {"sending_country", "receiving_country", "remittances_usd_millions",
                                        "involves_aggregate"};
  const char *const *azCol = bRemit ? azRemit : azStock;
  int aIdx[4], rc;
  if (open_src(L, bRemit ? F_WB_REM : F_WB_STOCK) || csv_header(L->r, azCol, aIdx, 4, L->e)) return -1;
  while ((rc = csv_next(L->r, L->e)) == 1) {
    const char *zA = NULL, *zB = NULL;
    double v;
    int r;
    if (strcmp(csv_field(L->r, aIdx[3]), "1") == 0) continue;   /* World, Other North, Other South */
    if ((r = resolve(L, csv_field(L->r, aIdx[0]), azCol[0], &zA)) < 0) return -1;
    if (r == 0) continue;
    if ((r = resolve(L, csv_field(L->r, aIdx[1]), azCol[1], &zB)) < 0) return -1;
    if (r == 0) continue;
    if ((r = cell_value(L, csv_field(L->r, aIdx[2]), azCol[2], &v)) < 0) return -1;
    if (r == 0) continue;
    /* REF_AREA is the migrants' destination: for stocks the destination, for
    ** remittances the sending country; COUNTERPART_AREA the origin. */
    if (bRemit) r = store_obs(L, zA, zB, "REM_BILAT", "_Z", "2017", v, "USD", 6, 2, "E", NULL, "public:WB_BILATERAL_REMITTANCES_2017");
    else r = store_obs(L, zB, zA, "MIG_STOCK_BILAT", "SEX_T", "2017", v, "PS", 0, 0, "E", NULL, "public:WB_BILATERAL_MIGRATION_2017");
    if (r) return -1;
  }
  close_src(L);
  return rc;
}

/* The ISO code of a World Bank code (KSV -> XKX); NULL when unknown. */
static const char *wb_code(const Loader *L, const char *z) {
  char *const *p;
  if (strcmp(z, "KSV") == 0) z = "XKX";
  p = bsearch(&z, L->names.azIso, (size_t)L->names.nIso, sizeof(char *), str_cmp);
  return p ? *p : NULL;
}

/* Remittance Prices Worldwide: one row per corridor, one column per quarter
** ("2011Q1 [YR2011Q1]"); 5 footer lines at the end. */
static int load_rpw(Loader *L) {
  int nCol, rc;
  char (*azTime)[10] = NULL;
  if (open_src(L, F_RPW)) return -1;
  if ((rc = csv_next(L->r, L->e)) != 1) {
    if (rc == 0) err_set(L->e, ERR_INVALID, "%s is empty", L->zPath);
    return -1;
  }
  nCol = csv_nfield(L->r);
  if (nCol < 7 || strcmp(csv_field(L->r, 1), "Sending Countries Code") || strcmp(csv_field(L->r, 3), "Series Code"))
    return fail_at(L, "Sending Countries Code", "not the Remittance Prices Worldwide corridor export");
  azTime = xcalloc((size_t)nCol, sizeof(*azTime));
  for (int i = 6; i < nCol; i++) {
    const char *z = csv_field(L->r, i);
    if (strlen(z) < 6 || z[4] != 'Q' || z[5] < '1' || z[5] > '4') {
      fail_at(L, z, "not a quarter column (YYYYQn [...])");
      free(azTime);
      return -1;
    }
    snprintf(azTime[i], sizeof azTime[i], "%.4s-Q%c", z, z[5]);
  }
  while ((rc = csv_next(L->r, L->e)) == 1) {
    const char *zFrom, *zTo;
    if (!*csv_field(L->r, 3)) continue;   /* the footer: blank lines and "Data from database: ..." */
    if (strcmp(csv_field(L->r, 3), "ATCR.CORR") != 0) {
      fail_at(L, "Series Code", "\"%s\" is not ATCR.CORR", csv_field(L->r, 3));
      rc = -1;
      break;
    }
    zFrom = wb_code(L, csv_field(L->r, 1));
    zTo = wb_code(L, csv_field(L->r, 5));
    if (!zFrom || !zTo) {
      fail_at(L, zFrom ? "Receiving Countries  Code" : "Sending Countries Code", "unknown code %s",
              zFrom ? csv_field(L->r, 5) : csv_field(L->r, 1));
      rc = -1;
      break;
    }
    for (int i = 6; i < nCol && i < csv_nfield(L->r); i++) {
      const char *z = csv_field(L->r, i);
      char *zEnd;
      double v;
      if (strcmp(z, "..") == 0 || !*z) continue;
      errno = 0;
      v = strtod(z, &zEnd);
      /* five corridor-quarters are negative in the source (a negative exchange-rate
      ** margin outweighing the fee); they are kept as published */
      if (*zEnd || errno || !isfinite(v) || v < -100 || v > 100) {
        fail_at(L, azTime[i], "\"%s\" is not a percentage", z);
        rc = -1;
        break;
      }
      if (store_obs(L, zFrom, zTo, "REM_COST_CORR", "_Z", azTime[i], v, "PT", 0, 2, "A", NULL,
                    "public:WB_RPW_CORRIDORS")) {
        rc = -1;
        break;
      }
    }
    if (rc < 0) break;
  }
  free(azTime);
  if (rc < 0) return -1;
  close_src(L);
  return 0;
}

/* WDI personal remittances paid: 4 preamble lines, then Country Name, Country
** Code, Indicator Name, Indicator Code, 1960..2020. Aggregates (codes not in the
** country table) are skipped. */
static int load_wdi(Loader *L) {
  int rc, nCol = 0, iFirst = 4;
  char (*azYear)[8] = NULL;
  if (open_src(L, F_WDI)) return -1;
  while ((rc = csv_next(L->r, L->e)) == 1) {
    if (strcmp(csv_field(L->r, 0), "Country Name") == 0) {
      nCol = csv_nfield(L->r);
      break;
    }
  }
  if (rc <= 0 || nCol < 5 || strcmp(csv_field(L->r, 4), "1960") != 0) {
    if (rc >= 0) err_set(L->e, ERR_INVALID, "%s: no header \"Country Name,Country Code,...,1960,...\"", L->zPath);
    return -1;
  }
  azYear = xcalloc((size_t)nCol, sizeof(*azYear));
  for (int i = iFirst; i < nCol; i++) {
    long long y;
    if (!*csv_field(L->r, i) && i == nCol - 1) break;   /* WDI ends each line with a comma */
    if (parse_int(csv_field(L->r, i), 1900, 2100, &y)) {
      fail_at(L, csv_field(L->r, i), "not a year column");
      free(azYear);
      return -1;
    }
    snprintf(azYear[i], sizeof azYear[i], "%lld", y % 10000);
  }
  while ((rc = csv_next(L->r, L->e)) == 1) {
    const char *zIso = wb_code(L, csv_field(L->r, 1));
    if (!zIso) continue;   /* regions and income groups */
    if (strcmp(csv_field(L->r, 3), "BM.TRF.PWKR.CD.DT") != 0) {
      fail_at(L, "Indicator Code", "\"%s\" is not BM.TRF.PWKR.CD.DT", csv_field(L->r, 3));
      rc = -1;
      break;
    }
    for (int i = iFirst; i < nCol && i < csv_nfield(L->r) && rc >= 0; i++) {
      double v;
      int r;
      if (!azYear[i][0]) continue;
      r = cell_value(L, csv_field(L->r, i), azYear[i], &v);
      if (r < 0 || (r > 0 && store_obs(L, zIso, "_T", "REM_PAID", "_Z", azYear[i], v, "USD", 0, 0, "A", NULL,
                                       "public:WB_WDI")))
        rc = -1;
    }
    if (rc < 0) break;
  }
  free(azYear);
  if (rc < 0) return -1;
  close_src(L);
  return 0;
}

int aggregate_load_public(Store *s, const char *zDataDir, long *pnObs, Err *e) {
  Loader L;
  Stmt *q;
  int rc = -1;
  bool bCache = false;
  memset(&L, 0, sizeof(L));
  L.s = s;
  L.e = e;
  L.zDir = zDataDir;
  if (pnObs) *pnObs = 0;
  if (names_build(s, zDataDir, &L.names, e)) return -1;
  /* 120,000 rows into four indexes: a larger page cache for the load saves
  ** re-reading pages (restored below) */
  if (store_exec(s, "PRAGMA cache_size = -65536", e)) goto load_out;
  bCache = true;
  q = store_prepare(s, "DELETE FROM observation WHERE dataflow = 'LMIS_PUBLIC'", e);
  if (!q || stmt_run(q, e)) {
    stmt_finalize(q);
    goto load_out;
  }
  stmt_finalize(q);
  L.w = sdmx_inserter_new(s, SDMX_INSERT_STRICT, e);
  if (!L.w) goto load_out;
  if (load_desa2020(&L) || load_desa2019(&L) || load_wb_bilateral(&L, false) || load_wb_bilateral(&L, true) ||
      load_rpw(&L) || load_wdi(&L))
    goto load_out;
  if (pnObs) *pnObs = L.nObs;
  rc = 0;
load_out:
  if (bCache) {
    Err e2 = ERR_INIT;
    store_exec(s, "PRAGMA cache_size = -2000", &e2);   /* SQLite's default, which store.c keeps */
    err_clear(&e2);
  }
  close_src(&L);
  sdmx_inserter_free(L.w);
  names_free(&L.names);
  free(L.zPath);
  return rc;
}

/* ---------------------------------------------------------------------------
** Queries.
*/

#define QUERY_DEFAULT_LIMIT 100
#define QUERY_MAX_LIMIT 10000

/* The name of an indicator: the public series table, then the catalogue. */
static const char *indicator_name(const Catalogue *pCat, const char *zCode, const char *zLang) {
  for (size_t i = 0; i < COUNT(aIndicator); i++) {
    if (strcmp(aIndicator[i].zCode, zCode) == 0) {
      if (zLang && strcmp(zLang, "fr") == 0) return aIndicator[i].zTitleFr;
      if (zLang && strcmp(zLang, "es") == 0) return aIndicator[i].zTitleEs;
      return aIndicator[i].zTitleEn;
    }
  }
  if (pCat) {
    const IndicatorDef *d = indicator_find(pCat, zCode);
    if (d) return indicator_title(d, zLang);
  }
  return NULL;
}

static int check_code(const char *zWhat, const char *z, Err *e) {
  if (z && !sdmx_id_ok(z)) {
    err_set(e, ERR_INVALID, "%s: \"%s\" is not a valid code", zWhat, z);
    err_hint(e, "codes are made of letters, digits and _ @ $ -, e.g. an ISO 3166-1 alpha-3 code such as PHL");
    return -1;
  }
  return 0;
}

json_t *aggregate_query(Store *s, const AggQuery *pq, Err *e) {
  long nLimit = pq->nLimit > 0 ? pq->nLimit : QUERY_DEFAULT_LIMIT;
  long nOffset = pq->nOffset > 0 ? pq->nOffset : 0;
  const char *zLang = pq->zLang ? pq->zLang : "en";
  Err e2 = ERR_INIT;
  const Catalogue *pCat;
  json_t *a, *j;
  Stmt *q;
  long n = 0;
  bool bMore = false;
  int rc;
  if (check_code("area", pq->zArea, e) || check_code("counterpart", pq->zCounterpart, e) ||
      check_code("indicator", pq->zIndicator, e) || check_code("dataflow", pq->zDataflow, e) ||
      check_code("sex", pq->zSex, e))
    return NULL;
  if (nLimit > QUERY_MAX_LIMIT) nLimit = QUERY_MAX_LIMIT;
  pCat = indicator_catalogue_default(&e2);
  err_clear(&e2);
  /* Two literal statements: an indexed one when the reference area is fixed
  ** (a country page, one direction of a corridor), a general one otherwise. */
  if (pq->zArea && !pq->bBothWays) {
    q = store_prepare(s,
      "SELECT o.dataflow, o.series_key, o.ref_area, ca.name_en, ca.name_fr, ca.name_es, o.counterpart_area,"
      " cc.name_en, cc.name_fr, cc.name_es, o.indicator, o.sex, o.classif1, o.classif2, o.time_period,"
      " o.obs_value, o.obs_status, o.unit_measure, o.unit_mult, o.attributes, o.origin"
      " FROM observation o"
      " LEFT JOIN country ca ON ca.alpha3 = o.ref_area LEFT JOIN country cc ON cc.alpha3 = o.counterpart_area"
      " WHERE o.ref_area = :area AND (:cp IS NULL OR o.counterpart_area = :cp)"
      " AND (:indicator IS NULL OR o.indicator = :indicator) AND (:flow IS NULL OR o.dataflow = :flow)"
      " AND (:sex IS NULL OR o.sex = :sex)"
      " AND (:latest = 0 OR o.time_period = (SELECT max(l.time_period) FROM observation l"
      "      WHERE l.dataflow = o.dataflow AND l.series_key = o.series_key))"
      " ORDER BY o.dataflow, o.indicator, o.series_key, o.time_period LIMIT :limit OFFSET :offset", e);
  } else {
    q = store_prepare(s,
      "SELECT o.dataflow, o.series_key, o.ref_area, ca.name_en, ca.name_fr, ca.name_es, o.counterpart_area,"
      " cc.name_en, cc.name_fr, cc.name_es, o.indicator, o.sex, o.classif1, o.classif2, o.time_period,"
      " o.obs_value, o.obs_status, o.unit_measure, o.unit_mult, o.attributes, o.origin"
      " FROM observation o"
      " LEFT JOIN country ca ON ca.alpha3 = o.ref_area LEFT JOIN country cc ON cc.alpha3 = o.counterpart_area"
      " WHERE ((:area IS NULL OR o.ref_area = :area) AND (:cp IS NULL OR o.counterpart_area = :cp)"
      "     OR (:both = 1 AND (:area IS NULL OR o.counterpart_area = :area) AND (:cp IS NULL OR o.ref_area = :cp)))"
      " AND (:indicator IS NULL OR o.indicator = :indicator) AND (:flow IS NULL OR o.dataflow = :flow)"
      " AND (:sex IS NULL OR o.sex = :sex)"
      " AND (:latest = 0 OR o.time_period = (SELECT max(l.time_period) FROM observation l"
      "      WHERE l.dataflow = o.dataflow AND l.series_key = o.series_key))"
      " ORDER BY o.dataflow, o.indicator, o.series_key, o.time_period LIMIT :limit OFFSET :offset", e);
    if (q) stmt_bind_int(q, ":both", pq->bBothWays ? 1 : 0);
  }
  if (!q) return NULL;
  stmt_bind_text(q, ":area", pq->zArea);
  stmt_bind_text(q, ":cp", pq->zCounterpart);
  stmt_bind_text(q, ":indicator", pq->zIndicator);
  stmt_bind_text(q, ":flow", pq->zDataflow);
  stmt_bind_text(q, ":sex", pq->zSex);
  stmt_bind_int(q, ":latest", pq->bLatest ? 1 : 0);
  stmt_bind_int(q, ":limit", nLimit + 1);
  stmt_bind_int(q, ":offset", nOffset);
  int iLang = strcmp(zLang, "fr") == 0 ? 1 : strcmp(zLang, "es") == 0 ? 2 : 0;
  a = json_array();
  while ((rc = stmt_step(q, e)) == 1) {
    json_t *jAttr = NULL;
    const char *zNameA, *zNameC, *zAttr = stmt_text(q, 19);
    if (n == nLimit) {
      bMore = true;
      break;
    }
    zNameA = stmt_text(q, 3 + iLang) ? stmt_text(q, 3 + iLang) : stmt_text(q, 3);
    zNameC = stmt_text(q, 7 + iLang) ? stmt_text(q, 7 + iLang) : stmt_text(q, 7);
    if (zAttr) jAttr = json_loads(zAttr, 0, NULL);
    j = json_pack("{s:s, s:s, s:s, s:s?, s:s, s:s?, s:s, s:s?, s:s, s:s, s:s, s:s}",
                  "dataflow", stmt_text(q, 0), "series_key", stmt_text(q, 1), "ref_area", stmt_text(q, 2),
                  "ref_area_name", zNameA, "counterpart_area", stmt_text(q, 6), "counterpart_area_name", zNameC,
                  "indicator", stmt_text(q, 10), "indicator_name", indicator_name(pCat, stmt_text(q, 10), zLang),
                  "sex", stmt_text(q, 11), "classif1", stmt_text(q, 12), "classif2", stmt_text(q, 13),
                  "time_period", stmt_text(q, 14));
    if (!j) continue;
    json_object_set_new(j, "obs_value", stmt_is_null(q, 15) ? json_null() : json_real(stmt_double(q, 15)));
    json_object_set_new(j, "obs_status", stmt_text(q, 16) ? json_string(stmt_text(q, 16)) : json_null());
    json_object_set_new(j, "unit_measure", stmt_text(q, 17) ? json_string(stmt_text(q, 17)) : json_null());
    json_object_set_new(j, "unit_mult", stmt_is_null(q, 18) ? json_null() : json_integer(stmt_int(q, 18)));
    json_object_set_new(j, "attributes", json_is_object(jAttr) ? jAttr : json_object());
    if (jAttr && !json_is_object(jAttr)) json_decref(jAttr);
    json_object_set_new(j, "origin", json_string(stmt_text(q, 20)));
    json_array_append_new(a, j);
    n++;
  }
  stmt_finalize(q);
  if (rc < 0) {
    json_decref(a);
    return NULL;
  }
  return json_pack("{s:o, s:I, s:I, s:I, s:b}", "observations", a, "count", (json_int_t)n, "offset",
                   (json_int_t)nOffset, "limit", (json_int_t)nLimit, "more", bMore);
}
