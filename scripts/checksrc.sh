#!/bin/bash
# Source rules a compiler does not check (curl's checksrc idea). Prints
# "lint: N passed, N failed", one rule per line.
set -u
cd "$(dirname "$0")/.."
p=0; f=0
rule() { # name, then a command whose output lists violations
  local name=$1; shift
  local out
  out=$("$@" 2>/dev/null)
  if [ -n "$out" ]; then echo "FAIL $name:"; echo "$out" | head -20; f=$((f + 1)); else echo "ok   $name"; p=$((p + 1)); fi
}
rule "banned functions (sprintf, strcpy, strcat, atoi, gets ...)" \
  grep -nE '\b(sprintf|vsprintf|strcpy|strcat|strncpy|strncat|atoi|atol|atoll|atof|gets|strtok)\s*\(' src/*.c src/*.h
rule "SQLite is used only through store.c" \
  bash -c "grep -nE 'sqlite3_(exec|prepare|step|bind|mprintf|open)' src/*.c | grep -v '^src/store.c:'"
rule "no SQL text built with printf" \
  grep -nE '(printf|asprintf)\([^;]*"(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP) ' src/*.c
rule "html output goes through the escaping writer (no raw writes of input)" \
  bash -c "grep -n 'html_raw_UNSAFE' src/*.c | grep -v '^src/html.c:' | grep -vE 'html_raw_UNSAFE\((&?[a-zA-Z>.-]+), \"' "
rule "no TODO/FIXME left in src" grep -nE 'TODO|FIXME|XXX' src/*.c src/*.h
echo "lint: $p passed, $f failed"
[ "$f" -eq 0 ]
