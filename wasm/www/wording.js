// The engine's messages about an answer, in GOV.UK's words for the question they are about:
// "Enter ...", "Select ...", "... must be ...", naming other questions by their labels.

/** "Setting" -> "setting", leaving initialisms ("EHC plan") alone. */
function lower(label) {
  return /^[A-Z][A-Z]/.test(label) ? label : label.charAt(0).toLowerCase() + label.slice(1);
}

/**
 * The error text for `message` about a question. `field` is the question (or undefined for one
 * not on the page), `label` its label, `labelOf(name)` the label of another input by name.
 */
export function errorText(field, label, message, labelOf) {
  const radios = Boolean(field?.group?.querySelector('.govuk-radios'));
  const date = field?.input?.type === 'date';
  let m;
  if (message === 'is required') {
    return radios ? `Select ${lower(label)}` : `Enter ${date ? 'the ' : ''}${lower(label)}`;
  }
  if ((m = /^is required when (\S+) is given$/.exec(message))) {
    return `Enter ${lower(label)}: it is needed with ${lower(labelOf(m[1]))}`;
  }
  if (/has more than 2 decimal places \(a fraction of a penny\)/.test(message)) {
    return `${label} must be in pounds and pence, like 6200.50: a fraction of a penny cannot be paid`;
  }
  if ((m = /has more than (\d+) decimal places/.exec(message))) {
    return `${label} must have no more than ${m[1]} decimal places`;
  }
  if (/^expected a whole number/.test(message)) return `${label} must be a whole number`;
  if ((m = /is below the minimum (\S+)$/.exec(message))) return `${label} must be ${m[1]} or more`;
  if ((m = /is above the maximum (\S+)$/.exec(message))) return `${label} must be ${m[1]} or less`;
  if (/^expected (a number|an amount|a decimal)/.test(message)) return `${label} must be a number`;
  return `${label}: ${message}`;
}
