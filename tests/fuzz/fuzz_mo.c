/* libFuzzer target: gettext .mo catalogues. They are embedded at build time, but
** the parser must still reject any corrupt input without reading out of bounds. */
#include <stddef.h>
#include <stdint.h>
#include "i18n.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  I18nCatalog *c = i18n_catalog_parse(data, size);
  if (c) {
    (void)i18n_catalog_count(c);
    (void)i18n_catalog_lookup(c, "Home");
    (void)i18n_catalog_lookup(c, "");
    i18n_catalog_free(c);
  }
  return 0;
}
