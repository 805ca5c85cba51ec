/*
** test_estimate.c: the estimation engine (estimate.c) against R's survey package.
**
** tests/fixtures/estimate/ holds the data, the designs (designs.csv) and R's
** estimates (estimates.csv), all written by tests/r/gen_fixtures.R. For each
** design this test builds the Design in memory, computes every fixture row (all
** domains of one svyby call at once, and each domain alone) and requires a
** relative difference of at most 1e-9 on estimates and 1e-6 on standard errors
** and interval ends. It also covers flags, empty domains, missing values, bad
** weights and fpc, and the lonely PSU "fail" rule.
**
** The fixture directory is LMIS_FIXTURES, else $LMIS_DATA/../tests/fixtures/estimate
** (meson and scripts/check.sh set LMIS_DATA), else relative to the working directory.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"
#include "estimate.h"
#include "util.h"

#define TOL_EST 1e-9
#define TOL_SE 1e-6

/* ---------------------------------------------------------------------------
** Fixture files as tables of strings.
*/

typedef struct Table {
  int nCol;
  char **azCol;
  size_t nRow;
  char **azCell;   /* nRow x nCol */
} Table;

static const char *fixture_dir(void) {
  static char zDir[4096];
  const char *z = getenv("LMIS_FIXTURES");
  if (z && *z) return z;
  z = getenv("LMIS_DATA");
  if (z && *z) {
    snprintf(zDir, sizeof zDir, "%s/../tests/fixtures/estimate", z);
    if (access(zDir, R_OK) == 0) return zDir;
  }
  if (access("tests/fixtures/estimate", R_OK) == 0) return "tests/fixtures/estimate";
  return "../tests/fixtures/estimate";
}

static Table *table_load(const char *zFile) {
  char *zPath = xasprintf("%s/%s", fixture_dir(), zFile);
  Err e = ERR_INIT;
  CsvReader *r = NULL;
  if (csv_open(zPath, &r, &e)) fail_msg("cannot open %s: %s", zPath, e.zMsg);
  free(zPath);
  Table *t = xcalloc(1, sizeof *t);
  size_t nAlloc = 0;
  int rc;
  assert_int_equal(csv_next(r, &e), 1);
  t->nCol = csv_nfield(r);
  t->azCol = xmalloc((size_t)t->nCol * sizeof(char *));
  for (int j = 0; j < t->nCol; j++) t->azCol[j] = xstrdup(csv_field(r, j));
  while ((rc = csv_next(r, &e)) == 1) {
    if (t->nRow == nAlloc) {
      nAlloc = nAlloc ? 2 * nAlloc : 256;
      t->azCell = xrealloc(t->azCell, nAlloc * (size_t)t->nCol * sizeof(char *));
    }
    for (int j = 0; j < t->nCol; j++) t->azCell[t->nRow * (size_t)t->nCol + (size_t)j] = xstrdup(csv_field(r, j));
    t->nRow++;
  }
  assert_int_equal(rc, 0);
  csv_close(r);
  return t;
}

static void table_free(Table *t) {
  for (size_t i = 0; i < t->nRow * (size_t)t->nCol; i++) free(t->azCell[i]);
  for (int j = 0; j < t->nCol; j++) free(t->azCol[j]);
  free(t->azCell);
  free(t->azCol);
  free(t);
}

static int table_col(const Table *t, const char *zName) {
  for (int j = 0; j < t->nCol; j++)
    if (strcmp(t->azCol[j], zName) == 0) return j;
  fail_msg("no column %s", zName);
  return -1;
}

static const char *cell(const Table *t, size_t i, int j) { return t->azCell[i * (size_t)t->nCol + (size_t)j]; }

static double parse_num(const char *z) {
  char *zEnd;
  if (*z == 0 || strcmp(z, "NA") == 0 || strcmp(z, "NaN") == 0) return NAN;
  double v = strtod(z, &zEnd);
  if (*zEnd) fail_msg("not a number: %s", z);
  return v;
}

/* A variable of the data: "COL" numeric, or "COL=LEVEL" a 0/1 indicator (NaN where COL is missing). */
static double *variable(const Table *t, const char *zSpec) {
  double *a = xmalloc(t->nRow * sizeof *a);
  const char *zEq = strchr(zSpec, '=');
  char *zCol = zEq ? xstrndup(zSpec, (size_t)(zEq - zSpec)) : xstrdup(zSpec);
  int j = table_col(t, zCol);
  for (size_t i = 0; i < t->nRow; i++) {
    const char *z = cell(t, i, j);
    if (zEq) a[i] = (*z == 0 || strcmp(z, "NA") == 0) ? NAN : strcmp(z, zEq + 1) == 0;
    else a[i] = parse_num(z);
  }
  free(zCol);
  return a;
}

/* Map string codes to indices 0.. in order of first appearance. */
typedef struct Codes {
  int n;
  char **az;
} Codes;

static int code_index(Codes *c, const char *z) {
  for (int k = 0; k < c->n; k++)
    if (strcmp(c->az[k], z) == 0) return k;
  c->az = xrealloc(c->az, (size_t)(c->n + 1) * sizeof(char *));
  c->az[c->n] = xstrdup(z);
  return c->n++;
}

static void codes_free(Codes *c) {
  for (int k = 0; k < c->n; k++) free(c->az[k]);
  free(c->az);
  c->n = 0;
  c->az = NULL;
}

/* A design built from a row of designs.csv, with its data. */
typedef struct TestDesign {
  Table *data;
  Design d;
  double *aWeight, *aFpc;
  int32_t *aStratum, *aPsu;
  Codes strata;
} TestDesign;

static LonelyPsu lonely_from(const char *z) {
  if (strcmp(z, "remove") == 0) return LONELY_REMOVE;
  if (strcmp(z, "adjust") == 0) return LONELY_ADJUST;
  if (strcmp(z, "average") == 0) return LONELY_AVERAGE;
  if (strcmp(z, "certainty") == 0) return LONELY_CERTAINTY;
  return LONELY_FAIL;
}

static TestDesign *design_load(const char *zId) {
  Table *ds = table_load("designs.csv");
  size_t r;
  for (r = 0; r < ds->nRow; r++)
    if (strcmp(cell(ds, r, table_col(ds, "design_id")), zId) == 0) break;
  if (r == ds->nRow) fail_msg("no design %s", zId);
  TestDesign *td = xcalloc(1, sizeof *td);
  const char *zIds = cell(ds, r, table_col(ds, "ids")), *zStrata = cell(ds, r, table_col(ds, "strata"));
  const char *zFpc = cell(ds, r, table_col(ds, "fpc"));
  td->data = table_load(cell(ds, r, table_col(ds, "data")));
  Table *t = td->data;
  size_t n = t->nRow;
  td->aWeight = variable(t, cell(ds, r, table_col(ds, "weights")));
  td->d.n = n;
  td->d.aWeight = td->aWeight;
  td->d.lonely = lonely_from(cell(ds, r, table_col(ds, "lonely")));
  if (*zFpc) td->d.aFpc = td->aFpc = variable(t, zFpc);
  if (*zStrata) {
    int j = table_col(t, zStrata);
    td->aStratum = xmalloc(n * sizeof(int32_t));
    for (size_t i = 0; i < n; i++) td->aStratum[i] = code_index(&td->strata, cell(t, i, j));
    td->d.aStratum = td->aStratum;
    td->d.nStratum = td->strata.n;
  }
  if (*zIds) {
    /* nest=TRUE: a PSU is a (stratum, id) pair */
    Codes psu = {0, NULL};
    int j = table_col(t, zIds), js = *zStrata ? table_col(t, zStrata) : -1;
    td->aPsu = xmalloc(n * sizeof(int32_t));
    for (size_t i = 0; i < n; i++) {
      char *z = xasprintf("%s\x1f%s", js >= 0 ? cell(t, i, js) : "", cell(t, i, j));
      td->aPsu[i] = code_index(&psu, z);
      free(z);
    }
    td->d.aPsu = td->aPsu;
    td->d.nPsu = psu.n;
    codes_free(&psu);
  }
  table_free(ds);
  return td;
}

static void design_free(TestDesign *td) {
  table_free(td->data);
  free(td->aWeight);
  free(td->aFpc);
  free(td->aStratum);
  free(td->aPsu);
  codes_free(&td->strata);
  free(td);
}

/* Does unit i satisfy every "A=a" of a domain spec "A=a;B=b"? */
static bool in_domain(const Table *t, size_t i, const char *zDom) {
  char *zCopy = xstrdup(zDom), *zSave = NULL;
  bool bIn = true;
  for (char *zPart = strtok_r(zCopy, ";", &zSave); zPart && bIn; zPart = strtok_r(NULL, ";", &zSave)) {
    char *zEq = strchr(zPart, '=');
    assert_non_null(zEq);
    *zEq = 0;
    bIn = strcmp(cell(t, i, table_col(t, zPart)), zEq + 1) == 0;
  }
  free(zCopy);
  return bIn;
}

/* The variable names of a domain spec, for grouping rows of one svyby call. */
static char *domain_vars(const char *zDom) {
  Buf b;
  buf_init(&b, BUF_UNBOUNDED);
  while (*zDom) {
    size_t k = strcspn(zDom, "=");
    buf_append(&b, zDom, k);
    buf_putc(&b, ';');
    zDom += k;
    zDom += strcspn(zDom, ";");
    if (*zDom == ';') zDom++;
  }
  return buf_detach(&b);
}

/* ---------------------------------------------------------------------------
** Comparison with R.
*/

typedef struct MaxDiff {
  double est, se, ci;
  int nRow;
} MaxDiff;

/* Relative difference; both NaN is agreement. Near-zero references are compared
** on the scale of the estimate (e.g. a proportion of 1 with se 0). */
static double rel_diff(double a, double b, double scale) {
  if (isnan(a) && isnan(b)) return 0;
  if (isnan(a) || isnan(b)) return INFINITY;
  double den = fmax(fabs(b), 1e-12 * fabs(scale));
  if (den == 0) return fabs(a - b) == 0 ? 0 : INFINITY;
  return fabs(a - b) / den;
}

static void compare(const Table *fx, size_t r, const Estimate *pE, MaxDiff *m, const char *zWhat) {
  int jEst = table_col(fx, "estimate");
  double est = parse_num(cell(fx, r, jEst)), se = parse_num(cell(fx, r, jEst + 1));
  double lo = parse_num(cell(fx, r, jEst + 2)), hi = parse_num(cell(fx, r, jEst + 3));
  long n = strtol(cell(fx, r, table_col(fx, "n")), NULL, 10);
  double dEst = rel_diff(pE->est, est, est);
  double dSe = rel_diff(pE->se, se, est);
  double dCi = fmax(rel_diff(pE->ciLow, lo, est), rel_diff(pE->ciHigh, hi, est));
  if (dEst > TOL_EST || dSe > TOL_SE || dCi > TOL_SE || pE->n != n) {
    fail_msg("%s row %zu (%s %s %s den=%s q=%s domain=%s): lmis %.17g se %.17g [%.17g, %.17g] n %ld; "
             "R %.17g se %.17g [%.17g, %.17g] n %ld",
             zWhat, r + 2, cell(fx, r, 0), cell(fx, r, 1), cell(fx, r, 2), cell(fx, r, 3), cell(fx, r, 4),
             cell(fx, r, 5), pE->est, pE->se, pE->ciLow, pE->ciHigh, pE->n, est, se, lo, hi, n);
  }
  m->est = fmax(m->est, dEst);
  m->se = fmax(m->se, dSe);
  m->ci = fmax(m->ci, dCi);
  m->nRow++;
}

static int run_stat(const Design *d, const Table *fx, size_t r, const Table *t, const int32_t *aDom, int nDom,
                    Estimate *aOut, Err *e) {
  const char *zStat = cell(fx, r, 1);
  double *y = variable(t, cell(fx, r, 2)), *x = NULL;
  int rc;
  if (strcmp(zStat, "total") == 0) rc = est_total(d, y, aDom, nDom, NULL, aOut, e);
  else if (strcmp(zStat, "mean") == 0) rc = est_mean(d, y, aDom, nDom, NULL, aOut, e);
  else if (strcmp(zStat, "ratio") == 0) {
    x = variable(t, cell(fx, r, 3));
    rc = est_ratio(d, y, x, aDom, nDom, NULL, aOut, e);
  } else {
    assert_string_equal(zStat, "quantile");
    rc = est_quantile(d, y, parse_num(cell(fx, r, 4)), aDom, nDom, NULL, aOut, e);
  }
  free(y);
  free(x);
  return rc;
}

/* Rows r0..r1-1 of fx are one call (same design, statistic, variables and domain
** variables): compute all their domains at once, then each alone. */
static void check_batch(const TestDesign *td, const Table *fx, size_t r0, size_t r1, MaxDiff *m) {
  const Table *t = td->data;
  int nDom = (int)(r1 - r0);
  bool bAll = *cell(fx, r0, 5) == 0;
  int32_t *aDom = xmalloc(t->nRow * sizeof *aDom), *aOne = xmalloc(t->nRow * sizeof *aOne);
  Estimate *aOut = xcalloc((size_t)nDom, sizeof *aOut), one;
  Err e = ERR_INIT;
  for (size_t i = 0; i < t->nRow; i++) {
    aDom[i] = -1;
    for (int k = 0; k < nDom && !bAll; k++)
      if (in_domain(t, i, cell(fx, r0 + (size_t)k, 5))) {
        aDom[i] = k;
        break;
      }
  }
  if (run_stat(&td->d, fx, r0, t, bAll ? NULL : aDom, nDom, aOut, &e)) fail_msg("row %zu: %s", r0 + 2, e.zMsg);
  for (int k = 0; k < nDom; k++) compare(fx, r0 + (size_t)k, &aOut[k], m, "all domains");
  for (int k = 0; k < nDom && !bAll; k++) {
    /* One domain alone gives the same numbers, to the last bit. */
    for (size_t i = 0; i < t->nRow; i++) aOne[i] = aDom[i] == k ? 0 : -1;
    if (run_stat(&td->d, fx, r0 + (size_t)k, t, aOne, 1, &one, &e)) fail_msg("row %zu: %s", r0 + 2, e.zMsg);
    assert_true(memcmp(&one.est, &aOut[k].est, sizeof one.est) == 0);
    assert_true(memcmp(&one.se, &aOut[k].se, sizeof one.se) == 0);
    assert_int_equal(one.n, aOut[k].n);
  }
  free(aDom);
  free(aOne);
  free(aOut);
  err_clear(&e);
}

static bool same_call(const Table *fx, size_t a, size_t b) {
  for (int j = 0; j <= 4; j++)
    if (strcmp(cell(fx, a, j), cell(fx, b, j)) != 0) return false;
  if (strcmp(cell(fx, a, 11), cell(fx, b, 11)) != 0) return false;
  char *za = domain_vars(cell(fx, a, 5)), *zb = domain_vars(cell(fx, b, 5));
  bool bSame = strcmp(za, zb) == 0 && *cell(fx, a, 5) != 0;
  free(za);
  free(zb);
  return bSame;
}

/* Check every fixture row of one design; returns the number of rows checked. */
static int check_design(const char *zId, TestDesign *td, MaxDiff *m) {
  Table *fx = table_load("estimates.csv");
  assert_int_equal(table_col(fx, "how"), 11);
  size_t r = 0;
  while (r < fx->nRow) {
    if (strcmp(cell(fx, r, 0), zId) != 0) {
      r++;
      continue;
    }
    size_t r1 = r + 1;
    while (r1 < fx->nRow && same_call(fx, r, r1)) r1++;
    check_batch(td, fx, r, r1, m);
    r = r1;
  }
  table_free(fx);
  return m->nRow;
}

static void test_design(void **state) {
  const char *zId = *state;
  TestDesign *td = design_load(zId);
  MaxDiff m = {0, 0, 0, 0};
  int nRow = check_design(zId, td, &m);
  assert_true(nRow >= 5);
  printf("  %-17s %3d rows  max rel diff: estimate %.2g, se %.2g, ci %.2g\n", zId, nRow, m.est, m.se, m.ci);
  /* Units in another order: PSUs no longer contiguous, same answers. */
  if (td->d.aPsu && td->d.n % 7919 != 0) {
    size_t n = td->d.n;
    TestDesign *sh = design_load(zId);
    Table *t = sh->data;
    for (size_t i = 0; i < n; i++) {
      size_t src = (i * 7919) % n;   /* a permutation: 7919 is prime and does not divide n */
      for (int j = 0; j < t->nCol; j++) {
        free(t->azCell[i * (size_t)t->nCol + (size_t)j]);
        t->azCell[i * (size_t)t->nCol + (size_t)j] = xstrdup(cell(td->data, src, j));
      }
      sh->aWeight[i] = td->aWeight[src];
      sh->aPsu[i] = td->aPsu[src];
      if (sh->aStratum) sh->aStratum[i] = td->aStratum[src];
      if (sh->aFpc) sh->aFpc[i] = td->aFpc[src];
    }
    MaxDiff m2 = {0, 0, 0, 0};
    check_design(zId, sh, &m2);
    design_free(sh);
  }
  design_free(td);
}

static void test_qt(void **state) {
  (void)state;
  Table *t = table_load("qt.csv");
  double dMax = 0;
  for (size_t r = 0; r < t->nRow; r++) {
    double p = parse_num(cell(t, r, 0)), df = strcmp(cell(t, r, 1), "Inf") == 0 ? INFINITY : parse_num(cell(t, r, 1));
    double want = parse_num(cell(t, r, 2)), got = est_qt(p, df);
    double dRel = fabs(got - want) / fabs(want);
    if (dRel > 1e-12) fail_msg("qt(%.17g, %g) = %.17g, R %.17g", p, df, got, want);
    dMax = fmax(dMax, dRel);
    if (isinf(df)) assert_true(fabs(est_qnorm(p) - want) <= 1e-14 * fabs(want));
  }
  printf("  qt: %zu values, max rel diff %.2g\n", t->nRow, dMax);
  assert_true(isnan(est_qt(0.5 + 0.1, 0)));
  assert_true(isnan(est_qt(-0.1, 5)));
  assert_true(isnan(est_qnorm(1.5)));
  assert_true(est_qnorm(0) < 0 && isinf(est_qnorm(0)));
  assert_true(est_qnorm(0.5) == 0);
  table_free(t);
}

/* ---------------------------------------------------------------------------
** Small designs built by hand.
*/

/* 40 units, 4 strata of 10 units, 2 PSUs of 5 units each; y = 1..40. */
typedef struct Small {
  double w[40], y[40], fpc[40];
  int32_t str[40], psu[40], dom[40];
  Design d;
} Small;

static void small_init(Small *s) {
  memset(s, 0, sizeof *s);
  for (int i = 0; i < 40; i++) {
    s->w[i] = 1 + (i % 3);
    s->y[i] = i + 1;
    s->str[i] = i / 10;
    s->psu[i] = i / 5;
    s->fpc[i] = 20;
    s->dom[i] = i % 2;
  }
  s->d.n = 40;
  s->d.aWeight = s->w;
  s->d.aStratum = s->str;
  s->d.nStratum = 4;
  s->d.aPsu = s->psu;
  s->d.nPsu = 8;
}

static void test_flags(void **state) {
  (void)state;
  Small s;
  Estimate a[2];
  Err e = ERR_INIT;
  EstOptions o;
  small_init(&s);
  est_options_default(&o);
  assert_true(o.conf == 0.95 && o.cvMax == 0.3 && o.nMinCell == 10);
  assert_int_equal(est_mean(&s.d, s.y, s.dom, 2, &o, a, &e), 0);
  assert_int_equal(a[0].n, 20);
  assert_int_equal(a[0].flags, EST_OK);
  assert_true(fabs(a[0].cv - a[0].se / a[0].est) < 1e-15);
  assert_true(a[0].ciLow < a[0].est && a[0].est < a[0].ciHigh);
  double sw = 0;
  for (int i = 0; i < 40; i += 2) sw += s.w[i];
  assert_true(a[0].nWeighted == sw);
  o.nMinCell = 21;
  assert_int_equal(est_mean(&s.d, s.y, s.dom, 2, &o, a, &e), 0);
  assert_int_equal(a[0].flags, EST_SUPPRESSED);
  assert_true(isfinite(a[0].est));   /* computed, but must not be published */
  o.nMinCell = 10;
  o.cvMax = a[1].cv / 2;
  assert_int_equal(est_mean(&s.d, s.y, s.dom, 2, &o, a, &e), 0);
  assert_int_equal(a[1].flags, EST_UNRELIABLE);
  /* a wider interval at a higher confidence level */
  Estimate b;
  o.conf = 0.99;
  assert_int_equal(est_mean(&s.d, s.y, NULL, 1, &o, &b, &e), 0);
  double w99 = b.ciHigh - b.ciLow;
  o.conf = 0.95;
  assert_int_equal(est_mean(&s.d, s.y, NULL, 1, &o, &b, &e), 0);
  assert_true(fabs(w99 / (b.ciHigh - b.ciLow) - 2.5758293035489004 / 1.959963984540054) < 1e-12);
  o.conf = 1;
  assert_int_equal(est_mean(&s.d, s.y, NULL, 1, &o, &b, &e), -1);
  assert_int_equal(e.code, ERR_INVALID);
  err_clear(&e);
}

static void test_empty_and_missing(void **state) {
  (void)state;
  Small s;
  Estimate a[3];
  Err e = ERR_INIT;
  small_init(&s);
  /* domain 2 has no unit */
  assert_int_equal(est_total(&s.d, s.y, s.dom, 3, NULL, a, &e), 0);
  assert_int_equal(a[2].n, 0);
  assert_true(a[2].flags & EST_EMPTY);
  assert_true(a[2].flags & EST_SUPPRESSED);
  assert_true(isnan(a[2].est) && isnan(a[2].se) && isnan(a[2].cv));
  assert_int_equal(est_quantile(&s.d, s.y, 0.5, s.dom, 3, NULL, a, &e), 0);
  assert_true(a[2].flags & EST_EMPTY);
  /* all values missing */
  double yNa[40];
  for (int i = 0; i < 40; i++) yNa[i] = NAN;
  assert_int_equal(est_mean(&s.d, yNa, NULL, 1, NULL, a, &e), 0);
  assert_int_equal(a[0].n, 0);
  assert_true(a[0].flags & EST_EMPTY);
  /* missing values leave the domain: same as excluding the units */
  double yHalf[40];
  int32_t dom2[40];
  for (int i = 0; i < 40; i++) {
    yHalf[i] = i % 2 ? NAN : s.y[i];
    dom2[i] = i % 2 ? -1 : 0;
  }
  Estimate b;
  assert_int_equal(est_mean(&s.d, yHalf, NULL, 1, NULL, a, &e), 0);
  assert_int_equal(est_mean(&s.d, s.y, dom2, 1, NULL, &b, &e), 0);
  assert_true(a[0].est == b.est && a[0].se == b.se && a[0].n == 20);
  /* a ratio drops units missing in either variable */
  assert_int_equal(est_ratio(&s.d, s.y, yHalf, NULL, 1, NULL, a, &e), 0);
  assert_int_equal(a[0].n, 20);
  assert_true(fabs(a[0].est - 1) < 1e-15);
  assert_true(a[0].se < 1e-15);
  /* a domain that is one PSU of a 2-PSU stratum is not lonely: padded with a zero PSU */
  int32_t dom1[40];
  for (int i = 0; i < 40; i++) dom1[i] = i < 5 ? 0 : -1;
  assert_int_equal(est_total(&s.d, s.y, dom1, 1, NULL, a, &e), 0);
  assert_true(a[0].se > 0);
  err_clear(&e);
}

static void test_bad_design(void **state) {
  (void)state;
  Small s;
  Estimate a[2];
  Err e = ERR_INIT;
  small_init(&s);
  s.w[7] = 0;
  assert_int_equal(est_total(&s.d, s.y, NULL, 1, NULL, a, &e), -1);
  assert_int_equal(e.code, ERR_INVALID);
  assert_non_null(strstr(e.zMsg, "weight of unit 8"));
  s.w[7] = -2;
  assert_int_equal(est_mean(&s.d, s.y, NULL, 1, NULL, a, &e), -1);
  assert_non_null(strstr(e.zMsg, "weight"));
  s.w[7] = NAN;
  assert_int_equal(est_quantile(&s.d, s.y, 0.5, NULL, 1, NULL, a, &e), -1);
  assert_non_null(strstr(e.zMsg, "weight"));
  s.w[7] = 1;
  /* fpc: mixed kinds, more PSUs than the population, varying in a stratum */
  s.d.aFpc = s.fpc;
  s.fpc[0] = 0.5;
  assert_int_equal(est_total(&s.d, s.y, NULL, 1, NULL, a, &e), -1);
  s.fpc[0] = 20;
  s.fpc[39] = 1.5;
  for (int i = 30; i < 40; i++) s.fpc[i] = 1.5;
  assert_int_equal(est_total(&s.d, s.y, NULL, 1, NULL, a, &e), -1);
  assert_non_null(strstr(e.zMsg, "stratum 3"));
  for (int i = 30; i < 40; i++) s.fpc[i] = 20;
  s.fpc[12] = 21;
  assert_int_equal(est_total(&s.d, s.y, NULL, 1, NULL, a, &e), -1);
  assert_non_null(strstr(e.zMsg, "varies within stratum 1"));
  s.fpc[12] = 20;
  assert_int_equal(est_total(&s.d, s.y, NULL, 1, NULL, a, &e), 0);
  /* indices out of range */
  s.dom[3] = 2;
  assert_int_equal(est_total(&s.d, s.y, s.dom, 2, NULL, a, &e), -1);
  s.dom[3] = 1;
  s.psu[3] = 9;
  assert_int_equal(est_total(&s.d, s.y, NULL, 1, NULL, a, &e), -1);
  s.psu[3] = 2;   /* a PSU of stratum 1 in stratum 0 */
  assert_int_equal(est_total(&s.d, s.y, NULL, 1, NULL, a, &e), -1);
  assert_non_null(strstr(e.zMsg, "PSU 2"));
  s.psu[3] = 0;
  assert_int_equal(est_quantile(&s.d, s.y, 1, NULL, 1, NULL, a, &e), -1);
  assert_int_equal(est_quantile(&s.d, s.y, NAN, NULL, 1, NULL, a, &e), -1);
  assert_int_equal(est_mean(&s.d, s.y, NULL, 2, NULL, a, &e), -1);
  err_clear(&e);
}

static void test_lonely_fail(void **state) {
  (void)state;
  TestDesign *td = design_load("lonely_remove");
  Estimate a[4];
  Err e = ERR_INIT;
  int h79 = code_index(&td->strata, "79");
  double *y = variable(td->data, "HI_CHOL");
  char zWant[64];
  td->d.lonely = LONELY_FAIL;
  assert_int_equal(est_mean(&td->d, y, NULL, 1, NULL, a, &e), -1);
  assert_int_equal(e.code, ERR_INVALID);
  snprintf(zWant, sizeof zWant, "stratum %d has only one PSU", h79);
  assert_string_equal(e.zMsg, zWant);
  assert_non_null(e.zHint);
  /* A domain with no unit in the lonely stratum does not fail (R checks only the
  ** strata in the domain's subset); stratum 80's lonely PSU is a certainty (f = 0). */
  int32_t *aDom = xmalloc(td->data->nRow * sizeof *aDom);
  int j = table_col(td->data, "SDMVSTRA");
  for (size_t i = 0; i < td->data->nRow; i++) aDom[i] = strcmp(cell(td->data, i, j), "79") == 0 ? -1 : 0;
  assert_int_equal(est_mean(&td->d, y, aDom, 1, NULL, a, &e), 0);
  assert_true(a[0].se > 0);
  /* the other rules on the same data: remove = certainty <= average, adjust */
  Estimate r[4];
  LonelyPsu aRule[4] = {LONELY_REMOVE, LONELY_CERTAINTY, LONELY_AVERAGE, LONELY_ADJUST};
  for (int k = 0; k < 4; k++) {
    td->d.lonely = aRule[k];
    assert_int_equal(est_total(&td->d, y, NULL, 1, NULL, &r[k], &e), 0);
  }
  assert_true(r[0].se == r[1].se);
  assert_true(r[2].se > r[0].se && r[3].se > r[0].se);
  free(aDom);
  free(y);
  design_free(td);
  err_clear(&e);
}

/* The engine's unit of work: q = 0.5 of 1..n with equal weights (ties of cumulative
** weight with p W resolve to the lower value, as R's qrule "math"). */
static void test_quantile_rule(void **state) {
  (void)state;
  double w[10], y[10];
  Design d = {10, w, NULL, 0, NULL, 0, NULL, LONELY_FAIL, NULL, NULL};
  Estimate a;
  Err e = ERR_INIT;
  for (int i = 0; i < 10; i++) {
    w[i] = 3;
    y[i] = 10 - i;
  }
  assert_int_equal(est_quantile(&d, y, 0.5, NULL, 1, NULL, &a, &e), 0);
  assert_true(a.est == 5);
  assert_int_equal(est_quantile(&d, y, 0.55, NULL, 1, NULL, &a, &e), 0);
  assert_true(a.est == 6);
  /* -0 and +0 are ties */
  y[0] = -0.0;
  y[1] = 0.0;
  assert_int_equal(est_quantile(&d, y, 0.1, NULL, 1, NULL, &a, &e), 0);
  assert_true(a.est == 0);
  err_clear(&e);
}

/* The three ways of forming PSU totals (units grouped by PSU; scattered, with a
** dense PSU x domain table; scattered, sorted by PSU when that table would be too
** big) agree; only the order of the additions differs. */
static void test_psu_order_paths(void **state) {
  (void)state;
  enum { N = 3000, NPSU = 150, NSTR = 30, NDOM_BIG = 20000 };
  double *w = xmalloc(N * sizeof *w), *y = xmalloc(N * sizeof *y);
  int32_t *str = xmalloc(N * sizeof *str), *psu = xmalloc(N * sizeof *psu), *dom = xmalloc(N * sizeof *dom);
  Err e = ERR_INIT;
  for (int pass = 0; pass < 2; pass++) {
    int nDom = pass ? NDOM_BIG : 3;
    Estimate *aRef = xcalloc((size_t)nDom, sizeof *aRef), *aOut = xcalloc((size_t)nDom, sizeof *aOut);
    for (int shuffled = 0; shuffled < 2; shuffled++) {
      for (int i = 0; i < N; i++) {
        int u = shuffled ? (int)(((long)i * 1409) % N) : i;   /* 1409 is prime: a permutation */
        psu[i] = u / (N / NPSU);
        str[i] = psu[i] / (NPSU / NSTR);
        w[i] = 1 + u % 5;
        y[i] = u % 11 == 0 ? NAN : (double)((u * 37) % 101);
        dom[i] = u % 4 == 3 ? -1 : u % 3;
      }
      Design d = {N, w, str, NSTR, psu, NPSU, NULL, LONELY_FAIL, NULL, NULL};
      assert_int_equal(est_mean(&d, y, dom, nDom, NULL, shuffled ? aOut : aRef, &e), 0);
      if (shuffled)
        for (int k = 0; k < 3; k++) {
          assert_true(fabs(aOut[k].est - aRef[k].est) <= 1e-15 * fabs(aRef[k].est));
          assert_true(fabs(aOut[k].se - aRef[k].se) <= 1e-13 * aRef[k].se);
          assert_int_equal(aOut[k].n, aRef[k].n);
        }
    }
    free(aRef);
    free(aOut);
  }
  free(w);
  free(y);
  free(str);
  free(psu);
  free(dom);
  err_clear(&e);
}

/* Two estimates are the same bits (NaN equal to NaN). */
static void assert_same_estimate(const Estimate *a, const Estimate *b) {
  const double *pa[] = {&a->est, &a->se, &a->ciLow, &a->ciHigh, &a->cv, &a->nWeighted};
  const double *pb[] = {&b->est, &b->se, &b->ciLow, &b->ciHigh, &b->cv, &b->nWeighted};
  for (size_t k = 0; k < COUNT(pa); k++) {
    if (isnan(*pa[k]) && isnan(*pb[k])) continue;
    assert_memory_equal(pa[k], pb[k], sizeof(double));
  }
  assert_int_equal(a->n, b->n);
  assert_int_equal(a->flags, b->flags);
}

/* est_linear gives, bit for bit, what est_total, est_mean and est_ratio give one
** at a time with the variables as arrays: on every fixture design (units as
** stored, and shuffled so that PSUs are not contiguous), with numeric values,
** numeric indicators and level codes of 1, 2 and 4 bytes, missing values, units
** outside every domain, and more domains than it handles in one pass. */
static void test_linear_batch(void **state) {
  const char *zId = *state;
  TestDesign *td = design_load(zId);
  size_t n = td->d.n;
  Err e = ERR_INIT;
  double *aNum = xmalloc(n * sizeof *aNum), *aNum2 = xmalloc(n * sizeof *aNum2);
  int8_t *aC1 = xmalloc(n);
  int16_t *aC2 = xmalloc(n * sizeof *aC2);
  int32_t *aC4 = xmalloc(n * sizeof *aC4), *aDom = xmalloc(n * sizeof *aDom), *aPsu0 = NULL;
  for (int variant = 0; variant < 3; variant++) {
    if (variant == 1 && td->d.aPsu && n % 7919 != 0) {   /* shuffle the PSUs: no longer contiguous */
      aPsu0 = xmalloc(n * sizeof *aPsu0);
      memcpy(aPsu0, td->aPsu, n * sizeof *aPsu0);
      for (size_t i = 0; i < n; i++) td->aPsu[i] = aPsu0[(i * 7919) % n];
      /* strata must follow their PSUs: keep (stratum, PSU) pairs together */
      if (td->aStratum) {
        int32_t *aStr0 = xmalloc(n * sizeof *aStr0);
        memcpy(aStr0, td->aStratum, n * sizeof *aStr0);
        for (size_t i = 0; i < n; i++) td->aStratum[i] = aStr0[(i * 7919) % n];
        free(aStr0);
      }
      if (td->aFpc) {
        double *aF0 = xmalloc(n * sizeof *aF0);
        memcpy(aF0, td->aFpc, n * sizeof *aF0);
        for (size_t i = 0; i < n; i++) td->aFpc[i] = aF0[(i * 7919) % n];
        free(aF0);
      }
    }
    int nDom = variant == 2 ? 5000 : 5;
    for (size_t i = 0; i < n; i++) {
      aNum[i] = i % 13 == 5 ? NAN : (double)((i * 37) % 101) / 7;
      aNum2[i] = i % 17 == 3 ? NAN : (double)(1 + (i * 11) % 5);
      aC1[i] = (int8_t)(i % 19 == 7 ? -1 : (int)((i * 7) % 3));
      aC2[i] = (int16_t)(i % 23 == 2 ? -1 : (int)((i * 5) % 4));
      aC4[i] = i % 29 == 9 ? -1 : (int32_t)((i * 3) % 2);
      aDom[i] = i % 11 == 4 ? -1 : (int32_t)((i / 3) % (size_t)nDom);
    }
    EstVar vNum = {aNum, false, 0, NULL, 0, 0}, vNum2 = {aNum2, false, 0, NULL, 0, 0};
    EstVar vEq = {aNum2, true, 2.0, NULL, 0, 0};
    EstVar vC1 = {NULL, false, 0, aC1, 1, 1}, vC2 = {NULL, false, 0, aC2, 2, 3}, vC4 = {NULL, false, 0, aC4, 4, 0};
    struct {
      EstKind kind;
      EstVar y, x;
    } aSpec[] = {
      {EST_KIND_TOTAL, vNum, vNum}, {EST_KIND_MEAN, vNum, vNum},  {EST_KIND_RATIO, vNum, vNum2},
      {EST_KIND_TOTAL, vC1, vNum},  {EST_KIND_MEAN, vC2, vNum},   {EST_KIND_RATIO, vC4, vEq},
      {EST_KIND_MEAN, vEq, vNum},   {EST_KIND_RATIO, vC1, vC2},   {EST_KIND_TOTAL, vC4, vNum},
    };
    enum { NSPEC = sizeof aSpec / sizeof aSpec[0] };
    EstItem aItem[NSPEC];
    Estimate *aOut = xcalloc((size_t)NSPEC * (size_t)nDom, sizeof *aOut);
    Estimate *aRef = xcalloc((size_t)nDom, sizeof *aRef);
    for (int k = 0; k < NSPEC; k++) {
      aItem[k].kind = aSpec[k].kind;
      aItem[k].y = aSpec[k].y;
      aItem[k].x = aSpec[k].x;
      est_options_default(&aItem[k].opt);
      aItem[k].opt.conf = k == 2 ? 0.9 : 0.95;
      aItem[k].aOut = aOut + (size_t)k * (size_t)nDom;
    }
    int iFail = -1;
    int rc = est_linear(&td->d, aDom, nDom, aItem, NSPEC, &iFail, &e);
    if (rc == 0 && td->aStratum && td->aPsu) {
      /* The same design given as each PSU's stratum (what survey estimate loads) */
      Design d2 = td->d;
      int32_t *aPsuStr = xmalloc((size_t)td->d.nPsu * sizeof *aPsuStr);
      for (size_t i = 0; i < n; i++) aPsuStr[td->aPsu[i]] = td->aStratum[i];
      d2.aStratum = NULL;
      d2.aPsuStratum = aPsuStr;
      Estimate *aOut2 = xcalloc((size_t)NSPEC * (size_t)nDom, sizeof *aOut2);
      EstItem aItem2[NSPEC];
      memcpy(aItem2, aItem, sizeof aItem2);
      for (int k = 0; k < NSPEC; k++) aItem2[k].aOut = aOut2 + (size_t)k * (size_t)nDom;
      assert_int_equal(est_linear(&d2, aDom, nDom, aItem2, NSPEC, NULL, &e), 0);
      for (size_t k = 0; k < (size_t)NSPEC * (size_t)nDom; k++) assert_same_estimate(&aOut2[k], &aOut[k]);
      free(aOut2);
      free(aPsuStr);
    }
    for (int k = 0; k < NSPEC; k++) {
      /* the same statistic with arrays */
      double *y = xmalloc(n * sizeof *y), *x = xmalloc(n * sizeof *x);
      for (int r = 0; r < 2; r++) {
        const EstVar *v = r ? &aSpec[k].x : &aSpec[k].y;
        double *a = r ? x : y;
        for (size_t i = 0; i < n; i++) {
          if (v->aNum) a[i] = isnan(v->aNum[i]) ? NAN : v->bEq ? (v->aNum[i] == v->rEq ? 1.0 : 0.0) : v->aNum[i];
          else {
            int32_t c = v->nCodeWidth == 1 ? ((const int8_t *)v->pCode)[i]
                        : v->nCodeWidth == 2 ? ((const int16_t *)v->pCode)[i] : ((const int32_t *)v->pCode)[i];
            a[i] = c < 0 ? NAN : (c == v->iLevel ? 1.0 : 0.0);
          }
        }
      }
      Err e2 = ERR_INIT;
      int rc2 = aSpec[k].kind == EST_KIND_TOTAL  ? est_total(&td->d, y, aDom, nDom, &aItem[k].opt, aRef, &e2)
                : aSpec[k].kind == EST_KIND_MEAN ? est_mean(&td->d, y, aDom, nDom, &aItem[k].opt, aRef, &e2)
                                                 : est_ratio(&td->d, y, x, aDom, nDom, &aItem[k].opt, aRef, &e2);
      if (rc2 == 0) {
        assert_int_equal(rc, 0);
        for (int dm = 0; dm < nDom; dm++) assert_same_estimate(&aItem[k].aOut[dm], &aRef[dm]);
      } else {
        /* the lonely PSU rule "fail": the first statistic that fails is named */
        assert_int_equal(rc, -1);
        assert_true(iFail <= k);
        err_clear(&e2);
        free(y);
        free(x);
        break;
      }
      free(y);
      free(x);
    }
    err_clear(&e);
    free(aOut);
    free(aRef);
  }
  /* A domain index out of range is an error, not a write out of bounds. */
  {
    EstVar vNum = {aNum, false, 0, NULL, 0, 0};
    Estimate aOut[3];
    EstItem it = {EST_KIND_TOTAL, vNum, vNum, {0.95, 0.3, 10}, aOut};
    for (size_t i = 0; i < n; i++) aDom[i] = (int32_t)(i % 3);
    aDom[n - 1] = 3;
    assert_int_equal(est_linear(&td->d, aDom, 3, &it, 1, NULL, &e), -1);
    assert_int_equal(e.code, ERR_INVALID);
    assert_non_null(strstr(e.zMsg, "domain index 3"));
    err_clear(&e);
  }
  free(aNum);
  free(aNum2);
  free(aC1);
  free(aC2);
  free(aC4);
  free(aDom);
  free(aPsu0);
  design_free(td);
}

/* Two estimates agree to a relative 1e-12 (NaN equal to NaN). */
static void assert_close_estimate(const Estimate *a, const Estimate *b) {
  const double *pa[] = {&a->est, &a->se, &a->ciLow, &a->ciHigh, &a->cv, &a->nWeighted};
  const double *pb[] = {&b->est, &b->se, &b->ciLow, &b->ciHigh, &b->cv, &b->nWeighted};
  for (size_t k = 0; k < COUNT(pa); k++) {
    if (isnan(*pa[k]) && isnan(*pb[k])) continue;
    if (fabs(*pa[k] - *pb[k]) > 1e-12 * fabs(*pb[k])) fail_msg("%.17g and %.17g differ", *pa[k], *pb[k]);
  }
  assert_int_equal(a->n, b->n);
  assert_int_equal(a->flags, b->flags);
}

/* A survey large enough for est_linear to give each of two threads half the
** units (split where a PSU starts): the same bits as one statistic at a time
** when no stratum spans the split, the same to 1e-12 when one does (state
** "straddle": its PSU totals' accumulators of the two halves are combined). */
static void test_linear_large(void **state) {
  bool bStraddle = *state && strcmp(*state, "straddle") == 0;
  enum { N = 250000, NPSU = 2500, NSTR = 50, NDOM = 7, NSPEC = 5 };
  double *w = xmalloc(N * sizeof *w), *y = xmalloc(N * sizeof *y), *fpc = xmalloc(NSTR * sizeof *fpc);
  int32_t *psu = xmalloc(N * sizeof *psu), *str = xmalloc(NPSU * sizeof *str), *dom = xmalloc(N * sizeof *dom);
  int8_t *code = xmalloc(N);
  double *ind = xmalloc(N * sizeof *ind), *ind2 = xmalloc(N * sizeof *ind2);
  Err e = ERR_INIT;
  for (int i = 0; i < N; i++) {
    psu[i] = i / (N / NPSU);
    w[i] = 50 + (i * 7919 % 1000) / 10.0;
    y[i] = i % 7 == 3 ? NAN : (double)(i * 31 % 977) * 1.25;
    code[i] = (int8_t)(i % 13 == 5 ? -1 : i * 17 % 3);
    ind[i] = code[i] < 0 ? NAN : code[i] == 1 ? 1.0 : 0.0;
    ind2[i] = code[i] < 0 ? NAN : code[i] == 2 ? 1.0 : 0.0;
    dom[i] = i % 9 == 0 ? -1 : i * 13 % NDOM;
  }
  for (int k = 0; k < NPSU; k++) str[k] = bStraddle ? k / 48 % NSTR : k / (NPSU / NSTR);
  for (int h = 0; h < NSTR; h++) fpc[h] = 200 + h;
  Design d = {N, w, NULL, NSTR, psu, NPSU, NULL, LONELY_ADJUST, fpc, str};
  EstVar vY = {y, false, 0, NULL, 0, 0}, vC1 = {NULL, false, 0, code, 1, 1}, vC2 = {NULL, false, 0, code, 1, 2};
  EstItem aItem[NSPEC] = {
    {EST_KIND_TOTAL, vC1, vY, {0.95, 0.3, 10}, NULL}, {EST_KIND_TOTAL, vC2, vY, {0.95, 0.3, 10}, NULL},
    {EST_KIND_MEAN, vC1, vY, {0.95, 0.3, 10}, NULL},  {EST_KIND_RATIO, vC2, vC1, {0.9, 0.3, 10}, NULL},
    {EST_KIND_MEAN, vY, vY, {0.95, 0.3, 10}, NULL},
  };
  Estimate aOut[NSPEC][NDOM], aRef[NDOM];
  for (int k = 0; k < NSPEC; k++) aItem[k].aOut = aOut[k];
  assert_int_equal(est_linear(&d, dom, NDOM, aItem, NSPEC, NULL, &e), 0);
  /* the reference: per unit strata and fpc, arrays, one statistic at a time */
  int32_t *strU = xmalloc(N * sizeof *strU);
  double *fpcU = xmalloc(N * sizeof *fpcU);
  for (int i = 0; i < N; i++) {
    strU[i] = str[psu[i]];
    fpcU[i] = fpc[strU[i]];
  }
  Design dr = {N, w, strU, NSTR, psu, NPSU, fpcU, LONELY_ADJUST, NULL, NULL};
  for (int k = 0; k < NSPEC; k++) {
    const double *yk = k == 0 || k == 2 ? ind : k == 1 || k == 3 ? ind2 : y;
    int rc = k < 2    ? est_total(&dr, yk, dom, NDOM, &aItem[k].opt, aRef, &e)
             : k == 3 ? est_ratio(&dr, yk, ind, dom, NDOM, &aItem[k].opt, aRef, &e)
                      : est_mean(&dr, yk, dom, NDOM, &aItem[k].opt, aRef, &e);
    assert_int_equal(rc, 0);
    for (int dm = 0; dm < NDOM; dm++) {
      if (bStraddle) assert_close_estimate(&aOut[k][dm], &aRef[dm]);
      else assert_same_estimate(&aOut[k][dm], &aRef[dm]);
    }
  }
  free(w);
  free(y);
  free(fpc);
  free(psu);
  free(str);
  free(dom);
  free(code);
  free(ind);
  free(ind2);
  free(strU);
  free(fpcU);
}

int main(void) {
  static const char *azDesign[] = {"srs",           "strat",         "clus1",          "clus2_stage1",
                                   "nhanes",        "yrbs",          "fpc",            "fpc_frac",
                                   "lonely_remove", "lonely_adjust", "lonely_average", "lonely_certainty"};
  struct CMUnitTest tests[48];
  int n = 0;
  tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_qt);
  for (size_t k = 0; k < COUNT(azDesign); k++) {
    tests[n] = (struct CMUnitTest)cmocka_unit_test_prestate(test_design, (void *)azDesign[k]);
    tests[n++].name = azDesign[k];
  }
  tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_flags);
  tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_empty_and_missing);
  tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_bad_design);
  tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_lonely_fail);
  tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_quantile_rule);
  tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_psu_order_paths);
  for (size_t k = 0; k < COUNT(azDesign); k++) {
    tests[n] = (struct CMUnitTest)cmocka_unit_test_prestate(test_linear_batch, (void *)azDesign[k]);
    tests[n++].name = azDesign[k];
  }
  tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_linear_large);
  tests[n] = (struct CMUnitTest)cmocka_unit_test_prestate(test_linear_large, (void *)"straddle");
  tests[n++].name = "test_linear_large_straddle";
  return _cmocka_run_group_tests("estimate", tests, (size_t)n, NULL, NULL);
}
