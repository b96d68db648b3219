#!/bin/sh
# The SPSS export opened in Debian's pspp: variable labels (item text),
# value labels (the scales) and the data itself (the area score means pspp
# computes equal the ones `cleval scores` prints). Prints TAP.
# Usage: tests/pspp/run.sh /path/to/cleval
set -u
C=$1
data=$(cd "$(dirname "$0")/../data/programme" && pwd)
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
bad() { n=$((n + 1)); echo "not ok $n - $1"; }
if ! command -v pspp >/dev/null 2>&1; then
  bad "pspp is not installed (tools/deps.sh check installs it)"
  echo "1..$n"; exit 1
fi
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
cd "$w" || exit 1
"$C" init p.db >/dev/null
for f in providers establishments leaders enrolments self-assessment-pre self-assessment-post \
         long-term compass; do
  k=$(echo "$f" | sed 's/-pre$//; s/-post$//')
  "$C" import --quiet p.db "$k" "$data/$f.csv" >/dev/null || { bad "import $f"; }
done
for k in self-assessment long-term compass; do
  if "$C" export p.db "$k" --format sav -o "$k.sav" 2>/dev/null; then ok "export $k as .sav"
  else bad "export $k as .sav"; fi
done

cat >read.sps <<'SPS'
GET FILE='self-assessment.sav'.
DISPLAY LABELS.
DISPLAY DICTIONARY /VARIABLES=school_lead_01.
DESCRIPTIVES /VARIABLES=leadership networking /STATISTICS=MEAN.
GET FILE='long-term.sav'.
DISPLAY DICTIONARY /VARIABLES=lt_conf_leadership lt_practice_evaluate.
GET FILE='compass.sav'.
DISPLAY LABELS.
DESCRIPTIVES /VARIABLES=bm1 /STATISTICS=MEAN.
SPS
if pspp -O format=csv read.sps >out.csv 2>err.txt && ! grep -q '^error\|Error' out.csv err.txt; then
  ok "pspp reads the three files without errors"
else
  bad "pspp reads the three files without errors"; sed 's/^/# /' err.txt out.csv | head -20
fi
expect() { # description, fixed string
  if grep -qF -- "$2" out.csv; then ok "$1"; else bad "$1: no '$2' in pspp's output"; fi
}
expect "item text as variable label" \
  'school_lead_01,5,Lead others in your school who deliver career guidance'
expect "agreement scale as value labels" ',5.00,Strongly agree'
expect "confidence scale as value labels" ',4.00,Not at all confident'
expect "practice codes as value labels" '"Yes, I did this as a direct result of the training"'
expect "benchmark variable label" 'bm1,3,Gatsby Benchmark 1: criteria met (%)'

# The data: pspp's mean of each area score equals the mean of the scores
# cleval prints (all responses, pre and post).
"$C" scores p.db >scores.csv
for area in leadership:4 networking:7; do
  name=${area%:*}; col=${area#*:}
  want=$(awk -F, -v c="$col" 'NR > 1 && $c != "" { s += $c; k++ } END { printf "%d,%.2f", k, s / k }' scores.csv)
  got=$(grep "^Area score: $name" out.csv | head -1 | cut -d, -f2,3)
  if [ -n "$got" ] && [ "$got" = "$want" ]; then ok "$name scores in the .sav (N, mean $got)"
  else bad "$name scores in the .sav: pspp says '$got', cleval scores says '$want'"; fi
done
want=$(awk -F, 'NR > 1 { s += $3; k++ } END { printf "%d,%.2f", k, s / k }' "$data/compass.csv")
got=$(grep '^Gatsby Benchmark 1' out.csv | head -1 | cut -d, -f2,3)
if [ "$got" = "$want" ]; then ok "benchmark 1 percentages in the .sav (N, mean $got)"
else bad "benchmark 1 in the .sav: pspp says '$got', the file says '$want'"; fi
echo "1..$n"
