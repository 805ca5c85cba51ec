/*
** pii.h: personal identifiers at rest: encryption and keyed blind indexes.
**
** Names, passport and phone numbers, contact details and free text that may
** reveal immigration status are stored only encrypted (XSalsa20-Poly1305,
** libsodium crypto_secretbox, a fresh random nonce per value) with a key derived
** from the key file (keys.h), never from the database. Exact-match search works
** through a blind index: a keyed BLAKE2b hash of the normalised value, so equal
** values find each other while the index reveals nothing without the key.
**
** Ownership: a Pii holds the derived keys (wiped by pii_close). Returned buffers
** and strings belong to the caller (free).
*/
#ifndef LMIS_PII_H
#define LMIS_PII_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"
#include "keys.h"
#include "store.h"

typedef struct Pii {
  uint8_t aEnc[KEYS_BYTES];
  uint8_t aIdx[KEYS_BYTES];
} Pii;

/* Load the keys for the database behind s (creating the key file if missing and
** bCreate). 0 or -1 with e set. */
int pii_open(Store *s, int bCreate, Pii *p, Err *e);
void pii_close(Pii *p);

/* Encrypt z (NUL-terminated) into a new buffer of *pn bytes: nonce || box. */
uint8_t *pii_seal(const Pii *p, const char *z, int *pn);
/* Decrypt what pii_seal made; a new NUL-terminated string, or NULL (with e set,
** ERR_DB) when the data was altered or the key is another one. */
char *pii_open_text(const Pii *p, const uint8_t *pBox, int n, Err *e);

/* Blind index of a value after normalisation (letters and digits only, case and
** accents folded: "P 12-345" and "p12345" match). 32 hex chars + NUL in zOut.
** An empty normalised value gives "" (nothing to index). */
void pii_blind_index(const Pii *p, const char *zKind, const char *z, char zOut[33]);
/* The normalisation used by the blind index; caller frees. Exposed for tests. */
char *pii_normalise(const char *z);

#endif
