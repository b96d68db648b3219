#!/bin/sh
# Import benchmark. Generates 1 million self-assessment answer rows (long
# form; bench/gen_import.c, deterministic) into build/bench/, imports them
# with `cleval import`, and loads the same file with the peer, the sqlite3
# shell's `.import --csv` into a plain table. Prints rows per second and
# peak memory of both (the best of 3 runs each) and their ratio, and
# whether cleval meets its targets: at least 500,000 rows/s (per CPU second
# when the load average is over twice the CPUs), under 100 MB. A target
# missed is reported, not a failure, so that `make bench` runs to its end
# (the sqlite3 shell's rate, measured beside it, tells the machine's speed);
# it fails only when an import does not do its work.
# Then, for the demo's files at each of SCALES (default "1 10"; "" skips),
# every KIND imported in turn into a fresh database (cleval demo's order):
# rows, wall and CPU seconds (user + system), rows per CPU second and peak
# memory of each, and the self-assessment answers again as an SPSS .sav
# (exported by cleval), against the targets (answer rows >= 500,000/s,
# other rows >= 200,000/s, under 100 MB); those are reported, not enforced
# (the machine's load is printed: on a shared machine read the CPU rates).
# Run from the repository root after `make` (needs build/cleval).
# ROWS=N changes the number of rows.
set -eu
ROWS=${ROWS:-1000000}
RUNS=${RUNS:-3}
C=build/cleval
D=build/bench
[ -x "$C" ] || { echo "bench/import.sh: $C is missing; run make first" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench/import.sh: needs GNU time (/usr/bin/time)" >&2; exit 1; }
if ! command -v sqlite3 >/dev/null 2>&1; then
  echo "bench/import.sh: installing the sqlite3 shell (the peer)"
  if [ "$(id -u)" = 0 ]; then apt-get install -y sqlite3 >/dev/null
  else sudo apt-get install -y sqlite3 >/dev/null; fi
fi
mkdir -p "$D"
${CC:-cc} -std=c11 -O2 -o "$D/gen" bench/gen_import.c
"$D/gen" "$D" "$ROWS"

# The database the answers go into: establishments and leaders first.
rm -f "$D"/base.db*
"$C" init "$D/base.db" >/dev/null
"$C" import --quiet "$D/base.db" establishments "$D/establishments.csv" >/dev/null
"$C" import --quiet "$D/base.db" leaders "$D/leaders.csv" >/dev/null

now() { date +%s.%N; }
# measure NAME COMMAND...: runs it RUNS times (after `prepare`), keeping
# the shortest wall time and the largest peak memory.
measure() {
  name=$1; shift
  best=""; bestcpu=""; peak=0
  i=0
  while [ $i -lt "$RUNS" ]; do
    prepare
    t0=$(now)
    /usr/bin/time -v -o "$D/$name.time" "$@" >"$D/$name.out"
    t1=$(now)
    t=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$D/$name.time")
    c=$(awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { print u + s }' "$D/$name.time")
    best=$(awk -v a="$best" -v b="$t" 'BEGIN { print (a == "" || b < a) ? b : a }')
    bestcpu=$(awk -v a="$bestcpu" -v b="$c" 'BEGIN { print (a == "" || b < a) ? b : a }')
    [ "$kb" -gt "$peak" ] && peak=$kb
    i=$((i + 1))
  done
  eval "${name}_time=$best ${name}_cpu=$bestcpu ${name}_kb=$peak"
}

prepare() { rm -f "$D"/bench.db*; cp "$D/base.db" "$D/bench.db"; }
measure cleval "$C" import --quiet "$D/bench.db" self-assessment "$D/answers.csv"
grep -q "($ROWS answers written)" "$D/cleval.out" || {
  echo "bench/import.sh: the import did not write $ROWS answers:" >&2; cat "$D/cleval.out" >&2; exit 1; }

prepare() { rm -f "$D/peer.db"; }
measure peer sqlite3 "$D/peer.db" ".import --csv $D/answers.csv answers"
n=$(sqlite3 "$D/peer.db" "SELECT count(*) FROM answers")
[ "$n" = "$ROWS" ] || { echo "bench/import.sh: sqlite3 loaded $n rows" >&2; exit 1; }

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null) on $(nproc 2>/dev/null) CPUs"
set +e
awk -v rows="$ROWS" -v ct="$cleval_time" -v cc="$cleval_cpu" -v ck="$cleval_kb" -v pt="$peer_time" \
    -v pk="$peer_kb" -v load="$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo 0)" \
    -v ncpu="$(nproc 2>/dev/null || echo 1)" '
BEGIN {
  crate = rows / ct; prate = rows / pt
  printf "input: %d self-assessment answer rows (long form), %s\n", rows, "build/bench/answers.csv"
  printf "cleval import (check, resolve, write, score):  %6.2f s  %9.0f rows/s  peak %6.1f MB\n", ct, crate, ck / 1024
  printf "sqlite3 .import --csv into a plain table:      %6.2f s  %9.0f rows/s  peak %6.1f MB\n", pt, prate, pk / 1024
  printf "ratio cleval/sqlite3: %.2f x the time (%.2f x the rows per second)\n", ct / pt, crate / prate
  ccrate = cc > 0 ? rows / cc : 0
  printf "cleval import CPU (user + system): %.2f s, %.0f rows per CPU second\n", cc, ccrate
  if (load > 2 * ncpu) { crate = ccrate; printf "(the machine is loaded: the rate target is judged on CPU time)\n" }
  if (crate >= 500000) printf "target >= 500000 rows/s: met\n"; else printf "target >= 500000 rows/s: MISSED\n"
  if (ck / 1024 < 100) printf "target < 100 MB peak memory: met\n"; else printf "target < 100 MB peak memory: MISSED\n"
}'
status=$? # 0 unless awk failed: a target missed is reported, as everywhere in make bench
set -e

# Every KIND at the demo's scales.
for scale in ${SCALES-1 10}; do
  dir="$D/demo-$scale"
  rm -rf "$dir"
  "$C" demo -o "$dir" --scale "$scale" >/dev/null
  rm -f "$D"/kinds.db*
  "$C" init "$D/kinds.db" >/dev/null
  echo "scale $scale (cleval demo --scale $scale; load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)):"
  printf "  %-16s %9s %8s %8s %10s %8s  %s\n" KIND rows "wall s" "CPU s" "rows/s CPU" "peak MB" target
  for kind in establishments providers leaders waves allocations enrolments bursaries \
              self-assessment long-term compass; do
    f="$dir/csv/$kind.csv"
    /usr/bin/time -f "%e %U %S %M" -o "$D/kind.time" "$C" import --quiet "$D/kinds.db" "$kind" "$f" \
      >"$D/kind.out"
    rows=$(($(wc -l <"$f") - 1))
    read -r wall user sys kb <"$D/kind.time"
    awk -v k="$kind" -v rows="$rows" -v w="$wall" -v u="$user" -v s="$sys" -v kb="$kb" 'BEGIN {
      cpu = u + s; rate = cpu > 0 ? rows / cpu : 0
      answers = k == "self-assessment" || k == "long-term"; want = answers ? 500000 : 200000
      verdict = rows < 1000 ? "too few rows to time" : (rate >= want && kb / 1024 < 100 ? "met" : "MISSED")
      printf "  %-16s %9d %8.2f %8.2f %10.0f %8.1f  %s %s rows/s: %s\n", k, rows, w, cpu, rate,
             kb / 1024, answers ? "answer" : "other", want, verdict
    }'
  done
  # The same answers as an SPSS file (cleval export --format sav: one case a
  # response, value labels), imported into a database with the same
  # establishments and leaders; its rate counts the answers written.
  "$C" export "$D/kinds.db" self-assessment --format sav -o "$D/answers.sav" >/dev/null 2>&1
  rm -f "$D"/sav.db*
  "$C" init "$D/sav.db" >/dev/null
  for kind in establishments providers leaders; do
    "$C" import --quiet "$D/sav.db" "$kind" "$dir/csv/$kind.csv" >/dev/null
  done
  /usr/bin/time -f "%e %U %S %M" -o "$D/kind.time" "$C" import --quiet --ignore-unknown "$D/sav.db" \
    self-assessment "$D/answers.sav" >"$D/kind.out"
  rows=$(sed -n 's/.*(\([0-9]*\) answers written).*/\1/p' "$D/kind.out")
  read -r wall user sys kb <"$D/kind.time"
  awk -v rows="$rows" -v w="$wall" -v u="$user" -v s="$sys" -v kb="$kb" 'BEGIN {
    cpu = u + s; rate = cpu > 0 ? rows / cpu : 0
    verdict = rows < 1000 ? "too few rows to time" : (rate >= 500000 && kb / 1024 < 100 ? "met" : "MISSED")
    printf "  %-16s %9d %8.2f %8.2f %10.0f %8.1f  answer 500000 rows/s: %s\n", "s-a as .sav", rows, w,
           cpu, rate, kb / 1024, verdict
  }'
done
exit $status
