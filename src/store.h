/*
** store.h: the narrow storage interface. Modules above it see Store and Stmt only,
** and write SQL as literals with named parameters (":name"), never built from
** input, so a PostgreSQL backend can later translate them behind this interface.
**
** Ownership: store_open returns a Store the caller closes with store_close.
** store_prepare returns a Stmt the caller finalizes with stmt_finalize; text
** returned by stmt_text is owned by the Stmt and valid until the next step,
** reset or finalize. StorePool hands out Stores that must be given back.
*/
#ifndef LMIS_STORE_H
#define LMIS_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "err.h"

typedef struct Store Store;
typedef struct Stmt Stmt;

enum {
  STORE_READWRITE = 0,
  STORE_CREATE = 1,    /* create the file if missing */
  STORE_READONLY = 2,
};

/* Open a database. Without STORE_CREATE a missing file is ERR_NO_DB with a hint to
** run `lmis init`. Foreign keys on, WAL, busy timeout set. Existing databases
** must be at the current schema version unless STORE_CREATE is given. */
int store_open(const char *zPath, int flags, Store **ppStore, Err *e);
void store_close(Store *s);
/* Bring the schema to the newest migration, each in its own transaction. */
int store_migrate(Store *s, Err *e);
int store_schema_version(Store *s);
int store_schema_latest(void);

/* Run SQL text with no parameters (schema, pragmas). */
int store_exec(Store *s, const char *zSql, Err *e);
int store_begin(Store *s, Err *e);
int store_commit(Store *s, Err *e);
void store_rollback(Store *s);
/* True inside BEGIN ... COMMIT (a caller's transaction is open). */
bool store_in_transaction(Store *s);
int64_t store_last_id(Store *s);
int store_changes(Store *s);
const char *store_path(Store *s);

/* Prepare one statement; NULL on failure with e set. */
Stmt *store_prepare(Store *s, const char *zSql, Err *e);
/* Bind by name (":name"). An unknown name is a programming error: it is recorded
** and the next stmt_step fails with ERR_INTERNAL naming the parameter. */
void stmt_bind_text(Stmt *q, const char *zName, const char *zValue); /* NULL binds NULL */
void stmt_bind_textn(Stmt *q, const char *zName, const char *zValue, int n);
void stmt_bind_int(Stmt *q, const char *zName, int64_t v);
void stmt_bind_double(Stmt *q, const char *zName, double v);
void stmt_bind_blob(Stmt *q, const char *zName, const void *p, int n);
void stmt_bind_null(Stmt *q, const char *zName);
/* 1 when a row is ready, 0 when done, -1 on error (e set). */
int stmt_step(Stmt *q, Err *e);
/* Step a statement that returns no rows; 0 or -1. */
int stmt_run(Stmt *q, Err *e);
int stmt_reset(Stmt *q);   /* keeps bindings */
void stmt_finalize(Stmt *q);
int stmt_column_count(Stmt *q);
const char *stmt_column_name(Stmt *q, int i);
const char *stmt_text(Stmt *q, int i);   /* NULL for SQL NULL */
int64_t stmt_int(Stmt *q, int i);
double stmt_double(Stmt *q, int i);
bool stmt_is_null(Stmt *q, int i);
const void *stmt_blob(Stmt *q, int i, int *pn);

/* Read the whole BLOB in column zColumn of row iRow of zTable straight into p,
** which holds n bytes: the BLOB must be exactly that size (else ERR_DB). zTable
** and zColumn are literals of the caller, never input. Incremental BLOB I/O: no
** intermediate copy, so large columns load at memory speed. */
int store_blob_read(Store *s, const char *zTable, const char *zColumn, int64_t iRow, void *p, size_t n, Err *e);

/* One-value helpers: run a query with no parameters and return the first column of
** the first row (default when no row). */
int64_t store_int(Store *s, const char *zSql, int64_t iDefault);

/* A fixed-size pool of connections for the threaded server. */
typedef struct StorePool StorePool;
int store_pool_new(const char *zPath, int n, StorePool **pp, Err *e);
Store *store_pool_get(StorePool *p);     /* blocks until one is free */
void store_pool_put(StorePool *p, Store *s);
void store_pool_free(StorePool *p);

#endif
