#!/bin/sh
# Benchmark of `cleval stats` against scipy.stats on the same file: a paired
# t test and a Wilcoxon signed-rank test on 10 million pairs, each timed as a
# whole (reading the CSV included). The two run in turn, STATS_BENCH_RUNS
# rounds (5), the first of each round alternating, so a machine that speeds
# up or slows down during the run weighs on both alike. Prints the best and
# the median time of each, and the ratio scipy / cleval of each; the target
# is at least 2 (cleval reads in one thread, memory bounded by the widest
# row), and it is called met only when both ratios reach it. Also the time
# libcsv alone needs to tokenise the file, the floor under cleval's.
# Fails only when the two disagree on a result. Run from the repository root
# with build/cleval built: sh bench/stats.sh (as `make bench` does).
set -eu
N=${STATS_BENCH_N:-10000000}
RUNS=${STATS_BENCH_RUNS:-5}
PY=/usr/bin/python3 # Debian's, with python3-scipy (not a pyenv one)
dir=build/bench
data=$dir/pairs-$N.csv
mkdir -p "$dir"
[ -x build/cleval ] || { echo "bench/stats.sh: build/cleval is missing: run make first" >&2; exit 1; }

# The data: generated, deterministic, never stored in git.
if [ ! -s "$data" ] || [ bench/stats_gen.c -nt "$data" ]; then
  ${CC:-cc} -O2 -o "$dir/stats_gen" bench/stats_gen.c
  "$dir/stats_gen" "$N" >"$data.tmp" && mv "$data.tmp" "$data"
fi
cat "$data" >/dev/null # into the page cache, for both alike
echo "data: $data ($N pairs, $(wc -c <"$data" | tr -d ' ') bytes)"

now() { date +%s.%N; }

# wall OUTFILE CMD...: runs CMD once with its output in OUTFILE and prints
# its wall time in seconds.
wall() {
  out=$1; shift
  t0=$(now)
  "$@" >"$out"
  t1=$(now)
  echo "$t0 $t1" | awk '{printf "%.6f\n", $2 - $1}'
}

# best_time OUTFILE CMD...: the shortest wall time of RUNS runs of CMD.
best_time() {
  i=0
  while [ "$i" -lt "$RUNS" ]; do
    wall "$@"
    i=$((i + 1))
  done | sort -n | head -n 1
}

# best_median FILE: the shortest and the median of the times in FILE, one
# per line.
best_median() {
  sort -n "$1" | awk '{t[NR] = $1} END {m = NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2; print t[1], m}'
}

have_scipy=yes
$PY -c "import scipy.stats" 2>/dev/null || have_scipy=no
[ "$have_scipy" = yes ] || echo "bench/stats.sh: $PY has no scipy (apt-get install python3-scipy): timing cleval only"

# The floor: libcsv alone tokenising the file, no numbers read
# (bench/csv_floor.c).
${CC:-cc} -O2 -o "$dir/csv_floor" bench/csv_floor.c -lcsv
tf=$(best_time "$dir/csv_floor.out" "$dir/csv_floor" "$data")
printf 'libcsv alone, no numbers read: %.2f s (the floor under cleval)\n' "$tf"

status=0
for test in paired-t wilcoxon; do
  if [ "$have_scipy" = no ]; then
    tc=$(best_time "$dir/$test.cleval.json" build/cleval stats "$test" "$data" --json)
    printf '%-9s cleval %6.2f s\n' "$test" "$tc"
    continue
  fi
  : >"$dir/$test.cleval.times"
  : >"$dir/$test.scipy.times"
  i=0
  while [ "$i" -lt "$RUNS" ]; do
    for who in $([ $((i % 2)) -eq 0 ] && echo "cleval scipy" || echo "scipy cleval"); do
      if [ "$who" = cleval ]; then
        wall "$dir/$test.cleval.json" build/cleval stats "$test" "$data" --json >>"$dir/$test.cleval.times"
      else
        wall "$dir/$test.scipy.json" $PY bench/stats_peer.py "$test" "$data" >>"$dir/$test.scipy.times"
      fi
    done
    i=$((i + 1))
  done
  set -- $(best_median "$dir/$test.cleval.times") $(best_median "$dir/$test.scipy.times")
  tc=$1 mc=$2 ts=$3 ms=$4
  echo "$tc $mc $ts $ms" | awk -v test="$test" -v runs="$RUNS" '{
    rb = $3 / $1; rm = $4 / $2
    verdict = (rb >= 2 && rm >= 2) ? "meets the 2x target" : (rb >= 2 || rm >= 2) ? "at the 2x target in one of the two" : "BELOW the 2x target"
    printf "%-9s cleval %6.3f s best, %6.3f s median   scipy %6.3f s best, %6.3f s median   (%d rounds)\n", test, $1, $2, $3, $4, runs
    printf "          scipy/cleval %.2fx of the best, %.2fx of the medians  (%s)\n", rb, rm, verdict
  }'
  # What libcsv's share leaves: the ratio if cleval did nothing but
  # tokenise, and how far above that floor cleval is.
  echo "$ts $tc $tf" | awk '{printf "          ceiling scipy/floor %.1fx; cleval is %.2fx the floor\n", $1 / $3, $2 / $3}'
  # The same answer: p values agree to 1e-6 relative (scipy reports min(V+, V-)
  # for Wilcoxon, cleval V+, so only p is compared there).
  if ! $PY - "$dir/$test.cleval.json" "$dir/$test.scipy.json" <<'EOF'; then
import json, sys
c = json.load(open(sys.argv[1]))
s = json.load(open(sys.argv[2]))
ok = abs(c["p"] - s["p"]) <= 1e-6 * max(abs(s["p"]), 1e-300)
if "t" in s:
    ok = ok and abs(c["t"] - s["t"]) <= 1e-9 * abs(s["t"])
print("  results agree: p %.10g (cleval) vs %.10g (scipy)" % (c["p"], s["p"]))
sys.exit(0 if ok else 1)
EOF
    echo "bench/stats.sh: $test: cleval and scipy disagree" >&2
    status=1
  fi
done
exit $status
