/* libFuzzer target: SDMX-CSV and ILOSTAT CSV files given to `lmis sdmx import`.
** Each input is written to a file and imported into a scratch database made once;
** the importer must accept it or refuse it with a message, never crash or leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "sdmx.h"
#include "store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static Store *s;
  static char zDb[64], zCsv[64];
  Err e = ERR_INIT;
  if (!s) {
    snprintf(zDb, sizeof zDb, "/tmp/lmis-fuzz-sdmx-%d.db", (int)getpid());
    snprintf(zCsv, sizeof zCsv, "/tmp/lmis-fuzz-sdmx-%d.csv", (int)getpid());
    unlink(zDb);
    if (store_open(zDb, STORE_CREATE, &s, &e) || store_migrate(s, &e)) abort();
  }
  FILE *f = fopen(zCsv, "wb");
  if (!f) abort();
  fwrite(data, 1, size, f);
  fclose(f);
  SdmxImportReport rep = {0};
  if (sdmx_import_csv(s, zCsv, NULL, &rep, &e) != 0 && !e.zMsg) abort(); /* a refusal must say why */
  sdmx_import_report_free(&rep);
  err_clear(&e);
  return 0;
}
