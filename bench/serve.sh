#!/bin/sh
# Load benchmark of cleval serve: complete pre surveys submitted from 64
# concurrent keep-alive connections on loopback (bench/serve_client.c, one
# POST per survey carrying every answer), against a database of
# SERVE_BENCH_N (20000) enrolled Careers Leaders with one link each.
# The server runs with its defaults (4 threads, 1 database connection).
# Prints submissions per second, p50/p99 latency, and the lost and doubled
# submissions counted in the database afterwards. Target: at least 1,000
# submissions/s, p99 under 50 ms, none lost, none doubled. Bounded: the
# client stops after SERVE_BENCH_SECONDS (60). Run from the repository root
# with build/cleval built: sh bench/serve.sh (as `make bench` does).
set -eu
N=${SERVE_BENCH_N:-20000}
CONNS=${SERVE_BENCH_CONNECTIONS:-64}
SECS=${SERVE_BENCH_SECONDS:-60}
THREADS=${SERVE_BENCH_THREADS:-4}
dir=build/bench/serve
cleval=$(pwd)/build/cleval
[ -x "$cleval" ] || { echo "bench/serve.sh: build/cleval is missing: run make first" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "bench/serve.sh: needs the sqlite3 shell (apt-get install sqlite3)" >&2; exit 1; }
rm -rf "$dir"
mkdir -p "$dir"
${CC:-cc} -O2 -pthread -o "$dir/serve_client" bench/serve_client.c

# A programme: N school Careers Leaders in N/10 schools, all enrolled.
awk -v n="$N" 'BEGIN {
  print "provider_id,name,accreditation" > "'"$dir"'/providers.csv"
  for (p = 1; p <= 4; p++) printf "P%d,Provider %d,none\n", p, p > "'"$dir"'/providers.csv"
  print "urn,name,type,region,hub,fsm_pct" > "'"$dir"'/establishments.csv"
  for (e = 0; e < n / 10; e++) printf "%d,School %d,mainstream,North,,10\n", 100000 + e, e > "'"$dir"'/establishments.csv"
  print "leader_id,urn,role,months_in_role,contact_consent" > "'"$dir"'/leaders.csv"
  print "leader_id,provider_id,wave,start_date,completion_date,status,bursary_claimed_date" > "'"$dir"'/enrolments.csv"
  for (i = 0; i < n; i++) {
    printf "CL%06d,%d,school,12,1\n", i, 100000 + int(i / 10) > "'"$dir"'/leaders.csv"
    printf "CL%06d,P%d,1,2020-01-01,,enrolled,\n", i, i % 4 + 1 > "'"$dir"'/enrolments.csv"
  }
}'
db=$dir/bench.db
"$cleval" init "$db" >/dev/null
for k in providers establishments leaders enrolments; do
  "$cleval" import "$db" $k "$dir/$k.csv" >/dev/null
done
"$cleval" invite "$db" --stage pre -o "$dir/links.csv" 2>/dev/null
sed -n 's,.*/s/,,p' "$dir/links.csv" >"$dir/tokens.txt"
# Every school item answered: values 1 to 5 in turn.
"$cleval" instruments | awk -F, '$1 == "self-assessment" && $2 == "school" { printf "%s%s=%d", sep, $4, NR % 5 + 1; sep = "&" }' >"$dir/body.txt"

# (--per-address 0: every client here is on 127.0.0.1.)
"$cleval" serve "$db" --port 0 --threads "$THREADS" --per-address 0 2>"$dir/serve.err" &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT INT TERM
i=0
until grep -q "listening on" "$dir/serve.err" 2>/dev/null; do
  i=$((i + 1)); [ $i -gt 200 ] && { echo "bench/serve.sh: the server did not start" >&2; cat "$dir/serve.err" >&2; exit 1; }
  sleep 0.05
done
port=$(sed -n 's/.*listening on http:\/\/127.0.0.1:\([0-9]*\)\/$/\1/p' "$dir/serve.err")
echo "cleval serve: $N links, $CONNS connections, $THREADS server threads, loopback port $port"
echo "machine: $(nproc 2>/dev/null || echo '?') cores, load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
"$dir/serve_client" "$port" "$dir/tokens.txt" "$dir/body.txt" "$CONNS" "$SECS" | tee "$dir/client.txt"
cpu=$(awk '{ printf "%.2f", ($14 + $15) / 100 }' /proc/$pid/stat 2>/dev/null || echo '?')
kill -TERM $pid
wait $pid || true
echo "server CPU time: $cpu s"
trap - EXIT INT TERM

ok=$(sed -n 's/^ok //p' "$dir/client.txt")
stored=$(sqlite3 "$db" "SELECT count(*) FROM responses WHERE stage = 'pre'")
leaders=$(sqlite3 "$db" "SELECT count(DISTINCT leader_id) FROM responses WHERE stage = 'pre'")
used=$(sqlite3 "$db" "SELECT count(*) FROM survey_tokens WHERE used_at IS NOT NULL")
items=$(awk -F'&' '{ print NF }' "$dir/body.txt")
badanswers=$(sqlite3 "$db" "SELECT count(*) FROM (SELECT r.id FROM responses r LEFT JOIN answers a ON a.response_id = r.id GROUP BY r.id HAVING count(a.item_id) <> $items)")
scored=$(sqlite3 "$db" "SELECT count(DISTINCT response_id) FROM area_scores")
lost=$((ok - stored)); [ $lost -lt 0 ] && lost=0
extra=$((stored - ok)); [ $extra -lt 0 ] && extra=0
doubled=$((stored - leaders))
echo "database: $stored responses ($leaders leaders, $used links used, $scored scored, $badanswers with a wrong number of answers)"
echo "lost $lost, doubled $doubled, stored without an answer to the client $extra"
rate=$(sed -n 's/^submissions\/s //p' "$dir/client.txt")
p99=$(sed -n 's/.*p99 \([0-9.]*\) ms.*/\1/p' "$dir/client.txt")
if awk -v r="$rate" -v p="$p99" 'BEGIN { exit !(r >= 1000 && p < 50) }' &&
   [ "$lost" -eq 0 ] && [ "$doubled" -eq 0 ] && [ "$badanswers" -eq 0 ] && [ "$used" -eq "$stored" ]; then
  echo "target met: >= 1000 submissions/s, p99 < 50 ms, none lost or doubled"
else
  echo "target NOT met (>= 1000 submissions/s, p99 < 50 ms, none lost or doubled)"
fi
