/* libFuzzer target: indicator catalogues (JSON) must be validated, never trusted. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include "indicator.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  Catalogue *c = NULL;
  Err e = ERR_INIT;
  if (indicator_catalogue_parse((const char *)data, size, "fuzz.json", &c, &e) == 0) {
    for (int i = 0; i < indicator_count(c); i++) {
      const IndicatorDef *d = indicator_at(c, i);
      (void)indicator_title(d, "fr");
      json_decref(indicator_def_json(d, "es"));
    }
    indicator_catalogue_free(c);
  } else if (!e.zMsg) {
    abort();
  }
  err_clear(&e);
  return 0;
}
