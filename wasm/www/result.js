// Renders a Decision: the headline panel (main family's band and amount), one section per family
// with outputs, flags and reasons, the answers given, the full explanation and the rule set used.

import { h, summaryList } from './dom.js';
import { formatDate } from './dates.js';
import { Num } from './profile.js';
import { provenanceResultWarning, provenanceWords } from './ruleset.js';

const STATUS = {
  applied: ['Applies', 'govuk-tag--green'],
  not_applicable: ['Does not apply to this case', 'govuk-tag--grey'],
  ineligible: ['Not eligible', 'govuk-tag--orange'],
  error: ['Could not be decided', 'govuk-tag--red'],
};

/** "4000.00" as "£4,000.00", from the exact string: digits are regrouped, never converted. */
export function formatMoney(value) {
  const text = String(value);
  const match = /^(-?)(\d+)(\.\d+)?$/.exec(text);
  if (!match) return text;
  const [, sign, whole, fraction = ''] = match;
  return `${sign}£${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${fraction}`;
}

/** Engine words such as "not_met" read as "Not met"; bands and names are left alone. */
function words(text) {
  return /^[a-z][a-z0-9_]*$/.test(text) ? (text[0].toUpperCase() + text.slice(1)).replaceAll('_', ' ') : text;
}

export function formatOutput(value, format) {
  if (value === null || value === undefined) return 'Not decided';
  if (Array.isArray(value)) return value.length ? value.map((v) => formatOutput(v, 'text')).join(', ') : 'None';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (format === 'money') return formatMoney(value);
  if (format === 'date') return formatDate(value);
  if (value instanceof Num || typeof value !== 'string') return String(value);
  return words(value);
}

/** Families in the rule set's order, then any others the decision has. */
function families(spec, decision) {
  const results = decision.results ?? {};
  const known = (spec.families ?? []).filter((f) => f.name in results);
  const extra = Object.keys(results).filter((name) => !known.some((f) => f.name === name))
    .map((name) => ({ name, title: name, outputs: [] }));
  return [...known, ...extra].map((family) => ({ ...family, result: results[family.name] }));
}

function outputSpecs(family) {
  const specs = [...(family.outputs ?? [])];
  for (const name of Object.keys(family.result.outputs ?? {})) {
    if (!specs.some((o) => o.name === name)) specs.push({ name, label: null, format: 'text' });
  }
  return specs;
}

function outputLabel(o) {
  return o.label ?? words(o.name);
}

/**
 * The headline: the first family that applied and has a band or amount; failing that the first
 * family, showing its first text output and its money outputs.
 */
function headline(list) {
  const has = (f, name) => Object.hasOwn(f.result.outputs ?? {}, name);
  const main = list.find((f) => f.result.status === 'applied' && (has(f, 'band') || has(f, 'amount'))) ?? list[0];
  if (!main) return null;
  const specs = outputSpecs(main);
  const outputs = main.result.outputs ?? {};
  const band = specs.find((o) => o.name === 'band') ?? specs.find((o) => o.format === 'text');
  const amounts = specs.some((o) => o.name === 'amount')
    ? specs.filter((o) => o.name === 'amount')
    : specs.filter((o) => o.format === 'money');
  const title = main.result.status !== 'applied'
    ? `${main.title}: ${STATUS[main.result.status]?.[0] ?? main.result.status}`
    : band ? `${outputLabel(band)}: ${outputs[band.name] == null ? 'none' : formatOutput(outputs[band.name], band.format)}`
      : main.title;
  const body = amounts.filter((o) => outputs[o.name] != null)
    .map((o) => h('p', { class: 'sendband-panel-amount' }, `${outputLabel(o)}: `, h('strong', { text: formatOutput(outputs[o.name], 'money') })));
  // Green is for funding that applies; a band with no money, or no band, is told plainly.
  const funded = amounts.some((o) => outputs[o.name] != null && /[1-9]/.test(String(outputs[o.name])));
  const style = main.result.status === 'applied' && funded ? 'govuk-panel--confirmation' : 'govuk-panel--interruption';
  return h('div', { class: `govuk-panel ${style} sendband-panel`, id: 'result-panel' },
    h('h2', { class: 'govuk-panel__title', text: title }),
    h('div', { class: 'govuk-panel__body' }, body.length ? body : (main.result.status === 'applied' ? null : 'No amount')));
}

/**
 * The descriptors that counted towards each score of a family's decision, with their points:
 * `Communication and interaction: Level 3: Severe, 12 points`, by the rule set's labels.
 */
function descriptors(spec, result) {
  const inputs = new Map((spec.inputs ?? []).map((i) => [i.name, i]));
  return (result.trace ?? []).filter((t) => t.kind === 'score' && Array.isArray(t.parts)).flatMap((t) => {
    const lines = t.parts.filter((p) => String(p.weight) !== '0').map((p) => {
      const input = inputs.get(p.input);
      const level = (input?.levels ?? []).find((l) => String(l.level) === String(p.level));
      const levelText = level?.label ? `Level ${p.level}: ${level.label}` : `Level ${p.level}`;
      return `${input?.label ?? p.input}: ${levelText}, ${p.weight} points${p.counted ? '' : ' (not counted)'}`;
    });
    return lines.length ? [
      h('h3', { class: 'govuk-heading-s', text: `Descriptors that counted (${t.value} points in all)` }),
      h('ul', { class: 'govuk-list govuk-list--bullet sendband-descriptors' }, lines.map((l) => h('li', { text: l }))),
    ] : [];
  });
}

function familySection(family, index, spec) {
  const { result } = family;
  const [statusText, statusClass] = STATUS[result.status] ?? [String(result.status), 'govuk-tag--grey'];
  const headingId = `family-${index}`;
  const outputs = result.outputs ?? {};
  const rows = outputSpecs(family)
    .filter((o) => result.status === 'applied' || outputs[o.name] != null)
    .map((o) => [outputLabel(o), formatOutput(outputs[o.name], o.format)]);
  const flags = result.flags ?? [];
  const reasons = result.reasons ?? [];
  return h('section', { class: 'sendband-family', 'aria-labelledby': headingId, data: { family: family.name, status: result.status } },
    h('h2', { class: 'govuk-heading-m', id: headingId, text: family.title ?? family.name }),
    h('p', { class: 'govuk-body' }, h('strong', { class: `govuk-tag sendband-status ${statusClass}`, text: statusText })),
    rows.length ? summaryList(rows, 'sendband-outputs') : null,
    flags.length ? h('p', { class: 'govuk-body' }, 'Flags: ',
      flags.map((f) => h('strong', { class: 'govuk-tag govuk-tag--yellow sendband-flag', text: words(String(f)) }))) : null,
    reasons.length ? h('h3', { class: 'govuk-heading-s', text: 'Why' }) : null,
    reasons.length ? h('ul', { class: 'govuk-list govuk-list--bullet sendband-reasons' }, reasons.map((r) => h('li', { text: r }))) : null,
    result.status === 'applied' ? descriptors(spec, result) : null);
}

/**
 * What would change the result: for each family the engine found changes for, its title and one
 * sentence a change (the engine's own words, in the rule set's labels). Shown and printed. With
 * `whatIf` null, the section that says it is being worked out (app.js replaces it).
 */
export function renderWhatIf(spec, decision, whatIf) {
  const heading = h('h2', { class: 'govuk-heading-m', id: 'what-if-heading', text: 'What would change the result' });
  if (!whatIf) {
    return h('section', { class: 'sendband-what-if', id: 'what-if', 'aria-labelledby': 'what-if-heading', 'aria-busy': 'true' },
      heading, h('p', { class: 'govuk-body', text: 'Working this out…' }));
  }
  const found = families(spec, decision).filter((f) => (whatIf[f.name] ?? []).length);
  return h('section', { class: 'sendband-what-if', id: 'what-if', 'aria-labelledby': 'what-if-heading', data: { done: 'true' } },
    heading,
    found.length
      ? h('p', { class: 'govuk-body', text: 'Each line is one change to the answers, on its own, with the rules run again. It shows how the rules work; it is not advice on what the child needs.' })
      : h('p', { class: 'govuk-body', text: 'No change to one or two of the answers would give another result.' }),
    found.flatMap((f) => [
      h('h3', { class: 'govuk-heading-s', text: f.title ?? f.name }),
      h('ul', { class: 'govuk-list govuk-list--bullet', data: { family: f.name } },
        whatIf[f.name].map((s) => h('li', { text: s.says }))),
    ]));
}

/**
 * The result view's content. `actions` is the button group app.js wires up; it goes after the
 * headline so Save and Print are in reach without scrolling.
 */
export function renderResult({ spec, decision, explanation, answers, on, actions }) {
  const list = families(spec, decision);
  const r = decision.ruleset ?? {};
  const ruleset = spec.ruleset ?? {};
  const caseRows = [
    ['Case reference', decision.case_id ?? 'Not given'],
    ['Assessment date', formatDate(decision.on ?? on)],
    // The title of the version that decided, which a date may have picked among several.
    ['Rule set', `${(spec.versions ?? []).find((v) => v.version === r.version)?.title ?? ruleset.title ?? r.id} (${r.id}, version ${r.version})`],
    ['Figures', provenanceWords(r.provenance)],
    ['Digest', h('code', { class: 'sendband-digest', text: r.digest ?? '' })],
  ];
  return h('div', { class: 'sendband-result' },
    provenanceResultWarning({ ...ruleset, provenance: r.provenance ?? ruleset.provenance }),
    headline(list),
    actions,
    h('h2', { class: 'govuk-heading-m', text: 'Case' }),
    summaryList(caseRows, 'sendband-case'),
    list.map((family, index) => familySection(family, index, spec)),
    renderWhatIf(spec, decision, null),
    h('section', { class: 'sendband-answers', 'aria-labelledby': 'answers-heading' },
      h('h2', { class: 'govuk-heading-m', id: 'answers-heading', text: 'Answers given' }),
      answers.length ? summaryList(answers) : h('p', { class: 'govuk-body', text: 'No answers were given.' })),
    h('details', { class: 'govuk-details sendband-explanation-details' },
      h('summary', { class: 'govuk-details__summary' }, h('span', { class: 'govuk-details__summary-text', text: 'Full explanation' })),
      h('div', { class: 'govuk-details__text' }, h('pre', { class: 'sendband-explanation', text: explanation }))));
}
