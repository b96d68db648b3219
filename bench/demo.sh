#!/bin/sh
# Times `cleval demo` (simulate, write the CSV files, import them, report)
# at scale 1 (target: under 2 s, best of 3 runs) and once at scale 10.
# Usage: bench/demo.sh [path/to/cleval]
set -eu
cleval=${1:-build/cleval}
case $cleval in /*) ;; *) cleval=$(pwd)/$cleval ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

best=""
for i in 1 2 3; do
  t0=$(now)
  "$cleval" demo -o "$tmp/s1-$i" --scale 1 >/dev/null
  t=$(elapsed "$t0" "$(now)")
  best=$(awk -v a="$t" -v b="${best:-$t}" 'BEGIN { print (a < b ? a : b) }')
done
verdict=$(awk -v t="$best" 'BEGIN { print (t < 2 ? "within" : "OVER") }')
echo "cleval demo --scale 1: $best s (best of 3; target under 2 s: $verdict)"

t0=$(now)
"$cleval" demo -o "$tmp/s10" --scale 10 >/dev/null
t=$(elapsed "$t0" "$(now)")
rows=$(cat "$tmp"/s10/csv/*.csv | wc -l)
echo "cleval demo --scale 10: $t s ($rows CSV rows imported)"
