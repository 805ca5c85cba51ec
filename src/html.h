/*
** html.h: HTML output, escaped by default (cgit's html_txt/html_attr). html_printf
** escapes every %s argument; the only raw writer is html_raw_UNSAFE, whose name
** must be asked for. Pages are built in a Buf and wrapped in the site layout.
*/
#ifndef LMIS_HTML_H
#define LMIS_HTML_H

#include "http.h"
#include "util.h"

/* printf into b; every %s argument is HTML-escaped (safe in text and in quoted
** attributes). Supports %s %d %i %u %ld %lld %lu %llu %zu %x %.Nf %%. */
void html_printf(Buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void html_escape(Buf *b, const char *z);
/* Append z to b without escaping. Only for markup built by lmis itself. */
void html_raw_UNSAFE(Buf *b, const char *z);
/* Percent-encode z for use inside a URL query or path segment. */
void html_urlencode(Buf *b, const char *z);

/* Start a page in r->out: doctype, head, header with navigation and language
** switcher. zTitle is translated by the caller. */
void page_begin(Request *r, const char *zTitle);
/* Close the page with the footer and set the content type. */
void page_end(Request *r);

#endif
