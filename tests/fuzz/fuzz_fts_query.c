/* libFuzzer target: free text from users turned into an FTS5 query. The result
** must always be a query that SQLite's FTS5 parser accepts. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include "isco.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static sqlite3 *db;
  char *zText = xstrndup((const char *)data, size);
  char *zQuery = fts_query_from_text(zText);
  if (!db) {
    sqlite3_open(":memory:", &db);
    sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(a, tokenize='porter unicode61 remove_diacritics 2');"
                     "INSERT INTO t VALUES('Nursing professionals')", 0, 0, 0);
  }
  if (zQuery) {
    sqlite3_stmt *p = NULL;
    if (sqlite3_prepare_v2(db, "SELECT rowid FROM t WHERE t MATCH ?1", -1, &p, NULL) == SQLITE_OK) {
      sqlite3_bind_text(p, 1, zQuery, -1, SQLITE_STATIC);
      int rc;
      while ((rc = sqlite3_step(p)) == SQLITE_ROW) {}
      /* A syntax error here means fts_query_from_text let user syntax through. */
      if (rc != SQLITE_DONE) abort();
    }
    sqlite3_finalize(p);
  }
  free(zQuery);
  free(zText);
  return 0;
}
