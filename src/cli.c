/*
** cli.c: the command table and the dispatcher. The dispatcher does every check
** once (options, arity, policy, database) so handlers stay small.
*/
#include "cli.h"
#include "cmds.h"
#include "i18n.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define OPT_END {0, 0, 0}

static const CliOpt aNoOpt[] = {OPT_END};
static const CliOpt aLangOpt[] = {{"--lang", "L", "language of titles: en, fr or es"}, OPT_END};
static const CliOpt aLimitOpt[] = {{"--limit", "N", "at most N results (1-100, default 20)"}, OPT_END};

/* Sorted by name; `lmis help` prints them in this order. */
static const CliCommand aCommand[] = {
  {"aggregate list", cmd_aggregate_list, "", "list published aggregates held (computed, imported, public series)",
   "indicator.read", CMD_DB | CMD_JSON, 0, 0,
   (const CliOpt[]){{"--area", "ISO3", "reference area (ISO 3166-1 alpha-3)"},
                    {"--counterpart", "ISO3", "counterpart area (origin or destination of a corridor)"},
                    {"--indicator", "ID", "indicator code"},
                    {"--dataflow", "ID", "dataflow"},
                    {"--limit", "N", "at most N observations (default 100)"},
                    OPT_END}},
  {"country list", cmd_country_list, "", "list ISO 3166-1 countries with M49 regions",
   "country.read", CMD_DB | CMD_JSON, 0, 0, aLangOpt},
  {"esco search", cmd_esco_search, "TEXT...", "search ESCO occupations by title (ranked)",
   "esco.read", CMD_DB | CMD_JSON, 1, 32, aLimitOpt},
  {"esco show", cmd_esco_show, "ID|URI", "show an ESCO occupation with its essential and optional skills",
   "esco.read", CMD_DB | CMD_JSON, 1, 1, aNoOpt},
  {"help", cmd_help, "[COMMAND]", "show help for all commands or one command",
   NULL, CMD_JSON, 0, 3, aNoOpt},
  {"indicator compute", cmd_indicator_compute, "ID", "compute an indicator from a survey, by sex and age band or as asked",
   "indicator.read", CMD_DB | CMD_WRITE | CMD_JSON, 1, 1,
   (const CliOpt[]){{"--survey", "NAME", "the survey to compute from"},
                    {"--by", "A,B", "breakdowns (default: the indicator's own)"},
                    {"--format", "F", "table, json, sdmx-csv, sdmx-csv2, sdmx-ml or sdmx-json (default table)"},
                    {"--publish", NULL, "also store the results as published aggregates"},
                    {"--cv-max", "C", "flag estimates with a larger coefficient of variation as unreliable (default 0.3)"},
                    {"--min-n", "N", "suppress estimates from fewer sample units (default 10)"},
                    {"--lang", "L", "language of labels: en, fr or es"},
                    OPT_END}},
  {"indicator list", cmd_indicator_list, "", "list the indicator catalogue",
   "indicator.read", CMD_DB | CMD_JSON, 0, 0, aLangOpt},
  {"init", cmd_init, "", "create a database with the schema and all reference data",
   "db.init", CMD_JSON, 0, 0,
   (const CliOpt[]){{"--force", NULL, "replace an existing database"},
                    {"--data", "DIR", "reference data directory (default: LMIS_DATA or the built-in path)"},
                    {"--admin", "USER", "also create an administrator USER with a generated password"},
                    OPT_END}},
  {"isco list", cmd_isco_list, "", "list ISCO-08 groups of one level or under one group",
   "isco.read", CMD_DB | CMD_JSON, 0, 0,
   (const CliOpt[]){{"--level", "N", "1 major, 2 sub-major, 3 minor, 4 unit (default 1)"},
                    {"--parent", "CODE", "only the groups directly under CODE"},
                    {"--lang", "L", "language of titles: en, fr or es"},
                    OPT_END}},
  {"isco search", cmd_isco_search, "TEXT...", "full-text search over ISCO-08 groups and ESCO occupations",
   "isco.read", CMD_DB | CMD_JSON, 1, 32,
   (const CliOpt[]){{"--limit", "N", "at most N results (1-100, default 20)"},
                    {"--lang", "L", "language of titles: en, fr or es"},
                    OPT_END}},
  {"isco show", cmd_isco_show, "CODE", "show an ISCO-08 group: path, definition, children, ESCO occupations",
   "isco.read", CMD_DB | CMD_JSON, 1, 1, aLangOpt},
  {"sdmx export", cmd_sdmx_export, "FLOW", "export published aggregates of a dataflow as SDMX",
   "sdmx.read", CMD_DB, 1, 1,
   (const CliOpt[]){{"--key", "KEY", "series key: dimension codes joined by '.', empty for all, '+' for or"},
                    {"--format", "F", "sdmx-csv, sdmx-csv2, sdmx-ml or sdmx-json (default sdmx-csv)"},
                    OPT_END}},
  {"sdmx import", cmd_sdmx_import, "FILE", "import SDMX-CSV (1.0 or 2.0) aggregates published elsewhere",
   "aggregate.import", CMD_DB | CMD_WRITE | CMD_JSON, 1, 1,
   (const CliOpt[]){{"--dataflow", "ID", "dataflow to file them under when the file does not say"}, OPT_END}},
  {"sdmx structure", cmd_sdmx_structure, "", "print the lmis data structure definition and codelists as SDMX-ML 2.1",
   "sdmx.read", CMD_DB, 0, 0,
   (const CliOpt[]){{"--xsd", NULL, "print the structure-specific XML schema of the lmis DSD instead"}, OPT_END}},
  {"serve", cmd_serve, "", "serve the web application and JSON API",
   "server.run", CMD_DB, 0, 0,
   (const CliOpt[]){{"--port", "N", "TCP port (default 8080; 0 picks a free port)"},
                    {"--bind", "ADDR", "address to listen on (default 127.0.0.1)"},
                    {"--threads", "N", "worker threads (default 4)"},
                    {"--access-log", "FILE", "append one line per request to FILE (- for stderr)"},
                    {"--max-body", "BYTES", "largest request body accepted (default 1048576)"},
                    {"--secure-cookies", NULL, "mark cookies Secure (when served behind TLS)"},
                    OPT_END}},
  {"survey drop", cmd_survey_drop, "NAME", "delete a survey and its microdata",
   "survey.manage", CMD_DB | CMD_WRITE, 1, 1, aNoOpt},
  {"survey estimate", cmd_survey_estimate, "NAME", "estimate a total, mean, ratio or quantile with its standard error",
   "survey.estimate", CMD_DB | CMD_JSON, 1, 1,
   (const CliOpt[]){{"--stat", "S", "total, mean, ratio or quantile"},
                    {"--var", "X", "variable (name or concept); X=code for an indicator of one level"},
                    {"--den", "Y", "denominator of a ratio (name, concept or Y=code)"},
                    {"--q", "P", "quantile, between 0 and 1 (default 0.5)"},
                    {"--by", "A,B", "domains: one row per combination of levels"},
                    {"--where", "A=code,B=code", "restrict to a domain (the design is kept whole)"},
                    {"--conf", "L", "confidence level (default 0.95)"},
                    {"--cv-max", "C", "flag estimates with a larger coefficient of variation as unreliable (default 0.3)"},
                    {"--min-n", "N", "suppress estimates from fewer sample units (default 10)"},
                    {"--batch", "FILE", "a JSON array of estimates ({stat, var, den, q, by, where, ...}) in one run"},
                    OPT_END}},
  {"survey import", cmd_survey_import, "NAME DATA.csv", "import survey microdata with a codebook (all or nothing)",
   "survey.import", CMD_DB | CMD_WRITE | CMD_JSON, 2, 2,
   (const CliOpt[]){{"--codebook", "FILE", "the codebook (JSON): design, variables, concepts, code maps"}, OPT_END}},
  {"survey list", cmd_survey_list, "", "list imported surveys",
   "survey.read", CMD_DB | CMD_JSON, 0, 0, aNoOpt},
  {"survey show", cmd_survey_show, "NAME", "show a survey's design and columns",
   "survey.read", CMD_DB | CMD_JSON, 1, 1, aNoOpt},
  {"token create", cmd_token_create, "USER", "create an API bearer token for USER (printed once)",
   "token.manage", CMD_DB | CMD_WRITE | CMD_JSON, 1, 1,
   (const CliOpt[]){{"--name", "NAME", "what the token is for (default \"api\")"}, OPT_END}},
  {"token list", cmd_token_list, "", "list API tokens (never their values)",
   "token.manage", CMD_DB | CMD_JSON, 0, 0, aNoOpt},
  {"token revoke", cmd_token_revoke, "ID", "revoke an API token",
   "token.manage", CMD_DB | CMD_WRITE, 1, 1, aNoOpt},
  {"user add", cmd_user_add, "USER", "create an account",
   "account.manage", CMD_DB | CMD_WRITE | CMD_JSON, 1, 1,
   (const CliOpt[]){{"--role", "ROLE", "migrant, employment_officer, statistician, labour_inspector, "
                                       "recruitment_regulator, social_partner, immigration_officer or admin"},
                    {"--name", "TEXT", "display name"},
                    {"--password-stdin", NULL, "read the password from standard input"},
                    OPT_END}},
  {"user disable", cmd_user_disable, "USER", "disable an account and end its sessions and tokens",
   "account.manage", CMD_DB | CMD_WRITE, 1, 1, aNoOpt},
  {"user list", cmd_user_list, "", "list accounts",
   "account.manage", CMD_DB | CMD_JSON, 0, 0, aNoOpt},
  {"user passwd", cmd_user_passwd, "USER", "set a new password for an account",
   "account.manage", CMD_DB | CMD_WRITE, 1, 1,
   (const CliOpt[]){{"--password-stdin", NULL, "read the password from standard input"}, OPT_END}},
  {"version", cmd_version, "", "print the version of lmis and of its libraries",
   NULL, CMD_JSON, 0, 0, aNoOpt},
};

static const CliOpt aGlobalOpt[] = {
  {"--db", "PATH", "database file (default: LMIS_DB or ./lmis.db)"},
  {"--json", NULL, "print machine-readable JSON"},
  {"--help", NULL, "show help for the command"},
  OPT_END,
};

const CliCommand *cli_commands(int *pn) {
  *pn = (int)COUNT(aCommand);
  return aCommand;
}

const char *cli_opt(CliCtx *c, const char *zName) {
  for (int i = 0; i < c->nOpt; i++)
    if (strcmp(c->azOptName[i], zName) == 0) return c->azOptVal[i];
  return NULL;
}

bool cli_flag(CliCtx *c, const char *zName) { return cli_opt(c, zName) != NULL; }

int cli_opt_int(CliCtx *c, const char *zName, long long lo, long long hi, long long iDefault, long long *pOut) {
  const char *z = cli_opt(c, zName);
  *pOut = iDefault;
  if (!z) return 0;
  if (parse_int(z, lo, hi, pOut)) {
    err_set(&c->err, ERR_USAGE, "%s: %s must be a whole number from %lld to %lld, not \"%s\"",
            c->pCmd->zName, zName, lo, hi, z);
    return -1;
  }
  return 0;
}

int cli_print_json(CliCtx *c, json_t *j) {
  int rc = json_dumpf(j, c->out, JSON_INDENT(2));
  fputc('\n', c->out);
  json_decref(j);
  return rc == 0 ? 0 : err_set(&c->err, ERR_IO, "could not write output");
}

/* ---- progress bar ---- */

struct Progress {
  const char *zLabel;
  long long nTotal;
  struct timespec last;
};

Progress *progress_start(const char *zLabel, long long nTotal) {
  if (!isatty(STDERR_FILENO) || getenv("LMIS_NO_PROGRESS")) return NULL;
  Progress *p = xcalloc(1, sizeof(*p));
  p->zLabel = zLabel;
  p->nTotal = nTotal;
  progress_update(p, 0);
  return p;
}

void progress_update(Progress *p, long long nDone) {
  struct timespec now;
  if (!p) return;
  clock_gettime(CLOCK_MONOTONIC, &now);
  long ms = (now.tv_sec - p->last.tv_sec) * 1000 + (now.tv_nsec - p->last.tv_nsec) / 1000000;
  if (nDone != 0 && nDone < p->nTotal && ms < 100) return;
  p->last = now;
  int pct = p->nTotal > 0 ? (int)(nDone * 100 / p->nTotal) : 0;
  if (pct > 100) pct = 100;
  char aBar[31];
  int nFill = pct * 30 / 100;
  memset(aBar, '#', (size_t)nFill);
  memset(aBar + nFill, '.', (size_t)(30 - nFill));
  aBar[30] = 0;
  fprintf(stderr, "\r%-28.28s [%s] %3d%%", p->zLabel, aBar, pct);
  fflush(stderr);
}

void progress_end(Progress *p) {
  if (!p) return;
  progress_update(p, p->nTotal);
  fputc('\n', stderr);
  free(p);
}

/* ---- dispatcher ---- */

static const CliOpt *find_opt(const CliOpt *a, const char *zName) {
  for (; a && a->zName; a++)
    if (strcmp(a->zName, zName) == 0) return a;
  return NULL;
}

/* Match the longest command name formed by the leading non-option words. */
static const CliCommand *find_command(int argc, char **argv, int *pnWords) {
  const CliCommand *pBest = NULL;
  for (size_t i = 0; i < COUNT(aCommand); i++) {
    const char *zName = aCommand[i].zName;
    int nWords = 0, k = 0;
    const char *z = zName;
    bool bMatch = true;
    while (*z) {
      size_t n = strcspn(z, " ");
      if (k >= argc || strlen(argv[k]) != n || strncmp(argv[k], z, n) != 0) { bMatch = false; break; }
      nWords++;
      k++;
      z += n;
      if (*z == ' ') z++;
    }
    if (bMatch && (!pBest || nWords > *pnWords)) {
      pBest = &aCommand[i];
      *pnWords = nWords;
    }
  }
  return pBest;
}

void cli_usage(FILE *f, const CliCommand *p);
void cli_usage(FILE *f, const CliCommand *p) {
  fprintf(f, "usage: lmis %s%s%s [options]\n\n%s\n", p->zName, *p->zArgs ? " " : "", p->zArgs, p->zHelp);
  fprintf(f, "\noptions:\n");
  for (const CliOpt *o = p->aOpt; o && o->zName; o++)
    fprintf(f, "  %s%s%-*s %s\n", o->zName, o->zArg ? " " : "", (int)(20 - strlen(o->zName)),
            o->zArg ? o->zArg : "", o->zHelp);
  for (const CliOpt *o = aGlobalOpt; o->zName; o++) {
    if (strcmp(o->zName, "--json") == 0 && !(p->flags & CMD_JSON)) continue;
    if (strcmp(o->zName, "--db") == 0 && !(p->flags & CMD_DB) && strcmp(p->zName, "init") != 0) continue;
    fprintf(f, "  %s%s%-*s %s\n", o->zName, o->zArg ? " " : "", (int)(20 - strlen(o->zName)),
            o->zArg ? o->zArg : "", o->zHelp);
  }
}

/* List the subcommands of a group word such as "user". */
static int group_usage(FILE *f, const char *zWord) {
  size_t n = strlen(zWord);
  int nFound = 0;
  for (size_t i = 0; i < COUNT(aCommand); i++) {
    if (strncmp(aCommand[i].zName, zWord, n) == 0 && aCommand[i].zName[n] == ' ') {
      if (!nFound) fprintf(f, "usage: lmis %s SUBCOMMAND ...\n\nsubcommands:\n", zWord);
      fprintf(f, "  %-14s %s\n", aCommand[i].zName + n + 1, aCommand[i].zHelp);
      nFound++;
    }
  }
  return nFound;
}

void cli_help_all(FILE *f);
void cli_help_all(FILE *f) {
  fprintf(f, "lmis: labour migration information system\n\nusage: lmis COMMAND [ARGS] [options]\n\ncommands:\n");
  for (size_t i = 0; i < COUNT(aCommand); i++) {
    char zUse[64];
    snprintf(zUse, sizeof zUse, "%s %s", aCommand[i].zName, aCommand[i].zArgs);
    fprintf(f, "  %-26s %s\n", zUse, aCommand[i].zHelp);
  }
  fprintf(f, "\n`lmis help COMMAND` or `lmis COMMAND --help` shows a command's options.\n"
             "Exit status: 0 success, 1 failure, 2 usage error.\n");
}

/* Help for "help WORDS...": used by cmd_help. Returns 0 or -1 if unknown. */
int cli_help_for(FILE *f, int nWord, char **azWord);
int cli_help_for(FILE *f, int nWord, char **azWord) {
  int nUsed = 0;
  const CliCommand *p = find_command(nWord, azWord, &nUsed);
  if (p && nUsed == nWord) {
    cli_usage(f, p);
    return 0;
  }
  if (nWord == 1 && group_usage(f, azWord[0])) return 0;
  return -1;
}

static int usage_error(CliCtx *c, const CliCommand *p, const char *zFmt, const char *zArg) {
  char zMsg[256];
  snprintf(zMsg, sizeof zMsg, zFmt, zArg);
  err_set(&c->err, ERR_USAGE, "%s: %s", p ? p->zName : "lmis", zMsg);
  err_hint(&c->err, "see `lmis help%s%s`", p ? " " : "", p ? p->zName : "");
  return -1;
}

static int dispatch(CliCtx *c, int argc, char **argv) {
  int nWords = 0;
  const CliCommand *p;
  if (argc < 1 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
    cli_help_all(stdout);
    return argc < 1 ? err_set(&c->err, ERR_USAGE, "no command given") : 0;
  }
  if (strcmp(argv[0], "--version") == 0) argv[0] = "version";
  p = find_command(argc, argv, &nWords);
  if (!p) {
    /* "lmis user" alone, "lmis user --help", or a typo. */
    bool bHelp = argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0);
    if (group_usage(bHelp ? stdout : stderr, argv[0])) {
      if (bHelp) return 0;
      err_set(&c->err, ERR_USAGE, "%s: missing or unknown subcommand%s%s", argv[0], argc > 1 ? " " : "",
              argc > 1 ? argv[1] : "");
      return -1;
    }
    err_set(&c->err, ERR_USAGE, "unknown command \"%s\"", argv[0]);
    err_hint(&c->err, "`lmis help` lists the commands");
    return -1;
  }
  c->pCmd = p;
  c->azArg = xcalloc((size_t)argc + 1, sizeof(char *));
  bool bOptsDone = false;
  for (int i = nWords; i < argc; i++) {
    char *zA = argv[i];
    if (!bOptsDone && strcmp(zA, "--") == 0) { bOptsDone = true; continue; }
    if (!bOptsDone && zA[0] == '-' && zA[1] != 0 && !(zA[1] >= '0' && zA[1] <= '9')) {
      char zName[64];
      const char *zVal = NULL;
      const char *zEq = strchr(zA, '=');
      size_t n = zEq ? (size_t)(zEq - zA) : strlen(zA);
      if (n >= sizeof zName) return usage_error(c, p, "unknown option %s", zA);
      memcpy(zName, zA, n);
      zName[n] = 0;
      if (strcmp(zName, "-h") == 0) snprintf(zName, sizeof zName, "%s", "--help");
      const CliOpt *o = find_opt(p->aOpt, zName);
      if (!o) o = find_opt(aGlobalOpt, zName);
      if (!o || (strcmp(zName, "--json") == 0 && !(p->flags & CMD_JSON)))
        return usage_error(c, p, "unknown option %s", zName);
      if (strcmp(zName, "--help") == 0) {
        cli_usage(stdout, p);
        c->pCmd = NULL; /* handled */
        return 0;
      }
      if (o->zArg) {
        if (zEq) zVal = zEq + 1;
        else if (i + 1 < argc) zVal = argv[++i];
        else return usage_error(c, p, "option %s needs a value", zName);
      } else if (zEq) {
        return usage_error(c, p, "option %s takes no value", zName);
      } else {
        zVal = "";
      }
      if (strcmp(zName, "--db") == 0) c->zDb = zVal;
      else if (strcmp(zName, "--json") == 0) c->bJson = true;
      else {
        if (strcmp(zName, "--lang") == 0 && !i18n_supported(zVal))
          return usage_error(c, p, "unsupported language \"%s\" (en, fr or es)", zVal);
        if (c->nOpt >= (int)COUNT(c->azOptName)) return usage_error(c, p, "too many options%s", "");
        c->azOptName[c->nOpt] = o->zName;
        c->azOptVal[c->nOpt] = zVal;
        c->nOpt++;
        if (strcmp(zName, "--lang") == 0) c->zLang = zVal;
      }
      continue;
    }
    c->azArg[c->nArg++] = zA;
  }
  if (c->nArg < p->nArgMin) return usage_error(c, p, "missing argument %s", p->zArgs);
  if (c->nArg > p->nArgMax) return usage_error(c, p, "unexpected argument \"%s\"", c->azArg[p->nArgMax]);
  if (p->zAction && policy_check(p->zAction, &c->who, &c->err)) return -1;
  if (p->flags & CMD_DB) {
    if (store_open(c->zDb, STORE_READWRITE, &c->store, &c->err)) return -1;
  }
  return p->xRun(c);
}

int cli_main(int argc, char **argv) {
  CliCtx c;
  int rc;
  memset(&c, 0, sizeof c);
  c.out = stdout;
  c.zDb = getenv("LMIS_DB");
  if (!c.zDb || !*c.zDb) c.zDb = "lmis.db";
  c.zLang = getenv("LMIS_LANG");
  if (!c.zLang || !i18n_supported(c.zLang)) c.zLang = "en";
  /* The CLI is run by whoever operates the machine and holds the database file:
  ** it acts as a local administrator, and the policy table still decides. */
  c.who.role = ROLE_ADMIN;
  snprintf(c.who.zUsername, sizeof c.who.zUsername, "%s", "cli");
  rc = dispatch(&c, argc - 1, argv + 1);
  if (rc) {
    const char *zCmd = c.pCmd ? c.pCmd->zName : NULL;
    /* Messages read "lmis: <command>: <why>". */
    if (zCmd && c.err.zMsg && !str_startswith(c.err.zMsg, zCmd)) {
      char *z = xasprintf("%s: %s", zCmd, c.err.zMsg);
      free(c.err.zMsg);
      c.err.zMsg = z;
    }
    err_print(&c.err);
    rc = err_exit_code(c.err.code ? c.err.code : ERR_INTERNAL);
  }
  fflush(stdout);
  if (ferror(stdout) && !rc) rc = 1;
  store_close(c.store);
  err_clear(&c.err);
  free(c.azArg);
  return rc;
}
