/*
** csv.c: streaming CSV reader (see csv.h).
*/
#include "csv.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

struct CsvReader {
  char *zName;
  gzFile gz;              /* NULL when reading memory */
  const char *pMem;
  size_t nMem, iMem;
  unsigned char aIn[65536];
  int nIn, iIn;
  long long nConsumed;
  bool bEof;
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
  buf_init(&r->data, BUF_UNBOUNDED);
  return r;
}

int csv_open(const char *zPath, CsvReader **pp, Err *e) {
  gzFile gz = gzopen(zPath, "rb");
  *pp = NULL;
  if (!gz) {
    err_set(e, ERR_IO, "cannot open %s", zPath);
    err_detail(e, "the file is missing or unreadable");
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

/* Next byte or -1 at end; -2 on a read error. */
static int next_byte(CsvReader *r) {
  if (r->iIn < r->nIn) {
    r->nConsumed++;
    return r->aIn[r->iIn++];
  }
  if (r->bEof) return -1;
  if (r->gz) {
    int n = gzread(r->gz, r->aIn, sizeof r->aIn);
    if (n < 0) return -2;
    if (n == 0) {
      int errnum;
      gzerror(r->gz, &errnum);
      if (errnum != Z_OK && errnum != Z_BUF_ERROR) return -2;
      /* A truncated gzip stream reads as a short file: check it ended properly. */
      if (!gzeof(r->gz)) return -2;
      r->bEof = true;
      return -1;
    }
    r->nIn = n;
  } else {
    size_t n = r->nMem - r->iMem;
    if (n == 0) { r->bEof = true; return -1; }
    if (n > sizeof r->aIn) n = sizeof r->aIn;
    memcpy(r->aIn, r->pMem + r->iMem, n);
    r->iMem += n;
    r->nIn = (int)n;
  }
  r->iIn = 0;
  r->nConsumed++;
  return r->aIn[r->iIn++];
}

static void unread_byte(CsvReader *r) {
  r->iIn--;
  r->nConsumed--;
}

static int fail(CsvReader *r, Err *e, long nLine, const char *zWhy) {
  err_set(e, ERR_INVALID, "%s:%ld: %s", r->zName, nLine, zWhy);
  err_where(e, "%s:%ld", r->zName, nLine);
  return -1;
}

static int end_field(CsvReader *r, Err *e, size_t iStart) {
  size_t n = r->data.n - iStart;
  if (r->nField >= CSV_MAX_FIELDS) return fail(r, e, r->nRecLine, "too many fields in one record");
  if (n > CSV_MAX_FIELD) return fail(r, e, r->nRecLine, "field longer than the 4 MiB limit");
  if (!utf8_valid_text(r->data.z ? r->data.z + iStart : "", n)) {
    err_set(e, ERR_INVALID, "%s:%ld: field %d is not valid UTF-8 text", r->zName, r->nRecLine,
            r->nField + 1);
    err_where(e, "%s:%ld:%d", r->zName, r->nRecLine, r->nField + 1);
    return -1;
  }
  r->aOff[r->nField] = iStart;
  r->aLen[r->nField] = n;
  r->nField++;
  buf_putc(&r->data, 0);
  return 0;
}

int csv_next(CsvReader *r, Err *e) {
  int c;
  size_t iStart;
  buf_reset(&r->data);
  r->nField = 0;
  if (!r->bStarted) {
    r->bStarted = true;
    /* Skip a UTF-8 byte-order mark. */
    int b0 = next_byte(r);
    if (b0 == 0xef) {
      int b1 = next_byte(r), b2 = next_byte(r);
      if (!(b1 == 0xbb && b2 == 0xbf)) return fail(r, e, 1, "invalid byte-order mark");
    } else if (b0 >= 0) {
      unread_byte(r);
    }
  }
  c = next_byte(r);
  if (c == -2) return fail(r, e, r->nLine, "read error (the compressed file may be truncated or corrupt)");
  if (c == -1) return 0;
  unread_byte(r);
  r->nRecLine = r->nLine;
  iStart = 0;
  for (;;) {
    c = next_byte(r);
    if (c == -2) return fail(r, e, r->nLine, "read error (the compressed file may be truncated or corrupt)");
    if (c == '"' && r->data.n == iStart) {
      /* Quoted field. */
      long nQuoteLine = r->nLine;
      for (;;) {
        c = next_byte(r);
        if (c == -2) return fail(r, e, r->nLine, "read error (the compressed file may be truncated or corrupt)");
        if (c == -1) return fail(r, e, nQuoteLine, "quoted field is not closed before the end of the file");
        if (c == '"') {
          int d = next_byte(r);
          if (d == '"') { buf_putc(&r->data, '"'); continue; }
          if (d >= 0) unread_byte(r);
          break;
        }
        if (c == '\n') r->nLine++;
        if (r->data.n - iStart >= CSV_MAX_FIELD) return fail(r, e, r->nRecLine, "field longer than the 4 MiB limit");
        buf_putc(&r->data, (char)c);
      }
      c = next_byte(r);
      if (c == -2) return fail(r, e, r->nLine, "read error");
      if (c != ',' && c != '\n' && c != '\r' && c != -1)
        return fail(r, e, r->nLine, "unexpected character after a closing quote");
    }
    if (c == ',' ) {
      if (end_field(r, e, iStart)) return -1;
      iStart = r->data.n;
      continue;
    }
    if (c == '\r') {
      int d = next_byte(r);
      if (d != '\n' && d >= 0) unread_byte(r);
      c = '\n';
    }
    if (c == '\n' || c == -1) {
      if (c == '\n') r->nLine++;
      if (end_field(r, e, iStart)) return -1;
      return 1;
    }
    if (c == '"') return fail(r, e, r->nLine, "quote inside an unquoted field");
    if (r->data.n - iStart >= CSV_MAX_FIELD) return fail(r, e, r->nRecLine, "field longer than the 4 MiB limit");
    buf_putc(&r->data, (char)c);
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
  r->nHeader = r->nField;
  r->azHeader = xcalloc((size_t)r->nField, sizeof(char *));
  for (int i = 0; i < r->nField; i++) r->azHeader[i] = xstrdup(csv_field(r, i));
  for (int i = 0; i < n; i++) {
    aIdx[i] = csv_column(r, azName[i]);
    if (aIdx[i] < 0) {
      err_set(e, ERR_INVALID, "%s:1: missing column \"%s\"", r->zName, azName[i]);
      err_where(e, "%s:1", r->zName);
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
