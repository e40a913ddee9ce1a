// The nodejs WASM package against the native CLI: byte-identical decisions and explanations for
// every rule-set test profile (the worked examples among them) and a few hundred synthetic cases.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { haringeyCases, INVALID } from './synthetic.mjs';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const pkg = join(repo, 'wasm/pkg/nodejs/sendband_wasm.js');
const bin = process.env.SENDBAND_BIN ?? join(repo, 'target/debug/sendband');
for (const [path, fix] of [[pkg, 'run scripts/build-wasm'], [bin, 'run cargo build']]) {
  if (!existsSync(path)) throw new Error(`${path} is missing: ${fix}`);
}
const wasm = createRequire(import.meta.url)(pkg);
const scratch = mkdtempSync(join(tmpdir(), 'sendband-node-'));

const RULE_SETS = [
  // The built-in versions: the date of each test picks its version, as the CLI's does.
  { folder: 'rules/haringey/2024-25', bundle: undefined },
  { folder: 'rules/haringey/2025-26', bundle: undefined },
  { folder: 'rules/haringey/2026-27', bundle: undefined },
  { folder: 'rules/herefordshire/2021-04', bundle: bundleOf('rules/herefordshire/2021-04') },
];

function bundleOf(folder) {
  return execFileSync(bin, ['bundle', join(repo, folder)], { encoding: 'utf8' });
}

/** The CLI's answer for one profile: stdout, stderr and exit code. */
function cli(verb, folder, on, profileText) {
  const file = join(scratch, 'case.json');
  writeFileSync(file, profileText);
  const run = spawnSync(bin, [verb, '--rules', join(repo, folder), '--on', on, file], { encoding: 'utf8' });
  return { stdout: run.stdout, stderr: run.stderr, code: run.status };
}

/** Every test written inside a rule set, with its evaluation date and profile. */
function ruleSetTests(folder) {
  const dir = join(repo, folder, 'tests');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')).tests.map((t) => ({ ...t, file: f })));
}

test('every rule-set test profile gives the same bytes from WASM as from the CLI', () => {
  let compared = 0;
  for (const { folder, bundle } of RULE_SETS) {
    for (const t of ruleSetTests(folder)) {
      const text = JSON.stringify(t.profile, null, 2);
      const native = cli('evaluate', folder, t.on, text);
      const fromWasm = wasm.evaluate(text, t.on, bundle);
      if (native.code === 2) throw new Error(`${t.name}: the CLI refused the rules: ${native.stderr}`);
      if (JSON.parse(fromWasm).error) {
        // Profiles the engine refuses: the same field messages, one per line on the CLI.
        assert.equal(native.code, 1, t.name);
        const lines = native.stderr.split('\n').filter((l) => l.startsWith('  ')).map((l) => l.slice(2));
        assert.deepEqual(JSON.parse(fromWasm).error.message.split('\n'), lines, t.name);
      } else {
        assert.equal(fromWasm + '\n', native.stdout, `${folder} ${t.file}: ${t.name}`);
        assert.equal(wasm.explain(text, t.on, bundle), cli('explain', folder, t.on, text).stdout, t.name);
      }
      compared++;
    }
  }
  assert.ok(compared >= 60, `only ${compared} rule-set tests were found`);
});

test('300 synthetic profiles give the same bytes, covering every family, status and band', () => {
  const seen = new Set();
  for (const { on, profile } of haringeyCases(300, 20240901)) {
    const text = JSON.stringify(profile);
    const native = cli('evaluate', 'rules/haringey/2024-25', on, text);
    const fromWasm = wasm.evaluate(text, on);
    assert.equal(fromWasm + '\n', native.stdout, `${profile.case_id} on ${on}`);
    for (const [family, r] of Object.entries(JSON.parse(fromWasm).results)) {
      seen.add(`${family} ${r.status}`);
      const label = 'band' in r.outputs ? r.outputs.band : r.outputs.outcome;
      if (r.status === 'applied') seen.add(`${family} ${label}`);
    }
  }
  const expected = [
    'topup applied', 'topup not_applicable', 'topup ineligible', 'topup error',
    ...'ABCDEFGH'.split('').map((b) => `topup ${b}`),
    'early_years applied', 'early_years not_applicable', 'early_years error',
    'early_years EY1', 'early_years EY2', 'early_years EY3', 'early_years EY4', 'early_years null',
    'ehcp_threshold applied', 'ehcp_threshold not_applicable',
    'ehcp_threshold meets', 'ehcp_threshold borderline', 'ehcp_threshold not_met',
  ];
  const missing = expected.filter((e) => !seen.has(e));
  assert.deepEqual(missing, [], `the synthetic cohort never reached: ${missing.join(', ')}`);
});

test('invalid profiles are refused with the same messages as the CLI, never thrown', () => {
  for (const profile of INVALID) {
    const text = JSON.stringify(profile);
    const native = cli('evaluate', 'rules/haringey/2024-25', '2024-09-01', text);
    assert.equal(native.code, 1, profile.case_id);
    const { error } = JSON.parse(wasm.evaluate(text, '2024-09-01'));
    assert.equal(error.kind, 'invalid_profile');
    assert.equal(error.case_id, profile.case_id);
    const lines = native.stderr.split('\n').filter((l) => l.startsWith('  ')).map((l) => l.slice(2));
    assert.deepEqual(error.message.split('\n'), lines, profile.case_id);
    const v = JSON.parse(wasm.validate(text));
    assert.equal(v.valid, false);
    assert.deepEqual(v.errors, error.fields);
  }
  assert.equal(JSON.parse(wasm.evaluate('{"case_id": ', '2024-09-01')).error.fields[0].field, '(profile)');
  assert.equal(JSON.parse(wasm.inputs('{"not": "a bundle"}')).error.kind, 'invalid_rules');
});

test('the built-in rule set is the one the CLI uses by default, with the same digest', () => {
  // Without a date, the newest built-in version: the one the CLI picks in its period.
  const v = JSON.parse(wasm.version());
  assert.equal(v.ruleset.version, '2026-27');
  const native = spawnSync(bin, ['evaluate', '--on', '2026-12-06', join(repo, 'examples/haringey-band-c.json')], {
    encoding: 'utf8',
  });
  assert.equal(v.ruleset.digest, JSON.parse(native.stdout).ruleset.digest);
  const spec = JSON.parse(wasm.inputs());
  assert.equal(spec.digest, v.ruleset.digest);
  assert.deepEqual(spec.versions.map((x) => `${x.version} ${x.effective_from} ${x.effective_to}`),
    ['2024-25 2024-09-01 2025-08-31', '2025-26 2025-09-01 2026-08-31', '2026-27 2026-09-01 2027-08-31']);
  const hereford = JSON.parse(wasm.inputs(RULE_SETS.find((r) => r.folder.includes('herefordshire')).bundle));
  assert.equal(hereford.ruleset.provenance, 'published');
  assert.deepEqual(hereford.inputs.map((i) => i.name), ['case_id', 'assessment_points', 'funded_hours']);
});
