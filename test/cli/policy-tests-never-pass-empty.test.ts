import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { runCliInProcess } from '../helpers/cli-in-process.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const POLICY = join(ROOT, 'examples/custom-policy/policies/team-label-required/policy.yaml');
const work = mkdtempSync(join(tmpdir(), 'stateguard-test-cmd-'));
after(() => rmSync(work, { recursive: true, force: true }));

test('`stateguard test` on a directory with no test cases fails instead of reporting "0 passed, 0 failed"', async () => {
  const dir = join(work, 'no-cases');
  mkdirSync(dir);
  cpSync(POLICY, join(dir, 'policy.yaml'));
  const result = await runCliInProcess(['test', dir]);
  assert.equal(result.code, 2, result.stdout + result.stderr);
  assert.match(result.stderr, /no test cases under .*no-cases \(case files are tests\/\*\.yaml with a `cases:` list\)/);
});

test('a fixture left outside tests/ is named as "not a policy" with where it belongs, not as a page of schema errors', async () => {
  const dir = join(work, 'stray-fixture');
  mkdirSync(join(dir, 'tests'), { recursive: true });
  cpSync(POLICY, join(dir, 'policy.yaml'));
  cpSync(join(ROOT, 'policies/tests/good-statefulset.yaml'), join(dir, 'good-statefulset.yaml'));
  writeFileSync(join(dir, 'tests', 'cases.yaml'), 'policy: team-label-required\nbase: ../good-statefulset.yaml\ncases:\n  - name: warns\n    expect: { result: warn }\n');
  const result = await runCliInProcess(['test', dir]);
  assert.equal(result.code, 2);
  const problems = result.stderr.split('\n').filter((line) => line.startsWith('  - '));
  assert.deepEqual(problems.length, 1, result.stderr);
  assert.match(problems[0] ?? '', /good-statefulset\.yaml:3: not a policy \(apps\/v1 StatefulSet\): every YAML file in a policy directory is loaded as a policy; put fixtures and test cases in a tests\/ folder/);
});

test('a test case whose set path cannot be read is a problem naming the path, not a silently different object', async () => {
  const dir = join(work, 'bad-set-path');
  mkdirSync(join(dir, 'tests'), { recursive: true });
  cpSync(POLICY, join(dir, 'policy.yaml'));
  cpSync(join(ROOT, 'policies/tests/good-statefulset.yaml'), join(dir, 'tests', 'good-statefulset.yaml'));
  writeFileSync(join(dir, 'tests', 'cases.yaml'), 'policy: team-label-required\nbase: good-statefulset.yaml\ncases:\n  - name: warns\n    set: { "spec.template.metadata.labels[team": null }\n    expect: { result: warn }\n');
  const result = await runCliInProcess(['test', dir]);
  assert.equal(result.code, 2, result.stdout + result.stderr);
  assert.match(result.stdout, /cases\.yaml: path "spec\.template\.metadata\.labels\[team" cannot be read at character 30/);
});
