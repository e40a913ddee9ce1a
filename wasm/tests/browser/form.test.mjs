// Browser tests of the SENDCo form (wasm/pkg/site) in headless Debian Chromium: worked examples,
// errors, another rule set, conditional questions, no network, accessibility, hostile bundles.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import {
  AXE, HEREFORDSHIRE_BUNDLE, REPO, SCREENSHOTS, TIMING_FILE, WASM_DIR, choose, family, fillBandC,
  fillDate, fillEarlyYears, group, openForm, preflight, screenshot, startAll, submit, submitForResult,
  waitReady,
} from './helpers.mjs';

// Fails the whole file, loudly, when Chromium or the built site is missing: never a silent skip.
preflight();

// Expected results are the spec: the worked examples of shared/reference/haringey-illustrative-
// 2024-25.md (examples 2 and 5, as the native CLI prints them) and the Herefordshire tariff table.
const BAND_C = { band: 'Top-up band: C', amount: '£3,000.00' };
const EARLY_YEARS = { band: 'Early years inclusion band: EY2', amount: '£1,425.00' };

// The native CLI writes the bundles the hostile-bundle tests tamper with (scripts/test builds it).
const SENDBAND = join(REPO, 'target', 'debug', 'sendband');
if (!existsSync(SENDBAND)) {
  throw new Error(`${SENDBAND} is missing: run cargo build first (scripts/test does)`);
}

const STARTED = Date.now() - 1000;
const nodeEngine = () => createRequire(import.meta.url)(join(WASM_DIR, 'pkg', 'nodejs', 'sendband_wasm.js'));
let env;
before(async () => {
  env = await startAll();
});
after(async () => {
  await env?.close();
});

describe('the SENDCo form', () => {
  test('a. worked examples give the reference band and money', async () => {
    const { context, page } = await openForm(env);
    await fillBandC(page);
    await screenshot(page, 'form-filled.png');
    const panel = await submitForResult(page);
    assert.match(panel, new RegExp(BAND_C.band));
    assert.match(panel, new RegExp(`Top-up for the year: ${BAND_C.amount}`));
    assert.match(await family(page, 'Element 3 top-up band').innerText(), /Descriptor score\s+19/);
    assert.match(await family(page, 'Indicative EHC needs-assessment threshold').innerText(), /Indicative outcome\s+Meets/);
    assert.match(await page.locator('.govuk-warning-text').innerText(), /Illustrative figures/);
    assert.equal(await page.title(), 'Indicative result for case HG-EXAMPLE-2 – sendband');
    await screenshot(page, 'result.png');

    await page.getByRole('button', { name: 'Start a new case' }).click();
    await fillEarlyYears(page);
    const panel2 = await submitForResult(page);
    assert.match(panel2, new RegExp(EARLY_YEARS.band));
    assert.match(panel2, new RegExp(`Inclusion funding for the year: ${EARLY_YEARS.amount}`));
    assert.match(await family(page, 'Element 3 top-up band').innerText(), /Does not apply to this case/);
    assert.deepEqual(page.problems, []);
    await context.close();
  });

  test('a2. the Band C example says what would change the result, on screen and in print', async () => {
    const { context, page } = await openForm(env);
    await fillBandC(page);
    await submitForResult(page);
    assert.match(await page.locator('#result-panel').getAttribute('class'), /govuk-panel--confirmation/);
    const section = page.locator('.sendband-what-if[data-done="true"]');
    await section.waitFor();
    assert.equal(await section.getByRole('heading', { level: 2 }).innerText(), 'What would change the result');
    // The engine's own sentences, in the rule set's labels, for the family they are about.
    const topup = await section.locator('ul[data-family="topup"] li').allInnerTexts();
    assert.ok(topup.includes('EHC plan: No plan and no request -> Plan issued gives Top-up band D, Top-up for the year £4,000.00'), topup.join('\n'));
    assert.ok(topup.includes('Completed assess-plan-do-review cycles: 2 -> 1 gives Top-up band B, Top-up for the year £0.00'), topup.join('\n'));
    // The same as the Node build of the engine says for the same answers.
    const profile = readFileSync(join(WASM_DIR, '..', 'examples', 'haringey-band-c.json'), 'utf8');
    const expected = JSON.parse(nodeEngine().what_if(profile, '2024-09-01')).what_if.topup.map((w) => w.says);
    assert.deepEqual(topup, expected);
    const text = await section.innerText();
    assert.doesNotMatch(text, /apdr_cycles|topup|sen_support/, 'no internal names');
    // The descriptors that counted, with their points, in the rule set's labels.
    const counted = await page.locator('.sendband-family[data-family="topup"] .sendband-descriptors li').allInnerTexts();
    assert.deepEqual(counted, [
      'Communication and interaction: Level 3: Severe, 12 points',
      'Social, emotional and mental health: Level 2: Significant, 7 points',
    ]);
    // Questions left unanswered are listed with what they were taken as.
    const answers = await page.locator('.sendband-answers').innerText();
    assert.match(answers, /Cognition and learning\s+Not answered \(taken as Level 0: Universal\)/);
    assert.match(answers, /School days on roll\s+Not answered \(taken as 190\)/);
    assert.match(answers, /Communication and interaction\s+Level 3: Severe/);
    await page.emulateMedia({ media: 'print' });
    assert.equal(await section.isVisible(), true, 'printed with the result');
    await page.emulateMedia({ media: 'screen' });
    await context.close();
  });

  test('a3. check your answers lists every answer with a Change link back to its question', async () => {
    const { context, page } = await openForm(env);
    await fillBandC(page);
    await submit(page);
    assert.equal(await page.locator('#page-heading').innerText(), 'Check your answers');
    assert.ok((await page.title()).startsWith('Check your answers'));
    const rows = page.locator('.sendband-check .govuk-summary-list__row');
    const texts = await rows.allInnerTexts();
    assert.match(texts[0], /^Assessment date\s+1 September 2024\s+Change\s+assessment date$/);
    assert.ok(texts.some((t) => /^Communication and interaction\s+Level 3: Severe\s+Change\s+communication and interaction$/.test(t)), texts.join('\n'));
    assert.ok(texts.some((t) => /^Cognition and learning\s+Not answered \(taken as Level 0: Universal\)/.test(t)), texts.join('\n'));
    // Change goes back to the question, answers kept; Continue comes back here.
    await page.getByRole('link', { name: 'Change communication and interaction' }).click();
    assert.equal(await page.locator('#form-view').isVisible(), true);
    assert.equal(await page.evaluate(() => document.activeElement.name), 'f-needs-communication_interaction');
    await choose(page, 'Communication and interaction', 'Level 4: Profound or complex');
    await submit(page);
    assert.ok((await rows.allInnerTexts()).some((t) => /^Communication and interaction\s+Level 4: Profound or complex/.test(t)));
    await page.getByRole('button', { name: 'Check the indicative band' }).click();
    await page.locator('#result-panel').waitFor();
    assert.match(await page.locator('#result-panel').innerText(), /Top-up band: C/);
    assert.deepEqual(page.problems, []);
    await context.close();
  });

  test('b. invalid answers show the error summary, linked to each question', async () => {
    const { context, page } = await openForm(env);
    await fillDate(page, 'Assessment date', '2030-01-01');
    await page.getByLabel('Case reference').fill('HG-ERRORS');
    await choose(page, 'Setting', 'Mainstream school');
    await page.getByLabel('Completed assess-plan-do-review cycles').fill('2x');
    await page.getByLabel('Spent from the notional SEN budget this year').fill('5999.999');
    await submit(page);

    const summary = page.locator('.govuk-error-summary');
    await summary.waitFor();
    assert.equal(await summary.getByRole('heading').innerText(), 'There is a problem');
    assert.ok((await page.title()).startsWith('Error: '), await page.title());
    assert.ok(await summary.evaluate((el) => el.contains(document.activeElement)), 'the summary has focus');
    const links = summary.getByRole('link');
    const texts = await links.allInnerTexts();
    assert.equal(texts.length, 4, texts.join('\n'));
    assert.match(texts[0], /^Assessment date: must be in the period this rule set covers \(1 September 2024 to 31 August 2027\), not 1 January 2030/);
    // GOV.UK's words: what to do, about the question by its label.
    assert.equal(texts[1], 'Enter the date of birth');
    assert.match(texts[2], /^Completed assess-plan-do-review cycles must be a whole number/);
    assert.equal(texts[3], 'Spent from the notional SEN budget this year must be in pounds and pence, like 6200.50: a fraction of a penny cannot be paid');
    for (const [n, id] of [[0, 'f-on-day'], [1, 'f-date_of_birth-day'], [2, 'f-sen_support-apdr_cycles']]) {
      assert.equal(await links.nth(n).getAttribute('href'), `#${id}`);
      await links.nth(n).click();
      assert.equal(await page.evaluate(() => document.activeElement.id), id);
    }
    // Each question carries its message too, tied to it by aria-describedby.
    const dob = page.locator('#f-date_of_birth-group');
    assert.match(await dob.getAttribute('class'), /govuk-form-group--error/);
    assert.match(await dob.locator('.govuk-error-message').innerText(), /Enter the date of birth/);
    assert.match(await group(page, 'Date of birth').getAttribute('aria-describedby'), /f-date_of_birth-error/);
    assert.match(await page.locator('#f-sen_support-apdr_cycles').getAttribute('class'), /govuk-input--error/);
    await screenshot(page, 'errors.png');

    // Fixing the answers clears the errors and gives a result.
    await fillDate(page, 'Assessment date', '2024-09-01');
    await fillDate(page, 'Date of birth', '2016-02-14');
    await page.getByLabel('Completed assess-plan-do-review cycles').fill('2');
    await page.getByLabel('Spent from the notional SEN budget this year').fill('5999.99');
    assert.match(await submitForResult(page), /Top-up for the year: £0\.00/);
    // A band at £0.00 is told in a plain panel: green is for funding that applies.
    assert.match(await page.locator('#result-panel').getAttribute('class'), /govuk-panel--interruption/);
    assert.equal(await page.locator('.govuk-error-summary').count(), 0);
    assert.ok(!(await page.title()).startsWith('Error: '));
    assert.deepEqual(page.problems, []);
    await context.close();
  });

  test('c. a bundle file switches the form to another rule set (Herefordshire)', async () => {
    const { context, page } = await openForm(env);
    assert.equal(await page.locator('#provenance-banner').count(), 1);
    await page.getByLabel('Use another rule set (bundle file)').setInputFiles(HEREFORDSHIRE_BUNDLE);
    await page.getByLabel('Assessment points').waitFor();
    assert.equal(await group(page, 'Communication and interaction').count(), 0);
    assert.equal(await page.getByText('Areas of need').count(), 0);
    assert.equal(await page.locator('#provenance-banner').count(), 0, 'published figures have no banner');
    assert.match(await page.locator('#ruleset-summary').innerText(), /Herefordshire Council/);

    // examples/herefordshire-a1.json: 12 points at 15 hours is group A1, £125.50 a term, £753 a year.
    await page.getByLabel('Case reference').fill('HF-EXAMPLE-1');
    await page.getByLabel('Assessment points').fill('12');
    await choose(page, 'Funded hours a week', '15');
    const panel = await submitForResult(page);
    assert.match(panel, /Tariff group: A1/);
    assert.match(panel, /Per term: £125\.50/);
    assert.match(panel, /Per year \(published annual tariff\): £753\.00/);
    assert.equal(await page.locator('.govuk-warning-text').count(), 0);
    await screenshot(page, 'herefordshire.png');

    // 52 points at 30 hours is D1: £2,938 a term, £8,814 a year.
    await page.getByRole('button', { name: 'Change the answers' }).click();
    await page.getByLabel('Assessment points').fill('52');
    await choose(page, 'Funded hours a week', '30');
    const panel2 = await submitForResult(page);
    assert.match(panel2, /Tariff group: D1/);
    assert.match(panel2, /Per term: £2,938\.00/);
    assert.match(panel2, /£8,814\.00/);

    // A file that is not a bundle is reported against the picker; the rule set stays.
    await page.getByLabel('Use another rule set (bundle file)').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"not": "a bundle"') });
    const link = page.locator('.govuk-error-summary a');
    await link.waitFor();
    assert.match(await link.innerText(), /^Use another rule set \(bundle file\): /);
    assert.equal(await link.getAttribute('href'), '#bundle-file');
    assert.match(await page.locator('#ruleset-summary').innerText(), /Herefordshire Council/);

    await page.getByRole('button', { name: 'Use the built-in rule set' }).click();
    await group(page, 'Communication and interaction').waitFor();
    assert.equal(await page.getByLabel('Assessment points').count(), 0);
    assert.equal(await page.locator('#provenance-banner').count(), 1);
    assert.deepEqual(page.problems, []);
    await context.close();
  });

  test('d. early years questions appear only for an early years setting', async () => {
    const { context, page } = await openForm(env);
    const earlyYears = [page.getByLabel('Funded hours a week'), group(page, 'Communication and language')];
    const attendance = page.getByLabel('School days on roll');
    const visible = async (locators) => Promise.all(locators.map((l) => l.isVisible()));
    assert.deepEqual(await visible([...earlyYears, attendance]), [false, false, false], 'nothing chosen yet');
    await choose(page, 'Setting', 'Early years setting');
    assert.deepEqual(await visible([...earlyYears, attendance]), [true, true, false]);
    await choose(page, 'Setting', 'Special school');
    assert.deepEqual(await visible([...earlyYears, attendance]), [false, false, true]);
    // Hidden questions are not sent: an early years answer left behind does not reach the profile.
    await choose(page, 'Setting', 'Early years setting');
    await page.getByLabel('Funded hours a week').fill('abc');
    await choose(page, 'Setting', 'Mainstream school');
    await page.getByLabel('Case reference').fill('HG-HIDDEN');
    await fillDate(page, 'Assessment date', '2024-09-01');
    await fillDate(page, 'Date of birth', '2016-02-14');
    await submitForResult(page);
    assert.equal(await page.getByRole('button', { name: 'Save this case as a file' }).count(), 1);
    // The SEN support questions are asked only without an issued plan.
    await page.getByRole('button', { name: 'Change the answers' }).click();
    await choose(page, 'EHC plan', 'Plan issued');
    assert.equal(await page.getByLabel('Completed assess-plan-do-review cycles').isVisible(), false);
    assert.deepEqual(page.problems, []);
    await context.close();
  });

  test('d2. every need level is a radio with its descriptor as the hint', async () => {
    const { context, page } = await openForm(env);
    await choose(page, 'Setting', 'Early years setting');
    const spec = JSON.parse(nodeEngine().inputs());
    const withLevels = spec.inputs.filter((input) => input.levels);
    assert.ok(withLevels.length >= 8);
    const shown = await page.evaluate(() => [...document.querySelectorAll('input[type="radio"][aria-describedby]')]
      .map((radio) => ({
        legend: radio.closest('fieldset').querySelector('legend').textContent,
        label: document.querySelector(`label[for="${radio.id}"]`).textContent,
        hint: document.getElementById(radio.getAttribute('aria-describedby')).textContent,
      })));
    for (const input of withLevels) {
      for (const level of input.levels) {
        const match = shown.find((s) => s.legend.startsWith(input.label) && s.hint === level.descriptor);
        assert.ok(match, `${input.name} level ${level.level} has its descriptor as a hint`);
        assert.ok(match.label.endsWith(level.label), `${input.name} level ${level.level}: ${match.label}`);
      }
    }
    await context.close();
  });

  test('e. no network after load, nothing stored; print, save and reopen work offline', async () => {
    const context = await env.browser.newContext({ viewport: { width: 1100, height: 900 } });
    const requests = [];
    const blocked = [];
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.hostname !== '127.0.0.1') {
        blocked.push(url.href);
        return route.abort();
      }
      return route.continue();
    });
    const page = await context.newPage();
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(env.url);
    await waitReady(page);
    assert.ok(requests.some((u) => u.endsWith('.wasm')), 'the wasm is fetched during load');
    requests.length = 0;

    await fillBandC(page);
    await submitForResult(page);
    await page.locator('.sendband-what-if[data-done="true"]').waitFor();
    // The button must call the browser's print; the real dialog is not opened, because headless
    // Chromium 120 and later keeps a page "already being printed" and then refuses page.pdf().
    // The print layout itself is checked below through the print media type and a real PDF.
    await page.evaluate(() => {
      window.sendbandPrints = 0;
      window.print = () => { window.sendbandPrints += 1; };
    });
    await page.getByRole('button', { name: 'Print a summary' }).click();
    assert.equal(await page.evaluate(() => window.sendbandPrints), 1, 'Print a summary calls window.print() once');
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('#case-form').isVisible(), false);
    assert.equal(await page.getByRole('button', { name: 'Save this case as a file' }).isVisible(), false);
    assert.equal(await page.locator('#side').isVisible(), false);
    assert.match(await page.locator('.govuk-panel').innerText(), /Top-up band: C/);
    assert.equal(await page.locator('.sendband-answers').isVisible(), true);
    await screenshot(page, 'print.png');
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? [];
    // The result and what would change it: two A4 pages at most (one before what-if was added).
    assert.ok(pages.length >= 1 && pages.length <= 2, `the printed summary takes ${pages.length} pages`);
    await page.emulateMedia({ media: 'screen' });

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Save this case as a file' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'HG-EXAMPLE-2.json');
    const saved = readFileSync(await download.path(), 'utf8');
    // The example file has the amount as a string; the form sends what was typed, as a number.
    const example = JSON.parse(readFileSync(join(WASM_DIR, '..', 'examples', 'haringey-band-c.json'), 'utf8'));
    example.sen_support.notional_spend = 6200;
    assert.deepEqual(JSON.parse(saved), example);
    assert.match(saved, /"notional_spend": 6200\.00/, 'money stays exactly as typed');
    // The saved file is what the engine evaluates: the Node build of the same engine agrees.
    const decision = JSON.parse(nodeEngine().evaluate(saved, '2024-09-01'));
    assert.equal(decision.results.topup.outputs.band, 'C');

    await page.getByRole('button', { name: 'Start a new case' }).click();
    await page.getByLabel('Open a saved case').setInputFiles({ name: 'HG-EXAMPLE-2.json', mimeType: 'application/json', buffer: Buffer.from(saved) });
    await page.getByLabel('Case reference').evaluate((el) => el.value === 'HG-EXAMPLE-2' || Promise.reject(new Error(el.value)));
    await fillDate(page, 'Assessment date', '2024-09-01');
    assert.match(await submitForResult(page), /Top-up band: C/);

    assert.deepEqual(requests, [], 'no request after the page was ready');
    assert.deepEqual(blocked, [], 'nothing tried to leave 127.0.0.1');
    const stored = await page.evaluate(async () => ({
      local: localStorage.length,
      session: sessionStorage.length,
      cookie: document.cookie,
      databases: (await indexedDB.databases()).length,
    }));
    assert.deepEqual(stored, { local: 0, session: 0, cookie: '', databases: 0 });
    assert.deepEqual(await context.cookies(), []);
    await context.close();
  });

  test('e2. after one visit the form reloads and gives a result with the network off', async () => {
    const { context, page } = await openForm(env);
    // The service worker has kept every file once it controls the page.
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    const kept = await page.evaluate(async () => (await caches.keys()).filter((k) => k.startsWith('sendband-form-')));
    assert.equal(kept.length, 1, kept.join(', '));
    await context.setOffline(true);
    const failed = [];
    page.on('requestfailed', (r) => failed.push(r.url()));
    context.on('requestfailed', (r) => failed.push(`context: ${r.url()}`));
    // Offline for certain: the server cannot be reached from this page.
    assert.equal(await page.evaluate(() => navigator.onLine), false);
    await page.reload();
    await waitReady(page);
    await fillBandC(page);
    const panel = await submitForResult(page);
    assert.match(panel, new RegExp(BAND_C.band));
    assert.match(panel, new RegExp(`Top-up for the year: ${BAND_C.amount}`));
    // Only the browser's own check for a newer sw.js failed (it needs the network); every file
    // of the form came from what the worker kept.
    assert.deepEqual(failed.filter((u) => !u.endsWith('/sw.js')), []);
    const checks = failed.filter((u) => !u.startsWith('context: ')).length;
    assert.deepEqual(page.problems, Array(checks).fill('console error: Failed to load resource: net::ERR_FAILED'));
    await context.setOffline(false);
    await context.close();
  });

  test('d3. the panel override is asked only in the local authority form', async () => {
    const { context, page } = await openForm(env, { bypassCSP: true });
    // The school form: no question the rule set keeps for the authority.
    assert.equal(await page.locator('[name^="f-override"]').count(), 0);
    assert.doesNotMatch(await page.locator('#case-form').innerText(), /Panel override/);
    // A saved case with an override is opened without it, and says so in the rule set's labels.
    const saved = JSON.parse(readFileSync(join(WASM_DIR, '..', 'examples', 'haringey-band-c.json'), 'utf8'));
    saved.override = { band: 'H', reason: 'Panel decision' };
    await page.getByLabel('Open a saved case').setInputFiles({ name: 'case.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(saved)) });
    const summary = page.locator('.govuk-error-summary');
    await summary.waitFor();
    assert.match(await summary.innerText(), /Panel override of the top-up band and Reason for the panel override are for the local authority to answer, so the school form leaves them out/);
    assert.doesNotMatch(await summary.innerText(), /override\.band/);
    await fillDate(page, 'Assessment date', '2024-09-01');
    assert.match(await submitForResult(page), /Top-up band: C/, 'the school form decides without the override');

    // The local authority form, chosen by the page's address, asks it; axe finds nothing there.
    await page.goto(`${env.url}?form=authority`);
    await waitReady(page);
    assert.match(await page.locator('#page-heading').innerText(), /local authority form/);
    assert.equal(await group(page, 'Panel override of the top-up band').isVisible(), true);
    await page.addScriptTag({ path: AXE });
    const violations = await page.evaluate(async () => (await window.axe.run(document)).violations.map((v) => v.id));
    assert.deepEqual(violations, []);
    await fillBandC(page);
    await choose(page, 'Panel override of the top-up band', 'Band D');
    await page.getByLabel('Reason for the panel override').fill('Panel decision of 1 September 2024');
    assert.match(await submitForResult(page), /Top-up band: D/, 'the authority form applies the override');
    assert.deepEqual(page.problems, []);
    await context.close();
  });

  test('f. axe-core finds no accessibility violations', async () => {
    // bypassCSP only so the test can inject axe; the page itself never needs it.
    const { context, page } = await openForm(env, { bypassCSP: true });
    const check = async (state) => {
      if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
      const violations = await page.evaluate(async () => (await window.axe.run(document)).violations
        .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) })));
      assert.deepEqual(violations, [], `${state}:\n${JSON.stringify(violations, null, 2)}`);
    };
    await check('the empty form');
    await submit(page);
    await page.locator('.govuk-error-summary').waitFor();
    await check('the error state');
    await page.getByRole('link', { name: 'Enter case reference' }).click();
    await fillBandC(page);
    await submit(page);
    await page.getByRole('button', { name: 'Check the indicative band' }).waitFor();
    await check('check your answers');
    await page.getByRole('button', { name: 'Check the indicative band' }).click();
    await page.locator('#result-panel').waitFor();
    await page.locator('.sendband-what-if[data-done="true"]').waitFor();
    await check('the result');
    await context.close();
  });

  test('g. a hostile bundle is shown as text, never run', async () => {
    const { context, page } = await openForm(env);
    const attack = '<img src=x onerror="window.__pwned=1">';
    const bundle = JSON.parse(readFileSync(HEREFORDSHIRE_BUNDLE, 'utf8'));
    bundle.manifest.title = `Tariffs ${attack}`;
    const points = bundle.inputs.find((i) => i.name === 'assessment_points');
    points.label = `Assessment points ${attack}`;
    points.help = `Help ${attack}`;
    await page.getByLabel('Use another rule set (bundle file)').setInputFiles({ name: 'hostile.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bundle)) });
    await page.getByLabel('Assessment points').waitFor();
    assert.equal(await page.getByText(`Assessment points ${attack}`).count(), 1);
    assert.equal(await page.getByText(`Help ${attack}`).count(), 1);
    assert.ok((await page.locator('#form-lede').innerText()).includes(attack));
    assert.equal(await page.locator('img').count(), 0, 'no element was made from the text');
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.deepEqual(page.problems, []);
    await context.close();
  });

  test('g2. a payload planted in a descriptor text of a chosen bundle is shown as text', async () => {
    const { context, page } = await openForm(env);
    // The built-in Haringey rule set as a bundle, with script and markup planted in the texts a
    // SENDCo reads most: a need level's descriptor and label.
    const bundle = JSON.parse(execFileSync(SENDBAND, ['bundle', join(REPO, 'rules', 'haringey', '2024-25')], { encoding: 'utf8' }));
    const attack = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2"><b>bold</b>';
    const semh = bundle.inputs.find((i) => i.name === 'needs.semh');
    semh.levels[2].descriptor = `Frequent difficulties ${attack}`;
    semh.levels[3].label = `Severe ${attack}`;
    const scriptsBefore = await page.locator('script').count();
    await page.getByLabel('Use another rule set (bundle file)').setInputFiles({ name: 'hostile-haringey.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bundle)) });
    const hint = page.getByText(`Frequent difficulties ${attack}`, { exact: true });
    await hint.waitFor();
    assert.equal(await hint.count(), 1, 'the descriptor is the hint of its level, as text');
    assert.equal(await page.locator('label', { hasText: `Severe ${attack}` }).count(), 1, 'the level label, as text');
    assert.equal(await page.locator('img').count(), 0, 'no element was made from the text');
    assert.equal(await page.locator('b').count(), 0, 'no markup was made from the text');
    assert.equal(await page.locator('script').count(), scriptsBefore, 'no script element was added');
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    assert.deepEqual(page.problems, []);
    await context.close();
  });

  test('g3. the Content-Security-Policy forbids inline script, eval and remote connections', async () => {
    const { context, page } = await openForm(env);
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
    assert.deepEqual(directives['script-src'], ["'self'", "'wasm-unsafe-eval'"]);
    assert.deepEqual(directives['connect-src'], ["'self'"]);
    assert.deepEqual(directives['object-src'], ["'none'"]);
    // Try each forbidden thing from inside the page, and record what the browser refused.
    const tried = await page.evaluate(async () => {
      const refused = [];
      document.addEventListener('securitypolicyviolation', (e) => refused.push(e.effectiveDirective));
      const out = {};
      // Code made from text by the page itself (a string timer is compiled in the page, under
      // its policy; eval typed into DevTools, as page.evaluate is, would be exempt).
      setTimeout('window.__timer = 1', 0);
      const inline = document.createElement('script');
      inline.textContent = 'window.__inline = 1';
      document.body.append(inline);
      try { await fetch('https://example.com/'); out.fetch = 'sent'; } catch (e) { out.fetch = e.name; }
      await new Promise((r) => setTimeout(r, 100));
      out.inline = window.__inline === 1 ? 'ran' : 'blocked';
      out.timer = window.__timer === 1 ? 'ran' : 'blocked';
      out.refused = [...new Set(refused)].sort();
      return out;
    });
    assert.equal(tried.timer, 'blocked');
    assert.equal(tried.inline, 'blocked');
    assert.equal(tried.fetch, 'TypeError');
    // The refusals are the policy's, not an accident of the network.
    assert.deepEqual(tried.refused, ['connect-src', 'script-src', 'script-src-elem']);
    // The engine still works: WASM compiles under 'wasm-unsafe-eval'.
    await fillBandC(page);
    assert.match(await submitForResult(page), /Top-up band: C/);
    await context.close();
  });

  test('h. screenshots are saved', () => {
    for (const name of ['form-filled.png', 'result.png', 'errors.png', 'herefordshire.png', 'print.png']) {
      const file = statSync(join(SCREENSHOTS, name));
      assert.ok(file.size > 10_000 && file.mtimeMs >= STARTED, `${name} was written by this run`);
    }
  });

  test('i. time from page load to the first result', async () => {
    const context = await env.browser.newContext({ viewport: { width: 1100, height: 900 } });
    // The first load of a new browser is slower than any later one; the median of several loads
    // is what a SENDCo opening the page sees, and the slowest is reported too.
    const runs = [];
    // Seven loads filled at once by script, then three where the form is first left open for a
    // second, as a person takes longer than that to answer (the engine warms up meanwhile).
    const paused = [];
    for (let run = 0; run < 10; run++) {
      const pause = run < 7 ? 0 : 1000;
      const page = await context.newPage();
      await page.goto(env.url, { waitUntil: 'commit' });
      const timing = await page.evaluate(async (pauseMs) => {
        const marked = (name) => new Promise((done) => {
          if (performance.getEntriesByName(name).length) return done();
          const observer = new PerformanceObserver((list) => {
            if (list.getEntriesByName(name).length) {
              observer.disconnect();
              done();
            }
          });
          observer.observe({ type: 'mark', buffered: true });
        });
        await marked('sendband:ready');
        if (pauseMs) await new Promise((done) => setTimeout(done, pauseMs));
        const set = (id, value) => {
          document.getElementById(id).value = value;
        };
        const pick = (name, value) => {
          document.querySelector(`input[name="${name}"][value="${value}"]`).checked = true;
        };
        set('f-on-day', '1'); set('f-on-month', '9'); set('f-on-year', '2024');
        set('f-case_id', 'HG-EXAMPLE-2');
        set('f-date_of_birth-day', '14'); set('f-date_of_birth-month', '2'); set('f-date_of_birth-year', '2016');
        pick('f-setting', 'mainstream_school');
        pick('f-ehcp', 'none');
        pick('f-needs-communication_interaction', '3');
        pick('f-needs-semh', '2');
        document.getElementById('case-form').dispatchEvent(new Event('change', { bubbles: true }));
        set('f-sen_support-apdr_cycles', '2');
        pick('f-sen_support-specialist_advice', 'true');
        set('f-sen_support-notional_spend', '6200.00');
        pick('f-sen_support-progress', 'limited');
        const submitted = performance.now();
        document.querySelector('#case-form button[type="submit"]').click();
        document.getElementById('confirm-button').click();
        await marked('sendband:result');
        const ready = performance.getEntriesByName('sendband:ready')[0].startTime;
        const result = performance.getEntriesByName('sendband:result')[0].startTime;
        const navigation = performance.getEntriesByType('navigation')[0];
        await marked('sendband:what-if-shown');
        const whatIf = performance.getEntriesByName('sendband:what-if').at(-1);
        // A second case on the same page (the same answers again): the engine's code has been
        // run once, as for every case after a SENDCo's first.
        [...document.querySelectorAll('#result-view button')].find((b) => b.textContent === 'Change the answers').click();
        document.querySelector('#case-form button[type="submit"]').click();
        document.getElementById('confirm-button').click();
        const shown = performance.getEntriesByName('sendband:what-if-shown').length;
        await new Promise((done) => {
          const wait = () => (performance.getEntriesByName('sendband:what-if-shown').length > shown ? done() : setTimeout(wait, 5));
          wait();
        });
        const again = performance.getEntriesByName('sendband:what-if').at(-1);
        return {
          what_if_ms: Math.round(whatIf.duration * 10) / 10,
          what_if_again_ms: Math.round(again.duration * 10) / 10,
          load_event_ms: Math.round(navigation.loadEventEnd * 10) / 10,
          ready_ms: Math.round(ready * 10) / 10,
          first_result_ms: Math.round(result * 10) / 10,
          submit_to_result_ms: Math.round((result - submitted) * 10) / 10,
          panel: document.querySelector('.govuk-panel').innerText,
        };
      }, pause);
      assert.match(timing.panel, /Top-up band: C/);
      (pause ? paused : runs).push(timing);
      await page.close();
    }
    const median = (key) => runs.map((r) => r[key]).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
    const slowest = (key) => Math.max(...runs.map((r) => r[key]));
    const record = {
      load_event_ms: median('load_event_ms'),
      ready_ms: median('ready_ms'),
      first_result_ms: median('first_result_ms'),
      submit_to_result_ms: median('submit_to_result_ms'),
      what_if_ms: median('what_if_ms'),
      what_if_again_ms: median('what_if_again_ms'),
      what_if_after_a_second_ms: paused.map((r) => r.what_if_ms).sort((a, b) => a - b)[1],
      slowest: { ready_ms: slowest('ready_ms'), first_result_ms: slowest('first_result_ms'), submit_to_result_ms: slowest('submit_to_result_ms'), what_if_ms: slowest('what_if_ms'), what_if_again_ms: slowest('what_if_again_ms') },
      runs: runs.length,
      note: 'medians of 7 page loads: ms since navigation start (load event, form ready, first result), from the submit click to the result, and the engine saying what would change the result (Band C example) on the first case at once after load and on a second, and (median of 3 more loads) on a first case answered a second after the form is ready; headless Chromium, 127.0.0.1',
      browser: env.browser.version(),
      measured_at: new Date().toISOString(),
    };
    writeFileSync(TIMING_FILE, `${JSON.stringify(record, null, 2)}\n`);
    console.log(`browser timing (median of ${runs.length}): load event ${record.load_event_ms} ms, ready ${record.ready_ms} ms, first result ${record.first_result_ms} ms, submit to result ${record.submit_to_result_ms} ms, what-if ${record.what_if_ms} ms on the first case at once, ${record.what_if_after_a_second_ms} ms on a first case a second after load, ${record.what_if_again_ms} ms on the next (${TIMING_FILE})`);
    console.log(`screenshots: ${SCREENSHOTS}`);
    await context.close();
  });
});
