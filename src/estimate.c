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
  p->nStratum = d->aStratum ? d->nStratum : 1;
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
  for (i = 0; i < n; i++) {
    double w = d->aWeight[i];
    int h = d->aStratum ? d->aStratum[i] : 0;
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
  if (nPop && nFrac) {
    err_set(e, ERR_INVALID, "the fpc mixes population sizes (> 1) and sampling fractions (< 1)");
    goto out;
  }
  /* f_h as R's onestrat: (N_h - n_h)/N_h with N_h = n_h/fraction for fractions. */
  for (int h = 0; h < p->nStratum; h++) {
    double fpc = aFpcH[h], nh = p->aN[h];
    if (!d->aFpc || isnan(fpc) || isinf(fpc)) {
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
    unsigned char *aSeen = xcalloc((size_t)d->nPsu, 1);
    bool bGrouped = true;
    for (i = 0; i < n && bGrouped; i++) {
      int32_t k = d->aPsu[i];
      if (i > 0 && k == d->aPsu[i - 1]) continue;
      if (aSeen[k]) bGrouped = false;
      aSeen[k] = 1;
    }
    free(aSeen);
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
        h = aStr ? aStr[i] : 0;
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
  free(aAcc);
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

/* Totals, means and ratios: the Wald interval est -/+ z se as R's confint (df = Inf). */
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
  v.aC = aC;
  v.aS = aS;
  int rc = domain_variance(&p, &v, aVar, NULL, NULL, e);
  if (rc == 0) {
    double a = (1 - o.conf) / 2;
    double zLo = est_qnorm(a), zHi = est_qnorm(1 - a);
    for (int k = 0; k < nDom; k++) {
      Estimate *r = &aOut[k];
      r->n = aSum[k].n;
      r->nWeighted = (double)aSum[k].sw;
      r->est = st == ST_TOTAL ? (double)aSum[k].swy : aC[k];
      r->se = sqrt(aVar[k]);
      r->ciLow = r->est + r->se * zLo;
      r->ciHigh = r->est + r->se * zHi;
      set_flags(r, &o);
    }
  } else {
    fill_nan(aOut, nDom);
  }
  free(aSum);
  free(aC);
  free(aS);
  free(aVar);
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
