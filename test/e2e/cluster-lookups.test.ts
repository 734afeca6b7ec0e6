import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { test } from './harness/test.ts';
import { loadKube } from '../../src/cluster/kube.ts';
import { startLookupCache, type LookupCache } from '../../src/cluster/lookup-cache.ts';
import { evaluate, type Result } from '../../src/policy/index.ts';
import { builtinPolicies } from '../helpers/policies.ts';
import { eventually, silentLog, statefulSet } from '../cluster/fixtures.ts';
import { startCluster, type Cluster } from './harness/cluster.ts';
import { writeKubeconfig } from './harness/kubectl.ts';

const namespace = 'lookups';
/** The API server ends every watch this often, so the tests below run across several resumed watches. */
const WATCH_TIMEOUT_SECONDS = 2;

let cluster: Cluster;
let cache: LookupCache;

before(async () => {
  cluster = await startCluster();
  await kubectl(['create', 'namespace', namespace]);
  await kubectl(['label', 'namespace', namespace, 'stateguard.io/action=warn']);
});

after(async () => {
  await cache?.stop();
  await cluster?.stop();
});

async function kubectl(args: string[], input?: string): Promise<string> {
  return (await cluster.kubectlOk(args, input === undefined ? {} : { input })).stdout;
}

const db = statefulSet('db', namespace, { replicas: 3, storageClassName: 'fast' });

/**
 * LIST and ended WATCH requests for PodDisruptionBudgets, counted by the API server. PDBs, because the API
 * server's own informers watch Services, StorageClasses, LimitRanges and Namespaces too.
 */
async function pdbRequests(): Promise<Record<'LIST' | 'WATCH', number>> {
  const counts = { LIST: 0, WATCH: 0 };
  for (const match of (await cluster.metrics()).matchAll(/^apiserver_request_total\{([^}]*)\} (\d+)$/gm)) {
    const labels = match[1] ?? '';
    const verb = /verb="(LIST|WATCH)"/.exec(labels)?.[1] as 'LIST' | 'WATCH' | undefined;
    if (verb !== undefined && labels.includes('resource="poddisruptionbudgets"')) counts[verb] += Number(match[2]);
  }
  return counts;
}

function verdicts(): Record<string, Result | undefined> {
  const { results } = evaluate(builtinPolicies(), { object: db, operation: 'CREATE', namespace, lookup: cache.lookup }, { surface: 'audit' });
  const of = (policy: string) => results.find((r) => r.policy === policy)?.result;
  return { service: of('headless-service-exists'), pdb: of('pdb-exists'), storageClass: of('storage-class-exists') };
}

test('before the caches have synced, LOOKUP policies skip with the reason', () => {
  cache = startLookupCache(loadKube({ kubeconfig: cluster.kubeconfig }), { log: silentLog, watchTimeoutSeconds: WATCH_TIMEOUT_SECONDS });
  assert.deepEqual(verdicts(), { service: 'skip', pdb: 'skip', storageClass: 'skip' });
  assert.equal(cache.namespaceLabels(namespace), undefined);
});

test('once synced, missing objects are violations of the LOOKUP policies (warn by default), and namespace labels are known', async () => {
  const state = await cache.waitForSync(30_000);
  assert.deepEqual(state.pending, {});
  assert.equal(cache.synced(), true);
  assert.deepEqual(verdicts(), { service: 'warn', pdb: 'warn', storageClass: 'warn' });
  assert.equal(cache.namespaceLabels(namespace)?.['stateguard.io/action'], 'warn');
  assert.equal(cache.namespaceLabels('no-such-namespace'), undefined);
});

test('objects created after the watches were ended and resumed by the API server make them pass', async () => {
  // The API server counts a WATCH when it ends one (after its timeoutSeconds): wait for that, not for a fixed time.
  await eventually('the API server to end a watch of the cache', async () => ((await pdbRequests()).WATCH >= 1 ? true : undefined), WATCH_TIMEOUT_SECONDS * 4_000);
  await kubectl(['apply', '-f', '-'], JSON.stringify({
    apiVersion: 'v1', kind: 'List', items: [
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'db', namespace }, spec: { clusterIP: 'None', selector: { app: 'db' }, ports: [{ port: 5432 }] } },
      { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'db', namespace }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'db' } } } },
      { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast' }, provisioner: 'example.com/none', allowVolumeExpansion: true },
    ],
  }));
  const passed = await eventually('the new objects in the caches', () => {
    const now = verdicts();
    return Object.values(now).every((r) => r === 'pass') ? now : undefined;
  });
  assert.deepEqual(passed, { service: 'pass', pdb: 'pass', storageClass: 'pass' });
  assert.equal((await pdbRequests()).LIST, 1, 'an ended watch resumes from its resourceVersion, without a new LIST');
});

test('a deleted object and a changed namespace label reach the caches too', async () => {
  await kubectl(['delete', 'poddisruptionbudget', 'db', '-n', namespace]);
  await kubectl(['label', 'namespace', namespace, 'stateguard.io/action=audit', '--overwrite']);
  await eventually('the PDB deletion', () => (verdicts().pdb === 'warn' ? true : undefined));
  await eventually('the new label', () => (cache.namespaceLabels(namespace)?.['stateguard.io/action'] === 'audit' ? true : undefined));
});

test('a headless Service that selects other pods is reported as such', async () => {
  await kubectl(['patch', 'service', 'db', '-n', namespace, '--type=merge', '-p', JSON.stringify({ spec: { selector: { app: 'other' } } })]);
  const result = await eventually('the Service change', () => {
    const { results } = evaluate(builtinPolicies(), { object: db, operation: 'CREATE', namespace, lookup: cache.lookup }, { surface: 'audit' });
    const service = results.find((r) => r.policy === 'headless-service-exists');
    return service?.result === 'pass' ? undefined : service;
  });
  assert.match(result.violations[0]?.message ?? '', /does not select this StatefulSet's pods/);
});

test('a cache refused by RBAC reports 403, keeps retrying, and syncs once access is granted', async () => {
  await kubectl(['create', 'serviceaccount', 'reader', '-n', namespace]);
  const token = (await kubectl(['create', 'token', 'reader', '-n', namespace])).trim();
  const kubeconfig = join(cluster.dir, 'reader.kubeconfig');
  await writeKubeconfig(kubeconfig, { server: cluster.server, caPem: cluster.caPem, token });
  const refused = startLookupCache(loadKube({ kubeconfig }), { log: silentLog });
  try {
    const before = await refused.waitForSync(30_000);
    assert.deepEqual(before.synced, []);
    for (const failure of Object.values(before.pending)) assert.equal(failure?.status, 403, failure?.message);
    assert.match(before.pending.services?.message ?? '', /403 Forbidden: services is forbidden: User "system:serviceaccount:lookups:reader"/);

    await kubectl(['create', 'clusterrole', 'lookup-reader', '--verb=get,list,watch', '--resource=storageclasses,services,poddisruptionbudgets,limitranges,namespaces']);
    await kubectl(['create', 'clusterrolebinding', 'lookup-reader', '--clusterrole=lookup-reader', `--serviceaccount=${namespace}:reader`]);
    await eventually('the retried caches to sync', () => (refused.synced() ? true : undefined), 60_000);
    assert.equal(refused.lookup.storageClass?.('fast')?.['provisioner'], 'example.com/none');
  } finally {
    await refused.stop();
  }
});

test('caches stopped while their first list is in flight open no watch afterwards: the stopping process ends', async () => {
  // ListWatch starts its watch when a list returns, even if it was stopped meanwhile; an open watch keeps a process
  // alive until the API server ends it (300 s by default), which turned a server's SIGTERM into a SIGKILL.
  const lookupCache = join(import.meta.dirname, '..', '..', 'src', 'cluster', 'lookup-cache.ts');
  const kubeModule = join(import.meta.dirname, '..', '..', 'src', 'cluster', 'kube.ts');
  const script = `
    const { startLookupCache } = await import(${JSON.stringify(lookupCache)});
    const { loadKube } = await import(${JSON.stringify(kubeModule)});
    const log = { debug() {}, info() {}, warn() {}, error() {} };
    for (const delayMs of [0, 0, 1, 3, 10]) {
      const cache = startLookupCache(loadKube({ kubeconfig: ${JSON.stringify(cluster.kubeconfig)} }), { log });
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      await cache.stop();
    }
    console.log('stopped');`;
  const child = spawn(process.execPath, ['--input-type=module', '--eval', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = once(child, 'exit').then(([code]) => `exit code ${String(code)}`);
  let output = '';
  const stopped = Promise.withResolvers<void>();
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    if (output.includes('stopped')) stopped.resolve();
  });
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  try {
    assert.equal(await Promise.race([stopped.promise.then(() => 'stopped'), exited]), 'stopped', output);
    // client-node ends an idle watch after 30 s: a leaked one keeps the process about that long after the stop.
    // 15 s is far above what a clean exit takes and below what a leak costs.
    const ended = await Promise.race([exited, sleep(15_000, 'still running 15 s after the caches stopped')]);
    assert.equal(ended, 'exit code 0', `a process whose caches were stopped ends on its own: ${output}`);
  } finally {
    child.kill('SIGKILL');
  }
});
