// Files in and out, all on this computer: the file pickers (a rule-set bundle, a saved case) and
// "Save this case as a file". Nothing is kept in the browser between visits.

import { h } from './dom.js';

/**
 * A GOV.UK file upload question, Field-shaped so errors.js can mark it. `onFile(file)` runs when a
 * file is chosen.
 */
export function filePicker({ id, label, hint, accept, onFile }) {
  const hint_ = h('div', { id: `${id}-hint`, class: 'govuk-hint', text: hint });
  const labelEl = h('label', { class: 'govuk-label govuk-label--s', for: id, text: label });
  const input = h('input', { class: 'govuk-file-upload', id, name: id, type: 'file', accept, 'aria-describedby': hint_.id });
  input.addEventListener('change', () => {
    const [file] = input.files;
    if (file) onFile(file);
  });
  const group = h('div', { class: 'govuk-form-group', id: `${id}-group` }, labelEl, hint_, input);
  return {
    id, label, group, input,
    firstControlId: id,
    describedEl: input,
    errorAfter: hint_,
    errorInputs: [input],
    clearFile() {
      input.value = '';
    },
  };
}

let lastUrl = null;

/** Download `text` as a JSON file named after the case. */
export function saveJson(text, caseId) {
  const safe = String(caseId ?? '').replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '');
  // One object URL at a time: the previous download has long started when the next is asked for.
  if (lastUrl) URL.revokeObjectURL(lastUrl);
  lastUrl = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const link = h('a', { href: lastUrl, download: `${safe || 'case'}.json`, class: 'govuk-visually-hidden', text: 'Download' });
  document.body.append(link);
  link.click();
  link.remove();
}
