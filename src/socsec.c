/*
** socsec.c: totalization of insurance periods and pro-rata old-age pensions.
**
** The computation, for each country that pays (docs/socsec.md has the same in words):
**   1. Overlapping periods are counted once: a day goes to the period of the highest
**      kind (contribution > voluntary > credited); on a tie to the period that began
**      first; then to the one listed first.
**   2. Days become the scheme's unit: whole calendar months plus leftover days at
**      30 days a month (floor), or days / 7 for weeks (floor), or days.
**   3. Independent right: own periods >= qualifying period; the independent benefit
**      is the scheme's formula on own periods.
**   4. Theoretical amount: the formula on all totalized periods (own + other members'
**      + third-country periods when the instrument counts them).
**   5. Pro-rata = theoretical x own / total, rounded half up to the minor unit.
**   6. Payable: the higher of 3 and 5 (EU Reg. 883/2004 Art. 52(3)) or 5 alone, as the
**      instrument says; nothing where own periods are below the instrument's minimum
**      (MERCOSUR Art. 7.2: 12 months), those periods still counting for the others.
** Every step is recorded as text in the caller's language with its figures.
*/
#include "socsec.h"
#include "i18n.h"
#include "util.h"

#include <dirent.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- exact arithmetic ---- */

int64_t socsec_muldiv(int64_t a, int64_t b, int64_t c) {
  if (a < 0 || b < 0 || c <= 0) return -1;
  unsigned __int128 p = (unsigned __int128)a * (unsigned __int128)b;
  unsigned __int128 q = p / (unsigned __int128)c, r = p % (unsigned __int128)c;
  if (2 * r >= (unsigned __int128)c) q++;   /* half up */
  if (q > (unsigned __int128)INT64_MAX) return -1;
  return (int64_t)q;
}

/* a*b*c/d half up, for earnings x basis points x periods / (10000 x per). */
static int64_t muldiv3(int64_t a, int64_t b, int64_t c, int64_t d) {
  if (a < 0 || b < 0 || c < 0 || d <= 0) return -1;
  /* a <= 1e13, b <= 1e4, c <= 1e6 (parse limits): the product fits in 128 bits. */
  unsigned __int128 p = (unsigned __int128)a * (unsigned __int128)b * (unsigned __int128)c;
  unsigned __int128 q = p / (unsigned __int128)d, r = p % (unsigned __int128)d;
  if (2 * r >= (unsigned __int128)d) q++;
  if (q > (unsigned __int128)INT64_MAX) return -1;
  return (int64_t)q;
}

void socsec_money(int64_t i, int nDecimals, char *z, size_t n) {
  int64_t scale = 1;
  for (int k = 0; k < nDecimals; k++) scale *= 10;
  if (nDecimals == 0) snprintf(z, n, "%lld", (long long)i);
  else snprintf(z, n, "%lld.%0*lld", (long long)(i / scale), nDecimals, (long long)(i % scale));
}

/* ---- dates ---- */

static int64_t days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  int era = (y >= 0 ? y : y - 399) / 400;
  int yoe = y - era * 400;
  int doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
  int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return (int64_t)era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *py, int *pm, int *pd) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int d = (int)(doy - (153 * mp + 2) / 5 + 1);
  int m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *py = (int)(yoe + era * 400 + (m <= 2));
  *pm = m;
  *pd = d;
}

void socsec_date_parts(int64_t iDay, int *pY, int *pM, int *pD) { civil_from_days(iDay, pY, pM, pD); }

static void day_text(int64_t iDay, char *z, size_t n) {
  int y, m, d;
  civil_from_days(iDay, &y, &m, &d);
  snprintf(z, n, "%04d-%02d-%02d", y, m, d);
}

int32_t socsec_day(const char *z) {
  static const int aDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (!z || strlen(z) != 10 || z[4] != '-' || z[7] != '-') return INT32_MIN;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && (z[i] < '0' || z[i] > '9')) return INT32_MIN;
  int y = (z[0] - '0') * 1000 + (z[1] - '0') * 100 + (z[2] - '0') * 10 + (z[3] - '0');
  int m = (z[5] - '0') * 10 + (z[6] - '0');
  int d = (z[8] - '0') * 10 + (z[9] - '0');
  if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1) return INT32_MIN;
  int nMax = aDays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
  if (d > nMax) return INT32_MIN;
  return (int32_t)days_from_civil(y, m, d);
}

/* Whole calendar months inside [a, b] and the days left over at either end. */
static void interval_months(int64_t a, int64_t b, int64_t *pWhole, int64_t *pRest) {
  int ya, ma, da, yb, mb, db, y2, m2, d2;
  civil_from_days(a, &ya, &ma, &da);
  civil_from_days(b, &yb, &mb, &db);
  civil_from_days(b + 1, &y2, &m2, &d2);
  int64_t iFirst = (int64_t)ya * 12 + (ma - 1) + (da != 1);   /* first whole month */
  int64_t iEnd = (int64_t)yb * 12 + (mb - 1) + (d2 == 1);     /* one past the last */
  if (iEnd <= iFirst) {
    *pWhole = 0;
    *pRest = b - a + 1;
    return;
  }
  int64_t dFirst = days_from_civil((int)(iFirst / 12), (int)(iFirst % 12) + 1, 1);
  int64_t dEnd = days_from_civil((int)(iEnd / 12), (int)(iEnd % 12) + 1, 1);
  *pWhole = iEnd - iFirst;
  *pRest = (b - a + 1) - (dEnd - dFirst);
}

int64_t socsec_units(SsUnit unit, int64_t nWholeMonths, int64_t nRestDays, int64_t nDays) {
  switch (unit) {
  case SS_UNIT_MONTHS: return nWholeMonths + nRestDays / 30;
  case SS_UNIT_WEEKS: return nDays / 7;
  case SS_UNIT_DAYS: return nDays;
  }
  return 0;
}

/* ---- JSON parsing with pointers ---- */

typedef struct Px {
  const char *zFile;   /* NULL for request bodies */
  Err *e;
} Px;

static int px_fail(Px *x, const char *zPtr, const char *zFmt, ...) __attribute__((format(printf, 3, 4)));
static int px_fail(Px *x, const char *zPtr, const char *zFmt, ...) {
  char zMsg[400];
  va_list ap;
  va_start(ap, zFmt);
  vsnprintf(zMsg, sizeof zMsg, zFmt, ap);
  va_end(ap);
  if (x->zFile) {
    err_set(x->e, ERR_INVALID, "%s#%s: %s", x->zFile, zPtr, zMsg);
    err_where(x->e, "%s#%s", x->zFile, zPtr);
  } else {
    err_set(x->e, ERR_INVALID, "%s: %s", *zPtr ? zPtr : "(input)", zMsg);
    if (*zPtr) err_where(x->e, "%s", zPtr);
  }
  return -1;
}

/* zBase + "/" + escaped key (RFC 6901). */
static void ptr_key(char *z, size_t n, const char *zBase, const char *zKey) {
  size_t k = (size_t)snprintf(z, n, "%s/", zBase);
  for (const char *p = zKey; *p && k + 3 < n; p++) {
    if (*p == '~') { z[k++] = '~'; z[k++] = '0'; }
    else if (*p == '/') { z[k++] = '~'; z[k++] = '1'; }
    else z[k++] = *p;
  }
  if (k < n) z[k] = 0;
  else z[n - 1] = 0;
}

static int check_keys(Px *x, json_t *j, const char *zPtr, const char *const *azKey) {
  const char *zKey;
  json_t *v;
  char zP[160];
  if (!json_is_object(j)) return px_fail(x, zPtr, "must be a JSON object");
  json_object_foreach(j, zKey, v) {
    bool bOk = false;
    for (int i = 0; azKey[i]; i++)
      if (strcmp(zKey, azKey[i]) == 0) bOk = true;
    if (!bOk) {
      ptr_key(zP, sizeof zP, zPtr, zKey);
      return px_fail(x, zP, "unknown field");
    }
  }
  return 0;
}

static int get_str(Px *x, json_t *j, const char *zPtr, const char *zKey, bool bReq, char *zOut, size_t nOut) {
  char zP[160];
  json_t *v = json_object_get(j, zKey);
  ptr_key(zP, sizeof zP, zPtr, zKey);
  if (!v || json_is_null(v)) {
    if (bReq) return px_fail(x, zP, "is required");
    zOut[0] = 0;
    return 0;
  }
  if (!json_is_string(v)) return px_fail(x, zP, "must be a string");
  const char *z = json_string_value(v);
  size_t n = json_string_length(v);
  if (n >= nOut) return px_fail(x, zP, "is too long (at most %zu bytes)", nOut - 1);
  if (!utf8_valid_text(z, n)) return px_fail(x, zP, "must be text without control characters");
  memcpy(zOut, z, n + 1);
  return 0;
}

static int get_int(Px *x, json_t *j, const char *zPtr, const char *zKey, bool bReq, int64_t lo, int64_t hi,
                   int64_t iDef, int64_t *pOut) {
  char zP[160];
  json_t *v = json_object_get(j, zKey);
  ptr_key(zP, sizeof zP, zPtr, zKey);
  *pOut = iDef;
  if (!v || json_is_null(v)) return bReq ? px_fail(x, zP, "is required") : 0;
  if (!json_is_integer(v))
    return px_fail(x, zP, "must be a whole number (amounts in minor units, rates in basis points)");
  json_int_t i = json_integer_value(v);
  if (i < lo || i > hi) return px_fail(x, zP, "must be from %lld to %lld", (long long)lo, (long long)hi);
  *pOut = (int64_t)i;
  return 0;
}

static int get_bool(Px *x, json_t *j, const char *zPtr, const char *zKey, bool bDef, bool *pOut) {
  char zP[160];
  json_t *v = json_object_get(j, zKey);
  ptr_key(zP, sizeof zP, zPtr, zKey);
  *pOut = bDef;
  if (!v || json_is_null(v)) return 0;
  if (!json_is_boolean(v)) return px_fail(x, zP, "must be true or false");
  *pOut = json_is_true(v);
  return 0;
}

/* One of azWord (NULL-terminated); its index in *pOut. */
static int get_enum(Px *x, json_t *j, const char *zPtr, const char *zKey, bool bReq, const char *const *azWord,
                    int iDef, int *pOut) {
  char z[64], zP[160], zList[200];
  *pOut = iDef;
  ptr_key(zP, sizeof zP, zPtr, zKey);
  json_t *v = json_object_get(j, zKey);
  if (v && !json_is_string(v) && !json_is_null(v)) return px_fail(x, zP, "must be a string");
  if (v && json_is_string(v) && json_string_length(v) >= sizeof z) z[0] = '?', z[1] = 0;
  else if (get_str(x, j, zPtr, zKey, bReq, z, sizeof z)) return -1;
  if (!z[0] && !bReq && (!v || json_is_null(v))) return 0;
  for (int i = 0; azWord[i]; i++)
    if (strcmp(z, azWord[i]) == 0) {
      *pOut = i;
      return 0;
    }
  zList[0] = 0;
  for (int i = 0; azWord[i]; i++) {
    size_t k = strlen(zList);
    snprintf(zList + k, sizeof zList - k, "%s\"%s\"", i ? ", " : "", azWord[i]);
  }
  return px_fail(x, zP, "must be one of %s", zList);
}

static bool country_code_ok(const char *z) {
  return strlen(z) == 3 && z[0] >= 'A' && z[0] <= 'Z' && z[1] >= 'A' && z[1] <= 'Z' && z[2] >= 'A' && z[2] <= 'Z';
}

static int get_country(Px *x, json_t *j, const char *zPtr, const char *zKey, char *zOut) {
  char z[8], zP[160];
  ptr_key(zP, sizeof zP, zPtr, zKey);
  json_t *v = json_object_get(j, zKey);
  if (v && json_is_string(v) && json_string_length(v) >= sizeof z)
    return px_fail(x, zP, "must be an ISO 3166-1 alpha-3 code such as \"ARG\"");
  if (get_str(x, j, zPtr, zKey, true, z, sizeof z)) return -1;
  if (!country_code_ok(z)) return px_fail(x, zP, "must be an ISO 3166-1 alpha-3 code such as \"ARG\"");
  memcpy(zOut, z, 4);
  return 0;
}

static int get_date(Px *x, json_t *j, const char *zPtr, const char *zKey, bool bReq, char *zOut, int32_t *pDay) {
  char z[16], zP[160];
  ptr_key(zP, sizeof zP, zPtr, zKey);
  json_t *v = json_object_get(j, zKey);
  if (v && json_is_string(v) && json_string_length(v) >= sizeof z)
    return px_fail(x, zP, "must be a date YYYY-MM-DD from 1900 to 2100");
  if (get_str(x, j, zPtr, zKey, bReq, z, sizeof z)) return -1;
  if (!z[0]) {
    if (zOut) zOut[0] = 0;
    return 0;
  }
  int32_t d = socsec_day(z);
  if (d == INT32_MIN) return px_fail(x, zP, "must be a date YYYY-MM-DD from 1900 to 2100");
  if (zOut) memcpy(zOut, z, 11);
  if (pDay) *pDay = d;
  return 0;
}

/* "name": "text" or {"en": ..., "fr": ..., "es": ...} (en required). */
static int get_name(Px *x, json_t *j, const char *zPtr, char (*azName)[SS_NAME_MAX]) {
  static const char *const azLang[] = {"en", "fr", "es", NULL};
  char zP[160];
  json_t *v = json_object_get(j, "name");
  ptr_key(zP, sizeof zP, zPtr, "name");
  for (int i = 0; i < 3; i++) azName[i][0] = 0;
  if (v && json_is_object(v)) {
    if (check_keys(x, v, zP, azLang)) return -1;
    for (int i = 0; i < 3; i++)
      if (get_str(x, v, zP, azLang[i], i == 0, azName[i], SS_NAME_MAX)) return -1;
    return 0;
  }
  return get_str(x, j, zPtr, "name", true, azName[0], SS_NAME_MAX);
}

const char *socsec_name(const char (*azName)[SS_NAME_MAX], const char *zLang) {
  int i = zLang && strcmp(zLang, "fr") == 0 ? 1 : zLang && strcmp(zLang, "es") == 0 ? 2 : 0;
  return azName[i][0] ? azName[i] : azName[0];
}

#define MONEY_MAX 10000000000000LL   /* 1e13 minor units */
#define PERIOD_MAX 1000000           /* units */

static const char *const azUnit[] = {"months", "weeks", "days", NULL};

/* The optional "invalidity" object of a scheme (docs/socsec.md, "Invalidity"). */
static int invalidity_parse(Px *x, json_t *j, const char *zPtr, SsInvalidity *p) {
  static const char *const azKey[] = {"type", "qualifying_period", "minimum_degree", "degree_bands", "formula",
                                      "projection", "minimum_amount", "source", "notes", NULL};
  static const char *const azBandKey[] = {"from", "percent", NULL};
  static const char *const azFKey[] = {"type", "rate_bp", "amount", NULL};
  static const char *const azType[] = {"B", "A", NULL};
  static const char *const azF[] = {"old_age", "earnings_percent", "flat", NULL};
  char zP[200], zQ[240], zNotes[1000], zSrc[SS_NAME_MAX];
  int64_t v;
  int k;
  memset(p, 0, sizeof *p);
  if (check_keys(x, j, zPtr, azKey)) return -1;
  p->bPresent = true;
  if (get_enum(x, j, zPtr, "type", false, azType, 0, &k)) return -1;
  p->bTypeA = k == 1;
  if (get_int(x, j, zPtr, "qualifying_period", true, 0, PERIOD_MAX, 0, &p->nQualifying)) return -1;
  if (get_int(x, j, zPtr, "minimum_degree", false, 1, 100, 50, &v)) return -1;
  p->minDegree = (int)v;
  if (get_bool(x, j, zPtr, "projection", false, &p->bProjection)) return -1;
  if (get_int(x, j, zPtr, "minimum_amount", false, 0, MONEY_MAX, 0, &p->iMinimum)) return -1;
  if (get_str(x, j, zPtr, "source", false, zSrc, sizeof zSrc)) return -1;
  if (get_str(x, j, zPtr, "notes", false, zNotes, sizeof zNotes)) return -1;
  json_t *f = json_object_get(j, "formula");
  ptr_key(zP, sizeof zP, zPtr, "formula");
  if (!f) return px_fail(x, zP, "is required");
  if (check_keys(x, f, zP, azFKey)) return -1;
  if (get_enum(x, f, zP, "type", true, azF, 0, &k)) return -1;
  p->formula = (SsInvFormula)k;
  if (get_int(x, f, zP, "rate_bp", p->formula == SS_INVF_EARNINGS_PERCENT, 0, 10000, 0, &p->nRateBp)) return -1;
  if (get_int(x, f, zP, "amount", p->formula == SS_INVF_FLAT, 0, MONEY_MAX, 0, &p->iAmount)) return -1;
  if ((p->formula != SS_INVF_EARNINGS_PERCENT && json_object_get(f, "rate_bp")) ||
      (p->formula != SS_INVF_FLAT && json_object_get(f, "amount")))
    return ptr_key(zQ, sizeof zQ, zP, "type"),
           px_fail(x, zQ, "earnings_percent takes rate_bp, flat takes amount, old_age takes neither");
  if (p->bTypeA && (p->formula == SS_INVF_OLD_AGE || p->bProjection))
    return ptr_key(zQ, sizeof zQ, zPtr, "type"),
           px_fail(x, zQ, "type A means the amount does not depend on the periods: use an earnings_percent or flat "
                          "formula without projection");
  json_t *b = json_object_get(j, "degree_bands");
  ptr_key(zP, sizeof zP, zPtr, "degree_bands");
  if (!b || json_is_null(b)) {
    p->aBand[0] = (SsBand){p->minDegree, 100};
    p->nBand = 1;
    return 0;
  }
  if (!json_is_array(b) || json_array_size(b) == 0 || json_array_size(b) > SS_MAX_BANDS)
    return px_fail(x, zP, "must be an array of 1 to %d bands {from, percent}", SS_MAX_BANDS);
  for (size_t i = 0; i < json_array_size(b); i++) {
    json_t *a = json_array_get(b, i);
    snprintf(zQ, sizeof zQ, "%s/%zu", zP, i);
    if (check_keys(x, a, zQ, azBandKey)) return -1;
    if (get_int(x, a, zQ, "from", true, p->minDegree, 100, 0, &v)) return -1;
    if (i > 0 && v <= p->aBand[i - 1].minDegree) {
      char zR[260];
      ptr_key(zR, sizeof zR, zQ, "from");
      return px_fail(x, zR, "bands must be in ascending order of degree");
    }
    p->aBand[i].minDegree = (int)v;
    if (get_int(x, a, zQ, "percent", true, 1, 100, 0, &v)) return -1;
    p->aBand[i].percent = (int)v;
    p->nBand++;
  }
  if (p->aBand[0].minDegree != p->minDegree) {
    snprintf(zQ, sizeof zQ, "%s/0/from", zP);
    return px_fail(x, zQ, "the first band must start at minimum_degree (%d)", p->minDegree);
  }
  return 0;
}

/* The optional "survivors" object of a scheme (docs/socsec.md, "Survivors"). */
static int survivors_parse(Px *x, json_t *j, const char *zPtr, const SsScheme *s, SsSurvRules *p) {
  static const char *const azKey[] = {"qualifying_period", "basis", "spouse_bp", "child_bp", "orphan_bp",
                                      "max_total_bp", "child_age_limit", "spouse_min_age", "marriage_min_years",
                                      "source", "notes", NULL};
  static const char *const azBasis[] = {"old_age", "invalidity", NULL};
  char zP[200], zNotes[1000], zSrc[SS_NAME_MAX];
  int64_t v;
  int k;
  memset(p, 0, sizeof *p);
  if (check_keys(x, j, zPtr, azKey)) return -1;
  p->bPresent = true;
  if (get_int(x, j, zPtr, "qualifying_period", false, 0, PERIOD_MAX, s->nQualifying, &p->nQualifying)) return -1;
  if (get_enum(x, j, zPtr, "basis", false, azBasis, 0, &k)) return -1;
  p->bInvalidityBasis = k == 1;
  if (p->bInvalidityBasis && !s->inv.bPresent)
    return ptr_key(zP, sizeof zP, zPtr, "basis"), px_fail(x, zP, "\"invalidity\" needs the scheme's invalidity rules");
  if (get_int(x, j, zPtr, "spouse_bp", false, 0, 10000, 0, &v)) return -1;
  p->spouseBp = (int)v;
  if (get_int(x, j, zPtr, "child_bp", false, 0, 10000, 0, &v)) return -1;
  p->childBp = (int)v;
  if (get_int(x, j, zPtr, "orphan_bp", false, 0, 10000, p->childBp, &v)) return -1;
  p->orphanBp = (int)v;
  if (get_int(x, j, zPtr, "max_total_bp", false, 1, 10000, 10000, &v)) return -1;
  p->maxBp = (int)v;
  if (get_int(x, j, zPtr, "child_age_limit", false, 0, 30, 18, &v)) return -1;
  p->childAgeLimit = (int)v;
  if (get_int(x, j, zPtr, "spouse_min_age", false, 0, 80, 0, &v)) return -1;
  p->spouseMinAge = (int)v;
  if (get_int(x, j, zPtr, "marriage_min_years", false, 0, 50, 0, &v)) return -1;
  p->marriageMinYears = (int)v;
  if (get_str(x, j, zPtr, "source", false, zSrc, sizeof zSrc)) return -1;
  return get_str(x, j, zPtr, "notes", false, zNotes, sizeof zNotes);
}

int socsec_scheme_parse(json_t *j, const char *zFile, const char *zPtr, SsScheme *p, Err *e) {
  static const char *const azKey[] = {"id", "country", "name", "illustrative", "currency", "decimals",
                                      "period_unit", "qualifying_period", "pensionable_age", "formula",
                                      "minimum_pension", "source", "notes", "invalidity", "survivors", NULL};
  static const char *const azAgeKey[] = {"sex", "born_from", "born_to", "years", "months", NULL};
  static const char *const azFormulaKey[] = {"type", "full_amount", "full_period", "accrual_bp", "accrual_per",
                                             "max_period", NULL};
  static const char *const azFormula[] = {"flat", "earnings", NULL};
  static const char *const azSex[] = {"any", "F", "M", NULL};
  Px x = {zFile, e};
  char zP[160], zQ[200], zNotes[1000];
  int64_t v;
  int k;
  memset(p, 0, sizeof *p);
  if (check_keys(&x, j, zPtr, azKey)) return -1;
  if (get_str(&x, j, zPtr, "id", true, p->zId, sizeof p->zId)) return -1;
  if (!p->zId[0]) return ptr_key(zP, sizeof zP, zPtr, "id"), px_fail(&x, zP, "must not be empty");
  if (get_country(&x, j, zPtr, "country", p->zCountry)) return -1;
  if (get_name(&x, j, zPtr, p->azName)) return -1;
  if (get_bool(&x, j, zPtr, "illustrative", false, &p->bIllustrative)) return -1;
  if (get_str(&x, j, zPtr, "currency", true, p->zCurrency, sizeof p->zCurrency)) return -1;
  if (strlen(p->zCurrency) != 3 || !country_code_ok(p->zCurrency))
    return ptr_key(zP, sizeof zP, zPtr, "currency"), px_fail(&x, zP, "must be an ISO 4217 code such as \"EUR\"");
  if (get_int(&x, j, zPtr, "decimals", false, 0, 4, 2, &v)) return -1;
  p->nDecimals = (int)v;
  if (get_enum(&x, j, zPtr, "period_unit", true, azUnit, 0, &k)) return -1;
  p->unit = (SsUnit)k;
  if (get_int(&x, j, zPtr, "qualifying_period", true, 0, PERIOD_MAX, 0, &p->nQualifying)) return -1;
  if (get_int(&x, j, zPtr, "minimum_pension", false, 0, MONEY_MAX, 0, &p->iMinimum)) return -1;
  if (get_str(&x, j, zPtr, "source", false, p->zSource, sizeof p->zSource)) return -1;
  if (get_str(&x, j, zPtr, "notes", false, zNotes, sizeof zNotes)) return -1;

  json_t *pAge = json_object_get(j, "pensionable_age");
  ptr_key(zP, sizeof zP, zPtr, "pensionable_age");
  if (!json_is_array(pAge) || json_array_size(pAge) == 0)
    return px_fail(&x, zP, "must be a non-empty array of {sex, born_from, born_to, years, months}");
  if (json_array_size(pAge) > SS_MAX_AGE_RULES) return px_fail(&x, zP, "at most %d rules", SS_MAX_AGE_RULES);
  for (size_t i = 0; i < json_array_size(pAge); i++) {
    json_t *a = json_array_get(pAge, i);
    SsAgeRule *r = &p->aAge[p->nAge++];
    snprintf(zQ, sizeof zQ, "%s/%zu", zP, i);
    if (check_keys(&x, a, zQ, azAgeKey)) return -1;
    if (get_enum(&x, a, zQ, "sex", false, azSex, 0, &k)) return -1;
    r->cSex = k == 1 ? 'F' : k == 2 ? 'M' : 0;
    if (get_int(&x, a, zQ, "born_from", false, 1900, 2100, 1900, &v)) return -1;
    r->bornFrom = (int)v;
    if (get_int(&x, a, zQ, "born_to", false, 1900, 2100, 2100, &v)) return -1;
    r->bornTo = (int)v;
    if (r->bornTo < r->bornFrom) {
      char zR[220];
      ptr_key(zR, sizeof zR, zQ, "born_to");
      return px_fail(&x, zR, "must not be before born_from");
    }
    if (get_int(&x, a, zQ, "years", true, 40, 80, 0, &v)) return -1;
    r->years = (int)v;
    if (get_int(&x, a, zQ, "months", false, 0, 11, 0, &v)) return -1;
    r->months = (int)v;
  }

  json_t *f = json_object_get(j, "formula");
  ptr_key(zP, sizeof zP, zPtr, "formula");
  if (!f) return px_fail(&x, zP, "is required");
  if (check_keys(&x, f, zP, azFormulaKey)) return -1;
  if (get_enum(&x, f, zP, "type", true, azFormula, 0, &k)) return -1;
  p->formula = (SsFormula)k;
  if (p->formula == SS_FLAT) {
    if (get_int(&x, f, zP, "full_amount", true, 0, MONEY_MAX, 0, &p->iFullAmount)) return -1;
    if (get_int(&x, f, zP, "full_period", false, 0, PERIOD_MAX, 0, &p->nFullPeriod)) return -1;
    if (json_object_get(f, "accrual_bp") || json_object_get(f, "accrual_per") || json_object_get(f, "max_period"))
      return ptr_key(zQ, sizeof zQ, zP, "type"),
             px_fail(&x, zQ, "a flat formula takes full_amount and full_period only");
  } else {
    if (get_int(&x, f, zP, "accrual_bp", true, 0, 10000, 0, &p->nAccrualBp)) return -1;
    if (get_int(&x, f, zP, "accrual_per", true, 1, 10000, 0, &p->nAccrualPer)) return -1;
    if (get_int(&x, f, zP, "max_period", false, 0, PERIOD_MAX, 0, &p->nMaxPeriod)) return -1;
    if (json_object_get(f, "full_amount") || json_object_get(f, "full_period"))
      return ptr_key(zQ, sizeof zQ, zP, "type"),
             px_fail(&x, zQ, "an earnings formula takes accrual_bp, accrual_per and max_period only");
  }
  json_t *pInv = json_object_get(j, "invalidity");
  if (pInv && !json_is_null(pInv)) {
    ptr_key(zP, sizeof zP, zPtr, "invalidity");
    if (invalidity_parse(&x, pInv, zP, &p->inv)) return -1;
  }
  json_t *pSurv = json_object_get(j, "survivors");
  if (pSurv && !json_is_null(pSurv)) {
    ptr_key(zP, sizeof zP, zPtr, "survivors");
    if (survivors_parse(&x, pSurv, zP, p, &p->surv)) return -1;
  }
  return 0;
}

int socsec_instrument_parse(json_t *j, const char *zFile, const char *zPtr, SsInstrument *p, Err *e) {
  static const char *const azKey[] = {"id", "name", "kind", "illustrative", "members", "branches", "signed",
                                      "in_force", "rules", "source", "notes", NULL};
  static const char *const azRuleKey[] = {"totalization", "minimum_period_months", "third_country_periods",
                                          "periods_before_entry_into_force", "amount_payable", NULL};
  static const char *const azKind[] = {"bilateral", "multilateral", NULL};
  static const char *const azBranch[] = {"old_age", "invalidity", "survivors", NULL};
  static const char *const azThird[] = {"never", "if_needed", "always", NULL};
  static const char *const azBefore[] = {"always", "never", "if_later_periods", NULL};
  static const char *const azPay[] = {"higher_of_independent_and_pro_rata", "pro_rata", NULL};
  Px x = {zFile, e};
  char zP[160], zQ[200], zNotes[1000];
  int k;
  int64_t v;
  memset(p, 0, sizeof *p);
  if (check_keys(&x, j, zPtr, azKey)) return -1;
  if (get_str(&x, j, zPtr, "id", true, p->zId, sizeof p->zId)) return -1;
  if (!p->zId[0]) return ptr_key(zP, sizeof zP, zPtr, "id"), px_fail(&x, zP, "must not be empty");
  if (get_name(&x, j, zPtr, p->azName)) return -1;
  if (get_enum(&x, j, zPtr, "kind", true, azKind, 0, &k)) return -1;
  snprintf(p->zKind, sizeof p->zKind, "%s", azKind[k]);
  if (get_bool(&x, j, zPtr, "illustrative", false, &p->bIllustrative)) return -1;
  if (get_date(&x, j, zPtr, "signed", false, p->zSigned, NULL)) return -1;
  if (get_date(&x, j, zPtr, "in_force", false, p->zInForce, NULL)) return -1;
  if (get_str(&x, j, zPtr, "source", false, p->zSource, sizeof p->zSource)) return -1;
  if (get_str(&x, j, zPtr, "notes", false, zNotes, sizeof zNotes)) return -1;

  json_t *m = json_object_get(j, "members");
  ptr_key(zP, sizeof zP, zPtr, "members");
  if (!json_is_array(m) || json_array_size(m) < 2) return px_fail(&x, zP, "must be an array of at least 2 countries");
  if (json_array_size(m) > SS_MAX_MEMBERS) return px_fail(&x, zP, "at most %d countries", SS_MAX_MEMBERS);
  if (strcmp(p->zKind, "bilateral") == 0 && json_array_size(m) != 2)
    return px_fail(&x, zP, "a bilateral instrument has exactly 2 members");
  for (size_t i = 0; i < json_array_size(m); i++) {
    json_t *c = json_array_get(m, i);
    snprintf(zQ, sizeof zQ, "%s/%zu", zP, i);
    if (!json_is_string(c) || !country_code_ok(json_string_value(c)))
      return px_fail(&x, zQ, "must be an ISO 3166-1 alpha-3 code such as \"ARG\"");
    for (int t = 0; t < p->nMember; t++)
      if (strcmp(p->aMember[t], json_string_value(c)) == 0) return px_fail(&x, zQ, "is listed twice");
    memcpy(p->aMember[p->nMember++], json_string_value(c), 4);
  }
  json_t *b = json_object_get(j, "branches");
  ptr_key(zP, sizeof zP, zPtr, "branches");
  if (!json_is_array(b) || json_array_size(b) == 0 || json_array_size(b) > 3)
    return px_fail(&x, zP, "must be an array of \"old_age\", \"invalidity\", \"survivors\"");
  for (size_t i = 0; i < json_array_size(b); i++) {
    json_t *c = json_array_get(b, i);
    snprintf(zQ, sizeof zQ, "%s/%zu", zP, i);
    bool bFound = false;
    for (int t = 0; azBranch[t]; t++)
      if (json_is_string(c) && strcmp(json_string_value(c), azBranch[t]) == 0) {
        p->branches |= 1u << t;
        bFound = true;
      }
    if (!bFound) return px_fail(&x, zQ, "must be \"old_age\", \"invalidity\" or \"survivors\"");
  }
  json_t *r = json_object_get(j, "rules");
  ptr_key(zP, sizeof zP, zPtr, "rules");
  if (!r) return px_fail(&x, zP, "is required");
  if (check_keys(&x, r, zP, azRuleKey)) return -1;
  if (get_bool(&x, r, zP, "totalization", true, &p->bTotalization)) return -1;
  if (get_int(&x, r, zP, "minimum_period_months", false, 0, 600, 0, &v)) return -1;
  p->nMinMonths = (int)v;
  if (get_enum(&x, r, zP, "third_country_periods", false, azThird, 0, &k)) return -1;
  p->third = (SsThird)k;
  if (get_enum(&x, r, zP, "periods_before_entry_into_force", false, azBefore, 0, &k)) return -1;
  p->before = (SsBefore)k;
  if (p->before != SS_BEFORE_ALWAYS && !p->zInForce[0])
    return ptr_key(zQ, sizeof zQ, zP, "periods_before_entry_into_force"),
           px_fail(&x, zQ, "needs the instrument's in_force date");
  if (get_enum(&x, r, zP, "amount_payable", false, azPay, 0, &k)) return -1;
  p->payable = (SsPayable)k;
  return 0;
}

void socsec_record_free(SsRecord *p) {
  free(p->aScheme);
  free(p->aInstr);
  p->aScheme = NULL;
  p->aInstr = NULL;
  p->nScheme = p->nInstr = 0;
}

/* Whole years from day a to day b (an age at b for a birth on a); -1 when b < a. */
static int years_between(int64_t a, int64_t b) {
  int ya, ma, da, yb, mb, db;
  if (b < a) return -1;
  civil_from_days(a, &ya, &ma, &da);
  civil_from_days(b, &yb, &mb, &db);
  int n = yb - ya;
  if (mb < ma || (mb == ma && db < da)) n--;
  return n;
}

/* A person's age at the death: {"birth_date"} or {"age"} (whole years at the death). */
static int person_age(Px *x, json_t *j, const char *zPtr, int32_t death, bool bReq, int *pAge) {
  char zP[200];
  int32_t d = 0;
  int64_t v;
  *pAge = -1;
  json_t *pB = json_object_get(j, "birth_date"), *pA = json_object_get(j, "age");
  if (pB && !json_is_null(pB) && pA && !json_is_null(pA))
    return ptr_key(zP, sizeof zP, zPtr, "age"), px_fail(x, zP, "give birth_date or age, not both");
  if (pB && !json_is_null(pB)) {
    if (get_date(x, j, zPtr, "birth_date", true, NULL, &d)) return -1;
    if (d > death) return ptr_key(zP, sizeof zP, zPtr, "birth_date"), px_fail(x, zP, "must not be after the death");
    *pAge = years_between(d, death);
    return 0;
  }
  if (pA && !json_is_null(pA)) {
    if (get_int(x, j, zPtr, "age", true, 0, 120, 0, &v)) return -1;
    *pAge = (int)v;
    return 0;
  }
  if (bReq) return ptr_key(zP, sizeof zP, zPtr, "birth_date"), px_fail(x, zP, "is required (or age)");
  return 0;
}

/* "benefit": "old_age" | {"type": "invalidity", "onset", "degree", "state"} |
** {"type": "survivors", "death", "spouse": {birth_date|age, married}, "children": [{birth_date|age, full_orphan}]}. */
static int benefit_parse(Px *x, json_t *j, SsRecord *p) {
  static const char *const azType[] = {"old_age", "invalidity", "survivors", NULL};
  static const char *const azOld[] = {"type", NULL};
  static const char *const azInv[] = {"type", "onset", "degree", "state", NULL};
  static const char *const azSurv[] = {"type", "death", "spouse", "children", NULL};
  static const char *const azSpouse[] = {"birth_date", "age", "married", NULL};
  static const char *const azChild[] = {"birth_date", "age", "full_orphan", NULL};
  char zP[200];
  int64_t v;
  int k;
  json_t *b = json_object_get(j, "benefit");
  p->spouseAge = p->marriedYears = -1;
  if (!b || json_is_null(b)) return 0;
  if (json_is_string(b)) {
    for (k = 0; azType[k] && strcmp(azType[k], json_string_value(b)) != 0; k++) {}
    if (!azType[k]) return px_fail(x, "/benefit", "must be one of \"old_age\", \"invalidity\", \"survivors\"");
    if (k != SS_BEN_OLD_AGE)
      return px_fail(x, k == SS_BEN_INVALIDITY ? "/benefit/onset" : "/benefit/death",
                     "is required: give the benefit as an object {\"type\": \"%s\", ...}", azType[k]);
    return 0;
  }
  if (!json_is_object(b)) return px_fail(x, "/benefit", "must be \"old_age\" or an object {\"type\", ...}");
  if (get_enum(x, b, "/benefit", "type", true, azType, 0, &k)) return -1;
  p->benefit = (SsBenefit)k;
  if (check_keys(x, b, "/benefit", k == 0 ? azOld : k == 1 ? azInv : azSurv)) return -1;
  if (p->benefit == SS_BEN_INVALIDITY) {
    if (get_date(x, b, "/benefit", "onset", true, NULL, &p->onset)) return -1;
    if (get_int(x, b, "/benefit", "degree", true, 0, 100, 0, &v)) return -1;
    p->degree = (int)v;
    json_t *st = json_object_get(b, "state");
    if (st && !json_is_null(st) && get_country(x, b, "/benefit", "state", p->zOnsetState)) return -1;
    if (p->onset < (int32_t)days_from_civil(p->birthYear, 1, 1))
      return px_fail(x, "/benefit/onset", "must not be before the year of birth");
    return 0;
  }
  if (p->benefit != SS_BEN_SURVIVORS) return 0;
  if (get_date(x, b, "/benefit", "death", true, NULL, &p->death)) return -1;
  if (p->death < (int32_t)days_from_civil(p->birthYear, 1, 1))
    return px_fail(x, "/benefit/death", "must not be before the year of birth");
  json_t *sp = json_object_get(b, "spouse");
  if (sp && !json_is_null(sp)) {
    if (check_keys(x, sp, "/benefit/spouse", azSpouse)) return -1;
    p->bSpouse = true;
    if (person_age(x, sp, "/benefit/spouse", p->death, false, &p->spouseAge)) return -1;
    int32_t m = 0;
    if (json_object_get(sp, "married")) {
      if (get_date(x, sp, "/benefit/spouse", "married", true, NULL, &m)) return -1;
      if (m > p->death) return px_fail(x, "/benefit/spouse/married", "must not be after the death");
      p->marriedYears = years_between(m, p->death);
    }
  }
  json_t *ch = json_object_get(b, "children");
  if (ch && !json_is_null(ch)) {
    if (!json_is_array(ch) || json_array_size(ch) > SS_MAX_CHILDREN)
      return px_fail(x, "/benefit/children", "must be an array of at most %d children {birth_date or age}",
                     SS_MAX_CHILDREN);
    for (size_t i = 0; i < json_array_size(ch); i++) {
      json_t *c = json_array_get(ch, i);
      bool bOrphan;
      snprintf(zP, sizeof zP, "/benefit/children/%zu", i);
      if (check_keys(x, c, zP, azChild)) return -1;
      if (person_age(x, c, zP, p->death, true, &p->aChildAge[p->nChild])) return -1;
      if (get_bool(x, c, zP, "full_orphan", false, &bOrphan)) return -1;
      p->aChildOrphan[p->nChild++] = bOrphan;
    }
  }
  if (!p->bSpouse && p->nChild == 0)
    return px_fail(x, "/benefit/spouse", "is required: give a spouse or at least one child");
  return 0;
}

int socsec_record_parse(json_t *j, SsRecord *p, Err *e) {
  static const char *const azKey[] = {"birth_year", "sex", "instrument", "periods", "earnings", "schemes",
                                      "instruments", "description", "benefit", NULL};
  static const char *const azPeriodKey[] = {"country", "from", "to", "kind", NULL};
  static const char *const azKind[] = {"credited", "voluntary", "contribution", NULL};
  static const char *const azSex[] = {"F", "M", NULL};
  Px x = {NULL, e};
  char zP[160], zDesc[1000];
  int64_t v;
  int k;
  memset(p, 0, sizeof *p);
  if (check_keys(&x, j, "", azKey)) return -1;
  if (get_int(&x, j, "", "birth_year", true, 1900, 2100, 0, &v)) return -1;
  p->birthYear = (int)v;
  if (get_enum(&x, j, "", "sex", true, azSex, 0, &k)) return -1;
  p->cSex = k == 0 ? 'F' : 'M';
  if (get_str(&x, j, "", "instrument", false, p->zInstrument, sizeof p->zInstrument)) return -1;
  if (get_str(&x, j, "", "description", false, zDesc, sizeof zDesc)) return -1;

  json_t *a = json_object_get(j, "periods");
  if (!json_is_array(a) || json_array_size(a) == 0)
    return px_fail(&x, "/periods", "must be a non-empty array of {country, from, to, kind}");
  if (json_array_size(a) > SS_MAX_PERIODS) return px_fail(&x, "/periods", "at most %d periods", SS_MAX_PERIODS);
  int nCountry = 0;
  char aCountry[SS_MAX_COUNTRIES][4];
  for (size_t i = 0; i < json_array_size(a); i++) {
    json_t *q = json_array_get(a, i);
    SsPeriod *pp = &p->aPeriod[p->nPeriod];
    snprintf(zP, sizeof zP, "/periods/%zu", i);
    if (check_keys(&x, q, zP, azPeriodKey)) return -1;
    if (get_country(&x, q, zP, "country", pp->zCountry)) return -1;
    if (get_date(&x, q, zP, "from", true, NULL, &pp->from)) return -1;
    if (get_date(&x, q, zP, "to", true, NULL, &pp->to)) return -1;
    if (pp->to < pp->from) {
      char zQ[180];
      ptr_key(zQ, sizeof zQ, zP, "to");
      return px_fail(&x, zQ, "must not be before \"from\"");
    }
    if (get_enum(&x, q, zP, "kind", false, azKind, 2, &k)) return -1;
    pp->kind = (SsKind)(k + 1);
    bool bSeen = false;
    for (int t = 0; t < nCountry; t++)
      if (strcmp(aCountry[t], pp->zCountry) == 0) bSeen = true;
    if (!bSeen) {
      if (nCountry >= SS_MAX_COUNTRIES) {
        char zQ[180];
        ptr_key(zQ, sizeof zQ, zP, "country");
        return px_fail(&x, zQ, "at most %d different countries", SS_MAX_COUNTRIES);
      }
      memcpy(aCountry[nCountry++], pp->zCountry, 4);
    }
    p->nPeriod++;
  }

  json_t *pEarn = json_object_get(j, "earnings");
  if (pEarn && !json_is_null(pEarn)) {
    const char *zKey;
    json_t *w;
    if (!json_is_object(pEarn))
      return px_fail(&x, "/earnings", "must be an object: country code -> monthly earnings in minor units");
    json_object_foreach(pEarn, zKey, w) {
      ptr_key(zP, sizeof zP, "/earnings", zKey);
      if (!country_code_ok(zKey)) return px_fail(&x, zP, "the key must be an ISO 3166-1 alpha-3 code");
      if (p->nEarn >= SS_MAX_COUNTRIES) return px_fail(&x, zP, "at most %d countries", SS_MAX_COUNTRIES);
      if (!json_is_integer(w) || json_integer_value(w) < 0 || json_integer_value(w) > MONEY_MAX)
        return px_fail(&x, zP, "must be a whole number of minor units (cents) from 0 to %lld", MONEY_MAX);
      memcpy(p->aEarnCountry[p->nEarn], zKey, 4);
      p->aEarn[p->nEarn++] = (int64_t)json_integer_value(w);
    }
  }
  json_t *pS = json_object_get(j, "schemes");
  if (pS && !json_is_null(pS)) {
    if (!json_is_array(pS) || json_array_size(pS) > SS_MAX_INLINE)
      return px_fail(&x, "/schemes", "must be an array of at most %d schemes", SS_MAX_INLINE);
    p->aScheme = xcalloc(json_array_size(pS) + 1, sizeof(SsScheme));
    for (size_t i = 0; i < json_array_size(pS); i++) {
      snprintf(zP, sizeof zP, "/schemes/%zu", i);
      if (socsec_scheme_parse(json_array_get(pS, i), NULL, zP, &p->aScheme[i], e)) return -1;
      for (int t = 0; t < p->nScheme; t++)
        if (strcmp(p->aScheme[t].zCountry, p->aScheme[i].zCountry) == 0)
          return px_fail(&x, zP, "a second scheme for %s", p->aScheme[i].zCountry);
      p->nScheme++;
    }
  }
  json_t *pI = json_object_get(j, "instruments");
  if (pI && !json_is_null(pI)) {
    if (!json_is_array(pI) || json_array_size(pI) > 4)
      return px_fail(&x, "/instruments", "must be an array of at most 4 instruments");
    p->aInstr = xcalloc(json_array_size(pI) + 1, sizeof(SsInstrument));
    for (size_t i = 0; i < json_array_size(pI); i++) {
      snprintf(zP, sizeof zP, "/instruments/%zu", i);
      if (socsec_instrument_parse(json_array_get(pI, i), NULL, zP, &p->aInstr[i], e)) return -1;
      p->nInstr++;
    }
  }
  return benefit_parse(&x, j, p);
}

/* ---- the computation ---- */

void socsec_result_free(SsResult *pRes) {
  for (int i = 0; i < pRes->nCountry; i++)
    for (int k = 0; k < pRes->aCountry[i].nStep; k++) free(pRes->aCountry[i].aStep[k].zText);
  for (int i = 0; i < pRes->nOverlap; i++) free(pRes->azOverlap[i]);
  free(pRes->azOverlap);
  for (int i = 0; i < pRes->nNote; i++) free(pRes->azNote[i]);
  free(pRes->azNote);
  free(pRes->zSummary);
  memset(pRes, 0, sizeof *pRes);
}

static void step_add(SsCountryResult *c, const char *zCode, const char *zFmt, ...) __attribute__((format(printf, 3, 4)));
static void step_add(SsCountryResult *c, const char *zCode, const char *zFmt, ...) {
  va_list ap;
  char *z;
  if (c->nStep >= SS_MAX_STEPS) return;
  va_start(ap, zFmt);
  if (vasprintf(&z, zFmt, ap) < 0) z = NULL;
  va_end(ap);
  if (!z) z = xstrdup("");
  c->aStep[c->nStep].zCode = zCode;
  c->aStep[c->nStep].zText = z;
  c->nStep++;
}

static const char *unit_word(SsUnit u, const char *zLang) {
  return u == SS_UNIT_MONTHS ? T(zLang, "months") : u == SS_UNIT_WEEKS ? T(zLang, "weeks") : T(zLang, "days");
}

static const char *kind_word(SsKind k, const char *zLang) {
  return k == SS_CONTRIBUTION ? T(zLang, "contribution") : k == SS_VOLUNTARY ? T(zLang, "voluntary")
                                                                            : T(zLang, "credited");
}

/* "1234.56 EUR" */
static void money_text(const SsScheme *s, int64_t i, char *z, size_t n) {
  char zNum[48];
  socsec_money(i, s->nDecimals, zNum, sizeof zNum);
  snprintf(z, n, "%s %s", zNum, s->zCurrency);
}

/* The scheme's formula on n units; zHow receives the arithmetic in words.
** -1 on overflow (e set). */
static int64_t formula(const SsScheme *s, int64_t n, int64_t iEarn, const char *zLang, char *zHow, size_t nHow,
                       Err *e) {
  char zA[64], zB[64], zR[64];
  int64_t i;
  if (s->formula == SS_FLAT) {
    if (s->nFullPeriod == 0) {
      i = s->iFullAmount;
      money_text(s, i, zR, sizeof zR);
      snprintf(zHow, nHow, T(zLang, "flat amount %s"), zR);
    } else {
      int64_t m = n < s->nFullPeriod ? n : s->nFullPeriod;
      i = socsec_muldiv(s->iFullAmount, m, s->nFullPeriod);
      money_text(s, s->iFullAmount, zA, sizeof zA);
      money_text(s, i, zR, sizeof zR);
      snprintf(zHow, nHow, T(zLang, "full amount %s x %lld / %lld %s = %s"), zA, (long long)m,
               (long long)s->nFullPeriod, unit_word(s->unit, zLang), zR);
    }
  } else {
    int64_t m = s->nMaxPeriod > 0 && n > s->nMaxPeriod ? s->nMaxPeriod : n;
    i = muldiv3(iEarn, s->nAccrualBp, m, 10000 * s->nAccrualPer);
    money_text(s, iEarn, zA, sizeof zA);
    snprintf(zB, sizeof zB, "%lld.%02lld%%", (long long)(s->nAccrualBp / 100), (long long)(s->nAccrualBp % 100));
    money_text(s, i < 0 ? 0 : i, zR, sizeof zR);
    snprintf(zHow, nHow, T(zLang, "reference earnings %s x %s x %lld / %lld %s = %s"), zA, zB, (long long)m,
             (long long)s->nAccrualPer, unit_word(s->unit, zLang), zR);
  }
  if (i < 0) {
    err_set(e, ERR_INVALID, "the amounts are too large to compute");
    return -1;
  }
  if (s->iMinimum > 0 && i < s->iMinimum) {
    size_t k = strlen(zHow);
    money_text(s, s->iMinimum, zA, sizeof zA);
    snprintf(zHow + k, nHow - k, T(zLang, ", raised to the minimum pension %s"), zA);
    i = s->iMinimum;
  }
  return i;
}

/* Per-country day counts after overlaps, in full and as counted in totalization. */
typedef struct CStat {
  char zCountry[4];
  int firstPeriod;
  int64_t nDays, nWhole, nRest;       /* all kept days */
  int64_t nTDays, nTWhole, nTRest;    /* kept days that count in totalization */
} CStat;

typedef struct Seg {
  int64_t a, b;   /* inclusive */
  int iWin;       /* period index */
} Seg;

static int cmp_i64(const void *pa, const void *pb) {
  int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
  return a < b ? -1 : a > b;
}

/* True when period i wins a day over period k (the documented priority rule). */
static bool period_beats(const SsRecord *r, int i, int k) {
  const SsPeriod *p = &r->aPeriod[i], *q = &r->aPeriod[k];
  if (p->kind != q->kind) return p->kind > q->kind;
  if (p->from != q->from) return p->from < q->from;
  return i < k;
}

static const char *why_text(const SsRecord *r, int iWin, int iLose, const char *zLang) {
  const SsPeriod *p = &r->aPeriod[iWin], *q = &r->aPeriod[iLose];
  if (p->kind != q->kind) return T(zLang, "a period of a higher kind is kept (contribution, then voluntary, then credited)");
  if (p->from != q->from) return T(zLang, "the period that began first is kept");
  return T(zLang, "the period listed first is kept");
}

static CStat *stat_for(CStat *a, int *pn, const char *zCountry, int iPeriod) {
  for (int i = 0; i < *pn; i++)
    if (strcmp(a[i].zCountry, zCountry) == 0) return &a[i];
  CStat *s = &a[(*pn)++];
  memset(s, 0, sizeof *s);
  memcpy(s->zCountry, zCountry, 4);
  s->firstPeriod = iPeriod;
  return s;
}

static void stat_add(CStat *s, int64_t a, int64_t b, bool bTotal) {
  int64_t w, r;
  interval_months(a, b, &w, &r);
  if (bTotal) {
    s->nTDays += b - a + 1;
    s->nTWhole += w;
    s->nTRest += r;
  } else {
    s->nDays += b - a + 1;
    s->nWhole += w;
    s->nRest += r;
  }
}

typedef struct OvRun {
  int64_t a, b;
  int iWin, iLose;
} OvRun;

/* Resolve overlaps into per-country stats, and notes on each overlap into pRes.
** iEif: the instrument's entry into force (INT64_MIN: none, every day counts). */
static void resolve(const SsRecord *r, SsBefore before, int64_t iEif, int64_t iCut, int64_t *pnCutDays, CStat *aStat,
                    int *pnStat, SsResult *pRes, const char *zLang) {
  int64_t aB[2 * SS_MAX_PERIODS + 1];
  int nB = 0, nSeg = 0, nRun = 0;
  Seg *aSeg = xcalloc(2 * SS_MAX_PERIODS + 1, sizeof(Seg));
  OvRun *aRun = xcalloc(2 * SS_MAX_PERIODS + 1, sizeof(OvRun));
  for (int i = 0; i < r->nPeriod; i++) {
    aB[nB++] = r->aPeriod[i].from;
    aB[nB++] = (int64_t)r->aPeriod[i].to + 1;
    if (r->aPeriod[i].from <= iCut) stat_for(aStat, pnStat, r->aPeriod[i].zCountry, i);
  }
  if (iCut < INT64_MAX) aB[nB++] = iCut + 1;   /* a boundary at the cut: days after it are dropped */
  qsort(aB, (size_t)nB, sizeof aB[0], cmp_i64);
  for (int k = 0; k + 1 < nB; k++) {
    int64_t a = aB[k], b = aB[k + 1] - 1;
    int iWin = -1, iLose = -1;
    if (b < a) continue;
    for (int i = 0; i < r->nPeriod; i++) {
      if (r->aPeriod[i].from > a || r->aPeriod[i].to < b) continue;
      if (iWin < 0) iWin = i;
      else if (period_beats(r, i, iWin)) { iLose = iWin; iWin = i; }
      else if (iLose < 0 || period_beats(r, i, iLose)) iLose = i;
    }
    if (iWin < 0) continue;
    if (a > iCut) {
      *pnCutDays += b - a + 1;
      continue;
    }
    /* Adjacent pieces of one country's periods merge, so whole months stay whole. */
    if (nSeg > 0 && aSeg[nSeg - 1].b + 1 == a &&
        strcmp(r->aPeriod[aSeg[nSeg - 1].iWin].zCountry, r->aPeriod[iWin].zCountry) == 0)
      aSeg[nSeg - 1].b = b;
    else aSeg[nSeg++] = (Seg){a, b, iWin};
    if (iLose >= 0) {
      if (nRun > 0 && aRun[nRun - 1].b + 1 == a && aRun[nRun - 1].iWin == iWin && aRun[nRun - 1].iLose == iLose)
        aRun[nRun - 1].b = b;
      else aRun[nRun++] = (OvRun){a, b, iWin, iLose};
    }
  }
  /* Entry into force: "never" counts only days from it; "if_later_periods" counts
  ** every day when some day is on or after it, and none otherwise (Art. 8 MERCOSUR). */
  bool bLater = false;
  for (int i = 0; i < nSeg; i++)
    if (aSeg[i].b >= iEif) bLater = true;
  for (int i = 0; i < nSeg; i++) {
    CStat *st = stat_for(aStat, pnStat, r->aPeriod[aSeg[i].iWin].zCountry, aSeg[i].iWin);
    int64_t a = aSeg[i].a;
    stat_add(st, a, aSeg[i].b, false);
    if (before == SS_BEFORE_NEVER && a < iEif) a = iEif;
    if (before == SS_BEFORE_IF_LATER && !bLater) continue;
    if (a <= aSeg[i].b) stat_add(st, a, aSeg[i].b, true);
  }
  pRes->azOverlap = xcalloc((size_t)nRun + 1, sizeof(char *));
  for (int i = 0; i < nRun; i++) {
    char zA[16], zB[16];
    const SsPeriod *w = &r->aPeriod[aRun[i].iWin], *l = &r->aPeriod[aRun[i].iLose];
    day_text(aRun[i].a, zA, sizeof zA);
    day_text(aRun[i].b, zB, sizeof zB);
    pRes->azOverlap[pRes->nOverlap++] =
      xasprintf(T(zLang, "From %s to %s period %d (%s, %s) and period %d (%s, %s) overlap: the %lld days are "
                         "counted once, under period %d, because %s."),
                zA, zB, aRun[i].iWin + 1, w->zCountry, kind_word(w->kind, zLang), aRun[i].iLose + 1, l->zCountry,
                kind_word(l->kind, zLang), (long long)(aRun[i].b - aRun[i].a + 1), aRun[i].iWin + 1,
                why_text(r, aRun[i].iWin, aRun[i].iLose, zLang));
  }
  free(aSeg);
  free(aRun);
}

static bool is_member(const SsInstrument *pI, const char *zCountry) {
  for (int i = 0; i < pI->nMember; i++)
    if (strcmp(pI->aMember[i], zCountry) == 0) return true;
  return false;
}

static const SsAgeRule *age_rule(const SsScheme *s, char cSex, int birthYear) {
  for (int i = 0; i < s->nAge; i++) {
    const SsAgeRule *a = &s->aAge[i];
    if ((a->cSex == 0 || a->cSex == cSex) && birthYear >= a->bornFrom && birthYear <= a->bornTo) return a;
  }
  return NULL;
}

static int first_period_of(const SsRecord *r, const char *zCountry) {
  for (int i = 0; i < r->nPeriod; i++)
    if (strcmp(r->aPeriod[i].zCountry, zCountry) == 0) return i;
  return 0;
}

static int64_t units_of(const CStat *st, SsUnit u, bool bTotal) {
  return bTotal ? socsec_units(u, st->nTWhole, st->nTRest, st->nTDays) : socsec_units(u, st->nWhole, st->nRest, st->nDays);
}

static const char *const azBranchWord[] = {"old-age pensions", "invalidity pensions", "survivors' pensions"};

/* "12.50%" for 1250 basis points. */
static void bp_text(int64_t bp, char *z, size_t n) {
  snprintf(z, n, "%lld.%02lld%%", (long long)(bp / 100), (long long)(bp % 100));
}

/* The full-rate invalidity amount on n units (the old_age formula uses n; the
** others do not depend on it), raised to the invalidity minimum. -1 on overflow. */
static int64_t inv_full(const SsScheme *s, int64_t n, int64_t iEarn, const char *zLang, char *zHow, size_t nHow,
                        Err *e) {
  const SsInvalidity *v = &s->inv;
  char zA[64], zB[32], zR[64];
  int64_t i;
  if (v->formula == SS_INVF_OLD_AGE) {
    SsScheme t = *s;
    t.iMinimum = v->iMinimum;
    return formula(&t, n, iEarn, zLang, zHow, nHow, e);
  }
  if (v->formula == SS_INVF_FLAT) {
    i = v->iAmount;
    money_text(s, i, zR, sizeof zR);
    snprintf(zHow, nHow, T(zLang, "flat amount %s"), zR);
  } else {
    i = socsec_muldiv(iEarn, v->nRateBp, 10000);
    money_text(s, iEarn, zA, sizeof zA);
    bp_text(v->nRateBp, zB, sizeof zB);
    money_text(s, i < 0 ? 0 : i, zR, sizeof zR);
    snprintf(zHow, nHow, T(zLang, "reference earnings %s x %s = %s"), zA, zB, zR);
  }
  if (i < 0) {
    err_set(e, ERR_INVALID, "the amounts are too large to compute");
    return -1;
  }
  if (v->iMinimum > 0 && i < v->iMinimum) {
    size_t k = strlen(zHow);
    money_text(s, v->iMinimum, zA, sizeof zA);
    snprintf(zHow + k, nHow - k, T(zLang, ", raised to the minimum pension %s"), zA);
    i = v->iMinimum;
  }
  return i;
}

/* The benefit's amount on n units for country c: the old-age formula, the invalidity
** full rate times the degree band, or the survivors' basis (the deceased's pension). */
static int64_t benefit_amount(const SsRecord *r, const SsCountryResult *c, int64_t n, const char *zLang, char *zHow,
                              size_t nHow, Err *e) {
  const SsScheme *s = &c->scheme;
  if (r->benefit == SS_BEN_OLD_AGE || (r->benefit == SS_BEN_SURVIVORS && !s->surv.bInvalidityBasis))
    return formula(s, n, c->iEarnings, zLang, zHow, nHow, e);
  int64_t i = inv_full(s, n, c->iEarnings, zLang, zHow, nHow, e);
  if (i < 0 || r->benefit == SS_BEN_SURVIVORS || c->bandPercent == 100) return i;
  char zR[64];
  int64_t k = socsec_muldiv(i, c->bandPercent, 100);
  size_t m = strlen(zHow);
  money_text(s, k, zR, sizeof zR);
  snprintf(zHow + m, nHow - m, T(zLang, "; %d%% of it for a degree of incapacity of %d%% = %s"), c->bandPercent,
           r->degree, zR);
  return k;
}

/* Totalization for country i (steps "third_countries", "entry_into_force",
** "totalization", "totalized_right"), against the qualifying period nQual. */
static void totalize(SsResult *pRes, const CStat *aStat, int nStat, int i, const SsInstrument *pInstr, int64_t nQual,
                     bool bOnlyTypeA, const char *zLang) {
  SsCountryResult *c = &pRes->aCountry[i];
  const SsScheme *s = &c->scheme;
  const char *zU = unit_word(s->unit, zLang);
  int64_t nMembers = 0, nThird = 0, nTypeB = 0;
  for (int k = 0; k < nStat; k++) {
    if (k == i) continue;
    if (pRes->aCountry[k].bThird) nThird += units_of(&aStat[k], s->unit, true);
    else if (bOnlyTypeA && !pRes->aCountry[k].scheme.inv.bTypeA) nTypeB += units_of(&aStat[k], s->unit, true);
    else nMembers += units_of(&aStat[k], s->unit, true);
  }
  if (nTypeB > 0)
    step_add(c, "type_b_periods", T(zLang, "Periods under type B legislation (%lld %s) are not counted (EU Reg. "
                                           "883/2004 Art. 46(2))."),
             (long long)nTypeB, zU);
  c->nOthers = nMembers;
  bool bThirdCounts = pInstr->third == SS_THIRD_ALWAYS ||
                      (pInstr->third == SS_THIRD_IF_NEEDED && c->nOwnTotalized + nMembers < nQual);
  c->nThirdUnits = bThirdCounts ? nThird : 0;
  c->nTotal = c->nOwnTotalized + c->nOthers + c->nThirdUnits;
  for (int k = 0; k < pRes->nCountry; k++)
    if (pRes->aCountry[k].bThird && bThirdCounts) pRes->aCountry[k].bThirdCounted = true;
  if (nThird > 0 && !bThirdCounts)
    step_add(c, "third_countries",
             pInstr->third == SS_THIRD_NEVER
               ? T(zLang, "Periods in countries outside the agreement (%lld %s) are not counted: the agreement "
                          "does not count them.")
               : T(zLang, "Periods in countries outside the agreement (%lld %s) are not counted: the qualifying "
                          "period is met without them."),
             (long long)nThird, zU);
  if (c->nOwnTotalized != c->nOwn)
    step_add(c, "entry_into_force", T(zLang, "Periods before the agreement's entry into force (%s) are not "
                                             "totalized: %lld of the %lld %s here count."),
             pInstr->zInForce, (long long)c->nOwnTotalized, (long long)c->nOwn, zU);
  step_add(c, "totalization", T(zLang, "Totalized periods: %lld %s here + %lld in the other countries of the "
                                       "agreement + %lld in third countries = %lld %s."),
           (long long)c->nOwnTotalized, zU, (long long)c->nOthers, (long long)c->nThirdUnits, (long long)c->nTotal,
           zU);
  c->bTotalRight = c->nTotal >= nQual && c->nOwnTotalized > 0;
  step_add(c, "totalized_right",
           c->bTotalRight ? T(zLang, "With totalization the qualifying period of %lld %s is met.")
                          : T(zLang, "Even with totalization the qualifying period of %lld %s is not met."),
           (long long)nQual, zU);
}

static void note_add(SsResult *pRes, char *z) { pRes->azNote[pRes->nNote++] = z; }

/* Survivors' shares of c->iDeceased under the country's rules (steps "survivor",
** "cap"); sets c->iPayable to their sum. -1 with e set when a condition needs a
** figure the input lacks. */
static int survivors_split(const SsRecord *r, SsCountryResult *c, const char *zLang, Err *e) {
  const SsSurvRules *v = &c->scheme.surv;
  const SsScheme *s = &c->scheme;
  char zD[64], zR[64], zP[32], zMax[32], zSum[32], zShare[120];
  int sum = 0;
  if (r->bSpouse) {
    SsShare *h = &c->aShare[c->nShare++];
    h->cWho = 's';
    h->age = r->spouseAge;
    if (v->spouseMinAge > 0 && r->spouseAge < 0) {
      err_set(e, ERR_INVALID, "/benefit/spouse/birth_date: is required: the scheme %s sets a minimum age for the "
                              "spouse", s->zId);
      err_where(e, "/benefit/spouse/birth_date");
      return -1;
    }
    if (v->marriageMinYears > 0 && r->marriedYears < 0) {
      err_set(e, ERR_INVALID, "/benefit/spouse/married: is required: the scheme %s sets a minimum length of "
                              "marriage", s->zId);
      err_where(e, "/benefit/spouse/married");
      return -1;
    }
    h->bEntitled = v->spouseBp > 0 && (v->spouseMinAge == 0 || r->spouseAge >= v->spouseMinAge) &&
                   (v->marriageMinYears == 0 || r->marriedYears >= v->marriageMinYears);
    if (h->bEntitled) sum += h->bp = v->spouseBp;
  }
  for (int k = 0; k < r->nChild; k++) {
    SsShare *h = &c->aShare[c->nShare++];
    h->cWho = 'c';
    h->iChild = k + 1;
    h->age = r->aChildAge[k];
    int bp = r->aChildOrphan[k] ? v->orphanBp : v->childBp;
    h->bEntitled = bp > 0 && h->age < v->childAgeLimit;
    if (h->bEntitled) sum += h->bp = bp;
  }
  bool bCap = sum > v->maxBp;
  money_text(s, c->iDeceased, zD, sizeof zD);
  if (bCap) {
    bp_text(sum, zSum, sizeof zSum);
    bp_text(v->maxBp, zMax, sizeof zMax);
    step_add(c, "cap", T(zLang, "The shares add up to %s of the deceased's pension, more than the cap of %s: each "
                                "share is reduced in proportion (x %s / %s)."),
             zSum, zMax, zMax, zSum);
  }
  c->iPayable = 0;
  for (int k = 0; k < c->nShare; k++) {
    SsShare *h = &c->aShare[k];
    if (h->bEntitled) {
      h->i = bCap ? muldiv3(c->iDeceased, h->bp, v->maxBp, 10000LL * sum) : socsec_muldiv(c->iDeceased, h->bp, 10000);
      c->iPayable += h->i;
      bp_text(h->bp, zP, sizeof zP);
      if (bCap) snprintf(zShare, sizeof zShare, "%s x %s / %s", zP, zMax, zSum);
      else snprintf(zShare, sizeof zShare, "%s", zP);
      money_text(s, h->i, zR, sizeof zR);
      if (h->cWho == 's') step_add(c, "survivor", T(zLang, "Spouse: %s of %s = %s."), zShare, zD, zR);
      else if (r->aChildOrphan[h->iChild - 1])
        step_add(c, "survivor", T(zLang, "Child %d (aged %d at the death, full orphan): %s of %s = %s."), h->iChild,
                 h->age, zShare, zD, zR);
      else
        step_add(c, "survivor", T(zLang, "Child %d (aged %d at the death): %s of %s = %s."), h->iChild, h->age,
                 zShare, zD, zR);
    } else if (h->cWho == 's') {
      if (v->spouseBp == 0) step_add(c, "survivor", "%s", T(zLang, "Spouse: no share, this law pays no spouse's pension."));
      else if (v->spouseMinAge > 0 && h->age < v->spouseMinAge)
        step_add(c, "survivor", T(zLang, "Spouse: no share, aged %d at the death; this law requires at least %d."),
                 h->age, v->spouseMinAge);
      else
        step_add(c, "survivor", T(zLang, "Spouse: no share, married %d years at the death; this law requires at "
                                         "least %d."),
                 r->marriedYears, v->marriageMinYears);
    } else if ((r->aChildOrphan[h->iChild - 1] ? v->orphanBp : v->childBp) == 0) {
      step_add(c, "survivor", T(zLang, "Child %d: no share, this law pays no children's pension."), h->iChild);
    } else {
      step_add(c, "survivor", T(zLang, "Child %d (aged %d at the death): no share, the age limit is %d."), h->iChild,
               h->age, v->childAgeLimit);
    }
  }
  return 0;
}

int socsec_compute(const SsRecord *pRec, const SsInstrument *pInstr, const SsScheme *aScheme, int nScheme,
                   const char *zLang, SsResult *pRes, Err *e) {
  CStat aStat[SS_MAX_COUNTRIES];
  int nStat = 0;
  char zHow[600], zA[64], zB[64], zC[64], zDay[16];
  const SsBenefit ben = pRec->benefit;
  memset(pRes, 0, sizeof *pRes);
  pRes->benefit = ben;
  pRes->degree = pRec->degree;
  pRes->azNote = xcalloc(4, sizeof(char *));
  if (pInstr) {
    pRes->bInstrument = true;
    pRes->instr = *pInstr;
    unsigned need = ben == SS_BEN_OLD_AGE ? SS_BRANCH_OLD_AGE : ben == SS_BEN_INVALIDITY ? SS_BRANCH_INVALIDITY
                                                                                       : SS_BRANCH_SURVIVORS;
    if (!(pInstr->branches & need)) {
      err_set(e, ERR_INVALID, "/instrument: %s does not cover %s", pInstr->zId, azBranchWord[ben]);
      err_where(e, "/instrument");
      return -1;
    }
  }
  bool bTotalize = pInstr && pInstr->bTotalization;
  int64_t iEif = INT64_MIN;
  SsBefore before = SS_BEFORE_ALWAYS;
  if (pInstr && pInstr->before != SS_BEFORE_ALWAYS && pInstr->zInForce[0]) {
    iEif = socsec_day(pInstr->zInForce);
    before = pInstr->before;
  }
  /* Invalidity counts the periods before the onset, survivors those up to the death
  ** (EU Reg. 883/2004 Art. 52(1)(b): periods "before the materialisation of the risk"). */
  int64_t iCut = INT64_MAX, nCut = 0;
  if (ben == SS_BEN_INVALIDITY) iCut = (int64_t)pRec->onset - 1, pRes->iRiskDay = pRec->onset;
  if (ben == SS_BEN_SURVIVORS) iCut = pRec->death, pRes->iRiskDay = pRec->death;
  resolve(pRec, before, iEif, iCut, &nCut, aStat, &nStat, pRes, zLang);
  if (ben != SS_BEN_OLD_AGE) {
    const char *zP = ben == SS_BEN_INVALIDITY ? "/benefit/onset" : "/benefit/death";
    day_text(pRes->iRiskDay, zDay, sizeof zDay);
    if (nStat == 0) {
      err_set(e, ERR_INVALID, "%s: no insurance period %s %s", zP,
              ben == SS_BEN_INVALIDITY ? "before the onset" : "up to the death", zDay);
      err_where(e, "%s", zP);
      return -1;
    }
    if (nCut > 0)
      note_add(pRes, xasprintf(ben == SS_BEN_INVALIDITY
                                 ? T(zLang, "Only periods before the onset of invalidity (%s) count: %lld later days "
                                            "are left out.")
                                 : T(zLang, "Only periods up to the death (%s) count: %lld later days are left out."),
                               zDay, (long long)nCut));
  }

  /* Roles and schemes. */
  for (int i = 0; i < nStat; i++) {
    SsCountryResult *c = &pRes->aCountry[pRes->nCountry++];
    const CStat *st = &aStat[i];
    memcpy(c->zCountry, st->zCountry, 4);
    c->nDays = st->nDays;
    c->nWholeMonths = st->nWhole;
    c->nRestDays = st->nRest;
    c->nOwnMonths = st->nWhole + st->nRest / 30;
    c->bMember = !pInstr || is_member(pInstr, st->zCountry);
    c->bThird = !c->bMember;
    if (c->bThird) continue;
    const SsScheme *s = NULL;
    char zP[64];
    snprintf(zP, sizeof zP, "/periods/%d/country", first_period_of(pRec, st->zCountry));
    for (int k = 0; k < nScheme; k++)
      if (strcmp(aScheme[k].zCountry, st->zCountry) == 0) s = &aScheme[k];
    if (!s) {
      err_set(e, ERR_INVALID, "%s: no old-age scheme is configured for %s", zP, st->zCountry);
      err_where(e, "%s", zP);
      err_hint(e, "add one to data/socsec and run `lmis init`, or give it in the input under /schemes");
      return -1;
    }
    if ((ben == SS_BEN_INVALIDITY && !s->inv.bPresent) || (ben == SS_BEN_SURVIVORS && !s->surv.bPresent)) {
      err_set(e, ERR_INVALID, "%s: the scheme %s of %s has no %s rules", zP, s->zId, st->zCountry,
              ben == SS_BEN_INVALIDITY ? "invalidity" : "survivors'");
      err_where(e, "%s", zP);
      err_hint(e, "add an \"%s\" object to the scheme (docs/socsec.md)",
               ben == SS_BEN_INVALIDITY ? "invalidity" : "survivors");
      return -1;
    }
    c->scheme = *s;
    bool bInvFormula = ben == SS_BEN_INVALIDITY || (ben == SS_BEN_SURVIVORS && s->surv.bInvalidityBasis);
    bool bNeedEarn = bInvFormula ? s->inv.formula == SS_INVF_EARNINGS_PERCENT ||
                                     (s->inv.formula == SS_INVF_OLD_AGE && s->formula == SS_EARNINGS)
                                 : s->formula == SS_EARNINGS;
    if (bNeedEarn) {
      bool bFound = false;
      for (int k = 0; k < pRec->nEarn; k++)
        if (strcmp(pRec->aEarnCountry[k], st->zCountry) == 0) {
          c->iEarnings = pRec->aEarn[k];
          bFound = true;
        }
      if (!bFound) {
        err_set(e, ERR_INVALID, "/earnings: reference earnings in %s are needed: its scheme is earnings-related",
                st->zCountry);
        err_where(e, "/earnings");
        err_hint(e, "give the average monthly insured earnings in minor units, e.g. \"earnings\": {\"%s\": 250000}",
                 st->zCountry);
        return -1;
      }
    }
    const SsAgeRule *a = age_rule(s, pRec->cSex, pRec->birthYear);
    if (!a) {
      err_set(e, ERR_INVALID, "/birth_year: the scheme %s gives no pensionable age for %s born in %d", s->zId,
              pRec->cSex == 'F' ? "women" : "men", pRec->birthYear);
      err_where(e, "/birth_year");
      return -1;
    }
    c->ageYears = a->years;
    c->ageMonths = a->months;
    c->pensionYear = pRec->birthYear + a->years + (a->months > 0);
  }

  /* Invalidity: the state at the onset, and which rule of EU Reg. 883/2004 applies. */
  bool bArt44 = false, bArt462 = false;
  if (ben == SS_BEN_INVALIDITY) {
    if (pRec->zOnsetState[0]) {
      bool bFound = false;
      for (int i = 0; i < pRes->nCountry; i++) bFound |= strcmp(pRes->aCountry[i].zCountry, pRec->zOnsetState) == 0;
      if (!bFound) {
        err_set(e, ERR_INVALID, "/benefit/state: there is no insurance period in %s before the onset",
                pRec->zOnsetState);
        err_where(e, "/benefit/state");
        return -1;
      }
      memcpy(pRes->zOnsetState, pRec->zOnsetState, 4);
    } else {
      /* The country of the last insurance period before the onset. */
      int64_t iBest = INT64_MIN;
      for (int i = 0; i < pRec->nPeriod; i++) {
        const SsPeriod *p = &pRec->aPeriod[i];
        int64_t iTo = p->to < iCut ? p->to : iCut;
        if (p->from <= iCut && iTo > iBest) {
          iBest = iTo;
          memcpy(pRes->zOnsetState, p->zCountry, 4);
        }
      }
      pRes->bOnsetInferred = true;
    }
    pRes->zInvRule = "national";
    if (bTotalize) {
      bArt44 = true;
      for (int i = 0; i < pRes->nCountry; i++)
        if (!pRes->aCountry[i].bThird && !pRes->aCountry[i].scheme.inv.bTypeA) bArt44 = false;
      /* Art. 46(2): the onset under a type A law whose conditions are met with the
      ** periods under type A laws alone: that state pays under Art. 44, the type B
      ** states pay no invalidity benefit (lmis assumes no old-age claim). */
      const SsCountryResult *pOnset = NULL;
      for (int i = 0; i < pRes->nCountry; i++)
        if (!pRes->aCountry[i].bThird && strcmp(pRes->aCountry[i].zCountry, pRes->zOnsetState) == 0)
          pOnset = &pRes->aCountry[i];
      if (!bArt44 && pOnset && pOnset->scheme.inv.bTypeA && pRec->degree >= pOnset->scheme.inv.minDegree) {
        int64_t n = 0;
        for (int i = 0; i < pRes->nCountry; i++)
          if (!pRes->aCountry[i].bThird && pRes->aCountry[i].scheme.inv.bTypeA)
            n += units_of(&aStat[i], pOnset->scheme.unit, true);
        bArt462 = n >= pOnset->scheme.inv.nQualifying;
      }
      pRes->zInvRule = bArt44 ? "art_44_2" : bArt462 ? "art_46_2" : "art_46_1";
      note_add(pRes, xasprintf(pRes->bOnsetInferred ? T(zLang, "State whose legislation applied at the onset: %s "
                                                               "(taken as the country of the last insurance period "
                                                               "before the onset).")
                                                    : T(zLang, "State whose legislation applied at the onset: %s."),
                               pRes->zOnsetState));
      if (bArt462)
        note_add(pRes, xasprintf(T(zLang, "The onset was under type A legislation (%s), whose conditions are met with "
                                          "the periods under type A legislations alone: it pays its full amount, and "
                                          "the countries with type B legislation pay no invalidity benefit (EU Reg. "
                                          "883/2004 Art. 46(2); lmis assumes that no old-age pension is claimed)."),
                                 pRes->zOnsetState));
      else if (bArt44)
        note_add(pRes, xasprintf("%s", T(zLang, "Every country of the agreement where the worker was insured has type A "
                                                "legislation (the amount does not depend on the periods): only the "
                                                "state at the onset pays, in full, and the periods of the others count "
                                                "for the right (EU Reg. 883/2004 Art. 44(2) and 45).")));
      else
        note_add(pRes, xasprintf("%s", T(zLang, "At least one country has type B legislation (the amount depends on the "
                                                "periods): every country computes an independent and a pro-rata "
                                                "benefit as for old age (EU Reg. 883/2004 Art. 46(1) and 52).")));
    }
  }

  for (int i = 0; i < pRes->nCountry; i++) {
    SsCountryResult *c = &pRes->aCountry[i];
    const CStat *st = &aStat[i];
    if (c->bThird) {
      c->zBasis = "none";
      continue;
    }
    const SsScheme *s = &c->scheme;
    const char *zU = unit_word(s->unit, zLang);
    int64_t nQual = ben == SS_BEN_OLD_AGE ? s->nQualifying : ben == SS_BEN_INVALIDITY ? s->inv.nQualifying
                                                                                     : s->surv.nQualifying;
    bool bInvFormula = ben == SS_BEN_INVALIDITY || (ben == SS_BEN_SURVIVORS && s->surv.bInvalidityBasis);
    c->nOwn = units_of(st, s->unit, false);
    c->nOwnTotalized = units_of(st, s->unit, true);
    if (s->unit == SS_UNIT_MONTHS)
      step_add(c, "periods", T(zLang, "Periods under %s: %lld days after overlaps = %lld whole calendar months + %lld "
                                      "other days (30 days = 1 month, remainder dropped) = %lld months."),
               c->zCountry, (long long)c->nDays, (long long)c->nWholeMonths, (long long)c->nRestDays,
               (long long)c->nOwn);
    else if (s->unit == SS_UNIT_WEEKS)
      step_add(c, "periods", T(zLang, "Periods under %s: %lld days after overlaps = %lld weeks (7 days = 1 week, "
                                      "remainder dropped)."),
               c->zCountry, (long long)c->nDays, (long long)c->nOwn);
    else
      step_add(c, "periods", T(zLang, "Periods under %s: %lld days after overlaps."), c->zCountry,
               (long long)c->nDays);
    if (ben == SS_BEN_OLD_AGE)
      step_add(c, "pensionable_age", T(zLang, "Pensionable age under this scheme for %s born in %d: %d years and %d "
                                              "months, reached in %d."),
               pRec->cSex == 'F' ? T(zLang, "women") : T(zLang, "men"), pRec->birthYear, c->ageYears, c->ageMonths,
               c->pensionYear);

    if (ben == SS_BEN_SURVIVORS)
      step_add(c, "survivors_basis", "%s",
               s->surv.bInvalidityBasis ? T(zLang, "The survivors' shares are based on the full invalidity pension the "
                                                   "deceased would have received at the death.")
                                        : T(zLang, "The survivors' shares are based on the old-age pension computed on "
                                                   "the deceased's periods."));
    if (ben == SS_BEN_INVALIDITY) {
      const SsInvalidity *v = &s->inv;
      c->bTypeA = v->bTypeA;
      c->bDegreeMet = pRec->degree >= v->minDegree;
      for (int k = 0; k < v->nBand; k++)
        if (pRec->degree >= v->aBand[k].minDegree) c->bandPercent = v->aBand[k].percent;
      if (!c->bDegreeMet) {
        step_add(c, "degree", T(zLang, "Degree of incapacity %d%%: this law requires at least %d%%: not met."),
                 pRec->degree, v->minDegree);
        step_add(c, "payable", "%s", T(zLang, "Amount payable: nothing, the degree of incapacity is below this "
                                              "law's minimum."));
        c->zBasis = "degree_below_minimum";
        continue;
      }
      step_add(c, "degree", T(zLang, "Degree of incapacity %d%%: this law requires at least %d%%: met; for this "
                                     "degree it pays %d%% of the full rate."),
               pRec->degree, v->minDegree, c->bandPercent);
      step_add(c, "legislation_type", "%s",
               v->bTypeA ? T(zLang, "Type A legislation: the amount does not depend on the insurance periods.")
                         : T(zLang, "Type B legislation: the amount depends on the insurance periods."));
    }
    bool bNotCompetent = (bArt44 || bArt462) && strcmp(c->zCountry, pRes->zOnsetState) != 0;
    if (bInvFormula && s->inv.bProjection && !bNotCompetent) {
      /* Periods credited from the day after the last one counted to pensionable age
      ** (birth taken as 1 January of the year of birth). */
      int64_t iAge = days_from_civil(pRec->birthYear + c->ageYears, 1 + c->ageMonths, 1);
      char zAge[16];
      if (iAge > iCut + 1) {
        int64_t w, r;
        interval_months(iCut + 1, iAge - 1, &w, &r);
        c->nProjected = socsec_units(s->unit, w, r, iAge - 1 - iCut);
      }
      day_text(iCut + 1, zDay, sizeof zDay);
      day_text(iAge, zAge, sizeof zAge);
      step_add(c, "projection", T(zLang, "Periods credited from %s to pensionable age (%d years and %d months, "
                                         "reached on %s taking 1 January of the year of birth): %lld %s; they count "
                                         "for the amount, not for the right nor the pro-rata ratio."),
               zDay, c->ageYears, c->ageMonths, zAge, (long long)c->nProjected, zU);
    }

    /* Independent right and benefit: national periods alone. */
    c->bIndependentRight = c->nOwn >= nQual;
    step_add(c, "independent_right",
             c->bIndependentRight ? T(zLang, "Independent right: %lld %s under this country's law alone; the qualifying "
                                             "period is %lld %s: met.")
                                  : T(zLang, "Independent right: %lld %s under this country's law alone; the qualifying "
                                             "period is %lld %s: not met."),
             (long long)c->nOwn, zU, (long long)nQual, zU);
    if (c->bIndependentRight && !bNotCompetent) {
      c->iIndependent = benefit_amount(pRec, c, c->nOwn + c->nProjected, zLang, zHow, sizeof zHow, e);
      if (c->iIndependent < 0) return -1;
      step_add(c, "independent_benefit", T(zLang, "Independent benefit: %s a month."), zHow);
    }

    if (bArt44 || bArt462) {
      /* Only type A legislations (or Art. 46(2)): the state at the onset pays the full amount. */
      if (bNotCompetent) {
        if (bArt44)
          step_add(c, "payable", T(zLang, "Amount payable: nothing; only %s, whose legislation applied at the onset, "
                                          "pays (EU Reg. 883/2004 Art. 44(2)); the periods here count there."),
                   pRes->zOnsetState);
        else if (c->scheme.inv.bTypeA)
          step_add(c, "payable", T(zLang, "Amount payable: nothing; only %s, whose legislation applied at the onset, "
                                          "pays (EU Reg. 883/2004 Art. 46(2) and 44(2)); the periods here count "
                                          "there."),
                   pRes->zOnsetState);
        else
          step_add(c, "payable", T(zLang, "Amount payable: nothing; %s, whose type A legislation applied at the onset, "
                                          "pays without the periods under type B legislation (EU Reg. 883/2004 Art. "
                                          "46(2))."),
                   pRes->zOnsetState);
        c->zBasis = "not_competent";
        continue;
      }
      totalize(pRes, aStat, nStat, i, pInstr, nQual, bArt462, zLang);
      if (c->bTotalRight || c->bIndependentRight) {
        c->iTheoretical = benefit_amount(pRec, c, c->nTotal, zLang, zHow, sizeof zHow, e);
        if (c->iTheoretical < 0) return -1;
        c->iPayable = c->iTheoretical;
        c->zBasis = "full_type_a";
        money_text(s, c->iPayable, zC, sizeof zC);
        step_add(c, "full_amount", T(zLang, "Full amount under this law: %s."), zHow);
        step_add(c, "payable", T(zLang, "Amount payable: the full amount, %s a month, without pro-rata (type A "
                                        "legislation, the state at the onset)."),
                 zC);
      } else {
        c->zBasis = "none";
        step_add(c, "payable", "%s", T(zLang, "Amount payable: nothing, the qualifying period is not met."));
      }
      continue;
    }

    if (bTotalize) {
      totalize(pRes, aStat, nStat, i, pInstr, nQual, false, zLang);
      if (c->bTotalRight) {
        c->iTheoretical = benefit_amount(pRec, c, c->nTotal + c->nProjected, zLang, zHow, sizeof zHow, e);
        if (c->iTheoretical < 0) return -1;
        money_text(s, c->iTheoretical, zA, sizeof zA);
        if (c->nProjected > 0)
          step_add(c, "theoretical", T(zLang, "Theoretical amount, as if all %lld %s had been completed here, with the "
                                              "%lld credited: %s."),
                   (long long)c->nTotal, zU, (long long)c->nProjected, zHow);
        else
          step_add(c, "theoretical", T(zLang, "Theoretical amount, as if all %lld %s had been completed here: %s."),
                   (long long)c->nTotal, zU, zHow);
        c->iProRata = socsec_muldiv(c->iTheoretical, c->nOwnTotalized, c->nTotal);
        money_text(s, c->iProRata, zB, sizeof zB);
        step_add(c, "pro_rata", T(zLang, "Pro-rata benefit: %s x %lld / %lld = %s (rounded half up to the minor "
                                         "unit)."),
                 zA, (long long)c->nOwnTotalized, (long long)c->nTotal, zB);
      }
      if (pInstr->nMinMonths > 0 && c->nOwnMonths < pInstr->nMinMonths) {
        c->bBelowMinimum = true;
        step_add(c, "minimum_period", T(zLang, "The agreement's minimum period is %d months and there are %lld months "
                                               "here: this country pays nothing, but the other countries count these "
                                               "periods."),
                 pInstr->nMinMonths, (long long)c->nOwnMonths);
      }
    }

    /* Amount payable (for survivors: the deceased's pension the shares are based on). */
    int64_t iAmt;
    money_text(s, c->iIndependent, zA, sizeof zA);
    money_text(s, c->iProRata, zB, sizeof zB);
    if (c->bBelowMinimum) {
      iAmt = 0;
      c->zBasis = "below_minimum";
    } else if (!bTotalize) {
      iAmt = c->bIndependentRight ? c->iIndependent : 0;
      c->zBasis = c->bIndependentRight ? "independent" : "none";
    } else if (pInstr->payable == SS_PAY_PRORATA) {
      iAmt = c->bTotalRight ? c->iProRata : 0;
      c->zBasis = c->bTotalRight ? "pro_rata" : "none";
    } else if (c->bIndependentRight && (!c->bTotalRight || c->iIndependent >= c->iProRata)) {
      iAmt = c->iIndependent;
      c->zBasis = "independent";
    } else {
      iAmt = c->bTotalRight ? c->iProRata : 0;
      c->zBasis = c->bTotalRight ? "pro_rata" : "none";
    }
    money_text(s, iAmt, zC, sizeof zC);
    if (c->bBelowMinimum)
      step_add(c, "payable", "%s", T(zLang, "Amount payable: nothing (below the agreement's minimum period)."));
    else if (strcmp(c->zBasis, "none") == 0)
      step_add(c, "payable", "%s", T(zLang, "Amount payable: nothing, the qualifying period is not met."));
    else if (ben == SS_BEN_SURVIVORS) {
      c->iDeceased = iAmt;
      if (!bTotalize || pInstr->payable == SS_PAY_PRORATA)
        step_add(c, "deceased_pension", T(zLang, "Pension of the deceased on which the survivors' shares are based: "
                                                 "%s a month."),
                 zC);
      else
        step_add(c, "deceased_pension", T(zLang, "Pension of the deceased on which the survivors' shares are based: "
                                                 "the higher of the independent benefit (%s) and the pro-rata benefit "
                                                 "(%s) = %s a month."),
                 c->bIndependentRight ? zA : T(zLang, "none"), c->bTotalRight ? zB : T(zLang, "none"), zC);
      if (survivors_split(pRec, c, zLang, e)) return -1;
      money_text(s, c->iPayable, zC, sizeof zC);
      step_add(c, "payable", T(zLang, "Amount payable to the survivors: %s a month in total."), zC);
      continue;
    } else if (!bTotalize)
      step_add(c, "payable", T(zLang, "Amount payable: the independent benefit, %s a month."), zC);
    else if (pInstr->payable == SS_PAY_PRORATA)
      step_add(c, "payable", T(zLang, "Amount payable: the pro-rata benefit, %s a month (the agreement pays "
                                      "pro-rata)."),
               zC);
    else
      step_add(c, "payable", T(zLang, "Amount payable: the higher of the independent benefit (%s) and the pro-rata "
                                      "benefit (%s) = %s a month."),
               c->bIndependentRight ? zA : T(zLang, "none"), c->bTotalRight ? zB : T(zLang, "none"), zC);
    c->iPayable = iAmt;
  }

  /* Totals by currency. */
  for (int i = 0; i < pRes->nCountry; i++) {
    const SsCountryResult *c = &pRes->aCountry[i];
    if (c->bThird) continue;
    int k = 0;
    while (k < pRes->nTotal && strcmp(pRes->aTotal[k].zCurrency, c->scheme.zCurrency) != 0) k++;
    if (k == pRes->nTotal) {
      memcpy(pRes->aTotal[k].zCurrency, c->scheme.zCurrency, 4);
      pRes->aTotal[k].nDecimals = c->scheme.nDecimals;
      pRes->nTotal++;
    }
    pRes->aTotal[k].i += c->iPayable;
  }
  Buf b;
  buf_init(&b, BUF_UNBOUNDED);
  buf_puts(&b, T(zLang, "Total a month:"));
  for (int k = 0; k < pRes->nTotal; k++) {
    socsec_money(pRes->aTotal[k].i, pRes->aTotal[k].nDecimals, zA, sizeof zA);
    buf_printf(&b, "%s %s %s", k ? " +" : "", zA, pRes->aTotal[k].zCurrency);
  }
  if (pRes->nTotal == 0) buf_printf(&b, " 0");
  buf_putc(&b, '.');
  pRes->zSummary = buf_detach(&b);
  return 0;
}

int socsec_compute_input(Store *s, json_t *j, const char *zLang, SsResult *pRes, Err *e) {
  SsRecord *r = xcalloc(1, sizeof *r);
  SsScheme *aS = xcalloc(SS_MAX_COUNTRIES, sizeof(SsScheme));
  SsInstrument instr, *pInstr = NULL;
  int nS = 0, rc = -1;
  memset(pRes, 0, sizeof *pRes);
  if (socsec_record_parse(j, r, e)) goto compute_out;
  if (r->zInstrument[0]) {
    for (int i = 0; i < r->nInstr; i++)
      if (strcmp(r->aInstr[i].zId, r->zInstrument) == 0) {
        instr = r->aInstr[i];
        pInstr = &instr;
      }
    if (!pInstr && s) {
      int f = socsec_instrument_find(s, r->zInstrument, &instr, e);
      if (f < 0) goto compute_out;
      if (f == 1) pInstr = &instr;
    }
    if (!pInstr) {
      err_set(e, ERR_INVALID, "/instrument: no instrument \"%s\" is configured", r->zInstrument);
      err_where(e, "/instrument");
      err_hint(e, "`lmis socsec instruments` lists them; or give it under /instruments");
      goto compute_out;
    }
  }
  for (int i = 0; i < r->nPeriod; i++) {
    const char *zC = r->aPeriod[i].zCountry;
    bool bHave = false;
    for (int k = 0; k < nS; k++) bHave |= strcmp(aS[k].zCountry, zC) == 0;
    if (bHave || (pInstr && !is_member(pInstr, zC))) continue;
    for (int k = 0; k < r->nScheme && !bHave; k++)
      if (strcmp(r->aScheme[k].zCountry, zC) == 0) {
        aS[nS++] = r->aScheme[k];
        bHave = true;
      }
    if (!bHave && s) {
      int f = socsec_scheme_find(s, zC, &aS[nS], e);
      if (f < 0) goto compute_out;
      if (f == 1) nS++;
    }
  }
  rc = socsec_compute(r, pInstr, aS, nS, zLang, pRes, e);
compute_out:
  socsec_record_free(r);
  free(r);
  free(aS);
  return rc;
}

/* ---- output ---- */

static const char *unit_name(SsUnit u) { return azUnit[u]; }

static json_t *money_json(const SsScheme *s, int64_t i) {
  char z[64];
  money_text(s, i, z, sizeof z);
  return json_pack("{s:I, s:s}", "minor_units", (json_int_t)i, "text", z);
}

json_t *socsec_result_json(const SsResult *pRes) {
  json_t *j = json_object(), *a = json_array(), *o = json_array(), *t = json_array();
  if (pRes->bInstrument) {
    const SsInstrument *p = &pRes->instr;
    static const char *const azThird[] = {"never", "if_needed", "always"};
    static const char *const azBefore[] = {"always", "never", "if_later_periods"};
    json_object_set_new(j, "instrument",
      json_pack("{s:s, s:s, s:b, s:{s:b, s:i, s:s, s:s, s:s}}", "id", p->zId, "name", p->azName[0], "illustrative",
                p->bIllustrative, "rules", "totalization", p->bTotalization, "minimum_period_months", p->nMinMonths,
                "third_country_periods", azThird[p->third], "periods_before_entry_into_force", azBefore[p->before],
                "amount_payable", p->payable == SS_PAY_PRORATA ? "pro_rata" : "higher_of_independent_and_pro_rata"));
  } else {
    json_object_set_new(j, "instrument", json_null());
  }
  for (int i = 0; i < pRes->nOverlap; i++) json_array_append_new(o, json_string(pRes->azOverlap[i]));
  json_object_set_new(j, "overlaps", o);
  if (pRes->benefit != SS_BEN_OLD_AGE) {
    /* Only for the other benefits: the old-age output stays as it was. */
    char zDay[16];
    json_t *pB = json_object(), *pN = json_array();
    day_text(pRes->iRiskDay, zDay, sizeof zDay);
    json_object_set_new(pB, "type", json_string(pRes->benefit == SS_BEN_INVALIDITY ? "invalidity" : "survivors"));
    json_object_set_new(pB, pRes->benefit == SS_BEN_INVALIDITY ? "onset" : "death", json_string(zDay));
    if (pRes->benefit == SS_BEN_INVALIDITY) {
      json_object_set_new(pB, "degree", json_integer(pRes->degree));
      json_object_set_new(pB, "state", json_string(pRes->zOnsetState));
      json_object_set_new(pB, "state_inferred", json_boolean(pRes->bOnsetInferred));
      json_object_set_new(pB, "rule", json_string(pRes->zInvRule ? pRes->zInvRule : "national"));
    }
    for (int i = 0; i < pRes->nNote; i++) json_array_append_new(pN, json_string(pRes->azNote[i]));
    json_object_set_new(pB, "notes", pN);
    json_object_set_new(j, "benefit", pB);
  }
  for (int i = 0; i < pRes->nCountry; i++) {
    const SsCountryResult *c = &pRes->aCountry[i];
    json_t *x = json_object();
    json_object_set_new(x, "country", json_string(c->zCountry));
    json_object_set_new(x, "role", json_string(c->bThird ? "third_country" : pRes->bInstrument ? "member" : "national"));
    json_object_set_new(x, "periods", json_pack("{s:I, s:I, s:I}", "days", (json_int_t)c->nDays, "whole_months",
                                                (json_int_t)c->nWholeMonths, "other_days", (json_int_t)c->nRestDays));
    if (c->bThird) {
      json_object_set_new(x, "counted", json_boolean(c->bThirdCounted));
      json_array_append_new(a, x);
      continue;
    }
    const SsScheme *s = &c->scheme;
    json_object_set_new(x, "scheme", json_pack("{s:s, s:s, s:b, s:s, s:s, s:I}", "id", s->zId, "name", s->azName[0],
                                               "illustrative", s->bIllustrative, "currency", s->zCurrency, "unit",
                                               unit_name(s->unit), "qualifying_period", (json_int_t)s->nQualifying));
    json_t *p = json_object_get(x, "periods");
    json_object_set_new(p, "unit", json_string(unit_name(s->unit)));
    json_object_set_new(p, "own", json_integer(c->nOwn));
    json_object_set_new(p, "own_months", json_integer(c->nOwnMonths));
    json_object_set_new(p, "own_totalized", json_integer(c->nOwnTotalized));
    json_object_set_new(p, "other_members", json_integer(c->nOthers));
    json_object_set_new(p, "third_countries", json_integer(c->nThirdUnits));
    json_object_set_new(p, "total", json_integer(c->nTotal));
    json_object_set_new(x, "pensionable_age", json_pack("{s:i, s:i, s:i}", "years", c->ageYears, "months",
                                                        c->ageMonths, "reached_in", c->pensionYear));
    if (s->formula == SS_EARNINGS || c->iEarnings > 0)
      json_object_set_new(x, "reference_earnings", money_json(s, c->iEarnings));
    if (pRes->benefit == SS_BEN_INVALIDITY) {
      json_object_set_new(x, "invalidity", json_pack("{s:s, s:I, s:i, s:b, s:i, s:I}", "legislation_type",
                                                     s->inv.bTypeA ? "A" : "B", "qualifying_period",
                                                     (json_int_t)s->inv.nQualifying, "minimum_degree", s->inv.minDegree,
                                                     "degree_met", c->bDegreeMet, "percent_of_full_rate",
                                                     c->bandPercent, "projected_periods", (json_int_t)c->nProjected));
    } else if (pRes->benefit == SS_BEN_SURVIVORS) {
      json_t *pS = json_array();
      for (int k = 0; k < c->nShare; k++) {
        const SsShare *h = &c->aShare[k];
        json_t *y = json_pack("{s:s, s:i, s:b, s:i, s:o}", "who", h->cWho == 's' ? "spouse" : "child", "age", h->age,
                              "entitled", h->bEntitled, "share_bp", h->bp, "amount", money_json(s, h->i));
        if (h->cWho == 'c') json_object_set_new(y, "child", json_integer(h->iChild));
        json_array_append_new(pS, y);
      }
      json_object_set_new(x, "survivors", json_pack("{s:I, s:s, s:I, s:o, s:o}", "qualifying_period",
                                                    (json_int_t)s->surv.nQualifying, "basis",
                                                    s->surv.bInvalidityBasis ? "invalidity" : "old_age",
                                                    "projected_periods", (json_int_t)c->nProjected, "deceased_pension",
                                                    money_json(s, c->iDeceased), "shares", pS));
    }
    json_object_set_new(x, "independent_right", json_boolean(c->bIndependentRight));
    json_object_set_new(x, "independent_benefit", money_json(s, c->iIndependent));
    json_object_set_new(x, "totalized_right", json_boolean(c->bTotalRight));
    json_object_set_new(x, "theoretical_amount", money_json(s, c->iTheoretical));
    json_object_set_new(x, "pro_rata_benefit", money_json(s, c->iProRata));
    json_object_set_new(x, "below_minimum_period", json_boolean(c->bBelowMinimum));
    json_object_set_new(x, "payable", money_json(s, c->iPayable));
    json_object_set_new(x, "basis", json_string(c->zBasis));
    json_t *st = json_array();
    for (int k = 0; k < c->nStep; k++)
      json_array_append_new(st, json_pack("{s:s, s:s}", "step", c->aStep[k].zCode, "text", c->aStep[k].zText));
    json_object_set_new(x, "steps", st);
    json_array_append_new(a, x);
  }
  json_object_set_new(j, "countries", a);
  for (int k = 0; k < pRes->nTotal; k++) {
    char z[48];
    socsec_money(pRes->aTotal[k].i, pRes->aTotal[k].nDecimals, z, sizeof z);
    json_array_append_new(t, json_pack("{s:s, s:I, s:s}", "currency", pRes->aTotal[k].zCurrency, "minor_units",
                                       (json_int_t)pRes->aTotal[k].i, "text", z));
  }
  json_object_set_new(j, "total_monthly", t);
  json_object_set_new(j, "summary", json_string(pRes->zSummary ? pRes->zSummary : ""));
  json_object_set_new(j, "rounding", json_string("half up to the minor unit, after each formula and after the pro-rata"));
  return j;
}

void socsec_result_text(const SsResult *pRes, const char *zLang, Buf *b) {
  if (pRes->bInstrument)
    buf_printf(b, "%s: %s%s\n", T(zLang, "Agreement"), socsec_name(pRes->instr.azName, zLang),
               pRes->instr.bIllustrative ? T(zLang, " (illustrative)") : "");
  else buf_printf(b, "%s\n", T(zLang, "No agreement: each country pays under its own law alone."));
  if (pRes->benefit != SS_BEN_OLD_AGE) {
    char zDay[16];
    day_text(pRes->iRiskDay, zDay, sizeof zDay);
    if (pRes->benefit == SS_BEN_INVALIDITY)
      buf_printf(b, T(zLang, "Invalidity pension: onset of invalidity on %s, degree of incapacity %d%%."), zDay,
                 pRes->degree);
    else buf_printf(b, T(zLang, "Survivors' pension: death of the insured person on %s."), zDay);
    buf_putc(b, '\n');
    for (int i = 0; i < pRes->nNote; i++) buf_printf(b, "%s\n", pRes->azNote[i]);
  }
  for (int i = 0; i < pRes->nOverlap; i++) buf_printf(b, "%s %s\n", T(zLang, "Overlap:"), pRes->azOverlap[i]);
  for (int i = 0; i < pRes->nCountry; i++) {
    const SsCountryResult *c = &pRes->aCountry[i];
    buf_putc(b, '\n');
    if (c->bThird) {
      buf_printf(b, "%s (%s)\n  %s\n", c->zCountry, T(zLang, "third country"),
                 c->bThirdCounted ? T(zLang, "Its periods are counted by the countries of the agreement; it pays "
                                            "nothing under the agreement.")
                                  : T(zLang, "Its periods are not counted; it pays nothing under the agreement."));
      continue;
    }
    buf_printf(b, "%s: %s%s\n", c->zCountry, socsec_name(c->scheme.azName, zLang),
               c->scheme.bIllustrative ? T(zLang, " (illustrative)") : "");
    for (int k = 0; k < c->nStep; k++) buf_printf(b, "  %d. %s\n", k + 1, c->aStep[k].zText);
  }
  buf_printf(b, "\n%s\n", pRes->zSummary ? pRes->zSummary : "");
}

/* ---- configuration files and the store ---- */

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int insert_scheme(Store *st, const SsScheme *p, json_t *j, const char *zFile, const char *zPtr, Err *e) {
  Px x = {zFile, e};
  Stmt *q = store_prepare(st, "SELECT source_file, id FROM socsec_scheme WHERE id = :id OR country = :country", e);
  if (!q) return -1;
  stmt_bind_text(q, ":id", p->zId);
  stmt_bind_text(q, ":country", p->zCountry);
  int rc = stmt_step(q, e);
  if (rc == 1) {
    char zOther[300];
    snprintf(zOther, sizeof zOther, "%s (%s)", stmt_text(q, 1), stmt_text(q, 0));
    stmt_finalize(q);
    return px_fail(&x, zPtr, "a scheme with this id or country is already defined: %s", zOther);
  }
  stmt_finalize(q);
  if (rc < 0) return -1;
  char *zDef = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
  q = store_prepare(st, "INSERT INTO socsec_scheme(id, country, name, illustrative, source_file, definition) "
                        "VALUES(:id, :country, :name, :ill, :file, :def)", e);
  if (!q) { free(zDef); return -1; }
  stmt_bind_text(q, ":id", p->zId);
  stmt_bind_text(q, ":country", p->zCountry);
  stmt_bind_text(q, ":name", p->azName[0]);
  stmt_bind_int(q, ":ill", p->bIllustrative);
  stmt_bind_text(q, ":file", zFile);
  stmt_bind_text(q, ":def", zDef);
  rc = stmt_run(q, e);
  stmt_finalize(q);
  free(zDef);
  return rc;
}

static int insert_instrument(Store *st, const SsInstrument *p, json_t *j, const char *zFile, const char *zPtr, Err *e) {
  Px x = {zFile, e};
  Stmt *q = store_prepare(st, "SELECT source_file FROM socsec_instrument WHERE id = :id", e);
  if (!q) return -1;
  stmt_bind_text(q, ":id", p->zId);
  int rc = stmt_step(q, e);
  if (rc == 1) {
    char zOther[300];
    snprintf(zOther, sizeof zOther, "%s", stmt_text(q, 0));
    stmt_finalize(q);
    return px_fail(&x, zPtr, "instrument \"%s\" is already defined in %s", p->zId, zOther);
  }
  stmt_finalize(q);
  if (rc < 0) return -1;
  char *zDef = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
  q = store_prepare(st, "INSERT INTO socsec_instrument(id, name, kind, in_force, illustrative, source_file, definition) "
                        "VALUES(:id, :name, :kind, :in_force, :ill, :file, :def)", e);
  if (!q) { free(zDef); return -1; }
  stmt_bind_text(q, ":id", p->zId);
  stmt_bind_text(q, ":name", p->azName[0]);
  stmt_bind_text(q, ":kind", p->zKind);
  stmt_bind_text(q, ":in_force", p->zInForce[0] ? p->zInForce : NULL);
  stmt_bind_int(q, ":ill", p->bIllustrative);
  stmt_bind_text(q, ":file", zFile);
  stmt_bind_text(q, ":def", zDef);
  rc = stmt_run(q, e);
  stmt_finalize(q);
  free(zDef);
  if (rc) return -1;
  q = store_prepare(st, "INSERT INTO socsec_instrument_member(instrument_id, country) VALUES(:id, :country)", e);
  if (!q) return -1;
  for (int i = 0; i < p->nMember && rc == 0; i++) {
    stmt_bind_text(q, ":id", p->zId);
    stmt_bind_text(q, ":country", p->aMember[i]);
    rc = stmt_run(q, e);
    stmt_reset(q);
  }
  stmt_finalize(q);
  return rc;
}

static int load_file(Store *st, const char *zPath, const char *zName, long *pn, Err *e) {
  static const char *const azTop[] = {"description", "schemes", "instruments", NULL};
  json_error_t jerr;
  Px x = {zName, e};
  char zP[64];
  int rc = -1;
  json_t *j = json_load_file(zPath, JSON_REJECT_DUPLICATES, &jerr);
  if (!j) {
    err_set(e, ERR_INVALID, "%s:%d: not valid JSON: %s", zName, jerr.line, jerr.text);
    err_where(e, "%s:%d", zName, jerr.line);
    return -1;
  }
  if (check_keys(&x, j, "", azTop)) goto load_out;
  json_t *a = json_object_get(j, "schemes");
  if (a && !json_is_array(a)) { px_fail(&x, "/schemes", "must be an array"); goto load_out; }
  for (size_t i = 0; a && i < json_array_size(a); i++) {
    SsScheme sc;
    snprintf(zP, sizeof zP, "/schemes/%zu", i);
    if (socsec_scheme_parse(json_array_get(a, i), zName, zP, &sc, e)) goto load_out;
    if (insert_scheme(st, &sc, json_array_get(a, i), zName, zP, e)) goto load_out;
    (*pn)++;
  }
  a = json_object_get(j, "instruments");
  if (a && !json_is_array(a)) { px_fail(&x, "/instruments", "must be an array"); goto load_out; }
  for (size_t i = 0; a && i < json_array_size(a); i++) {
    SsInstrument in;
    snprintf(zP, sizeof zP, "/instruments/%zu", i);
    if (socsec_instrument_parse(json_array_get(a, i), zName, zP, &in, e)) goto load_out;
    if (insert_instrument(st, &in, json_array_get(a, i), zName, zP, e)) goto load_out;
    (*pn)++;
  }
  rc = 0;
load_out:
  json_decref(j);
  return rc;
}

int socsec_load_dir(Store *s, const char *zDataDir, long *pn, Err *e) {
  char *zDir = xasprintf("%s/socsec", zDataDir);
  DIR *d = opendir(zDir);
  char **az = NULL;
  int n = 0, nAlloc = 0, rc = 0;
  *pn = 0;
  if (!d) {
    err_set(e, ERR_IO, "cannot open the social security data directory %s", zDir);
    err_hint(e, "it ships with lmis as data/socsec; use --data DIR to point at the data directory");
    free(zDir);
    return -1;
  }
  for (struct dirent *de; (de = readdir(d)) != NULL;) {
    size_t k = strlen(de->d_name);
    if (k < 6 || strcmp(de->d_name + k - 5, ".json") != 0 || de->d_name[0] == '.') continue;
    if (n == nAlloc) az = xrealloc(az, sizeof(char *) * (size_t)(nAlloc = nAlloc ? 2 * nAlloc : 16));
    az[n++] = xstrdup(de->d_name);
  }
  closedir(d);
  qsort(az, (size_t)n, sizeof(char *), cmp_str);   /* a stable order: errors and ids reproducible */
  for (int i = 0; i < n && rc == 0; i++) {
    char *zPath = xasprintf("%s/%s", zDir, az[i]);
    char *zName = xasprintf("socsec/%s", az[i]);
    rc = load_file(s, zPath, zName, pn, e);
    free(zPath);
    free(zName);
  }
  for (int i = 0; i < n; i++) free(az[i]);
  free(az);
  free(zDir);
  return rc;
}

/* Parse a stored definition again (the same checks as at load). */
static json_t *stored_json(const char *zDef, Err *e) {
  json_error_t jerr;
  json_t *j = json_loads(zDef ? zDef : "", 0, &jerr);
  if (!j) err_set(e, ERR_DB, "a stored social security definition is not JSON: %s", jerr.text);
  return j;
}

int socsec_scheme_find(Store *s, const char *zCountry, SsScheme *p, Err *e) {
  Stmt *q = store_prepare(s, "SELECT definition, source_file FROM socsec_scheme WHERE country = :country", e);
  if (!q) return -1;
  stmt_bind_text(q, ":country", zCountry);
  int rc = stmt_step(q, e);
  if (rc == 1) {
    json_t *j = stored_json(stmt_text(q, 0), e);
    rc = j && socsec_scheme_parse(j, stmt_text(q, 1), "", p, e) == 0 ? 1 : -1;
    json_decref(j);
  }
  stmt_finalize(q);
  return rc;
}

int socsec_instrument_find(Store *s, const char *zId, SsInstrument *p, Err *e) {
  Stmt *q = store_prepare(s, "SELECT definition, source_file FROM socsec_instrument WHERE id = :id", e);
  if (!q) return -1;
  stmt_bind_text(q, ":id", zId);
  int rc = stmt_step(q, e);
  if (rc == 1) {
    json_t *j = stored_json(stmt_text(q, 0), e);
    rc = j && socsec_instrument_parse(j, stmt_text(q, 1), "", p, e) == 0 ? 1 : -1;
    json_decref(j);
  }
  stmt_finalize(q);
  return rc;
}

static json_t *list_json(Store *s, const char *zSql, const char *zLang, Err *e) {
  Stmt *q = store_prepare(s, zSql, e);
  json_t *a = json_array();
  int rc;
  if (!q) { json_decref(a); return NULL; }
  while ((rc = stmt_step(q, e)) == 1) {
    json_t *j = stored_json(stmt_text(q, 0), e);
    if (!j) { rc = -1; break; }
    json_t *pName = json_object_get(j, "name");
    const char *zName = json_is_string(pName) ? json_string_value(pName) : NULL;
    if (json_is_object(pName)) {
      json_t *v = json_object_get(pName, zLang);
      if (!json_is_string(v)) v = json_object_get(pName, "en");
      zName = json_string_value(v);
    }
    json_object_set_new(j, "display_name", json_string(zName ? zName : ""));
    json_object_set_new(j, "source_file", json_string(stmt_text(q, 1)));
    json_array_append_new(a, j);
  }
  stmt_finalize(q);
  if (rc < 0) { json_decref(a); return NULL; }
  return a;
}

json_t *socsec_schemes_json(Store *s, const char *zLang, Err *e) {
  return list_json(s, "SELECT definition, source_file FROM socsec_scheme ORDER BY country", zLang, e);
}

json_t *socsec_instruments_json(Store *s, const char *zLang, Err *e) {
  return list_json(s, "SELECT definition, source_file FROM socsec_instrument ORDER BY id", zLang, e);
}
