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

    ok(errors.length === 0, 'no console errors', errors.join('\n'));
    await context.close();
  } finally {
    await browser.close();
  }
}

main().then(() => process.exit(failed ? 1 : 0), (e) => {
  ok(false, 'the browser test ran', e && e.stack ? e.stack : String(e));
  process.exit(1);
});
