/*
** csv.c: streaming CSV reader (see csv.h).
**
** Input comes through zlib's gzFile, which reads gzip files and passes plain files
** through unchanged, or from memory. Bytes go into one buffer per record with a NUL
** after each field, so a record costs one growing allocation reused for the whole
** file. Beyond what csv.h promises:
**  - a whole record is limited to CSV_MAX_RECORD bytes (the field limit alone would
**    let 512 fields of 4 MiB grow one record to 2 GiB);
**  - lines that are completely empty are skipped (editors leave them at the end of
**    hand-written files); a record with one empty field must be written as "";
**  - csv_offset counts bytes of the file as stored: for a .gz file it is the
**    position in the compressed file (zlib's gzoffset), so it can be compared with
**    the file size for a progress bar;
**  - a gzip stream that ends early is an error naming the line reached, never a
**    silently short file.
*/
#include "csv.h"
#include "util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#define CSV_MAX_RECORD (32u << 20)

/* next_byte results other than a byte */
#define CSV_EOF (-1)
#define CSV_READ_ERROR (-2)

struct CsvReader {
  char *zName;
  gzFile gz;              /* NULL when reading memory */
  const char *pMem;
  size_t nMem, iMem;
  unsigned char aIn[65536];
  int nIn, iIn;
  long long nConsumed;
  bool bEof;
  bool bTruncated;        /* the gzip stream ended before its trailer */
  long nLine;             /* current physical line (1-based) */
  long nRecLine;          /* line where the current record started */
  Buf data;               /* all fields of the record, NUL-separated */
  size_t aOff[CSV_MAX_FIELDS];
  size_t aLen[CSV_MAX_FIELDS];
  int nField;
  char **azHeader;
  int nHeader;
  bool bStarted;
};

static CsvReader *reader_new(const char *zName) {
  CsvReader *r = xcalloc(1, sizeof(*r));
  r->zName = xstrdup(zName);
  r->nLine = 1;
  buf_init(&r->data, CSV_MAX_RECORD);
  return r;
}

int csv_open(const char *zPath, CsvReader **pp, Err *e) {
  struct stat st;
  gzFile gz;
  *pp = NULL;
  if (stat(zPath, &st) != 0) {
    err_set(e, ERR_IO, "cannot open %s", zPath);
    err_detail(e, "%s", strerror(errno));
    return -1;
  }
  if (!S_ISREG(st.st_mode)) {
    err_set(e, ERR_IO, "cannot open %s", zPath);
    err_detail(e, "not a regular file");
    return -1;
  }
  gz = gzopen(zPath, "rb");
  if (!gz) {
    err_set(e, ERR_IO, "cannot open %s", zPath);
    err_detail(e, "%s", errno ? strerror(errno) : "the file is missing or unreadable");
    return -1;
  }
  gzbuffer(gz, 1 << 17);
  CsvReader *r = reader_new(zPath);
  r->gz = gz;
  *pp = r;
  return 0;
}

CsvReader *csv_open_mem(const char *zName, const char *p, size_t n) {
  CsvReader *r = reader_new(zName);
  r->pMem = p;
  r->nMem = n;
  return r;
}

/* Refill aIn. Returns the number of bytes now available, 0 at end, CSV_READ_ERROR. */
static int refill(CsvReader *r) {
  if (r->bEof) return 0;
  if (r->gz) {
    int errnum = Z_OK;
    int n = gzread(r->gz, r->aIn, sizeof r->aIn);
    if (n < 0) return CSV_READ_ERROR;
    gzerror(r->gz, &errnum);
    /* zlib reports a stream cut short as Z_BUF_ERROR ("unexpected end of file"),
    ** possibly after returning the bytes it could still decompress. */
    if (errnum == Z_BUF_ERROR) r->bTruncated = true;
    else if (errnum != Z_OK) return CSV_READ_ERROR;
    if (n == 0) {
      if (r->bTruncated) return CSV_READ_ERROR;
      r->bEof = true;
      return 0;
    }
    r->nIn = n;
  } else {
    size_t n = r->nMem - r->iMem;
    if (n == 0) { r->bEof = true; return 0; }
    if (n > sizeof r->aIn) n = sizeof r->aIn;
    memcpy(r->aIn, r->pMem + r->iMem, n);
    r->iMem += n;
    r->nIn = (int)n;
  }
  r->iIn = 0;
  return r->nIn;
}

/* Next byte, CSV_EOF or CSV_READ_ERROR. */
static int next_byte(CsvReader *r) {
  if (r->iIn >= r->nIn) {
    int n = refill(r);
    if (n == CSV_READ_ERROR) return CSV_READ_ERROR;
    if (n == 0) return CSV_EOF;
  }
  r->nConsumed++;
  return r->aIn[r->iIn++];
}

/* Only valid right after next_byte returned a byte: that byte is still in aIn. */
static void unread_byte(CsvReader *r) {
  r->iIn--;
  r->nConsumed--;
}

static int fail(CsvReader *r, Err *e, long nLine, const char *zWhy) {
  err_set(e, ERR_INVALID, "%s:%ld: %s", r->zName, nLine, zWhy);
  err_where(e, "%s:%ld", r->zName, nLine);
  return -1;
}

static int fail_read(CsvReader *r, Err *e) {
  if (r->bTruncated) {
    fail(r, e, r->nLine, "the compressed file ends unexpectedly");
    err_detail(e, "the gzip stream is truncated");
    err_hint(e, "the file may be incomplete; copy or download it again");
    return -1;
  }
  fail(r, e, r->nLine, "read error");
  err_detail(e, "the file could not be read or its compressed data is corrupt");
  return -1;
}

/* Append one byte of the field that started at iStart. */
static int put(CsvReader *r, Err *e, size_t iStart, int c) {
  if (r->data.n - iStart >= CSV_MAX_FIELD) {
    fail(r, e, r->nRecLine, "field longer than the 4 MiB limit");
    err_detail(e, "field %d", r->nField + 1);
    return -1;
  }
  if (buf_putc(&r->data, (char)c)) return fail(r, e, r->nRecLine, "record longer than the 32 MiB limit");
  return 0;
}

static int end_field(CsvReader *r, Err *e, size_t iStart) {
  size_t n = r->data.n - iStart;
  if (r->nField >= CSV_MAX_FIELDS) return fail(r, e, r->nRecLine, "too many fields in one record (limit 512)");
  if (n > CSV_MAX_FIELD) return fail(r, e, r->nRecLine, "field longer than the 4 MiB limit");
  if (!utf8_valid_text(r->data.z ? r->data.z + iStart : "", n)) {
    err_set(e, ERR_INVALID, "%s:%ld: field %d is not valid UTF-8 text", r->zName, r->nRecLine, r->nField + 1);
    err_detail(e, "expected UTF-8 without NUL or control characters other than tab and newline");
    err_where(e, "%s:%ld:%d", r->zName, r->nRecLine, r->nField + 1);
    return -1;
  }
  r->aOff[r->nField] = iStart;
  r->aLen[r->nField] = n;
  r->nField++;
  if (buf_putc(&r->data, 0)) return fail(r, e, r->nRecLine, "record longer than the 32 MiB limit");
  return 0;
}

/* Skip a UTF-8 byte-order mark at the very start; anything else stays unread. */
static int skip_bom(CsvReader *r, Err *e) {
  int c = next_byte(r);
  if (c == CSV_READ_ERROR) return fail_read(r, e);
  if (c == CSV_EOF) return 0;
  unread_byte(r);
  if (r->nIn - r->iIn >= 3 && memcmp(r->aIn + r->iIn, "\xef\xbb\xbf", 3) == 0) {
    r->iIn += 3;
    r->nConsumed += 3;
  }
  return 0;
}

int csv_next(CsvReader *r, Err *e) {
  int c;
  size_t iStart;
  buf_reset(&r->data);
  r->nField = 0;
  if (!r->bStarted) {
    r->bStarted = true;
    if (skip_bom(r, e)) return -1;
  }
  /* Skip empty lines between records. */
  for (;;) {
    c = next_byte(r);
    if (c == CSV_READ_ERROR) return fail_read(r, e);
    if (c == CSV_EOF) return 0;
    if (c == '\n') { r->nLine++; continue; }
    if (c == '\r') {
      int d = next_byte(r);
      if (d == CSV_READ_ERROR) return fail_read(r, e);
      if (d != '\n' && d >= 0) unread_byte(r);
      r->nLine++;
      continue;
    }
    unread_byte(r);
    break;
  }
  r->nRecLine = r->nLine;
  iStart = 0;
  for (;;) {
    c = next_byte(r);
    if (c == CSV_READ_ERROR) return fail_read(r, e);
    if (c == '"' && r->data.n == iStart) {
      /* Quoted field: commas, newlines and doubled quotes are data. */
      long nQuoteLine = r->nLine;
      for (;;) {
        c = next_byte(r);
        if (c == CSV_READ_ERROR) return fail_read(r, e);
        if (c == CSV_EOF) {
          fail(r, e, nQuoteLine, "quoted field is not closed before the end of the file");
          err_detail(e, "a field that starts with a double quote must end with one");
          return -1;
        }
        if (c == '"') {
          int d = next_byte(r);
          if (d == CSV_READ_ERROR) return fail_read(r, e);
          if (d != '"') {
            if (d >= 0) unread_byte(r);
            break;
          }
        }
        if (c == '\n') r->nLine++;
        if (put(r, e, iStart, c)) return -1;
      }
      c = next_byte(r);
      if (c == CSV_READ_ERROR) return fail_read(r, e);
      if (c != ',' && c != '\n' && c != '\r' && c != CSV_EOF) {
        fail(r, e, r->nLine, "unexpected character after a closing quote");
        if (nQuoteLine != r->nLine)
          err_detail(e, "the quoted field opened on line %ld; a stray quote there would explain it", nQuoteLine);
        return -1;
      }
    }
    if (c == ',') {
      if (end_field(r, e, iStart)) return -1;
      iStart = r->data.n;
      continue;
    }
    if (c == '\r') {
      int d = next_byte(r);
      if (d == CSV_READ_ERROR) return fail_read(r, e);
      if (d != '\n' && d >= 0) unread_byte(r);
      c = '\n';
    }
    if (c == '\n' || c == CSV_EOF) {
      if (c == '\n') r->nLine++;
      if (end_field(r, e, iStart)) return -1;
      return 1;
    }
    if (c == '"') return fail(r, e, r->nLine, "quote inside an unquoted field");
    if (put(r, e, iStart, c)) return -1;
  }
}

int csv_nfield(const CsvReader *r) { return r->nField; }

const char *csv_field(const CsvReader *r, int i) {
  if (i < 0 || i >= r->nField) return "";
  return r->data.z + r->aOff[i];
}

size_t csv_field_len(const CsvReader *r, int i) {
  return (i < 0 || i >= r->nField) ? 0 : r->aLen[i];
}

long csv_line(const CsvReader *r) { return r->nRecLine; }
const char *csv_name(const CsvReader *r) { return r->zName; }
long long csv_offset(const CsvReader *r) {
  if (r->gz) return (long long)gzoffset(r->gz);
  return r->nConsumed;
}

int csv_column(const CsvReader *r, const char *zName) {
  for (int i = 0; i < r->nHeader; i++)
    if (strcmp(r->azHeader[i], zName) == 0) return i;
  return -1;
}

int csv_header(CsvReader *r, const char *const *azName, int *aIdx, int n, Err *e) {
  int rc = csv_next(r, e);
  if (rc < 0) return -1;
  if (rc == 0) {
    err_set(e, ERR_INVALID, "%s: the file is empty", r->zName);
    err_detail(e, "expected a header line");
    return -1;
  }
  for (int i = 0; i < r->nHeader; i++) free(r->azHeader[i]);
  free(r->azHeader);
  r->nHeader = r->nField;
  r->azHeader = xcalloc((size_t)r->nField, sizeof(char *));
  for (int i = 0; i < r->nField; i++) r->azHeader[i] = xstrdup(csv_field(r, i));
  for (int i = 0; i < n; i++) {
    aIdx[i] = csv_column(r, azName[i]);
    if (aIdx[i] < 0) {
      err_set(e, ERR_INVALID, "%s:%ld: missing column \"%s\"", r->zName, r->nRecLine, azName[i]);
      err_where(e, "%s:%ld", r->zName, r->nRecLine);
      return -1;
    }
  }
  return 0;
}

void csv_close(CsvReader *r) {
  if (!r) return;
  if (r->gz) gzclose(r->gz);
  for (int i = 0; i < r->nHeader; i++) free(r->azHeader[i]);
  free(r->azHeader);
  buf_free(&r->data);
  free(r->zName);
  free(r);
}
