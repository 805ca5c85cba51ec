/*
** http.h: the web server (libmicrohttpd, thread pool + epoll) and the request
** context every route handler gets.
**
** A handler is `int fn(Request *r)`: it fills the response with resp_* and returns
** 0, or sets r->err and returns -1; the dispatcher then renders the error as RFC
** 9457 problem JSON (API routes) or an HTML error page (pages), with the status
** from err.c. Handlers never see the raw connection.
**
** Ownership: everything reachable from a Request (strings, the principal, the
** store connection) lives until the response is sent; allocate per-request data
** in r->arena. json_t values passed to resp_json are consumed.
*/
#ifndef LMIS_HTTP_H
#define LMIS_HTTP_H

#include <pthread.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "err.h"
#include "policy.h"
#include "store.h"
#include "util.h"

typedef struct Server Server;
typedef struct Request Request;

typedef struct ServerConfig {
  const char *zDb;
  const char *zBind;         /* default 127.0.0.1 */
  int port;                  /* 0 = ephemeral; the bound port is printed */
  int nThreads;              /* MHD thread pool size */
  size_t nMaxBody;           /* bytes, default 1 MiB */
  size_t nMaxHeader;         /* per-connection memory for headers, default 32 KiB */
  unsigned timeoutSec;       /* idle connection timeout, default 30 */
  unsigned nMaxConn;         /* total connections, default 256 */
  unsigned nMaxPerIp;        /* per address, default 32 */
  bool bSecureCookies;       /* set Secure on cookies (behind TLS) */
  const char *zAccessLog;    /* file, "-" for stderr, NULL for none */
} ServerConfig;

void server_config_default(ServerConfig *cfg);
/* Start, print "listening on http://ADDR:PORT/" to stdout, block until SIGTERM or
** SIGINT, then stop gracefully (in-flight requests finish). */
int server_run(const ServerConfig *cfg, Err *e);

typedef int (*RouteFn)(Request *r);

enum {
  ROUTE_API = 1,      /* JSON; errors as problem JSON */
  ROUTE_PAGE = 2,     /* HTML; errors as an HTML page */
  ROUTE_WRITE = 4,    /* changes state: needs CSRF token for cookie sessions */
  ROUTE_PUBLIC_POST = 8, /* POST allowed without a session (login): uses the pre-session CSRF cookie */
  ROUTE_JSON_BODY = 16,  /* body must be Content-Type application/json (400 otherwise). With
                         ** ROUTE_PUBLIC_POST that requirement replaces the pre-session cookie:
                         ** browsers cannot send it cross-site without a CORS preflight. */
};

/* Cookie, form field and header names shared by the dispatcher and the pages. */
#define HTTP_SESSION_COOKIE "lmis_session"   /* browser session token */
#define HTTP_LOGIN_CSRF_COOKIE "lmis_csrf"   /* pre-session double-submit token (login form) */
#define HTTP_LANG_COOKIE "lmis_lang"         /* chosen language, set by ?lang= */
#define HTTP_CSRF_FIELD "csrf"               /* form field carrying the CSRF token */
#define HTTP_CSRF_HEADER "X-CSRF-Token"      /* or this header (scripts, API clients) */

typedef struct Route {
  const char *zMethod;       /* "GET", "POST", ... */
  const char *zPattern;      /* "/api/v1/isco/{code}" */
  RouteFn xHandler;
  const char *zAction;       /* policy action checked by the dispatcher */
  unsigned flags;
  const char *zSummary;      /* for the OpenAPI document and docs */
} Route;

const Route *routes_table(int *pn);    /* routes.c */
/* Find the route for method+path; fills path parameters. Returns NULL with
** *pbPathKnown set when the path exists under another method (405).
** azParam (room for 4) receives pointers INTO zPath, one per {name} in the pattern,
** each at the start of its path segment; the segment runs to the next '/' or to
** the end of zPath (copy it with strcspn(azParam[i], "/")). Requests get copies. */
const Route *routes_match(const char *zMethod, const char *zPath, const char **azParam, int *pnParam,
                          bool *pbPathKnown);
/* The methods that zPath accepts, comma-separated ("GET, HEAD"), for the Allow
** header of a 405; "" when no route has this path. Writes at most nOut bytes. */
void routes_allowed(const char *zPath, char *zOut, size_t nOut);

struct Request {
  Server *srv;
  Arena *arena;
  Store *store;             /* a pooled connection for this request */
  const char *zMethod;
  const char *zPath;        /* path without the query string */
  const char *zAddr;        /* client address */
  const char *zLang;        /* "en", "fr" or "es" (negotiated) */
  const Route *route;
  const char *azParam[4];   /* values of {..} in the pattern, in order */
  int nParam;
  const char *zBody;        /* request body, NUL-terminated */
  size_t nBody;
  Principal who;            /* public unless a session or token says otherwise */
  const char *zCsrf;        /* the session's CSRF token (NULL without a session) */
  bool bSecureCookies;
  Err err;
  /* response being built */
  int status;
  Buf out;
  const char *zContentType;
  void *pHeaders;           /* private */
  void *pConn;              /* private */
  void *pForm;              /* private: parsed form */
  const char *zQuery;       /* raw query string after '?', or NULL */
  void *pQuery;             /* private: parsed query */
  void *pJson;              /* private: parsed JSON body (req_json) */
  void *pPriv;              /* private: server-side per-request state */
};

/* A Request made by hand (unit tests, fuzzers) must be zeroed, get an arena, and
** be released with req_release before arena_free. The server does this itself. */
void req_release(Request *r);

const char *req_query(Request *r, const char *zName);   /* decoded query parameter or NULL */
const char *req_header(Request *r, const char *zName);
const char *req_cookie(Request *r, const char *zName);
/* Field of an application/x-www-form-urlencoded body (decoded) or NULL. */
const char *req_form(Request *r, const char *zName);
/* Parse the body as a JSON object; NULL with r->err set (400, JSON pointer) on failure.
** The result is owned by the request. Nesting deeper than 32 levels is refused. */
json_t *req_json(Request *r);
/* Integer query parameter in [lo, hi]; iDefault when absent. -1 with r->err set
** (400, Err.zWhere = the parameter name) when it is not such an integer. */
int req_query_int(Request *r, const char *zName, long long lo, long long hi, long long iDefault,
                  long long *pOut);

/* The pre-session CSRF token a login form must carry in its HTTP_CSRF_FIELD: the
** HTTP_LOGIN_CSRF_COOKIE cookie's value, or a new token that this response sets as
** that cookie. Arena-owned. The dispatcher checks it on ROUTE_PUBLIC_POST routes. */
const char *req_login_csrf(Request *r);
/* Log in with a username and password (auth_login with this request's address,
** so rate limits apply) and set the session cookie. On success r->who and r->zCsrf
** describe the new session. 0, or -1 with r->err set (401, 429, ...). */
int req_login(Request *r, const char *zUser, const char *zPassword);
/* End this request's cookie session (if any) and delete the cookie. 0 or -1. */
int req_logout(Request *r);

void resp_header(Request *r, const char *zName, const char *zValue);
/* Set a cookie with HttpOnly, SameSite=Strict, Path=/ (+ Secure when configured).
** nMaxAge < 0 deletes it; 0 makes a cookie that ends with the browser session. */
void resp_cookie(Request *r, const char *zName, const char *zValue, long nMaxAge);
void resp_json(Request *r, int status, json_t *j);
/* A response of n bytes copied from p with the given content type. */
void resp_bytes(Request *r, int status, const char *zContentType, const void *p, size_t n);
/* 303 See Other. Only local paths ("/...", not "//...") are followed; anything else
** redirects to "/", so a user-supplied "next" cannot send users off-site. */
void resp_redirect(Request *r, const char *zLocation);
/* Move *e (from a query function) into r->err, leaving *e cleared; returns -1. */
int req_fail_with(Request *r, Err *e);
/* Set r->err and return -1, for `return req_fail(r, ERR_NOT_FOUND, "...")`. */
int req_fail(Request *r, ErrCode code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Parse application/x-www-form-urlencoded text into arena-allocated pairs. Returns
** the number of pairs (*paField set), or -1 when malformed (bad %-escape, invalid
** UTF-8, more than 256 fields). Exposed for tests and fuzzing. */
typedef struct FormField {
  const char *zName;
  const char *zValue;
} FormField;
int form_parse(Arena *a, const char *z, size_t n, FormField **paField);

/* Objects a module keeps across requests, in the server (explicit context, no
** globals): one slot per kind, each with its own mutex. The module builds the
** object, records in zKey what it was built from, and sets xFree; the server
** frees it when it stops. Requests made by hand (tests) have no server: NULL. */
enum { SERVER_CACHE_MATCH = 0, SERVER_CACHE__COUNT };
typedef struct ServerCache {
  pthread_mutex_t mu;
  void *p;
  char zKey[64];
  void (*xFree)(void *);
} ServerCache;
ServerCache *req_cache(Request *r, int iSlot);

/* Translate a message for this request's language. */
const char *req_t(Request *r, const char *zMsgid);

/* Serialize a problem document for an Err (used by the dispatcher and tests).
** Caller owns the result. */
json_t *problem_json(const Err *e, int status, const char *zInstance);

/* Load libmicrohttpd (once; see http.c): 0, or -1 saying which package is missing. */
int http_lib_load(Err *e);
/* libmicrohttpd's version, or "not installed" (static string). */
const char *http_lib_version(void);

#endif
