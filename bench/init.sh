#!/bin/bash
# Benchmark: `lmis init` (the issue's target: under 30 s on a new database) against a
# named peer doing the least comparable work: the sqlite3 shell importing the same
# CSV files (`.import --csv`, already decompressed, no validation) and building an FTS5
# index over the same occupation titles, in one transaction. Prints both medians and
# the ratio lmis/peer. Usage: bench/init.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
BIN=${LMIS_BIN:-build/lmis}
command -v sqlite3 >/dev/null || { echo "bench: needs the sqlite3 shell (apt-get install sqlite3)"; exit 1; }
TMP=$(mktemp -d /tmp/lmis-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

# The peer reads plain CSV: decompress outside the timing.
mkdir -p "$TMP/csv"
while IFS= read -r f; do
  name=$(basename "${f%.gz}" .csv)
  case $f in *.gz) gzip -dc "$f" >"$TMP/csv/$name.csv" ;; *) cp "$f" "$TMP/csv/$name.csv" ;; esac
done < <(find data -name '*.csv' -o -name '*.csv.gz' | sort)
{
  echo "BEGIN;"
  for f in "$TMP"/csv/*.csv; do
    echo ".import --csv '$f' \"t_$(basename "$f" .csv)\""
  done
  echo "CREATE VIRTUAL TABLE fts USING fts5(title, body, tokenize='porter unicode61 remove_diacritics 2');"
  echo "INSERT INTO fts SELECT title_en, '' FROM t_isco08_structure;"
  echo "INSERT INTO fts SELECT preferredLabel, description FROM t_occupations_en;"
  echo "COMMIT;"
} >"$TMP/peer.sql"

now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.3f", m}'; }

: >"$TMP/lmis.times"; : >"$TMP/peer.times"
for i in $(seq 1 "$RUNS"); do
  rm -f "$TMP/l.db" "$TMP/p.db"
  t0=$(now); LMIS_NO_PROGRESS=1 "$BIN" init --db "$TMP/l.db" >/dev/null; t1=$(now)
  echo "$t1 - $t0" | bc >>"$TMP/lmis.times"
  t0=$(now); sqlite3 "$TMP/p.db" <"$TMP/peer.sql" >/dev/null; t1=$(now)
  echo "$t1 - $t0" | bc >>"$TMP/peer.times"
done
L=$(median <"$TMP/lmis.times")
P=$(median <"$TMP/peer.times")
R=$(echo "scale=2; $L / $P" | bc)
printf 'init: lmis %ss, peer (sqlite3 .import + FTS5) %ss, ratio lmis/peer %s (median of %d runs; target: lmis < 30 s)\n' \
  "$L" "$P" "$R" "$RUNS"
awk -v l="$L" 'BEGIN { exit !(l < 30) }' || { echo "init: over the 30 s target"; exit 1; }
