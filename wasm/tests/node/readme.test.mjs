// The sizes the README quotes for the WASM module are the ones the build gives: scripts/build-wasm
// writes them to wasm/pkg/size.txt, and the README must say the same, so it cannot drift.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

test('the README quotes the size of the module this build gives', () => {
  const size = readFileSync(join(repo, 'wasm', 'pkg', 'size.txt'), 'utf8');
  const match = size.match(/^(\d+) raw, (\d+) gzip -9 \(bytes\)$/m);
  assert.ok(match, `wasm/pkg/size.txt does not read "N raw, N gzip -9 (bytes)": ${size}`);
  const [raw, gzip] = match.slice(1).map((n) => Number(n).toLocaleString('en-GB'));
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');
  const quoted = `${raw} bytes raw, ${gzip} bytes gzip -9`;
  const row = readme.split('\n').find((line) => line.startsWith('| `sendband_wasm_bg.wasm` after `wasm-opt -Oz`'));
  assert.ok(row, 'the README has no row for the size of sendband_wasm_bg.wasm');
  assert.ok(row.includes(quoted), `the README's size row should say "${quoted}" (from wasm/pkg/size.txt):\n${row}`);
});
