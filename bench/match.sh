#!/bin/bash
# Benchmark: the matching engine (issue 4, "Performance") against its named peer, in
# one run, on NVAC synthetic vacancies and NSEEK seekers (default 1,000,000 and
# 100,000) drawn from the ISCO-08/ESCO reference data by bench/gen_match.py:
#   build    building the in-memory index from the store (target <= 10 s);
#   query    top 10 vacancies for 1,000 seekers, one core (targets: median <= 2 ms,
#            99th percentile <= 20 ms); the first 50 are also checked against the
#            exhaustive ranking;
#   memory   bytes per vacancy of the index's arrays (target <= 512), and the growth
#            of the resident set while building (it includes the 100,000 seekers);
#   peer     the same top 10 by one SQL query (bench/match_peer.sql) over the same
#            SQLite database with python's sqlite3, for NPEER seekers: both must give
#            the same vacancies with the same scores; the speed ratio is printed.
# Exits 1 when a target or the agreement fails.
# Usage: bench/match.sh [NVAC [NSEEK]]   (LMIS_BUILD overrides the build directory
# "build"; MATCH_KEEP=1 keeps the temporary directory; MATCH_PEER=N peer seekers;
# MATCH_DB=FILE keeps the generated database in FILE, or reuses FILE when it exists)
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
NVAC=${1:-1000000}
NSEEK=${2:-100000}
BUILD=${LMIS_BUILD:-build}
BIN=$BUILD/lmis
NPEER=${MATCH_PEER:-10}
DATE=2026-12-01
TMP=$(mktemp -d /tmp/lmis-bench-match.XXXXXX)
[ -n "${MATCH_KEEP:-}" ] || trap 'rm -rf "$TMP"' EXIT
[ -x "$BIN" ] && [ -f "$BUILD/liblmis.a" ] || { echo "match: build lmis first (ninja -C $BUILD)" >&2; exit 2; }

if [ -n "${MATCH_DB:-}" ] && [ -f "$MATCH_DB" ]; then
  ln -s "$(realpath "$MATCH_DB")" "$TMP/m.db"    # reuse a database generated before
  echo "match: using $MATCH_DB"
else
  echo "match: generating $NVAC vacancies and $NSEEK seekers from ISCO-08/ESCO ..."
  "$BIN" init --db "$TMP/m.db" >/dev/null
  t0=$(date +%s.%N)
  python3 bench/gen_match.py bench "$TMP/m.db" "$NVAC" "$NSEEK" 2>/dev/null
  t1=$(date +%s.%N)
  printf 'match: generated in %.0f s (%s MB database)\n' "$(echo "$t1 - $t0" | bc)" \
    "$(( $(stat -c %s "$TMP/m.db") / 1048576 ))"
  [ -z "${MATCH_DB:-}" ] || cp "$TMP/m.db" "$MATCH_DB"
fi

# The driver links the same library as lmis.
# shellcheck disable=SC2046
cc -O2 -std=gnu11 -D_GNU_SOURCE -I"$BUILD" -Isrc bench/match_bench.c "$BUILD/liblmis.a" -o "$TMP/match_bench" \
  $(pkg-config --libs sqlite3 libmicrohttpd jansson libsodium zlib libutf8proc libxml-2.0) -lm -lpthread

echo "match: lmis: building the index and ranking the top 10 for 1000 seekers ..."
taskset -c 0 "$TMP/match_bench" "$TMP/m.db" "$DATE" 1000 50 "$NPEER" "$TMP/lmis_top.txt" >"$TMP/lmis.json"
cat "$TMP/lmis.json"

echo "match: peer: the same ranking in SQL (python sqlite3) for $NPEER seekers ..."
python3 - "$TMP/m.db" "$DATE" "$NPEER" "$TMP/lmis_top.txt" "$TMP/lmis.json" <<'PY'
import json, sqlite3, sys, time
db, date, npeer, topfile, lmisfile = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
lm = json.load(open(lmisfile))
con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
sql = open("bench/match_peer.sql").read()
nseek = lm["seekers"]
mine = {}
for line in open(topfile):
    s, v, sc = map(int, line.split())
    mine.setdefault(s, []).append((v, sc))
times, same = [], 0
for q in range(npeer):
    sid = 1 + q * (nseek // npeer)
    t = time.perf_counter()
    rows = con.execute(sql, {"sid": sid, "today": date}).fetchall()
    times.append((time.perf_counter() - t) * 1000)
    if [(r[0], r[1]) for r in rows] == mine.get(sid, []):
        same += 1
    else:
        print("match: seeker %d: SQL %s\n                 lmis %s" % (sid, rows, mine.get(sid)))
times.sort()
med = times[len(times) // 2]
ok = True
def check(name, cond, text):
    global ok
    print("  %-7s %-60s %s" % (name, text, "ok" if cond else "FAILED"))
    ok = ok and cond
print("match: results (%d vacancies, %d seekers, one core)" % (lm["vacancies"], lm["seekers"]))
check("build", lm["build_s"] <= 10, "index built from the store in %.2f s (target <= 10 s)" % lm["build_s"])
check("query", lm["median_ms"] <= 2 and lm["p99_ms"] <= 20,
      "top 10: median %.3f ms, p99 %.3f ms, max %.3f ms (<= 2, <= 20)" % (lm["median_ms"], lm["p99_ms"], lm["max_ms"]))
check("memory", lm["index_bytes_per_vacancy"] <= 512,
      "index %.0f bytes per vacancy (<= 512); RSS growth %.0f incl. seekers" % (lm["index_bytes_per_vacancy"],
                                                                              lm["rss_bytes_per_vacancy"]))
check("check", lm["checked"] == 50, "pruned top 10 = exhaustive ranking for %d seekers" % lm["checked"])
check("peer", same == npeer, "SQL gives the same top 10 (ids and scores) for %d of %d seekers" % (same, npeer))
print("  ratio   SQL median %.1f ms / lmis median %.3f ms = %.0fx" % (med, lm["median_ms"], med / max(lm["median_ms"], 1e-6)))
sys.exit(0 if ok else 1)
PY
