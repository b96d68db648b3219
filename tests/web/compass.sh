#!/bin/sh
# Browser test of Compass on the web and the dashboards: a database from
# tests/data/programme, an establishment's Compass link, a provider and an
# analyst; `cleval serve` on a free port; compass.spec.js in headless
# Chromium (playwright-core, and @axe-core/playwright when it installs);
# then the database: the return the browser submitted has the percentages
# that `cleval import` stores for the same answers, and the analyst's
# download is in the audit log. Prints TAP.
# Usage: tests/web/compass.sh [CLEVAL]
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cleval=${1:-$top/build/cleval}
n=0
pass() { n=$((n + 1)); echo "ok $n - $*"; }
bad=0
fail() { n=$((n + 1)); bad=1; echo "not ok $n - $*"; }
W=$top/build/web-compass
rm -rf "$W"
mkdir -p "$W" "$top/build/screenshots"
D=$top/tests/data/programme
DB=$W/x.db
{
  "$cleval" init "$DB" &&
  for k in providers establishments leaders enrolments compass; do
    "$cleval" import "$DB" $k "$D/$k.csv" || exit 1
  done &&
  echo password-123 | "$cleval" user add "$DB" analyst1 --role analyst &&
  echo password-123 | "$cleval" user add "$DB" prov1 --role provider --provider P01 &&
  "$cleval" invite "$DB" --compass --establishment 100101 -o "$W/links.csv"
} >"$W/setup.log" 2>&1 || { fail "the test database is set up"; sed 's/^/# /' "$W/setup.log"; exit 1; }
token=$(sed -n 's|^100101,.*/compass/||p' "$W/links.csv")
[ -n "$token" ] || { fail "a Compass link for 100101"; exit 1; }

"$cleval" serve "$DB" --port 0 2>"$W/serve.log" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null' EXIT INT TERM
i=0
while ! grep -q 'listening on' "$W/serve.log"; do
  i=$((i + 1))
  [ $i -lt 100 ] || { fail "cleval serve starts"; sed 's/^/# /' "$W/serve.log"; exit 1; }
  sleep 0.1
done
base=$(sed -n 's,.*listening on \(http://[^/]*\)/.*,\1,p' "$W/serve.log")

nodedir=$top/build/node
if [ ! -f "$nodedir/node_modules/playwright-core/package.json" ] ||
   [ ! -f "$nodedir/node_modules/@axe-core/playwright/package.json" ]; then
  mkdir -p "$nodedir"
  npm install --no-audit --no-fund --prefix "$nodedir" playwright-core @axe-core/playwright \
    >"$top/build/npm-install-web.log" 2>&1 ||
    echo "# @axe-core/playwright could not be installed: axe checks skipped"
fi
NODE_PATH="$nodedir/node_modules" TAP_START=$n CHROMIUM=${CHROMIUM:-/usr/bin/chromium} \
  node "$here/compass.spec.js" "$base" "$token" "$top/build/screenshots" >"$W/spec.tap" 2>&1
cat "$W/spec.tap"
grep -q '^not ok' "$W/spec.tap" && bad=1
n=$((n + $(grep -c '^\(not \)\{0,1\}ok' "$W/spec.tap")))

# The submitted return against an import of the same answers: its
# criteria as a CSV row with bm1-bm8 worked out here (met over criteria
# of each benchmark, to one decimal), imported into a new database.
q() { sqlite3 "$DB" "$1"; }
ret=$(q "SELECT r.id FROM compass_returns r JOIN establishments e ON e.id = r.establishment_id
  WHERE e.urn = '100101' AND r.submitted_at LIKE '____-__-__T__:__:__Z'")
if [ -z "$ret" ]; then
  fail "the browser's return is in the database, dated by the server"
  exit 1
fi
pass "the browser's return is in the database, dated by the server"
sqlite3 -csv "$DB" "SELECT e.urn, r.submitted_at FROM compass_returns r JOIN establishments e
  ON e.id = r.establishment_id WHERE r.id = $ret" >"$W/head.csv"
sqlite3 -csv "$DB" "SELECT i.item_key, i.benchmark, a.met FROM compass_answers a
  JOIN items i ON i.id = a.item_id WHERE a.return_id = $ret ORDER BY i.position" >"$W/answers.csv"
/usr/bin/python3 - "$W" <<'PY'
import csv, sys
w = sys.argv[1]
urn, when = next(csv.reader(open(w + "/head.csv")))
rows = list(csv.reader(open(w + "/answers.csv")))
met = {b: 0 for b in range(1, 9)}
tot = {b: 0 for b in range(1, 9)}
for item, b, m in rows:
    tot[int(b)] += 1
    met[int(b)] += int(m)
pct = [f"{int(1000 * met[b] / tot[b] + 0.5) / 10:g}" for b in range(1, 9)]
with open(w + "/same.csv", "w", newline="") as f:
    out = csv.writer(f, lineterminator="\n")
    out.writerow(["urn", "submitted_at"] + [f"bm{b}" for b in range(1, 9)] + ["instrument"] + [r[0] for r in rows])
    out.writerow([urn, when] + pct + ["compass-2014"] + [r[2] for r in rows])
PY
"$cleval" init "$W/imported.db" >/dev/null 2>&1
"$cleval" import "$W/imported.db" establishments "$D/establishments.csv" >/dev/null 2>&1
if "$cleval" import "$W/imported.db" compass "$W/same.csv" >"$W/import.log" 2>&1; then
  pass "the same answers import with cleval import"
else
  fail "the same answers import with cleval import"; sed 's/^/# /' "$W/import.log"
fi
cmp_sql="SELECT e.urn, r.submitted_at, r.bm1, r.bm2, r.bm3, r.bm4, r.bm5, r.bm6, r.bm7, r.bm8
  FROM compass_returns r JOIN establishments e ON e.id = r.establishment_id
  WHERE r.submitted_at LIKE '%T%Z' ORDER BY 1, 2"
ans_sql="SELECT e.urn, i.item_key, a.met FROM compass_answers a JOIN compass_returns r ON r.id = a.return_id
  JOIN establishments e ON e.id = r.establishment_id JOIN items i ON i.id = a.item_id
  WHERE r.submitted_at LIKE '%T%Z' ORDER BY 1, 2"
if [ "$(sqlite3 "$DB" "$cmp_sql")" = "$(sqlite3 "$W/imported.db" "$cmp_sql")" ] &&
   [ "$(sqlite3 "$DB" "$ans_sql")" = "$(sqlite3 "$W/imported.db" "$ans_sql")" ] &&
   [ -n "$(sqlite3 "$W/imported.db" "$cmp_sql")" ]; then
  pass "the web's percentages and answers are those cleval import stores for the same answers"
else
  fail "the web's percentages and answers are those cleval import stores for the same answers"
  sqlite3 "$DB" "$cmp_sql" | sed 's/^/# web: /'
  sqlite3 "$W/imported.db" "$cmp_sql" | sed 's/^/# import: /'
fi
if [ "$(q "SELECT count(*) FROM audit_log WHERE action = 'export' AND actor = 'analyst1'
      AND detail LIKE 'kind=compass format=csv file=web download compass.csv rows=%'")" = 1 ] &&
   [ "$(q "SELECT count(*) FROM audit_log WHERE action IN ('export', 'download')
      AND detail LIKE '%compass%csv%'")" = 1 ]; then
  pass "the analyst's download is in the audit log, once"
else
  fail "the analyst's download is in the audit log, once"
fi
exit $bad
