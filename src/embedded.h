/*
** embedded.h: files compiled into the binary (style sheet, OpenAPI document,
** translation catalogues), so that lmis is one self-contained executable.
*/
#ifndef LMIS_EMBEDDED_H
#define LMIS_EMBEDDED_H
#include <stddef.h>
typedef struct EmbeddedFile {
  const char *zName;
  const unsigned char *pData;   /* static; NUL-terminated one byte past nData */
  size_t nData;
} EmbeddedFile;
extern const EmbeddedFile aEmbeddedFile[];   /* ends with {0} */
/* The embedded file called zName (basename), or NULL. */
const EmbeddedFile *embedded_find(const char *zName);
#endif
