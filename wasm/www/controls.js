// The GOV.UK controls the form is made of (radios, date input, text input), each wrapped as a
// Field: its markup plus read() and fill() so the rest of the app never looks inside the markup.
//
// A Field: {input, name, label, id, group, firstControlId, describedEl, errorAfter, errorInputs,
//   read() -> undefined (unanswered) | {json, display, typed, problem?}, fill(value) -> boolean}

import { h } from './dom.js';
import { assembleDate, formatDate, splitDate } from './dates.js';
import { Num, numberJson } from './profile.js';

/** A number from a spec value (number, Num or numeric string); NaN when it is none. */
export function numberOf(value) {
  return Number(value instanceof Num ? value.source : value);
}

function labelText(input) {
  return input.required ? input.label : `${input.label} (optional)`;
}

function hintEl(id, text) {
  return text ? h('div', { id: `${id}-hint`, class: 'govuk-hint', text }) : null;
}

/**
 * Radios in a fieldset. items: [{value, json, label, hint?, typed}]. `other` adds "Another value"
 * with a revealed text box, for level inputs that accept numbers between the levels. Optional
 * questions without a default get "Not answered", because a chosen radio cannot be unchosen.
 */
export function radiosField(input, id, items, { hint, inline = false, other = false }) {
  const hint_ = hintEl(id, hint);
  const legend = h('legend', { class: 'govuk-fieldset__legend govuk-fieldset__legend--s', text: labelText(input) });
  const radios = h('div', { class: `govuk-radios${inline ? ' govuk-radios--inline' : ''}`, 'data-module': 'govuk-radios' });
  const controls = [];
  const option = (item, n) => {
    const itemId = n === 0 ? id : `${id}-${n + 1}`;
    const hintId = item.hint ? `${itemId}-item-hint` : null;
    const control = h('input', { class: 'govuk-radios__input', id: itemId, name: id, type: 'radio', value: item.value, 'aria-describedby': hintId });
    control.item = item;
    controls.push(control);
    return h('div', { class: 'govuk-radios__item' }, control,
      h('label', { class: 'govuk-label govuk-radios__label', for: itemId, text: item.label }),
      hintId ? h('div', { id: hintId, class: 'govuk-hint govuk-radios__hint', text: item.hint }) : null);
  };
  items.forEach((item, n) => radios.append(option(item, n)));

  let otherControl = null;
  let otherBox = null;
  const unanswerable = !input.required && (input.default === undefined || input.default === null);
  if (other || unanswerable) radios.append(h('div', { class: 'govuk-radios__divider', text: 'or' }));
  if (other) {
    const boxId = `${id}-other`;
    const conditionalId = `${id}-other-conditional`;
    const whole = input.type === 'integer';
    otherBox = h('input', { class: 'govuk-input govuk-input--width-5', id: boxId, name: boxId, type: 'text', inputmode: whole ? 'numeric' : 'decimal', spellcheck: 'false', 'aria-describedby': `${boxId}-hint` });
    radios.append(option({ value: '__other', label: 'Another value' }, controls.length));
    otherControl = controls[controls.length - 1];
    otherControl.setAttribute('aria-controls', conditionalId);
    const conditional = h('div', { class: 'govuk-radios__conditional govuk-radios__conditional--hidden', id: conditionalId },
      h('div', { class: 'govuk-form-group' },
        h('label', { class: 'govuk-label', for: boxId, text: 'Value' }),
        h('div', { class: 'govuk-hint', id: `${boxId}-hint`, text: whole ? 'A whole number.' : 'A number.' }), otherBox));
    radios.append(conditional);
    // Revealed only while "Another value" is chosen, as GOV.UK conditional radios do.
    radios.addEventListener('change', () => {
      conditional.classList.toggle('govuk-radios__conditional--hidden', !otherControl.checked);
    });
  }
  if (unanswerable) radios.append(option({ value: '', label: 'Not answered' }, controls.length));

  const fieldset = h('fieldset', { class: 'govuk-fieldset', 'aria-describedby': hint_ ? hint_.id : null }, legend, hint_, radios);
  const group = h('div', { class: 'govuk-form-group', id: `${id}-group` }, fieldset);

  return {
    input, name: input.name, label: input.label, id, group, items,
    firstControlId: id,
    describedEl: fieldset,
    errorAfter: hint_ ?? legend,
    errorInputs: otherBox ? [otherBox] : [],
    read() {
      const chosen = controls.find((c) => c.checked);
      if (!chosen || chosen.value === '') return undefined;
      if (chosen === otherControl) {
        const typed = otherBox.value.trim();
        if (!typed) return { json: 'null', display: '', typed: undefined, problem: 'enter a value or choose one of the options' };
        return { json: numberJson(typed), display: typed, typed: Number(typed) };
      }
      return { json: chosen.item.json, display: chosen.item.label, typed: chosen.item.typed };
    },
    fill(value) {
      if (value === null || value === undefined) return true;
      const text = String(value);
      const match = controls.find((c) => c !== otherControl && c.value !== '' && c.value === text);
      if (match) match.checked = true;
      else if (otherControl && (value instanceof Num || typeof value === 'string')) {
        otherControl.checked = true;
        otherBox.value = text;
      } else return false;
      radios.dispatchEvent(new Event('change', { bubbles: true }));
      return true;
    },
    reset() {
      for (const c of controls) c.checked = false;
      if (otherBox) otherBox.value = '';
      radios.dispatchEvent(new Event('change', { bubbles: true }));
    },
  };
}

/** A GOV.UK date input (day, month, year) assembled to YYYY-MM-DD. */
export function dateField(input, id, { hint, legendClass = 'govuk-fieldset__legend--s' }) {
  const hintText = [hint, 'For example, 14 2 2016.'].filter(Boolean).join(' ');
  const hint_ = hintEl(id, hintText);
  const legend = h('legend', { class: `govuk-fieldset__legend ${legendClass}`, text: labelText(input) });
  const box = (part, label, width) => {
    const boxId = `${id}-${part}`;
    const el = h('input', { class: `govuk-input govuk-date-input__input ${width}`, id: boxId, name: boxId, type: 'text', inputmode: 'numeric', spellcheck: 'false' });
    return { el, item: h('div', { class: 'govuk-date-input__item' },
      h('div', { class: 'govuk-form-group' },
        h('label', { class: 'govuk-label govuk-date-input__label', for: boxId, text: label }), el)) };
  };
  const day = box('day', 'Day', 'govuk-input--width-2');
  const month = box('month', 'Month', 'govuk-input--width-2');
  const year = box('year', 'Year', 'govuk-input--width-4');
  const fieldset = h('fieldset', { class: 'govuk-fieldset', role: 'group', 'aria-describedby': hint_.id }, legend, hint_,
    h('div', { class: 'govuk-date-input', id }, day.item, month.item, year.item));
  const group = h('div', { class: 'govuk-form-group', id: `${id}-group` }, fieldset);

  return {
    input, name: input.name, label: input.label, id, group,
    firstControlId: `${id}-day`,
    describedEl: fieldset,
    errorAfter: hint_,
    errorInputs: [day.el, month.el, year.el],
    read() {
      const date = assembleDate({ day: day.el.value, month: month.el.value, year: year.el.value });
      if (!date) return undefined;
      return { json: JSON.stringify(date.value), display: date.problem ? date.value : formatDate(date.value), typed: date.value, problem: date.problem };
    },
    fill(value) {
      if (value === null || value === undefined) return true;
      const parts = splitDate(String(value));
      if (!parts) return false;
      day.el.value = parts.day;
      month.el.value = parts.month;
      year.el.value = parts.year;
      return true;
    },
    reset() {
      day.el.value = '';
      month.el.value = '';
      year.el.value = '';
    },
  };
}

const WIDTHS = { integer: 'govuk-input--width-5', decimal: 'govuk-input--width-5', money: 'govuk-input--width-10' };

/** A text input (numbers, money with a £ prefix, text) or, for long text, a textarea. */
export function textField(input, id, { hint }) {
  const hint_ = hintEl(id, hint);
  const label = h('label', { class: 'govuk-label govuk-label--s', for: id, text: labelText(input) });
  const type = input.type;
  const numeric = type === 'integer' || type === 'decimal' || type === 'money';
  const long = type === 'string' && numberOf(input.max_length ?? 0) > 100;
  let control;
  if (long) {
    control = h('textarea', { class: 'govuk-textarea', id, name: id, rows: 3, 'aria-describedby': hint_?.id });
  } else {
    const maxLength = numberOf(input.max_length ?? 0);
    const width = numeric ? WIDTHS[type] : maxLength && maxLength <= 10 ? 'govuk-input--width-10' : 'govuk-input--width-20';
    control = h('input', {
      class: `govuk-input ${width}`, id, name: id, type: 'text', spellcheck: 'false',
      inputmode: numeric ? (type === 'integer' ? 'numeric' : 'decimal') : null,
      'aria-describedby': hint_?.id,
    });
  }
  const body = type === 'money'
    ? h('div', { class: 'govuk-input__wrapper' }, h('div', { class: 'govuk-input__prefix', 'aria-hidden': 'true', text: '£' }), control)
    : control;
  const group = h('div', { class: 'govuk-form-group', id: `${id}-group` }, label, hint_, body);

  return {
    input, name: input.name, label: input.label, id, group,
    firstControlId: id,
    describedEl: control,
    errorAfter: hint_ ?? label,
    errorInputs: [control],
    read() {
      const typed = control.value.trim();
      if (!typed) return undefined;
      if (!numeric) return { json: JSON.stringify(typed), display: typed, typed };
      const shown = type === 'money' ? `£${typed.replace(/^£\s*/, '')}` : typed;
      return { json: numberJson(typed, { money: type === 'money' }), display: shown, typed: Number(typed) };
    },
    fill(value) {
      if (value === null || value === undefined) return true;
      if (typeof value === 'object' && !(value instanceof Num)) return false;
      control.value = String(value);
      return true;
    },
    reset() {
      control.value = '';
    },
  };
}
