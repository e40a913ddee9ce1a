// The form as a whole: which questions are asked (ask_when), what the answers are as profile
// entries, and filling it from a saved case. Works on the Fields made by controls.js.

/** The value a question currently has for ask_when: its answer, else its default. */
function currentValue(model, name) {
  const field = model.byName.get(name);
  if (!field) return undefined;
  const answer = field.group.hidden ? undefined : field.read();
  if (answer && answer.typed !== undefined) return answer.typed;
  return field.input.default ?? undefined;
}

function asked(model, field) {
  const conditions = field.input.ask_when;
  if (!conditions || typeof conditions !== 'object') return true;
  return Object.entries(conditions).every(([name, allowed]) => {
    const value = currentValue(model, name);
    if (value === undefined || value === null) return false;
    return Array.isArray(allowed) && allowed.some((a) => String(a) === String(value));
  });
}

/** Show exactly the questions whose ask_when holds, and the sections that still have one. */
export function updateVisibility(model) {
  // A few passes settle conditions on questions that are themselves conditional.
  for (let pass = 0; pass < 3; pass += 1) {
    let changed = false;
    for (const field of model.fields) {
      const hide = !asked(model, field);
      if (field.group.hidden !== hide) {
        field.group.hidden = hide;
        changed = true;
      }
    }
    if (!changed) break;
  }
  for (const section of new Set(model.fields.map((f) => f.section))) {
    section.hidden = section.fields.every((f) => f.group.hidden);
  }
}

/**
 * The answers of the questions on show: entries [[name, json text]] for the profile, answers
 * [[label, display text, field]] for the summary (a question left unanswered as "Not answered
 * (taken as ...)"), and problems [{field, message}] the form itself finds.
 */
export function collect(model) {
  const entries = [];
  const answers = [];
  const problems = [];
  for (const field of model.fields) {
    if (field.group.hidden) continue;
    const answer = field.read();
    if (!answer) {
      // Said, so that a result is never read without knowing what was not answered.
      answers.push([field.label, field.defaultShown === null || field.defaultShown === undefined
        ? 'Not answered' : `Not answered (taken as ${field.defaultShown})`, field]);
      continue;
    }
    entries.push([field.name, answer.json]);
    answers.push([field.label, answer.display, field]);
    if (answer.problem) problems.push({ field: field.name, message: answer.problem });
  }
  return { entries, answers, problems };
}

/**
 * Fill the form from a flattened profile (Map of dotted name to value). Returns the names it could
 * not use: unknown to this rule set, or a value the question cannot show.
 */
export function fillFrom(model, values) {
  for (const field of model.fields) field.reset();
  const unused = [];
  for (const [name, value] of values) {
    const field = model.byName.get(name);
    if (!field || !field.fill(value)) unused.push(name);
  }
  updateVisibility(model);
  return unused;
}

/** Clear every answer. */
export function resetAll(model) {
  for (const field of model.fields) field.reset();
  updateVisibility(model);
}
