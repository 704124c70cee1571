// Redocly CLI (recommended ruleset, redocly.yaml) and Spectral (spectral:oas, .spectral.yaml) on the
// live OpenAPI document of the running API: zero errors. Warnings are listed, not failed.
//   STATIONMAP_URL=http://127.0.0.1:8080 node --test lint.test.js
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const BASE = (process.env.STATIONMAP_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
const bin = (name) => join(HERE, 'node_modules', '.bin', name);
let dir, file;

before(async () => {
  const res = await fetch(`${BASE}/swagger/v1/swagger.json`);
  assert.equal(res.status, 200, 'the OpenAPI document is not served');
  dir = mkdtempSync(join(tmpdir(), 'stationmap-openapi-'));
  file = join(dir, 'openapi.json');
  writeFileSync(file, await res.text());
});
after(() => rmSync(dir, { recursive: true, force: true }));

function run(command, args) {
  // No telemetry or update check: the tests talk to the API under test only.
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };
  const r = spawnSync(command, args, { cwd: HERE, env, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw r.error;
  return r;
}

test('Redocly lint (recommended): zero errors', (t) => {
  const r = run(bin('redocly'), ['lint', file, '--config', join(HERE, 'redocly.yaml'), '--format=json']);
  const start = r.stdout.indexOf('{');
  assert.ok(start >= 0, `redocly printed no report: ${r.stderr.slice(0, 2000)}`);
  const report = JSON.parse(r.stdout.slice(start));
  const problems = report.problems ?? [];
  const line = (p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location?.[0]?.pointer ?? ''}`;
  const errors = problems.filter((p) => p.severity === 'error');
  const warnings = problems.filter((p) => p.severity === 'warn');
  for (const w of warnings) t.diagnostic(line(w));
  t.diagnostic(`redocly: ${errors.length} errors, ${warnings.length} warnings`);
  assert.deepEqual(errors.map(line), []);
});

test('Spectral lint (spectral:oas): zero errors', (t) => {
  const r = run(bin('spectral'), ['lint', file, '--ruleset', join(HERE, '.spectral.yaml'), '--format', 'json', '--quiet']);
  const start = r.stdout.indexOf('[');
  assert.ok(start >= 0, `spectral printed no report: ${r.stdout.slice(0, 1000)} ${r.stderr.slice(0, 2000)}`);
  const results = JSON.parse(r.stdout.slice(start));
  // Spectral severities: 0 error, 1 warning, 2 information, 3 hint.
  const line = (p) => `${['error', 'warning', 'info', 'hint'][p.severity]} ${p.code}: ${p.message} at ${(p.path ?? []).join('.')}`;
  const errors = results.filter((p) => p.severity === 0);
  const warnings = results.filter((p) => p.severity === 1);
  for (const w of warnings) t.diagnostic(line(w));
  t.diagnostic(`spectral: ${errors.length} errors, ${warnings.length} warnings`);
  assert.deepEqual(errors.map(line), []);
});
