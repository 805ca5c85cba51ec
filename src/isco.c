/*
** isco.c: queries over the reference classifications (see isco.h).
**
** Every function builds a jansson object from literal SQL with bound parameters.
** Search turns free text into an FTS5 query made only of quoted words
** (fts_query_from_text), so no user text is ever FTS5 syntax, let alone SQL.
** The ranking rule is explained in docs/classifications.md.
*/
#include "isco.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#define SEARCH_DEFAULT_LIMIT 20
#define SEARCH_MAX_LIMIT 100
#define FTS_MAX_WORDS 16
#define FTS_MAX_QUERY 2048
#define ESCO_OCCUPATION_PREFIX "http://data.europa.eu/esco/occupation/"

static const char *const azLevelName[] = {"", "major", "sub-major", "minor", "unit"};

/* 0 English, 1 French, 2 Spanish; anything else is English. */
static int lang_index(const char *zLang) {
  if (zLang && strcmp(zLang, "fr") == 0) return 1;
  if (zLang && strcmp(zLang, "es") == 0) return 2;
  return 0;
}

/* The title in the asked language, falling back to English. */
static const char *pick(const char *zEn, const char *zFr, const char *zEs, int iLang) {
  const char *z = iLang == 1 ? zFr : iLang == 2 ? zEs : zEn;
  return (z && *z) ? z : zEn;
}

static json_t *json_text(const char *z) { return z ? json_string(z) : json_null(); }

/* A newline-separated label list as a JSON array of its non-empty lines. */
static json_t *json_lines(const char *z) {
  json_t *a = json_array();
  while (z && *z) {
    size_t n = strcspn(z, "\n");
    size_t m = n;
    while (m > 0 && (z[m - 1] == '\r' || z[m - 1] == ' ')) m--;
    if (m > 0) json_array_append_new(a, json_stringn(z, m));
    z += n;
    if (*z == '\n') z++;
  }
  return a;
}

static bool isco_code_ok(const char *z) {
  size_t n = z ? strlen(z) : 0;
  if (n < 1 || n > 4) return false;
  for (size_t i = 0; i < n; i++)
    if (z[i] < '0' || z[i] > '9') return false;
  return true;
}

static int not_found_isco(Err *e, const char *zCode) {
  err_set(e, ERR_NOT_FOUND, "no ISCO-08 group with code %s", zCode);
  if (!isco_code_ok(zCode)) err_hint(e, "ISCO-08 codes have 1 to 4 digits, e.g. 2 or 2221");
  else err_hint(e, "list the groups with `lmis isco list`, or search with `lmis isco search WORDS`");
  return -1;
}

/* ---- FTS5 query from free text ---- */

static bool is_word_char(utf8proc_int32_t c) {
  utf8proc_category_t k = utf8proc_category(c);
  return (k >= UTF8PROC_CATEGORY_LU && k <= UTF8PROC_CATEGORY_NO) || k == UTF8PROC_CATEGORY_CO;
}

/* Quote each word of zText ("" inside a word doubles, though word characters never
** include '"'), joined by AND. bPrefix: the last word is a prefix query. zColumn:
** restrict the whole query to that column. NULL when there is no word. */
static char *fts_build(const char *zText, bool bPrefix, const char *zColumn) {
  const utf8proc_uint8_t *z = (const utf8proc_uint8_t *)(zText ? zText : "");
  utf8proc_ssize_t n = (utf8proc_ssize_t)strlen((const char *)z), i = 0;
  Buf b;
  int nWord = 0;
  size_t nHead;
  buf_init(&b, BUF_UNBOUNDED);
  if (zColumn) buf_printf(&b, "%s : (", zColumn);
  nHead = b.n;   /* the same words must fit with or without a column filter */
  while (i < n && nWord < FTS_MAX_WORDS) {
    utf8proc_int32_t c;
    utf8proc_ssize_t k = utf8proc_iterate(z + i, n - i, &c);
    if (k <= 0) { i++; continue; }          /* invalid UTF-8 separates words */
    if (!is_word_char(c)) { i += k; continue; }
    utf8proc_ssize_t iStart = i;
    while (i < n) {
      k = utf8proc_iterate(z + i, n - i, &c);
      if (k <= 0 || !is_word_char(c)) break;
      i += k;
    }
    /* Worst case: every byte a doubled quote, plus ' AND ""', '*' and ')'. */
    if (b.n - nHead + 2 * (size_t)(i - iStart) + 10 > FTS_MAX_QUERY) break;
    buf_puts(&b, nWord ? " AND \"" : "\"");
    for (utf8proc_ssize_t j = iStart; j < i; j++) {
      buf_putc(&b, (char)z[j]);
      if (z[j] == '"') buf_putc(&b, '"');
    }
    buf_putc(&b, '"');
    nWord++;
  }
  if (nWord == 0) {
    buf_free(&b);
    return NULL;
  }
  if (bPrefix) buf_putc(&b, '*');
  if (zColumn) buf_putc(&b, ')');
  return buf_detach(&b);
}

char *fts_query_from_text(const char *zText) { return fts_build(zText, true, NULL); }

/* ---- ISCO-08 ---- */

static const char zIscoRow[] =
  "SELECT code, level, parent, title_en, title_fr, title_es, definition_en, skill_levels, esco_uri"
  " FROM isco_group WHERE code = :code";

static json_t *skill_levels_json(const char *z) {
  json_t *a = json_array();
  for (; z && *z; z++)
    if (*z >= '1' && *z <= '4') json_array_append_new(a, json_integer(*z - '0'));
  return a;
}

json_t *isco_get(Store *s, const char *zCode, const char *zLang, Err *e) {
  int iLang = lang_index(zLang);
  json_t *j = NULL, *aPath = NULL;
  char *zParent = NULL;
  Stmt *q = NULL;
  int rc;
  if (!isco_code_ok(zCode)) {
    not_found_isco(e, zCode ? zCode : "");
    return NULL;
  }
  q = store_prepare(s, zIscoRow, e);
  if (!q) return NULL;
  stmt_bind_text(q, ":code", zCode);
  rc = stmt_step(q, e);
  if (rc < 0) goto isco_get_fail;
  if (rc == 0) {
    not_found_isco(e, zCode);
    goto isco_get_fail;
  }
  int level = (int)stmt_int(q, 1);
  j = json_pack("{s:s, s:i, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o}",
                "code", stmt_text(q, 0), "level", level, "level_name", azLevelName[level],
                "title", pick(stmt_text(q, 3), stmt_text(q, 4), stmt_text(q, 5), iLang),
                "title_en", stmt_text(q, 3),
                "title_fr", json_text(stmt_text(q, 4)), "title_es", json_text(stmt_text(q, 5)),
                "definition", json_text(stmt_text(q, 6)),
                "skill_levels", skill_levels_json(stmt_text(q, 7)),
                "parent", json_text(stmt_text(q, 2)),
                "esco_uri", json_text(stmt_text(q, 8)));
  aPath = json_array();
  json_array_append_new(aPath, json_pack("{s:s, s:s}", "code", zCode, "title",
                                         json_string_value(json_object_get(j, "title"))));
  zParent = stmt_text(q, 2) ? xstrdup(stmt_text(q, 2)) : NULL;
  /* Walk up to the major group (at most three steps). */
  for (int k = 0; zParent && k < 4; k++) {
    stmt_reset(q);
    stmt_bind_text(q, ":code", zParent);
    rc = stmt_step(q, e);
    if (rc < 0) goto isco_get_fail;
    free(zParent);
    zParent = NULL;
    if (rc == 0) break;
    json_array_insert_new(aPath, 0, json_pack("{s:s, s:s}", "code", stmt_text(q, 0), "title",
                                              pick(stmt_text(q, 3), stmt_text(q, 4), stmt_text(q, 5), iLang)));
    if (stmt_text(q, 2)) zParent = xstrdup(stmt_text(q, 2));
  }
  json_object_set_new(j, "path", aPath);
  aPath = NULL;
  stmt_finalize(q);

  q = store_prepare(s, "SELECT code, title_en, title_fr, title_es FROM isco_group WHERE parent = :code ORDER BY code",
                    e);
  if (!q) goto isco_get_fail;
  stmt_bind_text(q, ":code", zCode);
  json_t *aChild = json_array();
  json_object_set_new(j, "children", aChild);
  while ((rc = stmt_step(q, e)) == 1)
    json_array_append_new(aChild, json_pack("{s:s, s:s}", "code", stmt_text(q, 0), "title",
                                            pick(stmt_text(q, 1), stmt_text(q, 2), stmt_text(q, 3), iLang)));
  if (rc < 0) goto isco_get_fail;
  stmt_finalize(q);
  q = NULL;

  if (level == 4) {
    q = store_prepare(s, "SELECT id, uri, title FROM esco_occupation WHERE isco_code = :code ORDER BY title", e);
    if (!q) goto isco_get_fail;
    stmt_bind_text(q, ":code", zCode);
    json_t *aOcc = json_array();
    json_object_set_new(j, "esco_occupations", aOcc);
    while ((rc = stmt_step(q, e)) == 1)
      json_array_append_new(aOcc, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)stmt_int(q, 0), "uri",
                                            stmt_text(q, 1), "title", stmt_text(q, 2)));
    if (rc < 0) goto isco_get_fail;
    stmt_finalize(q);
  }
  return j;

isco_get_fail:
  free(zParent);
  json_decref(aPath);
  json_decref(j);
  stmt_finalize(q);
  return NULL;
}

json_t *isco_list(Store *s, int level, const char *zParent, const char *zLang, Err *e) {
  int iLang = lang_index(zLang);
  json_t *j = NULL, *aGroup;
  Stmt *q = NULL;
  int rc;
  if (zParent && !*zParent) zParent = NULL;
  if (level != 0 && (level < 1 || level > 4)) {
    err_set(e, ERR_INVALID, "ISCO-08 level %d does not exist", level);
    err_hint(e, "levels are 1 (major), 2 (sub-major), 3 (minor) and 4 (unit groups)");
    return NULL;
  }
  if (zParent) {
    int parentLevel = isco_code_ok(zParent) ? (int)strlen(zParent) : 0;
    int64_t n = 0;
    if (parentLevel) {
      q = store_prepare(s, "SELECT count(*) FROM isco_group WHERE code = :code", e);
      if (!q) return NULL;
      stmt_bind_text(q, ":code", zParent);
      rc = stmt_step(q, e);
      if (rc < 0) goto isco_list_fail;
      n = stmt_int(q, 0);
      stmt_finalize(q);
      q = NULL;
    }
    if (n == 0) {
      not_found_isco(e, zParent);
      return NULL;
    }
    if (level == 0) level = parentLevel + 1;
    if (level <= parentLevel) {
      err_set(e, ERR_INVALID, "level %d is not below group %s, which is at level %d", level, zParent, parentLevel);
      err_hint(e, "leave out the level to list the groups directly under %s", zParent);
      return NULL;
    }
    if (level > 4) {
      err_set(e, ERR_INVALID, "%s is a unit group: there are no ISCO-08 groups below it", zParent);
      err_hint(e, "`lmis isco show %s` lists its ESCO occupations", zParent);
      return NULL;
    }
  }
  if (level == 0) level = 1;
  q = store_prepare(s,
    "SELECT code, level, title_en, title_fr, title_es FROM isco_group"
    " WHERE level = :level AND (:parent IS NULL OR substr(code, 1, length(:parent)) = :parent)"
    " ORDER BY code", e);
  if (!q) return NULL;
  stmt_bind_int(q, ":level", level);
  stmt_bind_text(q, ":parent", zParent);
  aGroup = json_array();
  j = json_pack("{s:i, s:s, s:o, s:o}", "level", level, "level_name", azLevelName[level], "parent",
                json_text(zParent), "groups", aGroup);
  while ((rc = stmt_step(q, e)) == 1)
    json_array_append_new(aGroup, json_pack("{s:s, s:I, s:s}", "code", stmt_text(q, 0), "level",
                                            (json_int_t)stmt_int(q, 1), "title",
                                            pick(stmt_text(q, 2), stmt_text(q, 3), stmt_text(q, 4), iLang)));
  if (rc < 0) goto isco_list_fail;
  stmt_finalize(q);
  return j;
isco_list_fail:
  json_decref(j);
  stmt_finalize(q);
  return NULL;
}

/* ---- search ---- */

/* Ranking (docs/classifications.md, "Search ranking"):
**  1. title class: 0 when the title holds every word (the last one as a whole word),
**     1 when it holds them with the last word as a prefix, 2 otherwise;
**  2. within classes 0 and 1: ISCO-08 unit groups, then ESCO occupations, then
**     the broader ISCO-08 groups; then shorter titles first (the more of the title
**     the words cover, the closer the match);
**  3. then bm25 with column weights title 10, other titles 4, text 1.
** tier = 3 * class + kind, and class 2 ignores the kind. */
static const char zSearchSql[] =
  "SELECT occupation_fts.kind, occupation_fts.ref, g.title_en, g.title_fr, g.title_es, o.title, o.uri, o.isco_code,"
  "  snippet(occupation_fts, -1, '[', ']', '…', 12),"
  "  bm25(occupation_fts, 0.0, 0.0, 10.0, 4.0, 1.0) AS score,"
  "  (CASE WHEN occupation_fts.rowid IN (SELECT rowid FROM occupation_fts WHERE occupation_fts MATCH :qword) THEN 0"
  "        WHEN occupation_fts.rowid IN (SELECT rowid FROM occupation_fts WHERE occupation_fts MATCH :qprefix)"
  "        THEN 3 ELSE 6 END)"
  "  + (CASE WHEN g.level = 4 THEN 0 WHEN o.id IS NOT NULL THEN 1 ELSE 2 END) AS tier"
  " FROM occupation_fts"
  " LEFT JOIN isco_group g ON occupation_fts.kind = 'isco' AND g.code = occupation_fts.ref"
  " LEFT JOIN esco_occupation o ON occupation_fts.kind = 'esco' AND o.id = CAST(occupation_fts.ref AS INTEGER)"
  " WHERE occupation_fts MATCH :q AND (:kind IS NULL OR occupation_fts.kind = :kind)"
  " ORDER BY min(tier, 6), CASE WHEN tier < 6 THEN length(occupation_fts.title) ELSE 0 END, score,"
  "   occupation_fts.kind, occupation_fts.ref"
  " LIMIT :limit";

json_t *occupation_search(Store *s, const char *zQuery, const char *zKind, int nLimit, const char *zLang,
                          Err *e) {
  int iLang = lang_index(zLang);
  char *zQ = NULL, *zWord = NULL, *zPrefix = NULL;
  json_t *j = NULL, *aRes;
  Stmt *q = NULL;
  int rc, iRank = 0;
  if (zKind && strcmp(zKind, "isco") != 0 && strcmp(zKind, "esco") != 0) {
    err_set(e, ERR_INVALID, "unknown kind of occupation \"%s\"", zKind);
    err_hint(e, "use isco or esco, or no kind for both");
    return NULL;
  }
  if (zQuery && !utf8_valid_text(zQuery, strlen(zQuery))) {
    err_set(e, ERR_INVALID, "the search text is not valid UTF-8 text");
    return NULL;
  }
  if (nLimit <= 0) nLimit = SEARCH_DEFAULT_LIMIT;
  if (nLimit > SEARCH_MAX_LIMIT) nLimit = SEARCH_MAX_LIMIT;
  zQ = fts_query_from_text(zQuery);
  if (!zQ) {
    err_set(e, ERR_INVALID, "nothing to search for in \"%s\"", zQuery ? zQuery : "");
    err_hint(e, "type at least one word, e.g. nurse");
    return NULL;
  }
  zWord = fts_build(zQuery, false, "title");
  zPrefix = fts_build(zQuery, true, "title");
  q = store_prepare(s, zSearchSql, e);
  if (!q) goto search_out;
  stmt_bind_text(q, ":q", zQ);
  stmt_bind_text(q, ":qword", zWord);
  stmt_bind_text(q, ":qprefix", zPrefix);
  stmt_bind_text(q, ":kind", zKind);
  stmt_bind_int(q, ":limit", nLimit);
  aRes = json_array();
  j = json_pack("{s:s, s:s, s:o}", "query", zQuery, "fts_query", zQ, "results", aRes);
  if (!j) {
    err_set(e, ERR_INTERNAL, "could not build the search result");
    goto search_out;
  }
  while ((rc = stmt_step(q, e)) == 1) {
    const char *zRowKind = stmt_text(q, 0);
    json_t *r;
    if (strcmp(zRowKind, "isco") == 0) {
      r = json_pack("{s:s, s:s, s:s, s:s}", "kind", "isco", "code", stmt_text(q, 1), "isco_code", stmt_text(q, 1),
                    "title", stmt_text(q, 2) ? pick(stmt_text(q, 2), stmt_text(q, 3), stmt_text(q, 4), iLang) : "");
    } else {
      r = json_pack("{s:s, s:I, s:s, s:s, s:s}", "kind", "esco", "id", (json_int_t)stmt_int(q, 1), "uri",
                    stmt_text(q, 6) ? stmt_text(q, 6) : "", "isco_code", stmt_text(q, 7) ? stmt_text(q, 7) : "",
                    "title", stmt_text(q, 5) ? stmt_text(q, 5) : "");
    }
    json_object_set_new(r, "snippet", json_text(stmt_text(q, 8)));
    json_object_set_new(r, "rank", json_integer(++iRank));
    json_array_append_new(aRes, r);
  }
  if (rc < 0) {
    json_decref(j);
    j = NULL;
  }
search_out:
  stmt_finalize(q);
  free(zQ);
  free(zWord);
  free(zPrefix);
  return j;
}

/* ---- ESCO ---- */

static bool all_digits(const char *z) {
  if (!*z) return false;
  for (; *z; z++)
    if (*z < '0' || *z > '9') return false;
  return true;
}

/* A bare ESCO identifier: 36 characters of hex digits and dashes. */
static bool is_uuid(const char *z) {
  if (strlen(z) != 36) return false;
  for (int i = 0; i < 36; i++) {
    char c = z[i];
    bool bDash = i == 8 || i == 13 || i == 18 || i == 23;
    if (bDash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
      return false;
  }
  return true;
}

static int skills_of(Store *s, int64_t id, json_t *jSkills, Err *e) {
  Stmt *q = store_prepare(s,
    "SELECT os.relation, k.id, k.uri, k.title, k.skill_type, k.reuse_level"
    " FROM esco_occupation_skill os JOIN esco_skill k ON k.id = os.skill_id"
    " WHERE os.occupation_id = :id ORDER BY os.relation, k.title", e);
  int rc;
  if (!q) return -1;
  stmt_bind_int(q, ":id", id);
  while ((rc = stmt_step(q, e)) == 1) {
    json_t *a = json_object_get(jSkills, stmt_text(q, 0));
    if (!a) continue;
    json_array_append_new(a, json_pack("{s:I, s:s, s:s, s:o, s:o}", "id", (json_int_t)stmt_int(q, 1), "uri",
                                       stmt_text(q, 2), "title", stmt_text(q, 3), "skill_type",
                                       json_text(stmt_text(q, 4)), "reuse_level", json_text(stmt_text(q, 5))));
  }
  stmt_finalize(q);
  return rc < 0 ? -1 : 0;
}

#define ESCO_OCCUPATION_SELECT \
  "SELECT o.id, o.uri, o.code, o.title, o.alt_labels, o.description, o.isco_code, g.title_en" \
  " FROM esco_occupation o JOIN isco_group g ON g.code = o.isco_code"

json_t *esco_occupation_get(Store *s, const char *zIdOrUri, Err *e) {
  char *zUri = NULL;
  Stmt *q = NULL;
  json_t *j = NULL, *jSkills;
  long long id = 0;
  int rc;
  if (!zIdOrUri) zIdOrUri = "";
  if (all_digits(zIdOrUri)) {
    if (parse_int(zIdOrUri, 1, INT64_MAX, &id)) id = 0;
    q = store_prepare(s, ESCO_OCCUPATION_SELECT " WHERE o.id = :id", e);
    if (!q) return NULL;
    stmt_bind_int(q, ":id", id);
  } else {
    zUri = is_uuid(zIdOrUri) ? xasprintf("%s%s", ESCO_OCCUPATION_PREFIX, zIdOrUri) : xstrdup(zIdOrUri);
    q = store_prepare(s, ESCO_OCCUPATION_SELECT " WHERE o.uri = :uri", e);
    if (!q) goto esco_get_out;
    stmt_bind_text(q, ":uri", zUri);
  }
  rc = stmt_step(q, e);
  if (rc < 0) goto esco_get_out;
  if (rc == 0) {
    if (utf8_valid_text(zIdOrUri, strlen(zIdOrUri))) err_set(e, ERR_NOT_FOUND, "no ESCO occupation %s", zIdOrUri);
    else err_set(e, ERR_NOT_FOUND, "no ESCO occupation with that id or URI");
    err_hint(e, "give a numeric id or a URI such as %s..., as shown by `lmis esco search WORDS`",
             ESCO_OCCUPATION_PREFIX);
    goto esco_get_out;
  }
  id = stmt_int(q, 0);
  jSkills = json_pack("{s:[], s:[]}", "essential", "optional");
  j = json_pack("{s:I, s:s, s:o, s:s, s:o, s:o, s:s, s:{s:s, s:s}, s:o}",
                "id", (json_int_t)id, "uri", stmt_text(q, 1), "code", json_text(stmt_text(q, 2)),
                "title", stmt_text(q, 3), "alt_labels", json_lines(stmt_text(q, 4)),
                "description", json_text(stmt_text(q, 5)), "isco_code", stmt_text(q, 6),
                "isco_group", "code", stmt_text(q, 6), "title", stmt_text(q, 7),
                "skills", jSkills);
  if (skills_of(s, id, jSkills, e)) {
    json_decref(j);
    j = NULL;
  }
esco_get_out:
  stmt_finalize(q);
  free(zUri);
  return j;
}

/* ---- countries ---- */

typedef struct CountryItem {
  char *zKey;     /* name folded for sorting: no accents, case-folded */
  json_t *j;
} CountryItem;

static int country_cmp(const void *a, const void *b) {
  const CountryItem *x = a, *y = b;
  return strcmp(x->zKey, y->zKey);
}

static char *sort_key(const char *z) {
  utf8proc_uint8_t *zOut = NULL;
  utf8proc_ssize_t n = utf8proc_map((const utf8proc_uint8_t *)z, 0, &zOut,
                                    UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_DECOMPOSE |
                                    UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD);
  if (n < 0 || !zOut) {
    free(zOut);
    return xstrdup(z);
  }
  char *zKey = xstrdup((const char *)zOut);
  free(zOut);
  return zKey;
}

json_t *country_list(Store *s, const char *zLang, Err *e) {
  int iLang = lang_index(zLang);
  CountryItem *a = NULL;
  int n = 0, nAlloc = 0, rc;
  json_t *j = NULL, *aOut;
  Stmt *q = store_prepare(s,
    "SELECT c.alpha2, c.alpha3, c.numeric, c.name_en, c.name_fr, c.name_es, c.official_name_en,"
    "  r.code, r.name_en, r.name_fr, r.name_es, sr.code, sr.name_en, sr.name_fr, sr.name_es,"
    "  c.currency, c.ldc, c.lldc, c.sids"
    " FROM country c LEFT JOIN m49_region r ON r.code = c.region"
    " LEFT JOIN m49_region sr ON sr.code = c.subregion", e);
  if (!q) return NULL;
  while ((rc = stmt_step(q, e)) == 1) {
    const char *zName = pick(stmt_text(q, 3), stmt_text(q, 4), stmt_text(q, 5), iLang);
    const char *zRegion = stmt_text(q, 7) ? pick(stmt_text(q, 8), stmt_text(q, 9), stmt_text(q, 10), iLang) : NULL;
    const char *zSub = stmt_text(q, 11) ? pick(stmt_text(q, 12), stmt_text(q, 13), stmt_text(q, 14), iLang) : NULL;
    if (n == nAlloc) {
      nAlloc = nAlloc ? 2 * nAlloc : 256;
      a = xrealloc(a, (size_t)nAlloc * sizeof *a);
    }
    a[n].zKey = sort_key(zName);
    a[n].j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b, s:b, s:b}",
                       "alpha2", stmt_text(q, 0), "alpha3", stmt_text(q, 1), "numeric", stmt_text(q, 2),
                       "name", zName, "name_en", stmt_text(q, 3),
                       "name_fr", json_text(stmt_text(q, 4)), "name_es", json_text(stmt_text(q, 5)),
                       "official_name_en", json_text(stmt_text(q, 6)),
                       "region", json_text(zRegion), "region_code", json_text(stmt_text(q, 7)),
                       "subregion", json_text(zSub), "subregion_code", json_text(stmt_text(q, 11)),
                       "currency", json_text(stmt_text(q, 15)),
                       "ldc", (int)stmt_int(q, 16), "lldc", (int)stmt_int(q, 17), "sids", (int)stmt_int(q, 18));
    n++;
  }
  stmt_finalize(q);
  if (rc == 0) {
    qsort(a, (size_t)n, sizeof *a, country_cmp);
    aOut = json_array();
    j = json_pack("{s:s, s:o}", "lang", iLang == 1 ? "fr" : iLang == 2 ? "es" : "en", "countries", aOut);
  }
  for (int i = 0; i < n; i++) {
    if (j) json_array_append_new(aOut, a[i].j);
    else json_decref(a[i].j);
    free(a[i].zKey);
  }
  free(a);
  return j;
}
