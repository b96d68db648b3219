#!/usr/bin/python3
"""Compares a `cleval report` output with the tables expected.py computed.

Usage:
  compare.py REPORT_DIR EXPECTED.json    every expected table, two checks each
  compare.py --thin REPORT_DIR           a report of thin data (no surveys)
  compare.py --scores SCORES.csv EXPECTED.json   `cleval scores` output
  compare.py --selftest EXPECTED.json    a faithful fake report passes, planted
                                         errors fail

Prints one TAP line per check without a number ("ok - ..." / "not ok -
..."); run.sh numbers them. Details of a failure follow as "# " lines.
Exit status 0 (the TAP lines carry the verdict), 2 on a usage error.

Rules (docs/analysis.md, tests/report/expected.py):
- report.json is strict JSON (no NaN, Infinity) keyed by table id; each
  expected id is present with exactly the expected columns, in order, and
  the same rows in the same order.
- Numbers agree within 1e-9 relative (p values, in the columns p, p_holm
  and wilcoxon_p, within 1e-6 relative); counts exactly; labels ignoring
  case; nulls are nulls.
- A suppressed row (expected.py's A1) holds no number after its labels but
  n = 0 for an empty group, and report.json's "suppressed" record lists
  exactly the expected rows with their reasons ("small", "empty"); the
  HTML says "fewer than 5" and never gives a small group's n.
- tables/ID.csv exists, its header is the columns and its rows are the
  report.json rows (empty = null), and report.html has an element id="ID".
- Every cell report.json's "suppressed" record lists shows no number in
  report.html's table (it reads "fewer than 5", "none", "withheld" or
  nothing) nor in tables.xlsx's sheet: one suppression in every output.
"""
import csv
import json
import math
import os
import re
import sys

P_COLUMNS = {'p', 'p_holm', 'wilcoxon_p'}
SUPPRESSED = 'fewer than 5'  # small_cell is 5 by default


def strict_load(path):
    def bad(c):
        raise ValueError('%s holds %s' % (path, c))
    with open(path) as f:
        return json.load(f, parse_constant=bad)


def is_num(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def label(x):
    if is_num(x) and math.isfinite(x) and float(x) == int(x):
        x = int(x)
    return ' '.join(str(x).lower().split())


def close(got, want, col):
    if not is_num(got) or not math.isfinite(got):
        return False
    if isinstance(want, int) and col in ('n', 'df', 'k', 'issued', 'achieved', 'wave',
                                         'benchmark'):
        return got == want
    rel = 1e-6 if col in P_COLUMNS else 1e-9
    floor = 1e-300 if col in P_COLUMNS else 1e-12
    return abs(got - want) <= rel * max(abs(got), abs(want)) + floor


def compare_row(cols, got, want):
    """Problems of one row (a list of strings)."""
    if not isinstance(got, list) or len(got) != len(cols):
        return ['has %s cells, expected %d' % (len(got) if isinstance(got, list) else '?',
                                               len(cols))]
    out = []
    for j, (c, g, w) in enumerate(zip(cols, got, want)):
        if w is None:
            if g is not None:
                out.append('%s: got %r, expected null' % (c, g))
        elif isinstance(w, str) or (isinstance(w, int) and c in ('wave', 'benchmark')):
            # labels; a wave or benchmark number may be written as text
            if g is None or label(g) != label(w):
                out.append('%s: got %r, expected %r' % (c, g, w))
        elif not close(g, w, c):
            out.append('%s: got %r, expected %r' % (c, g, w))
    return out


def check_suppressed(t, exp):
    """report.json's record of withheld cells against the expected rows."""
    want = sorted((x[0], x[1]) for x in exp.get('suppressed', []))
    cells = {(x[0], x[1]): x[2] for x in exp.get('suppressed', []) if len(x) > 2}
    rec = t.get('suppressed')
    if not isinstance(rec, list):
        return ['no "suppressed" record']
    got = sorted((x.get('row'), x.get('reason')) for x in rec if isinstance(x, dict))
    probs = []
    if got != want:
        probs.append('suppressed rows %r, expected %r' % (got, want))
    cols = t.get('columns') or []
    k = cols.index('n') if 'n' in cols else None
    for x in rec:
        if not isinstance(x, dict) or (k is None and (x.get('row'), x.get('reason')) not in cells):
            continue
        need = cells.get((x.get('row'), x.get('reason'))) or (
            cols[k:] if x.get('reason') in ('small', 'secondary') else cols[k + 1:])
        if x.get('columns') != need:
            probs.append('row %s withholds %r, expected %r' % (x.get('row'), x.get('columns'),
                                                              need))
    return probs


def check_json(rep, tid, exp):
    if tid not in rep:
        return ['no table "%s" in report.json' % tid]
    t = rep[tid]
    if not isinstance(t, dict):
        return ['report.json "%s" is not an object' % tid]
    if t.get('columns') != exp['columns']:
        return ['columns %r, expected %r' % (t.get('columns'), exp['columns'])]
    rows = t.get('rows')
    if not isinstance(rows, list):
        return ['no rows array']
    probs = []
    if len(rows) != len(exp['rows']):
        probs.append('%d rows, expected %d' % (len(rows), len(exp['rows'])))
    for i, (g, w) in enumerate(zip(rows, exp['rows'])):
        name = ' '.join(str(x) for x, c in zip(w, exp['columns'])
                        if isinstance(x, (str, int)) and c not in ('n',))[:40]
        for p in compare_row(exp['columns'], g, w):
            probs.append('row %d (%s) %s' % (i + 1, name, p))
    for w in exp['rows'][len(rows):]:
        probs.append('missing row %r' % (w[:3],))
    for g in rows[len(exp['rows']):]:
        probs.append('extra row %r' % (g[:3] if isinstance(g, list) else g,))
    if 'n' in exp and t.get('n') != exp['n']:
        probs.append('the title\'s N is %r, expected %r' % (t.get('n'), exp['n']))
    return probs + check_suppressed(t, exp)


def csv_cell_matches(text, cell):
    if cell is None:
        return text == ''
    if is_num(cell):
        try:
            x = float(text)
        except ValueError:
            return False
        return abs(x - cell) <= 1e-9 * max(abs(x), abs(cell)) + 1e-300
    return text == str(cell)


def check_csv_html(outdir, rep, tid, html):
    probs = []
    if not re.search(r'\bid\s*=\s*["\']?%s["\'\s>]' % re.escape(tid), html):
        probs.append('report.html has no element id="%s"' % tid)
    m = re.search(r'<figure id="%s"' % re.escape(tid), html)
    if m and any(x.get('reason') == 'small' for x in (rep.get(tid) or {}).get('suppressed') or []
                 if isinstance(x, dict)):
        fig = html[m.start():html.find('</figure>', m.start())]
        if SUPPRESSED not in fig:
            probs.append('report.html#%s: a small group without "%s"' % (tid, SUPPRESSED))
    path = os.path.join(outdir, 'tables', tid + '.csv')
    if not os.path.exists(path):
        return probs + ['no %s' % path]
    if tid not in rep or not isinstance(rep[tid], dict):
        return probs + ['no table in report.json to compare with']
    with open(path, newline='') as f:
        rows = list(csv.reader(f))
    t = rep[tid]
    if not rows or rows[0] != t.get('columns'):
        return probs + ['header %r, expected %r' % (rows[:1], t.get('columns'))]
    body, jrows = rows[1:], t.get('rows') or []
    if len(body) != len(jrows):
        probs.append('%d rows, report.json has %d' % (len(body), len(jrows)))
    for i, (c, j) in enumerate(zip(body, jrows)):
        if len(c) != len(j):
            probs.append('row %d has %d cells, report.json %d' % (i + 1, len(c), len(j)))
            continue
        for col, a, b in zip(t['columns'], c, j):
            if not csv_cell_matches(a, b):
                probs.append('row %d %s: csv %r, report.json %r' % (i + 1, col, a, b))
    return probs


WITHHELD_TEXT = {'', SUPPRESSED, 'none', 'withheld', '\u2013'}


def html_rows(html, tid):
    """The body rows of report.html#tid's table as lists of cell texts."""
    m = re.search(r'<figure id="%s"' % re.escape(tid), html)
    if not m:
        return None
    fig = html[m.start():html.find('</figure>', m.start())]
    b = fig.find('<tbody>')
    if b < 0:
        return None
    body = fig[b:fig.find('</tbody>', b)]
    return [[re.sub(r'<[^>]+>', '', c).strip() for c in
             re.findall(r'<t[dh][^>]*>(.*?)</t[dh]>', tr, re.S)]
            for tr in re.findall(r'<tr>(.*?)</tr>', body, re.S)]


def xlsx_sheets(outdir):
    """tables.xlsx as {sheet name: {row: {column: value}}} (numbers as
    floats, text as str), or None without it."""
    import xml.etree.ElementTree as ET
    import zipfile
    path = os.path.join(outdir, 'tables.xlsx')
    if not os.path.exists(path):
        return None
    z = zipfile.ZipFile(path)
    ns = {'m': 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'}
    shared = [''.join(t.itertext()) for t in
              ET.fromstring(z.read('xl/sharedStrings.xml')).findall('m:si', ns)]
    wb = ET.fromstring(z.read('xl/workbook.xml'))
    out = {}
    for i, sh in enumerate(wb.find('m:sheets', ns)):
        rows = {}
        x = ET.fromstring(z.read('xl/worksheets/sheet%d.xml' % (i + 1)))
        for c in x.iter('{%s}c' % ns['m']):
            col, row = re.match(r'([A-Z]+)(\d+)', c.get('r')).groups()
            v = c.find('m:v', ns)
            val = None if v is None else shared[int(v.text)] if c.get('t') == 's' else float(v.text)
            k = 0
            for ch in col:
                k = 26 * k + ord(ch) - 64
            rows.setdefault(int(row), {})[k - 1] = val
        out[sh.get('name')] = rows
    return out


def check_withheld_everywhere(rep, tid, html, sheets):
    """Every cell report.json records as withheld shows no number in
    report.html's table (it reads "fewer than 5", "none", "withheld" or
    nothing) nor in tables.xlsx's sheet (text or empty)."""
    t = rep.get(tid)
    if not isinstance(t, dict) or not t.get('suppressed'):
        return []
    cols, rows = t['columns'], t['rows']
    marked = [(x['row'], cols.index(c)) for x in t['suppressed'] for c in x['columns']]
    probs = []
    hr = html_rows(html, tid)
    if hr is None or len(hr) != len(rows):
        probs.append('report.html#%s: %s body rows, report.json %d' % (
            tid, 'no' if hr is None else len(hr), len(rows)))
    else:
        for r, c in marked:
            if c < len(hr[r]) and hr[r][c] not in WITHHELD_TEXT:
                probs.append('report.html#%s row %d %s: %r, withheld in report.json' % (
                    tid, r + 1, cols[c], hr[r][c]))
    if sheets is not None:
        s = sheets.get(tid)
        if s is None:
            probs.append('tables.xlsx has no sheet %s' % tid)
        else:
            hrow = min((k for k, v in s.items() if k > 1 and len(v) == len(cols) and
                        all(isinstance(x, str) for x in v.values())), default=None)
            for r, c in marked:
                got = s.get(hrow + 1 + r, {}).get(c) if hrow else None
                if isinstance(got, float):
                    probs.append('tables.xlsx %s row %d %s: %r, withheld in report.json' % (
                        tid, r + 1, cols[c], got))
    return probs


def tap(ok, what, probs):
    print('%s - %s' % ('ok' if ok else 'not ok', what))
    for p in probs[:12]:
        print('# ' + p)
    if len(probs) > 12:
        print('# ... and %d more' % (len(probs) - 12))


def read_text(path):
    try:
        with open(path, encoding='utf-8') as f:
            return f.read()
    except OSError:
        return None


NONFINITE = re.compile(r'\bNaN\b|\bInfinity\b|\b-?nan\b|\b-?inf\b|\bNAN\b|\bINF\b')


def full(outdir, expected_path):
    with open(expected_path) as f:
        expected = json.load(f)
    try:
        rep = strict_load(os.path.join(outdir, 'report.json'))
        tap(True, 'report.json is strict JSON', [])
    except (OSError, ValueError) as e:
        tap(False, 'report.json is strict JSON', [str(e)])
        try:  # the tables are still compared (a NaN fails where it is)
            with open(os.path.join(outdir, 'report.json')) as f:
                rep = json.load(f)
        except (OSError, ValueError):
            rep = {}
    if not isinstance(rep, dict):
        tap(False, 'report.json is an object keyed by table id', [])
        rep = {}
    html = read_text(os.path.join(outdir, 'report.html'))
    tap(html is not None, 'report.html exists', [])
    html = html or ''
    sheets = xlsx_sheets(outdir)
    for tid, exp in expected.items():
        if tid.startswith('_'):
            continue
        probs = check_json(rep, tid, exp)
        tap(not probs, '%s: report.json rows' % tid, probs)
        probs = check_csv_html(outdir, rep, tid, html)
        tap(not probs, '%s: tables/%s.csv and report.html#%s' % (tid, tid, tid), probs)
        probs = check_withheld_everywhere(rep, tid, html, sheets)
        tap(not probs, '%s: withheld cells withheld in report.html and tables.xlsx too' % tid,
            probs)
    probs = check_conclusions(rep)
    tap(not probs, 'conclusions: wording agrees with the intervals of fig2 and fig19', probs)


def overlap_claim(lo1, hi1, lo2, hi2):
    """The clause the report must use for two intervals."""
    if lo1 > hi2 or lo2 > hi1:
        return 'the confidence intervals do not overlap'
    return 'the confidence intervals overlap, so the difference may be chance'


CONCLUSION_CHECKS = (  # table, first row, last row, value column, what marks the sentence
    ('fig2', 0, -4, 'mean_change', 'in the role gained'),
    ('fig19', 0, 1, 'change', 'in a Careers Hub gained'))


def conclusion_parts(rep, tid, first, last, col):
    """The figures and the overlap clause a conclusion on tid must state, or
    None when a row is suppressed or missing (then there is no conclusion)."""
    t = rep.get(tid, {})
    cols, rows = t.get('columns', []), t.get('rows', [])
    if len(rows) < 2 or not all(c in cols for c in (col, 'ci_low', 'ci_high')):
        return None
    v = [r[cols.index(c)] for r in (rows[first], rows[last]) for c in (col, 'ci_low', 'ci_high')]
    if not all(is_num(x) for x in v):
        return None
    fmt = '%+.1f' if tid == 'fig2' else '%+.2f'
    return [fmt % v[0], fmt % v[3], overlap_claim(v[1], v[2], v[4], v[5])]


def check_conclusions(rep):
    """The fig2 and fig19 conclusions state their figures and say whether
    the intervals overlap, as the rows of report.json show; none is drawn
    from a suppressed row."""
    probs = []
    concl = rep.get('_meta', {}).get('conclusions', [])
    for tid, first, last, col, mark in CONCLUSION_CHECKS:
        want = conclusion_parts(rep, tid, first, last, col)
        said = [c for c in concl if mark in c]
        if want is None and said:
            probs.append('%s: a conclusion from suppressed or missing rows: %s' % (tid, said))
        if want is not None and not any(all(w in c for w in want) for c in said):
            probs.append('%s: no conclusion holds %s; conclusions: %s' % (tid, want, concl))
    return probs


def thin(outdir):
    text = read_text(os.path.join(outdir, 'report.json'))
    html = read_text(os.path.join(outdir, 'report.html'))
    probs = []
    rep = {}
    if text is None:
        probs.append('no report.json')
    else:
        try:
            rep = strict_load(os.path.join(outdir, 'report.json'))
        except ValueError as e:
            probs.append(str(e))
        for m in NONFINITE.finditer(text):
            probs.append('report.json: %r at offset %d' % (m.group(0), m.start()))
    tap(not probs, 'thin data: report.json is strict JSON, nothing non-finite', probs)
    probs = []
    if html is None:
        probs.append('no report.html')
    else:
        for m in NONFINITE.finditer(html):
            probs.append('report.html: %r near %r' % (m.group(0),
                                                     html[max(0, m.start() - 40):m.end() + 40]))
    tap(not probs, 'thin data: report.html has nothing non-finite', probs)
    probs = []
    t = rep.get('fig1') if isinstance(rep, dict) else None
    if not isinstance(t, dict) or not isinstance(t.get('rows'), list):
        probs.append('no fig1 with rows in report.json')
    else:
        cols = t.get('columns') or []
        k = cols.index('n') if 'n' in cols else None
        for row in t['rows']:
            if k is None or not isinstance(row, list) or len(row) != len(cols):
                probs.append('fig1 row %r does not fit the columns' % (row,))
                continue
            if row[k] not in (0, None):
                probs.append('fig1 row %r: n is not 0' % (row,))
            if any(is_num(x) for x in row[k + 1:]):
                probs.append('fig1 row %r: numbers with no data' % (row,))
        marked = {x.get('row') for x in t.get('suppressed') or [] if isinstance(x, dict)}
        if marked != set(range(len(t['rows']))):
            probs.append('fig1: rows %r not recorded as suppressed' % (
                sorted(set(range(len(t['rows']))) - marked),))
    tap(not probs, 'thin data: fig1 has no rows or suppressed rows', probs)


def scores(path, expected_path):
    """`cleval scores --format csv` against expected.py's "_scores"."""
    with open(expected_path) as f:
        exp = json.load(f)['_scores']
    probs = []
    with open(path, newline='') as f:
        rows = list(csv.reader(f))
    if not rows or rows[0] != exp['columns']:
        probs.append('header %r, expected %r' % (rows[:1], exp['columns']))
    else:
        got = {(r[0], r[1]): r for r in rows[1:]}
        want = {(r[0], r[1]): r for r in exp['rows']}
        for k in sorted(set(got) | set(want)):
            if k not in got or k not in want:
                probs.append('%s %s: %s' % (k[0], k[1], 'missing' if k not in got else 'extra'))
                continue
            for c, g, w in zip(exp['columns'], got[k], want[k]):
                if not csv_cell_matches(g, w):
                    probs.append('%s %s %s: got %r, expected %r' % (k[0], k[1], c, g, w))
    tap(not probs, 'stored area scores (cleval scores) of every response', probs)


def write_fake(expected, outdir, edit=None):
    """A report as cleval should write it for these expected tables; edit
    (rep -> None) plants an error in report.json."""
    os.makedirs(os.path.join(outdir, 'tables'), exist_ok=True)
    rep, html = {}, ['<!doctype html><title>x</title>']
    for tid, t in expected.items():
        if tid.startswith('_'):
            continue
        k = t['columns'].index('n') if 'n' in t['columns'] else 0
        rep[tid] = {'title': tid, 'columns': list(t['columns']),
                    'rows': json.loads(json.dumps(t['rows'])), 'n': t.get('n', 1),
                    'suppressed': [{'row': x[0], 'reason': x[1],
                                    'columns': x[2] if len(x) > 2 else
                                    t['columns'][k if x[1] in ('small', 'secondary') else k + 1:]}
                                   for x in t.get('suppressed', [])]}
        with open(os.path.join(outdir, 'tables', tid + '.csv'), 'w', newline='') as f:
            w = csv.writer(f, lineterminator='\n')
            w.writerow(t['columns'])
            for r in t['rows']:
                w.writerow(['' if c is None else '%.17g' % c if isinstance(c, float) else c
                            for c in r])
        marks = {(x[0], c): x[1] for x in t.get('suppressed', [])
                 for c in (x[2] if len(x) > 2 else
                           t['columns'][k if x[1] in ('small', 'secondary') else k + 1:])}
        text = {'small': SUPPRESSED, 'secondary': 'withheld', 'empty': 'none'}
        body = ''.join('<tr>%s</tr>' % ''.join(
            '<td>%s</td>' % (text[marks[(i, c)]] if (i, c) in marks else '' if v is None else v)
            for c, v in zip(t['columns'], r)) for i, r in enumerate(t['rows']))
        html.append('<figure id="%s"><table><tbody>%s</tbody></table></figure>' % (tid, body))
    rep['_meta'] = {'conclusions': []}
    for tid, first, last, col, mark in CONCLUSION_CHECKS:
        parts = conclusion_parts(rep, tid, first, last, col)
        if parts:
            rep['_meta']['conclusions'].append('x %s %s y %s (%s).' % (mark, parts[0], parts[1],
                                                                      parts[2]))
    html = '\n'.join(html)
    if edit:
        if getattr(edit, 'html', False):
            html = edit(html)
        else:
            edit(rep)
    with open(os.path.join(outdir, 'report.json'), 'w') as f:
        json.dump(rep, f)
    with open(os.path.join(outdir, 'report.html'), 'w') as f:
        f.write(html)


def selftest(expected_path):
    """compare.py itself: a faithful report passes, planted errors fail."""
    import contextlib
    import io
    import tempfile
    with open(expected_path) as f:
        expected = json.load(f)

    def sup_row(rep):
        return rep['table1']['rows'][rep['table1']['suppressed'][0]['row']]

    def scale(t, i, j, f):
        return lambda rep: rep[t]['rows'][i].__setitem__(j, rep[t]['rows'][i][j] * f)
    plants = [  # (what, edit, the check that must fail)
        ('a mean off by 1e-8', scale('fig1', 0, 2, 1 + 1e-8), 'fig1: report.json rows'),
        ('a p value off by 1e-5', scale('did', 1, 5, 1 + 1e-5), 'did: report.json rows'),
        ('a number in a suppressed row', lambda rep: sup_row(rep).__setitem__(4, 1.5),
         'table1: report.json rows'),
        ('a small group\'s n given', lambda rep: sup_row(rep).__setitem__(2, 3),
         'table1: report.json rows'),
        ('a suppressed row not recorded', lambda rep: rep['fig2']['suppressed'].pop(),
         'fig2: report.json rows'),
        ('rows reordered', lambda rep: rep['fig2']['rows'].reverse(), 'fig2: report.json rows'),
        ('a renamed column', lambda rep: rep['fig18']['columns'].__setitem__(4, 'diff'),
         'fig18: report.json rows'),
        ('a missing table', lambda rep: rep.pop('fig17'), 'fig17: report.json rows'),
        ('a count off by one', lambda rep: rep['samples']['rows'][0].__setitem__(1, 99),
         'samples: report.json rows'),
        ('a secondary cell shown', lambda rep: [
            rep['attrition']['rows'][x['row']].__setitem__(
                rep['attrition']['columns'].index(x['columns'][0]), 50.0)
            for x in rep['attrition']['suppressed'] if x['reason'] == 'secondary'][:1],
         'attrition: report.json rows'),
        ('a title\'s N off by one', lambda rep: rep['fig19'].__setitem__(
            'n', (rep['fig19'].get('n') or 0) + 1), 'fig19: report.json rows'),
        ('a conclusion claiming more than its intervals',
         lambda rep: rep['_meta'].__setitem__('conclusions', [
             c.replace('overlap, so the difference may be chance', '@')
             .replace('do not overlap', 'overlap, so the difference may be chance')
             .replace('@', 'do not overlap') if 'Careers Hub' in c else c for c in rep['_meta']['conclusions']]),
         'conclusions: wording agrees with the intervals of fig2 and fig19')]
    def html_leak(html):  # fig3's first withheld cell printed as a number
        i = html.index('<figure id="fig3"')
        j = html.index('<td>%s</td>' % SUPPRESSED, i)
        return html[:j] + '<td>3</td>' + html[j + len('<td>%s</td>' % SUPPRESSED):]
    html_leak.html = True
    plants.append(('a withheld n printed in report.html', html_leak,
                   'fig3: withheld cells withheld in report.html and tables.xlsx too'))
    probs = []
    with tempfile.TemporaryDirectory() as tmp:
        cases = [('a faithful report', None, None)] + plants
        for k, (what, edit, must_fail) in enumerate(cases):
            d = os.path.join(tmp, str(k))
            write_fake(expected, d, edit)
            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                full(d, expected_path)
            failed = [l[len('not ok - '):] for l in out.getvalue().splitlines()
                      if l.startswith('not ok')]
            if must_fail is None and failed:
                probs.append('%s fails %s' % (what, failed))
            if must_fail is not None and must_fail not in failed:
                probs.append('%s is not caught by "%s"' % (what, must_fail))
    tap(not probs, 'compare.py passes a faithful report and catches %d planted errors'
        % len(plants), probs)


def main():
    a = sys.argv[1:]
    if len(a) == 2 and a[0] == '--thin':
        thin(a[1])
    elif len(a) == 2 and a[0] == '--selftest':
        selftest(a[1])
    elif len(a) == 3 and a[0] == '--scores':
        scores(a[1], a[2])
    elif len(a) == 2:
        full(a[0], a[1])
    else:
        sys.stderr.write('usage: compare.py REPORT_DIR EXPECTED.json | --thin REPORT_DIR | '
                         '--scores SCORES.csv EXPECTED.json\n')
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main())
