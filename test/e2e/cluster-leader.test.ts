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

async function holder(): Promise<string> {
  const lease = await kube.coordination.readNamespacedLease({ name: LEASE, namespace });
  return lease.spec?.holderIdentity ?? '';
}

test('of two electors exactly one leads, and the other takes over when the leader stops', async () => {
  const a = elector('replica-a');
  const changes: boolean[] = [];
  a.onChange((leader) => changes.push(leader));
  await eventually('replica-a to lead', () => (a.isLeader() ? true : undefined));
  const b = elector('replica-b');
  try {
    await new Promise((resolve) => setTimeout(resolve, (timing.leaseDurationSeconds + 1) * 1000));
    assert.equal(a.isLeader(), true, 'the leader keeps renewing');
    assert.equal(b.isLeader(), false, 'a renewed Lease is never taken over');
    assert.equal(await holder(), 'replica-a');

    await a.stop();
    assert.equal(a.isLeader(), false);
    assert.deepEqual(changes, [true, false]);
    // Released: replica-b need not wait for the lease duration, only for its next try.
    const startedWaiting = performance.now();
    await eventually('replica-b to take over', () => (b.isLeader() ? true : undefined));
    assert.ok(performance.now() - startedWaiting < timing.leaseDurationSeconds * 1000, 'taken over before the lease would have expired');
    assert.equal(await holder(), 'replica-b');
    const lease = await kube.coordination.readNamespacedLease({ name: LEASE, namespace });
    assert.equal(lease.spec?.leaseTransitions, 1);
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
    await new Promise((resolve) => setTimeout(resolve, (timing.leaseDurationSeconds - 1) * 1000));
    assert.equal(survivor.isLeader(), false, 'not before the lease duration has passed');
    await eventually('the survivor to take over', () => (survivor.isLeader() ? true : undefined));
    assert.equal(await holder(), 'survivor');
  } finally {
    await survivor.stop();
  }
  assert.equal(await holder(), '', 'released on stop');
});
