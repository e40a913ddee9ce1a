// Case profiles as JSON text: built from the form's answers without ever turning a number into a
// float (money must stay exact), and read back from a saved file with every number's source kept.

/** A JSON number kept as its source text, e.g. "6200.00" stays "6200.00", not 6200. */
export class Num {
  constructor(source) {
    this.source = source;
  }
  toString() {
    return this.source;
  }
}

const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;
const THOUSANDS = /^-?\d{1,3}(,\d{3})+(\.\d+)?$/;

/** Parse JSON, keeping each number's source text as a Num. */
export function parseExact(text) {
  return JSON.parse(text, (key, value, context) =>
    typeof value === 'number' ? new Num(context?.source ?? String(value)) : value);
}

/**
 * The JSON text for a number typed by the user: the text itself when it is a JSON number, so the
 * engine sees exactly what was typed; otherwise a JSON string, so the engine reports it by name
 * rather than the form guessing. Money may be typed with a leading £ and thousands commas.
 */
export function numberJson(typed, { money = false } = {}) {
  let text = typed.trim();
  if (money) {
    text = text.replace(/^£\s*/, '');
    if (THOUSANDS.test(text)) text = text.replaceAll(',', '');
  }
  return JSON_NUMBER.test(text) ? text : JSON.stringify(text);
}

/**
 * The profile JSON text from [dotted name, JSON text of the value] pairs, in the order given:
 * `needs.semh` becomes {"needs": {"semh": ...}}. Indented like the examples, so a saved case reads
 * well and is exactly what was evaluated.
 */
export function profileText(entries) {
  const root = new Map();
  for (const [name, json] of entries) {
    const path = name.split('.');
    let node = root;
    for (const part of path.slice(0, -1)) {
      if (!(node.get(part) instanceof Map)) node.set(part, new Map());
      node = node.get(part);
    }
    node.set(path[path.length - 1], json);
  }
  return `${render(root, '')}\n`;
}

function render(node, indent) {
  if (!(node instanceof Map)) return node;
  if (node.size === 0) return '{}';
  const inner = `${indent}  `;
  const members = [...node].map(([key, value]) => `${inner}${JSON.stringify(key)}: ${render(value, inner)}`);
  return `{\n${members.join(',\n')}\n${indent}}`;
}

/**
 * A parsed profile as a Map from dotted names to leaf values (string, boolean, Num, null or array).
 * Throws when the top level is not an object.
 */
export function flatten(profile) {
  if (!isObject(profile)) throw new Error('the file does not hold a JSON object');
  const out = new Map();
  const walk = (value, prefix) => {
    for (const [key, child] of Object.entries(value)) {
      const name = prefix ? `${prefix}.${key}` : key;
      if (isObject(child)) walk(child, name);
      else out.set(name, child);
    }
  };
  walk(profile, '');
  return out;
}

function isObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Num);
}
