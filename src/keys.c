/*
** keys.c: the master key file and derived subkeys (see keys.h).
*/
#include "keys.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *keys_path(const char *zDbPath) {
  const char *zEnv = getenv("LMIS_KEY_FILE");
  if (zEnv && zEnv[0]) return xstrdup(zEnv);
  return xasprintf("%s.key", zDbPath ? zDbPath : "lmis.db");
}

/* Read exactly KEYS_BYTES from fd; the file must hold nothing else. */
static int read_key(int fd, uint8_t key[KEYS_BYTES]) {
  size_t n = 0;
  uint8_t extra;
  while (n < KEYS_BYTES) {
    ssize_t k = read(fd, key + n, KEYS_BYTES - n);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return -1;
    n += (size_t)k;
  }
  return read(fd, &extra, 1) == 0 ? 0 : -1;
}

static int write_all(int fd, const uint8_t *p, size_t n) {
  while (n > 0) {
    ssize_t k = write(fd, p, n);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return -1;
    p += k;
    n -= (size_t)k;
  }
  return 0;
}

int keys_master(const char *zDbPath, int bCreate, uint8_t key[KEYS_BYTES], Err *e) {
  char *zPath = keys_path(zDbPath);
  int fd = open(zPath, O_RDONLY | O_CLOEXEC);
  int rc = -1;
  if (fd < 0 && errno == ENOENT && bCreate) {
    /* O_EXCL: two processes creating it at once agree on the first one's key. */
    fd = open(zPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
      randombytes_buf(key, KEYS_BYTES);
      if (write_all(fd, key, KEYS_BYTES) != 0 || fsync(fd) != 0) {
        err_set(e, ERR_IO, "could not write the key file %s", zPath);
        err_detail(e, "%s", strerror(errno));
        close(fd);
        unlink(zPath);
        goto keys_out;
      }
      close(fd);
      rc = 0;
      goto keys_out;
    }
    if (errno == EEXIST) fd = open(zPath, O_RDONLY | O_CLOEXEC);
  }
  if (fd < 0) {
    err_set(e, ERR_IO, "cannot read the key file %s", zPath);
    err_detail(e, "%s", strerror(errno));
    err_hint(e, "the key file is created next to the database by `lmis init`; set LMIS_KEY_FILE to use another");
    goto keys_out;
  }
  if (read_key(fd, key) != 0) {
    err_set(e, ERR_IO, "the key file %s is not a %d-byte lmis key", zPath, KEYS_BYTES);
    close(fd);
    goto keys_out;
  }
  close(fd);
  rc = 0;
keys_out:
  free(zPath);
  return rc;
}

void keys_derive(const uint8_t master[KEYS_BYTES], int purpose, uint8_t out[KEYS_BYTES]) {
  crypto_kdf_derive_from_key(out, KEYS_BYTES, (uint64_t)purpose, "lmis-key", master);
}

void keys_fingerprint(const uint8_t key[KEYS_BYTES], char zOut[17]) {
  uint8_t h[8];
  crypto_generichash(h, sizeof h, key, KEYS_BYTES, (const uint8_t *)"lmis-fingerprint", 16);
  sodium_bin2hex(zOut, 17, h, sizeof h);
}
