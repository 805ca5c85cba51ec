/*
** cli.h: the command-line interface. Commands are rows of one const table
** (cli.c); the dispatcher parses options, checks arity and policy, opens the
** database, and then calls a small handler.
*/
#ifndef LMIS_CLI_H
#define LMIS_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>
#include "err.h"
#include "store.h"
#include "policy.h"

typedef struct CliOpt {
  const char *zName;   /* "--port" */
  const char *zArg;    /* value placeholder ("N") or NULL for a flag */
  const char *zHelp;
} CliOpt;

typedef struct CliCtx CliCtx;

typedef struct CliCommand {
  const char *zName;        /* "isco show" */
  int (*xRun)(CliCtx *c);   /* 0 success, -1 with c->err set */
  const char *zArgs;        /* positional arguments for usage, e.g. "CODE" */
  const char *zHelp;        /* one line */
  const char *zAction;      /* policy action */
  unsigned flags;           /* CMD_* */
  int nArgMin, nArgMax;
  const CliOpt *aOpt;       /* terminated by {0} */
} CliCommand;

enum {
  CMD_DB = 1,       /* open the database (must exist) before running */
  CMD_WRITE = 2,    /* opens read-write (default read-only) */
  CMD_JSON = 4,     /* accepts --json */
};

struct CliCtx {
  const CliCommand *pCmd;
  int nArg;
  char **azArg;         /* positional arguments */
  const char *zDb;      /* --db, LMIS_DB or ./lmis.db */
  const char *zLang;    /* --lang or LMIS_LANG, default "en" */
  bool bJson;
  Store *store;         /* open when CMD_DB */
  Principal who;        /* the operator; the CLI acts as a local administrator */
  Err err;
  FILE *out;
  /* parsed options (name, value or "" for flags) */
  int nOpt;
  const char *azOptName[16];
  const char *azOptVal[16];
};

/* The value of option zName, or NULL when not given. */
const char *cli_opt(CliCtx *c, const char *zName);
bool cli_flag(CliCtx *c, const char *zName);
/* Parse an integer option; returns 0 (default used when absent) or -1 with a usage error. */
int cli_opt_int(CliCtx *c, const char *zName, long long lo, long long hi, long long iDefault, long long *pOut);

/* Print a jansson value as indented JSON on c->out and consume it. */
int cli_print_json(CliCtx *c, json_t *j);
/* Member zKey of o when it is a string, else zDefault (borrowed). */
const char *cli_str_or(json_t *o, const char *zKey, const char *zDefault);
/* UNIX seconds v as "YYYY-MM-DD HH:MM" (UTC) on out; "-" when v is not an integer. */
void cli_put_time(FILE *out, json_t *v);

/* Run argv[1..]; returns the process exit code. */
int cli_main(int argc, char **argv);
const CliCommand *cli_commands(int *pn);

/* Progress bar on stderr, only when it is a terminal. */
typedef struct Progress Progress;
Progress *progress_start(const char *zLabel, long long nTotal);  /* NULL-safe API */
void progress_update(Progress *p, long long nDone);
void progress_end(Progress *p);

#endif
