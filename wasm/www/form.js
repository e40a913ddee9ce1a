// Generates the case form from the rule set's declared inputs (inputs().inputs): one GOV.UK
// question per input, grouped by section. Each question is returned as a Field (see controls.js).

import { h } from './dom.js';
import { dateField, numberOf, radiosField, textField } from './controls.js';

/**
 * Build the form element for a spec. Returns {form, fields, onField, submit}; `fields` are in page
 * order, `onField` is the assessment date (not part of the profile). Inputs the rule set keeps for
 * the local authority (`authority_only`, such as a panel override) are asked only when `authority`.
 */
export function renderForm(spec, { onHint, authority = false }) {
  const ids = new Set();
  const idFor = (name) => {
    const base = `f-${name.replace(/[^A-Za-z0-9_-]+/g, '-')}`;
    let id = base;
    for (let n = 2; ids.has(id); n += 1) id = `${base}-${n}`;
    ids.add(id);
    return id;
  };

  const onField = dateField({ name: 'on', label: 'Assessment date', required: true },
    idFor('on'), { hint: onHint, legendClass: 'govuk-fieldset__legend--m' });
  const form = h('form', { id: 'case-form', novalidate: true, autocomplete: 'off', class: 'sendband-case-form' },
    onField.group);

  const fields = [];
  let section = null;
  let sectionName;
  let index = 0;
  for (const input of spec.inputs ?? []) {
    if (input.authority_only && !authority) continue;
    if (!section || (input.section ?? '') !== sectionName) {
      sectionName = input.section ?? '';
      index += 1;
      const headingId = `section-${index}`;
      section = h('section', { class: 'sendband-section', 'aria-labelledby': sectionName ? headingId : null },
        sectionName ? h('h2', { class: 'govuk-heading-m', id: headingId, text: sectionName }) : null);
      section.fields = [];
      form.append(section);
    }
    const field = fieldFor(input, idFor(input.name));
    field.section = section;
    section.fields.push(field);
    section.append(field.group);
    fields.push(field);
  }

  const submit = h('button', { type: 'submit', class: 'govuk-button', 'data-module': 'govuk-button', text: 'Continue' });
  form.append(h('div', { class: 'govuk-button-group sendband-no-print' }, submit));
  return { form, fields, onField, submit };
}

/** The question, with `defaultShown`: what an unanswered question counts as, in its own words. */
function fieldFor(input, id) {
  const field = questionFor(input, id);
  field.defaultShown = defaultShown(input, field.items);
  return field;
}

function questionFor(input, id) {
  const type = input.type;
  if (type === 'date') return dateField(input, id, { hint: hintFor(input) });
  if (type === 'enum') {
    const items = (input.values ?? []).map((v) => ({ value: String(v.value), json: JSON.stringify(v.value), label: v.label ?? String(v.value), hint: v.help, typed: v.value }));
    return radiosField(input, id, items, { hint: hintFor(input, items) });
  }
  if (type === 'boolean') {
    const items = [
      { value: 'true', json: 'true', label: 'Yes', typed: true },
      { value: 'false', json: 'false', label: 'No', typed: false },
    ];
    return radiosField(input, id, items, { hint: hintFor(input, items), inline: true });
  }
  if (Array.isArray(input.levels) && input.levels.length && isNumeric(type)) {
    const items = levelItems(input.levels);
    return radiosField(input, id, items, { hint: hintFor(input, items), other: !levelsCoverRange(input) });
  }
  if (Array.isArray(input.one_of) && input.one_of.length) {
    const items = input.one_of.map((n) => ({ value: String(n), json: String(n), label: moneyOrNumber(input, n), typed: numberOf(n) }));
    return radiosField(input, id, items, { hint: hintFor(input, items), inline: items.length <= 4 });
  }
  return textField(input, id, { hint: hintFor(input) });
}

function isNumeric(type) {
  return type === 'integer' || type === 'decimal' || type === 'money';
}

/**
 * Need levels 0..4 read best as "Level 3: Severe"; levels that are not a plain count (months of
 * development: 0, 8, 16...) are shown by their own label only.
 */
function levelItems(levels) {
  const numbers = levels.map((l) => numberOf(l.level));
  const counting = numbers.every((n, i) => n === numbers[0] + i) && (numbers[0] === 0 || numbers[0] === 1);
  return levels.map((l) => ({
    value: String(l.level),
    json: String(l.level),
    label: counting ? (l.label ? `Level ${l.level}: ${l.label}` : `Level ${l.level}`) : (l.label ?? String(l.level)),
    hint: l.descriptor,
    typed: numberOf(l.level),
  }));
}

/** True when every allowed whole number has a level, so the radios need no "another number". */
function levelsCoverRange(input) {
  if (input.min === undefined || input.max === undefined) return false;
  const min = numberOf(input.min);
  const max = numberOf(input.max);
  if (!Number.isFinite(min) || !Number.isFinite(max) || max - min > 1000) return false;
  const levels = new Set(input.levels.map((l) => numberOf(l.level)));
  for (let n = min; n <= max; n += 1) if (!levels.has(n)) return false;
  return true;
}

function moneyOrNumber(input, n) {
  return input.type === 'money' ? `£${n}` : String(n);
}

/** What an unanswered question counts as: its default as the form shows it, or null for none. */
function defaultShown(input, items) {
  if (input.default === undefined || input.default === null) return null;
  const item = items?.find((i) => String(i.value) === String(input.default));
  if (item) return item.label;
  return input.type === 'money' ? `£${input.default}` : String(input.default);
}

/** The hint: the input's help, then what an unanswered question counts as. */
function hintFor(input, items) {
  const parts = [];
  if (input.help) parts.push(input.help);
  const shown = defaultShown(input, items);
  if (shown !== null) parts.push(`If not answered: ${shown}.`);
  return parts.join(' ');
}
