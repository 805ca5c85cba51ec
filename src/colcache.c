/*
** colcache.c: survey columns as memory-mapped files beside the database (see
** colcache.h). A file is a 4096-byte header (magic, data size, token, column
** name) followed by the column's bytes exactly as its BLOB holds them, so that
** the data start on a page boundary and map straight into the columns' arrays.
*/
#include "colcache.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define CC_HEADER 4096
#define CC_MAGIC "LMISCOL1"

typedef struct CcHead {
  char zMagic[8];
  uint64_t nByte;
  char zToken[COLCACHE_TOKEN_LEN + 8];
  char zColumn[256];
} CcHead;

bool colcache_enabled(void) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && defined(MAP_POPULATE)
  const char *z = getenv("LMIS_NO_COLCACHE");
  return !(z && z[0] && strcmp(z, "0") != 0);
#else
  return false;   /* the files hold the BLOBs' little-endian bytes */
#endif
}

void colcache_token(char zOut[COLCACHE_TOKEN_LEN + 1]) {
  unsigned char a[COLCACHE_TOKEN_LEN / 2];
  randombytes_buf(a, sizeof a);
  sodium_bin2hex(zOut, COLCACHE_TOKEN_LEN + 1, a, sizeof a);
}

/* Tokens are ours (hex), but a damaged database could hold anything: only hex
** ever becomes part of a path. */
static bool token_ok(const char *z) {
  size_t n = z ? strlen(z) : 0;
  if (n != COLCACHE_TOKEN_LEN) return false;
  for (size_t i = 0; i < n; i++)
    if (!((z[i] >= '0' && z[i] <= '9') || (z[i] >= 'a' && z[i] <= 'f'))) return false;
  return true;
}

/* A database in a file of its own (not in memory, not a URI): the files go beside it. */
static bool db_ok(const char *zDb) {
  return zDb && zDb[0] && strcmp(zDb, ":memory:") != 0 && strncmp(zDb, "file:", 5) != 0;
}

static bool head_fill(CcHead *h, const char *zToken, const char *zColumn, size_t nByte) {
  memset(h, 0, sizeof *h);
  if (strlen(zColumn) >= sizeof h->zColumn) return false;
  memcpy(h->zMagic, CC_MAGIC, 8);
  h->nByte = nByte;
  memcpy(h->zToken, zToken, COLCACHE_TOKEN_LEN);
  memcpy(h->zColumn, zColumn, strlen(zColumn));
  return true;
}

static int write_all(int fd, const void *p, size_t n) {
  const char *c = p;
  while (n > 0) {
    ssize_t k = write(fd, c, n);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) return -1;
    c += k;
    n -= (size_t)k;
  }
  return 0;
}

int colcache_put(const char *zDb, const char *zToken, int iPos, const char *zColumn, const void *p, size_t nByte,
                 bool bSync) {
  CcHead h;
  if (!colcache_enabled() || !db_ok(zDb) || !token_ok(zToken) || iPos < 0 || !head_fill(&h, zToken, zColumn, nByte))
    return -1;
  char *zDir = xasprintf("%s.cols", zDb);
  char *zPath = xasprintf("%s/%s-%d", zDir, zToken, iPos);
  unsigned char aRand[8];
  char zRand[17];
  randombytes_buf(aRand, sizeof aRand);
  sodium_bin2hex(zRand, sizeof zRand, aRand, sizeof aRand);
  /* Unsynced files wait as NAME.new for colcache_publish; others as a unique temporary name. */
  char *zTmp = bSync ? xasprintf("%s.tmp-%s", zPath, zRand) : xasprintf("%s.new", zPath);
  int rc = -1, fd = -1;
  if (mkdir(zDir, 0700) != 0 && errno != EEXIST) goto put_out;
  fd = open(zTmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | (bSync ? O_EXCL : 0), 0600);
  if (fd < 0) goto put_out;
  char aHead[CC_HEADER];
  memset(aHead, 0, sizeof aHead);
  memcpy(aHead, &h, sizeof h);
  /* Durable before it is named: a file that a crash left half-written must never be found. */
  if (write_all(fd, aHead, sizeof aHead) || write_all(fd, p, nByte) || (bSync && fdatasync(fd))) goto put_out;
  if (close(fd) != 0) {
    fd = -1;
    goto put_out;
  }
  fd = -1;
  rc = !bSync || rename(zTmp, zPath) == 0 ? 0 : -1;
put_out:
  if (fd >= 0) close(fd);
  if (rc) unlink(zTmp);
  free(zTmp);
  free(zPath);
  free(zDir);
  return rc;
}

/* Each file of zToken that ends in zSuffix: unlinked, or renamed without it. */
static void each_file(const char *zDb, const char *zToken, const char *zSuffix, bool bRename) {
  if (!db_ok(zDb) || !token_ok(zToken)) return;
  char *zDir = xasprintf("%s.cols", zDb);
  DIR *d = opendir(zDir);
  if (d) {
    struct dirent *ent;
    size_t nSuf = strlen(zSuffix);
    if (bRename) syncfs(dirfd(d));   /* the files' data on disk before any has its final name */
    while ((ent = readdir(d)) != NULL) {
      size_t n = strlen(ent->d_name);
      if (strncmp(ent->d_name, zToken, COLCACHE_TOKEN_LEN) != 0 || ent->d_name[COLCACHE_TOKEN_LEN] != '-') continue;
      if (n < nSuf || strcmp(ent->d_name + n - nSuf, zSuffix) != 0) continue;
      char *zPath = xasprintf("%s/%s", zDir, ent->d_name);
      if (bRename) {
        char *zTo = xstrndup(zPath, strlen(zPath) - nSuf);
        if (rename(zPath, zTo) != 0) unlink(zPath);
        free(zTo);
      } else {
        unlink(zPath);
      }
      free(zPath);
    }
    closedir(d);
    if (!bRename) rmdir(zDir);   /* only when empty */
  }
  free(zDir);
}

void colcache_publish(const char *zDb, const char *zToken) { each_file(zDb, zToken, ".new", true); }

const void *colcache_map(const char *zDb, const char *zToken, int iPos, const char *zColumn, size_t nByte,
                         void **ppMap, size_t *pnMap) {
  CcHead want;
  struct stat st;
  *ppMap = NULL;
  *pnMap = 0;
  if (!colcache_enabled() || !db_ok(zDb) || !token_ok(zToken) || iPos < 0 || !head_fill(&want, zToken, zColumn, nByte))
    return NULL;
  char *zPath = xasprintf("%s.cols/%s-%d", zDb, zToken, iPos);
  int fd = open(zPath, O_RDONLY | O_CLOEXEC);
  free(zPath);
  if (fd < 0) return NULL;
  size_t nMap = CC_HEADER + nByte;
  void *p = MAP_FAILED;
  /* The size first: a mapping past the end of a file faults on access. */
  if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size == (uint64_t)nMap)
    p = mmap(NULL, nMap, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, 0);
  close(fd);
  if (p == MAP_FAILED) return NULL;
  if (memcmp(p, &want, sizeof want) != 0) {
    munmap(p, nMap);
    return NULL;
  }
  *ppMap = p;
  *pnMap = nMap;
  return (const char *)p + CC_HEADER;
}

void colcache_unmap(void *pMap, size_t nMap) {
  if (pMap) munmap(pMap, nMap);
}

void colcache_drop(const char *zDb, const char *zToken) { each_file(zDb, zToken, "", false); }
