#!/usr/bin/python3
"""Checks a peer's tables against cleval's report.json: the same columns,
the same rows, labels and counts equal, every number within 1e-9 relative
(|a - b| <= 1e-9 max(|a|, |b|)). Prints each difference and exits 1 when
there is one. Usage: compare.py NAME PEER.json REPORT.json"""
import json
import sys

TABLES = ['fig1', 'table1', 'fig18', 'fig19', 'fig21', 'did']
TOL = 1e-9


def main():
    name, peer_path, report_path = sys.argv[1:]
    peer, rep = json.load(open(peer_path)), json.load(open(report_path))
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
                num = isinstance(x, (int, float)) and isinstance(y, (int, float))
                if num and not isinstance(x, bool):
                    if abs(x - y) <= TOL * max(abs(x), abs(y)):
                        continue
                elif x == y:
                    continue
                bad.append('%s row %d (%s) %s: %s %r, cleval %r'
                           % (t, i + 1, cr[0], col, name, x, y))
    for b in bad:
        print('  ' + b)
    print('%s agrees with cleval: %s (%d cells of %s compared, tolerance %g relative)'
          % (name, 'yes' if not bad else 'NO, %d differences' % len(bad), cells,
             ' '.join(TABLES), TOL))
    sys.exit(1 if bad else 0)


if __name__ == '__main__':
    main()
