/*
** chart.h: SVG bar charts with confidence intervals, rendered on the server (no
** scripts: the site's CSP forbids them). Horizontal bars so long labels fit on a
** phone; the chart scales with its container (viewBox, width 100%). Every label
** is escaped. The data table beside the chart is the accessible alternative.
*/
#ifndef LMIS_CHART_H
#define LMIS_CHART_H

#include <stdbool.h>
#include "util.h"

typedef struct ChartBar {
  const char *zGroup;    /* row label, e.g. "Women, 25-34" */
  int iSeries;           /* index into the series names (e.g. migrant / non-migrant) */
  double value, lo, hi;  /* estimate and its confidence interval (NaN: no interval) */
  bool bMissing;         /* suppressed or empty: drawn as a note, no bar */
  bool bUnreliable;      /* drawn hatched/pale and marked */
} ChartBar;

/* Append an <svg> element to b. Bars with the same zGroup (consecutive) are drawn
** together, one per series, in the series colours; zTitle and zDesc give the SVG
** its accessible name and description; zMissing labels suppressed bars. */
void chart_bars_svg(Buf *b, const char *zTitle, const char *zDesc, const ChartBar *aBar, int nBar,
                    const char *const *azSeries, int nSeries, const char *zMissing, const char *zUnreliable);

#endif
