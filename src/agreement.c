/*
** agreement.c: the repository of agreements, good practices and ratifications
** (see agreement.h and docs/agreements.md).
**
** Search: repo_fts holds each record's words as written (title, body) and their
** Snowball stems in the record's own language (stems). A query word matches when
** it is written the same (diacritics and case aside) or when one of its three stems
** (English, French, Spanish) equals a stored stem: the query's language is unknown,
** the record's is not. Queries are built from quoted words only, so user text is
** never FTS5 syntax. Snippets are cut in C, so that stem matches are marked too.
*/
#include "agreement.h"
#include "aggregate.h"
#include "util.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <libstemmer.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <utf8proc.h>

#define MAX_QUERY_WORDS 16
#define MAX_IMPORT_BYTES (16u << 20)
#define MAX_SHORT 512          /* titles, sources, names */
#define MAX_LONG (4u << 20)    /* full texts */
#define MAX_CLAUSE 8000
#define SEARCH_DEFAULT 20
#define SEARCH_MAX 100

static json_t *jtext(const char *z) { return z ? json_string(z) : json_null(); }

/* ---- words, folding, stemming ---- */

static bool is_word_char(utf8proc_int32_t c) {
  utf8proc_category_t k = utf8proc_category(c);
  return (k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_NO) || k == UTF8PROC_CATEGORY_CO;
}

/* Find the next word of z[0..n) from *pi: its byte range [*pStart, *pEnd). */
static bool next_word(const char *zText, size_t n, size_t *pi, size_t *pStart, size_t *pEnd) {
  const utf8proc_uint8_t *z = (const utf8proc_uint8_t *)zText;
  size_t i = *pi;
  while (i < n) {
    utf8proc_int32_t c;
    utf8proc_ssize_t k = utf8proc_iterate(z + i, (utf8proc_ssize_t)(n - i), &c);
    if (k <= 0) { i++; continue; }
    if (is_word_char(c)) break;
    i += (size_t)k;
  }
  if (i >= n) { *pi = n; return false; }
  *pStart = i;
  while (i < n) {
    utf8proc_int32_t c;
    utf8proc_ssize_t k = utf8proc_iterate(z + i, (utf8proc_ssize_t)(n - i), &c);
    if (k <= 0 || !is_word_char(c)) break;
    i += (size_t)k;
  }
  *pEnd = i;
  *pi = i;
  return true;
}

/* Map a word with utf8proc; a new string (never NULL). */
static char *umap(const char *z, size_t n, int opts) {
  utf8proc_uint8_t *pOut = NULL;
  utf8proc_ssize_t r = utf8proc_map((const utf8proc_uint8_t *)z, (utf8proc_ssize_t)n, &pOut,
                                    (utf8proc_option_t)(UTF8PROC_STABLE | UTF8PROC_COMPOSE | opts));
  if (r < 0 || !pOut) {
    free(pOut);
    return xstrndup(z, n);
  }
  char *zOut = xstrdup((const char *)pOut);
  free(pOut);
  return zOut;
}

static char *fold(const char *z, size_t n) { return umap(z, n, UTF8PROC_CASEFOLD | UTF8PROC_STRIPMARK); }
static char *lower(const char *z, size_t n) { return umap(z, n, UTF8PROC_CASEFOLD); }

bool repo_lang_stemmed(const char *zLang) {
  return zLang && (strcmp(zLang, "en") == 0 || strcmp(zLang, "fr") == 0 || strcmp(zLang, "es") == 0);
}

/* A Snowball stemmer for zLang, or NULL when lmis does not stem that language.
** Stemmers are not thread-safe: each call makes its own. */
static struct sb_stemmer *stemmer_new(const char *zLang) {
  if (!repo_lang_stemmed(zLang)) return NULL;
  const char *zAlg = strcmp(zLang, "en") == 0 ? "english" : strcmp(zLang, "fr") == 0 ? "french" : "spanish";
  return sb_stemmer_new(zAlg, "UTF_8");
}

/* Stem one lower-cased word (Snowball wants the accents) and fold the stem. */
static char *stem_with(struct sb_stemmer *st, const char *zWord, size_t n) {
  char *zLow = lower(zWord, n), *zOut;
  if (st) {
    const sb_symbol *p = sb_stemmer_stem(st, (const sb_symbol *)zLow, (int)strlen(zLow));
    if (p) {
      zOut = fold((const char *)p, (size_t)sb_stemmer_length(st));
      free(zLow);
      return zOut;
    }
  }
  zOut = fold(zLow, strlen(zLow));
  free(zLow);
  return zOut;
}

char *repo_stem_word(const char *zWord, const char *zLang) {
  size_t i = 0, a, b, n = zWord ? strlen(zWord) : 0;
  if (!next_word(zWord ? zWord : "", n, &i, &a, &b)) return NULL;
  struct sb_stemmer *st = stemmer_new(zLang);
  char *z = stem_with(st, zWord + a, b - a);
  if (st) sb_stemmer_delete(st);
  return z;
}

char *repo_stem_text(const char *zText, const char *zLang) {
  Buf out;
  size_t i = 0, a, b, n = zText ? strlen(zText) : 0;
  struct sb_stemmer *st = stemmer_new(zLang);
  buf_init(&out, BUF_UNBOUNDED);
  while (next_word(zText, n, &i, &a, &b)) {
    char *z = stem_with(st, zText + a, b - a);
    if (out.n) buf_putc(&out, ' ');
    buf_puts(&out, z);
    free(z);
  }
  if (st) sb_stemmer_delete(st);
  buf_putc(&out, 0);
  out.n--;
  return buf_detach(&out);
}

/* The words of a query: each folded as written and stemmed in the three languages. */
typedef struct QWord {
  char *zFold;
  char *azStem[3];
} QWord;

static const char *const azStemLang[3] = {"en", "fr", "es"};

static int query_words(const char *zText, QWord *a, int nMax) {
  size_t i = 0, s, t, n = zText ? strlen(zText) : 0;
  int nWord = 0;
  struct sb_stemmer *ast[3];
  for (int k = 0; k < 3; k++) ast[k] = stemmer_new(azStemLang[k]);
  while (nWord < nMax && next_word(zText, n, &i, &s, &t)) {
    if (t - s > 64) continue;   /* no real word is that long */
    a[nWord].zFold = fold(zText + s, t - s);
    for (int k = 0; k < 3; k++) a[nWord].azStem[k] = stem_with(ast[k], zText + s, t - s);
    nWord++;
  }
  for (int k = 0; k < 3; k++)
    if (ast[k]) sb_stemmer_delete(ast[k]);
  return nWord;
}

static void query_words_free(QWord *a, int n) {
  for (int i = 0; i < n; i++) {
    free(a[i].zFold);
    for (int k = 0; k < 3; k++) free(a[i].azStem[k]);
  }
}

/* Append z as an FTS5 string ("..." with " doubled). */
static void fts_quote(Buf *b, const char *z) {
  buf_putc(b, '"');
  for (; *z; z++) {
    buf_putc(b, *z);
    if (*z == '"') buf_putc(b, '"');
  }
  buf_putc(b, '"');
}

char *repo_fts_query(const char *zText) {
  QWord aw[MAX_QUERY_WORDS];
  int n = query_words(zText, aw, MAX_QUERY_WORDS);
  Buf b;
  if (n == 0) return NULL;
  buf_init(&b, BUF_UNBOUNDED);
  for (int i = 0; i < n; i++) {
    if (i) buf_puts(&b, " AND ");
    buf_puts(&b, "({title body} : ");
    fts_quote(&b, aw[i].zFold);
    if (i == n - 1) buf_putc(&b, '*');
    buf_puts(&b, " OR stems : (");
    for (int k = 0; k < 3; k++) {
      bool bDup = false;
      for (int m = 0; m < k; m++) bDup |= strcmp(aw[i].azStem[m], aw[i].azStem[k]) == 0;
      if (bDup) continue;
      if (k) buf_puts(&b, " OR ");
      fts_quote(&b, aw[i].azStem[k]);
    }
    buf_puts(&b, "))");
  }
  query_words_free(aw, n);
  return buf_detach(&b);
}

char *repo_snippet(const char *zBody, const char *zLang, const char *zQuery, int nWords, const char *zOpen,
                   const char *zClose) {
  QWord aw[MAX_QUERY_WORDS];
  int nq = query_words(zQuery, aw, MAX_QUERY_WORDS);
  size_t n = zBody ? strlen(zBody) : 0, i = 0, s, t;
  size_t nTok = 0, nAlloc = 0, *aStart = NULL, *aEnd = NULL;
  bool *aHit = NULL;
  struct sb_stemmer *st = stemmer_new(zLang);
  Buf out;
  if (nWords < 4) nWords = 4;
  while (next_word(zBody, n, &i, &s, &t)) {
    if (nTok == nAlloc) {
      nAlloc = nAlloc ? 2 * nAlloc : 256;
      aStart = xrealloc(aStart, nAlloc * sizeof *aStart);
      aEnd = xrealloc(aEnd, nAlloc * sizeof *aEnd);
      aHit = xrealloc(aHit, nAlloc * sizeof *aHit);
    }
    bool bHit = false;
    if (nq) {
      char *zF = fold(zBody + s, t - s), *zS = stem_with(st, zBody + s, t - s);
      for (int k = 0; k < nq && !bHit; k++) {
        bHit = strcmp(zF, aw[k].zFold) == 0 || (k == nq - 1 && str_startswith(zF, aw[k].zFold));
        for (int m = 0; m < 3 && !bHit; m++) bHit = strcmp(zS, aw[k].azStem[m]) == 0;
      }
      free(zF);
      free(zS);
    }
    aStart[nTok] = s;
    aEnd[nTok] = t;
    aHit[nTok] = bHit;
    nTok++;
  }
  if (st) sb_stemmer_delete(st);
  query_words_free(aw, nq);
  buf_init(&out, BUF_UNBOUNDED);
  if (nTok > 0) {
    /* The window of nWords words with the most matches (the first such). */
    size_t w = (size_t)nWords < nTok ? (size_t)nWords : nTok, iBest = 0;
    int nCur = 0, nBest;
    for (size_t k = 0; k < w; k++) nCur += aHit[k];
    nBest = nCur;
    for (size_t k = w; k < nTok; k++) {
      nCur += aHit[k] - aHit[k - w];
      if (nCur > nBest) { nBest = nCur; iBest = k - w + 1; }
    }
    /* Start a little before the first match, so it has some context. */
    if (nBest > 0) {
      size_t iFirst = iBest;
      while (!aHit[iFirst]) iFirst++;
      size_t iLead = iFirst >= 3 ? iFirst - 3 : 0;
      if (iLead > iBest) iBest = iLead + w <= nTok ? iLead : nTok - w;
    }
    size_t iLast = iBest + w - 1;
    if (iBest > 0) buf_puts(&out, "…");
    for (size_t k = iBest; k <= iLast; k++) {
      if (k > iBest) {
        /* the text between words, with line breaks as spaces */
        for (size_t j = aEnd[k - 1]; j < aStart[k]; j++) buf_putc(&out, (zBody[j] == '\n' || zBody[j] == '\r' || zBody[j] == '\t') ? ' ' : zBody[j]);
      }
      if (aHit[k]) buf_puts(&out, zOpen);
      buf_append(&out, zBody + aStart[k], aEnd[k] - aStart[k]);
      if (aHit[k]) buf_puts(&out, zClose);
    }
    if (iLast + 1 < nTok || aEnd[iLast] < n) {
      /* keep closing punctuation of the last word */
      size_t j = aEnd[iLast];
      while (j < n && (zBody[j] == '.' || zBody[j] == ')' || zBody[j] == ',')) buf_putc(&out, zBody[j++]);
      if (iLast + 1 < nTok) buf_puts(&out, "…");
    }
  }
  free(aStart);
  free(aEnd);
  free(aHit);
  buf_putc(&out, 0);
  out.n--;
  return buf_detach(&out);
}

/* ---- import: checks with JSON pointers ---- */

typedef struct Imp {
  Store *s;
  Err *e;
  const char *zOrigin;
  const char *zUser;
  char zPtr[256];           /* JSON pointer of the value being checked */
  RepoImport *pOut;
} Imp;

/* Fail at pointer zPtr + "/" + zKey (zKey may be NULL). */
static int imp_fail(Imp *m, const char *zKey, const char *zFmt, const char *zArg) {
  char zMsg[512];
  snprintf(zMsg, sizeof zMsg, zFmt, zArg ? zArg : "");
  err_set(m->e, ERR_INVALID, "%s: %s%s%s: %s", m->zOrigin, m->zPtr, zKey ? "/" : "", zKey ? zKey : "", zMsg);
  err_where(m->e, "%s%s%s", m->zPtr, zKey ? "/" : "", zKey ? zKey : "");
  err_hint(m->e, "docs/agreements.md describes the import format field by field");
  return -1;
}

static bool text_ok(const char *z) { return utf8_valid_text(z, strlen(z)); }

/* Optional (or required) string member; *pz NULL when absent or null. */
static int imp_str(Imp *m, json_t *o, const char *zKey, bool bRequired, size_t nMax, const char **pz) {
  json_t *v = json_object_get(o, zKey);
  *pz = NULL;
  if (!v || json_is_null(v)) return bRequired ? imp_fail(m, zKey, "is required%s", NULL) : 0;
  if (!json_is_string(v)) return imp_fail(m, zKey, "must be a string%s", NULL);
  const char *z = json_string_value(v);
  if (strlen(z) != json_string_length(v) || !text_ok(z)) return imp_fail(m, zKey, "must be UTF-8 text without control characters%s", NULL);
  if (strlen(z) > nMax) return imp_fail(m, zKey, "is too long (at most %s bytes)", nMax == MAX_SHORT ? "512" : nMax == MAX_CLAUSE ? "8000" : "4194304");
  if (bRequired && !*z) return imp_fail(m, zKey, "must not be empty%s", NULL);
  *pz = *z ? z : NULL;
  return 0;
}

/* 1, 0 or -1 (null/absent) for an optional boolean. */
static int imp_bool(Imp *m, json_t *o, const char *zKey, int *p) {
  json_t *v = json_object_get(o, zKey);
  *p = -1;
  if (!v || json_is_null(v)) return 0;
  if (!json_is_boolean(v)) return imp_fail(m, zKey, "must be true, false or null%s", NULL);
  *p = json_is_true(v);
  return 0;
}

static int imp_enum(Imp *m, json_t *o, const char *zKey, bool bRequired, const char *const *az, const char **pz) {
  if (imp_str(m, o, zKey, bRequired, MAX_SHORT, pz)) return -1;
  if (!*pz) return 0;
  for (; *az; az++)
    if (strcmp(*az, *pz) == 0) return 0;
  return imp_fail(m, zKey, "unknown value \"%s\" (docs/agreements.md lists the values)", *pz);
}

/* Only the listed members: a misspelt field name is an error, not silently ignored. */
static int imp_keys(Imp *m, json_t *o, const char *const *azAllowed) {
  const char *zKey;
  json_t *v;
  if (!json_is_object(o)) return imp_fail(m, NULL, "must be an object%s", NULL);
  json_object_foreach(o, zKey, v) {
    const char *const *a = azAllowed;
    while (*a && strcmp(*a, zKey) != 0) a++;
    if (!*a) return imp_fail(m, zKey, "unknown field%s", NULL);
  }
  return 0;
}

/* Push "/key" or "/index" on the pointer; returns the old length to pop back to. */
static size_t ptr_push(Imp *m, const char *zKey, long idx) {
  size_t n = strlen(m->zPtr);
  if (zKey) snprintf(m->zPtr + n, sizeof m->zPtr - n, "/%s", zKey);
  else snprintf(m->zPtr + n, sizeof m->zPtr - n, "/%ld", idx);
  return n;
}
static void ptr_pop(Imp *m, size_t n) { m->zPtr[n] = 0; }

/* An ISO 8601 date to the precision known: YYYY, YYYY-MM or YYYY-MM-DD. */
static bool date_ok(const char *z) {
  size_t n = strlen(z);
  if (n != 4 && n != 7 && n != 10) return false;
  for (size_t i = 0; i < n; i++) {
    if (i == 4 || i == 7) { if (z[i] != '-') return false; }
    else if (!isdigit((unsigned char)z[i])) return false;
  }
  int y = (z[0] - '0') * 1000 + (z[1] - '0') * 100 + (z[2] - '0') * 10 + (z[3] - '0');
  if (y < 1900 || y > 2200) return false;
  if (n >= 7) { int mo = (z[5] - '0') * 10 + z[6] - '0'; if (mo < 1 || mo > 12) return false; }
  if (n == 10) { int d = (z[8] - '0') * 10 + z[9] - '0'; if (d < 1 || d > 31) return false; }
  return true;
}

static int imp_date(Imp *m, json_t *o, const char *zKey, const char **pz) {
  if (imp_str(m, o, zKey, false, 16, pz)) return -1;
  if (*pz && !date_ok(*pz)) return imp_fail(m, zKey, "\"%s\" is not a date YYYY, YYYY-MM or YYYY-MM-DD", *pz);
  return 0;
}

static bool ref_ok(const char *z) {
  size_t n = strlen(z);
  if (n == 0 || n > 64) return false;
  for (size_t i = 0; i < n; i++)
    if (!(islower((unsigned char)z[i]) || isdigit((unsigned char)z[i]) || z[i] == '-' || z[i] == '_' || z[i] == '.'))
      return false;
  return true;
}

int repo_country(Store *s, const char *zCode, char zAlpha2[3], Err *e) {
  char zUp[4];
  size_t n = zCode ? strlen(zCode) : 0;
  if (n != 2 && n != 3) {
    err_set(e, ERR_INVALID, "\"%s\" is not an ISO 3166-1 country code", zCode ? zCode : "");
    err_hint(e, "use two or three letters, e.g. PH or PHL");
    return -1;
  }
  for (size_t i = 0; i < n; i++) zUp[i] = (char)toupper((unsigned char)zCode[i]);
  zUp[n] = 0;
  Stmt *q = store_prepare(s, "SELECT alpha2 FROM country WHERE alpha2 = :c OR alpha3 = :c", e);
  if (!q) return -1;
  stmt_bind_text(q, ":c", zUp);
  int rc = stmt_step(q, e);
  if (rc == 1) memcpy(zAlpha2, stmt_text(q, 0), 3);
  stmt_finalize(q);
  if (rc == 0) {
    err_set(e, ERR_NOT_FOUND, "no country with code %s", zUp);
    err_hint(e, "`lmis country list` lists the ISO 3166-1 codes");
  }
  return rc == 1 ? 0 : -1;
}

/* An array of country codes resolved to alpha-2, into az (room for nMax). */
static int imp_countries(Imp *m, json_t *o, const char *zKey, char (*az)[3], int nMax, int *pn) {
  json_t *a = json_object_get(o, zKey), *v;
  size_t i;
  *pn = 0;
  if (!a || json_is_null(a)) return 0;
  if (!json_is_array(a)) return imp_fail(m, zKey, "must be an array of country codes%s", NULL);
  if ((int)json_array_size(a) > nMax) return imp_fail(m, zKey, "has too many countries%s", NULL);
  json_array_foreach(a, i, v) {
    Err e2 = ERR_INIT;
    size_t n0 = ptr_push(m, zKey, -1);
    char zIdx[24];
    snprintf(zIdx, sizeof zIdx, "%zu", i);
    if (!json_is_string(v)) { imp_fail(m, zIdx, "must be an ISO 3166-1 code%s", NULL); ptr_pop(m, n0); return -1; }
    if (repo_country(m->s, json_string_value(v), az[*pn], &e2)) {
      imp_fail(m, zIdx, "%s", e2.zMsg ? e2.zMsg : "unknown country");
      err_clear(&e2);
      ptr_pop(m, n0);
      return -1;
    }
    for (int k = 0; k < *pn; k++)
      if (strcmp(az[k], az[*pn]) == 0) { imp_fail(m, zIdx, "country %s appears twice", az[k]); ptr_pop(m, n0); return -1; }
    ptr_pop(m, n0);
    (*pn)++;
  }
  return 0;
}

/* An array of strings each passing xCheck (NULL: any text); stored as JSON text. */
static int imp_str_array(Imp *m, json_t *o, const char *zKey, bool (*xCheck)(Imp *, const char *), const char *zWhat,
                         char **pzJson) {
  json_t *a = json_object_get(o, zKey), *v;
  size_t i;
  *pzJson = NULL;
  if (!a || json_is_null(a)) { *pzJson = xstrdup("[]"); return 0; }
  if (!json_is_array(a) || json_array_size(a) > 200) return imp_fail(m, zKey, "must be an array of at most 200 %s", zWhat);
  json_array_foreach(a, i, v) {
    char zIdx[24];
    size_t n0 = ptr_push(m, zKey, -1);
    snprintf(zIdx, sizeof zIdx, "%zu", i);
    if (!json_is_string(v) || !text_ok(json_string_value(v)) || json_string_length(v) == 0 ||
        json_string_length(v) > MAX_SHORT) {
      imp_fail(m, zIdx, "must be %s", zWhat);
      ptr_pop(m, n0);
      return -1;
    }
    if (xCheck && !xCheck(m, json_string_value(v))) {
      imp_fail(m, zIdx, "\"%s\" is not known", json_string_value(v));
      ptr_pop(m, n0);
      return -1;
    }
    ptr_pop(m, n0);
  }
  *pzJson = json_dumps(a, JSON_COMPACT);
  return 0;
}

static bool isic_ok(Imp *m, const char *z) {
  (void)m;
  /* ISIC Rev.4: a section letter A-U, or a division/group/class of 2-4 digits, optionally after the letter. */
  size_t n = strlen(z), i = 0;
  if (n >= 1 && z[0] >= 'A' && z[0] <= 'U') i = 1;
  if (i == n) return n == 1;
  if (n - i < 2 || n - i > 4) return false;
  for (; i < n; i++)
    if (!isdigit((unsigned char)z[i])) return false;
  return true;
}

static bool isco_exists(Imp *m, const char *z) {
  Err e2 = ERR_INIT;
  Stmt *q = store_prepare(m->s, "SELECT 1 FROM isco_group WHERE code = :c", &e2);
  int rc = 0;
  if (q) {
    stmt_bind_text(q, ":c", z);
    rc = stmt_step(q, &e2);
    stmt_finalize(q);
  }
  err_clear(&e2);
  return rc == 1;
}

static bool mflm_ok(Imp *m, const char *z) {
  static const char *const az[] = {"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"};
  (void)m;
  for (size_t i = 0; i < COUNT(az); i++)
    if (strcmp(az[i], z) == 0) return true;
  return false;
}

static bool lang_ok(const char *z) {
  return strlen(z) == 2 && islower((unsigned char)z[0]) && islower((unsigned char)z[1]);
}

static int imp_lang(Imp *m, json_t *o, const char *zKey, const char **pz) {
  if (imp_str(m, o, zKey, false, 8, pz)) return -1;
  if (*pz && !lang_ok(*pz)) return imp_fail(m, zKey, "\"%s\" is not an ISO 639-1 code such as en, fr or es", *pz);
  return 0;
}

static int64_t iNow(void) { return now_seconds(); }

/* Index one record for search: title words, body words, stems in each part's language. */
static int fts_put(Imp *m, const char *zKind, const char *zRef, const char *zTitleEn, const char *zTitleOrig,
                   const char *zTitleLang, const char *zBody, const char *zLang) {
  Buf title, stems;
  char *z;
  int rc = -1;
  Stmt *q = store_prepare(m->s, "DELETE FROM repo_fts WHERE kind = :kind AND ref = :ref", m->e);
  if (!q) return -1;
  stmt_bind_text(q, ":kind", zKind);
  stmt_bind_text(q, ":ref", zRef);
  rc = stmt_run(q, m->e);
  stmt_finalize(q);
  if (rc) return -1;
  buf_init(&title, BUF_UNBOUNDED);
  buf_init(&stems, BUF_UNBOUNDED);
  buf_puts(&title, zTitleEn);
  if (zTitleOrig) { buf_puts(&title, " / "); buf_puts(&title, zTitleOrig); }
  z = repo_stem_text(zTitleEn, "en");
  buf_puts(&stems, z);
  free(z);
  if (zTitleOrig) {
    z = repo_stem_text(zTitleOrig, zTitleLang);
    buf_putc(&stems, ' ');
    buf_puts(&stems, z);
    free(z);
  }
  z = repo_stem_text(zBody, zLang);
  buf_putc(&stems, ' ');
  buf_puts(&stems, z);
  free(z);
  q = store_prepare(m->s, "INSERT INTO repo_fts(kind, ref, title, body, stems) VALUES(:kind, :ref, :title, :body, :stems)", m->e);
  rc = -1;
  if (q) {
    stmt_bind_text(q, ":kind", zKind);
    stmt_bind_text(q, ":ref", zRef);
    stmt_bind_text(q, ":title", buf_cstr(&title));
    stmt_bind_text(q, ":body", zBody ? zBody : "");
    stmt_bind_text(q, ":stems", buf_cstr(&stems));
    rc = stmt_run(q, m->e);
    stmt_finalize(q);
  }
  buf_free(&title);
  buf_free(&stems);
  return rc;
}

/* summary and text joined as the searchable body; caller frees. */
static char *body_of(const char *zSummary, const char *zText) {
  if (zSummary && zText) return xasprintf("%s\n\n%s", zSummary, zText);
  return xstrdup(zSummary ? zSummary : zText ? zText : "");
}

static const char *const azType[] = {"bilateral_labour_agreement", "memorandum_of_understanding",
                                     "social_security_agreement", "regional_framework", "framework_agreement", NULL};
static const char *const azStatus[] = {"draft", "signed", "in force", "expired", "terminated", "unknown", NULL};
static const char *const azRating[] = {"met", "partly", "not met", "unknown", NULL};
static const char *const azRatStatus[] = {"in force", "not in force", "denounced", "signed", NULL};

static int criterion_exists(Store *s, const char *z, Err *e) {
  Stmt *q = store_prepare(s, "SELECT 1 FROM agreement_criterion WHERE code = :c", e);
  if (!q) return -1;
  stmt_bind_text(q, ":c", z);
  int rc = stmt_step(q, e);
  stmt_finalize(q);
  return rc;
}

static int today(char z[32]) {
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  return snprintf(z, 32, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) > 0 ? 0 : -1;
}

static int upsert_assessment(Store *s, int64_t id, const char *zCrit, const char *zRating, const char *zClause,
                             const char *zArticle, const char *zAssessor, const char *zDate, const char *zSource,
                             Err *e) {
  Stmt *q = store_prepare(s,
    "INSERT INTO agreement_assessment(agreement_id, criterion, rating, clause, article, assessor, assessed_on, source)"
    " VALUES(:id, :c, :r, :clause, :article, :who, :on, :src)"
    " ON CONFLICT(agreement_id, criterion) DO UPDATE SET rating = excluded.rating, clause = excluded.clause,"
    " article = excluded.article, assessor = excluded.assessor, assessed_on = excluded.assessed_on,"
    " source = excluded.source", e);
  if (!q) return -1;
  stmt_bind_int(q, ":id", id);
  stmt_bind_text(q, ":c", zCrit);
  stmt_bind_text(q, ":r", zRating);
  stmt_bind_text(q, ":clause", zClause);
  stmt_bind_text(q, ":article", zArticle);
  stmt_bind_text(q, ":who", zAssessor);
  stmt_bind_text(q, ":on", zDate);
  stmt_bind_text(q, ":src", zSource);
  int rc = stmt_run(q, e);
  stmt_finalize(q);
  return rc;
}

static const char *const azAgreementKey[] = {
  "id", "type", "title_en", "title_original", "title_lang", "parties", "members", "regional_body",
  "date_signed", "place_signed", "date_in_force", "date_expiry", "renewal", "status", "facilitates_mobility",
  "social_security_portability", "worker_categories", "sectors", "occupations", "lang", "summary", "text",
  "source", "source_url", "notes", "versions", "assessment", NULL};

static int import_agreement(Imp *m, json_t *o) {
  const char *zRef, *zType, *zTitle, *zOrig, *zTitleLang, *zBody0, *zSigned, *zPlace, *zInForce, *zExpiry,
    *zRenewal, *zStatus, *zLang, *zSummary, *zText, *zSource, *zUrl, *zNotes;
  char aParty[64][3], aMember[64][3];
  int nParty, nMember, bMob, bSs, rc = -1;
  char *zCats = NULL, *zSectors = NULL, *zOcc = NULL, *zBody = NULL;
  int64_t id;
  Stmt *q = NULL;
  if (imp_keys(m, o, azAgreementKey)) return -1;
  if (imp_str(m, o, "id", true, 64, &zRef)) return -1;
  if (!ref_ok(zRef)) return imp_fail(m, "id", "\"%s\" must be 1-64 lower-case letters, digits, '-', '_' or '.'", zRef);
  if (imp_enum(m, o, "type", true, azType, &zType) || imp_str(m, o, "title_en", true, MAX_SHORT, &zTitle) ||
      imp_str(m, o, "title_original", false, MAX_SHORT, &zOrig) || imp_lang(m, o, "title_lang", &zTitleLang) ||
      imp_str(m, o, "regional_body", false, MAX_SHORT, &zBody0) || imp_date(m, o, "date_signed", &zSigned) ||
      imp_str(m, o, "place_signed", false, MAX_SHORT, &zPlace) || imp_date(m, o, "date_in_force", &zInForce) ||
      imp_date(m, o, "date_expiry", &zExpiry) || imp_str(m, o, "renewal", false, MAX_SHORT, &zRenewal) ||
      imp_enum(m, o, "status", true, azStatus, &zStatus) || imp_bool(m, o, "facilitates_mobility", &bMob) ||
      imp_bool(m, o, "social_security_portability", &bSs) || imp_lang(m, o, "lang", &zLang) ||
      imp_str(m, o, "summary", false, MAX_LONG, &zSummary) || imp_str(m, o, "text", false, MAX_LONG, &zText) ||
      imp_str(m, o, "source", true, MAX_SHORT * 4, &zSource) || imp_str(m, o, "source_url", false, MAX_SHORT, &zUrl) ||
      imp_str(m, o, "notes", false, MAX_CLAUSE, &zNotes))
    return -1;
  if (zOrig && !zTitleLang) return imp_fail(m, "title_lang", "is required with title_original%s", NULL);
  if ((zSummary || zText) && !zLang) return imp_fail(m, "lang", "is required with a summary or text (en, fr, es, ...)%s", NULL);
  if (zSigned && zInForce && strncmp(zInForce, zSigned, strlen(zInForce) < strlen(zSigned) ? strlen(zInForce) : strlen(zSigned)) < 0)
    return imp_fail(m, "date_in_force", "%s is before the date signed", zInForce);
  if (imp_countries(m, o, "parties", aParty, 64, &nParty) || imp_countries(m, o, "members", aMember, 64, &nMember))
    return -1;
  if (nMember > 0 && !zBody0) return imp_fail(m, "regional_body", "is required when members are listed%s", NULL);
  if (nParty + nMember < 2 && !(zBody0 && nParty + nMember >= 1))
    return imp_fail(m, "parties", "needs two or more countries, or a regional_body with its members%s", NULL);
  for (int i = 0; i < nMember; i++)
    for (int k = 0; k < nParty; k++)
      if (strcmp(aMember[i], aParty[k]) == 0) return imp_fail(m, "members", "%s is already a party", aMember[i]);
  if (imp_str_array(m, o, "worker_categories", NULL, "text", &zCats) ||
      imp_str_array(m, o, "sectors", isic_ok, "ISIC Rev.4 codes (a section letter A-U or 2-4 digits)", &zSectors) ||
      imp_str_array(m, o, "occupations", isco_exists, "ISCO-08 codes", &zOcc))
    goto agr_out;

  q = store_prepare(m->s,
    "INSERT INTO agreement(ref, type, title_en, title_original, title_lang, regional_body, date_signed, place_signed,"
    " date_in_force, date_expiry, renewal, status, facilitates_mobility, social_security_portability,"
    " worker_categories, sectors, occupations, lang, summary, full_text, source, source_url, notes, updated_at, updated_by)"
    " VALUES(:ref, :type, :title, :orig, :tlang, :body, :signed, :place, :inforce, :expiry, :renewal, :status, :mob,"
    " :ss, :cats, :sectors, :occ, :lang, :summary, :text, :source, :url, :notes, :now, :user)"
    " ON CONFLICT(ref) DO UPDATE SET type = excluded.type, title_en = excluded.title_en,"
    " title_original = excluded.title_original, title_lang = excluded.title_lang, regional_body = excluded.regional_body,"
    " date_signed = excluded.date_signed, place_signed = excluded.place_signed, date_in_force = excluded.date_in_force,"
    " date_expiry = excluded.date_expiry, renewal = excluded.renewal, status = excluded.status,"
    " facilitates_mobility = excluded.facilitates_mobility,"
    " social_security_portability = excluded.social_security_portability,"
    " worker_categories = excluded.worker_categories, sectors = excluded.sectors, occupations = excluded.occupations,"
    " lang = excluded.lang, summary = excluded.summary, full_text = excluded.full_text, source = excluded.source,"
    " source_url = excluded.source_url, notes = excluded.notes, updated_at = excluded.updated_at,"
    " updated_by = excluded.updated_by", m->e);
  if (!q) goto agr_out;
  stmt_bind_text(q, ":ref", zRef);
  stmt_bind_text(q, ":type", zType);
  stmt_bind_text(q, ":title", zTitle);
  stmt_bind_text(q, ":orig", zOrig);
  stmt_bind_text(q, ":tlang", zTitleLang);
  stmt_bind_text(q, ":body", zBody0);
  stmt_bind_text(q, ":signed", zSigned);
  stmt_bind_text(q, ":place", zPlace);
  stmt_bind_text(q, ":inforce", zInForce);
  stmt_bind_text(q, ":expiry", zExpiry);
  stmt_bind_text(q, ":renewal", zRenewal);
  stmt_bind_text(q, ":status", zStatus);
  if (bMob < 0) stmt_bind_null(q, ":mob"); else stmt_bind_int(q, ":mob", bMob);
  if (bSs < 0) stmt_bind_null(q, ":ss"); else stmt_bind_int(q, ":ss", bSs);
  stmt_bind_text(q, ":cats", zCats);
  stmt_bind_text(q, ":sectors", zSectors);
  stmt_bind_text(q, ":occ", zOcc);
  stmt_bind_text(q, ":lang", zLang);
  stmt_bind_text(q, ":summary", zSummary);
  stmt_bind_text(q, ":text", zText);
  stmt_bind_text(q, ":source", zSource);
  stmt_bind_text(q, ":url", zUrl);
  stmt_bind_text(q, ":notes", zNotes);
  stmt_bind_int(q, ":now", iNow());
  stmt_bind_text(q, ":user", m->zUser);
  if (stmt_run(q, m->e)) goto agr_out;
  stmt_finalize(q);
  q = store_prepare(m->s, "SELECT id FROM agreement WHERE ref = :ref", m->e);
  if (!q) goto agr_out;
  stmt_bind_text(q, ":ref", zRef);
  if (stmt_step(q, m->e) != 1) goto agr_out;
  id = stmt_int(q, 0);
  stmt_finalize(q);
  q = store_prepare(m->s, "DELETE FROM agreement_party WHERE agreement_id = :id", m->e);
  if (!q) goto agr_out;
  stmt_bind_int(q, ":id", id);
  if (stmt_run(q, m->e)) goto agr_out;
  stmt_finalize(q);
  q = store_prepare(m->s, "INSERT INTO agreement_party(agreement_id, country, role) VALUES(:id, :c, :role)", m->e);
  if (!q) goto agr_out;
  for (int i = 0; i < nParty + nMember; i++) {
    stmt_reset(q);
    stmt_bind_int(q, ":id", id);
    stmt_bind_text(q, ":c", i < nParty ? aParty[i] : aMember[i - nParty]);
    stmt_bind_text(q, ":role", i < nParty ? "party" : "member");
    if (stmt_run(q, m->e)) goto agr_out;
  }
  stmt_finalize(q);

  /* versions: replaced as a whole */
  q = store_prepare(m->s, "DELETE FROM agreement_version WHERE agreement_id = :id", m->e);
  if (!q) goto agr_out;
  stmt_bind_int(q, ":id", id);
  if (stmt_run(q, m->e)) goto agr_out;
  stmt_finalize(q);
  q = NULL;
  json_t *aV = json_object_get(o, "versions"), *v;
  size_t i;
  if (aV && !json_is_null(aV)) {
    if (!json_is_array(aV)) { imp_fail(m, "versions", "must be an array%s", NULL); goto agr_out; }
    q = store_prepare(m->s, "INSERT INTO agreement_version(agreement_id, version, date, description, source)"
                            " VALUES(:id, :v, :date, :d, :src)", m->e);
    if (!q) goto agr_out;
    json_array_foreach(aV, i, v) {
      static const char *const azK[] = {"version", "date", "description", "source", NULL};
      const char *zDate, *zDesc, *zSrc;
      size_t n0 = ptr_push(m, "versions", -1), n1 = ptr_push(m, NULL, (long)i);
      (void)n1;
      json_t *pNum = json_object_get(v, "version");
      if (imp_keys(m, v, azK) || imp_date(m, v, "date", &zDate) || imp_str(m, v, "description", true, MAX_CLAUSE, &zDesc) ||
          imp_str(m, v, "source", false, MAX_SHORT, &zSrc)) { ptr_pop(m, n0); goto agr_out; }
      if (!json_is_integer(pNum) || json_integer_value(pNum) < 1 || json_integer_value(pNum) > 1000) {
        imp_fail(m, "version", "must be a whole number from 1%s", NULL);
        ptr_pop(m, n0);
        goto agr_out;
      }
      stmt_reset(q);
      stmt_bind_int(q, ":id", id);
      stmt_bind_int(q, ":v", json_integer_value(pNum));
      stmt_bind_text(q, ":date", zDate);
      stmt_bind_text(q, ":d", zDesc);
      stmt_bind_text(q, ":src", zSrc);
      if (stmt_run(q, m->e)) {
        err_clear(m->e);
        imp_fail(m, "version", "this version number appears twice%s", NULL);
        ptr_pop(m, n0);
        goto agr_out;
      }
      ptr_pop(m, n0);
    }
    stmt_finalize(q);
    q = NULL;
  }

  /* assessment: criteria given are set; others stay as they were */
  json_t *aA = json_object_get(o, "assessment");
  if (aA && !json_is_null(aA)) {
    if (!json_is_array(aA)) { imp_fail(m, "assessment", "must be an array%s", NULL); goto agr_out; }
    json_array_foreach(aA, i, v) {
      static const char *const azK[] = {"criterion", "rating", "clause", "article", "assessor", "date", "source", NULL};
      const char *zCrit, *zRating, *zClause, *zArt, *zWho, *zDate, *zSrc;
      size_t n0 = ptr_push(m, "assessment", -1);
      ptr_push(m, NULL, (long)i);
      if (imp_keys(m, v, azK) || imp_str(m, v, "criterion", true, 64, &zCrit) ||
          imp_enum(m, v, "rating", true, azRating, &zRating) || imp_str(m, v, "clause", false, MAX_CLAUSE, &zClause) ||
          imp_str(m, v, "article", false, 64, &zArt) || imp_str(m, v, "assessor", true, MAX_SHORT, &zWho) ||
          imp_date(m, v, "date", &zDate) || imp_str(m, v, "source", false, MAX_SHORT * 4, &zSrc)) {
        ptr_pop(m, n0);
        goto agr_out;
      }
      int k = criterion_exists(m->s, zCrit, m->e);
      if (k < 0) { ptr_pop(m, n0); goto agr_out; }
      if (k == 0) { imp_fail(m, "criterion", "unknown criterion \"%s\" (`lmis agreement assess --help` lists them)", zCrit); ptr_pop(m, n0); goto agr_out; }
      if (!zDate) { imp_fail(m, "date", "is required (the day of the assessment)%s", NULL); ptr_pop(m, n0); goto agr_out; }
      if (upsert_assessment(m->s, id, zCrit, zRating, zClause, zArt, zWho, zDate, zSrc, m->e)) { ptr_pop(m, n0); goto agr_out; }
      m->pOut->nAssessment++;
      ptr_pop(m, n0);
    }
  }
  zBody = body_of(zSummary, zText);
  if (fts_put(m, "agreement", zRef, zTitle, zOrig, zTitleLang, zBody, zLang)) goto agr_out;
  m->pOut->nAgreement++;
  rc = 0;
agr_out:
  stmt_finalize(q);
  free(zCats);
  free(zSectors);
  free(zOcc);
  free(zBody);
  return rc;
}

static const char *const azPracticeKey[] = {"id", "title_en", "theme", "mflm", "countries", "regional_body", "year",
                                            "lang", "description", "evidence", "source", "source_url", NULL};

static int import_practice(Imp *m, json_t *o) {
  const char *zRef, *zTitle, *zTheme, *zBodyR, *zLang, *zDesc, *zEv, *zSrc, *zUrl;
  char aC[64][3];
  int nC, rc = -1;
  char *zMflm = NULL, *zBody = NULL;
  json_t *pYear;
  Stmt *q = NULL;
  int64_t id;
  if (imp_keys(m, o, azPracticeKey) || imp_str(m, o, "id", true, 64, &zRef)) return -1;
  if (!ref_ok(zRef)) return imp_fail(m, "id", "\"%s\" must be 1-64 lower-case letters, digits, '-', '_' or '.'", zRef);
  if (imp_str(m, o, "title_en", true, MAX_SHORT, &zTitle) || imp_str(m, o, "theme", true, MAX_SHORT, &zTheme) ||
      imp_str(m, o, "regional_body", false, MAX_SHORT, &zBodyR) || imp_lang(m, o, "lang", &zLang) ||
      imp_str(m, o, "description", true, MAX_LONG, &zDesc) || imp_str(m, o, "evidence", false, MAX_LONG, &zEv) ||
      imp_str(m, o, "source", true, MAX_SHORT * 4, &zSrc) || imp_str(m, o, "source_url", false, MAX_SHORT, &zUrl) ||
      imp_countries(m, o, "countries", aC, 64, &nC))
    return -1;
  if (!zLang) return imp_fail(m, "lang", "is required: the language of the description (en, fr, es, ...)%s", NULL);
  pYear = json_object_get(o, "year");
  if (pYear && !json_is_null(pYear) &&
      (!json_is_integer(pYear) || json_integer_value(pYear) < 1900 || json_integer_value(pYear) > 2200))
    return imp_fail(m, "year", "must be a year from 1900 to 2200%s", NULL);
  if (imp_str_array(m, o, "mflm", mflm_ok, "a principle area of the Multilateral Framework, I to IX", &zMflm)) return -1;
  q = store_prepare(m->s,
    "INSERT INTO practice(ref, title_en, theme, mflm, regional_body, year, lang, description, evidence, source,"
    " source_url, updated_at) VALUES(:ref, :title, :theme, :mflm, :body, :year, :lang, :desc, :ev, :src, :url, :now)"
    " ON CONFLICT(ref) DO UPDATE SET title_en = excluded.title_en, theme = excluded.theme, mflm = excluded.mflm,"
    " regional_body = excluded.regional_body, year = excluded.year, lang = excluded.lang,"
    " description = excluded.description, evidence = excluded.evidence, source = excluded.source,"
    " source_url = excluded.source_url, updated_at = excluded.updated_at", m->e);
  if (!q) goto pr_out;
  stmt_bind_text(q, ":ref", zRef);
  stmt_bind_text(q, ":title", zTitle);
  stmt_bind_text(q, ":theme", zTheme);
  stmt_bind_text(q, ":mflm", zMflm);
  stmt_bind_text(q, ":body", zBodyR);
  if (json_is_integer(pYear)) stmt_bind_int(q, ":year", json_integer_value(pYear)); else stmt_bind_null(q, ":year");
  stmt_bind_text(q, ":lang", zLang);
  stmt_bind_text(q, ":desc", zDesc);
  stmt_bind_text(q, ":ev", zEv);
  stmt_bind_text(q, ":src", zSrc);
  stmt_bind_text(q, ":url", zUrl);
  stmt_bind_int(q, ":now", iNow());
  if (stmt_run(q, m->e)) goto pr_out;
  stmt_finalize(q);
  q = store_prepare(m->s, "SELECT id FROM practice WHERE ref = :ref", m->e);
  if (!q) goto pr_out;
  stmt_bind_text(q, ":ref", zRef);
  if (stmt_step(q, m->e) != 1) goto pr_out;
  id = stmt_int(q, 0);
  stmt_finalize(q);
  q = store_prepare(m->s, "DELETE FROM practice_country WHERE practice_id = :id", m->e);
  if (!q) goto pr_out;
  stmt_bind_int(q, ":id", id);
  if (stmt_run(q, m->e)) goto pr_out;
  stmt_finalize(q);
  q = store_prepare(m->s, "INSERT INTO practice_country(practice_id, country) VALUES(:id, :c)", m->e);
  if (!q) goto pr_out;
  for (int i = 0; i < nC; i++) {
    stmt_reset(q);
    stmt_bind_int(q, ":id", id);
    stmt_bind_text(q, ":c", aC[i]);
    if (stmt_run(q, m->e)) goto pr_out;
  }
  zBody = body_of(zDesc, zEv);
  /* the theme is searched with the title ("skills recognition") */
  char *zTitleTheme = xasprintf("%s (%s)", zTitle, zTheme);
  rc = fts_put(m, "practice", zRef, zTitleTheme, NULL, NULL, zBody, zLang);
  free(zTitleTheme);
  if (rc) { rc = -1; goto pr_out; }
  m->pOut->nPractice++;
  rc = 0;
pr_out:
  stmt_finalize(q);
  free(zMflm);
  free(zBody);
  return rc;
}

static int instrument_exists(Store *s, const char *z, Err *e) {
  Stmt *q = store_prepare(s, "SELECT 1 FROM instrument WHERE code = :c", e);
  if (!q) return -1;
  stmt_bind_text(q, ":c", z);
  int rc = stmt_step(q, e);
  stmt_finalize(q);
  return rc;
}

static int import_ratification(Imp *m, json_t *o) {
  static const char *const azK[] = {"country", "instrument", "date", "year", "status", "exclusions", "notes", "source", NULL};
  const char *zCountry, *zInst, *zDate, *zStatus, *zExcl, *zNotes, *zSrc;
  char zA2[3];
  Err e2 = ERR_INIT;
  json_t *pYear;
  long long year = 0;
  if (imp_keys(m, o, azK) || imp_str(m, o, "country", true, 8, &zCountry) || imp_str(m, o, "instrument", true, 16, &zInst) ||
      imp_date(m, o, "date", &zDate) || imp_enum(m, o, "status", true, azRatStatus, &zStatus) ||
      imp_str(m, o, "exclusions", false, MAX_SHORT, &zExcl) || imp_str(m, o, "notes", false, MAX_CLAUSE, &zNotes) ||
      imp_str(m, o, "source", true, MAX_SHORT * 4, &zSrc))
    return -1;
  if (repo_country(m->s, zCountry, zA2, &e2)) {
    imp_fail(m, "country", "%s", e2.zMsg);
    err_clear(&e2);
    return -1;
  }
  int k = instrument_exists(m->s, zInst, m->e);
  if (k < 0) return -1;
  if (k == 0) return imp_fail(m, "instrument", "unknown instrument \"%s\" (C097, C102, C118, C143, C157, C181, C189 or ICMW)", zInst);
  pYear = json_object_get(o, "year");
  if (pYear && !json_is_null(pYear)) {
    if (!json_is_integer(pYear) || json_integer_value(pYear) < 1919 || json_integer_value(pYear) > 2200)
      return imp_fail(m, "year", "must be a year from 1919%s", NULL);
    year = json_integer_value(pYear);
  }
  if (zDate) {
    long long yd = (zDate[0] - '0') * 1000 + (zDate[1] - '0') * 100 + (zDate[2] - '0') * 10 + (zDate[3] - '0');
    if (year && year != yd) return imp_fail(m, "year", "does not match the date%s", NULL);
    year = yd;
  }
  if (!year && strcmp(zStatus, "signed") != 0) return imp_fail(m, "year", "a ratification needs its year or date%s", NULL);
  Stmt *q = store_prepare(m->s,
    "INSERT INTO ratification(country, instrument, date, year, status, exclusions, notes, source)"
    " VALUES(:c, :i, :date, :year, :status, :excl, :notes, :src)"
    " ON CONFLICT(country, instrument) DO UPDATE SET date = excluded.date, year = excluded.year,"
    " status = excluded.status, exclusions = excluded.exclusions, notes = excluded.notes, source = excluded.source", m->e);
  if (!q) return -1;
  stmt_bind_text(q, ":c", zA2);
  stmt_bind_text(q, ":i", zInst);
  stmt_bind_text(q, ":date", zDate);
  if (year) stmt_bind_int(q, ":year", year); else stmt_bind_null(q, ":year");
  stmt_bind_text(q, ":status", zStatus);
  stmt_bind_text(q, ":excl", zExcl);
  stmt_bind_text(q, ":notes", zNotes);
  stmt_bind_text(q, ":src", zSrc);
  int rc = stmt_run(q, m->e);
  stmt_finalize(q);
  if (!rc) m->pOut->nRatification++;
  return rc;
}

static int import_coverage(Imp *m, json_t *o) {
  static const char *const azK[] = {"instrument", "complete", "as_of", "note", NULL};
  const char *zInst, *zAsOf, *zNote;
  int bComplete;
  if (imp_keys(m, o, azK) || imp_str(m, o, "instrument", true, 16, &zInst) || imp_bool(m, o, "complete", &bComplete) ||
      imp_date(m, o, "as_of", &zAsOf) || imp_str(m, o, "note", false, MAX_CLAUSE, &zNote))
    return -1;
  if (bComplete < 0) return imp_fail(m, "complete", "is required: true when every ratification is held%s", NULL);
  int k = instrument_exists(m->s, zInst, m->e);
  if (k < 0) return -1;
  if (k == 0) return imp_fail(m, "instrument", "unknown instrument \"%s\"", zInst);
  Stmt *q = store_prepare(m->s, "INSERT OR REPLACE INTO ratification_coverage(instrument, complete, as_of, note)"
                                " VALUES(:i, :c, :a, :n)", m->e);
  if (!q) return -1;
  stmt_bind_text(q, ":i", zInst);
  stmt_bind_int(q, ":c", bComplete);
  stmt_bind_text(q, ":a", zAsOf);
  stmt_bind_text(q, ":n", zNote);
  int rc = stmt_run(q, m->e);
  stmt_finalize(q);
  if (!rc) m->pOut->nCoverage++;
  return rc;
}

/* The R86 model checklist replaces the whole table. */
static int import_r86(Imp *m, json_t *o) {
  static const char *const azK[] = {"source", "items", NULL};
  static const char *const azItemK[] = {"article", "title", "summary", "terms", NULL};
  const char *zSrc;
  json_t *a = json_object_get(o, "items"), *v;
  size_t i;
  Stmt *q;
  if (imp_keys(m, o, azK) || imp_str(m, o, "source", true, MAX_SHORT * 4, &zSrc)) return -1;
  if (!json_is_array(a) || json_array_size(a) == 0) return imp_fail(m, "items", "must be a non-empty array%s", NULL);
  if (store_exec(m->s, "DELETE FROM r86_item", m->e)) return -1;
  q = store_prepare(m->s, "INSERT INTO r86_item(article, title_en, summary, terms) VALUES(:a, :t, :s, :terms)", m->e);
  if (!q) return -1;
  json_array_foreach(a, i, v) {
    const char *zTitle, *zSum;
    size_t n0 = ptr_push(m, "items", -1);
    ptr_push(m, NULL, (long)i);
    json_t *pArt = json_object_get(v, "article"), *pTerms = json_object_get(v, "terms");
    if (imp_keys(m, v, azItemK) || imp_str(m, v, "title", true, MAX_SHORT, &zTitle) ||
        imp_str(m, v, "summary", true, MAX_CLAUSE, &zSum)) goto r86_fail;
    if (!json_is_integer(pArt) || json_integer_value(pArt) < 1 || json_integer_value(pArt) > 100) {
      imp_fail(m, "article", "must be the article number%s", NULL);
      goto r86_fail;
    }
    if (!json_is_object(pTerms) || json_object_size(pTerms) == 0) {
      imp_fail(m, "terms", "must be an object {\"en\": [phrases], \"fr\": [...], \"es\": [...]}%s", NULL);
      goto r86_fail;
    }
    const char *zL;
    json_t *aT;
    json_object_foreach(pTerms, zL, aT) {
      char *zJ = NULL;
      if (!repo_lang_stemmed(zL)) { ptr_push(m, "terms", -1); imp_fail(m, zL, "terms are given in en, fr or es%s", NULL); goto r86_fail; }
      size_t n1 = ptr_push(m, "terms", -1);
      if (imp_str_array(m, pTerms, zL, NULL, "phrases", &zJ)) goto r86_fail;
      free(zJ);
      ptr_pop(m, n1);
    }
    char *zTerms = json_dumps(pTerms, JSON_COMPACT);
    stmt_reset(q);
    stmt_bind_int(q, ":a", json_integer_value(pArt));
    stmt_bind_text(q, ":t", zTitle);
    stmt_bind_text(q, ":s", zSum);
    stmt_bind_text(q, ":terms", zTerms);
    int rc = stmt_run(q, m->e);
    free(zTerms);
    if (rc) {
      err_clear(m->e);
      imp_fail(m, "article", "this article number appears twice%s", NULL);
      goto r86_fail;
    }
    ptr_pop(m, n0);
    continue;
  r86_fail:
    stmt_finalize(q);
    return -1;
  }
  stmt_finalize(q);
  return 0;
}

/* Run xOne over array member zKey of the document. */
static int imp_array(Imp *m, json_t *pDoc, const char *zKey, int (*xOne)(Imp *, json_t *)) {
  json_t *a = json_object_get(pDoc, zKey), *v;
  size_t i;
  if (!a) return 0;
  if (!json_is_array(a)) return imp_fail(m, zKey, "must be an array%s", NULL);
  json_array_foreach(a, i, v) {
    size_t n0 = ptr_push(m, zKey, -1);
    ptr_push(m, NULL, (long)i);
    if (xOne(m, v)) return -1;
    ptr_pop(m, n0);
  }
  return 0;
}

static int import_doc(Imp *m, json_t *pDoc) {
  static const char *const azK[] = {"$schema", "about", "r86_model", "agreements", "practices", "ratifications",
                                    "coverage", NULL};
  m->zPtr[0] = 0;
  if (!json_is_object(pDoc)) return imp_fail(m, NULL, "the document must be a JSON object%s", NULL);
  if (imp_keys(m, pDoc, azK)) return -1;
  json_t *pR86 = json_object_get(pDoc, "r86_model");
  if (pR86) {
    size_t n0 = ptr_push(m, "r86_model", -1);
    if (import_r86(m, pR86)) return -1;
    ptr_pop(m, n0);
  }
  return imp_array(m, pDoc, "agreements", import_agreement) || imp_array(m, pDoc, "practices", import_practice) ||
         imp_array(m, pDoc, "coverage", import_coverage) || imp_array(m, pDoc, "ratifications", import_ratification)
           ? -1 : 0;
}

static int import_in_tx(Store *s, json_t *pDoc, const char *zOrigin, const char *zUser, RepoImport *pOut, Err *e,
                        bool bOwnTx) {
  Imp m;
  RepoImport dummy;
  memset(&m, 0, sizeof m);
  memset(&dummy, 0, sizeof dummy);
  m.s = s;
  m.e = e;
  m.zOrigin = zOrigin ? zOrigin : "input";
  m.zUser = zUser;
  m.pOut = pOut ? pOut : &dummy;
  RepoImport before = *m.pOut;
  if (bOwnTx && store_begin(s, e)) return -1;
  if (import_doc(&m, pDoc)) {
    if (bOwnTx) store_rollback(s);
    *m.pOut = before;
    return -1;
  }
  if (bOwnTx && store_commit(s, e)) {
    store_rollback(s);
    *m.pOut = before;
    return -1;
  }
  return 0;
}

int repo_import_json(Store *s, json_t *pDoc, const char *zOrigin, const char *zUser, RepoImport *pOut, Err *e) {
  return import_in_tx(s, pDoc, zOrigin, zUser, pOut, e, true);
}

static json_t *load_json_file(const char *zPath, Err *e) {
  json_error_t je;
  FILE *f = fopen(zPath, "rb");
  if (!f) {
    err_set(e, ERR_IO, "cannot open %s", zPath);
    err_detail(e, "%s", strerror(errno));
    return NULL;
  }
  if (fseek(f, 0, SEEK_END) == 0 && ftell(f) > (long)MAX_IMPORT_BYTES) {
    fclose(f);
    err_set(e, ERR_TOO_LARGE, "%s is larger than 16 MiB", zPath);
    return NULL;
  }
  rewind(f);
  json_t *j = json_loadf(f, JSON_REJECT_DUPLICATES, &je);
  fclose(f);
  if (!j) {
    err_set(e, ERR_INVALID, "%s:%d:%d: not valid JSON: %s", zPath, je.line, je.column, je.text);
    err_where(e, "%s:%d", zPath, je.line);
  }
  return j;
}

int repo_import_file(Store *s, const char *zPath, const char *zUser, RepoImport *pOut, Err *e) {
  json_t *j = load_json_file(zPath, e);
  if (!j) return -1;
  int rc = repo_import_json(s, j, zPath, zUser, pOut, e);
  json_decref(j);
  return rc;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int repo_load_starter(Store *s, const char *zDataDir, RepoImport *pOut, Err *e) {
  char *zDir = xasprintf("%s/agreements", zDataDir);
  DIR *d = opendir(zDir);
  char **az = NULL;
  size_t n = 0;
  int rc = 0;
  struct dirent *de;
  if (!d) { free(zDir); return 0; }
  while ((de = readdir(d)) != NULL) {
    size_t k = strlen(de->d_name);
    if (k > 5 && strcmp(de->d_name + k - 5, ".json") == 0) {
      az = xrealloc(az, (n + 1) * sizeof *az);
      az[n++] = xstrdup(de->d_name);
    }
  }
  closedir(d);
  qsort(az, n, sizeof *az, cmp_str);
  /* the model first: nothing depends on it, but it is the reference of the set */
  for (size_t i = 0; i < n && rc == 0; i++) {
    if (strcmp(az[i], "r86-model.json") != 0) continue;
    char *zPath = xasprintf("%s/%s", zDir, az[i]);
    json_t *j = load_json_file(zPath, e);
    rc = j ? import_in_tx(s, j, zPath, "lmis init", pOut, e, false) : -1;
    json_decref(j);
    free(zPath);
  }
  for (size_t i = 0; i < n && rc == 0; i++) {
    if (strcmp(az[i], "r86-model.json") == 0) continue;
    char *zPath = xasprintf("%s/%s", zDir, az[i]);
    json_t *j = load_json_file(zPath, e);
    rc = j ? import_in_tx(s, j, zPath, "lmis init", pOut, e, false) : -1;
    json_decref(j);
    free(zPath);
  }
  for (size_t i = 0; i < n; i++) free(az[i]);
  free(az);
  free(zDir);
  return rc;
}

/* ---- search ---- */

/* The matching agreements with their bm25 score (NULL without text), filtered by
** the facets. m is materialized so that bm25() runs inside its own FTS5 query. */
#define HITS_CTE \
  "WITH m AS MATERIALIZED (" \
  "  SELECT ref, bm25(repo_fts, 0.0, 0.0, 10.0, 1.0, 2.0) AS score FROM repo_fts" \
  "  WHERE :q IS NOT NULL AND repo_fts MATCH :q AND kind = 'agreement')," \
  " hits AS (" \
  "  SELECT a.id, m.score FROM agreement a LEFT JOIN m ON m.ref = a.ref" \
  "  WHERE (:q IS NULL OR m.ref IS NOT NULL)" \
  "    AND (:type IS NULL OR a.type = :type) AND (:status IS NULL OR a.status = :status)" \
  "    AND (:year IS NULL OR substr(a.date_signed, 1, 4) = :year)" \
  "    AND (:country IS NULL OR EXISTS(SELECT 1 FROM agreement_party p WHERE p.agreement_id = a.id AND p.country = :country))" \
  "    AND (:met IS NULL OR EXISTS(SELECT 1 FROM agreement_assessment s WHERE s.agreement_id = a.id" \
  "         AND s.criterion = :met AND s.rating = 'met'))) "

typedef struct SearchBind {
  const char *zFts, *zType, *zStatus, *zCountry, *zMet;
  char zYear[8];
} SearchBind;

static void bind_search(Stmt *q, const SearchBind *b) {
  stmt_bind_text(q, ":q", b->zFts);
  stmt_bind_text(q, ":type", b->zType);
  stmt_bind_text(q, ":status", b->zStatus);
  stmt_bind_text(q, ":year", b->zYear[0] ? b->zYear : NULL);
  stmt_bind_text(q, ":country", b->zCountry);
  stmt_bind_text(q, ":met", b->zMet);
}

/* {value: count} for a two-column query (value, count). */
static json_t *facet(Store *s, const char *zSql, const SearchBind *b, Err *e) {
  Stmt *q = store_prepare(s, zSql, e);
  json_t *o;
  int rc;
  if (!q) return NULL;
  bind_search(q, b);
  o = json_object();
  while ((rc = stmt_step(q, e)) == 1)
    if (stmt_text(q, 0)) json_object_set_new(o, stmt_text(q, 0), json_integer(stmt_int(q, 1)));
  stmt_finalize(q);
  if (rc < 0) {
    json_decref(o);
    return NULL;
  }
  return o;
}

static json_t *parties_json(Store *s, int64_t id, Err *e) {
  Stmt *q = store_prepare(s, "SELECT p.country, c.alpha3, c.name_en, p.role FROM agreement_party p"
                             " JOIN country c ON c.alpha2 = p.country WHERE p.agreement_id = :id"
                             " ORDER BY p.role DESC, c.name_en", e);
  json_t *a;
  int rc;
  if (!q) return NULL;
  stmt_bind_int(q, ":id", id);
  a = json_array();
  while ((rc = stmt_step(q, e)) == 1)
    json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s}", "alpha2", stmt_text(q, 0), "alpha3", stmt_text(q, 1),
                                       "name", stmt_text(q, 2), "role", stmt_text(q, 3)));
  stmt_finalize(q);
  if (rc < 0) {
    json_decref(a);
    return NULL;
  }
  return a;
}

static int check_code_arg(const char *z, const char *const *az, const char *zWhat, Err *e) {
  if (!z) return 0;
  for (; *az; az++)
    if (strcmp(*az, z) == 0) return 0;
  err_set(e, ERR_INVALID, "unknown %s \"%s\"", zWhat, z);
  return -1;
}

static json_t *practice_rows(Store *s, const char *zFts, const char *zText, const char *zCountry, int nLimit,
                             const char *zOpen, const char *zClose, Err *e);

/* The FTS query for a search text (*pzFts NULL when there is none; the caller
** frees it); -1 with the error on parameter "q" when the text is not UTF-8, too
** long, or has no word (zExample: what the hint suggests typing, or NULL). */
static int search_text(const char *zText, const char *zExample, char **pzFts, Err *e) {
  *pzFts = NULL;
  if (!zText || !*zText) return 0;
  if (!utf8_valid_text(zText, strlen(zText)) || strlen(zText) > 1000) {
    err_set(e, ERR_INVALID, "the search text must be UTF-8 text of at most 1000 bytes");
    err_where(e, "q");
    return -1;
  }
  if (!(*pzFts = repo_fts_query(zText))) {
    err_set(e, ERR_INVALID, "nothing to search for in \"%s\"", zText);
    if (zExample) err_hint(e, "type at least one word, e.g. %s", zExample);
    err_where(e, "q");
    return -1;
  }
  return 0;
}

json_t *agreement_search(Store *s, const AgreementQuery *pq, Err *e) {
  SearchBind b;
  char *zFts = NULL;
  char zC[3];
  json_t *j = NULL, *aRes = NULL, *pFacets = NULL;
  Stmt *q = NULL;
  int rc, nLimit = pq->nLimit > 0 ? pq->nLimit : SEARCH_DEFAULT;
  const char *zOpen = pq->zOpen ? pq->zOpen : "[", *zClose = pq->zClose ? pq->zClose : "]";
  memset(&b, 0, sizeof b);
  if (nLimit > SEARCH_MAX) nLimit = SEARCH_MAX;
  if (search_text(pq->zText, "domestic workers", &zFts, e)) return NULL;
  if (check_code_arg(pq->zType, azType, "agreement type", e)) { err_where(e, "type"); goto search_out; }
  if (check_code_arg(pq->zStatus, azStatus, "status", e)) { err_where(e, "status"); goto search_out; }
  if (pq->zCountry) {
    if (repo_country(s, pq->zCountry, zC, e)) { err_where(e, "country"); goto search_out; }
    b.zCountry = zC;
  }
  if (pq->zMet) {
    int k = criterion_exists(s, pq->zMet, e);
    if (k < 0) goto search_out;
    if (k == 0) { err_set(e, ERR_INVALID, "unknown criterion \"%s\"", pq->zMet); err_where(e, "met"); goto search_out; }
  }
  if (pq->year) {
    if (pq->year < 1900 || pq->year > 2200) { err_set(e, ERR_INVALID, "year must be from 1900 to 2200"); err_where(e, "year"); goto search_out; }
    snprintf(b.zYear, sizeof b.zYear, "%d", pq->year);
  }
  b.zFts = zFts;
  b.zType = pq->zType;
  b.zStatus = pq->zStatus;
  b.zMet = pq->zMet;

  q = store_prepare(s, HITS_CTE
    "SELECT a.id, a.ref, a.type, a.title_en, a.title_original, a.status, a.date_signed, a.date_in_force,"
    " a.regional_body, a.summary, a.full_text, a.lang, h.score"
    " FROM hits h JOIN agreement a ON a.id = h.id"
    " ORDER BY CASE WHEN :q IS NULL THEN 0 ELSE h.score END, a.date_signed DESC, a.ref"
    " LIMIT :limit OFFSET :offset", e);
  if (!q) goto search_out;
  bind_search(q, &b);
  stmt_bind_int(q, ":limit", nLimit);
  stmt_bind_int(q, ":offset", pq->nOffset > 0 ? pq->nOffset : 0);
  aRes = json_array();
  while ((rc = stmt_step(q, e)) == 1) {
    char *zBody = body_of(stmt_text(q, 9), stmt_text(q, 10));
    char *zSnip = repo_snippet(zBody, stmt_text(q, 11), pq->zText, 28, zOpen, zClose);
    json_t *pParties = parties_json(s, stmt_int(q, 0), e);
    json_t *r = json_pack("{s:s, s:s, s:s, s:o, s:s, s:o, s:o, s:o, s:s}", "id", stmt_text(q, 1), "type",
                          stmt_text(q, 2), "title", stmt_text(q, 3), "title_original", jtext(stmt_text(q, 4)),
                          "status", stmt_text(q, 5), "date_signed", jtext(stmt_text(q, 6)), "date_in_force",
                          jtext(stmt_text(q, 7)), "regional_body", jtext(stmt_text(q, 8)), "snippet", zSnip);
    json_object_set_new(r, "parties", pParties ? pParties : json_array());
    json_object_set_new(r, "score", stmt_is_null(q, 12) ? json_null() : json_real(-stmt_double(q, 12)));
    json_array_append_new(aRes, r);
    free(zBody);
    free(zSnip);
    if (!pParties) { rc = -1; break; }
  }
  stmt_finalize(q);
  q = NULL;
  if (rc < 0) goto search_out;

  pFacets = json_object();
  static const struct { const char *zName, *zSql; } aFacet[] = {
    {"type", HITS_CTE "SELECT a.type, count(*) FROM hits h JOIN agreement a ON a.id = h.id GROUP BY 1 ORDER BY 1"},
    {"status", HITS_CTE "SELECT a.status, count(*) FROM hits h JOIN agreement a ON a.id = h.id GROUP BY 1 ORDER BY 1"},
    {"year", HITS_CTE "SELECT substr(a.date_signed, 1, 4), count(*) FROM hits h JOIN agreement a ON a.id = h.id"
             " WHERE a.date_signed IS NOT NULL GROUP BY 1 ORDER BY 1 DESC"},
    {"country", HITS_CTE "SELECT p.country, count(DISTINCT h.id) FROM hits h JOIN agreement_party p"
                " ON p.agreement_id = h.id GROUP BY 1 ORDER BY 2 DESC, 1"},
    {"met", HITS_CTE "SELECT s.criterion, count(*) FROM hits h JOIN agreement_assessment s ON s.agreement_id = h.id"
            " AND s.rating = 'met' JOIN agreement_criterion k ON k.code = s.criterion GROUP BY 1 ORDER BY min(k.position)"},
  };
  for (size_t i = 0; i < COUNT(aFacet); i++) {
    json_t *f = facet(s, aFacet[i].zSql, &b, e);
    if (!f) goto search_out;
    json_object_set_new(pFacets, aFacet[i].zName, f);
  }
  q = store_prepare(s, HITS_CTE "SELECT count(*) FROM hits", e);
  if (!q) goto search_out;
  bind_search(q, &b);
  if (stmt_step(q, e) != 1) goto search_out;
  j = json_pack("{s:o, s:o, s:I, s:i, s:i, s:O, s:O}", "query", jtext(pq->zText), "fts_query", jtext(zFts), "total",
                (json_int_t)stmt_int(q, 0), "limit", nLimit, "offset", pq->nOffset, "results", aRes, "facets", pFacets);
  if (zFts && !pq->zCountry && !pq->zType && !pq->zStatus && !pq->year && !pq->zMet) {
    json_t *p = practice_rows(s, zFts, pq->zText, NULL, 10, zOpen, zClose, e);
    if (!p) {
      json_decref(j);
      j = NULL;
      goto search_out;
    }
    json_object_set_new(j, "practices", p);
  }
search_out:
  stmt_finalize(q);
  json_decref(aRes);
  json_decref(pFacets);
  free(zFts);
  return j;
}

/* Practices matching zFts (or all), with snippets. */
static json_t *practice_rows(Store *s, const char *zFts, const char *zText, const char *zCountry, int nLimit,
                             const char *zOpen, const char *zClose, Err *e) {
  Stmt *q = store_prepare(s,
    "WITH m AS MATERIALIZED (SELECT ref, bm25(repo_fts, 0.0, 0.0, 10.0, 1.0, 2.0) AS score FROM repo_fts"
    "  WHERE :q IS NOT NULL AND repo_fts MATCH :q AND kind = 'practice')"
    " SELECT p.id, p.ref, p.title_en, p.theme, p.mflm, p.year, p.regional_body, p.lang, p.description, p.evidence,"
    "  (SELECT json_group_array(country) FROM (SELECT country FROM practice_country WHERE practice_id = p.id ORDER BY country))"
    " FROM practice p LEFT JOIN m ON m.ref = p.ref"
    " WHERE (:q IS NULL OR m.ref IS NOT NULL)"
    "   AND (:country IS NULL OR EXISTS(SELECT 1 FROM practice_country c WHERE c.practice_id = p.id AND c.country = :country))"
    " ORDER BY CASE WHEN :q IS NULL THEN 0 ELSE m.score END, p.ref LIMIT :limit", e);
  json_t *a;
  int rc;
  if (!q) return NULL;
  stmt_bind_text(q, ":q", zFts);
  stmt_bind_text(q, ":country", zCountry);
  stmt_bind_int(q, ":limit", nLimit);
  a = json_array();
  while ((rc = stmt_step(q, e)) == 1) {
    char *zBody = body_of(stmt_text(q, 8), stmt_text(q, 9));
    char *zSnip = repo_snippet(zBody, stmt_text(q, 7), zText, 28, zOpen, zClose);
    json_t *r = json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:s, s:o}", "id", stmt_text(q, 1), "title", stmt_text(q, 2),
                          "theme", stmt_text(q, 3), "mflm", json_loads(stmt_text(q, 4), 0, NULL),
                          "year", stmt_is_null(q, 5) ? json_null() : json_integer(stmt_int(q, 5)),
                          "regional_body", jtext(stmt_text(q, 6)), "snippet", zSnip,
                          "countries", json_loads(stmt_text(q, 10), 0, NULL));
    json_array_append_new(a, r);
    free(zBody);
    free(zSnip);
  }
  stmt_finalize(q);
  if (rc < 0) {
    json_decref(a);
    return NULL;
  }
  return a;
}

json_t *practice_get(Store *s, const char *zRef, Err *e) {
  Stmt *q = store_prepare(s,
    "SELECT p.ref, p.title_en, p.theme, p.mflm, p.year, p.regional_body, p.lang, p.description, p.evidence, p.source,"
    " p.source_url, (SELECT json_group_array(json_object('alpha2', c.alpha2, 'name', c.name_en)) FROM"
    "  (SELECT k.alpha2, k.name_en FROM practice_country pc JOIN country k ON k.alpha2 = pc.country"
    "   WHERE pc.practice_id = p.id ORDER BY k.name_en) c)"
    " FROM practice p WHERE p.ref = :ref", e);
  json_t *j = NULL;
  int rc;
  if (!q) return NULL;
  stmt_bind_text(q, ":ref", zRef);
  rc = stmt_step(q, e);
  if (rc == 1) {
    j = json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:s, s:s, s:o, s:s, s:o, s:o}", "id", stmt_text(q, 0), "title",
                  stmt_text(q, 1), "theme", stmt_text(q, 2), "mflm", json_loads(stmt_text(q, 3), 0, NULL), "year",
                  stmt_is_null(q, 4) ? json_null() : json_integer(stmt_int(q, 4)), "regional_body",
                  jtext(stmt_text(q, 5)), "lang", stmt_text(q, 6), "description", stmt_text(q, 7), "evidence",
                  jtext(stmt_text(q, 8)), "source", stmt_text(q, 9), "source_url", jtext(stmt_text(q, 10)),
                  "countries", json_loads(stmt_text(q, 11), 0, NULL));
  } else if (rc == 0) {
    err_set(e, ERR_NOT_FOUND, "no good practice with id %s", zRef);
    err_hint(e, "`lmis practice list` lists them");
  }
  stmt_finalize(q);
  return j;
}

/* ---- good practices on the web: filtered, paged, faceted; related agreements ---- */

/* The practices matching a PracticeQuery, bound by bind_practice_query: m holds the
** full-text matches with their bm25 score (title 10, body 1, stems 2), hits the
** practices passing every filter. */
#define PRACTICE_HITS \
  "WITH m AS MATERIALIZED (SELECT ref, bm25(repo_fts, 0.0, 0.0, 10.0, 1.0, 2.0) AS score FROM repo_fts" \
  "  WHERE :q IS NOT NULL AND repo_fts MATCH :q AND kind = 'practice')," \
  " hits AS (SELECT p.id, m.score FROM practice p LEFT JOIN m ON m.ref = p.ref" \
  "  WHERE (:q IS NULL OR m.ref IS NOT NULL)" \
  "    AND (:country IS NULL OR EXISTS(SELECT 1 FROM practice_country c WHERE c.practice_id = p.id AND c.country = :country))" \
  "    AND (:theme IS NULL OR p.theme = :theme)" \
  "    AND (:mflm IS NULL OR EXISTS(SELECT 1 FROM json_each(p.mflm) WHERE value = :mflm))" \
  "    AND (:region IS NULL OR p.regional_body = :region)" \
  "    AND (:year IS NULL OR p.year = :year)) "

/* A country's name in zLang (English when the catalogue has none). */
#define COUNTRY_NAME(k) \
  "CASE :lang WHEN 'fr' THEN coalesce(" k ".name_fr, " k ".name_en) WHEN 'es' THEN coalesce(" k ".name_es, " k \
  ".name_en) ELSE " k ".name_en END"

typedef struct PracticeBind {
  const char *zFts, *zCountry, *zTheme, *zMflm, *zRegion, *zLang;
  int year;
} PracticeBind;

static void bind_practice_query(Stmt *q, const PracticeBind *b) {
  stmt_bind_text(q, ":q", b->zFts);
  stmt_bind_text(q, ":country", b->zCountry);
  stmt_bind_text(q, ":theme", b->zTheme);
  stmt_bind_text(q, ":mflm", b->zMflm);
  stmt_bind_text(q, ":region", b->zRegion);
  if (b->year) stmt_bind_int(q, ":year", b->year); else stmt_bind_null(q, ":year");
}

/* A short filter text: valid UTF-8 of at most 512 bytes, else an error at zWhere. */
static int practice_filter_ok(const char *z, const char *zWhere, Err *e) {
  if (!z || (utf8_valid_text(z, strlen(z)) && strlen(z) <= MAX_SHORT)) return 0;
  err_set(e, ERR_INVALID, "%s must be UTF-8 text of at most 512 bytes", zWhere);
  err_where(e, "%s", zWhere);
  return -1;
}

/* {value: count} for a two-column query over the hits ({value: text} when bText; the
** query then names countries in :lang). */
static json_t *practice_facet(Store *s, const char *zSql, const PracticeBind *b, bool bText, Err *e) {
  Stmt *q = store_prepare(s, zSql, e);
  json_t *o;
  int rc;
  if (!q) return NULL;
  bind_practice_query(q, b);
  if (bText) stmt_bind_text(q, ":lang", b->zLang ? b->zLang : "en");
  o = json_object();
  while ((rc = stmt_step(q, e)) == 1)
    if (stmt_text(q, 0))
      json_object_set_new(o, stmt_text(q, 0), bText ? jtext(stmt_text(q, 1)) : json_integer(stmt_int(q, 1)));
  stmt_finalize(q);
  if (rc < 0) {
    json_decref(o);
    return NULL;
  }
  return o;
}

json_t *practice_query(Store *s, const PracticeQuery *pq, Err *e) {
  PracticeBind b;
  char zC[3];
  char *zFts = NULL;
  json_t *j = NULL, *aRes = NULL, *pFacets = NULL, *pNames = NULL;
  Stmt *q = NULL;
  int rc, nLimit = pq->nLimit > 0 ? pq->nLimit : SEARCH_DEFAULT;
  const char *zOpen = pq->zOpen ? pq->zOpen : "[", *zClose = pq->zClose ? pq->zClose : "]";
  memset(&b, 0, sizeof b);
  if (nLimit > SEARCH_MAX) nLimit = SEARCH_MAX;
  if (search_text(pq->zText, "pre-departure orientation", &zFts, e)) return NULL;
  if (pq->zCountry) {
    if (repo_country(s, pq->zCountry, zC, e)) { err_where(e, "country"); goto pq_out; }
    b.zCountry = zC;
  }
  if (pq->zMflm && !mflm_ok(NULL, pq->zMflm)) {
    err_set(e, ERR_INVALID, "unknown principle area \"%s\"", pq->zMflm);
    err_hint(e, "the Multilateral Framework's principle areas are I to IX");
    err_where(e, "mflm");
    goto pq_out;
  }
  if (practice_filter_ok(pq->zTheme, "theme", e) || practice_filter_ok(pq->zRegion, "regional_body", e)) goto pq_out;
  if (pq->year && (pq->year < 1900 || pq->year > 2200)) {
    err_set(e, ERR_INVALID, "year must be from 1900 to 2200");
    err_where(e, "year");
    goto pq_out;
  }
  b.zFts = zFts;
  b.zTheme = pq->zTheme;
  b.zMflm = pq->zMflm;
  b.zRegion = pq->zRegion;
  b.year = pq->year;
  b.zLang = pq->zLang;

  q = store_prepare(s, PRACTICE_HITS
    "SELECT p.ref, p.title_en, p.theme, p.mflm, p.year, p.regional_body, p.lang, p.description, p.evidence,"
    " (SELECT json_group_array(json_object('alpha2', k.alpha2, 'alpha3', k.alpha3, 'name', k.name)) FROM"
    "   (SELECT c.alpha2, c.alpha3, " COUNTRY_NAME("c") " AS name FROM practice_country pc"
    "    JOIN country c ON c.alpha2 = pc.country WHERE pc.practice_id = p.id ORDER BY 3) k),"
    " h.score FROM hits h JOIN practice p ON p.id = h.id"
    " ORDER BY CASE WHEN :q IS NULL THEN 0 ELSE h.score END, p.year IS NULL, p.year DESC, p.ref"
    " LIMIT :limit OFFSET :offset", e);
  if (!q) goto pq_out;
  bind_practice_query(q, &b);
  stmt_bind_text(q, ":lang", b.zLang ? b.zLang : "en");
  stmt_bind_int(q, ":limit", nLimit);
  stmt_bind_int(q, ":offset", pq->nOffset > 0 ? pq->nOffset : 0);
  aRes = json_array();
  while ((rc = stmt_step(q, e)) == 1) {
    char *zBody = body_of(stmt_text(q, 7), stmt_text(q, 8));
    char *zSnip = repo_snippet(zBody, stmt_text(q, 6), pq->zText, 28, zOpen, zClose);
    json_t *r = json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:s, s:s, s:o}", "id", stmt_text(q, 0), "title",
                          stmt_text(q, 1), "theme", stmt_text(q, 2), "mflm", json_loads(stmt_text(q, 3), 0, NULL),
                          "year", stmt_is_null(q, 4) ? json_null() : json_integer(stmt_int(q, 4)), "regional_body",
                          jtext(stmt_text(q, 5)), "lang", stmt_text(q, 6), "snippet", zSnip, "countries",
                          json_loads(stmt_text(q, 9), 0, NULL));
    json_object_set_new(r, "score", stmt_is_null(q, 10) ? json_null() : json_real(-stmt_double(q, 10)));
    json_array_append_new(aRes, r);
    free(zBody);
    free(zSnip);
  }
  stmt_finalize(q);
  q = NULL;
  if (rc < 0) goto pq_out;

  pFacets = json_object();
  static const struct { const char *zName, *zSql; } aFacet[] = {
    {"theme", PRACTICE_HITS "SELECT p.theme, count(*) FROM hits h JOIN practice p ON p.id = h.id GROUP BY 1 ORDER BY 2 DESC, 1"},
    {"country", PRACTICE_HITS "SELECT c.country, count(*) FROM hits h JOIN practice_country c ON c.practice_id = h.id"
                " GROUP BY 1 ORDER BY 2 DESC, 1"},
    {"mflm", PRACTICE_HITS "SELECT j.value, count(*) FROM hits h JOIN practice p ON p.id = h.id, json_each(p.mflm) j"
             " GROUP BY 1 ORDER BY instr(',I,II,III,IV,V,VI,VII,VIII,IX,', ',' || j.value || ',')"},
    {"regional_body", PRACTICE_HITS "SELECT p.regional_body, count(*) FROM hits h JOIN practice p ON p.id = h.id"
                      " WHERE p.regional_body IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1"},
    {"year", PRACTICE_HITS "SELECT CAST(p.year AS TEXT), count(*) FROM hits h JOIN practice p ON p.id = h.id"
             " WHERE p.year IS NOT NULL GROUP BY p.year ORDER BY p.year DESC"},
  };
  for (size_t i = 0; i < COUNT(aFacet); i++) {
    json_t *f = practice_facet(s, aFacet[i].zSql, &b, false, e);
    if (!f) goto pq_out;
    json_object_set_new(pFacets, aFacet[i].zName, f);
  }
  /* the names of the countries in the country facet, in zLang */
  pNames = practice_facet(s, PRACTICE_HITS "SELECT c.alpha2, " COUNTRY_NAME("c") " FROM country c WHERE c.alpha2 IN"
                             " (SELECT pc.country FROM hits h JOIN practice_country pc ON pc.practice_id = h.id)", &b, true, e);
  if (!pNames) goto pq_out;
  q = store_prepare(s, PRACTICE_HITS "SELECT count(*) FROM hits", e);
  if (!q) goto pq_out;
  bind_practice_query(q, &b);
  if (stmt_step(q, e) != 1) goto pq_out;
  j = json_pack("{s:o, s:o, s:I, s:i, s:i, s:O, s:O, s:O}", "query", jtext(pq->zText), "fts_query", jtext(zFts),
                "total", (json_int_t)stmt_int(q, 0), "limit", nLimit, "offset", pq->nOffset > 0 ? pq->nOffset : 0,
                "results", aRes, "facets", pFacets, "country_names", pNames);
pq_out:
  stmt_finalize(q);
  json_decref(aRes);
  json_decref(pFacets);
  json_decref(pNames);
  free(zFts);
  return j;
}

json_t *practice_related(Store *s, const char *zRef, const char *zLang, int nLimit, Err *e) {
  Stmt *q;
  json_t *aC = NULL, *aA = NULL, *j = NULL;
  int64_t id = -1;
  int rc;
  if (nLimit <= 0 || nLimit > SEARCH_MAX) nLimit = SEARCH_DEFAULT;
  if (!(q = store_prepare(s, "SELECT id FROM practice WHERE ref = :ref", e))) return NULL;
  stmt_bind_text(q, ":ref", zRef ? zRef : "");
  rc = stmt_step(q, e);
  if (rc == 1) id = stmt_int(q, 0);
  stmt_finalize(q);
  if (rc == 0) {
    err_set(e, ERR_NOT_FOUND, "no good practice with id %s", zRef ? zRef : "");
    err_hint(e, "`lmis practice list` lists them");
  }
  if (rc != 1) return NULL;
  if (!(q = store_prepare(s, "SELECT c.alpha2, c.alpha3, " COUNTRY_NAME("c") " FROM practice_country pc"
                             " JOIN country c ON c.alpha2 = pc.country WHERE pc.practice_id = :id ORDER BY 3", e)))
    return NULL;
  stmt_bind_int(q, ":id", id);
  stmt_bind_text(q, ":lang", zLang ? zLang : "en");
  aC = json_array();
  while ((rc = stmt_step(q, e)) == 1)
    json_array_append_new(aC, json_pack("{s:s, s:s, s:s}", "alpha2", stmt_text(q, 0), "alpha3", stmt_text(q, 1),
                                        "name", stmt_text(q, 2)));
  stmt_finalize(q);
  if (rc < 0) goto rel_out;
  /* Agreements one of whose parties is a country of the practice, or under the same
  ** regional body; in force first, then newest. */
  q = store_prepare(s,
    "SELECT a.ref, a.title_en, a.type, a.status, a.date_signed,"
    "  CASE WHEN EXISTS(SELECT 1 FROM agreement_party ap JOIN practice_country pc ON pc.country = ap.country"
    "    WHERE ap.agreement_id = a.id AND pc.practice_id = :id) THEN 'country' ELSE 'regional' END"
    " FROM agreement a, practice p WHERE p.id = :id"
    "  AND (EXISTS(SELECT 1 FROM agreement_party ap JOIN practice_country pc ON pc.country = ap.country"
    "        WHERE ap.agreement_id = a.id AND pc.practice_id = :id)"
    "   OR (p.regional_body IS NOT NULL AND a.regional_body = p.regional_body))"
    " ORDER BY a.status <> 'in force', a.date_signed IS NULL, a.date_signed DESC, a.ref LIMIT :limit", e);
  if (!q) goto rel_out;
  stmt_bind_int(q, ":id", id);
  stmt_bind_int(q, ":limit", nLimit);
  aA = json_array();
  while ((rc = stmt_step(q, e)) == 1)
    json_array_append_new(aA, json_pack("{s:s, s:s, s:s, s:s, s:o, s:s}", "id", stmt_text(q, 0), "title",
                                        stmt_text(q, 1), "type", stmt_text(q, 2), "status", stmt_text(q, 3),
                                        "date_signed", jtext(stmt_text(q, 4)), "via", stmt_text(q, 5)));
  stmt_finalize(q);
  if (rc < 0) goto rel_out;
  j = json_pack("{s:s, s:O, s:O}", "id", zRef, "countries", aC, "agreements", aA);
rel_out:
  json_decref(aC);
  json_decref(aA);
  return j;
}

/* ---- one agreement, assessment, scores, comments ---- */

static int64_t agreement_id(Store *s, const char *zRef, Err *e) {
  Stmt *q = store_prepare(s, "SELECT id FROM agreement WHERE ref = :ref", e);
  int64_t id = -1;
  if (!q) return -1;
  stmt_bind_text(q, ":ref", zRef ? zRef : "");
  int rc = stmt_step(q, e);
  if (rc == 1) id = stmt_int(q, 0);
  stmt_finalize(q);
  if (rc == 0) {
    err_set(e, ERR_NOT_FOUND, "no agreement with id %s", zRef ? zRef : "");
    err_hint(e, "`lmis agreement list` lists them; search with `lmis agreement search WORDS`");
  }
  return id;
}

static const char *const azGroup[] = {"governance", "protection", "development"};

static json_t *scores_from(json_t *aAssess) {
  double aPts[4] = {0}, aN[4] = {0}, aTot[4] = {0};
  size_t i;
  json_t *v, *o = json_object();
  json_array_foreach(aAssess, i, v) {
    const char *zG = json_string_value(json_object_get(v, "group"));
    const char *zR = json_string_value(json_object_get(v, "rating"));
    int g = 0;
    while (g < 3 && strcmp(azGroup[g], zG) != 0) g++;
    if (g == 3) continue;
    aTot[g]++, aTot[3]++;
    if (strcmp(zR, "unknown") == 0) continue;
    double p = strcmp(zR, "met") == 0 ? 1.0 : strcmp(zR, "partly") == 0 ? 0.5 : 0.0;
    aPts[g] += p, aPts[3] += p;
    aN[g]++, aN[3]++;
  }
  for (int g = 0; g < 4; g++) {
    json_t *pScore = aN[g] > 0 ? json_real(100.0 * aPts[g] / aN[g]) : json_null();
    json_object_set_new(o, g < 3 ? azGroup[g] : "overall",
                        json_pack("{s:i, s:i, s:f, s:o, s:f}", "assessed", (int)aN[g], "criteria", (int)aTot[g],
                                  "points", aPts[g], "score", pScore,
                                  "coverage", aTot[g] > 0 ? 100.0 * aN[g] / aTot[g] : 0.0));
  }
  return o;
}

static json_t *assessment_json(Store *s, int64_t id, Err *e) {
  Stmt *q = store_prepare(s,
    "SELECT k.code, k.grp, k.title_en, coalesce(a.rating, 'unknown'), a.clause, a.article, a.assessor,"
    " a.assessed_on, a.source FROM agreement_criterion k"
    " LEFT JOIN agreement_assessment a ON a.criterion = k.code AND a.agreement_id = :id ORDER BY k.position", e);
  json_t *arr;
  int rc;
  if (!q) return NULL;
  stmt_bind_int(q, ":id", id);
  arr = json_array();
  while ((rc = stmt_step(q, e)) == 1)
    json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o}", "criterion", stmt_text(q, 0),
                                         "group", stmt_text(q, 1), "title", stmt_text(q, 2), "rating", stmt_text(q, 3),
                                         "clause", jtext(stmt_text(q, 4)), "article", jtext(stmt_text(q, 5)),
                                         "assessor", jtext(stmt_text(q, 6)), "assessed_on", jtext(stmt_text(q, 7)),
                                         "source", jtext(stmt_text(q, 8))));
  stmt_finalize(q);
  if (rc < 0) {
    json_decref(arr);
    return NULL;
  }
  return arr;
}

json_t *agreement_scores(Store *s, const char *zRef, Err *e) {
  int64_t id = agreement_id(s, zRef, e);
  if (id < 0) return NULL;
  json_t *a = assessment_json(s, id, e);
  if (!a) return NULL;
  json_t *o = scores_from(a);
  json_decref(a);
  return o;
}

json_t *agreement_get(Store *s, const char *zRef, Err *e) {
  int64_t id = agreement_id(s, zRef, e);
  json_t *j = NULL, *a;
  Stmt *q;
  int rc;
  if (id < 0) return NULL;
  q = store_prepare(s,
    "SELECT ref, type, title_en, title_original, title_lang, regional_body, date_signed, place_signed, date_in_force,"
    " date_expiry, renewal, status, facilitates_mobility, social_security_portability, worker_categories, sectors,"
    " occupations, lang, summary, full_text, source, source_url, notes, updated_by,"
    " strftime('%Y-%m-%dT%H:%M:%SZ', updated_at, 'unixepoch') FROM agreement WHERE id = :id", e);
  if (!q) return NULL;
  stmt_bind_int(q, ":id", id);
  if (stmt_step(q, e) != 1) {
    stmt_finalize(q);
    return NULL;
  }
  j = json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:s}", "id", stmt_text(q, 0), "type",
                stmt_text(q, 1), "title", stmt_text(q, 2), "title_original", jtext(stmt_text(q, 3)), "title_lang",
                jtext(stmt_text(q, 4)), "regional_body", jtext(stmt_text(q, 5)), "date_signed", jtext(stmt_text(q, 6)),
                "place_signed", jtext(stmt_text(q, 7)), "date_in_force", jtext(stmt_text(q, 8)), "date_expiry",
                jtext(stmt_text(q, 9)), "renewal", jtext(stmt_text(q, 10)), "status", stmt_text(q, 11));
  json_object_set_new(j, "facilitates_mobility", stmt_is_null(q, 12) ? json_null() : json_boolean(stmt_int(q, 12)));
  json_object_set_new(j, "social_security_portability",
                      stmt_is_null(q, 13) ? json_null() : json_boolean(stmt_int(q, 13)));
  json_object_set_new(j, "worker_categories", json_loads(stmt_text(q, 14), 0, NULL));
  json_object_set_new(j, "sectors", json_loads(stmt_text(q, 15), 0, NULL));
  json_object_set_new(j, "occupations", json_loads(stmt_text(q, 16), 0, NULL));
  json_object_set_new(j, "lang", jtext(stmt_text(q, 17)));
  json_object_set_new(j, "summary", jtext(stmt_text(q, 18)));
  json_object_set_new(j, "text", jtext(stmt_text(q, 19)));
  json_object_set_new(j, "source", jtext(stmt_text(q, 20)));
  json_object_set_new(j, "source_url", jtext(stmt_text(q, 21)));
  json_object_set_new(j, "notes", jtext(stmt_text(q, 22)));
  json_object_set_new(j, "updated_by", jtext(stmt_text(q, 23)));
  json_object_set_new(j, "updated_at", jtext(stmt_text(q, 24)));
  stmt_finalize(q);
  if (!(a = parties_json(s, id, e))) goto get_fail;
  json_object_set_new(j, "parties", a);
  q = store_prepare(s, "SELECT version, date, description, source FROM agreement_version WHERE agreement_id = :id"
                       " ORDER BY version", e);
  if (!q) goto get_fail;
  stmt_bind_int(q, ":id", id);
  a = json_array();
  while ((rc = stmt_step(q, e)) == 1)
    json_array_append_new(a, json_pack("{s:I, s:o, s:s, s:o}", "version", (json_int_t)stmt_int(q, 0), "date",
                                       jtext(stmt_text(q, 1)), "description", stmt_text(q, 2), "source",
                                       jtext(stmt_text(q, 3))));
  stmt_finalize(q);
  json_object_set_new(j, "versions", a);
  if (rc < 0) goto get_fail;
  if (!(a = assessment_json(s, id, e))) goto get_fail;
  json_object_set_new(j, "scores", scores_from(a));
  json_object_set_new(j, "assessment", a);
  q = store_prepare(s, "SELECT id, criterion, author, role, body, strftime('%Y-%m-%dT%H:%M:%SZ', created_at, 'unixepoch')"
                       " FROM agreement_comment WHERE agreement_id = :id ORDER BY created_at, id", e);
  if (!q) goto get_fail;
  stmt_bind_int(q, ":id", id);
  a = json_array();
  while ((rc = stmt_step(q, e)) == 1)
    json_array_append_new(a, json_pack("{s:I, s:o, s:s, s:s, s:s, s:s}", "id", (json_int_t)stmt_int(q, 0), "criterion",
                                       jtext(stmt_text(q, 1)), "author", stmt_text(q, 2), "role", stmt_text(q, 3),
                                       "body", stmt_text(q, 4), "created_at", stmt_text(q, 5)));
  stmt_finalize(q);
  json_object_set_new(j, "comments", a);
  if (rc < 0) goto get_fail;
  return j;
get_fail:
  json_decref(j);
  return NULL;
}

int agreement_assess(Store *s, const char *zRef, const char *zCriterion, const char *zRating, const char *zClause,
                     const char *zArticle, const char *zAssessor, const char *zDate, Err *e) {
  char zToday[32];
  int64_t id;
  int k;
  if (!zCriterion || (k = criterion_exists(s, zCriterion, e)) == 0) {
    err_set(e, ERR_INVALID, "unknown criterion \"%s\"", zCriterion ? zCriterion : "");
    err_hint(e, "criteria: ilo_un_instruments, text_public, joint_committee, monitoring_evaluation, social_partners, "
                "recruitment_fees, equal_treatment, employment_contract, wage_protection, social_security, complaints, "
                "freedom_of_association, women_domestic_workers, documents_kept, skills_recognition, remittances, "
                "return_reintegration");
    err_where(e, "criterion");
    return -1;
  }
  if (k < 0) return -1;
  if (check_code_arg(zRating, azRating, "rating", e) || !zRating) {
    if (!zRating) err_set(e, ERR_INVALID, "a rating is required");
    err_hint(e, "met, partly, not met or unknown");
    err_where(e, "rating");
    return -1;
  }
  if ((zClause && (strlen(zClause) > MAX_CLAUSE || !text_ok(zClause))) ||
      (zArticle && (strlen(zArticle) > 64 || !text_ok(zArticle)))) {
    err_set(e, ERR_INVALID, "the clause (at most 8000 bytes) and article (at most 64) must be plain UTF-8 text");
    err_where(e, zClause && strlen(zClause) > MAX_CLAUSE ? "clause" : "article");
    return -1;
  }
  if ((strcmp(zRating, "met") == 0 || strcmp(zRating, "partly") == 0) && (!zClause || !*zClause)) {
    err_set(e, ERR_INVALID, "a rating of %s needs the clause that shows it", zRating);
    err_hint(e, "quote the clause (and give its article number)");
    err_where(e, "clause");
    return -1;
  }
  if (zDate && !date_ok(zDate)) {
    err_set(e, ERR_INVALID, "\"%s\" is not a date YYYY-MM-DD", zDate);
    err_where(e, "date");
    return -1;
  }
  if (!zDate) {
    today(zToday);
    zDate = zToday;
  }
  if ((id = agreement_id(s, zRef, e)) < 0) return -1;
  return upsert_assessment(s, id, zCriterion, zRating, zClause && *zClause ? zClause : NULL,
                           zArticle && *zArticle ? zArticle : NULL, zAssessor, zDate, NULL, e);
}

int64_t agreement_comment(Store *s, const char *zRef, const char *zCriterion, const char *zAuthor, const char *zRole,
                          const char *zBody, Err *e) {
  int64_t id;
  if (!zBody || !*zBody || strlen(zBody) > MAX_CLAUSE || !text_ok(zBody)) {
    err_set(e, ERR_INVALID, "a comment is plain UTF-8 text of 1 to 8000 bytes");
    err_where(e, "body");
    return -1;
  }
  if (zCriterion && *zCriterion) {
    int k = criterion_exists(s, zCriterion, e);
    if (k < 0) return -1;
    if (k == 0) {
      err_set(e, ERR_INVALID, "unknown criterion \"%s\"", zCriterion);
      err_where(e, "criterion");
      return -1;
    }
  } else {
    zCriterion = NULL;
  }
  if ((id = agreement_id(s, zRef, e)) < 0) return -1;
  Stmt *q = store_prepare(s, "INSERT INTO agreement_comment(agreement_id, criterion, author, role, body, created_at)"
                             " VALUES(:id, :c, :a, :r, :b, :now)", e);
  if (!q) return -1;
  stmt_bind_int(q, ":id", id);
  stmt_bind_text(q, ":c", zCriterion);
  stmt_bind_text(q, ":a", zAuthor);
  stmt_bind_text(q, ":r", zRole);
  stmt_bind_text(q, ":b", zBody);
  stmt_bind_int(q, ":now", iNow());
  int rc = stmt_run(q, e);
  stmt_finalize(q);
  return rc ? -1 : store_last_id(s);
}

/* ---- the R86 model agreement ---- */

json_t *r86_model(Store *s, Err *e) {
  Stmt *q = store_prepare(s, "SELECT article, title_en, summary FROM r86_item ORDER BY article", e);
  json_t *a;
  int rc;
  if (!q) return NULL;
  a = json_array();
  while ((rc = stmt_step(q, e)) == 1)
    json_array_append_new(a, json_pack("{s:I, s:s, s:s}", "article", (json_int_t)stmt_int(q, 0), "title",
                                       stmt_text(q, 1), "summary", stmt_text(q, 2)));
  stmt_finalize(q);
  if (rc < 0) {
    json_decref(a);
    return NULL;
  }
  return json_pack("{s:o}", "items", a);
}

/* Split stemmed text into an array of stems (pointers into z, which is modified). */
static int split_stems(char *z, char ***paz) {
  int n = 0, nAlloc = 0;
  char **az = NULL;
  char *zSave = NULL;
  for (char *p = strtok_r(z, " ", &zSave); p; p = strtok_r(NULL, " ", &zSave)) {
    if (n == nAlloc) {
      nAlloc = nAlloc ? 2 * nAlloc : 256;
      az = xrealloc(az, (size_t)nAlloc * sizeof *az);
    }
    az[n++] = p;
  }
  *paz = az;
  return n;
}

/* Index of the first occurrence of the stem sequence aT[0..nT) in aW, or -1. */
static int find_seq(char **aW, int nW, char **aT, int nT) {
  for (int i = 0; i + nT <= nW; i++) {
    int k = 0;
    while (k < nT && strcmp(aW[i + k], aT[k]) == 0) k++;
    if (k == nT) return i;
  }
  return -1;
}

json_t *agreement_compare(Store *s, const char *zRef, const char *zText, const char *zLang, Err *e) {
  char *zOwnText = NULL, *zOwnLang = NULL, *zStems = NULL, **aW = NULL;
  const char *zSource = "draft", *zCompared = "text";
  json_t *j = NULL, *aItems, *aMissing;
  Stmt *q = NULL;
  int nW, rc, nCovered = 0;
  if (zRef) {
    int64_t id = agreement_id(s, zRef, e);
    if (id < 0) return NULL;
    q = store_prepare(s, "SELECT full_text, summary, lang FROM agreement WHERE id = :id", e);
    if (!q) return NULL;
    stmt_bind_int(q, ":id", id);
    if (stmt_step(q, e) != 1) { stmt_finalize(q); return NULL; }
    if (stmt_text(q, 0)) zOwnText = xstrdup(stmt_text(q, 0));
    else if (stmt_text(q, 1)) { zOwnText = xstrdup(stmt_text(q, 1)); zCompared = "summary"; }
    else { zOwnText = xstrdup(""); zCompared = "nothing (no text or summary held)"; }
    zOwnLang = stmt_text(q, 2) ? xstrdup(stmt_text(q, 2)) : NULL;
    stmt_finalize(q);
    q = NULL;
    zText = zOwnText;
    zLang = zOwnLang;
    zSource = zRef;
  } else if (!zText || !utf8_valid_text(zText, strlen(zText))) {
    err_set(e, ERR_INVALID, "the draft must be UTF-8 text");
    return NULL;
  }
  zStems = repo_stem_text(zText, zLang);
  nW = split_stems(zStems, &aW);
  q = store_prepare(s, "SELECT article, title_en, terms FROM r86_item ORDER BY article", e);
  if (!q) goto cmp_out;
  aItems = json_array();
  aMissing = json_array();
  j = json_pack("{s:s, s:s, s:o, s:o, s:o}", "source", zSource, "compared", zCompared, "lang", jtext(zLang),
                "items", aItems, "missing", aMissing);
  while ((rc = stmt_step(q, e)) == 1) {
    json_t *pTerms = json_loads(stmt_text(q, 2), 0, NULL), *aT, *v;
    const char *zL, *zFound = NULL;
    size_t i;
    json_object_foreach(pTerms, zL, aT) {
      /* phrases of the text's language; all languages when it is not stemmed */
      if (repo_lang_stemmed(zLang) && strcmp(zL, zLang) != 0) continue;
      json_array_foreach(aT, i, v) {
        char *zT = repo_stem_text(json_string_value(v), repo_lang_stemmed(zLang) ? zL : NULL), **aTs = NULL;
        int nT = split_stems(zT, &aTs);
        if (nT > 0 && find_seq(aW, nW, aTs, nT) >= 0) zFound = json_string_value(v);
        free(aTs);
        free(zT);
        if (zFound) break;
      }
      if (zFound) break;
    }
    json_t *pItem = json_pack("{s:I, s:s, s:b, s:o}", "article", (json_int_t)stmt_int(q, 0), "title", stmt_text(q, 1),
                              "found", zFound != NULL, "evidence", zFound ? json_string(zFound) : json_null());
    if (zFound) nCovered++;
    else json_array_append_new(aMissing, json_pack("{s:I, s:s}", "article", (json_int_t)stmt_int(q, 0), "title",
                                                   stmt_text(q, 1)));
    json_array_append_new(aItems, pItem);
    json_decref(pTerms);
  }
  if (rc < 0) {
    json_decref(j);
    j = NULL;
    goto cmp_out;
  }
  if (json_array_size(aItems) == 0) {
    json_decref(j);
    j = NULL;
    err_set(e, ERR_NOT_FOUND, "the R86 model checklist is not loaded");
    err_hint(e, "load data/agreements/r86-model.json with `lmis agreement import`");
    goto cmp_out;
  }
  json_object_set_new(j, "covered", json_integer(nCovered));
  json_object_set_new(j, "articles", json_integer((json_int_t)json_array_size(aItems)));
cmp_out:
  stmt_finalize(q);
  free(aW);
  free(zStems);
  free(zOwnText);
  free(zOwnLang);
  return j;
}

/* ---- ratifications ---- */

static const char *name_col(const char *zLang) {
  return zLang && strcmp(zLang, "fr") == 0 ? "fr" : zLang && strcmp(zLang, "es") == 0 ? "es" : "en";
}

static json_t *coverage_json(Store *s, Err *e) {
  Stmt *q = store_prepare(s, "SELECT i.code, coalesce(c.complete, 0), c.as_of, c.note FROM instrument i"
                             " LEFT JOIN ratification_coverage c ON c.instrument = i.code ORDER BY i.code", e);
  json_t *o;
  int rc;
  if (!q) return NULL;
  o = json_object();
  while ((rc = stmt_step(q, e)) == 1)
    json_object_set_new(o, stmt_text(q, 0), json_pack("{s:b, s:o, s:o}", "complete", (int)stmt_int(q, 1), "as_of",
                                                      jtext(stmt_text(q, 2)), "note", jtext(stmt_text(q, 3))));
  stmt_finalize(q);
  if (rc < 0) { json_decref(o); return NULL; }
  return o;
}

json_t *ratification_list(Store *s, const char *zCountry, const char *zInstrument, const char *zLang, Err *e) {
  char zC[3];
  json_t *aInst, *aCountry, *pLast = NULL, *pCov;
  const char *zPrev = NULL;
  char zPrevBuf[3] = "";
  int rc;
  if (zCountry && repo_country(s, zCountry, zC, e)) return NULL;
  if (zInstrument) {
    int k = instrument_exists(s, zInstrument, e);
    if (k < 0) return NULL;
    if (k == 0) {
      err_set(e, ERR_NOT_FOUND, "unknown instrument \"%s\"", zInstrument);
      err_hint(e, "C097, C102, C118, C143, C157, C181, C189 or ICMW");
      return NULL;
    }
  }
  Stmt *q = store_prepare(s, "SELECT code, number, year, title_en, title_fr, title_es FROM instrument ORDER BY code", e);
  if (!q) return NULL;
  aInst = json_array();
  while ((rc = stmt_step(q, e)) == 1) {
    const char *zT = strcmp(name_col(zLang), "fr") == 0 && stmt_text(q, 4) ? stmt_text(q, 4)
                   : strcmp(name_col(zLang), "es") == 0 && stmt_text(q, 5) ? stmt_text(q, 5) : stmt_text(q, 3);
    json_array_append_new(aInst, json_pack("{s:s, s:o, s:I, s:s}", "code", stmt_text(q, 0), "number",
                                           stmt_is_null(q, 1) ? json_null() : json_integer(stmt_int(q, 1)), "year",
                                           (json_int_t)stmt_int(q, 2), "title", zT));
  }
  stmt_finalize(q);
  if (rc < 0) { json_decref(aInst); return NULL; }
  q = store_prepare(s,
    "SELECT r.country, c.alpha3, coalesce(CASE :lang WHEN 'fr' THEN c.name_fr WHEN 'es' THEN c.name_es END, c.name_en),"
    " r.instrument, r.status, r.year, r.date, r.exclusions, r.notes, r.source"
    " FROM ratification r JOIN country c ON c.alpha2 = r.country"
    " WHERE (:country IS NULL OR r.country = :country) AND (:inst IS NULL OR r.instrument = :inst)"
    " ORDER BY 3, r.country, r.instrument", e);
  if (!q) { json_decref(aInst); return NULL; }
  stmt_bind_text(q, ":lang", name_col(zLang));
  stmt_bind_text(q, ":country", zCountry ? zC : NULL);
  stmt_bind_text(q, ":inst", zInstrument);
  aCountry = json_array();
  while ((rc = stmt_step(q, e)) == 1) {
    if (!zPrev || strcmp(zPrevBuf, stmt_text(q, 0)) != 0) {
      pLast = json_pack("{s:s, s:s, s:s, s:{}}", "alpha2", stmt_text(q, 0), "alpha3", stmt_text(q, 1), "name",
                        stmt_text(q, 2), "ratifications");
      json_array_append_new(aCountry, pLast);
      memcpy(zPrevBuf, stmt_text(q, 0), 3);
      zPrev = zPrevBuf;
    }
    json_object_set_new(json_object_get(pLast, "ratifications"), stmt_text(q, 3),
                        json_pack("{s:s, s:o, s:o, s:o, s:o, s:s}", "status", stmt_text(q, 4), "year",
                                  stmt_is_null(q, 5) ? json_null() : json_integer(stmt_int(q, 5)), "date",
                                  jtext(stmt_text(q, 6)), "exclusions", jtext(stmt_text(q, 7)), "notes",
                                  jtext(stmt_text(q, 8)), "source", stmt_text(q, 9)));
  }
  stmt_finalize(q);
  if (rc < 0 || !(pCov = coverage_json(s, e))) {
    json_decref(aInst);
    json_decref(aCountry);
    return NULL;
  }
  return json_pack("{s:o, s:o, s:o}", "instruments", aInst, "countries", aCountry, "coverage", pCov);
}

/* ---- corridors ---- */

typedef struct Country {
  char zA2[3];
  char zA3[4];
  char *zName;
} Country;

static int country_load(Store *s, const char *zCode, const char *zLang, Country *p, Err *e) {
  memset(p, 0, sizeof *p);
  if (repo_country(s, zCode, p->zA2, e)) return -1;
  Stmt *q = store_prepare(s, "SELECT alpha3, coalesce(CASE :lang WHEN 'fr' THEN name_fr WHEN 'es' THEN name_es END,"
                             " name_en) FROM country WHERE alpha2 = :c", e);
  if (!q) return -1;
  stmt_bind_text(q, ":c", p->zA2);
  stmt_bind_text(q, ":lang", name_col(zLang));
  int rc = stmt_step(q, e);
  if (rc == 1) {
    snprintf(p->zA3, sizeof p->zA3, "%s", stmt_text(q, 0));
    p->zName = xstrdup(stmt_text(q, 1));
  }
  stmt_finalize(q);
  return rc == 1 ? 0 : -1;
}

static json_t *country_json(const Country *p) {
  return json_pack("{s:s, s:s, s:s}", "alpha2", p->zA2, "alpha3", p->zA3, "name", p->zName);
}

/* Ratifications of one country: {CODE: {status, year, ...}} over every instrument (null when none held). */
static json_t *country_ratifications(Store *s, const char *zA2, Err *e) {
  Stmt *q = store_prepare(s, "SELECT i.code, r.status, r.year, r.exclusions, r.source FROM instrument i"
                             " LEFT JOIN ratification r ON r.instrument = i.code AND r.country = :c ORDER BY i.code", e);
  json_t *o;
  int rc;
  if (!q) return NULL;
  stmt_bind_text(q, ":c", zA2);
  o = json_object();
  while ((rc = stmt_step(q, e)) == 1)
    json_object_set_new(o, stmt_text(q, 0),
                        stmt_is_null(q, 1) ? json_null()
                                           : json_pack("{s:s, s:o, s:o, s:s}", "status", stmt_text(q, 1), "year",
                                                       stmt_is_null(q, 2) ? json_null() : json_integer(stmt_int(q, 2)),
                                                       "exclusions", jtext(stmt_text(q, 3)), "source", stmt_text(q, 4)));
  stmt_finalize(q);
  if (rc < 0) { json_decref(o); return NULL; }
  return o;
}

static void add_gap(json_t *a, const char *zCode, char *zText) {
  json_array_append_new(a, json_pack("{s:s, s:s}", "code", zCode, "text", zText));
  free(zText);
}

/* The instruments the Conclusions ask states to ratify (5(i), 5(iii)) and the UN Convention. */
static const struct {
  const char *zCode, *zName;
} aGapInst[] = {{"C097", "No. 97"}, {"C143", "No. 143"}, {"C181", "No. 181"}, {"C189", "No. 189"},
                {"ICMW", "the UN Migrant Workers Convention"}};

json_t *corridor_view(Store *s, const char *zOrigin, const char *zDest, const char *zLang, Err *e) {
  Country o, d;
  json_t *j = NULL, *aIn = NULL, *aOther = NULL, *aGaps = NULL, *pRatO = NULL, *pRatD = NULL, *pCov = NULL,
         *aUncovered = NULL, *pStats = NULL;
  Stmt *q = NULL;
  int rc, bSs = 0, bMob = 0;
  memset(&d, 0, sizeof d);
  if (country_load(s, zOrigin, zLang, &o, e)) { err_where(e, "origin"); return NULL; }
  if (country_load(s, zDest, zLang, &d, e)) { err_where(e, "destination"); goto cor_out; }
  if (strcmp(o.zA2, d.zA2) == 0) {
    err_set(e, ERR_INVALID, "origin and destination are the same country (%s)", o.zA2);
    goto cor_out;
  }
  /* Agreements to which both belong, as parties or as members of the regional body. */
  q = store_prepare(s,
    "SELECT a.id, a.ref, a.type, a.title_en, a.status, a.date_signed, a.date_in_force, a.regional_body,"
    " a.facilitates_mobility, a.social_security_portability,"
    " (SELECT count(*) FROM agreement_party p WHERE p.agreement_id = a.id)"
    " FROM agreement a"
    " WHERE EXISTS(SELECT 1 FROM agreement_party p WHERE p.agreement_id = a.id AND p.country = :o)"
    "   AND EXISTS(SELECT 1 FROM agreement_party p WHERE p.agreement_id = a.id AND p.country = :d)"
    " ORDER BY a.status <> 'in force', a.date_signed DESC, a.ref", e);
  if (!q) goto cor_out;
  stmt_bind_text(q, ":o", o.zA2);
  stmt_bind_text(q, ":d", d.zA2);
  aIn = json_array();
  aOther = json_array();
  while ((rc = stmt_step(q, e)) == 1) {
    bool bRegional = stmt_text(q, 7) != NULL || stmt_int(q, 10) > 2;
    bool bInForce = strcmp(stmt_text(q, 4), "in force") == 0;
    json_t *r = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:s}", "id", stmt_text(q, 1), "type", stmt_text(q, 2),
                          "title", stmt_text(q, 3), "status", stmt_text(q, 4), "date_signed", jtext(stmt_text(q, 5)),
                          "date_in_force", jtext(stmt_text(q, 6)), "regional_body", jtext(stmt_text(q, 7)), "via",
                          bRegional ? "regional" : "direct");
    if (bInForce) {
      if (stmt_int(q, 9) == 1 || strcmp(stmt_text(q, 2), "social_security_agreement") == 0) bSs = 1;
      if (stmt_int(q, 8) == 1) bMob = 1;
    }
    json_array_append_new(bInForce ? aIn : aOther, r);
  }
  stmt_finalize(q);
  q = NULL;
  if (rc < 0) goto cor_out;
  if (!(pRatO = country_ratifications(s, o.zA2, e)) || !(pRatD = country_ratifications(s, d.zA2, e)) ||
      !(pCov = coverage_json(s, e)))
    goto cor_out;

  aGaps = json_array();
  if (!bSs)
    add_gap(aGaps, "no_social_security_agreement",
            xasprintf("No social security agreement in force between %s and %s", o.zName, d.zName));
  if (!bMob)
    add_gap(aGaps, "no_mobility_agreement",
            xasprintf("No agreement in force between %s and %s is recorded as facilitating labour mobility", o.zName,
                      d.zName));
  for (int side = 0; side < 2; side++) {
    const Country *c = side ? &o : &d;
    json_t *pRat = side ? pRatO : pRatD;
    const char *zRole = side ? "Origin" : "Destination";
    for (size_t i = 0; i < COUNT(aGapInst); i++) {
      json_t *r = json_object_get(pRat, aGapInst[i].zCode);
      bool bComplete = json_is_true(json_object_get(json_object_get(pCov, aGapInst[i].zCode), "complete"));
      char zCode[48];
      if (r && !json_is_null(r) && strcmp(json_string_value(json_object_get(r, "status")), "in force") == 0) continue;
      snprintf(zCode, sizeof zCode, "%s_not_ratified_%s", side ? "origin" : "destination", aGapInst[i].zCode);
      if (r && !json_is_null(r))
        add_gap(aGaps, zCode, xasprintf("%s (%s): %s is %s", zRole, c->zName, aGapInst[i].zName,
                                        json_string_value(json_object_get(r, "status"))));
      else if (bComplete)
        add_gap(aGaps, zCode, xasprintf("%s (%s) has not ratified %s", zRole, c->zName, aGapInst[i].zName));
      else
        add_gap(aGaps, zCode, xasprintf("%s (%s): no ratification of %s is recorded in lmis", zRole, c->zName,
                                        aGapInst[i].zName));
    }
  }
  /* Criteria that no agreement in force between them meets, even partly. */
  q = store_prepare(s,
    "SELECT k.code, k.grp, k.title_en FROM agreement_criterion k WHERE NOT EXISTS("
    " SELECT 1 FROM agreement_assessment s JOIN agreement a ON a.id = s.agreement_id"
    " WHERE s.criterion = k.code AND s.rating IN ('met', 'partly') AND a.status = 'in force'"
    "   AND EXISTS(SELECT 1 FROM agreement_party p WHERE p.agreement_id = a.id AND p.country = :o)"
    "   AND EXISTS(SELECT 1 FROM agreement_party p WHERE p.agreement_id = a.id AND p.country = :d))"
    " ORDER BY k.position", e);
  if (!q) goto cor_out;
  stmt_bind_text(q, ":o", o.zA2);
  stmt_bind_text(q, ":d", d.zA2);
  aUncovered = json_array();
  while ((rc = stmt_step(q, e)) == 1)
    json_array_append_new(aUncovered, json_pack("{s:s, s:s, s:s}", "criterion", stmt_text(q, 0), "group",
                                                stmt_text(q, 1), "title", stmt_text(q, 2)));
  stmt_finalize(q);
  q = NULL;
  if (rc < 0) goto cor_out;
  /* Statistics held for the corridor, either direction, latest period of each series. */
  {
    AggQuery aq;
    memset(&aq, 0, sizeof aq);
    aq.zArea = d.zA3;
    aq.zCounterpart = o.zA3;
    aq.bBothWays = true;
    aq.bLatest = true;
    aq.nLimit = 50;
    aq.zLang = zLang;
    pStats = aggregate_query(s, &aq, e);
    if (!pStats) goto cor_out;
  }
  j = json_pack("{s:o, s:o, s:O, s:O, s:{s:O, s:O}, s:O, s:O, s:O, s:O}", "origin", country_json(&o), "destination",
                country_json(&d), "agreements", aIn, "other_agreements", aOther, "ratifications", "origin", pRatO,
                "destination", pRatD, "coverage", pCov, "gaps", aGaps, "uncovered_criteria", aUncovered,
                "statistics", pStats);
cor_out:
  stmt_finalize(q);
  json_decref(aIn);
  json_decref(aOther);
  json_decref(aGaps);
  json_decref(pRatO);
  json_decref(pRatD);
  json_decref(pCov);
  json_decref(aUncovered);
  json_decref(pStats);
  free(o.zName);
  free(d.zName);
  return j;
}

/* ---- indicators (para 44) ---- */

typedef struct IndRow {
  char zA2[3];
  int start, end;     /* end: last year counted, or 0 for open */
  int bMob, bSs;
} IndRow;

static int year_of(const char *z) {
  if (!z || strlen(z) < 4) return 0;
  return (z[0] - '0') * 1000 + (z[1] - '0') * 100 + (z[2] - '0') * 10 + (z[3] - '0');
}

json_t *agreement_indicators(Store *s, const char *zCountry, int yearFrom, int yearTo, Err *e) {
  char zC[3];
  IndRow *a = NULL;
  int n = 0, nAlloc = 0, rc, yMin = 0;
  json_t *j = NULL, *aCountries;
  Stmt *q;
  if (zCountry && repo_country(s, zCountry, zC, e)) return NULL;
  if (yearTo <= 0) {
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    yearTo = tm.tm_year + 1900;
  }
  q = store_prepare(s,
    "SELECT p.country, a.date_signed, a.date_in_force, a.date_expiry, a.status, coalesce(a.facilitates_mobility, 0),"
    " (coalesce(a.social_security_portability, 0) = 1 OR a.type = 'social_security_agreement')"
    " FROM agreement a JOIN agreement_party p ON p.agreement_id = a.id"
    " WHERE a.status <> 'draft' AND (:c IS NULL OR p.country = :c) ORDER BY p.country", e);
  if (!q) return NULL;
  stmt_bind_text(q, ":c", zCountry ? zC : NULL);
  while ((rc = stmt_step(q, e)) == 1) {
    int start = year_of(stmt_text(q, 1));
    if (!start) start = year_of(stmt_text(q, 2));
    if (!start) continue;   /* no date known: cannot be placed in a year */
    int end = year_of(stmt_text(q, 3));
    const char *zSt = stmt_text(q, 4);
    if (!end && (strcmp(zSt, "expired") == 0 || strcmp(zSt, "terminated") == 0)) continue;  /* ended, year unknown */
    if (n == nAlloc) {
      nAlloc = nAlloc ? 2 * nAlloc : 64;
      a = xrealloc(a, (size_t)nAlloc * sizeof *a);
    }
    memcpy(a[n].zA2, stmt_text(q, 0), 3);
    a[n].start = start;
    a[n].end = end;
    a[n].bMob = (int)stmt_int(q, 5);
    a[n].bSs = (int)stmt_int(q, 6);
    if (!yMin || start < yMin) yMin = start;
    n++;
  }
  stmt_finalize(q);
  if (rc < 0) goto ind_out;
  if (yearFrom <= 0) yearFrom = yMin ? yMin : yearTo;
  if (yearFrom > yearTo || yearTo - yearFrom > 300) {
    err_set(e, ERR_INVALID, "the years must run forwards over at most 300 years (from %d to %d)", yearFrom, yearTo);
    goto ind_out;
  }
  aCountries = json_array();
  for (int i = 0; i < n;) {
    int k = i;
    while (k < n && strcmp(a[k].zA2, a[i].zA2) == 0) k++;
    json_t *aSeries = json_array();
    int nY = yearTo - yearFrom + 1, *aMob = xcalloc((size_t)nY, sizeof(int)), *aSs = xcalloc((size_t)nY, sizeof(int));
    for (int y = yearFrom; y <= yearTo; y++) {
      for (int r = i; r < k; r++) {
        if (a[r].start > y || (a[r].end && a[r].end < y)) continue;
        aMob[y - yearFrom] += a[r].bMob;
        aSs[y - yearFrom] += a[r].bSs;
      }
      json_array_append_new(aSeries, json_pack("{s:i, s:i, s:i}", "year", y, "mobility", aMob[y - yearFrom],
                                               "social_security", aSs[y - yearFrom]));
    }
    int iBack = nY > 5 ? nY - 6 : 0;
    Err e2 = ERR_INIT;
    Country c;
    if (country_load(s, a[i].zA2, "en", &c, &e2)) {
      err_clear(&e2);
      c.zName = xstrdup(a[i].zA2);
    }
    json_array_append_new(aCountries,
      json_pack("{s:s, s:s, s:o, s:{s:i, s:i, s:i, s:i}}", "country", a[i].zA2, "name", c.zName, "series", aSeries,
                "trend", "since", yearFrom + iBack, "to", yearTo, "mobility", aMob[nY - 1] - aMob[iBack],
                "social_security", aSs[nY - 1] - aSs[iBack]));
    free(c.zName);
    free(aMob);
    free(aSs);
    i = k;
  }
  j = json_pack("{s:[{s:s, s:s}, {s:s, s:s}], s:i, s:i, s:o}", "indicators", "code", "mobility", "title",
                "Agreements facilitating labour mobility, signed and not ended (seed para 44)", "code", "social_security",
                "title", "Agreements with social security portability, signed and not ended (seed para 44)", "from", yearFrom, "to",
                yearTo, "countries", aCountries);
ind_out:
  free(a);
  return j;
}
