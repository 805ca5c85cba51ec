/*
** csv.h: a streaming RFC 4180 CSV reader over plain or gzip-compressed files
** (zlib reads both), or over memory (for tests and fuzzing).
**
** Quoted fields may hold commas, quotes ("") and newlines. A UTF-8 BOM at the start
** is skipped. Each field is limited to CSV_MAX_FIELD bytes and each record to
** CSV_MAX_FIELDS fields; past that csv_next fails with the line number rather than
** growing without bound. Fields must be valid UTF-8.
**
** Ownership: csv_open/csv_open_mem return a reader the caller frees with csv_close.
** Field pointers belong to the reader and are valid until the next csv_next.
*/
#ifndef LMIS_CSV_H
#define LMIS_CSV_H

#include <stddef.h>
#include "err.h"

#define CSV_MAX_FIELD (4u << 20)
#define CSV_MAX_FIELDS 512

typedef struct CsvReader CsvReader;

int csv_open(const char *zPath, CsvReader **pp, Err *e);
/* Memory is not copied: p must outlive the reader. zName names it in errors. */
CsvReader *csv_open_mem(const char *zName, const char *p, size_t n);
/* 1: a record is ready; 0: end of input; -1: error with file and line in e. */
int csv_next(CsvReader *r, Err *e);
int csv_nfield(const CsvReader *r);
const char *csv_field(const CsvReader *r, int i);     /* "" when i is out of range */
size_t csv_field_len(const CsvReader *r, int i);
long csv_line(const CsvReader *r);   /* line on which the current record starts */
const char *csv_name(const CsvReader *r);
/* Position in the file read so far (compressed bytes for .gz files; compare with
** the file size), for progress bars. */
long long csv_offset(const CsvReader *r);
/* After reading the header record: the column index of zName, or -1. */
int csv_column(const CsvReader *r, const char *zName);
/* Read the header and resolve every name in azName into aIdx; fails naming the
** first missing column. */
int csv_header(CsvReader *r, const char *const *azName, int *aIdx, int n, Err *e);
void csv_close(CsvReader *r);

#endif
