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
# Social security: init loads data/socsec; compute one worked example (docs/socsec.md).
echo "lmis: pension calculator (web /socsec, samples data/samples/socsec-*.json):" \
  "$("$BIN" socsec compute data/samples/socsec-totalization.json --db "$DB" | tail -n 1)"
# Invalidity (type A and type B laws) and survivors' pensions: worked examples I1 and S1 of docs/socsec.md.
echo "lmis: invalidity pension (socsec-invalidity.json):" \
  "$("$BIN" socsec compute data/samples/socsec-invalidity.json --db "$DB" | tail -n 1)"
echo "lmis: survivors' pension (socsec-survivors.json):" \
  "$("$BIN" socsec compute data/samples/socsec-survivors.json --db "$DB" | tail -n 1)"
# Agreements: init loads the starter set (data/agreements); importing it again is harmless (records are
# keyed by id) and shows the import a ministry would run on its own file.
"$BIN" agreement import data/agreements/starter.json --db "$DB" >/dev/null
echo "lmis: agreements repository (web /agreements, /corridor/PH/DE, /ratifications):" \
  "$("$BIN" agreement list --db "$DB" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"], "agreements")')"
# Good practices: the starter set's cited practices (data/agreements/PROVENANCE.md), with their own pages.
echo "lmis: good practices (web /practices, /practices/kr-employment-permit-system, /practices?q=regularization):" \
  "$("$BIN" practice list --db "$DB" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"], "practices")')"
# Fair recruitment: a SYNTHETIC licence list (licences DEMO-...) and synthetic cost reports.
echo "lmis: recruitment (web /agencies/check, /agencies/sanctioned, /costs, /costs/report):" \
  "$("$BIN" agency import data/samples/agencies.csv --db "$DB")"
echo "lmis: $("$BIN" cost import data/samples/costs.jsonl --db "$DB")"
# Job matching: SYNTHETIC vacancies, recognition arrangements and job seekers (data/samples/README.md).
echo "lmis: job matching (web /vacancies, /seekers, /jobs/me, /needs):" \
  "$("$BIN" vacancy import data/samples/vacancies.jsonl --db "$DB")," \
  "$("$BIN" arrangement import data/samples/seekers-arrangements.jsonl --db "$DB" | sed 's/^imported //')," \
  "$("$BIN" seeker import data/samples/seekers.jsonl --db "$DB" | sed 's/^imported //')"
# Complaints: a demo labour inspector, three synthetic complaints, the first assigned.
INSPECTOR_PW=$(python3 -c 'import secrets; print(secrets.token_urlsafe(12))')
printf '%s\n' "$INSPECTOR_PW" | "$BIN" user add inspector --role labour_inspector --name "Demo inspector" \
  --email inspector@labour.demo.example --password-stdin --db "$DB" >/dev/null
for f in data/samples/complaints/*.json; do "$BIN" case file "$f" --db "$DB" >/dev/null; done
INSPECTOR_TOKEN=$("$BIN" token create inspector --name demo --db "$DB" --json |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
LMIS_TOKEN=$INSPECTOR_TOKEN "$BIN" case assign 1 inspector --db "$DB" >/dev/null
echo "lmis: complaints (web /complaint, /cases): 3 synthetic complaints; labour inspector: user inspector," \
  "password $INSPECTOR_PW"
# Notifications: case 1 chose phone (an SMS receipt and a status change), the inspector has an email (case
# assigned). No SMTP or SMS gateway in the demo: they stay queued, visible on /admin/notifications.
LMIS_TOKEN=$INSPECTOR_TOKEN "$BIN" case move 1 in_mediation --note "Demo: called the agency" --db "$DB" >/dev/null
"$BIN" user email admin supervisor@labour.demo.example --db "$DB" >/dev/null
echo "lmis: notifications (web /admin/notifications, lmis notify list):" \
  "$("$BIN" notify list --db "$DB" | head -n 1) (no channel configured in the demo)"
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
