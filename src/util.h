/*
** util.h: memory, bounded buffers and small string helpers shared by every module.
**
** Ownership: functions named ..._new or ...dup return memory the caller frees with free()
** (or buf_free for a Buf). Nothing here keeps global mutable state.
*/
#ifndef LMIS_UTIL_H
#define LMIS_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdbool.h>
#include <pthread.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation that aborts with a message instead of returning NULL: half-handled
** out-of-memory paths are worse than a clean exit. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *z);
char *xstrndup(const char *z, size_t n);
/* printf into a new string; caller frees. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A growable byte buffer with a hard maximum (curl's dynbuf idea): appends past
** nMax fail and set bOverflow, so input can never grow a buffer without bound.
** z is always NUL-terminated when n > 0 or after buf_cstr. */
typedef struct Buf {
  char *z;
  size_t n;
  size_t nAlloc;
  size_t nMax;
  bool bOverflow;
} Buf;

#define BUF_UNBOUNDED ((size_t)-1)
void buf_init(Buf *b, size_t nMax);
/* Each returns 0 on success, -1 when the maximum would be exceeded. */
int buf_append(Buf *b, const void *p, size_t n);
int buf_puts(Buf *b, const char *z);
int buf_putc(Buf *b, char c);
int buf_printf(Buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vprintf(Buf *b, const char *fmt, va_list ap);
const char *buf_cstr(Buf *b);          /* never NULL; owned by b */
char *buf_detach(Buf *b);              /* caller owns the result; b is reset */
void buf_reset(Buf *b);
void buf_free(Buf *b);

/* Per-request arena (h2o/lwan): many small allocations freed in one call. */
typedef struct Arena Arena;
Arena *arena_new(void);
void *arena_alloc(Arena *a, size_t n);
char *arena_strdup(Arena *a, const char *z);
char *arena_strndup(Arena *a, const char *z, size_t n);
char *arena_printf(Arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void arena_free(Arena *a);

/* Parse a whole decimal integer in [lo, hi]; returns 0 or -1 (no atoi: it cannot fail). */
int parse_int(const char *z, long long lo, long long hi, long long *pOut);
bool str_eq(const char *a, const char *b);
bool str_startswith(const char *z, const char *zPrefix);
/* True when z is valid UTF-8 with no NUL and no C0 controls except tab/newline/CR. */
bool utf8_valid_text(const char *z, size_t n);
/* Current UNIX time in seconds. */
int64_t now_seconds(void);
/* Hex-encode n random bytes from libsodium into a new string. */
char *random_token(size_t nBytes);

/* Start a thread to share a computation with the calling one, on another CPU
** than the caller's where the process may use several (else as pthread_create
** would); returns pthread_create's result. */
int thread_start_beside(pthread_t *pThread, void *(*xMain)(void *), void *pArg);

/* A symbol to look up in a shared library, and where its address goes. */
typedef struct DlSym {
  const char *zName;
  void **pp;
} DlSym;

/* Open the first library of azLib that loads (dlopen; it stays loaded for the
** life of the process) and fill every aSym[i].pp; false when no library loads or
** a symbol is missing. Libraries most commands never use are loaded so, on first
** use, rather than linked: each linked library adds to the start of every command. */
bool dl_load(const char *const *azLib, size_t nLib, const DlSym *aSym, size_t nSym);

/* UNIX seconds t as "YYYY-MM-DD HH:MM" (UTC) in z; returns z. */
const char *utc_minute(int64_t t, char z[32]);

#endif
