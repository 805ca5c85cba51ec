/*
** keys.h: the installation's secret key, kept in a file outside the database.
**
** One 32-byte master key per database, in the file named by LMIS_KEY_FILE or,
** by default, DB.key next to the database (mode 0600, created on first use).
** Purpose-specific keys are derived from it with libsodium's crypto_kdf, so the
** audit chain, encryption at rest and blind indexes never share a key. Someone
** who can edit the database but not read the key file can neither forge audit
** entries nor read encrypted fields.
*/
#ifndef LMIS_KEYS_H
#define LMIS_KEYS_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"

#define KEYS_BYTES 32

/* Subkey purposes (crypto_kdf subkey ids; never renumber). */
enum { KEY_AUDIT = 1, KEY_ENCRYPT = 2, KEY_BLIND_INDEX = 3 };

/* The key file used for the database at zDbPath; caller frees. */
char *keys_path(const char *zDbPath);
/* Load the master key for zDbPath into key, creating the file when it does not
** exist and bCreate is set. 0, or -1 with e set (names the file). */
int keys_master(const char *zDbPath, int bCreate, uint8_t key[KEYS_BYTES], Err *e);
/* Derive the subkey for a purpose into out (KEYS_BYTES bytes). */
void keys_derive(const uint8_t master[KEYS_BYTES], int purpose, uint8_t out[KEYS_BYTES]);
/* A short public fingerprint of a key (hex, 16 chars) to tell keys apart. */
void keys_fingerprint(const uint8_t key[KEYS_BYTES], char zOut[17]);

#endif
