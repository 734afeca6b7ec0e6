import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { imageNodeFlags } from '../../bench/image-node-flags.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const HADOLINT = resolve(ROOT, '.cache/tools/hadolint/bin/hadolint');

test('the Dockerfile passes hadolint', () => {
  assert.ok(existsSync(HADOLINT), 'hadolint is missing: run scripts/setup-test-tools.sh (npm test runs it first)');
  const result = spawnSync(HADOLINT, ['Dockerfile'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stdout + result.stderr);
});

test('npm start runs the server with the Node flags of the image (the bench reads the same ENTRYPOINT)', () => {
  const flags = imageNodeFlags();
  assert.ok(flags.includes('--max-semi-space-size=8'), flags.join(' '));
  const start = (JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['start'] ?? '';
  // `exec`: npm's shell is replaced by node, so the SIGTERM that npm passes on reaches the server.
  assert.equal(start, `exec node ${flags.join(' ')} src/cli/main.ts serve`);
});
