/*
** test_i18n.c: translations (i18n.c): lookups in the embedded French and
** Spanish catalogues, fallback to the msgid, Accept-Language negotiation, and
** that malformed .mo data is rejected without crashing.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "embedded.h"
#include "i18n.h"
#include "util.h"

static void test_lookup_fr_es(void **state) {
  (void)state;
  assert_string_equal(T("fr", "Log in"), "Se connecter");
  assert_string_equal(T("es", "Log in"), "Iniciar sesión");
  assert_string_equal(T("fr", "Home"), "Accueil");
  assert_string_equal(T("es", "Home"), "Inicio");
  assert_string_equal(T("fr", "Occupations (ISCO-08/ESCO)"), "Professions (CITP-08/ESCO)");
  assert_string_equal(T("es", "Occupations (ISCO-08/ESCO)"), "Ocupaciones (CIUO-08/ESCO)");
  assert_string_equal(T("fr", "This service uses the ESCO classification of the European Commission."),
                      "Ce service utilise la classification ESCO de la Commission européenne.");
  assert_string_equal(T("en", "Log in"), "Log in");
}

static void test_fallback(void **state) {
  (void)state;
  static const char zMissing[] = "A message that no catalogue has";
  assert_ptr_equal(T("fr", zMissing), zMissing);
  assert_ptr_equal(T("es", zMissing), zMissing);
  assert_ptr_equal(T("en", zMissing), zMissing);
  assert_ptr_equal(T("de", zMissing), zMissing);     /* unsupported language */
  assert_ptr_equal(T(NULL, zMissing), zMissing);
  assert_string_equal(T("fr", ""), "");             /* never the catalogue header */
  assert_string_equal(i18n_get("fr", NULL), "");
}

static void test_negotiate(void **state) {
  (void)state;
  static const struct {
    const char *zExplicit, *zAccept, *zWant;
  } aCase[] = {
    {"fr", "es", "fr"},
    {"es", NULL, "es"},
    {"en", "fr", "en"},
    {"FR", NULL, "fr"},
    {"xx", "es", "es"},                     /* unsupported explicit: header decides */
    {"", "fr-CA", "fr"},
    {NULL, "es-MX,es;q=0.9,en;q=0.8", "es"},
    {NULL, "de-DE,de;q=0.9,fr;q=0.5,en;q=0.4", "fr"},
    {NULL, "en;q=0.5, es;q=0.7 , fr;q=0.6", "es"},
    {NULL, "fr;q=0,es;q=0.1", "es"},        /* q=0 means "not acceptable" */
    {NULL, "fr;q=0", "en"},
    {NULL, "de,ja", "en"},
    {NULL, "*", "en"},
    {NULL, "", "en"},
    {NULL, NULL, "en"},
    {NULL, "fr;q=2,es", "es"},              /* invalid q: item skipped */
    {NULL, "fr;q=abc,es;q=0.2", "es"},
    {NULL, "fr;q=1.000", "fr"},
    {NULL, "es;q=0.800;level=1, fr;q=0.801", "fr"},
    {NULL, "fre,fr", "fr"},                 /* "fre" is not "fr" */
    {NULL, "en-GB,en;q=0.9,fr;q=0.95", "en"},
    {NULL, ",,;;,=,q=,;q=0.5", "en"},
    {NULL, "ES_es", "es"},
  };
  for (size_t i = 0; i < sizeof(aCase) / sizeof(aCase[0]); i++) {
    const char *z = i18n_negotiate(aCase[i].zExplicit, aCase[i].zAccept);
    if (strcmp(z, aCase[i].zWant) != 0) {
      fail_msg("case %zu (%s | %s): got %s, want %s", i, aCase[i].zExplicit ? aCase[i].zExplicit : "NULL",
               aCase[i].zAccept ? aCase[i].zAccept : "NULL", z, aCase[i].zWant);
    }
  }
  /* A long hostile header costs little and still parses. */
  Buf b;
  buf_init(&b, BUF_UNBOUNDED);
  for (int i = 0; i < 5000; i++) buf_puts(&b, "xx;q=0.5,");
  buf_puts(&b, "fr");
  assert_string_equal(i18n_negotiate(NULL, buf_cstr(&b)), "en");   /* only the first 64 items count */
  buf_free(&b);
}

static void test_languages(void **state) {
  (void)state;
  const char *const *azCode, *const *azName;
  int n = i18n_languages(&azCode, &azName);
  assert_int_equal(n, 3);
  assert_string_equal(azCode[0], "en");
  assert_string_equal(azName[1], "Français");
  assert_string_equal(azName[2], "Español");
  assert_true(i18n_supported("es"));
  assert_false(i18n_supported("de"));
  assert_false(i18n_supported(NULL));
}

/* ---- .mo parsing ---- */

static void put32(unsigned char *p, uint32_t v, bool bBig) {
  for (int i = 0; i < 4; i++) p[bBig ? 3 - i : i] = (unsigned char)(v >> (8 * i));
}

/* Build a .mo image of n pairs (in the given order) into a new buffer. */
static unsigned char *mo_build(const char *const (*aPair)[2], uint32_t n, bool bBig, size_t *pnOut) {
  size_t nStr = 0;
  for (uint32_t i = 0; i < n; i++) nStr += strlen(aPair[i][0]) + strlen(aPair[i][1]) + 2;
  size_t oOrig = 28, oTrans = oOrig + 8 * n, oData = oTrans + 8 * n;
  size_t nTotal = oData + nStr;
  unsigned char *p = calloc(1, nTotal);
  put32(p, 0x950412de, bBig);
  put32(p + 4, 0, bBig);
  put32(p + 8, n, bBig);
  put32(p + 12, (uint32_t)oOrig, bBig);
  put32(p + 16, (uint32_t)oTrans, bBig);
  size_t o = oData;
  for (uint32_t i = 0; i < n; i++) {
    for (int k = 0; k < 2; k++) {
      size_t len = strlen(aPair[i][k]);
      put32(p + (k ? oTrans : oOrig) + 8 * i, (uint32_t)len, bBig);
      put32(p + (k ? oTrans : oOrig) + 8 * i + 4, (uint32_t)o, bBig);
      memcpy(p + o, aPair[i][k], len + 1);
      o += len + 1;
    }
  }
  *pnOut = nTotal;
  return p;
}

static const char *const aSorted[][2] = {
  {"", "Content-Type: text/plain; charset=UTF-8\n"},
  {"Apple", "Pomme"},
  {"Cherry", "Cerise"},
  {"Empty", ""},
  {"Pear", "Poire"},
};
static const char *const aUnsorted[][2] = {
  {"Pear", "Poire"},
  {"", "Content-Type: text/plain; charset=UTF-8\n"},
  {"Cherry", "Cerise"},
  {"Apple", "Pomme"},
};

static void test_parse_handmade(void **state) {
  (void)state;
  for (int bBig = 0; bBig < 2; bBig++) {
    size_t n;
    unsigned char *p = mo_build(aSorted, 5, bBig, &n);
    I18nCatalog *c = i18n_catalog_parse(p, n);
    assert_non_null(c);
    assert_int_equal(i18n_catalog_count(c), 3);   /* header and empty translation left out */
    assert_string_equal(i18n_catalog_lookup(c, "Apple"), "Pomme");
    assert_string_equal(i18n_catalog_lookup(c, "Pear"), "Poire");
    assert_null(i18n_catalog_lookup(c, "Empty"));
    assert_null(i18n_catalog_lookup(c, ""));
    assert_null(i18n_catalog_lookup(c, "Banana"));
    i18n_catalog_free(c);
    free(p);

    p = mo_build(aUnsorted, 4, bBig, &n);
    c = i18n_catalog_parse(p, n);
    assert_non_null(c);
    assert_string_equal(i18n_catalog_lookup(c, "Apple"), "Pomme");
    assert_string_equal(i18n_catalog_lookup(c, "Cherry"), "Cerise");
    assert_string_equal(i18n_catalog_lookup(c, "Pear"), "Poire");
    i18n_catalog_free(c);
    free(p);
  }
}

static void test_parse_rejects_corrupt(void **state) {
  (void)state;
  size_t n;
  unsigned char *p = mo_build(aSorted, 5, false, &n);
  unsigned char *q = malloc(n);

  assert_null(i18n_catalog_parse(NULL, 100));
  assert_null(i18n_catalog_parse(p, 0));
  assert_null(i18n_catalog_parse(p, 27));
  /* bad magic */
  memcpy(q, p, n);
  q[0] ^= 1;
  assert_null(i18n_catalog_parse(q, n));
  /* unknown major revision */
  memcpy(q, p, n);
  put32(q + 4, 2u << 16, false);
  assert_null(i18n_catalog_parse(q, n));
  /* N larger than the tables can hold */
  memcpy(q, p, n);
  put32(q + 8, 0xffffffffu, false);
  assert_null(i18n_catalog_parse(q, n));
  memcpy(q, p, n);
  put32(q + 8, 6, false);
  i18n_catalog_free(i18n_catalog_parse(q, n));   /* may parse or not: must not crash */
  /* table offsets outside the data */
  memcpy(q, p, n);
  put32(q + 12, (uint32_t)n, false);
  assert_null(i18n_catalog_parse(q, n));
  memcpy(q, p, n);
  put32(q + 16, 0xfffffff0u, false);
  assert_null(i18n_catalog_parse(q, n));
  /* a string whose length runs past the end */
  memcpy(q, p, n);
  put32(q + 28 + 8, 0x7fffffffu, false);
  assert_null(i18n_catalog_parse(q, n));
  /* a string offset past the end */
  memcpy(q, p, n);
  put32(q + 28 + 8 + 4, (uint32_t)n + 5, false);
  assert_null(i18n_catalog_parse(q, n));
  /* a string not NUL-terminated where its length says */
  memcpy(q, p, n);
  put32(q + 28 + 8, 3, false);     /* "Apple" said to be 3 bytes: q[off+3] is 'l' */
  assert_null(i18n_catalog_parse(q, n));
  /* the last string cut off (no final NUL inside the data) */
  assert_null(i18n_catalog_parse(p, n - 1));
  /* invalid UTF-8 in a translation */
  memcpy(q, p, n);
  {
    unsigned char *pPomme = memmem(q, n, "Pomme", 5);
    assert_non_null(pPomme);
    pPomme[1] = 0xff;
  }
  assert_null(i18n_catalog_parse(q, n));
  free(q);
  free(p);
}

/* Every truncation and every single-byte change of the real catalogues either
** parses into something whose lookups are safe, or is rejected. Run under
** ASan to make "safe" mean something. */
static void test_parse_mutations(void **state) {
  (void)state;
  static const char *const azFile[] = {"fr.mo", "es.mo"};
  for (size_t f = 0; f < 2; f++) {
    const EmbeddedFile *pFile = embedded_find(azFile[f]);
    assert_non_null(pFile);
    I18nCatalog *cFull = i18n_catalog_parse(pFile->pData, pFile->nData);
    assert_non_null(cFull);
    assert_true(i18n_catalog_count(cFull) > 50);
    assert_string_equal(i18n_catalog_lookup(cFull, "Log in"), f == 0 ? "Se connecter" : "Iniciar sesión");

    size_t n = pFile->nData;
    unsigned char *q = malloc(n);
    for (size_t k = 0; k < n; k++) {
      /* Copy into a buffer of exactly k bytes so ASan sees any over-read. */
      unsigned char *t = malloc(k ? k : 1);
      memcpy(t, pFile->pData, k);
      I18nCatalog *c = i18n_catalog_parse(t, k);
      if (c) {
        (void)i18n_catalog_lookup(c, "Log in");
        i18n_catalog_free(c);
      }
      free(t);
    }
    for (size_t k = 0; k < n; k++) {
      memcpy(q, pFile->pData, n);
      q[k] ^= (unsigned char)(0x5a + k);
      I18nCatalog *c = i18n_catalog_parse(q, n);
      if (c) {
        (void)i18n_catalog_lookup(c, "Log in");
        (void)i18n_catalog_lookup(c, "Home");
        i18n_catalog_free(c);
      }
    }
    free(q);
    i18n_catalog_free(cFull);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_lookup_fr_es),
    cmocka_unit_test(test_fallback),
    cmocka_unit_test(test_negotiate),
    cmocka_unit_test(test_languages),
    cmocka_unit_test(test_parse_handmade),
    cmocka_unit_test(test_parse_rejects_corrupt),
    cmocka_unit_test(test_parse_mutations),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
