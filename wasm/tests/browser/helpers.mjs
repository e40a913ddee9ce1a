// Shared set-up for the browser tests: the site server, headless Debian Chromium, and the steps a
// SENDCo takes to fill in the form (by label, as a person would).

import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serve } from '../../tools/serve.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const WASM_DIR = resolve(here, '..', '..');
export const REPO = resolve(WASM_DIR, '..');
export const SITE = join(WASM_DIR, 'pkg', 'site');
export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = join(REPO, 'target', 'screenshots');
export const TIMING_FILE = join(REPO, 'target', 'browser-timing.json');
export const HEREFORDSHIRE_BUNDLE = join(SITE, 'bundles', 'herefordshire-2021-04.json');
export const AXE = join(WASM_DIR, 'node_modules', 'axe-core', 'axe.min.js');

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'];

/** Fail (never skip) when the browser or the built site is missing, saying how to fix it. */
export function preflight() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: apt-get install chromium (Playwright cannot download browsers here)`);
  }
  const needed = ['index.html', 'app.js', 'pkg/sendband_wasm_bg.wasm', 'govuk/govuk-frontend.min.css',
    'bundles/herefordshire-2021-04.json'].map((file) => join(SITE, file));
  // The Node build of the same engine checks that a saved case is what the engine accepts.
  needed.push(join(WASM_DIR, 'pkg', 'nodejs', 'sendband_wasm.js'));
  for (const file of needed) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run scripts/build-wasm to build the form into wasm/pkg/site`);
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
}

/** Start the site server and the browser; returns {url, browser, close()}. */
export async function startAll() {
  preflight();
  const server = await serve(SITE, 0);
  const url = `http://127.0.0.1:${server.address().port}/`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  // Which Chromium ran is part of the result: headless behaviour changes between versions.
  console.log(`browser: ${CHROMIUM}, Chromium ${browser.version()}`);
  return {
    url,
    browser,
    async close() {
      await browser.close();
      await new Promise((ok) => server.close(ok));
    },
  };
}

/**
 * A fresh context and page on the form, waiting until the engine is ready. Page errors and console
 * errors are collected in `page.problems` so a test can assert there were none.
 */
export async function openForm(env, contextOptions = {}) {
  const context = await env.browser.newContext({ viewport: { width: 1100, height: 900 }, ...contextOptions });
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (error) => page.problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') page.problems.push(`console error: ${message.text()}`);
  });
  await page.goto(env.url);
  await waitReady(page);
  return { context, page };
}

export async function waitReady(page) {
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true'
    && performance.getEntriesByName('sendband:ready').length > 0);
}

/** The fieldset (radios or date) whose legend starts with `name`. */
export function group(page, name) {
  return page.getByRole('group', { name: new RegExp(`^${escape(name)}`) });
}

function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Type a YYYY-MM-DD date into a GOV.UK date input. */
export async function fillDate(page, legend, iso) {
  const [year, month, day] = iso.split('-');
  const fieldset = group(page, legend);
  await fieldset.getByLabel('Day', { exact: true }).fill(String(Number(day)));
  await fieldset.getByLabel('Month', { exact: true }).fill(String(Number(month)));
  await fieldset.getByLabel('Year', { exact: true }).fill(year);
}

/** Choose a radio by clicking its label, inside the question whose legend starts with `legend`. */
export async function choose(page, legend, option) {
  await group(page, legend).getByText(option, { exact: true }).click();
}

/** examples/haringey-band-c.json, answered through the form. */
export async function fillBandC(page) {
  await fillDate(page, 'Assessment date', '2024-09-01');
  await page.getByLabel('Case reference').fill('HG-EXAMPLE-2');
  await fillDate(page, 'Date of birth', '2016-02-14');
  await choose(page, 'Setting', 'Mainstream school');
  await choose(page, 'EHC plan', 'No plan and no request');
  await choose(page, 'Communication and interaction', 'Level 3: Severe');
  await choose(page, 'Social, emotional and mental health', 'Level 2: Significant');
  await page.getByLabel('Completed assess-plan-do-review cycles').fill('2');
  await choose(page, 'Specialist advice obtained and followed', 'Yes');
  // Typed as a SENDCo might, with a thousands comma; the profile gets 6200.00.
  await page.getByLabel('Spent from the notional SEN budget this year').fill('6,200.00');
  await choose(page, 'Progress', 'Limited progress');
}

/** examples/haringey-early-years.json, answered through the form. */
export async function fillEarlyYears(page) {
  await fillDate(page, 'Assessment date', '2024-09-01');
  await page.getByLabel('Case reference').fill('HG-EXAMPLE-5');
  await fillDate(page, 'Date of birth', '2021-09-01');
  await choose(page, 'Setting', 'Early years setting');
  await page.getByLabel('Funded hours a week').fill('15');
  await page.getByLabel('Weeks attended in the year').fill('38');
  // 20 months falls between two descriptor ranges' starts, so it is typed as another value.
  const language = group(page, 'Communication and language');
  await language.getByText('Another value', { exact: true }).click();
  await language.getByLabel('Value', { exact: true }).fill('20');
  await choose(page, 'Physical development', '30 to 50 months');
  await choose(page, 'Personal, social and emotional development', '22 to 36 months');
}

export async function submit(page) {
  await page.getByRole('button', { name: 'Continue' }).click();
}

/** Submit, confirm on "Check your answers" and wait for the result panel; returns its text. */
export async function submitForResult(page) {
  const before = await page.evaluate(() => performance.getEntriesByName('sendband:result').length);
  await submit(page);
  await page.getByRole('button', { name: 'Check the indicative band' }).click();
  await page.waitForFunction((n) => performance.getEntriesByName('sendband:result').length > n, before);
  return page.locator('.govuk-panel').innerText();
}

/** The text of a family's section of the result. */
export function family(page, title) {
  return page.getByRole('region', { name: title, exact: true });
}

export async function screenshot(page, name) {
  await page.screenshot({ path: join(SCREENSHOTS, name), fullPage: true });
}
