import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { test } from './harness/test.ts';
import { loadKube, type Kube } from '../../src/cluster/kube.ts';
import { startLeaderElection, type LeaderElector } from '../../src/cluster/leader.ts';
import { eventually, silentLog, stateguardKubeconfig } from '../cluster/fixtures.ts';
import { startCluster, type Cluster } from './harness/cluster.ts';

const namespace = 'stateguard';
/** The one Lease stateguard's RBAC (deploy/base) lets it write. */
const LEASE = 'stateguard-leader';
const timing = { leaseDurationSeconds: 3, renewIntervalSeconds: 1 };

let cluster: Cluster;
/** As stateguard's service account, with the RBAC of deploy/base. */
let kube: Kube;

before(async () => {
  cluster = await startCluster();
  kube = loadKube({ kubeconfig: await stateguardKubeconfig(cluster) });
});

after(async () => {
  await cluster?.stop();
});

function elector(identity: string): LeaderElector {
  return startLeaderElection(kube, { namespace, name: LEASE, identity, ...timing, log: silentLog });
}

async function lease(): Promise<{ holderIdentity?: string; acquireTime?: unknown; renewTime?: unknown; leaseTransitions?: number }> {
  return (await kube.coordination.readNamespacedLease({ name: LEASE, namespace })).spec ?? {};
}

async function holder(): Promise<string> {
  return (await lease()).holderIdentity ?? '';
}

/** Milliseconds since the epoch of a Lease MicroTime (a Date or its RFC 3339 text). */
function timeOf(value: unknown): number {
  const ms = value instanceof Date ? value.getTime() : Date.parse(String(value));
  assert.ok(Number.isFinite(ms), `not a Lease time: ${String(value)}`);
  return ms;
}

test('of two electors exactly one leads, and the other takes over when the leader stops', async () => {
  const a = elector('replica-a');
  const changes: boolean[] = [];
  a.onChange((leader) => changes.push(leader));
  await eventually('replica-a to lead', () => (a.isLeader() ? true : undefined));
  const b = elector('replica-b');
  try {
    // Wait, by the Lease itself, until replica-a has renewed it for longer than a lease duration after
    // replica-b started: had it stopped renewing, replica-b would have taken it over by then.
    const acquired = timeOf((await lease()).acquireTime);
    await eventually('replica-a to renew across a whole lease duration', async () => (timeOf((await lease()).renewTime) > acquired + (timing.leaseDurationSeconds + 1) * 1000 ? true : undefined), 30_000);
    assert.equal(a.isLeader(), true, 'the leader keeps renewing');
    assert.equal(b.isLeader(), false, 'a renewed Lease is never taken over');
    assert.equal(await holder(), 'replica-a');

    const lastRenewal = timeOf((await lease()).renewTime);
    await a.stop();
    assert.equal(a.isLeader(), false);
    assert.deepEqual(changes, [true, false]);
    await eventually('replica-b to take over', () => (b.isLeader() ? true : undefined));
    assert.equal(await holder(), 'replica-b');
    const taken = await lease();
    assert.equal(taken.leaseTransitions, 1);
    // Released: replica-b did not wait for the lease to expire (the Lease's own times, not the test's clock).
    assert.ok(timeOf(taken.acquireTime) < lastRenewal + timing.leaseDurationSeconds * 1000, `taken over at ${String(taken.acquireTime)}, before the lease renewed at ${new Date(lastRenewal).toISOString()} would have expired`);
  } finally {
    await b.stop();
  }
});

test('a Lease held by a replica that stopped renewing is taken over once it expires', async () => {
  const renewTime = new Date().toISOString().replace('Z', '000Z');
  const created = await cluster.kubectl(['replace', '--force', '-f', '-'], { input: JSON.stringify({
    apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: LEASE, namespace },
    spec: { holderIdentity: 'crashed-replica', leaseDurationSeconds: timing.leaseDurationSeconds, renewTime, acquireTime: renewTime },
  }) });
  assert.equal(created.code, 0, created.stderr);
  const survivor = elector('survivor');
  try {
    await eventually('the survivor to take over', () => (survivor.isLeader() ? true : undefined));
    assert.equal(await holder(), 'survivor');
    // Not before the crashed replica's lease expired: the survivor's acquireTime is a lease duration after its last renewal.
    const taken = await lease();
    assert.ok(timeOf(taken.acquireTime) >= Date.parse(renewTime) + timing.leaseDurationSeconds * 1000, `taken over at ${String(taken.acquireTime)}, within ${timing.leaseDurationSeconds} s of the last renewal at ${renewTime}`);
  } finally {
    await survivor.stop();
  }
  assert.equal(await holder(), '', 'released on stop');
});
