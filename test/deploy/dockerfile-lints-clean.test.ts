import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';

const ROOT = resolve(import.meta.dirname, '../..');
const HADOLINT = resolve(ROOT, '.cache/tools/hadolint/bin/hadolint');

test('the Dockerfile passes hadolint', () => {
  assert.ok(existsSync(HADOLINT), 'hadolint is missing: run scripts/setup-test-tools.sh (npm test runs it first)');
  const result = spawnSync(HADOLINT, ['Dockerfile'], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(result.status, 0, result.stdout + result.stderr);
});
