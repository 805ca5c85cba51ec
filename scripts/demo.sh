#!/bin/sh
# Create demo.db: reference data, a first administrator, and the sample data of
# every capability, so that a newcomer sees lmis working. Used by `make demo`.
set -eu
cd "$(dirname "$0")/.."
BIN=${LMIS_BIN:-build/lmis}
DB=${1:-demo.db}
"$BIN" init --db "$DB" --force --admin admin
# Statistics: a SYNTHETIC labour force survey (data/samples/README.md), with its
# indicators published into the aggregate store.
"$BIN" survey import lfs-demo data/samples/lfs-demo.csv.gz --codebook data/samples/lfs-demo.codebook.json --db "$DB"
for id in $("$BIN" indicator list --db "$DB" --json | python3 -c 'import json,sys; print(" ".join(i["id"] for i in json.load(sys.stdin)["indicators"]))'); do
  "$BIN" indicator compute "$id" --survey lfs-demo --publish --format json --db "$DB" >/dev/null
done
echo "demo data loaded into $DB"
