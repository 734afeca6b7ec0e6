import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CORPUS_DIR } from '../helpers/corpus.ts';
import { runCli } from '../helpers/cli.ts';
import { SEED_FILE } from '../helpers/seed.ts';

test('review of the seed example prints both violations with their fixes and exits 1', () => {
  const { code, stdout } = runCli(['review', SEED_FILE]);
  assert.equal(code, 1);
  assert.match(stdout, /DENY StatefulSet default\/web/);
  assert.match(stdout, /✗ storage-class-required spec\.volumeClaimTemplates\[0\]\.spec\.storageClassName/);
  assert.match(stdout, /✗ resource-requests-required spec\.template\.spec\.containers\[0\]\.resources\.requests/);
  assert.match(stdout, /fix: set spec\.volumeClaimTemplates\[\*\]\.spec\.storageClassName/);
  assert.match(stdout, /fix: set resources\.requests\.cpu and resources\.requests\.memory/);
  assert.ok(!stdout.includes('\u001b['), 'no colour when not on a TTY');
});

test('--fail-on warn turns warnings into exit 1; a clean manifest exits 0', () => {
  const clean = readFileSync(join(import.meta.dirname, '../../policies/tests/good-statefulset.yaml'), 'utf8');
  assert.equal(runCli(['review', '-'], { input: clean }).code, 0);
  const warnOnly = clean.replace(/ {10}readinessProbe:[\s\S]*?(?=\n {10}\S)/, '');
  assert.notEqual(warnOnly, clean, 'fixture has a readinessProbe to remove');
  assert.equal(runCli(['review', '-'], { input: warnOnly }).code, 0);
  assert.equal(runCli(['review', '--fail-on', 'warn', '-'], { input: warnOnly }).code, 1);
});

test('-o json carries results and the patch', () => {
  const { code, stdout } = runCli(['review', '-o', 'json', SEED_FILE]);
  assert.equal(code, 1);
  const report = JSON.parse(stdout) as { summary: { denied: number }; items: { results: { policy: string; result: string }[]; patch: unknown[] }[] };
  assert.equal(report.summary.denied, 1);
  assert.ok(report.items[0]?.patch.length);
  assert.ok(report.items[0]?.results.some((r) => r.policy === 'storage-class-required' && r.result === 'fail'));
});

test('-o sarif is SARIF 2.1.0 with rules and located results', () => {
  const { stdout } = runCli(['review', '-o', 'sarif', SEED_FILE]);
  const sarif = JSON.parse(stdout) as { version: string; runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; ruleIndex: number; level: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[] };
  assert.equal(sarif.version, '2.1.0');
  const run = sarif.runs[0];
  assert.ok(run !== undefined);
  const failing = run.results.find((r) => r.ruleId === 'storage-class-required');
  assert.equal(failing?.level, 'error');
  assert.equal(run.tool.driver.rules[failing?.ruleIndex ?? -1]?.id, 'storage-class-required');
  assert.match(failing?.locations[0]?.physicalLocation.artifactLocation.uri ?? '', /seed-statefulset\.yaml$/);
  assert.ok((failing?.locations[0]?.physicalLocation.region.startLine ?? 0) >= 1);
});

test('-o junit has one failure per denying policy', () => {
  const { stdout } = runCli(['review', '-o', 'junit', SEED_FILE]);
  assert.match(stdout, /^<\?xml version="1.0"/);
  assert.equal(stdout.match(/<failure /g)?.length, 2);
  assert.match(stdout, /<testsuites name="stateguard" tests="\d+" failures="2"/);
});

test('--diff shows the injected defaults as a YAML diff', () => {
  const { stdout } = runCli(['review', '--diff', SEED_FILE]);
  assert.match(stdout, /\+\s+seccompProfile:/);
  assert.match(stdout, /\+\s+type: RuntimeDefault/);
  assert.match(stdout, /\+\s+podAntiAffinity:/);
});

test('--fix writes the mutated manifest back and keeps comments; a second review has nothing to fix', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stateguard-fix-'));
  const file = join(dir, 'web.yaml');
  copyFileSync(SEED_FILE, file);
  const first = runCli(['review', '--fix', file]);
  assert.match(first.stderr, /--fix: wrote/);
  const fixed = readFileSync(file, 'utf8');
  assert.match(fixed, /^# The seed example/m, 'leading comment kept');
  assert.match(fixed, /allowPrivilegeEscalation: false/);
  assert.match(fixed, /stateguard\.io\/mutated:/);
  const second = runCli(['review', '--fix', file]);
  assert.match(second.stderr, /--fix: nothing to change/);
});

test('multi-document YAML, kind: List and JSON are read; other kinds are skipped and counted', () => {
  const { stdout } = runCli(['review', join(CORPUS_DIR, 'jaeger-k8s__production-cassandra.yaml'), join(CORPUS_DIR, 'bank-of-anthos__accounts-db.yaml')]);
  assert.match(stdout, /StatefulSet .*\/cassandra/);
  assert.match(stdout, /StatefulSet .*\/accounts-db/);
  assert.match(stdout, /other documents skipped \(\d+ /);
  const json = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [JSON.parse(JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } }))] });
  const fromStdin = runCli(['review', '-'], { input: json });
  assert.equal(fromStdin.code, 0);
  assert.match(fromStdin.stdout, /0 StatefulSets reviewed.*1 other document skipped \(1 Service\)/);
});

test('the whole corpus directory is reviewed without a crash', () => {
  const { code, stdout, stderr } = runCli(['review', '-o', 'json', CORPUS_DIR]);
  assert.ok(code === 1 || code === 2, `exit ${code}: ${stderr}`);
  const report = JSON.parse(stdout) as { summary: { statefulSets: number } };
  assert.equal(report.summary.statefulSets, 59);
  assert.equal(stderr, '');
});

test('policies and explain describe the catalog', () => {
  const list = runCli(['policies']);
  assert.equal(list.code, 0);
  assert.match(list.stdout, /storage-class-required\s+deny/);
  const explained = runCli(['explain', 'pvc-retention-retain']);
  assert.match(explained.stdout, /default action: warn/);
  assert.match(explained.stdout, /fix: /);
  const unknown = runCli(['explain', 'nope']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no policy "nope"/);
});

test('stateguard test runs the built-in policy cases', () => {
  const { code, stdout } = runCli(['test']);
  assert.equal(code, 0, stdout.split('\n').filter((l) => l.startsWith('✗') || l.startsWith('    ')).join('\n'));
  assert.match(stdout, /^\d+ passed, 0 failed$/m);
});

test('a user policy directory loads beside the built-ins; an invalid one stops with file, line and errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stateguard-policies-'));
  writeFileSync(join(dir, 'bad.yaml'), 'apiVersion: stateguard.io/v1alpha1\nkind: StatefulSetPolicy\nmetadata: { name: team-rule }\nspec:\n  description: d\n  severity: high\n  action: block\n  validate: { check: name-length, message: m, fix: f }\n');
  const bad = runCli(['review', '--policies', dir, SEED_FILE]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /bad\.yaml:7: policy team-rule: spec\.action: must be equal to one of the allowed values/);
  writeFileSync(join(dir, 'bad.yaml'), 'apiVersion: stateguard.io/v1alpha1\nkind: StatefulSetPolicy\nmetadata: { name: team-label }\nspec:\n  description: pods carry a team label\n  severity: low\n  action: warn\n  validate:\n    path: spec.template.metadata.labels\n    schema: { properties: { spec: { properties: { template: { properties: { metadata: { properties: { labels: { required: [team] } } } } } } } } }\n    message: the pod template has no team label\n    fix: add a team label\n');
  const good = runCli(['review', '--policies', dir, SEED_FILE]);
  assert.equal(good.code, 1);
  assert.match(good.stdout, /! team-label spec\.template\.metadata\.labels/);
});

test('actionCeiling: audit in the config file turns every denial into an audit finding', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stateguard-ceiling-'));
  const config = join(dir, 'config.yaml');
  writeFileSync(config, 'actionCeiling: audit\n');
  const { code, stdout } = runCli(['review', '--config', config, '-o', 'json', SEED_FILE]);
  assert.equal(code, 0);
  const report = JSON.parse(stdout) as { items: { results: { action: string }[] }[] };
  assert.ok(report.items[0]?.results.every((r) => r.action === 'audit'));
});
