#!/bin/sh
# Installs the Debian packages cleval needs that are missing, and only those.
#   tools/deps.sh build   libraries for building and running cleval
#   tools/deps.sh check   the above plus what the tests use
#   tools/deps.sh bench   the build list plus the benchmark peers (make bench)
set -eu
BUILD="pkg-config libsqlite3-dev libgsl-dev libmicrohttpd-dev libjansson-dev libcsv-dev libsodium-dev libreadstat-dev libcmocka-dev libxlsxwriter-dev"
# clang, libc6-dev-arm64-cross and gcc-multilib: make portability (arm64 and
# 32-bit syntax checks). poppler-utils: the browser tests read the printed
# report's pages (pdftotext).
CHECK="tidy pspp chromium nodejs npm python3-scipy sqlite3 curl clang libc6-dev-arm64-cross gcc-multilib poppler-utils"
BENCH="time python3-pandas python3-scipy python3-statsmodels r-base-core r-cran-sandwich sqlite3"
want=$BUILD
[ "${1:-build}" = check ] && want="$BUILD $CHECK"
[ "${1:-build}" = bench ] && want="$BUILD $BENCH"
missing=""
for p in $want; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# node and npm may come from outside Debian on a developer machine.
case "$missing" in *nodejs*|*npm*)
  if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
    missing=$(echo "$missing" | sed 's/ nodejs//; s/ npm//')
  fi;;
esac
[ -z "$missing" ] && exit 0
echo "cleval: installing missing Debian packages:$missing"
if [ "$(id -u)" = 0 ]; then SUDO=""
elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"
else
  echo "cleval: cannot install$missing: not root and no sudo; install them and run make again" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! { $SUDO apt-get install -y --no-install-recommends $missing ||
       { $SUDO apt-get update && $SUDO apt-get install -y --no-install-recommends $missing; }; }; then
  echo "cleval: apt-get could not install:$missing" >&2
  exit 1
fi
