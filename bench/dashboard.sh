#!/bin/sh
# Dashboard benchmark. Simulates the scale-10 demo programme (cleval demo
# --scale 10 --seed 1, kept in build/bench/dash/ between runs), serves it
# with `cleval serve`, and times four pages with wrk: 1,000 requests over
# 16 connections each, after one warm-up request (the dashboards' analysis
# and the Compass averages are computed once and then kept; the warm-up's
# time is printed as "first"):
#   /dashboard            an analyst's programme dashboard
#   /providers/KEY        a provider's cohort dashboard
#   /establishments/URN   an establishment's page, seen by an analyst
#   /compass/TOKEN        the same page from the establishment's own link
# Prints p50 and p99 of each and its ratio to the target (p99 under
# 100 ms), and exits 1 when a page misses it. The peer is the target: no
# other program serves these pages. Run from the repository root after
# `make` (needs build/cleval). PORT=N changes the port (default 18431);
# THREADS=N the server's threads (default 4); CONNECTIONS=N its database
# connections (default 1, as cleval serve).
set -eu
C=build/cleval
D=build/bench/dash
PORT=${PORT:-18431}
THREADS=${THREADS:-4}
CONNECTIONS=${CONNECTIONS:-1}
N=1000
CONNS=16
TARGET_MS=100
[ -x "$C" ] || { echo "bench/dashboard.sh: $C is missing; run make first" >&2; exit 1; }
for tool in wrk sqlite3 curl; do
  if ! command -v $tool >/dev/null 2>&1; then
    echo "bench/dashboard.sh: installing $tool"
    if [ "$(id -u)" = 0 ]; then apt-get install -y --no-install-recommends $tool >/dev/null
    else sudo apt-get install -y --no-install-recommends $tool >/dev/null; fi
  fi
done
mkdir -p build/bench
if [ ! -f "$D/demo.db" ]; then
  echo "bench/dashboard.sh: simulating the scale-10 demo (once; kept in $D)"
  "$C" demo -o "$D" --scale 10 --seed 1 --force >/dev/null
fi
DB=build/bench/dash.db
rm -f "$DB" "$DB-wal" "$DB-shm"
cp "$D/demo.db" "$DB"
"$C" init "$DB" >/dev/null 2>&1 || true # migrate to this cleval's schema (1 when it is already)

# Accounts and a link, made directly with known secrets (the database keeps
# only their SHA-256, as cleval would).
hash() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
PROVIDER=$(sqlite3 "$DB" "SELECT provider_key FROM providers ORDER BY provider_key LIMIT 1")
URN=$(sqlite3 "$DB" "SELECT e.urn FROM establishments e JOIN compass_returns r
  ON r.establishment_id = e.id WHERE e.hub_id IS NOT NULL GROUP BY e.id
  ORDER BY count(*) DESC, e.urn LIMIT 1")
# 43 base64url characters: what 32 random bytes give.
pad43() { printf '%s' "$1"; i=${#1}; while [ "$i" -lt 43 ]; do printf A; i=$((i + 1)); done; }
SA=$(pad43 benchanalystsession)
SP=$(pad43 benchprovidersession)
TOKEN=$(pad43 benchcompasslink)
NOW=$(date +%s)
sqlite3 "$DB" <<EOF
PRAGMA foreign_keys = ON;
INSERT INTO users (username, password_hash, role) VALUES ('bench-analyst', 'x', 'analyst');
INSERT INTO users (username, password_hash, role, provider_id)
  SELECT 'bench-provider', 'x', 'provider', id FROM providers WHERE provider_key = '$PROVIDER';
INSERT INTO web_sessions (id_hash, user_id, created_at, last_seen)
  SELECT '$(hash $SA)', id, $NOW, $NOW FROM users WHERE username = 'bench-analyst';
INSERT INTO web_sessions (id_hash, user_id, created_at, last_seen)
  SELECT '$(hash $SP)', id, $NOW, $NOW FROM users WHERE username = 'bench-provider';
INSERT INTO compass_links (token_hash, establishment_id, created_at)
  SELECT '$(hash $TOKEN)', id, '2026-01-01T00:00:00Z' FROM establishments WHERE urn = '$URN';
UPDATE settings SET value = '600' WHERE key = 'web.session_idle_minutes';
EOF

"$C" serve "$DB" --port "$PORT" --threads "$THREADS" --connections "$CONNECTIONS" 2>build/bench/dash-serve.log &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT INT TERM
i=0
until curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; do
  i=$((i + 1))
  [ $i -lt 100 ] || { echo "bench/dashboard.sh: the server did not start" >&2; exit 1; }
  sleep 0.1
done

# wrk stops each of its 2 threads after half the requests and prints the
# exact count and percentiles (microseconds).
LUA=build/bench/dash.lua
cat >"$LUA" <<'EOF'
local count = 0
local limit = tonumber(os.getenv("BENCH_PER_THREAD"))
response = function(status, headers, body)
  if status ~= 200 then error("status " .. status) end
  count = count + 1
  if count >= limit then wrk.thread:stop() end
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %.0f %.0f\n", summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout, latency:percentile(50), latency:percentile(99)))
end
EOF

fail=0
bench() { # NAME PATH COOKIE
  name=$1 url="http://127.0.0.1:$PORT$2" cookie=$3
  first=$(curl -fs -o /dev/null -w '%{time_total}' -H "Cookie: $cookie" "$url") || {
    echo "bench/dashboard.sh: $2 failed" >&2; exit 1; }
  out=$(BENCH_PER_THREAD=$((N / 2)) wrk -t2 -c$CONNS -d15s -s "$LUA" -H "Cookie: $cookie" "$url")
  set -- $(printf '%s\n' "$out" | sed -n 's/^RESULT //p')
  reqs=$1 errs=$2 p50=$3 p99=$4
  awk -v n="$name" -v f="$first" -v r="$reqs" -v e="$errs" -v a="$p50" -v b="$p99" \
    -v t="$TARGET_MS" 'BEGIN {
      printf "%-22s first %7.1f ms  p50 %6.1f ms  p99 %6.1f ms  (%d requests, %d errors)  p99/target %.2f %s\n",
        n, f * 1000, a / 1000, b / 1000, r, e, b / 1000 / t, (b / 1000 < t && e == 0) ? "met" : "MISSED" }'
  if [ "$errs" -ne 0 ] || [ "$(awk -v b="$p99" -v t="$TARGET_MS" 'BEGIN{print (b/1000 < t)}')" != 1 ]; then
    fail=1
  fi
}
echo "scale-10 demo: $(sqlite3 "$DB" 'SELECT count(*) FROM establishments') establishments," \
  "$(sqlite3 "$DB" 'SELECT count(*) FROM compass_returns') Compass returns," \
  "$(sqlite3 "$DB" 'SELECT count(*) FROM leaders') leaders; server threads $THREADS, connections $CONNECTIONS," \
  "$N requests over $CONNS connections per page, target p99 < $TARGET_MS ms"
bench "/dashboard" "/dashboard" "cleval_session=$SA"
bench "/providers/$PROVIDER" "/providers/$PROVIDER" "cleval_session=$SP"
bench "/establishments/URN" "/establishments/$URN" "cleval_session=$SA"
bench "/compass/TOKEN" "/compass/$TOKEN" "cleval_visitor=benchvisitorAAAAAAAAAA"
exit $fail
