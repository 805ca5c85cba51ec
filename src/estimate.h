/*
** estimate.h: design-based estimation for complex surveys (the statistics engine).
**
** Pure computation over in-memory columns; no I/O. Matches R's `survey` package
** 4.1.1 (svytotal, svymean, svyratio, svyquantile, svyby): Horvitz-Thompson totals,
** means and ratios as ratios of totals, Taylor linearization with the
** with-replacement approximation at the first stage, optional finite population
** correction, domains that keep the whole design (units outside a domain
** contribute zero; the design is never subset), lonely-PSU rules as R's
** options(survey.lonely.psu=...), quantiles by the Woodruff method as
** svyquantile(ci=TRUE, qrule="math") with its default interval.type="mean"
** (see docs/statistics.md for the formulas and the R calls that agree).
**
** Ownership: nothing here allocates memory that outlives a call; results are
** written into caller-provided arrays.
*/
#ifndef LMIS_ESTIMATE_H
#define LMIS_ESTIMATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "err.h"

typedef enum LonelyPsu {
  LONELY_FAIL = 0,     /* error naming the stratum (R's default "fail") */
  LONELY_REMOVE,       /* the stratum contributes nothing to the variance */
  LONELY_ADJUST,       /* centre the lonely PSU at the grand mean (conservative) */
  LONELY_AVERAGE,      /* replace by the average variance of the other strata */
  LONELY_CERTAINTY,    /* a certainty PSU: contributes nothing */
} LonelyPsu;

/* A sample design over n units. Arrays are borrowed. */
typedef struct Design {
  size_t n;
  const double *aWeight;    /* sampling weights, > 0 */
  const int32_t *aStratum;  /* 0..nStratum-1; NULL when unstratified (one stratum) */
  int nStratum;
  const int32_t *aPsu;      /* 0..nPsu-1, numbered uniquely across strata; NULL: each unit is a PSU */
  int nPsu;
  const double *aFpc;       /* per unit: population PSU count of its stratum (N_h), or a sampling
                            ** fraction when <= 1 (R's rule); NULL: no finite population correction */
  LonelyPsu lonely;
  const double *aFpcStratum; /* instead of aFpc: the same per stratum (nStratum values; NaN for a
                             ** stratum without units); NULL: see aFpc */
  const int32_t *aPsuStratum; /* with aPsu and aStratum NULL: the stratum of each PSU (nPsu values),
                             ** so that a unit's stratum is that of its PSU */
} Design;

/* Flags on an estimate. */
enum {
  EST_OK = 0,
  EST_UNRELIABLE = 1,   /* cv > cvMax */
  EST_SUPPRESSED = 2,   /* unweighted n < nMinCell: the value must not be published */
  EST_EMPTY = 4,        /* no unit in the domain */
};

typedef struct EstOptions {
  double conf;          /* confidence level, default 0.95 */
  double cvMax;         /* default 0.3 */
  long nMinCell;        /* default 10 */
} EstOptions;

void est_options_default(EstOptions *o);

typedef struct Estimate {
  double est, se, ciLow, ciHigh, cv;   /* cv = se/|est| (NaN when est is 0) */
  long n;                              /* unweighted units in the domain with a value */
  double nWeighted;                    /* sum of weights of those units */
  int flags;
} Estimate;

/* Domains: aDom[i] in 0..nDom-1, or -1 for a unit outside every domain (NULL:
** one domain holding every unit, nDom = 1). Missing values (NaN) in y or x put a
** unit outside the domain for that statistic (R's na.rm=TRUE on a subset design).
** Each function fills aOut[0..nDom-1]; it fails (ERR_INVALID) on a lonely PSU
** under LONELY_FAIL, naming the stratum index in the message, and on an invalid
** design (weight not positive, fpc inconsistent, index out of range).
** An empty domain gets NaN estimate, se, interval and cv, n = 0 and EST_EMPTY
** (plus EST_SUPPRESSED when nMinCell > 0). o may be NULL for the defaults. */
int est_total(const Design *d, const double *y, const int32_t *aDom, int nDom, const EstOptions *o,
              Estimate *aOut, Err *e);
int est_mean(const Design *d, const double *y, const int32_t *aDom, int nDom, const EstOptions *o,
             Estimate *aOut, Err *e);
/* Ratio of totals Y/X (svyratio). Also gives rates: y = 0/1 unemployed, x = 0/1 in labour force. */
int est_ratio(const Design *d, const double *y, const double *x, const int32_t *aDom, int nDom,
              const EstOptions *o, Estimate *aOut, Err *e);
/* A variable read where it lies: numeric values (aNum, NaN missing), the 0/1
** indicator of aNum == rEq (bEq; NaN where aNum is), or the 0/1 indicator of
** level iLevel of level codes pCode of nCodeWidth bytes (1, 2 or 4; negative
** missing). So a proportion needs no array of its own. */
typedef struct EstVar {
  const double *aNum;
  bool bEq;
  double rEq;
  const void *pCode;
  int nCodeWidth;
  int iLevel;
} EstVar;

typedef enum EstKind { EST_KIND_TOTAL = 0, EST_KIND_MEAN, EST_KIND_RATIO } EstKind;

/* One statistic of est_linear: kind of y (ratio: y/x), its options and its nDom
** results (caller-owned aOut). */
typedef struct EstItem {
  EstKind kind;
  EstVar y, x;
  EstOptions opt;
  Estimate *aOut;
} EstItem;

/* Several totals, means and ratios over the same domains, in two passes over
** the units for all of them: the same results, bit for bit, as est_total,
** est_mean and est_ratio called one at a time with the variables as arrays.
** On failure, *piFail (when not NULL) is the index of the item that failed
** (0 for a problem of the design or the domains). */
int est_linear(const Design *d, const int32_t *aDom, int nDom, EstItem *aItem, int nItem, int *piFail, Err *e);
/* est_linear with the domains given by xDomain(pArg, i0, m, aDom), which fills
** aDom[0..m) (m <= 8192) with the domains of units i0..i0+m-1, in any order of
** calls, as often as asked: so no array of n domains need exist. On large
** surveys (200,000 units or more) with two or more statistics, a second thread
** computes half of them: xDomain may then run on two threads at once and must
** only read shared state. */
typedef void (*EstDomainFn)(void *pArg, size_t i0, size_t m, int32_t *aDom);
int est_linear_by(const Design *d, EstDomainFn xDomain, void *pArg, int nDom, EstItem *aItem, int nItem, int *piFail,
                  Err *e);

/* Quantile q in (0,1) with a Woodruff confidence interval; se derived from the
** interval as R does: (ciHigh - ciLow) / (2 t), t the Student quantile with the
** domain's design degrees of freedom (PSUs minus strata holding the domain).
** An interval end is NaN when the proportion interval leaves [0,1] (as in R). */
int est_quantile(const Design *d, const double *y, double q, const int32_t *aDom, int nDom,
                 const EstOptions *o, Estimate *aOut, Err *e);

/* Standard normal quantile (to a few units in the last place); NaN outside [0,1]. */
double est_qnorm(double p);
/* Student t quantile with df > 0 degrees of freedom (df may be non-integer or
** INFINITY); NaN when p is outside [0,1] or df <= 0. */
double est_qt(double p, double df);

#endif
