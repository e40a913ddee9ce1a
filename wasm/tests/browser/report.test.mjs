// The impact report of `sendband diff` (Haringey 2024-25 against the 2025-26 draft) in headless
// Debian Chromium: its figures match changes.csv, its charts are drawn, nothing is fetched or run,
// and a screenshot is saved in target/screenshots/diff-report.png for people to look at.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { AXE, CHROMIUM, REPO, SCREENSHOTS, preflight } from './helpers.mjs';

preflight();
// Built by the test command's earlier steps (cargo test, then `cargo run -- test rules`).
const SENDBAND = join(REPO, 'target', 'debug', 'sendband');
if (!existsSync(SENDBAND)) {
  throw new Error(`${SENDBAND} is missing: run cargo build first (scripts/test does)`);
}

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run'];

let dir;
let browser;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sendband-report-'));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});
after(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Pence of a decimal amount written with two places, e.g. "-12.30" -> -1230. */
const pence = (text) => {
  const negative = text.startsWith('-');
  const [whole, part] = text.replace('-', '').split('.');
  const n = Number(whole) * 100 + Number(part ?? '0');
  return negative ? -n : n;
};

test('the diff report matches changes.csv, draws its charts and is saved as a screenshot', async () => {
  const cohort = join(dir, 'cohort.jsonl');
  const changes = join(dir, 'changes.csv');
  const report = join(dir, 'report.html');
  execFileSync(SENDBAND, ['synth', '--rules', join(REPO, 'rules/haringey/2024-25'), '--on', '2025-01-15',
    '--n', '3000', '--seed', '4', '--output', cohort]);
  const summary = execFileSync(SENDBAND, ['diff', '--base', join(REPO, 'rules/haringey'),
    '--proposed', join(REPO, 'rules/haringey/2025-26-draft'), '--cohort', cohort, '--on', '2025-01-15',
    '--changes', changes, '--report', report], { encoding: 'utf8' });
  assert.match(summary, /Cohort: 3000 profiles, 3000 compared, 0 refused/);

  const rows = readFileSync(changes, 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  const topup = rows.filter((r) => r[2] === 'topup');
  const sum = topup.reduce((total, r) => total + pence(r[9]), 0);
  assert.ok(topup.length > 100, `${topup.length} topup changes`);

  const html = readFileSync(report, 'utf8');
  assert.doesNotMatch(html, /<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/, 'no script and nothing remote');

  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('request', (r) => { if (!r.url().startsWith('file:')) problems.push(`fetched ${r.url()}`); });
  await page.goto(pathToFileURL(report).href);

  const section = page.locator('[data-family="topup"]');
  const difference = await section.locator('[data-figure="cost-difference"]').getAttribute('data-value');
  assert.equal(pence(difference), sum, 'the report\'s difference is the sum of changes.csv');
  const shown = await section.locator('[data-figure="cost-difference"]').innerText();
  assert.equal(shown, `+£${(sum / 100).toLocaleString('en-GB', { minimumFractionDigits: 2 })}`);
  const changed = new Set(rows.map((r) => r[0])).size;
  assert.equal(await page.locator('[data-figure="changed"]').innerText(), String(changed));
  const gain = Number(await section.locator('[data-figure="gain"]').innerText());
  assert.equal(gain, topup.filter((r) => pence(r[9]) > 0).length);
  assert.equal(await section.locator('[data-figure="lose"]').innerText(), '0');

  // Three charts for topup (cost by band, transitions, spread), each drawn with real shapes.
  const charts = page.locator('h2#topup ~ .charts').first().locator('svg');
  assert.equal(await charts.count(), 3);
  for (let i = 0; i < 3; i += 1) {
    const box = await charts.nth(i).boundingBox();
    assert.ok(box && box.width > 100 && box.height > 100, `chart ${i} is drawn`);
    assert.ok(await charts.nth(i).locator('rect').count() > 3, `chart ${i} has bars or cells`);
  }
  // The heat map shows the Band C move: one cell from B to C.
  assert.equal(await charts.nth(1).locator('title', { hasText: /^B to C: \d+$/ }).count(), 1);

  await page.screenshot({ path: join(SCREENSHOTS, 'diff-report.png'), fullPage: true });
  assert.ok(existsSync(join(SCREENSHOTS, 'diff-report.png')));
  assert.deepEqual(problems, []);
  await page.close();
});

test('the report reads in titles and labels, has a table for every chart, prints on two A4 pages and axe finds nothing', async () => {
  // A cohort that covers the draft, so the report has the Band C move and every rule change.
  const cohort = join(dir, 'covered.jsonl');
  const report = join(dir, 'covered.html');
  execFileSync(SENDBAND, ['synth', '--rules', join(REPO, 'rules/haringey/2024-25'), '--on', '2025-01-15',
    '--n', '2000', '--seed', '7', '--cover', join(REPO, 'rules/haringey/2025-26-draft'), '--output', cohort]);
  execFileSync(SENDBAND, ['diff', '--base', join(REPO, 'rules/haringey/2024-25'),
    '--proposed', join(REPO, 'rules/haringey/2025-26-draft'), '--cohort', cohort, '--on', '2025-01-15',
    '--report', report], { encoding: 'utf8' });
  const html = readFileSync(report, 'utf8');
  assert.doesNotMatch(html, /<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/, 'no script and nothing remote');

  // bypassCSP only so the test can inject axe; the report itself runs nothing.
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 }, bypassCSP: true });
  const requests = [];
  page.on('request', (r) => { if (!r.url().startsWith('file:')) requests.push(r.url()); });
  await page.goto(pathToFileURL(report).href);
  assert.match(await page.locator('h1').innerText(), /^Impact of Haringey-style SEND banding, academic year 2025-26: DRAFT proposal for consultation/);
  assert.equal(await page.locator('h2#topup').innerText(), 'Element 3 top-up band');
  // Settings by their labels, counts with their thousands grouped.
  const settings = await page.locator('.band-setting td:nth-child(2)').allInnerTexts();
  assert.ok(settings.includes('Mainstream school'), settings.join(', '));
  assert.ok(!settings.some((t) => t.includes('_')), settings.join(', '));
  assert.match(await page.locator('[data-figure="compared"]').innerText(), /^2,0\d\d$/);
  // Every chart has its table; the transitions table has the Band C move.
  const figures = page.locator('figure');
  const n = await figures.count();
  assert.ok(n >= 3);
  for (let i = 0; i < n; i += 1) {
    assert.equal(await figures.nth(i).locator('svg').count(), 1, `figure ${i} has its chart`);
    assert.equal(await figures.nth(i).locator('table').count(), 1, `figure ${i} has its table`);
  }
  const moves = await page.locator('h2#topup + .cards + .charts .transitions tr.moved').evaluateAll(
    (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
  assert.equal(moves.filter(([from, to]) => from === 'B' && to === 'C').length, 1, JSON.stringify(moves));
  // The rule changes, and what each cost, add up to the whole difference.
  const costs = await page.locator('[data-table="rule-changes"] tbody td[data-value]').evaluateAll(
    (cells) => cells.map((c) => c.getAttribute('data-value')));
  const total = await page.locator('[data-figure="attributed-total"]').getAttribute('data-value');
  const whole = await page.locator('[data-family] [data-figure="cost-difference"]').evaluateAll(
    (cells) => cells.map((c) => c.getAttribute('data-value')));
  const sum = (xs) => xs.reduce((t, x) => t + pence(x), 0);
  assert.equal(sum(costs), pence(total));
  assert.equal(pence(total), sum(whole));
  assert.ok(costs.length >= 3, `${costs.length} rule changes`);

  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => (await window.axe.run(document)).violations
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((x) => x.target.join(' ')) })));
  assert.deepEqual(violations, [], JSON.stringify(violations, null, 2));

  await page.emulateMedia({ media: 'print' });
  // On paper the charts are not drawn, so no caption names their colours; a family whose cases
  // all keep their band says so rather than printing an empty table.
  const printed = await page.locator('main').innerText();
  assert.doesNotMatch(printed, /\((blue|orange|green|red)\)/, 'a colour named in print');
  const unmoved = page.locator('h2#early_years + .cards + .charts .transitions');
  assert.equal(await unmoved.locator('caption').innerText(), 'Band transitions: no case changed band');
  assert.equal(await unmoved.locator('thead').isVisible(), false, 'an empty table\'s header printed');
  const pdf = await page.pdf({ format: 'A4', printBackground: true });
  const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? [];
  assert.ok(pages.length >= 1 && pages.length <= 2, `the printed report takes ${pages.length} pages`);
  await page.screenshot({ path: join(SCREENSHOTS, 'diff-report-print.png'), fullPage: true });
  assert.deepEqual(requests, []);
  await page.close();
});
