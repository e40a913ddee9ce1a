// The form's server and offline files: compressed answers for a browser that accepts them (and the
// same bytes once unzipped), the web app manifest, and a service worker that keeps every file.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { serve } from '../../tools/serve.mjs';

const site = fileURLToPath(new URL('../../pkg/site/', import.meta.url));

function get(port, path, headers = {}) {
  return new Promise((ok, fail) => {
    request({ host: '127.0.0.1', port, path, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => ok({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', fail).end();
  });
}

test('the wasm and the text files are sent gzipped when the browser accepts it', async () => {
  const server = await serve(site, 0);
  const { port } = server.address();
  try {
    const wasm = readFileSync(join(site, 'pkg', 'sendband_wasm_bg.wasm'));
    const zipped = await get(port, '/pkg/sendband_wasm_bg.wasm', { 'Accept-Encoding': 'gzip, deflate, br' });
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.equal(zipped.headers['content-type'], 'application/wasm');
    assert.ok(zipped.body.length < wasm.length * 0.45, `${zipped.body.length} of ${wasm.length}`);
    assert.deepEqual(gunzipSync(zipped.body), wasm);
    const plain = await get(port, '/pkg/sendband_wasm_bg.wasm');
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.deepEqual(plain.body, wasm);
    const manifest = await get(port, '/manifest.webmanifest');
    assert.match(manifest.headers['content-type'], /^application\/manifest\+json/);
    assert.equal(JSON.parse(manifest.body).start_url, './');
    // Images are compressed already.
    const png = await get(port, '/govuk/images/govuk-icon-192.png', { 'Accept-Encoding': 'gzip' });
    assert.equal(png.headers['content-encoding'], undefined);
  } finally {
    await new Promise((ok) => server.close(ok));
  }
});

test('the service worker keeps every file of the form (not the playground\'s), under a version of them', () => {
  const text = readFileSync(join(site, 'sw.js'), 'utf8');
  const files = JSON.parse(/const FILES = (\[.*\]);/.exec(text)[1]);
  const version = JSON.parse(/const VERSION = ("[0-9a-f]+");/.exec(text)[1]);
  assert.equal(version.length, 16);
  const all = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name !== 'sw.js') all.push(relative(site, path).split('\\').join('/'));
    }
  };
  walk(site);
  // The policy playground's page and module are no part of the form a SENDCo's browser keeps.
  const playground = (f) => f.startsWith('playground/') || f.startsWith('pkg/sendband_playground');
  assert.ok(all.some(playground), 'the site has the playground');
  assert.deepEqual(files, ['./', ...all.filter((f) => !playground(f)).sort()]);
  for (const needed of ['index.html', 'app.js', 'pkg/sendband_wasm_bg.wasm', 'bundles/herefordshire-2021-04.json']) {
    assert.ok(files.includes(needed), needed);
  }
});
