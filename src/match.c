/*
** match.c: the matching engine (see match.h; the formula is docs/matching.md).
**
** The index is a struct of arrays. Vacancies are stored in blocks of one
** destination country and one ISCO unit group, so the country filter skips whole
** blocks and an upper bound of the score holds for a whole block: the occupation
** relation and the deskilling penalty are the same for every vacancy of a unit
** group, and skill coverage is bounded by the seeker's skills that appear in the
** unit group's union of skills divided by the fewest skills a vacancy there lists.
** A seeker query visits the blocks of its accepted countries by decreasing bound
** and stops as soon as a bound is below the k-th best score: the result is
** exactly the first k of the complete ranking (test_match checks it against the
** exhaustive ranking).
*/
#include "match.h"
#include "i18n.h"
#include "jobs.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define W_OCC 40
#define W_ESS 25
#define W_OPT 10
#define W_LANG 10
#define W_EDU 15
#define PENALTY_PER_LEVEL 8000
#define NONE_LISTED 500      /* coverage when a vacancy lists no skills of that kind */

typedef struct Csr {       /* compressed rows: values of row i are a[off[i] .. off[i+1]) */
  uint32_t *off;
  int32_t *a;
} Csr;

typedef struct Qual {
  int16_t country;
  uint8_t isced;
  char zIsco[5];           /* "" when general */
  uint32_t recOff, recEnd; /* into aRec */
} Qual;

typedef struct Rec {
  int16_t country;
  uint8_t code;            /* MATCH_REC_* of the decision */
} Rec;

typedef struct Arr {
  int16_t origin, dest;
  uint8_t minIsced, code;  /* MATCH_REC_AUTOMATIC or MATCH_REC_ASSESSMENT */
  char zIsco[5];
} Arr;

#define BLOCK_LANGS 4

/* Vacancies of one destination country and one unit group, with what bounds
** their language and education components. */
typedef struct Block {
  int16_t country;
  uint16_t unit;
  int32_t group;
  int32_t start, end;
  uint8_t minIsced;                 /* lowest min_isced */
  uint8_t bRegulated;               /* some vacancy is regulated */
  uint8_t bLangFree;                /* some vacancy asks no language, or more distinct languages than fit */
  uint8_t nLang;
  uint16_t aLang[BLOCK_LANGS];      /* distinct languages asked */
  uint8_t aLangMin[BLOCK_LANGS];    /* the lowest level asked for each */
} Block;

struct MatchIndex {
  /* reference */
  int nUnit;
  char (*azUnit)[5];
  uint8_t *aUnitLevel;          /* ISCO skill level of the unit group (max of its major group's) */
  int nCountry;
  char (*azCountry)[3];
  int nLang;
  char (*azLang)[3];
  int nSkillWords;              /* 64-bit words of a skill bitset */
  /* vacancies, in block order */
  int nVac;
  int32_t *vId, *vEsco, *vUntil;
  uint16_t *vUnit;
  int16_t *vCountry;
  uint8_t *vFlags, *vMinIsced, *vNEss;
  Csr vSkill;                   /* essential first, then optional */
  Csr vLang;                    /* lang index << 3 | level */
  int nBlock;
  Block *aBlock;
  int32_t *aCountryBlock;       /* nCountry + 1 offsets into aBlock */
  /* Groups: vacancies of one unit group and one ESCO occupation (or none). */
  int nGroup;
  uint16_t *aGroupUnit;
  int32_t *aGroupEsco;
  uint8_t *aGroupMinEss, *aGroupMinOpt;  /* fewest skills listed (among vacancies listing any); 255 none */
  uint8_t *aGroupNoEss, *aGroupNoOpt;    /* some vacancy lists none */
  Csr skillPost;                         /* skill id -> groups listing it: group << 1 | essential */
  int nSkillPost;                        /* skill ids covered by skillPost */
  /* seekers, in id order */
  int nSeek;
  int32_t *sId;
  uint8_t *sIsced, *sOpen;
  Csr sOccUnit, sOccEsco, sOccYears;   /* parallel */
  Csr sSkill, sLang, sDest;
  uint32_t *sQualOff;
  Qual *aQual;
  Rec *aRec;
  int nArr;
  Arr *aArr;
};

enum { VF_OPEN = 1, VF_REGULATED = 2, VF_LICENCE = 4 };

/* ---- loading ---- */

static int find_code(char (*az)[5], int n, const char *z) {
  int lo = 0, hi = n - 1;
  while (lo <= hi) {
    int mid = (lo + hi) / 2;
    int c = strcmp(z, az[mid]);
    if (c == 0) return mid;
    if (c < 0) hi = mid - 1;
    else lo = mid + 1;
  }
  return -1;
}

static int find2(char (*az)[3], int n, const char *z) {
  int lo = 0, hi = n - 1;
  if (!z) return -1;
  while (lo <= hi) {
    int mid = (lo + hi) / 2;
    int c = strcmp(z, az[mid]);
    if (c == 0) return mid;
    if (c < 0) hi = mid - 1;
    else lo = mid + 1;
  }
  return -1;
}

/* Growable int32 vector. */
typedef struct Vec {
  int32_t *a;
  size_t n, nAlloc;
} Vec;

static void vec_push(Vec *v, int32_t x) {
  if (v->n == v->nAlloc) {
    v->nAlloc = v->nAlloc ? v->nAlloc * 2 : 1024;
    v->a = xrealloc(v->a, v->nAlloc * sizeof(int32_t));
  }
  v->a[v->n++] = x;
}

/* Position of id in the ascending array aId, starting the search at *pCur (rows
** come in parent order, so this is usually a step forward). -1 when absent. */
static int locate(const int32_t *aId, int n, int64_t id, int *pCur) {
  int c = *pCur;
  while (c < n && aId[c] < id) c++;
  if (c < n && aId[c] == id) {
    *pCur = c;
    return c;
  }
  int lo = 0, hi = n - 1;
  while (lo <= hi) {
    int mid = (lo + hi) / 2;
    if (aId[mid] == id) {
      *pCur = mid;
      return mid;
    }
    if (aId[mid] < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/* Load a child table into a Csr over parents aId (ascending). The query returns
** parent id in column 0 and the value(s) xVal turns into one int32. Rows must
** come in ascending parent order (each query orders by its primary key). */
static int load_csr(Store *s, const char *zSql, const int32_t *aId, int n, Csr *pOut,
                    int32_t (*xVal)(const MatchIndex *, Stmt *), const MatchIndex *x, Err *e) {
  Stmt *q = store_prepare(s, zSql, e);
  Vec val = {0};
  uint32_t *off = xcalloc((size_t)n + 1, sizeof(uint32_t));
  int cur = 0, rc, last = -1;
  if (!q) {
    free(off);
    return -1;
  }
  while ((rc = stmt_step(q, e)) == 1) {
    int p = locate(aId, n, stmt_int(q, 0), &cur);
    if (p < 0) continue;
    if (p < last) {
      rc = err_set(e, ERR_INTERNAL, "matching index: rows out of parent order");
      break;
    }
    last = p;
    off[p + 1]++;
    vec_push(&val, xVal(x, q));
  }
  stmt_finalize(q);
  if (rc < 0) {
    free(off);
    free(val.a);
    return -1;
  }
  for (int i = 0; i < n; i++) off[i + 1] += off[i];
  pOut->off = off;
  pOut->a = val.a ? val.a : xmalloc(sizeof(int32_t));
  return 0;
}

static int32_t val_int1(const MatchIndex *x, Stmt *q) {
  (void)x;
  return (int32_t)stmt_int(q, 1);
}
/* vacancy_skill: skill id, with the sign bit free; essential flag in bit 30. */
static int32_t val_vskill(const MatchIndex *x, Stmt *q) {
  (void)x;
  return (int32_t)stmt_int(q, 1) | (stmt_int(q, 2) ? (1 << 30) : 0);
}
static int32_t val_lang(const MatchIndex *x, Stmt *q) {
  int l = find2(x->azLang, x->nLang, stmt_text(q, 1));
  return (l < 0 ? 0 : l) << 3 | (int32_t)(stmt_int(q, 2) & 7);
}
static int32_t val_country(const MatchIndex *x, Stmt *q) { return find2(x->azCountry, x->nCountry, stmt_text(q, 1)); }
static int32_t val_unit(const MatchIndex *x, Stmt *q) {
  const char *z = stmt_text(q, 1);
  return z ? find_code(x->azUnit, x->nUnit, z) : -1;
}

static uint8_t rec_code(const char *z) {
  if (!z) return MATCH_REC_NONE;
  if (strcmp(z, "recognised") == 0) return MATCH_REC_RECOGNISED;
  if (strcmp(z, "partial") == 0) return MATCH_REC_PARTIAL;
  if (strcmp(z, "pending") == 0) return MATCH_REC_PENDING;
  return MATCH_REC_NONE;   /* refused */
}


/* Two-letter codes in sorted order (find2 bisects them); zCount and zList are
** the caller's SQL literals. */
static int load_codes(Store *s, const char *zCount, const char *zList, char (**paz)[3], int *pn, Err *e) {
  int n = 0, nMax = (int)store_int(s, zCount, 0), rc;
  char(*az)[3] = xcalloc((size_t)nMax + 1, 3);
  Stmt *q;
  *paz = az;
  *pn = 0;
  q = store_prepare(s, zList, e);
  if (!q) return -1;
  while ((rc = stmt_step(q, e)) == 1 && n < nMax) snprintf(az[n++], 3, "%s", stmt_text(q, 0));
  stmt_finalize(q);
  *pn = n;
  return rc < 0 ? -1 : 0;
}
static int load_reference(Store *s, MatchIndex *x, Err *e) {
  Stmt *q;
  int rc, n;
  x->nUnit = (int)store_int(s, "SELECT count(*) FROM isco_group WHERE level = 4", 0);
  x->azUnit = xcalloc((size_t)x->nUnit + 1, 5);
  x->aUnitLevel = xcalloc((size_t)x->nUnit + 1, 1);
  q = store_prepare(s,
                    "SELECT u.code, m.skill_levels FROM isco_group u JOIN isco_group m ON m.code = substr(u.code, 1, 1) "
                    "WHERE u.level = 4 ORDER BY u.code",
                    e);
  if (!q) return -1;
  n = 0;
  while ((rc = stmt_step(q, e)) == 1 && n < x->nUnit) {
    snprintf(x->azUnit[n], 5, "%s", stmt_text(q, 0));
    const char *zL = stmt_text(q, 1);
    uint8_t m = 1;
    for (; zL && *zL; zL++)
      if (*zL >= '1' && *zL <= '4' && *zL - '0' > m) m = (uint8_t)(*zL - '0');
    x->aUnitLevel[n++] = m;
  }
  stmt_finalize(q);
  if (rc < 0) return -1;
  x->nUnit = n;

  if (load_codes(s, "SELECT count(*) FROM country", "SELECT alpha2 FROM country ORDER BY alpha2", &x->azCountry,
                 &x->nCountry, e) ||
      load_codes(s, "SELECT count(*) FROM language", "SELECT alpha2 FROM language ORDER BY alpha2", &x->azLang,
                 &x->nLang, e))
    return -1;
  x->nSkillWords = (int)(store_int(s, "SELECT coalesce(max(id), 0) FROM esco_skill", 0) / 64 + 1);
  return 0;
}

static int load_vacancies(Store *s, MatchIndex *x, Err *e) {
  int n = (int)store_int(s, "SELECT count(*) FROM vacancy", 0);
  int32_t *oId = xmalloc(((size_t)n + 1) * sizeof(int32_t));
  int32_t *oEsco = xmalloc(((size_t)n + 1) * sizeof(int32_t));
  int32_t *oUntil = xmalloc(((size_t)n + 1) * sizeof(int32_t));
  uint16_t *oUnit = xmalloc(((size_t)n + 1) * sizeof(uint16_t));
  int16_t *oCountry = xmalloc(((size_t)n + 1) * sizeof(int16_t));
  uint8_t *oFlags = xmalloc((size_t)n + 1), *oMin = xmalloc((size_t)n + 1);
  Csr sk = {0}, lg = {0};
  int32_t *oGroup = NULL;
  int rc, m = 0, ret = -1;
  /* The agency's licence: the regulator's register (agency.c) decides when it
  ** holds exactly one licence of that number: valid only when its status is
  ** valid and today is within its dates. Otherwise the status the vacancy was
  ** filed with stands. */
  Stmt *q = store_prepare(s,
                          "SELECT v.id, v.country, v.isco_code, coalesce(v.esco_id, 0), v.min_isced, v.regulated, "
                          "v.status, v.valid_until, v.agency_licence IS NOT NULL AND coalesce("
                          "(SELECT CASE WHEN count(*) = 1 THEN max(CASE WHEN a.status = 'valid'"
                          " AND coalesce(a.valid_from, '') <= date('now')"
                          " AND coalesce(a.valid_to, '9999') >= date('now') THEN 'valid' ELSE 'not valid' END) END"
                          " FROM agency a WHERE a.licence = v.agency_licence), "
                          "v.agency_licence_status, 'unknown') <> 'valid' FROM vacancy v ORDER BY v.id",
                          e);
  if (!q) goto out;
  while ((rc = stmt_step(q, e)) == 1 && m < n) {
    int u = find_code(x->azUnit, x->nUnit, stmt_text(q, 2));
    int c = find2(x->azCountry, x->nCountry, stmt_text(q, 1));
    if (u < 0 || c < 0) continue;   /* the schema's foreign keys make this impossible */
    oId[m] = (int32_t)stmt_int(q, 0);
    oCountry[m] = (int16_t)c;
    oUnit[m] = (uint16_t)u;
    oEsco[m] = (int32_t)stmt_int(q, 3);
    oMin[m] = (uint8_t)stmt_int(q, 4);
    oFlags[m] = (uint8_t)((stmt_int(q, 5) ? VF_REGULATED : 0) | (strcmp(stmt_text(q, 6), "open") == 0 ? VF_OPEN : 0) |
                          (stmt_int(q, 8) ? VF_LICENCE : 0));
    oUntil[m] = jobs_date_days(stmt_text(q, 7));
    m++;
  }
  stmt_finalize(q);
  if (rc < 0) goto out;
  n = m;
  if (load_csr(s, "SELECT vacancy_id, skill_id, essential FROM vacancy_skill ORDER BY vacancy_id, skill_id", oId, n,
               &sk, val_vskill, x, e))
    goto out;
  if (load_csr(s, "SELECT vacancy_id, lang, level FROM vacancy_language ORDER BY vacancy_id, lang", oId, n, &lg,
               val_lang, x, e))
    goto out;

  /* Groups by (unit, ESCO occupation), numbered in order of first appearance. */
  int32_t nEscoMax = 0;
  for (int i = 0; i < n; i++)
    if (oEsco[i] > nEscoMax) nEscoMax = oEsco[i];
  size_t nGroupKey = (size_t)x->nUnit * ((size_t)nEscoMax + 1);
  int32_t *aGroupOf = xmalloc((nGroupKey + 1) * sizeof(int32_t));
  oGroup = xmalloc(((size_t)n + 1) * sizeof(int32_t));
  Vec gU = {0}, gE = {0};
  memset(aGroupOf, 0xff, (nGroupKey + 1) * sizeof(int32_t));
  for (int i = 0; i < n; i++) {
    size_t key = (size_t)oUnit[i] * ((size_t)nEscoMax + 1) + (size_t)(oEsco[i] > 0 ? oEsco[i] : 0);
    if (aGroupOf[key] < 0) {
      aGroupOf[key] = (int32_t)gU.n;
      vec_push(&gU, oUnit[i]);
      vec_push(&gE, oEsco[i] > 0 ? oEsco[i] : 0);
    }
    oGroup[i] = aGroupOf[key];
  }
  free(aGroupOf);
  x->nGroup = (int)gU.n;
  x->aGroupUnit = xmalloc(((size_t)x->nGroup + 1) * sizeof(uint16_t));
  x->aGroupEsco = xmalloc(((size_t)x->nGroup + 1) * sizeof(int32_t));
  for (int g = 0; g < x->nGroup; g++) {
    x->aGroupUnit[g] = (uint16_t)gU.a[g];
    x->aGroupEsco[g] = gE.a[g];
  }
  free(gU.a);
  free(gE.a);

  /* Counting sort into blocks by (country, group), keeping id order inside. */
  size_t nG = (size_t)(x->nGroup > 0 ? x->nGroup : 1);
  size_t nKey = (size_t)x->nCountry * nG;
  uint32_t *aCount = xcalloc(nKey + 1, sizeof(uint32_t));
  for (int i = 0; i < n; i++) aCount[(size_t)oCountry[i] * nG + (size_t)oGroup[i] + 1]++;
  int nBlock = 0;
  for (size_t k = 1; k <= nKey; k++) {
    if (aCount[k]) nBlock++;
    aCount[k] += aCount[k - 1];
  }
  x->nVac = n;
  x->vId = xmalloc(((size_t)n + 1) * sizeof(int32_t));
  x->vEsco = xmalloc(((size_t)n + 1) * sizeof(int32_t));
  x->vUntil = xmalloc(((size_t)n + 1) * sizeof(int32_t));
  x->vUnit = xmalloc(((size_t)n + 1) * sizeof(uint16_t));
  x->vCountry = xmalloc(((size_t)n + 1) * sizeof(int16_t));
  x->vFlags = xmalloc((size_t)n + 1);
  x->vMinIsced = xmalloc((size_t)n + 1);
  x->vNEss = xmalloc((size_t)n + 1);
  uint32_t *aPos = xmalloc(((size_t)n + 1) * sizeof(uint32_t));
  {
    uint32_t *aNext = xmalloc((nKey + 1) * sizeof(uint32_t));
    memcpy(aNext, aCount, (nKey + 1) * sizeof(uint32_t));
    for (int i = 0; i < n; i++) aPos[i] = aNext[(size_t)oCountry[i] * nG + (size_t)oGroup[i]]++;
    free(aNext);
  }
  x->vSkill.off = xcalloc((size_t)n + 1, sizeof(uint32_t));
  x->vSkill.a = xmalloc(((size_t)sk.off[n] + 1) * sizeof(int32_t));
  x->vLang.off = xcalloc((size_t)n + 1, sizeof(uint32_t));
  x->vLang.a = xmalloc(((size_t)lg.off[n] + 1) * sizeof(int32_t));
  for (int i = 0; i < n; i++) {
    uint32_t p = aPos[i];
    x->vId[p] = oId[i];
    x->vEsco[p] = oEsco[i];
    x->vUntil[p] = oUntil[i];
    x->vUnit[p] = oUnit[i];
    x->vCountry[p] = oCountry[i];
    x->vFlags[p] = oFlags[i];
    x->vMinIsced[p] = oMin[i];
    x->vSkill.off[p + 1] = sk.off[i + 1] - sk.off[i];
    x->vLang.off[p + 1] = lg.off[i + 1] - lg.off[i];
  }
  for (int p = 0; p < n; p++) {
    x->vSkill.off[p + 1] += x->vSkill.off[p];
    x->vLang.off[p + 1] += x->vLang.off[p];
  }
  for (int i = 0; i < n; i++) {
    uint32_t p = aPos[i], d = x->vSkill.off[p];
    int nE = 0;
    /* essential skills first, then optional; each part in ascending id order */
    for (uint32_t k = sk.off[i]; k < sk.off[i + 1]; k++)
      if (sk.a[k] & (1 << 30)) x->vSkill.a[d++] = sk.a[k] & ~(1 << 30), nE++;
    for (uint32_t k = sk.off[i]; k < sk.off[i + 1]; k++)
      if (!(sk.a[k] & (1 << 30))) x->vSkill.a[d++] = sk.a[k];
    x->vNEss[p] = (uint8_t)(nE > 255 ? 255 : nE);
    memcpy(x->vLang.a + x->vLang.off[p], lg.a + lg.off[i], (lg.off[i + 1] - lg.off[i]) * sizeof(int32_t));
  }
  free(aPos);

  /* Blocks, per-country block ranges and per-unit bounds. */
  x->nBlock = nBlock;
  x->aBlock = xcalloc((size_t)nBlock + 1, sizeof(Block));
  x->aCountryBlock = xcalloc((size_t)x->nCountry + 1, sizeof(int32_t));
  int b = 0;
  for (size_t k = 0; k < nKey; k++) {
    if (aCount[k + 1] == aCount[k]) continue;
    x->aBlock[b].country = (int16_t)(k / nG);
    x->aBlock[b].group = (int32_t)(k % nG);
    x->aBlock[b].unit = x->aGroupUnit[k % nG];
    x->aBlock[b].start = (int32_t)aCount[k];
    x->aBlock[b].end = (int32_t)aCount[k + 1];
    x->aCountryBlock[x->aBlock[b].country + 1]++;
    b++;
  }
  for (int c = 0; c < x->nCountry; c++) x->aCountryBlock[c + 1] += x->aCountryBlock[c];
  free(aCount);
  for (int k = 0; k < nBlock; k++) {
    Block *pb = &x->aBlock[k];
    pb->minIsced = 255;
    for (int p = pb->start; p < pb->end; p++) {
      if (x->vMinIsced[p] < pb->minIsced) pb->minIsced = x->vMinIsced[p];
      if (x->vFlags[p] & VF_REGULATED) pb->bRegulated = 1;
      if (x->vLang.off[p] == x->vLang.off[p + 1]) pb->bLangFree = 1;
      for (uint32_t j = x->vLang.off[p]; j < x->vLang.off[p + 1]; j++) {
        int lang = x->vLang.a[j] >> 3, lev = x->vLang.a[j] & 7, i;
        for (i = 0; i < pb->nLang && pb->aLang[i] != lang; i++) {}
        if (i == pb->nLang) {
          if (pb->nLang == BLOCK_LANGS) {
            pb->bLangFree = 1;
            continue;
          }
          pb->nLang++;
          pb->aLang[i] = (uint16_t)lang;
          pb->aLangMin[i] = (uint8_t)lev;
        } else if (lev < pb->aLangMin[i]) {
          pb->aLangMin[i] = (uint8_t)lev;
        }
      }
    }
  }
  /* Per group: the union of listed skills (temporary bitsets), the fewest listed,
  ** then the posting lists skill -> groups. */
  size_t nW = (size_t)x->nSkillWords;
  uint64_t *aEss = xcalloc(nG * nW + 1, sizeof(uint64_t)), *aOpt = xcalloc(nG * nW + 1, sizeof(uint64_t));
  x->aGroupMinEss = xmalloc(nG + 1);
  x->aGroupMinOpt = xmalloc(nG + 1);
  x->aGroupNoEss = xcalloc(nG + 1, 1);
  x->aGroupNoOpt = xcalloc(nG + 1, 1);
  memset(x->aGroupMinEss, 255, nG);
  memset(x->aGroupMinOpt, 255, nG);
  for (int k = 0; k < nBlock; k++) {
    int g = x->aBlock[k].group;
    for (int p = x->aBlock[k].start; p < x->aBlock[k].end; p++) {
      uint32_t o0 = x->vSkill.off[p], o1 = x->vSkill.off[p + 1];
      int nE = x->vNEss[p], nO = (int)(o1 - o0) - nE;
      for (uint32_t j = o0; j < o1; j++) {
        uint64_t *w = (j - o0 < (uint32_t)nE ? aEss : aOpt) + (size_t)g * nW;
        int32_t id = x->vSkill.a[j];
        if (id >= 0 && (size_t)(id >> 6) < nW) w[id >> 6] |= 1ull << (id & 63);
      }
      if (nE == 0) x->aGroupNoEss[g] = 1;
      else if (nE < x->aGroupMinEss[g]) x->aGroupMinEss[g] = (uint8_t)nE;
      if (nO == 0) x->aGroupNoOpt[g] = 1;
      else if (nO < x->aGroupMinOpt[g]) x->aGroupMinOpt[g] = (uint8_t)(nO > 255 ? 255 : nO);
    }
  }
  x->nSkillPost = (int)(nW * 64);
  x->skillPost.off = xcalloc((size_t)x->nSkillPost + 1, sizeof(uint32_t));
  for (int pass = 0; pass < 2; pass++) {
    uint32_t *aFill = pass ? xcalloc((size_t)x->nSkillPost + 1, sizeof(uint32_t)) : NULL;
    for (size_t g = 0; g < (size_t)x->nGroup; g++) {
      for (int ess = 0; ess < 2; ess++) {
        const uint64_t *w = (ess ? aEss : aOpt) + g * nW;
        for (size_t j = 0; j < nW; j++) {
          for (uint64_t bits = w[j]; bits; bits &= bits - 1) {
            int id = (int)(j * 64) + __builtin_ctzll(bits);
            if (pass == 0) x->skillPost.off[id + 1]++;
            else x->skillPost.a[x->skillPost.off[id] + aFill[id]++] = (int32_t)(g << 1) | ess;
          }
        }
      }
    }
    if (pass == 0) {
      for (int id = 0; id < x->nSkillPost; id++) x->skillPost.off[id + 1] += x->skillPost.off[id];
      x->skillPost.a = xmalloc(((size_t)x->skillPost.off[x->nSkillPost] + 1) * sizeof(int32_t));
    }
    free(aFill);
  }
  free(aEss);
  free(aOpt);
  ret = 0;
out:
  free(oId);
  free(oEsco);
  free(oUntil);
  free(oUnit);
  free(oCountry);
  free(oFlags);
  free(oMin);
  free(oGroup);
  free(sk.off);
  free(sk.a);
  free(lg.off);
  free(lg.a);
  return ret;
}

static int load_seekers(Store *s, MatchIndex *x, Err *e) {
  int n = (int)store_int(s, "SELECT count(*) FROM seeker", 0), m = 0, rc;
  Stmt *q = store_prepare(s, "SELECT id, isced, status = 'open' FROM seeker ORDER BY id", e);
  if (!q) return -1;
  x->sId = xmalloc(((size_t)n + 1) * sizeof(int32_t));
  x->sIsced = xmalloc((size_t)n + 1);
  x->sOpen = xmalloc((size_t)n + 1);
  while ((rc = stmt_step(q, e)) == 1 && m < n) {
    x->sId[m] = (int32_t)stmt_int(q, 0);
    x->sIsced[m] = (uint8_t)stmt_int(q, 1);
    x->sOpen[m] = (uint8_t)stmt_int(q, 2);
    m++;
  }
  stmt_finalize(q);
  if (rc < 0) return -1;
  x->nSeek = n = m;
  if (load_csr(s, "SELECT seeker_id, isco_code FROM seeker_occupation ORDER BY seeker_id, position", x->sId, n,
               &x->sOccUnit, val_unit, x, e) ||
      load_csr(s, "SELECT seeker_id, coalesce(esco_id, 0) FROM seeker_occupation ORDER BY seeker_id, position",
               x->sId, n, &x->sOccEsco, val_int1, x, e) ||
      load_csr(s, "SELECT seeker_id, years FROM seeker_occupation ORDER BY seeker_id, position", x->sId, n,
               &x->sOccYears, val_int1, x, e) ||
      load_csr(s, "SELECT seeker_id, skill_id FROM seeker_skill ORDER BY seeker_id, skill_id", x->sId, n, &x->sSkill,
               val_int1, x, e) ||
      load_csr(s, "SELECT seeker_id, lang, level FROM seeker_language ORDER BY seeker_id, lang", x->sId, n, &x->sLang,
               val_lang, x, e) ||
      load_csr(s, "SELECT seeker_id, country FROM seeker_destination ORDER BY seeker_id, country", x->sId, n,
               &x->sDest, val_country, x, e))
    return -1;

  /* Qualifications with their decisions. */
  int nQual = (int)store_int(s, "SELECT count(*) FROM qualification", 0);
  int nRec = (int)store_int(s, "SELECT count(*) FROM recognition", 0);
  x->sQualOff = xcalloc((size_t)n + 1, sizeof(uint32_t));
  x->aQual = xcalloc((size_t)nQual + 1, sizeof(Qual));
  x->aRec = xcalloc((size_t)nRec + 1, sizeof(Rec));
  q = store_prepare(s,
                    "SELECT q.seeker_id, q.id, q.isced, q.country, coalesce(q.isco_code, ''), r.country, r.status "
                    "FROM qualification q LEFT JOIN recognition r ON r.qualification_id = q.id "
                    "ORDER BY q.seeker_id, q.id, r.country",
                    e);
  if (!q) return -1;
  int cur = 0, iq = -1, ir = 0;
  int64_t lastQ = -1;
  while ((rc = stmt_step(q, e)) == 1) {
    int p = locate(x->sId, n, stmt_int(q, 0), &cur);
    if (p < 0) continue;
    if (stmt_int(q, 1) != lastQ && iq + 1 < nQual) {
      lastQ = stmt_int(q, 1);
      Qual *pq = &x->aQual[++iq];
      pq->isced = (uint8_t)stmt_int(q, 2);
      pq->country = (int16_t)find2(x->azCountry, x->nCountry, stmt_text(q, 3));
      snprintf(pq->zIsco, sizeof pq->zIsco, "%s", stmt_text(q, 4));
      pq->recOff = pq->recEnd = (uint32_t)ir;
      x->sQualOff[p + 1]++;
    }
    if (!stmt_is_null(q, 5) && ir < nRec && iq >= 0) {
      x->aRec[ir].country = (int16_t)find2(x->azCountry, x->nCountry, stmt_text(q, 5));
      x->aRec[ir].code = rec_code(stmt_text(q, 6));
      ir++;
      x->aQual[iq].recEnd = (uint32_t)ir;
    }
  }
  stmt_finalize(q);
  if (rc < 0) return -1;
  for (int i = 0; i < n; i++) x->sQualOff[i + 1] += x->sQualOff[i];

  x->nArr = (int)store_int(s, "SELECT count(*) FROM recognition_arrangement", 0);
  x->aArr = xcalloc((size_t)x->nArr + 1, sizeof(Arr));
  q = store_prepare(s,
                    "SELECT origin, destination, coalesce(isco_code, ''), min_isced, kind FROM recognition_arrangement "
                    "ORDER BY id",
                    e);
  if (!q) return -1;
  m = 0;
  while ((rc = stmt_step(q, e)) == 1 && m < x->nArr) {
    Arr *a = &x->aArr[m++];
    a->origin = (int16_t)find2(x->azCountry, x->nCountry, stmt_text(q, 0));
    a->dest = (int16_t)find2(x->azCountry, x->nCountry, stmt_text(q, 1));
    snprintf(a->zIsco, sizeof a->zIsco, "%s", stmt_text(q, 2));
    a->minIsced = (uint8_t)stmt_int(q, 3);
    a->code = strcmp(stmt_text(q, 4), "automatic") == 0 ? MATCH_REC_AUTOMATIC : MATCH_REC_ASSESSMENT;
  }
  stmt_finalize(q);
  x->nArr = m;
  return rc < 0 ? -1 : 0;
}

int match_index_build(Store *s, MatchIndex **pp, Err *e) {
  MatchIndex *x = xcalloc(1, sizeof *x);
  *pp = NULL;
  /* One read transaction: the index is a consistent snapshot. */
  if (store_exec(s, "BEGIN", e)) {
    free(x);
    return -1;
  }
  int rc = load_reference(s, x, e);
  if (rc == 0) rc = load_vacancies(s, x, e);
  if (rc == 0) rc = load_seekers(s, x, e);
  store_rollback(s);
  if (rc) {
    match_index_free(x);
    return -1;
  }
  *pp = x;
  return 0;
}

static void csr_free(Csr *c) {
  free(c->off);
  free(c->a);
}

void match_index_free(MatchIndex *x) {
  if (!x) return;
  free(x->azUnit);
  free(x->aUnitLevel);
  free(x->azCountry);
  free(x->azLang);
  free(x->vId);
  free(x->vEsco);
  free(x->vUntil);
  free(x->vUnit);
  free(x->vCountry);
  free(x->vFlags);
  free(x->vMinIsced);
  free(x->vNEss);
  csr_free(&x->vSkill);
  csr_free(&x->vLang);
  free(x->aBlock);
  free(x->aCountryBlock);
  free(x->aGroupUnit);
  free(x->aGroupEsco);
  free(x->aGroupMinEss);
  free(x->aGroupMinOpt);
  free(x->aGroupNoEss);
  free(x->aGroupNoOpt);
  csr_free(&x->skillPost);
  free(x->sId);
  free(x->sIsced);
  free(x->sOpen);
  csr_free(&x->sOccUnit);
  csr_free(&x->sOccEsco);
  csr_free(&x->sOccYears);
  csr_free(&x->sSkill);
  csr_free(&x->sLang);
  csr_free(&x->sDest);
  free(x->sQualOff);
  free(x->aQual);
  free(x->aRec);
  free(x->aArr);
  free(x);
}

int match_index_vacancies(const MatchIndex *x) { return x->nVac; }
int match_index_seekers(const MatchIndex *x) { return x->nSeek; }

size_t match_index_vacancy_bytes(const MatchIndex *x) {
  size_t n = (size_t)x->nVac;
  size_t b = n * (3 * sizeof(int32_t) + sizeof(uint16_t) + sizeof(int16_t) + 3);
  b += (n + 1) * 2 * sizeof(uint32_t);
  b += (size_t)x->vSkill.off[n] * sizeof(int32_t) + (size_t)x->vLang.off[n] * sizeof(int32_t);
  b += (size_t)x->nBlock * sizeof(Block) + ((size_t)x->nCountry + 1) * sizeof(int32_t);
  b += (size_t)x->nGroup * (sizeof(uint16_t) + sizeof(int32_t) + 4);
  b += ((size_t)x->nSkillPost + 1) * sizeof(uint32_t) + (size_t)x->skillPost.off[x->nSkillPost] * sizeof(int32_t);
  return b;
}

/* ---- scoring ---- */

static int lang_points(int have, int need);

/* ISCO skill level of an education: ISCED 0-1 -> 1, 2-4 -> 2, 5 -> 3, 6-8 -> 4. */
static int seeker_level(int isced) { return isced <= 1 ? 1 : isced <= 4 ? 2 : isced == 5 ? 3 : 4; }

static const int aOccPts[] = {0, 200, 400, 600, 800, 1000};
static const int aRecPts[] = {0, 250, 500, 750, 1000, 1000};

static bool rec_passes(int code) {
  return code == MATCH_REC_RECOGNISED || code == MATCH_REC_AUTOMATIC || code == MATCH_REC_ASSESSMENT;
}

static bool prefix_of(const char *zPrefix, const char *zCode) {
  size_t n = strlen(zPrefix);
  return strncmp(zPrefix, zCode, n) == 0;
}

/* Recognition of seeker si's qualifications for work in country c, unit u. */
static int recognition(const MatchIndex *x, int si, int c, int u) {
  int best = MATCH_REC_NONE, bestPass = -1;
  const char *zUnit = x->azUnit[u];
  for (uint32_t k = x->sQualOff[si]; k < x->sQualOff[si + 1]; k++) {
    const Qual *q = &x->aQual[k];
    int code = MATCH_REC_NONE;
    bool bDecided = false;
    if (q->zIsco[0] && !prefix_of(q->zIsco, zUnit)) continue;
    if (q->country == c) {
      code = MATCH_REC_RECOGNISED;    /* awarded in the destination country itself */
      bDecided = true;
    }
    for (uint32_t r = q->recOff; r < q->recEnd && !bDecided; r++)
      if (x->aRec[r].country == c) {
        code = x->aRec[r].code;
        bDecided = true;
      }
    if (!bDecided) {
      for (int a = 0; a < x->nArr; a++) {
        const Arr *p = &x->aArr[a];
        if (p->origin != q->country || p->dest != c || q->isced < p->minIsced) continue;
        if (p->zIsco[0] && !prefix_of(p->zIsco, zUnit)) continue;
        if (p->code > code) code = p->code;
      }
    }
    if (code > best) best = code;
    if (rec_passes(code) && code > bestPass) bestPass = code;
  }
  return bestPass >= 0 ? bestPass : best;
}

/* Occupation component of seeker si for a vacancy of unit u and ESCO occupation
** esco (0 none): the best over the seeker's occupations of the relation's points
** times the experience weight (500 + 50 * min(years, 10)) / 1000. */
static int occ_component(const MatchIndex *x, int si, int u, int32_t esco, uint8_t *pLevel) {
  int best = 0, bestLevel = MATCH_OCC_NONE;
  const char *zV = x->azUnit[u];
  for (uint32_t k = x->sOccUnit.off[si]; k < x->sOccUnit.off[si + 1]; k++) {
    int su = x->sOccUnit.a[k];
    int lvl;
    if (su < 0) continue;
    const char *zS = x->azUnit[su];
    if (esco && x->sOccEsco.a[k] == esco && su == u) lvl = MATCH_OCC_ESCO;   /* an ESCO occupation has one unit */
    else if (su == u) lvl = MATCH_OCC_UNIT;
    else if (strncmp(zS, zV, 3) == 0) lvl = MATCH_OCC_MINOR;
    else if (strncmp(zS, zV, 2) == 0) lvl = MATCH_OCC_SUBMAJOR;
    else if (zS[0] == zV[0]) lvl = MATCH_OCC_MAJOR;
    else lvl = MATCH_OCC_NONE;
    int years = x->sOccYears.a[k] > 10 ? 10 : x->sOccYears.a[k];
    int v = aOccPts[lvl] * (500 + 50 * years) / 1000;
    if (v > best || (v == best && lvl > bestLevel)) {
      best = v;
      bestLevel = lvl;
    }
  }
  *pLevel = (uint8_t)bestLevel;
  return best;
}

static inline bool bit_has(const uint64_t *a, int nW, int32_t id) {
  return id >= 0 && (id >> 6) < nW && (a[id >> 6] >> (id & 63)) & 1;
}

/* Score vacancy vi for seeker si. aBits holds the seeker's skills. rec is the
** recognition code for the vacancy's country and unit. */
static void score(const MatchIndex *x, int si, int vi, const uint64_t *aBits, int rec, MatchResult *m) {
  int u = x->vUnit[vi];
  uint32_t o0 = x->vSkill.off[vi], o1 = x->vSkill.off[vi + 1];
  int nE = x->vNEss[vi], nO = (int)(o1 - o0) - nE, hE = 0, hO = 0;
  memset(m, 0, sizeof *m);
  m->occ = (int16_t)occ_component(x, si, u, x->vEsco[vi], &m->occLevel);
  for (uint32_t k = o0; k < o0 + (uint32_t)nE; k++) hE += bit_has(aBits, x->nSkillWords, x->vSkill.a[k]);
  for (uint32_t k = o0 + (uint32_t)nE; k < o1; k++) hO += bit_has(aBits, x->nSkillWords, x->vSkill.a[k]);
  m->ess = (int16_t)(nE ? 1000 * hE / nE : NONE_LISTED);
  m->opt = (int16_t)(nO ? 1000 * hO / nO : NONE_LISTED);
  m->nEss = (uint8_t)(nE > 255 ? 255 : nE);
  m->nEssHave = (uint8_t)(hE > 255 ? 255 : hE);
  m->nOpt = (uint8_t)(nO > 255 ? 255 : nO);
  m->nOptHave = (uint8_t)(hO > 255 ? 255 : hO);
  /* languages */
  uint32_t l0 = x->vLang.off[vi], l1 = x->vLang.off[vi + 1];
  int sum = 0, nMet = 0;
  for (uint32_t k = l0; k < l1; k++) {
    int lang = x->vLang.a[k] >> 3, need = x->vLang.a[k] & 7, have = 0;
    for (uint32_t j = x->sLang.off[si]; j < x->sLang.off[si + 1]; j++)
      if ((x->sLang.a[j] >> 3) == lang) have = x->sLang.a[j] & 7;
    int v = lang_points(have, need);
    if (have >= need) nMet++;
    sum += v;
  }
  m->nLang = (uint8_t)(l1 - l0);
  m->nLangMet = (uint8_t)nMet;
  m->lang = (int16_t)(l1 > l0 ? sum / (int)(l1 - l0) : 1000);
  /* education and recognition */
  int isced = x->sIsced[si], minI = x->vMinIsced[vi];
  int edu = isced >= minI ? 1000 : 1000 - 250 * (minI - isced);
  if (edu < 0) edu = 0;
  m->rec = (uint8_t)rec;
  if (x->vFlags[vi] & VF_REGULATED) {
    edu = (edu + aRecPts[rec]) / 2;
    m->flags |= MATCH_F_REGULATED;
  }
  m->edu = (int16_t)edu;
  /* deskilling */
  m->jobLevel = x->aUnitLevel[u];
  m->seekerLevel = (uint8_t)seeker_level(isced);
  int gap = m->seekerLevel - m->jobLevel;
  if (gap > 0) {
    m->penalty = (int16_t)(PENALTY_PER_LEVEL * gap);
    m->flags |= MATCH_F_DESKILL;
  }
  if (x->vFlags[vi] & VF_LICENCE) m->flags |= MATCH_F_LICENCE;
  m->score = W_OCC * m->occ + W_ESS * m->ess + W_OPT * m->opt + W_LANG * m->lang + W_EDU * m->edu - m->penalty;
}

/* a ranks before b */
static inline bool better(const MatchResult *a, const MatchResult *b) {
  return a->score > b->score || (a->score == b->score && a->id < b->id);
}

static int cmp_result(const void *pa, const void *pb) {
  const MatchResult *a = pa, *b = pb;
  if (better(a, b)) return -1;
  if (better(b, a)) return 1;
  return 0;
}

/* Top-k collector: a heap with the worst result on top; k 0 keeps everything. */
typedef struct TopK {
  MatchResult *a;
  int n, nAlloc, k;
} TopK;

static void topk_sift_down(TopK *t, int i) {
  for (;;) {
    int l = 2 * i + 1, r = l + 1, w = i;
    if (l < t->n && better(&t->a[w], &t->a[l])) w = l;
    if (r < t->n && better(&t->a[w], &t->a[r])) w = r;
    if (w == i) return;
    MatchResult tmp = t->a[i];
    t->a[i] = t->a[w];
    t->a[w] = tmp;
    i = w;
  }
}

static void topk_add(TopK *t, const MatchResult *m) {
  if (t->k == 0 || t->n < t->k) {
    if (t->n == t->nAlloc) {
      t->nAlloc = t->nAlloc ? t->nAlloc * 2 : 16;
      t->a = xrealloc(t->a, (size_t)t->nAlloc * sizeof(MatchResult));
    }
    t->a[t->n] = *m;
    int i = t->n++;
    if (t->k == 0) return;
    while (i > 0) {   /* sift up: the parent must be worse than the child */
      int p = (i - 1) / 2;
      if (!better(&t->a[p], &t->a[i])) break;
      MatchResult tmp = t->a[i];
      t->a[i] = t->a[p];
      t->a[p] = tmp;
      i = p;
    }
    return;
  }
  if (!better(m, &t->a[0])) return;
  t->a[0] = *m;
  topk_sift_down(t, 0);
}

static bool topk_full(const TopK *t) { return t->k > 0 && t->n >= t->k; }

static void topk_finish(TopK *t, MatchResult **paOut, int *pn) {
  if (t->n) qsort(t->a, (size_t)t->n, sizeof(MatchResult), cmp_result);
  *paOut = t->a ? t->a : xmalloc(sizeof(MatchResult));
  *pn = t->n;
}

static int find_seeker(const MatchIndex *x, int64_t id) {
  int cur = 0;
  return locate(x->sId, x->nSeek, id, &cur);
}

static uint64_t *seeker_bits(const MatchIndex *x, int si) {
  uint64_t *a = xcalloc((size_t)x->nSkillWords, sizeof(uint64_t));
  for (uint32_t k = x->sSkill.off[si]; k < x->sSkill.off[si + 1]; k++) {
    int32_t id = x->sSkill.a[k];
    if (id >= 0 && (id >> 6) < x->nSkillWords) a[id >> 6] |= 1ull << (id & 63);
  }
  return a;
}

/* Whether vacancy vi passes the hard filters for seeker si (destination checked
** by the caller). *pRec gets the recognition code. */
static bool passes(const MatchIndex *x, int si, int vi, const MatchOpt *o, int rec) {
  (void)si;
  if (!(x->vFlags[vi] & VF_OPEN) || x->vUntil[vi] < o->today) return false;
  if ((x->vFlags[vi] & VF_LICENCE) && !o->bOfficer) return false;
  if ((x->vFlags[vi] & VF_REGULATED) && !rec_passes(rec)) return false;
  return true;
}

static bool seeker_accepts(const MatchIndex *x, int si, int c) {
  for (uint32_t k = x->sDest.off[si]; k < x->sDest.off[si + 1]; k++)
    if (x->sDest.a[k] == c) return true;
  return false;
}

int match_seeker_exhaustive(const MatchIndex *x, int64_t idSeeker, const MatchOpt *o, MatchResult **paOut, int *pn,
                            Err *e) {
  int si = find_seeker(x, idSeeker);
  TopK t = {0};
  if (si < 0) return err_set(e, ERR_NOT_FOUND, "no seeker with id %lld", (long long)idSeeker);
  uint64_t *aBits = seeker_bits(x, si);
  t.k = o->k;
  for (int vi = 0; vi < x->nVac; vi++) {
    if (!seeker_accepts(x, si, x->vCountry[vi])) continue;
    int rec = recognition(x, si, x->vCountry[vi], x->vUnit[vi]);
    if (!passes(x, si, vi, o, rec)) continue;
    MatchResult m;
    score(x, si, vi, aBits, rec, &m);
    m.id = x->vId[vi];
    topk_add(&t, &m);
  }
  free(aBits);
  topk_finish(&t, paOut, pn);
  return 0;
}

typedef struct Cand {
  int32_t ub;
  int32_t block;
} Cand;

static int cmp_cand(const void *pa, const void *pb) {
  const Cand *a = pa, *b = pb;
  if (a->ub != b->ub) return a->ub > b->ub ? -1 : 1;
  return a->block < b->block ? -1 : a->block > b->block;
}

/* Upper bound of the occupation, skill and deskilling parts of any vacancy of
** group g for seeker si, given how many of the seeker's skills the group lists
** as essential (nE) and as optional (nO). */
static int32_t group_bound(const MatchIndex *x, int si, int g, int nE, int nO) {
  int u = x->aGroupUnit[g], occ = 0;
  int32_t esco = x->aGroupEsco[g];
  const char *zV = x->azUnit[u];
  for (uint32_t k = x->sOccUnit.off[si]; k < x->sOccUnit.off[si + 1]; k++) {
    int su = x->sOccUnit.a[k];
    if (su < 0) continue;
    const char *zS = x->azUnit[su];
    int lvl = su == u ? (esco && x->sOccEsco.a[k] == esco ? MATCH_OCC_ESCO : MATCH_OCC_UNIT)
              : strncmp(zS, zV, 3) == 0 ? MATCH_OCC_MINOR
              : strncmp(zS, zV, 2) == 0 ? MATCH_OCC_SUBMAJOR
              : zS[0] == zV[0]          ? MATCH_OCC_MAJOR
                                        : MATCH_OCC_NONE;
    int years = x->sOccYears.a[k] > 10 ? 10 : x->sOccYears.a[k];
    int v = aOccPts[lvl] * (500 + 50 * years) / 1000;
    if (v > occ) occ = v;
  }
  int ess = x->aGroupNoEss[g] ? NONE_LISTED : 0, opt = x->aGroupNoOpt[g] ? NONE_LISTED : 0;
  if (x->aGroupMinEss[g] != 255) {
    int v = nE >= x->aGroupMinEss[g] ? 1000 : 1000 * nE / x->aGroupMinEss[g];
    if (v > ess) ess = v;
  }
  if (x->aGroupMinOpt[g] != 255) {
    int v = nO >= x->aGroupMinOpt[g] ? 1000 : 1000 * nO / x->aGroupMinOpt[g];
    if (v > opt) opt = v;
  }
  int gap = seeker_level(x->sIsced[si]) - x->aUnitLevel[u];
  return W_OCC * occ + W_ESS * ess + W_OPT * opt - (gap > 0 ? PENALTY_PER_LEVEL * gap : 0);
}

/* The language score of one requirement (docs/matching.md). */
static int lang_points(int have, int need) {
  if (have >= need) return 1000;
  if (have == 0) return 0;
  int v = 1000 - 250 * (need - have);
  return v < 0 ? 0 : v;
}

/* Upper bound of the language and education parts for a block: the mean over a
** vacancy's languages is at most their best, and each is at most the points for
** the lowest level the block asks in that language. */
static int32_t block_bound(const MatchIndex *x, int si, const Block *pb) {
  int lang = 1000;
  if (!pb->bLangFree) {
    lang = 0;
    for (int i = 0; i < pb->nLang; i++) {
      int have = 0;
      for (uint32_t j = x->sLang.off[si]; j < x->sLang.off[si + 1]; j++)
        if ((x->sLang.a[j] >> 3) == pb->aLang[i]) have = x->sLang.a[j] & 7;
      int v = lang_points(have, pb->aLangMin[i]);
      if (v > lang) lang = v;
    }
  }
  int isced = x->sIsced[si];
  int edu = isced >= pb->minIsced ? 1000 : 1000 - 250 * (pb->minIsced - isced);
  if (edu < 0) edu = 0;
  if (pb->bRegulated) edu = (edu + 1000) / 2 > edu ? (edu + 1000) / 2 : edu;
  return W_LANG * lang + W_EDU * edu;
}

int match_seeker(const MatchIndex *x, int64_t idSeeker, const MatchOpt *o, MatchResult **paOut, int *pn, Err *e) {
  int si = find_seeker(x, idSeeker);
  TopK t = {0};
  if (si < 0) return err_set(e, ERR_NOT_FOUND, "no seeker with id %lld", (long long)idSeeker);
  uint64_t *aBits = seeker_bits(x, si);
  /* how many of the seeker's skills each group lists, from the posting lists */
  int32_t *aCnt = xcalloc(2 * (size_t)x->nGroup + 2, sizeof(int32_t));
  int32_t *aGroupUb = xmalloc(((size_t)x->nGroup + 1) * sizeof(int32_t));
  uint8_t *aGroupDone = xcalloc((size_t)x->nGroup + 1, 1);
  for (uint32_t k = x->sSkill.off[si]; k < x->sSkill.off[si + 1]; k++) {
    int32_t id = x->sSkill.a[k];
    if (id < 0 || id >= x->nSkillPost) continue;
    for (uint32_t q = x->skillPost.off[id]; q < x->skillPost.off[id + 1]; q++) aCnt[x->skillPost.a[q]]++;
  }
  int nCand = 0, nCandAlloc = 64;
  Cand *aCand = xmalloc((size_t)nCandAlloc * sizeof(Cand));
  t.k = o->k;
  for (uint32_t d = x->sDest.off[si]; d < x->sDest.off[si + 1]; d++) {
    int c = x->sDest.a[d];
    if (c < 0) continue;
    for (int b = x->aCountryBlock[c]; b < x->aCountryBlock[c + 1]; b++) {
      int g = x->aBlock[b].group;
      if (!aGroupDone[g]) {
        aGroupUb[g] = group_bound(x, si, g, aCnt[2 * g + 1], aCnt[2 * g]);
        aGroupDone[g] = 1;
      }
      if (nCand == nCandAlloc) aCand = xrealloc(aCand, (size_t)(nCandAlloc *= 2) * sizeof(Cand));
      aCand[nCand].ub = aGroupUb[g] + block_bound(x, si, &x->aBlock[b]);
      aCand[nCand].block = b;
      nCand++;
    }
  }
  qsort(aCand, (size_t)nCand, sizeof(Cand), cmp_cand);
  for (int i = 0; i < nCand; i++) {
    /* A vacancy scoring the k-th score exactly could still win on a lower id,
    ** so stop only when the bound is strictly below it. */
    const Block *pb = &x->aBlock[aCand[i].block];
    if (topk_full(&t) && aCand[i].ub < t.a[0].score) break;
    int rec = recognition(x, si, pb->country, pb->unit);
    for (int vi = pb->start; vi < pb->end; vi++) {
      if (!passes(x, si, vi, o, rec)) continue;
      MatchResult m;
      score(x, si, vi, aBits, rec, &m);
      m.id = x->vId[vi];
      topk_add(&t, &m);
    }
  }
  free(aCand);
  free(aCnt);
  free(aGroupUb);
  free(aGroupDone);
  free(aBits);
  topk_finish(&t, paOut, pn);
  return 0;
}

int match_vacancy(const MatchIndex *x, int64_t idVacancy, const MatchOpt *o, MatchResult **paOut, int *pn,
                  bool *pbLicence, Err *e) {
  int vi = -1;
  TopK t = {0};
  for (int i = 0; i < x->nVac; i++)
    if (x->vId[i] == idVacancy) {
      vi = i;
      break;
    }
  if (vi < 0) return err_set(e, ERR_NOT_FOUND, "no vacancy with id %lld", (long long)idVacancy);
  *pbLicence = (x->vFlags[vi] & VF_LICENCE) != 0;
  t.k = o->k;
  uint64_t *aBits = xcalloc((size_t)x->nSkillWords, sizeof(uint64_t));
  MatchOpt oo = *o;
  oo.bOfficer = true;   /* the officer's own candidate list: the licence is reported, not a filter */
  for (int si = 0; si < x->nSeek; si++) {
    if (!x->sOpen[si] || !seeker_accepts(x, si, x->vCountry[vi])) continue;
    int rec = recognition(x, si, x->vCountry[vi], x->vUnit[vi]);
    if (!passes(x, si, vi, &oo, rec)) continue;
    for (uint32_t k = x->sSkill.off[si]; k < x->sSkill.off[si + 1]; k++) {
      int32_t id = x->sSkill.a[k];
      if (id >= 0 && (id >> 6) < x->nSkillWords) aBits[id >> 6] |= 1ull << (id & 63);
    }
    MatchResult m;
    score(x, si, vi, aBits, rec, &m);
    m.id = x->sId[si];
    topk_add(&t, &m);
    for (uint32_t k = x->sSkill.off[si]; k < x->sSkill.off[si + 1]; k++) {
      int32_t id = x->sSkill.a[k];
      if (id >= 0 && (id >> 6) < x->nSkillWords) aBits[id >> 6] = 0;
    }
  }
  free(aBits);
  topk_finish(&t, paOut, pn);
  return 0;
}

/* ---- explanation and JSON ---- */

static const char *const azOccName[] = {"none", "major", "sub-major", "minor", "unit", "esco"};
static const char *const azRecName[] = {"none", "pending", "assessment", "partial", "automatic", "recognised"};

void match_explain(const MatchResult *m, const char *zLang, Buf *b) {
  static const char *const azOcc[] = {
    N_("different occupation"), N_("same ISCO major group"), N_("same ISCO sub-major group"),
    N_("same ISCO minor group"), N_("same ISCO unit group"), N_("same ESCO occupation")};
  static const char *const azRec[] = {
    N_("no recognised qualification"), N_("recognition pending"), N_("recognition by assessment under an arrangement"),
    N_("qualification partly recognised"), N_("automatic recognition under an arrangement"),
    N_("qualification recognised")};
  buf_puts(b, T(zLang, azOcc[m->occLevel <= MATCH_OCC_ESCO ? m->occLevel : 0]));
  buf_puts(b, "; ");
  if (m->nEss) buf_printf(b, T(zLang, "%d of %d essential skills"), m->nEssHave, m->nEss);
  else buf_puts(b, T(zLang, "no essential skills listed"));
  if (m->nOpt) {
    buf_puts(b, "; ");
    buf_printf(b, T(zLang, "%d of %d optional skills"), m->nOptHave, m->nOpt);
  }
  if (m->nLang) {
    buf_puts(b, "; ");
    buf_puts(b, m->nLangMet == m->nLang ? T(zLang, "language requirements met")
                : m->lang > 0           ? T(zLang, "language requirements partly met")
                                        : T(zLang, "language requirements not met"));
  }
  if ((m->flags & MATCH_F_REGULATED) || m->rec != MATCH_REC_NONE) {
    buf_puts(b, "; ");
    buf_puts(b, T(zLang, azRec[m->rec <= MATCH_REC_RECOGNISED ? m->rec : 0]));
  }
  if (m->flags & MATCH_F_DESKILL) {
    buf_puts(b, "; ");
    buf_printf(b, T(zLang, "deskilling: the job's skill level %d is below the education's level %d"), m->jobLevel,
               m->seekerLevel);
  }
  if (m->flags & MATCH_F_LICENCE) {
    buf_puts(b, "; ");
    buf_puts(b, T(zLang, "recruiting agency's licence is not valid"));
  }
}

json_t *match_result_json(const MatchResult *m, const char *zLang) {
  Buf b;
  buf_init(&b, 4096);
  match_explain(m, zLang, &b);
  /* Integers, exactly as ranked: score in thousandths of a point, components in thousandths. */
  json_t *c = json_pack("{si si si si si si}", "occupation", m->occ, "essential_skills", m->ess, "optional_skills",
                        m->opt, "languages", m->lang, "education", m->edu, "deskilling_penalty", m->penalty);
  json_t *j = json_pack("{sI si so ss ss sb sb sb si si si si si si ss}", "id", (json_int_t)m->id, "score", m->score,
                        "components", c, "occupation_match", azOccName[m->occLevel], "recognition", azRecName[m->rec],
                        "deskilling", (m->flags & MATCH_F_DESKILL) != 0, "licence_not_valid",
                        (m->flags & MATCH_F_LICENCE) != 0, "regulated", (m->flags & MATCH_F_REGULATED) != 0,
                        "essential_skills_held", m->nEssHave, "essential_skills_listed", m->nEss,
                        "optional_skills_held", m->nOptHave, "optional_skills_listed", m->nOpt, "job_skill_level",
                        m->jobLevel, "seeker_skill_level", m->seekerLevel, "explanation", buf_cstr(&b));
  buf_free(&b);
  return j;
}

/* ---- labour market needs ---- */

json_t *match_needs(Store *s, const char *zCountry, int level, const char *zToday, const char *zLang, Err *e) {
  /* Open positions and their age by (country, group); seekers by the groups of
  ** their occupations and the countries they accept; a seeker counts once per
  ** (country, group). */
  Stmt *q = store_prepare(
    s,
    "WITH v AS (SELECT country, substr(isco_code, 1, :lev) AS grp, sum(positions) AS positions, count(*) AS n, "
    "  avg(julianday(:today) - julianday(posted_on)) AS days FROM vacancy "
    "  WHERE status = 'open' AND valid_until >= :today AND posted_on <= :today AND (:c IS NULL OR country = :c) "
    "  GROUP BY 1, 2), "
    "sk AS (SELECT d.country, substr(o.isco_code, 1, :lev) AS grp, count(DISTINCT s.id) AS seekers "
    "  FROM seeker s JOIN seeker_destination d ON d.seeker_id = s.id JOIN seeker_occupation o ON o.seeker_id = s.id "
    "  WHERE s.status = 'open' AND (s.available_from IS NULL OR s.available_from <= :today) "
    "  AND (:c IS NULL OR d.country = :c) GROUP BY 1, 2), "
    "k AS (SELECT country, grp FROM v UNION SELECT country, grp FROM sk) "
    "SELECT k.country, k.grp, coalesce(v.positions, 0), coalesce(v.n, 0), coalesce(sk.seekers, 0), v.days, "
    "  CASE :lang WHEN 'fr' THEN coalesce(g.title_fr, g.title_en) WHEN 'es' THEN coalesce(g.title_es, g.title_en) "
    "  ELSE g.title_en END "
    "FROM k LEFT JOIN v ON v.country = k.country AND v.grp = k.grp "
    "LEFT JOIN sk ON sk.country = k.country AND sk.grp = k.grp JOIN isco_group g ON g.code = k.grp "
    "ORDER BY k.country, k.grp",
    e);
  if (!q) return NULL;
  stmt_bind_int(q, ":lev", level);
  stmt_bind_text(q, ":today", zToday);
  stmt_bind_text(q, ":c", zCountry);
  stmt_bind_text(q, ":lang", zLang ? zLang : "en");
  json_t *a = json_array();
  int rc;
  while ((rc = stmt_step(q, e)) == 1) {
    int64_t pos = stmt_int(q, 2), seekers = stmt_int(q, 4);
    double days = stmt_is_null(q, 5) ? -1 : stmt_double(q, 5);
    const char *zClass;
    /* The rule of docs/matching.md "Needs". */
    if (pos == 0) zClass = "surplus";
    else if (seekers < pos && (2 * seekers < pos || days >= 60)) zClass = "shortage";
    else if (seekers >= 2 * pos) zClass = "surplus";
    else zClass = "balanced";
    json_t *r = json_pack("{ss ss ss sI sI sI ss}", "country", stmt_text(q, 0), "isco", stmt_text(q, 1), "title",
                          stmt_text(q, 6), "positions", (json_int_t)pos, "vacancies", (json_int_t)stmt_int(q, 3),
                          "seekers", (json_int_t)seekers, "classification", zClass);
    json_object_set_new(r, "ratio", pos ? json_real((double)seekers / (double)pos) : json_null());
    json_object_set_new(r, "mean_days_open", days >= 0 ? json_integer((json_int_t)(days + 0.5)) : json_null());
    json_array_append_new(a, r);
  }
  stmt_finalize(q);
  if (rc < 0) {
    json_decref(a);
    return NULL;
  }
  json_t *o = json_pack("{ss si so}", "as_of", zToday, "level", level, "rows", a);
  json_object_set_new(o, "country", zCountry ? json_string(zCountry) : json_null());
  json_object_set_new(o, "survey_unemployment", json_string("not used yet"));
  return o;
}

/* ---- whole answers ---- */

static void add_text(json_t *o, const char *zKey, Stmt *q, int i) {
  json_object_set_new(o, zKey, stmt_text(q, i) ? json_string(stmt_text(q, i)) : json_null());
}

static json_t *as_of(const MatchOpt *o) {
  /* day number back to YYYY-MM-DD (civil from days, Howard Hinnant) */
  int z = o->today + 719468;
  int era = (z >= 0 ? z : z - 146096) / 146097;
  int doe = z - era * 146097;
  int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int y = yoe + era * 400;
  int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int mp = (5 * doy + 2) / 153;
  int d = doy - (153 * mp + 2) / 5 + 1;
  int m = mp + (mp < 10 ? 3 : -9);
  char zBuf[48];
  snprintf(zBuf, sizeof zBuf, "%04d-%02d-%02d", y + (m <= 2), m, d);
  return json_string(zBuf);
}

json_t *match_seeker_json(Store *s, const MatchIndex *x, int64_t id, const MatchOpt *o, const char *zLang, Err *e) {
  MatchResult *a;
  int n;
  Stmt *q;
  if (match_seeker(x, id, o, &a, &n, e)) return NULL;
  json_t *res = json_array();
  q = store_prepare(s,
                    "SELECT v.ref, v.employer, v.country, v.region, v.isco_code, CASE :lang WHEN 'fr' THEN "
                    "coalesce(g.title_fr, g.title_en) WHEN 'es' THEN coalesce(g.title_es, g.title_en) ELSE g.title_en "
                    "END, v.wage, v.currency, v.valid_until FROM vacancy v JOIN isco_group g ON g.code = v.isco_code "
                    "WHERE v.id = :id",
                    e);
  if (!q) goto fail;
  for (int i = 0; i < n; i++) {
    json_t *r = match_result_json(&a[i], zLang);
    stmt_reset(q);
    stmt_bind_int(q, ":id", a[i].id);
    stmt_bind_text(q, ":lang", zLang);
    int rc = stmt_step(q, e);
    if (rc < 0) {
      json_decref(r);
      stmt_finalize(q);
      goto fail;
    }
    if (rc == 1) {
      add_text(r, "ref", q, 0);
      add_text(r, "employer", q, 1);
      add_text(r, "country", q, 2);
      add_text(r, "region", q, 3);
      add_text(r, "isco", q, 4);
      add_text(r, "isco_title", q, 5);
      json_object_set_new(r, "wage", stmt_is_null(q, 6) ? json_null() : json_real(stmt_double(q, 6)));
      add_text(r, "currency", q, 7);
      add_text(r, "valid_until", q, 8);
    }
    json_array_append_new(res, r);
  }
  stmt_finalize(q);
  free(a);
  json_t *sk = json_pack("{sI}", "id", (json_int_t)id);
  q = store_prepare(s, "SELECT ref FROM seeker WHERE id = :id", e);
  if (q) {
    stmt_bind_int(q, ":id", id);
    if (stmt_step(q, e) == 1) add_text(sk, "ref", q, 0);
    stmt_finalize(q);
  }
  return json_pack("{so so si so}", "seeker", sk, "as_of", as_of(o), "top", o->k, "results", res);
fail:
  free(a);
  json_decref(res);
  return NULL;
}

json_t *match_vacancy_json(Store *s, const MatchIndex *x, int64_t id, const MatchOpt *o, const char *zLang, Err *e) {
  MatchResult *a;
  int n;
  bool bLicence;
  Stmt *q;
  if (match_vacancy(x, id, o, &a, &n, &bLicence, e)) return NULL;
  json_t *res = json_array();
  q = store_prepare(s,
                    "SELECT s.ref, s.citizenship, s.residence, (SELECT o.isco_code FROM seeker_occupation o WHERE "
                    "o.seeker_id = s.id ORDER BY o.position LIMIT 1) FROM seeker s WHERE s.id = :id",
                    e);
  if (!q) goto fail;
  for (int i = 0; i < n; i++) {
    json_t *r = match_result_json(&a[i], zLang);
    stmt_reset(q);
    stmt_bind_int(q, ":id", a[i].id);
    int rc = stmt_step(q, e);
    if (rc < 0) {
      json_decref(r);
      stmt_finalize(q);
      goto fail;
    }
    if (rc == 1) {
      add_text(r, "ref", q, 0);
      add_text(r, "citizenship", q, 1);
      add_text(r, "residence", q, 2);
      add_text(r, "isco", q, 3);
    }
    json_array_append_new(res, r);
  }
  stmt_finalize(q);
  free(a);
  json_t *vac = json_pack("{sI sb}", "id", (json_int_t)id, "licence_not_valid", bLicence);
  q = store_prepare(s,
                    "SELECT ref, employer, country, isco_code, status = 'open' AND valid_until >= :today FROM vacancy "
                    "WHERE id = :id",
                    e);
  if (q) {
    json_t *d = as_of(o);
    stmt_bind_int(q, ":id", id);
    stmt_bind_text(q, ":today", json_string_value(d));
    if (stmt_step(q, e) == 1) {
      add_text(vac, "ref", q, 0);
      add_text(vac, "employer", q, 1);
      add_text(vac, "country", q, 2);
      add_text(vac, "isco", q, 3);
      json_object_set_new(vac, "open", json_boolean(stmt_int(q, 4)));
    }
    json_decref(d);
    stmt_finalize(q);
  }
  return json_pack("{so so si so}", "vacancy", vac, "as_of", as_of(o), "top", o->k, "results", res);
fail:
  free(a);
  json_decref(res);
  return NULL;
}

json_t *match_query(Store *s, bool bSeeker, int64_t id, const MatchOpt *o, const char *zLang, Err *e) {
  MatchIndex *x;
  if (match_index_build(s, &x, e)) return NULL;
  json_t *j = bSeeker ? match_seeker_json(s, x, id, o, zLang, e) : match_vacancy_json(s, x, id, o, zLang, e);
  match_index_free(x);
  return j;
}
