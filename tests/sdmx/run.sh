#!/bin/bash
# SDMX-ML messages written by lmis, validated with xmllint against the official
# SDMX 2.1 schemas shipped in data/sdmx/xsd. Prints "xsd: N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
BIN=${LMIS_BIN:-build/lmis}
TMP=$(mktemp -d /tmp/lmis-xsd.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
p=0; f=0
check() { # name, xsd, xml
  if xmllint --noout --schema "$2" "$3" >"$TMP/$1.log" 2>&1; then echo "ok   $1"; p=$((p + 1));
  else echo "FAIL $1"; head -20 "$TMP/$1.log"; f=$((f + 1)); fi
}
DB=$TMP/x.db
"$BIN" init --db "$DB" >/dev/null || { echo "xsd: 0 passed, 1 failed"; exit 1; }
"$BIN" survey import lfs data/samples/lfs-demo.csv.gz --codebook data/samples/lfs-demo.codebook.json --db "$DB" >/dev/null
"$BIN" sdmx structure --db "$DB" >"$TMP/structure.xml"
check "structure message against SDMXMessage.xsd" data/sdmx/xsd/SDMXMessage.xsd "$TMP/structure.xml"
"$BIN" sdmx structure --xsd --db "$DB" >"$TMP/lmis-dsd.xsd"
"$BIN" indicator compute UNE_DEAP_SEX_AGE_CBR_RT --survey lfs --format sdmx-ml --db "$DB" >"$TMP/indicator.xml"
check "indicator data (structure-specific) against the DSD schema" "$TMP/lmis-dsd.xsd" "$TMP/indicator.xml"
"$BIN" sdmx export LMIS_PUBLIC --key ITA.PHL.... --format sdmx-ml --db "$DB" >"$TMP/public.xml"
check "public series export against the DSD schema" "$TMP/lmis-dsd.xsd" "$TMP/public.xml"
# A broken message must fail, or the checks above prove nothing.
sed 's/OBS_VALUE="[0-9.]*"/OBS_VALUE="not-a-number"/' "$TMP/indicator.xml" >"$TMP/broken.xml"
if xmllint --noout --schema "$TMP/lmis-dsd.xsd" "$TMP/broken.xml" >/dev/null 2>&1; then
  echo "FAIL a non-numeric OBS_VALUE was accepted"; f=$((f + 1))
else echo "ok   a non-numeric OBS_VALUE is rejected"; p=$((p + 1)); fi
echo "xsd: $p passed, $f failed"
[ "$f" -eq 0 ]
