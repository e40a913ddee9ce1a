// The playground's edit forms, made from the rule set's bundle: a field for each constant, lookup
// value, score weight, range bound and table cell, in the rule set's own words. changes() gives
// the fields that differ from the base as the rule changes the engine applies, in order, each
// the change an extending version would write; the engine checks them as it checks a rule file.

import { h } from '../dom.js';

const text = (v) => (v === null || v === undefined ? '' : String(v));
let counter = 0;
const nextId = () => `edit-${++counter}`;

/** A step's name for people: `annual_value` → "Annual value". */
function words(name) {
  const s = name.replace(/[_.]+/g, ' ').trim();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * The edit forms for `bundle`; `onEdit()` is called after each keystroke. Returns {element,
 * changes(), mark(index, message), unmark()}: changes() lists the rule changes, and mark()
 * shows an engine's refusal on the fields of change `index`.
 */
export function makeEditors(bundle, onEdit) {
  const inputs = new Map(bundle.inputs.map((i) => [i.name, i]));
  const groups = [];
  const element = h('div', { class: 'sendband-editors' });

  const field = (group, original, label, extra = {}) => {
    const id = nextId();
    const el = h('input', {
      class: 'govuk-input sendband-cell', id, type: 'text', inputmode: extra.wide ? null : 'decimal',
      spellcheck: 'false', 'aria-label': label, title: extra.title, value: text(original),
    });
    if (extra.wide) el.classList.add('sendband-cell--wide');
    el.addEventListener('input', () => onEdit());
    group.fields.push({ el, original: text(original), ...extra.at });
    return el;
  };

  const fieldset = (legend, hint, ...body) => {
    const hintId = hint ? nextId() : null;
    return h('fieldset', { class: 'govuk-fieldset sendband-edit-group', 'aria-describedby': hintId },
      h('legend', { class: 'govuk-fieldset__legend govuk-fieldset__legend--s', text: legend }),
      hint ? h('div', { class: 'govuk-hint', id: hintId, text: hint }) : null,
      h('p', { class: 'govuk-error-message', hidden: true }),
      ...body);
  };

  const constants = Object.entries(bundle.manifest.constants ?? {});
  if (constants.length) {
    // One box for all the constants; each is a change of its own.
    const named = constants.map(([name, value]) => ({ kind: 'constant', name, value, fields: [] }));
    const box = fieldset('Constants', 'Numbers the rules use by name.',
      h('table', { class: 'govuk-table sendband-grid' }, h('tbody', {}, named.map((group) => h('tr', {},
        h('th', { scope: 'row', text: words(group.name) }),
        h('td', {}, field(group, group.value, `Constant ${words(group.name)}`)))))));
    for (const group of named) groups.push(Object.assign(group, { box }));
    element.append(h('h3', { class: 'govuk-heading-s', text: 'Constants' }), box);
  }

  for (const family of bundle.families) {
    const section = h('div', { class: 'sendband-edit-family' },
      h('h3', { class: 'govuk-heading-s', text: family.title }));
    let any = false;
    for (const step of family.steps) {
      const group = { family: family.name, step: step.name, fields: [] };
      let body = null;
      const legend = `${family.title}: ${words(step.name)}`;
      if (step.lookup) {
        group.kind = 'lookup';
        body = lookupGrid(step.lookup, group, field, inputs);
      } else if (step.score) {
        group.kind = 'weights';
        body = weightsGrid(step.score, group, field, inputs);
      } else if (step.ranges) {
        group.kind = 'ranges';
        body = rangesGrid(step.ranges, group, field);
      } else if (step.table) {
        group.kind = 'rows';
        group.rows = step.table.rows;
        body = tableGrid(step.table, group, field);
      }
      if (!body) continue;
      group.box = fieldset(legend, step.note ?? step.reason ?? null, body);
      groups.push(group);
      section.append(group.box);
      any = true;
    }
    if (any) element.append(section);
  }

  /** The rule changes the fields make, in the order of the rule set; each group's index. */
  function changes() {
    const list = [];
    for (const group of groups) {
      group.index = null;
      const changed = group.fields.filter((f) => f.el.value.trim() !== f.original);
      if (!changed.length) continue;
      const change = changeOf(group, changed);
      group.index = list.length;
      list.push(change);
    }
    return list;
  }

  function unmark() {
    for (const group of groups) {
      group.box.classList.remove('govuk-form-group--error');
      const message = group.box.querySelector(':scope > .govuk-error-message');
      message.hidden = true;
      for (const f of group.fields) f.el.removeAttribute('aria-invalid');
    }
  }

  /** Show `message` on the group whose change is `index`; returns the first field marked. */
  function mark(index, message) {
    const group = groups.find((g) => g.index === index);
    if (!group) return null;
    group.box.classList.add('govuk-form-group--error');
    const slot = group.box.querySelector(':scope > .govuk-error-message');
    slot.replaceChildren(h('span', { class: 'govuk-visually-hidden', text: 'Error:' }), ` ${message}`);
    slot.hidden = false;
    const changed = group.fields.filter((f) => f.el.value.trim() !== f.original);
    for (const f of changed) f.el.setAttribute('aria-invalid', 'true');
    return (changed[0] ?? group.fields[0])?.el ?? null;
  }

  return { element, changes, mark, unmark };
}

/** The change a group's changed fields make. */
function changeOf(group, changed) {
  const value = (f) => {
    const v = f.el.value.trim();
    return v === '' && group.kind === 'lookup' ? null : v;
  };
  if (group.kind === 'constant') return { constant: group.name, to: value(changed[0]) };
  const change = { family: group.family, step: group.step };
  if (group.kind === 'lookup') {
    change.values = {};
    for (const f of changed) {
      let at = change.values;
      f.path.slice(0, -1).forEach((k) => { at = at[k] ??= {}; });
      at[f.path[f.path.length - 1]] = value(f);
    }
  } else if (group.kind === 'weights') {
    change.weights = {};
    for (const f of changed) (change.weights[f.input] ??= {})[f.level] = value(f);
  } else if (group.kind === 'ranges') {
    change.ranges = {};
    for (const f of changed) (change.ranges[f.label] ??= {})[f.bound] = value(f);
  } else if (group.kind === 'rows') {
    change.rows = {};
    for (const f of changed) {
      const n = String(f.row + 1);
      const row = change.rows[n] ??= structuredClone(group.rows[f.row]);
      if (f.then !== undefined) row.then[f.then] = value(f);
      else if (f.cell !== undefined) row.when[f.cell] = value(f);
      else row.when = value(f);
    }
  }
  return change;
}

/** The label of a key's value: an input's value label, else the value itself. */
function keyLabel(inputs, key, value) {
  const input = inputs.get(key);
  return input?.values?.find((v) => v.value === value)?.label ?? value;
}

function lookupGrid(lookup, group, field, inputs) {
  const keys = lookup.keys;
  // Every path to a cell, in the lookup's order.
  const cells = [];
  const walk = (node, path) => {
    if (path.length === keys.length || node === null || typeof node !== 'object') {
      cells.push([path, node]);
      return;
    }
    for (const [k, v] of Object.entries(node)) walk(v, [...path, k]);
  };
  walk(lookup.values, []);
  const label = (path) => path.map((p, i) => `${words(keys[i])} ${keyLabel(inputs, keys[i], p)}`).join(', ');
  if (keys.length === 2) {
    const rowsOf = [...new Set(cells.map(([p]) => p[0]))];
    const colsOf = [...new Set(cells.map(([p]) => p[1]))];
    const at = new Map(cells.map(([p, v]) => [p.join('\u0000'), v]));
    return h('table', { class: 'govuk-table sendband-grid' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: words(keys[0]) }),
        colsOf.map((c) => h('th', { scope: 'col', text: keyLabel(inputs, keys[1], c) })))),
      h('tbody', {}, rowsOf.map((r) => h('tr', {},
        h('th', { scope: 'row', text: keyLabel(inputs, keys[0], r) }),
        colsOf.map((c) => {
          const key = `${r}\u0000${c}`;
          if (!at.has(key)) return h('td', {});
          return h('td', {}, field(group, at.get(key), label([r, c]), { at: { path: [r, c] } }));
        })))));
  }
  return h('table', { class: 'govuk-table sendband-grid' }, h('tbody', {}, cells.map(([p, v]) => h('tr', {},
    h('th', { scope: 'row', text: label(p) }),
    h('td', {}, field(group, v, label(p), { at: { path: p } }))))));
}

function weightsGrid(score, group, field, inputs) {
  const levels = [...new Set(score.weights.flatMap((w) => Object.keys(w.levels)))]
    .sort((a, b) => Number(a) - Number(b));
  return h('table', { class: 'govuk-table sendband-grid' },
    h('caption', { class: 'govuk-table__caption govuk-table__caption--s', text: 'Points for each level of need' }),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: 'Area of need' }),
      levels.map((l) => h('th', { scope: 'col', text: `Level ${l}` })))),
    h('tbody', {}, score.weights.map((w) => {
      const input = inputs.get(w.input);
      const name = input?.label ?? w.input;
      return h('tr', {}, h('th', { scope: 'row', text: name }), levels.map((l) => {
        if (!(l in w.levels)) return h('td', {});
        const level = input?.levels?.find((x) => String(x.level) === l);
        const what = level ? `${name}, level ${l}: ${level.label}` : `${name}, level ${l}`;
        return h('td', {}, field(group, w.levels[l], what, { title: level?.descriptor, at: { input: w.input, level: l } }));
      }));
    })));
}

function rangesGrid(ranges, group, field) {
  return h('table', { class: 'govuk-table sendband-grid' },
    h('caption', { class: 'govuk-table__caption govuk-table__caption--s', text: `Ranges of ${words(ranges.of)}` }),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: 'Range' }), h('th', { scope: 'col', text: 'From' }),
      h('th', { scope: 'col', text: 'To (at most)' }))),
    h('tbody', {}, ranges.ranges.map((r) => {
      const upper = r.below !== undefined ? 'below' : 'max';
      return h('tr', {}, h('th', { scope: 'row', text: r.label }),
        h('td', {}, field(group, r.min, `${r.label}: from`, { at: { label: r.label, bound: 'min' } })),
        h('td', {}, field(group, r[upper], `${r.label}: ${upper === 'below' ? 'below' : 'at most'}`,
          { at: { label: r.label, bound: upper } })));
    })));
}

function tableGrid(table, group, field) {
  const outs = table.outputs;
  const ins = table.inputs ?? [];
  return h('table', { class: 'govuk-table sendband-grid' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col', text: 'Row' }),
      Array.isArray(table.rows[0]?.when) ? ins.map((i) => h('th', { scope: 'col', text: words(i) }))
        : h('th', { scope: 'col', text: 'When' }),
      outs.map((o) => h('th', { scope: 'col', text: words(o) })))),
    h('tbody', {}, table.rows.map((row, i) => h('tr', {},
      h('th', { scope: 'row', text: String(i + 1) }),
      Array.isArray(row.when)
        ? row.when.map((cell, c) => h('td', {}, field(group, cell, `Row ${i + 1}: ${words(ins[c] ?? `cell ${c + 1}`)}`,
          { wide: true, at: { row: i, cell: c } })))
        : h('td', {}, field(group, row.when, `Row ${i + 1}: when`, { wide: true, at: { row: i } })),
      outs.map((o) => h('td', {}, field(group, row.then[o], `Row ${i + 1}: ${words(o)}`, { wide: true, at: { row: i, then: o } })))))));
}
