#!/bin/sh
# Checks a report's HTML with HTML Tidy (Debian's tidy 5.x): exits 0 when
# tidy reports nothing, else prints tidy's messages and exits 1.
# Usage: tests/browser/tidy.sh REPORT.html
#
# Tidy 5.6 knows HTML5 but only part of SVG: it calls valid SVG attributes
# on SVG elements "proprietary" (e.g. font-size on <svg>, id on an SVG
# <title>, which it takes for the HTML <title>). The report avoids those
# (text style sits on a <g>; SVG titles carry no id), and exactly that
# message on SVG-only elements is filtered, so anything else fails.
set -u
[ $# -eq 1 ] || { echo "usage: $0 REPORT.html" >&2; exit 2; }
command -v tidy >/dev/null 2>&1 || { echo "tidy is not installed (apt-get install tidy)"; exit 1; }
out=$(tidy -errors -q "$1" 2>&1)
st=$?
[ $st -le 2 ] || { echo "tidy failed ($st): $out"; exit 1; }
left=$(printf '%s\n' "$out" |
  grep -v -E '^line [0-9]+ column [0-9]+ - Warning: <(svg|g|rect|path|line|polyline|circle|text|tspan)> proprietary attribute ' |
  grep -v '^$')
if [ -n "$left" ]; then
  printf '%s\n' "$left"
  exit 1
fi
exit 0
