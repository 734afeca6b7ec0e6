/**
 * `stateguard review` reads StatefulSetPolicyExceptions from the documents one would `kubectl apply`: the reviewed
 * inputs (in any order: the exception may come after the StatefulSet) and the `--policies` directories. Same
 * verdict as the webhook: excepted results skip, naming the exception; expired ones are reported, not applied.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { runCliInProcess } from '../helpers/cli-in-process.ts';
import { SEED_FILE } from '../helpers/seed.ts';

const seed = readFileSync(SEED_FILE, 'utf8');
const work = mkdtempSync(join(tmpdir(), 'stateguard-exceptions-'));

function exception(name: string, spec: Record<string, unknown>): string {
  return stringify({ apiVersion: 'stateguard.io/v1alpha1', kind: 'StatefulSetPolicyException', metadata: { name, namespace: 'default' }, spec: { statefulSets: { names: ['web'] }, reason: 'OPS-7: migrating to a StorageClass', ...spec } });
}

type Result = { policy: string; result: string; skip?: { cause: string; exception?: { namespace: string; name: string } }; exceptions?: Record<string, unknown> };
const resultsOf = (stdout: string): Map<string, Result> => new Map(((JSON.parse(stdout) as { items: { results: Result[] }[] }).items[0]?.results ?? []).map((r) => [r.policy, r]));

test('an exception after the StatefulSet in the same input lifts the policies it names: skip naming it, the rest judged', async () => {
  const both = exception('legacy', { policies: [{ policy: 'storage-class-required' }, { policy: 'resource-requests-required' }] });
  const run = await runCliInProcess(['review', '-o', 'json', '-'], { input: `${seed}---\n${both}` });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const results = resultsOf(run.stdout);
  assert.deepEqual(results.get('storage-class-required')?.skip, { cause: 'excepted', exception: { namespace: 'default', name: 'legacy' } });
  assert.equal(results.get('resource-requests-required')?.result, 'skip');
  const one = await runCliInProcess(['review', '-o', 'json', '-'], { input: `${seed}---\n${exception('storage-only', { policies: [{ policy: 'storage-class-required' }] })}` });
  assert.equal(one.code, 1, 'resource-requests-required still denies');
  assert.equal(resultsOf(one.stdout).get('resource-requests-required')?.result, 'fail');
});

test('exceptions in a --policies directory apply, as they would once applied to the cluster; text output names them', async () => {
  const dir = join(work, 'policies');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'exceptions.yaml'), exception('legacy', { policies: [{ policy: 'storage-class-required' }, { policy: 'resource-requests-required' }] }));
  const run = await runCliInProcess(['review', '--policies', dir, SEED_FILE]);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /- storage-class-required excepted by StatefulSetPolicyException default\/legacy/);
});

test('an expired exception is not applied and the report says it expired', async () => {
  const expired = exception('old', { policies: [{ policy: 'storage-class-required' }, { policy: 'resource-requests-required' }], expiresAt: '2020-01-01T00:00:00Z' });
  const run = await runCliInProcess(['review', '-o', 'json', '-'], { input: `${expired}---\n${seed}` });
  assert.equal(run.code, 1);
  assert.deepEqual(resultsOf(run.stdout).get('storage-class-required')?.exceptions, { expired: [{ namespace: 'default', name: 'old', expiresAt: '2020-01-01T00:00:00Z' }] });
  const text = await runCliInProcess(['review', '-'], { input: `${expired}---\n${seed}` });
  assert.match(text.stdout, /StatefulSetPolicyException default\/old expired at 2020-01-01T00:00:00Z: not applied/);
});

test('an invalid exception is a problem naming the field (exit 2), and lifts nothing', async () => {
  const noReason = stringify({ apiVersion: 'stateguard.io/v1alpha1', kind: 'StatefulSetPolicyException', metadata: { name: 'lazy' }, spec: { policies: [{ policy: 'storage-class-required' }], statefulSets: { names: ['web'] } } });
  const run = await runCliInProcess(['review', '-'], { input: `${noReason}---\n${seed}` });
  assert.equal(run.code, 2, run.stdout + run.stderr);
  assert.match(run.stdout + run.stderr, /StatefulSetPolicyException: spec: must have required property 'reason'/);
  assert.match(run.stdout, /✗ storage-class-required/);
  const dir = join(work, 'bad-policies');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'lazy.yaml'), noReason);
  const bad = await runCliInProcess(['review', '--policies', dir, SEED_FILE]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /lazy\.yaml:1: StatefulSetPolicyException lazy: spec: must have required property 'reason'/);
});
