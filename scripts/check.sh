#!/bin/bash
# Run every test tier against the sanitizer build and end with "N passed, N failed".
# Tiers: lint (source rules), unit (cmocka), golden CLI, xsd (SDMX-ML against the
# official schemas with xmllint), HTTP against the real binary, browser
# (chromium + playwright-core), fuzz smoke runs (libFuzzer). Set TIERS to run some.
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
B=${B:-build-asan}
TIERS=${TIERS:-"lint unit golden xsd http browser fuzz"}
export LMIS_BIN=$ROOT/$B/lmis
export LMIS_DATA=$ROOT/data
export LMIS_NO_PROGRESS=1
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:halt_on_error=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
TMP=$(mktemp -d /tmp/lmis-check.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
PASS=0
FAIL=0
declare -a SUMMARY

add() { # tier passed failed
  PASS=$((PASS + $2)); FAIL=$((FAIL + $3))
  SUMMARY+=("$(printf '%-8s %4d passed, %d failed' "$1" "$2" "$3")")
}

# A tier runner prints a line "<tier>: N passed, N failed"; a crash without it counts as one failure.
from_line() { # tier logfile exitcode
  local line p f
  line=$(grep -E "^$1: [0-9]+ passed, [0-9]+ failed" "$2" | tail -n 1)
  if [ -z "$line" ]; then add "$1" 0 1; echo "$1: no result line (exit $3); see output above"; return; fi
  p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')
  f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
  [ "$3" -ne 0 ] && [ "$f" -eq 0 ] && f=1
  add "$1" "$p" "$f"
}

tier_unit() {
  local p=0 f=0 t log n
  for t in "$B"/test_*; do
    [ -f "$t" ] && [ -x "$t" ] || continue
    log=$TMP/$(basename "$t").log
    (cd "$TMP" && "$ROOT/$t") >"$log" 2>&1
    local rc=$?
    cat "$log"
    n=$(grep -E '^\[  PASSED  \] [0-9]+ test' "$log" | sed -E 's/.* ([0-9]+) test.*/\1/' | awk '{s+=$1} END {print s+0}')
    p=$((p + n))
    n=$(grep -E '^\[  FAILED  \] [0-9]+ test' "$log" | sed -E 's/.* ([0-9]+) test.*/\1/' | awk '{s+=$1} END {print s+0}')
    [ "$rc" -ne 0 ] && [ "$n" -eq 0 ] && n=1
    f=$((f + n))
  done
  add unit "$p" "$f"
}

tier_lint() {
  scripts/checksrc.sh >"$TMP/lint.log" 2>&1
  local rc=$?
  cat "$TMP/lint.log"
  from_line lint "$TMP/lint.log" $rc
}

tier_golden() {
  python3 tests/golden/run.py >"$TMP/golden.log" 2>&1
  local rc=$?
  cat "$TMP/golden.log"
  from_line golden "$TMP/golden.log" $rc
}

tier_xsd() {
  tests/sdmx/run.sh >"$TMP/xsd.log" 2>&1
  local rc=$?
  cat "$TMP/xsd.log"
  from_line xsd "$TMP/xsd.log" $rc
}

tier_http() {
  python3 tests/http/run.py >"$TMP/http.log" 2>&1
  local rc=$?
  cat "$TMP/http.log"
  from_line http "$TMP/http.log" $rc
}

tier_browser() {
  local db=$TMP/browser.db port rc pid
  if [ ! -d tests/browser/node_modules/playwright-core ]; then
    (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error) || { add browser 0 1; return; }
  fi
  "$LMIS_BIN" init --db "$db" >/dev/null || { add browser 0 1; return; }
  echo 'browser-pass-2026' | "$LMIS_BIN" user add browser --role migrant --password-stdin --db "$db" >/dev/null
  "$LMIS_BIN" survey import lfs-demo data/samples/lfs-demo.csv.gz --codebook data/samples/lfs-demo.codebook.json \
    --db "$db" >/dev/null || { add browser 0 1; return; }
  "$LMIS_BIN" agency import data/samples/agencies.csv --db "$db" >/dev/null || { add browser 0 1; return; }
  "$LMIS_BIN" vacancy import data/samples/vacancies.jsonl --db "$db" >/dev/null || { add browser 0 1; return; }
  "$LMIS_BIN" serve --db "$db" --port 0 >"$TMP/serve.out" 2>"$TMP/serve.err" &
  pid=$!
  for _ in $(seq 1 100); do grep -q listening "$TMP/serve.out" && break; sleep 0.1; done
  port=$(sed -nE 's|.*http://[^:]+:([0-9]+)/.*|\1|p' "$TMP/serve.out" | head -n 1)
  # run.js covers the core pages; each capability adds its own tests/browser/page_*.js
  # (same environment, same "browser: N passed, N failed" line).
  local js p=0 f=0 line
  rc=0
  : >"$TMP/browser.log"
  for js in tests/browser/run.js tests/browser/page_*.js; do
    [ -f "$js" ] || continue
    LMIS_URL=http://127.0.0.1:$port LMIS_USER=browser LMIS_PASSWORD=browser-pass-2026 LMIS_DB=$db \
      node "$js" >"$TMP/browser-one.log" 2>&1 || rc=1
    cat "$TMP/browser-one.log" >>"$TMP/browser.log"
    line=$(grep -E "^browser: [0-9]+ passed, [0-9]+ failed" "$TMP/browser-one.log" | tail -n 1)
    if [ -z "$line" ]; then f=$((f + 1)); echo "$js: no result line" >>"$TMP/browser.log"; continue; fi
    p=$((p + $(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')))
    f=$((f + $(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')))
  done
  echo "browser: $p passed, $f failed" >>"$TMP/browser.log"
  kill -TERM "$pid"; wait "$pid"; local src=$?
  cat "$TMP/browser.log"
  if [ "$src" -ne 0 ]; then echo "browser: server exited with $src"; cat "$TMP/serve.err"; rc=1; fi
  from_line browser "$TMP/browser.log" $rc
}

tier_fuzz() {
  if [ ! -f build-fuzz/build.ninja ]; then
    CC=clang meson setup build-fuzz -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false \
      -Dtests=disabled >"$TMP/fuzz-setup.log" 2>&1 || { cat "$TMP/fuzz-setup.log"; add fuzz 0 1; return; }
  fi
  ninja -C build-fuzz >"$TMP/fuzz-build.log" 2>&1 || { cat "$TMP/fuzz-build.log"; add fuzz 0 1; return; }
  FUZZ_SECONDS=${FUZZ_SECONDS:-15} scripts/fuzz.sh >"$TMP/fuzz.log" 2>&1
  local rc=$?
  tail -n 30 "$TMP/fuzz.log"
  from_line fuzz "$TMP/fuzz.log" $rc
}

for t in $TIERS; do
  echo "=== $t"
  "tier_$t"
done
echo
echo "=== summary"
for s in "${SUMMARY[@]}"; do echo "$s"; done
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
