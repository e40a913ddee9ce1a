// What the page says about the rule set in use: the provenance banner and warning (illustrative or
// draft figures must never be mistaken for real ones) and the "Rule set" summary beside the form.

import { h, summaryList, warningText } from './dom.js';
import { covered, period } from './dates.js';

const PROVENANCE = {
  published: 'Published by the authority',
  illustrative: 'Illustrative (placeholder figures)',
  draft: 'Draft (not yet agreed)',
};

/** The one-line warning for illustrative or draft figures, or null for published ones. */
export function provenanceWarning(ruleset) {
  if (ruleset.provenance === 'illustrative') {
    return "Illustrative figures: not the authority's published values, do not use for funding";
  }
  if (ruleset.provenance === 'draft') {
    return "Draft figures: not yet agreed or published by the authority, do not use for funding";
  }
  return null;
}

export function provenanceWords(provenance) {
  return PROVENANCE[provenance] ?? String(provenance ?? 'not stated');
}

/** The notification banner shown above the form, or null when the figures are published. */
export function provenanceBanner(ruleset) {
  const warning = provenanceWarning(ruleset);
  if (!warning) return null;
  return h('div', { class: 'govuk-notification-banner', role: 'region', 'aria-labelledby': 'provenance-banner-title', 'data-module': 'govuk-notification-banner', id: 'provenance-banner' },
    h('div', { class: 'govuk-notification-banner__header' },
      h('h2', { class: 'govuk-notification-banner__title', id: 'provenance-banner-title', text: 'Important' })),
    h('div', { class: 'govuk-notification-banner__content' },
      h('p', { class: 'govuk-notification-banner__heading', text: warning }),
      h('p', { class: 'govuk-body', text: `${ruleset.title ?? ruleset.id} is for trying the form and the rules out. The bands and amounts it gives are not ${ruleset.authority ?? 'the authority'}'s.` })));
}

/** The warning text inside a result (and its printed summary). */
export function provenanceResultWarning(ruleset) {
  const warning = provenanceWarning(ruleset);
  return warning ? warningText(warning) : null;
}

/** The "Rule set" summary: who, what, when, how sure, and where the figures come from. */
export function ruleSetSummary(spec, { bundleName } = {}) {
  const r = spec.ruleset ?? {};
  const sources = (r.sources ?? []).map((s) => h('p', { class: 'govuk-body-s sendband-source' },
    s.title ?? '',
    // Shown as text, not a link: the page makes no request to anywhere but where it came from.
    s.url ? h('span', { class: 'sendband-url', text: ` (${s.url})` }) : null,
    s.note ? h('span', { class: 'govuk-hint govuk-!-font-size-16 sendband-note', text: s.note }) : null));
  const rows = [
    ['Authority', r.authority ?? ''],
    ['Rules', r.title ?? r.id ?? ''],
    // Built-in rules come in dated versions: the assessment date picks one.
    ['Version', (spec.versions ?? []).length > 1
      ? `${spec.versions.map((v) => v.version).join(', ')}: the one in force on the assessment date decides (${r.id ?? ''})`
      : `${r.version ?? ''} (${r.id ?? ''})`],
    ['In force', period(covered(spec))],
    ['Figures', provenanceWords(r.provenance)],
    ['From', bundleName ? `Bundle file ${bundleName}` : 'Built into this form'],
  ];
  return h('div', {},
    summaryList(rows, 'govuk-summary-list--no-border sendband-ruleset-list'),
    sources.length ? h('details', { class: 'govuk-details' },
      h('summary', { class: 'govuk-details__summary' }, h('span', { class: 'govuk-details__summary-text', text: 'Sources and notes' })),
      h('div', { class: 'govuk-details__text' }, sources,
        (r.notes ?? []).length ? h('ul', { class: 'govuk-list govuk-list--bullet govuk-body-s' },
          r.notes.map((n) => h('li', { text: n }))) : null)) : null);
}
