#!/bin/sh
# Install the Debian packages lmis needs, only those missing. Usage:
#   scripts/deps.sh build   # to build and run lmis
#   scripts/deps.sh test    # also what the test tiers need
set -eu
build_pkgs="gcc make meson ninja-build pkg-config python3 gettext libsqlite3-dev libmicrohttpd-dev
  libjansson-dev libsodium-dev zlib1g-dev libutf8proc-dev libxml2-dev
  libstemmer-dev libcurl4-gnutls-dev"
# libstemmer-dev: Snowball stemmers for English/French/Spanish search of agreements (src/agreement.c)
# libcurl4-gnutls-dev: case notifications (src/notify.c): libcurl does SMTP with STARTTLS and HTTPS to SMS gateways
test_pkgs="libcmocka-dev libxml2-utils clang libclang-rt-14-dev chromium nodejs npm curl"
pkgs=$build_pkgs
[ "${1:-build}" = test ] && pkgs="$build_pkgs $test_pkgs"

missing=""
for p in $pkgs; do
  # nodejs/npm may come from elsewhere on developer machines: accept a working binary.
  case $p in
    nodejs) command -v node >/dev/null 2>&1 && continue ;;
    npm) command -v npm >/dev/null 2>&1 && continue ;;
  esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "lmis: installing Debian packages:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
