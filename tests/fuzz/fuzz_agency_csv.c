/* libFuzzer target: regulators' licence lists given to `lmis agency import`, and
** the same bytes as an "is this agency licensed?" query. Each input is imported
** inside a transaction that is rolled back, so the scratch database made once
** stays small; the importer must accept the input or refuse it with a message
** naming file:line:field, never crash or leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "agency.h"
#include "csv.h"
#include "store.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static Store *s;
  static char zDb[64];
  Err e = ERR_INIT;
  if (!s) {
    snprintf(zDb, sizeof zDb, "/tmp/lmis-fuzz-agency-%d.db", (int)getpid());
    unlink(zDb);
    if (store_open(zDb, STORE_CREATE, &s, &e) || store_migrate(s, &e) ||
        store_exec(s, "INSERT INTO country(alpha2, alpha3, numeric, name_en) VALUES ('NP','NPL','524','Nepal'),"
                      "('PH','PHL','608','Philippines')", &e))
      abort();
  }
  if (store_begin(s, &e)) abort();
  CsvReader *r = csv_open_mem("fuzz.csv", (const char *)data, size);
  AgencyImportReport rep;
  if (agency_import_reader(s, r, "fuzz.csv", NULL, &rep, &e) != 0 && !e.zMsg) abort(); /* a refusal must say why */
  csv_close(r);
  err_clear(&e);
  store_rollback(s);
  /* The bytes as a name to check (agency_check refuses what is not plain text). */
  char *zName = xstrndup((const char *)data, size < 400 ? size : 400);
  json_t *j = agency_check(s, zName, NULL, 5, &e);
  if (!j && !e.zMsg) abort();
  json_decref(j);
  err_clear(&e);
  char *zNorm = agency_normalize(zName);
  if (zNorm) (void)agency_similarity(zNorm, "sunrise manpower services");
  free(zNorm);
  free(zName);
  return 0;
}
