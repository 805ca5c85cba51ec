/*
** i18n.c: translations from the GNU gettext catalogues embedded in the binary
** (po/LANG.po -> LANG.mo by msgfmt at build time; see docs/translating.md).
**
** The catalogues are parsed once, on first use, under pthread_once; afterwards
** they are read-only, so any number of threads may look up messages in any
** language at once without locks. A malformed catalogue is rejected as a whole
** (with a warning on stderr) and that language falls back to English.
**
** The .mo layout (all numbers 32-bit, in the byte order of the magic):
**   0 magic 0x950412de   4 revision   8 N   12 offset of originals table
**   16 offset of translations table   20 hash size   24 hash offset
** and each table holds N pairs (length, offset) of NUL-terminated strings.
** msgfmt writes the originals sorted by strcmp, which makes binary search work;
** we sort anyway when they are not, rather than trust the file.
*/
#include "i18n.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "embedded.h"
#include "util.h"

typedef struct MoEntry {
  const char *zOrig;
  const char *zTrans;
} MoEntry;

struct I18nCatalog {
  int nEntry;
  MoEntry *aEntry;   /* sorted by zOrig (strcmp) */
};

#define MO_MAGIC 0x950412deu
#define MO_HEADER 28

static uint32_t mo_read32(const unsigned char *p, bool bBig) {
  if (bBig) return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
  return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | (uint32_t)p[0];
}

/* The string of table entry i, or NULL when its length/offset fall outside the
** data or it is not NUL-terminated where its length says. */
static const char *mo_string(const unsigned char *p, size_t n, uint32_t oTable, uint32_t i, bool bBig) {
  size_t oEntry = (size_t)oTable + (size_t)i * 8;
  uint32_t len = mo_read32(p + oEntry, bBig);
  uint32_t off = mo_read32(p + oEntry + 4, bBig);
  if ((size_t)off >= n || (size_t)len >= n - (size_t)off) return NULL;
  if (p[(size_t)off + len] != 0) return NULL;
  return (const char *)p + off;
}

static int mo_entry_cmp(const void *a, const void *b) {
  return strcmp(((const MoEntry *)a)->zOrig, ((const MoEntry *)b)->zOrig);
}

I18nCatalog *i18n_catalog_parse(const unsigned char *p, size_t n) {
  bool bBig;
  uint32_t magic, rev, nStr, oOrig, oTrans;
  I18nCatalog *c = NULL;

  if (!p || n < MO_HEADER) return NULL;
  magic = mo_read32(p, false);
  if (magic == MO_MAGIC) bBig = false;
  else if (mo_read32(p, true) == MO_MAGIC) bBig = true;
  else return NULL;
  rev = mo_read32(p + 4, bBig);
  if ((rev >> 16) > 1) return NULL;    /* unknown major revision */
  nStr = mo_read32(p + 8, bBig);
  oOrig = mo_read32(p + 12, bBig);
  oTrans = mo_read32(p + 16, bBig);
  /* Each table needs 8*N bytes inside the data. Computed in size_t from 32-bit
  ** values, so it cannot overflow on a 64-bit size_t; the first test keeps it so
  ** on 32-bit too. */
  if (nStr > n / 8) return NULL;
  if ((size_t)oOrig > n || (size_t)nStr * 8 > n - oOrig) return NULL;
  if ((size_t)oTrans > n || (size_t)nStr * 8 > n - oTrans) return NULL;

  c = xcalloc(1, sizeof(*c));
  c->aEntry = xcalloc(nStr ? nStr : 1, sizeof(MoEntry));
  bool bSorted = true;
  for (uint32_t i = 0; i < nStr; i++) {
    const char *zOrig = mo_string(p, n, oOrig, i, bBig);
    const char *zTrans = mo_string(p, n, oTrans, i, bBig);
    if (!zOrig || !zTrans) goto parse_fail;
    if (!utf8_valid_text(zOrig, strlen(zOrig)) || !utf8_valid_text(zTrans, strlen(zTrans))) goto parse_fail;
    /* The header (msgid "") is metadata, and an empty translation means none. */
    if (zOrig[0] == 0 || zTrans[0] == 0) continue;
    if (c->nEntry > 0 && strcmp(c->aEntry[c->nEntry - 1].zOrig, zOrig) > 0) bSorted = false;
    c->aEntry[c->nEntry].zOrig = zOrig;
    c->aEntry[c->nEntry].zTrans = zTrans;
    c->nEntry++;
  }
  if (!bSorted) qsort(c->aEntry, (size_t)c->nEntry, sizeof(MoEntry), mo_entry_cmp);
  return c;

parse_fail:
  i18n_catalog_free(c);
  return NULL;
}

const char *i18n_catalog_lookup(const I18nCatalog *c, const char *zMsgid) {
  MoEntry key, *pHit;
  if (!c || !zMsgid || c->nEntry == 0) return NULL;
  key.zOrig = zMsgid;
  key.zTrans = NULL;
  pHit = bsearch(&key, c->aEntry, (size_t)c->nEntry, sizeof(MoEntry), mo_entry_cmp);
  return pHit ? pHit->zTrans : NULL;
}

int i18n_catalog_count(const I18nCatalog *c) { return c ? c->nEntry : 0; }

void i18n_catalog_free(I18nCatalog *c) {
  if (!c) return;
  free(c->aEntry);
  free(c);
}

/* ---- the embedded catalogues ---- */

static const char *const azLangCode[] = {"en", "fr", "es"};
static const char *const azLangName[] = {"English", "Français", "Español"};

/* Written once inside pthread_once, read-only afterwards. Index as azLangCode;
** English (0) has no catalogue. */
static I18nCatalog *apCatalog[COUNT(azLangCode)];
static pthread_once_t catalogOnce = PTHREAD_ONCE_INIT;

static void catalogs_load(void) {
  for (size_t i = 1; i < COUNT(azLangCode); i++) {
    char zFile[16];
    const EmbeddedFile *f;
    snprintf(zFile, sizeof(zFile), "%s.mo", azLangCode[i]);
    f = embedded_find(zFile);
    if (!f) continue;
    apCatalog[i] = i18n_catalog_parse(f->pData, f->nData);
    if (!apCatalog[i]) fprintf(stderr, "lmis: warning: embedded %s is malformed; %s pages will be in English\n", zFile, azLangCode[i]);
  }
}

static int lang_index(const char *zLang) {
  if (!zLang) return -1;
  for (size_t i = 0; i < COUNT(azLangCode); i++)
    if (strcmp(zLang, azLangCode[i]) == 0) return (int)i;
  return -1;
}

const char *i18n_get(const char *zLang, const char *zMsgid) {
  int i;
  const char *zTrans;
  if (!zMsgid) return "";
  i = lang_index(zLang);
  if (i <= 0 || zMsgid[0] == 0) return zMsgid;
  pthread_once(&catalogOnce, catalogs_load);
  zTrans = i18n_catalog_lookup(apCatalog[i], zMsgid);
  return zTrans ? zTrans : zMsgid;
}

bool i18n_supported(const char *zLang) { return lang_index(zLang) >= 0; }

int i18n_languages(const char *const **pazCode, const char *const **pazName) {
  if (pazCode) *pazCode = azLangCode;
  if (pazName) *pazName = azLangName;
  return (int)COUNT(azLangCode);
}

/* The supported code whose name is z[0..n) (case-insensitive), or NULL. */
static const char *lang_match(const char *z, size_t n) {
  for (size_t i = 0; i < COUNT(azLangCode); i++)
    if (n == strlen(azLangCode[i]) && strncasecmp(z, azLangCode[i], n) == 0) return azLangCode[i];
  return NULL;
}

/* Parse an RFC 9110 qvalue ("1", "0.8", "1.000") at z[0..n) into 0..1000, or -1. */
static int parse_qvalue(const char *z, size_t n) {
  int q, nDigit = 0;
  if (n == 0 || (z[0] != '0' && z[0] != '1')) return -1;
  q = (z[0] - '0') * 1000;
  if (n == 1) return q;
  if (z[1] != '.' || n > 5) return -1;
  for (size_t i = 2; i < n; i++) {
    if (z[i] < '0' || z[i] > '9') return -1;
    int scale = nDigit == 0 ? 100 : nDigit == 1 ? 10 : 1;
    q += (z[i] - '0') * scale;
    nDigit++;
  }
  return q > 1000 ? -1 : q;
}

static bool is_ows(char c) { return c == ' ' || c == '\t'; }

const char *i18n_negotiate(const char *zExplicit, const char *zAcceptLanguage) {
  const char *zBest = NULL;
  int qBest = 0, nItem = 0;
  const char *z;

  if (zExplicit && zExplicit[0]) {
    const char *zHit = lang_match(zExplicit, strlen(zExplicit));
    if (zHit) return zHit;
  }
  if (!zAcceptLanguage) return "en";
  /* "es-MX,es;q=0.9,en;q=0.8": take the supported primary subtag of highest q;
  ** on a tie the earlier one. Malformed items are skipped, and only the first 64
  ** are read, so a hostile header costs little. */
  z = zAcceptLanguage;
  while (*z && nItem++ < 64) {
    const char *zItem = z, *zEnd = strchr(z, ',');
    if (!zEnd) zEnd = z + strlen(z);
    z = *zEnd ? zEnd + 1 : zEnd;

    while (zItem < zEnd && is_ows(*zItem)) zItem++;
    const char *zTag = zItem;
    while (zItem < zEnd && *zItem != ';' && !is_ows(*zItem)) zItem++;
    size_t nTag = (size_t)(zItem - zTag);
    size_t nPrimary = 0;
    while (nPrimary < nTag && zTag[nPrimary] != '-' && zTag[nPrimary] != '_') nPrimary++;

    int q = 1000;
    /* parameters: ;q=0.8 (others ignored) */
    while (zItem < zEnd) {
      while (zItem < zEnd && (is_ows(*zItem) || *zItem == ';')) zItem++;
      const char *zParam = zItem;
      while (zItem < zEnd && *zItem != ';') zItem++;
      const char *zParamEnd = zItem;
      while (zParamEnd > zParam && is_ows(zParamEnd[-1])) zParamEnd--;
      if (zParamEnd - zParam >= 2 && (zParam[0] == 'q' || zParam[0] == 'Q') && zParam[1] == '=') {
        q = parse_qvalue(zParam + 2, (size_t)(zParamEnd - zParam - 2));
      }
    }
    if (q <= 0) continue;
    const char *zHit = lang_match(zTag, nPrimary);
    if (zHit && q > qBest) {
      zBest = zHit;
      qBest = q;
    }
  }
  return zBest ? zBest : "en";
}
