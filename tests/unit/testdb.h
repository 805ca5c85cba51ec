/*
** testdb.h: the temporary database the unit tests of stateful modules start
** from, and their principals. Header-only: each test program includes it once.
** Ownership: testdb_open fills the caller's fields (zDir a buffer of 64 bytes,
** *pzDb and *ps new); testdb_close releases them and removes the directory.
*/
#ifndef LMIS_TESTDB_H
#define LMIS_TESTDB_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "store.h"
#include "util.h"

/* A new directory /tmp/lmis-test-NAME.XXXXXX holding NAME.db with every migration; 0 or -1 (printed). */
static inline int testdb_open(const char *zName, char zDir[64], char **pzDb, Store **ps) {
  Err e = ERR_INIT;
  snprintf(zDir, 64, "/tmp/lmis-test-%s.XXXXXX", zName);
  *pzDb = NULL;
  *ps = NULL;
  if (!mkdtemp(zDir)) return -1;
  *pzDb = xasprintf("%s/%s.db", zDir, zName);
  if (store_open(*pzDb, STORE_CREATE, ps, &e) || store_migrate(*ps, &e)) {
    err_print(&e);
    err_clear(&e);
    return -1;
  }
  return 0;
}

static inline void testdb_close(const char *zDir, char *zDb, Store *s) {
  char *z = xasprintf("rm -rf '%s'", zDir);
  store_close(s);
  if (system(z) != 0) fprintf(stderr, "could not remove %s\n", zDir);
  free(z);
  free(zDb);
}

/* A principal: account id, role and name (no session). */
static inline Principal test_who(int64_t id, Role r, const char *zName) {
  Principal p;
  memset(&p, 0, sizeof p);
  p.accountId = id;
  p.role = r;
  snprintf(p.zUsername, sizeof p.zUsername, "%s", zName);
  return p;
}

#endif
