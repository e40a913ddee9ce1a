// GOV.UK "Check your answers": every question on show with its answer (or what an unanswered one
// is taken as) and a Change link back to it, then the button that works out the band.

import { h } from './dom.js';

/**
 * The check view's content. `rows` are [label, answer, field]; `change(field)` goes back to the
 * form at that question; `confirm()` works out the result.
 */
export function renderCheck({ rows, change, confirm }) {
  const list = h('dl', { class: 'govuk-summary-list sendband-check' },
    rows.map(([label, answer, field]) => {
      const link = h('a', { class: 'govuk-link', href: `#${field.firstControlId}` },
        'Change', h('span', { class: 'govuk-visually-hidden', text: ` ${label.charAt(0).toLowerCase()}${label.slice(1)}` }));
      link.addEventListener('click', (event) => {
        event.preventDefault();
        change(field);
      });
      return h('div', { class: 'govuk-summary-list__row' },
        h('dt', { class: 'govuk-summary-list__key', text: label }),
        h('dd', { class: 'govuk-summary-list__value', text: answer }),
        h('dd', { class: 'govuk-summary-list__actions' }, link));
    }));
  const button = h('button', { type: 'button', class: 'govuk-button', 'data-module': 'govuk-button', id: 'confirm-button', text: 'Check the indicative band' });
  button.addEventListener('click', () => confirm());
  return h('div', {},
    h('p', { class: 'govuk-body', text: 'Check the answers before the band is worked out. Questions not answered are taken as the rule set says.' }),
    list,
    h('div', { class: 'govuk-button-group sendband-no-print' }, button));
}
