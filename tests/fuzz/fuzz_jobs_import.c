/* libFuzzer target: the job-matching importer (jobs.c) for JSON Lines and CSV, all
** three kinds. The first byte picks the kind and the format; the rest is the file.
** A scratch database with a small reference set (countries, languages, ISCO groups,
** ESCO occupations and skills) is made once. The importer must accept the input or
** refuse it with a message naming the line, never crash or leak; an accepted
** import is deleted again so the database stays small. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "jobs.h"
#include "store.h"

static void run(Store *s, const char *zSql) {
  Err e = ERR_INIT;
  if (store_exec(s, zSql, &e)) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static Store *s;
  static char zDb[64];
  Err e = ERR_INIT;
  int n;
  if (!s) {
    snprintf(zDb, sizeof zDb, "/tmp/lmis-fuzz-jobs-%d.db", (int)getpid());
    unlink(zDb);
    if (store_open(zDb, STORE_CREATE, &s, &e) || store_migrate(s, &e)) abort();
    run(s, "INSERT INTO isco_group(code, level, parent, title_en, skill_levels) VALUES('7',1,NULL,'C','2'),"
           "('72',2,'7','M','2'),('721',3,'72','W','2'),('7212',4,'721','Welders','2');"
           "INSERT INTO country(alpha2, alpha3, numeric, name_en) VALUES('DE','DEU','276','Germany'),"
           "('PH','PHL','608','Philippines');"
           "INSERT INTO language(alpha2, alpha3, name_en) VALUES('de','deu','German'),('en','eng','English');"
           "INSERT INTO currency(code, name_en) VALUES('EUR','Euro');"
           "INSERT INTO esco_occupation(id, uri, isco_code, title) VALUES(1,'http://data.europa.eu/esco/occupation/w','7212','welder');"
           "INSERT INTO esco_skill(id, uri, title) VALUES(1,'http://data.europa.eu/esco/skill/a','a'),"
           "(2,'http://data.europa.eu/esco/skill/b','b');");
  }
  if (size < 1) return 0;
  JobsKind k = (JobsKind)(data[0] % 3);
  const char *zFormat = (data[0] & 4) ? "csv" : "jsonl";
  if (jobs_import_mem(s, k, "fuzz", (const char *)data + 1, size - 1, zFormat, &n, &e) != 0) {
    if (!e.zMsg) abort();   /* a refusal must say why */
    if (store_int(s, "SELECT count(*) FROM vacancy", 0) + store_int(s, "SELECT count(*) FROM seeker", 0) != 0)
      abort();              /* all or nothing */
  } else {
    run(s, "DELETE FROM vacancy; DELETE FROM seeker; DELETE FROM recognition_arrangement;");
  }
  err_clear(&e);
  return 0;
}
