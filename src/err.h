/*
** err.h: the one error type of lmis.
**
** Every failure is an ErrCode plus a message in three parts (PostgreSQL style):
** primary (short, factual), detail (what exactly), hint (what to do). One table in
** err.c maps each code to an HTTP status, an RFC 9457 problem type and a CLI exit code.
**
** Ownership: an Err owns its strings; err_clear frees them. err_set* replace any
** earlier message. Functions that can fail take an Err* and return 0 or -1.
*/
#ifndef LMIS_ERR_H
#define LMIS_ERR_H

typedef enum ErrCode {
  ERR_OK = 0,
  ERR_USAGE,        /* bad command-line arguments */
  ERR_INVALID,      /* malformed input: request, file, field */
  ERR_NOT_FOUND,    /* no such thing */
  ERR_UNAUTH,       /* not logged in, or bad credentials */
  ERR_FORBIDDEN,    /* logged in, but the role may not */
  ERR_CONFLICT,     /* already exists, or state does not allow it */
  ERR_TOO_LARGE,    /* body or field over its limit */
  ERR_RATE_LIMIT,   /* too many attempts */
  ERR_METHOD,       /* HTTP method not allowed on this route */
  ERR_NO_DB,        /* database missing: run lmis init */
  ERR_DB,           /* the store failed */
  ERR_IO,           /* a file could not be read or written */
  ERR_INTERNAL,     /* a bug */
  ERR__COUNT
} ErrCode;

typedef struct Err {
  ErrCode code;
  char *zMsg;     /* primary */
  char *zDetail;  /* may be NULL */
  char *zHint;    /* may be NULL */
  char *zWhere;   /* JSON pointer, parameter or file:line:field; may be NULL */
} Err;

#define ERR_INIT {ERR_OK, 0, 0, 0, 0}

/* Set code and primary message (printf-style). Returns -1 so callers can
** `return err_set(...)`. */
int err_set(Err *e, ErrCode code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void err_detail(Err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void err_hint(Err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void err_where(Err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void err_clear(Err *e);

int err_http_status(ErrCode code);
int err_exit_code(ErrCode code);
/* Short stable slug used in the problem type URI, e.g. "not-found". */
const char *err_slug(ErrCode code);
/* Default English title of the problem type, e.g. "Not found". */
const char *err_title(ErrCode code);

/* Print "lmis: <msg>: <detail>" and "hint: ..." to stderr. */
void err_print(const Err *e);

#endif
