// The only module that talks to the WASM engine: it turns the engine's JSON strings into objects
// and its {"error": ...} answers into EngineError exceptions, so callers cannot miss a failure.

import init, { evaluate, explain, inputs, validate, version, what_if as whatIfOf } from './pkg/sendband_wasm.js';
import { parseExact } from './profile.js';

/** A failure reported by the engine: kind is invalid_rules, not_in_force, invalid_date or invalid_profile. */
export class EngineError extends Error {
  constructor(detail) {
    super(detail.message ?? 'the rules engine failed');
    this.kind = detail.kind ?? 'unknown';
    this.fields = Array.isArray(detail.fields) ? detail.fields : [];
  }
}

function checked(text) {
  // Numbers keep their source text: amounts and decimals must reach the page exactly as computed.
  const value = parseExact(text);
  if (value && typeof value === 'object' && value.error) throw new EngineError(value.error);
  return value;
}

/** Load the WASM module (fetches the .wasm file next to the bindings). */
export async function start() {
  await init();
}

/** The form spec of the built-in rule set (bundle undefined) or of a bundle's text. */
export function ruleSet(bundle) {
  return checked(inputs(bundle));
}

/** Validate a profile: resolves to [{field, message}] (empty when valid). */
export function problems(profileText, bundle) {
  const answer = checked(validate(profileText, bundle));
  return answer.valid ? [] : answer.errors ?? [];
}

/** Evaluate and explain a profile on a date: {decision, explanation}. */
export function decide(profileText, on, bundle) {
  const decision = checked(evaluate(profileText, on, bundle));
  // What would change the result is shown from whatIf(), so the explanation leaves it out.
  const explanation = explain(profileText, on, bundle, false);
  if (explanation.startsWith('{"error"')) checked(explanation);
  return { decision, explanation };
}

/**
 * What would change the result, by family name: suggestions, each with its sentence `says`.
 * The time the engine takes is the measure `sendband:what-if`.
 */
export function whatIf(profileText, on, bundle) {
  const started = performance.now();
  const answer = checked(whatIfOf(profileText, on, bundle)).what_if ?? {};
  performance.measure('sendband:what-if', { start: started });
  return answer;
}

/**
 * Whether the engine accepts `on` for this rule set, whatever the profile: the engine checks the
 * date before the profile, so an empty profile tells date problems apart from profile problems.
 * Returns null when the date is fine, else the EngineError.
 */
export function dateProblem(on, bundle) {
  try {
    checked(evaluate('{}', on, bundle));
    return null;
  } catch (error) {
    if (error instanceof EngineError && (error.kind === 'invalid_date' || error.kind === 'not_in_force')) return error;
    return null;
  }
}

/**
 * Run the what-if search once on a made-up case of the rule set (its required answers only), so
 * that the browser has compiled the engine's code fully before a SENDCo's first real case: the
 * first run of the module's code is in the browser's baseline compiler, several times slower.
 * Nothing of it is kept or shown; a case the rules refuse warms less, and is no error.
 */
export function warmUp(spec, on, bundle) {
  const year = Number(on.slice(0, 4)) - 8;
  const profile = {};
  for (const input of spec.inputs ?? []) {
    if (!input.required) continue;
    let value;
    if (input.type === 'string') value = 'warm-up';
    else if (input.type === 'date') value = `${year}${on.slice(4)}`;
    else if (input.type === 'enum') value = input.values?.[0]?.value;
    else if (input.type === 'boolean') value = false;
    else value = input.min ?? 0;
    const path = input.name.split('.');
    let at = profile;
    for (const key of path.slice(0, -1)) at = at[key] ??= {};
    at[path[path.length - 1]] = value;
  }
  try {
    whatIfOf(JSON.stringify(profile), on, bundle);
  } catch {
    // A warm-up only: whatever the rules say of the made-up case is of no use.
  }
}

/** The engine's version, e.g. "0.1.0". */
export function engineVersion() {
  return JSON.parse(version()).engine;
}
