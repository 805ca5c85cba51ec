/*
** chart.c: server-rendered SVG bar charts (see chart.h).
*/
#include "chart.h"
#include "html.h"

#include <math.h>
#include <string.h>

#define W 420          /* viewBox width: narrow, so text stays legible on a phone */
#define LABEL_W 130    /* left column for group labels */
#define BAR_H 16
#define BAR_GAP 4
#define GROUP_GAP 12
#define TOP 28         /* legend */
#define AXIS_H 28

/* Colour-blind-safe pair first (Okabe-Ito), then more. */
static const char *const azColour[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"};

/* A "nice" axis maximum: 1, 2 or 5 times a power of ten at or above v. */
static double nice_max(double v) {
  if (!(v > 0)) return 1;
  double p = pow(10, floor(log10(v)));
  if (v <= p) return p;
  if (v <= 2 * p) return 2 * p;
  if (v <= 5 * p) return 5 * p;
  return 10 * p;
}

static void fmt_num(char *z, size_t n, double v) {
  if (fabs(v) >= 1e6) snprintf(z, n, "%.3gM", v / 1e6);
  else if (fabs(v) >= 1e4) snprintf(z, n, "%.0fk", v / 1e3);
  else if (fabs(v) >= 100 || v == floor(v)) snprintf(z, n, "%.0f", v);
  else snprintf(z, n, "%.3g", v);
}

void chart_bars_svg(Buf *b, const char *zTitle, const char *zDesc, const ChartBar *aBar, int nBar,
                    const char *const *azSeries, int nSeries, const char *zMissing, const char *zUnreliable) {
  double vMax = 0;
  int nGroup = 0;
  for (int i = 0; i < nBar; i++) {
    if (i == 0 || strcmp(aBar[i].zGroup, aBar[i - 1].zGroup) != 0) nGroup++;
    if (aBar[i].bMissing) continue;
    double v = isfinite(aBar[i].hi) ? aBar[i].hi : aBar[i].value;
    if (isfinite(v) && v > vMax) vMax = v;
  }
  vMax = nice_max(vMax);
  int h = TOP + nBar * (BAR_H + BAR_GAP) + nGroup * GROUP_GAP + AXIS_H;
  double plotW = W - LABEL_W - 44;
  html_printf(b, "<svg class=\"chart\" viewBox=\"0 0 %d %d\" role=\"img\" aria-labelledby=\"chart-title chart-desc\" "
                 "xmlns=\"http://www.w3.org/2000/svg\">\n<title id=\"chart-title\">%s</title>\n"
                 "<desc id=\"chart-desc\">%s</desc>\n",
              W, h, zTitle, zDesc);
  /* Legend. */
  int x = LABEL_W;
  for (int s = 0; s < nSeries; s++) {
    html_printf(b, "<rect x=\"%d\" y=\"6\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                   "<text x=\"%d\" y=\"16\" class=\"legend\">%s</text>\n",
                x, azColour[s % (int)COUNT(azColour)], x + 16, azSeries[s]);
    x += 24 + 8 * (int)strlen(azSeries[s]);
  }
  /* Grid lines and axis labels at quarters of the maximum. */
  int yAxis = h - AXIS_H + 4;
  for (int k = 0; k <= 4; k++) {
    double gx = LABEL_W + plotW * k / 4.0;
    char zNum[32];
    fmt_num(zNum, sizeof zNum, vMax * k / 4.0);
    html_printf(b, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" class=\"grid\"/>"
                   "<text x=\"%.1f\" y=\"%d\" class=\"axis\" text-anchor=\"middle\">%s</text>\n",
                gx, TOP - 4, gx, yAxis, gx, yAxis + 16, zNum);
  }
  /* Bars. */
  int y = TOP;
  for (int i = 0; i < nBar; i++) {
    const ChartBar *p = &aBar[i];
    bool bFirst = i == 0 || strcmp(p->zGroup, aBar[i - 1].zGroup) != 0;
    if (bFirst) {
      if (i > 0) y += GROUP_GAP;
      html_printf(b, "<text x=\"%d\" y=\"%d\" class=\"label\" text-anchor=\"end\">%s</text>\n", LABEL_W - 8,
                  y + BAR_H - 4, p->zGroup);
    }
    const char *zColour = azColour[p->iSeries % (int)COUNT(azColour)];
    if (p->bMissing || !isfinite(p->value)) {
      html_printf(b, "<text x=\"%d\" y=\"%d\" class=\"note\">%s</text>\n", LABEL_W + 4, y + BAR_H - 4, zMissing);
    } else {
      double v = p->value < 0 ? 0 : p->value;
      double bw = plotW * v / vMax;
      char zNum[32];
      fmt_num(zNum, sizeof zNum, p->value);
      html_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"%s>"
                     "<title>%s: %s</title></rect>\n",
                  LABEL_W, y, bw, BAR_H, zColour, p->bUnreliable ? " fill-opacity=\"0.45\"" : "",
                  azSeries[p->iSeries], zNum);
      if (isfinite(p->lo) && isfinite(p->hi)) {
        double x1 = LABEL_W + plotW * (p->lo < 0 ? 0 : p->lo) / vMax;
        double x2 = LABEL_W + plotW * p->hi / vMax;
        double ym = y + BAR_H / 2.0;
        html_printf(b, "<path class=\"ci\" d=\"M%.1f %.1fH%.1fM%.1f %.1fV%.1fM%.1f %.1fV%.1f\"/>\n", x1, ym, x2, x1,
                    ym - 4, ym + 4, x2, ym - 4, ym + 4);
      }
      html_printf(b, "<text x=\"%.1f\" y=\"%d\" class=\"value\">%s%s</text>\n",
                  LABEL_W + bw + 4 + (isfinite(p->hi) ? plotW * (p->hi - v) / vMax : 0), y + BAR_H - 4, zNum,
                  p->bUnreliable ? zUnreliable : "");
    }
    y += BAR_H + BAR_GAP;
  }
  html_raw_UNSAFE(b, "</svg>\n");
}
