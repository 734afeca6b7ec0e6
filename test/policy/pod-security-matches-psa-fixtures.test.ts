/**
 * Pod Security parity: the verdicts of pod-security-baseline and pod-security-restricted equal Pod Security
 * Admission's own on every fixture of the upstream test data (k8s.io/pod-security-admission, test/testdata), for
 * the newest policy version the module carries ("latest" level semantics). The module is fetched into the Go
 * module cache by `go mod download`; the fixtures are never copied into this repository.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { evaluate } from '../../src/policy/index.ts';
import { builtinPolicies } from '../helpers/policies.ts';

const MODULE = 'k8s.io/pod-security-admission@v0.37.2';
const LEVELS = ['baseline', 'restricted'] as const;
type Level = (typeof LEVELS)[number];

interface Fixture { readonly level: Level; readonly expect: 'pass' | 'fail'; readonly file: string; readonly pod: Record<string, unknown> }

/** The module's directory in the Go module cache; a clear failure (never a silent pass) without Go or network. */
function moduleDir(): string {
  let out: string;
  try {
    out = execFileSync('go', ['mod', 'download', '-json', MODULE], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
  } catch (error) {
    const detail = error as { code?: string; stdout?: string; stderr?: string; message: string };
    const why = detail.code === 'ENOENT' ? 'the go command is not installed (it is a test prerequisite)' : `${detail.stdout ?? ''}${detail.stderr ?? ''}`.trim() || detail.message;
    throw new Error(`cannot fetch the Pod Security Admission fixtures (go mod download ${MODULE}): ${why}`, { cause: error });
  }
  const dir = (JSON.parse(out) as { Dir?: string; Error?: string }).Dir;
  if (dir === undefined || !existsSync(join(dir, 'test/testdata'))) throw new Error(`go mod download ${MODULE} gave no module directory with test/testdata: ${out}`);
  return dir;
}

function versionKey(name: string): number {
  const match = /^v1\.(\d+)$/.exec(name);
  return match === null ? -1 : Number(match[1]);
}

/** The fixtures of the newest version directory: testdata/<level>/v1.<minor>/{pass,fail}/<check><n>.yaml. */
function loadFixtures(root: string): { version: string; fixtures: Fixture[] } {
  const versions = readdirSync(join(root, 'baseline')).filter((name) => versionKey(name) >= 0).sort((a, b) => versionKey(b) - versionKey(a));
  const version = versions[0];
  if (version === undefined) throw new Error(`no v1.<minor> directories under ${root}/baseline`);
  const fixtures: Fixture[] = [];
  for (const level of LEVELS) {
    for (const expect of ['pass', 'fail'] as const) {
      const dir = join(root, level, version, expect);
      for (const file of readdirSync(dir).filter((name) => name.endsWith('.yaml')).sort()) {
        const pod = parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
        assert.equal(pod['kind'], 'Pod', `${dir}/${file} is not a Pod`);
        fixtures.push({ level, expect, file: `${level}/${version}/${expect}/${file}`, pod });
      }
    }
  }
  return { version, fixtures };
}

/** The Pod as the template of a StatefulSet: its labels and annotations, and its spec. */
function statefulSetOf(pod: Record<string, unknown>): Record<string, unknown> {
  const metadata = (pod['metadata'] ?? {}) as Record<string, unknown>;
  const labels = { app: 'fixture', ...(metadata['labels'] as Record<string, string> | undefined) };
  const template: Record<string, unknown> = { metadata: { labels, ...(metadata['annotations'] === undefined ? {} : { annotations: metadata['annotations'] }) }, spec: pod['spec'] };
  return {
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: String(metadata['name'] ?? 'fixture'), namespace: 'default' },
    spec: { serviceName: 'fixture', replicas: 1, selector: { matchLabels: { app: 'fixture' } }, template },
  };
}

/** stateguard's verdict at a level: restricted is baseline plus the checks restricted adds. */
function verdict(pod: Record<string, unknown>, level: Level): { verdict: 'pass' | 'fail'; findings: string[] } {
  const policies = level === 'baseline' ? ['pod-security-baseline'] : ['pod-security-baseline', 'pod-security-restricted'];
  const results = evaluate(builtinPolicies(), { object: statefulSetOf(pod), operation: 'CREATE' }, { surface: 'validate-webhook' }).results.filter((r) => policies.includes(r.policy));
  assert.equal(results.length, policies.length, `expected results of ${policies.join(', ')}`);
  for (const r of results) assert.ok(r.result === 'pass' || r.violations.length > 0, `${r.policy} gave ${r.result} without findings`);
  const findings = results.flatMap((r) => r.violations.map((v) => `${r.policy}: ${v.checkId ?? '?'} ${v.message}`));
  return { verdict: findings.length === 0 ? 'pass' : 'fail', findings };
}

const { version, fixtures } = loadFixtures(join(moduleDir(), 'test/testdata'));

test(`the upstream fixtures of the newest version (${MODULE}) are there in both levels and both verdicts`, () => {
  assert.ok(versionKey(version) >= 37, `newest fixture version is ${version}`);
  for (const level of LEVELS) {
    for (const expect of ['pass', 'fail'] as const) assert.ok(fixtures.some((f) => f.level === level && f.expect === expect), `no ${level}/${expect} fixtures`);
  }
});

test('stateguard gives Pod Security Admission\'s own verdict on every upstream fixture, at each level', () => {
  const disagreements = fixtures.flatMap((fixture) => {
    const got = verdict(fixture.pod, fixture.level);
    return got.verdict === fixture.expect ? [] : [`${fixture.file}: PSA ${fixture.expect}, stateguard ${got.verdict} ${JSON.stringify(got.findings)}`];
  });
  if (process.env['PSA_PARITY_COUNTS'] === '1') console.log(`fixtures=${fixtures.length} agreements=${fixtures.length - disagreements.length}`);
  assert.deepEqual(disagreements, [], `${disagreements.length} of ${fixtures.length} fixtures disagree`);
});

/** PSA reads no nodeSelector: pinning a fixture to Windows nodes by nodeSelector alone leaves its verdict as it was. */
function pinnedByNodeSelector(pod: Record<string, unknown>): Record<string, unknown> {
  const spec = { ...(pod['spec'] as Record<string, unknown>) };
  spec['nodeSelector'] = { ...(spec['nodeSelector'] as Record<string, string> | undefined), 'kubernetes.io/os': 'windows' };
  return { ...pod, spec };
}

test('a nodeSelector kubernetes.io/os: windows changes no verdict: only spec.os.name: windows exempts Linux-only checks', () => {
  const disagreements = fixtures.flatMap((fixture) => {
    const got = verdict(pinnedByNodeSelector(fixture.pod), fixture.level);
    return got.verdict === fixture.expect ? [] : [`${fixture.file} + nodeSelector: PSA ${fixture.expect}, stateguard ${got.verdict}`];
  });
  if (process.env['PSA_PARITY_COUNTS'] === '1') console.log(`nodeSelector variants=${fixtures.length} agreements=${fixtures.length - disagreements.length}`);
  assert.deepEqual(disagreements, [], `${disagreements.length} of ${fixtures.length} fixtures disagree`);
});

test('the Windows pass fixture with spec.os.name replaced by a nodeSelector fails restricted, as PSA would reject it', () => {
  const windows = fixtures.find((f) => f.file.endsWith(`restricted/${version}/pass/base_windows.yaml`));
  assert.ok(windows !== undefined, 'no restricted pass/base_windows.yaml fixture');
  const spec = { ...(windows.pod['spec'] as Record<string, unknown>) };
  delete spec['os'];
  const got = verdict(pinnedByNodeSelector({ ...windows.pod, spec }), 'restricted');
  assert.equal(got.verdict, 'fail');
  assert.ok(got.findings.some((f) => f.includes('allowPrivilegeEscalation')), JSON.stringify(got.findings));
});
