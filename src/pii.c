/*
** pii.c: encryption at rest and blind indexes for personal identifiers (pii.h).
*/
#include "pii.h"
#include "util.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

int pii_open(Store *s, int bCreate, Pii *p, Err *e) {
  uint8_t master[KEYS_BYTES];
  if (sodium_init() < 0) return err_set(e, ERR_INTERNAL, "libsodium failed to initialise");
  if (keys_master(store_path(s), bCreate, master, e)) return -1;
  keys_derive(master, KEY_ENCRYPT, p->aEnc);
  keys_derive(master, KEY_BLIND_INDEX, p->aIdx);
  sodium_memzero(master, sizeof master);
  return 0;
}

void pii_close(Pii *p) { sodium_memzero(p, sizeof *p); }

uint8_t *pii_seal(const Pii *p, const char *z, int *pn) {
  size_t n = strlen(z);
  size_t nOut = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + n;
  uint8_t *pOut = xmalloc(nOut);
  randombytes_buf(pOut, crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(pOut + crypto_secretbox_NONCEBYTES, (const uint8_t *)z, n, pOut, p->aEnc);
  *pn = (int)nOut;
  return pOut;
}

char *pii_open_text(const Pii *p, const uint8_t *pBox, int n, Err *e) {
  size_t nPlain;
  char *z;
  if (!pBox || n < (int)(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)) {
    err_set(e, ERR_DB, "an encrypted field is truncated");
    return NULL;
  }
  nPlain = (size_t)n - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
  z = xmalloc(nPlain + 1);
  if (crypto_secretbox_open_easy((uint8_t *)z, pBox + crypto_secretbox_NONCEBYTES,
                                 (unsigned long long)n - crypto_secretbox_NONCEBYTES, pBox, p->aEnc) != 0) {
    free(z);
    err_set(e, ERR_DB, "an encrypted field cannot be decrypted: it was altered, or the key file is another one");
    return NULL;
  }
  z[nPlain] = 0;
  return z;
}

char *pii_normalise(const char *z) {
  utf8proc_uint8_t *zFold = NULL;
  Buf b;
  buf_init(&b, BUF_UNBOUNDED);
  /* NFKC + case fold + strip marks: "Öztürk" -> "ozturk", full-width digits -> ASCII. */
  if (utf8proc_map((const utf8proc_uint8_t *)z, 0, &zFold,
                   UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
                       UTF8PROC_STRIPMARK) >= 0) {
    const utf8proc_uint8_t *s = zFold;
    while (*s) {
      utf8proc_int32_t c;
      utf8proc_ssize_t k = utf8proc_iterate(s, -1, &c);
      if (k <= 0) break;
      utf8proc_category_t cat = utf8proc_category(c);
      /* Keep letters and digits of any script; drop spaces, dashes, punctuation. */
      if ((cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
          (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO))
        buf_append(&b, s, (size_t)k);
      s += k;
    }
  }
  free(zFold);
  return buf_detach(&b);
}

void pii_blind_index(const Pii *p, const char *zKind, const char *z, char zOut[33]) {
  char *zNorm = pii_normalise(z ? z : "");
  uint8_t h[16];
  crypto_generichash_state st;
  zOut[0] = 0;
  if (zNorm[0]) {
    /* The kind keeps a passport number and a phone number with the same digits apart. */
    crypto_generichash_init(&st, p->aIdx, KEYS_BYTES, sizeof h);
    crypto_generichash_update(&st, (const uint8_t *)zKind, strlen(zKind) + 1);
    crypto_generichash_update(&st, (const uint8_t *)zNorm, strlen(zNorm));
    crypto_generichash_final(&st, h, sizeof h);
    sodium_bin2hex(zOut, 33, h, sizeof h);
  }
  free(zNorm);
}
