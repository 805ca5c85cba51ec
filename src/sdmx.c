/*
** sdmx.c: SDMX exchange (see sdmx.h and docs/sdmx.md).
**
** XML is written with libxml2's xmlTextWriter, which escapes text and attribute
** values; JSON with jansson; CSV with the quoting rule of RFC 4180. The import
** reads the whole file (it holds aggregates, not microdata; limit
** SDMX_IMPORT_MAX) with its own small CSV scanner because SDMX-CSV may use ';'
** as separator and decimal comma, and errors must name line and column.
*/
#include "sdmx.h"
#include "aggregate.h"
#include "indicator.h"
#include "refdata.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libxml/xmlwriter.h>
#include <zlib.h>

#define SDMX_IMPORT_MAX (512u << 20)
#define SDMX_MAX_PROBLEMS 20
#define NS_MESSAGE "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
#define NS_STRUCTURE "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure"
#define NS_COMMON "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common"
#define NS_DATA_SS "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/data/structurespecific"
#define NS_XSI "http://www.w3.org/2001/XMLSchema-instance"
#define NS_XS "http://www.w3.org/2001/XMLSchema"
#define SDMX_JSON_SCHEMA "https://raw.githubusercontent.com/sdmx-twg/sdmx-json/v1.0/data-message/tools/schemas/1.0/sdmx-json-data-schema.json"

/* ---------------------------------------------------------------------------
** The DSD as data.
*/

typedef struct Concept {
  const char *zId;
  const char *zEn, *zFr, *zEs;
} Concept;

static const Concept aDimConcept[SDMX_NDIM] = {
  {"REF_AREA", "Reference area", "Zone de r\u00e9f\u00e9rence", "\u00c1rea de referencia"},
  {"COUNTERPART_AREA", "Counterpart area (origin of migrants; receiving country of remittances)",
   "Zone partenaire (origine des migrants ; pays destinataire des envois de fonds)",
   "\u00c1rea de contrapartida (origen de los migrantes; pa\u00eds receptor de remesas)"},
  {"INDICATOR", "Indicator", "Indicateur", "Indicador"},
  {"SEX", "Sex", "Sexe", "Sexo"},
  {"CLASSIF1", "Classification 1 (breakdown)", "Classification 1 (ventilation)", "Clasificaci\u00f3n 1 (desglose)"},
  {"CLASSIF2", "Classification 2 (migrant status)", "Classification 2 (statut migratoire)",
   "Clasificaci\u00f3n 2 (condici\u00f3n migratoria)"},
};
static const Concept conceptTime = {"TIME_PERIOD", "Time period", "P\u00e9riode", "Per\u00edodo"};
static const Concept conceptValue = {"OBS_VALUE", "Observation value", "Valeur de l'observation",
                                     "Valor de la observaci\u00f3n"};

/* Observation-level attributes, in DSD order. */
typedef enum AttrKind { ATTR_CODE, ATTR_INT, ATTR_DOUBLE } AttrKind;
typedef struct AttrDef {
  Concept c;
  AttrKind kind;
  const char *zCodelist;   /* ATTR_CODE */
} AttrDef;

enum { A_OBS_STATUS, A_UNIT_MEASURE, A_UNIT_MULT, A_DECIMALS, A_SE, A_CI_LOW, A_CI_HIGH, A_CV, A_N, A__COUNT };
static const AttrDef aAttr[A__COUNT] = {
  {{"OBS_STATUS", "Observation status", "Statut de l'observation", "Estado de la observaci\u00f3n"}, ATTR_CODE,
   "CL_OBS_STATUS"},
  {{"UNIT_MEASURE", "Unit of measure", "Unit\u00e9 de mesure", "Unidad de medida"}, ATTR_CODE, "CL_UNIT"},
  {{"UNIT_MULT", "Unit multiplier (power of 10)", "Multiplicateur d'unit\u00e9 (puissance de 10)",
    "Multiplicador de unidad (potencia de 10)"}, ATTR_INT, NULL},
  {{"DECIMALS", "Decimals to display", "D\u00e9cimales \u00e0 afficher", "Decimales a mostrar"}, ATTR_INT, NULL},
  {{"SE", "Standard error", "Erreur type", "Error est\u00e1ndar"}, ATTR_DOUBLE, NULL},
  {{"CI_LOW", "Lower bound of the 95% confidence interval", "Borne inf\u00e9rieure de l'intervalle de confiance \u00e0 95 %",
    "L\u00edmite inferior del intervalo de confianza del 95 %"}, ATTR_DOUBLE, NULL},
  {{"CI_HIGH", "Upper bound of the 95% confidence interval", "Borne sup\u00e9rieure de l'intervalle de confiance \u00e0 95 %",
    "L\u00edmite superior del intervalo de confianza del 95 %"}, ATTR_DOUBLE, NULL},
  {{"CV", "Coefficient of variation", "Coefficient de variation", "Coeficiente de variaci\u00f3n"}, ATTR_DOUBLE, NULL},
  {{"N", "Unweighted number of sample units", "Nombre non pond\u00e9r\u00e9 d'unit\u00e9s d'\u00e9chantillon",
    "N\u00famero no ponderado de unidades muestrales"}, ATTR_INT, NULL},
};

typedef struct StaticCode {
  const char *zId, *zEn, *zFr, *zEs;
} StaticCode;

static const StaticCode aSexCode[] = {
  {"SEX_T", "Total", "Total", "Total"},
  {"SEX_M", "Male", "Hommes", "Hombres"},
  {"SEX_F", "Female", "Femmes", "Mujeres"},
  {"SEX_O", "Other", "Autre", "Otro"},
  {"_Z", "Not applicable", "Sans objet", "No aplicable"},
};

/* SDMX CL_OBS_STATUS plus C (confidential: a suppressed cell, no value), which
** SDMX carries in CONF_STATUS and ILOSTAT in its status column. */
static const StaticCode aStatusCode[] = {
  {"A", "Normal value", "Valeur normale", "Valor normal"},
  {"B", "Time series break", "Rupture de s\u00e9rie", "Ruptura de serie"},
  {"C", "Confidential: suppressed, too few sample units", "Confidentiel : supprim\u00e9, trop peu d'unit\u00e9s d'\u00e9chantillon",
   "Confidencial: suprimido, muy pocas unidades muestrales"},
  {"D", "Definition differs", "D\u00e9finition diff\u00e9rente", "Definici\u00f3n diferente"},
  {"E", "Estimated value", "Valeur estim\u00e9e", "Valor estimado"},
  {"F", "Forecast value", "Valeur pr\u00e9vue", "Valor previsto"},
  {"G", "Experimental value", "Valeur exp\u00e9rimentale", "Valor experimental"},
  {"H", "Missing value; holiday or weekend", "Valeur manquante ; jour f\u00e9ri\u00e9 ou week-end",
   "Valor faltante; festivo o fin de semana"},
  {"I", "Imputed value", "Valeur imput\u00e9e", "Valor imputado"},
  {"K", "Data included in another category", "Donn\u00e9es incluses dans une autre cat\u00e9gorie",
   "Datos incluidos en otra categor\u00eda"},
  {"L", "Missing value; data exist but were not collected", "Valeur manquante ; donn\u00e9es non collect\u00e9es",
   "Valor faltante; datos no recopilados"},
  {"M", "Missing value; data cannot exist", "Valeur manquante ; donn\u00e9es inexistantes",
   "Valor faltante; los datos no pueden existir"},
  {"N", "Not significant", "Non significatif", "No significativo"},
  {"O", "Missing value", "Valeur manquante", "Valor faltante"},
  {"P", "Provisional value", "Valeur provisoire", "Valor provisional"},
  {"Q", "Missing value; suppressed", "Valeur manquante ; supprim\u00e9e", "Valor faltante; suprimido"},
  {"S", "Strike and other special events", "Gr\u00e8ve et autres \u00e9v\u00e9nements", "Huelga y otros eventos"},
  {"U", "Low reliability (coefficient of variation above the threshold)", "Faible fiabilit\u00e9 (coefficient de variation \u00e9lev\u00e9)",
   "Baja fiabilidad (coeficiente de variaci\u00f3n elevado)"},
  {"V", "Unvalidated value", "Valeur non valid\u00e9e", "Valor no validado"},
};

static const StaticCode aUnitCode[] = {
  {"PS", "Persons", "Personnes", "Personas"},
  {"PT", "Percent", "Pourcentage", "Porcentaje"},
  {"LCU", "Local currency units", "Unit\u00e9s de monnaie locale", "Unidades de moneda local"},
  {"USD", "US dollars", "Dollars des \u00c9tats-Unis", "D\u00f3lares de los Estados Unidos"},
  {"RATIO", "Ratio (months of earnings for SDG 10.7.1)", "Ratio (mois de gains pour l'ODD 10.7.1)",
   "Raz\u00f3n (meses de ingresos para el ODS 10.7.1)"},
  {"NUM", "Number", "Nombre", "N\u00famero"},
};

/* Areas that are not ISO 3166-1 countries but appear in the sources. */
static const StaticCode aAreaExtra[] = {
  {"_T", "All areas", "Toutes les zones", "Todas las \u00e1reas"},
  {"_Z", "Not applicable", "Sans objet", "No aplicable"},
  {"ANT", "Netherlands Antilles (former)", "Antilles n\u00e9erlandaises (anciennes)", "Antillas Neerlandesas (antiguas)"},
  {"CHI", "Channel Islands", "\u00celes Anglo-Normandes", "Islas del Canal"},
  {"XKX", "Kosovo", "Kosovo", "Kosovo"},
};

const char *sdmx_dim_id(int i) {
  return (i >= 0 && i < SDMX_NDIM) ? aDimConcept[i].zId : "?";
}

static int lang_index(const char *zLang) {
  if (zLang && strcmp(zLang, "fr") == 0) return 1;
  if (zLang && strcmp(zLang, "es") == 0) return 2;
  return 0;
}

/* ---------------------------------------------------------------------------
** Small helpers.
*/

bool sdmx_id_ok(const char *z) {
  size_t n = 0;
  if (!z || !*z) return false;
  for (; z[n]; n++) {
    unsigned char c = (unsigned char)z[n];
    if (!(isalnum(c) || c == '_' || c == '@' || c == '$' || c == '-')) return false;
    if (c >= 0x80) return false;
  }
  return n <= 255;
}

const char *sdmx_fmt_double(char *zBuf, double v) {
  if (!isfinite(v)) {
    snprintf(zBuf, 32, "%s", isnan(v) ? "NaN" : v > 0 ? "INF" : "-INF");
    return zBuf;
  }
  snprintf(zBuf, 32, "%.15g", v);
  if (strtod(zBuf, NULL) != v) snprintf(zBuf, 32, "%.17g", v);
  return zBuf;
}

void sdmx_obs_init(SdmxObs *p) {
  memset(p, 0, sizeof(*p));
  p->value = p->se = p->ciLow = p->ciHigh = p->cv = NAN;
  p->n = -1;
  p->decimals = -1;
}

SdmxData *sdmx_data_new(const char *zAgency, const char *zFlow, const char *zVersion) {
  SdmxData *d = xcalloc(1, sizeof(*d));
  d->zAgency = xstrdup(zAgency ? zAgency : SDMX_AGENCY);
  d->zFlow = xstrdup(zFlow ? zFlow : SDMX_FLOW_MIG);
  d->zVersion = xstrdup(zVersion ? zVersion : SDMX_DSD_VERSION);
  d->pArena = arena_new();
  return d;
}

void sdmx_data_add(SdmxData *d, const SdmxObs *p) {
  SdmxObs *q;
  if (d->nObs == d->nAlloc) {
    d->nAlloc = d->nAlloc ? d->nAlloc * 2 : 64;
    d->aObs = xrealloc(d->aObs, d->nAlloc * sizeof(SdmxObs));
  }
  q = &d->aObs[d->nObs++];
  *q = *p;
  for (int i = 0; i < SDMX_NDIM; i++) q->azDim[i] = arena_strdup(d->pArena, p->azDim[i]);
  q->zTime = arena_strdup(d->pArena, p->zTime);
  q->zStatus = arena_strdup(d->pArena, p->zStatus);
  q->zUnit = arena_strdup(d->pArena, p->zUnit);
  q->zAttrJson = arena_strdup(d->pArena, p->zAttrJson);
  q->zOrigin = arena_strdup(d->pArena, p->zOrigin);
}

void sdmx_data_free(SdmxData *d) {
  if (!d) return;
  free(d->zAgency);
  free(d->zFlow);
  free(d->zVersion);
  free(d->aObs);
  arena_free(d->pArena);
  free(d);
}

/* A string -> int map (open addressing); keys are copied into the arena. */
typedef struct StrMap {
  size_t n, nSlot;
  const char **azKey;
  int *aVal;
  Arena *pArena;
} StrMap;

static uint64_t str_hash(const char *z) {
  uint64_t h = 1469598103934665603ull;
  for (; *z; z++) h = (h ^ (unsigned char)*z) * 1099511628211ull;
  return h;
}

static void strmap_init(StrMap *m) {
  memset(m, 0, sizeof(*m));
  m->pArena = arena_new();
}

static void strmap_free(StrMap *m) {
  free(m->azKey);
  free(m->aVal);
  arena_free(m->pArena);
  memset(m, 0, sizeof(*m));
}

/* Index of the slot holding zKey, or of the empty slot where it goes. */
static size_t strmap_slot(const StrMap *m, const char *zKey) {
  size_t i = (size_t)(str_hash(zKey) & (m->nSlot - 1));
  while (m->azKey[i] && strcmp(m->azKey[i], zKey) != 0) i = (i + 1) & (m->nSlot - 1);
  return i;
}

static bool strmap_get(const StrMap *m, const char *zKey, int *pVal) {
  size_t i;
  if (m->nSlot == 0) return false;
  i = strmap_slot(m, zKey);
  if (!m->azKey[i]) return false;
  if (pVal) *pVal = m->aVal[i];
  return true;
}

/* Insert zKey -> v unless present; returns true when inserted. */
static bool strmap_put(StrMap *m, const char *zKey, int v) {
  size_t i;
  if ((m->n + 1) * 2 > m->nSlot) {
    size_t nOld = m->nSlot;
    const char **azOld = m->azKey;
    int *aOld = m->aVal;
    m->nSlot = nOld ? nOld * 2 : 64;
    m->azKey = xcalloc(m->nSlot, sizeof(char *));
    m->aVal = xcalloc(m->nSlot, sizeof(int));
    for (size_t k = 0; k < nOld; k++) {
      if (!azOld[k]) continue;
      i = strmap_slot(m, azOld[k]);
      m->azKey[i] = azOld[k];
      m->aVal[i] = aOld[k];
    }
    free(azOld);
    free(aOld);
  }
  i = strmap_slot(m, zKey);
  if (m->azKey[i]) return false;
  m->azKey[i] = arena_strdup(m->pArena, zKey);
  m->aVal[i] = v;
  m->n++;
  return true;
}

/* ---------------------------------------------------------------------------
** Formats.
*/

static const struct {
  const char *zName;
  SdmxFormat f;
} aFormatName[] = {
  {"sdmx-csv", SDMX_CSV1}, {"csv", SDMX_CSV1}, {"sdmx-csv1", SDMX_CSV1},
  {"sdmx-csv2", SDMX_CSV2}, {"csv2", SDMX_CSV2},
  {"sdmx-ml", SDMX_ML}, {"xml", SDMX_ML},
  {"sdmx-json", SDMX_JSON}, {"json", SDMX_JSON},
};

int sdmx_format_parse(const char *z, SdmxFormat *p) {
  for (size_t i = 0; z && i < COUNT(aFormatName); i++) {
    if (strcmp(z, aFormatName[i].zName) == 0) {
      *p = aFormatName[i].f;
      return 0;
    }
  }
  return -1;
}

const char *sdmx_content_type(SdmxFormat f) {
  switch (f) {
    case SDMX_CSV1: return "application/vnd.sdmx.data+csv; version=1.0.0; charset=utf-8";
    case SDMX_CSV2: return "application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8";
    case SDMX_ML: return "application/vnd.sdmx.structurespecificdata+xml; version=2.1; charset=utf-8";
    case SDMX_JSON: return "application/vnd.sdmx.data+json; version=1.0.0; charset=utf-8";
  }
  return "application/octet-stream";
}

/* Trim spaces of z[0..n) in place; returns the new start and sets *pn. */
static const char *trim(const char *z, size_t *pn) {
  size_t n = *pn;
  while (n > 0 && (*z == ' ' || *z == '\t')) z++, n--;
  while (n > 0 && (z[n - 1] == ' ' || z[n - 1] == '\t')) n--;
  *pn = n;
  return z;
}

static bool span_eq(const char *z, size_t n, const char *zLit) {
  return strlen(zLit) == n && strncasecmp(z, zLit, n) == 0;
}

/* The format of one media range (with its parameters), or -1. */
static int accept_one(const char *z, size_t n, double *pq) {
  const char *zType = z;
  size_t nType = strcspn(z, ";");
  char zVersion[16] = "";
  int f = -1;
  if (nType > n) nType = n;
  zType = trim(zType, &nType);
  *pq = 1.0;
  for (size_t i = nType; i < n;) {
    size_t nParam;
    const char *zParam;
    i += strspn(z + i, "; \t");
    if (i >= n) break;
    zParam = z + i;
    nParam = strcspn(zParam, ";");
    if (i + nParam > n) nParam = n - i;
    i += nParam;
    zParam = trim(zParam, &nParam);
    if (nParam > 2 && strncasecmp(zParam, "q=", 2) == 0) {
      char zq[16];
      snprintf(zq, sizeof zq, "%.*s", (int)(nParam - 2 < 15 ? nParam - 2 : 15), zParam + 2);
      *pq = strtod(zq, NULL);
    } else if (nParam > 8 && strncasecmp(zParam, "version=", 8) == 0) {
      snprintf(zVersion, sizeof zVersion, "%.*s", (int)(nParam - 8 < 15 ? nParam - 8 : 15), zParam + 8);
    }
  }
  if (span_eq(zType, nType, "application/vnd.sdmx.data+csv")) {
    if (!*zVersion || str_startswith(zVersion, "1.")) f = SDMX_CSV1;
    else if (str_startswith(zVersion, "2.")) f = SDMX_CSV2;
  } else if (span_eq(zType, nType, "text/csv")) {
    f = SDMX_CSV1;
  } else if (span_eq(zType, nType, "application/vnd.sdmx.structurespecificdata+xml")) {
    if (!*zVersion || strcmp(zVersion, "2.1") == 0) f = SDMX_ML;
  } else if (span_eq(zType, nType, "application/xml") || span_eq(zType, nType, "text/xml") ||
             span_eq(zType, nType, "*/*") || span_eq(zType, nType, "application/*")) {
    f = SDMX_ML;
  } else if (span_eq(zType, nType, "application/vnd.sdmx.data+json")) {
    if (!*zVersion || str_startswith(zVersion, "1.")) f = SDMX_JSON;
  } else if (span_eq(zType, nType, "application/json")) {
    f = SDMX_JSON;
  } else if (span_eq(zType, nType, "text/*")) {
    f = SDMX_CSV1;
  }
  return f;
}

int sdmx_format_from_accept(const char *zAccept, SdmxFormat *p) {
  double qBest = 0.0;
  int fBest = -1;
  if (!zAccept || !*zAccept) {
    *p = SDMX_ML;
    return 0;
  }
  for (const char *z = zAccept; *z;) {
    size_t n = strcspn(z, ",");
    double q;
    int f = accept_one(z, n, &q);
    if (f >= 0 && q > qBest) {
      qBest = q;
      fBest = f;
    }
    z += n;
    if (*z == ',') z++;
  }
  if (fBest < 0) return -1;
  *p = (SdmxFormat)fBest;
  return 0;
}

/* ---------------------------------------------------------------------------
** Codelists: the built-in codes plus the codes found in the store.
*/

typedef struct Code {
  const char *zId;
  const char *azName[3];
} Code;

typedef struct Codelist {
  const char *zId;
  const char *azName[3];
  int n, nAlloc;
  Code *a;
  StrMap index;
} Codelist;

enum { CL_AREA, CL_INDICATOR, CL_SEX, CL_OBS_STATUS, CL_UNIT, CL__COUNT };

typedef struct Codelists {
  Arena *pArena;
  Codelist a[CL__COUNT];
} Codelists;

static const Concept aCodelistName[CL__COUNT] = {
  {"CL_AREA", "Areas: ISO 3166-1 alpha-3 countries and areas", "Zones : pays et zones ISO 3166-1 alpha-3",
   "\u00c1reas: pa\u00edses y \u00e1reas ISO 3166-1 alfa-3"},
  {"CL_INDICATOR", "Indicators", "Indicateurs", "Indicadores"},
  {"CL_SEX", "Sex", "Sexe", "Sexo"},
  {"CL_OBS_STATUS", "Observation status", "Statut de l'observation", "Estado de la observaci\u00f3n"},
  {"CL_UNIT", "Units of measure", "Unit\u00e9s de mesure", "Unidades de medida"},
};

static void cl_add(Codelists *p, int iCl, const char *zId, const char *zEn, const char *zFr, const char *zEs) {
  Codelist *c = &p->a[iCl];
  Code *k;
  if (!zId || !sdmx_id_ok(zId) || strmap_get(&c->index, zId, NULL)) return;
  if (c->n == c->nAlloc) {
    c->nAlloc = c->nAlloc ? c->nAlloc * 2 : 32;
    c->a = xrealloc(c->a, (size_t)c->nAlloc * sizeof(Code));
  }
  k = &c->a[c->n];
  k->zId = arena_strdup(p->pArena, zId);
  k->azName[0] = arena_strdup(p->pArena, (zEn && *zEn) ? zEn : zId);
  k->azName[1] = (zFr && *zFr) ? arena_strdup(p->pArena, zFr) : NULL;
  k->azName[2] = (zEs && *zEs) ? arena_strdup(p->pArena, zEs) : NULL;
  strmap_put(&c->index, zId, c->n);
  c->n++;
}

static void cl_add_static(Codelists *p, int iCl, const StaticCode *a, size_t n) {
  for (size_t i = 0; i < n; i++) cl_add(p, iCl, a[i].zId, a[i].zEn, a[i].zFr, a[i].zEs);
}

/* Add the distinct values of a query's first column. */
static int cl_add_query(Codelists *p, Store *s, int iCl, const char *zSql, Err *e) {
  Stmt *q = store_prepare(s, zSql, e);
  int rc;
  if (!q) return -1;
  while ((rc = stmt_step(q, e)) == 1) {
    const char *z = stmt_text(q, 0);
    cl_add(p, iCl, z, z, NULL, NULL);
  }
  stmt_finalize(q);
  return rc < 0 ? -1 : 0;
}

static void codelists_free(Codelists *p) {
  for (int i = 0; i < CL__COUNT; i++) {
    free(p->a[i].a);
    strmap_free(&p->a[i].index);
  }
  arena_free(p->pArena);
  memset(p, 0, sizeof(*p));
}

/* Build the codelists. s may be NULL (built-in codes only). bNeedCatalogue: fail
** when the indicator catalogue cannot be read (otherwise its names are optional).
** bObserved: add every code found in the observation table (the structure and
** its schema need them; a writer looking up names does not). */
static int codelists_build(Store *s, bool bNeedCatalogue, bool bObserved, Codelists *p, Err *e) {
  const Catalogue *pCat;
  const AggIndicator *aAgg;
  Err e2 = ERR_INIT;
  int nAgg;
  memset(p, 0, sizeof(*p));
  p->pArena = arena_new();
  for (int i = 0; i < CL__COUNT; i++) {
    p->a[i].zId = aCodelistName[i].zId;
    p->a[i].azName[0] = aCodelistName[i].zEn;
    p->a[i].azName[1] = aCodelistName[i].zFr;
    p->a[i].azName[2] = aCodelistName[i].zEs;
    strmap_init(&p->a[i].index);
  }
  cl_add_static(p, CL_SEX, aSexCode, COUNT(aSexCode));
  cl_add_static(p, CL_OBS_STATUS, aStatusCode, COUNT(aStatusCode));
  cl_add_static(p, CL_UNIT, aUnitCode, COUNT(aUnitCode));
  cl_add_static(p, CL_AREA, aAreaExtra, COUNT(aAreaExtra));
  pCat = indicator_catalogue_default(bNeedCatalogue ? e : &e2);
  err_clear(&e2);
  if (!pCat && bNeedCatalogue) goto build_fail;
  for (int i = 0; pCat && i < indicator_count(pCat); i++) {
    const IndicatorDef *d = indicator_at(pCat, i);
    cl_add(p, CL_INDICATOR, indicator_id(d), indicator_title(d, "en"), indicator_title(d, "fr"),
           indicator_title(d, "es"));
  }
  aAgg = aggregate_indicators(&nAgg);
  for (int i = 0; i < nAgg; i++)
    cl_add(p, CL_INDICATOR, aAgg[i].zCode, aAgg[i].zTitleEn, aAgg[i].zTitleFr, aAgg[i].zTitleEs);
  if (s) {
    Stmt *q = store_prepare(s, "SELECT alpha3, name_en, name_fr, name_es FROM country ORDER BY alpha3", e);
    int rc;
    if (!q) goto build_fail;
    while ((rc = stmt_step(q, e)) == 1)
      cl_add(p, CL_AREA, stmt_text(q, 0), stmt_text(q, 1), stmt_text(q, 2), stmt_text(q, 3));
    stmt_finalize(q);
    if (rc < 0) goto build_fail;
    if (bObserved && (cl_add_query(p, s, CL_AREA,
                     "SELECT ref_area FROM observation UNION SELECT counterpart_area FROM observation ORDER BY 1", e) ||
        cl_add_query(p, s, CL_INDICATOR, "SELECT DISTINCT indicator FROM observation ORDER BY 1", e) ||
        cl_add_query(p, s, CL_UNIT,
                     "SELECT DISTINCT unit_measure FROM observation WHERE unit_measure IS NOT NULL ORDER BY 1", e)))
      goto build_fail;
  }
  return 0;
build_fail:
  codelists_free(p);
  return -1;
}

/* The name of a code in a language (falling back to English, then the id). */
static const char *cl_name(const Codelists *p, int iCl, const char *zId, int iLang) {
  int i;
  if (!p || !zId || !strmap_get(&p->a[iCl].index, zId, &i)) return zId;
  const Code *k = &p->a[iCl].a[i];
  return k->azName[iLang] ? k->azName[iLang] : k->azName[0];
}

static int dim_codelist(int iDim) {
  switch (iDim) {
    case SDMX_REF_AREA:
    case SDMX_COUNTERPART_AREA: return CL_AREA;
    case SDMX_INDICATOR: return CL_INDICATOR;
    case SDMX_SEX: return CL_SEX;
    default: return -1;
  }
}

/* ---------------------------------------------------------------------------
** Header values shared by the XML and JSON writers.
*/

/* The preparation time: SOURCE_DATE_EPOCH when set (reproducible output), else now. */
static time_t prepared_time(void) {
  const char *z = getenv("SOURCE_DATE_EPOCH");
  long long v;
  if (z && parse_int(z, 0, 253402300799LL, &v) == 0) return (time_t)v;
  return time(NULL);
}

static void fmt_prepared(char *zBuf, size_t n) {
  time_t t = prepared_time();
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(zBuf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void fmt_message_id(char *zBuf, size_t n, const char *zWhat) {
  time_t t = prepared_time();
  struct tm tm;
  char zStamp[32];
  gmtime_r(&t, &tm);
  strftime(zStamp, sizeof zStamp, "%Y%m%dT%H%M%S", &tm);
  snprintf(zBuf, n, "%s_%s", zWhat, zStamp);
}

const char *sdmx_dsd_namespace(void) {
  return "urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=" SDMX_AGENCY ":" SDMX_DSD_ID
         "(" SDMX_DSD_VERSION "):ObsLevelDim:AllDimensions";
}

/* The value of attribute i of p as text, or NULL when absent. zBuf: 32 bytes. */
static const char *attr_text(const SdmxObs *p, int i, char *zBuf) {
  switch (i) {
    case A_OBS_STATUS: return p->zStatus;
    case A_UNIT_MEASURE: return p->zUnit;
    case A_UNIT_MULT:
      if (!p->bUnitMult) return NULL;
      snprintf(zBuf, 32, "%d", p->unitMult);
      return zBuf;
    case A_DECIMALS:
      if (p->decimals < 0) return NULL;
      snprintf(zBuf, 32, "%d", p->decimals);
      return zBuf;
    case A_SE: return isfinite(p->se) ? sdmx_fmt_double(zBuf, p->se) : NULL;
    case A_CI_LOW: return isfinite(p->ciLow) ? sdmx_fmt_double(zBuf, p->ciLow) : NULL;
    case A_CI_HIGH: return isfinite(p->ciHigh) ? sdmx_fmt_double(zBuf, p->ciHigh) : NULL;
    case A_CV: return isfinite(p->cv) ? sdmx_fmt_double(zBuf, p->cv) : NULL;
    case A_N:
      if (p->n < 0) return NULL;
      snprintf(zBuf, 32, "%ld", p->n);
      return zBuf;
  }
  return NULL;
}

static int overflow(Buf *b, Err *e) {
  if (!b->bOverflow) return 0;
  err_set(e, ERR_TOO_LARGE, "the SDMX message is larger than %zu bytes", b->nMax);
  err_hint(e, "ask for fewer observations with a narrower key");
  return -1;
}

/* ---------------------------------------------------------------------------
** SDMX-CSV 1.0 and 2.0.
*/

static void csv_put(Buf *b, const char *z) {
  if (!z) return;
  if (strpbrk(z, ",;\"\r\n") == NULL) {
    buf_puts(b, z);
    return;
  }
  buf_putc(b, '"');
  for (; *z; z++) {
    if (*z == '"') buf_putc(b, '"');
    buf_putc(b, *z);
  }
  buf_putc(b, '"');
}

static int write_csv(const SdmxData *d, bool bV2, Buf *b, Err *e) {
  char zFlow[512], zNum[32];
  snprintf(zFlow, sizeof zFlow, "%s:%s(%s)", d->zAgency, d->zFlow, d->zVersion);
  buf_puts(b, bV2 ? "STRUCTURE,STRUCTURE_ID,ACTION" : "DATAFLOW");
  for (int i = 0; i < SDMX_NDIM; i++) buf_printf(b, ",%s", aDimConcept[i].zId);
  buf_puts(b, ",TIME_PERIOD,OBS_VALUE");
  for (int i = 0; i < A__COUNT; i++) buf_printf(b, ",%s", aAttr[i].c.zId);
  buf_putc(b, '\n');
  for (size_t k = 0; k < d->nObs && !b->bOverflow; k++) {
    const SdmxObs *p = &d->aObs[k];
    if (bV2) buf_puts(b, "dataflow,");
    csv_put(b, zFlow);
    if (bV2) buf_puts(b, ",I");
    for (int i = 0; i < SDMX_NDIM; i++) {
      buf_putc(b, ',');
      csv_put(b, p->azDim[i]);
    }
    buf_putc(b, ',');
    csv_put(b, p->zTime);
    buf_putc(b, ',');
    if (isfinite(p->value)) buf_puts(b, sdmx_fmt_double(zNum, p->value));
    for (int i = 0; i < A__COUNT; i++) {
      buf_putc(b, ',');
      csv_put(b, attr_text(p, i, zNum));
    }
    buf_putc(b, '\n');
  }
  return overflow(b, e);
}

/* ---------------------------------------------------------------------------
** SDMX-ML 2.1 with xmlTextWriter. W() records the first failure.
*/

typedef struct Xml {
  xmlBufferPtr xb;
  xmlTextWriterPtr w;
  bool bFail;
} Xml;

static void xml_open(Xml *x) {
  x->bFail = false;
  x->xb = xmlBufferCreate();
  x->w = x->xb ? xmlNewTextWriterMemory(x->xb, 0) : NULL;
  if (!x->w) {
    x->bFail = true;
    return;
  }
  xmlTextWriterSetIndent(x->w, 1);
  xmlTextWriterSetIndentString(x->w, BAD_CAST "  ");
  if (xmlTextWriterStartDocument(x->w, NULL, "UTF-8", NULL) < 0) x->bFail = true;
}

static void xs(Xml *x, const char *zName) {
  if (!x->bFail && xmlTextWriterStartElement(x->w, BAD_CAST zName) < 0) x->bFail = true;
}
static void xe(Xml *x) {
  if (!x->bFail && xmlTextWriterEndElement(x->w) < 0) x->bFail = true;
}
static void xa(Xml *x, const char *zName, const char *zValue) {
  if (!x->bFail && zValue && xmlTextWriterWriteAttribute(x->w, BAD_CAST zName, BAD_CAST zValue) < 0) x->bFail = true;
}
static void xt(Xml *x, const char *zName, const char *zText) {
  if (!x->bFail && xmlTextWriterWriteElement(x->w, BAD_CAST zName, BAD_CAST zText) < 0) x->bFail = true;
}
/* <common:Name xml:lang="L">text</common:Name> (also Description). */
static void xname(Xml *x, const char *zElem, const char *zLang, const char *zText) {
  if (!zText || !*zText) return;
  xs(x, zElem);
  xa(x, "xml:lang", zLang);
  if (!x->bFail && xmlTextWriterWriteString(x->w, BAD_CAST zText) < 0) x->bFail = true;
  xe(x);
}
static void xnames(Xml *x, const char *zEn, const char *zFr, const char *zEs) {
  xname(x, "common:Name", "en", zEn);
  xname(x, "common:Name", "fr", zFr);
  xname(x, "common:Name", "es", zEs);
}

/* Finish the document and append it to b. */
static int xml_close(Xml *x, Buf *b, Err *e) {
  if (!x->bFail && xmlTextWriterEndDocument(x->w) < 0) x->bFail = true;
  if (x->w) xmlFreeTextWriter(x->w);
  x->w = NULL;
  if (!x->bFail) buf_append(b, xmlBufferContent(x->xb), (size_t)xmlBufferLength(x->xb));
  if (x->xb) xmlBufferFree(x->xb);
  x->xb = NULL;
  if (x->bFail) return err_set(e, ERR_INTERNAL, "could not write the SDMX-ML message");
  return overflow(b, e);
}

static void xml_header(Xml *x, const char *zId) {
  char zPrepared[40];
  fmt_prepared(zPrepared, sizeof zPrepared);
  xs(x, "message:Header");
  xt(x, "message:ID", zId);
  xt(x, "message:Test", "false");
  xt(x, "message:Prepared", zPrepared);
  xs(x, "message:Sender");
  xa(x, "id", SDMX_AGENCY);
  xe(x);
}

static int write_ml(const SdmxData *d, Buf *b, Err *e) {
  Xml x;
  char zId[300], zNum[32];
  xml_open(&x);
  xs(&x, "message:StructureSpecificData");
  xa(&x, "xmlns:message", NS_MESSAGE);
  xa(&x, "xmlns:common", NS_COMMON);
  xa(&x, "xmlns:data", NS_DATA_SS);
  xa(&x, "xmlns:xsi", NS_XSI);
  xa(&x, "xmlns:lmis", sdmx_dsd_namespace());
  fmt_message_id(zId, sizeof zId, d->zFlow);
  xml_header(&x, zId);
  xs(&x, "message:Structure");
  xa(&x, "structureID", SDMX_DSD_ID);
  xa(&x, "namespace", sdmx_dsd_namespace());
  xa(&x, "dimensionAtObservation", "AllDimensions");
  xs(&x, "common:Structure");
  xs(&x, "Ref");
  xa(&x, "agencyID", SDMX_AGENCY);
  xa(&x, "id", SDMX_DSD_ID);
  xa(&x, "version", SDMX_DSD_VERSION);
  xe(&x);
  xe(&x);
  xe(&x); /* message:Structure */
  xe(&x); /* message:Header */
  xs(&x, "message:DataSet");
  xa(&x, "data:structureRef", SDMX_DSD_ID);
  xa(&x, "xsi:type", "lmis:DataSetType");
  xa(&x, "data:action", "Information");
  xa(&x, "data:dataScope", "DataStructure");
  for (size_t k = 0; k < d->nObs && !x.bFail; k++) {
    const SdmxObs *p = &d->aObs[k];
    xs(&x, "Obs");
    for (int i = 0; i < SDMX_NDIM; i++) xa(&x, aDimConcept[i].zId, p->azDim[i]);
    xa(&x, "TIME_PERIOD", p->zTime);
    if (isfinite(p->value)) xa(&x, "OBS_VALUE", sdmx_fmt_double(zNum, p->value));
    for (int i = 0; i < A__COUNT; i++) xa(&x, aAttr[i].c.zId, attr_text(p, i, zNum));
    xe(&x);
  }
  xe(&x); /* DataSet */
  xe(&x); /* StructureSpecificData */
  return xml_close(&x, b, e);
}

/* ---------------------------------------------------------------------------
** SDMX-JSON 1.0 data message (flat: every dimension at observation level).
*/

/* Distinct values of one component in first-seen order. */
typedef struct Values {
  StrMap map;
  json_t *aJson;   /* the "values" array */
} Values;

static int values_index(Values *v, const char *z, const char *zName, bool bId) {
  int i;
  if (strmap_get(&v->map, z, &i)) return i;
  i = (int)v->map.n;
  strmap_put(&v->map, z, i);
  if (bId) json_array_append_new(v->aJson, json_pack("{s:s, s:s}", "id", z, "name", zName ? zName : z));
  else json_array_append_new(v->aJson, json_pack("{s:s}", "name", z));
  return i;
}

static int write_json(Store *s, const SdmxData *d, const char *zLang, Buf *b, Err *e) {
  Codelists cl;
  bool bCl = codelists_build(s, false, false, &cl, e) == 0;
  int iLang = lang_index(zLang);
  Values aDim[SDMX_NDIM + 1], aAt[A__COUNT];
  json_t *jObs = json_object(), *jDims = json_array(), *jAttrs = json_array(), *jRoot, *jLinks;
  char zNum[32], zId[300], zPrepared[40], zUrn[512], zKey[128];
  char *zText;
  if (!bCl) err_clear(e);
  for (int i = 0; i <= SDMX_NDIM; i++) {
    strmap_init(&aDim[i].map);
    aDim[i].aJson = json_array();
  }
  for (int i = 0; i < A__COUNT; i++) {
    strmap_init(&aAt[i].map);
    aAt[i].aJson = json_array();
  }
  for (size_t k = 0; k < d->nObs; k++) {
    const SdmxObs *p = &d->aObs[k];
    json_t *jArr = json_array();
    size_t nKey = 0;
    for (int i = 0; i <= SDMX_NDIM; i++) {
      const char *z = i < SDMX_NDIM ? p->azDim[i] : p->zTime;
      int iCl = i < SDMX_NDIM ? dim_codelist(i) : -1;
      int iv = values_index(&aDim[i], z ? z : "", iCl >= 0 && bCl ? cl_name(&cl, iCl, z, iLang) : z, true);
      nKey += (size_t)snprintf(zKey + nKey, sizeof zKey - nKey, "%s%d", i ? ":" : "", iv);
      if (nKey >= sizeof zKey) nKey = sizeof zKey - 1;
    }
    json_array_append_new(jArr, isfinite(p->value) ? json_real(p->value) : json_null());
    for (int i = 0; i < A__COUNT; i++) {
      const char *z = attr_text(p, i, zNum);
      if (!z) {
        json_array_append_new(jArr, json_null());
        continue;
      }
      if (aAttr[i].kind == ATTR_CODE) {
        int iCl = i == A_OBS_STATUS ? CL_OBS_STATUS : CL_UNIT;
        json_array_append_new(jArr, json_integer(values_index(&aAt[i], z, bCl ? cl_name(&cl, iCl, z, iLang) : z, true)));
      } else {
        json_array_append_new(jArr, json_integer(values_index(&aAt[i], z, NULL, false)));
      }
    }
    json_object_set_new(jObs, zKey, jArr);
  }
  for (int i = 0; i <= SDMX_NDIM; i++) {
    const Concept *c = i < SDMX_NDIM ? &aDimConcept[i] : &conceptTime;
    json_t *j = json_pack("{s:s, s:s, s:i, s:o}", "id", c->zId, "name",
                          iLang == 1 ? c->zFr : iLang == 2 ? c->zEs : c->zEn, "keyPosition", i, "values", aDim[i].aJson);
    if (i == SDMX_NDIM) json_object_set_new(j, "roles", json_pack("[s]", "TIME_PERIOD"));
    json_array_append_new(jDims, j);
    strmap_free(&aDim[i].map);
  }
  for (int i = 0; i < A__COUNT; i++) {
    const Concept *c = &aAttr[i].c;
    json_array_append_new(jAttrs, json_pack("{s:s, s:s, s:{s:s}, s:o}", "id", c->zId, "name",
                                            iLang == 1 ? c->zFr : iLang == 2 ? c->zEs : c->zEn, "relationship",
                                            "primaryMeasure", "OBS_VALUE", "values", aAt[i].aJson));
    strmap_free(&aAt[i].map);
  }
  snprintf(zUrn, sizeof zUrn, "urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow=%s:%s(%s)", d->zAgency, d->zFlow,
           d->zVersion);
  jLinks = json_pack("[{s:s, s:s}, {s:s, s:s}]", "urn", zUrn, "rel", "dataflow", "urn",
                     "urn:sdmx:org.sdmx.infomodel.datastructure.DataStructure=" SDMX_AGENCY ":" SDMX_DSD_ID
                     "(" SDMX_DSD_VERSION ")",
                     "rel", "datastructure");
  fmt_message_id(zId, sizeof zId, d->zFlow);
  fmt_prepared(zPrepared, sizeof zPrepared);
  jRoot = json_pack("{s:{s:s, s:s, s:b, s:s, s:[s], s:{s:s, s:s}}, s:{s:{s:O, s:s, s:{s:[], s:[], s:o}, s:{s:[], s:[], s:o}},"
                    " s:[{s:s, s:o, s:o}]}}",
                    "meta", "schema", SDMX_JSON_SCHEMA, "id", zId, "test", 0, "prepared", zPrepared,
                    "contentLanguages", iLang == 1 ? "fr" : iLang == 2 ? "es" : "en", "sender", "id", SDMX_AGENCY,
                    "name", "lmis", "data", "structure", "links", jLinks, "name", d->zFlow, "dimensions", "dataSet",
                    "series", "observation", jDims, "attributes", "dataSet", "series", "observation", jAttrs,
                    "dataSets", "action", "Information", "links", jLinks, "observations", jObs);
  if (bCl) codelists_free(&cl);
  if (!jRoot) return err_set(e, ERR_INTERNAL, "could not build the SDMX-JSON message");
  zText = json_dumps(jRoot, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
  json_decref(jRoot);
  if (!zText) return err_set(e, ERR_INTERNAL, "could not write the SDMX-JSON message");
  buf_puts(b, zText);
  buf_putc(b, '\n');
  free(zText);
  return overflow(b, e);
}

int sdmx_write(Store *s, const SdmxData *d, SdmxFormat f, const char *zLang, Buf *pOut, Err *e) {
  switch (f) {
    case SDMX_CSV1: return write_csv(d, false, pOut, e);
    case SDMX_CSV2: return write_csv(d, true, pOut, e);
    case SDMX_ML: return write_ml(d, pOut, e);
    case SDMX_JSON: return write_json(s, d, zLang, pOut, e);
  }
  return err_set(e, ERR_INTERNAL, "unknown SDMX format %d", (int)f);
}

/* ---------------------------------------------------------------------------
** The Structure message and the DSD-specific schema.
*/

/* <Ref .../> inside the current element. zClass/zPackage may be NULL. */
static void xref(Xml *x, const char *zAgency, const char *zParent, const char *zParentVersion, const char *zId,
                 const char *zVersion, const char *zClass, const char *zPackage) {
  xs(x, "Ref");
  xa(x, "agencyID", zAgency);
  xa(x, "maintainableParentID", zParent);
  xa(x, "maintainableParentVersion", zParentVersion);
  xa(x, "id", zId);
  xa(x, "version", zVersion);
  xa(x, "class", zClass);
  xa(x, "package", zPackage);
  xe(x);
}

static void xconcept_identity(Xml *x, const char *zId) {
  xs(x, "structure:ConceptIdentity");
  xref(x, SDMX_AGENCY, "CS_LMIS", SDMX_DSD_VERSION, zId, NULL, "Concept", "conceptscheme");
  xe(x);
}

static void xenumeration(Xml *x, const char *zCodelist) {
  xs(x, "structure:LocalRepresentation");
  xs(x, "structure:Enumeration");
  xref(x, SDMX_AGENCY, NULL, NULL, zCodelist, SDMX_DSD_VERSION, "Codelist", "codelist");
  xe(x);
  xe(x);
}

static void xtext_format(Xml *x, const char *zType, const char *zPattern) {
  xs(x, "structure:LocalRepresentation");
  xs(x, "structure:TextFormat");
  xa(x, "textType", zType);
  xa(x, "pattern", zPattern);
  xe(x);
  xe(x);
}

static void xml_codelist(Xml *x, const Codelist *c) {
  char zUrn[256];
  snprintf(zUrn, sizeof zUrn, "urn:sdmx:org.sdmx.infomodel.codelist.Codelist=%s:%s(%s)", SDMX_AGENCY, c->zId,
           SDMX_DSD_VERSION);
  xs(x, "structure:Codelist");
  xa(x, "id", c->zId);
  xa(x, "urn", zUrn);
  xa(x, "agencyID", SDMX_AGENCY);
  xa(x, "version", SDMX_DSD_VERSION);
  xnames(x, c->azName[0], c->azName[1], c->azName[2]);
  for (int i = 0; i < c->n; i++) {
    xs(x, "structure:Code");
    xa(x, "id", c->a[i].zId);
    xnames(x, c->a[i].azName[0], c->a[i].azName[1], c->a[i].azName[2]);
    xe(x);
  }
  xe(x);
}

static void xml_concept(Xml *x, const Concept *c) {
  xs(x, "structure:Concept");
  xa(x, "id", c->zId);
  xnames(x, c->zEn, c->zFr, c->zEs);
  xe(x);
}

#define ID_PATTERN "[A-Za-z0-9_@$\\-]+"

int sdmx_structure(Store *s, Buf *pOut, Err *e) {
  Codelists cl;
  Xml x;
  Stmt *q;
  int rc;
  if (codelists_build(s, true, true, &cl, e)) return -1;
  q = store_prepare(s, "SELECT id, agency, version, name_en, name_fr, name_es FROM dataflow ORDER BY agency, id", e);
  if (!q) {
    codelists_free(&cl);
    return -1;
  }
  xml_open(&x);
  xs(&x, "message:Structure");
  xa(&x, "xmlns:message", NS_MESSAGE);
  xa(&x, "xmlns:structure", NS_STRUCTURE);
  xa(&x, "xmlns:common", NS_COMMON);
  xml_header(&x, "LMIS_STRUCTURE");
  xe(&x); /* Header */
  xs(&x, "message:Structures");

  xs(&x, "structure:Dataflows");
  while ((rc = stmt_step(q, e)) == 1) {
    xs(&x, "structure:Dataflow");
    xa(&x, "id", stmt_text(q, 0));
    xa(&x, "agencyID", stmt_text(q, 1));
    xa(&x, "version", stmt_text(q, 2));
    xnames(&x, stmt_text(q, 3), stmt_text(q, 4), stmt_text(q, 5));
    xs(&x, "structure:Structure");
    xref(&x, SDMX_AGENCY, NULL, NULL, SDMX_DSD_ID, SDMX_DSD_VERSION, "DataStructure", "datastructure");
    xe(&x);
    xe(&x);
  }
  stmt_finalize(q);
  xe(&x); /* Dataflows */
  if (rc < 0) {
    xml_close(&x, pOut, e);   /* frees the writer; the partial text is not wanted */
    codelists_free(&cl);
    return -1;
  }

  xs(&x, "structure:Codelists");
  for (int i = 0; i < CL__COUNT; i++) xml_codelist(&x, &cl.a[i]);
  xe(&x);

  xs(&x, "structure:Concepts");
  xs(&x, "structure:ConceptScheme");
  xa(&x, "id", "CS_LMIS");
  xa(&x, "agencyID", SDMX_AGENCY);
  xa(&x, "version", SDMX_DSD_VERSION);
  xnames(&x, "lmis statistical concepts", "Concepts statistiques de lmis", "Conceptos estad\u00edsticos de lmis");
  for (int i = 0; i < SDMX_NDIM; i++) xml_concept(&x, &aDimConcept[i]);
  xml_concept(&x, &conceptTime);
  xml_concept(&x, &conceptValue);
  for (int i = 0; i < A__COUNT; i++) xml_concept(&x, &aAttr[i].c);
  xe(&x);
  xe(&x);

  xs(&x, "structure:DataStructures");
  xs(&x, "structure:DataStructure");
  xa(&x, "id", SDMX_DSD_ID);
  xa(&x, "agencyID", SDMX_AGENCY);
  xa(&x, "version", SDMX_DSD_VERSION);
  xnames(&x, "lmis labour migration statistics", "Statistiques de migration de main-d'oeuvre de lmis",
         "Estad\u00edsticas de migraci\u00f3n laboral de lmis");
  xs(&x, "structure:DataStructureComponents");
  xs(&x, "structure:DimensionList");
  xa(&x, "id", "DimensionDescriptor");
  for (int i = 0; i < SDMX_NDIM; i++) {
    char zPos[8];
    int iCl = dim_codelist(i);
    snprintf(zPos, sizeof zPos, "%d", i + 1);
    xs(&x, "structure:Dimension");
    xa(&x, "id", aDimConcept[i].zId);
    xa(&x, "position", zPos);
    xconcept_identity(&x, aDimConcept[i].zId);
    if (iCl >= 0) xenumeration(&x, cl.a[iCl].zId);
    else xtext_format(&x, "String", ID_PATTERN);
    xe(&x);
  }
  xs(&x, "structure:TimeDimension");
  xa(&x, "id", "TIME_PERIOD");
  xa(&x, "position", "7");
  xconcept_identity(&x, "TIME_PERIOD");
  xtext_format(&x, "ObservationalTimePeriod", NULL);
  xe(&x);
  xe(&x); /* DimensionList */
  xs(&x, "structure:AttributeList");
  xa(&x, "id", "AttributeDescriptor");
  for (int i = 0; i < A__COUNT; i++) {
    xs(&x, "structure:Attribute");
    xa(&x, "id", aAttr[i].c.zId);
    xa(&x, "assignmentStatus", "Conditional");
    xconcept_identity(&x, aAttr[i].c.zId);
    if (aAttr[i].kind == ATTR_CODE) xenumeration(&x, aAttr[i].zCodelist);
    else xtext_format(&x, aAttr[i].kind == ATTR_INT ? "Integer" : "Double", NULL);
    xs(&x, "structure:AttributeRelationship");
    xs(&x, "structure:PrimaryMeasure");
    xs(&x, "Ref");
    xa(&x, "id", "OBS_VALUE");
    xe(&x);
    xe(&x);
    xe(&x);
    xe(&x);
  }
  xe(&x); /* AttributeList */
  xs(&x, "structure:MeasureList");
  xa(&x, "id", "MeasureDescriptor");
  xs(&x, "structure:PrimaryMeasure");
  xa(&x, "id", "OBS_VALUE");
  xconcept_identity(&x, "OBS_VALUE");
  xtext_format(&x, "Double", NULL);
  xe(&x);
  xe(&x); /* MeasureList */
  xe(&x); /* DataStructureComponents */
  xe(&x); /* DataStructure */
  xe(&x); /* DataStructures */
  xe(&x); /* Structures */
  xe(&x); /* Structure */
  codelists_free(&cl);
  return xml_close(&x, pOut, e);
}

char *sdmx_xsd_dir(void) {
  const char *zData = refdata_default_dir();
  char *zReal = realpath(zData, NULL);
  char *z = xasprintf("%s/sdmx/xsd/", zReal ? zReal : zData);
  free(zReal);
  return z;
}

static void xsd_attribute(Xml *x, const char *zName, const char *zType, const char *zUse) {
  xs(x, "xs:attribute");
  xa(x, "name", zName);
  xa(x, "type", zType);
  xa(x, "use", zUse);
  xe(x);
}

static void xsd_import(Xml *x, const char *zNs, const char *zDir, const char *zFile) {
  char *zLoc = xasprintf("%s%s", zDir, zFile);
  xs(x, "xs:import");
  xa(x, "namespace", zNs);
  xa(x, "schemaLocation", zLoc);
  xe(x);
  free(zLoc);
}

int sdmx_structure_xsd(Store *s, const char *zXsdDir, Buf *pOut, Err *e) {
  Codelists cl;
  Xml x;
  char *zDir = zXsdDir ? xstrdup(zXsdDir) : sdmx_xsd_dir();
  if (codelists_build(s, true, true, &cl, e)) {
    free(zDir);
    return -1;
  }
  xml_open(&x);
  if (!x.bFail) xmlTextWriterWriteComment(x.w, BAD_CAST " lmis: structure-specific data schema for LMIS:DSD_LMIS(1.0), flat (AllDimensions) ");
  xs(&x, "xs:schema");
  xa(&x, "xmlns:xs", NS_XS);
  xa(&x, "xmlns", sdmx_dsd_namespace());
  xa(&x, "xmlns:message", NS_MESSAGE);
  xa(&x, "xmlns:dsd", NS_DATA_SS);
  xa(&x, "xmlns:common", NS_COMMON);
  xa(&x, "targetNamespace", sdmx_dsd_namespace());
  xa(&x, "elementFormDefault", "qualified");
  xa(&x, "attributeFormDefault", "unqualified");
  xsd_import(&x, NS_MESSAGE, zDir, "SDMXMessage.xsd");
  xsd_import(&x, NS_DATA_SS, zDir, "SDMXDataStructureSpecific.xsd");
  xsd_import(&x, NS_COMMON, zDir, "SDMXCommon.xsd");

  for (int i = 0; i < CL__COUNT; i++) {
    xs(&x, "xs:simpleType");
    xa(&x, "name", cl.a[i].zId);
    xs(&x, "xs:restriction");
    xa(&x, "base", "common:IDType");
    for (int k = 0; k < cl.a[i].n; k++) {
      xs(&x, "xs:enumeration");
      xa(&x, "value", cl.a[i].a[k].zId);
      xe(&x);
    }
    xe(&x);
    xe(&x);
  }

  xs(&x, "xs:complexType");
  xa(&x, "name", "DataSetType");
  xs(&x, "xs:complexContent");
  xs(&x, "xs:restriction");
  xa(&x, "base", "dsd:DataSetType");
  xs(&x, "xs:sequence");
  xs(&x, "xs:element");
  xa(&x, "ref", "common:Annotations");
  xa(&x, "minOccurs", "0");
  xe(&x);
  xs(&x, "xs:element");
  xa(&x, "name", "DataProvider");
  xa(&x, "type", "common:DataProviderReferenceType");
  xa(&x, "form", "unqualified");
  xa(&x, "minOccurs", "0");
  xe(&x);
  xs(&x, "xs:choice");
  xa(&x, "minOccurs", "0");
  xs(&x, "xs:element");
  xa(&x, "name", "Obs");
  xa(&x, "type", "ObsType");
  xa(&x, "form", "unqualified");
  xa(&x, "maxOccurs", "unbounded");
  xe(&x);
  xe(&x); /* choice */
  xe(&x); /* sequence */
  xsd_attribute(&x, "REPORTING_YEAR_START_DAY", "xs:gMonthDay", "prohibited");
  xe(&x);
  xe(&x);
  xe(&x); /* complexType DataSetType */

  xs(&x, "xs:complexType");
  xa(&x, "name", "ObsType");
  xs(&x, "xs:complexContent");
  xs(&x, "xs:restriction");
  xa(&x, "base", "dsd:ObsType");
  xs(&x, "xs:sequence");
  xs(&x, "xs:element");
  xa(&x, "ref", "common:Annotations");
  xa(&x, "minOccurs", "0");
  xe(&x);
  xe(&x);
  for (int i = 0; i < SDMX_NDIM; i++) {
    int iCl = dim_codelist(i);
    xsd_attribute(&x, aDimConcept[i].zId, iCl >= 0 ? cl.a[iCl].zId : "common:IDType", "required");
  }
  xsd_attribute(&x, "TIME_PERIOD", "common:ObservationalTimePeriodType", "required");
  xsd_attribute(&x, "OBS_VALUE", "xs:double", "optional");
  for (int i = 0; i < A__COUNT; i++) {
    const char *zType = aAttr[i].kind == ATTR_CODE ? aAttr[i].zCodelist
                        : aAttr[i].kind == ATTR_INT ? "xs:integer" : "xs:double";
    xsd_attribute(&x, aAttr[i].c.zId, zType, "optional");
  }
  xsd_attribute(&x, "type", "common:IDType", "prohibited");
  xsd_attribute(&x, "REPORTING_YEAR_START_DAY", "xs:gMonthDay", "prohibited");
  xe(&x);
  xe(&x);
  xe(&x); /* complexType ObsType */
  xe(&x); /* schema */
  codelists_free(&cl);
  free(zDir);
  return xml_close(&x, pOut, e);
}

/* ---------------------------------------------------------------------------
** Series keys.
*/

struct SdmxKey {
  int anCode[SDMX_NDIM];
  char **aazCode[SDMX_NDIM];
  char *zCopy;
};

static bool sex_code_ok(const char *z) {
  for (size_t i = 0; i < COUNT(aSexCode); i++)
    if (strcmp(z, aSexCode[i].zId) == 0) return true;
  return false;
}

void sdmx_key_free(SdmxKey *k) {
  if (!k) return;
  for (int i = 0; i < SDMX_NDIM; i++) free(k->aazCode[i]);
  free(k->zCopy);
  free(k);
}

static const char *zKeyShape = "REF_AREA.COUNTERPART_AREA.INDICATOR.SEX.CLASSIF1.CLASSIF2";

int sdmx_key_parse(const char *zKey, SdmxKey **pp, Err *e) {
  SdmxKey *k = xcalloc(1, sizeof(*k));
  char *z;
  int nPos = 1;
  *pp = NULL;
  if (!zKey || !*zKey || strcmp(zKey, "all") == 0) {
    *pp = k;
    return 0;
  }
  if (strlen(zKey) > 4096) {
    sdmx_key_free(k);
    return err_set(e, ERR_INVALID, "the series key is longer than 4096 characters");
  }
  for (const char *p = zKey; *p; p++) nPos += *p == '.';
  if (nPos != SDMX_NDIM) {
    err_set(e, ERR_INVALID, "the series key \"%s\" has %d position%s; the lmis DSD has %d", zKey, nPos,
            nPos == 1 ? "" : "s", SDMX_NDIM);
    err_detail(e, "a key is %s, each position empty (any), one code, or codes joined by '+'", zKeyShape);
    err_hint(e, "for example ESP..EMP_TEMP_SEX_AGE_CBR_NB.SEX_F.. or, for a corridor, USA.MEX....");
    sdmx_key_free(k);
    return -1;
  }
  k->zCopy = z = xstrdup(zKey);
  for (int i = 0; i < SDMX_NDIM; i++) {
    char *zEnd = strchr(z, '.');
    if (zEnd) *zEnd = 0;
    if (*z) {
      int n = 1;
      for (char *p = z; *p; p++) n += *p == '+';
      k->aazCode[i] = xcalloc((size_t)n, sizeof(char *));
      for (char *p = z;;) {
        char *zPlus = strchr(p, '+');
        if (zPlus) *zPlus = 0;
        if (!sdmx_id_ok(p) || (i == SDMX_SEX && !sex_code_ok(p))) {
          err_set(e, ERR_INVALID, "position %d of the series key (%s): \"%s\" is not %s", i + 1, aDimConcept[i].zId, p,
                  !sdmx_id_ok(p) ? "a valid code" : "a code of CL_SEX");
          err_detail(e, "the key is %s", zKeyShape);
          if (i == SDMX_SEX) err_hint(e, "sex codes are SEX_T, SEX_M, SEX_F, SEX_O and _Z");
          else err_hint(e, "codes are made of letters, digits and _ @ $ -; join several with '+'");
          sdmx_key_free(k);
          return -1;
        }
        k->aazCode[i][k->anCode[i]++] = p;
        if (!zPlus) break;
        p = zPlus + 1;
      }
    }
    if (!zEnd) break;
    z = zEnd + 1;
  }
  *pp = k;
  return 0;
}

bool sdmx_key_match(const SdmxKey *k, const SdmxObs *p) {
  for (int i = 0; i < SDMX_NDIM; i++) {
    bool bOk = k->anCode[i] == 0;
    for (int j = 0; !bOk && j < k->anCode[i]; j++) bOk = str_eq(k->aazCode[i][j], p->azDim[i]);
    if (!bOk) return false;
  }
  return true;
}

char *sdmx_series_key(const SdmxObs *p) {
  Buf b;
  buf_init(&b, BUF_UNBOUNDED);
  for (int i = 0; i < SDMX_NDIM; i++) buf_printf(&b, "%s%s", i ? "." : "", p->azDim[i] ? p->azDim[i] : "");
  return buf_detach(&b);
}

/* ---------------------------------------------------------------------------
** Reading observations back from the store.
*/

static bool num_ok(json_t *j, double *pv) {
  if (!json_is_number(j)) return false;
  *pv = json_number_value(j);
  return true;
}

/* Split the attributes JSON into the DSD attributes of p and the rest. */
static void obs_attrs_from_json(SdmxObs *p, const char *zJson, Arena *a) {
  json_t *j, *v;
  double d;
  if (!zJson || !*zJson) return;
  j = json_loads(zJson, 0, NULL);
  if (!json_is_object(j)) {
    json_decref(j);
    return;
  }
  if (num_ok(json_object_get(j, "SE"), &d)) p->se = d;
  if (num_ok(json_object_get(j, "CI_LOW"), &d)) p->ciLow = d;
  if (num_ok(json_object_get(j, "CI_HIGH"), &d)) p->ciHigh = d;
  if (num_ok(json_object_get(j, "CV"), &d)) p->cv = d;
  if ((v = json_object_get(j, "N")) && json_is_integer(v)) p->n = (long)json_integer_value(v);
  if ((v = json_object_get(j, "DECIMALS")) && json_is_integer(v)) p->decimals = (int)json_integer_value(v);
  static const char *const azKnown[] = {"SE", "CI_LOW", "CI_HIGH", "CV", "N", "DECIMALS"};
  for (size_t i = 0; i < COUNT(azKnown); i++) json_object_del(j, azKnown[i]);
  if (json_object_size(j) > 0) {
    char *z = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    p->zAttrJson = arena_strdup(a, z);
    free(z);
  }
  json_decref(j);
}

#define OBS_COLUMNS                                                                                        \
  "ref_area, counterpart_area, indicator, sex, classif1, classif2, time_period, obs_value, obs_status, " \
  "unit_measure, unit_mult, attributes, origin"

/* Fill *p from a row of OBS_COLUMNS (strings borrowed from the statement, except
** zAttrJson which goes into a). */
static void obs_from_row(Stmt *q, SdmxObs *p, Arena *a) {
  sdmx_obs_init(p);
  for (int i = 0; i < SDMX_NDIM; i++) p->azDim[i] = stmt_text(q, i);
  p->zTime = stmt_text(q, 6);
  if (!stmt_is_null(q, 7)) p->value = stmt_double(q, 7);
  p->zStatus = stmt_text(q, 8);
  p->zUnit = stmt_text(q, 9);
  if (!stmt_is_null(q, 10)) {
    p->bUnitMult = true;
    p->unitMult = (int)stmt_int(q, 10);
  }
  obs_attrs_from_json(p, stmt_text(q, 11), a);
  p->zOrigin = stmt_text(q, 12);
}

/* An agency id (SDMX NestedNCNameIDType): letters, digits, '_', '-', '.' joining parts. */
static bool agency_ok(const char *z) {
  size_t n = z ? strlen(z) : 0;
  if (n == 0 || n > 120 || !isalpha((unsigned char)z[0])) return false;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)z[i];
    if (c >= 0x80 || !(isalnum(c) || c == '_' || c == '-' || c == '.')) return false;
    if (c == '.' && (i + 1 == n || !isalpha((unsigned char)z[i + 1]))) return false;
  }
  return true;
}

typedef struct FlowRef {
  char zAgency[128], zId[128], zVersion[32];
} FlowRef;

/* Resolve "ID", "AGENCY,ID" or "AGENCY,ID,VERSION" against the dataflow table. */
static int flow_resolve(Store *s, const char *zFlow, FlowRef *f, Err *e) {
  char zA[256] = "", zI[256] = "", zV[256] = "";
  const char *c1, *c2 = NULL;
  bool bBad = false;
  Stmt *q;
  int rc;
  if (!zFlow || !*zFlow || strlen(zFlow) > 250) return err_set(e, ERR_INVALID, "no dataflow given");
  c1 = strchr(zFlow, ',');
  if (c1) c2 = strchr(c1 + 1, ',');
  if (c2 && strchr(c2 + 1, ',')) bBad = true;
  if (!c1) {
    snprintf(zI, sizeof zI, "%s", zFlow);
  } else {
    snprintf(zA, sizeof zA, "%.*s", (int)(c1 - zFlow), zFlow);
    if (c2) {
      snprintf(zI, sizeof zI, "%.*s", (int)(c2 - c1 - 1), c1 + 1);
      snprintf(zV, sizeof zV, "%s", c2 + 1);
    } else {
      snprintf(zI, sizeof zI, "%s", c1 + 1);
    }
  }
  if (bBad || !sdmx_id_ok(zI) || (*zA && strcmp(zA, "all") != 0 && !agency_ok(zA))) {
    err_set(e, ERR_INVALID, "\"%s\" is not a dataflow reference", zFlow);
    err_hint(e, "give ID, AGENCY,ID or AGENCY,ID,VERSION, e.g. LMIS,LMIS_MIG,1.0");
    return -1;
  }
  q = store_prepare(s, "SELECT agency, version FROM dataflow WHERE id = :id", e);
  if (!q) return -1;
  stmt_bind_text(q, ":id", zI);
  rc = stmt_step(q, e);
  if (rc == 1) {
    snprintf(f->zAgency, sizeof f->zAgency, "%s", stmt_text(q, 0));
    snprintf(f->zVersion, sizeof f->zVersion, "%s", stmt_text(q, 1));
    snprintf(f->zId, sizeof f->zId, "%.127s", zI);
  }
  stmt_finalize(q);
  if (rc < 0) return -1;
  if (rc == 0 || (*zA && strcmp(zA, "all") != 0 && strcmp(zA, f->zAgency) != 0) ||
      (*zV && strcmp(zV, "latest") != 0 && strcmp(zV, "*") != 0 && strcmp(zV, f->zVersion) != 0)) {
    err_set(e, ERR_NOT_FOUND, "no dataflow %s", zFlow);
    err_hint(e, "list the dataflows with `lmis sdmx structure` or GET /sdmx/data/LMIS_MIG");
    return -1;
  }
  return 0;
}

int sdmx_export(Store *s, const char *zFlow, const char *zKey, SdmxData **pp, Err *e) {
  FlowRef f;
  SdmxKey *k = NULL;
  SdmxData *d;
  Stmt *q;
  int rc;
  *pp = NULL;
  if (flow_resolve(s, zFlow, &f, e) || sdmx_key_parse(zKey, &k, e)) return -1;
  if (k->anCode[SDMX_REF_AREA] == 1) {
    q = store_prepare(s, "SELECT " OBS_COLUMNS " FROM observation WHERE dataflow = :flow AND ref_area = :area"
                         " ORDER BY series_key, time_period", e);
    if (q) stmt_bind_text(q, ":area", k->aazCode[SDMX_REF_AREA][0]);
  } else {
    q = store_prepare(s, "SELECT " OBS_COLUMNS " FROM observation WHERE dataflow = :flow"
                         " ORDER BY series_key, time_period", e);
  }
  if (!q) {
    sdmx_key_free(k);
    return -1;
  }
  stmt_bind_text(q, ":flow", f.zId);
  d = sdmx_data_new(f.zAgency, f.zId, f.zVersion);
  while ((rc = stmt_step(q, e)) == 1) {
    SdmxObs o;
    obs_from_row(q, &o, d->pArena);
    if (sdmx_key_match(k, &o)) sdmx_data_add(d, &o);
  }
  stmt_finalize(q);
  sdmx_key_free(k);
  if (rc < 0) {
    sdmx_data_free(d);
    return -1;
  }
  *pp = d;
  return 0;
}

json_t *sdmx_dataflows(Store *s, const char *zLang, Err *e) {
  int iLang = lang_index(zLang), rc;
  json_t *a = json_array();
  Stmt *q = store_prepare(s,
    "SELECT d.id, d.agency, d.version, d.name_en, d.name_fr, d.name_es, d.dimensions, d.source,"
    " (SELECT count(*) FROM observation o WHERE o.dataflow = d.id)"
    " FROM dataflow d ORDER BY d.agency, d.id", e);
  if (!q) {
    json_decref(a);
    return NULL;
  }
  while ((rc = stmt_step(q, e)) == 1) {
    const char *zName = stmt_text(q, 3 + iLang);
    json_t *jDims = json_loads(stmt_text(q, 6) ? stmt_text(q, 6) : "[]", 0, NULL);
    json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:o, s:s?, s:I}", "id", stmt_text(q, 0), "agency",
                                       stmt_text(q, 1), "version", stmt_text(q, 2), "name",
                                       zName ? zName : stmt_text(q, 3), "dimensions", jDims ? jDims : json_array(),
                                       "source", stmt_text(q, 7), "observations", (json_int_t)stmt_int(q, 8)));
  }
  stmt_finalize(q);
  if (rc < 0) {
    json_decref(a);
    return NULL;
  }
  return json_pack("{s:o}", "dataflows", a);
}

/* ---------------------------------------------------------------------------
** REST.
*/

int sdmx_rest_data(Store *s, const char *zFlow, const char *zKey, const char *zFormat, Buf *pOut,
                   const char **pzContentType, Err *e) {
  SdmxFormat f;
  SdmxData *d = NULL;
  int rc;
  if (zFormat && *zFormat && sdmx_format_parse(zFormat, &f) != 0 && sdmx_format_from_accept(zFormat, &f) != 0) {
    err_set(e, ERR_INVALID, "cannot produce any of the formats asked for (%s)", zFormat);
    err_hint(e, "ask for application/vnd.sdmx.data+csv;version=1.0.0 or 2.0.0, "
                "application/vnd.sdmx.structurespecificdata+xml;version=2.1 or application/vnd.sdmx.data+json;version=1.0.0 "
                "(format=sdmx-csv, sdmx-csv2, sdmx-ml or sdmx-json)");
    return -1;
  }
  if (!zFormat || !*zFormat) f = SDMX_ML;
  if (sdmx_export(s, zFlow, zKey, &d, e)) return -1;
  if (d->nObs == 0) {
    err_set(e, ERR_NOT_FOUND, "no observation of %s matches the key %s", d->zFlow, zKey && *zKey ? zKey : "all");
    err_hint(e, "leave a position empty to match any code; the key is %s", zKeyShape);
    sdmx_data_free(d);
    return -1;
  }
  rc = sdmx_write(s, d, f, "en", pOut, e);
  sdmx_data_free(d);
  if (rc == 0) *pzContentType = sdmx_content_type(f);
  return rc;
}

/* ---------------------------------------------------------------------------
** Storing observations.
*/

struct SdmxInserter {
  Store *s;
  Stmt *q;
  SdmxInsertMode mode;
};

SdmxInserter *sdmx_inserter_new(Store *s, SdmxInsertMode mode, Err *e) {
  SdmxInserter *w;
  Stmt *q;
  if (mode == SDMX_INSERT_UPSERT) {
    q = store_prepare(s,
      "INSERT INTO observation(dataflow, series_key, ref_area, counterpart_area, indicator, sex, classif1, classif2,"
      " time_period, obs_value, obs_status, unit_measure, unit_mult, attributes, origin)"
      " VALUES(:flow, :key, :ref_area, :counterpart, :indicator, :sex, :classif1, :classif2, :time, :value,"
      " :status, :unit, :unit_mult, :attributes, :origin)"
      " ON CONFLICT(dataflow, series_key, time_period) DO UPDATE SET obs_value = excluded.obs_value,"
      " obs_status = excluded.obs_status, unit_measure = excluded.unit_measure, unit_mult = excluded.unit_mult,"
      " attributes = excluded.attributes, origin = excluded.origin", e);
  } else {
    q = store_prepare(s,
      "INSERT INTO observation(dataflow, series_key, ref_area, counterpart_area, indicator, sex, classif1, classif2,"
      " time_period, obs_value, obs_status, unit_measure, unit_mult, attributes, origin)"
      " VALUES(:flow, :key, :ref_area, :counterpart, :indicator, :sex, :classif1, :classif2, :time, :value,"
      " :status, :unit, :unit_mult, :attributes, :origin)", e);
  }
  if (!q) return NULL;
  w = xcalloc(1, sizeof(*w));
  w->s = s;
  w->q = q;
  w->mode = mode;
  return w;
}

void sdmx_inserter_free(SdmxInserter *w) {
  if (!w) return;
  stmt_finalize(w->q);
  free(w);
}

/* The attributes JSON of p (NULL when there is none); caller frees. Keys are
** sorted, numbers written as the shortest exact decimal. Without other
** attributes the text is built directly (the public series load 120,000 rows). */
static char *attrs_json(const SdmxObs *p) {
  json_t *j = NULL;
  char *z;
  if (!p->zAttrJson || !*p->zAttrJson) {
    Buf b;
    char zNum[32];
    buf_init(&b, BUF_UNBOUNDED);
    if (isfinite(p->ciHigh)) buf_printf(&b, ",\"CI_HIGH\":%s", sdmx_fmt_double(zNum, p->ciHigh));
    if (isfinite(p->ciLow)) buf_printf(&b, ",\"CI_LOW\":%s", sdmx_fmt_double(zNum, p->ciLow));
    if (isfinite(p->cv)) buf_printf(&b, ",\"CV\":%s", sdmx_fmt_double(zNum, p->cv));
    if (p->decimals >= 0) buf_printf(&b, ",\"DECIMALS\":%d", p->decimals);
    if (p->n >= 0) buf_printf(&b, ",\"N\":%ld", p->n);
    if (isfinite(p->se)) buf_printf(&b, ",\"SE\":%s", sdmx_fmt_double(zNum, p->se));
    if (b.n == 0) {
      buf_free(&b);
      return NULL;
    }
    b.z[0] = '{';
    buf_putc(&b, '}');
    return buf_detach(&b);
  }
  j = json_loads(p->zAttrJson, 0, NULL);
  if (!json_is_object(j)) {
    json_decref(j);
    j = json_object();
  }
  if (isfinite(p->se)) json_object_set_new(j, "SE", json_real(p->se));
  if (isfinite(p->ciLow)) json_object_set_new(j, "CI_LOW", json_real(p->ciLow));
  if (isfinite(p->ciHigh)) json_object_set_new(j, "CI_HIGH", json_real(p->ciHigh));
  if (isfinite(p->cv)) json_object_set_new(j, "CV", json_real(p->cv));
  if (p->n >= 0) json_object_set_new(j, "N", json_integer(p->n));
  if (p->decimals >= 0) json_object_set_new(j, "DECIMALS", json_integer(p->decimals));
  z = json_object_size(j) ? json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(17)) : NULL;
  json_decref(j);
  return z;
}

int sdmx_inserter_add(SdmxInserter *w, const char *zFlow, const SdmxObs *p, const char *zOrigin, Err *e) {
  char *zKey = sdmx_series_key(p);
  char *zAttr = (p->zAttrJson || isfinite(p->se) || isfinite(p->ciLow) || isfinite(p->ciHigh) || isfinite(p->cv) ||
                 p->n >= 0 || p->decimals >= 0) ? attrs_json(p) : NULL;
  Stmt *q = w->q;
  int rc;
  stmt_reset(q);
  stmt_bind_text(q, ":flow", zFlow);
  stmt_bind_text(q, ":key", zKey);
  stmt_bind_text(q, ":ref_area", p->azDim[SDMX_REF_AREA]);
  stmt_bind_text(q, ":counterpart", p->azDim[SDMX_COUNTERPART_AREA]);
  stmt_bind_text(q, ":indicator", p->azDim[SDMX_INDICATOR]);
  stmt_bind_text(q, ":sex", p->azDim[SDMX_SEX]);
  stmt_bind_text(q, ":classif1", p->azDim[SDMX_CLASSIF1]);
  stmt_bind_text(q, ":classif2", p->azDim[SDMX_CLASSIF2]);
  stmt_bind_text(q, ":time", p->zTime);
  if (isfinite(p->value)) stmt_bind_double(q, ":value", p->value);
  else stmt_bind_null(q, ":value");
  stmt_bind_text(q, ":status", p->zStatus);
  stmt_bind_text(q, ":unit", p->zUnit);
  if (p->bUnitMult) stmt_bind_int(q, ":unit_mult", p->unitMult);
  else stmt_bind_null(q, ":unit_mult");
  stmt_bind_text(q, ":attributes", zAttr);
  stmt_bind_text(q, ":origin", zOrigin);
  rc = stmt_run(q, e);
  if (rc && w->mode == SDMX_INSERT_STRICT) {
    /* Say which observation is in the way, if that was the failure. */
    Err e2 = ERR_INIT;
    Stmt *qx = store_prepare(w->s, "SELECT origin FROM observation WHERE dataflow = :flow AND series_key = :key"
                                   " AND time_period = :time", &e2);
    if (qx) {
      stmt_bind_text(qx, ":flow", zFlow);
      stmt_bind_text(qx, ":key", zKey);
      stmt_bind_text(qx, ":time", p->zTime);
      if (stmt_step(qx, &e2) == 1) {
        err_set(e, ERR_CONFLICT, "%s already holds an observation %s for %s", zFlow, zKey, p->zTime ? p->zTime : "");
        err_detail(e, "it came from %s", stmt_text(qx, 0));
        err_hint(e, "the store keeps one value per series and period: publish one survey per country and period, "
                    "or delete the other results first (an SDMX-CSV 2.0 file with ACTION D rows)");
      }
      stmt_finalize(qx);
    }
    err_clear(&e2);
  }
  free(zKey);
  free(zAttr);
  return rc;
}

/* ---------------------------------------------------------------------------
** Import of SDMX-CSV 1.0 / 2.0 and ILOSTAT CSV.
*/

#define IMPORT_MAX_FIELDS 512
#define IMPORT_MAX_FIELD (1u << 20)

/* A CSV scanner over memory with a chosen separator; it knows the line of every
** record and the field number of every error. */
typedef struct Scan {
  const char *z;
  size_t n, i;
  char sep;
  long line;          /* line of the next character */
  long recLine;       /* line on which the current record starts */
  Buf rec;            /* the fields, NUL-separated */
  size_t aOff[IMPORT_MAX_FIELDS];
  int nField;
  const char *zName;
} Scan;

static int scan_fail(Scan *p, Err *e, const char *zWhy) {
  err_set(e, ERR_INVALID, "%s:%ld:%d: %s", p->zName, p->line, p->nField + 1, zWhy);
  err_where(e, "%s:%ld:%d", p->zName, p->line, p->nField + 1);
  return -1;
}

/* 1: a record is ready; 0: end of input; -1: error. Empty lines are skipped. */
static int scan_next(Scan *p, Err *e) {
  for (;;) {
    size_t nStart;
    buf_reset(&p->rec);
    p->nField = 0;
    if (p->i >= p->n) return 0;
    if (p->z[p->i] == '\n' || p->z[p->i] == '\r') {
      if (p->z[p->i] == '\r' && p->i + 1 < p->n && p->z[p->i + 1] == '\n') p->i++;
      p->i++;
      p->line++;
      continue;
    }
    p->recLine = p->line;
    for (;;) {
      if (p->nField >= IMPORT_MAX_FIELDS) return scan_fail(p, e, "more than 512 fields in a record");
      p->aOff[p->nField] = p->rec.n;
      nStart = p->rec.n;
      if (p->i < p->n && p->z[p->i] == '"') {
        p->i++;
        for (;;) {
          if (p->i >= p->n) return scan_fail(p, e, "a quoted field is not closed");
          char c = p->z[p->i++];
          if (c == '"') {
            if (p->i < p->n && p->z[p->i] == '"') {
              p->i++;
              buf_putc(&p->rec, '"');
              continue;
            }
            break;
          }
          if (c == '\n') p->line++;
          buf_putc(&p->rec, c);
        }
        if (p->i < p->n && p->z[p->i] != p->sep && p->z[p->i] != '\n' && p->z[p->i] != '\r')
          return scan_fail(p, e, "text after the closing quote of a field");
      } else {
        while (p->i < p->n && p->z[p->i] != p->sep && p->z[p->i] != '\n' && p->z[p->i] != '\r')
          buf_putc(&p->rec, p->z[p->i++]);
      }
      if (p->rec.n - nStart > IMPORT_MAX_FIELD) return scan_fail(p, e, "a field is longer than 1 MiB");
      buf_putc(&p->rec, 0);
      p->nField++;
      if (p->i < p->n && p->z[p->i] == p->sep) {
        p->i++;
        continue;
      }
      if (p->i < p->n && p->z[p->i] == '\r') p->i++;
      if (p->i < p->n && p->z[p->i] == '\n') p->i++;
      p->line++;
      return 1;
    }
  }
}

static const char *scan_field(const Scan *p, int i) {
  return (i >= 0 && i < p->nField) ? p->rec.z + p->aOff[i] : "";
}

/* Read a whole file, plain or gzip, into b. */
static int read_file(const char *zPath, Buf *b, Err *e) {
  gzFile g = gzopen(zPath, "rb");
  char aChunk[65536];
  int n;
  if (!g) {
    err_set(e, ERR_IO, "cannot open %s", zPath);
    err_detail(e, "%s", strerror(errno ? errno : ENOENT));
    return -1;
  }
  while ((n = gzread(g, aChunk, sizeof aChunk)) > 0) {
    if (buf_append(b, aChunk, (size_t)n)) {
      gzclose(g);
      err_set(e, ERR_TOO_LARGE, "%s is larger than %u MiB", zPath, SDMX_IMPORT_MAX >> 20);
      err_hint(e, "split the file by dataflow or reference area");
      return -1;
    }
  }
  if (n < 0) {
    int errnum;
    err_set(e, ERR_IO, "cannot read %s", zPath);
    err_detail(e, "%s", gzerror(g, &errnum));
    gzclose(g);
    return -1;
  }
  gzclose(g);
  buf_cstr(b);
  return 0;
}

/* Column roles. */
enum {
  C_FLOW, C_STRUCTURE, C_ACTION,
  C_DIM0, C_TIME = C_DIM0 + SDMX_NDIM, C_VALUE, C_ATTR0, C__COUNT = C_ATTR0 + A__COUNT
};

typedef struct Import {
  Store *s;
  Err *e;
  Scan sc;
  int aCol[C__COUNT];
  int nCol;
  char **azHeader;            /* normalised column ids */
  bool bIlostat, bV2;
  const char *zFlowDefault;
  char *zOrigin;
  StrMap flows;               /* dataflow id -> 1 (checked or created) */
  StrMap seen;                /* flow|key|time of every stored row */
  Buf problems;
  int nProblem;
  SdmxInserter *w;
  Stmt *qDelete;
  SdmxImportReport *pRep;
} Import;

static void problem(Import *p, int iCol, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void problem(Import *p, int iCol, const char *fmt, ...) {
  va_list ap;
  Buf m;
  buf_init(&m, 4096);
  va_start(ap, fmt);
  buf_vprintf(&m, fmt, ap);
  va_end(ap);
  if (p->nProblem == 0) {
    if (iCol >= 0) {
      err_set(p->e, ERR_INVALID, "%s:%ld:%d: column %s: %s", p->sc.zName, p->sc.recLine, iCol + 1,
              iCol < p->nCol ? p->azHeader[iCol] : "?", buf_cstr(&m));
      err_where(p->e, "%s:%ld:%d", p->sc.zName, p->sc.recLine, iCol + 1);
    } else {
      err_set(p->e, ERR_INVALID, "%s:%ld: %s", p->sc.zName, p->sc.recLine, buf_cstr(&m));
      err_where(p->e, "%s:%ld", p->sc.zName, p->sc.recLine);
    }
  }
  if (p->nProblem < SDMX_MAX_PROBLEMS) {
    if (iCol >= 0)
      buf_printf(&p->problems, "%s:%ld:%d: column %s: %s\n", p->sc.zName, p->sc.recLine, iCol + 1,
                 iCol < p->nCol ? p->azHeader[iCol] : "?", buf_cstr(&m));
    else
      buf_printf(&p->problems, "%s:%ld: %s\n", p->sc.zName, p->sc.recLine, buf_cstr(&m));
  }
  p->nProblem++;
  buf_free(&m);
}

/* The id part of a header or coded value "ID: Name" (labels=both), and of a
** header "ID[...]" (SDMX-CSV 2.0 multi-value marks); new string, caller frees. */
static char *id_part(const char *z, bool bHeader) {
  size_t n = strlen(z);
  const char *zColon = strstr(z, ": ");
  if (zColon) n = (size_t)(zColon - z);
  if (bHeader) {
    const char *zBr = strchr(z, '[');
    if (zBr && (size_t)(zBr - z) < n) n = (size_t)(zBr - z);
  }
  while (n > 0 && z[n - 1] == ' ') n--;
  while (n > 0 && *z == ' ') z++, n--;
  return xstrndup(z, n);
}

static const char *const azIlostatCol[][2] = {
  {"REF_AREA", "REF_AREA"}, {"INDICATOR", "INDICATOR"}, {"SEX", "SEX"}, {"CLASSIF1", "CLASSIF1"},
  {"CLASSIF2", "CLASSIF2"}, {"TIME", "TIME_PERIOD"}, {"OBS_VALUE", "OBS_VALUE"}, {"OBS_STATUS", "OBS_STATUS"},
};

static int import_header(Import *p) {
  Scan *sc = &p->sc;
  for (int i = 0; i < C__COUNT; i++) p->aCol[i] = -1;
  p->nCol = sc->nField;
  p->azHeader = xcalloc((size_t)p->nCol, sizeof(char *));
  for (int i = 0; i < p->nCol; i++) {
    char *z = id_part(scan_field(sc, i), true);
    int iRole = -1;
    for (char *q = z; *q; q++) *q = (char)toupper((unsigned char)*q);
    if (p->bIlostat) {
      for (size_t k = 0; k < COUNT(azIlostatCol); k++)
        if (strcmp(z, azIlostatCol[k][0]) == 0) {
          free(z);
          z = xstrdup(azIlostatCol[k][1]);
          break;
        }
    }
    p->azHeader[i] = z;
    if (!p->bIlostat && i == 0) iRole = p->bV2 ? C_STRUCTURE : C_FLOW;
    else if (p->bV2 && strcmp(z, "STRUCTURE_ID") == 0) iRole = C_FLOW;
    else if (p->bV2 && strcmp(z, "ACTION") == 0) iRole = C_ACTION;
    else if (strcmp(z, "TIME_PERIOD") == 0) iRole = C_TIME;
    else if (strcmp(z, "OBS_VALUE") == 0) iRole = C_VALUE;
    else {
      for (int k = 0; k < SDMX_NDIM; k++)
        if (strcmp(z, aDimConcept[k].zId) == 0) iRole = C_DIM0 + k;
      for (int k = 0; k < A__COUNT; k++)
        if (strcmp(z, aAttr[k].c.zId) == 0) iRole = C_ATTR0 + k;
    }
    if (iRole >= 0) {
      if (p->aCol[iRole] >= 0) {
        sc->recLine = sc->line - 1;
        problem(p, i, "the column appears twice (also column %d)", p->aCol[iRole] + 1);
        return -1;
      }
      p->aCol[iRole] = i;
    } else if (!*z) {
      sc->recLine = sc->line - 1;
      problem(p, i, "a column has no name");
      return -1;
    }
  }
  sc->recLine = sc->line - 1;
  if (p->aCol[C_DIM0 + SDMX_REF_AREA] < 0) {
    problem(p, -1, "no REF_AREA column");
    err_hint(p->e, "lmis files aggregates by reference area (ISO 3166-1 alpha-3)");
    return -1;
  }
  if (p->aCol[C_TIME] < 0) {
    problem(p, -1, "no TIME_PERIOD column");
    return -1;
  }
  if (p->bV2 && p->aCol[C_FLOW] < 0) {
    problem(p, -1, "no STRUCTURE_ID column (SDMX-CSV 2.0 has STRUCTURE,STRUCTURE_ID,ACTION,...)");
    return -1;
  }
  return 0;
}

/* Normalise an SDMX/ILOSTAT time period into zOut (SDMX form); false if invalid. */
static bool time_norm(const char *z, char *zOut, size_t nOut) {
  size_t n = strlen(z);
  for (int i = 0; i < 4; i++)
    if (n < 4 || !isdigit((unsigned char)z[i])) return false;
  if (n == 4) {
    snprintf(zOut, nOut, "%s", z);
    return true;
  }
  const char *r = z + 4;
  if (*r == '-') r++;
  size_t m = strlen(r);
  bool bDash = z[4] == '-';
  if (m == 2 && r[0] == 'Q' && r[1] >= '1' && r[1] <= '4') {
    snprintf(zOut, nOut, "%.4s-Q%c", z, r[1]);
    return true;
  }
  if (m == 2 && r[0] == 'S' && (r[1] == '1' || r[1] == '2')) {
    snprintf(zOut, nOut, "%.4s-S%c", z, r[1]);
    return true;
  }
  if (m == 2 && r[0] == 'T' && r[1] >= '1' && r[1] <= '3') {
    snprintf(zOut, nOut, "%.4s-T%c", z, r[1]);
    return true;
  }
  if (m == 2 && r[0] == 'A' && r[1] == '1') {
    snprintf(zOut, nOut, "%.4s-A1", z);
    return true;
  }
  if (m == 3 && r[0] == 'M' && isdigit((unsigned char)r[1]) && isdigit((unsigned char)r[2])) {
    int mo = (r[1] - '0') * 10 + (r[2] - '0');
    if (mo < 1 || mo > 12) return false;
    snprintf(zOut, nOut, "%.4s-%02d", z, mo);
    return true;
  }
  if (m == 3 && r[0] == 'W' && isdigit((unsigned char)r[1]) && isdigit((unsigned char)r[2])) {
    int w = (r[1] - '0') * 10 + (r[2] - '0');
    if (w < 1 || w > 53) return false;
    snprintf(zOut, nOut, "%.4s-W%02d", z, w);
    return true;
  }
  if (bDash && (m == 2 || m == 5) && isdigit((unsigned char)r[0]) && isdigit((unsigned char)r[1])) {
    int mo = (r[0] - '0') * 10 + (r[1] - '0');
    if (mo < 1 || mo > 12) return false;
    if (m == 5) {
      if (r[2] != '-' || !isdigit((unsigned char)r[3]) || !isdigit((unsigned char)r[4])) return false;
      int d = (r[3] - '0') * 10 + (r[4] - '0');
      if (d < 1 || d > 31) return false;
    }
    snprintf(zOut, nOut, "%s", z);
    return true;
  }
  return false;
}

/* Parse a number (decimal comma allowed with ';' separators); false if invalid. */
static bool number_parse(const char *z, char sep, double *pv) {
  char zBuf[64], *zEnd;
  size_t n = strlen(z);
  if (n == 0 || n >= sizeof zBuf) return false;
  memcpy(zBuf, z, n + 1);
  if (sep == ';' && !strchr(zBuf, '.')) {
    char *c = strchr(zBuf, ',');
    if (c) *c = '.';
  }
  if (!(isdigit((unsigned char)zBuf[0]) || zBuf[0] == '-' || zBuf[0] == '+' || zBuf[0] == '.')) return false;
  errno = 0;
  *pv = strtod(zBuf, &zEnd);
  return *zEnd == 0 && errno != ERANGE && isfinite(*pv);
}

static bool status_ok(const char *z) {
  for (size_t i = 0; i < COUNT(aStatusCode); i++)
    if (strcmp(z, aStatusCode[i].zId) == 0) return true;
  return false;
}

/* SEX codes: ILOSTAT's SEX_* as they are; SDMX's M, F, T, _T, O mapped to them. */
static const char *sex_norm(const char *z) {
  if (sex_code_ok(z)) return z;
  if (strcmp(z, "M") == 0) return "SEX_M";
  if (strcmp(z, "F") == 0) return "SEX_F";
  if (strcmp(z, "T") == 0 || strcmp(z, "_T") == 0) return "SEX_T";
  if (strcmp(z, "O") == 0) return "SEX_O";
  return NULL;
}

/* Check (once per file) that dataflow zId of zAgency/zVersion exists or create
** it. Problems are recorded against column iCol. */
static void import_flow(Import *p, const char *zAgency, const char *zId, const char *zVersion, int iCol) {
  Stmt *q;
  int rc;
  if (strmap_get(&p->flows, zId, NULL)) return;
  q = store_prepare(p->s, "SELECT agency FROM dataflow WHERE id = :id", p->e);
  if (!q) {
    problem(p, -1, "%s", p->e->zMsg ? p->e->zMsg : "store error");
    return;
  }
  stmt_bind_text(q, ":id", zId);
  rc = stmt_step(q, p->e);
  if (rc == 1 && strcmp(stmt_text(q, 0), zAgency) != 0) {
    problem(p, iCol, "dataflow %s belongs to agency %s in lmis, not %s", zId, stmt_text(q, 0), zAgency);
    stmt_finalize(q);
    return;
  }
  stmt_finalize(q);
  if (rc == 0) {
    char *zName = xasprintf("%s:%s(%s), imported", zAgency, zId, zVersion);
    q = store_prepare(p->s,
      "INSERT INTO dataflow(id, agency, version, name_en, dimensions, source)"
      " VALUES(:id, :agency, :version, :name,"
      " '[\"REF_AREA\",\"COUNTERPART_AREA\",\"INDICATOR\",\"SEX\",\"CLASSIF1\",\"CLASSIF2\"]', :source)", p->e);
    if (q) {
      stmt_bind_text(q, ":id", zId);
      stmt_bind_text(q, ":agency", zAgency);
      stmt_bind_text(q, ":version", zVersion);
      stmt_bind_text(q, ":name", zName);
      stmt_bind_text(q, ":source", p->zOrigin);
      rc = stmt_run(q, p->e);
      stmt_finalize(q);
    } else {
      rc = -1;
    }
    free(zName);
  }
  if (rc < 0) {
    problem(p, -1, "%s", p->e->zMsg ? p->e->zMsg : "store error");
    return;
  }
  strmap_put(&p->flows, zId, 1);
}

/* Parse "AGENCY:ID(VERSION)" or "AGENCY:ID" into the parts. */
static bool flow_ref_parse(const char *z, char *zAgency, char *zId, char *zVersion) {
  const char *zColon = strchr(z, ':'), *zOpen, *zClose;
  size_t nA, nI;
  if (!zColon) return false;
  nA = (size_t)(zColon - z);
  zOpen = strchr(zColon, '(');
  zClose = zOpen ? strchr(zOpen, ')') : NULL;
  nI = zOpen ? (size_t)(zOpen - zColon - 1) : strlen(zColon + 1);
  if (nA == 0 || nA >= 120 || nI == 0 || nI >= 120) return false;
  if (zOpen && (!zClose || zClose[1] != 0 || zClose - zOpen - 1 <= 0 || zClose - zOpen - 1 >= 30)) return false;
  snprintf(zAgency, 128, "%.*s", (int)nA, z);
  snprintf(zId, 128, "%.*s", (int)nI, zColon + 1);
  if (zOpen) snprintf(zVersion, 32, "%.*s", (int)(zClose - zOpen - 1), zOpen + 1);
  else snprintf(zVersion, 32, "1.0");
  return agency_ok(zAgency) && sdmx_id_ok(zId);
}

/* One data row. */
static void import_row(Import *p) {
  Scan *sc = &p->sc;
  SdmxObs o;
  char zAgency[128], zId[128], zVersion[32], zTime[32];
  char *azDim[SDMX_NDIM] = {0};
  char *zStatus = NULL, *zUnit = NULL;
  char action = 'I';
  int nBefore = p->nProblem;
  json_t *jAttr = json_object();
  sdmx_obs_init(&o);
  p->pRep->nRows++;
  if (sc->nField != p->nCol) {
    problem(p, -1, "expected %d fields as in the header, found %d", p->nCol, sc->nField);
    goto row_out;
  }
  /* dataflow */
  if (p->aCol[C_FLOW] >= 0) {
    char *z = id_part(scan_field(sc, p->aCol[C_FLOW]), false);
    if (!flow_ref_parse(z, zAgency, zId, zVersion))
      problem(p, p->aCol[C_FLOW], "\"%s\" is not a structure reference AGENCY:ID(VERSION)", z);
    free(z);
  } else {
    const char *zDef = p->zFlowDefault && *p->zFlowDefault ? p->zFlowDefault : "ILOSTAT";
    snprintf(zAgency, sizeof zAgency, "%s", strcmp(zDef, "ILOSTAT") == 0 ? "ILO" : "LMIS");
    snprintf(zId, sizeof zId, "%s", zDef);
    snprintf(zVersion, sizeof zVersion, "1.0");
    if (!sdmx_id_ok(zId)) problem(p, -1, "\"%s\" is not a valid dataflow id", zDef);
  }
  if (p->aCol[C_STRUCTURE] >= 0 && p->bV2) {
    const char *z = scan_field(sc, p->aCol[C_STRUCTURE]);
    if (strcmp(z, "dataflow") && strcmp(z, "datastructure") && strcmp(z, "dataprovision"))
      problem(p, p->aCol[C_STRUCTURE], "\"%s\" is not dataflow, datastructure or dataprovision", z);
  }
  if (p->aCol[C_ACTION] >= 0) {
    const char *z = scan_field(sc, p->aCol[C_ACTION]);
    if (!*z) action = 'I';
    else if (strlen(z) == 1 && strchr("IARD", z[0])) action = z[0];
    else problem(p, p->aCol[C_ACTION], "\"%s\" is not an action (I, A, R or D)", z);
  }
  if (p->nProblem > nBefore) goto row_out;
  import_flow(p, zAgency, zId, zVersion, p->aCol[C_FLOW]);

  /* dimensions */
  for (int i = 0; i < SDMX_NDIM; i++) {
    int iCol = p->aCol[C_DIM0 + i];
    char *z = iCol >= 0 ? id_part(scan_field(sc, iCol), false) : NULL;
    if (z && !*z) {
      free(z);
      z = NULL;
      if (action != 'D' && (i == SDMX_REF_AREA || (i == SDMX_INDICATOR))) {
        problem(p, iCol, "empty %s", aDimConcept[i].zId);
        continue;
      }
    }
    if (!z && action == 'D') continue;   /* wildcard */
    if (!z) {
      if (i == SDMX_INDICATOR) z = xstrdup(str_startswith(zId, "DF_") ? zId + 3 : zId);
      else if (i == SDMX_COUNTERPART_AREA) z = xstrdup("_T");
      else z = xstrdup("_Z");
    }
    if (i == SDMX_SEX) {
      const char *zSex = sex_norm(z);
      if (!zSex) problem(p, iCol, "\"%s\" is not a sex code (SEX_T, SEX_M, SEX_F, SEX_O, M, F, T, _T, _Z)", z);
      else {
        char *zNew = xstrdup(zSex);
        free(z);
        z = zNew;
      }
    } else if (!sdmx_id_ok(z)) {
      problem(p, iCol, "\"%s\" is not a valid code (letters, digits, _ @ $ -)", z);
    }
    azDim[i] = z;
    o.azDim[i] = z;
  }
  /* time */
  {
    const char *z = scan_field(sc, p->aCol[C_TIME]);
    if (!*z && action == 'D') o.zTime = NULL;
    else if (!time_norm(z, zTime, sizeof zTime))
      problem(p, p->aCol[C_TIME], "\"%s\" is not an SDMX time period (e.g. 2020, 2020-Q1, 2020-01)", z);
    else o.zTime = zTime;
  }
  /* measure */
  if (p->aCol[C_VALUE] >= 0) {
    const char *z = scan_field(sc, p->aCol[C_VALUE]);
    if (*z && !(action == 'D' && strcmp(z, "-") == 0) && !number_parse(z, sc->sep, &o.value))
      problem(p, p->aCol[C_VALUE], "\"%s\" is not a number", z);
  } else if (action != 'D') {
    problem(p, -1, "no OBS_VALUE column");
  }
  /* attributes */
  for (int i = 0; i < A__COUNT; i++) {
    int iCol = p->aCol[C_ATTR0 + i];
    const char *z = iCol >= 0 ? scan_field(sc, iCol) : "";
    double v;
    long long n;
    if (!*z) continue;
    switch (i) {
      case A_OBS_STATUS:
        zStatus = id_part(z, false);
        if (strlen(zStatus) == 1) zStatus[0] = (char)toupper((unsigned char)zStatus[0]);   /* ISTAT writes "e" */
        if (!status_ok(zStatus)) problem(p, iCol, "\"%s\" is not a code of CL_OBS_STATUS (see docs/sdmx.md)", zStatus);
        o.zStatus = zStatus;
        break;
      case A_UNIT_MEASURE:
        zUnit = id_part(z, false);
        if (!sdmx_id_ok(zUnit)) problem(p, iCol, "\"%s\" is not a valid code", zUnit);
        o.zUnit = zUnit;
        break;
      case A_UNIT_MULT:
        if (parse_int(z, -99, 99, &n)) {
          problem(p, iCol, "\"%s\" is not an integer between -99 and 99", z);
        } else {
          o.bUnitMult = true;
          o.unitMult = (int)n;
        }
        break;
      case A_DECIMALS:
        if (parse_int(z, 0, 30, &n)) problem(p, iCol, "\"%s\" is not an integer between 0 and 30", z);
        else o.decimals = (int)n;
        break;
      case A_N:
        if (parse_int(z, 0, 1000000000000LL, &n)) problem(p, iCol, "\"%s\" is not a count", z);
        else o.n = (long)n;
        break;
      default:
        if (!number_parse(z, sc->sep, &v)) problem(p, iCol, "\"%s\" is not a number", z);
        else if (i == A_SE) o.se = v;
        else if (i == A_CI_LOW) o.ciLow = v;
        else if (i == A_CI_HIGH) o.ciHigh = v;
        else o.cv = v;
        break;
    }
  }
  /* other columns are kept as attributes */
  for (int i = 0; i < p->nCol; i++) {
    bool bMapped = false;
    const char *z = scan_field(sc, i);
    for (int k = 0; k < C__COUNT && !bMapped; k++) bMapped = p->aCol[k] == i;
    if (bMapped || !*z || strcmp(p->azHeader[i], "SERIES_KEY") == 0 || strcmp(p->azHeader[i], "OBS_KEY") == 0) continue;
    json_object_set_new(jAttr, p->azHeader[i], json_string(z));
  }
  if (p->nProblem > 0) goto row_out;   /* keep validating, stop writing */

  if (action == 'D') {
    Stmt *q = p->qDelete;
    stmt_reset(q);
    stmt_bind_text(q, ":flow", zId);
    stmt_bind_text(q, ":ref_area", o.azDim[SDMX_REF_AREA]);
    stmt_bind_text(q, ":counterpart", o.azDim[SDMX_COUNTERPART_AREA]);
    stmt_bind_text(q, ":indicator", o.azDim[SDMX_INDICATOR]);
    stmt_bind_text(q, ":sex", o.azDim[SDMX_SEX]);
    stmt_bind_text(q, ":classif1", o.azDim[SDMX_CLASSIF1]);
    stmt_bind_text(q, ":classif2", o.azDim[SDMX_CLASSIF2]);
    stmt_bind_text(q, ":time", o.zTime);
    if (stmt_run(q, p->e)) problem(p, -1, "%s", p->e->zMsg ? p->e->zMsg : "store error");
    else p->pRep->nDeleted += store_changes(p->s);
  } else {
    char *zKey = sdmx_series_key(&o);
    char *zSeen = xasprintf("%s|%s|%s", zId, zKey, o.zTime);
    if (!strmap_put(&p->seen, zSeen, (int)sc->recLine)) {
      int nLine = 0;
      strmap_get(&p->seen, zSeen, &nLine);
      problem(p, -1, "a second observation for %s %s at %s (the first is on line %d)", zId, zKey, o.zTime, nLine);
      err_hint(p->e, "lmis keeps the dimensions REF_AREA, COUNTERPART_AREA, INDICATOR, SEX, CLASSIF1, CLASSIF2 and "
                     "TIME_PERIOD; other columns (e.g. FREQ, AGE) are attributes and must not vary within a series");
    } else {
      char *zAttr = json_object_size(jAttr) ? json_dumps(jAttr, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
      o.zAttrJson = zAttr;
      if (sdmx_inserter_add(p->w, zId, &o, p->zOrigin, p->e))
        problem(p, -1, "%s", p->e->zMsg ? p->e->zMsg : "store error");
      else p->pRep->nStored++;
      free(zAttr);
    }
    free(zKey);
    free(zSeen);
  }
row_out:
  for (int i = 0; i < SDMX_NDIM; i++) free(azDim[i]);
  free(zStatus);
  free(zUnit);
  json_decref(jAttr);
}

void sdmx_import_report_free(SdmxImportReport *r) {
  if (!r) return;
  free(r->zFlows);
  free(r->zFormat);
  free(r->zProblems);
  memset(r, 0, sizeof(*r));
}

int sdmx_import_csv(Store *s, const char *zPath, const char *zFlowDefault, SdmxImportReport *pRep, Err *e) {
  Import im;
  Buf file;
  const char *z;
  size_t n;
  const char *zBase;
  int rc = -1, r;
  bool bTxn = false;
  memset(pRep, 0, sizeof(*pRep));
  memset(&im, 0, sizeof(im));
  buf_init(&file, SDMX_IMPORT_MAX);
  buf_init(&im.problems, 64 * 1024);
  buf_init(&im.sc.rec, BUF_UNBOUNDED);
  strmap_init(&im.flows);
  strmap_init(&im.seen);
  im.s = s;
  im.e = e;
  im.pRep = pRep;
  im.zFlowDefault = zFlowDefault;
  zBase = strrchr(zPath, '/');
  zBase = zBase ? zBase + 1 : zPath;
  im.zOrigin = xasprintf("import:%s", zBase);
  if (read_file(zPath, &file, e)) goto import_out;
  z = file.z;
  n = file.n;
  if (n >= 3 && memcmp(z, "\xEF\xBB\xBF", 3) == 0) z += 3, n -= 3;
  if (!utf8_valid_text(z, n)) {
    err_set(e, ERR_INVALID, "%s is not UTF-8 text", zPath);
    err_hint(e, "SDMX-CSV files are UTF-8 (RFC 4180); convert it with iconv");
    goto import_out;
  }
  im.sc.z = z;
  im.sc.n = n;
  im.sc.line = 1;
  im.sc.zName = zPath;
  if (n >= 9 && strncmp(z, "DATAFLOW", 8) == 0) {
    im.sc.sep = z[8];
    pRep->zFormat = xstrdup("SDMX-CSV 1.0");
  } else if (n >= 10 && strncmp(z, "STRUCTURE", 9) == 0) {
    const char *p = z + 9;
    if (*p == '[') {
      p = memchr(p, ']', n - 9);
      p = p ? p + 1 : z + 9;
    }
    im.sc.sep = *p;
    im.bV2 = true;
    pRep->zFormat = xstrdup("SDMX-CSV 2.0");
  } else if (n >= 9 && strncasecmp(z, "ref_area", 8) == 0) {
    im.sc.sep = z[8];
    im.bIlostat = true;
    pRep->zFormat = xstrdup("ILOSTAT CSV");
  } else {
    err_set(e, ERR_INVALID, "%s:1:1: not SDMX-CSV", zPath);
    err_detail(e, "the first column must be DATAFLOW (SDMX-CSV 1.0), STRUCTURE (SDMX-CSV 2.0) or ref_area (ILOSTAT)");
    err_where(e, "%s:1:1", zPath);
    goto import_out;
  }
  if (im.sc.sep != ',' && im.sc.sep != ';' && im.sc.sep != '\t') {
    err_set(e, ERR_INVALID, "%s:1:%d: unknown field separator", zPath, im.bV2 ? 10 : 9);
    err_detail(e, "SDMX-CSV separates fields with ',' (or ';' or a tab by locale)");
    err_where(e, "%s:1", zPath);
    goto import_out;
  }
  r = scan_next(&im.sc, e);
  if (r <= 0) {
    if (r == 0) err_set(e, ERR_INVALID, "%s is empty", zPath);
    goto import_out;
  }
  if (import_header(&im)) goto import_out;
  if (store_begin(s, e)) goto import_out;
  bTxn = true;
  im.w = sdmx_inserter_new(s, SDMX_INSERT_UPSERT, e);
  if (!im.w) goto import_out;
  im.qDelete = store_prepare(s,
    "DELETE FROM observation WHERE dataflow = :flow"
    " AND (:ref_area IS NULL OR ref_area = :ref_area) AND (:counterpart IS NULL OR counterpart_area = :counterpart)"
    " AND (:indicator IS NULL OR indicator = :indicator) AND (:sex IS NULL OR sex = :sex)"
    " AND (:classif1 IS NULL OR classif1 = :classif1) AND (:classif2 IS NULL OR classif2 = :classif2)"
    " AND (:time IS NULL OR time_period = :time)", e);
  if (!im.qDelete) goto import_out;
  while ((r = scan_next(&im.sc, e)) == 1) {
    import_row(&im);
    if (im.nProblem >= 1000) break;   /* enough to show what is wrong */
  }
  if (r < 0) goto import_out;
  if (im.nProblem > 0) {
    if (im.nProblem > SDMX_MAX_PROBLEMS)
      buf_printf(&im.problems, "... and %d more problem%s\n", im.nProblem - SDMX_MAX_PROBLEMS,
                 im.nProblem - SDMX_MAX_PROBLEMS == 1 ? "" : "s");
    err_detail(e, "%d problem%s found; nothing was imported", im.nProblem, im.nProblem == 1 ? "" : "s");
    goto import_out;
  }
  if (pRep->nRows == 0) {
    err_set(e, ERR_INVALID, "%s has a header but no observation", zPath);
    goto import_out;
  }
  sdmx_inserter_free(im.w);
  im.w = NULL;
  stmt_finalize(im.qDelete);
  im.qDelete = NULL;
  if (store_commit(s, e)) goto import_out;
  bTxn = false;
  {
    Buf f;
    buf_init(&f, BUF_UNBOUNDED);
    for (size_t i = 0; i < im.flows.nSlot; i++)
      if (im.flows.azKey[i]) buf_printf(&f, "%s%s", f.n ? "," : "", im.flows.azKey[i]);
    pRep->zFlows = buf_detach(&f);
  }
  rc = 0;
import_out:
  sdmx_inserter_free(im.w);
  stmt_finalize(im.qDelete);
  if (bTxn) store_rollback(s);
  if (im.problems.n) pRep->zProblems = buf_detach(&im.problems);
  buf_free(&im.problems);
  for (int i = 0; i < im.nCol; i++) free(im.azHeader[i]);
  free(im.azHeader);
  buf_free(&im.sc.rec);
  buf_free(&file);
  strmap_free(&im.flows);
  strmap_free(&im.seen);
  free(im.zOrigin);
  return rc;
}
