/* libFuzzer target: JSON documents given to `lmis agreement import`, then a search with
** the same bytes as text. The scratch database, made once, holds a few countries, an
** ISCO-08 group and the instruments, so that valid records get through to the writes.
** Every refusal must say why (and where); nothing may crash or leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "agreement.h"
#include "store.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static Store *s;
  static char zDb[64];
  Err e = ERR_INIT;
  if (!s) {
    snprintf(zDb, sizeof zDb, "/tmp/lmis-fuzz-agreement-%d.db", (int)getpid());
    unlink(zDb);
    if (store_open(zDb, STORE_CREATE, &s, &e) || store_migrate(s, &e) ||
        store_exec(s,
          "INSERT INTO country(alpha2, alpha3, numeric, name_en) VALUES ('PH','PHL','608','Philippines'),"
          " ('DE','DEU','276','Germany'), ('ES','ESP','724','Spain'), ('EC','ECU','218','Ecuador');"
          "INSERT INTO isco_group(code, level, title_en, skill_levels) VALUES ('2','1','Professionals','4');"
          "INSERT INTO instrument(code, organisation, number, year, title_en, source) VALUES"
          " ('C189','ILO',189,2011,'Domestic Workers Convention','fuzz'), ('ICMW','UN',NULL,1990,'ICMW','fuzz');",
          &e))
      abort();
  }
  json_error_t je;
  json_t *j = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
  if (j) {
    if (repo_import_json(s, j, "fuzz", "fuzz", NULL, &e) != 0 && !e.zMsg) abort();
    json_decref(j);
    err_clear(&e);
  }
  /* the same bytes as search text: query building, ranking, snippets */
  char *zText = xstrndup((const char *)data, size < 400 ? size : 400);
  AgreementQuery q;
  memset(&q, 0, sizeof q);
  q.zText = zText;
  json_t *r = agreement_search(s, &q, &e);
  if (!r && !e.zMsg) abort();
  json_decref(r);
  err_clear(&e);
  char *zSnip = repo_snippet(zText, "fr", zText, 12, "[", "]");
  free(zSnip);
  free(zText);
  return 0;
}
