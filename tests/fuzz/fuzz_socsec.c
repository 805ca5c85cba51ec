/* libFuzzer target: the social security calculator's input (a worker's record with
** inline schemes and instruments) must be validated, never trusted; any input that
** parses must compute and render without a crash, leak or undefined behaviour. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include "socsec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  json_error_t jerr;
  json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
  if (!j) return 0;
  SsResult res;
  Err e = ERR_INIT;
  if (socsec_compute_input(NULL, j, "fr", &res, &e) == 0) {
    Buf b;
    json_decref(socsec_result_json(&res));
    buf_init(&b, BUF_UNBOUNDED);
    socsec_result_text(&res, "es", &b);
    buf_free(&b);
  } else if (!e.zMsg) {
    abort();   /* every failure must say why */
  }
  socsec_result_free(&res);
  err_clear(&e);
  json_decref(j);
  return 0;
}
