#!/bin/sh
# Benchmark of `cleval stats` against scipy.stats on the same file: a paired
# t test and a Wilcoxon signed-rank test on 10 million pairs, each timed as a
# whole (reading the CSV included), best of STATS_BENCH_RUNS runs (3). Prints
# each time and the ratio scipy / cleval; the target is at least 5. Also the
# time libcsv alone needs to tokenise the file, the floor under cleval's.
# Fails only when the two disagree on a result. Run from the repository root with
# build/cleval built: sh bench/stats.sh (as `make bench` does).
set -eu
N=${STATS_BENCH_N:-10000000}
RUNS=${STATS_BENCH_RUNS:-3}
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
echo "data: $data ($N pairs, $(wc -c <"$data" | tr -d ' ') bytes); cleval reads files of 4 MiB or more in" \
  "${CLEVAL_STATS_THREADS:-$(nproc)} pieces"

now() { date +%s.%N; }

# best_time OUTFILE CMD...: runs CMD RUNS times, keeps its last output in
# OUTFILE and prints the shortest wall time in seconds.
best_time() {
  out=$1; shift
  best=""
  i=0
  while [ "$i" -lt "$RUNS" ]; do
    t0=$(now)
    "$@" >"$out"
    t1=$(now)
    best=$(echo "$t0 $t1 ${best:-inf}" | awk '{d = $2 - $1; b = ($3 == "inf") ? d : $3; print (d < b) ? d : b}')
    i=$((i + 1))
  done
  echo "$best"
}

have_scipy=yes
$PY -c "import scipy.stats" 2>/dev/null || have_scipy=no
[ "$have_scipy" = yes ] || echo "bench/stats.sh: $PY has no scipy (apt-get install python3-scipy): timing cleval only"

# The floor: libcsv alone tokenising the file in as many pieces as cleval
# reads it in, no numbers read (bench/csv_floor.c).
threads=${CLEVAL_STATS_THREADS:-$(nproc)}
${CC:-cc} -O2 -pthread -o "$dir/csv_floor" bench/csv_floor.c -lcsv
tf=$(best_time "$dir/csv_floor.out" "$dir/csv_floor" "$data" "$threads")
printf 'libcsv alone, %s threads, no numbers read: %.2f s (the floor under cleval)\n' "$threads" "$tf"

status=0
for test in paired-t wilcoxon; do
  tc=$(best_time "$dir/$test.cleval.json" build/cleval stats "$test" "$data" --json)
  if [ "$have_scipy" = no ]; then
    printf '%-9s cleval %6.2f s\n' "$test" "$tc"
    continue
  fi
  ts=$(best_time "$dir/$test.scipy.json" $PY bench/stats_peer.py "$test" "$data")
  ratio=$(echo "$ts $tc" | awk '{printf "%.1f", $1 / $2}')
  verdict=$(echo "$ratio" | awk '{print ($1 >= 5) ? "meets the 5x target" : "BELOW the 5x target"}')
  printf '%-9s cleval %6.2f s   scipy %6.2f s   scipy/cleval %5.1fx  (%s)\n' "$test" "$tc" "$ts" \
    "$ratio" "$verdict"
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
