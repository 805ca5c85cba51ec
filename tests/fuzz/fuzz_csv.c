/* libFuzzer target: the CSV reader must never crash, leak or read out of bounds. */
#include <stddef.h>
#include <stdint.h>
#include "csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  CsvReader *r = csv_open_mem("fuzz.csv", (const char *)data, size);
  Err e = ERR_INIT;
  int rc;
  while ((rc = csv_next(r, &e)) == 1) {
    for (int i = 0; i < csv_nfield(r); i++) (void)csv_field_len(r, i);
  }
  err_clear(&e);
  csv_close(r);
  return 0;
}
