/*
** test_csv.c: the streaming CSV reader (csv.c) on memory, plain files and gzip files.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "csv.h"
#include "util.h"

/* Read a whole memory CSV; returns the number of records or -1 with e set.
** Fields of the last record read stay readable through r. */
static int count_records(CsvReader *r, Err *e) {
  int n = 0, rc;
  while ((rc = csv_next(r, e)) == 1) n++;
  return rc < 0 ? -1 : n;
}

static void test_quotes(void **state) {
  (void)state;
  static const char z[] = "a,\"b \"\"c\"\"\",\"\",d\n";
  Err e = ERR_INIT;
  CsvReader *r = csv_open_mem("mem", z, strlen(z));
  assert_int_equal(csv_next(r, &e), 1);
  assert_int_equal(csv_nfield(r), 4);
  assert_string_equal(csv_field(r, 0), "a");
  assert_string_equal(csv_field(r, 1), "b \"c\"");
  assert_string_equal(csv_field(r, 2), "");
  assert_string_equal(csv_field(r, 3), "d");
  assert_string_equal(csv_field(r, 9), "");      /* out of range is empty, not a crash */
  assert_int_equal(csv_next(r, &e), 0);
  csv_close(r);
}

static void test_embedded_newlines_and_commas(void **state) {
  (void)state;
  static const char z[] = "\"x,y\",\"line1\nline2\nline3\"\nnext,row\n";
  Err e = ERR_INIT;
  CsvReader *r = csv_open_mem("mem", z, strlen(z));
  assert_int_equal(csv_next(r, &e), 1);
  assert_int_equal(csv_nfield(r), 2);
  assert_string_equal(csv_field(r, 0), "x,y");
  assert_string_equal(csv_field(r, 1), "line1\nline2\nline3");
  assert_int_equal(csv_field_len(r, 1), 17);
  assert_int_equal(csv_line(r), 1);
  assert_int_equal(csv_next(r, &e), 1);
  assert_string_equal(csv_field(r, 0), "next");
  assert_int_equal(csv_line(r), 4);                /* physical line of the second record */
  assert_int_equal(csv_next(r, &e), 0);
  csv_close(r);
}

static void test_crlf_and_no_final_newline(void **state) {
  (void)state;
  static const char z[] = "a,b\r\nc,\"d\r\ne\"\r\nf,g";
  Err e = ERR_INIT;
  CsvReader *r = csv_open_mem("mem", z, strlen(z));
  assert_int_equal(csv_next(r, &e), 1);
  assert_string_equal(csv_field(r, 1), "b");
  assert_int_equal(csv_next(r, &e), 1);
  assert_string_equal(csv_field(r, 1), "d\r\ne");   /* data inside quotes is kept as is */
  assert_int_equal(csv_next(r, &e), 1);
  assert_string_equal(csv_field(r, 1), "g");
  assert_int_equal(csv_line(r), 4);
  assert_int_equal(csv_next(r, &e), 0);
  csv_close(r);
}

static void test_bom_and_header(void **state) {
  (void)state;
  static const char z[] = "\xEF\xBB\xBFh1,h2,h3\n1,2,3\n";
  static const char *const azCol[] = {"h3", "h1"};
  int aIdx[2];
  Err e = ERR_INIT;
  CsvReader *r = csv_open_mem("mem", z, strlen(z));
  assert_int_equal(csv_header(r, azCol, aIdx, 2, &e), 0);
  assert_int_equal(aIdx[0], 2);
  assert_int_equal(aIdx[1], 0);
  assert_int_equal(csv_column(r, "h2"), 1);
  assert_int_equal(csv_column(r, "nope"), -1);
  assert_int_equal(csv_next(r, &e), 1);
  assert_string_equal(csv_field(r, aIdx[1]), "1");
  csv_close(r);
}

/* A file may begin with a character whose UTF-8 encoding starts with 0xEF without
** being a byte-order mark (U+FF01 FULLWIDTH EXCLAMATION MARK is EF BC 81). */
static void test_leading_ef_is_not_a_bom(void **state) {
  (void)state;
  static const char z[] = "\xEF\xBC\x81,x\n";
  Err e = ERR_INIT;
  CsvReader *r = csv_open_mem("mem", z, strlen(z));
  assert_int_equal(csv_next(r, &e), 1);
  assert_string_equal(csv_field(r, 0), "\xEF\xBC\x81");
  csv_close(r);
}

static void test_missing_column(void **state) {
  (void)state;
  static const char z[] = "a,b\n1,2\n";
  static const char *const azCol[] = {"a", "level"};
  int aIdx[2];
  Err e = ERR_INIT;
  CsvReader *r = csv_open_mem("data.csv", z, strlen(z));
  assert_int_equal(csv_header(r, azCol, aIdx, 2, &e), -1);
  assert_int_equal(e.code, ERR_INVALID);
  assert_non_null(strstr(e.zMsg, "data.csv:1: missing column \"level\""));
  err_clear(&e);
  csv_close(r);
}

static void test_empty_lines_skipped(void **state) {
  (void)state;
  static const char z[] = "a,b\n\n\r\nc,d\n\n";
  Err e = ERR_INIT;
  CsvReader *r = csv_open_mem("mem", z, strlen(z));
  assert_int_equal(csv_next(r, &e), 1);
  assert_int_equal(csv_next(r, &e), 1);
  assert_string_equal(csv_field(r, 0), "c");
  assert_int_equal(csv_line(r), 4);
  assert_int_equal(csv_next(r, &e), 0);
  csv_close(r);
}

static void test_unterminated_quote(void **state) {
  (void)state;
  static const char z[] = "a,b\nc,\"open\nmore\nstill open";
  Err e = ERR_INIT;
  CsvReader *r = csv_open_mem("bad.csv", z, strlen(z));
  assert_int_equal(count_records(r, &e), -1);
  assert_int_equal(e.code, ERR_INVALID);
  /* the line where the quoted field opened */
  assert_non_null(strstr(e.zMsg, "bad.csv:2:"));
  assert_non_null(strstr(e.zMsg, "not closed"));
  assert_string_equal(e.zWhere, "bad.csv:2");
  err_clear(&e);
  csv_close(r);
}

static void test_stray_quotes(void **state) {
  (void)state;
  Err e = ERR_INIT;
  static const char z1[] = "a,b\"c\n";
  static const char z2[] = "\"abc\"x,d\n";
  CsvReader *r = csv_open_mem("m", z1, strlen(z1));
  assert_int_equal(csv_next(r, &e), -1);
  assert_non_null(strstr(e.zMsg, "quote inside an unquoted field"));
  csv_close(r);
  r = csv_open_mem("m", z2, strlen(z2));
  assert_int_equal(csv_next(r, &e), -1);
  assert_non_null(strstr(e.zMsg, "after a closing quote"));
  csv_close(r);
  err_clear(&e);
}

static void test_invalid_utf8(void **state) {
  (void)state;
  static const char z[] = "ok,fine\nx,caf\xE9\n";      /* Latin-1 e-acute */
  static const char zNul[] = "a,b\0c\n";
  Err e = ERR_INIT;
  CsvReader *r = csv_open_mem("latin1.csv", z, strlen(z));
  assert_int_equal(count_records(r, &e), -1);
  assert_int_equal(e.code, ERR_INVALID);
  assert_non_null(strstr(e.zMsg, "latin1.csv:2: field 2 is not valid UTF-8"));
  csv_close(r);
  r = csv_open_mem("nul.csv", zNul, sizeof zNul - 1);
  assert_int_equal(csv_next(r, &e), -1);
  assert_non_null(strstr(e.zMsg, "not valid UTF-8"));
  csv_close(r);
  err_clear(&e);
}

static void test_field_over_limit(void **state) {
  (void)state;
  size_t n = CSV_MAX_FIELD + 1;
  char *z = xmalloc(n + 8);
  Err e = ERR_INIT;
  memcpy(z, "a,", 2);
  memset(z + 2, 'x', n);
  z[n + 2] = '\n';
  CsvReader *r = csv_open_mem("big.csv", z, n + 3);
  assert_int_equal(csv_next(r, &e), -1);
  assert_non_null(strstr(e.zMsg, "big.csv:1: field longer than the 4 MiB limit"));
  csv_close(r);
  /* the same inside quotes: a,"xxx...x"\n */
  z[2] = '"';
  memset(z + 3, 'x', n);
  z[n + 3] = '"';
  z[n + 4] = '\n';
  r = csv_open_mem("big.csv", z, n + 5);
  assert_int_equal(csv_next(r, &e), -1);
  assert_non_null(strstr(e.zMsg, "4 MiB"));
  csv_close(r);
  err_clear(&e);
  free(z);
}

static void test_too_many_fields(void **state) {
  (void)state;
  Buf b;
  Err e = ERR_INIT;
  buf_init(&b, BUF_UNBOUNDED);
  for (int i = 0; i <= CSV_MAX_FIELDS; i++) buf_puts(&b, i ? ",x" : "x");
  buf_putc(&b, '\n');
  CsvReader *r = csv_open_mem("wide.csv", b.z, b.n);
  assert_int_equal(csv_next(r, &e), -1);
  assert_non_null(strstr(e.zMsg, "too many fields"));
  csv_close(r);
  err_clear(&e);
  buf_free(&b);
}

/* ESCO's conceptSchemes_en.csv has a 627,354-character field: a URI list with
** commas and newlines inside quotes. */
static void test_huge_field(void **state) {
  (void)state;
  Buf b, want;
  Err e = ERR_INIT;
  buf_init(&b, BUF_UNBOUNDED);
  buf_init(&want, BUF_UNBOUNDED);
  while (want.n < 627354) buf_puts(&want, "http://data.europa.eu/esco/skill/13e1c0a2-b90d-46f4-be51-11730360b38d,\n");
  buf_puts(&b, "uri,top\nx,\"");
  buf_append(&b, want.z, want.n);
  buf_puts(&b, "\"\ny,small\n");
  CsvReader *r = csv_open_mem("schemes.csv", b.z, b.n);
  assert_int_equal(csv_next(r, &e), 1);
  assert_int_equal(csv_next(r, &e), 1);
  assert_int_equal(csv_field_len(r, 1), want.n);
  assert_true(want.n > 600000);
  assert_memory_equal(csv_field(r, 1), want.z, want.n);
  assert_int_equal(csv_next(r, &e), 1);
  assert_string_equal(csv_field(r, 1), "small");
  assert_int_equal(csv_next(r, &e), 0);
  csv_close(r);
  buf_free(&b);
  buf_free(&want);
}

/* ---- files ---- */

static char *temp_path(const char *zSuffix) {
  char zTmpl[] = "/tmp/lmis-test-csv-XXXXXX";
  int fd = mkstemp(zTmpl);
  assert_true(fd >= 0);
  close(fd);
  unlink(zTmpl);
  return xasprintf("%s%s", zTmpl, zSuffix);
}

/* nRow data rows "i,name i,"quoted, i"" under a header. */
static void write_gz(const char *zPath, int nRow) {
  gzFile gz = gzopen(zPath, "wb9");
  assert_non_null(gz);
  gzputs(gz, "id,name,note\n");
  for (int i = 1; i <= nRow; i++) gzprintf(gz, "%d,name %d,\"quoted, %d\nsecond line\"\n", i, i, i);
  assert_int_equal(gzclose(gz), Z_OK);
}

static void test_gzip_input(void **state) {
  (void)state;
  char *zPath = temp_path(".csv.gz");
  CsvReader *r = NULL;
  Err e = ERR_INIT;
  static const char *const azCol[] = {"note", "id"};
  int aIdx[2], n = 0, rc;
  write_gz(zPath, 20000);
  assert_int_equal(csv_open(zPath, &r, &e), 0);
  assert_int_equal(csv_header(r, azCol, aIdx, 2, &e), 0);
  while ((rc = csv_next(r, &e)) == 1) {
    n++;
    if (n == 12345) {
      assert_string_equal(csv_field(r, aIdx[1]), "12345");
      assert_string_equal(csv_field(r, aIdx[0]), "quoted, 12345\nsecond line");
      assert_int_equal(csv_line(r), 1 + 2 * 12344 + 1);
    }
  }
  assert_int_equal(rc, 0);
  assert_int_equal(n, 20000);
  assert_true(csv_offset(r) > 0);
  csv_close(r);
  unlink(zPath);
  free(zPath);
}

static void test_plain_file_and_missing_file(void **state) {
  (void)state;
  char *zPath = temp_path(".csv");
  FILE *f = fopen(zPath, "w");
  CsvReader *r = NULL;
  Err e = ERR_INIT;
  fputs("a,b\n1,2\n", f);
  fclose(f);
  assert_int_equal(csv_open(zPath, &r, &e), 0);
  assert_int_equal(count_records(r, &e), 2);
  assert_int_equal(csv_offset(r), 8);
  csv_close(r);
  unlink(zPath);
  assert_int_equal(csv_open(zPath, &r, &e), -1);
  assert_int_equal(e.code, ERR_IO);
  assert_null(r);
  assert_int_equal(csv_open("/tmp", &r, &e), -1);   /* a directory */
  assert_int_equal(e.code, ERR_IO);
  err_clear(&e);
  free(zPath);
}

static void test_truncated_gzip(void **state) {
  (void)state;
  char *zPath = temp_path(".csv.gz");
  CsvReader *r = NULL;
  Err e = ERR_INIT;
  FILE *f;
  long nSize;
  write_gz(zPath, 50000);
  f = fopen(zPath, "rb");
  fseek(f, 0, SEEK_END);
  nSize = ftell(f);
  fclose(f);
  assert_int_equal(truncate(zPath, nSize / 2), 0);
  assert_int_equal(csv_open(zPath, &r, &e), 0);
  assert_int_equal(count_records(r, &e), -1);
  assert_int_equal(e.code, ERR_INVALID);
  assert_non_null(strstr(e.zMsg, zPath));
  assert_non_null(strstr(e.zMsg, "ends unexpectedly"));
  /* the message names a line well into the file */
  assert_non_null(e.zWhere);
  assert_true(strtol(strrchr(e.zWhere, ':') + 1, NULL, 10) > 1000);
  csv_close(r);

  /* Cut inside the gzip header: still an error, never a quietly empty file. */
  assert_int_equal(truncate(zPath, 5), 0);
  assert_int_equal(csv_open(zPath, &r, &e), 0);
  assert_int_equal(csv_next(r, &e), -1);
  csv_close(r);

  /* Only the 8-byte trailer (CRC and size) missing. */
  write_gz(zPath, 100);
  f = fopen(zPath, "rb");
  fseek(f, 0, SEEK_END);
  nSize = ftell(f);
  fclose(f);
  assert_int_equal(truncate(zPath, nSize - 4), 0);
  assert_int_equal(csv_open(zPath, &r, &e), 0);
  assert_int_equal(count_records(r, &e), -1);
  csv_close(r);

  err_clear(&e);
  unlink(zPath);
  free(zPath);
}

static void test_corrupt_gzip(void **state) {
  (void)state;
  char *zPath = temp_path(".csv.gz");
  CsvReader *r = NULL;
  Err e = ERR_INIT;
  FILE *f;
  write_gz(zPath, 5000);
  f = fopen(zPath, "r+b");
  fseek(f, 2000, SEEK_SET);
  fputs("garbage in the middle of the deflate stream", f);
  fclose(f);
  assert_int_equal(csv_open(zPath, &r, &e), 0);
  assert_int_equal(count_records(r, &e), -1);
  assert_int_equal(e.code, ERR_INVALID);
  assert_non_null(strstr(e.zMsg, zPath));
  csv_close(r);
  err_clear(&e);
  unlink(zPath);
  free(zPath);
}

int main(void) {
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_quotes),
    cmocka_unit_test(test_embedded_newlines_and_commas),
    cmocka_unit_test(test_crlf_and_no_final_newline),
    cmocka_unit_test(test_bom_and_header),
    cmocka_unit_test(test_leading_ef_is_not_a_bom),
    cmocka_unit_test(test_missing_column),
    cmocka_unit_test(test_empty_lines_skipped),
    cmocka_unit_test(test_unterminated_quote),
    cmocka_unit_test(test_stray_quotes),
    cmocka_unit_test(test_invalid_utf8),
    cmocka_unit_test(test_field_over_limit),
    cmocka_unit_test(test_too_many_fields),
    cmocka_unit_test(test_huge_field),
    cmocka_unit_test(test_gzip_input),
    cmocka_unit_test(test_plain_file_and_missing_file),
    cmocka_unit_test(test_truncated_gzip),
    cmocka_unit_test(test_corrupt_gzip),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
