/* libFuzzer target: escaping must never produce markup from input. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "html.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *z = xstrndup((const char *)data, size);
  Buf b;
  buf_init(&b, BUF_UNBOUNDED);
  html_printf(&b, "<p title=\"%s\">%s</p>", z, z);
  const char *zOut = buf_cstr(&b);
  /* Between the fixed markup there must be no <, >, " or ' left unescaped. */
  size_t n = strlen(zOut);
  for (size_t i = 10; i + 4 < n; i++) {
    if (zOut[i] == '<' && strncmp(zOut + i, "</p>", 4) != 0) abort();
  }
  buf_reset(&b);
  html_urlencode(&b, z);
  for (const char *p = buf_cstr(&b); *p; p++)
    if (strchr("<>\"' &", *p)) abort();
  buf_free(&b);
  free(z);
  return 0;
}
