// The policy playground page: open a rule set and a cohort, edit the rules, and see the impact
// as you type. The engine runs in a Web Worker (worker.js); this module only drives the page.
// Every figure shown is the engine's: the impact section is the HTML `sendband diff --report`
// renders, and edits are refused with the messages loading a rule file gives.

import { h, clear } from '../dom.js';
import { makeEditors } from './editors.js';

const $ = (id) => document.getElementById(id);
const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const pending = new Map();
let calls = 0;

worker.onmessage = ({ data }) => {
  if (data.progress) {
    progressed(data.progress);
    return;
  }
  const call = pending.get(data.id);
  pending.delete(data.id);
  call?.(data);
};

/** Call the engine in the worker: resolves to {value, ms}, or throws an Error with `kind`. */
function engine(op, ...args) {
  const id = ++calls;
  return new Promise((resolve, reject) => {
    pending.set(id, ({ answer, ms }) => {
      const value = JSON.parse(answer);
      if (value && value.error) {
        const error = new Error(value.error.message);
        error.kind = value.error.kind;
        reject(error);
      } else {
        resolve({ value, ms });
      }
    });
    worker.postMessage({ id, op, args });
  });
}

const state = { base: null, file: null, editors: null, cohort: null, running: false, again: false, timer: null };

function showError(message, target) {
  const slot = $('error-summary-slot');
  clear(slot);
  if (!message) return;
  const link = target?.id ? h('a', { href: `#${target.id}`, text: message }) : h('span', { text: message });
  slot.append(h('div', { class: 'govuk-error-summary', 'data-module': 'govuk-error-summary', role: 'alert', tabindex: '-1' },
    h('div', { role: 'alert' },
      h('h2', { class: 'govuk-error-summary__title', text: 'There is a problem' }),
      h('div', { class: 'govuk-error-summary__body' },
        h('ul', { class: 'govuk-list govuk-error-summary__list' }, h('li', {}, link))))));
}

const count = (n) => Number(n).toLocaleString('en-GB');

/** Open a bundle's text as the base rules, and make the edit forms from it. */
async function openRules(text, file) {
  showError(null);
  let opened;
  try {
    opened = (await engine('open', text, file, undefined)).value;
  } catch (error) {
    showError(`The rule set ${file} cannot be used: ${error.message}`, $('bundle-file'));
    return;
  }
  state.base = opened;
  state.file = file;
  const m = opened.bundle.manifest;
  $('rules-summary').textContent = `${m.title}, version ${m.version} (${m.provenance}), in force from ${m.effective_from}. Every case is evaluated on ${opened.on}.`;
  $('version').value = `${m.version}-proposal`;
  state.editors = makeEditors(opened.bundle, schedule);
  clear($('editors')).append(state.editors.element);
  clear($('impact'));
  clear($('checks'));
  $('downloads').hidden = true;
  state.cohort = null;
  clear($('cohort-summary'));
  $('cohort-file').value = '';
  document.documentElement.dataset.rules = opened.digest;
}

/** Read a cohort file through the engine's row reader, and list what it refused. */
async function openCohort(file) {
  showError(null);
  const bytes = new Uint8Array(await file.arrayBuffer());
  working(`Reading ${file.name}…`);
  let read;
  try {
    read = (await engine('read_cohort', file.name, bytes)).value;
  } catch (error) {
    working(null);
    showError(`The cohort ${file.name} cannot be read: ${error.message}`, $('cohort-file'));
    return;
  }
  state.cohort = file.name;
  const box = clear($('cohort-summary'));
  box.append(h('p', { class: 'govuk-body', 'data-figure': 'cohort-rows' },
    `${count(read.rows)} rows read from ${file.name}: ${count(read.compared)} profiles to compare, ${count(read.rejected.length)} refused.`));
  if (read.rejected.length) {
    const shown = read.rejected.slice(0, 100);
    box.append(h('table', { class: 'govuk-table', 'data-table': 'cohort-rejects' },
      h('caption', { class: 'govuk-table__caption govuk-table__caption--s', text: 'Rows refused, and why' }),
      h('thead', {}, h('tr', {}, ['Row', 'Case', 'Why'].map((t) => h('th', { scope: 'col', class: 'govuk-table__header', text: t })))),
      h('tbody', {}, shown.map((r) => h('tr', {},
        h('td', { class: 'govuk-table__cell', text: String(r.row) }),
        h('td', { class: 'govuk-table__cell', text: r.case_id ?? '' }),
        h('td', { class: 'govuk-table__cell', text: r.message })))),
    ));
    if (read.rejected.length > shown.length) {
      box.append(h('p', { class: 'govuk-body', text: `and ${count(read.rejected.length - shown.length)} more.` }));
    }
  }
  await recompute();
}

function working(message) {
  const slot = clear($('working'));
  if (message) {
    slot.append(h('p', { class: 'govuk-body' }, h('progress', { id: 'progress', max: '1', 'aria-label': message }),
      ' ', h('span', { id: 'progress-text', text: message })));
  }
}

/** How far the engine has got through the cohort: pass `pass` of `passes`, `done` of it read. */
function progressed({ pass, passes, done }) {
  const bar = $('progress');
  if (!bar) return;
  const whole = (pass - 1 + done) / passes;
  bar.value = whole;
  document.documentElement.dataset.progress = String(whole);
  $('progress-text').textContent = passes > 1
    ? `Working out the impact: ${Math.round(whole * 100)}% (the whole change, then each of your changes alone)`
    : `Working out the impact: ${Math.round(whole * 100)}%`;
}

/** After an edit: recompute once the typing pauses, and never two at once. */
function schedule() {
  clearTimeout(state.timer);
  state.timer = setTimeout(recompute, 150);
}

async function recompute() {
  if (!state.base || !state.cohort) return;
  if (state.running) {
    state.again = true;
    return;
  }
  state.running = true;
  state.again = false;
  const changes = JSON.stringify(state.editors.changes());
  const version = $('version').value;
  state.editors.unmark();
  working(`Working out the impact on the cohort…`);
  const started = performance.now();
  try {
    const { value, ms } = await engine('recompute', changes, version);
    performance.measure('sendband:recompute', { start: started, detail: { engine: ms } });
    showError(null);
    show(value);
    document.documentElement.dataset.changes = changes;
    lint(changes, version);
  } catch (error) {
    refuse(error);
  } finally {
    // How many edits have had their answer, shown or refused: what a test waits on.
    const root = document.documentElement;
    root.dataset.answers = String(Number(root.dataset.answers ?? 0) + 1);
    working(null);
    state.running = false;
    if (state.again) recompute();
  }
}

/** An edit the engine refuses: its message, on the fields of the change it names. */
function refuse(error) {
  $('summary-text').textContent = 'Your last change is refused: see the problem at the top of the page.';
  const index = /\$\[(\d+)\]/.exec(error.message);
  const field = index ? state.editors.mark(Number(index[1]), error.message) : null;
  showError(error.message, field);
  document.documentElement.dataset.refused = error.message;
}

function show(value) {
  // The engine's own rendering of the report's figures, charts and tables (its text escaped).
  $('impact').innerHTML = value.figures;
  const checks = clear($('checks'));
  const failed = value.tests.failures;
  checks.append(h('p', { class: 'govuk-body', 'data-figure': 'tests' },
    failed.length
      ? `The rule set's own tests: ${value.tests.passed} pass, ${failed.length} no longer give what they expect.`
      : `The rule set's own tests: all ${value.tests.passed} pass.`));
  if (failed.length) {
    checks.append(h('ul', { class: 'govuk-list govuk-list--bullet', 'data-list': 'test-failures' },
      failed.slice(0, 20).map((f) => h('li', { text: `${f.name}: ${f.problems.join('; ')}` }))));
  }
  checks.append(h('div', { id: 'lint-findings' }));
  $('downloads').hidden = false;
  // The totals stay in sight at the foot of the window while the fields are edited.
  const shown = value.shown;
  $('summary-text').textContent = `Cost change ${shown.cost_change} (now ${shown.cost_base}, proposed ${shown.cost_proposed}); `
    + `${count(value.changed)} of ${count(value.compared)} cases change; `
    + (failed.length ? `${failed.length} of the rule set's tests no longer pass.` : 'the rule set\'s tests pass.');
  $('summary-bar').hidden = false;
  delete document.documentElement.dataset.refused;
  document.documentElement.dataset.costChange = value.cost_change;
}

async function lint(changes, version) {
  try {
    const { value } = await engine('lint', changes, version, 20000);
    const slot = $('lint-findings');
    if (!slot || document.documentElement.dataset.changes !== changes) return;
    const findings = value.findings;
    slot.append(h('p', { class: 'govuk-body', 'data-figure': 'lint' },
      findings.length ? `Lint found ${findings.length} thing(s) to look at:` : `Lint found nothing to look at (${count(value.explored)} cases explored).`));
    if (findings.length) {
      slot.append(h('ul', { class: 'govuk-list govuk-list--bullet' },
        findings.slice(0, 20).map((f) => h('li', { text: `${f.severity}: ${f.place}: ${f.message}` }))));
    }
  } catch {
    // The edit was refused; recompute already said why.
  }
}

async function download(op, name, type) {
  try {
    const { value } = await engine(op, JSON.stringify(state.editors.changes()), $('version').value);
    const url = URL.createObjectURL(new Blob([value.text], { type }));
    const a = h('a', { href: url, download: name, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  } catch (error) {
    refuse(error);
  }
}

async function main() {
  const listing = await fetch('../bundles/index.json').then((r) => r.json());
  const select = $('shipped');
  for (const b of listing) select.append(h('option', { value: b.file, text: `${b.title} (${b.version})` }));
  const preferred = listing.find((b) => b.file.startsWith('haringey')) ?? listing[0];
  if (preferred) select.value = preferred.file;
  const openShipped = async () => {
    const text = await fetch(`../bundles/${select.value}`).then((r) => r.text());
    await openRules(text, select.value);
  };
  select.addEventListener('change', openShipped);
  $('bundle-file').addEventListener('change', async (e) => {
    const file = e.target.files[0];
    if (file) await openRules(await file.text(), file.name);
  });
  $('cohort-file').addEventListener('change', async (e) => {
    const file = e.target.files[0];
    if (file) await openCohort(file);
  });
  $('version').addEventListener('input', schedule);
  const slug = () => $('version').value.trim().replace(/[^A-Za-z0-9._-]+/g, '-') || 'proposal';
  $('download-bundle').addEventListener('click', () => download('bundle', `${slug()}.json`, 'application/json'));
  $('download-extension').addEventListener('click', () => download('extension', 'ruleset.json', 'application/json'));
  $('download-report').addEventListener('click', () => download('report', `${slug()}-impact.html`, 'text/html'));
  $('download-changes').addEventListener('click', () => download('changes_csv', `${slug()}-changes.csv`, 'text/csv'));
  await openShipped();
  $('loading').hidden = true;
  document.documentElement.dataset.ready = 'true';
}

main().catch((error) => showError(`The playground could not start: ${error.message}`));
