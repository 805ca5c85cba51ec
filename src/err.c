/*
** err.c: error messages and the single mapping table from code to HTTP, problem
** type and exit code.
*/
#include "err.h"
#include "i18n.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
  ErrCode code;
  int status;
  int exitCode;
  const char *zSlug;
  const char *zTitle;   /* English; translated where shown to people */
} aErrMap[] = {
  {ERR_OK, 200, 0, "ok", N_("OK")},
  {ERR_USAGE, 400, 2, "usage", N_("Usage error")},
  {ERR_INVALID, 400, 1, "invalid", N_("Invalid input")},
  {ERR_NOT_FOUND, 404, 1, "not-found", N_("Not found")},
  {ERR_UNAUTH, 401, 1, "unauthorized", N_("Authentication required")},
  {ERR_FORBIDDEN, 403, 1, "forbidden", N_("Forbidden")},
  {ERR_CONFLICT, 409, 1, "conflict", N_("Conflict")},
  {ERR_TOO_LARGE, 413, 1, "too-large", N_("Content too large")},
  {ERR_RATE_LIMIT, 429, 1, "rate-limited", N_("Too many requests")},
  {ERR_METHOD, 405, 1, "method-not-allowed", N_("Method not allowed")},
  {ERR_NO_DB, 503, 1, "no-database", N_("Database not initialised")},
  {ERR_DB, 500, 1, "database", N_("Database error")},
  {ERR_IO, 500, 1, "io", N_("Input/output error")},
  {ERR_INTERNAL, 500, 1, "internal", N_("Internal error")},
};

_Static_assert(sizeof(aErrMap) / sizeof(aErrMap[0]) == ERR__COUNT, "every ErrCode is mapped");

static int idx(ErrCode c) { return (c >= 0 && c < ERR__COUNT) ? (int)c : ERR_INTERNAL; }

int err_http_status(ErrCode c) { return aErrMap[idx(c)].status; }
int err_exit_code(ErrCode c) { return aErrMap[idx(c)].exitCode; }
const char *err_slug(ErrCode c) { return aErrMap[idx(c)].zSlug; }
const char *err_title(ErrCode c) { return aErrMap[idx(c)].zTitle; }

static char *vfmt(const char *fmt, va_list ap) {
  Buf b;
  buf_init(&b, BUF_UNBOUNDED);
  buf_vprintf(&b, fmt, ap);
  return buf_detach(&b);
}

int err_set(Err *e, ErrCode code, const char *fmt, ...) {
  va_list ap;
  err_clear(e);
  e->code = code;
  va_start(ap, fmt);
  e->zMsg = vfmt(fmt, ap);
  va_end(ap);
  return -1;
}

#define ERR_SETTER(NAME, FIELD)                   \
  void NAME(Err *e, const char *fmt, ...) {       \
    va_list ap;                                   \
    free(e->FIELD);                               \
    va_start(ap, fmt);                            \
    e->FIELD = vfmt(fmt, ap);                     \
    va_end(ap);                                   \
  }
ERR_SETTER(err_detail, zDetail)
ERR_SETTER(err_hint, zHint)
ERR_SETTER(err_where, zWhere)

void err_clear(Err *e) {
  free(e->zMsg);
  free(e->zDetail);
  free(e->zHint);
  free(e->zWhere);
  e->code = ERR_OK;
  e->zMsg = e->zDetail = e->zHint = e->zWhere = NULL;
}

void err_print(const Err *e) {
  fprintf(stderr, "lmis: %s", e->zMsg ? e->zMsg : err_title(e->code));
  /* Input errors usually name file:line in the message already. */
  if (e->zWhere && (!e->zMsg || !strstr(e->zMsg, e->zWhere))) fprintf(stderr, " (at %s)", e->zWhere);
  if (e->zDetail) fprintf(stderr, ": %s", e->zDetail);
  fputc('\n', stderr);
  if (e->zHint) fprintf(stderr, "hint: %s\n", e->zHint);
}
