/**
 * `stateguard serve --kubeconfig` as stateguard's service account: the LOOKUP policies answer from watched caches,
 * so a headless Service and a PodDisruptionBudget created after the server started are seen at the next request —
 * their warnings disappear from `kubectl apply` — and no admission request makes an API call of its own.
 */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { after, before } from 'node:test';
import { test } from './harness/test.ts';
import type { JsonObject } from '../../src/policy/index.ts';
import { eventually, stateguardKubeconfig, statefulSet } from '../cluster/fixtures.ts';
import { startCluster, type Cluster } from './harness/cluster.ts';
import { startStateguard, type Stateguard } from './harness/stateguard.ts';
import { registerWebhooks } from './harness/webhooks.ts';

const namespace = 'shop';

let cluster: Cluster;
let stateguard: Stateguard | undefined;

before(async () => {
  cluster = await startCluster();
  const serviceAccount = await stateguardKubeconfig(cluster);
  await kubectl(['create', 'namespace', namespace]);
  await kubectl(['apply', '-f', '-'], { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'standard' }, provisioner: 'example.com/none', allowVolumeExpansion: true });
  // The PolicyReport CRD is an opt-in piece of deploy/; with it the server runs every cluster feature.
  await cluster.kubectlOk(['apply', '-f', resolve(import.meta.dirname, '../../deploy/components/policyreport-crd/policyreport-crd.yaml')]);
  await cluster.waitEstablished('crd/policyreports.wgpolicyk8s.io');
  stateguard = await startStateguard({ kubeconfig: serviceAccount });
  // The CA bundle --ca-out wrote is the one the server keeps in its Secret (and patches into the configurations).
  await registerWebhooks(cluster, stateguard);
});

after(async () => {
  await stateguard?.stop();
  await cluster?.stop();
});

function server(): Stateguard {
  assert.ok(stateguard, 'stateguard is not running');
  return stateguard;
}

async function kubectl(args: string[], input?: JsonObject): Promise<{ stdout: string; stderr: string }> {
  return cluster.kubectlOk(args, input === undefined ? {} : { input: JSON.stringify(input) });
}

/** The policies of stateguard's `Warning: [policy] …` lines. */
function warned(stderr: string): string[] {
  return stderr.split('\n').flatMap((line) => /^Warning: \[([a-z0-9-]+)\] /.exec(line)?.[1] ?? []).sort();
}

/** GET and LIST requests for PodDisruptionBudgets the API server has served (its own informers do not watch them). */
async function pdbReads(): Promise<number> {
  let count = 0;
  for (const match of (await cluster.metrics()).matchAll(/^apiserver_request_total\{([^}]*)\} (\d+)$/gm)) {
    const labels = match[1] ?? '';
    if (labels.includes('resource="poddisruptionbudgets"') && /verb="(GET|LIST)"/.test(labels)) count += Number(match[2]);
  }
  return count;
}

test('the start-up summary names the cluster features, and the lookup caches say when they synced', async () => {
  const lines = await server().logs();
  const summary = lines.find((line) => line.msg === 'stateguard serving')?.['cluster'] as { features: string[]; api: string; reason: string };
  assert.deepEqual(summary.features, ['lookups', 'exceptions', 'policy-resources', 'leader-election', 'certificates', 'background-audit', 'events']);
  assert.equal(summary.api, cluster.server);
  assert.match(summary.reason, /--kubeconfig/);
  assert.ok(lines.some((line) => line.msg === 'lookup caches synced'), 'the caches synced');
});

test('a headless Service and a PDB created after the server started make their warnings disappear, with no API call per request', async () => {
  // Three replicas: pdb-exists applies. The StorageClass exists, so storage-class-exists passes from the start.
  const db = statefulSet('db', namespace, { replicas: 3 });
  const created = await kubectl(['apply', '-f', '-'], db);
  assert.deepEqual(warned(created.stderr), ['headless-service-exists', 'pdb-exists']);
  assert.match(created.stderr, /Warning: \[headless-service-exists\] Service "db" does not exist in namespace "shop"/);

  const readsBefore = await pdbReads();
  for (let round = 0; round < 10; round++) {
    const result = await kubectl(['apply', '--dry-run=server', '-f', '-'], { ...db, metadata: { ...db['metadata'] as object, annotations: { round: String(round) } } });
    assert.deepEqual(warned(result.stderr), ['headless-service-exists', 'pdb-exists']);
  }
  assert.equal(await pdbReads(), readsBefore, 'admission reads PodDisruptionBudgets from its cache only');

  await kubectl(['apply', '-f', '-'], { apiVersion: 'v1', kind: 'Service', metadata: { name: 'db', namespace }, spec: { clusterIP: 'None', selector: { app: 'db' }, ports: [{ port: 5432 }] } });
  await kubectl(['apply', '-f', '-'], { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'db', namespace }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'db' } } } });
  // The watches deliver them within moments; each probe is a real change, so kubectl sends it.
  const readsAfter = await pdbReads();
  let round = 10;
  const clean = await eventually('an apply without LOOKUP warnings', async () => {
    const result = await kubectl(['apply', '-f', '-'], { ...db, metadata: { ...db['metadata'] as object, annotations: { round: String(round++) } } });
    return warned(result.stderr).length === 0 ? result : undefined;
  }, 10_000);
  assert.match(clean.stdout, /statefulset\.apps\/db configured/);
  assert.equal(await pdbReads(), readsAfter);

  const decision = await server().waitForDecision('the clean update', (line) => line.webhook === 'validate' && line.object === `${namespace}/db` && !line.dry_run && line.operation === 'UPDATE' && line.findings['pdb-exists'] === undefined);
  assert.equal(decision.decision, 'allow');
});

test('a Service that is not headless is reported as such, from the cache, on the next request', async () => {
  const cache = statefulSet('cache', namespace);
  await kubectl(['apply', '-f', '-'], { apiVersion: 'v1', kind: 'Service', metadata: { name: 'cache', namespace }, spec: { selector: { app: 'cache' }, ports: [{ port: 6379 }] } });
  const stderr = await eventually('the warning about a Service that is not headless', async () => {
    const result = await kubectl(['apply', '--dry-run=server', '-f', '-'], cache);
    return /does not exist/.test(result.stderr) ? undefined : result.stderr;
  }, 10_000);
  assert.match(stderr, /Warning: \[headless-service-exists\] Service "cache" is not headless \(clusterIP is 10\.0\.0\.\d+\)/);
});
