// GOV.UK error handling: the error summary at the top of the page and the error message on each
// question. Works on anything Field-shaped (questions, the assessment date, the file pickers).

import { ErrorSummary } from './govuk/govuk-frontend.min.js';
import { describedBy, h } from './dom.js';

const ERROR_INPUT_CLASS = { TEXTAREA: 'govuk-textarea--error' };
const marked = new Set();

function errorInputClass(el) {
  if (el.type === 'file') return 'govuk-file-upload--error';
  return ERROR_INPUT_CLASS[el.tagName] ?? 'govuk-input--error';
}

/** Put the error message on a question and mark its form group. */
function markField(field, text) {
  const id = `${field.id}-error`;
  let message = document.getElementById(id);
  if (message) {
    message.lastChild.textContent = `${message.lastChild.textContent}. ${text}`;
  } else {
    message = h('p', { id, class: 'govuk-error-message' },
      h('span', { class: 'govuk-visually-hidden', text: 'Error:' }), h('span', { text: ` ${text}` }));
    field.errorAfter.after(message);
    describedBy(field.describedEl, id, true);
  }
  field.group.classList.add('govuk-form-group--error');
  for (const el of field.errorInputs) el.classList.add(errorInputClass(el));
  marked.add(field);
}

/** Remove every error message and the summary. */
export function clearErrors(summarySlot) {
  for (const field of marked) {
    document.getElementById(`${field.id}-error`)?.remove();
    describedBy(field.describedEl, `${field.id}-error`, false);
    field.group.classList.remove('govuk-form-group--error');
    for (const el of field.errorInputs) el.classList.remove(errorInputClass(el));
  }
  marked.clear();
  summarySlot.replaceChildren();
}

/**
 * Show the error summary for [{field (Field or null), text}] and mark each field. The summary
 * links to each field's first control; GOV.UK's ErrorSummary focuses the summary and, when a link
 * is followed, moves focus to the control with its label or legend in view.
 */
export function showErrors(summarySlot, problems) {
  clearErrors(summarySlot);
  const list = h('ul', { class: 'govuk-list govuk-error-summary__list' });
  for (const { field, text } of problems) {
    list.append(h('li', {}, field ? h('a', { href: `#${field.firstControlId}`, text }) : text));
    if (field) markField(field, text);
  }
  const summary = h('div', { class: 'govuk-error-summary', 'data-module': 'govuk-error-summary' },
    h('div', { role: 'alert' },
      h('h2', { class: 'govuk-error-summary__title', text: 'There is a problem' }),
      h('div', { class: 'govuk-error-summary__body' }, list)));
  summarySlot.append(summary);
  new ErrorSummary(summary);
  return summary;
}
