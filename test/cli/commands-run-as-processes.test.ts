/**
 * Smoke tests of the process path: each command once through a real `node src/cli/main.ts`, its streams and its exit
 * code as a shell sees them. The behaviour of the commands is tested in-process (test/helpers/cli-in-process.ts);
 * `review` has its own process-level tests (review-reports-violations, review-input-sources-are-bounded,
 * review-survives-a-closed-pipe, review-memory-stays-flat), `serve` too (npm-start-stops-on-sigterm, test/webhook).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.ts';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

test('policies and explain print the catalog on stdout and exit 0; an unknown id exits 2 with the reason on stderr', () => {
  const list = runCli(['policies']);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^storage-class-required\s+deny/m);
  const explained = runCli(['explain', 'storage-class-required']);
  assert.equal(explained.code, 0, explained.stderr);
  assert.match(explained.stdout, /fix: /);
  const unknown = runCli(['explain', 'nope']);
  assert.equal(unknown.code, 2);
  assert.equal(unknown.stdout, '');
  assert.match(unknown.stderr, /no policy "nope"/);
});

test('test runs the cases of a policy directory and exits 0', () => {
  // The example policy's three cases; the built-in ones are run in-process (review-reports-violations).
  const { code, stdout, stderr } = runCli(['test', 'examples/custom-policy/policies']);
  assert.equal(code, 0, stdout + stderr);
  assert.match(stdout, /^✓ team-label-required: /m);
  assert.match(stdout, /^3 passed, 0 failed$/m);
});

test('--version prints the package version and exits 0; an unknown command exits 2 with usage on stderr', () => {
  const version = runCli(['--version']);
  assert.equal(version.code, 0);
  assert.equal(version.stdout, `${VERSION}\n`);
  const unknown = runCli(['frobnicate']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command 'frobnicate'/);
});
