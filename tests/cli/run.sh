#!/bin/sh
# Data-driven command-line tests. Each directory under tests/cli/ is a case:
#   cmd       shell script run in a scratch copy of the case directory, with
#             $CLEVAL the binary under test (also first on PATH as cleval)
#   status    expected exit status (default 0)
#   stdout    expected standard output, exactly (optional)
#   stderr    expected standard error, exactly (optional)
#   check     shell script run afterwards in the same directory; must exit 0
# Prints TAP. Usage: tests/cli/run.sh /path/to/cleval [CASE...]
set -u
CLEVAL=$(cd "$(dirname "$1")" && pwd)/$(basename "$1"); shift
export CLEVAL
# Shared test data (tests/data) for cases that need more than their own files.
TESTDATA=$(cd "$(dirname "$0")/../data" && pwd); export TESTDATA
here=$(cd "$(dirname "$0")" && pwd)
bindir=$(mktemp -d)
ln -s "$CLEVAL" "$bindir/cleval"
export PATH="$bindir:$PATH"
cases=${*:-$(cd "$here" && ls -d */ | tr -d /)}
n=0
for c in $cases; do
  n=$((n + 1))
  work=$(mktemp -d)
  cp -R "$here/$c/." "$work/"
  (cd "$work" && sh ./cmd >"$work/.out" 2>"$work/.err")
  got=$?
  want=0; [ -f "$here/$c/status" ] && want=$(cat "$here/$c/status")
  why=""
  [ "$got" = "$want" ] || why="status $got, expected $want"
  if [ -z "$why" ] && [ -f "$here/$c/stdout" ] && ! cmp -s "$here/$c/stdout" "$work/.out"; then
    why="stdout differs"; diff "$here/$c/stdout" "$work/.out" | head -20 | sed 's/^/# /' >&2
  fi
  if [ -z "$why" ] && [ -f "$here/$c/stderr" ] && ! cmp -s "$here/$c/stderr" "$work/.err"; then
    why="stderr differs"; diff "$here/$c/stderr" "$work/.err" | head -20 | sed 's/^/# /' >&2
  fi
  if [ -z "$why" ] && [ -f "$here/$c/check" ]; then
    (cd "$work" && sh ./check >"$work/.check" 2>&1) || { why="check failed"; sed 's/^/# /' "$work/.check" | head -20 >&2; }
  fi
  if [ -z "$why" ]; then
    echo "ok $n - $c"
  else
    echo "not ok $n - $c: $why"
    head -5 "$work/.err" | sed 's/^/#   stderr: /'
  fi
  rm -rf "$work"
done
rm -rf "$bindir"
echo "1..$n"
