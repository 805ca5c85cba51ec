/* libFuzzer target: application/x-www-form-urlencoded bodies from the network. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  Arena *a = arena_new();
  FormField *aField = NULL;
  int n = form_parse(a, (const char *)data, size, &aField);
  for (int i = 0; i < n; i++) {
    (void)strlen(aField[i].zName);
    (void)strlen(aField[i].zValue);
  }
  arena_free(a);
  return 0;
}
