/*
** cmd_estimate.c: `lmis survey estimate NAME --stat S --var X [...]`, design-based
** estimates from imported survey microdata (estimate.c does the statistics).
**
** The handler checks every option against the survey's columns (survey_info)
** before loading anything, so each error names its option; then it loads only the
** design and the columns it needs (level indices as stored, 1 or 2 bytes), maps
** the --by combinations that hold a unit to domains (units outside --where, or
** missing a --by value, are outside every domain; the design stays whole), and
** makes one est_linear_by call for all the totals, means and ratios over those
** domains (each level of a categorical variable totalled or averaged is one
** statistic), or one est_quantile call per quantile. With --batch, every item
** is checked first, then the items with the same domains are computed together.
**
** Variables: X is a column by name or concept; X=code is the 0/1 indicator of one
** level (missing where X is missing). A categorical X with --stat total or mean
** gives one row per level (counts or proportions, as svytotal/svymean(~factor(X))).
** Domains with no unit are not listed (as svyby's drop.empty.groups).
*/
#include "cmds.h"
#include "estimate.h"
#include "survey.h"
#include "util.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BY 8
#define MAX_WHERE 8
#define MAX_COMBINATIONS (1 << 20)

typedef enum EstStat { STAT_TOTAL, STAT_MEAN, STAT_RATIO, STAT_QUANTILE } EstStat;

/* A column named by an option: "X" or "X=code". */
typedef struct ColRef {
  const char *zOpt;        /* the option that named it, for messages */
  char *zSpec;             /* as given */
  char *zCol;              /* name or concept as given, before '=' */
  char *zCode;             /* after '=', or NULL */
  const char *zName;       /* the column's name in the survey (borrowed from the info JSON) */
  bool bCat;
  int iLevel;              /* zCode's level index (categorical), else -1 */
  double rValue;           /* zCode as a number (numeric column) */
  const SurveyColumn *pCol;
} ColRef;

typedef struct EstCmd {
  CliCtx *c;
  const char *zSurvey;
  EstStat stat;
  const char *zStat;
  double q;
  EstOptions opt;
  ColRef var, den;
  bool bDen;
  int nBy, nWhere;
  ColRef aBy[MAX_BY], aWhere[MAX_WHERE];
  const char *zByOpt, *zWhereOpt;   /* --by and --where as given (NULL: none) */
  json_t *pInfo;
  SurveyData *pData;
  bool bSharedData;        /* pData belongs to the batch, not to this estimate */
  /* Results: the domains and nLevel x nDom estimates. aDom, aMap and aCombo
  ** belong to the first estimate of those domains (bOwnDom); the others borrow
  ** aMap and aCombo. */
  int32_t *aDom;           /* for quantiles: each unit's domain (-1 outside), else NULL */
  int32_t *aMap;           /* aMap[1 + c]: the domain of --by combination c (-1 none); aMap[0] = -1 */
  void *pDomN;             /* each unit's domain in nDomWidth (1 or 2) bytes, or NULL: computed when asked */
  int nDomWidth;
  int *aCombo;
  int nDom, nLevel;
  bool bOwnDom, bDone;
  Estimate *aRes;
} EstCmd;

/* What a batch loads once for all its items (NULL members: load per item). */
typedef struct EstShared {
  json_t *pInfo;
  SurveyData *pData;
} EstShared;

static void colref_free(ColRef *r) {
  free(r->zSpec);
  free(r->zCol);
  free(r->zCode);
}

/* Parse a whole number into *p; false if z is not one. */
static bool parse_double(const char *z, double *p) {
  char *zEnd;
  if (!z || !*z) return false;
  *p = strtod(z, &zEnd);
  return *zEnd == 0 && !isnan(*p);
}

static int usage(EstCmd *x, const char *zOpt, const char *zFmt, const char *zArg) {
  err_set(&x->c->err, ERR_USAGE, zFmt, zOpt, zArg);
  err_where(&x->c->err, "%s", zOpt);
  return -1;
}

/* The column object of the survey info for a name, else a concept; NULL if none. */
static json_t *info_column(json_t *pInfo, const char *zCol) {
  json_t *a = json_object_get(pInfo, "columns"), *v;
  size_t i;
  json_array_foreach(a, i, v) {
    const char *zName = json_string_value(json_object_get(v, "name"));
    if (zName && strcmp(zName, zCol) == 0) return v;
  }
  json_array_foreach(a, i, v) {
    const char *zConcept = json_string_value(json_object_get(v, "concept"));
    if (zConcept && strcmp(zConcept, zCol) == 0) return v;
  }
  return NULL;
}

/* "a, b, c" of up to 20 levels of a column, for hints; caller frees. */
static char *level_list(json_t *pCol) {
  Buf b;
  json_t *a = json_object_get(pCol, "levels"), *v;
  size_t i;
  buf_init(&b, 4096);
  json_array_foreach(a, i, v) {
    if (i == 20) {
      buf_printf(&b, ", ... (%zu in all)", json_array_size(a));
      break;
    }
    buf_printf(&b, "%s%s", i ? ", " : "", json_string_value(v) ? json_string_value(v) : "");
  }
  return buf_detach(&b);
}

/* Resolve zSpec ("X" or "X=code") against the survey's columns. bCode: whether
** "=code" is allowed. */
static int colref_resolve(EstCmd *x, ColRef *r, const char *zOpt, const char *zSpec, bool bCode) {
  Err *e = &x->c->err;
  const char *zEq = strchr(zSpec, '=');
  r->zOpt = zOpt;
  r->zSpec = xstrdup(zSpec);
  r->zCol = zEq ? xstrndup(zSpec, (size_t)(zEq - zSpec)) : xstrdup(zSpec);
  r->zCode = zEq ? xstrdup(zEq + 1) : NULL;
  r->iLevel = -1;
  if (!*r->zCol) return usage(x, zOpt, "%s: a column name is missing in \"%s\"", zSpec);
  if (zEq && !bCode) return usage(x, zOpt, "%s takes column names, not \"%s\"", zSpec);
  json_t *pCol = info_column(x->pInfo, r->zCol);
  if (!pCol) {
    err_set(e, ERR_NOT_FOUND, "%s: survey %s has no column or concept \"%s\"", zOpt, x->zSurvey, r->zCol);
    err_where(e, "%s", zOpt);
    err_hint(e, "`lmis survey show %s` lists its columns", x->zSurvey);
    return -1;
  }
  const char *zRole = json_string_value(json_object_get(pCol, "role"));
  if (zRole && (strcmp(zRole, "psu") == 0 || strcmp(zRole, "strata") == 0 || strcmp(zRole, "weight") == 0 ||
                strcmp(zRole, "fpc") == 0)) {
    err_set(e, ERR_USAGE, "%s: %s is a design column (%s)", zOpt, r->zCol, zRole);
    err_where(e, "%s", zOpt);
    return -1;
  }
  r->zName = json_string_value(json_object_get(pCol, "name"));
  r->bCat = strcmp(json_string_value(json_object_get(pCol, "kind")) ? json_string_value(json_object_get(pCol, "kind"))
                                                                     : "",
                   "categorical") == 0;
  if (r->zCode && r->bCat) {
    json_t *a = json_object_get(pCol, "levels"), *v;
    size_t i;
    json_array_foreach(a, i, v) {
      if (json_string_value(v) && strcmp(json_string_value(v), r->zCode) == 0) r->iLevel = (int)i;
    }
    if (r->iLevel < 0) {
      char *zLevels = level_list(pCol);
      err_set(e, ERR_USAGE, "%s: column %s has no level \"%s\"", zOpt, r->zName, r->zCode);
      err_where(e, "%s", zOpt);
      err_hint(e, "its levels are %s", zLevels);
      free(zLevels);
      return -1;
    }
  } else if (r->zCode) {
    if (!parse_double(r->zCode, &r->rValue)) {
      err_set(e, ERR_USAGE, "%s: column %s is numeric and \"%s\" is not a number", zOpt, r->zName, r->zCode);
      err_where(e, "%s", zOpt);
      return -1;
    }
  }
  return 0;
}

/* Split a comma-separated option into column references. */
static int parse_list(EstCmd *x, const char *zOpt, const char *zList, ColRef *aRef, int nMax, int *pn, bool bCode) {
  char *zCopy = xstrdup(zList), *z = zCopy;
  int rc = 0;
  *pn = 0;
  while (rc == 0) {
    char *zEnd = strchr(z, ',');
    if (zEnd) *zEnd = 0;
    if (*pn == nMax) {
      rc = usage(x, zOpt, "%s takes at most " "8" " items, not \"%s\"", zList);
      break;
    }
    rc = colref_resolve(x, &aRef[(*pn)++], zOpt, z, bCode);
    if (!zEnd) break;
    z = zEnd + 1;
  }
  free(zCopy);
  return rc;
}

static int parse_options(EstCmd *x) {
  CliCtx *c = x->c;
  const char *z;
  double r;
  long long nMin;
  est_options_default(&x->opt);
  x->q = 0.5;
  z = cli_opt(c, "--stat");
  if (!z) return usage(x, "--stat", "%s is required: total, mean, ratio or quantile%s", "");
  x->zStat = z;
  if (strcmp(z, "total") == 0) x->stat = STAT_TOTAL;
  else if (strcmp(z, "mean") == 0) x->stat = STAT_MEAN;
  else if (strcmp(z, "ratio") == 0) x->stat = STAT_RATIO;
  else if (strcmp(z, "quantile") == 0) x->stat = STAT_QUANTILE;
  else return usage(x, "--stat", "%s must be total, mean, ratio or quantile, not \"%s\"", z);
  if (!cli_opt(c, "--var")) return usage(x, "--var", "%s is required%s", "");
  if (x->stat == STAT_RATIO && !cli_opt(c, "--den"))
    return usage(x, "--den", "%s is required with --stat ratio (the denominator)%s", "");
  if (x->stat != STAT_RATIO && cli_opt(c, "--den")) return usage(x, "--den", "%s applies only to --stat ratio%s", "");
  if ((z = cli_opt(c, "--q"))) {
    if (x->stat != STAT_QUANTILE) return usage(x, "--q", "%s applies only to --stat quantile%s", "");
    if (!parse_double(z, &x->q) || !(x->q > 0 && x->q < 1))
      return usage(x, "--q", "%s must be a number between 0 and 1 (exclusive), not \"%s\"", z);
  }
  if ((z = cli_opt(c, "--conf"))) {
    if (!parse_double(z, &r) || !(r > 0 && r < 1))
      return usage(x, "--conf", "%s must be a confidence level between 0 and 1 (e.g. 0.95), not \"%s\"", z);
    x->opt.conf = r;
  }
  if ((z = cli_opt(c, "--cv-max"))) {
    if (!parse_double(z, &r) || r < 0)
      return usage(x, "--cv-max", "%s must be a non-negative number (e.g. 0.3), not \"%s\"", z);
    x->opt.cvMax = r;
  }
  if (cli_opt_int(c, "--min-n", 0, 1000000000, 10, &nMin)) return -1;
  x->opt.nMinCell = (long)nMin;
  return 0;
}

/* Check the references against the statistic, then load what they need. */
static int resolve_and_load(EstCmd *x) {
  CliCtx *c = x->c;
  Err *e = &c->err;
  const char *z;
  if (!x->pInfo) x->pInfo = survey_info(c->store, x->zSurvey, e);
  if (!x->pInfo) return -1;
  if (colref_resolve(x, &x->var, "--var", cli_opt(c, "--var"), true)) return -1;
  if (x->stat == STAT_QUANTILE && (x->var.bCat || x->var.zCode)) {
    err_set(e, ERR_USAGE, "--var: a quantile needs a numeric variable; %s is %s", x->var.zSpec,
            x->var.bCat ? "categorical" : "an indicator");
    err_where(e, "--var");
    return -1;
  }
  if (x->stat == STAT_RATIO && x->var.bCat && !x->var.zCode) {
    err_set(e, ERR_USAGE, "--var: %s is categorical; a ratio needs a number or one level, e.g. %s=CODE", x->var.zName,
            x->var.zName);
    err_where(e, "--var");
    return -1;
  }
  if (x->stat == STAT_RATIO) {
    x->bDen = true;
    if (colref_resolve(x, &x->den, "--den", cli_opt(c, "--den"), true)) return -1;
    if (x->den.bCat && !x->den.zCode) {
      err_set(e, ERR_USAGE, "--den: %s is categorical; use a number or one level, e.g. %s=CODE", x->den.zName,
              x->den.zName);
      err_where(e, "--den");
      return -1;
    }
  }
  x->zByOpt = cli_opt(c, "--by");
  x->zWhereOpt = cli_opt(c, "--where");
  if ((z = cli_opt(c, "--by")) && parse_list(x, "--by", z, x->aBy, MAX_BY, &x->nBy, false)) return -1;
  for (int k = 0; k < x->nBy; k++) {
    if (!x->aBy[k].bCat) {
      err_set(e, ERR_USAGE, "--by: %s is numeric; domains need categorical columns", x->aBy[k].zName);
      err_where(e, "--by");
      return -1;
    }
    for (int j = 0; j < k; j++)
      if (strcmp(x->aBy[j].zName, x->aBy[k].zName) == 0) {   /* the same column, maybe by name and concept */
        err_set(e, ERR_USAGE, "--by: %s is given twice", x->aBy[k].zName);
        err_where(e, "--by");
        return -1;
      }
  }
  if ((z = cli_opt(c, "--where"))) {
    if (parse_list(x, "--where", z, x->aWhere, MAX_WHERE, &x->nWhere, true)) return -1;
    for (int k = 0; k < x->nWhere; k++)
      if (!x->aWhere[k].zCode) return usage(x, "--where", "%s takes COLUMN=code items, not \"%s\"", x->aWhere[k].zSpec);
  }

  /* Load the design and the distinct columns named. */
  const char *azCol[2 + MAX_BY + MAX_WHERE];
  ColRef *apRef[2 + MAX_BY + MAX_WHERE];
  int nCol = 0, nRef = 0;
  apRef[nRef++] = &x->var;
  if (x->bDen) apRef[nRef++] = &x->den;
  for (int k = 0; k < x->nBy; k++) apRef[nRef++] = &x->aBy[k];
  for (int k = 0; k < x->nWhere; k++) apRef[nRef++] = &x->aWhere[k];
  for (int k = 0; k < nRef; k++) {
    bool bSeen = false;
    for (int j = 0; j < nCol; j++) bSeen = bSeen || strcmp(azCol[j], apRef[k]->zName) == 0;
    if (!bSeen) azCol[nCol++] = apRef[k]->zName;
  }
  /* A batch may have loaded every column its items name already. */
  bool bHave = x->bSharedData;
  for (int k = 0; k < nCol && bHave; k++) bHave = survey_column(x->pData, azCol[k]) != NULL;
  if (!bHave) {
    x->pData = NULL;
    x->bSharedData = false;
    if (survey_load_ex(c->store, x->zSurvey, azCol, nCol, SURVEY_LOAD_NARROW, &x->pData, e)) return -1;
  }
  for (int k = 0; k < nRef; k++) {
    apRef[k]->pCol = survey_column(x->pData, apRef[k]->zName);
    if (!apRef[k]->pCol || (apRef[k]->bCat != (apRef[k]->pCol->kind == COL_CATEGORICAL)))
      return err_set(e, ERR_INTERNAL, "column %s changed while it was being read", apRef[k]->zName);
  }
  return 0;
}

/* Level indices of rows i0..i0+m of a categorical column as int32, into a[]. */
static void column_codes(const SurveyColumn *col, size_t i0, size_t m, int32_t *a) {
  if (col->nCodeWidth == 1) {
    const int8_t *p = (const int8_t *)col->pCode + i0;
    for (size_t j = 0; j < m; j++) a[j] = p[j];
  } else if (col->nCodeWidth == 2) {
    const int16_t *p = (const int16_t *)col->pCode + i0;
    for (size_t j = 0; j < m; j++) a[j] = p[j];
  } else {
    memcpy(a, (const int32_t *)col->pCode + i0, m * sizeof *a);
  }
}

/* The values of a reference as the estimator reads them: a numeric column as
** is, else the 0/1 indicator of level iLevel (or of the number rValue). */
static EstVar colref_var(const ColRef *r, int iLevel) {
  EstVar v;
  memset(&v, 0, sizeof v);
  if (r->bCat) {
    v.pCode = r->pCol->pCode;
    v.nCodeWidth = r->pCol->nCodeWidth;
    v.iLevel = iLevel;
  } else {
    v.aNum = r->pCol->aNum;
    v.bEq = r->zCode != NULL;
    v.rEq = r->rValue;
  }
  return v;
}

/* The --by combination of units i0..i0+m-1 (m <= DOM_CHUNK) into a[]: -1 for a
** unit outside --where or missing a --by value. */
#define DOM_CHUNK 8192
#define DOM_THREAD_MIN 200000   /* units from which build_domains takes a second thread */
static void domain_combos(const EstCmd *x, size_t i0, size_t m, int32_t *a) {
  int32_t aCode[DOM_CHUNK];
  for (size_t j = 0; j < m; j++) a[j] = 0;
  for (int k = 0; k < x->nWhere; k++) {
    const ColRef *r = &x->aWhere[k];
    if (r->bCat && r->pCol->nCodeWidth == 1) {   /* the common case, without a copy */
      const int8_t *p = (const int8_t *)r->pCol->pCode + i0;
      int32_t l = r->iLevel;
      for (size_t j = 0; j < m; j++) a[j] = p[j] == l ? a[j] : -1;
    } else if (r->bCat) {
      column_codes(r->pCol, i0, m, aCode);
      for (size_t j = 0; j < m; j++) a[j] = aCode[j] == r->iLevel ? a[j] : -1;
    } else {
      const double *p = r->pCol->aNum + i0;
      for (size_t j = 0; j < m; j++) a[j] = p[j] == r->rValue ? a[j] : -1;
    }
  }
  for (int k = 0; k < x->nBy; k++) {
    int32_t nLevel = x->aBy[k].pCol->nLevel;
    if (x->aBy[k].pCol->nCodeWidth == 1) {
      const int8_t *p = (const int8_t *)x->aBy[k].pCol->pCode + i0;
      /* without a branch (either negative: -1), so that the loop vectorizes */
      for (size_t j = 0; j < m; j++) {
        int32_t c = p[j], v = a[j] * nLevel + c;
        a[j] = (a[j] | c) < 0 ? -1 : v;
      }
      continue;
    }
    column_codes(x->aBy[k].pCol, i0, m, aCode);
    for (size_t j = 0; j < m; j++) {
      int32_t v = a[j] * nLevel + aCode[j];
      a[j] = (a[j] | aCode[j]) < 0 ? -1 : v;
    }
  }
}

/* EstDomainFn: the domains of units i0..i0+m-1, from the narrow array of them
** when there is one, else computed again (a few byte reads a unit). */
static void domain_fn(void *pArg, size_t i0, size_t m, int32_t *a) {
  const EstCmd *x = pArg;
  if (x->pDomN && x->nDomWidth == 1) {
    const int8_t *p = (const int8_t *)x->pDomN + i0;
    for (size_t j = 0; j < m; j++) a[j] = p[j];
    return;
  }
  if (x->pDomN) {
    const int16_t *p = (const int16_t *)x->pDomN + i0;
    for (size_t j = 0; j < m; j++) a[j] = p[j];
    return;
  }
  for (size_t j0 = 0; j0 < m; j0 += DOM_CHUNK) {
    size_t mj = m - j0 < DOM_CHUNK ? m - j0 : DOM_CHUNK;
    domain_combos(x, i0 + j0, mj, a + j0);
    for (size_t j = j0; j < j0 + mj; j++) a[j] = x->aMap[a[j] + 1];
  }
}

/* The domains: the --by combinations that hold a unit, in level order; x->aMap
** maps a combination to its domain, x->aCombo[nDom] each domain's combination.
** When the combinations fit in 1 or 2 bytes, each unit's domain is kept in an
** array of that width (x->pDomN), the survey's smallest column: cheaper than
** computing it again for each pass. */
/* build_domains' pass over units u0..u1-1: each unit's combination into
** x->pDomN (1 or 2 bytes) and the count of each combination into aCount. */
typedef struct DomJob {
  const EstCmd *x;
  size_t u0, u1;
  long *aCount;
} DomJob;

static void *domain_job(void *pArg) {
  DomJob *job = pArg;
  const EstCmd *x = job->x;
  int32_t *a = xmalloc(DOM_CHUNK * sizeof *a);
  int8_t *p1 = x->nDomWidth == 1 ? x->pDomN : NULL;
  int16_t *p2 = x->nDomWidth == 2 ? x->pDomN : NULL;
  for (size_t i0 = job->u0; i0 < job->u1; i0 += DOM_CHUNK) {
    size_t m = job->u1 - i0 < DOM_CHUNK ? job->u1 - i0 : DOM_CHUNK;
    domain_combos(x, i0, m, a);
    for (size_t j = 0; j < m; j++)
      if (a[j] >= 0) job->aCount[a[j]]++;
    if (p1)
      for (size_t j = 0; j < m; j++) p1[i0 + j] = (int8_t)a[j];
    if (p2)
      for (size_t j = 0; j < m; j++) p2[i0 + j] = (int16_t)a[j];
  }
  free(a);
  return NULL;
}

/* The domains: the --by combinations that hold a unit, in level order; x->aMap
** maps a combination to its domain, x->aCombo[nDom] each domain's combination.
** When the combinations fit in 1 or 2 bytes, each unit's domain is kept in an
** array of that width (x->pDomN), the survey's smallest column: cheaper than
** computing it again for each pass. A large survey's halves go to two threads. */
static int build_domains(EstCmd *x) {
  size_t n = x->pData->n;
  long nComb = 1;
  for (int k = 0; k < x->nBy; k++) {
    nComb *= x->aBy[k].pCol->nLevel > 0 ? x->aBy[k].pCol->nLevel : 1;
    if (nComb > MAX_COMBINATIONS) {
      err_set(&x->c->err, ERR_USAGE, "--by: more than %d combinations of levels", MAX_COMBINATIONS);
      err_where(&x->c->err, "--by");
      return -1;
    }
  }
  x->nDomWidth = nComb <= INT8_MAX ? 1 : nComb <= INT16_MAX ? 2 : 0;
  if (x->nDomWidth) x->pDomN = xmalloc((n ? n : 1) * (size_t)x->nDomWidth);
  DomJob aJob[2];
  int nJob = n >= DOM_THREAD_MIN ? 2 : 1;
  for (int t = 0; t < nJob; t++) {
    aJob[t].x = x;
    aJob[t].u0 = t == 0 ? 0 : n / 2;
    aJob[t].u1 = t == 0 && nJob == 2 ? n / 2 : n;
    aJob[t].aCount = xcalloc((size_t)nComb, sizeof(long));
  }
  pthread_t thread;
  bool bThread = nJob == 2 && thread_start_beside(&thread, domain_job, &aJob[1]) == 0;
  domain_job(&aJob[0]);
  if (bThread) pthread_join(thread, NULL);
  else if (nJob == 2) domain_job(&aJob[1]);
  long *aCount = aJob[0].aCount;
  for (int t = 1; t < nJob; t++) {
    for (long k = 0; k < nComb; k++) aCount[k] += aJob[t].aCount[k];
    free(aJob[t].aCount);
  }
  x->nDom = 0;
  x->aCombo = xmalloc((size_t)nComb * sizeof *x->aCombo);
  x->aMap = xmalloc((size_t)(nComb + 1) * sizeof *x->aMap);
  x->aMap[0] = -1;
  for (long k = 0; k < nComb; k++) {
    x->aMap[k + 1] = aCount[k] ? x->nDom : -1;
    if (aCount[k]) x->aCombo[x->nDom++] = (int)k;
  }
  free(aCount);
  /* combinations -> domains in place (a domain's index is at most its
  ** combination's); nothing to do when every combination holds a unit */
  if (x->nDom < nComb) {
    int8_t *p1 = x->nDomWidth == 1 ? x->pDomN : NULL;
    int16_t *p2 = x->nDomWidth == 2 ? x->pDomN : NULL;
    if (p1)
      for (size_t i = 0; i < n; i++) p1[i] = (int8_t)x->aMap[p1[i] + 1];
    if (p2)
      for (size_t i = 0; i < n; i++) p2[i] = (int16_t)x->aMap[p2[i] + 1];
  }
  return 0;
}

/* The level code of --by column k in combination comb. */
static const char *combo_code(const EstCmd *x, int comb, int k) {
  for (int j = x->nBy - 1; j > k; j--) comb /= x->aBy[j].pCol->nLevel;
  return x->aBy[k].pCol->azLevel[comb % x->aBy[k].pCol->nLevel];
}

static json_t *json_num(double v) { return isfinite(v) ? json_real(v) : json_null(); }

static const char *flag_name(int flags) {
  if (flags & (EST_SUPPRESSED | EST_EMPTY)) return (flags & EST_SUPPRESSED) ? "suppressed" : NULL;
  return (flags & EST_UNRELIABLE) ? "unreliable" : NULL;
}

/* "1234567.89" as "1234568" and small numbers with 6 significant digits, into z[nz]. */
static const char *fmt_num(double v, char *z, size_t nz) {
  if (isnan(v)) snprintf(z, nz, "-");
  else if (fabs(v) >= 1e5) snprintf(z, nz, "%.0f", v);
  else snprintf(z, nz, "%.6g", v);
  return z;
}

static int emit(EstCmd *x, const Estimate *aRes, int nLevel, int nDom, const int *aCombo, json_t **ppOut) {
  CliCtx *c = x->c;
  bool bLevels = nLevel > 1 || (x->var.bCat && !x->var.zCode);
  const SurveyColumn *pVar = x->var.pCol;
  json_t *j = json_object(), *aRows = json_array(), *aBy = json_array();
  json_object_set_new(j, "survey", json_string(x->zSurvey));
  json_object_set_new(j, "stat", json_string(x->zStat));
  json_object_set_new(j, "var", json_string(x->var.zSpec));
  json_object_set_new(j, "den", x->bDen ? json_string(x->den.zSpec) : json_null());
  json_object_set_new(j, "q", x->stat == STAT_QUANTILE ? json_real(x->q) : json_null());
  for (int k = 0; k < x->nBy; k++) json_array_append_new(aBy, json_string(x->aBy[k].zCol));
  json_object_set_new(j, "by", aBy);
  json_object_set_new(j, "where", x->zWhereOpt ? json_string(x->zWhereOpt) : json_null());
  json_object_set_new(j, "conf", json_real(x->opt.conf));
  for (int d = 0; d < nDom; d++) {
    for (int l = 0; l < nLevel; l++) {
      const Estimate *r = &aRes[(size_t)l * (size_t)nDom + (size_t)d];
      bool bHide = (r->flags & EST_SUPPRESSED) != 0;
      json_t *pRow = json_object(), *pBy = json_object();
      for (int k = 0; k < x->nBy; k++)
        json_object_set_new(pBy, x->aBy[k].zCol, json_string(combo_code(x, aCombo[d], k)));
      json_object_set_new(pRow, "by", pBy);
      if (bLevels) json_object_set_new(pRow, "level", json_string(pVar->azLevel[l]));
      json_object_set_new(pRow, "estimate", bHide ? json_null() : json_num(r->est));
      json_object_set_new(pRow, "se", bHide ? json_null() : json_num(r->se));
      json_object_set_new(pRow, "ci_low", bHide ? json_null() : json_num(r->ciLow));
      json_object_set_new(pRow, "ci_high", bHide ? json_null() : json_num(r->ciHigh));
      json_object_set_new(pRow, "cv", bHide ? json_null() : json_num(r->cv));
      json_object_set_new(pRow, "n", json_integer(r->n));
      json_object_set_new(pRow, "flag", flag_name(r->flags) ? json_string(flag_name(r->flags)) : json_null());
      json_array_append_new(aRows, pRow);
    }
  }
  json_object_set_new(j, "rows", aRows);
  if (ppOut && c->bJson) {
    *ppOut = j;
    return 0;
  }
  if (c->bJson) return cli_print_json(c, j);

  /* Text: a header line, then an aligned table built from the JSON rows. */
  FILE *f = c->out;
  fprintf(f, "survey %s: %s of %s", x->zSurvey, x->zStat, x->var.zSpec);
  if (x->bDen) fprintf(f, " / %s", x->den.zSpec);
  if (x->stat == STAT_QUANTILE) fprintf(f, " (q = %g)", x->q);
  if (x->nBy) fprintf(f, " by %s", x->zByOpt);
  if (x->zWhereOpt) fprintf(f, ", where %s", x->zWhereOpt);
  fprintf(f, "; %g%% confidence intervals\n", 100 * x->opt.conf);
  enum { NCOLMAX = MAX_BY + 9 };
  const char *azHead[NCOLMAX];
  int nCol = 0;
  for (int k = 0; k < x->nBy; k++) azHead[nCol++] = x->aBy[k].zCol;
  if (bLevels) azHead[nCol++] = "level";
  static const char *azStat[] = {"estimate", "se", "ci_low", "ci_high", "cv", "n", "flag"};
  for (size_t k = 0; k < COUNT(azStat); k++) azHead[nCol++] = azStat[k];
  size_t nRow = json_array_size(aRows);
  char **azCell = xcalloc((nRow + 1) * (size_t)nCol, sizeof(char *));
  int aWidth[NCOLMAX];
  for (int k = 0; k < nCol; k++) azCell[k] = xstrdup(azHead[k]);
  for (size_t i = 0; i < nRow; i++) {
    json_t *pRow = json_array_get(aRows, i);
    char **az = azCell + (i + 1) * (size_t)nCol, zNum[64];
    int k = 0;
    for (int b = 0; b < x->nBy; b++) az[k++] = xstrdup(json_string_value(json_object_get(json_object_get(pRow, "by"),
                                                                                          x->aBy[b].zCol)));
    if (bLevels) az[k++] = xstrdup(json_string_value(json_object_get(pRow, "level")));
    for (int s = 0; s < 4; s++) {
      json_t *v = json_object_get(pRow, azStat[s]);
      az[k++] = xstrdup(json_is_null(v) ? "-" : fmt_num(json_real_value(v), zNum, sizeof zNum));
    }
    json_t *pCv = json_object_get(pRow, "cv");
    if (json_is_null(pCv)) az[k++] = xstrdup("-");
    else az[k++] = xasprintf("%.1f%%", 100 * json_real_value(pCv));
    az[k++] = xasprintf("%lld", (long long)json_integer_value(json_object_get(pRow, "n")));
    const char *zFlag = json_string_value(json_object_get(pRow, "flag"));
    az[k++] = xstrdup(zFlag ? zFlag : "");
  }
  for (int k = 0; k < nCol; k++) {
    aWidth[k] = 0;
    for (size_t i = 0; i <= nRow; i++) {
      int w = (int)strlen(azCell[i * (size_t)nCol + (size_t)k]);
      if (w > aWidth[k]) aWidth[k] = w;
    }
  }
  for (size_t i = 0; i <= nRow; i++) {
    Buf b;
    buf_init(&b, BUF_UNBOUNDED);
    for (int k = 0; k < nCol; k++) {
      const char *zCell = azCell[i * (size_t)nCol + (size_t)k];
      bool bRight = k >= nCol - 7 && k < nCol - 1;   /* numbers right-aligned */
      if (k) buf_puts(&b, "  ");
      buf_printf(&b, bRight ? "%*s" : "%-*s", aWidth[k], zCell);
    }
    const char *zLine = buf_cstr(&b);
    size_t nLine = strlen(zLine);
    while (nLine > 0 && zLine[nLine - 1] == ' ') nLine--;
    fprintf(f, "%.*s\n", (int)nLine, zLine);
    buf_free(&b);
  }
  if (nRow == 0) fprintf(f, "(no unit in the domain)\n");
  for (size_t i = 0; i < (nRow + 1) * (size_t)nCol; i++) free(azCell[i]);
  free(azCell);
  json_decref(j);
  return 0;
}

/* Parse and check one estimate's options (the command line, or one batch item)
** and load what it needs into x (pShared: what a batch loaded for all). */
static int estimate_prepare(CliCtx *c, const EstShared *pShared, EstCmd *x) {
  memset(x, 0, sizeof *x);
  x->c = c;
  x->zSurvey = c->azArg[0];
  if (pShared && pShared->pInfo) x->pInfo = json_incref(pShared->pInfo);
  if (pShared && pShared->pData) {
    x->pData = pShared->pData;
    x->bSharedData = true;
  }
  return parse_options(x) || resolve_and_load(x) ? -1 : 0;
}

static void estimate_free(EstCmd *x) {
  if (x->bOwnDom) {
    free(x->aDom);
    free(x->pDomN);
    free(x->aMap);
    free(x->aCombo);
  }
  free(x->aRes);
  colref_free(&x->var);
  colref_free(&x->den);
  for (int k = 0; k < MAX_BY; k++) colref_free(&x->aBy[k]);
  for (int k = 0; k < MAX_WHERE; k++) colref_free(&x->aWhere[k]);
  json_decref(x->pInfo);
  if (!x->bSharedData) survey_free(x->pData);
}

/* Whether two estimates have the same domains (the same loaded columns and codes). */
static bool same_domains(const EstCmd *a, const EstCmd *b) {
  if (a->pData != b->pData || a->nBy != b->nBy || a->nWhere != b->nWhere) return false;
  for (int k = 0; k < a->nBy; k++)
    if (a->aBy[k].pCol != b->aBy[k].pCol) return false;
  for (int k = 0; k < a->nWhere; k++) {
    const ColRef *p = &a->aWhere[k], *q = &b->aWhere[k];
    if (p->pCol != q->pCol || p->iLevel != q->iLevel || (!p->bCat && p->rValue != q->rValue)) return false;
  }
  return true;
}

/* Compute ax[i0] and every later estimate with the same domains: one domain
** index for all, and all the totals, means and ratios in one est_linear call
** (each level of a categorical variable is one statistic of it). On failure
** *piFail is the estimate that failed. */
static int estimate_group(EstCmd *ax, int nx, int i0, int *piFail) {
  EstCmd *x0 = &ax[i0];
  CliCtx *c = x0->c;
  size_t n = x0->pData->n;
  const Design *d = &x0->pData->design;
  int rc = -1, nItem = 0, iFail = 0;
  int *aiOwner = NULL;
  EstItem *aItem = NULL;
  *piFail = i0;
  x0->bOwnDom = true;
  if (build_domains(x0)) return -1;
  for (int i = i0; i < nx; i++) {
    EstCmd *x = &ax[i];
    if (x->bDone || (i > i0 && !same_domains(x0, x))) continue;
    x->bDone = true;
    if (i > i0) {
      x->aMap = x0->aMap;
      x->pDomN = x0->pDomN;
      x->nDomWidth = x0->nDomWidth;
      x->aCombo = x0->aCombo;
      x->nDom = x0->nDom;
    }
    x->nLevel = x->var.bCat && !x->var.zCode ? x->var.pCol->nLevel : 1;
    x->aRes = xcalloc((size_t)(x->nLevel > 0 ? x->nLevel : 1) * (size_t)(x->nDom > 0 ? x->nDom : 1), sizeof *x->aRes);
    if (x->nDom == 0) continue;
    if (x->stat == STAT_QUANTILE) {   /* a numeric variable (checked): its column as is */
      if (!x0->aDom) {   /* quantiles sort by domain: an array of the domains */
        x0->aDom = xmalloc((n ? n : 1) * sizeof *x0->aDom);
        domain_fn(x0, 0, n, x0->aDom);
      }
      if (est_quantile(d, x->var.pCol->aNum, x->q, x0->aDom, x->nDom, &x->opt, x->aRes, &c->err)) {
        *piFail = i;
        goto out;
      }
      continue;
    }
    aItem = xrealloc(aItem, (size_t)(nItem + x->nLevel) * sizeof *aItem);
    aiOwner = xrealloc(aiOwner, (size_t)(nItem + x->nLevel) * sizeof *aiOwner);
    for (int l = 0; l < x->nLevel; l++) {
      EstItem *it = &aItem[nItem];
      memset(it, 0, sizeof *it);
      it->kind = x->stat == STAT_TOTAL ? EST_KIND_TOTAL : x->stat == STAT_MEAN ? EST_KIND_MEAN : EST_KIND_RATIO;
      it->y = colref_var(&x->var, x->var.zCode ? x->var.iLevel : l);
      if (x->bDen) it->x = colref_var(&x->den, x->den.iLevel);
      it->opt = x->opt;
      it->aOut = x->aRes + (size_t)l * (size_t)x->nDom;
      aiOwner[nItem++] = i;
    }
  }
  if (nItem > 0 && est_linear_by(d, domain_fn, x0, x0->nDom, aItem, nItem, &iFail, &c->err)) {
    *piFail = aiOwner[iFail];
    goto out;
  }
  rc = 0;
out:
  free(aItem);
  free(aiOwner);
  return rc;
}

/* Compute every estimate of ax[0..nx), grouped by domains. */
static int estimate_all(EstCmd *ax, int nx, int *piFail) {
  for (int i = 0; i < nx; i++)
    if (!ax[i].bDone && estimate_group(ax, nx, i, piFail)) return -1;
  return 0;
}

#define BATCH_MAX 1000

/* Option names a batch item may carry, as JSON keys and as the options they stand for. */
static const struct {
  const char *zKey, *zOpt;
} aBatchKey[] = {
  {"stat", "--stat"}, {"var", "--var"}, {"den", "--den"}, {"q", "--q"}, {"by", "--by"}, {"where", "--where"},
  {"conf", "--conf"}, {"cv_max", "--cv-max"}, {"min_n", "--min-n"},
};

/* Load once the columns that any item of a batch names (var, den, by, where: the
** names before '='), when they all exist; items then borrow them. Any problem is
** left for the item itself to report, with its own precise message. */
static void batch_preload(CliCtx *c, json_t *pSpec, EstShared *pShared) {
  const char *azCol[64];
  char *azOwn[64];
  int nCol = 0;
  Err e = ERR_INIT;
  size_t i;
  json_t *pItem;
  static const char *const azKey[] = {"var", "den", "by", "where"};
  if (!(pShared->pInfo = survey_info(c->store, c->azArg[0], &e))) goto preload_out;
  json_array_foreach(pSpec, i, pItem) {
    for (size_t k = 0; k < COUNT(azKey); k++) {
      const char *z = json_string_value(json_object_get(pItem, azKey[k]));
      while (z && *z) {
        size_t nItem = strcspn(z, ","), nName = strcspn(z, ",=");
        if (nName > nItem) nName = nItem;
        bool bSeen = false;
        for (int j = 0; j < nCol; j++) bSeen = bSeen || (strlen(azCol[j]) == nName && !strncmp(azCol[j], z, nName));
        if (!bSeen && nName > 0) {
          if (nCol == (int)COUNT(azCol)) goto preload_out;
          azOwn[nCol] = xstrndup(z, nName);
          azCol[nCol] = azOwn[nCol];
          nCol++;
        }
        z += nItem;
        if (*z == ',') z++;
      }
    }
  }
  if (nCol > 0 && survey_load_ex(c->store, c->azArg[0], azCol, nCol, SURVEY_LOAD_NARROW, &pShared->pData, &e))
    pShared->pData = NULL;
preload_out:
  for (int j = 0; j < nCol; j++) free(azOwn[j]);
  err_clear(&e);
}

/* --batch FILE: a JSON array of estimates ({"stat":"ratio","var":"labour_force=UNE",
** "den":"in_labour_force=1","by":"sex,migrant","where":"working_age=1"}, ...) computed
** in one process, so the survey is opened once: what a statistician's scripts and
** the indicator set need. Each item is checked exactly as the command line is. */
static int estimate_batch(CliCtx *c, const char *zFile) {

  EstCmd *ax = NULL;
  int nx = 0, iFail = 0;
  json_error_t jerr;
  json_t *pSpec = json_load_file(zFile, JSON_REJECT_DUPLICATES, &jerr), *aOut = NULL;
  int nOptSaved = c->nOpt, rc = -1;
  const char *azNameSaved[16], *azValSaved[16];
  char azNum[COUNT(aBatchKey)][48];
  EstShared shared = {NULL, NULL};
  memcpy(azNameSaved, c->azOptName, sizeof azNameSaved);
  memcpy(azValSaved, c->azOptVal, sizeof azValSaved);
  if (!pSpec) {
    err_set(&c->err, ERR_INVALID, "%s:%d:%d: %s", zFile, jerr.line, jerr.column, jerr.text);
    err_where(&c->err, "%s:%d", zFile, jerr.line);
    return -1;
  }
  if (!json_is_array(pSpec) || json_array_size(pSpec) == 0 || json_array_size(pSpec) > BATCH_MAX) {
    err_set(&c->err, ERR_INVALID, "%s: expected a JSON array of 1 to %d estimates", zFile, BATCH_MAX);
    err_where(&c->err, "%s#", zFile);
    goto batch_out;
  }
  aOut = json_array();
  batch_preload(c, pSpec, &shared);
  size_t i;
  json_t *pItem;
  json_array_foreach(pSpec, i, pItem) {
    const char *zKey;
    json_t *v;
    if (!json_is_object(pItem)) {
      err_set(&c->err, ERR_INVALID, "%s#/%zu: each estimate is a JSON object", zFile, i);
      err_where(&c->err, "%s#/%zu", zFile, i);
      goto batch_out;
    }
    /* The item's members become this estimate's options. */
    c->nOpt = 0;
    json_object_foreach(pItem, zKey, v) {
      size_t k;
      for (k = 0; k < COUNT(aBatchKey) && strcmp(aBatchKey[k].zKey, zKey) != 0; k++) {}
      if (k == COUNT(aBatchKey)) {
        err_set(&c->err, ERR_INVALID, "%s#/%zu/%s: unknown member", zFile, i, zKey);
        err_hint(&c->err, "members: stat, var, den, q, by, where, conf, cv_max, min_n");
        err_where(&c->err, "%s#/%zu/%s", zFile, i, zKey);
        goto batch_out;
      }
      const char *zVal;
      if (json_is_string(v)) zVal = json_string_value(v);
      else if (json_is_integer(v)) snprintf(azNum[k], sizeof azNum[k], "%lld", (long long)json_integer_value(v)), zVal = azNum[k];
      else if (json_is_real(v)) snprintf(azNum[k], sizeof azNum[k], "%.17g", json_real_value(v)), zVal = azNum[k];
      else {
        err_set(&c->err, ERR_INVALID, "%s#/%zu/%s: expected a string or a number", zFile, i, zKey);
        err_where(&c->err, "%s#/%zu/%s", zFile, i, zKey);
        goto batch_out;
      }
      c->azOptName[c->nOpt] = aBatchKey[k].zOpt;
      c->azOptVal[c->nOpt] = zVal;
      c->nOpt++;
    }
    ax = xrealloc(ax, (i + 1) * sizeof *ax);
    nx = (int)i + 1;
    if (estimate_prepare(c, &shared, &ax[i])) {
      iFail = (int)i;
      goto batch_fail;
    }
  }
  /* All checked: compute (estimates with the same domains together), then print. */
  if (estimate_all(ax, nx, &iFail)) goto batch_fail;
  for (int k = 0; k < nx; k++) {
    json_t *pRes = NULL;
    if (emit(&ax[k], ax[k].aRes, ax[k].nLevel, ax[k].nDom, ax[k].aCombo, &pRes)) goto batch_out;
    if (pRes) json_array_append_new(aOut, pRes);
  }
  if (c->bJson) {
    json_t *j = json_object();
    json_object_set_new(j, "survey", json_string(c->azArg[0]));
    json_object_set_new(j, "results", aOut);
    aOut = NULL;
    rc = cli_print_json(c, j);
  } else {
    rc = 0;
  }
  goto batch_out;
batch_fail: {
  char *z = xasprintf("%s#/%d: %s", zFile, iFail, c->err.zMsg ? c->err.zMsg : "failed");
  free(c->err.zMsg);
  c->err.zMsg = z;
  rc = -1;
}
batch_out:
  for (int k = 0; k < nx; k++) estimate_free(&ax[k]);
  free(ax);
  c->nOpt = nOptSaved;
  memcpy(c->azOptName, azNameSaved, sizeof azNameSaved);
  memcpy(c->azOptVal, azValSaved, sizeof azValSaved);
  json_decref(aOut);
  json_decref(pSpec);
  json_decref(shared.pInfo);
  survey_free(shared.pData);
  return rc;
}

int cmd_survey_estimate(CliCtx *c) {
  const char *zBatch = cli_opt(c, "--batch");
  if (!zBatch) {
    EstCmd x;
    int iFail, rc = -1;
    if (estimate_prepare(c, NULL, &x) == 0 && estimate_all(&x, 1, &iFail) == 0)
      rc = emit(&x, x.aRes, x.nLevel, x.nDom, x.aCombo, NULL);
    estimate_free(&x);
    return rc;
  }
  for (size_t k = 0; k < COUNT(aBatchKey); k++) {
    if (cli_opt(c, aBatchKey[k].zOpt)) {
      err_set(&c->err, ERR_USAGE, "--batch: give %s in the batch file, not on the command line", aBatchKey[k].zOpt);
      return -1;
    }
  }
  return estimate_batch(c, zBatch);
}
