// Browser test of a written report: node report.spec.js REPORT_DIR SHOT_DIR
// Opens REPORT_DIR/report.html (file://) in headless Chromium through
// playwright-core and prints TAP lines, numbered from $TAP_START + 1:
// every table of report.json renders (visible, titled, with its chart),
// nothing is fetched, no console errors, the contents links resolve, no
// horizontal overflow on a 375px-wide phone, page breaks when printed.
// Saves SHOT_DIR/first-page.png, fig19.png, mobile.png and report.pdf.
'use strict';

const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const reportDir = path.resolve(process.argv[2] || '.');
const shotDir = path.resolve(process.argv[3] || 'build/screenshots');
let n = Number(process.env.TAP_START || 0);
let failed = 0;

function ok(pass, what, detail) {
  n += 1;
  if (pass) {
    console.log(`ok ${n} - ${what}`);
  } else {
    failed += 1;
    console.log(`not ok ${n} - ${what}`);
    if (detail) for (const line of String(detail).split('\n').slice(0, 20)) console.log(`# ${line}`);
  }
}

const squash = (s) => String(s).replace(/\s+/g, ' ').trim();

async function main() {
  const htmlPath = path.join(reportDir, 'report.html');
  let report;
  try {
    report = JSON.parse(fs.readFileSync(path.join(reportDir, 'report.json'), 'utf8'));
    ok(true, 'report.json parses');
  } catch (e) {
    ok(false, 'report.json parses', e.message);
    return;
  }
  const ids = Object.keys(report).filter((k) => k !== '_meta');
  ok(ids.length > 0, `report.json has tables (${ids.length})`);

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const errors = [];
    const external = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (r) => {
      if (!/^(file|data|about):/.test(r.url())) external.push(r.url());
    });
    await page.goto('file://' + htmlPath, { waitUntil: 'load' });

    ok((await page.getAttribute('html', 'lang')) === 'en', 'html lang="en"');
    ok((await page.title()).length > 0, 'the page has a title');

    for (const id of ids) {
      const t = report[id];
      const el = page.locator(`[id="${id}"]`);
      const count = await el.count();
      if (count !== 1) {
        ok(false, `${id} renders`, `${count} elements with id="${id}"`);
        continue;
      }
      const problems = [];
      if (!(await el.isVisible())) problems.push('not visible');
      const box = await el.boundingBox();
      if (!box || box.width <= 0 || box.height <= 0) problems.push(`size ${JSON.stringify(box)}`);
      const text = squash(await el.textContent());
      if (!text.includes(squash(t.title))) problems.push(`title "${t.title}" not in its text`);
      const svgs = el.locator('svg');
      const nsvg = await svgs.count();
      if (t.chart) {
        const panels = await el.locator('.panels').count();
        if (panels ? nsvg < 2 : nsvg !== 1) {
          problems.push(`${nsvg} charts, expected ${panels ? 'a panel each' : 1} (${t.chart})`);
        } else {
          const sb = await svgs.first().boundingBox();
          if (!sb || sb.width <= 0 || sb.height <= 0) problems.push('chart has no size');
          if ((await svgs.first().getAttribute('role')) !== 'img') problems.push('chart not role=img');
          const alt = await svgs.first().evaluate((s) => {
            const title = s.querySelector(':scope > title');
            const desc = s.querySelector(':scope > desc');
            return (title ? title.textContent : '') + '|' + (desc ? desc.textContent : '');
          });
          if (!/^.+\|.+$/.test(alt)) problems.push('chart lacks <title> or <desc>');
        }
      } else if (nsvg !== 0) {
        problems.push(`${nsvg} charts, expected none`);
      }
      if (t.columns.length > 0) {
        const heads = await el.locator('thead th').count();
        if (heads !== t.columns.length) problems.push(`${heads} headings for ${t.columns.length} columns`);
        const rows = await el.locator('tbody tr').count();
        if (rows !== Math.max(t.rows.length, 1)) problems.push(`${rows} rows for ${t.rows.length}`);
      }
      ok(problems.length === 0, `${id} renders${t.chart ? ` with its ${t.chart} chart` : ''}`,
        problems.join('\n'));
    }

    const broken = await page.evaluate(() => [...document.querySelectorAll('a[href^="#"]')]
      .map((a) => a.getAttribute('href').slice(1))
      .filter((id) => !document.getElementById(id)));
    ok(broken.length === 0, 'every contents link has its target', broken.join(', '));

    const refs = await page.evaluate(() => [...document.querySelectorAll('[src], [href], link')]
      .map((e) => e.getAttribute('src') || e.getAttribute('href') || '')
      .filter((u) => /^[a-z]+:/i.test(u) || u.startsWith('//')));
    ok(refs.length === 0 && external.length === 0, 'self-contained: nothing external referenced or fetched',
      refs.concat(external).join('\n'));

    fs.mkdirSync(shotDir, { recursive: true });
    await page.screenshot({ path: path.join(shotDir, 'first-page.png') });
    ok(fs.statSync(path.join(shotDir, 'first-page.png')).size > 0, 'screenshot first-page.png');
    if (await page.locator('#fig19').count()) {
      await page.locator('#fig19').screenshot({ path: path.join(shotDir, 'fig19.png') });
      ok(fs.statSync(path.join(shotDir, 'fig19.png')).size > 0, 'screenshot fig19.png');
    } else {
      ok(false, 'screenshot fig19.png', 'the report has no #fig19');
    }

    // A phone: nothing wider than the screen except inside scrolling boxes.
    await page.setViewportSize({ width: 375, height: 812 });
    const overflow = await page.evaluate(() => {
      const w = document.documentElement.clientWidth;
      const wide = [...document.body.querySelectorAll('*')].filter((e) => {
        const r = e.getBoundingClientRect();
        if (r.width === 0 || r.right <= w + 1) return false;
        for (let p = e.parentElement; p; p = p.parentElement) {
          const s = getComputedStyle(p).overflowX;
          if (s === 'auto' || s === 'scroll' || s === 'hidden') return false;
        }
        return true;
      }).slice(0, 5).map((e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}.${e.className}`);
      return { scroll: document.documentElement.scrollWidth, body: document.body.scrollWidth, w, wide };
    });
    ok(overflow.scroll <= overflow.w && overflow.body <= overflow.w && overflow.wide.length === 0,
      'no horizontal overflow at 375px',
      `scrollWidth ${overflow.scroll}, body ${overflow.body}, viewport ${overflow.w}\n${overflow.wide.join('\n')}`);
    await page.screenshot({ path: path.join(shotDir, 'mobile.png') });

    // Layout at three widths: no table clipped at 1024 px or wider, each
    // table in its own labelled scrolling region at 390 px with its first
    // column fixed; no chart label outside its chart; chart text >= 11 px.
    for (const width of [1280, 1024, 390]) {
      await page.setViewportSize({ width, height: 900 });
      const lay = await page.evaluate((w) => {
        const out = { clipped: [], labels: [], small: [], regions: [], sticky: [] };
        for (const wrap of document.querySelectorAll('figure .table-wrap')) {
          const id = wrap.closest('figure').id;
          if (w >= 1024 && wrap.scrollWidth > wrap.clientWidth + 1)
            out.clipped.push(`${id}: table ${wrap.scrollWidth}px in ${wrap.clientWidth}px`);
          if (w >= 1024) {
            const box = wrap.getBoundingClientRect();
            for (const c of wrap.querySelectorAll('th, td')) {
              const r = c.getBoundingClientRect();
              if (r.width > 0 && (r.right > box.right + 1 || r.left < box.left - 1)) {
                out.clipped.push(`${id}: cell "${c.textContent.slice(0, 20)}" outside its table`);
                break;
              }
            }
          }
          if (!(wrap.getAttribute('role') === 'region' && wrap.getAttribute('aria-label') &&
                wrap.getAttribute('tabindex') === '0'))
            out.regions.push(id);
          if (w <= 390 && wrap.scrollWidth > wrap.clientWidth + 1) {
            const first = wrap.querySelector('tbody tr > :first-child');
            if (first && getComputedStyle(first).position !== 'sticky') out.sticky.push(id);
          }
        }
        for (const svg of document.querySelectorAll('svg.chart')) {
          const id = svg.closest('figure') ? svg.closest('figure').id : '?';
          const sb = svg.getBoundingClientRect();
          const scale = sb.width / svg.viewBox.baseVal.width;
          for (const t of svg.querySelectorAll('text')) {
            const r = t.getBoundingClientRect();
            if (r.width === 0) continue;
            if (r.left < sb.left - 1 || r.right > sb.right + 1 || r.top < sb.top - 1 ||
                r.bottom > sb.bottom + 1)
              out.labels.push(`${id}: "${t.textContent.slice(0, 30)}" outside its chart`);
            const px = parseFloat(getComputedStyle(t).fontSize) * scale;
            if (px < 10.95) out.small.push(`${id}: "${t.textContent.slice(0, 20)}" at ${px.toFixed(1)}px`);
          }
        }
        return out;
      }, width);
      if (width >= 1024)
        ok(lay.clipped.length === 0, `at ${width}px no table is clipped`, lay.clipped.join('\n'));
      else
        ok(lay.regions.length === 0 && lay.sticky.length === 0,
          `at ${width}px each wide table scrolls in its own labelled region, first column fixed`,
          `not a labelled region: ${lay.regions.join(', ')}\nfirst column not fixed: ${lay.sticky.join(', ')}`);
      ok(lay.labels.length === 0, `at ${width}px every chart label is inside its chart`,
        lay.labels.slice(0, 10).join('\n'));
      ok(lay.small.length === 0, `at ${width}px chart text is at least 11px`,
        lay.small.slice(0, 10).join('\n'));
    }

    // Headings: every figure and table title an h3 under its chapter's h2,
    // and a skip link to the contents.
    const heads = await page.evaluate(() => [...document.querySelectorAll('figure')].filter((f) => {
      const h = f.querySelector(':scope > h3');
      const sec = f.closest('section');
      return !h || !sec || !sec.querySelector(':scope > h2');
    }).map((f) => f.id));
    ok(heads.length === 0, 'every figure has an h3 title under its chapter\'s h2', heads.join(', '));
    const skip = await page.evaluate(() => {
      const a = document.querySelector('a.skip-link');
      return a && a === document.querySelector('body a') && document.querySelector(a.getAttribute('href')) !== null;
    });
    ok(skip, 'the first link skips to the contents');

    // axe-core at a desktop and a phone width: no violations.
    let AxeBuilder = null;
    try {
      AxeBuilder = require('@axe-core/playwright').default;
    } catch (e) {
      ok(false, 'axe-core loads', e.message);
    }
    for (const width of AxeBuilder ? [1280, 390] : []) {
      await page.setViewportSize({ width, height: 900 });
      const res = await new AxeBuilder({ page }).analyze();
      ok(res.violations.length === 0, `axe-core finds no violations at ${width}px`,
        res.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length}) ${v.nodes.slice(0, 3).map((x) => x.target.join(' ')).join('; ')}`).join('\n'));
    }

    await page.emulateMedia({ media: 'print' });
    const breaks = await page.evaluate(() => [...document.querySelectorAll('.chapter')]
      .map((c) => getComputedStyle(c).breakBefore));
    ok(breaks.length > 0 && breaks.every((b) => b === 'page'), 'printed, each chapter starts a page',
      breaks.join(', '));
    // Printed to A4: at least a page per chapter, charts and all.
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
    fs.writeFileSync(path.join(shotDir, 'report.pdf'), pdf);
    ok(pages > breaks.length, `prints to PDF (${pages} A4 pages for ${breaks.length} chapters)`);

    // Print at A4's printable width (210 - 2 x 14 mm = 688 px at 96 px/in):
    // no table heading word split across lines (they break at spaces only),
    // no table wider than its place, and each figure's title, chart and its
    // table's first row on one printed page. The page of each is read from
    // the PDF: a marker (out of the flow, so the layout is the report's) is
    // put in each, and pdftotext says on which page it is.
    await printChecks(browser);

    ok(errors.length === 0, 'no console errors', errors.join('\n'));
    await context.close();
  } finally {
    await browser.close();
  }
}

async function printChecks(browser) {
  const ctx = await browser.newContext({ viewport: { width: 688, height: 994 } });
  const page = await ctx.newPage();
  await page.goto('file://' + path.join(reportDir, 'report.html'), { waitUntil: 'load' });
  await page.emulateMedia({ media: 'print' });
  const lay = await page.evaluate(() => {
    const out = { split: [], wide: [], heads: 0 };
    for (const th of document.querySelectorAll('thead th')) {
      out.heads += 1;
      const id = th.closest('figure, section').id;
      const walk = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
      for (let node = walk.nextNode(); node; node = walk.nextNode()) {
        for (const m of node.data.matchAll(/\S+/g)) {
          const r = document.createRange();
          r.setStart(node, m.index);
          r.setEnd(node, m.index + m[0].length);
          const lines = new Set([...r.getClientRects()].filter((x) => x.width > 0)
            .map((x) => Math.round(x.top)));
          if (lines.size > 1) out.split.push(`${id}: "${m[0]}" on ${lines.size} lines`);
        }
      }
    }
    for (const wrap of document.querySelectorAll('.table-wrap')) {
      const t = wrap.querySelector('table');
      if (!t) continue;
      const r = t.getBoundingClientRect(), w = wrap.getBoundingClientRect();
      if (r.width > w.width + 1 || r.right > document.documentElement.clientWidth + 1)
        out.wide.push(`${wrap.closest('figure, section').id}: ${Math.round(r.width)}px in ${Math.round(w.width)}px`);
    }
    return out;
  });
  ok(lay.heads > 0 && lay.split.length === 0,
    `printed, no table heading word is split across lines (${lay.heads} headings)`, lay.split.join('\n'));
  ok(lay.wide.length === 0, 'printed, no table is wider than its place on the page', lay.wide.join('\n'));
  const figs = await page.evaluate(() => {
    const ids = [];
    document.querySelectorAll('figure').forEach((f, i) => {
      const row = f.querySelector('tbody tr');
      const chart = f.querySelector('.chart-wrap, .panels');
      const title = f.querySelector(':scope > h3');
      if (!row || !title) return;
      const mark = (el, what) => {
        const s = document.createElement('span');
        s.textContent = `QQ${what}X${i}QQ`;
        s.style.cssText = 'position:absolute;font-size:4px;color:#fff';
        el.prepend(s);
      };
      mark(title, 'T');
      if (chart) mark(chart, 'C');
      mark(row.firstElementChild, 'R');
      ids[i] = f.id;
    });
    return ids;
  });
  const pdf = await page.pdf({ format: 'A4' });
  await ctx.close();
  let text;
  try {
    text = require('child_process').execFileSync('pdftotext', ['-', '-'], { input: pdf }).toString();
  } catch (e) {
    ok(false, 'pdftotext reads the printed report (poppler-utils)', e.message);
    return;
  }
  const at = {};
  text.split('\f').forEach((pg, i) => {
    for (const m of pg.matchAll(/QQ([TCR])X(\d+)QQ/g)) (at[m[2]] = at[m[2]] || {})[m[1]] = i + 1;
  });
  const apart = [];
  let n = 0;
  figs.forEach((id, i) => {
    if (!id) return;
    n += 1;
    const w = at[i] || {};
    if (!w.T || !w.R) apart.push(`${id}: a marker not found in the PDF`);
    else if (w.T !== w.R || (w.C && w.C !== w.R))
      apart.push(`${id}: title on page ${w.T}${w.C ? `, chart on ${w.C}` : ''}, first row on ${w.R}`);
  });
  ok(n > 0 && apart.length === 0,
    `printed, each figure's title and chart are on the page of its table's first row (${n} figures)`,
    apart.join('\n'));
}

main().then(() => process.exit(failed ? 1 : 0), (e) => {
  ok(false, 'the browser test ran', e && e.stack ? e.stack : String(e));
  process.exit(1);
});
