/*
** estimate.c: design-based estimation (see estimate.h and docs/statistics.md).
**
** Every statistic is computed the same way:
**   1. plan_init validates the design once per call and derives per-stratum
**      facts: n_h (sample PSUs) and the finite population factor f_h.
**   2. A pass over the units accumulates per-domain weighted sums (long double,
**      as R's sum/colSums) for the point estimates.
**   3. A second pass computes each unit's influence value z (total: w y; mean:
**      w (y - ybar)/W; ratio: w (y - R x)/X), sums it into PSU totals and feeds
**      those to a per (stratum, domain) accumulator of mean and squared
**      deviations (Welford). PSUs with no unit of the domain are zeros, added
**      exactly at the end, so a domain never subsets the design.
**   4. Per domain: v = sum_h f_h n_h/(n_h-1) sum_p (t_p - tbar_h)^2, with R's
**      rules for strata that have one PSU.
** Memory is O(nDom x nStratum) plus, for quantiles, O(n) for one sort; nothing
** is allocated per unit.
*/
#include "estimate.h"
#include "util.h"

#include <float.h>
#include <pthread.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------------
** Normal and Student t quantiles.
*/

/* Upper tail of the standard normal, Q(x) = P(Z > x). */
static double norm_upper(double x) { return 0.5 * erfc(x / M_SQRT2); }

double est_qnorm(double p) {
  if (isnan(p) || p < 0 || p > 1) return NAN;
  if (p == 0) return -INFINITY;
  if (p == 1) return INFINITY;
  if (p == 0.5) return 0;
  /* Solve Q(x) = q on the smaller tail, where q is exact (1 - p is exact for p >= 0.5). */
  bool bLower = p < 0.5;
  double q = bLower ? p : 1 - p;
  /* Starting point: Abramowitz & Stegun 26.2.23 (error < 4.5e-4), then Halley steps
  ** on Q using erfc, which is accurate to the last bits in both tails. */
  double t = sqrt(-2 * log(q));
  double x = t - (2.515517 + t * (0.802853 + t * 0.010328)) / (1 + t * (1.432788 + t * (0.189269 + t * 0.001308)));
  for (int it = 0; it < 50; it++) {
    double phi = exp(-0.5 * x * x) / sqrt(2 * M_PI);
    if (phi == 0) break;
    double u = (norm_upper(x) - q) / phi;
    double dx = u / (1 - 0.5 * x * u);
    x += dx;
    if (fabs(dx) <= 4 * DBL_EPSILON * fabs(x)) break;
  }
  return bLower ? -x : x;
}

/* Regularized incomplete beta I_x(a,b) by its continued fraction (modified
** Lentz); valid and fast when x < (a+1)/(a+b+2). lx = log x, l1x = log(1-x). */
static double incbeta_cf(double x, double lx, double l1x, double a, double b) {
  const double tiny = 1e-300;
  double lbeta = (double)(lgammal(a) + lgammal(b) - lgammal(a + b));
  double front = exp(a * lx + b * l1x - lbeta) / a;
  double c = 1, dd = 1 - (a + b) * x / (a + 1);
  if (fabs(dd) < tiny) dd = tiny;
  dd = 1 / dd;
  double h = dd;
  for (int m = 1; m < 200000; m++) {
    double aa = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
    dd = 1 + aa * dd;
    if (fabs(dd) < tiny) dd = tiny;
    c = 1 + aa / c;
    if (fabs(c) < tiny) c = tiny;
    dd = 1 / dd;
    h *= dd * c;
    aa = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1));
    dd = 1 + aa * dd;
    if (fabs(dd) < tiny) dd = tiny;
    c = 1 + aa / c;
    if (fabs(c) < tiny) c = tiny;
    dd = 1 / dd;
    double del = dd * c;
    h *= del;
    if (fabs(del - 1) < 1e-16) break;
  }
  return front * h;
}

/* Upper tail of Student t, P(T > t) for t >= 0: I_x(df/2, 1/2)/2 with x = df/(df+t^2). */
static double t_upper(double t, double df) {
  double a = df / 2, b = 0.5;
  double x = df / (df + t * t), xc = t * t / (df + t * t);
  double lx = -log1p(t * t / df), lxc = 2 * log(t) - log(df + t * t);
  if (t == 0) return 0.5;
  if (x < (a + 1) / (a + b + 2)) return 0.5 * incbeta_cf(x, lx, lxc, a, b);
  return 0.5 * (1 - incbeta_cf(xc, lxc, lx, b, a));
}

static double t_density(double t, double df) {
  double lc = (double)(lgammal((df + 1) / 2) - lgammal(df / 2)) - 0.5 * log(df * M_PI);
  return exp(lc - (df + 1) / 2 * log1p(t * t / df));
}

double est_qt(double p, double df) {
  if (isnan(p) || isnan(df) || p < 0 || p > 1 || df <= 0) return NAN;
  if (p == 0) return -INFINITY;
  if (p == 1) return INFINITY;
  if (p == 0.5) return 0;
  bool bLower = p < 0.5;
  double q = bLower ? p : 1 - p;     /* upper tail probability of the positive quantile */
  double z = -est_qnorm(q), t;   /* the upper quantile, from the tail so tiny q keep their digits */
  if (isinf(df)) return bLower ? -z : z;
  if (df >= 2000 && z < 6) {
    /* Cornish-Fisher expansion (Abramowitz & Stegun 26.7.5); the next term is below 1e-16 here. */
    double z2 = z * z;
    double g1 = (z2 + 1) * z / 4;
    double g2 = ((5 * z2 + 16) * z2 + 3) * z / 96;
    double g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384;
    double g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160;
    t = z + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df;
    return bLower ? -t : t;
  }
  if (df == 1) t = tan(M_PI * (0.5 - q));
  else if (df == 2) t = (1 - 2 * q) / sqrt(2 * q * (1 - q));
  else {
    /* Start from the expansion (good to a few digits even for small df), then Newton on the tail. */
    double z2 = z * z;
    t = z + (z2 + 1) * z / (4 * df) + ((5 * z2 + 16) * z2 + 3) * z / (96 * df * df);
    if (!(t > 0) || isinf(t)) t = z;
  }
  for (int it = 0; it < 100; it++) {
    double dens = t_density(t, df);
    if (!(dens > 0)) break;
    double dt = (t_upper(t, df) - q) / dens;
    if (t + dt <= 0) dt = -t / 2;   /* stay on the positive side */
    t += dt;
    if (fabs(dt) <= 4 * DBL_EPSILON * t) break;
  }
  return bLower ? -t : t;
}

/* ---------------------------------------------------------------------------
** The design plan: validated once per call.
*/

typedef struct Plan {
  const Design *d;
  size_t n;
  int nStratum;          /* >= 1 */
  int nDom;
  const int32_t *aDom;   /* may be NULL: every unit in domain 0 */
  int32_t *aN;           /* per stratum: n_h, PSUs in the sample */
  double *aF;            /* per stratum: finite population factor (N_h - n_h)/N_h, 1 without fpc */
  bool bUnitPsu;         /* each unit is its own PSU */
  uint32_t *aOrder;      /* units grouped by PSU, or NULL when they already are or bDense */
  bool bDense;           /* PSUs not contiguous but nPsu x nDom small: accumulate in a dense table */
  int32_t *aPsuStratum;  /* per PSU: its stratum (-1: no unit) */
  bool bGrouped;         /* plan_fast: each PSU's units are contiguous */
} Plan;

/* Largest nPsu x nDom table of PSU totals accumulated directly (16 MB of doubles). */
#define DENSE_MAX (1u << 21)

static void plan_free(Plan *p) {
  free(p->aN);
  free(p->aF);
  free(p->aOrder);
  free(p->aPsuStratum);
  memset(p, 0, sizeof *p);
}

/* plan_init's checks and counts for the common large design (clustered, the
** strata given per PSU, the fpc per stratum, no domain array) in loops without
** branches; false when the design is another or something is wrong, and
** plan_init's unit-by-unit loop then finds it and says what. */
static bool plan_fast(Plan *p, const Design *d, const int32_t *aDom) {
  size_t n = d->n;
  if (aDom || d->aStratum || !d->aPsuStratum || !d->aPsu || d->aFpc || n == 0) return false;
  uint64_t mxW = 0, uMax;
  uint32_t mxK = 0;
  double rMax = DBL_MAX;
  memcpy(&uMax, &rMax, sizeof uMax);
  for (size_t i = 0; i < n; i++) {
    uint64_t u;   /* positive and finite: the bits minus 1 below those of DBL_MAX */
    memcpy(&u, &d->aWeight[i], sizeof u);
    u -= 1;
    mxW = u > mxW ? u : mxW;
    uint32_t k = (uint32_t)d->aPsu[i];   /* 0 <= k < nPsu */
    mxK = k > mxK ? k : mxK;
  }
  if (mxW >= uMax || mxK >= (uint32_t)d->nPsu) return false;
  unsigned char *aSeen = xcalloc((size_t)d->nPsu, 1);
  size_t nRun = 1;   /* runs of equal PSU: as many as PSUs when each PSU's units are contiguous */
  aSeen[d->aPsu[0]] = 1;
  for (size_t i = 1; i < n; i++) {
    aSeen[d->aPsu[i]] = 1;
    nRun += d->aPsu[i] != d->aPsu[i - 1];
  }
  size_t nSeen = 0;
  bool bOk = true;
  for (int k = 0; k < d->nPsu && bOk; k++) {
    if (!aSeen[k]) continue;
    int32_t h = d->aPsuStratum[k];
    bOk = h >= 0 && h < p->nStratum;
    if (!bOk) break;
    p->aPsuStratum[k] = h;
    p->aN[h]++;
    nSeen++;
  }
  free(aSeen);
  if (!bOk) {   /* start again unit by unit, for the message */
    for (int k = 0; k < d->nPsu; k++) p->aPsuStratum[k] = -1;
    memset(p->aN, 0, (size_t)p->nStratum * sizeof *p->aN);
    return false;
  }
  p->bGrouped = nRun == nSeen;
  return true;
}

static int plan_init(Plan *p, const Design *d, const int32_t *aDom, int nDom, Err *e) {
  size_t n = d->n, i;
  int32_t *aPsuStratum = NULL;
  double *aFpcH = NULL;
  int rc = -1, nFrac = 0, nPop = 0;
  memset(p, 0, sizeof *p);
  p->d = d;
  p->n = n;
  p->aDom = aDom;
  p->nDom = nDom;
  p->nStratum = (d->aStratum || (d->aPsuStratum && d->aPsu)) ? d->nStratum : 1;
  p->bUnitPsu = d->aPsu == NULL;
  if (nDom < 1 || (!aDom && nDom != 1)) return err_set(e, ERR_INVALID, "invalid number of domains %d", nDom);
  if (p->nStratum < 1) return err_set(e, ERR_INVALID, "a stratified design needs at least one stratum");
  if (!p->bUnitPsu && d->nPsu < 1) return err_set(e, ERR_INVALID, "a clustered design needs at least one PSU");
  if (n > UINT32_MAX) return err_set(e, ERR_TOO_LARGE, "too many units (%zu)", n);
  if (n > 0 && !d->aWeight) return err_set(e, ERR_INVALID, "the design has no weights");
  p->aN = xcalloc((size_t)p->nStratum, sizeof *p->aN);
  p->aF = xmalloc((size_t)p->nStratum * sizeof *p->aF);
  aFpcH = xmalloc((size_t)p->nStratum * sizeof *aFpcH);
  for (int h = 0; h < p->nStratum; h++) aFpcH[h] = NAN;
  if (!p->bUnitPsu) {
    aPsuStratum = p->aPsuStratum = xmalloc((size_t)d->nPsu * sizeof *aPsuStratum);
    for (int k = 0; k < d->nPsu; k++) aPsuStratum[k] = -1;
  }
  /* Whether each PSU's units are contiguous: 1 yes, 2 no, -1 not known yet. */
  int iGrouped = plan_fast(p, d, aDom) ? (p->bGrouped ? 1 : 2) : -1;
  for (i = iGrouped > 0 ? n : 0; i < n; i++) {
    double w = d->aWeight[i];
    int h = d->aStratum ? d->aStratum[i] : 0;
    if (!d->aStratum && d->aPsuStratum && d->aPsu) {   /* the stratum of the unit's PSU (range checked below) */
      int32_t k = d->aPsu[i];
      if (k >= 0 && k < d->nPsu) h = d->aPsuStratum[k];
    }
    if (!(w > 0) || isinf(w)) {
      err_set(e, ERR_INVALID, "the weight of unit %zu is %g: weights must be positive and finite", i + 1, w);
      goto out;
    }
    if (h < 0 || h >= p->nStratum) {
      err_set(e, ERR_INVALID, "unit %zu has stratum index %d, outside 0..%d", i + 1, h, p->nStratum - 1);
      goto out;
    }
    if (aDom && (aDom[i] < -1 || aDom[i] >= nDom)) {
      err_set(e, ERR_INVALID, "unit %zu has domain index %d, outside -1..%d", i + 1, aDom[i], nDom - 1);
      goto out;
    }
    if (p->bUnitPsu) {
      p->aN[h]++;
    } else {
      int32_t k = d->aPsu[i];
      if (k < 0 || k >= d->nPsu) {
        err_set(e, ERR_INVALID, "unit %zu has PSU index %d, outside 0..%d", i + 1, k, d->nPsu - 1);
        goto out;
      }
      if (aPsuStratum[k] < 0) {
        aPsuStratum[k] = h;
        p->aN[h]++;
      } else if (aPsuStratum[k] != h) {
        err_set(e, ERR_INVALID, "PSU %d is in strata %d and %d", k, aPsuStratum[k], h);
        err_hint(e, "number PSUs uniquely across strata (R's nest=TRUE)");
        goto out;
      }
    }
    if (d->aFpc) {
      double f = d->aFpc[i];
      if (!(f > 0)) {
        err_set(e, ERR_INVALID, "the fpc of unit %zu is %g: it must be positive", i + 1, f);
        goto out;
      }
      if (f > 1) nPop++;
      else if (f < 1) nFrac++;
      if (isnan(aFpcH[h])) aFpcH[h] = f;
      else if (aFpcH[h] != f) {
        err_set(e, ERR_INVALID, "the fpc varies within stratum %d (%g and %g)", h, aFpcH[h], f);
        goto out;
      }
    }
  }
  if (d->aFpcStratum && !d->aFpc) {
    for (int h = 0; h < p->nStratum; h++) {
      double f = d->aFpcStratum[h];
      if (p->aN[h] == 0) continue;   /* no unit: its fpc plays no part */
      if (!(f > 0)) {
        err_set(e, ERR_INVALID, "the fpc of stratum %d is %g: it must be positive", h, f);
        goto out;
      }
      if (f > 1) nPop++;
      else if (f < 1) nFrac++;
      aFpcH[h] = f;
    }
  }
  if (nPop && nFrac) {
    err_set(e, ERR_INVALID, "the fpc mixes population sizes (> 1) and sampling fractions (< 1)");
    goto out;
  }
  /* f_h as R's onestrat: (N_h - n_h)/N_h with N_h = n_h/fraction for fractions. */
  for (int h = 0; h < p->nStratum; h++) {
    double fpc = aFpcH[h], nh = p->aN[h];
    if ((!d->aFpc && !d->aFpcStratum) || isnan(fpc) || isinf(fpc)) {
      p->aF[h] = 1;
      continue;
    }
    double N = nPop ? fpc : nh / fpc;
    if (N < nh) {
      err_set(e, ERR_INVALID, "the fpc of stratum %d implies %g PSUs in the population but %g are in the sample", h,
              N, nh);
      goto out;
    }
    p->aF[h] = (N - nh) / N;
  }
  /* PSU-grouped order: only needed when some PSU's units are not contiguous. */
  if (!p->bUnitPsu && n > 0) {
    bool bGrouped = iGrouped == 1;
    if (iGrouped < 0) {
      unsigned char *aSeen = xcalloc((size_t)d->nPsu, 1);
      bGrouped = true;
      for (i = 0; i < n && bGrouped; i++) {
        int32_t k = d->aPsu[i];
        if (i > 0 && k == d->aPsu[i - 1]) continue;
        if (aSeen[k]) bGrouped = false;
        aSeen[k] = 1;
      }
      free(aSeen);
    }
    if (!bGrouped && (size_t)d->nPsu * (size_t)nDom <= DENSE_MAX) {
      p->bDense = true;
    } else if (!bGrouped) {
      uint32_t *aStart = xcalloc((size_t)d->nPsu + 1, sizeof *aStart);
      for (i = 0; i < n; i++) aStart[d->aPsu[i] + 1]++;
      for (int k = 0; k < d->nPsu; k++) aStart[k + 1] += aStart[k];
      p->aOrder = xmalloc(n * sizeof *p->aOrder);
      for (i = 0; i < n; i++) p->aOrder[aStart[d->aPsu[i]]++] = (uint32_t)i;   /* stable */
      free(aStart);
    }
  }
  rc = 0;
out:
  free(aFpcH);
  if (rc) plan_free(p);
  return rc;
}

/* ---------------------------------------------------------------------------
** Influence values and the variance of their domain totals.
*/

typedef enum Stat { ST_TOTAL, ST_MEAN, ST_RATIO, ST_IND } Stat;

/* What a pass needs to compute each unit's value. */
typedef struct Vals {
  Stat st;
  const double *y, *x;   /* x: ratio denominator */
  const double *aQ;      /* ST_IND: per-domain cut, value is (y <= aQ[d]) */
  const double *aC;      /* per domain: centre (mean, ratio) */
  const double *aS;      /* per domain: scale (1/W, 1/X) */
} Vals;

/* The influence value of unit i in domain d; false when the unit has no value. */
static inline bool unit_z(const Vals *v, const double *aW, size_t i, int d, double *pz) {
  double y = v->y[i];
  if (isnan(y)) return false;
  switch (v->st) {
  case ST_TOTAL:
    *pz = aW[i] * y;
    return true;
  case ST_MEAN:
    *pz = (y - v->aC[d]) * (aW[i] * v->aS[d]);
    return true;
  case ST_RATIO: {
    double x = v->x[i];
    if (isnan(x)) return false;
    *pz = (y - v->aC[d] * x) * (aW[i] * v->aS[d]);
    return true;
  }
  case ST_IND:
    *pz = ((y <= v->aQ[d] ? 1.0 : 0.0) - v->aC[d]) * (aW[i] * v->aS[d]);
    return true;
  }
  return false;
}

typedef struct Acc {
  double mean, m2;   /* of the PSU totals seen (PSUs holding the domain) */
  int32_t k;         /* PSUs seen */
} Acc;

static inline void acc_push(Acc *a, double t) {
  a->k++;
  double delta = t - a->mean;
  a->mean += delta / a->k;
  a->m2 += delta * (t - a->mean);
}

static int variance_from_acc(const Plan *p, const Acc *aAcc, double *aVar, int *aPsuIn, int *aStrIn, Err *e);

/* Variance of the domain totals of z. Fills aVar[nDom], and when not NULL the
** domain's PSU and stratum counts (for degrees of freedom). */
static int domain_variance(const Plan *p, const Vals *v, double *aVar, int *aPsuIn, int *aStrIn, Err *e) {
  const Design *d = p->d;
  const double *aW = d->aWeight;
  const int32_t *aDom = p->aDom, *aStr = d->aStratum;
  int nDom = p->nDom, nStr = p->nStratum;
  Acc *aAcc = xcalloc((size_t)nDom * (size_t)nStr, sizeof *aAcc);
  size_t n = p->n;
  int rc = 0;

  if (p->bUnitPsu) {
    for (size_t i = 0; i < n; i++) {
      int dm = aDom ? aDom[i] : 0;
      double z;
      if (dm < 0 || !unit_z(v, aW, i, dm, &z)) continue;
      acc_push(&aAcc[(size_t)(aStr ? aStr[i] : 0) * (size_t)nDom + (size_t)dm], z);
    }
  } else if (p->bDense) {
    /* PSU totals in a dense nPsu x nDom table, filled in unit order (as R's rowsum),
    ** pushed in PSU order; aHas marks the (PSU, domain) cells that hold a unit. */
    size_t nCell = (size_t)d->nPsu * (size_t)nDom;
    double *aT = xcalloc(nCell, sizeof *aT);
    unsigned char *aHas = xcalloc(nCell, 1);
    for (size_t i = 0; i < n; i++) {
      int dm = aDom ? aDom[i] : 0;
      double z;
      if (dm < 0 || !unit_z(v, aW, i, dm, &z)) continue;
      size_t c = (size_t)d->aPsu[i] * (size_t)nDom + (size_t)dm;
      aT[c] += z;
      aHas[c] = 1;
    }
    for (int k = 0; k < d->nPsu; k++) {
      int h = p->aPsuStratum[k];
      for (int dm = 0; dm < nDom; dm++) {
        size_t c = (size_t)k * (size_t)nDom + (size_t)dm;
        if (aHas[c]) acc_push(&aAcc[(size_t)h * (size_t)nDom + (size_t)dm], aT[c]);
      }
    }
    free(aT);
    free(aHas);
  } else {
    /* Stream PSU by PSU; a PSU's per-domain totals are kept in aBuf and pushed
    ** when the PSU ends. aStamp marks the domains touched by the current PSU. */
    double *aBuf = xmalloc((size_t)nDom * sizeof *aBuf);
    int32_t *aStamp = xmalloc((size_t)nDom * sizeof *aStamp);
    int *aTouched = xmalloc((size_t)nDom * sizeof *aTouched);
    int nTouched = 0, h = 0;
    int32_t cur = -1, g = 0;
    for (int k = 0; k < nDom; k++) aStamp[k] = -1;
    const uint32_t *aOrd = p->aOrder;
    for (size_t j = 0; j <= n; j++) {
      size_t i = j < n ? (aOrd ? aOrd[j] : j) : 0;
      if (j == n || d->aPsu[i] != cur) {
        for (int t = 0; t < nTouched; t++)
          acc_push(&aAcc[(size_t)h * (size_t)nDom + (size_t)aTouched[t]], aBuf[aTouched[t]]);
        nTouched = 0;
        if (j == n) break;
        cur = d->aPsu[i];
        h = p->aPsuStratum[cur];   /* the unit's stratum: plan_init checked PSUs are nested */
        g++;
      }
      int dm = aDom ? aDom[i] : 0;
      double z;
      if (dm < 0 || !unit_z(v, aW, i, dm, &z)) continue;
      if (aStamp[dm] != g) {
        aStamp[dm] = g;
        aBuf[dm] = 0;
        aTouched[nTouched++] = dm;
      }
      aBuf[dm] += z;
    }
    free(aBuf);
    free(aStamp);
    free(aTouched);
  }
  rc = variance_from_acc(p, aAcc, aVar, aPsuIn, aStrIn, e);
  free(aAcc);
  return rc;
}

/* The variance of each domain from the per (stratum, domain) accumulators of
** its PSU totals aAcc[h * nDom + dm]. */
static int variance_from_acc(const Plan *p, const Acc *aAcc, double *aVar, int *aPsuIn, int *aStrIn, Err *e) {
  const Design *d = p->d;
  int nDom = p->nDom, nStr = p->nStratum, rc = 0;
  for (int dm = 0; dm < nDom && rc == 0; dm++) {
    double var = 0;
    int nPresent = 0, nNa = 0, nPsuIn = 0;
    for (int h = 0; h < nStr; h++) {
      const Acc *a = &aAcc[(size_t)h * (size_t)nDom + (size_t)dm];
      if (a->k == 0) continue;   /* R: the stratum is absent from the domain's subset */
      nPresent++;
      nPsuIn += a->k;
      double f = p->aF[h];
      double nh = p->aN[h];
      if (f < 1e-7) continue;    /* R returns 0 before looking for lonely PSUs */
      if (p->aN[h] > 1) {
        /* sum over all n_h PSUs of (t - tbar)^2, the n_h - k absent ones being 0 */
        double m = a->k * a->mean / nh;
        double dmu = a->mean - m;
        double ss = a->m2 + a->k * dmu * dmu + (nh - a->k) * m * m;
        var += f * nh / (nh - 1) * ss;
      } else {
        switch (d->lonely) {
        case LONELY_FAIL:
          err_set(e, ERR_INVALID, "stratum %d has only one PSU", h);
          err_detail(e, "the variance needs at least two PSUs per stratum and the lonely PSU rule is \"fail\"");
          err_hint(e, "collapse strata, or choose the lonely PSU rule remove, adjust, average or certainty");
          rc = -1;
          break;
        case LONELY_REMOVE:
        case LONELY_CERTAINTY:
          break;
        case LONELY_ADJUST:
          var += f * a->mean * a->mean;   /* the PSU total about the grand mean, 0 */
          break;
        case LONELY_AVERAGE:
          nNa++;
          break;
        }
      }
    }
    if (nNa) var = nPresent > nNa ? var * nPresent / (nPresent - nNa) : NAN;
    aVar[dm] = var;
    if (aPsuIn) aPsuIn[dm] = nPsuIn;
    if (aStrIn) aStrIn[dm] = nPresent;
  }
  return rc;
}

/* ---------------------------------------------------------------------------
** Point estimates and the public functions.
*/

typedef struct Sums {
  long n;
  long double sw, swy, swx;
} Sums;

/* Per-domain weighted sums (long double, as R's sum and colSums). */
static Sums *domain_sums(const Plan *p, const Vals *v) {
  Sums *a = xcalloc((size_t)p->nDom, sizeof *a);
  const double *aW = p->d->aWeight;
  for (size_t i = 0; i < p->n; i++) {
    int dm = p->aDom ? p->aDom[i] : 0;
    if (dm < 0) continue;
    double y = v->y[i];
    if (isnan(y)) continue;
    double w = aW[i], x = 0;
    if (v->st == ST_RATIO) {
      x = v->x[i];
      if (isnan(x)) continue;
    } else if (v->st == ST_IND) {
      y = y <= v->aQ[dm] ? 1 : 0;
    }
    Sums *s = &a[dm];
    s->n++;
    s->sw += w;
    s->swy += (long double)w * y;
    s->swx += (long double)w * x;
  }
  return a;
}

static void options_or_default(const EstOptions *o, EstOptions *pOut) {
  if (o) *pOut = *o;
  else est_options_default(pOut);
}

static int check_options(const EstOptions *o, Err *e) {
  if (!(o->conf > 0 && o->conf < 1))
    return err_set(e, ERR_INVALID, "confidence level %g is not between 0 and 1", o->conf);
  if (isnan(o->cvMax) || o->cvMax < 0)
    return err_set(e, ERR_INVALID, "invalid maximum coefficient of variation %g", o->cvMax);
  if (o->nMinCell < 0) return err_set(e, ERR_INVALID, "invalid minimum cell size %ld", o->nMinCell);
  return 0;
}

void est_options_default(EstOptions *o) {
  o->conf = 0.95;
  o->cvMax = 0.3;
  o->nMinCell = 10;
}

static void set_flags(Estimate *r, const EstOptions *o) {
  r->flags = EST_OK;
  if (r->n == 0) {
    r->est = r->se = r->ciLow = r->ciHigh = r->cv = NAN;
    r->nWeighted = 0;
    r->flags |= EST_EMPTY;
  }
  r->cv = r->est != 0 ? r->se / fabs(r->est) : NAN;
  if (r->n < o->nMinCell) r->flags |= EST_SUPPRESSED;
  if (r->cv > o->cvMax) r->flags |= EST_UNRELIABLE;
}

static void fill_nan(Estimate *aOut, int nDom) {
  for (int k = 0; k < nDom; k++) {
    aOut[k].est = aOut[k].se = aOut[k].ciLow = aOut[k].ciHigh = aOut[k].cv = NAN;
    aOut[k].n = 0;
    aOut[k].nWeighted = 0;
    aOut[k].flags = EST_EMPTY;
  }
}

/* Totals, means and ratios from the domain sums: each domain's centre aC and
** scale aS (mean: ybar, 1/W; ratio: R, 1/X), for the influence values. */
static void linear_centres(Stat st, const Sums *aSum, int nDom, double *aC, double *aS) {
  for (int k = 0; k < nDom; k++) {
    double sw = (double)aSum[k].sw, swy = (double)aSum[k].swy, swx = (double)aSum[k].swx;
    if (st == ST_MEAN) {
      aC[k] = swy / sw;
      aS[k] = 1 / sw;
    } else if (st == ST_RATIO) {
      aC[k] = swy / swx;
      aS[k] = 1 / swx;
    }
  }
}

/* The results: the Wald interval est -/+ z se as R's confint (df = Inf). */
static void linear_results(Stat st, const Sums *aSum, const double *aC, const double *aVar, int nDom,
                           const EstOptions *o, Estimate *aOut) {
  double a = (1 - o->conf) / 2;
  double zLo = est_qnorm(a), zHi = est_qnorm(1 - a);
  for (int k = 0; k < nDom; k++) {
    Estimate *r = &aOut[k];
    r->n = aSum[k].n;
    r->nWeighted = (double)aSum[k].sw;
    r->est = st == ST_TOTAL ? (double)aSum[k].swy : aC[k];
    r->se = sqrt(aVar[k]);
    r->ciLow = r->est + r->se * zLo;
    r->ciHigh = r->est + r->se * zHi;
    set_flags(r, o);
  }
}

static int estimate_linear(const Design *d, Stat st, const double *y, const double *x, const int32_t *aDom,
                           int nDom, const EstOptions *o0, Estimate *aOut, Err *e) {
  EstOptions o;
  Plan p;
  options_or_default(o0, &o);
  if (nDom >= 1 && aOut) fill_nan(aOut, nDom);
  if (!d || !aOut || (!y && d->n > 0) || (st == ST_RATIO && !x && d->n > 0))
    return err_set(e, ERR_INVALID, "missing design, variable or output");
  if (check_options(&o, e) || plan_init(&p, d, aDom, nDom, e)) return -1;
  Vals v = {st, y, x, NULL, NULL, NULL};
  Sums *aSum = domain_sums(&p, &v);
  double *aC = xcalloc((size_t)nDom, sizeof *aC), *aS = xcalloc((size_t)nDom, sizeof *aS);
  double *aVar = xmalloc((size_t)nDom * sizeof *aVar);
  linear_centres(st, aSum, nDom, aC, aS);
  v.aC = aC;
  v.aS = aS;
  int rc = domain_variance(&p, &v, aVar, NULL, NULL, e);
  if (rc == 0) linear_results(st, aSum, aC, aVar, nDom, &o, aOut);
  else fill_nan(aOut, nDom);
  free(aSum);
  free(aC);
  free(aS);
  free(aVar);
  plan_free(&p);
  return rc;
}

/* ---------------------------------------------------------------------------
** Several linear statistics at once (est_linear).
**
** The units are taken in chunks of LIN_CHUNK, in their order. Each chunk's
** units in a domain are listed by domain (stable), and each statistic's value
** of them is read into a small buffer (a level code becomes 0/1, NaN when
** missing); then, per domain, a tight loop per statistic carries its state:
** pass 1 the sums of domain_sums (long double, in unit order, kept in
** registers within the loop), pass 2 the running total of the current PSU,
** pushed to the (stratum, domain) accumulator when the domain's next unit is in
** another PSU. With PSUs contiguous (or every unit its own PSU) that is exactly
** the order of domain_sums and domain_variance, so the results are the same
** bits; missing values add +0, which changes no sum. On a large survey two
** threads take half the units each (split where a PSU starts); their sums and
** accumulators are then combined, which can change the last bit. Other
** designs, and very many domains, go one statistic at a time through
** estimate_linear.
*/

#define LIN_CHUNK 8192
#define LIN_MAX_DOM 4096
#define LIN_THREAD_MIN 200000   /* units from which a second thread pays */

/* State of one statistic in one domain. */
typedef struct LinState {
  Sums s;
  int32_t cur;     /* pass 2: the PSU being summed (-1 none) */
  bool bHas;       /* it holds a unit with a value */
  double t;        /* its total so far */
} LinState;

static Stat item_stat(EstKind k) { return k == EST_KIND_TOTAL ? ST_TOTAL : k == EST_KIND_MEAN ? ST_MEAN : ST_RATIO; }

static bool var_ok(const EstVar *v, size_t n) {
  if (n == 0) return true;
  if (v->aNum) return !v->pCode;
  return v->pCode && (v->nCodeWidth == 1 || v->nCodeWidth == 2 || v->nCodeWidth == 4);
}

static bool var_same(const EstVar *a, const EstVar *b) {
  return a->aNum == b->aNum && a->pCode == b->pCode && a->bEq == b->bEq &&
         (!a->bEq || a->rEq == b->rEq) && (!a->pCode || (a->iLevel == b->iLevel && a->nCodeWidth == b->nCodeWidth));
}

/* The values of v for units aIdx[0..m) into aOut (NaN missing). */
static void var_fetch(const EstVar *v, const uint32_t *aIdx, size_t m, double *aOut) {
  if (v->aNum && !v->bEq) {
    for (size_t j = 0; j < m; j++) aOut[j] = v->aNum[aIdx[j]];
  } else if (v->aNum) {
    for (size_t j = 0; j < m; j++) {
      double a = v->aNum[aIdx[j]];
      aOut[j] = isnan(a) ? NAN : (a == v->rEq ? 1.0 : 0.0);
    }
  } else if (v->nCodeWidth == 1) {
    /* A table of the 256 byte values: no branch to mispredict. */
    double aTab[256];
    const uint8_t *c = v->pCode;
    for (int k = 0; k < 256; k++) aTab[k] = k >= 128 ? NAN : (k == v->iLevel ? 1.0 : 0.0);
    for (size_t j = 0; j < m; j++) aOut[j] = aTab[c[aIdx[j]]];
  } else {
    /* The bits of 1.0 where the code is the level, of NaN where it is missing. */
    uint64_t one, nan;
    double rOne = 1.0, rNan = NAN;
    memcpy(&one, &rOne, sizeof one);
    memcpy(&nan, &rNan, sizeof nan);
    int32_t l = v->iLevel;
    for (size_t j = 0; j < m; j++) {
      int32_t k = v->nCodeWidth == 2 ? ((const int16_t *)v->pCode)[aIdx[j]] : ((const int32_t *)v->pCode)[aIdx[j]];
      uint64_t u = (one & -(uint64_t)(k == l)) | (nan & -(uint64_t)(k < 0));
      memcpy(&aOut[j], &u, sizeof u);
    }
  }
}

/* The whole of v as an array of n values (for the one-at-a-time path); NULL
** when v is an array already (*pa then points to it). Caller frees. */
static double *var_array(const EstVar *v, size_t n, const double **pa) {
  if (v->aNum && !v->bEq) {
    *pa = v->aNum;
    return NULL;
  }
  double *a = xmalloc((n ? n : 1) * sizeof *a);
  uint32_t aIdx[1024];
  for (size_t i0 = 0; i0 < n; i0 += 1024) {
    size_t m = n - i0 < 1024 ? n - i0 : 1024;
    for (size_t j = 0; j < m; j++) aIdx[j] = (uint32_t)(i0 + j);
    var_fetch(v, aIdx, m, a + i0);
  }
  *pa = a;
  return a;
}

/* Pass 1 over one domain's units of a chunk: the sums of domain_sums. First the
** weights and values with 0 for the units without a value (a loop the compiler
** vectorizes), then the long double sums alone, adding 0 for those units (which
** changes no sum): the x87 loop then only loads and adds. aS is scratch space
** of 3 m values. */
static void lin_sums(LinState *st, bool bRatio, const double *aW, const double *aY, const double *aX, size_t m,
                     double *aS) {
  double *aWv = aS, *aYv = aS + m, *aXv = aS + 2 * m;
  long n = st->s.n;
  if (bRatio) {
    for (size_t j = 0; j < m; j++) {
      bool ok = !isnan(aY[j]) && !isnan(aX[j]);
      aWv[j] = ok ? aW[j] : 0.0;
      aYv[j] = ok ? aY[j] : 0.0;
      aXv[j] = ok ? aX[j] : 0.0;
      n += ok;
    }
  } else {
    for (size_t j = 0; j < m; j++) {
      bool ok = !isnan(aY[j]);
      aWv[j] = ok ? aW[j] : 0.0;
      aYv[j] = ok ? aY[j] : 0.0;
      n += ok;
    }
  }
  long double sw = st->s.sw, swy = st->s.swy, swx = st->s.swx;
  if (bRatio) {
    for (size_t j = 0; j < m; j++) {
      sw += aWv[j];
      swy += (long double)aWv[j] * aYv[j];
      swx += (long double)aWv[j] * aXv[j];
    }
  } else {
    for (size_t j = 0; j < m; j++) {
      sw += aWv[j];
      swy += (long double)aWv[j] * aYv[j];
    }
  }
  st->s.n = n;
  st->s.sw = sw;
  st->s.swy = swy;
  st->s.swx = swx;
}

/* lin_sums of two statistics without denominator: each one's additions in the
** same order as alone, in one loop, so that the four chains of additions
** overlap where two would wait on each addition. aS: scratch of 4 m values. */
static void lin_sums2(LinState *st, LinState *st2, const double *aW, const double *aY, const double *aY2, size_t m,
                      double *aS) {
  double *aWv = aS, *aYv = aS + m, *aWv2 = aS + 2 * m, *aYv2 = aS + 3 * m;
  long n = st->s.n, n2 = st2->s.n;
  for (size_t j = 0; j < m; j++) {
    bool ok = !isnan(aY[j]), ok2 = !isnan(aY2[j]);
    aWv[j] = ok ? aW[j] : 0.0;
    aYv[j] = ok ? aY[j] : 0.0;
    aWv2[j] = ok2 ? aW[j] : 0.0;
    aYv2[j] = ok2 ? aY2[j] : 0.0;
    n += ok;
    n2 += ok2;
  }
  long double sw = st->s.sw, swy = st->s.swy, sw2 = st2->s.sw, swy2 = st2->s.swy;
  for (size_t j = 0; j < m; j++) {
    sw += aWv[j];
    swy += (long double)aWv[j] * aYv[j];
    sw2 += aWv2[j];
    swy2 += (long double)aWv2[j] * aYv2[j];
  }
  st->s.n = n;
  st->s.sw = sw;
  st->s.swy = swy;
  st2->s.n = n2;
  st2->s.sw = sw2;
  st2->s.swy = swy2;
}

/* Pass 2 over one domain's units of a chunk: PSU totals of the influence
** values, pushed to aAcc[h * nDom] (the domain's accumulator of stratum h) as
** each PSU ends; with aPsu NULL every unit is its own PSU, of stratum aH[j]. */
static void lin_psu(LinState *st, Stat s, double c, double sc, const double *aW, const double *aY, const double *aX,
                    const int32_t *aPsu, const int32_t *aH, const int32_t *aPsuStratum, Acc *aAcc, size_t nDom,
                    size_t m) {
  if (!aPsu) {
    for (size_t j = 0; j < m; j++) {
      double y = aY[j], z;
      if (isnan(y)) continue;
      if (s == ST_TOTAL) z = aW[j] * y;
      else if (s == ST_MEAN) z = (y - c) * (aW[j] * sc);
      else {
        double x = aX[j];
        if (isnan(x)) continue;
        z = (y - c * x) * (aW[j] * sc);
      }
      acc_push(&aAcc[(size_t)aH[j] * nDom], z);
    }
    return;
  }
  int32_t cur = st->cur;
  bool bHas = st->bHas;
  double t = st->t;
  for (size_t j = 0; j < m; j++) {
    int32_t k = aPsu[j];
    if (k != cur) {
      if (bHas) acc_push(&aAcc[(size_t)aPsuStratum[cur] * nDom], t);
      cur = k;
      t = 0;
      bHas = false;
    }
    double y = aY[j], z;
    bool ok;
    if (s == ST_TOTAL) {
      ok = !isnan(y);
      z = aW[j] * y;
    } else if (s == ST_MEAN) {
      ok = !isnan(y);
      z = (y - c) * (aW[j] * sc);
    } else {
      double x = aX[j];
      ok = !isnan(y) && !isnan(x);
      z = (y - c * x) * (aW[j] * sc);
    }
    t += ok ? z : 0.0;
    bHas = bHas || ok;
  }
  st->cur = cur;
  st->bHas = bHas;
  st->t = t;
}

/* One statistic at a time, with the variables made arrays. */
static int linear_one_by_one(const Design *d, const int32_t *aDom, int nDom, EstItem *aItem, int nItem, int *piFail,
                             Err *e) {
  for (int k = 0; k < nItem; k++) {
    const double *y, *x = NULL;
    double *pY = var_array(&aItem[k].y, d->n, &y), *pX = NULL;
    if (aItem[k].kind == EST_KIND_RATIO) pX = var_array(&aItem[k].x, d->n, &x);
    int rc = estimate_linear(d, item_stat(aItem[k].kind), y, x, aDom, nDom, &aItem[k].opt, aItem[k].aOut, e);
    free(pY);
    free(pX);
    if (rc) {
      if (piFail) *piFail = k;
      return -1;
    }
  }
  return 0;
}

/* One pass of est_linear over units u0..u1-1 (a thread's share: whole PSUs). */
typedef struct LinJob {
  const Design *d;
  const Plan *p;
  EstDomainFn xDomain;
  void *pArg;
  int nDom, nItem;
  int pass;        /* 1: the sums (and the totals' PSU totals); 2: the others' PSU totals */
  size_t u0, u1;
  const EstItem *aItem;
  LinState *aSt;   /* [k * nDom + dm], this job's own */
  Acc *aAcc;       /* [(k * nDom) * nStratum + h * nDom + dm], this job's own */
  const double *aC, *aS;   /* pass 2: the centres and scales from pass 1 */
  bool bBad;       /* a domain index out of range: unit iBad has iBadDom */
  size_t iBad;
  int iBadDom;
} LinJob;

static void lin_job(LinJob *job) {
  const Design *d = job->d;
  const Plan *pp = job->p;
  const EstItem *aItem = job->aItem;
  int nDom = job->nDom, k0 = 0, k1 = job->nItem, nVar = 0;
  size_t nD = (size_t)nDom;
  LinState *aSt = job->aSt;
  Acc *aAcc = job->aAcc;
  const double *aC = job->aC, *aS = job->aS;
  /* Distinct variables: aiY[k], aiX[k] index the value buffers. */
  const EstVar **apVar = xmalloc((size_t)(k1 - k0) * 2 * sizeof *apVar);
  int *aiY = xmalloc((size_t)k1 * sizeof *aiY), *aiX = xmalloc((size_t)k1 * sizeof *aiX);
  for (int k = k0; k < k1; k++) {
    for (int r = 0; r < 2; r++) {
      const EstVar *v = r == 0 ? &aItem[k].y : &aItem[k].x;
      int *pi = r == 0 ? &aiY[k] : &aiX[k];
      *pi = -1;
      if (r == 1 && aItem[k].kind != EST_KIND_RATIO) continue;
      for (int j = 0; j < nVar && *pi < 0; j++)
        if (var_same(apVar[j], v)) *pi = j;
      if (*pi < 0) {
        apVar[nVar] = v;
        *pi = nVar++;
      }
    }
  }
  size_t *aStart = xmalloc((nD + 2) * sizeof *aStart), *aNext = xmalloc((nD + 1) * sizeof *aNext);
  int *aPresent = xmalloc(nD * sizeof *aPresent);
  uint32_t *aIdx = xmalloc(LIN_CHUNK * sizeof *aIdx);
  double *aW = xmalloc(LIN_CHUNK * sizeof *aW);
  double *aVal = xmalloc(((size_t)nVar + 1) * LIN_CHUNK * sizeof *aVal);
  int32_t *aG = xmalloc(LIN_CHUNK * sizeof *aG);   /* each unit's PSU (or stratum) */
  int32_t *aDomBuf = xmalloc(LIN_CHUNK * sizeof *aDomBuf);
  double *aScratch = xmalloc(4 * LIN_CHUNK * sizeof *aScratch);
  const int32_t *aStr = d->aStratum;

  /* A total's influence value w y needs no point estimate: its PSU totals are
  ** summed in pass 1 already, and pass 2 reads only what the others need. */
  bool bTotal = false, bPass2 = false;
  bool *abVar2 = xcalloc((size_t)nVar + 1, sizeof *abVar2);
  for (int k = k0; k < k1; k++) {
    if (aItem[k].kind == EST_KIND_TOTAL) {
      bTotal = true;
      continue;
    }
    bPass2 = true;
    abVar2[aiY[k]] = true;
    if (aiX[k] >= 0) abVar2[aiX[k]] = true;
  }
  /* Pass 1 sums the statistics without denominator two by two (aiPair[k]: the
  ** other one, or -1). */
  int *aiPair = xmalloc((size_t)k1 * sizeof *aiPair);
  for (int k = k0, kOpen = -1; k < k1; k++) {
    aiPair[k] = -1;
    if (aItem[k].kind == EST_KIND_RATIO) continue;
    if (kOpen < 0) {
      kOpen = k;
    } else {
      aiPair[kOpen] = k;
      aiPair[k] = kOpen;
      kOpen = -1;
    }
  }
  {
    int pass = job->pass;
    bool bPsu = pass == 2 || bTotal;   /* this pass sums PSU totals */
    if (pass == 2 && !bPass2) goto job_out;
    for (size_t i0 = job->u0; i0 < job->u1; i0 += LIN_CHUNK) {
      size_t i1 = job->u1 - i0 < LIN_CHUNK ? job->u1 : i0 + LIN_CHUNK, m = 0;
      int nPresent = 0;
      /* The weights are gathered below in domain order: ask for them now. */
      for (size_t i = i0; i < i1; i += 8) __builtin_prefetch(&d->aWeight[i]);
      job->xDomain(job->pArg, i0, i1 - i0, aDomBuf);
      const int32_t *aDom = aDomBuf;   /* aDom[i - i0]: unit i's domain */
      bool bBad = false;
      for (size_t j = 0; j < i1 - i0; j++) bBad |= aDom[j] < -1 || aDom[j] >= nDom;
      if (bBad) {
        size_t j = 0;
        while (aDom[j] >= -1 && aDom[j] < nDom) j++;
        job->bBad = true;
        job->iBad = i0 + j;
        job->iBadDom = aDom[j];
        goto job_out;
      }
      /* The chunk's units listed by domain (stable), those outside every domain
      ** first (slot 0 counts them): no branch on the domain. */
      memset(aStart, 0, (nD + 2) * sizeof *aStart);
      for (size_t j = 0; j < i1 - i0; j++) aStart[aDom[j] + 2]++;
      aNext[0] = 0;
      for (size_t k = 0; k <= nD; k++) {
        if (k > 0 && aStart[k + 1]) aPresent[nPresent++] = (int)k - 1;
        aStart[k + 1] += aStart[k];
        aNext[k] = aStart[k];
      }
      m = aStart[nD + 1];
      for (size_t j = 0; j < i1 - i0; j++) aIdx[aNext[aDom[j] + 1]++] = (uint32_t)(i0 + j);
      size_t jIn = aStart[1];   /* the units in a domain: aIdx[jIn..m) */
      for (size_t j = jIn; j < m; j++) aW[j] = d->aWeight[aIdx[j]];
      for (int v = 0; v < nVar; v++)
        if (pass == 1 || abVar2[v]) var_fetch(apVar[v], aIdx + jIn, m - jIn, aVal + (size_t)v * LIN_CHUNK + jIn);
      if (bPsu) {
        if (!pp->bUnitPsu)
          for (size_t j = jIn; j < m; j++) aG[j] = d->aPsu[aIdx[j]];
        else
          for (size_t j = jIn; j < m; j++) aG[j] = aStr ? aStr[aIdx[j]] : 0;
      }
      for (int q = 0; q < nPresent; q++) {
        size_t dm = (size_t)aPresent[q], j0 = aStart[dm + 1], mj = aStart[dm + 2] - j0;
        for (int k = k0; k < k1; k++) {
          const double *aY = aVal + (size_t)aiY[k] * LIN_CHUNK + j0;
          const double *aX = aiX[k] >= 0 ? aVal + (size_t)aiX[k] * LIN_CHUNK + j0 : NULL;
          LinState *st = &aSt[(size_t)k * nD + dm];
          if (pass == 1 && aiPair[k] > k) {
            int k2 = aiPair[k];
            lin_sums2(st, &aSt[(size_t)k2 * nD + dm], aW + j0, aY, aVal + (size_t)aiY[k2] * LIN_CHUNK + j0, mj,
                      aScratch);
          } else if (pass == 1 && aiPair[k] < 0) {
            lin_sums(st, aItem[k].kind == EST_KIND_RATIO, aW + j0, aY, aX, mj, aScratch);
          }
          if ((pass == 1) == (aItem[k].kind == EST_KIND_TOTAL)) {
            size_t iKD = (size_t)k * nD + dm;
            lin_psu(st, item_stat(aItem[k].kind), aC[iKD], aS[iKD], aW + j0, aY, aX, pp->bUnitPsu ? NULL : aG + j0,
                    aG + j0, pp->aPsuStratum, aAcc + (size_t)k * nD * (size_t)pp->nStratum + dm, nD, mj);
          }
        }
      }
    }
  }
job_out:
  free(apVar);
  free(aiY);
  free(aiX);
  free(aStart);
  free(aNext);
  free(aPresent);
  free(aIdx);
  free(aW);
  free(aVal);
  free(aG);
  free(aDomBuf);
  free(aScratch);
  free(abVar2);
  free(aiPair);
}

static void *lin_job_main(void *pArg) {
  lin_job(pArg);
  return NULL;
}

/* est_linear's domains from an array (NULL: every unit in domain 0). */
static void domains_from_array(void *pArg, size_t i0, size_t m, int32_t *aDom) {
  if (pArg) memcpy(aDom, (const int32_t *)pArg + i0, m * sizeof *aDom);
  else memset(aDom, 0, m * sizeof *aDom);
}

int est_linear(const Design *d, const int32_t *aDom, int nDom, EstItem *aItem, int nItem, int *piFail, Err *e) {
  if (!aDom && nDom != 1) return err_set(e, ERR_INVALID, "invalid number of domains %d", nDom);
  return est_linear_by(d, domains_from_array, (void *)aDom, nDom, aItem, nItem, piFail, e);
}

int est_linear_by(const Design *d, EstDomainFn xDomain, void *pArg, int nDom, EstItem *aItem, int nItem, int *piFail,
                  Err *e) {
  Plan p;
  int rc = -1;
  if (piFail) *piFail = 0;
  for (int k = 0; k < nItem; k++) {
    if (nDom >= 1 && aItem[k].aOut) fill_nan(aItem[k].aOut, nDom);
  }
  if (!d || nItem < 1 || (!aItem)) return err_set(e, ERR_INVALID, "missing design or statistics");
  for (int k = 0; k < nItem; k++) {
    EstItem *it = &aItem[k];
    if (piFail) *piFail = k;
    if (!it->aOut || !var_ok(&it->y, d->n) || (it->kind == EST_KIND_RATIO && !var_ok(&it->x, d->n)) ||
        it->kind < EST_KIND_TOTAL || it->kind > EST_KIND_RATIO)
      return err_set(e, ERR_INVALID, "missing design, variable or output");
    if (check_options(&it->opt, e)) return -1;
  }
  if (piFail) *piFail = 0;
  if (nDom < 1) return err_set(e, ERR_INVALID, "invalid number of domains %d", nDom);
  /* The design alone; each chunk's domains are checked as they come. */
  if (plan_init(&p, d, NULL, 1, e)) return -1;
  p.nDom = nDom;
  if (nDom > LIN_MAX_DOM || (!p.bUnitPsu && (p.bDense || p.aOrder))) {
    size_t nAll = p.n;
    int32_t *aAll = xmalloc((nAll ? nAll : 1) * sizeof *aAll);
    for (size_t i0 = 0; i0 < nAll; i0 += LIN_CHUNK) xDomain(pArg, i0, nAll - i0 < LIN_CHUNK ? nAll - i0 : LIN_CHUNK, aAll + i0);
    plan_free(&p);
    rc = linear_one_by_one(d, aAll, nDom, aItem, nItem, piFail, e);
    free(aAll);
    return rc;
  }

  size_t nD = (size_t)nDom, nKD = (size_t)nItem * nD, nAcc = nKD * (size_t)p.nStratum;
  /* On a large survey two threads take half the units each, split where a PSU
  ** starts, so that every PSU total is one thread's; their sums and PSU
  ** accumulators are combined after each pass. */
  size_t uSplit = p.n;
  if (p.n >= LIN_THREAD_MIN) {
    uSplit = p.n / 2;
    if (!p.bUnitPsu)
      while (uSplit < p.n && d->aPsu[uSplit] == d->aPsu[uSplit - 1]) uSplit++;
  }
  int nJob = uSplit < p.n ? 2 : 1;
  LinState *aSt = xcalloc((size_t)nJob * nKD, sizeof *aSt);
  Acc *aAcc = xcalloc((size_t)nJob * nAcc, sizeof *aAcc);
  double *aC = xcalloc(nKD, sizeof *aC), *aS = xcalloc(nKD, sizeof *aS);
  double *aVar = xmalloc(nD * sizeof *aVar);
  Sums *aSum = xmalloc(nKD * sizeof *aSum);
  for (size_t k = 0; k < (size_t)nJob * nKD; k++) aSt[k].cur = -1;
  LinJob aJob[2];
  for (int t = 0; t < nJob; t++) {
    LinJob *j = &aJob[t];
    memset(j, 0, sizeof *j);
    j->d = d;
    j->p = &p;
    j->xDomain = xDomain;
    j->pArg = pArg;
    j->nDom = nDom;
    j->aItem = aItem;
    j->nItem = nItem;
    j->u0 = t == 0 ? 0 : uSplit;
    j->u1 = t == 0 ? uSplit : p.n;
    j->aSt = aSt + (size_t)t * nKD;
    j->aAcc = aAcc + (size_t)t * nAcc;
    j->aC = aC;
    j->aS = aS;
  }
  rc = 0;
  for (int pass = 1; pass <= 2 && rc == 0; pass++) {
    for (int t = 0; t < nJob; t++) aJob[t].pass = pass;
    pthread_t thread;
    bool bThread = nJob == 2 && thread_start_beside(&thread, lin_job_main, &aJob[1]) == 0;
    lin_job(&aJob[0]);
    if (bThread) pthread_join(thread, NULL);
    else if (nJob == 2) lin_job(&aJob[1]);
    for (int t = 0; t < nJob && rc == 0; t++) {
      if (aJob[t].bBad) {
        err_set(e, ERR_INVALID, "unit %zu has domain index %d, outside -1..%d", aJob[t].iBad + 1, aJob[t].iBadDom,
                nDom - 1);
        rc = -1;
      }
    }
    if (pass == 1 && rc == 0) {
      /* The sums of both halves (in unit order: the first half's, then the second's), then the centres. */
      for (size_t kd = 0; kd < nKD; kd++) {
        aSum[kd] = aSt[kd].s;
        for (int t = 1; t < nJob; t++) {
          const Sums *q = &aSt[(size_t)t * nKD + kd].s;
          aSum[kd].n += q->n;
          aSum[kd].sw += q->sw;
          aSum[kd].swy += q->swy;
          aSum[kd].swx += q->swx;
        }
      }
      for (int k = 0; k < nItem; k++)
        linear_centres(item_stat(aItem[k].kind), aSum + (size_t)k * nD, nDom, aC + (size_t)k * nD, aS + (size_t)k * nD);
    }
  }
  if (rc) goto linear_out;
  /* Each half's last PSU of each domain, then the halves' accumulators combined
  ** (Chan et al.'s pairwise update of mean and sum of squares). */
  for (int t = 0; t < nJob; t++) {
    for (int k = 0; k < nItem; k++) {
      Acc *aA = aAcc + (size_t)t * nAcc + (size_t)k * nD * (size_t)p.nStratum;
      for (size_t dm = 0; dm < nD; dm++) {
        const LinState *st = &aSt[(size_t)t * nKD + (size_t)k * nD + dm];
        if (!p.bUnitPsu && st->bHas) acc_push(&aA[(size_t)p.aPsuStratum[st->cur] * nD + dm], st->t);
      }
    }
  }
  for (size_t c = 0; nJob == 2 && c < nAcc; c++) {
    Acc *a = &aAcc[c];
    const Acc *b = &aAcc[nAcc + c];
    if (b->k == 0) continue;
    if (a->k == 0) {
      *a = *b;
      continue;
    }
    double k = (double)a->k + b->k, delta = b->mean - a->mean;
    a->m2 += b->m2 + delta * delta * ((double)a->k * b->k / k);
    a->mean += delta * (b->k / k);
    a->k += b->k;
  }
  for (int k = 0; k < nItem && rc == 0; k++) {
    Acc *aA = aAcc + (size_t)k * nD * (size_t)p.nStratum;
    rc = variance_from_acc(&p, aA, aVar, NULL, NULL, e);
    if (rc == 0) {
      linear_results(item_stat(aItem[k].kind), aSum + (size_t)k * nD, aC + (size_t)k * nD, aVar, nDom, &aItem[k].opt,
                     aItem[k].aOut);
    } else {
      fill_nan(aItem[k].aOut, nDom);
      if (piFail) *piFail = k;
    }
  }
linear_out:
  free(aSt);
  free(aAcc);
  free(aC);
  free(aS);
  free(aVar);
  free(aSum);
  plan_free(&p);
  return rc;
}

int est_total(const Design *d, const double *y, const int32_t *aDom, int nDom, const EstOptions *o, Estimate *aOut,
              Err *e) {
  return estimate_linear(d, ST_TOTAL, y, NULL, aDom, nDom, o, aOut, e);
}

int est_mean(const Design *d, const double *y, const int32_t *aDom, int nDom, const EstOptions *o, Estimate *aOut,
             Err *e) {
  return estimate_linear(d, ST_MEAN, y, NULL, aDom, nDom, o, aOut, e);
}

int est_ratio(const Design *d, const double *y, const double *x, const int32_t *aDom, int nDom, const EstOptions *o,
              Estimate *aOut, Err *e) {
  return estimate_linear(d, ST_RATIO, y, x, aDom, nDom, o, aOut, e);
}

/* ---------------------------------------------------------------------------
** Quantiles.
*/

/* Order-preserving map of a double to an unsigned key (-0 and +0 equal). */
static inline uint64_t double_key(double v) {
  uint64_t u;
  if (v == 0) v = 0;
  memcpy(&u, &v, sizeof u);
  return (u >> 63) ? ~u : (u | 0x8000000000000000ull);
}

/* Sort the m units in aIdx (ascending unit order) by (domain, value), stably, by
** LSD radix: six 11-bit digits of the value key, then a counting pass on the
** domain. Digits on which every key agrees are skipped. aKey and aKey2 are
** scratch space of m keys. Returns the sorted index (aIdx or aTmp) and fills
** aStart[nDom+1] with each domain's segment. */
static uint32_t *sort_by_domain_value(const double *y, const int32_t *aDom, int nDom, uint32_t *aIdx, uint32_t *aTmp,
                                      uint64_t *aKey, uint64_t *aKey2, size_t m, size_t *aStart) {
  enum { BITS = 11, NB = 1 << BITS, NPASS = 6 };
  size_t (*aHist)[NB] = xcalloc(NPASS, sizeof *aHist);
  for (size_t j = 0; j < m; j++) {
    uint64_t k = double_key(y[aIdx[j]]);
    aKey[j] = k;
    for (int ps = 0; ps < NPASS; ps++) aHist[ps][(k >> (ps * BITS)) & (NB - 1)]++;
  }
  for (int ps = 0; ps < NPASS; ps++) {
    size_t *hst = aHist[ps], sum = 0;
    bool bSkip = false;
    for (int b = 0; b < NB; b++) {
      if (hst[b] == m) bSkip = true;
      size_t c = hst[b];
      hst[b] = sum;
      sum += c;
    }
    if (bSkip || m == 0) continue;
    for (size_t j = 0; j < m; j++) {
      size_t at = hst[(aKey[j] >> (ps * BITS)) & (NB - 1)]++;
      aKey2[at] = aKey[j];
      aTmp[at] = aIdx[j];
    }
    uint64_t *tk = aKey; aKey = aKey2; aKey2 = tk;
    uint32_t *ti = aIdx; aIdx = aTmp; aTmp = ti;
  }
  free(aHist);
  memset(aStart, 0, ((size_t)nDom + 1) * sizeof *aStart);
  for (size_t j = 0; j < m; j++) aStart[(aDom ? aDom[aIdx[j]] : 0) + 1]++;
  for (int k = 0; k < nDom; k++) aStart[k + 1] += aStart[k];
  size_t *aNext = xmalloc((size_t)nDom * sizeof *aNext);
  memcpy(aNext, aStart, (size_t)nDom * sizeof *aNext);
  for (size_t j = 0; j < m; j++) aTmp[aNext[aDom ? aDom[aIdx[j]] : 0]++] = aIdx[j];
  free(aNext);
  return aTmp;
}

/* R's qrule_math on one domain's sorted segment: pos is the last unit with
** cumulative weight <= p W (the first when none), the value there when the
** cumulative weight equals p W exactly, else the next value. */
static double qrule_math(const double *y, const uint32_t *aIdx, const double *aCum, size_t m, double W, double p) {
  double target = p * W;
  size_t lo = 0, hi = m;   /* first j with aCum[j] > target */
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (aCum[mid] <= target) lo = mid + 1;
    else hi = mid;
  }
  size_t pos = lo > 0 ? lo - 1 : 0;
  if (p - aCum[pos] / W == 0) return y[aIdx[pos]];
  return y[aIdx[pos + 1 < m ? pos + 1 : pos]];
}

int est_quantile(const Design *d, const double *y, double q, const int32_t *aDom, int nDom, const EstOptions *o0,
                 Estimate *aOut, Err *e) {
  EstOptions o;
  Plan p;
  options_or_default(o0, &o);
  if (nDom >= 1 && aOut) fill_nan(aOut, nDom);
  if (!d || !aOut || (!y && d->n > 0)) return err_set(e, ERR_INVALID, "missing design, variable or output");
  if (!(q > 0 && q < 1)) return err_set(e, ERR_INVALID, "quantile %g is not between 0 and 1", q);
  if (check_options(&o, e) || plan_init(&p, d, aDom, nDom, e)) return -1;

  size_t n = p.n, m = 0;
  const double *aW = d->aWeight;
  uint32_t *aIdx = xmalloc((n ? n : 1) * sizeof *aIdx), *aTmp = xmalloc((n ? n : 1) * sizeof *aTmp);
  long double *aWsum = xcalloc((size_t)nDom, sizeof *aWsum);
  /* R keeps prob = 1/weight and uses 1/prob as the weight; so do we here, so that
  ** exact ties of a cumulative weight with p W resolve as in R. */
  for (size_t i = 0; i < n; i++) {
    int dm = aDom ? aDom[i] : 0;
    if (dm < 0 || isnan(y[i])) continue;
    aIdx[m++] = (uint32_t)i;
    aWsum[dm] += 1 / (1 / aW[i]);
  }
  size_t *aStart = xmalloc(((size_t)nDom + 1) * sizeof *aStart);
  /* Fresh pages cost more than the sort itself: the cumulative weights reuse
  ** the memory of one key array and the other is freed at once. */
  void *pKey = xmalloc((m ? m : 1) * sizeof(uint64_t)), *pKey2 = xmalloc((m ? m : 1) * sizeof(uint64_t));
  uint32_t *aSorted = sort_by_domain_value(y, aDom, nDom, aIdx, aTmp, pKey, pKey2, m, aStart);
  free(pKey2);
  double *aCum = pKey;
  double *aQ = xmalloc((size_t)nDom * sizeof *aQ), *aW0 = xmalloc((size_t)nDom * sizeof *aW0);
  for (int k = 0; k < nDom; k++) {
    long double run = 0;
    for (size_t j = aStart[k]; j < aStart[k + 1]; j++) {
      run += 1 / (1 / aW[aSorted[j]]);
      aCum[j] = (double)run;
    }
    aW0[k] = (double)aWsum[k];
    size_t mk = aStart[k + 1] - aStart[k];
    aQ[k] = mk ? qrule_math(y, aSorted + aStart[k], aCum + aStart[k], mk, aW0[k], q) : NAN;
  }

  /* Woodruff: the proportion below the estimate, its interval, mapped back. */
  Vals v = {ST_IND, y, NULL, aQ, NULL, NULL};
  Sums *aSum = domain_sums(&p, &v);
  double *aC = xcalloc((size_t)nDom, sizeof *aC), *aS = xcalloc((size_t)nDom, sizeof *aS);
  double *aVar = xmalloc((size_t)nDom * sizeof *aVar);
  int *aPsuIn = xmalloc((size_t)nDom * sizeof *aPsuIn), *aStrIn = xmalloc((size_t)nDom * sizeof *aStrIn);
  for (int k = 0; k < nDom; k++) {
    aC[k] = (double)aSum[k].swy / (double)aSum[k].sw;
    aS[k] = 1 / (double)aSum[k].sw;
  }
  v.aC = aC;
  v.aS = aS;
  int rc = domain_variance(&p, &v, aVar, aPsuIn, aStrIn, e);
  if (rc == 0) {
    /* As svyquantile(alpha = 1 - conf): confint(level = 1 - alpha) of the proportion
    ** with t quantiles on degf, and se = width / (2 qt(1 - alpha/2)). */
    double alpha = 1 - o.conf, level = 1 - alpha, a = (1 - level) / 2;
    for (int k = 0; k < nDom; k++) {
      Estimate *r = &aOut[k];
      size_t mk = aStart[k + 1] - aStart[k];
      r->n = aSum[k].n;
      r->nWeighted = (double)aSum[k].sw;
      r->est = aQ[k];
      if (mk > 0) {
        double df = aPsuIn[k] - aStrIn[k];
        double sep = sqrt(aVar[k]);
        double lo = aC[k] + sep * est_qt(a, df), hi = aC[k] + sep * est_qt(1 - a, df);
        const uint32_t *aI = aSorted + aStart[k];
        const double *aCm = aCum + aStart[k];
        r->ciLow = (isnan(lo) || lo < 0) ? NAN : qrule_math(y, aI, aCm, mk, aW0[k], lo);
        r->ciHigh = (isnan(hi) || hi > 1) ? NAN : qrule_math(y, aI, aCm, mk, aW0[k], hi);
        r->se = (r->ciHigh - r->ciLow) / (2 * est_qt(1 - alpha / 2, df));
      }
      set_flags(r, &o);
    }
  } else {
    fill_nan(aOut, nDom);
  }
  free(aIdx);
  free(aTmp);
  free(aWsum);
  free(aStart);
  free(aCum);
  free(aQ);
  free(aW0);
  free(aSum);
  free(aC);
  free(aS);
  free(aVar);
  free(aPsuIn);
  free(aStrIn);
  plan_free(&p);
  return rc;
}
