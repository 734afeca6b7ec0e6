import assert from 'node:assert/strict';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { after, before } from 'node:test';
import { test } from './harness/test.ts';
import { runCli, type CliResult } from '../helpers/cli.ts';
import { statefulSet } from '../cluster/fixtures.ts';
import { startCluster, type Cluster } from './harness/cluster.ts';
import { writeKubeconfig } from './harness/kubectl.ts';

const CRD = resolve(import.meta.dirname, '../../deploy/components/policyreport-crd/policyreport-crd.yaml');

let cluster: Cluster;

before(async () => {
  cluster = await startCluster();
  await kubectl(['apply', '-f', CRD]);
  await cluster.waitEstablished('crd/policyreports.wgpolicyk8s.io');
  await kubectl(['create', 'namespace', 'shop']);
  await kubectl(['create', 'namespace', 'billing']);
  await kubectl(['apply', '-f', '-'], JSON.stringify({
    apiVersion: 'v1', kind: 'List', items: [
      { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'standard' }, provisioner: 'example.com/none', allowVolumeExpansion: true },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'clean', namespace: 'shop' }, spec: { clusterIP: 'None', selector: { app: 'clean' }, ports: [{ port: 80 }] } },
      statefulSet('clean', 'shop'),
      statefulSet('no-requests', 'shop', { withoutRequests: true }),
      statefulSet('db', 'billing', { replicas: 3 }),
    ],
  }));
});

after(async () => {
  await cluster?.stop();
});

async function kubectl(args: string[], input?: string): Promise<string> {
  return (await cluster.kubectlOk(args, input === undefined ? {} : { input })).stdout;
}

function audit(...args: string[]): CliResult {
  return runCli(['audit', '--kubeconfig', cluster.kubeconfig, ...args]);
}

interface Report {
  metadata: { name: string; namespace: string; resourceVersion: string; ownerReferences: { kind: string; name: string; uid: string }[] };
  scope: { name: string; uid: string };
  summary: Record<string, number>;
  results: { policy: string; result: string; message: string; properties: Record<string, string> }[];
}

async function reports(): Promise<Map<string, Report>> {
  const list = JSON.parse(await kubectl(['get', 'policyreports', '-A', '-o', 'json'])) as { items: Report[] };
  return new Map(list.items.map((r) => [`${r.metadata.namespace}/${r.scope.name}`, r]));
}

test('every StatefulSet of the cluster is judged, with the lookups, and a deny violation exits 1', () => {
  const result = audit();
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stdout, /^PASS StatefulSet shop\/clean /m);
  assert.match(result.stdout, /^DENY StatefulSet shop\/no-requests /m);
  assert.match(result.stdout, /resource-requests-required/);
  assert.match(result.stdout, /^WARN StatefulSet billing\/db /m);
  assert.match(result.stdout, /no PodDisruptionBudget in namespace "billing" selects these 3 replicas/);
  assert.match(result.stdout, /^3 StatefulSets audited: 1 denied, 1 with warnings, 1 clean; 0 cluster errors$/m, 'audit wording: no documents skipped, no review words');
  assert.doesNotMatch(result.stdout, /--diff|:0\b/, 'audit has no --diff; cluster objects have no line numbers');
  assert.doesNotMatch(result.stdout, /need cluster data/);
  assert.equal(result.stderr, '', 'no progress line when stderr is not a terminal, no missing lookups');
});

test('-n limits the audit to one namespace; warnings exit 0 unless --fail-on warn', () => {
  const result = audit('-n', 'billing', '-o', 'json');
  assert.equal(result.code, 0, result.stderr);
  const json = JSON.parse(result.stdout) as { summary: { statefulSets: number; warned: number }; items: { namespace: string; name: string; file: string }[] };
  assert.deepEqual(json.items.map((i) => `${i.namespace}/${i.name}`), ['billing/db']);
  assert.equal(json.items[0]?.file, '/apis/apps/v1/namespaces/billing/statefulsets/db');
  assert.equal(json.summary.warned, 1);
  assert.equal(audit('-n', 'billing', '--fail-on', 'warn').code, 1);
});

test('the KUBECONFIG variable works as --kubeconfig does, and every output format renders', () => {
  for (const [format, check] of [
    ['markdown', /^\| DENY \| `shop\/no-requests` \| 1 \|/m],
    ['sarif', /"ruleId": "resource-requests-required"/],
    ['junit', /<testsuite name="StatefulSet shop\/no-requests/],
  ] as const) {
    const result = runCli(['audit', '-o', format], { env: { KUBECONFIG: cluster.kubeconfig } });
    assert.equal(result.code, 1, `${format}: ${result.stderr}`);
    assert.match(result.stdout, check, format);
  }
});

test('--write-reports writes one PolicyReport per StatefulSet, owned by it, and rewrites none when nothing changed', async () => {
  const first = audit('--write-reports');
  assert.equal(first.code, 1, first.stderr);
  assert.match(first.stderr, /PolicyReports: 3 created, 0 updated, 0 unchanged, 0 deleted/);
  const written = await reports();
  assert.deepEqual([...written.keys()].sort(), ['billing/db', 'shop/clean', 'shop/no-requests']);
  const denied = written.get('shop/no-requests');
  const uid = (await kubectl(['get', 'statefulset', 'no-requests', '-n', 'shop', '-o', 'jsonpath={.metadata.uid}'])).trim();
  assert.equal(denied?.metadata.name, 'stateguard-sts-no-requests');
  assert.deepEqual(denied?.metadata.ownerReferences.map((o) => [o.kind, o.name, o.uid]), [['StatefulSet', 'no-requests', uid]]);
  assert.equal(denied?.scope.uid, uid);
  assert.equal(denied?.summary['fail'], 1);
  assert.equal(denied?.summary['warn'], 1);
  const flagged = denied?.results.filter((r) => r.result !== 'pass');
  assert.deepEqual(flagged?.map((r) => [r.policy, r.result, r.properties['action']]), [['headless-service-exists', 'warn', 'warn'], ['resource-requests-required', 'fail', 'deny']]);
  assert.match(flagged?.[1]?.message ?? '', /^spec\.template\.spec\.containers\[0\]\.resources\.requests: container "app" requests no cpu/);
  const clean = written.get('shop/clean');
  assert.ok(clean?.results.every((r) => r.result === 'pass'), 'a clean report lists only passes');
  assert.ok((clean?.summary['pass'] ?? 0) > 10);
  assert.equal(clean?.results.length, clean?.summary['pass'], 'each pass is a result: Policy Reporter counts results');

  const again = audit('--write-reports');
  assert.match(again.stderr, /PolicyReports: 0 created, 0 updated, 3 unchanged, 0 deleted/);
  assert.deepEqual([...(await reports()).values()].map((r) => r.metadata.resourceVersion), [...written.values()].map((r) => r.metadata.resourceVersion));
});

test('a changed verdict updates the report; a deleted StatefulSet loses it; with reportsDeleteWhenClean a clean one has none', async () => {
  await kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'db', namespace: 'billing' }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'db' } } } }));
  await kubectl(['delete', 'statefulset', 'no-requests', '-n', 'shop']);
  const result = audit('--write-reports');
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /PolicyReports: 0 created, 1 updated, 1 unchanged, 1 deleted/);
  const remaining = await reports();
  assert.deepEqual([...remaining.keys()].sort(), ['billing/db', 'shop/clean']);
  assert.deepEqual(remaining.get('billing/db')?.results.filter((r) => r.result !== 'pass').map((r) => r.policy), ['headless-service-exists'], 'the PDB now exists; the Service does not');

  const config = join(cluster.dir, 'delete-when-clean.yaml');
  writeFileSync(config, 'cluster:\n  reportsDeleteWhenClean: true\n');
  const cleaned = audit('--write-reports', '-c', config);
  assert.match(cleaned.stderr, /PolicyReports: 0 created, 0 updated, 1 unchanged, 1 deleted/);
  assert.deepEqual([...(await reports()).keys()], ['billing/db']);
});

test('an unreachable cluster is an error naming the server, exit 2', async () => {
  const closed = createServer().listen(0, '127.0.0.1');
  await once(closed, 'listening');
  const { port } = closed.address() as AddressInfo;
  closed.close();
  const kubeconfig = join(cluster.dir, 'unreachable.kubeconfig');
  await writeKubeconfig(kubeconfig, { server: `https://127.0.0.1:${port}`, caPem: cluster.caPem, token: cluster.token });
  const result = runCli(['audit', '--kubeconfig', kubeconfig]);
  assert.equal(result.code, 2);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, new RegExp(`^stateguard: cannot list /apis/apps/v1/statefulsets at https://127.0.0.1:${port}: no response \\(connect ECONNREFUSED`, 'm'));
});

test('a user who may not list StatefulSets gets the 403 and the API server\'s message, exit 2', async () => {
  await kubectl(['create', 'serviceaccount', 'nobody', '-n', 'shop']);
  const token = (await kubectl(['create', 'token', 'nobody', '-n', 'shop'])).trim();
  const kubeconfig = join(cluster.dir, 'nobody.kubeconfig');
  await writeKubeconfig(kubeconfig, { server: cluster.server, caPem: cluster.caPem, token });
  const result = runCli(['audit', '--kubeconfig', kubeconfig]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, new RegExp(`^stateguard: cannot list /apis/apps/v1/statefulsets at ${cluster.server}: 403 Forbidden: statefulsets.apps is forbidden: User "system:serviceaccount:shop:nobody" cannot list`, 'm'));
});

test('with namespace-only permissions, -n reads the namespace\'s lookups; a refused StorageClass lookup is never a pass, exit 2', async () => {
  await kubectl(['create', 'serviceaccount', 'shop-auditor', '-n', 'shop']);
  await kubectl(['create', 'role', 'auditor', '-n', 'shop', '--verb=get,list,watch', '--resource=statefulsets.apps,services,poddisruptionbudgets.policy,limitranges']);
  await kubectl(['create', 'rolebinding', 'auditor', '-n', 'shop', '--role=auditor', '--serviceaccount=shop:shop-auditor']);
  const token = (await kubectl(['create', 'token', 'shop-auditor', '-n', 'shop'])).trim();
  const kubeconfig = join(cluster.dir, 'shop-auditor.kubeconfig');
  await writeKubeconfig(kubeconfig, { server: cluster.server, caPem: cluster.caPem, token });

  const result = runCli(['audit', '--kubeconfig', kubeconfig, '-n', 'shop']);
  assert.equal(result.code, 2, `${result.stdout}\n${result.stderr}`);
  assert.match(result.stdout, /^INCOMPLETE StatefulSet shop\/clean /m);
  assert.match(result.stdout, /storage-class-exists\S* not evaluated, the lookup was refused: cannot list \/apis\/storage\.k8s\.io\/v1\/storageclasses at \S+: 403 Forbidden: storageclasses\.storage\.k8s\.io is forbidden/);
  assert.doesNotMatch(result.stdout, /headless-service-exists|need cluster data/, 'the Services of the namespace were read: the policy passed on real data');
  assert.match(result.stdout, /^1 StatefulSet audited: 0 denied, 0 with warnings, 0 clean; 1 not fully evaluated \(a lookup was refused\)/m);
  assert.match(result.stderr, /^stateguard audit: StorageClasses: cannot list \/apis\/storage\.k8s\.io\/v1\/storageclasses at \S+: 403 Forbidden: .*; the policies that need them were not evaluated \(exit 2\)$/m);
  assert.doesNotMatch(result.stderr, /Services|PodDisruptionBudgets|LimitRanges/, 'the namespaced kinds were listed in the namespace, as the Role allows');

  const json = JSON.parse(runCli(['audit', '--kubeconfig', kubeconfig, '-n', 'shop', '-o', 'json']).stdout) as { summary: { clean: number; incomplete: number }; items: { results: { policy: string; skip?: unknown }[] }[] };
  assert.deepEqual(json.summary.clean, 0);
  assert.deepEqual(json.summary.incomplete, 1);
  assert.deepEqual(json.items[0]?.results.find((r) => r.policy === 'storage-class-exists')?.skip, { cause: 'lookup-forbidden', lookup: 'storageClasses' });
});
