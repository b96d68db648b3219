#!/bin/sh
# Browser tests of the report: HTML Tidy on report.html, then report.spec.js
# in headless Chromium (npm playwright-core driving Debian's chromium).
# Prints TAP ("ok N - ..." / "not ok N - ...").
#
# Usage: tests/browser/run.sh [REPORT_DIR | CLEVAL]
#   REPORT_DIR  a directory holding report.html and report.json: test it
#   CLEVAL      the cleval binary (tools/run-tests.sh passes build/cleval);
#               with it, or with no argument, a report is made first:
#               `cleval demo -o build/browser-demo --scale 0.2` when cleval
#               has the report command, else the sample report that
#               build/tests/test_report writes under CLEVAL_SAMPLE_OUT.
# Screenshots go to build/screenshots/ (first-page.png, fig19.png, mobile.png,
# and the report printed to report.pdf). With a demo report, `cleval report
# --pdf` prints it and tests/browser/pdfpages.py checks its pages.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
n=0
pass() { n=$((n + 1)); echo "ok $n - $*"; }
fail() { n=$((n + 1)); echo "not ok $n - $*"; }
quote() { sed 's/^/# /' | head -"${2:-20}"; }

arg=${1:-}
dir=""
cleval="$top/build/cleval"
if [ -n "$arg" ] && [ -d "$arg" ]; then
  dir=$(cd "$arg" && pwd)
elif [ -n "$arg" ]; then
  cleval=$arg
fi

mkdir -p "$top/build"
if [ -z "$dir" ]; then
  if [ -x "$cleval" ] && "$cleval" help report >/dev/null 2>&1; then
    dir="$top/build/browser-demo"
    rm -rf "$dir"
    if "$cleval" demo -o "$dir" --scale 0.2 >"$top/build/browser-demo.log" 2>&1 &&
       [ -f "$dir/report.html" ]; then
      pass "cleval demo wrote a report to build/browser-demo"
    else
      fail "cleval demo wrote a report to build/browser-demo"
      quote <"$top/build/browser-demo.log"
      exit 1
    fi
  else
    dir="$top/build/browser-sample"
    rm -rf "$dir"
    if [ -x "$top/build/tests/test_report" ] &&
       CLEVAL_SAMPLE_OUT="$dir" "$top/build/tests/test_report" >"$top/build/browser-sample.log" 2>&1 &&
       [ -f "$dir/report.html" ]; then
      pass "sample report written to build/browser-sample (cleval has no report command yet)"
    else
      fail "sample report written to build/browser-sample (build it: make build)"
      [ -f "$top/build/browser-sample.log" ] && quote <"$top/build/browser-sample.log"
      exit 1
    fi
  fi
fi

# HTML validity.
if out=$("$here/tidy.sh" "$dir/report.html" 2>&1); then
  pass "tidy finds no errors or warnings in report.html"
else
  fail "tidy finds no errors or warnings in report.html"
  printf '%s\n' "$out" | quote
fi

# The browser.
chromium=${CHROMIUM:-/usr/bin/chromium}
if ! command -v node >/dev/null 2>&1 || [ ! -x "$chromium" ]; then
  fail "node and $chromium are installed (tools/deps.sh check installs them)"
  exit 1
fi
nodedir="$top/build/node"
if [ ! -f "$nodedir/node_modules/playwright-core/package.json" ] ||
   [ ! -f "$nodedir/node_modules/@axe-core/playwright/package.json" ]; then
  mkdir -p "$nodedir"
  if ! npm install --no-audit --no-fund --prefix "$nodedir" playwright-core @axe-core/playwright \
       >"$top/build/npm-install.log" 2>&1; then
    fail "npm installs playwright-core and @axe-core/playwright into build/node"
    quote <"$top/build/npm-install.log"
    exit 1
  fi
fi
NODE_PATH="$nodedir/node_modules" TAP_START=$n CHROMIUM="$chromium" \
  node "$here/report.spec.js" "$dir" "$top/build/screenshots" >"$top/build/browser-spec.tap"
status=$?
cat "$top/build/browser-spec.tap"
n=$((n + $(grep -c '^\(not \)\?ok ' "$top/build/browser-spec.tap")))

# The printed report: `cleval report --pdf` through the system's Chromium,
# then its pages (page numbers, none nearly empty but at chapter ends).
if [ -f "$dir/demo.db" ] && [ -x "$cleval" ]; then
  rm -rf "$top/build/browser-pdf"
  if CHROMIUM="$chromium" "$cleval" report "$dir/demo.db" -o "$top/build/browser-pdf" --pdf \
       >"$top/build/browser-pdf.log" 2>&1 && [ -s "$top/build/browser-pdf/report.pdf" ]; then
    pass "cleval report --pdf writes report.pdf"
    if command -v pdftotext >/dev/null 2>&1; then
      /usr/bin/python3 "$here/pdfpages.py" "$top/build/browser-pdf/report.pdf" \
        "$top/build/browser-pdf/report.html" >"$top/build/browser-pdf.tap" || status=1
      while IFS= read -r line; do
        case $line in
          "ok - "*) pass "${line#ok - }" ;;
          "not ok - "*) fail "${line#not ok - }"; status=1 ;;
          *) echo "$line" ;;
        esac
      done <"$top/build/browser-pdf.tap"
    else
      fail "pdftotext is installed (poppler-utils; tools/deps.sh check installs it)"
      status=1
    fi
  else
    fail "cleval report --pdf writes report.pdf"
    quote <"$top/build/browser-pdf.log"
    status=1
  fi
fi
exit $status
