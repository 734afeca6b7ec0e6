/**
 * Two `stateguard serve --kubeconfig` replicas, as stateguard's service account, audit-only (actionCeiling: audit):
 * one leads on the Lease and keeps one PolicyReport per StatefulSet — for those created while stateguard was absent
 * and for those it admitted in audit mode — rewrites them when the policies change and deletes them with their
 * StatefulSet. When the leader stops it releases the Lease, and the other replica carries on at once.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before } from 'node:test';
import { test } from './harness/test.ts';
import { loadKube, type Kube } from '../../src/cluster/kube.ts';
import type { JsonObject } from '../../src/policy/index.ts';
import { eventually, stateguardKubeconfig, statefulSet } from '../cluster/fixtures.ts';
import { post } from '../webhook/helpers/https.ts';
import { startCluster, type Cluster } from './harness/cluster.ts';
import { startStateguard, type Stateguard } from './harness/stateguard.ts';
import { webhookConfigurations } from './harness/webhooks.ts';

const CRD = resolve(import.meta.dirname, '../../deploy/components/policyreport-crd/policyreport-crd.yaml');
const REVIEW = readFileSync(resolve(import.meta.dirname, '../../examples/admission-review.json'), 'utf8');
const namespace = 'legacy';
const LEASE = { name: 'stateguard-leader', namespace: 'stateguard' };
/** Short, so a takeover without a release would take visibly longer than one with it. */
const CLUSTER_SETTINGS = { leaseDurationSeconds: 4, leaseRenewSeconds: 1 };

let cluster: Cluster;
/** As the cluster admin: to look at what stateguard wrote. */
let kube: Kube;
let configFile: string;
let replicas: Stateguard[] = [];

before(async () => {
  cluster = await startCluster();
  kube = loadKube({ kubeconfig: cluster.kubeconfig });
  const serviceAccount = await stateguardKubeconfig(cluster);
  await kubectl(['apply', '-f', CRD]);
  await cluster.waitEstablished('crd/policyreports.wgpolicyk8s.io');
  await kubectl(['create', 'namespace', namespace]);
  await kubectl(['apply', '-f', '-'], { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'standard' }, provisioner: 'example.com/none', allowVolumeExpansion: true });
  // Created while no stateguard runs: nothing judged it.
  await kubectl(['apply', '-f', '-'], statefulSet('before', namespace, { withoutRequests: true }));
  configFile = join(cluster.dir, 'stateguard.yaml');
  writeConfig({});
  replicas = await Promise.all([0, 1].map(() => startStateguard({ configFile, kubeconfig: serviceAccount })));
});

after(async () => {
  for (const replica of replicas) await replica.stop();
  await cluster?.stop();
});

function writeConfig(policies: Record<string, { action: string }>): void {
  // No admission drain: a leader keeps its Lease (and renews it) until the drain ends, and these tests are about the
  // hand-over that follows, measured against the last renewal seen before SIGTERM.
  writeFileSync(configFile, JSON.stringify({ actionCeiling: 'audit', policies, cluster: CLUSTER_SETTINGS, server: { shutdownDrainMs: 0 } }));
}

async function kubectl(args: string[], input?: JsonObject): Promise<{ stdout: string; stderr: string }> {
  return cluster.kubectlOk(args, input === undefined ? {} : { input: JSON.stringify(input) });
}

/**
 * The webhook configurations of deploy/base pointed at `replica`. Audit-only, nothing is denied (the harness's
 * registerWebhooks waits for a denial): the API server calls both once a dry run is patched and logged as validated.
 */
async function registerWebhooks(replica: Stateguard): Promise<void> {
  await kubectl(['apply', '-f', '-'], { apiVersion: 'v1', kind: 'List', items: webhookConfigurations({ url: replica.url, caPem: replica.caPem }) });
  const probe = statefulSet('probe', namespace, { replicas: 3 });
  await eventually('the API server to call both webhooks', async () => {
    const result = await cluster.kubectl(['create', '--dry-run=server', '-o', 'json', '-f', '-'], { input: JSON.stringify(probe) });
    const patched = result.code === 0 && (JSON.parse(result.stdout) as { metadata: { annotations?: Record<string, string> } }).metadata.annotations?.['stateguard.io/mutated'] !== undefined;
    const validated = (await replica.decisions()).some((line) => line.webhook === 'validate' && line.object === `${namespace}/probe`);
    return patched && validated ? true : undefined;
  }, 30_000);
}

async function identity(replica: Stateguard): Promise<string> {
  const serving = (await replica.logs()).find((line) => line.msg === 'stateguard serving');
  return (serving?.['cluster'] as { identity: string }).identity;
}

/** Milliseconds since the epoch of a Lease MicroTime (a Date or its RFC 3339 text). */
function timeOf(value: unknown): number {
  const ms = value instanceof Date ? value.getTime() : Date.parse(String(value));
  assert.ok(Number.isFinite(ms), `not a Lease time: ${String(value)}`);
  return ms;
}

async function holder(): Promise<string> {
  return (await kube.coordination.readNamespacedLease(LEASE)).spec?.holderIdentity ?? '';
}

async function leader(): Promise<{ leader: Stateguard; follower: Stateguard }> {
  const current = await holder();
  const identities = await Promise.all(replicas.map(identity));
  const index = identities.indexOf(current);
  assert.ok(index >= 0, `the Lease holder "${current}" is one of the replicas (${identities.join(', ')})`);
  return { leader: replicas[index] as Stateguard, follower: replicas[1 - index] as Stateguard };
}

/** Each StatefulSet's report in the namespace: the policies of its results. */
async function reports(): Promise<Map<string, string[]>> {
  const list = JSON.parse((await kubectl(['get', 'policyreports', '-n', namespace, '-o', 'json'])).stdout) as { items: { scope: { name: string }; results: { policy: string; result: string }[] }[] };
  return new Map(list.items.map((report) => [report.scope.name, report.results.filter((r) => r.result !== 'pass').map((r) => r.policy).sort()]));
}

function reportOf(name: string, policies: string[]): Promise<true> {
  return eventually(`the report of "${name}" to list ${policies.join(', ')}`, async () => (JSON.stringify((await reports()).get(name)) === JSON.stringify(policies) ? true : undefined));
}

test('of two replicas started together exactly one leads, and both serve the certificate it stored', async () => {
  await eventually('a Lease holder', async () => (await holder()) || undefined);
  const ledOnce = await Promise.all(replicas.map(async (replica) => (await replica.logs()).filter((line) => line.msg === 'became the leader').length));
  assert.deepEqual(ledOnce.sort(), [0, 1], 'one replica became the leader, once');
  await leader();

  const [a, b] = replicas as [Stateguard, Stateguard];
  assert.equal(a.caPem, b.caPem, 'one CA bundle for both');
  const served = await Promise.all(replicas.map(async (replica) => (await post(`${replica.url}/validate`, REVIEW, { ca: replica.caPem })).certificate));
  assert.equal(served[0], served[1], 'both serve the pair from the one Secret');
});

test('a StatefulSet created while stateguard was absent gets its PolicyReport and a Warning Event', async () => {
  await reportOf('before', ['headless-service-exists', 'resource-requests-required']);
  const events = JSON.parse((await kubectl(['get', 'events.events.k8s.io', '-n', namespace, '-o', 'json'])).stdout) as { items: { regarding: { name: string }; reason: string; note: string; reportingController: string }[] };
  const event = events.items.find((e) => e.regarding.name === 'before' && e.reason === 'PolicyViolation');
  assert.equal(event?.reportingController, 'stateguard.io/audit');
  assert.match(event?.note ?? '', /\[resource-requests-required\] spec\.template\.spec\.containers\[0\]\.resources\.requests/);
});

test('in audit mode a violating StatefulSet is admitted without a word, and reported', async () => {
  // Through the follower: admission goes on when the leader stops later.
  await registerWebhooks((await leader()).follower);
  const result = await kubectl(['apply', '-f', '-'], statefulSet('audited', namespace, { withoutRequests: true }));
  assert.match(result.stdout, /statefulset\.apps\/audited created/);
  assert.doesNotMatch(result.stderr, /\[resource-requests-required\]/, 'audit findings are not printed');
  const decision = await (await leader()).follower.waitForDecision('the audited create', (line) => line.webhook === 'validate' && line.object === `${namespace}/audited` && !line.dry_run);
  assert.equal(decision.findings['resource-requests-required'], 'audit');
  await reportOf('audited', ['headless-service-exists', 'resource-requests-required']);
});

test('changed policies apply to every report at once: a config change reloads, and the leader rescans', async () => {
  writeConfig({ 'headless-service-exists': { action: 'off' } });
  await reportOf('before', ['resource-requests-required']);
  await reportOf('audited', ['resource-requests-required']);
  for (const replica of replicas) await eventually('the reload', async () => ((await replica.logs()).some((line) => String(line.msg).startsWith('config and policies reloaded')) ? true : undefined));
});

test('a stopping leader releases the Lease; the other replica leads at once and keeps the reports current', async () => {
  const { leader: stopping, follower } = await leader();
  const [stoppingIdentity, followerIdentity] = await Promise.all([identity(stopping), identity(follower)]);
  const lastRenewal = timeOf((await kube.coordination.readNamespacedLease(LEASE)).spec?.renewTime);
  assert.equal(await stopping.stop(), 'exit code 0');
  replicas = [follower];
  assert.notEqual(await holder(), stoppingIdentity, 'released on the way out');
  await eventually('the follower to take over', async () => ((await holder()) === followerIdentity ? true : undefined));
  // By the Lease's own times, not the test's clock: the follower did not wait for the released Lease to expire.
  const acquired = timeOf((await kube.coordination.readNamespacedLease(LEASE)).spec?.acquireTime);
  assert.ok(acquired < lastRenewal + CLUSTER_SETTINGS.leaseDurationSeconds * 1000, `taken over at ${new Date(acquired).toISOString()}, before the Lease renewed at ${new Date(lastRenewal).toISOString()} could have expired`);

  const result = await kubectl(['apply', '-f', '-'], statefulSet('after', namespace, { withoutRequests: true }));
  assert.match(result.stdout, /statefulset\.apps\/after created/);
  await reportOf('after', ['resource-requests-required']);
});

test('deleting StatefulSets deletes their reports', async () => {
  await kubectl(['delete', 'statefulset', 'before', 'audited', 'after', '-n', namespace]);
  await eventually('no reports left', async () => ((await reports()).size === 0 ? true : undefined));
});
