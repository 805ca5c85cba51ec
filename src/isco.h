/*
** isco.h: queries over the reference classifications (ISCO-08, ESCO, countries,
** instruments). Each returns a jansson object that the CLI prints (text or
** --json), the API sends as is, and the pages render: one data path for all three.
**
** Ownership: returned json_t values are new references owned by the caller
** (json_decref). NULL means failure with e set (ERR_NOT_FOUND for an unknown code).
** zLang ("en", "fr", "es") picks the "title" field; all language variants are
** always included as title_en/title_fr/title_es.
*/
#ifndef LMIS_ISCO_H
#define LMIS_ISCO_H

#include <jansson.h>
#include "err.h"
#include "store.h"

/* One ISCO-08 group: code, level, level_name, title(+_en/_fr/_es), definition,
** skill_levels [..], parent, path [{code,title}] from the major group down to it,
** children [{code,title}], and for unit groups esco_occupations [{id,uri,title}]. */
json_t *isco_get(Store *s, const char *zCode, const char *zLang, Err *e);
/* Groups at one level (1-4), optionally under zParent: {groups:[{code,level,title}]}. */
json_t *isco_list(Store *s, int level, const char *zParent, const char *zLang, Err *e);
/* Ranked full-text search (bm25, title weighted over other titles and text),
** diacritics-insensitive, English stemming. zKind: "isco", "esco" or NULL for both.
** {query, results:[{kind, code|id, isco_code, title, snippet, rank}]} */
json_t *occupation_search(Store *s, const char *zQuery, const char *zKind, int nLimit, const char *zLang,
                          Err *e);
/* One ESCO occupation by numeric id or URI, with its ISCO group and its skills
** grouped as essential and optional. */
json_t *esco_occupation_get(Store *s, const char *zIdOrUri, Err *e);
/* Countries: {countries:[{alpha2, alpha3, numeric, name, name_en, name_fr, name_es,
** region, subregion, currency}]} ordered by name in zLang. */
json_t *country_list(Store *s, const char *zLang, Err *e);
/* Make an FTS5 query from free text: each word quoted, joined by AND, last word a
** prefix. Returns NULL when the text has no searchable word. Caller frees. */
char *fts_query_from_text(const char *zText);

#endif
