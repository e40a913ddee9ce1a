// The playground's Web Worker: the only code that calls the WASM engine, so that a whole cohort
// is compared off the page's thread and the page never freezes. Each message is one call:
// {id, op, args} in, {id, answer, ms} out, the answer being the engine's JSON text.

import init, * as engine from '../pkg/sendband_playground.js';

const OPS = new Set(['open', 'read_cohort', 'recompute', 'lint', 'bundle', 'extension', 'report', 'changes_csv']);
const ready = init();

// Called by the engine as it reads the cohort, pass by pass: the page shows it.
globalThis.sendbandProgress = (pass, passes, done) => self.postMessage({ progress: { pass, passes, done } });

self.onmessage = async ({ data }) => {
  const { id, op, args } = data;
  await ready;
  const started = performance.now();
  let answer;
  if (!OPS.has(op)) {
    answer = JSON.stringify({ error: { kind: 'internal', message: `no such call: ${op}` } });
  } else {
    try {
      answer = engine[op](...args);
    } catch (error) {
      // The engine answers failures as JSON; a throw is a fault of the module itself.
      answer = JSON.stringify({ error: { kind: 'internal', message: String(error) } });
    }
  }
  self.postMessage({ id, answer, ms: performance.now() - started });
};
