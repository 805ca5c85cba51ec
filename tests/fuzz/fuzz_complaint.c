/* libFuzzer target: the complaint intake (POST /api/v1/complaints, `lmis case
** file`) and receipt-code tracking. Each input is parsed as JSON and filed into a
** scratch database made once, then used as a receipt code: both must accept or
** refuse with a message, never crash or leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "case.h"
#include "store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static Store *s;
  static char zDb[64];
  Err e = ERR_INIT;
  Principal pub;
  json_t *jIn, *j;
  char zCode[64];
  memset(&pub, 0, sizeof pub);
  if (!s) {
    snprintf(zDb, sizeof zDb, "/tmp/lmis-fuzz-case-%d.db", (int)getpid());
    unlink(zDb);
    if (store_open(zDb, STORE_CREATE, &s, &e) || store_migrate(s, &e)) abort();
    if (store_exec(s, "INSERT INTO language(alpha2, alpha3, name_en) VALUES('en','eng','English');"
                      "INSERT INTO country(alpha2, alpha3, numeric, name_en) VALUES('SA','SAU','682','Saudi Arabia')",
                   &e))
      abort();
  }
  jIn = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, NULL);
  if (jIn) {
    j = case_file(s, &pub, "127.0.0.1", jIn, &e);
    if (!j && !e.zMsg) abort();   /* a refusal must say why */
    json_decref(j);
    json_decref(jIn);
    err_clear(&e);
  }
  snprintf(zCode, sizeof zCode, "%.*s", (int)(size < 60 ? size : 60), (const char *)data);
  j = case_track(s, zCode, NULL, &e);
  if (!j && !e.zMsg) abort();
  json_decref(j);
  err_clear(&e);
  return 0;
}
