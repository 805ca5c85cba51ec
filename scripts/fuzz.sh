#!/bin/bash
# Run every libFuzzer target in build-fuzz for FUZZ_SECONDS over its seed corpus.
# Prints "fuzz: N passed, N failed"; a crash leaves its input in build-fuzz/crashes/.
set -u
cd "$(dirname "$0")/.."
secs=${FUZZ_SECONDS:-15}
p=0; f=0
mkdir -p build-fuzz/crashes
for t in build-fuzz/fuzz_*; do
  [ -f "$t" ] && [ -x "$t" ] || continue
  name=$(basename "$t")
  corpus=build-fuzz/corpus/$name
  mkdir -p "$corpus"
  [ -d "tests/fuzz/seeds/${name#fuzz_}" ] && cp -n tests/fuzz/seeds/"${name#fuzz_}"/* "$corpus"/ 2>/dev/null
  if "$t" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 -artifact_prefix=build-fuzz/crashes/"$name"- \
      "$corpus" >build-fuzz/"$name".log 2>&1; then
    echo "$name: ok ($(grep -Eo 'stat::number_of_executed_units: [0-9]+' build-fuzz/"$name".log || tail -n 1 build-fuzz/"$name".log))"
    p=$((p + 1))
  else
    echo "$name: FAILED"; tail -n 40 build-fuzz/"$name".log; f=$((f + 1))
  fi
done
rm -f /tmp/lmis-fuzz-sdmx-*   # the SDMX import target's scratch database
rm -f /tmp/lmis-fuzz-agency-*   # the licence-list import target's scratch database
rm -f /tmp/lmis-fuzz-case-*   # the complaint target's scratch database and key file
rm -f /tmp/lmis-fuzz-agreement-*   # the agreement import target's scratch database
rm -f /tmp/lmis-fuzz-jobs-*   # the job-matching import target's scratch database
echo "fuzz: $p passed, $f failed"
[ "$f" -eq 0 ]
