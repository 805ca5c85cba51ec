/*
** html.c: escaped HTML output and the site layout (header, navigation, language
** switcher, footer) shared by every page.
**
** Everything that reaches a page from data or input goes through html_escape,
** directly or as a %s of html_printf. The only unescaped writer is
** html_raw_UNSAFE; use it for markup lmis builds itself, never for data.
*/
#include "html.h"
#include "policy.h"

#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "i18n.h"

/* ---- escaping ---- */

void html_escape(Buf *b, const char *z) {
  const char *zRun;
  if (!z) return;
  zRun = z;
  for (; *z; z++) {
    const char *zEntity;
    switch (*z) {
      case '&': zEntity = "&amp;"; break;
      case '<': zEntity = "&lt;"; break;
      case '>': zEntity = "&gt;"; break;
      case '"': zEntity = "&quot;"; break;
      case '\'': zEntity = "&#39;"; break;
      default: continue;
    }
    if (z > zRun) buf_append(b, zRun, (size_t)(z - zRun));
    buf_puts(b, zEntity);
    zRun = z + 1;
  }
  if (z > zRun) buf_append(b, zRun, (size_t)(z - zRun));
}

void html_raw_UNSAFE(Buf *b, const char *z) {
  if (z) buf_puts(b, z);
}

void html_urlencode(Buf *b, const char *z) {
  static const char zHex[] = "0123456789ABCDEF";
  if (!z) return;
  for (; *z; z++) {
    unsigned char c = (unsigned char)*z;
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      buf_putc(b, (char)c);
    } else {
      char a[3] = {'%', zHex[c >> 4], zHex[c & 15]};
      buf_append(b, a, 3);
    }
  }
}

/*
** The format is parsed here rather than handed to vsnprintf so that every %s
** can be escaped. A conversion outside the documented set stops the output
** with a visible marker: consuming arguments we cannot type would be undefined
** behaviour, and the marker makes the bug obvious in tests.
*/
void html_printf(Buf *b, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  while (*fmt) {
    const char *zPct = strchr(fmt, '%');
    if (!zPct) {
      buf_puts(b, fmt);
      break;
    }
    if (zPct > fmt) buf_append(b, fmt, (size_t)(zPct - fmt));
    const char *zSpec = zPct + 1;
    int prec = -1;
    int nLong = 0;       /* 1: l, 2: ll */
    bool bSize = false;  /* z */
    if (*zSpec == '.') {
      zSpec++;
      prec = 0;
      while (*zSpec >= '0' && *zSpec <= '9' && prec < 100) prec = prec * 10 + (*zSpec++ - '0');
      if (*zSpec != 'f' || prec > 40) goto bad_format;
    }
    if (*zSpec == 'l') {
      nLong = 1;
      zSpec++;
      if (*zSpec == 'l') {
        nLong = 2;
        zSpec++;
      }
    } else if (*zSpec == 'z') {
      bSize = true;
      zSpec++;
    }
    switch (*zSpec) {
      case '%':
        if (nLong || bSize) goto bad_format;
        buf_putc(b, '%');
        break;
      case 's': {
        if (nLong || bSize) goto bad_format;
        html_escape(b, va_arg(ap, const char *));
        break;
      }
      case 'c': {
        char z[2] = {0, 0};
        if (nLong || bSize) goto bad_format;
        z[0] = (char)va_arg(ap, int);
        html_escape(b, z);
        break;
      }
      case 'd':
      case 'i':
        if (bSize) buf_printf(b, "%zd", va_arg(ap, ssize_t));
        else if (nLong == 2) buf_printf(b, "%lld", va_arg(ap, long long));
        else if (nLong == 1) buf_printf(b, "%ld", va_arg(ap, long));
        else buf_printf(b, "%d", va_arg(ap, int));
        break;
      case 'u':
      case 'x': {
        bool bHex = *zSpec == 'x';
        if (bSize) buf_printf(b, bHex ? "%zx" : "%zu", va_arg(ap, size_t));
        else if (nLong == 2) buf_printf(b, bHex ? "%llx" : "%llu", va_arg(ap, unsigned long long));
        else if (nLong == 1) buf_printf(b, bHex ? "%lx" : "%lu", va_arg(ap, unsigned long));
        else buf_printf(b, bHex ? "%x" : "%u", va_arg(ap, unsigned));
        break;
      }
      case 'f':
        if (nLong || bSize) goto bad_format;
        buf_printf(b, "%.*f", prec < 0 ? 6 : prec, va_arg(ap, double));
        break;
      default:
        goto bad_format;
    }
    fmt = zSpec + 1;
  }
  va_end(ap);
  return;

bad_format:
  buf_puts(b, "[html_printf: unsupported conversion]");
  va_end(ap);
}

/* ---- layout ---- */

/* Write zPath as a safe same-site href: it must start with exactly one '/'
** (otherwise "/" is used, so "//host" can never become a link to another site);
** characters outside the path set are percent-encoded, and the result is also
** attribute-safe. */
static void href_path(Buf *b, const char *zPath) {
  static const char zHex[] = "0123456789ABCDEF";
  if (!zPath || zPath[0] != '/' || zPath[1] == '/' || zPath[1] == '\\') zPath = "/";
  for (const char *z = zPath; *z; z++) {
    unsigned char c = (unsigned char)*z;
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr("-._~/:@!$*+,;=", c)) {
      buf_putc(b, (char)c);
    } else {
      char a[3] = {'%', zHex[c >> 4], zHex[c & 15]};
      buf_append(b, a, 3);
    }
  }
}

static bool path_in(const char *zPath, const char *zPrefix) {
  size_t n = strlen(zPrefix);
  return zPath && strncmp(zPath, zPrefix, n) == 0 && (zPath[n] == 0 || zPath[n] == '/');
}

static void nav_item(Buf *b, const char *zHref, const char *zLabel, bool bCurrent) {
  html_printf(b, "<li><a href=\"%s\"", zHref);
  if (bCurrent) html_raw_UNSAFE(b, " aria-current=\"page\"");
  html_printf(b, ">%s</a></li>\n", zLabel);
}

/* Query parameters a language switch keeps, so that switching language on a
** search result page shows the same results. */
static const char *const azKeepParam[] = {"q", "next"};

void page_begin(Request *r, const char *zTitle) {
  Buf *b = &r->out;
  const char *zLang = r->zLang ? r->zLang : "en";
  const char *zPath = r->zPath ? r->zPath : "/";
  const char *zQueryLang = req_query(r, "lang");
  const char *const *azCode, *const *azName;
  int nLang = i18n_languages(&azCode, &azName);

  r->zContentType = "text/html; charset=utf-8";
  /* ?lang=xx chose the language of this page; remember it for the next ones. */
  if (zQueryLang && i18n_supported(zQueryLang) && !str_eq(req_cookie(r, HTTP_LANG_COOKIE), zQueryLang)) {
    resp_cookie(r, HTTP_LANG_COOKIE, zQueryLang, 365L * 24 * 3600);
  }

  html_printf(b,
              "<!doctype html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
              "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
              "<title>%s · lmis</title>\n"
              "<link rel=\"stylesheet\" href=\"/static/style.css\">\n</head>\n<body>\n"
              "<a class=\"skip\" href=\"#main\">%s</a>\n"
              "<header class=\"site\">\n<div class=\"wrap\">\n"
              "<a class=\"brand\" href=\"/\">lmis</a>\n",
              zLang, zTitle ? zTitle : "", T(zLang, "Skip to content"));

  /* The language switcher comes first, beside the name on a phone; the links
  ** keep the path and the search. */
  html_printf(b, "<nav class=\"lang\" aria-label=\"%s\">\n<ul>\n", T(zLang, "Language"));
  for (int i = 0; i < nLang; i++) {
    html_raw_UNSAFE(b, "<li><a href=\"");
    href_path(b, zPath);
    html_printf(b, "?lang=%s", azCode[i]);
    for (size_t k = 0; k < COUNT(azKeepParam); k++) {
      const char *zV = req_query(r, azKeepParam[k]);
      if (!zV || !zV[0]) continue;
      html_printf(b, "&amp;%s=", azKeepParam[k]);
      html_urlencode(b, zV);
    }
    html_printf(b, "\" hreflang=\"%s\" lang=\"%s\"", azCode[i], azCode[i]);
    if (str_eq(azCode[i], zLang)) html_raw_UNSAFE(b, " aria-current=\"true\"");
    html_printf(b, ">%s</a></li>\n", azName[i]);
  }
  html_raw_UNSAFE(b, "</ul>\n</nav>\n");
  html_printf(b, "<p class=\"tagline\">%s</p>\n", T(zLang, "Labour migration information system"));

  html_printf(b, "<nav class=\"main-nav\" aria-label=\"%s\">\n<ul>\n", T(zLang, "Main navigation"));
  nav_item(b, "/", T(zLang, "Home"), str_eq(zPath, "/"));
  nav_item(b, "/isco", T(zLang, "Occupations (ISCO-08/ESCO)"), path_in(zPath, "/isco") || path_in(zPath, "/esco"));
  nav_item(b, "/agreements", T(zLang, "Agreements"),
           path_in(zPath, "/agreements") || path_in(zPath, "/corridor") || path_in(zPath, "/ratifications"));
  nav_item(b, "/practices", T(zLang, "Good practices"), path_in(zPath, "/practices"));
  nav_item(b, "/socsec", T(zLang, "Pension calculator"), path_in(zPath, "/socsec"));
  nav_item(b, "/agencies/check", T(zLang, "Recruitment agencies"), path_in(zPath, "/agencies") || path_in(zPath, "/costs"));
  nav_item(b, "/complaint", T(zLang, "Complaints"), path_in(zPath, "/complaint"));
  if (policy_allows("seeker.self", r->who.role)) nav_item(b, "/jobs/me", T(zLang, "Jobs for me"), path_in(zPath, "/jobs"));
  if (policy_allows("vacancy.manage", r->who.role))
    nav_item(b, "/vacancies", T(zLang, "Vacancies"), path_in(zPath, "/vacancies") || path_in(zPath, "/seekers"));
  /* Links only to what the policy lets this role open. */
  if (policy_allows("case.queue", r->who.role)) nav_item(b, "/cases", T(zLang, "Cases"), path_in(zPath, "/cases"));
  if (policy_allows("audit.read", r->who.role))
    nav_item(b, "/admin/audit", T(zLang, "Audit log"), path_in(zPath, "/admin/audit"));
  if (policy_allows("notify.manage", r->who.role))
    nav_item(b, "/admin/notifications", T(zLang, "Notifications"), path_in(zPath, "/admin/notifications"));
  if (r->who.accountId != 0) {
    html_raw_UNSAFE(b, "<li><a href=\"/account\"");
    if (path_in(zPath, "/account")) html_raw_UNSAFE(b, " aria-current=\"page\"");
    html_printf(b, ">%s <span class=\"user\">%s</span></a></li>\n", T(zLang, "Account:"), r->who.zUsername);
  } else {
    nav_item(b, "/login", T(zLang, "Log in"), path_in(zPath, "/login"));
  }
  html_raw_UNSAFE(b, "</ul>\n</nav>\n</div>\n</header>\n<main id=\"main\" class=\"wrap\">\n");
}

void page_end(Request *r) {
  const char *zLang = r->zLang ? r->zLang : "en";
  html_printf(&r->out,
              "</main>\n<footer class=\"site\">\n<div class=\"wrap\">\n"
              "<p>%s</p>\n<p>%s</p>\n</div>\n</footer>\n</body>\n</html>\n",
              T(zLang, "This service uses the ESCO classification of the European Commission."),
              T(zLang, "ISCO-08 © International Labour Organization"));
  r->zContentType = "text/html; charset=utf-8";
  if (r->status == 0) r->status = 200;
}
