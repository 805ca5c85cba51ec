/*
** colcache.h: survey columns as files beside the database, memory-mapped.
**
** The database holds every survey column as a BLOB, the record of truth. An
** estimate reads a few of them, and copying multi-megabyte BLOBs into new
** memory costs more than the estimate itself (the kernel zeroes every new
** page). So each column is also kept, byte for byte as its BLOB, in a file
** DB.cols/TOKEN-POSITION, where TOKEN is the survey's data token (new at each
** import). A load maps the file read-only: the page cache, no copy. A file is
** used only when its header names the same token, column and size; otherwise,
** or without a file, the BLOB is read (and the file written again). The cache
** is an optimisation only: failing to write or read it is never an error.
**
** Ownership: paths and tokens are borrowed; a mapping returned by
** colcache_map belongs to the caller, who releases it with colcache_unmap.
*/
#ifndef LMIS_COLCACHE_H
#define LMIS_COLCACHE_H

#include <stdbool.h>
#include <stddef.h>

#define COLCACHE_TOKEN_LEN 32   /* hex characters of a data token */
/* iPos of a column's level indices widened to int32 (what survey_load gives the
** design's PSUs and strata): COLCACHE_INT32 + the column's position. */
#define COLCACHE_INT32 1000000

/* A new random data token (COLCACHE_TOKEN_LEN hex digits + NUL) into zOut. */
void colcache_token(char zOut[COLCACHE_TOKEN_LEN + 1]);

/* Write the nByte bytes of column zColumn (position iPos) of the survey with
** data token zToken; returns 0 or -1 (nothing is left behind on failure). With
** bSync the file is made durable and takes its name at once; without, it waits
** for colcache_publish (many files, one sync). */
int colcache_put(const char *zDb, const char *zToken, int iPos, const char *zColumn, const void *p, size_t nByte,
                 bool bSync);
/* Make the files of zToken written without bSync durable, then give them their names. */
void colcache_publish(const char *zDb, const char *zToken);

/* Map the column's file when it is there and holds exactly nByte bytes of that
** column for that token: returns the data, *ppMap and *pnMap the mapping to give to
** colcache_unmap; NULL when there is no usable file. */
const void *colcache_map(const char *zDb, const char *zToken, int iPos, const char *zColumn, size_t nByte,
                         void **ppMap, size_t *pnMap);
void colcache_unmap(void *pMap, size_t nMap);

/* Remove every file of data token zToken (a survey replaced or dropped, or an import failed). */
void colcache_drop(const char *zDb, const char *zToken);

/* Whether the cache is used at all (little-endian hosts; LMIS_NO_COLCACHE unset). */
bool colcache_enabled(void);

#endif
