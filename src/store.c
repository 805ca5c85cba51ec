/*
** store.c: the SQLite implementation of store.h.
*/
#include "store.h"
#include "schema.h"
#include "util.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct Store {
  sqlite3 *db;
  char *zPath;
};

struct Stmt {
  Store *s;
  sqlite3_stmt *p;
  char *zBadParam;   /* first parameter name that did not exist */
};

static int db_err(Store *s, Err *e, const char *zWhat) {
  int rc = sqlite3_extended_errcode(s->db);
  err_set(e, ERR_DB, "%s", zWhat);
  err_detail(e, "%s (sqlite error %d)", sqlite3_errmsg(s->db), rc);
  if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED)
    err_hint(e, "another process holds a lock on %s; try again", s->zPath);
  else if ((rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB)
    err_hint(e, "%s is not a valid lmis database; recreate it with `lmis init`", s->zPath);
  return -1;
}

const char *store_path(Store *s) { return s->zPath; }

int store_open(const char *zPath, int flags, Store **ppStore, Err *e) {
  struct stat st;
  int sqlFlags;
  Store *s;
  *ppStore = NULL;
  if (!(flags & STORE_CREATE) && stat(zPath, &st) != 0) {
    err_set(e, ERR_NO_DB, "no database at %s", zPath);
    err_hint(e, "run `lmis init --db %s` first, or set LMIS_DB", zPath);
    return -1;
  }
  sqlFlags = (flags & STORE_READONLY) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  if (flags & STORE_CREATE) sqlFlags |= SQLITE_OPEN_CREATE;
  sqlFlags |= SQLITE_OPEN_NOMUTEX; /* one connection per thread at a time (pool) */
  s = xcalloc(1, sizeof(*s));
  s->zPath = xstrdup(zPath);
  if (sqlite3_open_v2(zPath, &s->db, sqlFlags, NULL) != SQLITE_OK) {
    err_set(e, ERR_NO_DB, "cannot open database %s", zPath);
    err_detail(e, "%s", s->db ? sqlite3_errmsg(s->db) : "out of memory");
    store_close(s);
    return -1;
  }
  sqlite3_extended_result_codes(s->db, 1);
  sqlite3_busy_timeout(s->db, 5000);
  if (store_exec(s, "PRAGMA foreign_keys=ON", e)) goto open_fail;
  /* Large pages for new databases: survey columns are multi-megabyte BLOBs, and
  ** 64 KiB pages halve the work of writing and reading them. Ignored once the
  ** database has content. */
  if (flags & STORE_CREATE) {
    if (store_exec(s, "PRAGMA page_size=65536", e)) goto open_fail;
  }
  if (!(flags & STORE_READONLY)) {
    if (store_exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL", e)) goto open_fail;
  }
  /* Read through a memory map (up to 1 GiB): no system call per page. */
  if (store_exec(s, "PRAGMA mmap_size=1073741824", e)) goto open_fail;
  /* Check the file really is a database now rather than on first query. */
  if (store_exec(s, "SELECT count(*) FROM sqlite_schema", e)) goto open_fail;
  if (!(flags & STORE_CREATE)) {
    int v = store_schema_version(s);
    if (v == 0) {
      err_set(e, ERR_NO_DB, "database %s is empty", zPath);
      err_hint(e, "run `lmis init --db %s` to create the schema and load reference data", zPath);
      goto open_fail;
    }
    if (v > store_schema_latest()) {
      err_set(e, ERR_DB, "database %s has schema version %d, newer than this lmis (%d)", zPath, v,
              store_schema_latest());
      err_hint(e, "use a newer lmis binary");
      goto open_fail;
    }
    if (v < store_schema_latest() && !(flags & STORE_READONLY)) {
      if (store_migrate(s, e)) goto open_fail;
    }
  }
  *ppStore = s;
  return 0;
open_fail:
  store_close(s);
  return -1;
}

void store_close(Store *s) {
  if (!s) return;
  sqlite3_close_v2(s->db);
  free(s->zPath);
  free(s);
}

int store_schema_latest(void) { return schema_migration_count(); }

int store_schema_version(Store *s) { return (int)store_int(s, "PRAGMA user_version", 0); }

int store_migrate(Store *s, Err *e) {
  int v = store_schema_version(s);
  int n = schema_migration_count();
  for (; v < n; v++) {
    char zPragma[64];
    if (store_begin(s, e)) return -1;
    if (store_exec(s, schema_migration(v), e)) {
      /* err_detail replaces zDetail: format from a copy. */
      char *zWhy = xstrdup(e->zDetail ? e->zDetail : "");
      err_detail(e, "migration %d failed: %s", v + 1, zWhy);
      free(zWhy);
      store_rollback(s);
      return -1;
    }
    snprintf(zPragma, sizeof zPragma, "PRAGMA user_version=%d", v + 1);
    if (store_exec(s, zPragma, e) || store_commit(s, e)) {
      store_rollback(s);
      return -1;
    }
  }
  return 0;
}

int store_exec(Store *s, const char *zSql, Err *e) {
  char *zErr = NULL;
  if (sqlite3_exec(s->db, zSql, NULL, NULL, &zErr) != SQLITE_OK) {
    db_err(s, e, "database statement failed");
    sqlite3_free(zErr);
    return -1;
  }
  return 0;
}

int store_begin(Store *s, Err *e) { return store_exec(s, "BEGIN IMMEDIATE", e); }
bool store_in_transaction(Store *s) { return !sqlite3_get_autocommit(s->db); }
int store_commit(Store *s, Err *e) { return store_exec(s, "COMMIT", e); }
void store_rollback(Store *s) {
  if (!sqlite3_get_autocommit(s->db)) sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}
int64_t store_last_id(Store *s) { return sqlite3_last_insert_rowid(s->db); }
int store_changes(Store *s) { return sqlite3_changes(s->db); }

Stmt *store_prepare(Store *s, const char *zSql, Err *e) {
  sqlite3_stmt *p = NULL;
  if (sqlite3_prepare_v3(s->db, zSql, -1, 0, &p, NULL) != SQLITE_OK) {
    db_err(s, e, "could not prepare a database statement");
    return NULL;
  }
  Stmt *q = xcalloc(1, sizeof(*q));
  q->s = s;
  q->p = p;
  return q;
}

static int param_index(Stmt *q, const char *zName) {
  int i = sqlite3_bind_parameter_index(q->p, zName);
  if (i == 0 && !q->zBadParam) q->zBadParam = xstrdup(zName);
  return i;
}

void stmt_bind_text(Stmt *q, const char *zName, const char *zValue) {
  stmt_bind_textn(q, zName, zValue, -1);
}
void stmt_bind_textn(Stmt *q, const char *zName, const char *zValue, int n) {
  int i = param_index(q, zName);
  if (!i) return;
  if (zValue) sqlite3_bind_text(q->p, i, zValue, n, SQLITE_TRANSIENT);
  else sqlite3_bind_null(q->p, i);
}
void stmt_bind_int(Stmt *q, const char *zName, int64_t v) {
  int i = param_index(q, zName);
  if (i) sqlite3_bind_int64(q->p, i, v);
}
void stmt_bind_double(Stmt *q, const char *zName, double v) {
  int i = param_index(q, zName);
  if (i) sqlite3_bind_double(q->p, i, v);
}
void stmt_bind_blob(Stmt *q, const char *zName, const void *p, int n) {
  int i = param_index(q, zName);
  if (i) sqlite3_bind_blob(q->p, i, p, n, SQLITE_TRANSIENT);
}
void stmt_bind_null(Stmt *q, const char *zName) {
  int i = param_index(q, zName);
  if (i) sqlite3_bind_null(q->p, i);
}

int stmt_step(Stmt *q, Err *e) {
  int rc;
  if (q->zBadParam) {
    return err_set(e, ERR_INTERNAL, "statement has no parameter %s", q->zBadParam);
  }
  rc = sqlite3_step(q->p);
  if (rc == SQLITE_ROW) return 1;
  if (rc == SQLITE_DONE) return 0;
  if ((rc & 0xff) == SQLITE_CONSTRAINT) {
    err_set(e, ERR_CONFLICT, "the change conflicts with existing data");
    err_detail(e, "%s", sqlite3_errmsg(q->s->db));
    return -1;
  }
  return db_err(q->s, e, "database query failed");
}

int stmt_run(Stmt *q, Err *e) {
  int rc;
  while ((rc = stmt_step(q, e)) == 1) {}
  return rc;
}

int stmt_reset(Stmt *q) {
  return sqlite3_reset(q->p) == SQLITE_OK ? 0 : -1;
}

void stmt_finalize(Stmt *q) {
  if (!q) return;
  sqlite3_finalize(q->p);
  free(q->zBadParam);
  free(q);
}

int stmt_column_count(Stmt *q) { return sqlite3_column_count(q->p); }
const char *stmt_column_name(Stmt *q, int i) { return sqlite3_column_name(q->p, i); }
const char *stmt_text(Stmt *q, int i) { return (const char *)sqlite3_column_text(q->p, i); }
int64_t stmt_int(Stmt *q, int i) { return sqlite3_column_int64(q->p, i); }
double stmt_double(Stmt *q, int i) { return sqlite3_column_double(q->p, i); }
bool stmt_is_null(Stmt *q, int i) { return sqlite3_column_type(q->p, i) == SQLITE_NULL; }
const void *stmt_blob(Stmt *q, int i, int *pn) {
  const void *p = sqlite3_column_blob(q->p, i);
  *pn = sqlite3_column_bytes(q->p, i);
  return p;
}

int store_blob_read(Store *s, const char *zTable, const char *zColumn, int64_t iRow, void *p, size_t n, Err *e) {
  sqlite3_blob *pBlob = NULL;
  int rc = sqlite3_blob_open(s->db, "main", zTable, zColumn, iRow, 0, &pBlob);
  if (rc != SQLITE_OK) {
    sqlite3_blob_close(pBlob);
    return db_err(s, e, "could not open stored data");
  }
  if ((size_t)sqlite3_blob_bytes(pBlob) != n || n > INT32_MAX) {
    err_set(e, ERR_DB, "stored data in %s.%s has %d bytes where %zu were expected", zTable, zColumn,
            sqlite3_blob_bytes(pBlob), n);
    err_hint(e, "the database may be damaged; re-import the data");
    sqlite3_blob_close(pBlob);
    return -1;
  }
  rc = n ? sqlite3_blob_read(pBlob, p, (int)n, 0) : SQLITE_OK;
  sqlite3_blob_close(pBlob);
  return rc == SQLITE_OK ? 0 : db_err(s, e, "could not read stored data");
}

int64_t store_int(Store *s, const char *zSql, int64_t iDefault) {
  sqlite3_stmt *p = NULL;
  int64_t v = iDefault;
  if (sqlite3_prepare_v2(s->db, zSql, -1, &p, NULL) == SQLITE_OK && sqlite3_step(p) == SQLITE_ROW)
    v = sqlite3_column_int64(p, 0);
  sqlite3_finalize(p);
  return v;
}

/* ---- pool ---- */

struct StorePool {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  Store **aFree;
  int nFree;
  int n;
};

int store_pool_new(const char *zPath, int n, StorePool **pp, Err *e) {
  StorePool *p = xcalloc(1, sizeof(*p));
  pthread_mutex_init(&p->mu, NULL);
  pthread_cond_init(&p->cv, NULL);
  p->aFree = xcalloc((size_t)n, sizeof(Store *));
  for (int i = 0; i < n; i++) {
    if (store_open(zPath, STORE_READWRITE, &p->aFree[i], e)) {
      store_pool_free(p);
      *pp = NULL;
      return -1;
    }
    p->nFree++;
    p->n++;
  }
  *pp = p;
  return 0;
}

Store *store_pool_get(StorePool *p) {
  Store *s;
  pthread_mutex_lock(&p->mu);
  while (p->nFree == 0) pthread_cond_wait(&p->cv, &p->mu);
  s = p->aFree[--p->nFree];
  pthread_mutex_unlock(&p->mu);
  return s;
}

void store_pool_put(StorePool *p, Store *s) {
  store_rollback(s); /* never hand on an open transaction */
  pthread_mutex_lock(&p->mu);
  p->aFree[p->nFree++] = s;
  pthread_cond_signal(&p->cv);
  pthread_mutex_unlock(&p->mu);
}

void store_pool_free(StorePool *p) {
  if (!p) return;
  for (int i = 0; i < p->nFree; i++) store_close(p->aFree[i]);
  free(p->aFree);
  pthread_mutex_destroy(&p->mu);
  pthread_cond_destroy(&p->cv);
  free(p);
}
