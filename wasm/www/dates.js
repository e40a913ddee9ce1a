// Calendar dates as the engine wants them (YYYY-MM-DD strings), for the date inputs, the default
// assessment date and the way dates are written on the page ("1 September 2024").

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
  'September', 'October', 'November', 'December'];

/** Today on this computer's calendar (not UTC: a SENDCo at 00:30 in June means today). */
export function today() {
  const now = new Date();
  return iso(now.getFullYear(), now.getMonth() + 1, now.getDate());
}

function iso(year, month, day) {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * The assessment date to offer: today while the rule set is in force, else the nearest end of the
 * period it covers, so a new user's first check works instead of failing on the date.
 */
export function defaultAssessmentDate(ruleset, now = today()) {
  const from = ruleset.effective_from;
  const to = ruleset.effective_to;
  if (from && now < from) return from;
  if (to && now > to) return to;
  return now;
}

/**
 * The days a form's decisions can be asked for: from the first version's start to the last one's
 * end (built-in rules come in dated versions, the date picking one), else the rule set's own.
 */
export function covered(spec) {
  const versions = spec.versions ?? [];
  if (versions.length === 0) return spec.ruleset ?? {};
  return { effective_from: versions[0].effective_from, effective_to: versions[versions.length - 1].effective_to };
}

/** "1 September 2024 to 31 August 2025", or "from 1 April 2021" with no end. */
export function period(ruleset) {
  const from = ruleset.effective_from ? formatDate(ruleset.effective_from) : null;
  const to = ruleset.effective_to ? formatDate(ruleset.effective_to) : null;
  if (from && to) return `${from} to ${to}`;
  if (from) return `from ${from}, with no end date`;
  if (to) return `until ${to}`;
  return 'no stated period';
}

/** "2024-09-01" as "1 September 2024"; anything else unchanged. */
export function formatDate(text) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(text));
  if (!match) return String(text);
  const [, year, month, day] = match;
  const name = MONTHS[Number(month) - 1];
  return name ? `${Number(day)} ${name} ${year}` : String(text);
}

/** Split "2016-02-14" into day, month and year texts for the three boxes ("14", "2", "2016"). */
export function splitDate(text) {
  const match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(String(text).trim());
  if (!match) return null;
  return { day: String(Number(match[3])), month: String(Number(match[2])), year: match[1] };
}

/**
 * Assemble the three boxes. Returns null when all are empty, else {value, problem}: value is the
 * YYYY-MM-DD text to send, problem a GOV.UK-style message when the date is incomplete or not
 * real (the engine's own message for those is less helpful).
 */
export function assembleDate(parts) {
  const day = parts.day.trim();
  const month = parts.month.trim();
  const year = parts.year.trim();
  if (!day && !month && !year) return null;
  const missing = [['day', day], ['month', month], ['year', year]].filter(([, v]) => !v).map(([k]) => k);
  const value = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  if (missing.length) return { value, problem: `must include a ${missing.join(' and a ')}` };
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)
    || !isRealDate(Number(year), Number(month), Number(day))) {
    return { value, problem: 'must be a real date, for example 14 2 2016' };
  }
  return { value, problem: null };
}

function isRealDate(year, month, day) {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return day <= days;
}
