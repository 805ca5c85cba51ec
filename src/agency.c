/*
** agency.c: the licensed-agency registry, name matching and worker reviews.
** See agency.h for the contract and docs/recruitment.md for formats and rules.
*/
#include "agency.h"
#include "jobs.h"
#include "audit.h"
#include "cli.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <utf8proc.h>

static const char *const azStatus[AGENCY__COUNT] = {
  [AGENCY_VALID] = "valid",         [AGENCY_SUSPENDED] = "suspended", [AGENCY_CANCELLED] = "cancelled",
  [AGENCY_DELISTED] = "delisted",   [AGENCY_BANNED] = "banned",       [AGENCY_EXPIRED] = "expired",
};

const char *agency_status_name(AgencyStatus st) {
  if ((int)st < 0 || st >= AGENCY__COUNT) return "unknown";
  return azStatus[st];
}

int agency_status_parse(const char *z, AgencyStatus *pSt) {
  for (int i = 0; z && i < AGENCY_EXPIRED; i++) {
    if (strcmp(z, azStatus[i]) == 0) {
      *pSt = (AgencyStatus)i;
      return 0;
    }
  }
  return -1;
}

bool agency_licence_ok(const char *z) {
  size_t n = z ? strlen(z) : 0;
  if (n == 0 || n > 64) return false;
  for (size_t i = 0; i < n; i++) {
    char c = z[i];
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
          c == '-'))
      return false;
  }
  return true;
}

bool agency_date_ok(const char *z) {
  static const int aDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  long long y, m, d;
  char zY[5], zM[3], zD[3];
  if (!z || strlen(z) != 10 || z[4] != '-' || z[7] != '-') return false;
  memcpy(zY, z, 4); zY[4] = 0;
  memcpy(zM, z + 5, 2); zM[2] = 0;
  memcpy(zD, z + 8, 2); zD[2] = 0;
  if (parse_int(zY, 1900, 2200, &y) || parse_int(zM, 1, 12, &m) || parse_int(zD, 1, 31, &d)) return false;
  if (zY[0] == '+' || zM[0] == '+' || zD[0] == '+' || zY[0] == '-') return false;
  if (d > aDays[m - 1]) return false;
  if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return false;
  return true;
}

void agency_today(char z[11]) {
  time_t t = (time_t)now_seconds();
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(z, 11, "%Y-%m-%d", &tm);
}

/* ---- normalisation ---- */

/* Legal-form words dropped from names (after normalisation, dots removed), in
** several languages. Keep sorted for bsearch. Documented in docs/recruitment.md. */
static const char *const azLegalForm[] = {
  "ab", "ag", "bhd", "bv", "cia", "co", "company", "corp", "corporation", "eirl", "fze", "fzco", "fzllc",
  "gmbh", "inc", "incorporated", "kk", "lda", "limited", "llc", "llp", "ltd", "ltda", "nv", "oy", "plc",
  "pte", "pty", "pvt", "sa", "sae", "sarl", "sas", "sasu", "sdn", "spa", "srl", "wll",
};

static int cmp_str(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

static bool is_legal_form(const char *zWord) {
  return bsearch(&zWord, azLegalForm, COUNT(azLegalForm), sizeof azLegalForm[0], cmp_str) != NULL;
}

/* Count the code points of a UTF-8 word. */
static size_t cp_count(const char *z) {
  size_t n = 0;
  for (; *z; z++)
    if (((unsigned char)*z & 0xc0) != 0x80) n++;
  return n;
}

char *agency_normalize(const char *zName) {
  utf8proc_uint8_t *zFold = NULL;
  utf8proc_ssize_t n;
  if (!zName) return NULL;
  n = utf8proc_map((const utf8proc_uint8_t *)zName, 0, &zFold,
                   UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD |
                       UTF8PROC_STRIPMARK | UTF8PROC_IGNORE | UTF8PROC_STRIPCC);
  if (n < 0) return NULL;
  /* Split into words of letters and digits. */
  char **azWord = xcalloc((size_t)n + 1, sizeof(char *));
  int nWord = 0;
  Buf w;
  buf_init(&w, BUF_UNBOUNDED);
  for (utf8proc_ssize_t i = 0; i <= n;) {
    utf8proc_int32_t c = 0;
    utf8proc_ssize_t k = 0;
    if (i < n) {
      k = utf8proc_iterate(zFold + i, n - i, &c);
      if (k <= 0) { k = 1; c = ' '; }
    }
    int cat = i < n ? utf8proc_category(c) : UTF8PROC_CATEGORY_ZS;
    bool bKeep = (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
                 (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO) ||
                 (cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME);
    bool bDrop = i < n && (c == '.' || c == '\'' || c == 0x2019 || c == 0x02BC);
    if (bKeep) {
      buf_append(&w, zFold + i, (size_t)k);
    } else if (!bDrop && w.n > 0) {
      azWord[nWord++] = buf_detach(&w);
    }
    if (i >= n) break;
    i += k;
  }
  buf_free(&w);
  /* Join runs of single letters ("s a" -> "sa", "a b c" -> "abc"). */
  int nOut = 0;
  for (int i = 0; i < nWord;) {
    if (cp_count(azWord[i]) == 1) {
      int j = i + 1;
      Buf b;
      buf_init(&b, BUF_UNBOUNDED);
      buf_puts(&b, azWord[i]);
      while (j < nWord && cp_count(azWord[j]) == 1) {
        buf_puts(&b, azWord[j]);
        free(azWord[j]);
        j++;
      }
      free(azWord[i]);
      azWord[nOut++] = buf_detach(&b);
      i = j;
    } else {
      azWord[nOut++] = azWord[i++];
    }
  }
  nWord = nOut;
  int nKept = 0;
  for (int i = 0; i < nWord; i++)
    if (!is_legal_form(azWord[i])) nKept++;
  Buf out;
  buf_init(&out, BUF_UNBOUNDED);
  for (int i = 0; i < nWord; i++) {
    if (nKept > 0 && is_legal_form(azWord[i])) continue;
    if (out.n) buf_putc(&out, ' ');
    buf_puts(&out, azWord[i]);
  }
  for (int i = 0; i < nWord; i++) free(azWord[i]);
  free(azWord);
  free(zFold);
  return buf_detach(&out);
}

/* ---- similarity ---- */

#define SIM_MAX_CP 256

/* Decode at most SIM_MAX_CP code points of UTF-8 (invalid bytes become U+FFFD). */
static int decode(const char *z, int32_t *a) {
  int n = 0;
  const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)z;
  utf8proc_ssize_t len = (utf8proc_ssize_t)strlen(z), i = 0;
  while (i < len && n < SIM_MAX_CP) {
    utf8proc_int32_t c;
    utf8proc_ssize_t k = utf8proc_iterate(p + i, len - i, &c);
    if (k <= 0) { c = 0xFFFD; k = 1; }
    a[n++] = c;
    i += k;
  }
  return n;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* pg_trgm's trigrams: each word padded with two spaces before and one after.
** aT has room for n*3+3 entries; returns the number of distinct trigrams, sorted. */
static int trigrams(const int32_t *a, int n, uint64_t *aT) {
  int nT = 0;
  for (int i = 0; i < n;) {
    if (a[i] == ' ') { i++; continue; }
    int j = i;
    while (j < n && a[j] != ' ') j++;
    int32_t w[SIM_MAX_CP + 3];
    int m = 0;
    w[m++] = ' ';
    w[m++] = ' ';
    for (int k = i; k < j; k++) w[m++] = a[k];
    w[m++] = ' ';
    for (int k = 0; k + 2 < m; k++)
      aT[nT++] = ((uint64_t)(uint32_t)w[k] << 42) | ((uint64_t)(uint32_t)w[k + 1] << 21) | (uint64_t)(uint32_t)w[k + 2];
    i = j;
  }
  qsort(aT, (size_t)nT, sizeof aT[0], cmp_u64);
  int nU = 0;
  for (int i = 0; i < nT; i++)
    if (nU == 0 || aT[nU - 1] != aT[i]) aT[nU++] = aT[i];
  return nU;
}

static int common(const uint64_t *a, int na, const uint64_t *b, int nb) {
  int i = 0, j = 0, n = 0;
  while (i < na && j < nb) {
    if (a[i] == b[j]) { n++; i++; j++; }
    else if (a[i] < b[j]) i++;
    else j++;
  }
  return n;
}

static int levenshtein(const int32_t *a, int na, const int32_t *b, int nb) {
  int aRow[SIM_MAX_CP + 1];
  for (int j = 0; j <= nb; j++) aRow[j] = j;
  for (int i = 1; i <= na; i++) {
    int prev = aRow[0];
    aRow[0] = i;
    for (int j = 1; j <= nb; j++) {
      int cur = aRow[j];
      int best = prev + (a[i - 1] != b[j - 1]);
      if (aRow[j] + 1 < best) best = aRow[j] + 1;
      if (aRow[j - 1] + 1 < best) best = aRow[j - 1] + 1;
      aRow[j] = best;
      prev = cur;
    }
  }
  return aRow[nb];
}

double agency_similarity(const char *zQ, const char *zN) {
  static const int nRoom = SIM_MAX_CP * 3 + 3;
  int32_t aQ[SIM_MAX_CP], aN[SIM_MAX_CP];
  uint64_t *aTQ, *aTN;
  int nQ, nN, nTQ, nTN, nC;
  double best = 0;
  if (!zQ || !zN) return 0;
  nQ = decode(zQ, aQ);
  nN = decode(zN, aN);
  if (nQ == 0 || nN == 0) return 0;
  if (nQ == nN && memcmp(aQ, aN, sizeof(int32_t) * (size_t)nQ) == 0) return 1;
  aTQ = xmalloc(sizeof(uint64_t) * (size_t)nRoom);
  aTN = xmalloc(sizeof(uint64_t) * (size_t)nRoom);
  nTQ = trigrams(aQ, nQ, aTQ);
  nTN = trigrams(aN, nN, aTN);
  nC = common(aTQ, nTQ, aTN, nTN);
  if (nTQ + nTN - nC > 0) best = (double)nC / (nTQ + nTN - nC);
  int nMax = nQ > nN ? nQ : nN;
  double lev = 1.0 - (double)levenshtein(aQ, nQ, aN, nN) / nMax;
  if (lev > best) best = lev;
  if (nTQ >= 4) {
    double cont = 0.85 * nC / nTQ;
    if (cont > best) best = cont;
  }
  /* Word by word: each query word against its closest name word (typos inside a
  ** partial name), weighted by length; 0.9 when the word counts differ. */
  {
    int nQW = 0, nNW = 0, nLen = 0;
    double sum = 0;
    for (int i = 0; i < nN; i++)
      if (aN[i] != ' ' && (i == 0 || aN[i - 1] == ' ')) nNW++;
    for (int i = 0; i < nQ;) {
      if (aQ[i] == ' ') { i++; continue; }
      int j = i;
      while (j < nQ && aQ[j] != ' ') j++;
      double bestW = 0;
      for (int k = 0; k < nN;) {
        if (aN[k] == ' ') { k++; continue; }
        int m = k;
        while (m < nN && aN[m] != ' ') m++;
        int nLong = (j - i) > (m - k) ? (j - i) : (m - k);
        double w = 1.0 - (double)levenshtein(aQ + i, j - i, aN + k, m - k) / nLong;
        if (w > bestW) bestW = w;
        k = m;
      }
      sum += bestW * (j - i);
      nLen += j - i;
      nQW++;
      i = j;
    }
    if (nLen > 0 && nQW >= 1 && nLen >= 4) {
      double ws = sum / nLen * (nQW == nNW ? 1.0 : 0.9);
      if (ws > best) best = ws;
    }
  }
  free(aTQ);
  free(aTN);
  return best;
}

/* ---- lookups ---- */

static bool country_known(Store *s, const char *zAlpha3, Err *e) {
  Stmt *q = store_prepare(s, "SELECT 1 FROM country WHERE alpha3 = :c", e);
  int rc;
  if (!q) return false;
  stmt_bind_text(q, ":c", zAlpha3);
  rc = stmt_step(q, e);
  stmt_finalize(q);
  return rc == 1;
}

int64_t agency_id(Store *s, const char *zLicence, const char *zCountry, Err *e) {
  Stmt *q;
  int64_t id = -1;
  int n = 0, rc;
  if (!agency_licence_ok(zLicence)) {
    err_set(e, ERR_INVALID, "\"%s\" is not a licence number", zLicence ? zLicence : "");
    err_detail(e, "a licence number has 1 to 64 letters, digits, '.', '_' or '-'");
    err_where(e, "licence");
    return -1;
  }
  q = store_prepare(s, "SELECT id FROM agency WHERE licence = :l AND (:c IS NULL OR country = :c) LIMIT 2", e);
  if (!q) return -1;
  stmt_bind_text(q, ":l", zLicence);
  stmt_bind_text(q, ":c", zCountry && *zCountry ? zCountry : NULL);
  while ((rc = stmt_step(q, e)) == 1) {
    id = stmt_int(q, 0);
    n++;
  }
  stmt_finalize(q);
  if (rc < 0) return -1;
  if (n == 0) {
    if (zCountry && *zCountry) err_set(e, ERR_NOT_FOUND, "no agency with licence %s issued by %s", zLicence, zCountry);
    else err_set(e, ERR_NOT_FOUND, "no agency with licence %s", zLicence);
    err_hint(e, "check the number, or search by name with `lmis agency check NAME`");
    return -1;
  }
  if (n > 1) {
    err_set(e, ERR_CONFLICT, "licence %s was issued in several countries", zLicence);
    err_hint(e, "name the issuing country (--country, ?country=)");
    return -1;
  }
  return id;
}

/* Effective status from the stored one and the validity dates. */
static AgencyStatus effective(const char *zStatus, const char *zFrom, const char *zTo) {
  AgencyStatus st = AGENCY_BANNED;   /* anything unparsable must not look licensed */
  char zToday[11];
  if (agency_status_parse(zStatus, &st)) return AGENCY_BANNED;
  if (st != AGENCY_VALID) return st;
  agency_today(zToday);
  if (zTo && *zTo && strcmp(zTo, zToday) < 0) return AGENCY_EXPIRED;
  if (zFrom && *zFrom && strcmp(zFrom, zToday) > 0) return AGENCY_EXPIRED;
  return AGENCY_VALID;
}

int agency_licence_status(Store *s, const char *zLicence, const char *zCountry, AgencyStatus *pSt, Err *e) {
  int64_t id = agency_id(s, zLicence, zCountry, e);
  Stmt *q;
  int rc;
  if (id < 0) return -1;
  q = store_prepare(s, "SELECT status, valid_from, valid_to FROM agency WHERE id = :id", e);
  if (!q) return -1;
  stmt_bind_int(q, ":id", id);
  rc = stmt_step(q, e);
  if (rc == 1) *pSt = effective(stmt_text(q, 0), stmt_text(q, 1), stmt_text(q, 2));
  stmt_finalize(q);
  return rc == 1 ? 0 : -1;
}

/* ---- licence-list import ---- */

enum {
  C_LICENCE, C_COUNTRY, C_NAME, C_STATUS, C_ALIASES, C_ADDRESS, C_BRANCHES, C_VALID_FROM, C_VALID_TO,
  C_DECIDED_ON, C_DECISION_REF, C_AUTHORITY, C_REASON, C_SANCTION_KIND, C_SANCTION, C__N
};
static const char *const azCol[C__N] = {
  "licence", "country", "name", "status", "aliases", "address", "branches", "valid_from", "valid_to",
  "decided_on", "decision_ref", "authority", "reason", "sanction_kind", "sanction",
};
static const char *const azSanctionKind[] = {"warning", "fine", "suspension", "cancellation", "ban"};

#define AGENCY_MAX_TEXT 300     /* names, aliases, addresses, authority */
#define AGENCY_MAX_LONG 2000    /* reasons and sanction descriptions */
#define AGENCY_MAX_ALIASES 50

typedef struct Importer {
  Store *s;
  CsvReader *r;
  Err *e;
  int aIdx[C__N];
  Stmt *qFind, *qInsert, *qUpdate, *qHistory, *qAliasDel, *qAlias, *qBranchDel, *qBranch, *qSanction;
  char **azKey;      /* "COUNTRY licence" of each row, to find duplicates */
  long *aLine;
  long nKey, nKeyAlloc;
} Importer;

static int row_fail(Importer *im, int iCol, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int row_fail(Importer *im, int iCol, const char *fmt, ...) {
  char zMsg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(zMsg, sizeof zMsg, fmt, ap);
  va_end(ap);
  err_set(im->e, ERR_INVALID, "%s:%ld:%s: %s", csv_name(im->r), csv_line(im->r), azCol[iCol], zMsg);
  err_where(im->e, "%s:%ld:%s", csv_name(im->r), csv_line(im->r), azCol[iCol]);
  err_hint(im->e, "fix the file and import it again: nothing was imported");
  return -1;
}

/* The trimmed value of column iCol (arena-free: a copy the caller frees), or NULL when absent or empty. */
static char *col(Importer *im, int iCol) {
  const char *z;
  size_t n;
  if (im->aIdx[iCol] < 0) return NULL;
  z = csv_field(im->r, im->aIdx[iCol]);
  n = strlen(z);
  while (n > 0 && (*z == ' ' || *z == '\t')) { z++; n--; }
  while (n > 0 && (z[n - 1] == ' ' || z[n - 1] == '\t' || z[n - 1] == '\r' || z[n - 1] == '\n')) n--;
  return n ? xstrndup(z, n) : NULL;
}

static bool text_ok(const char *z, size_t nMax) { return !z || (strlen(z) <= nMax && utf8_valid_text(z, strlen(z))); }

/* Split "a|b|c" into trimmed non-empty parts (at most nMax); caller frees each and the array. */
static int split_bar(const char *z, char ***pazOut) {
  int n = 0;
  char **az = NULL;
  if (!z) { *pazOut = NULL; return 0; }
  az = xcalloc(strlen(z) + 1, sizeof(char *));
  while (*z) {
    size_t k = strcspn(z, "|");
    const char *p = z;
    size_t m = k;
    while (m > 0 && *p == ' ') { p++; m--; }
    while (m > 0 && p[m - 1] == ' ') m--;
    if (m > 0) az[n++] = xstrndup(p, m);
    z += k;
    if (*z == '|') z++;
  }
  *pazOut = az;
  return n;
}

static void free_list(char **az, int n) {
  for (int i = 0; i < n; i++) free(az[i]);
  free(az);
}

static int importer_header(Importer *im) {
  int rc = csv_next(im->r, im->e);
  if (rc < 0) return -1;
  if (rc == 0) {
    err_set(im->e, ERR_INVALID, "%s: the file is empty", csv_name(im->r));
    err_hint(im->e, "the first line names the columns: licence,country,name,status,...");
    return -1;
  }
  for (int i = 0; i < C__N; i++) im->aIdx[i] = -1;
  for (int k = 0; k < csv_nfield(im->r); k++) {
    const char *z = csv_field(im->r, k);
    int i;
    for (i = 0; i < C__N && strcmp(z, azCol[i]) != 0; i++) {}
    if (i == C__N) {
      err_set(im->e, ERR_INVALID, "%s:1:%s: unknown column", csv_name(im->r), z);
      err_where(im->e, "%s:1:%s", csv_name(im->r), z);
      err_hint(im->e, "columns: licence, country, name, status, aliases, address, branches, valid_from, valid_to, "
                      "decided_on, decision_ref, authority, reason, sanction_kind, sanction");
      return -1;
    }
    if (im->aIdx[i] >= 0) {
      err_set(im->e, ERR_INVALID, "%s:1:%s: the column appears twice", csv_name(im->r), z);
      err_where(im->e, "%s:1:%s", csv_name(im->r), z);
      return -1;
    }
    im->aIdx[i] = k;
  }
  for (int i = C_LICENCE; i <= C_STATUS; i++) {
    if (im->aIdx[i] < 0) {
      err_set(im->e, ERR_INVALID, "%s:1:%s: required column missing", csv_name(im->r), azCol[i]);
      err_where(im->e, "%s:1:%s", csv_name(im->r), azCol[i]);
      err_hint(im->e, "the required columns are licence, country, name and status");
      return -1;
    }
  }
  return 0;
}

static int importer_prepare(Importer *im) {
  Store *s = im->s;
  Err *e = im->e;
  im->qFind = store_prepare(s, "SELECT id, status FROM agency WHERE country = :c AND licence = :l", e);
  im->qInsert = store_prepare(s,
    "INSERT INTO agency(licence, country, name, name_norm, status, valid_from, valid_to, address, source, updated_at) "
    "VALUES(:l, :c, :name, :norm, :status, :vf, :vt, :addr, :src, :now)", e);
  im->qUpdate = store_prepare(s,
    "UPDATE agency SET name = :name, name_norm = :norm, status = :status, valid_from = :vf, valid_to = :vt, "
    "address = :addr, source = :src, updated_at = :now WHERE id = :id", e);
  im->qHistory = store_prepare(s,
    "INSERT INTO agency_status_history(agency_id, old_status, new_status, decided_on, decision_ref, authority, "
    "reason, recorded_at, recorded_by) VALUES(:id, :old, :new, :on, :ref, :auth, :reason, :now, :by)", e);
  im->qAliasDel = store_prepare(s, "DELETE FROM agency_alias WHERE agency_id = :id", e);
  im->qAlias = store_prepare(s, "INSERT OR IGNORE INTO agency_alias(agency_id, alias, alias_norm) VALUES(:id, :a, :n)", e);
  im->qBranchDel = store_prepare(s, "DELETE FROM agency_branch WHERE agency_id = :id", e);
  im->qBranch = store_prepare(s, "INSERT INTO agency_branch(agency_id, address) VALUES(:id, :a)", e);
  im->qSanction = store_prepare(s,
    "INSERT OR IGNORE INTO agency_sanction(agency_id, kind, decided_on, decision_ref, authority, description) "
    "VALUES(:id, :kind, :on, :ref, :auth, :desc)", e);
  return im->qFind && im->qInsert && im->qUpdate && im->qHistory && im->qAliasDel && im->qAlias && im->qBranchDel &&
                 im->qBranch && im->qSanction ? 0 : -1;
}

static void importer_finish(Importer *im) {
  stmt_finalize(im->qFind);
  stmt_finalize(im->qInsert);
  stmt_finalize(im->qUpdate);
  stmt_finalize(im->qHistory);
  stmt_finalize(im->qAliasDel);
  stmt_finalize(im->qAlias);
  stmt_finalize(im->qBranchDel);
  stmt_finalize(im->qBranch);
  stmt_finalize(im->qSanction);
  for (long i = 0; i < im->nKey; i++) free(im->azKey[i]);
  free(im->azKey);
  free(im->aLine);
}

static const char *who_name(const Principal *who) {
  return who && who->zUsername[0] ? who->zUsername : "cli";
}

/* One data row: validate everything, then write. */
static int import_row(Importer *im, const char *zSource, const Principal *who, AgencyImportReport *pRep) {
  char *az[C__N];
  char **azAlias = NULL, **azBranch = NULL;
  int nAlias = 0, nBranch = 0, rc = -1;
  char *zNorm = NULL;
  AgencyStatus st;
  int64_t id = -1;
  char *zOld = NULL;
  Err *e = im->e;
  for (int i = 0; i < C__N; i++) az[i] = col(im, i);

  for (int i = 0; i < C__N; i++) {
    if (!text_ok(az[i], i == C_REASON || i == C_SANCTION || i == C_ALIASES || i == C_BRANCHES ? AGENCY_MAX_LONG
                                                                                              : AGENCY_MAX_TEXT)) {
      row_fail(im, i, "too long or not plain text (at most %d characters)",
               i == C_REASON || i == C_SANCTION ? AGENCY_MAX_LONG : AGENCY_MAX_TEXT);
      goto row_out;
    }
  }
  if (!az[C_LICENCE] || !agency_licence_ok(az[C_LICENCE])) {
    row_fail(im, C_LICENCE, "\"%s\" is not a licence number (1 to 64 letters, digits, '.', '_' or '-')",
             az[C_LICENCE] ? az[C_LICENCE] : "");
    goto row_out;
  }
  if (!az[C_COUNTRY] || strlen(az[C_COUNTRY]) != 3) {
    row_fail(im, C_COUNTRY, "\"%s\" is not an ISO 3166-1 alpha-3 code", az[C_COUNTRY] ? az[C_COUNTRY] : "");
    goto row_out;
  }
  for (char *p = az[C_COUNTRY]; *p; p++)
    if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 32);
  if (!country_known(im->s, az[C_COUNTRY], e)) {
    if (e->code == ERR_OK) row_fail(im, C_COUNTRY, "\"%s\" is not an ISO 3166-1 alpha-3 code", az[C_COUNTRY]);
    goto row_out;
  }
  if (!az[C_NAME]) {
    row_fail(im, C_NAME, "the name is empty");
    goto row_out;
  }
  zNorm = agency_normalize(az[C_NAME]);
  if (!zNorm || !*zNorm) {
    row_fail(im, C_NAME, "the name has no letters or digits");
    goto row_out;
  }
  if (agency_status_parse(az[C_STATUS], &st)) {
    row_fail(im, C_STATUS, "\"%s\" is not a status (valid, suspended, cancelled, delisted or banned)",
             az[C_STATUS] ? az[C_STATUS] : "");
    goto row_out;
  }
  static const int aDate[] = {C_VALID_FROM, C_VALID_TO, C_DECIDED_ON};
  for (size_t k = 0; k < COUNT(aDate); k++) {
    if (az[aDate[k]] && !agency_date_ok(az[aDate[k]])) {
      row_fail(im, aDate[k], "\"%s\" is not a date YYYY-MM-DD", az[aDate[k]]);
      goto row_out;
    }
  }
  if (az[C_VALID_FROM] && az[C_VALID_TO] && strcmp(az[C_VALID_TO], az[C_VALID_FROM]) < 0) {
    row_fail(im, C_VALID_TO, "ends (%s) before it starts (%s)", az[C_VALID_TO], az[C_VALID_FROM]);
    goto row_out;
  }
  if (az[C_SANCTION_KIND]) {
    size_t k;
    for (k = 0; k < COUNT(azSanctionKind) && strcmp(az[C_SANCTION_KIND], azSanctionKind[k]); k++) {}
    if (k == COUNT(azSanctionKind)) {
      row_fail(im, C_SANCTION_KIND, "\"%s\" is not a sanction (warning, fine, suspension, cancellation or ban)",
               az[C_SANCTION_KIND]);
      goto row_out;
    }
    if (!az[C_DECISION_REF]) {
      row_fail(im, C_DECISION_REF, "a sanction needs the reference of the decision");
      goto row_out;
    }
  } else if (az[C_SANCTION]) {
    row_fail(im, C_SANCTION_KIND, "a sanction description needs its kind");
    goto row_out;
  }
  nAlias = split_bar(az[C_ALIASES], &azAlias);
  if (nAlias > AGENCY_MAX_ALIASES) {
    row_fail(im, C_ALIASES, "more than %d aliases", AGENCY_MAX_ALIASES);
    goto row_out;
  }
  for (int k = 0; k < nAlias; k++) {
    char *z = agency_normalize(azAlias[k]);
    bool bOk = z && *z;
    free(z);
    if (!bOk || strlen(azAlias[k]) > AGENCY_MAX_TEXT) {
      row_fail(im, C_ALIASES, "alias %d (\"%s\") has no letters or digits, or is too long", k + 1, azAlias[k]);
      goto row_out;
    }
  }
  nBranch = split_bar(az[C_BRANCHES], &azBranch);
  if (nBranch > AGENCY_MAX_ALIASES) {
    row_fail(im, C_BRANCHES, "more than %d branches", AGENCY_MAX_ALIASES);
    goto row_out;
  }

  /* Remember the key to find duplicate rows at the end. */
  if (im->nKey == im->nKeyAlloc) {
    im->nKeyAlloc = im->nKeyAlloc ? im->nKeyAlloc * 2 : 64;
    im->azKey = xrealloc(im->azKey, sizeof(char *) * (size_t)im->nKeyAlloc);
    im->aLine = xrealloc(im->aLine, sizeof(long) * (size_t)im->nKeyAlloc);
  }
  im->azKey[im->nKey] = xasprintf("%s %s", az[C_COUNTRY], az[C_LICENCE]);
  im->aLine[im->nKey++] = csv_line(im->r);

  /* Write. */
  stmt_reset(im->qFind);
  stmt_bind_text(im->qFind, ":c", az[C_COUNTRY]);
  stmt_bind_text(im->qFind, ":l", az[C_LICENCE]);
  int found = stmt_step(im->qFind, e);
  if (found < 0) goto row_out;
  if (found == 1) {
    id = stmt_int(im->qFind, 0);
    zOld = xstrdup(stmt_text(im->qFind, 1) ? stmt_text(im->qFind, 1) : "");
  }
  stmt_reset(im->qFind);
  Stmt *q = found == 1 ? im->qUpdate : im->qInsert;
  stmt_reset(q);
  if (found == 1) stmt_bind_int(q, ":id", id);
  else {
    stmt_bind_text(q, ":l", az[C_LICENCE]);
    stmt_bind_text(q, ":c", az[C_COUNTRY]);
  }
  stmt_bind_text(q, ":name", az[C_NAME]);
  stmt_bind_text(q, ":norm", zNorm);
  stmt_bind_text(q, ":status", agency_status_name(st));
  stmt_bind_text(q, ":vf", az[C_VALID_FROM]);
  stmt_bind_text(q, ":vt", az[C_VALID_TO]);
  stmt_bind_text(q, ":addr", az[C_ADDRESS]);
  stmt_bind_text(q, ":src", zSource);
  stmt_bind_int(q, ":now", now_seconds());
  if (stmt_run(q, e)) goto row_out;
  if (found != 1) {
    id = store_last_id(im->s);
    pRep->nNew++;
  } else {
    pRep->nUpdated++;
  }
  bool bChanged = found != 1 || strcmp(zOld, agency_status_name(st)) != 0;
  if (bChanged) {
    if (found == 1 && !az[C_DECISION_REF]) {
      row_fail(im, C_DECISION_REF, "the status changes from %s to %s: give the reference of the decision", zOld,
               agency_status_name(st));
      goto row_out;
    }
    if (found == 1) {
      /* A new status needs a new decision: the file must not pin it on the old one. */
      Stmt *qLast = store_prepare(im->s, "SELECT decision_ref FROM agency_status_history WHERE agency_id = :id "
                                         "ORDER BY id DESC LIMIT 1", e);
      int rcL;
      bool bSame = false;
      if (!qLast) goto row_out;
      stmt_bind_int(qLast, ":id", id);
      rcL = stmt_step(qLast, e);
      if (rcL == 1) bSame = str_eq(stmt_text(qLast, 0), az[C_DECISION_REF]);
      stmt_finalize(qLast);
      if (rcL < 0) goto row_out;
      if (bSame) {
        row_fail(im, C_DECISION_REF, "the status changes from %s to %s but %s is the decision already recorded "
                 "for %s: give the reference of the new decision", zOld, agency_status_name(st),
                 az[C_DECISION_REF], zOld);
        goto row_out;
      }
      pRep->nStatusChanged++;
    }
    stmt_reset(im->qHistory);
    stmt_bind_int(im->qHistory, ":id", id);
    stmt_bind_text(im->qHistory, ":old", found == 1 ? zOld : NULL);
    stmt_bind_text(im->qHistory, ":new", agency_status_name(st));
    stmt_bind_text(im->qHistory, ":on", az[C_DECIDED_ON]);
    stmt_bind_text(im->qHistory, ":ref", az[C_DECISION_REF]);
    stmt_bind_text(im->qHistory, ":auth", az[C_AUTHORITY]);
    stmt_bind_text(im->qHistory, ":reason", az[C_REASON]);
    stmt_bind_int(im->qHistory, ":now", now_seconds());
    stmt_bind_text(im->qHistory, ":by", who_name(who));
    if (stmt_run(im->qHistory, e)) goto row_out;
  }
  stmt_reset(im->qAliasDel);
  stmt_bind_int(im->qAliasDel, ":id", id);
  if (stmt_run(im->qAliasDel, e)) goto row_out;
  for (int k = 0; k < nAlias; k++) {
    char *z = agency_normalize(azAlias[k]);
    stmt_reset(im->qAlias);
    stmt_bind_int(im->qAlias, ":id", id);
    stmt_bind_text(im->qAlias, ":a", azAlias[k]);
    stmt_bind_text(im->qAlias, ":n", z);
    int rcA = stmt_run(im->qAlias, e);
    free(z);
    if (rcA) goto row_out;
  }
  stmt_reset(im->qBranchDel);
  stmt_bind_int(im->qBranchDel, ":id", id);
  if (stmt_run(im->qBranchDel, e)) goto row_out;
  for (int k = 0; k < nBranch; k++) {
    stmt_reset(im->qBranch);
    stmt_bind_int(im->qBranch, ":id", id);
    stmt_bind_text(im->qBranch, ":a", azBranch[k]);
    if (stmt_run(im->qBranch, e)) goto row_out;
  }
  if (az[C_SANCTION_KIND]) {
    stmt_reset(im->qSanction);
    stmt_bind_int(im->qSanction, ":id", id);
    stmt_bind_text(im->qSanction, ":kind", az[C_SANCTION_KIND]);
    stmt_bind_text(im->qSanction, ":on", az[C_DECIDED_ON]);
    stmt_bind_text(im->qSanction, ":ref", az[C_DECISION_REF]);
    stmt_bind_text(im->qSanction, ":auth", az[C_AUTHORITY]);
    stmt_bind_text(im->qSanction, ":desc", az[C_SANCTION]);
    if (stmt_run(im->qSanction, e)) goto row_out;
  }
  rc = 0;
row_out:
  for (int i = 0; i < C__N; i++) free(az[i]);
  free_list(azAlias, nAlias);
  free_list(azBranch, nBranch);
  free(zNorm);
  free(zOld);
  return rc;
}

typedef struct KeyLine {
  const char *zKey;
  long line;
} KeyLine;

static int cmp_keyline(const void *a, const void *b) {
  const KeyLine *x = a, *y = b;
  int c = strcmp(x->zKey, y->zKey);
  return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* The import; pProgress (may be NULL) is advanced by bytes read out of nTotal. */
static int import_run(Store *s, CsvReader *r, const char *zSource, const Principal *who, AgencyImportReport *pRep,
                      Progress *pProgress, Err *e) {
  Importer im;
  int rc = -1, step;
  bool bOwnTx = !store_in_transaction(s);
  memset(&im, 0, sizeof im);
  memset(pRep, 0, sizeof *pRep);
  im.s = s;
  im.r = r;
  im.e = e;
  if (importer_header(&im)) return -1;
  if (bOwnTx && store_begin(s, e)) return -1;
  if (importer_prepare(&im)) goto import_out;
  while ((step = csv_next(r, e)) == 1) {
    if (csv_nfield(r) == 1 && csv_field_len(r, 0) == 0) continue;   /* blank line */
    pRep->nRow++;
    if (import_row(&im, zSource, who, pRep)) goto import_out;
    if (pProgress && pRep->nRow % 256 == 0) progress_update(pProgress, csv_offset(r));
  }
  if (step < 0) goto import_out;
  if (pRep->nRow == 0) {
    err_set(e, ERR_INVALID, "%s: no agencies in the file", zSource);
    goto import_out;
  }
  /* The same licence twice in one file is ambiguous: refuse it, naming both lines. */
  {
    KeyLine *aK = xmalloc(sizeof(KeyLine) * (size_t)(im.nKey + 1));
    for (long i = 0; i < im.nKey; i++) aK[i] = (KeyLine){im.azKey[i], im.aLine[i]};
    qsort(aK, (size_t)im.nKey, sizeof aK[0], cmp_keyline);
    for (long i = 1; i < im.nKey; i++) {
      if (strcmp(aK[i].zKey, aK[i - 1].zKey) == 0) {
        err_set(e, ERR_INVALID, "%s:%ld:licence: licence %s is also on line %ld", csv_name(r), aK[i].line,
                strchr(aK[i].zKey, ' ') + 1, aK[i - 1].line);
        err_where(e, "%s:%ld:licence", csv_name(r), aK[i].line);
        err_hint(e, "each licence may appear once per issuing country: nothing was imported");
        free(aK);
        goto import_out;
      }
    }
    free(aK);
  }
  rc = 0;
import_out:
  importer_finish(&im);
  if (rc == 0) rc = jobs_touch(s, e);   /* licence statuses filter vacancies */
  if (bOwnTx) {
    if (rc == 0) rc = store_commit(s, e);
    else store_rollback(s);
  }
  if (rc) memset(pRep, 0, sizeof *pRep);
  return rc;
}

int agency_import_reader(Store *s, CsvReader *r, const char *zSource, const Principal *who,
                         AgencyImportReport *pRep, Err *e) {
  return import_run(s, r, zSource, who, pRep, NULL, e);
}

int agency_import_csv(Store *s, const char *zPath, const Principal *who, bool bProgress, AgencyImportReport *pRep,
                      Err *e) {
  CsvReader *r = NULL;
  Progress *p = NULL;
  struct stat st;
  int rc;
  if (csv_open(zPath, &r, e)) return -1;
  if (bProgress && stat(zPath, &st) == 0) p = progress_start("agencies", (long long)st.st_size);
  rc = import_run(s, r, zPath, who, pRep, p, e);
  progress_end(p);
  csv_close(r);
  return rc;
}

/* ---- reading ---- */

/* Columns 0-8 of every agency query: the base object of agency_json. */
#define AGENCY_COLS \
  "a.id, a.licence, a.country, a.name, a.status, a.valid_from, a.valid_to, a.address, " \
  "(a.status IN ('suspended','cancelled','banned') OR EXISTS(SELECT 1 FROM agency_sanction x WHERE x.agency_id = a.id))"

static json_t *jtext(const char *z) { return z ? json_string(z) : json_null(); }

/* The base object from a row whose first columns are AGENCY_COLS. The licence
** status comes first and "licensed" is true only for a current valid licence. */
static json_t *agency_json(Stmt *q) {
  AgencyStatus st = effective(stmt_text(q, 4), stmt_text(q, 5), stmt_text(q, 6));
  return json_pack("{s:s, s:b, s:s, s:s, s:s, s:o, s:o, s:o, s:b, s:s}", "status", agency_status_name(st), "licensed",
                   st == AGENCY_VALID, "licence", stmt_text(q, 1), "country", stmt_text(q, 2), "name", stmt_text(q, 3),
                   "valid_from", jtext(stmt_text(q, 5)), "valid_to", jtext(stmt_text(q, 6)), "address",
                   jtext(stmt_text(q, 7)), "sanctioned", stmt_int(q, 8) != 0, "registered_status", stmt_text(q, 4));
}

static int check_country_arg(Store *s, const char *zCountry, Err *e) {
  if (!zCountry || !*zCountry) return 0;
  if (strlen(zCountry) != 3 || !country_known(s, zCountry, e)) {
    if (e->code == ERR_OK || e->code == ERR_DB) {
      err_clear(e);
      err_set(e, ERR_INVALID, "\"%s\" is not an ISO 3166-1 alpha-3 country code", zCountry);
    }
    err_where(e, "country");
    return -1;
  }
  return 0;
}

typedef struct Match {
  double score;
  json_t *j;
} Match;

static int cmp_match(const void *a, const void *b) {
  const Match *x = a, *y = b;
  if (x->score != y->score) return x->score < y->score ? 1 : -1;
  return strcmp(json_string_value(json_object_get(x->j, "name")), json_string_value(json_object_get(y->j, "name")));
}

#define MATCH_MIN 0.45      /* shown as a possible match */
#define MATCH_STRONG 0.8    /* taken as the agency meant */

json_t *agency_check(Store *s, const char *zName, const char *zCountry, int nLimit, Err *e) {
  char *zNorm = NULL;
  Stmt *q = NULL;
  Match *aM = NULL;
  int nM = 0, nAlloc = 0, rc;
  json_t *jOut = NULL, *aOut;
  if (!zName || !*zName || strlen(zName) > AGENCY_MAX_TEXT || !utf8_valid_text(zName, strlen(zName))) {
    err_set(e, ERR_INVALID, "give the agency's name (1 to %d characters)", AGENCY_MAX_TEXT);
    err_where(e, "name");
    return NULL;
  }
  if (check_country_arg(s, zCountry, e)) return NULL;
  zNorm = agency_normalize(zName);
  if (!zNorm || !*zNorm) {
    free(zNorm);
    err_set(e, ERR_INVALID, "the name has no letters or digits");
    err_where(e, "name");
    return NULL;
  }
  q = store_prepare(s,
    "SELECT " AGENCY_COLS ", a.name, a.name_norm FROM agency a WHERE (:c IS NULL OR a.country = :c) "
    "UNION ALL SELECT " AGENCY_COLS ", al.alias, al.alias_norm FROM agency_alias al JOIN agency a ON a.id = al.agency_id "
    "WHERE (:c IS NULL OR a.country = :c) ORDER BY 1", e);
  if (!q) goto check_out;
  stmt_bind_text(q, ":c", zCountry && *zCountry ? zCountry : NULL);
  int64_t idCur = -1;
  while ((rc = stmt_step(q, e)) == 1) {
    int64_t id = stmt_int(q, 0);
    double sc = agency_similarity(zNorm, stmt_text(q, 10));
    const char *zHow = "name", *zMatched = stmt_text(q, 9);
    if (strcasecmp(zName, stmt_text(q, 1)) == 0) { sc = 1.0; zHow = "licence"; zMatched = stmt_text(q, 1); }
    else if (strcmp(stmt_text(q, 9), stmt_text(q, 3)) != 0) zHow = "alias";
    if (id == idCur && nM > 0) {
      Match *m = &aM[nM - 1];
      if (sc > m->score) {
        m->score = sc;
        json_object_set_new(m->j, "matched", json_string(zMatched));
        json_object_set_new(m->j, "matched_by", json_string(zHow));
        json_object_set_new(m->j, "score", json_real((double)(long)(sc * 1000 + 0.5) / 1000));
      }
      continue;
    }
    idCur = id;
    if (nM == nAlloc) {
      nAlloc = nAlloc ? nAlloc * 2 : 32;
      aM = xrealloc(aM, sizeof(Match) * (size_t)nAlloc);
    }
    aM[nM].score = sc;
    aM[nM].j = agency_json(q);
    json_object_set_new(aM[nM].j, "matched", json_string(zMatched));
    json_object_set_new(aM[nM].j, "matched_by", json_string(zHow));
    json_object_set_new(aM[nM].j, "score", json_real((double)(long)(sc * 1000 + 0.5) / 1000));
    nM++;
  }
  if (rc < 0) goto check_out;
  if (nM > 1) qsort(aM, (size_t)nM, sizeof aM[0], cmp_match);
  aOut = json_array();
  int nStrong = 0, nStrongLicensed = 0;
  for (int i = 0; i < nM && (int)json_array_size(aOut) < nLimit; i++) {
    if (aM[i].score < MATCH_MIN) break;
    if (aM[i].score >= MATCH_STRONG) {
      nStrong++;
      if (json_is_true(json_object_get(aM[i].j, "licensed"))) nStrongLicensed++;
    }
    json_array_append(aOut, aM[i].j);
  }
  const char *zVerdict = nStrong == 0                 ? "no_match"
                         : nStrongLicensed == nStrong ? "licensed"
                         : nStrongLicensed == 0       ? "not_licensed"
                                                      : "ambiguous";
  jOut = json_pack("{s:s, s:s, s:o, s:s, s:o}", "query", zName, "normalized", zNorm, "country",
                   jtext(zCountry && *zCountry ? zCountry : NULL), "verdict", zVerdict, "matches", aOut);
check_out:
  for (int i = 0; i < nM; i++) json_decref(aM[i].j);
  free(aM);
  stmt_finalize(q);
  free(zNorm);
  return jOut;
}

json_t *agency_get(Store *s, const char *zLicence, const char *zCountry, Err *e) {
  int64_t id;
  Stmt *q;
  json_t *j = NULL, *a;
  int rc;
  if (check_country_arg(s, zCountry, e)) return NULL;
  id = agency_id(s, zLicence, zCountry, e);
  if (id < 0) return NULL;
  q = store_prepare(s, "SELECT " AGENCY_COLS " FROM agency a WHERE a.id = :id", e);
  if (!q) return NULL;
  stmt_bind_int(q, ":id", id);
  if (stmt_step(q, e) == 1) j = agency_json(q);
  stmt_finalize(q);
  if (!j) return NULL;

  a = json_array();
  q = store_prepare(s, "SELECT alias FROM agency_alias WHERE agency_id = :id ORDER BY alias", e);
  if (!q) goto get_fail;
  stmt_bind_int(q, ":id", id);
  while ((rc = stmt_step(q, e)) == 1) json_array_append_new(a, json_string(stmt_text(q, 0)));
  stmt_finalize(q);
  json_object_set_new(j, "aliases", a);
  if (rc < 0) goto get_fail;

  a = json_array();
  q = store_prepare(s, "SELECT address FROM agency_branch WHERE agency_id = :id ORDER BY id", e);
  if (!q) goto get_fail;
  stmt_bind_int(q, ":id", id);
  while ((rc = stmt_step(q, e)) == 1) json_array_append_new(a, json_string(stmt_text(q, 0)));
  stmt_finalize(q);
  json_object_set_new(j, "branches", a);
  if (rc < 0) goto get_fail;

  a = json_array();
  q = store_prepare(s, "SELECT old_status, new_status, decided_on, decision_ref, authority, reason, recorded_at "
                       "FROM agency_status_history WHERE agency_id = :id ORDER BY id", e);
  if (!q) goto get_fail;
  stmt_bind_int(q, ":id", id);
  while ((rc = stmt_step(q, e)) == 1)
    json_array_append_new(a, json_pack("{s:o, s:s, s:o, s:o, s:o, s:o}", "old_status", jtext(stmt_text(q, 0)),
                                       "new_status", stmt_text(q, 1), "decided_on", jtext(stmt_text(q, 2)),
                                       "decision_ref", jtext(stmt_text(q, 3)), "authority", jtext(stmt_text(q, 4)),
                                       "reason", jtext(stmt_text(q, 5))));
  stmt_finalize(q);
  json_object_set_new(j, "history", a);
  if (rc < 0) goto get_fail;

  a = json_array();
  q = store_prepare(s, "SELECT kind, decided_on, decision_ref, authority, description FROM agency_sanction "
                       "WHERE agency_id = :id ORDER BY decided_on, id", e);
  if (!q) goto get_fail;
  stmt_bind_int(q, ":id", id);
  while ((rc = stmt_step(q, e)) == 1)
    json_array_append_new(a, json_pack("{s:s, s:o, s:s, s:o, s:o}", "kind", stmt_text(q, 0), "decided_on",
                                       jtext(stmt_text(q, 1)), "decision_ref", stmt_text(q, 2), "authority",
                                       jtext(stmt_text(q, 3)), "description", jtext(stmt_text(q, 4))));
  stmt_finalize(q);
  json_object_set_new(j, "sanctions", a);
  if (rc < 0) goto get_fail;
  return j;
get_fail:
  json_decref(j);
  return NULL;
}

json_t *agency_list(Store *s, const char *zStatus, bool bSanctioned, const char *zCountry, Err *e) {
  AgencyStatus want = AGENCY__COUNT;
  Stmt *q;
  json_t *a;
  int rc;
  if (zStatus && *zStatus) {
    if (str_eq(zStatus, "expired")) want = AGENCY_EXPIRED;
    else if (agency_status_parse(zStatus, &want)) {
      err_set(e, ERR_INVALID, "\"%s\" is not a status", zStatus);
      err_detail(e, "valid, suspended, cancelled, delisted, banned or expired");
      err_where(e, "status");
      return NULL;
    }
  }
  if (check_country_arg(s, zCountry, e)) return NULL;
  q = store_prepare(s, "SELECT " AGENCY_COLS " FROM agency a WHERE (:c IS NULL OR a.country = :c) "
                       "ORDER BY a.country, a.name, a.licence", e);
  if (!q) return NULL;
  stmt_bind_text(q, ":c", zCountry && *zCountry ? zCountry : NULL);
  a = json_array();
  while ((rc = stmt_step(q, e)) == 1) {
    AgencyStatus st = effective(stmt_text(q, 4), stmt_text(q, 5), stmt_text(q, 6));
    if (want != AGENCY__COUNT && st != want) continue;
    if (bSanctioned && !stmt_int(q, 8)) continue;
    json_array_append_new(a, agency_json(q));
  }
  stmt_finalize(q);
  if (rc < 0) {
    json_decref(a);
    return NULL;
  }
  return json_pack("{s:I, s:o}", "count", (json_int_t)json_array_size(a), "agencies", a);
}

int agency_set_status(Store *s, const char *zLicence, const char *zCountry, const char *zStatus,
                      const char *zDecision, const char *zDate, const char *zAuthority, const char *zReason,
                      const Principal *who, const char *zAddr, Err *e) {
  AgencyStatus st;
  char zToday[11];
  int64_t id;
  Stmt *q = NULL;
  char *zOld = NULL, *zObj = NULL, *zDetail = NULL;
  int rc = -1;
  bool bOwnTx = !store_in_transaction(s);
  if (agency_status_parse(zStatus, &st)) {
    err_set(e, ERR_INVALID, "\"%s\" is not a status (valid, suspended, cancelled, delisted or banned)",
            zStatus ? zStatus : "");
    err_where(e, "status");
    return -1;
  }
  if (!zDecision || !*zDecision || !text_ok(zDecision, AGENCY_MAX_TEXT)) {
    err_set(e, ERR_INVALID, "a status change needs the reference of the decision (at most %d characters)",
            AGENCY_MAX_TEXT);
    err_where(e, "decision");
    return -1;
  }
  if (!zReason || !*zReason || !text_ok(zReason, AGENCY_MAX_LONG)) {
    err_set(e, ERR_INVALID, "a status change needs its reason (at most %d characters)", AGENCY_MAX_LONG);
    err_where(e, "reason");
    return -1;
  }
  if (zAuthority && !text_ok(zAuthority, AGENCY_MAX_TEXT)) {
    err_set(e, ERR_INVALID, "the authority is too long or not plain text");
    err_where(e, "authority");
    return -1;
  }
  agency_today(zToday);
  if (zDate && *zDate && !agency_date_ok(zDate)) {
    err_set(e, ERR_INVALID, "\"%s\" is not a date YYYY-MM-DD", zDate);
    err_where(e, "date");
    return -1;
  }
  if (!zDate || !*zDate) zDate = zToday;
  if (check_country_arg(s, zCountry, e)) return -1;
  if (bOwnTx && store_begin(s, e)) return -1;
  id = agency_id(s, zLicence, zCountry, e);
  if (id < 0) goto status_out;
  q = store_prepare(s, "SELECT status, country FROM agency WHERE id = :id", e);
  if (!q) goto status_out;
  stmt_bind_int(q, ":id", id);
  if (stmt_step(q, e) != 1) goto status_out;
  zOld = xstrdup(stmt_text(q, 0));
  zObj = xasprintf("agency:%s/%s", stmt_text(q, 1), zLicence);
  stmt_finalize(q);
  q = NULL;
  if (str_eq(zOld, agency_status_name(st))) {
    err_set(e, ERR_CONFLICT, "agency %s is already %s", zLicence, zOld);
    goto status_out;
  }
  q = store_prepare(s, "UPDATE agency SET status = :st, updated_at = :now WHERE id = :id", e);
  if (!q) goto status_out;
  stmt_bind_text(q, ":st", agency_status_name(st));
  stmt_bind_int(q, ":now", now_seconds());
  stmt_bind_int(q, ":id", id);
  if (stmt_run(q, e)) goto status_out;
  stmt_finalize(q);
  q = store_prepare(s,
    "INSERT INTO agency_status_history(agency_id, old_status, new_status, decided_on, decision_ref, authority, "
    "reason, recorded_at, recorded_by) VALUES(:id, :old, :new, :on, :ref, :auth, :reason, :now, :by)", e);
  if (!q) goto status_out;
  stmt_bind_int(q, ":id", id);
  stmt_bind_text(q, ":old", zOld);
  stmt_bind_text(q, ":new", agency_status_name(st));
  stmt_bind_text(q, ":on", zDate);
  stmt_bind_text(q, ":ref", zDecision);
  stmt_bind_text(q, ":auth", zAuthority && *zAuthority ? zAuthority : NULL);
  stmt_bind_text(q, ":reason", zReason);
  stmt_bind_int(q, ":now", now_seconds());
  stmt_bind_text(q, ":by", who_name(who));
  if (stmt_run(q, e)) goto status_out;
  stmt_finalize(q);
  q = NULL;
  /* Suspending, cancelling or banning is itself a sanction. */
  if (st == AGENCY_SUSPENDED || st == AGENCY_CANCELLED || st == AGENCY_BANNED) {
    q = store_prepare(s, "INSERT OR IGNORE INTO agency_sanction(agency_id, kind, decided_on, decision_ref, authority, "
                         "description) VALUES(:id, :kind, :on, :ref, :auth, :desc)", e);
    if (!q) goto status_out;
    stmt_bind_int(q, ":id", id);
    stmt_bind_text(q, ":kind", st == AGENCY_SUSPENDED ? "suspension" : st == AGENCY_CANCELLED ? "cancellation" : "ban");
    stmt_bind_text(q, ":on", zDate);
    stmt_bind_text(q, ":ref", zDecision);
    stmt_bind_text(q, ":auth", zAuthority && *zAuthority ? zAuthority : NULL);
    stmt_bind_text(q, ":desc", zReason);
    if (stmt_run(q, e)) goto status_out;
  }
  zDetail = xasprintf("%s -> %s (%s)", zOld, agency_status_name(st), zDecision);
  if (audit(s, who, "agency.status", zObj, zAddr, zDetail, e)) goto status_out;
  if (jobs_touch(s, e)) goto status_out;   /* licence statuses filter vacancies */
  rc = 0;
status_out:
  stmt_finalize(q);
  if (bOwnTx) {
    if (rc == 0) rc = store_commit(s, e);
    else store_rollback(s);
  }
  free(zOld);
  free(zObj);
  free(zDetail);
  return rc;
}

/* ---- reviews ---- */

#define REVIEW_MAX_TEXT 4000
static const char *const azRating[] = {"fees", "contract", "documents", "information"};

static int64_t jfail(Err *e, const char *zPtr, const char *zMsg) {
  err_set(e, ERR_INVALID, "%s: %s", zPtr, zMsg);
  err_where(e, "%s", zPtr);
  return -1;
}

int64_t review_submit(Store *s, json_t *j, Err *e) {
  const char *zKey;
  json_t *v, *jA, *jE, *jR;
  int64_t idAgency = 0, id = -1;
  const char *zEmployer = NULL, *zEmpCountry = NULL, *zText = NULL, *zLang = NULL;
  int aRating[4] = {0, 0, 0, 0}, nRating = 0;
  char zToday[11];
  Stmt *q;
  if (!json_is_object(j)) return jfail(e, "/", "the review must be a JSON object");
  json_object_foreach(j, zKey, v) {
    if (!str_eq(zKey, "agency") && !str_eq(zKey, "employer") && !str_eq(zKey, "ratings") && !str_eq(zKey, "text") &&
        !str_eq(zKey, "lang")) {
      char *zP = xasprintf("/%s", zKey);
      jfail(e, zP, "unknown field (agency, employer, ratings, text, lang)");
      free(zP);
      return -1;
    }
  }
  jA = json_object_get(j, "agency");
  jE = json_object_get(j, "employer");
  if ((jA != NULL) == (jE != NULL)) return jfail(e, "/agency", "review either an agency or an employer (one of them)");
  if (jA) {
    const char *zL = json_string_value(json_object_get(jA, "licence"));
    const char *zC = json_string_value(json_object_get(jA, "country"));
    if (!json_is_object(jA) || !zL) return jfail(e, "/agency/licence", "the agency's licence number is required");
    if (json_object_get(jA, "country") && !zC) return jfail(e, "/agency/country", "must be a string");
    if (zC && check_country_arg(s, zC, e)) {
      err_clear(e);
      return jfail(e, "/agency/country", "not an ISO 3166-1 alpha-3 country code");
    }
    idAgency = agency_id(s, zL, zC, e);
    if (idAgency < 0) {
      char *zMsg = xstrdup(e->zMsg ? e->zMsg : "unknown agency");
      ErrCode code = e->code == ERR_NOT_FOUND ? ERR_INVALID : e->code;
      err_clear(e);
      jfail(e, "/agency/licence", zMsg);
      e->code = code;
      free(zMsg);
      return -1;
    }
  } else {
    if (!json_is_object(jE)) return jfail(e, "/employer", "must be an object {name, country}");
    zEmployer = json_string_value(json_object_get(jE, "name"));
    zEmpCountry = json_string_value(json_object_get(jE, "country"));
    if (!zEmployer || !*zEmployer || !text_ok(zEmployer, AGENCY_MAX_TEXT))
      return jfail(e, "/employer/name", "the employer's name is required (at most 300 characters)");
    if (!zEmpCountry || check_country_arg(s, zEmpCountry, e)) {
      err_clear(e);
      return jfail(e, "/employer/country", "the employer's country is required (ISO 3166-1 alpha-3)");
    }
  }
  jR = json_object_get(j, "ratings");
  if (!json_is_object(jR)) return jfail(e, "/ratings", "give ratings from 1 to 5: fees, contract, documents, information");
  json_object_foreach(jR, zKey, v) {
    size_t k;
    char *zP = xasprintf("/ratings/%s", zKey);
    for (k = 0; k < COUNT(azRating) && !str_eq(zKey, azRating[k]); k++) {}
    if (k == COUNT(azRating)) {
      jfail(e, zP, "unknown rating (fees, contract, documents, information)");
      free(zP);
      return -1;
    }
    if (json_is_null(v)) { free(zP); continue; }
    if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 5) {
      jfail(e, zP, "a rating is a whole number from 1 to 5");
      free(zP);
      return -1;
    }
    free(zP);
    aRating[k] = (int)json_integer_value(v);
    nRating++;
  }
  if (nRating == 0) return jfail(e, "/ratings", "give at least one rating from 1 to 5");
  v = json_object_get(j, "text");
  if (v && !json_is_null(v)) {
    zText = json_string_value(v);
    if (!zText || !text_ok(zText, REVIEW_MAX_TEXT)) return jfail(e, "/text", "plain text of at most 4000 bytes");
    if (!*zText) zText = NULL;
  }
  v = json_object_get(j, "lang");
  if (v && !json_is_null(v)) {
    zLang = json_string_value(v);
    if (!zLang || strlen(zLang) != 2 || zLang[0] < 'a' || zLang[0] > 'z' || zLang[1] < 'a' || zLang[1] > 'z')
      return jfail(e, "/lang", "a two-letter ISO 639-1 language code");
  }
  agency_today(zToday);
  q = store_prepare(s, "INSERT INTO review(agency_id, employer, employer_country, fees, contract, documents, information, "
                       "body, lang, status, submitted_on) VALUES(:a, :emp, :ec, :f, :c, :d, :i, :body, :lang, 'pending', :on)",
                    e);
  if (!q) return -1;
  if (idAgency > 0) stmt_bind_int(q, ":a", idAgency);
  else stmt_bind_null(q, ":a");
  stmt_bind_text(q, ":emp", zEmployer);
  stmt_bind_text(q, ":ec", zEmpCountry);
  static const char *const azParam[] = {":f", ":c", ":d", ":i"};
  for (int k = 0; k < 4; k++) {
    if (aRating[k]) stmt_bind_int(q, azParam[k], aRating[k]);
    else stmt_bind_null(q, azParam[k]);
  }
  stmt_bind_text(q, ":body", zText);
  stmt_bind_text(q, ":lang", zLang);
  stmt_bind_text(q, ":on", zToday);
  if (stmt_run(q, e) == 0) id = store_last_id(s);
  stmt_finalize(q);
  return id;
}

json_t *review_list(Store *s, const char *zStatus, const char *zLicence, const char *zCountry, int nLimit,
                    const Principal *who, const char *zAddr, Err *e) {
  int64_t idAgency = 0;
  Stmt *q;
  json_t *a, *jSum;
  int rc;
  double aSum[4] = {0, 0, 0, 0};
  int aN[4] = {0, 0, 0, 0};
  if (!zStatus) zStatus = "published";
  if (!str_eq(zStatus, "pending") && !str_eq(zStatus, "published") && !str_eq(zStatus, "rejected")) {
    err_set(e, ERR_INVALID, "\"%s\" is not a review status (pending, published or rejected)", zStatus);
    err_where(e, "status");
    return NULL;
  }
  if (zLicence && *zLicence) {
    if (check_country_arg(s, zCountry, e)) return NULL;
    idAgency = agency_id(s, zLicence, zCountry, e);
    if (idAgency < 0) {
      err_where(e, "agency");   /* the parameter that names the licence here */
      return NULL;
    }
  }
  q = store_prepare(s,
    "SELECT r.id, a.licence, a.country, a.name, r.employer, r.employer_country, r.fees, r.contract, r.documents, "
    "r.information, r.body, r.lang, substr(r.submitted_on, 1, 7), r.status, r.moderator, r.moderation_note "
    "FROM review r LEFT JOIN agency a ON a.id = r.agency_id "
    "WHERE r.status = :st AND (:a = 0 OR r.agency_id = :a) ORDER BY r.id DESC LIMIT :n", e);
  if (!q) return NULL;
  stmt_bind_text(q, ":st", zStatus);
  stmt_bind_int(q, ":a", idAgency);
  stmt_bind_int(q, ":n", nLimit);
  a = json_array();
  while ((rc = stmt_step(q, e)) == 1) {
    json_t *jR = json_object(), *jRat = json_object();
    json_object_set_new(jR, "id", json_integer(stmt_int(q, 0)));
    if (stmt_text(q, 1))
      json_object_set_new(jR, "agency", json_pack("{s:s, s:s, s:s}", "licence", stmt_text(q, 1), "country",
                                                  stmt_text(q, 2), "name", stmt_text(q, 3)));
    else
      json_object_set_new(jR, "employer", json_pack("{s:s, s:o}", "name", stmt_text(q, 4), "country",
                                                    jtext(stmt_text(q, 5))));
    for (int k = 0; k < 4; k++) {
      if (stmt_is_null(q, 6 + k)) json_object_set_new(jRat, azRating[k], json_null());
      else {
        json_object_set_new(jRat, azRating[k], json_integer(stmt_int(q, 6 + k)));
        aSum[k] += (double)stmt_int(q, 6 + k);
        aN[k]++;
      }
    }
    json_object_set_new(jR, "ratings", jRat);
    json_object_set_new(jR, "text", jtext(stmt_text(q, 10)));
    json_object_set_new(jR, "lang", jtext(stmt_text(q, 11)));
    json_object_set_new(jR, "submitted", json_string(stmt_text(q, 12)));   /* month only */
    json_object_set_new(jR, "status", json_string(stmt_text(q, 13)));
    if (!str_eq(zStatus, "published")) {
      json_object_set_new(jR, "moderator", jtext(stmt_text(q, 14)));
      json_object_set_new(jR, "moderation_note", jtext(stmt_text(q, 15)));
    }
    json_array_append_new(a, jR);
  }
  stmt_finalize(q);
  if (rc < 0) {
    json_decref(a);
    return NULL;
  }
  jSum = json_pack("{s:I}", "n", (json_int_t)json_array_size(a));
  for (int k = 0; k < 4; k++)
    json_object_set_new(jSum, azRating[k], aN[k] ? json_real((double)(long)(aSum[k] / aN[k] * 100 + 0.5) / 100)
                                                 : json_null());
  if (!str_eq(zStatus, "published")) {
    char *zD = xasprintf("status=%s n=%zu", zStatus, json_array_size(a));
    int rcA = audit(s, who, "review.read", "reviews", zAddr, zD, e);
    free(zD);
    if (rcA) {
      json_decref(a);
      json_decref(jSum);
      return NULL;
    }
  }
  return json_pack("{s:s, s:o, s:o}", "status", zStatus, "summary", jSum, "reviews", a);
}

int review_moderate(Store *s, int64_t id, bool bPublish, const char *zNote, const Principal *who, const char *zAddr,
                    Err *e) {
  Stmt *q = NULL;
  int rc = -1, step;
  bool bOwnTx = !store_in_transaction(s);
  char zObj[32];
  if (zNote && !text_ok(zNote, AGENCY_MAX_LONG)) {
    err_set(e, ERR_INVALID, "the moderation note is too long or not plain text");
    err_where(e, "note");
    return -1;
  }
  if (bOwnTx && store_begin(s, e)) return -1;
  q = store_prepare(s, "SELECT status FROM review WHERE id = :id", e);
  if (!q) goto mod_out;
  stmt_bind_int(q, ":id", id);
  step = stmt_step(q, e);
  if (step < 0) goto mod_out;
  if (step == 0) {
    err_set(e, ERR_NOT_FOUND, "no review %lld", (long long)id);
    goto mod_out;
  }
  if (!str_eq(stmt_text(q, 0), "pending")) {
    err_set(e, ERR_CONFLICT, "review %lld is already %s", (long long)id, stmt_text(q, 0));
    goto mod_out;
  }
  stmt_finalize(q);
  q = store_prepare(s, "UPDATE review SET status = :st, moderator = :by, moderated_at = :now, moderation_note = :note "
                       "WHERE id = :id", e);
  if (!q) goto mod_out;
  stmt_bind_text(q, ":st", bPublish ? "published" : "rejected");
  stmt_bind_text(q, ":by", who_name(who));
  stmt_bind_int(q, ":now", now_seconds());
  stmt_bind_text(q, ":note", zNote && *zNote ? zNote : NULL);
  stmt_bind_int(q, ":id", id);
  if (stmt_run(q, e)) goto mod_out;
  snprintf(zObj, sizeof zObj, "review:%lld", (long long)id);
  if (audit(s, who, "review.moderate", zObj, zAddr, bPublish ? "published" : "rejected", e)) goto mod_out;
  rc = 0;
mod_out:
  stmt_finalize(q);
  if (bOwnTx) {
    if (rc == 0) rc = store_commit(s, e);
    else store_rollback(s);
  }
  return rc;
}
