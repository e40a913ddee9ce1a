// The SENDCo form's entry point: starts the WASM engine, builds the form for the rule set in use
// and runs a check (validate, then evaluate and explain) when the form is submitted.

import { SkipLink } from './govuk/govuk-frontend.min.js';
import { EngineError, dateProblem, decide, engineVersion, problems, ruleSet, start, warmUp, whatIf } from './engine.js';
import { renderForm } from './form.js';
import { collect, fillFrom, resetAll, updateVisibility } from './fields.js';
import { flatten, parseExact, profileText } from './profile.js';
import { covered, defaultAssessmentDate, formatDate, period } from './dates.js';
import { clearErrors, showErrors } from './errors.js';
import { renderResult, renderWhatIf } from './result.js';
import { errorText } from './wording.js';
import { renderCheck } from './check.js';
import { provenanceBanner, ruleSetSummary } from './ruleset.js';
import { filePicker, saveJson } from './files.js';
import { h } from './dom.js';

// GOV.UK Frontend's JavaScript only runs on pages that say they support it; the CSP forbids the
// usual inline snippet, so this module says it.
document.body.classList.add('js-enabled', 'govuk-frontend-supported');

const $ = (id) => document.getElementById(id);
// The page's configuration: a school's form by default; `?form=authority` is the local
// authority's, which also asks the questions a rule set keeps for the authority (a panel override).
const AUTHORITY = new URLSearchParams(location.search).get('form') === 'authority';
const TITLE = AUTHORITY ? "Check a child's indicative SEND band: local authority form" : "Check a child's indicative SEND band";
const SITE = 'sendband';

const state = {
  bundle: undefined, // text of the chosen bundle file; undefined for the built-in rule set
  bundleName: null,
  spec: null,
  model: null,
  last: null, // {profile, caseId} of the last result, for "Save this case as a file"
};

const bundlePicker = filePicker({
  id: 'bundle-file',
  label: 'Use another rule set (bundle file)',
  hint: 'A rule set bundled into one JSON file (sendband bundle). It is read on this computer and not sent anywhere.',
  accept: '.json,application/json',
  onFile: (file) => chooseBundle(file),
});
const casePicker = filePicker({
  id: 'case-file',
  label: 'Open a saved case',
  hint: 'A case saved from this form as a JSON file. Its answers fill in the form.',
  accept: '.json,application/json',
  onFile: (file) => openCase(file),
});

function setView(view) {
  $('loading').hidden = view !== 'loading';
  $('form-view').hidden = view !== 'form';
  $('check-view').hidden = view !== 'check';
  $('result-view').hidden = view !== 'result';
  $('print-empty').hidden = view === 'result';
}

/** The page's h1 (with an optional caption above it) and the document title. */
function setTitle(heading, { caption = null, title = heading } = {}) {
  $('page-heading').replaceChildren(caption ? h('span', { class: 'govuk-caption-l', text: caption }) : '', heading);
  document.title = `${title} – ${SITE}`;
}

/** Show problems in the error summary; each is {field (Field-shaped or null), text}. */
function reportProblems(list) {
  showErrors($('error-summary-slot'), list);
  document.title = `Error: ${document.title.replace(/^Error: /, '')}`;
}

function resetErrors() {
  clearErrors($('error-summary-slot'));
  document.title = document.title.replace(/^Error: /, '');
}

/** Build the whole page for a rule set: banner, summary, form. Throws EngineError for a bad bundle. */
function useRuleSet(bundle, bundleName) {
  const spec = ruleSet(bundle);
  const ruleset = spec.ruleset ?? {};
  const model = renderForm(spec, { authority: AUTHORITY, onHint: `The date the band is worked out for; ages are counted on this date. This rule set covers ${period(covered(spec))}.` });
  model.byName = new Map(model.fields.map((f) => [f.name, f]));
  Object.assign(state, { bundle, bundleName, spec, model, last: null });

  $('banner-slot').replaceChildren(provenanceBanner(ruleset) ?? '');
  $('ruleset-summary').replaceChildren(ruleSetSummary(spec, { bundleName }));
  $('builtin-button').hidden = bundle === undefined;
  const under = (spec.versions ?? []).length > 1
    ? `the version of ${ruleset.authority ? `${ruleset.authority}'s` : 'these'} rules in force on the assessment date`
    : ruleset.title ?? ruleset.id;
  $('form-lede').textContent = `Answer the questions about the child to see the indicative band and funding under ${under}.`;
  $('form-slot').replaceChildren(model.form);
  $('result-view').replaceChildren();
  const on = defaultAssessmentDate(covered(spec));
  model.onField.fill(on);
  // While the SENDCo answers, the engine's code gets compiled fully (see warmUp).
  const idle = window.requestIdleCallback ?? ((run) => setTimeout(run, 50));
  idle(() => warmUp(spec, on, bundle), { timeout: 2000 });

  const refresh = () => updateVisibility(model);
  model.form.addEventListener('change', refresh);
  model.form.addEventListener('input', refresh);
  model.form.addEventListener('submit', (event) => {
    event.preventDefault();
    check();
  });
  updateVisibility(model);
  resetErrors();
  setTitle(TITLE);
  setView('form');
}

/** Problems with the assessment date: the form's own checks first, then the engine's. */
function onProblems(model) {
  const answer = model.onField.read();
  const text = (message) => [{ field: model.onField, text: `Assessment date: ${message}` }];
  if (!answer) return text('enter the date to work the band out for');
  if (answer.problem) return text(answer.problem);
  const error = dateProblem(answer.typed, state.bundle);
  if (!error) return [];
  // The engine's not_in_force message names ids and ISO dates; say it the way the hint does.
  const covers = covered(state.spec);
  if (error.kind === 'not_in_force' && covers.effective_from) {
    return text(`must be in the period this rule set covers (${period(covers)}), not ${formatDate(answer.typed)}`);
  }
  return text(error.message);
}

/** Engine problems [{field, message}] as summary entries, in the order of the questions. */
function fieldProblems(model, list) {
  const order = new Map(model.fields.map((f, i) => [f.name, i]));
  return [...list]
    .sort((a, b) => (order.get(a.field) ?? Infinity) - (order.get(b.field) ?? Infinity))
    .map(({ field, message }) => {
      const target = model.byName.get(field);
      const shown = target && !target.group.hidden ? target : null;
      const label = target?.label ?? (field === '(profile)' ? 'The case' : field);
      const labelOf = (name) => model.byName.get(name)?.label ?? name;
      return { field: shown, text: errorText(target, label, message, labelOf) };
    });
}

function check() {
  const { model, bundle, spec } = state;
  resetErrors();
  const { entries, answers, problems: local } = collect(model);
  const profile = profileText(entries);
  try {
    const dateIssues = onProblems(model);
    // The form's own messages (an incomplete date) replace the engine's for the same question.
    const localNames = new Set(local.map((p) => p.field));
    const engine = problems(profile, bundle).filter((p) => !localNames.has(p.field));
    const all = [...dateIssues, ...fieldProblems(model, [...local, ...engine])];
    if (all.length) {
      reportProblems(all);
      return;
    }
    const on = model.onField.read().typed;
    showCheck({ spec, bundle, answers, on, profile });
  } catch (error) {
    reportEngineError(error, model);
  }
}

/** An engine's refusal, on the form with the question it is about; anything else is thrown. */
function reportEngineError(error, model) {
  if (!(error instanceof EngineError)) throw error;
  backToForm();
  const onKinds = ['invalid_date', 'not_in_force'];
  reportProblems(onKinds.includes(error.kind)
    ? [{ field: model.onField, text: `Assessment date: ${error.message}` }]
    : error.fields.length ? fieldProblems(model, error.fields) : [{ field: null, text: error.message }]);
}

/** Check your answers: each with a Change link, then the button that works out the band. */
function showCheck({ spec, bundle, answers, on, profile }) {
  const onRead = state.model.onField.read();
  const rows = [['Assessment date', onRead?.display ?? on, state.model.onField], ...answers];
  $('check-view').replaceChildren(renderCheck({
    rows,
    change: (field) => {
      backToForm();
      document.getElementById(field.firstControlId)?.focus();
    },
    confirm: () => result({ spec, bundle, answers, on, profile }),
  }));
  setTitle('Check your answers', { title: 'Check your answers' });
  setView('check');
  $('page-heading').focus();
}

/** Work out the result of checked answers and show it. */
function result({ spec, bundle, answers, on, profile }) {
  const { model } = state;
  try {
    const { decision, explanation } = decide(profile, on, bundle);
    showResult({ spec, decision, explanation, answers, on, profile });
    // The result is shown first; what would change it (many evaluations) follows a moment later.
    setTimeout(() => {
      const slot = $('what-if');
      if (!slot || state.last?.profile !== profile) return;
      slot.replaceWith(renderWhatIf(spec, decision, whatIf(profile, on, bundle)));
      performance.mark('sendband:what-if-shown');
    });
  } catch (error) {
    reportEngineError(error, model);
  }
}

function resultActions() {
  const button = (text, onClick, secondary = true) => {
    const el = h('button', { type: 'button', class: `govuk-button${secondary ? ' govuk-button--secondary' : ''}`, 'data-module': 'govuk-button', text });
    el.addEventListener('click', onClick);
    return el;
  };
  return h('div', { class: 'govuk-button-group sendband-no-print' },
    button('Save this case as a file', () => saveJson(state.last.profile, state.last.caseId), false),
    button('Print a summary', () => window.print()),
    button('Change the answers', () => backToForm()),
    button('Start a new case', () => {
      resetAll(state.model);
      state.model.onField.fill(defaultAssessmentDate(covered(state.spec)));
      backToForm();
    }));
}

function showResult({ spec, decision, explanation, answers, on, profile }) {
  state.last = { profile, caseId: decision.case_id };
  $('result-view').replaceChildren(renderResult({ spec, decision, explanation, answers, on, actions: resultActions() }));
  const caseId = decision.case_id;
  setTitle('Indicative result', caseId ? { caption: `Case ${caseId}`, title: `Indicative result for case ${caseId}` } : {});
  setView('result');
  $('page-heading').focus();
  performance.mark('sendband:result');
}

function backToForm() {
  resetErrors();
  setTitle(TITLE);
  setView('form');
  $('page-heading').focus();
}

async function chooseBundle(file) {
  resetErrors();
  try {
    useRuleSet(await file.text(), file.name);
  } catch (error) {
    const message = error instanceof EngineError ? error.message : `the file could not be read (${error.message})`;
    reportProblems([{ field: bundlePicker, text: `${bundlePicker.label}: ${message}` }]);
  }
}

async function openCase(file) {
  resetErrors();
  try {
    const values = flatten(parseExact(await file.text()));
    const found = fillFrom(state.model, values);
    // Answers to the authority's own questions are not the school form's to show or send.
    const authorityOnly = (state.spec.inputs ?? []).filter((i) => i.authority_only && !AUTHORITY && found.includes(i.name));
    const unused = found.filter((name) => !authorityOnly.some((i) => i.name === name));
    backToForm();
    const problems = [];
    if (authorityOnly.length) {
      problems.push({ field: casePicker, text: `${casePicker.label}: ${authorityOnly.map((i) => i.label).join(' and ')} ${authorityOnly.length > 1 ? 'are' : 'is'} for the local authority to answer, so the school form leaves ${authorityOnly.length > 1 ? 'them' : 'it'} out` });
    }
    if (unused.length) {
      problems.push({ field: casePicker, text: `${casePicker.label}: could not fill in ${unused.join(', ')} (not a question of this rule set, or not one of its options); check the answers` });
    }
    if (problems.length) reportProblems(problems);
  } catch (error) {
    reportProblems([{ field: casePicker, text: `${casePicker.label}: the file is not a saved case (${error.message})` }]);
  }
}

async function boot() {
  new SkipLink(document.querySelector('.govuk-skip-link'));
  // After this visit the form loads and works with the network off (sw.js keeps its files).
  // Served from a file there is no worker, and the form still works while the page is open.
  if ('serviceWorker' in navigator && location.protocol.startsWith('http')) {
    navigator.serviceWorker.register('sw.js').catch(() => {});
  }
  $('builtin-button').addEventListener('click', () => {
    bundlePicker.clearFile();
    useRuleSet(undefined, null);
  });
  try {
    await start();
    useRuleSet(undefined, null);
    // The pickers appear once there is a form for them to act on.
    $('bundle-picker-slot').replaceChildren(bundlePicker.group);
    $('case-picker-slot').replaceChildren(casePicker.group);
    const engine = engineVersion();
    $('engine-version').textContent = `Rules engine version ${engine}, running in this browser.`;
  } catch (error) {
    $('loading-message').textContent = `The rules engine could not start: ${error.message}. Reload the page to try again.`;
    throw error;
  }
  document.documentElement.dataset.ready = 'true';
  performance.mark('sendband:ready');
}

boot();
