#!/usr/bin/python3
"""Checks a printed report: every page carries "Page N of M" in its margin,
and no page is less than a third full except where a chapter ends (the next
page starts with a chapter's heading) and the last. Fill is measured from
the text on the page (charts carry their labels): the lowest text below the
top margin, as a share of the printable height.

Usage: /usr/bin/python3 tests/browser/pdfpages.py REPORT.pdf REPORT.html
Prints TAP lines without numbers ("ok - ..."); needs pdftotext
(poppler-utils). Exit status 0 when every check passes, 1 otherwise."""
import html as htmllib
import re
import subprocess
import sys

MM = 72 / 25.4
TOP, BOTTOM = 16 * MM, 18 * MM  # the @page margins of report.c


def words(s):
    return ' '.join(htmllib.unescape(re.sub(r'<[^>]+>', ' ', s)).split())


def main():
    pdf, page_html = sys.argv[1], open(sys.argv[2], encoding='utf-8').read()
    heads = {words(h) for h in re.findall(r'<h2[^>]*>(.*?)</h2>', page_html, re.S)}
    out = subprocess.run(['pdftotext', '-bbox-layout', pdf, '-'], capture_output=True,
                         text=True, check=True).stdout
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', out, re.S)
    total = len(pages)
    numbered, fills, firsts = [], [], []
    for k, (w, h, body) in enumerate(pages, 1):
        h = float(h)
        lines = [(float(a), float(b), words(t)) for a, b, t in
                 re.findall(r'<line xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">'
                            r'(.*?)</line>', body, re.S)]
        margin = ' '.join(t for a, b, t in lines if a > h - BOTTOM or b < TOP)
        if 'Page %d of %d' % (k, total) not in margin:
            numbered.append(k)
        content = [(a, b, t) for a, b, t in lines if a >= TOP - 1 and b <= h - BOTTOM + 1]
        low = max((b for a, b, t in content), default=TOP)
        fills.append((low - TOP) / (h - TOP - BOTTOM))
        content.sort()
        firsts.append(content[0][2] if content else '')
    ok = True

    def tap(good, what, detail=''):
        nonlocal ok
        ok = ok and good
        print('%s - %s' % ('ok' if good else 'not ok', what))
        if not good and detail:
            print('# ' + detail)
    tap(total > 0 and not numbered, 'report.pdf: "Page N of %d" on every page' % total,
        'pages without it: %s' % numbered[:20])
    thin = []
    for k in range(total - 1):
        chapter_end = any(firsts[k + 1].startswith(hd) or hd.startswith(firsts[k + 1])
                          for hd in heads if firsts[k + 1])
        if fills[k] < 1 / 3 and not chapter_end:
            thin.append('page %d %.0f %% full, next starts "%s"' % (k + 1, 100 * fills[k],
                                                                   firsts[k + 1][:40]))
    tap(not thin, 'report.pdf: no page under a third full except at chapter ends (%d pages)'
        % total, '; '.join(thin[:10]))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
