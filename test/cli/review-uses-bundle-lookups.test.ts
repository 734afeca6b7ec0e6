/**
 * `stateguard review` feeds the LOOKUP policies from the objects of the same review (a `helm template` bundle
 * carries its Service and PodDisruptionBudget) and from `--cluster-data` files, and says where each lookup came from.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { runCliInProcess } from '../helpers/cli-in-process.ts';

const statefulSet = readFileSync(join(import.meta.dirname, '../../policies/tests/good-statefulset.yaml'), 'utf8');
const work = mkdtempSync(join(tmpdir(), 'stateguard-lookups-'));

function service(name: string, clusterIP: string): string {
  return stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec: { clusterIP, selector: { 'app.kubernetes.io/name': 'postgres' }, ports: [{ name: 'postgres', port: 5432 }] } });
}
const pdb = stringify({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'postgres' }, spec: { maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'postgres' } } } });
const storageClass = (name: string): Record<string, unknown> => ({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name }, provisioner: 'ebs.csi.aws.com' });

function results(stdout: string): Record<string, string> {
  const report = JSON.parse(stdout) as { items: { results: { policy: string; result: string }[] }[] };
  return Object.fromEntries((report.items[0]?.results ?? []).map((r) => [r.policy, r.result]));
}

test('a Service in the same bundle that is not headless is reported, not skipped as "no cluster data"', async () => {
  const { stdout } = await runCliInProcess(['review', '-o', 'json', '-'], { input: `${service('postgres-headless', '10.96.0.7')}---\n${statefulSet}` });
  assert.equal(results(stdout)['headless-service-exists'], 'warn');
});

test('the bundle\'s headless Service and PodDisruptionBudget satisfy their lookups; the text says they came from the review', async () => {
  const { stdout } = await runCliInProcess(['review', '-'], { input: `${service('postgres-headless', 'None')}---\n${pdb}---\n${statefulSet}` });
  assert.doesNotMatch(stdout, /headless-service-exists|pdb-exists/);
  assert.match(stdout, /lookups: Services from <stdin>; PodDisruptionBudgets from <stdin>; StorageClasses not known \(no cluster data\)/);
  const json = await runCliInProcess(['review', '-o', 'json', '-'], { input: `${service('postgres-headless', 'None')}---\n${pdb}---\n${statefulSet}` });
  assert.equal(results(json.stdout)['headless-service-exists'], 'pass');
  assert.equal(results(json.stdout)['pdb-exists'], 'pass');
  const report = JSON.parse(json.stdout) as { lookups: { data: string; from: string[] }[] };
  assert.deepEqual(report.lookups.find((l) => l.data === 'Services'), { data: 'Services', from: ['<stdin>'] });
  assert.deepEqual(report.lookups.find((l) => l.data === 'StorageClasses'), { data: 'StorageClasses', from: [] });
  assert.equal(json.stderr, '');
});

test('without --cluster-data, an object missing from the bundle is not known to be missing: the lookup still skips', async () => {
  const { stdout } = await runCliInProcess(['review', '-o', 'json', '-'], { input: `${service('other', 'None')}---\n${statefulSet}` });
  assert.equal(results(stdout)['headless-service-exists'], 'skip');
  assert.equal(results(stdout)['pdb-exists'], 'skip');
});

test('--cluster-data gives the cluster\'s lists: what they lack does not exist, what they have is used, and the source is named', async () => {
  const cluster = join(work, 'cluster.yaml');
  writeFileSync(cluster, stringify({ apiVersion: 'v1', kind: 'List', items: [storageClass('standard'), { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'other', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'other' } } } }] }));
  const missing = await runCliInProcess(['review', '-o', 'json', '--cluster-data', cluster, '-'], { input: statefulSet });
  assert.equal(results(missing.stdout)['storage-class-exists'], 'warn');
  assert.equal(results(missing.stdout)['pdb-exists'], 'warn');
  assert.equal(results(missing.stdout)['headless-service-exists'], 'skip', 'no Services were given at all');

  writeFileSync(cluster, stringify({ apiVersion: 'v1', kind: 'List', items: [storageClass('fast-ssd')] }));
  const found = await runCliInProcess(['review', '--cluster-data', cluster, '-'], { input: `${pdb}---\n${statefulSet}` });
  assert.doesNotMatch(found.stdout, /storage-class-exists|pdb-exists/);
  assert.match(found.stdout, new RegExp(`StorageClasses from --cluster-data ${cluster.replace(/[/.]/g, '\\$&')}`));
  assert.match(found.stdout, /PodDisruptionBudgets from <stdin>/);
});

test('--cluster-data problems are named as such, and stdin cannot be cluster data', async () => {
  const { stdout, code } = await runCliInProcess(['review', '--cluster-data', join(work, 'absent.yaml'), '--cluster-data', '-', '-'], { input: statefulSet });
  assert.match(stdout, /--cluster-data: cannot read: no such file or directory/);
  assert.match(stdout, /--cluster-data -: stdin is for the manifests to review/);
  assert.equal(code, 2);
});

test('a StatefulSet sees the lookup objects of its own file, not those of another reviewed file', async () => {
  const dir = mkdtempSync(join(work, 'dir-'));
  writeFileSync(join(dir, 'a-other-app.yaml'), service('postgres-headless', '10.96.0.9'));
  writeFileSync(join(dir, 'b-postgres.yaml'), statefulSet);
  assert.equal(results((await runCliInProcess(['review', '-o', 'json', dir])).stdout)['headless-service-exists'], 'skip');
  writeFileSync(join(dir, 'b-postgres.yaml'), `${service('postgres-headless', 'None')}---\n${statefulSet}`);
  assert.equal(results((await runCliInProcess(['review', '-o', 'json', dir])).stdout)['headless-service-exists'], 'pass');
});
