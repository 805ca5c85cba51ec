/*
** i18n.h: translations from gettext catalogues. Translators edit po/LANG.po; the
** build compiles them with msgfmt and embeds the .mo files in the binary; lookups
** are per call with an explicit language, so threads serving different languages
** never share mutable state. English is the source language.
**
** Mark translatable strings with T(lang, "text") in code and N_("text") in static
** tables (xgettext --keyword=T:2 --keyword=N_).
*/
#ifndef LMIS_I18N_H
#define LMIS_I18N_H

#include <stdbool.h>
#include <stddef.h>

#define N_(s) (s)
#define T(zLang, s) i18n_get((zLang), (s))

/* The translation of zMsgid in zLang, or zMsgid itself. Never NULL; static storage. */
const char *i18n_get(const char *zLang, const char *zMsgid);
/* "en", "fr" or "es" from a cookie/query value or an Accept-Language header. */
const char *i18n_negotiate(const char *zExplicit, const char *zAcceptLanguage);
bool i18n_supported(const char *zLang);
/* The supported languages: codes and their own names ("Français"). */
int i18n_languages(const char *const **pazCode, const char *const **pazName);

/* A parsed GNU gettext .mo catalogue (either byte order). Exposed for the unit
** tests and fuzzing; the server uses the embedded catalogues through i18n_get.
**
** i18n_catalog_parse checks every offset and length against n and that every
** string is NUL-terminated inside the data; it returns NULL for anything
** malformed. The catalogue points into p, which must outlive it; the caller frees
** the catalogue (not p) with i18n_catalog_free. */
typedef struct I18nCatalog I18nCatalog;
I18nCatalog *i18n_catalog_parse(const unsigned char *p, size_t n);
/* The translation of zMsgid, or NULL when the catalogue has none. Static storage
** of p. Read-only: safe to call from many threads at once. */
const char *i18n_catalog_lookup(const I18nCatalog *c, const char *zMsgid);
int i18n_catalog_count(const I18nCatalog *c);   /* translated messages, header excluded */
void i18n_catalog_free(I18nCatalog *c);

#endif
