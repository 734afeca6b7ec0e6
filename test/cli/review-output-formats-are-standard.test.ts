import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCliInProcess } from '../helpers/cli-in-process.ts';
import { sarifValidator } from '../helpers/sarif-schema.ts';
import { SEED_FILE } from '../helpers/seed.ts';

const seedText = readFileSync(SEED_FILE, 'utf8');

test('text output escapes control characters and ANSI escapes taken from manifest fields', async () => {
  const hostile = seedText
    .replace('name: web\n  namespace', 'name: "web\\e[2J\\e]0;owned\\a\\rPASS"\n  namespace')
    .replace('image: registry.k8s.io/nginx-slim:0.27', 'image: "registry.k8s.io/nginx-slim:latest\\e[32m\\u202e"');
  const { code, stdout } = await runCliInProcess(['review', '-'], { input: hostile });
  assert.equal(code, 1, stdout);
  for (const raw of ['\u001b', '\u0007', '\r', '\u202e']) assert.ok(!stdout.includes(raw), `no raw ${JSON.stringify(raw)} reaches the terminal`);
  assert.match(stdout, /default\/web\\x1b\[2J\\x1b\]0;owned\\x07\\rPASS/);
});

test('--diff is a unified diff: ---/+++ headers and @@ -a,b +c,d @@ hunks', async () => {
  const { stdout } = await runCliInProcess(['review', '--diff', SEED_FILE]);
  assert.match(stdout, /^ {4}--- statefulset\/default\/web\tsubmitted$/m);
  assert.match(stdout, /^ {4}\+\+\+ statefulset\/default\/web\tas the webhook would admit it$/m);
  assert.match(stdout, /^ {4}@@ -\d+,\d+ \+\d+,\d+ @@$/m);
  assert.match(stdout, /^ {4}\+\s+seccompProfile:$/m);
  assert.doesNotMatch(stdout, /^ {4}@@$/m, 'no bare @@');
});

interface Sarif {
  runs: {
    tool: { driver: { rules: { id: string; name: string }[] } };
    originalUriBaseIds: Record<string, { uri: string }>;
    results: { ruleId: string; ruleIndex: number; locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string } } }[] }[];
  }[];
}

test('-o sarif validates against the SARIF 2.1.0 schema; input errors have a rule; locations are relative to %SRCROOT%', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stateguard-sarif-'));
  mkdirSync(join(dir, 'k8s'));
  copyFileSync(SEED_FILE, join(dir, 'k8s', 'web.yaml'));
  writeFileSync(join(dir, 'k8s', 'broken file.yaml'), 'kind: [\n');
  const { stdout } = await runCliInProcess(['review', '-o', 'sarif', 'k8s', '-'], { cwd: dir, input: 'kind: [\n' });
  const sarif = JSON.parse(stdout) as Sarif;
  const validate = sarifValidator();
  assert.ok(validate(sarif), JSON.stringify(validate.errors, null, 2));
  const run = sarif.runs[0];
  assert.ok(run !== undefined);
  const rules = run.tool.driver.rules;
  for (const result of run.results) {
    assert.equal(rules[result.ruleIndex]?.id, result.ruleId, `${result.ruleId} has its rule entry`);
    const location = result.locations[0]?.physicalLocation.artifactLocation;
    if (location?.uri !== 'stdin') assert.equal(location?.uriBaseId, '%SRCROOT%');
    assert.doesNotMatch(location?.uri ?? '', /^\//, 'not an absolute path');
  }
  const inputs = run.results.filter((r) => r.ruleId === 'input-error').map((r) => r.locations[0]?.physicalLocation.artifactLocation.uri);
  assert.deepEqual(inputs, ['k8s/broken%20file.yaml', 'stdin']);
  assert.equal(run.results.find((r) => r.ruleId === 'storage-class-required')?.locations[0]?.physicalLocation.artifactLocation.uri, 'k8s/web.yaml');
  assert.equal(run.originalUriBaseIds['%SRCROOT%']?.uri, `file://${realpathSync(dir)}/`);
  for (const rule of rules) assert.notEqual(rule.name, rule.id, 'a rule name is not its id again');
  assert.equal(rules.find((r) => r.id === 'storage-class-required')?.name, 'StorageClassRequired');
});
