/*
** cmd_core.c: help, version, init and serve.
*/
#include "aggregate.h"
#include "auth.h"
#include "cmds.h"
#include "agreement.h"
#include "config.h"
#include "http.h"
#include "keys.h"
#include "notify.h"
#include "refdata.h"
#include "socsec.h"
#include "util.h"

#include <errno.h>
#include <jansson.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

/* in cli.c */
void cli_help_all(FILE *f);
int cli_help_for(FILE *f, int nWord, char **azWord);

int cmd_help(CliCtx *c) {
  if (c->nArg == 0) {
    cli_help_all(c->out);
    return 0;
  }
  if (cli_help_for(c->out, c->nArg, c->azArg)) {
    err_set(&c->err, ERR_USAGE, "no command \"%s\"", c->azArg[0]);
    err_hint(&c->err, "`lmis help` lists the commands");
    return -1;
  }
  return 0;
}

int cmd_version(CliCtx *c) {
  char zMhd[32];
  snprintf(zMhd, sizeof zMhd, "%s", http_lib_version());
  if (c->bJson) {
    json_t *j = json_pack("{s:s, s:i, s:{s:s, s:s, s:s, s:s, s:s}}", "version", LMIS_VERSION, "schema",
                          store_schema_latest(), "libraries", "sqlite", sqlite3_libversion(), "libmicrohttpd",
                          zMhd, "jansson", JANSSON_VERSION, "libsodium", sodium_version_string(), "zlib",
                          zlibVersion());
    return cli_print_json(c, j);
  }
  fprintf(c->out, "lmis %s (schema %d)\nsqlite %s, libmicrohttpd %s, jansson %s, libsodium %s, zlib %s\n",
          LMIS_VERSION, store_schema_latest(), sqlite3_libversion(), zMhd, JANSSON_VERSION,
          sodium_version_string(), zlibVersion());
  return 0;
}

static void remove_db_files(const char *zPath) {
  char *z;
  unlink(zPath);
  z = xasprintf("%s-wal", zPath);
  unlink(z);
  free(z);
  z = xasprintf("%s-shm", zPath);
  unlink(z);
  free(z);
}

/* init builds the new database in PATH.new and renames it over PATH only when
** everything loaded: a failure leaves any existing database exactly as it was. */
int cmd_init(CliCtx *c) {
  const char *zData = cli_opt(c, "--data");
  const char *zAdmin = cli_opt(c, "--admin");
  char *zTmp = NULL, *zPassword = NULL, *zKeyTmp = NULL, *zKey = NULL;
  uint8_t aKey[KEYS_BYTES];
  Store *s = NULL;
  RefReport rep;
  int rc = -1;
  int64_t idAdmin = 0;
  long nPublic = 0, nSocsec = 0;
  memset(&rep, 0, sizeof rep);
  if (!zData) zData = refdata_default_dir();
  if (access(c->zDb, F_OK) == 0 && !cli_flag(c, "--force")) {
    err_set(&c->err, ERR_CONFLICT, "a database already exists at %s", c->zDb);
    err_hint(&c->err, "use --force to replace it, or --db to choose another file");
    return -1;
  }
  if (zAdmin && strlen(zAdmin) > USERNAME_MAX) {
    return err_set(&c->err, ERR_USAGE, "--admin: user names are at most %d characters", USERNAME_MAX);
  }
  zTmp = xasprintf("%s.new", c->zDb);
  remove_db_files(zTmp);
  /* The key file (audit chain, encryption at rest) is made with the database and
  ** moved into place with it, unless LMIS_KEY_FILE names one for both. */
  zKeyTmp = keys_path(zTmp);
  zKey = keys_path(c->zDb);
  if (strcmp(zKeyTmp, zKey) != 0) unlink(zKeyTmp);
  if (keys_master(zTmp, 1, aKey, &c->err)) goto init_out;
  sodium_memzero(aKey, sizeof aKey);
  if (store_open(zTmp, STORE_CREATE, &s, &c->err)) goto init_out;
  if (store_migrate(s, &c->err)) goto init_out;
  if (refdata_load(s, zData, !c->bJson, &rep, &c->err)) goto init_out;
  /* Published series (UN DESA, World Bank) go into the aggregate store. */
  if (store_begin(s, &c->err)) goto init_out;
  if (aggregate_load_public(s, zData, &nPublic, &c->err)) goto init_out;
  /* The agreements starter set and the R86 model checklist (data/agreements). */
  if (repo_load_starter(s, zData, NULL, &c->err)) goto init_out;
  if (socsec_load_dir(s, zData, &nSocsec, &c->err)) goto init_out;   /* every .json in data/socsec */
  if (store_commit(s, &c->err)) goto init_out;
  if (zAdmin) {
    zPassword = random_token(12);
    if (auth_user_add(s, zAdmin, "Administrator", ROLE_ADMIN, zPassword, &idAdmin, &c->err)) goto init_out;
  }
  if (store_exec(s, "PRAGMA wal_checkpoint(TRUNCATE)", &c->err)) goto init_out;
  store_close(s);
  s = NULL;
  remove_db_files(c->zDb);
  if (rename(zTmp, c->zDb) != 0) {
    err_set(&c->err, ERR_IO, "could not move the new database into place at %s", c->zDb);
    err_detail(&c->err, "%s", strerror(errno));
    goto init_out;
  }
  if (strcmp(zKeyTmp, zKey) != 0 && rename(zKeyTmp, zKey) != 0) {
    err_set(&c->err, ERR_IO, "could not move the new key file into place at %s", zKey);
    err_detail(&c->err, "%s", strerror(errno));
    goto init_out;
  }
  if (c->bJson) {
    json_t *j = json_pack("{s:s, s:i, s:{s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i}, s:s}",
      "database", c->zDb, "schema", store_schema_latest(), "loaded",
      "isco_groups", (json_int_t)rep.nIsco, "esco_occupations", (json_int_t)rep.nEscoOccupation,
      "esco_skills", (json_int_t)rep.nEscoSkill, "esco_relations", (json_int_t)rep.nEscoRelation,
      "esco_relations_skipped", (json_int_t)rep.nEscoRelationSkipped, "countries", (json_int_t)rep.nCountry,
      "regions", (json_int_t)rep.nRegion, "languages", (json_int_t)rep.nLanguage,
      "currencies", (json_int_t)rep.nCurrency, "instruments", (json_int_t)rep.nInstrument,
      "ratifications", (json_int_t)rep.nRatification,
      "skipped", rep.zSkipped ? rep.zSkipped : "");
    json_object_set_new(json_object_get(j, "loaded"), "public_observations", json_integer(nPublic));
    if (zAdmin) json_object_set_new(j, "admin", json_pack("{s:s, s:s}", "username", zAdmin, "password", zPassword));
    rc = cli_print_json(c, j);
  } else {
    fprintf(c->out,
            "created %s (schema %d)\n"
            "  ISCO-08 groups      %ld\n  ESCO occupations    %ld\n  ESCO skills         %ld\n"
            "  ESCO relations      %ld (%ld skipped)\n  countries           %ld\n  M49 regions         %ld\n"
            "  languages           %ld\n  currencies          %ld\n  instruments         %ld\n"
            "  ratifications       %ld\n  public statistics   %ld observations\n",
            c->zDb, store_schema_latest(), rep.nIsco, rep.nEscoOccupation, rep.nEscoSkill, rep.nEscoRelation,
            rep.nEscoRelationSkipped, rep.nCountry, rep.nRegion, rep.nLanguage, rep.nCurrency, rep.nInstrument,
            rep.nRatification, nPublic);
    if (rep.zSkipped && *rep.zSkipped) fprintf(c->out, "skipped:\n%s", rep.zSkipped);
    if (zAdmin) fprintf(c->out, "administrator: %s  password: %s  (shown once; change it with `lmis user passwd`)\n",
                        zAdmin, zPassword);
    rc = 0;
  }
init_out:
  store_close(s);
  if (rc) remove_db_files(zTmp);
  if (rc && zKeyTmp && zKey && strcmp(zKeyTmp, zKey) != 0) unlink(zKeyTmp);
  free(zKeyTmp);
  free(zKey);
  if (zPassword) sodium_memzero(zPassword, strlen(zPassword));
  free(zPassword);
  free(zTmp);
  free(rep.zSkipped);
  return rc;
}

int cmd_serve(CliCtx *c) {
  ServerConfig cfg;
  long long v;
  server_config_default(&cfg);
  cfg.zDb = c->zDb;
  if (cli_opt_int(c, "--port", 0, 65535, 8080, &v)) return -1;
  cfg.port = (int)v;
  if (cli_opt_int(c, "--threads", 1, 64, cfg.nThreads, &v)) return -1;
  cfg.nThreads = (int)v;
  if (cli_opt_int(c, "--max-body", 1024, 64LL << 20, (long long)cfg.nMaxBody, &v)) return -1;
  cfg.nMaxBody = (size_t)v;
  if (cli_opt(c, "--bind")) cfg.zBind = cli_opt(c, "--bind");
  if (cli_opt(c, "--access-log")) cfg.zAccessLog = cli_opt(c, "--access-log");
  cfg.bSecureCookies = cli_flag(c, "--secure-cookies");
  /* The dispatcher opened the database to check it exists and is current; the
  ** server opens its own pool. */
  store_close(c->store);
  c->store = NULL;
  /* Notifications and the deadline sweep run beside the server, on their own
  ** connection, and stop with it (notify.h). */
  {
    NotifyWorker *pNotify = NULL;
    int rc;
    if (cli_opt_int(c, "--notify-interval", 0, 86400, 60, &v)) return -1;
    if (v > 0 && notify_worker_start(cfg.zDb, (int)v, &pNotify, &c->err)) return -1;
    rc = server_run(&cfg, &c->err);
    notify_worker_stop(pNotify);
    return rc;
  }
}
