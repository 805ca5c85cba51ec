/*
** audit.c: the hash-chained audit log (see audit.h).
**
** Entry hash = BLAKE2b-256, keyed with the audit subkey, over a length-prefixed
** encoding of (seq, at, account_id, role, action, object, address, detail,
** prev_hash). Length prefixes make the encoding unambiguous: no two different
** entries encode to the same bytes. meta.audit_head holds "SEQ:HASH" of the
** last entry, written in the same transaction, so a deleted tail shows too;
** meta.audit_key holds the key's fingerprint so a wrong key file is told apart
** from tampering.
*/
#include "audit.h"
#include "keys.h"
#include "util.h"

#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HASH_BYTES 32
#define HASH_HEX (2 * HASH_BYTES + 1)

typedef struct Entry {
  int64_t seq, at, account;  /* account 0: none */
  const char *zRole, *zAction, *zObject, *zAddr, *zDetail, *zPrev;
} Entry;

static void put_field(crypto_generichash_state *st, const char *z, bool bNull) {
  uint8_t len[8];
  uint64_t n = bNull ? UINT64_MAX : (uint64_t)strlen(z);
  for (int i = 0; i < 8; i++) len[i] = (uint8_t)(n >> (8 * i));
  crypto_generichash_update(st, len, sizeof len);
  if (!bNull) crypto_generichash_update(st, (const uint8_t *)z, (size_t)n);
}

static void put_int(crypto_generichash_state *st, int64_t v) {
  char z[24];
  snprintf(z, sizeof z, "%lld", (long long)v);
  put_field(st, z, false);
}

static void entry_hash(const uint8_t key[KEYS_BYTES], const Entry *p, char zOut[HASH_HEX]) {
  crypto_generichash_state st;
  uint8_t h[HASH_BYTES];
  crypto_generichash_init(&st, key, KEYS_BYTES, HASH_BYTES);
  put_field(&st, "lmis-audit-v1", false);
  put_int(&st, p->seq);
  put_int(&st, p->at);
  put_int(&st, p->account);
  put_field(&st, p->zRole, p->zRole == NULL);
  put_field(&st, p->zAction, p->zAction == NULL);
  put_field(&st, p->zObject, p->zObject == NULL);
  put_field(&st, p->zAddr, p->zAddr == NULL);
  put_field(&st, p->zDetail, p->zDetail == NULL);
  put_field(&st, p->zPrev, p->zPrev == NULL);
  crypto_generichash_final(&st, h, sizeof h);
  sodium_bin2hex(zOut, HASH_HEX, h, sizeof h);
}

/* The audit subkey, after checking the key file is the one the log was started
** with (bWrite: record the fingerprint when the log has none yet). */
static int audit_key(Store *s, bool bWrite, uint8_t key[KEYS_BYTES], Err *e) {
  uint8_t master[KEYS_BYTES];
  char zFp[17];
  char *zOld = NULL;
  int rc = 0;
  if (sodium_init() < 0) return err_set(e, ERR_INTERNAL, "libsodium failed to initialise");
  if (keys_master(store_path(s), bWrite, master, e)) return -1;
  keys_fingerprint(master, zFp);
  {
    Stmt *q = store_prepare(s, "SELECT value FROM meta WHERE key = 'audit_key'", e);
    if (!q) return -1;
    if (stmt_step(q, e) == 1) zOld = xstrdup(stmt_text(q, 0));
    stmt_finalize(q);
  }
  if (zOld && strcmp(zOld, zFp) != 0) {
    char *zPath = keys_path(store_path(s));
    err_set(e, ERR_CONFLICT, "the key file %s is not the one this audit log was written with", zPath);
    err_detail(e, "log key fingerprint %s, key file fingerprint %s", zOld, zFp);
    err_hint(e, "restore the original key file (or set LMIS_KEY_FILE to it)");
    free(zPath);
    rc = -1;
  } else if (!zOld && bWrite) {
    Stmt *q = store_prepare(s, "INSERT INTO meta(key, value) VALUES('audit_key', :fp)", e);
    if (!q) rc = -1;
    else {
      stmt_bind_text(q, ":fp", zFp);
      rc = stmt_run(q, e);
      stmt_finalize(q);
    }
  }
  free(zOld);
  if (rc == 0) keys_derive(master, KEY_AUDIT, key);
  sodium_memzero(master, sizeof master);
  return rc;
}

static int audit_append(Store *s, const Principal *who, const char *zAction, const char *zObject,
                        const char *zAddr, const char *zDetail, Err *e) {
  uint8_t key[KEYS_BYTES];
  char zPrev[HASH_HEX] = "", zHash[HASH_HEX], *zHead;
  Entry en;
  Stmt *q;
  int rc;
  if (audit_key(s, true, key, e)) return -1;
  memset(&en, 0, sizeof en);
  q = store_prepare(s, "SELECT seq, hash FROM audit_log WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1", e);
  if (!q) return -1;
  rc = stmt_step(q, e);
  if (rc == 1) {
    en.seq = stmt_int(q, 0);
    snprintf(zPrev, sizeof zPrev, "%s", stmt_text(q, 1) ? stmt_text(q, 1) : "");
  }
  stmt_finalize(q);
  if (rc < 0) return -1;
  en.seq++;
  en.at = now_seconds();
  en.account = who && who->accountId > 0 ? who->accountId : 0;
  /* The CLI acts as a local administrator with no account: "operator". */
  en.zRole = !who || (who->accountId == 0 && who->role == ROLE_ADMIN) ? "operator" : role_name(who->role);
  en.zAction = zAction;
  en.zObject = zObject;
  en.zAddr = zAddr;
  en.zDetail = zDetail;
  en.zPrev = zPrev;
  entry_hash(key, &en, zHash);
  sodium_memzero(key, sizeof key);
  q = store_prepare(s,
                    "INSERT INTO audit_log(seq, at, account_id, role, action, object, address, detail, prev_hash, hash)"
                    " VALUES(:seq, :at, :account, :role, :action, :object, :address, :detail, :prev, :hash)",
                    e);
  if (!q) return -1;
  stmt_bind_int(q, ":seq", en.seq);
  stmt_bind_int(q, ":at", en.at);
  if (en.account > 0) stmt_bind_int(q, ":account", en.account);
  else stmt_bind_null(q, ":account");
  stmt_bind_text(q, ":role", en.zRole);
  stmt_bind_text(q, ":action", zAction);
  stmt_bind_text(q, ":object", zObject);
  stmt_bind_text(q, ":address", zAddr);
  stmt_bind_text(q, ":detail", zDetail);
  stmt_bind_text(q, ":prev", zPrev);
  stmt_bind_text(q, ":hash", zHash);
  rc = stmt_run(q, e);
  stmt_finalize(q);
  if (rc) return -1;
  zHead = xasprintf("%lld:%s", (long long)en.seq, zHash);
  q = store_prepare(s, "INSERT OR REPLACE INTO meta(key, value) VALUES('audit_head', :head)", e);
  if (q) {
    stmt_bind_text(q, ":head", zHead);
    rc = stmt_run(q, e);
    stmt_finalize(q);
  } else rc = -1;
  free(zHead);
  return rc;
}

int audit(Store *s, const Principal *who, const char *zAction, const char *zObject, const char *zAddr,
          const char *zDetail, Err *e) {
  /* Reading the last hash and appending must be one write transaction, or two
  ** writers could chain onto the same entry: BEGIN IMMEDIATE when on our own. */
  bool bOwn = !store_in_transaction(s);
  if (bOwn && store_begin(s, e)) return -1;
  if (audit_append(s, who, zAction, zObject, zAddr, zDetail, e)) {
    if (bOwn) store_rollback(s);
    return -1;
  }
  return bOwn ? store_commit(s, e) : 0;
}

static void problem(AuditReport *p, int64_t id, int64_t seq, const char *zKind, const char *zFmt, ...)
    __attribute__((format(printf, 5, 6)));
static void problem(AuditReport *p, int64_t id, int64_t seq, const char *zKind, const char *zFmt, ...) {
  va_list ap;
  if (p->nProblem < AUDIT_MAX_PROBLEMS) {
    AuditProblem *q = &p->aProblem[p->nProblem];
    q->id = id;
    q->seq = seq;
    q->zKind = xstrdup(zKind);
    char zBuf[256];
    va_start(ap, zFmt);
    vsnprintf(zBuf, sizeof zBuf, zFmt, ap);
    va_end(ap);
    q->zText = xstrdup(zBuf);
  }
  p->nProblem++;
}

/* "SEQ:HASH" -> parts; -1 when malformed. */
static int parse_anchor(const char *z, int64_t *pSeq, char zHash[HASH_HEX]) {
  const char *zColon = z ? strchr(z, ':') : NULL;
  char zNum[24];
  long long v;
  size_t n;
  if (!zColon || (n = (size_t)(zColon - z)) == 0 || n >= sizeof zNum) return -1;
  memcpy(zNum, z, n);
  zNum[n] = 0;
  if (parse_int(zNum, 1, INT64_MAX, &v)) return -1;
  *pSeq = v;
  if (strlen(zColon + 1) != HASH_HEX - 1) return -1;
  for (const char *c = zColon + 1; *c; c++)
    if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f'))) return -1;
  memcpy(zHash, zColon + 1, HASH_HEX);
  return 0;
}

int audit_verify(Store *s, const char *zAnchor, AuditReport *p, Err *e) {
  uint8_t key[KEYS_BYTES];
  char zLast[HASH_HEX] = "", zCalc[HASH_HEX], zAnchorHash[HASH_HEX] = "";
  int64_t lastSeq = 0, anchorSeq = 0;
  bool bAnchorSeen = false, bChainBegun = false;
  Stmt *q;
  int rc;
  memset(p, 0, sizeof *p);
  if (zAnchor && parse_anchor(zAnchor, &anchorSeq, zAnchorHash)) {
    err_set(e, ERR_USAGE, "--anchor: expected SEQ:HASH as printed by `lmis audit head`");
    return -1;
  }
  if (audit_key(s, false, key, e)) return -1;
  q = store_prepare(s,
                    "SELECT id, seq, at, coalesce(account_id, 0), role, action, object, address, detail, prev_hash, hash"
                    " FROM audit_log ORDER BY id",
                    e);
  if (!q) goto verify_fail;
  while ((rc = stmt_step(q, e)) == 1) {
    int64_t id = stmt_int(q, 0), seq;
    const char *zHash = stmt_text(q, 10);
    Entry en;
    if (stmt_is_null(q, 1)) {
      if (bChainBegun)
        problem(p, id, 0, "inserted", "entry id %lld has no sequence number or hash: it was added outside lmis",
                (long long)id);
      else p->nLegacy++;
      continue;
    }
    bChainBegun = true;
    seq = stmt_int(q, 1);
    p->nEntries++;
    memset(&en, 0, sizeof en);
    en.seq = seq;
    en.at = stmt_int(q, 2);
    en.account = stmt_int(q, 3);
    en.zRole = stmt_text(q, 4);
    en.zAction = stmt_text(q, 5);
    en.zObject = stmt_text(q, 6);
    en.zAddr = stmt_text(q, 7);
    en.zDetail = stmt_text(q, 8);
    en.zPrev = stmt_text(q, 9);
    entry_hash(key, &en, zCalc);
    if (seq > lastSeq + 1) {
      if (seq == lastSeq + 2)
        problem(p, id, seq, "deleted", "entry %lld is missing (deleted) before entry %lld", (long long)(lastSeq + 1),
                (long long)seq);
      else
        problem(p, id, seq, "deleted", "entries %lld to %lld are missing (deleted) before entry %lld",
                (long long)(lastSeq + 1), (long long)(seq - 1), (long long)seq);
    } else if (seq <= lastSeq) {
      problem(p, id, seq, "reordered", "entry %lld (id %lld) comes after entry %lld: the log was reordered",
              (long long)seq, (long long)id, (long long)lastSeq);
    }
    if (!zHash || strcmp(zHash, zCalc) != 0) {
      problem(p, id, seq, "edited", "entry %lld (id %lld) was edited: its content no longer matches its hash",
              (long long)seq, (long long)id);
    } else if (lastSeq > 0 && seq == lastSeq + 1 && (!en.zPrev || strcmp(en.zPrev, zLast) != 0)) {
      problem(p, id, seq, "replaced",
              "entry %lld (id %lld) does not follow entry %lld: one of them was replaced or moved", (long long)seq,
              (long long)id, (long long)lastSeq);
    }
    if (anchorSeq == seq) {
      bAnchorSeen = true;
      if (!zHash || strcmp(zHash, zAnchorHash) != 0)
        problem(p, id, seq, "anchor", "entry %lld differs from the anchor recorded earlier", (long long)seq);
    }
    lastSeq = seq > lastSeq ? seq : lastSeq;
    snprintf(zLast, sizeof zLast, "%s", zHash ? zHash : "");
  }
  stmt_finalize(q);
  if (rc < 0) goto verify_fail;
  p->headSeq = lastSeq;
  snprintf(p->zHeadHash, sizeof p->zHeadHash, "%s", zLast);
  /* The head recorded with the last append: a shorter log lost its tail. */
  {
    char *zHead = NULL;
    q = store_prepare(s, "SELECT value FROM meta WHERE key = 'audit_head'", e);
    if (!q) goto verify_fail;
    if (stmt_step(q, e) == 1) zHead = xstrdup(stmt_text(q, 0));
    stmt_finalize(q);
    if (zHead) {
      int64_t headSeq = 0;
      char zHeadHash[HASH_HEX];
      if (parse_anchor(zHead, &headSeq, zHeadHash)) {
        problem(p, 0, 0, "edited", "the recorded head of the log is malformed");
      } else if (headSeq > lastSeq) {
        problem(p, 0, headSeq, "truncated", "entries %lld to %lld at the end of the log are missing (deleted)",
                (long long)(lastSeq + 1), (long long)headSeq);
      } else if (headSeq < lastSeq) {
        problem(p, 0, lastSeq, "inserted", "entries after %lld were added outside lmis", (long long)headSeq);
      } else if (strcmp(zHeadHash, zLast) != 0) {
        problem(p, 0, headSeq, "edited", "the last entry does not match the recorded head of the log");
      }
      free(zHead);
    } else if (p->nEntries > 0) {
      problem(p, 0, 0, "edited", "the recorded head of the log is missing");
    }
  }
  if (zAnchor && !bAnchorSeen)
    problem(p, 0, anchorSeq, "anchor", "entry %lld of the anchor is no longer in the log", (long long)anchorSeq);
  sodium_memzero(key, sizeof key);
  return 0;
verify_fail:
  sodium_memzero(key, sizeof key);
  audit_report_free(p);
  return -1;
}

void audit_report_free(AuditReport *p) {
  int n = p->nProblem < AUDIT_MAX_PROBLEMS ? p->nProblem : AUDIT_MAX_PROBLEMS;
  for (int i = 0; i < n; i++) {
    free(p->aProblem[i].zKind);
    free(p->aProblem[i].zText);
  }
  p->nProblem = 0;
}

json_t *audit_report_json(const AuditReport *p) {
  json_t *a = json_array();
  int n = p->nProblem < AUDIT_MAX_PROBLEMS ? p->nProblem : AUDIT_MAX_PROBLEMS;
  for (int i = 0; i < n; i++) {
    const AuditProblem *q = &p->aProblem[i];
    json_t *o = json_pack("{s:s, s:s}", "kind", q->zKind, "text", q->zText);
    json_object_set_new(o, "id", q->id ? json_integer(q->id) : json_null());
    json_object_set_new(o, "seq", q->seq ? json_integer(q->seq) : json_null());
    json_array_append_new(a, o);
  }
  json_t *j = json_pack("{s:b, s:I, s:I, s:i, s:o}", "intact", p->nProblem == 0, "entries", (json_int_t)p->nEntries,
                        "legacy_entries", (json_int_t)p->nLegacy, "problem_count", p->nProblem, "problems", a);
  if (p->headSeq > 0) {
    char *z = xasprintf("%lld:%s", (long long)p->headSeq, p->zHeadHash);
    json_object_set_new(j, "head", json_string(z));
    free(z);
  } else {
    json_object_set_new(j, "head", json_null());
  }
  return j;
}

json_t *audit_list_json(Store *s, int nLimit, const char *zAction, Err *e) {
  /* A trailing '.' asks for a family of actions ("session."); LIKE needs its
  ** wildcards escaped in what the user typed. */
  Buf pat;
  Stmt *q;
  json_t *a;
  int rc;
  buf_init(&pat, 1024);
  if (zAction) {
    for (const char *c = zAction; *c; c++) {
      if (*c == '%' || *c == '_' || *c == '\\') buf_putc(&pat, '\\');
      buf_putc(&pat, *c);
    }
    if (pat.n > 0 && zAction[strlen(zAction) - 1] == '.') buf_putc(&pat, '%');
  }
  q = store_prepare(s,
                    "SELECT l.id, l.seq, l.at, l.account_id, a.username, l.role, l.action, l.object, l.address, l.detail"
                    " FROM audit_log l LEFT JOIN account a ON a.id = l.account_id"
                    " WHERE :pat IS NULL OR l.action LIKE :pat ESCAPE '\\'"
                    " ORDER BY l.id DESC LIMIT :lim",
                    e);
  if (!q) {
    buf_free(&pat);
    return NULL;
  }
  stmt_bind_text(q, ":pat", zAction ? buf_cstr(&pat) : NULL);
  stmt_bind_int(q, ":lim", nLimit);
  a = json_array();
  while ((rc = stmt_step(q, e)) == 1) {
    json_t *o = json_pack("{s:I, s:I}", "id", (json_int_t)stmt_int(q, 0), "at", (json_int_t)stmt_int(q, 2));
    static const char *const azKey[] = {"user", "role", "action", "object", "address", "detail"};
    json_object_set_new(o, "seq", stmt_is_null(q, 1) ? json_null() : json_integer(stmt_int(q, 1)));
    json_object_set_new(o, "account_id", stmt_is_null(q, 3) ? json_null() : json_integer(stmt_int(q, 3)));
    for (int i = 0; i < 6; i++) {
      const char *z = stmt_text(q, 4 + i);
      json_object_set_new(o, azKey[i], z ? json_string(z) : json_null());
    }
    json_array_append_new(a, o);
  }
  stmt_finalize(q);
  buf_free(&pat);
  if (rc < 0) {
    json_decref(a);
    return NULL;
  }
  return a;
}
