/*
** cmd_user.c: account and API token commands. auth.c audits every change (in the
** same transaction), so these handlers only parse, call and print.
*/
#include "auth.h"
#include "cmds.h"
#include "notify.h"
#include "util.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define PASSWORD_MAX 1024

/* Read one line (without its newline) from f into z. 0, or -1 at EOF/too long. */
static int read_line(FILE *f, char *z, size_t n) {
  if (!fgets(z, (int)n, f)) return -1;
  size_t k = strlen(z);
  if (k && z[k - 1] == '\n') z[--k] = 0;
  else if (!feof(f)) return -1;
  if (k && z[k - 1] == '\r') z[--k] = 0;
  return 0;
}

static int prompt_hidden(const char *zPrompt, char *z, size_t n) {
  struct termios old, noecho;
  int rc;
  fputs(zPrompt, stderr);
  fflush(stderr);
  tcgetattr(STDIN_FILENO, &old);
  noecho = old;
  noecho.c_lflag &= ~(tcflag_t)ECHO;
  tcsetattr(STDIN_FILENO, TCSAFLUSH, &noecho);
  rc = read_line(stdin, z, n);
  tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
  fputc('\n', stderr);
  return rc;
}

/* Get a password: --password-stdin, a terminal prompt (twice), or, when neither,
** a generated one that *pbGenerated tells the caller to print. Caller frees. */
static char *get_password(CliCtx *c, bool *pbGenerated) {
  char z1[PASSWORD_MAX + 2], z2[PASSWORD_MAX + 2];
  char *zOut = NULL;
  *pbGenerated = false;
  if (cli_flag(c, "--password-stdin")) {
    if (read_line(stdin, z1, sizeof z1)) {
      err_set(&c->err, ERR_INVALID, "could not read a password line from standard input");
      err_detail(&c->err, "expected one line of at most %d bytes", PASSWORD_MAX);
      return NULL;
    }
  } else if (isatty(STDIN_FILENO)) {
    if (prompt_hidden("New password: ", z1, sizeof z1) || prompt_hidden("Repeat it: ", z2, sizeof z2)) {
      err_set(&c->err, ERR_INVALID, "no password entered");
      return NULL;
    }
    if (strcmp(z1, z2) != 0) {
      sodium_memzero(z2, sizeof z2);
      sodium_memzero(z1, sizeof z1);
      err_set(&c->err, ERR_INVALID, "the two passwords differ");
      return NULL;
    }
    sodium_memzero(z2, sizeof z2);
  } else {
    *pbGenerated = true;
    return random_token(12);
  }
  if (auth_password_ok(z1, &c->err) == 0) zOut = xstrdup(z1);
  sodium_memzero(z1, sizeof z1);
  return zOut;
}

static void free_password(char *z) {
  if (!z) return;
  sodium_memzero(z, strlen(z));
  free(z);
}

int cmd_user_add(CliCtx *c) {
  const char *zUser = c->azArg[0];
  const char *zRole = cli_opt(c, "--role");
  Role role;
  bool bGen;
  int64_t id = 0;
  char *zPw;
  int rc;
  if (!zRole) {
    err_set(&c->err, ERR_USAGE, "--role is required");
    err_hint(&c->err, "for example: lmis user add %s --role employment_officer", zUser);
    return -1;
  }
  if (role_parse(zRole, &role) || role == ROLE_PUBLIC) {
    err_set(&c->err, ERR_USAGE, "unknown role \"%s\"", zRole);
    err_hint(&c->err, "roles: migrant, employment_officer, statistician, labour_inspector, "
                      "recruitment_regulator, social_partner, immigration_officer, admin");
    return -1;
  }
  /* Checked before the account exists, so a bad address creates nothing. */
  if (cli_opt(c, "--email") && !notify_email_ok(cli_opt(c, "--email"))) {
    err_set(&c->err, ERR_USAGE, "not an email address lmis can write to: \"%.80s\"", cli_opt(c, "--email"));
    err_where(&c->err, "--email");
    return -1;
  }
  if (!(zPw = get_password(c, &bGen))) return -1;
  rc = auth_user_add(c->store, zUser, cli_opt(c, "--name"), role, zPw, &id, &c->err);
  if (rc == 0 && cli_opt(c, "--email")) rc = auth_user_set_email(c->store, zUser, cli_opt(c, "--email"), &c->err);
  if (rc == 0) {
    if (c->bJson) {
      json_t *j = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "username", zUser, "role", role_name(role));
      if (bGen) json_object_set_new(j, "password", json_string(zPw));
      rc = cli_print_json(c, j);
    } else {
      fprintf(c->out, "created %s (%s), id %lld\n", zUser, role_name(role), (long long)id);
      if (bGen) fprintf(c->out, "password: %s  (shown once)\n", zPw);
    }
  }
  free_password(zPw);
  return rc;
}

/* Print the list a (consumed) as JSON {zKey: a}, or as a table: id, the text fields
** azField (headed azHead; the second nWidth wide), and "active" or zOff from the
** boolean field zFlag. */
static int print_list(CliCtx *c, json_t *a, const char *zKey, const char *const azField[2],
                      const char *const azHead[2], int nWidth, const char *zFlag, const char *zOff) {
  size_t i;
  json_t *o;
  if (c->bJson) return cli_print_json(c, json_pack("{s:o}", zKey, a));
  fprintf(c->out, "%-6s %-24s %-*s %s\n", "id", azHead[0], nWidth, azHead[1], "status");
  json_array_foreach(a, i, o) {
    fprintf(c->out, "%-6lld %-24s %-*s %s\n", (long long)json_integer_value(json_object_get(o, "id")),
            json_string_value(json_object_get(o, azField[0])), nWidth, json_string_value(json_object_get(o, azField[1])),
            json_is_true(json_object_get(o, zFlag)) ? zOff : "active");
  }
  json_decref(a);
  return 0;
}

int cmd_user_list(CliCtx *c) {
  Stmt *q = store_prepare(c->store,
    "SELECT id, username, display_name, role, disabled, created_at FROM account ORDER BY username", &c->err);
  json_t *a = json_array();
  int rc;
  if (!q) { json_decref(a); return -1; }
  while ((rc = stmt_step(q, &c->err)) == 1) {
    json_array_append_new(a, json_pack("{s:I, s:s, s:s?, s:s, s:b, s:I}", "id", (json_int_t)stmt_int(q, 0),
      "username", stmt_text(q, 1), "display_name", stmt_text(q, 2), "role", stmt_text(q, 3),
      "disabled", (int)stmt_int(q, 4), "created_at", (json_int_t)stmt_int(q, 5)));
  }
  stmt_finalize(q);
  if (rc < 0) { json_decref(a); return -1; }
  static const char *const azField[] = {"username", "role"}, *const azHead[] = {"user", "role"};
  return print_list(c, a, "users", azField, azHead, 22, "disabled", "disabled");
}

int cmd_user_disable(CliCtx *c) {
  if (auth_user_disable(c->store, c->azArg[0], &c->err)) return -1;
  fprintf(c->out, "disabled %s\n", c->azArg[0]);
  return 0;
}

int cmd_user_passwd(CliCtx *c) {
  bool bGen;
  char *zPw = get_password(c, &bGen);
  int rc;
  if (!zPw) return -1;
  rc = auth_user_set_password(c->store, c->azArg[0], zPw, &c->err);
  if (rc == 0) {
    fprintf(c->out, "password changed for %s\n", c->azArg[0]);
    if (bGen) fprintf(c->out, "password: %s  (shown once)\n", zPw);
  }
  free_password(zPw);
  return rc;
}

int cmd_token_create(CliCtx *c) {
  const char *zName = cli_opt(c, "--name");
  char *zTok = NULL;
  int64_t id = 0;
  int rc;
  if (!zName) zName = "api";
  rc = auth_token_create(c->store, c->azArg[0], zName, &zTok, &id, &c->err);
  if (rc == 0) {
    if (c->bJson) rc = cli_print_json(c, json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)id, "user",
                                                   c->azArg[0], "name", zName, "token", zTok));
    else fprintf(c->out, "token %lld for %s: %s\n(shown once; send it as `Authorization: Bearer <token>`)\n",
                 (long long)id, c->azArg[0], zTok);
  }
  free_password(zTok);
  return rc;
}

int cmd_token_list(CliCtx *c) {
  Stmt *q = store_prepare(c->store,
    "SELECT t.id, a.username, t.name, t.created_at, t.last_used_at, t.revoked"
    " FROM api_token t JOIN account a ON a.id = t.account_id ORDER BY t.id", &c->err);
  json_t *a = json_array();
  int rc;
  if (!q) { json_decref(a); return -1; }
  while ((rc = stmt_step(q, &c->err)) == 1) {
    json_t *t = json_pack("{s:I, s:s, s:s, s:I, s:b}", "id", (json_int_t)stmt_int(q, 0), "user", stmt_text(q, 1),
                          "name", stmt_text(q, 2), "created_at", (json_int_t)stmt_int(q, 3), "revoked",
                          (int)stmt_int(q, 5));
    json_object_set_new(t, "last_used_at", stmt_is_null(q, 4) ? json_null() : json_integer(stmt_int(q, 4)));
    json_array_append_new(a, t);
  }
  stmt_finalize(q);
  if (rc < 0) { json_decref(a); return -1; }
  static const char *const azField[] = {"user", "name"}, *const azHead[] = {"user", "name"};
  return print_list(c, a, "tokens", azField, azHead, 20, "revoked", "revoked");
}

int cmd_token_revoke(CliCtx *c) {
  long long id;
  if (parse_int(c->azArg[0], 1, INT64_MAX, &id))
    return err_set(&c->err, ERR_USAGE, "token ID must be a positive whole number, not \"%s\"", c->azArg[0]);
  if (auth_token_revoke(c->store, id, &c->err)) return -1;
  fprintf(c->out, "revoked token %lld\n", id);
  return 0;
}

int cmd_user_email(CliCtx *c) {
  const char *zEmail = c->nArg > 1 ? c->azArg[1] : NULL;
  if (auth_user_set_email(c->store, c->azArg[0], zEmail, &c->err)) return -1;
  if (zEmail) fprintf(c->out, "%s gets case notifications at %s\n", c->azArg[0], zEmail);
  else fprintf(c->out, "%s gets no case notifications by email\n", c->azArg[0]);
  return 0;
}
