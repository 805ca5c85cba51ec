/* libFuzzer target: SDMX series keys from REST paths and the command line. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include "sdmx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *z = xstrndup((const char *)data, size);
  SdmxKey *k = NULL;
  Err e = ERR_INIT;
  if (sdmx_key_parse(z, &k, &e) == 0) {
    SdmxObs o;
    sdmx_obs_init(&o);
    const char *az[SDMX_NDIM] = {"ITA", "PHL", "X", "SEX_T", "_Z", "_Z"};
    for (int i = 0; i < SDMX_NDIM; i++) o.azDim[i] = az[i];
    o.zTime = "2020";
    (void)sdmx_key_match(k, &o);
    sdmx_key_free(k);
  } else if (!e.zMsg) {
    abort(); /* a refused key must say why */
  }
  err_clear(&e);
  free(z);
  return 0;
}
