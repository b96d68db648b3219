#!/usr/bin/python3
"""Checks a peer's tables against cleval's report.json: the same columns,
the same rows, labels and counts equal, every number within 1e-9 relative
(|a - b| <= tol max(|a|, |b|), tol = 1e-9) but one: a p value in a row that
carries its test statistic, whose tolerance follows the p value's
conditioning. Prints each difference and exits 1 when there is one.

Usage: compare.py NAME PEER.json REPORT.json
       compare.py --self-test   (checks the rules below on known numbers)

The p value's tolerance. A row's statistic t is its `t` column, or its
`estimate` over its standard error (the first column named se...: the
DiD's se_cluster). Its p is two-sided, p = 2 S(|t|) (S the t or normal
distribution's upper tail, f its density), so a relative error e in t
moves p by kappa e relative, kappa = |d ln p / d ln t| = |t| f(t) / S(t).
In the far tail kappa is about t^2: at scale 100 the DiD's hub term has
t = 15.7 and p = 9e-56, and a relative error of 1e-11 in the fit (below
what the estimate's own 1e-9 check sees) moves p by 2.5e-9; R's p is
2.3e-9 from the exact value there, and the three tools differ by ~2e-9
(bench/RESULTS.md, "Exact referee of the scale-100 DiD"). Since the
estimate and the standard error are each checked to tol, t may differ by
2 tol, and p is given 2 tol kappa_max relative, with kappa_max = 1 + t^2
an upper bound of kappa for the normal (Gordon's bound on the Mills
ratio, f/S < t + 1/t) and for Student's t at every df (heavier tails:
checked with scipy, max kappa / (1 + t^2) over t in (0, 40] is 0.33 at
df 1, 0.98 at df 1000, 0.9999 for the normal). So p is within
2e-9 (1 + t^2) relative: 1.6e-8 for t = 2.6, 5e-7 for t = 15.7. Every
other number, p values without a statistic in their row (table1, the
Holm-adjusted and Wilcoxon p) included, keeps 1e-9.
"""
import json
import sys

TABLES = ['fig1', 'table1', 'fig18', 'fig19', 'fig21', 'did']
TOL = 1e-9


def statistic(columns, row):
    """The row's test statistic t (its t column, or estimate / se), or
    None when it carries none."""
    cell = dict(zip(columns, row))
    t = cell.get('t')
    if isinstance(t, (int, float)) and not isinstance(t, bool):
        return float(t)
    se = next((c for c in columns if c.startswith('se')), None)
    est, s = cell.get('estimate'), cell.get(se) if se else None
    if (isinstance(est, (int, float)) and isinstance(s, (int, float))
            and not isinstance(est, bool) and s != 0):
        return est / s
    return None


def tolerance(col, columns, row):
    """The relative tolerance of cell col of cleval's row (module doc)."""
    if col == 'p':
        t = statistic(columns, row)
        if t is not None:
            return 2 * TOL * (1 + t * t)
    return TOL


def compare(name, peer, rep):
    """Returns (differences as lines, cells compared)."""
    bad, cells = [], 0
    for t in TABLES:
        p, c = peer.get(t), rep.get(t)
        if p is None or c is None:
            bad.append('%s: missing from %s' % (t, 'the peer' if p is None else 'cleval'))
            continue
        if p['columns'] != c['columns']:
            bad.append('%s: columns %s, cleval %s' % (t, p['columns'], c['columns']))
            continue
        if len(p['rows']) != len(c['rows']):
            bad.append('%s: %d rows, cleval %d' % (t, len(p['rows']), len(c['rows'])))
            continue
        for i, (pr, cr) in enumerate(zip(p['rows'], c['rows'])):
            for col, x, y in zip(c['columns'], pr, cr):
                cells += 1
                num = (isinstance(x, (int, float)) and isinstance(y, (int, float))
                       and not isinstance(x, bool) and not isinstance(y, bool))
                if num:
                    tol = tolerance(col, c['columns'], cr)
                    if abs(x - y) <= tol * max(abs(x), abs(y)):
                        continue
                elif x == y:
                    continue
                bad.append('%s row %d (%s) %s: %s %r, cleval %r'
                           % (t, i + 1, cr[0], col, name, x, y))
    return bad, cells


def self_test():
    """The rules on known numbers: the exact referee of the scale-100 DiD
    and the three tools' values against it pass (bench/RESULTS.md); a p
    off by 1e-6, an estimate or a standard error off by 1e-8, a p without
    a statistic off by 2e-9, a count off by one, a label changed, fail."""
    cols = ['term', 'estimate', 'se_cluster', 'ci_low', 'ci_high', 'p']
    # The exact values (rational arithmetic, RESULTS.md); se and the
    # intervals from cleval's scale-100 report.json of 2026-12-03.
    trained = ['trained', 0.01967462397799075, 0.00746722316766613,
               0.005039064082600315, 0.03431018387311342, 0.008419262200004236]
    hub = ['hub', 0.12003501602153507, 0.007627541027763059,
           0.10508523736114683, 0.13498479468192331, 8.969417505570206e-56]
    fig = ['area', 'n', 'mean_diff', 't', 'p']
    area = ['leadership', 45549, 15.3, 2.5, 0.0124]
    t1 = ['group', 'area', 'n', 'p']
    grp = ['college', 'leadership', 408, 1.708160720389306e-47]

    def doc(tr, hb, ar=area, gr=grp):
        d = {t: {'columns': ['x'], 'rows': [[1]]} for t in TABLES}
        d['did'] = {'columns': cols, 'rows': [tr, hb]}
        d['fig1'] = {'columns': fig, 'rows': [ar]}
        d['table1'] = {'columns': t1, 'rows': [gr]}
        return d

    def off(row, col, rel, cs=cols):
        r = list(row)
        r[cs.index(col)] *= 1 + rel
        return r

    exact = doc(trained, hub)
    cases = [  # (what, peer document, should agree)
        ('the exact values themselves', doc(trained, hub), True),
        # Relative errors of each tool against the exact values (RESULTS.md).
        ('cleval before refinement: trained p -5.3e-9, hub p -6.0e-9',
         doc(off(trained, 'p', -5.3e-9), off(hub, 'p', -6.0e-9)), True),
        ('Python: trained p -1.8e-9, hub p +1.5e-9, trained estimate +2.2e-10',
         doc(off(off(trained, 'p', -1.8e-9), 'estimate', 2.2e-10), off(hub, 'p', 1.5e-9)), True),
        ('R: hub p -2.3e-9', doc(trained, off(hub, 'p', -2.3e-9)), True),
        ('fig1 p with t = 2.5 off by 1e-8', doc(trained, hub, off(area, 'p', 1e-8, fig)), True),
        ('hub p off by 1e-6', doc(trained, off(hub, 'p', 1e-6)), False),
        ('trained p off by 1e-7', doc(off(trained, 'p', 1e-7), hub), False),
        ('fig1 p with t = 2.5 off by 1e-7', doc(trained, hub, off(area, 'p', 1e-7, fig)), False),
        ('hub estimate off by 1e-8', doc(trained, off(hub, 'estimate', 1e-8)), False),
        ('trained se off by 1e-8', doc(off(trained, 'se_cluster', 1e-8), hub), False),
        ('hub ci_low off by 2e-9', doc(trained, off(hub, 'ci_low', 2e-9)), False),
        ('table1 p (no statistic) off by 2e-9',
         doc(trained, hub, area, off(grp, 'p', 2e-9, t1)), False),
        ('fig1 n off by one', doc(trained, hub, ['leadership', 45550, 15.3, 2.5, 0.0124]), False),
        ('a label changed', doc(['trained_x'] + trained[1:], hub), False),
    ]
    failed = 0
    for what, peer, agree in cases:
        bad, _ = compare('peer', peer, exact)
        ok = (not bad) == agree
        failed += not ok
        print('%s compare.py self-test: %s (%s)' % ('ok  ' if ok else 'FAIL',
              what, 'agrees' if not bad else 'differs: ' + bad[0]))
    print('compare.py self-test: %d of %d as expected' % (len(cases) - failed, len(cases)))
    return 1 if failed else 0


def main():
    if sys.argv[1:] == ['--self-test']:
        sys.exit(self_test())
    name, peer_path, report_path = sys.argv[1:]
    peer, rep = json.load(open(peer_path)), json.load(open(report_path))
    bad, cells = compare(name, peer, rep)
    for b in bad:
        print('  ' + b)
    print('%s agrees with cleval: %s (%d cells of %s compared, tolerance %g relative;'
          ' a p beside its statistic t: 2e-9 (1 + t^2))'
          % (name, 'yes' if not bad else 'NO, %d differences' % len(bad), cells,
             ' '.join(TABLES), TOL))
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()
