#!/usr/bin/python3
"""The report recovers the simulation's truth (issue 6): for 20 seeds at
scale 0.3, `cleval demo` simulates a programme and reports it; the true
knowledge gain of each area (truth.json knowledge.effect_pp) must lie in
fig1's 95 % interval, and the true training effect on benchmarks achieved
(truth.json benchmarks.effect) in the did table's trained_x_post interval,
for at least 18 seeds of 20 each; and ten times the scale gives intervals
less than half as wide. Prints TAP. Usage: recovery.py CLEVAL"""
import json, os, shutil, subprocess, sys, tempfile

cleval = sys.argv[1]
SEEDS, SCALE, NEED = 20, 0.3, 18
AREAS = ["leadership", "management", "coordination", "networking"]
n = 0


def tap(ok, what):
    global n
    n += 1
    print(("ok" if ok else "not ok"), n, "-", what, flush=True)


def rows(report, tid):
    t = report[tid]
    cols = t["columns"]
    return [dict(zip(cols, r)) for r in t["rows"]]


def run(seed, scale, work):
    d = os.path.join(work, f"s{seed}-{scale}")
    subprocess.run([cleval, "demo", "-o", d, "--seed", str(seed), "--scale", str(scale)],
                   check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(d, "truth.json")) as f:
        truth = json.load(f)
    with open(os.path.join(d, "report.json")) as f:
        report = json.load(f)
    shutil.rmtree(d)
    k = {r["area"]: (r["ci_low"], r["ci_high"]) for r in rows(report, "fig1")}
    did = {r["term"]: (r["ci_low"], r["ci_high"]) for r in rows(report, "did")}
    return truth, k, did["trained_x_post"]


work = tempfile.mkdtemp(prefix="cleval-recovery-")
try:
    covered = {q: 0 for q in AREAS + ["benchmarks"]}
    for seed in range(1, SEEDS + 1):
        truth, k, b = run(seed, SCALE, work)
        for a in AREAS:
            lo, hi = k[a]
            covered[a] += lo <= truth["knowledge"]["effect_pp"][a] <= hi
        covered["benchmarks"] += b[0] <= truth["benchmarks"]["effect"] <= b[1]
    for q, c in covered.items():
        tap(c >= NEED, f"{q}: the truth inside the report's 95 % interval for {c} of {SEEDS} seeds")
    _, ks, bs = run(1, SCALE, work)
    _, kb, bb = run(1, SCALE * 10, work)
    for a in AREAS:
        small, big = ks[a][1] - ks[a][0], kb[a][1] - kb[a][0]
        tap(big < 0.5 * small, f"{a}: interval {small:.2f} pp wide at scale {SCALE}, "
            f"{big:.2f} at scale {SCALE * 10:g}")
    small, big = bs[1] - bs[0], bb[1] - bb[0]
    tap(big < 0.5 * small, f"benchmarks: interval {small:.3f} wide at scale {SCALE}, "
        f"{big:.3f} at scale {SCALE * 10:g}")
finally:
    shutil.rmtree(work, ignore_errors=True)
print(f"1..{n}")
