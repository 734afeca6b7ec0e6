import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CORPORA, FIXTURE_CORPUS, corpusSkip } from '../helpers/corpus.ts';
import { pinnedSummaries } from '../helpers/corpus-verdicts.ts';
import { runCli } from '../helpers/cli.ts';
import { runCliInProcess } from '../helpers/cli-in-process.ts';
import { SEED_FILE } from '../helpers/seed.ts';

// As a process (the smoke test of `review`): the real streams, no TTY, the exit code a shell sees.
test('review of the seed example prints both violations with their fixes and exits 1', async () => {
  const { code, stdout } = runCli(['review', SEED_FILE]);
  assert.equal(code, 1);
  assert.match(stdout, /DENY StatefulSet default\/web/);
  assert.match(stdout, /✗ storage-class-required spec\.volumeClaimTemplates\[0\]\.spec\.storageClassName/);
  assert.match(stdout, /✗ resource-requests-required spec\.template\.spec\.containers\[0\]\.resources\.requests/);
  assert.match(stdout, /fix: set spec\.volumeClaimTemplates\[\*\]\.spec\.storageClassName/);
  assert.match(stdout, /fix: set resources\.requests\.cpu and resources\.requests\.memory/);
  assert.ok(!stdout.includes('\u001b['), 'no colour when not on a TTY');
});

test('--fail-on warn turns warnings into exit 1; a clean manifest exits 0', async () => {
  const clean = readFileSync(join(import.meta.dirname, '../../policies/tests/good-statefulset.yaml'), 'utf8');
  assert.equal((await runCliInProcess(['review', '-'], { input: clean })).code, 0);
  const warnOnly = clean.replace(/ {10}readinessProbe:[\s\S]*?(?=\n {10}\S)/, '');
  assert.notEqual(warnOnly, clean, 'fixture has a readinessProbe to remove');
  assert.equal((await runCliInProcess(['review', '-'], { input: warnOnly })).code, 0);
  assert.equal((await runCliInProcess(['review', '--fail-on', 'warn', '-'], { input: warnOnly })).code, 1);
});

test('-o json carries results and the patch', async () => {
  const { code, stdout } = await runCliInProcess(['review', '-o', 'json', SEED_FILE]);
  assert.equal(code, 1);
  const report = JSON.parse(stdout) as { summary: { denied: number }; items: { results: { policy: string; result: string }[]; patch: unknown[] }[] };
  assert.equal(report.summary.denied, 1);
  assert.ok(report.items[0]?.patch.length);
  assert.ok(report.items[0]?.results.some((r) => r.policy === 'storage-class-required' && r.result === 'fail'));
});

test('-o sarif is SARIF 2.1.0 with rules and located results', async () => {
  const { stdout } = await runCliInProcess(['review', '-o', 'sarif', SEED_FILE]);
  const sarif = JSON.parse(stdout) as { version: string; runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; ruleIndex: number; level: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[] };
  assert.equal(sarif.version, '2.1.0');
  const run = sarif.runs[0];
  assert.ok(run !== undefined);
  const failing = run.results.find((r) => r.ruleId === 'storage-class-required');
  assert.equal(failing?.level, 'error');
  assert.equal(run.tool.driver.rules[failing?.ruleIndex ?? -1]?.id, 'storage-class-required');
  assert.match(failing?.locations[0]?.physicalLocation.artifactLocation.uri ?? '', /seed-statefulset\.yaml$/);
  // The StatefulSet's first line: line 4 of the seed, after its three comment lines.
  assert.equal(failing?.locations[0]?.physicalLocation.region.startLine, 4);
});

test('-o sarif locates a StatefulSet that is not the first document of its file on its own first line', async () => {
  const file = join(FIXTURE_CORPUS.dir, 'zookeeper-host-network-privileged.yaml');
  const lines = readFileSync(file, 'utf8').split('\n');
  const expected = lines.indexOf('kind: StatefulSet'); // 0-based index of `kind`: the 1-based line of the `apiVersion` before it
  assert.equal(lines[expected - 1], 'apiVersion: apps/v1');
  assert.ok(expected > 20, 'the StatefulSet follows a ConfigMap and a Service');
  const { stdout } = await runCliInProcess(['review', '-o', 'sarif', file]);
  const sarif = JSON.parse(stdout) as { runs: { results: { locations: { physicalLocation: { region: { startLine: number } } }[] }[] }[] };
  const starts = new Set(sarif.runs[0]?.results.map((r) => r.locations[0]?.physicalLocation.region.startLine));
  assert.deepEqual([...starts], [expected]);
});

test('-o junit has one failure per denying policy', async () => {
  const { stdout } = await runCliInProcess(['review', '-o', 'junit', SEED_FILE]);
  assert.match(stdout, /^<\?xml version="1.0"/);
  assert.equal(stdout.match(/<failure /g)?.length, 2);
  assert.match(stdout, /<testsuites name="stateguard" tests="\d+" failures="2"/);
});

test('--diff shows the injected defaults as a YAML diff', async () => {
  const { stdout } = await runCliInProcess(['review', '--diff', SEED_FILE]);
  assert.match(stdout, /\+\s+seccompProfile:/);
  assert.match(stdout, /\+\s+type: RuntimeDefault/);
  assert.match(stdout, /\+\s+podAntiAffinity:/);
});

test('--fix writes the mutated manifest back and keeps comments; a second review has nothing to fix', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stateguard-fix-'));
  const file = join(dir, 'web.yaml');
  copyFileSync(SEED_FILE, file);
  const first = await runCliInProcess(['review', '--fix', file]);
  assert.match(first.stderr, /--fix: wrote/);
  const fixed = readFileSync(file, 'utf8');
  assert.match(fixed, /^# The seed example/m, 'leading comment kept');
  assert.match(fixed, /allowPrivilegeEscalation: false/);
  assert.match(fixed, /stateguard\.io\/mutated:/);
  const second = await runCliInProcess(['review', '--fix', file]);
  assert.match(second.stderr, /--fix: nothing to change/);
});

test('multi-document YAML, kind: List and JSON are read; other kinds are skipped and counted', async () => {
  const { stdout } = await runCliInProcess(['review', join(FIXTURE_CORPUS.dir, 'mongo-replica-set-list.yaml'), join(FIXTURE_CORPUS.dir, 'postgres-primary-with-service-and-pdb.yaml')]);
  assert.match(stdout, /StatefulSet default\/mongo/);
  assert.match(stdout, /StatefulSet shop\/postgres/);
  assert.match(stdout, /2 StatefulSets reviewed.*3 other documents skipped \(2 Service, 1 PodDisruptionBudget\)/);
  const json = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [JSON.parse(JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's' } }))] });
  const fromStdin = await runCliInProcess(['review', '-'], { input: json });
  assert.equal(fromStdin.code, 0);
  assert.match(fromStdin.stdout, /0 StatefulSets reviewed.*1 other document skipped \(1 Service\)/);
});

const NOT_SERVED = /^StatefulSet apiVersion apps\/v1beta[12] is not served by current Kubernetes \(use apps\/v1\); reviewed as apps\/v1$/;

for (const corpus of CORPORA) {
  test(`the whole ${corpus.id} corpus directory is reviewed: every StatefulSet, the pinned denials, exit 2 for the apps/v1beta notices alone`, corpusSkip(corpus), async () => {
    const { code, stdout, stderr } = await runCliInProcess(['review', '-o', 'json', corpus.dir]);
    assert.equal(stderr, '');
    const report = JSON.parse(stdout) as { summary: { statefulSets: number; denied: number }; problems: { file: string; message: string }[] };
    assert.equal(report.summary.statefulSets, corpus.statefulSets);
    const pinnedDenials = Object.values(pinnedSummaries(corpus)).filter((summary) => !summary.startsWith('fail=[]')).length;
    assert.equal(report.summary.denied, pinnedDenials);
    // Comment-only and empty documents (helm template output) are no problem; removed API versions are.
    assert.deepEqual(report.problems.filter((p) => !NOT_SERVED.test(p.message)), []);
    assert.ok(report.problems.length > 0, 'the corpus holds apps/v1beta StatefulSets');
    assert.equal(code, 2, 'input problems (the apps/v1beta notices) exit 2');
  });
}

test('the fixture corpus without its apps/v1beta files exits 1: denials and no input problems', async () => {
  const files = readdirSync(FIXTURE_CORPUS.dir).filter((f) => f.endsWith('.yaml') && !f.startsWith('legacy-')).map((f) => join(FIXTURE_CORPUS.dir, f));
  const { code, stdout, stderr } = await runCliInProcess(['review', '-o', 'json', ...files]);
  assert.equal(stderr, '');
  assert.deepEqual((JSON.parse(stdout) as { problems: unknown[] }).problems, []);
  assert.equal(code, 1);
});

test('policies and explain describe the catalog', async () => {
  const list = await runCliInProcess(['policies']);
  assert.equal(list.code, 0);
  assert.match(list.stdout, /storage-class-required\s+deny/);
  const explained = await runCliInProcess(['explain', 'pvc-retention-retain']);
  assert.match(explained.stdout, /default action: warn/);
  assert.match(explained.stdout, /fix: /);
  const unknown = await runCliInProcess(['explain', 'nope']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /no policy "nope"/);
});

test('stateguard test runs the built-in policy cases', async () => {
  const { code, stdout } = await runCliInProcess(['test']);
  assert.equal(code, 0, stdout.split('\n').filter((l) => l.startsWith('✗') || l.startsWith('    ')).join('\n'));
  assert.match(stdout, /^\d+ passed, 0 failed$/m);
});

test('a user policy directory loads beside the built-ins; an invalid one stops with file, line and errors', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stateguard-policies-'));
  writeFileSync(join(dir, 'bad.yaml'), 'apiVersion: stateguard.io/v1alpha1\nkind: StatefulSetPolicy\nmetadata: { name: team-rule }\nspec:\n  description: d\n  severity: high\n  action: block\n  validate: { check: name-length, message: m, fix: f }\n');
  const bad = await runCliInProcess(['review', '--policies', dir, SEED_FILE]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /bad\.yaml:7: policy team-rule: spec\.action: must be equal to one of the allowed values/);
  writeFileSync(join(dir, 'bad.yaml'), 'apiVersion: stateguard.io/v1alpha1\nkind: StatefulSetPolicy\nmetadata: { name: team-label }\nspec:\n  description: pods carry a team label\n  severity: low\n  action: warn\n  validate:\n    path: spec.template.metadata.labels\n    schema: { properties: { spec: { properties: { template: { properties: { metadata: { properties: { labels: { required: [team] } } } } } } } } }\n    message: the pod template has no team label\n    fix: add a team label\n');
  const good = await runCliInProcess(['review', '--policies', dir, SEED_FILE]);
  assert.equal(good.code, 1);
  assert.match(good.stdout, /! team-label spec\.template\.metadata\.labels/);
});

test('actionCeiling: audit in the config file turns every denial into an audit finding', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stateguard-ceiling-'));
  const config = join(dir, 'config.yaml');
  writeFileSync(config, 'actionCeiling: audit\n');
  const { code, stdout } = await runCliInProcess(['review', '--config', config, '-o', 'json', SEED_FILE]);
  assert.equal(code, 0);
  const report = JSON.parse(stdout) as { items: { results: { action: string }[] }[] };
  assert.ok(report.items[0]?.results.every((r) => r.action === 'audit'));
});
