/*
** embedded.c: lookup of the files generated into embedded.c in the build dir.
*/
#include "embedded.h"
#include <string.h>

const EmbeddedFile *embedded_find(const char *zName) {
  for (const EmbeddedFile *p = aEmbeddedFile; p->zName; p++)
    if (strcmp(p->zName, zName) == 0) return p;
  return NULL;
}
