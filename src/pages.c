/*
** pages.c: the server-rendered HTML pages (one function per page, cgit style).
**
** Each handler gets its data first (the isco.c queries return the same JSON the
** API sends), and only then writes the page, so a failure never leaves half a
** page in r->out: it returns -1 with r->err set and the dispatcher renders the
** error page. All visible text goes through T(); all data through html_printf's
** escaped %s.
*/
#include "pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embedded.h"
#include "html.h"
#include "i18n.h"
#include "isco.h"

#define SEARCH_LIMIT 30
#define QUERY_MAX 200         /* characters of a search shown back or searched */

/* ---- small helpers ---- */


static const char *jstr(json_t *o, const char *zKey) {
  json_t *v = json_object_get(o, zKey);
  return json_is_string(v) ? json_string_value(v) : NULL;
}

/* An integer field that may also come as a string of digits; dflt otherwise. */
static long long jint(json_t *o, const char *zKey, long long dflt) {
  json_t *v = json_object_get(o, zKey);
  long long n;
  if (json_is_integer(v)) return json_integer_value(v);
  if (json_is_string(v) && parse_int(json_string_value(v), -1000000000000LL, 1000000000000LL, &n) == 0) return n;
  return dflt;
}

static bool all_digits(const char *z, size_t nMin, size_t nMax) {
  size_t n;
  if (!z) return false;
  for (n = 0; z[n]; n++)
    if (z[n] < '0' || z[n] > '9') return false;
  return n >= nMin && n <= nMax;
}

/* Text with newlines (ISCO definitions) as paragraphs and lists: a blank line
** ends a paragraph; lines that start with "-" or "•", with a group code
** ("21  Science and engineering professionals") or with "(a) ", become list
** items. Every
** line is escaped; no markup from the data survives. */
static void html_paragraphs(Buf *b, const char *z) {
  bool bPara = false, bList = false;
  while (z && *z) {
    const char *zEnd = strchr(z, '\n');
    if (!zEnd) zEnd = z + strlen(z);
    const char *zLine = z;
    z = *zEnd ? zEnd + 1 : zEnd;
    while (zLine < zEnd && (*zLine == ' ' || *zLine == '\t')) zLine++;
    const char *zStop = zEnd;
    while (zStop > zLine && (zStop[-1] == ' ' || zStop[-1] == '\t' || zStop[-1] == '\r')) zStop--;
    if (zStop == zLine) {
      if (bPara) html_raw_UNSAFE(b, "</p>\n");
      if (bList) html_raw_UNSAFE(b, "</ul>\n");
      bPara = bList = false;
      continue;
    }
    bool bItem = false;
    size_t nSkip = 0;
    if (*zLine == '-') {
      bItem = true;
      nSkip = 1;
    } else if (zStop - zLine >= 3 && memcmp(zLine, "\xe2\x80\xa2", 3) == 0) {  /* bullet */
      bItem = true;
      nSkip = 3;
    } else {
      size_t nDigit = 0;
      while (zLine + nDigit < zStop && zLine[nDigit] >= '0' && zLine[nDigit] <= '9') nDigit++;
      if (nDigit >= 1 && nDigit <= 4 && zLine + nDigit + 1 < zStop && zLine[nDigit] == ' ' && zLine[nDigit + 1] == ' ') {
        bItem = true;
      }
      /* "(a) planning ...", "(iv) ...": an item that keeps its letter */
      size_t nLetter = 0;
      if (*zLine == '(') {
        while (zLine + 1 + nLetter < zStop && zLine[1 + nLetter] >= 'a' && zLine[1 + nLetter] <= 'z') nLetter++;
        if (nLetter >= 1 && nLetter <= 4 && zLine + nLetter + 2 < zStop && zLine[1 + nLetter] == ')' &&
            zLine[2 + nLetter] == ' ') {
          bItem = true;
        }
      }
    }
    if (bItem) {
      zLine += nSkip;
      while (zLine < zStop && (*zLine == ' ' || *zLine == '\t')) zLine++;
    }
    char *zText = xstrndup(zLine, (size_t)(zStop - zLine));
    if (bItem) {
      if (bPara) html_raw_UNSAFE(b, "</p>\n");
      bPara = false;
      if (!bList) html_raw_UNSAFE(b, "<ul>\n");
      bList = true;
      html_printf(b, "<li>%s</li>\n", zText);
    } else {
      if (bList) html_raw_UNSAFE(b, "</ul>\n");
      bList = false;
      /* Each line of these texts is a paragraph of its own. */
      if (bPara) html_raw_UNSAFE(b, "</p>\n");
      html_printf(b, "<p>%s", zText);
      bPara = true;
    }
    free(zText);
  }
  if (bPara) html_raw_UNSAFE(b, "</p>\n");
  if (bList) html_raw_UNSAFE(b, "</ul>\n");
}

/* A search snippet: escaped first, then the highlight markers of the full-text
** index become <mark>. isco.c asks FTS5 for '[' and ']' around matches (the
** control characters \x02/\x03 are accepted too); a ']' with no '[' before it
** is text, and <mark> is closed at the end if the snippet was cut inside a
** match. Markers are single bytes that escaping leaves alone. */
static void html_snippet(Buf *b, const char *z) {
  Buf esc;
  bool bOpen = false;
  if (!z || !*z) return;
  buf_init(&esc, BUF_UNBOUNDED);
  html_escape(&esc, z);
  for (const char *p = buf_cstr(&esc); *p; p++) {
    if ((*p == '[' || *p == '\x02') && !bOpen) {
      html_raw_UNSAFE(b, "<mark>");
      bOpen = true;
    } else if ((*p == ']' || *p == '\x03') && bOpen) {
      html_raw_UNSAFE(b, "</mark>");
      bOpen = false;
    } else if (*p == '\n') {
      /* snippets of the other-titles column: one title per line */
      html_raw_UNSAFE(b, " · ");
    } else if (*p != '\x02' && *p != '\x03' && *p != '\r') {
      buf_putc(b, *p);
    }
  }
  if (bOpen) html_raw_UNSAFE(b, "</mark>");
  buf_free(&esc);
}

/* Visible names of roles, indexed by Role. */
static const char *const azRoleLabel[ROLE__COUNT] = {
  [ROLE_PUBLIC] = N_("Public (no account)"),
  [ROLE_MIGRANT] = N_("Migrant worker"),
  [ROLE_EMPLOYMENT_OFFICER] = N_("Employment-service officer"),
  [ROLE_STATISTICIAN] = N_("Statistician"),
  [ROLE_LABOUR_INSPECTOR] = N_("Labour inspector"),
  [ROLE_RECRUITMENT_REGULATOR] = N_("Recruitment regulator"),
  [ROLE_SOCIAL_PARTNER] = N_("Employers' or workers' organization"),
  [ROLE_IMMIGRATION_OFFICER] = N_("Immigration officer"),
  [ROLE_ADMIN] = N_("Administrator"),
};

/* Names of the four ISCO-08 levels, indexed by level (1-4). */
static const char *const azLevelName[5] = {
  NULL, N_("Major group"), N_("Sub-major group"), N_("Minor group"), N_("Unit group"),
};
/* Heading of the list of groups one level below a group of level i. */
static const char *const azChildHeading[4] = {
  NULL, N_("Sub-major groups"), N_("Minor groups"), N_("Unit groups"),
};
/* The four ISCO-08 skill levels and the education that usually goes with them. */
static const char *const azSkillLevel[5] = {
  NULL,
  N_("Skill level 1: simple and routine physical or manual tasks; usually primary education (ISCED 1)."),
  N_("Skill level 2: operating machines and equipment, handling information, driving; usually secondary "
     "education (ISCED 2 to 4)."),
  N_("Skill level 3: complex technical and practical tasks that need specialised knowledge; usually "
     "short-cycle tertiary education (ISCED 5)."),
  N_("Skill level 4: complex problem-solving, decision-making and creativity; usually a university "
     "degree (ISCED 6 and above)."),
};

/* Languages other than the page's, for "this title in other languages". */
static const char *const azTitleKey[][2] = {
  {"en", "title_en"},
  {"fr", "title_fr"},
  {"es", "title_es"},
};

static const char *lang_name(const char *zCode) {
  const char *const *azCode, *const *azName;
  int n = i18n_languages(&azCode, &azName);
  for (int i = 0; i < n; i++)
    if (str_eq(azCode[i], zCode)) return azName[i];
  return zCode;
}

/* The search form; zQuery (may be NULL) is shown back in the box. */
static void search_form(Request *r, const char *zQuery) {
  const char *zL = r->zLang;
  html_printf(&r->out,
              "<form class=\"search\" action=\"/isco\" method=\"get\" role=\"search\">\n"
              "<label for=\"q\">%s</label>\n"
              "<div class=\"row\"><input type=\"search\" id=\"q\" name=\"q\" value=\"%s\" maxlength=\"%d\" "
              "autocomplete=\"off\" placeholder=\"%s\">"
              "<button type=\"submit\">%s</button></div>\n</form>\n",
              T(zL, "Search occupations by title or keyword"), zQuery ? zQuery : "", QUERY_MAX,
              T(zL, "for example: nurse, electrician, cook"), T(zL, "Search"));
}

/* ---- GET / ---- */

int page_home(Request *r) {
  const char *zL = r->zLang;
  Buf *b = &r->out;
  page_begin(r, T(zL, "Home"));
  html_printf(b, "<h1>%s</h1>\n", T(zL, "Information for labour migration"));
  html_printf(b, "<p class=\"lead\">%s</p>\n",
              T(zL, "lmis gathers the information that migrant workers, employers, workers' organizations and "
                    "governments need about working in another country."));
  html_printf(b, "<p>%s</p>\n",
              T(zL, "Find an occupation in ISCO-08, the International Standard Classification of Occupations of "
                    "the ILO, and in ESCO, the European classification of occupations and skills: what the work "
                    "is, the skill level it needs, and the skills employers ask for."));
  search_form(r, NULL);
  html_raw_UNSAFE(b, "<ul class=\"links\">\n");
  html_printf(b, "<li><a href=\"/isco\">%s</a></li>\n", T(zL, "Browse the ten major groups of occupations"));
  if (r->who.accountId == 0) {
    html_printf(b, "<li><a href=\"/login\">%s</a></li>\n", T(zL, "Log in to your account"));
  } else {
    html_printf(b, "<li><a href=\"/account\">%s</a></li>\n", T(zL, "Your account"));
  }
  html_raw_UNSAFE(b, "</ul>\n");
  /* Everything a newcomer can open without an account, one line each. */
  {
    static const struct {
      const char *zHref, *zTitle, *zWhat;
    } aCap[] = {
      {"/statistics", N_("Statistics on migrant workers"),
       N_("labour force, employment, unemployment and earnings of migrants, with their margins of error")},
      {"/needs", N_("Labour market needs"), N_("shortages and surpluses by occupation and country")},
      {"/agreements", N_("Agreements and ratifications"),
       N_("labour migration agreements, what they contain, and the corridors between countries")},
      {"/practices", N_("Good practices"),
       N_("policies and programmes that work, from regularization to fair recruitment, with their sources")},
      {"/agencies/check", N_("Is this recruitment agency licensed?"),
       N_("check an agency before you pay or sign anything")},
      {"/costs", N_("What migrants pay to be recruited"), N_("recruitment costs against first earnings (SDG 10.7.1)")},
      {"/complaint", N_("Make a complaint"),
       N_("unpaid wages, a kept passport, fees: labour inspectors help whatever your status")},
      {"/socsec", N_("Pension calculator"), N_("what you will receive from each country you worked in")},
    };
    html_printf(b, "<h2>%s</h2>\n<ul class=\"links\">\n", T(zL, "What you can do here"));
    for (size_t i = 0; i < sizeof aCap / sizeof aCap[0]; i++)
      html_printf(b, "<li><a href=\"%s\">%s</a>: %s</li>\n", aCap[i].zHref, T(zL, aCap[i].zTitle),
                  T(zL, aCap[i].zWhat));
    html_printf(b, "</ul>\n");
  }
  html_printf(b, "<p class=\"note\">%s</p>\n",
              T(zL, "These pages are available in English, French and Spanish. Public information needs no "
                    "account."));
  page_end(r);
  return 0;
}

/* ---- GET /isco ---- */

static void render_results(Request *r, const char *zQuery, json_t *pRes) {
  const char *zL = r->zLang;
  Buf *b = &r->out;
  json_t *aRes = json_object_get(pRes, "results");
  size_t n = json_is_array(aRes) ? json_array_size(aRes) : 0;

  html_printf(b, "<h2 id=\"results\">%s “%s”</h2>\n", T(zL, "Results for"), zQuery);
  if (n == 0) {
    html_printf(b, "<p>%s</p>\n", T(zL, "No occupation matches your search. Try another word or a shorter one."));
    return;
  }
  html_printf(b, "<p class=\"count\">%s %zu", T(zL, "Occupations found:"), n);
  if (n >= SEARCH_LIMIT) html_printf(b, ". %s", T(zL, "Only the best matches are shown: add a word to narrow the search."));
  html_raw_UNSAFE(b, "</p>\n");
  html_raw_UNSAFE(b, "<ol class=\"results\">\n");
  for (size_t i = 0; i < n; i++) {
    json_t *o = json_array_get(aRes, i);
    const char *zKind = jstr(o, "kind");
    const char *zTitle = jstr(o, "title");
    const char *zIsco = jstr(o, "isco_code");
    if (!zTitle) continue;
    html_raw_UNSAFE(b, "<li>");
    if (str_eq(zKind, "esco")) {
      long long id = jint(o, "id", -1);
      if (id < 0) {
        html_raw_UNSAFE(b, "</li>\n");
        continue;
      }
      html_printf(b, "<a href=\"/esco/occupation/%lld\" lang=\"en\">%s</a>", id, zTitle);
      html_printf(b, " <span class=\"kind esco\">ESCO</span>");
      if (zIsco) html_printf(b, " <span class=\"meta\">%s <span class=\"code\">%s</span></span>", T(zL, "ISCO-08"), zIsco);
    } else {
      const char *zCode = jstr(o, "code");
      if (!zCode) zCode = zIsco;
      if (!zCode) {
        html_raw_UNSAFE(b, "</li>\n");
        continue;
      }
      html_printf(b, "<a href=\"/isco/%s\"><span class=\"code\">%s</span> %s</a>", zCode, zCode, zTitle);
      html_printf(b, " <span class=\"kind isco\">%s</span>", T(zL, "ISCO-08"));
    }
    const char *zSnippet = jstr(o, "snippet");
    if (zSnippet && *zSnippet) {
      html_raw_UNSAFE(b, "<p class=\"snippet\" lang=\"en\">");
      html_snippet(b, zSnippet);
      html_raw_UNSAFE(b, "</p>");
    }
    html_raw_UNSAFE(b, "</li>\n");
  }
  html_raw_UNSAFE(b, "</ol>\n");
}

int page_isco_index(Request *r) {
  const char *zL = r->zLang;
  Buf *b = &r->out;
  Err e = ERR_INIT;
  const char *zQuery = req_query(r, "q");
  json_t *pRes = NULL, *pMajor = NULL;
  bool bNoWord = false;
  char *zQ = NULL;

  if (zQuery) {
    /* trim, and keep at most QUERY_MAX bytes cut at a character boundary */
    while (*zQuery == ' ' || *zQuery == '\t') zQuery++;
    size_t n = strlen(zQuery);
    if (n > QUERY_MAX) {
      n = QUERY_MAX;
      while (n > 0 && ((unsigned char)zQuery[n] & 0xc0) == 0x80) n--;
    }
    while (n > 0 && (zQuery[n - 1] == ' ' || zQuery[n - 1] == '\t')) n--;
    zQ = arena_strndup(r->arena, zQuery, n);
    if (!*zQ) zQ = NULL;
  }
  if (zQ) {
    pRes = occupation_search(r->store, zQ, NULL, SEARCH_LIMIT, zL, &e);
    if (!pRes) {
      /* Text with no searchable word is the user's to fix, not an error page. */
      if (e.code != ERR_INVALID) return req_fail_with(r, &e);
      err_clear(&e);
      bNoWord = true;
    }
  } else {
    /* The major groups, each with its sub-major groups in "subgroups". */
    pMajor = isco_list(r->store, 1, NULL, zL, &e);
    if (!pMajor) return req_fail_with(r, &e);
    json_t *aGroup = json_object_get(pMajor, "groups");
    for (size_t i = 0; i < json_array_size(aGroup); i++) {
      json_t *g = json_array_get(aGroup, i);
      const char *zCode = jstr(g, "code");
      if (!zCode) continue;
      json_t *pSub = isco_list(r->store, 2, zCode, zL, &e);
      if (!pSub) {
        json_decref(pMajor);
        return req_fail_with(r, &e);
      }
      json_object_set(g, "subgroups", json_object_get(pSub, "groups"));
      json_decref(pSub);
    }
  }

  page_begin(r, zQ ? T(zL, "Search occupations") : T(zL, "Occupations"));
  html_printf(b, "<h1>%s</h1>\n", T(zL, "Occupations"));
  if (!zQ) {
    html_printf(b, "<p>%s</p>\n",
                T(zL, "ISCO-08 sorts all jobs into 10 major groups, divided into 43 sub-major, 130 minor and 436 "
                      "unit groups. The ESCO occupations of the European Union sit below the unit groups."));
  }
  search_form(r, zQ);

  if (zQ && bNoWord) {
    html_printf(b, "<p role=\"status\">%s</p>\n", T(zL, "Type at least one word with letters or digits."));
  } else if (zQ) {
    render_results(r, zQ, pRes);
  } else {
    json_t *aGroup = json_object_get(pMajor, "groups");
    size_t n = json_is_array(aGroup) ? json_array_size(aGroup) : 0;
    html_printf(b, "<h2>%s</h2>\n<ul class=\"groups\">\n", T(zL, "Major groups"));
    for (size_t i = 0; i < n; i++) {
      json_t *g = json_array_get(aGroup, i);
      const char *zCode = jstr(g, "code"), *zTitle = jstr(g, "title");
      if (!zCode || !zTitle) continue;
      html_printf(b, "<li><a href=\"/isco/%s\"><span class=\"code\">%s</span> %s</a>", zCode, zCode, zTitle);
      /* The sub-major groups open in place (no script needed); each is a link. */
      json_t *aSub = json_object_get(g, "subgroups");
      size_t nSub = json_is_array(aSub) ? json_array_size(aSub) : 0;
      if (nSub > 0) {
        html_printf(b, "\n<details><summary>%s (%zu)</summary>\n<ul>\n", T(zL, "Sub-major groups"), nSub);
        for (size_t k = 0; k < nSub; k++) {
          json_t *s = json_array_get(aSub, k);
          const char *zSubCode = jstr(s, "code"), *zSubTitle = jstr(s, "title");
          if (!zSubCode || !zSubTitle) continue;
          html_printf(b, "<li><a href=\"/isco/%s\"><span class=\"code\">%s</span> %s</a></li>\n", zSubCode, zSubCode,
                      zSubTitle);
        }
        html_raw_UNSAFE(b, "</ul>\n</details>");
      }
      html_raw_UNSAFE(b, "</li>\n");
    }
    html_raw_UNSAFE(b, "</ul>\n");
  }
  page_end(r);
  json_decref(pRes);
  json_decref(pMajor);
  return 0;
}

/* ---- GET /isco/{code} ---- */

static void render_group_list(Buf *b, json_t *aList) {
  size_t n = json_is_array(aList) ? json_array_size(aList) : 0;
  html_raw_UNSAFE(b, "<ul class=\"groups\">\n");
  for (size_t i = 0; i < n; i++) {
    json_t *g = json_array_get(aList, i);
    const char *zCode = jstr(g, "code"), *zTitle = jstr(g, "title");
    if (!zCode || !zTitle) continue;
    html_printf(b, "<li><a href=\"/isco/%s\"><span class=\"code\">%s</span> %s</a></li>\n", zCode, zCode, zTitle);
  }
  html_raw_UNSAFE(b, "</ul>\n");
}

int page_isco_group(Request *r) {
  const char *zL = r->zLang;
  Buf *b = &r->out;
  Err e = ERR_INIT;
  const char *zCode = r->nParam > 0 ? r->azParam[0] : NULL;
  json_t *g;

  if (!all_digits(zCode, 1, 4)) {
    return req_fail(r, ERR_NOT_FOUND, "no ISCO-08 group %s", zCode ? zCode : "");
  }
  g = isco_get(r->store, zCode, zL, &e);
  if (!g) return req_fail_with(r, &e);

  const char *zTitle = jstr(g, "title");
  if (!zTitle) zTitle = jstr(g, "title_en");
  if (!zTitle) zTitle = "";
  long long level = jint(g, "level", (long long)strlen(zCode));
  if (level < 1 || level > 4) level = (long long)strlen(zCode);
  char *zPageTitle = arena_printf(r->arena, "%s %s", zCode, zTitle);
  page_begin(r, zPageTitle);

  /* Breadcrumb: ISCO-08 > 2 > 22 > 222 > 2221, every step a link but the last. */
  html_printf(b, "<nav class=\"breadcrumb\" aria-label=\"%s\">\n<ol>\n<li><a href=\"/isco\">%s</a></li>\n",
              T(zL, "Breadcrumb"), T(zL, "ISCO-08"));
  json_t *aPath = json_object_get(g, "path");
  size_t nPath = json_is_array(aPath) ? json_array_size(aPath) : 0;
  for (size_t i = 0; i < nPath; i++) {
    json_t *p = json_array_get(aPath, i);
    const char *zPCode = jstr(p, "code"), *zPTitle = jstr(p, "title");
    if (!zPCode || str_eq(zPCode, zCode)) continue;
    html_printf(b, "<li><a href=\"/isco/%s\"><span class=\"code\">%s</span> <span class=\"crumb-title\">%s</span></a></li>\n",
                zPCode, zPCode, zPTitle ? zPTitle : "");
  }
  html_printf(b, "<li aria-current=\"page\"><span class=\"code\">%s</span></li>\n</ol>\n</nav>\n", zCode);

  html_printf(b, "<h1><span class=\"code\">%s</span> %s</h1>\n", zCode, zTitle);
  html_printf(b, "<p class=\"meta\">%s · %s</p>\n", T(zL, azLevelName[level]), T(zL, "ISCO-08"));

  /* The title in the other languages. */
  bool bOther = false;
  for (size_t i = 0; i < COUNT(azTitleKey); i++) {
    const char *zOther = jstr(g, azTitleKey[i][1]);
    if (str_eq(azTitleKey[i][0], zL) || !zOther || !*zOther) continue;
    if (!bOther) html_printf(b, "<h2>%s</h2>\n<dl class=\"titles\">\n", T(zL, "In other languages"));
    bOther = true;
    html_printf(b, "<dt>%s</dt><dd lang=\"%s\">%s</dd>\n", lang_name(azTitleKey[i][0]), azTitleKey[i][0], zOther);
  }
  if (bOther) html_raw_UNSAFE(b, "</dl>\n");

  /* Skill levels: an array of numbers (or of strings of digits). */
  json_t *aSkill = json_object_get(g, "skill_levels");
  if (json_is_array(aSkill) && json_array_size(aSkill) > 0) {
    html_printf(b, "<h2>%s</h2>\n<ul class=\"skill-levels\">\n", T(zL, "Skill level"));
    for (size_t i = 0; i < json_array_size(aSkill); i++) {
      json_t *v = json_array_get(aSkill, i);
      long long k = -1;
      if (json_is_integer(v)) k = json_integer_value(v);
      else if (json_is_string(v) && parse_int(json_string_value(v), 1, 4, &k)) k = -1;
      if (k >= 1 && k <= 4) html_printf(b, "<li>%s</li>\n", T(zL, azSkillLevel[k]));
    }
    html_raw_UNSAFE(b, "</ul>\n");
  }

  const char *zDef = jstr(g, "definition");
  if (zDef && *zDef) {
    html_printf(b, "<h2>%s</h2>\n", T(zL, "Definition"));
    if (!str_eq(zL, "en")) html_printf(b, "<p class=\"note\">%s</p>\n", T(zL, "The definition is available in English only."));
    html_raw_UNSAFE(b, "<div class=\"definition\" lang=\"en\">\n");
    html_paragraphs(b, zDef);
    html_raw_UNSAFE(b, "</div>\n");
  }

  json_t *aChild = json_object_get(g, "children");
  if (level < 4 && json_is_array(aChild) && json_array_size(aChild) > 0) {
    html_printf(b, "<h2>%s</h2>\n", T(zL, azChildHeading[level]));
    render_group_list(b, aChild);
  }

  if (level == 4) {
    json_t *aOcc = json_object_get(g, "esco_occupations");
    size_t nOcc = json_is_array(aOcc) ? json_array_size(aOcc) : 0;
    html_printf(b, "<h2>%s (%zu)</h2>\n", T(zL, "ESCO occupations"), nOcc);
    if (nOcc == 0) {
      html_printf(b, "<p>%s</p>\n", T(zL, "No ESCO occupation is classified in this unit group."));
    } else {
      if (!str_eq(zL, "en")) html_printf(b, "<p class=\"note\">%s</p>\n", T(zL, "ESCO occupations are shown in English."));
      html_raw_UNSAFE(b, "<ul class=\"occupations\" lang=\"en\">\n");
      for (size_t i = 0; i < nOcc; i++) {
        json_t *o = json_array_get(aOcc, i);
        long long id = jint(o, "id", -1);
        const char *zOcc = jstr(o, "title");
        if (id < 0 || !zOcc) continue;
        html_printf(b, "<li><a href=\"/esco/occupation/%lld\">%s</a></li>\n", id, zOcc);
      }
      html_raw_UNSAFE(b, "</ul>\n");
    }
  }
  page_end(r);
  json_decref(g);
  return 0;
}

/* ---- GET /esco/occupation/{id} ---- */

static void render_skills(Request *r, const char *zHeading, json_t *aSkill) {
  Buf *b = &r->out;
  size_t n = json_is_array(aSkill) ? json_array_size(aSkill) : 0;
  html_printf(b, "<h2>%s (%zu)</h2>\n", zHeading, n);
  if (n == 0) {
    /* TRANSLATORS: no skill of this kind is listed for the occupation. */
    html_printf(b, "<p>%s</p>\n", T(r->zLang, "None listed."));
    return;
  }
  html_raw_UNSAFE(b, "<ul class=\"skills\" lang=\"en\">\n");
  for (size_t i = 0; i < n; i++) {
    json_t *s = json_array_get(aSkill, i);
    const char *zTitle = json_is_string(s) ? json_string_value(s) : jstr(s, "title");
    if (zTitle) html_printf(b, "<li>%s</li>\n", zTitle);
  }
  html_raw_UNSAFE(b, "</ul>\n");
}

/* The skills of relation zRel ("essential"/"optional") wherever isco.c puts
** them: {skills:{essential:[..]}}, {essential_skills:[..]} or {essential:[..]}. */
static json_t *skills_of(json_t *o, const char *zRel) {
  char zKey[32];
  json_t *pSkills = json_object_get(o, "skills");
  if (json_is_object(pSkills) && json_is_array(json_object_get(pSkills, zRel))) return json_object_get(pSkills, zRel);
  snprintf(zKey, sizeof(zKey), "%s_skills", zRel);
  if (json_is_array(json_object_get(o, zKey))) return json_object_get(o, zKey);
  return json_object_get(o, zRel);
}

int page_esco_occupation(Request *r) {
  const char *zL = r->zLang;
  Buf *b = &r->out;
  Err e = ERR_INIT;
  const char *zId = r->nParam > 0 ? r->azParam[0] : NULL;
  json_t *o;

  if (!all_digits(zId, 1, 18)) return req_fail(r, ERR_NOT_FOUND, "no ESCO occupation %s", zId ? zId : "");
  o = esco_occupation_get(r->store, zId, &e);
  if (!o) return req_fail_with(r, &e);

  const char *zTitle = jstr(o, "title");
  if (!zTitle) zTitle = "";
  /* The ISCO-08 group: {isco:{code,title}} or isco_code/isco_title. */
  json_t *pIsco = json_object_get(o, "isco");
  if (!json_is_object(pIsco)) pIsco = json_object_get(o, "isco_group");
  const char *zIsco = json_is_object(pIsco) ? jstr(pIsco, "code") : NULL;
  const char *zIscoTitle = json_is_object(pIsco) ? jstr(pIsco, "title") : NULL;
  if (!zIsco) zIsco = jstr(o, "isco_code");
  if (!zIscoTitle) zIscoTitle = jstr(o, "isco_title");
  if (zIsco && !all_digits(zIsco, 1, 4)) zIsco = NULL;
  /* The ESCO data has the group's English title; show it in the reader's language. */
  json_t *pGroup = NULL;
  if (zIsco && !str_eq(zL, "en")) {
    pGroup = isco_get(r->store, zIsco, zL, &e);
    if (pGroup && jstr(pGroup, "title")) zIscoTitle = jstr(pGroup, "title");
    err_clear(&e);
  }

  page_begin(r, zTitle);
  html_printf(b, "<nav class=\"breadcrumb\" aria-label=\"%s\">\n<ol>\n<li><a href=\"/isco\">%s</a></li>\n",
              T(zL, "Breadcrumb"), T(zL, "ISCO-08"));
  if (zIsco) {
    html_printf(b, "<li><a href=\"/isco/%s\"><span class=\"code\">%s</span> <span class=\"crumb-title\">%s</span></a></li>\n",
                zIsco, zIsco, zIscoTitle ? zIscoTitle : "");
  }
  html_printf(b, "<li aria-current=\"page\">ESCO</li>\n</ol>\n</nav>\n");
  html_printf(b, "<h1 lang=\"en\">%s</h1>\n", zTitle);
  html_printf(b, "<p class=\"meta\">%s · ESCO</p>\n", T(zL, "Occupation"));
  if (!str_eq(zL, "en")) html_printf(b, "<p class=\"note\">%s</p>\n", T(zL, "ESCO occupations are shown in English."));

  if (zIsco) {
    html_printf(b, "<p>%s <a href=\"/isco/%s\"><span class=\"code\">%s</span> %s</a></p>\n",
                T(zL, "ISCO-08 unit group:"), zIsco, zIsco, zIscoTitle ? zIscoTitle : "");
  }
  const char *zDesc = jstr(o, "description");
  if (zDesc && *zDesc) {
    html_printf(b, "<h2>%s</h2>\n<div class=\"definition\" lang=\"en\">\n", T(zL, "Description"));
    html_paragraphs(b, zDesc);
    html_raw_UNSAFE(b, "</div>\n");
  }
  /* Other titles: an array of strings (or one string of lines). */
  json_t *pAlt = json_object_get(o, "alt_labels");
  if (json_is_array(pAlt) && json_array_size(pAlt) > 0) {
    html_printf(b, "<h2>%s</h2>\n<ul class=\"alt-labels\" lang=\"en\">\n", T(zL, "Other titles"));
    for (size_t i = 0; i < json_array_size(pAlt); i++) {
      json_t *v = json_array_get(pAlt, i);
      if (json_is_string(v)) html_printf(b, "<li>%s</li>\n", json_string_value(v));
    }
    html_raw_UNSAFE(b, "</ul>\n");
  } else if (json_is_string(pAlt) && *json_string_value(pAlt)) {
    html_printf(b, "<h2>%s</h2>\n<div class=\"definition\" lang=\"en\">\n", T(zL, "Other titles"));
    html_paragraphs(b, json_string_value(pAlt));
    html_raw_UNSAFE(b, "</div>\n");
  }
  render_skills(r, T(zL, "Essential skills"), skills_of(o, "essential"));
  render_skills(r, T(zL, "Optional skills"), skills_of(o, "optional"));
  const char *zUri = jstr(o, "uri");
  if (zUri && str_startswith(zUri, "http://data.europa.eu/esco/")) {
    html_printf(b, "<p class=\"note\">%s <a href=\"%s\">%s</a></p>\n", T(zL, "ESCO identifier:"), zUri, zUri);
  }
  page_end(r);
  json_decref(pGroup);
  json_decref(o);
  return 0;
}

/* ---- /login, /logout, /account ---- */

/* A redirect target from a form or query: only a local path, starting with a
** single '/', no backslash or control character (so never "//host" or
** "/\host", which browsers treat as another site). */
static bool local_path(const char *z) {
  if (!z || z[0] != '/' || z[1] == '/' || z[1] == '\\' || strlen(z) > 512) return false;
  for (const unsigned char *p = (const unsigned char *)z; *p; p++)
    if (*p < 0x20 || *p == 0x7f || *p == '\\') return false;
  return true;
}

static void login_form(Request *r, const char *zUser, const char *zNext, const char *zError) {
  const char *zL = r->zLang;
  Buf *b = &r->out;
  const char *zCsrf = req_login_csrf(r);
  page_begin(r, T(zL, "Log in"));
  html_printf(b, "<h1>%s</h1>\n", T(zL, "Log in"));
  if (zError) html_printf(b, "<p class=\"error\" role=\"alert\">%s</p>\n", zError);
  html_printf(b,
              "<form class=\"login\" method=\"post\" action=\"/login\">\n"
              "<input type=\"hidden\" name=\"%s\" value=\"%s\">\n",
              HTTP_CSRF_FIELD, zCsrf);
  if (local_path(zNext)) html_printf(b, "<input type=\"hidden\" name=\"next\" value=\"%s\">\n", zNext);
  /* The cursor goes where the user has to type next. */
  bool bHaveUser = zUser && *zUser;
  html_printf(b,
              "<p><label for=\"username\">%s</label>\n"
              "<input id=\"username\" name=\"username\" value=\"%s\" maxlength=\"%d\" required "
              "autocomplete=\"username\" autocapitalize=\"none\" spellcheck=\"false\"",
              T(zL, "Username"), bHaveUser ? zUser : "", USERNAME_MAX);
  if (!bHaveUser) html_raw_UNSAFE(b, " autofocus");
  html_printf(b,
              "></p>\n<p><label for=\"password\">%s</label>\n"
              "<input id=\"password\" name=\"password\" type=\"password\" maxlength=\"1024\" required "
              "autocomplete=\"current-password\"",
              T(zL, "Password"));
  if (bHaveUser) html_raw_UNSAFE(b, " autofocus");
  html_printf(b, "></p>\n<p><button type=\"submit\">%s</button></p>\n</form>\n", T(zL, "Log in"));
  html_printf(b, "<p class=\"note\">%s <a href=\"/isco\">%s</a></p>\n",
              T(zL, "Public information needs no account."), T(zL, "Browse the occupations."));
  page_end(r);
}

int page_login_form(Request *r) {
  const char *zL = r->zLang;
  if (r->who.accountId != 0) {
    page_begin(r, T(zL, "Log in"));
    html_printf(&r->out, "<h1>%s</h1>\n<p>%s <strong>%s</strong>. <a href=\"/account\">%s</a></p>\n", T(zL, "Log in"),
                T(zL, "You are logged in as"), r->who.zUsername, T(zL, "Your account"));
    page_end(r);
    return 0;
  }
  login_form(r, NULL, req_query(r, "next"), NULL);
  return 0;
}

int page_login_post(Request *r) {
  const char *zL = r->zLang;
  const char *zUser = req_form(r, "username");
  const char *zPassword = req_form(r, "password");
  const char *zNext = req_form(r, "next");

  if (!zUser || !*zUser || !zPassword || !*zPassword) {
    r->status = 400;
    login_form(r, zUser, zNext, T(zL, "Enter your username and your password."));
    return 0;
  }
  /* req_login applies the rate limits, replaces any older session and sets the
  ** session cookie. */
  if (req_login(r, zUser, zPassword)) {
    ErrCode code = r->err.code;
    if (code == ERR_RATE_LIMIT) {
      err_clear(&r->err);
      r->status = 429;
      resp_header(r, "Retry-After", "900");
      login_form(r, zUser, zNext, T(zL, "Too many failed attempts. Wait 15 minutes, then try again."));
      return 0;
    }
    if (code == ERR_UNAUTH || code == ERR_INVALID) {
      err_clear(&r->err);
      r->status = 401;
      login_form(r, zUser, zNext, T(zL, "Wrong username or password."));
      return 0;
    }
    return -1;
  }
  resp_redirect(r, local_path(zNext) ? zNext : "/account");
  return 0;
}

int page_logout(Request *r) {
  if (req_logout(r)) return -1;
  resp_redirect(r, "/");
  return 0;
}

int page_account(Request *r) {
  const char *zL = r->zLang;
  Buf *b = &r->out;
  if (r->who.accountId == 0) {
    resp_redirect(r, "/login?next=/account");
    return 0;
  }
  Role role = r->who.role < ROLE__COUNT ? r->who.role : ROLE_PUBLIC;
  page_begin(r, T(zL, "Your account"));
  html_printf(b, "<h1>%s</h1>\n<dl class=\"account\">\n", T(zL, "Your account"));
  html_printf(b, "<dt>%s</dt><dd>%s</dd>\n", T(zL, "Username"), r->who.zUsername);
  html_printf(b, "<dt>%s</dt><dd>%s</dd>\n</dl>\n", T(zL, "Role"), T(zL, azRoleLabel[role]));
  if (r->zCsrf) {
    html_printf(b,
                "<form method=\"post\" action=\"/logout\">\n<input type=\"hidden\" name=\"%s\" value=\"%s\">\n"
                "<button type=\"submit\">%s</button>\n</form>\n",
                HTTP_CSRF_FIELD, r->zCsrf, T(zL, "Log out"));
  }
  page_end(r);
  return 0;
}

/* ---- GET /static/style.css ---- */

int page_style_css(Request *r) {
  const EmbeddedFile *f = embedded_find("style.css");
  if (!f) return req_fail(r, ERR_NOT_FOUND, "no style sheet in this build");
  /* No version in the URL, so cache for an hour only: an upgrade shows soon. */
  resp_header(r, "Cache-Control", "public, max-age=3600");
  resp_bytes(r, 200, "text/css; charset=utf-8", f->pData, f->nData);
  return 0;
}
