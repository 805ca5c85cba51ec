/*
** cost.c: recruitment cost reports and SDG 10.7.1 (see cost.h, docs/recruitment.md).
*/
#include "cost.h"
#include "agency.h"
#include "cli.h"
#include "util.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ISO 4217 currencies whose minor unit is not 1/100 (ISO 4217 amendment 176). */
static const struct {
  const char *zCode;
  int nExp;
} aExp[] = {
  {"BHD", 3}, {"BIF", 0}, {"CLF", 4}, {"CLP", 0}, {"DJF", 0}, {"GNF", 0}, {"IQD", 3}, {"ISK", 0},
  {"JOD", 3}, {"JPY", 0}, {"KMF", 0}, {"KRW", 0}, {"KWD", 3}, {"LYD", 3}, {"OMR", 3}, {"PYG", 0},
  {"RWF", 0}, {"TND", 3}, {"UGX", 0}, {"UYI", 0}, {"UYW", 4}, {"VND", 0}, {"VUV", 0}, {"XAF", 0},
  {"XOF", 0}, {"XPF", 0},
};

int cost_minor_exponent(const char *zCurrency) {
  for (size_t i = 0; zCurrency && i < COUNT(aExp); i++)
    if (strcmp(aExp[i].zCode, zCurrency) == 0) return aExp[i].nExp;
  return 2;
}

static const int64_t aPow10[] = {1, 10, 100, 1000, 10000};
#define COST_MAX_MINOR 1000000000000000LL   /* 10^15 minor units */

int cost_parse_amount(const json_t *v, int nExp, int64_t *pMinor) {
  if (nExp < 0 || nExp > 4) return -1;
  if (json_is_integer(v)) {
    json_int_t i = json_integer_value(v);
    if (i < 0 || i > COST_MAX_MINOR / aPow10[nExp]) return -1;
    *pMinor = (int64_t)i * aPow10[nExp];
    return 0;
  }
  if (json_is_real(v)) {
    double d = json_real_value(v) * (double)aPow10[nExp];
    double r = round(d);
    if (!(d >= 0) || d > (double)COST_MAX_MINOR || fabs(d - r) > 1e-6 * (r > 1 ? r : 1)) return -1;
    *pMinor = (int64_t)r;
    return 0;
  }
  if (json_is_string(v)) {
    const char *z = json_string_value(v);
    int64_t i = 0;
    int nFrac = -1, nDigit = 0;
    for (; *z; z++) {
      if (*z == '.') {
        if (nFrac >= 0 || nDigit == 0) return -1;
        nFrac = 0;
      } else if (*z >= '0' && *z <= '9') {
        if (nFrac >= 0 && ++nFrac > nExp) return -1;
        if (i > COST_MAX_MINOR) return -1;
        i = i * 10 + (*z - '0');
        nDigit++;
      } else {
        return -1;
      }
    }
    if (nDigit == 0 || nFrac == 0) return -1;
    if (nFrac < 0) nFrac = 0;
    for (; nFrac < nExp; nFrac++) i *= 10;
    if (i > COST_MAX_MINOR) return -1;
    *pMinor = i;
    return 0;
  }
  return -1;
}

double cost_quantile(const double *a, int n, double p) {
  if (n <= 0) return NAN;
  double h = (n - 1) * p;
  int lo = (int)floor(h);
  if (lo >= n - 1) return a[n - 1];
  return a[lo] + (h - lo) * (a[lo + 1] - a[lo]);
}

/* ---- one report ---- */

static const char *const azCategory[] = {"recruitment_fee", "medical", "insurance", "skills_test", "training",
                                         "equipment", "travel_lodging", "administrative", "illegitimate"};
static const char *const azPayer[] = {"worker", "employer", "agency", "government"};

#define COST_MAX_ITEMS 100

typedef struct CostItem {
  const char *zCategory, *zPaidBy, *zCurrency, *zNote;
  int64_t amount, reporting;
  double rate;
} CostItem;

typedef struct CostRec {
  const char *zRef, *zSource, *zOrigin, *zDest, *zSex, *zIsco, *zAgencyName, *zRepCur, *zEarnCur;
  int64_t idAgency, year, earnings, earningsRep, workerPaid;
  double earnRate;
  bool bBreach;
  int nItem;
  CostItem aItem[COST_MAX_ITEMS];
} CostRec;

static int vfail(Err *e, const char *zPtr, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int vfail(Err *e, const char *zPtr, const char *fmt, ...) {
  char zMsg[400];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(zMsg, sizeof zMsg, fmt, ap);
  va_end(ap);
  err_clear(e);
  err_set(e, ERR_INVALID, "%s: %s", zPtr, zMsg);
  err_where(e, "%s", zPtr);
  return -1;
}

static bool one_of(const char *z, const char *const *az, size_t n) {
  for (size_t i = 0; z && i < n; i++)
    if (strcmp(z, az[i]) == 0) return true;
  return false;
}

static bool code_known(Store *s, int bCurrency, const char *z, Err *e) {
  Stmt *q = store_prepare(s, bCurrency ? "SELECT 1 FROM currency WHERE code = :c"
                                       : "SELECT 1 FROM country WHERE alpha3 = :c", e);
  int rc;
  if (!q) return false;
  stmt_bind_text(q, ":c", z);
  rc = stmt_step(q, e);
  stmt_finalize(q);
  return rc == 1;
}

static bool isco_known(Store *s, const char *z, Err *e) {
  Stmt *q = store_prepare(s, "SELECT 1 FROM isco_group WHERE code = :c", e);
  int rc;
  if (!q) return false;
  stmt_bind_text(q, ":c", z);
  rc = stmt_step(q, e);
  stmt_finalize(q);
  return rc == 1;
}

static const char *jstr(json_t *j, const char *zKey) { return json_string_value(json_object_get(j, zKey)); }

/* A required or optional string member: its value, or NULL (with *pBad set when present but not a string). */
static int get_code(Store *s, json_t *j, const char *zKey, const char *zPtr, int bCurrency, bool bRequired,
                    const char **pz, Err *e) {
  json_t *v = json_object_get(j, zKey);
  *pz = NULL;
  if (!v || json_is_null(v)) {
    if (bRequired)
      return vfail(e, zPtr, "required: %s", bCurrency ? "an ISO 4217 currency code" : "an ISO 3166-1 alpha-3 code");
    return 0;
  }
  const char *z = json_string_value(v);
  if (!z || strlen(z) != 3 || !code_known(s, bCurrency, z, e))
    return vfail(e, zPtr, "\"%s\" is not %s", z ? z : "(not a string)",
                 bCurrency ? "an ISO 4217 currency code" : "an ISO 3166-1 alpha-3 country code");
  *pz = z;
  return 0;
}

/* Convert minor units of a currency to minor units of the reporting currency at
** rate (reporting units per unit), rounding half away from zero. */
static int64_t convert(int64_t amount, const char *zFrom, double rate, const char *zTo) {
  double d = (double)amount / (double)aPow10[cost_minor_exponent(zFrom)] * rate *
             (double)aPow10[cost_minor_exponent(zTo)];
  /* -1: too large to add up safely (100 items of at most 10^16 fit in int64). */
  if (!(d <= 1e16)) return -1;
  return (int64_t)llround(d);
}

static int get_rate(json_t *jItem, const char *zPtr, const char *zCur, const char *zRepCur, double *pRate, Err *e) {
  json_t *v = json_object_get(jItem, "rate");
  char zP[64];
  snprintf(zP, sizeof zP, "%s/rate", zPtr);
  if (!v || json_is_null(v)) {
    if (strcmp(zCur, zRepCur) != 0)
      return vfail(e, zP, "required: how many %s one %s was worth (the rate used to convert)", zRepCur, zCur);
    *pRate = 1.0;
    return 0;
  }
  if (!json_is_number(v) || !(json_number_value(v) > 0) || json_number_value(v) > 1e9)
    return vfail(e, zP, "a rate is a positive number (units of %s per %s)", zRepCur, zCur);
  *pRate = json_number_value(v);
  if (strcmp(zCur, zRepCur) == 0 && *pRate != 1.0) return vfail(e, zP, "the same currency converts at 1");
  return 0;
}

static int validate(Store *s, json_t *j, bool bPublic, CostRec *c, Err *e) {
  static const char *const azKnown[] = {"id", "source", "origin", "destination", "sex", "isco", "agency",
                                        "agency_name", "year", "reporting_currency", "earnings", "items"};
  const char *zKey;
  json_t *v, *jE, *aItems;
  memset(c, 0, sizeof *c);
  if (!json_is_object(j)) return vfail(e, "/", "a cost report is a JSON object");
  json_object_foreach(j, zKey, v) {
    if (!one_of(zKey, azKnown, COUNT(azKnown)) || (bPublic && (str_eq(zKey, "id") || str_eq(zKey, "source")))) {
      char zP[80];
      snprintf(zP, sizeof zP, "/%.70s", zKey);
      return vfail(e, zP, "unknown field");
    }
  }
  if (!bPublic && (v = json_object_get(j, "id")) != NULL) {
    c->zRef = json_string_value(v);
    if (!c->zRef || !*c->zRef || strlen(c->zRef) > 64 || !utf8_valid_text(c->zRef, strlen(c->zRef)))
      return vfail(e, "/id", "an id is a string of 1 to 64 characters");
  }
  c->zSource = bPublic ? "worker" : jstr(j, "source");
  if (!one_of(c->zSource, (const char *const[]){"worker", "survey"}, 2))
    return vfail(e, "/source", "\"worker\" (a worker's own report) or \"survey\"");
  if (get_code(s, j, "origin", "/origin", 0, true, &c->zOrigin, e)) return -1;
  if (get_code(s, j, "destination", "/destination", 0, true, &c->zDest, e)) return -1;
  if (strcmp(c->zOrigin, c->zDest) == 0) return vfail(e, "/destination", "a corridor joins two different countries");
  c->zSex = jstr(j, "sex");
  if (!one_of(c->zSex, (const char *const[]){"F", "M", "O"}, 3)) return vfail(e, "/sex", "F, M or O");
  if ((v = json_object_get(j, "isco")) != NULL && !json_is_null(v)) {
    c->zIsco = json_string_value(v);
    size_t n = c->zIsco ? strlen(c->zIsco) : 0;
    bool bDigits = n >= 1 && n <= 4;
    for (size_t i = 0; bDigits && i < n; i++) bDigits = c->zIsco[i] >= '0' && c->zIsco[i] <= '9';
    if (!bDigits || !isco_known(s, c->zIsco, e))
      return vfail(e, "/isco", "\"%s\" is not an ISCO-08 code", c->zIsco ? c->zIsco : "(not a string)");
  }
  if ((v = json_object_get(j, "agency")) != NULL && !json_is_null(v)) {
    const char *zL = jstr(v, "licence"), *zC = jstr(v, "country");
    if (!json_is_object(v) || !zL) return vfail(e, "/agency/licence", "the agency's licence number is required");
    c->idAgency = agency_id(s, zL, zC, e);
    if (c->idAgency < 0) {
      char *zMsg = xstrdup(e->zMsg ? e->zMsg : "unknown agency");
      vfail(e, "/agency/licence", "%s", zMsg);
      free(zMsg);
      return -1;
    }
  }
  if ((v = json_object_get(j, "agency_name")) != NULL && !json_is_null(v)) {
    c->zAgencyName = json_string_value(v);
    if (!c->zAgencyName || strlen(c->zAgencyName) > 300 || !utf8_valid_text(c->zAgencyName, strlen(c->zAgencyName)))
      return vfail(e, "/agency_name", "plain text of at most 300 bytes");
    if (!*c->zAgencyName) c->zAgencyName = NULL;
  }
  if ((v = json_object_get(j, "year")) != NULL && !json_is_null(v)) {
    if (!json_is_integer(v) || json_integer_value(v) < 1950 || json_integer_value(v) > 2100)
      return vfail(e, "/year", "a year from 1950 to 2100");
    c->year = json_integer_value(v);
  }
  if (get_code(s, j, "reporting_currency", "/reporting_currency", 1, true, &c->zRepCur, e)) return -1;
  jE = json_object_get(j, "earnings");
  if (!json_is_object(jE)) return vfail(e, "/earnings", "required: {amount, currency, rate} of the first month's earnings");
  json_object_foreach(jE, zKey, v) {
    if (!one_of(zKey, (const char *const[]){"amount", "currency", "rate"}, 3)) {
      char zP[90];
      snprintf(zP, sizeof zP, "/earnings/%.70s", zKey);
      return vfail(e, zP, "unknown field");
    }
  }
  if (get_code(s, jE, "currency", "/earnings/currency", 1, true, &c->zEarnCur, e)) return -1;
  if (cost_parse_amount(json_object_get(jE, "amount"), cost_minor_exponent(c->zEarnCur), &c->earnings) ||
      c->earnings <= 0)
    return vfail(e, "/earnings/amount", "a positive amount in %s with at most %d decimals, e.g. \"1200.00\"",
                 c->zEarnCur, cost_minor_exponent(c->zEarnCur));
  if (get_rate(jE, "/earnings", c->zEarnCur, c->zRepCur, &c->earnRate, e)) return -1;
  c->earningsRep = convert(c->earnings, c->zEarnCur, c->earnRate, c->zRepCur);
  if (c->earningsRep < 0) return vfail(e, "/earnings/amount", "the converted amount is too large");
  if (c->earningsRep == 0) return vfail(e, "/earnings/amount", "the earnings convert to nothing at this rate");
  aItems = json_object_get(j, "items");
  if (!json_is_array(aItems)) return vfail(e, "/items", "required: the list of costs (may be empty)");
  if (json_array_size(aItems) > COST_MAX_ITEMS) return vfail(e, "/items", "at most %d items", COST_MAX_ITEMS);
  size_t i;
  json_array_foreach(aItems, i, v) {
    CostItem *it = &c->aItem[c->nItem];
    char zP[48], zF[80];
    snprintf(zP, sizeof zP, "/items/%zu", i);
    if (!json_is_object(v)) return vfail(e, zP, "an item is an object {category, paid_by, amount, currency, rate}");
    json_object_foreach(v, zKey, jE) {
      if (!one_of(zKey, (const char *const[]){"category", "paid_by", "amount", "currency", "rate", "note"}, 6)) {
        snprintf(zF, sizeof zF, "%s/%.30s", zP, zKey);
        return vfail(e, zF, "unknown field");
      }
    }
    it->zCategory = jstr(v, "category");
    snprintf(zF, sizeof zF, "%s/category", zP);
    if (!one_of(it->zCategory, azCategory, COUNT(azCategory)))
      return vfail(e, zF, "one of recruitment_fee, medical, insurance, skills_test, training, equipment, "
                          "travel_lodging, administrative, illegitimate");
    it->zPaidBy = jstr(v, "paid_by");
    snprintf(zF, sizeof zF, "%s/paid_by", zP);
    if (!one_of(it->zPaidBy, azPayer, COUNT(azPayer))) return vfail(e, zF, "worker, employer, agency or government");
    snprintf(zF, sizeof zF, "%s/currency", zP);
    if (get_code(s, v, "currency", zF, 1, true, &it->zCurrency, e)) return -1;
    snprintf(zF, sizeof zF, "%s/amount", zP);
    if (cost_parse_amount(json_object_get(v, "amount"), cost_minor_exponent(it->zCurrency), &it->amount))
      return vfail(e, zF, "an amount in %s of at least 0 with at most %d decimals, e.g. \"150.00\"", it->zCurrency,
                   cost_minor_exponent(it->zCurrency));
    if (get_rate(v, zP, it->zCurrency, c->zRepCur, &it->rate, e)) return -1;
    if ((jE = json_object_get(v, "note")) != NULL && !json_is_null(jE)) {
      it->zNote = json_string_value(jE);
      snprintf(zF, sizeof zF, "%s/note", zP);
      if (!it->zNote || strlen(it->zNote) > 500 || !utf8_valid_text(it->zNote, strlen(it->zNote)))
        return vfail(e, zF, "plain text of at most 500 bytes");
    }
    it->reporting = convert(it->amount, it->zCurrency, it->rate, c->zRepCur);
    if (it->reporting < 0) {
      snprintf(zF, sizeof zF, "%s/amount", zP);
      return vfail(e, zF, "the converted amount is too large");
    }
    if (str_eq(it->zPaidBy, "worker") && it->amount > 0) {
      c->bBreach = true;
      c->workerPaid += it->reporting;
    }
    c->nItem++;
  }
  return 0;
}

/* 1 when a report with this ref exists, 0 when not, -1 on error. */
static int ref_exists(Store *s, const char *zRef, Err *e) {
  Stmt *q = store_prepare(s, "SELECT 1 FROM cost_report WHERE ref = :r", e);
  int rc;
  if (!q) return -1;
  stmt_bind_text(q, ":r", zRef);
  rc = stmt_step(q, e);
  stmt_finalize(q);
  return rc;
}

static int64_t store_rec(Store *s, const CostRec *c, Err *e) {
  Stmt *q = store_prepare(s,
    "INSERT INTO cost_report(ref, source, origin, destination, sex, isco, agency_id, agency_name, year, "
    "reporting_currency, earnings_minor, earnings_currency, earnings_rate, earnings_reporting_minor, "
    "worker_paid_minor, no_fee_breach, created_at) VALUES(:ref, :src, :o, :d, :sex, :isco, :ag, :agn, :y, :rc, "
    ":em, :ec, :er, :erep, :wp, :nb, :now)", e);
  int64_t id = -1;
  if (!q) return -1;
  stmt_bind_text(q, ":ref", c->zRef);
  stmt_bind_text(q, ":src", c->zSource);
  stmt_bind_text(q, ":o", c->zOrigin);
  stmt_bind_text(q, ":d", c->zDest);
  stmt_bind_text(q, ":sex", c->zSex);
  stmt_bind_text(q, ":isco", c->zIsco);
  if (c->idAgency > 0) stmt_bind_int(q, ":ag", c->idAgency);
  else stmt_bind_null(q, ":ag");
  stmt_bind_text(q, ":agn", c->zAgencyName);
  if (c->year) stmt_bind_int(q, ":y", c->year);
  else stmt_bind_null(q, ":y");
  stmt_bind_text(q, ":rc", c->zRepCur);
  stmt_bind_int(q, ":em", c->earnings);
  stmt_bind_text(q, ":ec", c->zEarnCur);
  stmt_bind_double(q, ":er", c->earnRate);
  stmt_bind_int(q, ":erep", c->earningsRep);
  stmt_bind_int(q, ":wp", c->workerPaid);
  stmt_bind_int(q, ":nb", c->bBreach);
  stmt_bind_int(q, ":now", now_seconds());
  if (stmt_run(q, e) == 0) id = store_last_id(s);
  stmt_finalize(q);
  if (id < 0) return -1;
  q = store_prepare(s, "INSERT INTO cost_item(report_id, seq, category, paid_by, amount_minor, currency, rate, "
                       "reporting_minor, note) VALUES(:id, :seq, :cat, :by, :am, :cur, :rate, :rep, :note)", e);
  if (!q) return -1;
  for (int i = 0; i < c->nItem; i++) {
    const CostItem *it = &c->aItem[i];
    stmt_reset(q);
    stmt_bind_int(q, ":id", id);
    stmt_bind_int(q, ":seq", i);
    stmt_bind_text(q, ":cat", it->zCategory);
    stmt_bind_text(q, ":by", it->zPaidBy);
    stmt_bind_int(q, ":am", it->amount);
    stmt_bind_text(q, ":cur", it->zCurrency);
    stmt_bind_double(q, ":rate", it->rate);
    stmt_bind_int(q, ":rep", it->reporting);
    stmt_bind_text(q, ":note", it->zNote);
    if (stmt_run(q, e)) {
      id = -1;
      break;
    }
  }
  stmt_finalize(q);
  return id;
}

int64_t cost_report_add(Store *s, json_t *j, bool bPublic, Err *e) {
  CostRec *c = xmalloc(sizeof *c);
  int64_t id = -1;
  bool bOwnTx = !store_in_transaction(s);
  if (validate(s, j, bPublic, c, e)) goto add_out;
  if (c->zRef) {
    int k = ref_exists(s, c->zRef, e);
    if (k < 0) goto add_out;
    if (k == 1) {
      id = 0;
      goto add_out;
    }
  }
  if (bOwnTx && store_begin(s, e)) goto add_out;
  id = store_rec(s, c, e);
  if (bOwnTx) {
    if (id > 0 && store_commit(s, e)) id = -1;
    else if (id <= 0) store_rollback(s);
  }
add_out:
  free(c);
  return id;
}

static const char *fmt_minor(char *z, size_t n, int64_t v, const char *zCur) {
  int nExp = cost_minor_exponent(zCur);
  if (nExp == 0) snprintf(z, n, "%lld", (long long)v);
  else snprintf(z, n, "%lld.%0*lld", (long long)(v / aPow10[nExp]), nExp, (long long)(v % aPow10[nExp]));
  return z;
}

json_t *cost_report_get(Store *s, int64_t id, Err *e) {
  Stmt *q = store_prepare(s,
    "SELECT r.id, r.source, r.origin, r.destination, r.sex, r.isco, a.licence, a.country, r.agency_name, r.year, "
    "r.reporting_currency, r.earnings_minor, r.earnings_currency, r.earnings_rate, r.earnings_reporting_minor, "
    "r.worker_paid_minor, r.no_fee_breach FROM cost_report r LEFT JOIN agency a ON a.id = r.agency_id WHERE r.id = :id",
    e);
  json_t *j = NULL, *a;
  char z1[40];
  int rc;
  if (!q) return NULL;
  stmt_bind_int(q, ":id", id);
  rc = stmt_step(q, e);
  if (rc == 0) err_set(e, ERR_NOT_FOUND, "no cost report %lld", (long long)id);
  if (rc == 1) {
    const char *zRep = stmt_text(q, 10);
    double ratio = (double)stmt_int(q, 15) / (double)stmt_int(q, 14);
    j = json_object();
    json_object_set_new(j, "id", json_integer(stmt_int(q, 0)));
    json_object_set_new(j, "source", json_string(stmt_text(q, 1)));
    json_object_set_new(j, "origin", json_string(stmt_text(q, 2)));
    json_object_set_new(j, "destination", json_string(stmt_text(q, 3)));
    json_object_set_new(j, "sex", json_string(stmt_text(q, 4)));
    json_object_set_new(j, "isco", stmt_text(q, 5) ? json_string(stmt_text(q, 5)) : json_null());
    json_object_set_new(j, "agency", stmt_text(q, 6) ? json_pack("{s:s, s:s}", "licence", stmt_text(q, 6), "country",
                                                                 stmt_text(q, 7))
                                                     : json_null());
    json_object_set_new(j, "agency_name", stmt_text(q, 8) ? json_string(stmt_text(q, 8)) : json_null());
    json_object_set_new(j, "reporting_currency", json_string(zRep));
    json_object_set_new(j, "earnings", json_pack("{s:s, s:s, s:f, s:s}", "amount",
                                                 fmt_minor(z1, sizeof z1, stmt_int(q, 11), stmt_text(q, 12)), "currency",
                                                 stmt_text(q, 12), "rate", stmt_double(q, 13), "converted", ""));
    json_object_set_new(json_object_get(j, "earnings"), "converted",
                        json_string(fmt_minor(z1, sizeof z1, stmt_int(q, 14), zRep)));
    json_object_set_new(j, "worker_paid", json_string(fmt_minor(z1, sizeof z1, stmt_int(q, 15), zRep)));
    json_object_set_new(j, "ratio", json_real(round(ratio * 10000) / 10000));
    json_object_set_new(j, "no_fee_breach", json_boolean(stmt_int(q, 16)));
  }
  stmt_finalize(q);
  if (!j) return NULL;
  q = store_prepare(s, "SELECT category, paid_by, amount_minor, currency, rate, reporting_minor, note FROM cost_item "
                       "WHERE report_id = :id ORDER BY seq", e);
  if (!q) {
    json_decref(j);
    return NULL;
  }
  stmt_bind_int(q, ":id", id);
  a = json_array();
  const char *zRep = json_string_value(json_object_get(j, "reporting_currency"));
  while ((rc = stmt_step(q, e)) == 1) {
    char z2[40];
    bool bFlag = str_eq(stmt_text(q, 1), "worker") && stmt_int(q, 2) > 0;
    json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:f, s:s, s:b, s:o}", "category", stmt_text(q, 0),
                                       "paid_by", stmt_text(q, 1), "amount",
                                       fmt_minor(z1, sizeof z1, stmt_int(q, 2), stmt_text(q, 3)), "currency",
                                       stmt_text(q, 3), "rate", stmt_double(q, 4), "converted",
                                       fmt_minor(z2, sizeof z2, stmt_int(q, 5), zRep), "no_fee_breach", bFlag, "note",
                                       stmt_text(q, 6) ? json_string(stmt_text(q, 6)) : json_null()));
  }
  stmt_finalize(q);
  json_object_set_new(j, "items", a);
  if (rc < 0) {
    json_decref(j);
    return NULL;
  }
  return j;
}

/* ---- JSON Lines import ---- */

#define COST_MAX_LINE (1u << 20)

static int import_mem(Store *s, const char *zName, const char *p, size_t n, CostImportReport *pRep, Progress *pProg,
                      Err *e);

int cost_import_mem(Store *s, const char *zName, const char *p, size_t n, CostImportReport *pRep, Err *e) {
  return import_mem(s, zName, p, n, pRep, NULL, e);
}

static int import_mem(Store *s, const char *zName, const char *p, size_t n, CostImportReport *pRep, Progress *pProg,
                      Err *e) {
  long line = 0;
  size_t i = 0;
  int rc = -1;
  bool bOwnTx = !store_in_transaction(s);
  char **azRef = NULL;
  long nRef = 0;
  memset(pRep, 0, sizeof *pRep);
  if (bOwnTx && store_begin(s, e)) return -1;
  while (i < n) {
    size_t k = i;
    while (k < n && p[k] != '\n') k++;
    line++;
    size_t len = k - i;
    const char *z = p + i;
    i = k < n ? k + 1 : k;
    while (len > 0 && (z[len - 1] == '\r' || z[len - 1] == ' ' || z[len - 1] == '\t')) len--;
    size_t lead = 0;
    while (lead < len && (z[lead] == ' ' || z[lead] == '\t')) lead++;
    if (lead == len) continue;
    pRep->nLine++;
    if (pProg && pRep->nLine % 256 == 0) progress_update(pProg, (long long)i);
    if (len > COST_MAX_LINE) {
      err_set(e, ERR_TOO_LARGE, "%s:%ld: the line is longer than %u bytes", zName, line, COST_MAX_LINE);
      err_where(e, "%s:%ld", zName, line);
      goto import_out;
    }
    json_error_t je;
    json_t *j = json_loadb(z, len, JSON_REJECT_DUPLICATES, &je);
    if (!j) {
      err_set(e, ERR_INVALID, "%s:%ld:%d: invalid JSON: %s", zName, line, je.column, je.text);
      err_where(e, "%s:%ld", zName, line);
      goto import_out;
    }
    CostRec *c = xmalloc(sizeof *c);
    int64_t id = -1;
    if (validate(s, j, false, c, e) == 0) {
      int known = 0;
      if (c->zRef) {
        for (long r = 0; r < nRef; r++)
          if (strcmp(azRef[r], c->zRef) == 0) {
            vfail(e, "/id", "id \"%s\" appears twice in the file", c->zRef);
            known = -1;
            break;
          }
        if (known == 0) known = ref_exists(s, c->zRef, e);
      }
      if (known == 1) {
        pRep->nKnown++;
        id = 0;
      } else if (known == 0) {
        id = store_rec(s, c, e);
        if (id > 0) {
          pRep->nNew++;
          if (c->bBreach) pRep->nFlagged++;
          if (c->zRef) {
            azRef = xrealloc(azRef, sizeof(char *) * (size_t)(nRef + 1));
            azRef[nRef++] = xstrdup(c->zRef);
          }
        }
      }
    }
    free(c);
    json_decref(j);
    if (id < 0) {
      /* "FILE:LINE: /items/0/amount: problem" */
      char *zMsg = xstrdup(e->zMsg ? e->zMsg : "invalid report");
      char *zWhere = e->zWhere ? xstrdup(e->zWhere) : NULL;
      ErrCode code = e->code;
      err_clear(e);
      /* The message starts with the pointer already: "FILE:LINE:/items/0/rate: ..." */
      if (zWhere && zWhere[0] == '/') err_set(e, code, "%s:%ld:%s", zName, line, zMsg);
      else err_set(e, code, "%s:%ld: %s", zName, line, zMsg);
      err_where(e, "%s:%ld:%s", zName, line, zWhere ? zWhere : "");
      err_hint(e, "fix the line and import the file again: nothing was imported");
      free(zMsg);
      free(zWhere);
      goto import_out;
    }
  }
  if (pRep->nLine == 0) {
    err_set(e, ERR_INVALID, "%s: no cost reports in the file", zName);
    goto import_out;
  }
  rc = 0;
import_out:
  for (long r = 0; r < nRef; r++) free(azRef[r]);
  free(azRef);
  if (bOwnTx) {
    if (rc == 0) rc = store_commit(s, e);
    else store_rollback(s);
  }
  if (rc) memset(pRep, 0, sizeof *pRep);
  return rc;
}

int cost_import_jsonl(Store *s, const char *zPath, bool bProgress, CostImportReport *pRep, Err *e) {
  FILE *f = fopen(zPath, "rb");
  Buf b;
  char aBuf[65536];
  size_t n;
  int rc;
  if (!f) {
    err_set(e, ERR_IO, "cannot read %s", zPath);
    err_detail(e, "%s", strerror(errno));
    return -1;
  }
  buf_init(&b, (size_t)1 << 30);
  while ((n = fread(aBuf, 1, sizeof aBuf, f)) > 0) {
    if (buf_append(&b, aBuf, n)) {
      fclose(f);
      buf_free(&b);
      return err_set(e, ERR_TOO_LARGE, "%s is larger than 1 GiB", zPath);
    }
  }
  if (ferror(f)) {
    fclose(f);
    buf_free(&b);
    return err_set(e, ERR_IO, "error reading %s", zPath);
  }
  fclose(f);
  Progress *pProg = bProgress ? progress_start("cost reports", (long long)b.n) : NULL;
  rc = import_mem(s, zPath, buf_cstr(&b), b.n, pRep, pProg, e);
  progress_end(pProg);
  buf_free(&b);
  return rc;
}

/* ---- SDG 10.7.1 ---- */

void cost_sdg_opts_default(CostSdgOpts *o) {
  memset(o, 0, sizeof *o);
  o->minN = 10;
  o->iscoDigits = 1;
}

int cost_parse_by(const char *z, CostSdgOpts *o, Err *e) {
  o->byMask = 0;
  while (z && *z) {
    size_t k = strcspn(z, ",");
    if (k == 8 && strncmp(z, "corridor", 8) == 0) {}
    else if (k == 3 && strncmp(z, "sex", 3) == 0) o->byMask |= COST_BY_SEX;
    else if (k == 4 && strncmp(z, "isco", 4) == 0) o->byMask |= COST_BY_ISCO;
    else if (k == 6 && strncmp(z, "agency", 6) == 0) o->byMask |= COST_BY_AGENCY;
    else {
      err_set(e, ERR_INVALID, "\"%.*s\" is not a breakdown (corridor, sex, isco, agency)", (int)(k > 40 ? 40 : k), z);
      err_where(e, "by");
      return -1;
    }
    z += k;
    if (*z == ',') z++;
  }
  return 0;
}

typedef struct SdgRow {
  char *zKey;          /* breakdown values joined by '\t', to sort and group */
  double ratio;
  bool bBreach;
} SdgRow;

static int cmp_row(const void *a, const void *b) {
  const SdgRow *x = a, *y = b;
  int c = strcmp(x->zKey, y->zKey);
  if (c) return c;
  return (x->ratio > y->ratio) - (x->ratio < y->ratio);
}

static json_t *jnum(double v) { return json_real(round(v * 10000) / 10000); }

json_t *cost_sdg(Store *s, const CostSdgOpts *o, Err *e) {
  Stmt *q;
  SdgRow *aRow = NULL;
  long nRow = 0, nAlloc = 0;
  int rc;
  json_t *jOut = NULL, *aCell, *aBy;
  if (o->minN < 1 || o->iscoDigits < 1 || o->iscoDigits > 4) {
    err_set(e, ERR_INVALID, "min_n must be at least 1 and the ISCO level from 1 to 4");
    err_where(e, "min_n");
    return NULL;
  }
  q = store_prepare(s,
    "SELECT r.origin, r.destination, r.sex, r.isco, a.country, a.licence, r.worker_paid_minor, "
    "r.earnings_reporting_minor, r.no_fee_breach FROM cost_report r LEFT JOIN agency a ON a.id = r.agency_id "
    "WHERE (:o IS NULL OR r.origin = :o) AND (:d IS NULL OR r.destination = :d)", e);
  if (!q) return NULL;
  stmt_bind_text(q, ":o", o->zOrigin && *o->zOrigin ? o->zOrigin : NULL);
  stmt_bind_text(q, ":d", o->zDestination && *o->zDestination ? o->zDestination : NULL);
  while ((rc = stmt_step(q, e)) == 1) {
    Buf k;
    buf_init(&k, 4096);
    buf_printf(&k, "%s\t%s", stmt_text(q, 0), stmt_text(q, 1));
    if (o->byMask & COST_BY_SEX) buf_printf(&k, "\t%s", stmt_text(q, 2));
    if (o->byMask & COST_BY_ISCO) {
      const char *zI = stmt_text(q, 3);
      if (zI && (int)strlen(zI) >= o->iscoDigits) buf_printf(&k, "\t%.*s", o->iscoDigits, zI);
      else buf_puts(&k, "\t");
    }
    if (o->byMask & COST_BY_AGENCY) {
      if (stmt_text(q, 5)) buf_printf(&k, "\t%s/%s", stmt_text(q, 4), stmt_text(q, 5));
      else buf_puts(&k, "\t");
    }
    if (nRow == nAlloc) {
      nAlloc = nAlloc ? nAlloc * 2 : 256;
      aRow = xrealloc(aRow, sizeof(SdgRow) * (size_t)nAlloc);
    }
    aRow[nRow].zKey = buf_detach(&k);
    aRow[nRow].ratio = (double)stmt_int(q, 6) / (double)stmt_int(q, 7);
    aRow[nRow].bBreach = stmt_int(q, 8) != 0;
    nRow++;
  }
  stmt_finalize(q);
  if (rc < 0) goto sdg_out;
  if (nRow > 1) qsort(aRow, (size_t)nRow, sizeof aRow[0], cmp_row);
  aCell = json_array();
  double *aV = xmalloc(sizeof(double) * (size_t)(nRow + 1));
  for (long i = 0; i < nRow;) {
    long j = i;
    int nBreach = 0;
    double sum = 0;
    while (j < nRow && strcmp(aRow[j].zKey, aRow[i].zKey) == 0) {
      aV[j - i] = aRow[j].ratio;
      sum += aRow[j].ratio;
      nBreach += aRow[j].bBreach;
      j++;
    }
    int n = (int)(j - i);
    json_t *c = json_object();
    char *zKey = xstrdup(aRow[i].zKey);
    char *zPart = zKey, *zNext;
    int iPart = 0;
    static const char *const azName[] = {"origin", "destination"};
    unsigned aDim[3];
    int nDim = 0;
    if (o->byMask & COST_BY_SEX) aDim[nDim++] = COST_BY_SEX;
    if (o->byMask & COST_BY_ISCO) aDim[nDim++] = COST_BY_ISCO;
    if (o->byMask & COST_BY_AGENCY) aDim[nDim++] = COST_BY_AGENCY;
    for (; zPart; zPart = zNext, iPart++) {
      zNext = strchr(zPart, '\t');
      if (zNext) *zNext++ = 0;
      const char *zName = iPart < 2 ? azName[iPart]
                          : aDim[iPart - 2] == COST_BY_SEX ? "sex"
                          : aDim[iPart - 2] == COST_BY_ISCO ? "isco" : "agency";
      json_object_set_new(c, zName, *zPart ? json_string(zPart) : json_null());
    }
    free(zKey);
    json_object_set_new(c, "n", json_integer(n));
    bool bSupp = n < o->minN;
    json_object_set_new(c, "suppressed", json_boolean(bSupp));
    json_object_set_new(c, "mean", bSupp ? json_null() : jnum(sum / n));
    json_object_set_new(c, "median", bSupp ? json_null() : jnum(cost_quantile(aV, n, 0.5)));
    json_object_set_new(c, "p80", bSupp ? json_null() : jnum(cost_quantile(aV, n, 0.8)));
    json_object_set_new(c, "share_worker_paid", bSupp ? json_null() : jnum((double)nBreach / n));
    json_array_append_new(aCell, c);
    i = j;
  }
  free(aV);
  aBy = json_array();
  json_array_append_new(aBy, json_string("corridor"));
  if (o->byMask & COST_BY_SEX) json_array_append_new(aBy, json_string("sex"));
  if (o->byMask & COST_BY_ISCO) json_array_append_new(aBy, json_string("isco"));
  if (o->byMask & COST_BY_AGENCY) json_array_append_new(aBy, json_string("agency"));
  jOut = json_pack("{s:s, s:s, s:s, s:i, s:i, s:o, s:I, s:o}", "indicator", "SDG 10.7.1", "definition",
                   "recruitment cost borne by the worker / first month's earnings in the destination, per worker; "
                   "mean, median and 4th quintile (p80) by cell",
                   "quantile", "Hyndman-Fan type 7 (linear interpolation between order statistics; R default)",
                   "min_n", o->minN, "isco_digits", o->iscoDigits, "by", aBy, "reports", (json_int_t)nRow, "cells",
                   aCell);
sdg_out:
  for (long i = 0; i < nRow; i++) free(aRow[i].zKey);
  free(aRow);
  return jOut;
}
