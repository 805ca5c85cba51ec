#!/bin/bash
# Benchmark: the statistics engine (issue 3, "Performance") against its named peers,
# in one run, on one synthetic labour force survey of N persons (default 1,000,000):
#   import      `lmis survey import` against the sqlite3 shell's `.import --csv` of the
#               same file into a plain table (target: lmis at least as fast);
#   estimation  the indicator set below, 5 statistics x 24 domains (sex x migrant x
#               age band), as fresh `lmis survey estimate --json` processes on the
#               imported survey, against R survey's svyby on the same design (only the
#               svyby calls are timed; R's total is reported too) (target: >= 500x);
#   memory      peak RSS of each estimation process against the bytes of the columns it
#               analyses as stored (float64 x n; level indices in 1, 2 or 4 bytes x n;
#               the fpc once per stratum) (target: < 3x);
#   agreement   every lmis estimate against R's: relative 1e-9, standard errors 1e-6.
# lmis figures are medians of 3 runs (imports into fresh database copies; estimation
# as fresh processes, 5 runs of the --batch process); R runs once (it takes minutes).
# Exits 1 when a target or the agreement fails.
# Usage: bench/stats.sh [N]   (LMIS_BIN overrides build/lmis; STATS_KEEP=1 keeps the
# temporary directory; STATS_SEED changes the generator's seed)
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
N=${1:-1000000}
SEED=${STATS_SEED:-20180101}
BIN=${LMIS_BIN:-build/lmis}
CODEBOOK=data/samples/lfs-demo.codebook.json
RUNS=3
BATCH_RUNS=5   # the --batch process takes tens of milliseconds: more runs for a steadier median
BY=sex,migrant,age_band
WHERE=working_age=1

# The indicator set: name | columns analysed besides the design | lmis arguments.
# bench/stats.R computes the same five with svyby; keep the two in step.
STATS=(
  "employed|labour_force|--stat total --var labour_force=EMP"
  "unemployed|labour_force|--stat total --var labour_force=UNE"
  "lfpr|in_labour_force|--stat mean --var in_labour_force=1"
  "unemployment_rate|labour_force in_labour_force|--stat ratio --var labour_force=UNE --den in_labour_force=1"
  "mean_earnings|monthly_earnings|--stat mean --var monthly_earnings"
)
NDOMAIN=24

die() { echo "stats: $*" >&2; exit 2; }

# Tools: install the missing Debian packages when we may (root), else say which.
need=""
command -v sqlite3 >/dev/null || need="$need sqlite3"
[ -x /usr/bin/time ] || need="$need time"
command -v python3 >/dev/null || need="$need python3"
command -v Rscript >/dev/null || need="$need r-base-core"
command -v Rscript >/dev/null && Rscript -e 'quit(status = !requireNamespace("survey", quietly = TRUE))' 2>/dev/null \
  || need="$need r-cran-survey"
command -v Rscript >/dev/null && Rscript -e 'quit(status = !requireNamespace("jsonlite", quietly = TRUE))' 2>/dev/null \
  || need="$need r-cran-jsonlite"
if [ -n "$need" ]; then
  [ "$(id -u)" -eq 0 ] || die "needs the Debian packages:$need"
  echo "stats: installing$need"
  read -r -a pkgs <<<"$need"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}" >/dev/null
fi
[ -x "$BIN" ] || die "no $BIN (make build, or set LMIS_BIN)"
[ -f bench/gen_lfs.py ] || die "no bench/gen_lfs.py"
[ -f "$CODEBOOK" ] || die "no $CODEBOOK"

TMP=$(mktemp -d /tmp/lmis-stats.XXXXXX)
if [ "${STATS_KEEP:-0}" = 1 ]; then trap 'echo "stats: kept $TMP"' EXIT; else trap 'rm -rf "$TMP"' EXIT; fi
export LMIS_NO_PROGRESS=1

now() { echo "$EPOCHREALTIME"; }
median() { sort -g | awk '{a[NR]=$1} END {printf "%.6f", (NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2}'; }
calc() { awk "BEGIN { printf \"%.${2:-3}f\", $1 }"; }

echo "stats: generating $N persons (seed $SEED)"
python3 bench/gen_lfs.py "$N" "$SEED" "$TMP/lfs.csv"
rows=$(($(wc -l <"$TMP/lfs.csv") - 1))
[ "$rows" -eq "$N" ] || die "the generator wrote $rows rows, not $N"
echo "stats: $(du -m "$TMP/lfs.csv" | cut -f1) MB of CSV; creating a database"
"$BIN" init --db "$TMP/base.db" >/dev/null

# --- import: lmis and sqlite3 alternate, each into a fresh database ---------------
cat "$TMP/lfs.csv" >/dev/null   # both read it from the page cache
: >"$TMP/import.lmis"; : >"$TMP/import.peer"
for i in $(seq 1 $RUNS); do
  cp "$TMP/base.db" "$TMP/l$i.db"
  t0=$(now)
  "$BIN" survey import lfs "$TMP/lfs.csv" --codebook "$CODEBOOK" --db "$TMP/l$i.db" >"$TMP/import$i.out" \
    || { cat "$TMP/import$i.out"; die "lmis survey import failed"; }
  t1=$(now); calc "$t1 - $t0" 6 >>"$TMP/import.lmis"; echo >>"$TMP/import.lmis"
  t0=$(now)
  sqlite3 "$TMP/p$i.db" ".import --csv '$TMP/lfs.csv' lfs"
  t1=$(now); calc "$t1 - $t0" 6 >>"$TMP/import.peer"; echo >>"$TMP/import.peer"
  n=$(sqlite3 "$TMP/p$i.db" "SELECT count(*) FROM lfs")
  [ "$n" -eq "$N" ] || die "sqlite3 imported $n rows, not $N"
  rm -f "$TMP/p$i.db"
  [ "$i" -lt $RUNS ] && rm -rf "$TMP/l$i.db" "$TMP/l$i.db.cols"
done
DB="$TMP/l$RUNS.db"
# The imports leave hundreds of MB for the kernel to write back: flush them now, so
# that the writeback does not run during the timings below (lmis's or R's).
sync
IMP_L=$(median <"$TMP/import.lmis"); IMP_P=$(median <"$TMP/import.peer")
"$BIN" survey show lfs --db "$DB" --json >"$TMP/show.json"
printf 'stats: import runs, lmis: %s; sqlite3: %s\n' "$(tr '\n' ' ' <"$TMP/import.lmis")" "$(tr '\n' ' ' <"$TMP/import.peer")"

# --- estimation: the 5 statistics as fresh processes, 3 runs ------------------------
# One lmis process for one statistic, JSON on stdout: estimate [PREFIX...] -- "ARGS".
# --min-n 0: no estimate is withheld, so that all 120 can be compared.
estimate() {
  local prefix=() stat
  while [ "$1" != -- ]; do prefix+=("$1"); shift; done
  read -r -a stat <<<"$2"
  "${prefix[@]}" "$BIN" survey estimate lfs --db "$DB" "${stat[@]}" --by "$BY" --where "$WHERE" --min-n 0 --json
}
: >"$TMP/est.times"
for r in $(seq 1 $RUNS); do
  mkdir -p "$TMP/est$r"
  t0=$(now)
  for s in "${STATS[@]}"; do
    IFS='|' read -r name _ args <<<"$s"
    estimate -- "$args" >"$TMP/est$r/$name.json" || die "lmis survey estimate failed: $name"
  done
  t1=$(now); calc "$t1 - $t0" 6 >>"$TMP/est.times"; echo >>"$TMP/est.times"
  [ "$r" -eq 1 ] || diff -rq "$TMP/est1" "$TMP/est$r" >/dev/null || die "estimates differ between runs 1 and $r"
done
EST_5=$(median <"$TMP/est.times")
printf 'stats: estimation runs (5 processes each), lmis: %s\n' "$(tr '\n' ' ' <"$TMP/est.times")"

# --- estimation: the same 5 statistics in ONE fresh process (survey estimate --batch) --
# This is the figure the target speaks of ("a fresh lmis process"); its results must
# equal the 5 single runs exactly.
python3 - "$BY" "$WHERE" "${STATS[@]}" >"$TMP/batch.json" <<'PY'
import json, shlex, sys
by, where, items = sys.argv[1], sys.argv[2], []
for spec in sys.argv[3:]:
    args = shlex.split(spec.split("|", 2)[2])
    item = {a[2:]: v for a, v in zip(args[0::2], args[1::2])}
    item.update(by=by, where=where, min_n=0)
    items.append(item)
print(json.dumps(items))
PY
: >"$TMP/batch.times"
for r in $(seq 1 $BATCH_RUNS); do
  t0=$(now)
  "$BIN" survey estimate lfs --db "$DB" --batch "$TMP/batch.json" --json >"$TMP/batch$r.json" || die "lmis survey estimate --batch failed"
  t1=$(now); calc "$t1 - $t0" 6 >>"$TMP/batch.times"; echo >>"$TMP/batch.times"
done
python3 - "$TMP/batch1.json" "$TMP/est1" "${STATS[@]}" <<'PY' || die "--batch results differ from the single runs"
import json, sys
res = json.load(open(sys.argv[1]))["results"]
for got, spec in zip(res, sys.argv[3:]):
    want = json.load(open("%s/%s.json" % (sys.argv[2], spec.split("|", 1)[0])))
    assert got == want, spec
PY
EST_L=$(median <"$TMP/batch.times")
printf 'stats: estimation runs (one --batch process), lmis: %s\n' "$(tr '\n' ' ' <"$TMP/batch.times")"

# --- memory: each estimation process once more under /usr/bin/time -v ---------------
MEM_WORST=""; MEM_RATIO=0
for s in "${STATS[@]}"; do
  IFS='|' read -r name cols args <<<"$s"
  estimate /usr/bin/time -v -o "$TMP/$name.time" -- "$args" >/dev/null || die "lmis survey estimate failed: $name"
  kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$TMP/$name.time")
  # shellcheck disable=SC2086
  colinfo=$(python3 bench/compare_stats.py colbytes "$TMP/show.json" ${BY//,/ } ${WHERE%%=*} $cols) \
    || die "cannot size the columns of $name"
  read -r bytes used <<<"$colinfo"
  rss=$(calc "$kb / 1024" 1); colmb=$(calc "$bytes / 1048576" 1); ratio=$(calc "$kb * 1024 / $bytes" 2)
  printf 'stats: memory %-17s peak RSS %7s MiB, columns %6s MiB (%s), ratio %s\n' "$name" "$rss" "$colmb" "$used" "$ratio"
  if awk -v a="$ratio" -v b="$MEM_RATIO" 'BEGIN { exit !(a > b) }'; then
    MEM_RATIO=$ratio; MEM_WORST="$rss MiB, analysed columns $colmb MiB ($name)"
  fi
done

# --- R survey: once ------------------------------------------------------------------
echo "stats: running R survey (svyby; this takes minutes at N=1,000,000)"
t0=$(now)
Rscript bench/stats.R "$TMP/lfs.csv" "$CODEBOOK" "$TMP/r.csv" | tee "$TMP/r.out"
t1=$(now)
R_TOTAL=$(calc "$t1 - $t0" 3)
EST_R=$(awk '/^R estimation seconds:/ {print $4}' "$TMP/r.out")
[ -n "$EST_R" ] || die "R did not report its estimation time"

# --- agreement -------------------------------------------------------------------------
pairs=()
for s in "${STATS[@]}"; do IFS='|' read -r name _ _ <<<"$s"; pairs+=("$name=$TMP/est1/$name.json"); done
AGREE_OK=1
AGREE=$(python3 bench/compare_stats.py compare --by "$BY" --expect $((NDOMAIN * ${#STATS[@]})) "$TMP/r.csv" \
  "${pairs[@]}" 2>"$TMP/agree.err") || AGREE_OK=0

# --- summary ---------------------------------------------------------------------------
IMP_RATIO=$(calc "$IMP_L / $IMP_P" 2)
SPEEDUP=$(calc "$EST_R / $EST_L" 0)
echo
echo "== statistics engine benchmark, N=$N (seed $SEED) =="
printf 'import: lmis %.3f s, sqlite3 .import %.3f s, ratio lmis/peer %s (target <= 1)\n' "$IMP_L" "$IMP_P" "$IMP_RATIO"
printf 'estimation: lmis %.3f s (one --batch process; 5 separate processes %.3f s), R survey (svyby) %.3f s, speed-up Y/X = %sx (target >= 500x); R total %s s\n' \
  "$EST_L" "$EST_5" "$EST_R" "$SPEEDUP" "$R_TOTAL"
printf 'memory: lmis peak RSS %s, ratio %s (target < 3)\n' "$MEM_WORST" "$MEM_RATIO"
echo "$AGREE"
fails=""
awk -v x="$IMP_RATIO" 'BEGIN { exit !(x <= 1) }' || fails="$fails import"
awk -v x="$SPEEDUP" 'BEGIN { exit !(x >= 500) }' || fails="$fails estimation"
awk -v x="$MEM_RATIO" 'BEGIN { exit !(x < 3) }' || fails="$fails memory"
[ "$AGREE_OK" = 1 ] || fails="$fails agreement"
if [ -n "$fails" ]; then
  [ "$AGREE_OK" = 1 ] || cat "$TMP/agree.err"
  echo "stats: FAILED:$fails"
  exit 1
fi
echo "stats: all targets met"
