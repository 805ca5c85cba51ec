/* libFuzzer target: Accept-Language headers from the network. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include "i18n.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *z = xstrndup((const char *)data, size);
  const char *zLang = i18n_negotiate(NULL, z);
  if (!i18n_supported(zLang)) abort();
  zLang = i18n_negotiate(z, NULL);
  if (!i18n_supported(zLang)) abort();
  free(z);
  return 0;
}
