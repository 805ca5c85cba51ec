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

#define N_(s) (s)
#define T(zLang, s) i18n_get((zLang), (s))

/* The translation of zMsgid in zLang, or zMsgid itself. Never NULL; static storage. */
const char *i18n_get(const char *zLang, const char *zMsgid);
/* "en", "fr" or "es" from a cookie/query value or an Accept-Language header. */
const char *i18n_negotiate(const char *zExplicit, const char *zAcceptLanguage);
bool i18n_supported(const char *zLang);
/* The supported languages: codes and their own names ("Français"). */
int i18n_languages(const char *const **pazCode, const char *const **pazName);

#endif
