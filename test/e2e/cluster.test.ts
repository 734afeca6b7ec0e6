import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { test } from './harness/test.ts';
import { pinnedVersions } from './harness/binaries.ts';
import { defaultUpdateStrategy } from './harness/api-behaviour.ts';
import { startCluster } from './harness/cluster.ts';
import type { Cluster } from './harness/cluster.ts';
import type { JsonObject } from '../../src/policy/index.ts';
import { statefulSetOf } from '../helpers/statefulset.ts';

const namespace = 'e2e-cluster';

let cluster: Cluster | undefined;

before(async () => {
  cluster = await startCluster();
});

after(async () => {
  if (cluster === undefined) return;
  await cluster.stop();
  for (const [name, pid] of Object.entries(cluster.pids)) {
    assert.equal(isRunning(pid), false, `${name} (pid ${pid}) still runs after stop()`);
  }
});

function started(): Cluster {
  assert.ok(cluster, 'the cluster did not start');
  return cluster;
}

function statefulSet(name: string): JsonObject {
  return statefulSetOf(name, namespace, { replicas: 2, podSpec: { containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10' }] } });
}

async function kubectlOk(args: string[], input?: string): Promise<string> {
  return (await started().kubectlOk(args, input === undefined ? {} : { input })).stdout;
}

test('the apiserver and the kubectl the harness runs are both the pinned Kubernetes release', async (t) => {
  const { kubernetes, etcd } = pinnedVersions();
  const result = await started().kubectl(['version', '-o', 'json']);
  assert.equal(result.code, 0, result.stderr);
  const { clientVersion, serverVersion } = JSON.parse(result.stdout);
  assert.equal(serverVersion.gitVersion, kubernetes);
  assert.equal(clientVersion.gitVersion, kubernetes, `kubectl is ${clientVersion.gitVersion}, not the one built from ${kubernetes}`);
  assert.equal(started().release.kubernetes, kubernetes);
  assert.match(started().kubectlPath, new RegExp(`/\\.cache/e2e-bin/${kubernetes.replaceAll('.', '\\.')}-`));
  assert.doesNotMatch(result.stderr, /version difference/);
  t.diagnostic(`kube-apiserver ${kubernetes}, etcd ${etcd}, kubectl ${clientVersion.gitVersion}, started in ${started().startupMs} ms`);
});

test('a StatefulSet applied through kubectl is stored and defaulted', async () => {
  await kubectlOk(['create', 'namespace', namespace]);
  await kubectlOk(['apply', '-f', '-'], JSON.stringify(statefulSet('web')));

  const stored = JSON.parse(await kubectlOk(['get', 'statefulset', 'web', '-n', namespace, '-o', 'json']));
  assert.equal(stored.metadata.generation, 1);
  assert.match(stored.metadata.uid, /^[0-9a-f-]{36}$/);
  assert.equal(stored.spec.serviceName, 'web');
  assert.equal(stored.spec.replicas, 2);
  assert.deepEqual(stored.spec.selector, { matchLabels: { app: 'web' } });
  assert.equal(stored.spec.template.spec.containers[0].image, 'registry.k8s.io/pause:3.10');
  // Filled in by the apiserver's defaulting, not by kubectl.
  assert.equal(stored.spec.podManagementPolicy, 'OrderedReady');
  // maxUnavailable is defaulted from 1.37 on (harness/api-behaviour.ts).
  assert.deepEqual(stored.spec.updateStrategy, defaultUpdateStrategy(started().release));
});

test('a server-side dry run stores nothing', async () => {
  const output = await kubectlOk(['apply', '--dry-run=server', '-f', '-'], JSON.stringify(statefulSet('dry-run')));
  assert.match(output, /statefulset\.apps\/dry-run created \(server dry run\)/);

  const lookup = await started().kubectl(['get', 'statefulset', 'dry-run', '-n', namespace]);
  assert.notEqual(lookup.code, 0);
  assert.match(lookup.stderr, /NotFound/);
});

test('StatefulSet writes pass through PodSecurity and both webhook admission plugins', async () => {
  const metrics = await started().metrics();
  for (const plugin of ['PodSecurity', 'MutatingAdmissionWebhook', 'ValidatingAdmissionWebhook']) {
    assert.match(metrics, new RegExp(`^apiserver_admission_controller_admission_duration_seconds_count\\{[^}]*name="${plugin}"[^}]*operation="CREATE"`, 'm'));
  }
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
