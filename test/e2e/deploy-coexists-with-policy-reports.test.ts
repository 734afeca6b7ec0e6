/**
 * The PolicyReport CRD is shared (Kyverno, Policy Reporter and others install it): installing and uninstalling
 * stateguard with deploy/base must leave that CRD and everyone else's reports alone, and stateguard writes the
 * version the cluster serves. The "other producer" CRD is the upstream shape (v1alpha1/v1alpha2/v1beta1, v1beta1
 * stored) under another owner's label and field manager.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { after, before } from 'node:test';
import { test } from './harness/test.ts';
import { parse } from 'yaml';
import { runCli } from '../helpers/cli.ts';
import { eventually, statefulSet } from '../cluster/fixtures.ts';
import { startCluster, type Cluster } from './harness/cluster.ts';
import { startStateguard } from './harness/stateguard.ts';

type Json = Record<string, unknown>;
type Meta = { name: string; namespace?: string; resourceVersion: string; labels?: Record<string, string> };

const ROOT = resolve(import.meta.dirname, '../..');
const CRD_NAME = 'crd/policyreports.wgpolicyk8s.io';
const OTHERS = { 'app.kubernetes.io/managed-by': 'kyverno' } as const;

let cluster: Cluster;

before(async () => {
  cluster = await startCluster();
  await cluster.kubectlOk(['create', 'namespace', 'shop']);
});

after(async () => {
  await cluster?.stop();
});

const kubectl = (args: string[], input?: unknown) => cluster.kubectl(args, input === undefined ? {} : { input: typeof input === 'string' ? input : JSON.stringify(input) });
const getJson = async <T>(args: string[]): Promise<T> => JSON.parse((await cluster.kubectlOk([...args, '-o', 'json'])).stdout) as T;
const audit = (...args: string[]) => runCli(['audit', '--kubeconfig', cluster.kubeconfig, ...args]);

/** Someone else's report, written through `version`. */
function othersReport(name: string, version: string): Json {
  return {
    apiVersion: `wgpolicyk8s.io/${version}`, kind: 'PolicyReport',
    metadata: { name, namespace: 'shop', labels: { ...OTHERS } },
    scope: { apiVersion: 'v1', kind: 'Pod', name: 'web-0', namespace: 'shop' },
    summary: { pass: 1, fail: 1, warn: 0, error: 0, skip: 0 },
    results: [
      { source: 'kyverno', policy: 'require-labels', rule: 'check-team', result: 'pass', scored: true, timestamp: { seconds: 1, nanos: 0 } },
      { source: 'kyverno', policy: 'disallow-latest', rule: 'validate-image', result: 'fail', severity: 'medium', timestamp: { seconds: 1, nanos: 0 } },
    ],
  };
}

async function othersState(): Promise<{ crd: string; reports: string[] }> {
  const crd = await getJson<{ metadata: Meta }>(['get', CRD_NAME]);
  const reports = await getJson<{ items: { metadata: Meta }[] }>(['get', 'policyreports', '-n', 'shop', '-l', 'app.kubernetes.io/managed-by=kyverno']);
  return { crd: crd.metadata.resourceVersion, reports: reports.items.map((r) => `${r.metadata.name}@${r.metadata.resourceVersion}`).sort() };
}

/** Applies, retrying briefly while a just-created namespace is not yet served. */
async function applyBase(): Promise<void> {
  await eventually('kubectl apply -k deploy/base succeeds', async () => ((await kubectl(['apply', '-k', resolve(ROOT, 'deploy/base')])).code === 0 ? true : undefined), 30_000);
}

test('without a PolicyReport CRD: audit --write-reports exits 2 naming the opt-in CRD, and serve runs with its background audit off, saying so once', async () => {
  const result = audit('--write-reports');
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /serves no PolicyReport CRD; stateguard writes v1alpha2 or v1beta1: install the upstream CRD \(deploy\/components\/policyreport-crd\)/);
  await cluster.kubectlOk(['create', 'namespace', 'stateguard']);
  const server = await startStateguard({ kubeconfig: cluster.kubeconfig });
  try {
    const logs = await server.logs();
    const off = logs.filter((line) => String(line.msg).startsWith('background audit off:'));
    assert.equal(off.length, 1, JSON.stringify(logs));
    const serving = logs.find((line) => line.msg === 'stateguard serving')?.['cluster'] as { features: string[]; policy_reports: string };
    assert.ok(!serving.features.includes('background-audit'));
    assert.equal(serving.policy_reports, 'off');
  } finally {
    await server.stop();
  }
});

test('installing and uninstalling deploy/base leaves another producer\'s PolicyReport CRD and reports intact; stateguard writes v1alpha2 beside them', async () => {
  const crd = parse(readFileSync(resolve(ROOT, 'deploy/components/policyreport-crd/policyreport-crd.yaml'), 'utf8')) as { metadata: Json };
  crd.metadata['labels'] = { ...OTHERS };
  await cluster.kubectlOk(['apply', '--field-manager=kyverno', '-f', '-'], { input: JSON.stringify(crd) });
  await cluster.waitEstablished(CRD_NAME);
  await eventually('the other producer\'s reports are written', async () => {
    const written = await Promise.all([kubectl(['create', '-f', '-'], othersReport('kyverno-beta', 'v1beta1')), kubectl(['create', '-f', '-'], othersReport('kyverno-alpha', 'v1alpha2'))]);
    return written.every((w) => w.code === 0 || /AlreadyExists/.test(w.stderr)) ? true : undefined;
  });
  // Created before the webhooks are registered: no stateguard server runs here to answer them.
  await cluster.kubectlOk(['apply', '-f', '-'], { input: JSON.stringify(statefulSet('db', 'shop', { withoutRequests: true })) });
  const before = await othersState();
  assert.equal(before.reports.length, 2);

  await applyBase();
  assert.deepEqual(await othersState(), before, 'apply -k changed neither the CRD nor the reports');

  const result = audit('--write-reports', '-n', 'shop');
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /PolicyReports: 1 created/);
  const ours = await getJson<{ apiVersion: string; summary: Record<string, number>; results: { policy: string; rule: string; result: string }[] }>(['get', 'policyreports.v1alpha2.wgpolicyk8s.io', 'stateguard-sts-db', '-n', 'shop']);
  assert.equal(ours.apiVersion, 'wgpolicyk8s.io/v1alpha2');
  assert.ok(ours.results.some((r) => r.result === 'pass') && ours.results.some((r) => r.result === 'fail'));
  assert.equal(ours.results.filter((r) => r.result === 'pass').length, ours.summary['pass']);
  assert.ok(ours.results.every((r) => r.rule === r.policy));
  assert.deepEqual(await othersState(), before, 'writing stateguard\'s report touched no other report');

  // No controller-manager here: the namespace stays Terminating, so kubectl must not wait for it.
  const removed = await kubectl(['delete', '-k', resolve(ROOT, 'deploy/base'), '--wait=false']);
  assert.equal(removed.code, 0, removed.stderr);
  // Only stateguard's own CRDs (StatefulSetPolicy, StatefulSetPolicyException) go with the base; no shared one.
  const crdsDeleted = removed.stdout.split('\n').filter((line) => /customresourcedefinition/i.test(line)).sort();
  assert.deepEqual(crdsDeleted, ['statefulsetpolicies', 'statefulsetpolicyexceptions'].map((name) => `customresourcedefinition.apiextensions.k8s.io "${name}.stateguard.io" deleted`));
  assert.deepEqual(await othersState(), before, 'delete -k removed neither the CRD nor the reports');
  const crdAfter = await getJson<{ metadata: Meta }>(['get', CRD_NAME]);
  assert.deepEqual(crdAfter.metadata.labels, OTHERS, 'the CRD still carries its owner\'s labels, not stateguard\'s');
});
