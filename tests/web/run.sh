#!/bin/sh
# Browser tests of cleval serve: a programme is loaded from tests/data, links
# are made with cleval invite, a server is started on a free loopback port
# (and always stopped), and survey.spec.js drives Debian's chromium through
# npm playwright-core, with axe-core (npm @axe-core/playwright) checking
# every page at WCAG 2.2 AA. Prints TAP.
#
# Usage: tests/web/run.sh [CLEVAL]   (default build/cleval)
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cleval=${1:-$top/build/cleval}
case $cleval in /*) ;; *) cleval=$(pwd)/$cleval ;; esac
n=0
fail() { n=$((n + 1)); echo "not ok $n - $*"; }
quote() { sed 's/^/# /' | head -20; }

work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT INT TERM

db=$work/web.db
D=$top/tests/data/programme
{
  "$cleval" init "$db" &&
  for k in providers establishments leaders enrolments; do
    "$cleval" import "$db" $k "$D/$k.csv" || exit 1
  done &&
  "$cleval" import "$db" self-assessment "$D/self-assessment-pre.csv" &&
  # The two leaders still enrolled answer their pre survey on the web here.
  sqlite3 "$db" "PRAGMA foreign_keys = ON; DELETE FROM responses WHERE stage = 'pre' AND leader_id IN
    (SELECT id FROM leaders WHERE leader_key IN ('CL0005', 'CL0011'))" &&
  sqlite3 "$db" "UPDATE settings SET value = '2021-06-01' WHERE key = 'invite.followup_as_of'" &&
  echo 'provider-one-password' | "$cleval" user add "$db" prov1 --role provider --provider P01 &&
  "$cleval" invite "$db" --stage pre -o "$work/pre.csv" &&
  "$cleval" invite "$db" --stage post -o "$work/post.csv" &&
  "$cleval" invite "$db" --stage followup -o "$work/followup.csv"
} >"$work/setup.log" 2>&1 || { fail "setting up a programme to serve"; quote <"$work/setup.log"; exit 1; }

chromium=${CHROMIUM:-/usr/bin/chromium}
if ! command -v node >/dev/null 2>&1 || [ ! -x "$chromium" ]; then
  fail "node and $chromium are installed (tools/deps.sh check installs them)"
  exit 1
fi
nodedir="$top/build/node"
if [ ! -f "$nodedir/node_modules/playwright-core/package.json" ] ||
   [ ! -f "$nodedir/node_modules/@axe-core/playwright/package.json" ]; then
  mkdir -p "$nodedir"
  if ! npm install --no-audit --no-fund --prefix "$nodedir" playwright-core @axe-core/playwright \
       >"$top/build/npm-install-web.log" 2>&1; then
    fail "npm installs playwright-core and @axe-core/playwright into build/node"
    quote <"$top/build/npm-install-web.log"
    exit 1
  fi
fi

"$cleval" serve "$db" --port 0 2>"$work/serve.err" &
pid=$!
i=0
until grep -q "listening on" "$work/serve.err" 2>/dev/null; do
  i=$((i + 1))
  if [ $i -gt 200 ]; then fail "cleval serve starts"; quote <"$work/serve.err"; exit 1; fi
  sleep 0.05
done
url=$(sed -n 's/^cleval serve: listening on \(http:[^ ]*\)$/\1/p' "$work/serve.err")
# Bounded: once (session 6) the spec waited forever on a page, holding up
# make check; a run takes 30 to 45 s, so ten minutes means it is stuck.
NODE_PATH="$nodedir/node_modules" CHROMIUM="$chromium" \
  timeout -k 10 600 node "$here/survey.spec.js" "$url" "$db" "$work" "$top/build/screenshots"
rc=$?
if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
  echo "not ok - survey.spec.js did not finish within 600 s (stopped); the server said:"
  quote <"$work/serve.err"
fi
kill -TERM "$pid"
wait "$pid"
st=$?
pid=""
if [ $st -ne 0 ]; then
  echo "not ok - cleval serve stops cleanly on SIGTERM (status $st)"
  rc=1
fi
# Compass and the dashboards: their own programme and server.
"$here/compass.sh" "$cleval" || rc=1
exit $rc
