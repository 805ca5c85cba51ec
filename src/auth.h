/*
** auth.h: accounts, passwords (argon2id via libsodium), browser sessions, API
** tokens and login rate limiting. Tokens are random; only their hashes are stored.
**
** Ownership: strings returned through char** are allocated and owned by the caller.
*/
#ifndef LMIS_AUTH_H
#define LMIS_AUTH_H

#include <stdint.h>
#include "audit.h"
#include "err.h"
#include "policy.h"
#include "store.h"

#define AUTH_SESSION_TTL (8 * 3600)   /* seconds */
#define AUTH_MAX_FAIL_ACCOUNT 5        /* failures per account per window */
#define AUTH_MAX_FAIL_ADDRESS 20       /* failures per address per window */
#define AUTH_FAIL_WINDOW 900           /* seconds */
#define AUTH_MIN_PASSWORD 10

/* Hash with argon2id; caller frees. NULL on failure (out of memory). */
char *auth_hash_password(const char *zPassword);
int auth_verify_password(const char *zHash, const char *zPassword);  /* 0 when it matches */
/* Password rules: length at least AUTH_MIN_PASSWORD, at most 1024, valid UTF-8. */
int auth_password_ok(const char *zPassword, Err *e);
/* Username rules: 1 to USERNAME_MAX characters among letters, digits and . _ - @. */
int auth_username_ok(const char *zUser, Err *e);

/* Account changes are audited as done by the local operator (CLI). */
int auth_user_add(Store *s, const char *zUser, const char *zDisplay, Role role, const char *zPassword,
                  int64_t *pId, Err *e);
int auth_user_set_password(Store *s, const char *zUser, const char *zPassword, Err *e);
int auth_user_disable(Store *s, const char *zUser, Err *e);
/* Set (or with zEmail NULL clear) the email an account gets case notifications
** at; ERR_USAGE when it is not a plain address, ERR_NOT_FOUND. Audited. */
int auth_user_set_email(Store *s, const char *zUser, const char *zEmail, Err *e);

/* Check credentials with rate limiting per account and per address. On success
** creates a session and returns its token and CSRF token (caller frees both). */
int auth_login(Store *s, const char *zUser, const char *zPassword, const char *zAddr, Principal *pWho,
               char **pzToken, char **pzCsrf, Err *e);
/* Resolve a session cookie token; 0 and *pWho filled, or -1 (expired/unknown). */
int auth_session(Store *s, const char *zToken, Principal *pWho, char **pzCsrf, Err *e);
int auth_logout(Store *s, const char *zToken, Err *e);
/* Resolve "Bearer TOKEN"; 0 or -1 with ERR_UNAUTH. */
int auth_token(Store *s, const char *zToken, Principal *pWho, Err *e);
/* Create an API token for zUser; the plain token is returned once. */
int auth_token_create(Store *s, const char *zUser, const char *zName, char **pzToken, int64_t *pId, Err *e);
int auth_token_revoke(Store *s, int64_t id, Err *e);


#endif
