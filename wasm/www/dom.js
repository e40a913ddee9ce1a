// Small DOM helpers shared by the form's modules.
// Everything that may come from a rule set goes in as text nodes: these helpers never parse HTML.

/**
 * Create an element. `attrs` keys: `class` (string), `text` (textContent), `hidden` (boolean),
 * `data` (dataset entries), anything else via setAttribute (skipped when null/undefined/false).
 * Children are nodes or strings (strings become text nodes).
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key === 'hidden') el.hidden = Boolean(value);
    else if (key === 'data') Object.assign(el.dataset, value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, ...children);
  return el;
}

/** Append nodes and strings (as text), skipping null/undefined/false. */
export function append(parent, ...children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** Remove all children. */
export function clear(el) {
  el.replaceChildren();
  return el;
}

/** Add or remove ids in an element's aria-describedby list, keeping the others. */
export function describedBy(el, id, on) {
  const ids = new Set((el.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean));
  if (on) ids.add(id);
  else ids.delete(id);
  if (ids.size) el.setAttribute('aria-describedby', [...ids].join(' '));
  else el.removeAttribute('aria-describedby');
}

/** A GOV.UK summary list from [key, value] pairs; values may be nodes or strings. */
export function summaryList(rows, extraClass = '') {
  return h('dl', { class: `govuk-summary-list ${extraClass}`.trim() },
    rows.map(([key, value]) => h('div', { class: 'govuk-summary-list__row' },
      h('dt', { class: 'govuk-summary-list__key', text: key }),
      h('dd', { class: 'govuk-summary-list__value' }, value))));
}

/** A GOV.UK warning text. */
export function warningText(text) {
  return h('div', { class: 'govuk-warning-text' },
    h('span', { class: 'govuk-warning-text__icon', 'aria-hidden': 'true', text: '!' }),
    h('strong', { class: 'govuk-warning-text__text' },
      h('span', { class: 'govuk-visually-hidden', text: 'Warning' }), text));
}
