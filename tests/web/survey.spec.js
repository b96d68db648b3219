// Browser test of cleval serve: node survey.spec.js URL DB WORKDIR SHOTDIR
// WORKDIR holds pre.csv, post.csv and followup.csv from cleval invite.
// Completes a pre survey (leaving the tab half-way and resuming), a post
// survey (its profile), reuses a link, completes the anonymous follow-up
// and checks the database after each; signs in as a provider and is refused
// another provider's cohort; posts a form without its csrf field. axe-core
// checks each kind of page at WCAG 2.2 AA. Prints TAP.
'use strict';

const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { execFileSync } = require('child_process');
const { chromium } = require('playwright-core');
const { AxeBuilder } = require('@axe-core/playwright');

const [base, db, work, shots] = process.argv.slice(2);
let n = 0;
let failed = 0;
function ok(pass, what, detail) {
  n += 1;
  if (pass) console.log(`ok ${n} - ${what}`);
  else {
    failed += 1;
    console.log(`not ok ${n} - ${what}`);
    if (detail) for (const l of String(detail).split('\n').slice(0, 20)) console.log(`# ${l}`);
  }
}
const sql = (q) => execFileSync('sqlite3', [db, q], { encoding: 'utf8' }).trim();
const links = (file) =>
  fs.readFileSync(path.join(work, file), 'utf8').trim().split('\n').slice(1)
    .map((l) => { const f = l.split(','); return { leader: f[0], url: f[f.length - 1] }; });
const local = (u) => base.replace(/\/$/, '') + u.replace(/^https?:\/\/[^/]+/, '');

async function axe(page, what) {
  const r = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']).analyze();
  ok(r.violations.length === 0, `axe-core finds no WCAG 2.2 AA violations: ${what}`,
    r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((x) => x.target).join(' ')})`).join('\n'));
}

// Answers every radio group on the page with the option at position pick
// (0-based, clamped), clicking its label as a person would.
async function answerPage(page, pick) {
  const groups = await page.$$eval('input[type=radio]', (els) => [...new Set(els.map((e) => e.name))]);
  for (const g of groups) {
    const ids = await page.$$eval(`input[type=radio][name="${g}"]`, (els) => els.map((e) => e.id));
    const id = ids[Math.min(pick, ids.length - 1)];
    await page.click(`label[for="${id}"]`);
  }
  return groups.length;
}

async function main() {
  fs.mkdirSync(shots, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu'],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    let page = await context.newPage();
    const errors = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });

    // --- Pre survey, left half-way and resumed.
    const pre = links('pre.csv')[0];
    const preUrl = local(pre.url);
    let resp = await page.goto(preUrl);
    ok(resp.status() === 200, `the pre link opens the survey (${pre.leader})`);
    ok(await page.locator('legend.area', { hasText: 'Leadership' }).count() === 1,
      'the first section is the Leadership area, a fieldset');
    ok(await page.locator('progress').count() === 1, 'a progress indicator is shown');
    ok(await page.locator('form input[type=hidden][name=csrf]').count() === 1, 'the form carries a csrf field');
    await axe(page, 'a survey section');
    // Keyboard: the first Tab reaches the skip link; a radio is chosen with the keyboard.
    await page.keyboard.press('Tab');
    ok(await page.evaluate(() => document.activeElement.classList.contains('skip')),
      'the first Tab stop is the skip link');
    const firstRadio = page.locator('input[type=radio]').first();
    await firstRadio.focus();
    await page.keyboard.press('Space');
    ok(await firstRadio.isChecked(), 'a radio button is chosen with the keyboard');
    let answered = await answerPage(page, 3);
    await page.click('button[value=next]');
    answered += await answerPage(page, 4);
    await page.click('button[value=next]');
    await page.close(); // the tab closed half-way
    page = await context.newPage();
    await page.goto(preUrl);
    ok(await page.locator('legend.area', { hasText: 'Coordination' }).count() === 1,
      'opening the link again resumes at the first unanswered section');
    answered += await answerPage(page, 2);
    await page.click('button[value=next]');
    answered += await answerPage(page, 3);
    await page.click('button[value=next]');
    ok(await page.locator('h2', { hasText: 'Check your answers' }).count() === 1, 'a review step follows the last section');
    await axe(page, 'the review step');
    await page.click('button[value=submit]');
    ok(await page.locator('h1', { hasText: 'Thank you' }).count() === 1, 'submitting thanks the leader');
    const preRow = sql(`SELECT count(*), (SELECT count(*) FROM answers a WHERE a.response_id = r.id),
      (SELECT count(score) FROM area_scores s WHERE s.response_id = r.id)
      FROM responses r JOIN leaders l ON l.id = r.leader_id
      WHERE l.leader_key = '${pre.leader}' AND r.stage = 'pre'`).split('|');
    ok(preRow[0] === '1' && Number(preRow[1]) === answered && preRow[2] === '4',
      `the database holds the pre response, its ${answered} answers and 4 area scores`, preRow.join('|'));

    // --- Reusing the link.
    resp = await page.goto(preUrl);
    ok(resp.status() === 410 && (await page.textContent('h1')).includes('Already submitted'),
      'reusing the link shows the already-submitted page (410)');
    ok(sql(`SELECT count(*) FROM responses r JOIN leaders l ON l.id = r.leader_id
      WHERE l.leader_key = '${pre.leader}'`) === '1', 'nothing was stored twice');

    // --- Post survey with its profile.
    const post = links('post.csv').find((l) => l.leader === 'CL0001');
    await page.goto(local(post.url));
    for (let s = 0; s < 5; s++) {
      await answerPage(page, s === 0 ? 0 : 3);
      await page.click('button[value=next]');
    }
    await page.click('button[value=submit]');
    ok(await page.locator('h1', { hasText: 'your profile' }).count() === 1, 'the post survey ends on the leader\'s profile');
    ok(await page.locator('#profile ~ figure svg[role=img]').count() === 1, 'the profile has the pre/post chart');
    ok(await page.locator('#next ~ ol li').count() === 12, 'three items to work on in each of the four areas');
    await axe(page, 'the profile');
    await page.screenshot({ path: path.join(shots, 'serve-profile.png'), fullPage: true });
    const postScores = sql(`SELECT count(s.score) FROM area_scores s JOIN responses r ON r.id = s.response_id
      JOIN leaders l ON l.id = r.leader_id WHERE l.leader_key = 'CL0001' AND r.stage = 'post'`);
    ok(postScores === '4', 'the database holds the post response\'s area scores');

    // --- The anonymous follow-up.
    const fu = links('followup.csv')[0];
    const token = fu.url.replace(/.*\/s\//, '');
    const hash = crypto.createHash('sha256').update(token).digest('hex');
    ok(sql(`SELECT count(*) FROM survey_tokens WHERE token_hash = '${hash}' AND leader_id IS NULL`) === '1',
      'the follow-up link is stored as its hash, without a leader');
    const before = Number(sql("SELECT count(*) FROM responses WHERE stage = 'followup'"));
    await page.goto(local(fu.url));
    await axe(page, 'a follow-up section');
    for (let s = 0; s < 4; s++) {
      await answerPage(page, 1);
      const boxes = page.locator('input[type=checkbox]');
      if (await boxes.count()) await page.click(`label[for="${await boxes.nth(2).getAttribute('id')}"]`);
      await page.click('button[value=next]');
    }
    await page.click('button[value=submit]');
    ok(await page.locator('h1', { hasText: 'Thank you' }).count() === 1, 'the follow-up is submitted');
    const fuRow = sql(`SELECT count(*), max(leader_id IS NULL AND response_key IS NULL AND role IS NULL
      AND length(submitted_at) = 10) FROM responses WHERE stage = 'followup'`).split('|');
    ok(Number(fuRow[0]) === before + 1 && fuRow[1] === '1',
      'the follow-up response has no leader, no key, no role and only the day', fuRow.join('|'));
    const dump = execFileSync('sqlite3', [db, '.dump'], { encoding: 'utf8', maxBuffer: 1 << 28 });
    ok(!dump.includes(hash) && !dump.includes(token), 'neither the used link nor its hash is anywhere in the database');
    ok(sql(`SELECT count(*) FROM survey_drafts`) === '0', 'no saved answers are left behind');

    // --- A provider signs in.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(base + 'login');
    await axe(page, 'the sign-in page');
    await page.fill('#f-username', 'prov1');
    await page.fill('#f-password', 'wrong password');
    await page.click('button:has-text("Sign in")');
    ok(await page.locator('#f-password[aria-invalid=true][aria-describedby=e-password]').count() === 1,
      'a failed sign-in shows its error tied to the fields');
    await axe(page, 'the sign-in page with an error');
    await page.fill('#f-username', 'prov1');
    await page.fill('#f-password', 'provider-one-password');
    await page.click('button:has-text("Sign in")');
    ok(new URL(page.url()).pathname === '/responses', 'signing in leads to the responses page');
    ok(await page.locator('tbody tr').count() >= 1 &&
       (await page.locator('tbody').textContent()).includes('P01') &&
       !(await page.locator('tbody').textContent()).includes('P02'),
      'a provider sees only its own cohort\'s counts');
    await axe(page, 'the responses page');
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    ok(wide <= 390, `the responses page fits a 390px-wide phone (${wide}px)`);
    resp = await page.goto(base + 'responses/P02');
    ok(resp.status() === 403, 'a provider gets 403 on another provider\'s cohort');
    resp = await page.goto(base + 'responses/P01');
    ok(resp.status() === 200, 'and 200 on its own');
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'cleval_session');
    ok(session && session.httpOnly && session.sameSite === 'Strict', 'the session cookie is HttpOnly and SameSite=Strict');
    ok(sql(`SELECT count(*) FROM audit_log WHERE action = 'login' AND actor = 'prov1'`) === '1',
      'the sign-in is in the audit log');

    // --- A form posted without its csrf field.
    const r403 = await page.request.post(base + 'logout', { form: { x: '1' }, maxRedirects: 0 });
    ok(r403.status() === 403, 'a form posted without its csrf field gets 403');
    const headers = r403.headers();
    ok(/frame-ancestors 'none'/.test(headers['content-security-policy'] || '') &&
       headers['x-content-type-options'] === 'nosniff' && headers['referrer-policy'] === 'no-referrer',
      'responses carry the CSP, nosniff and no-referrer headers');

    // --- A survey page on a phone.
    const pre2 = links('pre.csv')[1];
    await page.goto(local(pre2.url));
    const w2 = await page.evaluate(() => document.documentElement.scrollWidth);
    ok(w2 <= 390, `a survey page fits a 390px-wide phone (${w2}px)`);
    await page.screenshot({ path: path.join(shots, 'serve-survey-mobile.png'), fullPage: false });
    ok(errors.length === 0, 'no console errors (no script, no CSP violations)', errors.join('\n'));
  } finally {
    await browser.close();
  }
}

main().then(() => {
  console.log(`1..${n}`);
  process.exit(failed ? 1 : 0);
}, (e) => {
  ok(false, 'the browser test ran to the end', e.stack || e);
  console.log(`1..${n}`);
  process.exit(1);
});
