#!/bin/sh
# End-to-end test of `cleval report` (issue 5): builds a small programme
# with known answers (make_data.py), imports every KIND into a new
# database, writes the report, and checks every table of report.json,
# tables/ID.csv and report.html against the figures expected.py computes
# independently from the same CSV files (compare.py). Then a database with
# nothing to evaluate must be refused (exit 3), and a report of thin data
# (no surveys) must succeed with nothing non-finite in it. Prints TAP. Usage: tests/report/run.sh /path/to/cleval
set -u
CLEVAL=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3 # Debian's, with numpy and scipy (not a pyenv one on PATH)
n=0
fails=0
tap() { # ok|not ok, description
  n=$((n + 1))
  [ "$1" = ok ] || fails=$((fails + 1))
  echo "$1 $n - $2"
}
check() { # description, command... (ok when it exits 0; its stderr shown)
  what=$1; shift
  if "$@" >"$tmp/.out" 2>"$tmp/.err"; then tap ok "$what"; else
    tap "not ok" "$what (status $?)"; head -20 "$tmp/.err" | sed 's/^/#   /'; fi
}
relay() { # file of compare.py's unnumbered TAP lines: numbered, comments kept
  while IFS= read -r line; do
    case $line in
      "ok - "*) tap ok "${line#ok - }" ;;
      "not ok - "*) tap "not ok" "${line#not ok - }" ;;
      *) echo "$line" ;;
    esac
  done <"$1"
}

if ! "$CLEVAL" help report >/dev/null 2>&1; then
  tap "not ok" "cleval report is missing (cleval help report failed)"
  echo "1..$n"
  exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check "make_data.py writes the programme" "$PY" "$here/make_data.py" "$tmp/data"
check "expected.py computes the tables from the CSV files" \
  "$PY" "$here/expected.py" "$tmp/data" "$tmp/expected.json"
if "$PY" "$here/compare.py" --selftest "$tmp/expected.json" >"$tmp/.self" 2>&1; then
  relay "$tmp/.self"
else
  tap "not ok" "compare.py --selftest failed"; sed 's/^/#   /' "$tmp/.self" | head -20
fi

# The full programme: every KIND, in dependency order.
check "cleval init" "$CLEVAL" init "$tmp/p.db"
for kind in establishments leaders providers enrolments self-assessment long-term compass; do
  check "cleval import $kind" "$CLEVAL" import "$tmp/p.db" "$kind" "$tmp/data/$kind.csv"
done
check "cleval report" "$CLEVAL" report "$tmp/p.db" -o "$tmp/out"
if [ -f "$tmp/expected.json" ]; then
  { "$CLEVAL" scores "$tmp/p.db" --format csv >"$tmp/scores.csv" &&
    "$PY" "$here/compare.py" --scores "$tmp/scores.csv" "$tmp/expected.json"; } \
    >"$tmp/.cmp" 2>&1 || echo "not ok - cleval scores or compare.py --scores failed" >>"$tmp/.cmp"
  relay "$tmp/.cmp"
  "$PY" "$here/compare.py" "$tmp/out" "$tmp/expected.json" >"$tmp/.cmp" 2>&1 ||
    echo "not ok - compare.py failed" >>"$tmp/.cmp"
  relay "$tmp/.cmp"
fi

# The tiny programme (tests/data/tiny: 18 Careers Leaders, a post-only
# group of 2, a group of 2 special schools, no comparison establishments),
# as it is and with 7 comparison establishments, 2 of them in a hub: every
# table against expected.py, which applies the small-cell rule on its own
# (differencing across tables included: A19-A21).
tiny() { # name, number of comparison establishments, how many in a hub
  d=$tmp/$1
  mkdir -p "$d/data"
  cp "$here/../data/tiny/"*.csv "$d/data/"
  i=0
  while [ "$i" -lt "$2" ]; do
    hub=
    [ "$i" -lt "$3" ] && hub="Tees Valley"
    printf '3001%02d,Comparison %02d,mainstream,North East,%s,20.0,\n' "$i" "$i" "$hub" \
      >>"$d/data/establishments.csv"
    printf '3001%02d,2018-05-01,%d,0,0,50,0,50,0,100\n' "$i" $((i % 3 / 2 * 100)) \
      >>"$d/data/compass.csv"
    printf '3001%02d,2020-10-01,100,%d,0,50,0,100,0,100\n' "$i" $((i % 2 * 100)) \
      >>"$d/data/compass.csv"
    i=$((i + 1))
  done
  check "$1: expected.py" "$PY" "$here/expected.py" "$d/data" "$d/expected.json" --any-data
  check "$1: cleval init" "$CLEVAL" init "$d/p.db"
  for kind in establishments leaders providers enrolments self-assessment long-term compass; do
    "$CLEVAL" import --quiet "$d/p.db" "$kind" "$d/data/$kind.csv" >/dev/null 2>"$tmp/.err" ||
      { tap "not ok" "$1: cleval import $kind"; sed 's/^/#   /' "$tmp/.err"; }
  done
  check "$1: cleval report" "$CLEVAL" report "$d/p.db" -o "$d/out"
  "$PY" "$here/compare.py" "$d/out" "$d/expected.json" >"$tmp/.cmp" 2>&1 ||
    echo "not ok - compare.py failed" >>"$tmp/.cmp"
  sed "s/^\(\(not \)\?ok - \)/\1$1: /" "$tmp/.cmp" >"$tmp/.cmp2"
  relay "$tmp/.cmp2"
}
tiny tiny 0 0
tiny tiny+7 7 2
# ... and the data still exercise the rules against differencing: fig3's
# over-5-years band (10 post respondents, 8 matched) withheld, benchmarks
# achieved or not by 1 to 4 withheld with a complement, the hub terms left
# out beside fig19's comparison group of 2 in a hub.
check "tiny: A19 and A20 exercised" "$PY" -c '
import json, sys
e = json.load(open(sys.argv[1]))
assert [x[1] for x in e["fig3"]["suppressed"]][-1] == "secondary", e["fig3"]
assert any(len(x) > 2 and x[1] == "small" for x in e["fig20"]["suppressed"]), e["fig20"]
' "$tmp/tiny/expected.json"
check "tiny+7: A20 complement and A21 exercised" "$PY" -c '
import json, sys
e = json.load(open(sys.argv[1]))
assert any(len(x) > 2 and x[1] == "secondary" for x in e["fig21"]["suppressed"]), e["fig21"]
assert [r[0] for r in e["did"]["rows"]] == ["intercept", "trained", "post", "trained_x_post"]
assert any(x[1] == "small" for x in e["fig19"]["suppressed"]), e["fig19"]
' "$tmp/tiny+7/expected.json"

# Nothing to evaluate (establishments and leaders only): exit 3, what is
# missing and the imports that supply it, nothing written.
check "empty: cleval init" "$CLEVAL" init "$tmp/empty.db"
for kind in establishments leaders; do
  check "empty: cleval import $kind" "$CLEVAL" import "$tmp/empty.db" "$kind" \
    "$tmp/data/$kind.csv"
done
"$CLEVAL" report "$tmp/empty.db" -o "$tmp/empty" >"$tmp/.out" 2>"$tmp/.err"
st=$?
if [ "$st" -eq 3 ] && [ ! -e "$tmp/empty" ] &&
   grep -q "cleval import DB self-assessment FILE" "$tmp/.err" &&
   grep -q "cleval import DB compass FILE" "$tmp/.err"; then
  tap ok "empty: cleval report exits 3, names the missing imports, writes nothing"
else
  tap "not ok" "empty: cleval report exits 3, names the missing imports, writes nothing (status $st)"
  sed 's/^/#   /' "$tmp/.err"
fi

# Thin data: establishments, leaders and Compass returns, no surveys.
check "thin data: cleval init" "$CLEVAL" init "$tmp/thin.db"
for kind in establishments leaders compass; do
  check "thin data: cleval import $kind" "$CLEVAL" import "$tmp/thin.db" "$kind" \
    "$tmp/data/$kind.csv"
done
check "thin data: cleval report exits 0" "$CLEVAL" report "$tmp/thin.db" -o "$tmp/thin"
"$PY" "$here/compare.py" --thin "$tmp/thin" >"$tmp/.cmp" 2>&1 ||
  echo "not ok - compare.py --thin failed" >>"$tmp/.cmp"
relay "$tmp/.cmp"

echo "1..$n"
[ "$fails" -eq 0 ]
