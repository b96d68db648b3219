#!/bin/sh
# cleval against the tools analysts use instead (issue 19). For each scale
# of the demo programme (default 1 10 100): simulates it (`cleval demo`),
# then in rounds, taking turns: imports every CSV file into a new database
# (each KIND timed on its own), `cleval report` on it (re-analysis), and the
# peers bench/peer/report.py (pandas, scipy, statsmodels) and
# bench/peer/report.R (R, sandwich), which read the same CSV files. Before
# any time is printed, each peer's fig1, table1, fig18, fig19, fig21 and DiD
# are checked against the report.json of the measured cleval run
# (bench/peer/compare.py: 1e-9 relative, a p value beside its statistic t
# 2e-9 (1 + t^2), its far tail's conditioning; the script's rules are
# self-tested first). Then, per step: median wall and
# CPU time and the largest peak memory (GNU time), rows per second, the
# peer / cleval ratios, the targets, how each step grows with scale, and
# the floors SQLite itself sets (bench/read_floor.c, bench/import_floor.sql).
#
# Usage: sh bench/peers.sh [path/to/cleval]   (from the repository root)
#   SCALES="1 10 100"  RUNS=5 (rounds at scales below 100)  RUNS100=1
#   KEEP=1 reuses build/bench/peers/sX/csv when present (no new simulation)
set -eu
C=${1:-build/cleval}
case $C in /*) ;; *) C=$(pwd)/$C ;; esac
SCALES=${SCALES:-1 10 100}
RUNS=${RUNS:-5}
RUNS100=${RUNS100:-1}
PY=/usr/bin/python3 # Debian's, with pandas, scipy, statsmodels (not a pyenv one)
D=$(pwd)/build/bench/peers
[ -x "$C" ] || { echo "bench/peers.sh: $C is missing; run make first" >&2; exit 1; }
for x in /usr/bin/time /usr/bin/Rscript "$PY"; do
  [ -x "$x" ] || { echo "bench/peers.sh: $x is missing (tools/deps.sh bench installs it)" >&2; exit 1; }
done
mkdir -p "$D"
floor=$D/read_floor
${CC:-cc} -std=c11 -O2 -o "$floor" bench/read_floor.c -lsqlite3 || exit 1
# The referee first: it must still accept the known agreements and refuse
# real differences (a p off by 1e-6, a coefficient off by 1e-8).
"$PY" bench/peer/compare.py --self-test >"$D/compare_self_test.txt" ||
  { cat "$D/compare_self_test.txt"; echo "bench/peers.sh: compare.py's self-test failed" >&2; exit 1; }
sed -n '$p' "$D/compare_self_test.txt"
"$C" instruments >"$D/items.csv"
KINDS="establishments leaders providers enrolments self-assessment long-term compass"

# timed NAME COMMAND...: runs it under GNU time, appending "NAME wall cpu kb"
# to $res; its output goes to $out/NAME.log.
timed() {
  name=$1; shift
  /usr/bin/time -f '%e %U %S %M' -o "$out/$name.time" "$@" >"$out/$name.log" 2>&1 || {
    echo "bench/peers.sh: $name failed:" >&2; tail -5 "$out/$name.log" >&2; exit 1; }
  awk -v n="$name" '{ printf "%s %s %.2f %s\n", n, $1, $2 + $3, $4 }' "$out/$name.time" >>"$res"
}

for s in $SCALES; do
  dir=$D/s$s
  if [ "${KEEP:-0}" = 1 ] && [ -f "$dir/csv/compass.csv" ]; then :; else
    echo "scale $s: simulating the programme (cleval demo --scale $s) ..."
    "$C" demo -o "$dir" --scale "$s" --force >/dev/null
  fi
  runs=$RUNS
  [ "$s" -ge 100 ] && runs=$RUNS100
  res=$dir/results
  : >"$res"
  i=1
  while [ "$i" -le "$runs" ]; do
    out=$dir/run$i
    rm -rf "$out"
    mkdir -p "$out"
    # Who goes first alternates, so that neither always meets a cold cache.
    order="cleval python R"
    case $((i % 3)) in 2) order="python R cleval" ;; 0) order="R cleval python" ;; esac
    for who in $order; do
      case $who in
      cleval)
        "$C" init "$out/p.db" >/dev/null
        for k in $KINDS; do timed "import_$k" "$C" import --quiet "$out/p.db" "$k" "$dir/csv/$k.csv"; done
        timed report "$C" report "$out/p.db" -o "$out/report" ;;
      python) timed python "$PY" bench/peer/report.py "$dir/csv" "$D/items.csv" "$out/python.json" ;;
      R) timed R /usr/bin/Rscript bench/peer/report.R "$dir/csv" "$D/items.csv" "$out/R.json" ;;
      esac
    done
    # The numbers first: a peer that disagrees stops the bench.
    for p in python R; do
      "$PY" bench/peer/compare.py "$p" "$out/$p.json" "$out/report/report.json" >"$out/compare_$p.txt" ||
        { echo "scale $s, run $i:"; cat "$out/compare_$p.txt"; exit 1; }
    done
    if [ "$i" -eq "$runs" ]; then # the floors, on the last round's files
      "$floor" "$out/p.db" >"$dir/read_floor.txt" || exit 1
      sed "s|@D@|$dir/csv|" bench/import_floor.sql >"$out/import_floor.sql"
      /usr/bin/time -f '%e %U %S' -o "$dir/import_floor.time" \
        sqlite3 "$out/floor.db" <"$out/import_floor.sql" || exit 1
    fi
    rm -f "$out"/p.db* "$out"/floor.db
    i=$((i + 1))
  done
  echo
  echo "== scale $s: $(wc -l <"$dir/csv/self-assessment.csv") self-assessment rows," \
    "$(wc -l <"$dir/csv/compass.csv") Compass rows; $runs run(s), median wall and CPU," \
    "largest peak memory"
  for p in python R; do sed -n '$p' "$dir/run1/compare_$p.txt"; done
  rows=""
  for k in $KINDS; do rows="$rows $k=$(($(wc -l <"$dir/csv/$k.csv") - 1))"; done
  awk -v rows="$rows" -v scale="$s" -v times="$dir/summary.times" -f bench/peers.awk "$res" |
    tee "$dir/summary"
  # What SQLite alone takes, under the re-analysis and the first analysis:
  # the report's queries stepped with nothing kept, and the CLI's .import
  # of the same CSV files into untyped tables without a check or an index.
  echo "  floors: SQLite stepping the report's queries $(sed -n '$p' "$dir/read_floor.txt" |
    awk '{ print $4, "s wall,", $7, "s CPU" }'); sqlite3 .import of every file" \
    "$(awk '{ printf "%.2f s wall, %.2f s CPU", $1, $2 + $3 }' "$dir/import_floor.time")"
done

echo
echo "== growth with scale (median wall time ratio; n log n from scale a to b is"
echo "   (b/a) x log(n_b)/log(n_a), with n the self-assessment rows)"
prev=""
for s in $SCALES; do
  if [ -n "$prev" ]; then
    na=$(wc -l <"$D/s$prev/csv/self-assessment.csv"); nb=$(wc -l <"$D/s$s/csv/self-assessment.csv")
    join "$D/s$prev/summary.times" "$D/s$s/summary.times" | awk -v a="$prev" -v b="$s" \
      -v na="$na" -v nb="$nb" '
      BEGIN { nlogn = (nb / na) * log(nb) / log(na) }
      { r = ($2 > 0) ? $3 / $2 : 0
        printf "  %-34s scale %s -> %s: %6.2f s -> %7.2f s  x%6.1f (data x%.1f, n log n x%.1f)%s\n",
          $1, a, b, $2, $3, r, nb / na, nlogn, ($1 == "report" ? (r <= nlogn ? "  within n log n" : "  FASTER than n log n") : "") }'
  fi
  prev=$s
done
