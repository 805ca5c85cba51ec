#!/bin/bash
# Run every benchmark; each prints lmis against its named peer and the ratio.
set -eu
cd "$(dirname "$0")/.."
command -v sqlite3 >/dev/null && command -v bc >/dev/null || {
  [ "$(id -u)" -eq 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sqlite3 bc >/dev/null; }
for b in bench/init.sh bench/stats.sh bench/match.sh; do
  "$b"
done
