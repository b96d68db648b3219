// Browser test of Compass on the web and the dashboards, against a running
// `cleval serve`: node compass.spec.js BASE TOKEN SHOT_DIR. Prints TAP
// from $TAP_START + 1. An establishment fills in its Compass return from
// its link with JavaScript off at 390 px (a section saved shows its
// percentage, the return submitted lands on its page beside the hub and
// national averages); a provider sees only its own cohort with small cells
// suppressed; an analyst downloads an export. axe-core checks each page
// when @axe-core/playwright is installed.
'use strict';

const path = require('path');
const { chromium } = require('playwright-core');

const base = process.argv[2];
const token = process.argv[3];
const shotDir = path.resolve(process.argv[4] || 'build/screenshots');
let n = Number(process.env.TAP_START || 0);
let failed = 0;
let AxeBuilder = null;
try { AxeBuilder = require('@axe-core/playwright').default; } catch (e) { AxeBuilder = null; }

function ok(pass, what, detail) {
  n += 1;
  if (pass) console.log(`ok ${n} - ${what}`);
  else {
    failed += 1;
    console.log(`not ok ${n} - ${what}`);
    if (detail) for (const line of String(detail).split('\n').slice(0, 20)) console.log(`# ${line}`);
  }
}

// The same answers as tests/unit/test_web_compass.c: benchmark b's k-th
// criterion (from 0) is met when k < b - 1.
function answerOf(name, counts) {
  const m = /_bm(\d)_/.exec(name);
  const b = Number(m[1]);
  const k = counts[b] || 0;
  counts[b] = k + 1;
  return k < b - 1 ? '1' : '0';
}

async function axe(page, what) {
  if (!AxeBuilder) return;
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  ok(r.violations.length === 0, `axe-core finds no WCAG A/AA violations on ${what}`,
    r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`).join('\n'));
}

async function login(browser, user) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(base + '/login');
  await page.fill('input[name=username]', user);
  await page.fill('input[name=password]', 'password-123');
  await Promise.all([page.waitForNavigation(), page.click('main button[type=submit]')]);
  return { context, page };
}

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    // The establishment, without JavaScript, on a 390 px phone.
    const noJs = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
    const page = await noJs.newPage();
    const errors = [];
    // Console errors (a CSP violation is one); failed loads are judged by
    // their responses instead, leaving out Chromium's own /favicon.ico.
    page.on('console', (m) => {
      if (m.type() === 'error' && !/^Failed to load resource/.test(m.text())) errors.push(m.text());
    });
    page.on('response', (r) => {
      if (r.status() >= 400 && !/\/favicon\.ico$/.test(r.url())) errors.push(`${r.status()} ${r.url()}`);
    });
    let res = await page.goto(`${base}/compass/${token}`);
    ok(res.status() === 200 && /Oakfield Academy/.test(await page.title()),
      'the Compass link opens the establishment\'s page', `status ${res.status()}`);
    await Promise.all([page.waitForNavigation(), page.click('text=Record a new Compass return')]);
    ok(/\/compass\/[^/]+\/new$/.test(page.url()), 'the form is one link away', page.url());
    // No scripts run in this context: the criteria are read from the HTML.
    const html = await page.content();
    const items = [...new Set([...html.matchAll(/name="(c14_[a-z]+_bm\d_\d+)"/g)].map((m) => m[1]))];
    ok(items.length >= 16 && items.every((x) => x.startsWith('c14_school_')),
      `the school variant's criteria, each a yes/no (${items.length})`);
    const counts = {};
    const answers = items.map((name) => [name, answerOf(name, counts)]);
    for (const [name, v] of answers.filter(([nm]) => /_bm3_/.test(nm)))
      await page.check(`input[name="${name}"][value="${v}"]`);
    await Promise.all([page.waitForNavigation(), page.click('button[name=save][value="3"]')]);
    const met3 = answers.filter(([nm, v]) => /_bm3_/.test(nm) && v === '1').length;
    const all3 = answers.filter(([nm]) => /_bm3_/.test(nm)).length;
    const want3 = `Benchmark 3 so far: ${(Math.round((1000 * met3) / all3) / 10).toFixed(1)} %`;
    ok((await page.textContent('#bm3-score')).includes(want3),
      `saving a section shows its benchmark's percentage (${want3})`, await page.textContent('#bm3-score'));
    ok(await page.isChecked(`input[name="${answers.find(([nm]) => /_bm3_/.test(nm))[0]}"][value="${answers.find(([nm]) => /_bm3_/.test(nm))[1]}"]`),
      'the saved answers are kept on the page');
    for (const [name, v] of answers) await page.check(`input[name="${name}"][value="${v}"]`);
    await page.screenshot({ path: path.join(shotDir, 'compass-form-390.png'), fullPage: true });
    await Promise.all([page.waitForNavigation(), page.click('button[name=submit]')]);
    ok(/\?saved=1$/.test(page.url()) && /has been saved/.test(await page.textContent('main')),
      'submitting stores the return and comes back to the establishment\'s page', page.url());
    const main = await page.textContent('main');
    ok(/Hub average/.test(main) && /National average/.test(main) && /Careers Hub: Greater Manchester/.test(main),
      'the page sets the return beside its hub\'s and the national averages');
    ok(/furthest from being fully achieved/.test(main), 'the benchmarks furthest from being achieved are named');
    ok((await page.locator('svg[role=img]').count()) >= 2, 'charts drawn as accessible SVG');
    await page.screenshot({ path: path.join(shotDir, 'compass-page-390.png'), fullPage: true });
    ok(errors.length === 0, 'no console errors (CSP) on the Compass pages', errors.join('\n'));
    await noJs.close();

    // With JavaScript (for measuring and axe): no horizontal scrolling at 390 px.
    const js = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const p2 = await js.newPage();
    for (const url of [`/compass/${token}`, `/compass/${token}/new`]) {
      await p2.goto(base + url);
      const sw = await p2.evaluate(() => document.documentElement.scrollWidth);
      ok(sw <= 390, `${url.replace(token, 'TOKEN')} fits 390 px (${sw})`);
      await axe(p2, url.replace(token, 'TOKEN'));
    }
    await js.close();

    // A provider: only its own cohort, small cells suppressed.
    const prov = await login(browser, 'prov1');
    res = await prov.page.goto(base + '/dashboard');
    ok(/\/providers\/P01$/.test(prov.page.url()), 'a provider\'s dashboard is its own cohort', prov.page.url());
    const ptext = await prov.page.textContent('main');
    ok(/Careers Development Institute/.test(ptext) && !/University of Derby/.test(ptext),
      'the provider sees its own cohort and no other provider');
    ok(/fewer than 5/.test(ptext), 'cells under the report\'s small-cell threshold are suppressed');
    await axe(prov.page, '/providers/P01');
    res = await prov.page.goto(base + '/providers/P02');
    ok(res.status() === 403, 'another provider\'s cohort is refused (403)', `status ${res.status()}`);
    await prov.context.close();

    // An analyst: the programme dashboard and a download.
    const an = await login(browser, 'analyst1');
    res = await an.page.goto(base + '/dashboard');
    ok(res.status() === 200 && (await an.page.locator('figure#fig1').count()) === 1,
      'the analyst\'s programme dashboard draws the report\'s figures');
    await axe(an.page, '/dashboard');
    await an.page.goto(base + '/downloads');
    const [download] = await Promise.all([
      an.page.waitForEvent('download'),
      an.page.click('a[href="/downloads/export/compass/csv"]'),
    ]);
    const file = await download.path();
    const text = require('fs').readFileSync(file, 'utf8');
    ok(text.startsWith('urn,submitted_at,bm1'), 'the analyst downloads the Compass export as CSV');
    await an.context.close();
  } finally {
    await browser.close();
  }
}

main().then(() => process.exit(failed ? 1 : 0), (e) => {
  ok(false, 'the browser test ran to the end', e.stack || e);
  process.exit(1);
});
