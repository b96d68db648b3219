#!/bin/sh
# Runs every test suite, for the normal and the sanitizer build, and ends
# with one line "N passed, N failed". Suites print TAP ("ok" / "not ok").
set -u
top=$(pwd)
log=build/test-log
mkdir -p "$log"
rm -f "$log"/*.tap
status=0

run_suite() { # name, command...
  name=$1; shift
  out="$log/$name.tap"
  "$@" >"$out" 2>"$log/$name.err"
  rc=$?
  if [ $rc -ne 0 ] && ! grep -q '^not ok' "$out"; then
    # The suite died before it could report (a crash, a sanitizer abort).
    echo "not ok - $name exited with status $rc" >>"$out"
    sed 's/^/# /' "$log/$name.err" | tail -20 >>"$out"
  fi
  p=$(grep -c '^ok' "$out"); f=$(grep -c '^not ok' "$out")
  printf '%-40s %4d passed %4d failed\n' "$name" "$p" "$f"
  if [ "$f" -gt 0 ]; then
    grep -A3 '^not ok' "$out" | head -40
    tail -20 "$log/$name.err"
  fi
}

for variant in build build/asan; do
  tag=$(echo "$variant" | tr / -)
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  for t in "$variant"/tests/test_*; do
    [ -x "$t" ] || continue
    CMOCKA_MESSAGE_OUTPUT=TAP run_suite "$tag-$(basename "$t")" "$t"
  done
  run_suite "$tag-cli" tests/cli/run.sh "$top/$variant/cleval"
done

if [ -f tests/browser/run.sh ]; then
  run_suite "browser" tests/browser/run.sh "$top/build/cleval"
fi
if [ -f tests/web/run.sh ]; then
  run_suite "web" tests/web/run.sh "$top/build/cleval"
fi
if [ -f tests/pspp/run.sh ]; then
  run_suite "pspp" tests/pspp/run.sh "$top/build/cleval"
fi
if [ -f tests/report/run.sh ]; then
  run_suite "report" tests/report/run.sh "$top/build/cleval"
  run_suite "recovery" /usr/bin/python3 tests/report/recovery.py "$top/build/cleval"
fi

passed=$(cat "$log"/*.tap | grep -c '^ok')
failed=$(cat "$log"/*.tap | grep -c '^not ok')
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] || status=1
exit $status
