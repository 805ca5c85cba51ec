/*
** http.c: the web server (libmicrohttpd) and the one request dispatcher.
**
** libmicrohttpd runs a pool of threads, each with its own epoll loop (poll where
** epoll is missing). A request goes through these steps, once, for every route:
**
**   1. MHD hands us the raw request target (uri_log); we allocate the request,
**      its arena, and remember the time and the client address.
**   2. The body arrives in pieces and is kept up to cfg.nMaxBody bytes; a larger
**      declared Content-Length is answered with 413 before the body is read.
**   3. dispatch(): decode and check the path and query, match the route (404,
**      405 + Allow), take a database connection from the pool, negotiate the
**      language, resolve the principal (bearer token or session cookie), check
**      the policy action of the route, the content type and the CSRF token,
**      then call the handler. A handler failure (-1 with r->err) is rendered as
**      problem JSON (API) or an HTML page (pages), with the status from err.c.
**   4. The response goes out with the security headers; when it is done
**      (request_completed) the access log gets a line and everything the
**      request owned is freed in one go.
**
** There is no global mutable state: the Server struct (on server_run's stack) is
** the context passed to every callback, and each request has its own memory.
*/
#include "http.h"
#include "auth.h"
#include "html.h"
#include "i18n.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

/* libmicrohttpd is loaded by the commands that serve (and `lmis version`), not
** linked: with GnuTLS and its dependencies it added about 2 ms to the start of
** every other command. The table is filled once (pthread_once), then only read. */
typedef struct MhdApi {
  __typeof__(MHD_lookup_connection_value) *lookup_connection_value;
  __typeof__(MHD_add_response_header) *add_response_header;
  __typeof__(MHD_create_response_from_buffer) *create_response_from_buffer;
  __typeof__(MHD_queue_response) *queue_response;
  __typeof__(MHD_destroy_response) *destroy_response;
  __typeof__(MHD_get_connection_info) *get_connection_info;
  __typeof__(MHD_start_daemon) *start_daemon;
  __typeof__(MHD_is_feature_supported) *is_feature_supported;
  __typeof__(MHD_get_daemon_info) *get_daemon_info;
  __typeof__(MHD_stop_daemon) *stop_daemon;
  __typeof__(MHD_get_version) *get_version;
} MhdApi;

static MhdApi gMhd;
static bool gMhdLoaded;
static pthread_once_t gMhdOnce = PTHREAD_ONCE_INIT;

static void mhd_load(void) {
  static const char *const azLib[] = {"libmicrohttpd.so.12", "libmicrohttpd.so"};
  const DlSym aSym[] = {
    {"MHD_lookup_connection_value", (void **)&gMhd.lookup_connection_value},
    {"MHD_add_response_header", (void **)&gMhd.add_response_header},
    {"MHD_create_response_from_buffer", (void **)&gMhd.create_response_from_buffer},
    {"MHD_queue_response", (void **)&gMhd.queue_response},
    {"MHD_destroy_response", (void **)&gMhd.destroy_response},
    {"MHD_get_connection_info", (void **)&gMhd.get_connection_info},
    {"MHD_start_daemon", (void **)&gMhd.start_daemon},
    {"MHD_is_feature_supported", (void **)&gMhd.is_feature_supported},
    {"MHD_get_daemon_info", (void **)&gMhd.get_daemon_info},
    {"MHD_stop_daemon", (void **)&gMhd.stop_daemon},
    {"MHD_get_version", (void **)&gMhd.get_version},
  };
  gMhdLoaded = dl_load(azLib, COUNT(azLib), aSym, COUNT(aSym));
}

int http_lib_load(Err *e) {
  pthread_once(&gMhdOnce, mhd_load);
  if (gMhdLoaded) return 0;
  err_set(e, ERR_INTERNAL, "cannot load libmicrohttpd, which serves the web application");
  err_hint(e, "install the Debian package libmicrohttpd12");
  return -1;
}

const char *http_lib_version(void) {
  pthread_once(&gMhdOnce, mhd_load);
  return gMhdLoaded ? gMhd.get_version() : "not installed";
}

#define FORM_MAX_FIELDS 256
#define JSON_MAX_DEPTH 32
#define OUT_MAX ((size_t)16 << 20)     /* largest response body we build */
#define DISCARD_MAX_FACTOR 4           /* oversized chunked bodies: read this much more, then close */

struct Server {
  ServerConfig cfg;
  struct MHD_Daemon *pDaemon;
  StorePool *pool;
  FILE *pLog;          /* access log or NULL */
  bool bOwnLog;
  ServerCache aCache[SERVER_CACHE__COUNT];
};

ServerCache *req_cache(Request *r, int iSlot) {
  if (!r->srv || iSlot < 0 || iSlot >= SERVER_CACHE__COUNT) return NULL;
  return &r->srv->aCache[iSlot];
}

/* Parsed name=value pairs of a query string or a form body. */
typedef struct Fields {
  FormField *a;
  int n;
  bool bBad;           /* malformed: every lookup finds nothing */
} Fields;

/* A response header added by a handler (arena-allocated list). */
typedef struct Hdr {
  struct Hdr *pNext;
  const char *zName;
  const char *zValue;
} Hdr;

/* Server-side state of one request; Request is first so the two share an address. */
typedef struct Conn {
  Request r;
  struct MHD_Connection *pMhd;
  const char *zRawTarget;   /* request target as sent, arena copy */
  Buf body;
  size_t nDiscard;          /* body bytes thrown away after the limit */
  bool bStarted;            /* access handler has seen this request */
  bool bTooLarge;
  bool bBadTarget;          /* bad %-escape, bad UTF-8 or not origin-form */
  bool bResponded;
  struct timespec tStart;
  size_t nBytesOut;
  int statusOut;
  const char *zLoginCsrf;   /* pre-session token generated for this response */
  char zAddr[INET6_ADDRSTRLEN];
} Conn;

/* ---------------------------------------------------------------- decoding */

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Percent-decode z[0..n) into a new arena string; '+' becomes a space when bPlus.
** NULL on a bad escape or when the result is not valid UTF-8 text. */
static char *pct_decode(Arena *a, const char *z, size_t n, bool bPlus) {
  char *zOut = arena_alloc(a, n + 1);
  size_t j = 0;
  for (size_t i = 0; i < n; i++) {
    char c = z[i];
    if (c == '%') {
      int hi, lo;
      if (i + 2 >= n) return NULL;
      hi = hexval(z[i + 1]);
      lo = hexval(z[i + 2]);
      if (hi < 0 || lo < 0) return NULL;
      zOut[j++] = (char)(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && bPlus) {
      zOut[j++] = ' ';
    } else {
      zOut[j++] = c;
    }
  }
  zOut[j] = 0;
  if (!utf8_valid_text(zOut, j)) return NULL;
  return zOut;
}

int form_parse(Arena *a, const char *z, size_t n, FormField **paField) {
  int nField = 0, k = 0;
  size_t i, iStart;
  FormField *aField;
  *paField = NULL;
  if (!z) n = 0;
  /* First pass: count non-empty segments, so the array is allocated once. */
  for (i = 0, iStart = 0; i <= n; i++) {
    if (i == n || z[i] == '&') {
      if (i > iStart) nField++;
      iStart = i + 1;
    }
  }
  if (nField > FORM_MAX_FIELDS) return -1;
  if (nField == 0) return 0;
  aField = arena_alloc(a, sizeof(FormField) * (size_t)nField);
  for (i = 0, iStart = 0; i <= n; i++) {
    if (i == n || z[i] == '&') {
      if (i > iStart) {
        const char *zSeg = z + iStart;
        size_t nSeg = i - iStart;
        const char *zEq = memchr(zSeg, '=', nSeg);
        size_t nName = zEq ? (size_t)(zEq - zSeg) : nSeg;
        char *zName = pct_decode(a, zSeg, nName, true);
        char *zValue = zEq ? pct_decode(a, zEq + 1, nSeg - nName - 1, true) : arena_strdup(a, "");
        if (!zName || !zValue) return -1;
        aField[k].zName = zName;
        aField[k].zValue = zValue;
        k++;
      }
      iStart = i + 1;
    }
  }
  *paField = aField;
  return k;
}

static Fields *fields_parse(Arena *a, const char *z, size_t n) {
  Fields *f = arena_alloc(a, sizeof(Fields));
  f->a = NULL;
  f->n = form_parse(a, z, n, &f->a);
  f->bBad = f->n < 0;
  if (f->n < 0) f->n = 0;
  return f;
}

static const char *fields_get(const Fields *f, const char *zName) {
  if (!f || f->bBad) return NULL;
  for (int i = 0; i < f->n; i++)
    if (strcmp(f->a[i].zName, zName) == 0) return f->a[i].zValue;
  return NULL;
}

/* ---------------------------------------------------------------- request */

static Conn *conn_of(Request *r) { return r->pPriv ? (Conn *)r->pPriv : NULL; }

const char *req_header(Request *r, const char *zName) {
  if (!r->pConn) return NULL;
  return gMhd.lookup_connection_value(r->pConn, MHD_HEADER_KIND, zName);
}

const char *req_cookie(Request *r, const char *zName) {
  if (!r->pConn) return NULL;
  return gMhd.lookup_connection_value(r->pConn, MHD_COOKIE_KIND, zName);
}

static Fields *query_fields(Request *r) {
  if (!r->pQuery) {
    const char *z = r->zQuery ? r->zQuery : "";
    r->pQuery = fields_parse(r->arena, z, strlen(z));
  }
  return r->pQuery;
}

const char *req_query(Request *r, const char *zName) { return fields_get(query_fields(r), zName); }

/* True when the media type of Content-Type (before any ';') is zType. */
static bool content_type_is(Request *r, const char *zType) {
  const char *z = req_header(r, "Content-Type");
  size_t n;
  if (!z) return false;
  while (*z == ' ' || *z == '\t') z++;
  n = strcspn(z, "; \t");
  return n == strlen(zType) && strncasecmp(z, zType, n) == 0;
}

static Fields *form_fields(Request *r) {
  if (!r->pForm) {
    /* Hand-made requests have no headers: take the body as a form. */
    if (r->zBody && (!r->pConn || content_type_is(r, "application/x-www-form-urlencoded")))
      r->pForm = fields_parse(r->arena, r->zBody, r->nBody);
    else
      r->pForm = fields_parse(r->arena, "", 0);
  }
  return r->pForm;
}

const char *req_form(Request *r, const char *zName) { return fields_get(form_fields(r), zName); }

int req_fail_with(Request *r, Err *e) {
  err_clear(&r->err);
  r->err = *e;
  memset(e, 0, sizeof(*e));
  if (r->err.code == ERR_OK) r->err.code = ERR_INTERNAL;
  return -1;
}

int req_fail(Request *r, ErrCode code, const char *fmt, ...) {
  Buf b;
  va_list ap;
  buf_init(&b, 4096);
  va_start(ap, fmt);
  buf_vprintf(&b, fmt, ap);
  va_end(ap);
  err_set(&r->err, code, "%s", buf_cstr(&b));
  buf_free(&b);
  return -1;
}

int req_query_int(Request *r, const char *zName, long long lo, long long hi, long long iDefault,
                  long long *pOut) {
  const char *z = req_query(r, zName);
  long long v;
  if (!z) {
    *pOut = iDefault;
    return 0;
  }
  if (parse_int(z, lo, hi, &v)) {
    req_fail(r, ERR_INVALID, "parameter %s must be a whole number from %lld to %lld", zName, lo, hi);
    err_detail(&r->err, "got \"%.40s\"", z);
    err_where(&r->err, "%s", zName);
    return -1;
  }
  *pOut = v;
  return 0;
}

/* Depth of nesting beyond which a JSON body is refused: jansson recurses, and no
** lmis request needs more than a few levels. Returns the offending byte or -1. */
static long json_too_deep(const char *z, size_t n) {
  int depth = 0;
  bool bStr = false, bEsc = false;
  for (size_t i = 0; i < n; i++) {
    char c = z[i];
    if (bStr) {
      if (bEsc) bEsc = false;
      else if (c == '\\') bEsc = true;
      else if (c == '"') bStr = false;
    } else if (c == '"') {
      bStr = true;
    } else if (c == '{' || c == '[') {
      if (++depth > JSON_MAX_DEPTH) return (long)i;
    } else if (c == '}' || c == ']') {
      depth--;
    }
  }
  return -1;
}

json_t *req_json(Request *r) {
  json_error_t jerr;
  json_t *j;
  long iDeep;
  if (r->pJson) return r->pJson;
  if (!r->zBody || r->nBody == 0) {
    req_fail(r, ERR_INVALID, "the request body is empty");
    err_hint(&r->err, "send a JSON object with Content-Type: application/json");
    return NULL;
  }
  iDeep = json_too_deep(r->zBody, r->nBody);
  if (iDeep >= 0) {
    req_fail(r, ERR_INVALID, "the JSON body is nested too deeply");
    err_detail(&r->err, "more than %d levels at byte %ld", JSON_MAX_DEPTH, iDeep);
    return NULL;
  }
  j = json_loadb(r->zBody, r->nBody, JSON_REJECT_DUPLICATES, &jerr);
  if (!j) {
    req_fail(r, ERR_INVALID, "the request body is not valid JSON");
    err_detail(&r->err, "line %d, column %d (byte %d): %.200s", jerr.line, jerr.column, jerr.position, jerr.text);
    return NULL;
  }
  if (!json_is_object(j)) {
    json_decref(j);
    req_fail(r, ERR_INVALID, "the request body must be a JSON object");
    return NULL;
  }
  r->pJson = j;
  return j;
}

const char *req_t(Request *r, const char *zMsgid) { return i18n_get(r->zLang ? r->zLang : "en", zMsgid); }

void req_release(Request *r) {
  if (r->pJson) json_decref((json_t *)r->pJson);
  r->pJson = NULL;
  err_clear(&r->err);
  buf_free(&r->out);
}

/* ---------------------------------------------------------------- response */

static bool header_safe(const char *z) {
  for (; *z; z++)
    if (*z == '\r' || *z == '\n' || *z == 0x7f || ((unsigned char)*z < 0x20 && *z != '\t')) return false;
  return true;
}

void resp_header(Request *r, const char *zName, const char *zValue) {
  Hdr *p, **pp;
  /* A CR or LF would let a value split the response (header injection). */
  if (!zName || !zValue || !header_safe(zName) || !header_safe(zValue)) return;
  p = arena_alloc(r->arena, sizeof(Hdr));
  p->pNext = NULL;
  p->zName = arena_strdup(r->arena, zName);
  p->zValue = arena_strdup(r->arena, zValue);
  for (pp = (Hdr **)&r->pHeaders; *pp; pp = &(*pp)->pNext) {}
  *pp = p;
}

/* RFC 6265 cookie-octets (and token characters for the name): no space, quote,
** comma, semicolon or backslash, so a value cannot add attributes. */
static bool cookie_safe(const char *z, bool bName) {
  for (; *z; z++) {
    unsigned char c = (unsigned char)*z;
    if (c <= 0x20 || c >= 0x7f || c == '"' || c == ',' || c == ';' || c == '\\') return false;
    if (bName && (c == '=' || c == '(' || c == ')' || c == '/' || c == ':' || c == '@')) return false;
  }
  return true;
}

void resp_cookie(Request *r, const char *zName, const char *zValue, long nMaxAge) {
  char *z;
  if (nMaxAge < 0) zValue = "";
  if (!zName || !*zName || !cookie_safe(zName, true) || !cookie_safe(zValue ? zValue : "", false)) return;
  z = arena_printf(r->arena, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s", zName, zValue ? zValue : "",
                   r->bSecureCookies ? "; Secure" : "");
  if (nMaxAge < 0) z = arena_printf(r->arena, "%s; Max-Age=0", z);
  else if (nMaxAge > 0) z = arena_printf(r->arena, "%s; Max-Age=%ld", z, nMaxAge);
  resp_header(r, "Set-Cookie", z);
}

void resp_bytes(Request *r, int status, const char *zContentType, const void *p, size_t n) {
  buf_reset(&r->out);
  if (buf_append(&r->out, p, n)) {
    req_fail(r, ERR_INTERNAL, "response too large");
    r->status = 500;
    return;
  }
  r->status = status;
  r->zContentType = zContentType;
}

void resp_json(Request *r, int status, json_t *j) {
  char *z;
  if (!j) {
    r->status = 500;
    r->zContentType = "application/json";
    buf_reset(&r->out);
    buf_puts(&r->out, "{}");
    return;
  }
  z = json_dumps(j, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
  json_decref(j);
  if (!z) {
    resp_bytes(r, 500, "application/json", "{}", 2);
    return;
  }
  resp_bytes(r, status, "application/json", z, strlen(z));
  free(z);
}

void resp_redirect(Request *r, const char *zLocation) {
  if (!zLocation || zLocation[0] != '/' || zLocation[1] == '/' || zLocation[1] == '\\') zLocation = "/";
  resp_header(r, "Location", zLocation);
  resp_bytes(r, 303, "text/plain; charset=utf-8", "", 0);
}

/* json_string that never fails on bad UTF-8 (messages may quote input). */
static json_t *jstr(const char *z) {
  json_t *j = json_string(z ? z : "");
  return j ? j : json_string("(text not valid UTF-8)");
}

json_t *problem_json(const Err *e, int status, const char *zInstance) {
  json_t *j = json_object();
  char *zType = xasprintf("/problems/%s", err_slug(e->code));
  json_object_set_new(j, "type", jstr(zType));
  free(zType);
  json_object_set_new(j, "title", jstr(err_title(e->code)));
  json_object_set_new(j, "status", json_integer(status));
  if (e->zMsg) {
    /* Details of server-side failures stay in the server log. */
    if (e->zDetail && status < 500) {
      char *z = xasprintf("%s: %s", e->zMsg, e->zDetail);
      json_object_set_new(j, "detail", jstr(z));
      free(z);
    } else {
      json_object_set_new(j, "detail", jstr(e->zMsg));
    }
  }
  if (zInstance) json_object_set_new(j, "instance", jstr(zInstance));
  if (e->zWhere && e->zWhere[0] == '/') json_object_set_new(j, "pointer", jstr(e->zWhere));
  else if (e->zWhere) json_object_set_new(j, "parameter", jstr(e->zWhere));
  if (e->zHint) json_object_set_new(j, "hint", jstr(e->zHint));
  return j;
}

static bool route_is_api(const Request *r) {
  if (r->route) return (r->route->flags & ROUTE_API) != 0;
  return r->zPath && (str_startswith(r->zPath, "/api/") || strcmp(r->zPath, "/api") == 0);
}

/* Turn r->err into the response: problem JSON or an HTML page. */
static void render_error(Request *r) {
  ErrCode code = r->err.code == ERR_OK ? ERR_INTERNAL : r->err.code;
  int status = err_http_status(code);
  if (!r->err.zMsg) err_set(&r->err, code, "%s", err_title(code));
  if (status >= 500) {
    fprintf(stderr, "lmis: %s %s: %s%s%s\n", r->zMethod ? r->zMethod : "?", r->zPath ? r->zPath : "?",
            r->err.zMsg, r->err.zDetail ? ": " : "", r->err.zDetail ? r->err.zDetail : "");
  }
  if (code == ERR_UNAUTH && route_is_api(r)) resp_header(r, "WWW-Authenticate", "Bearer realm=\"lmis\"");
  if (route_is_api(r)) {
    json_t *j = problem_json(&r->err, status, r->zPath ? r->zPath : "/");
    char *z = json_dumps(j, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    json_decref(j);
    resp_bytes(r, status, "application/problem+json", z ? z : "{}", z ? strlen(z) : 2);
    free(z);
    return;
  }
  buf_reset(&r->out);
  if (code == ERR_UNAUTH && r->zMethod && (str_eq(r->zMethod, "GET") || str_eq(r->zMethod, "HEAD"))) {
    /* A page that needs an account: log in, then come back here. */
    Buf b;
    buf_init(&b, 4096);
    buf_puts(&b, "/login?next=");
    html_urlencode(&b, r->zPath ? r->zPath : "/");
    if (!b.bOverflow) {
      resp_redirect(r, buf_cstr(&b));
      buf_free(&b);
      return;
    }
    buf_free(&b);
  }
  page_begin(r, req_t(r, err_title(code)));
  html_printf(&r->out, "<h1>%s</h1>\n<p class=\"error\">%s</p>\n", req_t(r, err_title(code)), r->err.zMsg);
  if (r->err.zDetail && status < 500) html_printf(&r->out, "<p>%s</p>\n", r->err.zDetail);
  if (r->err.zHint) html_printf(&r->out, "<p class=\"hint\">%s</p>\n", r->err.zHint);
  if (code == ERR_UNAUTH) html_printf(&r->out, "<p><a href=\"/login\">%s</a></p>\n", req_t(r, "Log in"));
  page_end(r);
  r->status = status;
  r->zContentType = "text/html; charset=utf-8";
}

/* ---------------------------------------------------------------- sessions */

const char *req_login_csrf(Request *r) {
  Conn *c = conn_of(r);
  const char *z = req_cookie(r, HTTP_LOGIN_CSRF_COOKIE);
  char *zNew;
  if (z && strlen(z) >= 32 && strlen(z) <= 128 && strspn(z, "0123456789abcdef") == strlen(z))
    return arena_strdup(r->arena, z);
  if (c && c->zLoginCsrf) return c->zLoginCsrf;
  zNew = random_token(32);
  z = arena_strdup(r->arena, zNew);
  free(zNew);
  resp_cookie(r, HTTP_LOGIN_CSRF_COOKIE, z, 0);
  if (c) c->zLoginCsrf = z;
  return z;
}

int req_login(Request *r, const char *zUser, const char *zPassword) {
  Principal who;
  char *zToken = NULL, *zCsrf = NULL;
  const char *zOld;
  if (!r->store) return req_fail(r, ERR_INTERNAL, "no database connection for this request");
  if (auth_login(r->store, zUser, zPassword, r->zAddr, &who, &zToken, &zCsrf, &r->err)) return -1;
  /* A new session every time (no fixation); the old one, if any, ends. */
  zOld = req_cookie(r, HTTP_SESSION_COOKIE);
  if (zOld) {
    Err eIgnore = ERR_INIT;
    auth_logout(r->store, zOld, &eIgnore);
    err_clear(&eIgnore);
  }
  resp_cookie(r, HTTP_SESSION_COOKIE, zToken, AUTH_SESSION_TTL);
  if (req_cookie(r, HTTP_LOGIN_CSRF_COOKIE)) resp_cookie(r, HTTP_LOGIN_CSRF_COOKIE, "", -1);
  r->who = who;
  r->zCsrf = arena_strdup(r->arena, zCsrf);
  sodium_memzero(zToken, strlen(zToken));
  free(zToken);
  free(zCsrf);
  return 0;
}

int req_logout(Request *r) {
  const char *zToken = req_cookie(r, HTTP_SESSION_COOKIE);
  if (zToken && r->store && auth_logout(r->store, zToken, &r->err)) return -1;
  resp_cookie(r, HTTP_SESSION_COOKIE, "", -1);
  memset(&r->who, 0, sizeof r->who);
  r->who.role = ROLE_PUBLIC;
  r->zCsrf = NULL;
  return 0;
}

/* ---------------------------------------------------------------- dispatch */

/* Split the raw target into a decoded path and the raw query string. */
static void target_parse(Conn *c) {
  Request *r = &c->r;
  const char *z = c->zRawTarget ? c->zRawTarget : "";
  size_t nPath;
  char *zPath;
  /* Absolute form (RFC 9112 3.2.2), as proxies send it: keep the path only. */
  if (strncasecmp(z, "http://", 7) == 0 || strncasecmp(z, "https://", 8) == 0) {
    const char *zSlash = strchr(strstr(z, "//") + 2, '/');
    z = zSlash ? zSlash : "/";
  }
  nPath = strcspn(z, "?#");
  if (z[0] != '/') {
    c->bBadTarget = true; /* "*" or garbage */
    r->zPath = "/";
    return;
  }
  zPath = pct_decode(r->arena, z, nPath, false);
  if (!zPath) {
    c->bBadTarget = true;
    r->zPath = arena_strndup(r->arena, z, nPath);
    return;
  }
  r->zPath = zPath;
  if (z[nPath] == '?') {
    size_t nQuery = strcspn(z + nPath + 1, "#");
    r->zQuery = arena_strndup(r->arena, z + nPath + 1, nQuery);
  }
}

static bool token_equal(const char *zA, const char *zB) {
  size_t n;
  if (!zA || !zB) return false;
  n = strlen(zA);
  if (n == 0 || n != strlen(zB)) return false;
  return sodium_memcmp(zA, zB, n) == 0;
}

static const char *submitted_csrf(Request *r) {
  const char *z = req_header(r, HTTP_CSRF_HEADER);
  return z ? z : req_form(r, HTTP_CSRF_FIELD);
}

static int resolve_principal(Request *r) {
  const char *zAuth = req_header(r, "Authorization");
  const char *zSession;
  if (zAuth) {
    if (strncasecmp(zAuth, "Bearer ", 7) != 0) {
      req_fail(r, ERR_UNAUTH, "unsupported authorization scheme");
      err_hint(&r->err, "send an API token as `Authorization: Bearer TOKEN`");
      return -1;
    }
    zAuth += 7;
    while (*zAuth == ' ') zAuth++;
    return auth_token(r->store, zAuth, &r->who, &r->err);
  }
  zSession = req_cookie(r, HTTP_SESSION_COOKIE);
  if (zSession) {
    Err e = ERR_INIT;
    char *zCsrf = NULL;
    if (auth_session(r->store, zSession, &r->who, &zCsrf, &e) == 0) {
      r->zCsrf = arena_strdup(r->arena, zCsrf);
      free(zCsrf);
    } else if (e.code == ERR_UNAUTH) {
      /* Expired or unknown: carry on as the public, and forget the cookie. */
      memset(&r->who, 0, sizeof r->who);
      resp_cookie(r, HTTP_SESSION_COOKIE, "", -1);
      err_clear(&e);
    } else {
      err_clear(&r->err);
      r->err = e;
      return -1;
    }
  }
  return 0;
}

static int check_csrf(Request *r) {
  const Route *pRoute = r->route;
  if (!(pRoute->flags & ROUTE_WRITE) || r->who.bToken) return 0;
  if (pRoute->flags & ROUTE_PUBLIC_POST) {
    /* JSON-only login: the content type (checked before) is the defence. */
    if (pRoute->flags & ROUTE_JSON_BODY) return 0;
    const char *zSent = submitted_csrf(r);
    if (token_equal(zSent, req_cookie(r, HTTP_LOGIN_CSRF_COOKIE))) return 0;
    if (r->zCsrf && token_equal(zSent, r->zCsrf)) return 0;
    req_fail(r, ERR_FORBIDDEN, "the form is missing its security token or it has expired");
    err_hint(&r->err, "reload the log-in page and try again (cookies must be enabled)");
    return -1;
  }
  if (r->who.accountId == 0) {
    /* An anonymous form (one the policy lets the public post) still needs the
    ** pre-session double-submit token, so no other site can post it for them. */
    if (token_equal(submitted_csrf(r), req_cookie(r, HTTP_LOGIN_CSRF_COOKIE))) return 0;
    req_fail(r, ERR_FORBIDDEN, "the form is missing its security token or it has expired");
    err_hint(&r->err, "reload the page and try again (cookies must be enabled)");
    return -1;
  }
  if (token_equal(submitted_csrf(r), r->zCsrf)) return 0;
  req_fail(r, ERR_FORBIDDEN, "missing or wrong CSRF token");
  err_hint(&r->err, "send the session's token in the %s form field or the %s header", HTTP_CSRF_FIELD,
           HTTP_CSRF_HEADER);
  return -1;
}

static int negotiate_language(Request *r) {
  const char *zLang = req_query(r, "lang");
  const char *zExplicit = NULL;
  if (zLang) {
    if (!i18n_supported(zLang)) {
      req_fail(r, ERR_INVALID, "unsupported language \"%.20s\"", zLang);
      err_hint(&r->err, "use lang=en, lang=fr or lang=es");
      err_where(&r->err, "lang");
      return -1;
    }
    zExplicit = zLang; /* page_begin remembers it in the HTTP_LANG_COOKIE cookie */
  } else {
    const char *zCookie = req_cookie(r, HTTP_LANG_COOKIE);
    if (zCookie && i18n_supported(zCookie)) zExplicit = zCookie;
  }
  r->zLang = i18n_negotiate(zExplicit, req_header(r, "Accept-Language"));
  if (!r->zLang) r->zLang = "en";
  return 0;
}

/* Everything between a complete request and a response in r->out. 0 or -1 (r->err). */
static int dispatch(Conn *c) {
  Request *r = &c->r;
  Server *srv = r->srv;
  const char *azParam[4];
  bool bKnown = false;
  int rc;

  if (c->bBadTarget) {
    req_fail(r, ERR_INVALID, "malformed request target");
    err_detail(&r->err, "the path must start with / and use valid %%-escapes of UTF-8 text");
    return -1;
  }
  r->route = routes_match(r->zMethod, r->zPath, azParam, &r->nParam, &bKnown);
  if (!r->route) {
    if (bKnown) {
      char zAllow[64];
      routes_allowed(r->zPath, zAllow, sizeof zAllow);
      resp_header(r, "Allow", zAllow);
      req_fail(r, ERR_METHOD, "%s is not allowed on %s", r->zMethod, r->zPath);
      err_hint(&r->err, "allowed: %s", zAllow);
      return -1;
    }
    return req_fail(r, ERR_NOT_FOUND, "no page or API endpoint at %s", r->zPath);
  }
  for (int i = 0; i < r->nParam; i++) r->azParam[i] = arena_strndup(r->arena, azParam[i], strcspn(azParam[i], "/"));
  if (c->bTooLarge) {
    req_fail(r, ERR_TOO_LARGE, "the request body is too large");
    err_detail(&r->err, "at most %zu bytes are accepted", srv->cfg.nMaxBody);
    return -1;
  }
  if (((Fields *)query_fields(r))->bBad) {
    req_fail(r, ERR_INVALID, "malformed query string");
    err_detail(&r->err, "a %%-escape is invalid or the text is not UTF-8");
    return -1;
  }
  if (negotiate_language(r)) return -1;
  r->store = store_pool_get(srv->pool);
  if (resolve_principal(r)) return -1;
  if (strcmp(r->zMethod, "POST") == 0 && r->nBody > 0 && content_type_is(r, "application/x-www-form-urlencoded") &&
      ((Fields *)form_fields(r))->bBad) {
    req_fail(r, ERR_INVALID, "malformed form data");
    err_detail(&r->err, "a %%-escape is invalid, the text is not UTF-8, or there are over %d fields",
               FORM_MAX_FIELDS);
    return -1;
  }
  if (policy_check(r->route->zAction, &r->who, &r->err)) return -1;
  if ((r->route->flags & ROUTE_JSON_BODY) && !content_type_is(r, "application/json")) {
    req_fail(r, ERR_INVALID, "Content-Type must be application/json");
    return -1;
  }
  if (check_csrf(r)) return -1;
  rc = r->route->xHandler(r);
  if (rc != 0 && r->err.code == ERR_OK) req_fail(r, ERR_INTERNAL, "the handler failed without saying why");
  return rc;
}

static void add_common_headers(Request *r, struct MHD_Response *resp) {
  bool bCookie = false, bCache = false, bNoStore;
  gMhd.add_response_header(resp, "Content-Type", r->zContentType ? r->zContentType : "text/plain; charset=utf-8");
  gMhd.add_response_header(resp, "X-Content-Type-Options", "nosniff");
  gMhd.add_response_header(resp, "Content-Security-Policy",
                          "default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'");
  gMhd.add_response_header(resp, "Referrer-Policy", "same-origin");
  gMhd.add_response_header(resp, "X-Frame-Options", "DENY");
  for (Hdr *p = r->pHeaders; p; p = p->pNext) {
    if (strcasecmp(p->zName, "Set-Cookie") == 0) bCookie = true;
    if (strcasecmp(p->zName, "Cache-Control") == 0) bCache = true;
  }
  /* Nothing that sets a cookie, nor anything personal or session-bound, may sit
  ** in a shared cache; otherwise a handler's own Cache-Control stands. */
  bNoStore = bCookie || (!bCache && (r->who.accountId != 0 || (r->route && (r->route->flags & ROUTE_WRITE))));
  for (Hdr *p = r->pHeaders; p; p = p->pNext) {
    if (bNoStore && strcasecmp(p->zName, "Cache-Control") == 0) continue;
    gMhd.add_response_header(resp, p->zName, p->zValue);
  }
  if (bNoStore) gMhd.add_response_header(resp, "Cache-Control", "no-store");
  if (r->route && (r->route->flags & ROUTE_PAGE)) gMhd.add_response_header(resp, "Vary", "Cookie, Accept-Language");
}

static enum MHD_Result send_response(Conn *c, bool bClose) {
  Request *r = &c->r;
  struct MHD_Response *resp;
  enum MHD_Result rc;
  size_t n = r->out.n;
  char *z = buf_detach(&r->out);
  if (r->status < 100 || r->status > 599) r->status = 200;
  resp = gMhd.create_response_from_buffer(n, z, MHD_RESPMEM_MUST_FREE);
  if (!resp) {
    free(z);
    return MHD_NO;
  }
  add_common_headers(r, resp);
  if (bClose) gMhd.add_response_header(resp, "Connection", "close");
  rc = gMhd.queue_response(c->pMhd, (unsigned)r->status, resp);
  gMhd.destroy_response(resp);
  c->nBytesOut = n;
  c->statusOut = r->status;
  c->bResponded = true;
  return rc;
}

static enum MHD_Result respond(Conn *c, bool bClose) {
  Request *r = &c->r;
  if (dispatch(c) != 0) render_error(r);
  else if (r->status == 0) r->status = 200;
  if (r->store) {
    store_pool_put(r->srv->pool, r->store);
    r->store = NULL;
  }
  return send_response(c, bClose);
}

/* ---------------------------------------------------------------- callbacks */

static Conn *conn_new(Server *srv, struct MHD_Connection *pMhd, const char *zTarget) {
  Conn *c = xcalloc(1, sizeof(Conn));
  const union MHD_ConnectionInfo *pInfo;
  c->r.srv = srv;
  c->r.arena = arena_new();
  c->r.pPriv = c;
  c->r.pConn = pMhd;
  c->r.zLang = "en";
  c->r.who.role = ROLE_PUBLIC;
  c->r.bSecureCookies = srv->cfg.bSecureCookies;
  buf_init(&c->r.out, OUT_MAX);
  buf_init(&c->body, srv->cfg.nMaxBody);
  c->pMhd = pMhd;
  clock_gettime(CLOCK_MONOTONIC, &c->tStart);
  c->zRawTarget = arena_strdup(c->r.arena, zTarget ? zTarget : "");
  snprintf(c->zAddr, sizeof c->zAddr, "unknown");
  pInfo = gMhd.get_connection_info(pMhd, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (pInfo && pInfo->client_addr) {
    const struct sockaddr *sa = pInfo->client_addr;
    if (sa->sa_family == AF_INET)
      inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, c->zAddr, sizeof c->zAddr);
    else if (sa->sa_family == AF_INET6)
      inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, c->zAddr, sizeof c->zAddr);
  }
  c->r.zAddr = c->zAddr;
  return c;
}

/* Called by MHD with the request target exactly as sent, before it decodes it
** (MHD's own decoding is lenient); its result becomes the request context. */
static void *on_uri(void *cls, const char *zUri, struct MHD_Connection *pMhd) {
  return conn_new(cls, pMhd, zUri);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *pMhd, const char *zUrl, const char *zMethod,
                                  const char *zVersion, const char *zUpload, size_t *pnUpload, void **ppCtx) {
  Server *srv = cls;
  Conn *c = *ppCtx;
  (void)zVersion;
  if (!c) *ppCtx = c = conn_new(srv, pMhd, zUrl);
  if (!c->bStarted) {
    const char *zLen;
    c->bStarted = true;
    c->r.zMethod = arena_strdup(c->r.arena, zMethod);
    target_parse(c);
    zLen = gMhd.lookup_connection_value(pMhd, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (zLen) {
      long long nLen;
      if (parse_int(zLen, 0, (long long)1 << 62, &nLen) || (unsigned long long)nLen > srv->cfg.nMaxBody) {
        /* Refuse before reading the body; MHD then closes the connection. */
        c->bTooLarge = true;
        return respond(c, true);
      }
    }
    return MHD_YES;
  }
  if (*pnUpload > 0) {
    if (!c->bTooLarge && buf_append(&c->body, zUpload, *pnUpload)) c->bTooLarge = true;
    if (c->bTooLarge) {
      c->nDiscard += *pnUpload;
      /* A chunked body without end: give up on the connection. */
      if (c->nDiscard > DISCARD_MAX_FACTOR * srv->cfg.nMaxBody) return MHD_NO;
    }
    *pnUpload = 0;
    return MHD_YES;
  }
  if (c->bResponded) return MHD_YES;
  c->r.zBody = buf_cstr(&c->body);
  c->r.nBody = c->body.n;
  return respond(c, false);
}

/* Printable copy for the log: no control characters from the network. */
static void log_clean(char *zOut, size_t nOut, const char *z) {
  size_t i = 0;
  for (; z && *z && i + 1 < nOut; z++) zOut[i++] = ((unsigned char)*z < 0x20 || *z == 0x7f) ? '?' : *z;
  zOut[i] = 0;
}

static void on_completed(void *cls, struct MHD_Connection *pMhd, void **ppCtx, enum MHD_RequestTerminationCode toe) {
  Server *srv = cls;
  Conn *c = *ppCtx;
  (void)pMhd;
  if (!c) return;
  *ppCtx = NULL;
  if (srv->pLog && c->bStarted) {
    struct timespec tEnd;
    char zTime[32], zPath[512], zMethod[16];
    time_t now = time(NULL);
    struct tm tm;
    double ms;
    clock_gettime(CLOCK_MONOTONIC, &tEnd);
    ms = (double)(tEnd.tv_sec - c->tStart.tv_sec) * 1e3 + (double)(tEnd.tv_nsec - c->tStart.tv_nsec) / 1e6;
    gmtime_r(&now, &tm);
    strftime(zTime, sizeof zTime, "%Y-%m-%dT%H:%M:%SZ", &tm);
    log_clean(zPath, sizeof zPath, c->r.zPath);
    log_clean(zMethod, sizeof zMethod, c->r.zMethod);
    /* One fprintf per line: stdio locks the stream, so threads do not interleave. */
    fprintf(srv->pLog, "%s %s %s %s %d %zu %.1fms %s%s\n", zTime, c->zAddr, zMethod, zPath, c->statusOut,
            c->nBytesOut, ms, c->r.who.accountId ? c->r.who.zUsername : "-",
            toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" : " (aborted)");
  }
  if (c->r.store) store_pool_put(srv->pool, c->r.store);
  req_release(&c->r);
  buf_free(&c->body);
  arena_free(c->r.arena);
  free(c);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap) {
  char z[512];
  (void)cls;
  vsnprintf(z, sizeof z, fmt, ap);
  fprintf(stderr, "lmis: http: %s%s", z, (z[0] && z[strlen(z) - 1] == '\n') ? "" : "\n");
}

/* ---------------------------------------------------------------- server */

void server_config_default(ServerConfig *cfg) {
  memset(cfg, 0, sizeof *cfg);
  cfg->zBind = "127.0.0.1";
  cfg->port = 8080;
  cfg->nThreads = 4;
  cfg->nMaxBody = (size_t)1 << 20;
  cfg->nMaxHeader = (size_t)32 << 10;
  cfg->timeoutSec = 30;
  cfg->nMaxConn = 256;
  cfg->nMaxPerIp = 32;
  cfg->bSecureCookies = false;
  cfg->zAccessLog = "-";
}

static struct MHD_Daemon *daemon_start(Server *srv, unsigned flags, const struct sockaddr *sa) {
  const ServerConfig *cfg = &srv->cfg;
  return gMhd.start_daemon(flags, 0, NULL, NULL, &on_request, srv,
                          MHD_OPTION_EXTERNAL_LOGGER, &on_mhd_log, srv, /* first, to catch every message */
                          MHD_OPTION_SOCK_ADDR, sa,
                          MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)cfg->nThreads,
                          MHD_OPTION_CONNECTION_MEMORY_LIMIT, cfg->nMaxHeader,
                          MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)cfg->timeoutSec,
                          MHD_OPTION_CONNECTION_LIMIT, (unsigned int)cfg->nMaxConn,
                          MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)cfg->nMaxPerIp,
                          MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned int)1,
                          MHD_OPTION_STRICT_FOR_CLIENT, (int)1,
                          MHD_OPTION_URI_LOG_CALLBACK, &on_uri, srv,
                          MHD_OPTION_NOTIFY_COMPLETED, &on_completed, srv,
                          MHD_OPTION_END);
}

int server_run(const ServerConfig *cfgIn, Err *e) {
  Server srv;
  struct sockaddr_storage ss;
  bool bV6 = false;
  unsigned flags;
  sigset_t sigs, sigsOld;
  const union MHD_DaemonInfo *pInfo;
  int sig = 0, rc = -1;

  memset(&srv, 0, sizeof srv);
  for (int i = 0; i < SERVER_CACHE__COUNT; i++) pthread_mutex_init(&srv.aCache[i].mu, NULL);
  server_config_default(&srv.cfg);
  if (cfgIn->zDb) srv.cfg.zDb = cfgIn->zDb;
  if (cfgIn->zBind) srv.cfg.zBind = cfgIn->zBind;
  srv.cfg.port = cfgIn->port;
  if (cfgIn->nThreads > 0) srv.cfg.nThreads = cfgIn->nThreads;
  if (cfgIn->nMaxBody > 0) srv.cfg.nMaxBody = cfgIn->nMaxBody;
  if (cfgIn->nMaxHeader > 0) srv.cfg.nMaxHeader = cfgIn->nMaxHeader;
  if (cfgIn->timeoutSec > 0) srv.cfg.timeoutSec = cfgIn->timeoutSec;
  if (cfgIn->nMaxConn > 0) srv.cfg.nMaxConn = cfgIn->nMaxConn;
  if (cfgIn->nMaxPerIp > 0) srv.cfg.nMaxPerIp = cfgIn->nMaxPerIp;
  srv.cfg.bSecureCookies = cfgIn->bSecureCookies;
  srv.cfg.zAccessLog = cfgIn->zAccessLog;

  if (!srv.cfg.zDb) return err_set(e, ERR_USAGE, "no database given");
  if (http_lib_load(e)) return -1;
  if (srv.cfg.port < 0 || srv.cfg.port > 65535) return err_set(e, ERR_USAGE, "port must be from 0 to 65535");
  if (srv.cfg.nThreads > 256) return err_set(e, ERR_USAGE, "at most 256 threads");
  if (sodium_init() < 0) return err_set(e, ERR_INTERNAL, "libsodium failed to initialise");

  memset(&ss, 0, sizeof ss);
  {
    struct sockaddr_in *p4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *p6 = (struct sockaddr_in6 *)&ss;
    if (inet_pton(AF_INET, srv.cfg.zBind, &p4->sin_addr) == 1) {
      p4->sin_family = AF_INET;
      p4->sin_port = htons((uint16_t)srv.cfg.port);
    } else if (inet_pton(AF_INET6, srv.cfg.zBind, &p6->sin6_addr) == 1) {
      p6->sin6_family = AF_INET6;
      p6->sin6_port = htons((uint16_t)srv.cfg.port);
      bV6 = true;
    } else {
      err_set(e, ERR_USAGE, "cannot bind to \"%s\"", srv.cfg.zBind);
      err_hint(e, "give a numeric IPv4 or IPv6 address, e.g. 127.0.0.1 or ::1");
      return -1;
    }
  }

  if (srv.cfg.zAccessLog && strcmp(srv.cfg.zAccessLog, "-") == 0) {
    srv.pLog = stderr;
  } else if (srv.cfg.zAccessLog) {
    srv.pLog = fopen(srv.cfg.zAccessLog, "a");
    if (!srv.pLog) {
      err_set(e, ERR_IO, "cannot open the access log %s", srv.cfg.zAccessLog);
      err_detail(e, "%s", strerror(errno));
      return -1;
    }
    setvbuf(srv.pLog, NULL, _IOLBF, 0);
    srv.bOwnLog = true;
  }

  if (store_pool_new(srv.cfg.zDb, srv.cfg.nThreads, &srv.pool, e)) goto run_out;

  /* Block the stop signals before MHD starts its threads (they inherit the
  ** mask), so only sigwait below ever receives them. */
  sigemptyset(&sigs);
  sigaddset(&sigs, SIGINT);
  sigaddset(&sigs, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &sigs, &sigsOld);

  flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | (bV6 ? MHD_USE_IPv6 : 0);
  if (gMhd.is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES)
    srv.pDaemon = daemon_start(&srv, flags | MHD_USE_EPOLL, (const struct sockaddr *)&ss);
  if (!srv.pDaemon) srv.pDaemon = daemon_start(&srv, flags | MHD_USE_POLL, (const struct sockaddr *)&ss);
  if (!srv.pDaemon) {
    err_set(e, ERR_IO, "cannot listen on %s port %d", srv.cfg.zBind, srv.cfg.port);
    err_hint(e, "is another server using the port? choose another with --port, or 0 for any free port");
    pthread_sigmask(SIG_SETMASK, &sigsOld, NULL);
    goto run_out;
  }
  pInfo = gMhd.get_daemon_info(srv.pDaemon, MHD_DAEMON_INFO_BIND_PORT);
  printf("listening on http://%s%s%s:%u/\n", bV6 ? "[" : "", srv.cfg.zBind, bV6 ? "]" : "",
         pInfo ? (unsigned)pInfo->port : (unsigned)srv.cfg.port);
  fflush(stdout);

  while (sigwait(&sigs, &sig) != 0) {}
  fprintf(stderr, "lmis: %s received, stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
  /* Stops accepting, lets the worker threads finish the requests they are in. */
  gMhd.stop_daemon(srv.pDaemon);
  pthread_sigmask(SIG_SETMASK, &sigsOld, NULL);
  rc = 0;

run_out:
  for (int i = 0; i < SERVER_CACHE__COUNT; i++) {
    if (srv.aCache[i].p && srv.aCache[i].xFree) srv.aCache[i].xFree(srv.aCache[i].p);
    pthread_mutex_destroy(&srv.aCache[i].mu);
  }
  store_pool_free(srv.pool);
  if (srv.bOwnLog) fclose(srv.pLog);
  return rc;
}
