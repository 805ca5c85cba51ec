/*
** indicator.c: the indicator catalogue and its computation (see indicator.h and
** docs/indicators.md).
**
** A computation loads only the survey columns the indicator needs, evaluates
** its expressions into per-unit arrays (NaN where a value is missing, which the
** estimator treats as "outside the domain for this statistic"), then, for each
** subset of breakdowns to total, numbers the domains and calls the estimator
** once over the whole design. The migrant/non-migrant earnings gap is a smooth
** function of two domain means; its standard error is the linearization
** (delta method): the estimated total of the influence variable u_i, whose
** variance the estimator computes like any other total.
*/
#include "indicator.h"
#include "refdata.h"
#include "survey.h"
#include "util.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DOMAINS 100000
#define MAX_BY 4

/* ---------------------------------------------------------------------------
** The catalogue.
*/

typedef enum Stat { STAT_TOTAL, STAT_MEAN, STAT_RATIO, STAT_QUANTILE, STAT_GAP, STAT_DISTRIBUTION } Stat;
static const char *const azStat[] = {"total", "mean", "ratio", "quantile", "gap", "distribution"};

typedef enum ExprKind { EXPR_ONE, EXPR_VALUE, EXPR_EQ } ExprKind;

/* "1", "var" (a numeric column) or "var=code|code" (1, 0, or NaN when var is missing). */
typedef struct Expr {
  ExprKind kind;
  char *zVar;
  int nCode;
  char **azCode;
} Expr;

typedef struct Classif {
  char *zVar;
  int iDim;            /* SdmxDim */
  char *zPrefix;       /* code = prefix + level, unless mapped */
  char *zTotal;
  int nMap;
  char **azFrom, **azTo;
} Classif;

struct IndicatorDef {
  char *zId;
  char *azTitle[3];
  char *zUnit;
  int unitMult;
  Stat stat;
  Expr num, den;
  bool bNum, bDen;
  char *zValue;
  double q, scale;
  int nPop;
  Expr *aPop;
  char *zMigrant;
  char *zGapRef, *zGapGroup;
  char *zDistribution;
  int nBy;
  char **azBy;
  int decimals;
  char *zSdg;
  json_t *pJson;       /* the catalogue entry */
};

struct Catalogue {
  int nDef;
  IndicatorDef *aDef;
  int nClassif;
  Classif *aClassif;
  Arena *pArena;
};

static const char *const azUnit[] = {"PS", "PT", "LCU", "USD", "RATIO", "NUM"};

typedef struct Parse {
  const char *zName;
  Err *e;
  Arena *a;
} Parse;

static int bad(Parse *p, const char *zPtr, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int bad(Parse *p, const char *zPtr, const char *fmt, ...) {
  va_list ap;
  Buf b;
  buf_init(&b, 4096);
  va_start(ap, fmt);
  buf_vprintf(&b, fmt, ap);
  va_end(ap);
  err_set(p->e, ERR_INVALID, "%s#%s: %s", p->zName, zPtr, buf_cstr(&b));
  err_where(p->e, "%s#%s", p->zName, zPtr);
  buf_free(&b);
  return -1;
}

static bool var_ok(const char *z) {
  if (!z || !*z) return false;
  for (; *z; z++)
    if (!((*z >= 'a' && *z <= 'z') || (*z >= 'A' && *z <= 'Z') || (*z >= '0' && *z <= '9') || *z == '_' ||
          *z == '.' || *z == '-'))
      return false;
  return true;
}

static int parse_expr(Parse *p, const char *zPtr, const char *z, bool bCondition, Expr *x) {
  const char *zEq;
  memset(x, 0, sizeof(*x));
  if (!z) return bad(p, zPtr, "must be a string");
  if (!bCondition && strcmp(z, "1") == 0) {
    x->kind = EXPR_ONE;
    return 0;
  }
  zEq = strchr(z, '=');
  if (!zEq) {
    if (bCondition) return bad(p, zPtr, "\"%s\" is not a condition VARIABLE=CODE[|CODE...]", z);
    if (!var_ok(z)) return bad(p, zPtr, "\"%s\" is not a variable name", z);
    x->kind = EXPR_VALUE;
    x->zVar = arena_strdup(p->a, z);
    return 0;
  }
  x->kind = EXPR_EQ;
  x->zVar = arena_strndup(p->a, z, (size_t)(zEq - z));
  if (!var_ok(x->zVar)) return bad(p, zPtr, "\"%s\" is not a variable name", x->zVar);
  x->nCode = 1;
  for (const char *c = zEq + 1; *c; c++) x->nCode += *c == '|';
  x->azCode = arena_alloc(p->a, (size_t)x->nCode * sizeof(char *));
  const char *c = zEq + 1;
  for (int i = 0; i < x->nCode; i++) {
    size_t n = strcspn(c, "|");
    if (n == 0 || memchr(c, ' ', n)) return bad(p, zPtr, "\"%s\": empty code or space in a code", z);
    x->azCode[i] = arena_strndup(p->a, c, n);
    c += n + (c[n] == '|');
  }
  return 0;
}

/* A string member; NULL when absent and !bRequired (error when required). */
static int get_str(Parse *p, json_t *j, const char *zPtr, const char *zKey, bool bRequired, char **pz) {
  json_t *v = json_object_get(j, zKey);
  *pz = NULL;
  if (!v || json_is_null(v)) {
    if (bRequired) return bad(p, zPtr, "\"%s\" is required", zKey);
    return 0;
  }
  if (!json_is_string(v) || json_string_length(v) == 0) return bad(p, zPtr, "\"%s\" must be a non-empty string", zKey);
  *pz = arena_strdup(p->a, json_string_value(v));
  return 0;
}

static int parse_classifications(Parse *p, json_t *j, Catalogue *c) {
  const char *zKey;
  json_t *v;
  char zPtr[300];
  if (!j) return 0;
  if (!json_is_object(j)) return bad(p, "/classifications", "must be an object");
  c->aClassif = arena_alloc(p->a, json_object_size(j) * sizeof(Classif) + 1);
  json_object_foreach(j, zKey, v) {
    Classif *k = &c->aClassif[c->nClassif];
    json_t *jMap = json_object_get(v, "codes");
    const char *zDim;
    memset(k, 0, sizeof(*k));
    snprintf(zPtr, sizeof zPtr, "/classifications/%s", zKey);
    if (!var_ok(zKey)) return bad(p, zPtr, "\"%s\" is not a variable name", zKey);
    if (!json_is_object(v)) return bad(p, zPtr, "must be an object");
    const char *zMember;
    json_t *jm;
    json_object_foreach(v, zMember, jm) {
      if (strcmp(zMember, "dimension") && strcmp(zMember, "codes") && strcmp(zMember, "prefix") &&
          strcmp(zMember, "total") && strcmp(zMember, "note"))
        return bad(p, zPtr, "unknown member \"%s\" (dimension, codes, prefix, total, note)", zMember);
    }
    k->zVar = arena_strdup(p->a, zKey);
    zDim = json_string_value(json_object_get(v, "dimension"));
    k->iDim = SDMX_CLASSIF1;
    if (zDim) {
      int i;
      for (i = 0; i < SDMX_NDIM; i++)
        if (strcmp(zDim, sdmx_dim_id(i)) == 0) break;
      if (i == SDMX_NDIM || i == SDMX_REF_AREA || i == SDMX_INDICATOR)
        return bad(p, zPtr, "dimension \"%s\" must be SEX, COUNTERPART_AREA, CLASSIF1 or CLASSIF2", zDim);
      k->iDim = i;
    } else if (json_object_get(v, "dimension")) {
      return bad(p, zPtr, "\"dimension\" must be a string");
    }
    if (get_str(p, v, zPtr, "prefix", false, &k->zPrefix) || get_str(p, v, zPtr, "total", true, &k->zTotal))
      return -1;
    if (!sdmx_id_ok(k->zTotal)) return bad(p, zPtr, "total \"%s\" is not an SDMX code", k->zTotal);
    if (jMap) {
      const char *zFrom;
      json_t *jTo;
      if (!json_is_object(jMap)) return bad(p, zPtr, "\"codes\" must be an object LEVEL: CODE");
      k->azFrom = arena_alloc(p->a, json_object_size(jMap) * sizeof(char *) + 1);
      k->azTo = arena_alloc(p->a, json_object_size(jMap) * sizeof(char *) + 1);
      json_object_foreach(jMap, zFrom, jTo) {
        if (!json_is_string(jTo) || !sdmx_id_ok(json_string_value(jTo))) {
          char zSub[400];
          snprintf(zSub, sizeof zSub, "%s/codes/%s", zPtr, zFrom);
          return bad(p, zSub, "must be an SDMX code (letters, digits, _ @ $ -)");
        }
        k->azFrom[k->nMap] = arena_strdup(p->a, zFrom);
        k->azTo[k->nMap] = arena_strdup(p->a, json_string_value(jTo));
        k->nMap++;
      }
    }
    c->nClassif++;
  }
  return 0;
}

static const char *const azIndicatorKey[] = {
  "id", "title", "definition", "unit", "unit_mult", "statistic", "population", "numerator", "denominator", "value",
  "q", "scale", "migrant", "gap", "distribution", "by", "decimals", "sdg", "ilostat", "note",
};

static int parse_indicator(Parse *p, json_t *j, int iDef, Catalogue *c) {
  IndicatorDef *d = &c->aDef[iDef];
  char zPtr[64], zSub[128];
  const char *zKey;
  json_t *v;
  memset(d, 0, sizeof(*d));
  snprintf(zPtr, sizeof zPtr, "/indicators/%d", iDef);
  if (!json_is_object(j)) return bad(p, zPtr, "must be an object");
  json_object_foreach(j, zKey, v) {
    size_t i;
    for (i = 0; i < COUNT(azIndicatorKey); i++)
      if (strcmp(zKey, azIndicatorKey[i]) == 0) break;
    if (i == COUNT(azIndicatorKey)) {
      snprintf(zSub, sizeof zSub, "%s/%s", zPtr, zKey);
      return bad(p, zSub, "unknown member (see docs/indicators.md for the fields)");
    }
  }
  d->pJson = j;
  if (get_str(p, j, zPtr, "id", true, &d->zId)) return -1;
  snprintf(zSub, sizeof zSub, "%s/id", zPtr);
  if (!sdmx_id_ok(d->zId)) return bad(p, zSub, "\"%s\" is not an SDMX code", d->zId);
  for (int i = 0; i < iDef; i++)
    if (strcmp(c->aDef[i].zId, d->zId) == 0) return bad(p, zSub, "\"%s\" is also indicator %d", d->zId, i);

  v = json_object_get(j, "title");
  snprintf(zSub, sizeof zSub, "%s/title", zPtr);
  if (!json_is_object(v)) return bad(p, zSub, "must be an object with en, fr and es");
  static const char *const azLang[] = {"en", "fr", "es"};
  for (int i = 0; i < 3; i++) {
    char zL[160];
    snprintf(zL, sizeof zL, "%s/title", zPtr);
    if (get_str(p, v, zL, azLang[i], true, &d->azTitle[i])) return -1;
  }
  v = json_object_get(j, "definition");
  snprintf(zSub, sizeof zSub, "%s/definition", zPtr);
  if (!json_is_object(v) || !json_is_string(json_object_get(v, "en")))
    return bad(p, zSub, "must be an object with at least an English text (en)");

  if (get_str(p, j, zPtr, "unit", true, &d->zUnit)) return -1;
  {
    size_t i;
    for (i = 0; i < COUNT(azUnit); i++)
      if (strcmp(d->zUnit, azUnit[i]) == 0) break;
    snprintf(zSub, sizeof zSub, "%s/unit", zPtr);
    if (i == COUNT(azUnit)) return bad(p, zSub, "\"%s\" is not a unit of CL_UNIT (PS, PT, LCU, USD, RATIO, NUM)", d->zUnit);
  }
  v = json_object_get(j, "unit_mult");
  snprintf(zSub, sizeof zSub, "%s/unit_mult", zPtr);
  if (v && (!json_is_integer(v) || json_integer_value(v) < -20 || json_integer_value(v) > 20))
    return bad(p, zSub, "must be an integer power of ten");
  d->unitMult = v ? (int)json_integer_value(v) : 0;

  {
    char *zStat;
    size_t i;
    if (get_str(p, j, zPtr, "statistic", true, &zStat)) return -1;
    for (i = 0; i < COUNT(azStat); i++)
      if (strcmp(zStat, azStat[i]) == 0) break;
    snprintf(zSub, sizeof zSub, "%s/statistic", zPtr);
    if (i == COUNT(azStat))
      return bad(p, zSub, "\"%s\" is not total, mean, ratio, quantile, gap or distribution", zStat);
    d->stat = (Stat)i;
  }

  v = json_object_get(j, "population");
  snprintf(zSub, sizeof zSub, "%s/population", zPtr);
  if (v && !json_is_array(v)) return bad(p, zSub, "must be an array of conditions VARIABLE=CODE");
  d->nPop = (int)json_array_size(v);
  d->aPop = arena_alloc(p->a, (size_t)d->nPop * sizeof(Expr) + 1);
  for (int i = 0; i < d->nPop; i++) {
    char zP[160];
    snprintf(zP, sizeof zP, "%s/population/%d", zPtr, i);
    if (parse_expr(p, zP, json_string_value(json_array_get(v, (size_t)i)), true, &d->aPop[i])) return -1;
  }

  /* statistic-specific members */
  bool bNeedNum = d->stat == STAT_RATIO || d->stat == STAT_DISTRIBUTION;
  bool bNeedValue = d->stat == STAT_MEAN || d->stat == STAT_QUANTILE || d->stat == STAT_GAP;
  const char *zNum = json_string_value(json_object_get(j, "numerator"));
  const char *zDen = json_string_value(json_object_get(j, "denominator"));
  if (json_object_get(j, "numerator") && !zNum) return bad(p, zPtr, "\"numerator\" must be a string");
  if (json_object_get(j, "denominator") && !zDen) return bad(p, zPtr, "\"denominator\" must be a string");
  if (bNeedNum && (!zNum || !zDen))
    return bad(p, zPtr, "a %s needs a numerator and a denominator", azStat[d->stat]);
  if (!bNeedNum && zDen) return bad(p, zPtr, "a %s has no denominator", azStat[d->stat]);
  if (bNeedValue && zNum) return bad(p, zPtr, "a %s has a value, not a numerator", azStat[d->stat]);
  if (d->stat == STAT_TOTAL && !zNum) zNum = "1";
  if (zNum) {
    snprintf(zSub, sizeof zSub, "%s/numerator", zPtr);
    if (parse_expr(p, zSub, zNum, false, &d->num)) return -1;
    d->bNum = true;
  }
  if (zDen) {
    snprintf(zSub, sizeof zSub, "%s/denominator", zPtr);
    if (parse_expr(p, zSub, zDen, false, &d->den)) return -1;
    d->bDen = true;
  }
  if (get_str(p, j, zPtr, "value", bNeedValue, &d->zValue)) return -1;
  if (d->zValue && !var_ok(d->zValue)) {
    snprintf(zSub, sizeof zSub, "%s/value", zPtr);
    return bad(p, zSub, "\"%s\" is not a variable name", d->zValue);
  }
  if (!bNeedValue && d->zValue) return bad(p, zPtr, "a %s has no value member", azStat[d->stat]);
  v = json_object_get(j, "q");
  snprintf(zSub, sizeof zSub, "%s/q", zPtr);
  if (d->stat == STAT_QUANTILE) {
    if (!json_is_number(v) || json_number_value(v) <= 0 || json_number_value(v) >= 1)
      return bad(p, zSub, "a quantile needs q, a number strictly between 0 and 1");
    d->q = json_number_value(v);
  } else if (v) {
    return bad(p, zSub, "only a quantile has q");
  }
  v = json_object_get(j, "scale");
  snprintf(zSub, sizeof zSub, "%s/scale", zPtr);
  if (v && (!json_is_number(v) || json_number_value(v) <= 0)) return bad(p, zSub, "must be a positive number");
  d->scale = v ? json_number_value(v) : 1.0;

  v = json_object_get(j, "migrant");
  snprintf(zSub, sizeof zSub, "%s/migrant", zPtr);
  if (v && !json_is_null(v) && !json_is_string(v)) return bad(p, zSub, "must be a variable name or null");
  if (json_is_string(v)) {
    d->zMigrant = arena_strdup(p->a, json_string_value(v));
    if (!var_ok(d->zMigrant)) return bad(p, zSub, "\"%s\" is not a variable name", d->zMigrant);
  }
  v = json_object_get(j, "gap");
  snprintf(zSub, sizeof zSub, "%s/gap", zPtr);
  if (d->stat == STAT_GAP) {
    if (!d->zMigrant) return bad(p, zPtr, "a gap compares two groups of the migrant variable: give \"migrant\"");
    if (!json_is_object(v)) return bad(p, zSub, "a gap needs {\"reference\": LEVEL, \"group\": LEVEL}");
    if (get_str(p, v, zSub, "reference", true, &d->zGapRef) || get_str(p, v, zSub, "group", true, &d->zGapGroup))
      return -1;
  } else if (v) {
    return bad(p, zSub, "only a gap has this member");
  }
  if (get_str(p, j, zPtr, "distribution", d->stat == STAT_DISTRIBUTION, &d->zDistribution)) return -1;
  if (d->zDistribution && d->stat != STAT_DISTRIBUTION) return bad(p, zPtr, "only a distribution has this member");

  v = json_object_get(j, "by");
  snprintf(zSub, sizeof zSub, "%s/by", zPtr);
  if (v && !json_is_array(v)) return bad(p, zSub, "must be an array of variable names");
  d->nBy = (int)json_array_size(v);
  if (d->nBy > MAX_BY) return bad(p, zSub, "at most %d breakdowns", MAX_BY);
  d->azBy = arena_alloc(p->a, (size_t)d->nBy * sizeof(char *) + 1);
  for (int i = 0; i < d->nBy; i++) {
    const char *z = json_string_value(json_array_get(v, (size_t)i));
    char zP[160];
    snprintf(zP, sizeof zP, "%s/by/%d", zPtr, i);
    if (!var_ok(z)) return bad(p, zP, "must be a variable name");
    d->azBy[i] = arena_strdup(p->a, z);
  }
  v = json_object_get(j, "decimals");
  snprintf(zSub, sizeof zSub, "%s/decimals", zPtr);
  if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 10)
    return bad(p, zSub, "\"decimals\" is required: an integer from 0 to 10");
  d->decimals = (int)json_integer_value(v);
  if (get_str(p, j, zPtr, "sdg", false, &d->zSdg)) return -1;
  v = json_object_get(j, "ilostat");
  snprintf(zSub, sizeof zSub, "%s/ilostat", zPtr);
  if (v && !json_is_boolean(v)) return bad(p, zSub, "must be true or false");
  return 0;
}

int indicator_catalogue_parse(const char *zText, size_t nText, const char *zName, Catalogue **pp, Err *e) {
  json_error_t je;
  json_t *root = json_loadb(zText, nText, 0, &je), *jInd;
  Catalogue *c;
  Parse p;
  const char *zKey;
  json_t *v;
  *pp = NULL;
  if (!root) {
    err_set(e, ERR_INVALID, "%s:%d:%d: %s", zName, je.line, je.column, je.text);
    err_where(e, "%s:%d:%d", zName, je.line, je.column);
    return -1;
  }
  c = xcalloc(1, sizeof(*c));
  c->pArena = arena_new();
  p.zName = zName;
  p.e = e;
  p.a = c->pArena;
  if (!json_is_object(root)) {
    bad(&p, "", "the catalogue must be a JSON object with \"indicators\"");
    goto parse_fail;
  }
  json_object_foreach(root, zKey, v) {
    if (strcmp(zKey, "indicators") && strcmp(zKey, "classifications") && strcmp(zKey, "version") &&
        strcmp(zKey, "note")) {
      char zPtr[300];
      snprintf(zPtr, sizeof zPtr, "/%s", zKey);
      bad(&p, zPtr, "unknown member (indicators, classifications, version, note)");
      goto parse_fail;
    }
  }
  if (parse_classifications(&p, json_object_get(root, "classifications"), c)) goto parse_fail;
  jInd = json_object_get(root, "indicators");
  if (!json_is_array(jInd) || json_array_size(jInd) == 0) {
    bad(&p, "/indicators", "must be a non-empty array");
    goto parse_fail;
  }
  c->aDef = xcalloc(json_array_size(jInd), sizeof(IndicatorDef));
  for (size_t i = 0; i < json_array_size(jInd); i++) {
    if (parse_indicator(&p, json_array_get(jInd, i), (int)i, c)) goto parse_fail;
    c->nDef++;
  }
  /* keep the entries alive for indicator_def_json */
  for (int i = 0; i < c->nDef; i++) json_incref(c->aDef[i].pJson);
  json_decref(root);
  *pp = c;
  return 0;
parse_fail:
  c->nDef = 0;
  indicator_catalogue_free(c);
  json_decref(root);
  return -1;
}

int indicator_catalogue_load(const char *zPath, Catalogue **pp, Err *e) {
  FILE *f = fopen(zPath, "rb");
  Buf b;
  char aChunk[8192];
  size_t n;
  int rc;
  *pp = NULL;
  if (!f) {
    err_set(e, ERR_IO, "cannot read the indicator catalogue %s", zPath);
    err_hint(e, "set LMIS_DATA to the lmis data directory");
    return -1;
  }
  buf_init(&b, 16u << 20);
  while ((n = fread(aChunk, 1, sizeof aChunk, f)) > 0) {
    if (buf_append(&b, aChunk, n)) break;
  }
  fclose(f);
  if (b.bOverflow) {
    buf_free(&b);
    return err_set(e, ERR_TOO_LARGE, "%s is larger than 16 MiB", zPath);
  }
  rc = indicator_catalogue_parse(buf_cstr(&b), b.n, zPath, pp, e);
  buf_free(&b);
  return rc;
}

void indicator_catalogue_free(Catalogue *c) {
  if (!c) return;
  for (int i = 0; i < c->nDef; i++) json_decref(c->aDef[i].pJson);
  free(c->aDef);
  arena_free(c->pArena);
  free(c);
}

static pthread_mutex_t catalogueMutex = PTHREAD_MUTEX_INITIALIZER;
static Catalogue *pCatalogueDefault;   /* written once under the mutex, then only read */

const Catalogue *indicator_catalogue_default(Err *e) {
  Catalogue *c;
  pthread_mutex_lock(&catalogueMutex);
  if (!pCatalogueDefault) {
    char *zPath = xasprintf("%s/indicators.json", refdata_default_dir());
    if (indicator_catalogue_load(zPath, &pCatalogueDefault, e)) pCatalogueDefault = NULL;
    free(zPath);
  }
  c = pCatalogueDefault;
  pthread_mutex_unlock(&catalogueMutex);
  return c;
}

int indicator_count(const Catalogue *c) { return c ? c->nDef : 0; }
const IndicatorDef *indicator_at(const Catalogue *c, int i) {
  return (c && i >= 0 && i < c->nDef) ? &c->aDef[i] : NULL;
}
const IndicatorDef *indicator_find(const Catalogue *c, const char *zId) {
  for (int i = 0; c && zId && i < c->nDef; i++)
    if (strcmp(c->aDef[i].zId, zId) == 0) return &c->aDef[i];
  return NULL;
}
const char *indicator_id(const IndicatorDef *d) { return d->zId; }
static int lang_index(const char *zLang) {
  if (zLang && strcmp(zLang, "fr") == 0) return 1;
  if (zLang && strcmp(zLang, "es") == 0) return 2;
  return 0;
}
const char *indicator_title(const IndicatorDef *d, const char *zLang) { return d->azTitle[lang_index(zLang)]; }
const char *indicator_unit(const IndicatorDef *d) { return d->zUnit; }

json_t *indicator_def_json(const IndicatorDef *d, const char *zLang) {
  json_t *j = json_deep_copy(d->pJson);
  json_t *jDef = json_object_get(j, "definition");
  const char *zDef = json_string_value(json_object_get(jDef, zLang ? zLang : "en"));
  json_object_set(j, "titles", json_object_get(j, "title"));
  json_object_set_new(j, "title", json_string(indicator_title(d, zLang)));
  if (!zDef) zDef = json_string_value(json_object_get(jDef, "en"));
  json_object_set(j, "definitions", jDef);
  json_object_set_new(j, "definition", json_string(zDef ? zDef : ""));
  if (!json_object_get(j, "by")) json_object_set_new(j, "by", json_array());
  if (!json_object_get(j, "migrant")) json_object_set_new(j, "migrant", json_null());
  return j;
}

json_t *indicator_list_json(const Catalogue *c, const char *zLang) {
  json_t *a = json_array();
  for (int i = 0; c && i < c->nDef; i++) {
    const IndicatorDef *d = &c->aDef[i];
    json_t *jBy = json_array();
    for (int k = 0; k < d->nBy; k++) json_array_append_new(jBy, json_string(d->azBy[k]));
    json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:i, s:s?, s:o, s:i, s:s?}", "id", d->zId, "title",
                                       indicator_title(d, zLang), "statistic", azStat[d->stat], "unit", d->zUnit,
                                       "unit_mult", d->unitMult, "migrant", d->zMigrant, "by", jBy, "decimals",
                                       d->decimals, "sdg", d->zSdg));
  }
  return json_pack("{s:o}", "indicators", a);
}

/* ---------------------------------------------------------------------------
** Computation.
*/

/* The classification of a variable, by name; NULL if the catalogue has none. */
static const Classif *classif_find(const Catalogue *c, const char *zVar) {
  for (int i = 0; zVar && i < c->nClassif; i++)
    if (strcmp(c->aClassif[i].zVar, zVar) == 0) return &c->aClassif[i];
  return NULL;
}

/* One breakdown: a categorical column and its SDMX codes. */
typedef struct Dim {
  const SurveyColumn *col;
  const char *zVar;
  int iSdmx;
  char **azCode;       /* per level */
  const char *zTotal;
} Dim;

typedef struct Row {
  SdmxObs o;
  int aKey[SDMX_NDIM];  /* sort key: 0 for a total, level + 1 otherwise */
  int iExtra;           /* distribution level (0 total) */
} Row;

typedef struct Ctx {
  const Catalogue *pCat;
  const IndicatorDef *def;
  const SurveyData *d;
  EstOptions opt;
  Err *e;
  Arena *a;
  Dim aDim[MAX_BY + 2];
  int nDim;
  bool *aInPop;
  int32_t *aDom;
  Row *aRow;
  int nRow, nRowAlloc;
  const char *azDefault[SDMX_NDIM];
} Ctx;

/* The SDMX code of a level: mapped, else prefix + level (characters outside
** the SDMX id alphabet become '_'). */
static char *level_code(Ctx *c, const Classif *k, const char *zVar, const char *zLevel) {
  char *z;
  for (int i = 0; k && i < k->nMap; i++)
    if (strcmp(k->azFrom[i], zLevel) == 0) return k->azTo[i];
  if (k && k->iDim == SDMX_COUNTERPART_AREA) z = arena_strdup(c->a, zLevel);
  else if (k && k->zPrefix) z = arena_printf(c->a, "%s%s", k->zPrefix, zLevel);
  else {
    size_t nVar = strlen(zVar);
    z = arena_printf(c->a, "%s_%s", zVar, zLevel);
    for (size_t i = 0; i < nVar; i++)
      if (z[i] >= 'a' && z[i] <= 'z') z[i] = (char)(z[i] - 'a' + 'A');
  }
  for (char *p = z; *p; p++) {
    unsigned char ch = (unsigned char)*p;
    if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' ||
          ch == '@' || ch == '$' || ch == '-'))
      *p = '_';
  }
  return z;
}

static int dim_add(Ctx *c, const char *zVar, int iForceDim) {
  const SurveyColumn *col = survey_column(c->d, zVar);
  const Classif *k;
  Dim *p;
  if (!col) {
    err_set(c->e, ERR_NOT_FOUND, "survey %s has no column %s", c->d->zName, zVar);
    err_hint(c->e, "see its columns with `lmis survey show %s`", c->d->zName);
    return -1;
  }
  if (col->kind != COL_CATEGORICAL) {
    err_set(c->e, ERR_INVALID, "%s is numeric; a breakdown must be a categorical column", zVar);
    return -1;
  }
  k = classif_find(c->pCat, zVar);
  if (!k && col->zConcept) k = classif_find(c->pCat, col->zConcept);
  if (!k) k = classif_find(c->pCat, col->zName);
  for (int i = 0; i < c->nDim; i++) {
    if (c->aDim[i].col == col) return 0;   /* asked twice */
  }
  int iSdmx = iForceDim >= 0 ? iForceDim : k ? k->iDim : SDMX_CLASSIF1;
  for (int i = 0; i < c->nDim; i++) {
    if (c->aDim[i].iSdmx == iSdmx) {
      err_set(c->e, ERR_INVALID, "%s and %s would both go into the SDMX dimension %s", c->aDim[i].zVar, zVar,
              sdmx_dim_id(iSdmx));
      err_detail(c->e, "lmis publishes one breakdown per dimension: SEX, COUNTERPART_AREA (country of birth, "
                       "citizenship), CLASSIF1 (one other variable) and CLASSIF2 (the migrant status)");
      err_hint(c->e, "drop one of them from --by");
      return -1;
    }
  }
  if (c->nDim == (int)COUNT(c->aDim)) return err_set(c->e, ERR_INVALID, "too many breakdowns");
  p = &c->aDim[c->nDim++];
  p->col = col;
  p->zVar = arena_strdup(c->a, zVar);
  p->iSdmx = iSdmx;
  p->azCode = arena_alloc(c->a, (size_t)(col->nLevel + 1) * sizeof(char *));
  for (int i = 0; i < col->nLevel; i++) p->azCode[i] = level_code(c, k, zVar, col->azLevel[i]);
  if (k) p->zTotal = k->zTotal;
  else if (iSdmx == SDMX_COUNTERPART_AREA) p->zTotal = "_T";
  else p->zTotal = level_code(c, NULL, zVar, "TOTAL");
  return 0;
}

/* Evaluate an expression for every unit into a (NaN: missing). */
static int expr_eval(Ctx *c, const Expr *x, double *a) {
  const SurveyColumn *col;
  size_t n = c->d->n;
  if (x->kind == EXPR_ONE) {
    for (size_t i = 0; i < n; i++) a[i] = 1.0;
    return 0;
  }
  col = survey_column(c->d, x->zVar);
  if (!col) {
    err_set(c->e, ERR_NOT_FOUND, "survey %s has no column %s, which %s needs", c->d->zName, x->zVar, c->def->zId);
    err_hint(c->e, "map the concept in the codebook, or see the columns with `lmis survey show %s`", c->d->zName);
    return -1;
  }
  if (x->kind == EXPR_VALUE) {
    if (col->kind != COL_NUMERIC) {
      err_set(c->e, ERR_INVALID, "%s is categorical; %s needs a number", x->zVar, c->def->zId);
      return -1;
    }
    memcpy(a, col->aNum, n * sizeof(double));
    return 0;
  }
  if (col->kind == COL_CATEGORICAL) {
    bool *aMatch = xcalloc((size_t)col->nLevel + 1, sizeof(bool));
    for (int l = 0; l < col->nLevel; l++)
      for (int k = 0; k < x->nCode; k++)
        if (strcmp(col->azLevel[l], x->azCode[k]) == 0) aMatch[l] = true;
    for (size_t i = 0; i < n; i++) {
      int32_t v = col->aCode[i];
      a[i] = (v < 0 || v >= col->nLevel) ? NAN : aMatch[v] ? 1.0 : 0.0;
    }
    free(aMatch);
  } else {
    double *aVal = xcalloc((size_t)x->nCode, sizeof(double));
    for (int k = 0; k < x->nCode; k++) aVal[k] = strtod(x->azCode[k], NULL);
    for (size_t i = 0; i < n; i++) {
      double v = col->aNum[i];
      bool bHit = false;
      for (int k = 0; k < x->nCode && !bHit; k++) bHit = v == aVal[k];
      a[i] = isnan(v) ? NAN : bHit ? 1.0 : 0.0;
    }
    free(aVal);
  }
  return 0;
}

/* z such that P(|Z| < z) = conf, by bisection on erfc (exact to double precision). */
static double normal_quantile(double conf) {
  double lo = 0.0, hi = 40.0, p = 1.0 - conf;
  for (int i = 0; i < 200; i++) {
    double mid = 0.5 * (lo + hi);
    if (erfc(mid / M_SQRT2) > p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

static Row *row_new(Ctx *c) {
  Row *r;
  if (c->nRow == c->nRowAlloc) {
    c->nRowAlloc = c->nRowAlloc ? c->nRowAlloc * 2 : 256;
    c->aRow = xrealloc(c->aRow, (size_t)c->nRowAlloc * sizeof(Row));
  }
  r = &c->aRow[c->nRow++];
  memset(r, 0, sizeof(*r));
  sdmx_obs_init(&r->o);
  for (int i = 0; i < SDMX_NDIM; i++) r->o.azDim[i] = c->azDefault[i];
  r->o.zTime = c->d->zRefPeriod;
  r->o.zUnit = c->def->zUnit;
  r->o.bUnitMult = true;
  r->o.unitMult = c->def->unitMult;
  r->o.decimals = c->def->decimals;
  return r;
}

/* Set the value, interval and status of a row from an estimate. */
static void row_estimate(Ctx *c, Row *r, const Estimate *x, double scale) {
  r->o.n = x->n;
  if (x->flags & EST_SUPPRESSED) {
    r->o.zStatus = "C";
    return;
  }
  if (!isfinite(x->est)) {
    r->o.zStatus = "M";
    return;
  }
  r->o.value = x->est * scale;
  r->o.se = x->se * scale;
  r->o.ciLow = x->ciLow * scale;
  r->o.ciHigh = x->ciHigh * scale;
  r->o.cv = x->cv;
  r->o.zStatus = (x->flags & EST_UNRELIABLE) ? "U" : "A";
  (void)c;
}

/* Number the domains of one subset of kept dimensions (bit j of mask set =
** dimension j totalled). Returns the number of domains, -1 when too many. */
static long domains(Ctx *c, unsigned mask, const int *aSkipDim) {
  long nDom = 1;
  for (int j = 0; j < c->nDim; j++) {
    if ((mask >> j) & 1 || aSkipDim[j]) continue;
    nDom *= c->aDim[j].col->nLevel;
    if (nDom > MAX_DOMAINS) return -1;
  }
  for (size_t i = 0; i < c->d->n; i++) {
    long k = 0;
    if (!c->aInPop[i]) {
      c->aDom[i] = -1;
      continue;
    }
    for (int j = 0; j < c->nDim && k >= 0; j++) {
      int32_t v;
      if ((mask >> j) & 1 || aSkipDim[j]) continue;
      v = c->aDim[j].col->aCode[i];
      if (v < 0) k = -1;
      else k = k * c->aDim[j].col->nLevel + v;
    }
    c->aDom[i] = (int32_t)k;
  }
  return nDom;
}

/* Give row r the codes of domain iDom under mask. */
static void row_codes(Ctx *c, Row *r, unsigned mask, const int *aSkipDim, long iDom) {
  for (int j = c->nDim - 1; j >= 0; j--) {
    const Dim *p = &c->aDim[j];
    if (aSkipDim[j]) continue;
    if ((mask >> j) & 1) {
      r->o.azDim[p->iSdmx] = p->zTotal;
      r->aKey[p->iSdmx] = 0;
      continue;
    }
    int l = (int)(iDom % p->col->nLevel);
    iDom /= p->col->nLevel;
    r->o.azDim[p->iSdmx] = p->azCode[l];
    r->aKey[p->iSdmx] = l + 1;
  }
}

static int too_many(Ctx *c) {
  err_set(c->e, ERR_INVALID, "the breakdowns asked for make more than %d domains", MAX_DOMAINS);
  err_hint(c->e, "ask for fewer or coarser breakdowns");
  return -1;
}

/* total, mean, ratio, quantile and distribution */
static int compute_plain(Ctx *c) {
  const IndicatorDef *def = c->def;
  size_t n = c->d->n;
  double *y = xmalloc(n * sizeof(double)), *x = NULL, *yk = NULL, *xk = NULL;
  int aSkip[MAX_BY + 2] = {0};
  int iDist = -1, rc = -1, nLevelDist = 0;
  Estimate *aEst = NULL;
  if (def->stat == STAT_MEAN || def->stat == STAT_QUANTILE) {
    Expr v = {EXPR_VALUE, def->zValue, 0, NULL};
    if (expr_eval(c, &v, y)) goto plain_out;
  } else if (expr_eval(c, &def->num, y)) {
    goto plain_out;
  }
  if (def->bDen) {
    x = xmalloc(n * sizeof(double));
    if (expr_eval(c, &def->den, x)) goto plain_out;
  }
  if (def->stat == STAT_DISTRIBUTION) {
    for (int j = 0; j < c->nDim; j++)
      if (strcmp(c->aDim[j].zVar, def->zDistribution) == 0) iDist = j;
    aSkip[iDist] = 1;
    nLevelDist = c->aDim[iDist].col->nLevel;
    yk = xmalloc(n * sizeof(double));
    xk = xmalloc(n * sizeof(double));
  }
  for (unsigned mask = 0; mask < (1u << c->nDim); mask++) {
    long nDom;
    if (iDist >= 0 && ((mask >> iDist) & 1)) continue;   /* the distribution variable is never a domain */
    nDom = domains(c, mask, aSkip);
    if (nDom < 0) {
      too_many(c);
      goto plain_out;
    }
    aEst = xrealloc(aEst, (size_t)nDom * sizeof(Estimate));
    for (int l = (iDist >= 0 ? -1 : 0); l < (iDist >= 0 ? nLevelDist : 1); l++) {
      int r;
      if (iDist >= 0) {
        const int32_t *aCode = c->aDim[iDist].col->aCode;
        for (size_t i = 0; i < n; i++) {
          bool bMiss = aCode[i] < 0 || isnan(y[i]);
          yk[i] = bMiss ? NAN : (y[i] != 0 && (l < 0 || aCode[i] == l)) ? 1.0 : 0.0;
          xk[i] = aCode[i] < 0 ? NAN : x[i];
        }
        r = est_ratio(&c->d->design, yk, xk, c->aDom, (int)nDom, &c->opt, aEst, c->e);
      } else {
        switch (def->stat) {
          case STAT_TOTAL: r = est_total(&c->d->design, y, c->aDom, (int)nDom, &c->opt, aEst, c->e); break;
          case STAT_MEAN: r = est_mean(&c->d->design, y, c->aDom, (int)nDom, &c->opt, aEst, c->e); break;
          case STAT_RATIO: r = est_ratio(&c->d->design, y, x, c->aDom, (int)nDom, &c->opt, aEst, c->e); break;
          case STAT_QUANTILE:
            r = est_quantile(&c->d->design, y, def->q, c->aDom, (int)nDom, &c->opt, aEst, c->e);
            break;
          default: r = err_set(c->e, ERR_INTERNAL, "statistic %d", (int)def->stat); break;
        }
      }
      if (r) goto plain_out;
      for (long k = 0; k < nDom; k++) {
        Row *row;
        if (aEst[k].flags & EST_EMPTY) continue;
        row = row_new(c);
        row_codes(c, row, mask, aSkip, k);
        if (iDist >= 0) {
          const Dim *p = &c->aDim[iDist];
          row->o.azDim[p->iSdmx] = l < 0 ? p->zTotal : p->azCode[l];
          row->aKey[p->iSdmx] = l + 1;
        }
        row_estimate(c, row, &aEst[k], def->scale);
      }
    }
  }
  rc = 0;
plain_out:
  free(y);
  free(x);
  free(yk);
  free(xk);
  free(aEst);
  return rc;
}

/* The gap 100 * (1 - mean(group) / mean(reference)) between two levels of the
** migrant variable, in every domain of the other breakdowns. */
static int compute_gap(Ctx *c) {
  const IndicatorDef *def = c->def;
  const SurveyColumn *mig = survey_column(c->d, def->zMigrant);
  size_t n = c->d->n;
  double *y = xmalloc(n * sizeof(double)), *u = xmalloc(n * sizeof(double));
  int32_t *aDom2 = xmalloc(n * sizeof(int32_t));
  int aSkip[MAX_BY + 2] = {0};
  int iRef = -1, iGrp = -1, rc = -1;
  Estimate *aMean = NULL, *aTot = NULL;
  double z = normal_quantile(c->opt.conf);
  Expr v = {EXPR_VALUE, def->zValue, 0, NULL};
  if (!mig || mig->kind != COL_CATEGORICAL) {
    err_set(c->e, ERR_NOT_FOUND, "survey %s has no categorical column %s", c->d->zName, def->zMigrant);
    goto gap_out;
  }
  for (int l = 0; l < mig->nLevel; l++) {
    if (strcmp(mig->azLevel[l], def->zGapRef) == 0) iRef = l;
    if (strcmp(mig->azLevel[l], def->zGapGroup) == 0) iGrp = l;
  }
  if (expr_eval(c, &v, y)) goto gap_out;
  for (unsigned mask = 0; mask < (1u << c->nDim); mask++) {
    long nDom = domains(c, mask, aSkip);
    if (nDom < 0) {
      too_many(c);
      goto gap_out;
    }
    aMean = xrealloc(aMean, (size_t)nDom * 2 * sizeof(Estimate));
    aTot = xrealloc(aTot, (size_t)nDom * sizeof(Estimate));
    for (size_t i = 0; i < n; i++) {
      int32_t g = mig->aCode[i];
      aDom2[i] = (c->aDom[i] < 0 || g < 0 || (g != iRef && g != iGrp)) ? -1 : c->aDom[i] * 2 + (g == iGrp);
    }
    if (est_mean(&c->d->design, y, aDom2, (int)nDom * 2, &c->opt, aMean, c->e)) goto gap_out;
    /* influence of g = 1 - mG/mR: for the reference group (mG/mR^2)(y - mR)/NR,
    ** for the group -(1/mR)(y - mG)/NG; zero elsewhere */
    for (size_t i = 0; i < n; i++) {
      int32_t k = aDom2[i];
      u[i] = 0.0;
      if (k < 0 || isnan(y[i])) continue;
      const Estimate *r = &aMean[(k / 2) * 2], *g = &aMean[(k / 2) * 2 + 1];
      if (!(r->nWeighted > 0) || !(g->nWeighted > 0) || r->est == 0) continue;
      if (k % 2 == 0) u[i] = (g->est / (r->est * r->est)) * (y[i] - r->est) / r->nWeighted;
      else u[i] = -(1.0 / r->est) * (y[i] - g->est) / g->nWeighted;
    }
    if (est_total(&c->d->design, u, c->aDom, (int)nDom, &c->opt, aTot, c->e)) goto gap_out;
    for (long k = 0; k < nDom; k++) {
      const Estimate *r = &aMean[k * 2], *g = &aMean[k * 2 + 1];
      Row *row;
      if ((r->flags & EST_EMPTY) && (g->flags & EST_EMPTY)) continue;
      row = row_new(c);
      row_codes(c, row, mask, aSkip, k);
      row->o.n = r->n + g->n;
      if ((r->flags & EST_SUPPRESSED) || (g->flags & EST_SUPPRESSED)) {
        row->o.zStatus = "C";
        continue;
      }
      if ((r->flags & EST_EMPTY) || (g->flags & EST_EMPTY) || !isfinite(r->est) || !isfinite(g->est) || r->est == 0) {
        row->o.zStatus = "M";
        continue;
      }
      double gap = 100.0 * (1.0 - g->est / r->est), se = 100.0 * aTot[k].se;
      row->o.value = gap;
      row->o.se = se;
      row->o.ciLow = gap - z * se;
      row->o.ciHigh = gap + z * se;
      row->o.cv = gap != 0 ? se / fabs(gap) : NAN;
      row->o.zStatus = (isfinite(row->o.cv) && row->o.cv > c->opt.cvMax) || gap == 0 ? "U" : "A";
    }
  }
  rc = 0;
gap_out:
  free(y);
  free(u);
  free(aDom2);
  free(aMean);
  free(aTot);
  return rc;
}

static int row_cmp(const void *pa, const void *pb) {
  const Row *a = pa, *b = pb;
  static const int aOrder[] = {SDMX_COUNTERPART_AREA, SDMX_SEX, SDMX_CLASSIF1, SDMX_CLASSIF2};
  for (size_t i = 0; i < COUNT(aOrder); i++) {
    int d = a->aKey[aOrder[i]] - b->aKey[aOrder[i]];
    if (d) return d;
  }
  return 0;
}

void indicator_result_free(IndicatorResult *r) {
  if (!r) return;
  free(r->zSurvey);
  free(r->zRefArea);
  free(r->zTimePeriod);
  free(r->zBy);
  sdmx_data_free(r->pData);
  free(r);
}

/* Add zVar to the list of columns to load unless present. */
static void col_need(const char **azCol, int *pn, int nMax, const char *zVar) {
  if (!zVar) return;
  for (int i = 0; i < *pn; i++)
    if (strcmp(azCol[i], zVar) == 0) return;
  if (*pn < nMax) azCol[(*pn)++] = zVar;
}

int indicator_compute(Store *s, const Catalogue *pCat, const char *zId, const char *zSurvey, const char *const *azBy,
                      int nBy, const EstOptions *o, IndicatorResult **pp, Err *e) {
  Ctx c;
  const IndicatorDef *def;
  SurveyData *d = NULL;
  const char *azCol[64];
  int nCol = 0, rc = -1;
  IndicatorResult *r = NULL;
  Buf by;
  *pp = NULL;
  if (!pCat && !(pCat = indicator_catalogue_default(e))) return -1;
  def = indicator_find(pCat, zId);
  if (!def) {
    err_set(e, ERR_NOT_FOUND, "no indicator %s", zId ? zId : "");
    err_hint(e, "list the catalogue with `lmis indicator list`");
    return -1;
  }
  if (!azBy) {
    azBy = (const char *const *)def->azBy;
    nBy = def->nBy;
  }
  if (nBy > MAX_BY) return err_set(e, ERR_INVALID, "at most %d breakdowns", MAX_BY);
  memset(&c, 0, sizeof(c));
  c.pCat = pCat;
  c.def = def;
  c.e = e;
  c.a = arena_new();
  if (o) c.opt = *o;
  else est_options_default(&c.opt);
  buf_init(&by, BUF_UNBOUNDED);

  /* the columns to load */
  for (int i = 0; i < def->nPop; i++) col_need(azCol, &nCol, 64, def->aPop[i].zVar);
  if (def->bNum && def->num.kind != EXPR_ONE) col_need(azCol, &nCol, 64, def->num.zVar);
  if (def->bDen && def->den.kind != EXPR_ONE) col_need(azCol, &nCol, 64, def->den.zVar);
  col_need(azCol, &nCol, 64, def->zValue);
  col_need(azCol, &nCol, 64, def->zMigrant);
  col_need(azCol, &nCol, 64, def->zDistribution);
  for (int i = 0; i < nBy; i++) {
    if (!azBy[i] || !var_ok(azBy[i])) {
      err_set(e, ERR_INVALID, "\"%s\" is not a variable name", azBy[i] ? azBy[i] : "");
      goto compute_out;
    }
    col_need(azCol, &nCol, 64, azBy[i]);
  }
  if (survey_load(s, zSurvey, azCol, nCol, &d, e)) goto compute_out;
  c.d = d;

  /* breakdowns: --by, then the distribution variable (CLASSIF1) and the migrant
  ** variable (CLASSIF2) unless this is a gap between its levels */
  for (int i = 0; i < nBy; i++) {
    if (def->stat == STAT_GAP && strcmp(azBy[i], def->zMigrant) == 0) {
      err_set(e, ERR_INVALID, "%s compares the levels of %s; it cannot also be a breakdown", def->zId, def->zMigrant);
      goto compute_out;
    }
    if (def->zDistribution && strcmp(azBy[i], def->zDistribution) == 0) continue;
    if (def->zMigrant && strcmp(azBy[i], def->zMigrant) == 0) continue;
    if (dim_add(&c, azBy[i], -1)) goto compute_out;
    buf_printf(&by, "%s%s", by.n ? "," : "", azBy[i]);
  }
  if (def->zDistribution) {
    if (dim_add(&c, def->zDistribution, SDMX_CLASSIF1)) goto compute_out;
    buf_printf(&by, "%s%s", by.n ? "," : "", def->zDistribution);
  }
  if (def->zMigrant && def->stat != STAT_GAP) {
    if (dim_add(&c, def->zMigrant, SDMX_CLASSIF2)) goto compute_out;
    buf_printf(&by, "%s%s", by.n ? "," : "", def->zMigrant);
  }

  /* codes of dimensions nobody breaks down */
  c.azDefault[SDMX_REF_AREA] = d->zRefArea;
  c.azDefault[SDMX_COUNTERPART_AREA] = "_T";
  c.azDefault[SDMX_INDICATOR] = def->zId;
  c.azDefault[SDMX_SEX] = "SEX_T";
  c.azDefault[SDMX_CLASSIF1] = "_T";
  c.azDefault[SDMX_CLASSIF2] = def->stat == STAT_GAP ? "_Z" : "_T";

  /* the population */
  c.aInPop = xmalloc(d->n * sizeof(bool) + 1);
  c.aDom = xmalloc(d->n * sizeof(int32_t) + 1);
  {
    double *a = xmalloc(d->n * sizeof(double) + 1);
    for (size_t i = 0; i < d->n; i++) c.aInPop[i] = true;
    for (int k = 0; k < def->nPop; k++) {
      if (expr_eval(&c, &def->aPop[k], a)) {
        free(a);
        goto compute_out;
      }
      for (size_t i = 0; i < d->n; i++)
        if (!(a[i] == 1.0)) c.aInPop[i] = false;
    }
    free(a);
  }
  if ((def->stat == STAT_GAP ? compute_gap(&c) : compute_plain(&c))) goto compute_out;
  qsort(c.aRow, (size_t)c.nRow, sizeof(Row), row_cmp);

  r = xcalloc(1, sizeof(*r));
  r->pDef = def;
  r->zSurvey = xstrdup(d->zName);
  r->zRefArea = xstrdup(d->zRefArea);
  r->zTimePeriod = xstrdup(d->zRefPeriod);
  r->zBy = buf_detach(&by);
  r->pData = sdmx_data_new(SDMX_AGENCY, SDMX_FLOW_MIG, SDMX_DSD_VERSION);
  for (int i = 0; i < c.nRow; i++) sdmx_data_add(r->pData, &c.aRow[i].o);
  *pp = r;
  rc = 0;
compute_out:
  buf_free(&by);
  free(c.aInPop);
  free(c.aDom);
  free(c.aRow);
  arena_free(c.a);
  survey_free(d);
  return rc;
}

static const char *status_flag(const char *z) {
  if (!z || strcmp(z, "A") == 0) return "ok";
  if (strcmp(z, "U") == 0) return "unreliable";
  if (strcmp(z, "C") == 0) return "suppressed";
  return "missing";
}

static json_t *num_or_null(double v) { return isfinite(v) ? json_real(v) : json_null(); }

json_t *indicator_result_json(const IndicatorResult *r, const char *zLang) {
  json_t *a = json_array(), *jBy = json_array();
  for (size_t i = 0; i < r->pData->nObs; i++) {
    const SdmxObs *p = &r->pData->aObs[i];
    json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "ref_area", p->azDim[SDMX_REF_AREA],
                          "counterpart_area", p->azDim[SDMX_COUNTERPART_AREA], "indicator", p->azDim[SDMX_INDICATOR],
                          "sex", p->azDim[SDMX_SEX], "classif1", p->azDim[SDMX_CLASSIF1], "classif2",
                          p->azDim[SDMX_CLASSIF2], "time_period", p->zTime);
    json_object_set_new(j, "estimate", num_or_null(p->value));
    json_object_set_new(j, "se", num_or_null(p->se));
    json_object_set_new(j, "ci_low", num_or_null(p->ciLow));
    json_object_set_new(j, "ci_high", num_or_null(p->ciHigh));
    json_object_set_new(j, "cv", num_or_null(p->cv));
    json_object_set_new(j, "n", p->n >= 0 ? json_integer(p->n) : json_null());
    json_object_set_new(j, "obs_status", json_string(p->zStatus ? p->zStatus : "A"));
    json_object_set_new(j, "flag", json_string(status_flag(p->zStatus)));
    json_array_append_new(a, j);
  }
  for (const char *z = r->zBy; z && *z;) {
    size_t n = strcspn(z, ",");
    json_array_append_new(jBy, json_stringn(z, n));
    z += n + (z[n] == ',');
  }
  return json_pack("{s:o, s:s, s:s, s:s, s:o, s:s, s:o}", "indicator", indicator_def_json(r->pDef, zLang), "survey",
                   r->zSurvey, "ref_area", r->zRefArea, "time_period", r->zTimePeriod, "by", jBy, "dataflow",
                   SDMX_FLOW_MIG, "observations", a);
}

int indicator_publish(Store *s, const IndicatorResult *r, long *pnStored, Err *e) {
  char *zOrigin = xasprintf("survey:%s", r->zSurvey);
  SdmxInserter *w = NULL;
  Stmt *q = NULL;
  long n = 0;
  int rc = -1;
  if (pnStored) *pnStored = 0;
  if (store_begin(s, e)) {
    free(zOrigin);
    return -1;
  }
  q = store_prepare(s, "DELETE FROM observation WHERE dataflow = 'LMIS_MIG' AND origin = :origin"
                       " AND indicator = :indicator", e);
  if (!q) goto publish_out;
  stmt_bind_text(q, ":origin", zOrigin);
  stmt_bind_text(q, ":indicator", r->pDef->zId);
  if (stmt_run(q, e)) goto publish_out;
  w = sdmx_inserter_new(s, SDMX_INSERT_STRICT, e);
  if (!w) goto publish_out;
  for (size_t i = 0; i < r->pData->nObs; i++) {
    if (sdmx_inserter_add(w, SDMX_FLOW_MIG, &r->pData->aObs[i], zOrigin, e)) goto publish_out;
    n++;
  }
  sdmx_inserter_free(w);
  w = NULL;
  stmt_finalize(q);
  q = NULL;
  if (store_commit(s, e)) goto publish_out;
  if (pnStored) *pnStored = n;
  rc = 0;
publish_out:
  sdmx_inserter_free(w);
  stmt_finalize(q);
  if (rc) store_rollback(s);
  free(zOrigin);
  return rc;
}
