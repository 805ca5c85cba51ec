#!/bin/sh
# Create demo.db: reference data, a first administrator, and the sample data of
# every capability, so that a newcomer sees lmis working. Used by `make demo`.
set -eu
cd "$(dirname "$0")/.."
BIN=${LMIS_BIN:-build/lmis}
DB=${1:-demo.db}
TMP=$(mktemp /tmp/lmis-demo.XXXXXX)
trap 'rm -f "$TMP" "$TMP.err"' EXIT
echo "lmis: loading reference data into $DB ..."
"$BIN" init --db "$DB" --force --admin admin --json >"$TMP"
# Statistics: a SYNTHETIC labour force survey (data/samples/README.md), with its
# indicators published into the aggregate store.
echo "lmis: importing the sample survey and publishing its indicators ..."
"$BIN" survey import lfs-demo data/samples/lfs-demo.csv.gz --codebook data/samples/lfs-demo.codebook.json \
  --db "$DB" >/dev/null
for id in $("$BIN" indicator list --db "$DB" --json | python3 -c 'import json,sys; print(" ".join(i["id"] for i in json.load(sys.stdin)["indicators"]))'); do
  "$BIN" indicator compute "$id" --survey lfs-demo --publish --format json --db "$DB" >/dev/null 2>"$TMP.err" ||
    { cat "$TMP.err" >&2; exit 1; }
done
rm -f "$TMP.err"
python3 - "$TMP" "$DB" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
l = d["loaded"]
print("lmis: %s is ready: %d ISCO-08 groups, %d ESCO occupations, %d countries, %d public observations,"
      % (sys.argv[2], l["isco_groups"], l["esco_occupations"], l["countries"], l["public_observations"]))
print("      a synthetic survey (lfs-demo) and its published indicators.")
print("lmis: first administrator: user %s, password %s (shown once; change it with `lmis user passwd`)"
      % (d["admin"]["username"], d["admin"]["password"]))
PY
