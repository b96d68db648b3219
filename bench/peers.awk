# bench/peers.sh's summary of one scale. Input: lines "step wall cpu kb",
# one per run and step. Prints each step's median wall and CPU time, its
# largest peak memory, rows per second for imports, the peer / cleval
# ratios and the targets of issue 19; writes "step median_wall" lines,
# sorted, to the file `times` (for the growth table).
function median(a, n,    i, j, t, b) {
  for (i = 1; i <= n; i++) b[i] = a[i]
  for (i = 2; i <= n; i++) for (j = i; j > 1 && b[j - 1] > b[j]; j--) { t = b[j]; b[j] = b[j - 1]; b[j - 1] = t }
  return n % 2 ? b[(n + 1) / 2] : (b[n / 2] + b[n / 2 + 1]) / 2
}
function verdict(ok) { if (!ok) missed++; return ok ? "met" : "MISSED" }
BEGIN {
  nk = split(rows, kv, " ")
  for (i = 1; i <= nk; i++) { split(kv[i], kvp, "="); kind[i] = kvp[1]; nrows[kvp[1]] = kvp[2] }
}
{
  s = $1; k = ++n[s]; wall[s, k] = $2; cpu[s, k] = $3
  if ($4 > kb[s]) kb[s] = $4
  if (!(s in seen)) { seen[s] = 1; order[++ns] = s }
}
END {
  for (i = 1; i <= ns; i++) {
    s = order[i]
    for (k = 1; k <= n[s]; k++) { w[k] = wall[s, k]; c[k] = cpu[s, k] }
    mw[s] = median(w, n[s]); mc[s] = median(c, n[s])
  }
  printf "  %-34s %9s %9s %9s %12s\n", "step", "wall s", "CPU s", "peak MB", "rows/s"
  imp_w = imp_c = 0; imp_kb = 0
  for (i = 1; i <= nk; i++) {
    s = "import_" kind[i]
    if (!(s in mw)) continue
    imp_w += mw[s]; imp_c += mc[s]; if (kb[s] > imp_kb) imp_kb = kb[s]
    rate = mw[s] > 0 ? nrows[kind[i]] / mw[s] : 0
    printf "  %-34s %9.2f %9.2f %9.1f %12.0f\n", "import " kind[i] " (" nrows[kind[i]] ")", mw[s], mc[s], kb[s] / 1024, rate
    print s, mw[s] | ("sort >" times)
  }
  printf "  %-34s %9.2f %9.2f %9.1f\n", "imports, all files", imp_w, imp_c, imp_kb / 1024
  printf "  %-34s %9.2f %9.2f %9.1f\n", "report (re-analysis)", mw["report"], mc["report"], kb["report"] / 1024
  first_w = imp_w + mw["report"]; first_c = imp_c + mc["report"]
  printf "  %-34s %9.2f %9.2f\n", "first analysis (imports + report)", first_w, first_c
  printf "  %-34s %9.2f %9.2f %9.1f\n", "python peer (pandas/scipy)", mw["python"], mc["python"], kb["python"] / 1024
  printf "  %-34s %9.2f %9.2f %9.1f\n", "R peer (base R/sandwich)", mw["R"], mc["R"], kb["R"] / 1024
  print "imports_all", imp_w | ("sort >" times)
  print "report", mw["report"] | ("sort >" times)
  print "first_analysis", first_w | ("sort >" times)
  print "python", mw["python"] | ("sort >" times)
  print "R", mw["R"] | ("sort >" times)
  print "  ratios (peer / cleval; above 1 cleval is faster):"
  for (j = 1; j <= 2; j++) {
    pr = j == 1 ? "python" : "R"
    printf "    re-analysis:    %-6s / cleval report: wall %6.1f x  CPU %6.1f x  memory %5.1f x\n", pr,
      mw[pr] / mw["report"], mc[pr] / mc["report"], kb[pr] / kb["report"]
    printf "    first analysis: %-6s / cleval imports+report: wall %6.2f x  CPU %6.2f x\n", pr,
      mw[pr] / first_w, mc[pr] / first_c
  }
  print "  targets (issue 19):"
  for (i = 1; i <= nk; i++) {
    s = "import_" kind[i]
    if (!(s in mw) || nrows[kind[i]] < 10000) continue
    ans = kind[i] == "self-assessment" || kind[i] == "long-term"
    want = ans ? 500000 : 200000
    rate = nrows[kind[i]] / mw[s]
    printf "    import %-16s >= %d rows/s: %s (%.0f); under 100 MB: %s (%.1f MB)\n", kind[i], want,
      verdict(rate >= want), rate, verdict(kb[s] < 100 * 1024), kb[s] / 1024
  }
  for (j = 1; j <= 2; j++) {
    pr = j == 1 ? "python" : "R"
    printf "    re-analysis >= 10 x faster than %-6s (wall): %s (%.1f x)\n", pr,
      verdict(mw[pr] >= 10 * mw["report"]), mw[pr] / mw["report"]
    printf "    first analysis >= 2 x faster than %-6s (wall): %s (%.2f x)\n", pr,
      verdict(mw[pr] >= 2 * first_w), mw[pr] / first_w
  }
  if (scale >= 100) {
    printf "    report under 2 s (wall): %s (%.2f s)\n", verdict(mw["report"] < 2), mw["report"]
    printf "    report under 300 MB: %s (%.1f MB)\n", verdict(kb["report"] < 300 * 1024), kb["report"] / 1024
  }
  printf "  targets missed at scale %s: %d\n", scale, missed
}
