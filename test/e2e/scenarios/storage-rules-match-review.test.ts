/**
 * The storage rules of issue #16 against a real kube-apiserver calling a real `stateguard serve --kubeconfig` (lookups
 * from its watched caches), with the same config file as `stateguard review`:
 * - a `helm template`-like bundle (StorageClass, headless Service, PodDisruptionBudget, StatefulSet) reviewed offline
 *   gets the verdict, denying policies and warnings that the webhook gives when the bundle is applied;
 * - an UPDATE that resizes a claim template: the API server refuses it on its own (1.35: the generic "updates to
 *   statefulset spec for fields other than … are forbidden"; 1.37: "field is immutable"), and stateguard explains it
 *   before that, in the mutating webhook, with the PVCs and the procedure; the stored size never changes.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import type { JsonObject } from '../../../src/policy/index.ts';
import { eventually, stateguardKubeconfig, statefulSet } from '../../cluster/fixtures.ts';
import { claimTemplateChangeRefusal } from '../harness/api-behaviour.ts';
import { registerCleanup } from '../harness/cleanup.ts';
import { startCluster, type Cluster } from '../harness/cluster.ts';
import { startStateguard, type Stateguard } from '../harness/stateguard.ts';
import { RELEASE, test } from '../harness/test.ts';
import { registerWebhooks } from '../harness/webhooks.ts';

const MAIN = join(import.meta.dirname, '..', '..', '..', 'src', 'cli', 'main.ts');
const namespace = 'shop';
/** Left out by the webhooks' namespaceSelector (deploy/base/webhooks.yaml): what the API server does on its own. */
const unguarded = 'stateguard';
/** The existence warnings of the LOOKUP policies: gone once the server's caches hold the bundle's objects. */
const EXISTENCE = ['headless-service-exists', 'pdb-exists', 'storage-class-exists'];

/** Scoped to the test's namespace: the harness's own probe StatefulSet (class "standard") must pass. */
const CONFIG = {
  policies: {
    'storage-class-allowed': { action: 'deny', match: { namespaces: [namespace] }, params: { allowed: ['fast-*'] } },
    'storage-size-bounds': { action: 'deny', match: { namespaces: [namespace] }, params: { classes: { 'fast-*': { min: '1Gi', max: '100Gi', step: '1Gi' } } } },
  },
};

interface Verdict {
  verdict: 'allow' | 'deny';
  denied: string[];
  warned: string[];
}

let cluster: Cluster;
let stateguard: Stateguard | undefined;
let workDir: string;
let configFile: string;

before(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'stateguard-storage-'));
  registerCleanup(() => rmSync(workDir, { recursive: true, force: true }));
  configFile = join(workDir, 'config.yaml');
  writeFileSync(configFile, JSON.stringify(CONFIG));
  cluster = await startCluster();
  const serviceAccount = await stateguardKubeconfig(cluster);
  await cluster.kubectlOk(['create', 'namespace', namespace]);
  stateguard = await startStateguard({ configFile, kubeconfig: serviceAccount });
  await registerWebhooks(cluster, stateguard);
});

after(async () => {
  await stateguard?.stop();
  await cluster?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

function storageClass(name: string, options: { annotations?: Record<string, string>; allowVolumeExpansion?: boolean } = {}): JsonObject {
  return {
    apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', provisioner: 'example.com/none',
    metadata: { name, ...(options.annotations === undefined ? {} : { annotations: options.annotations }) },
    ...(options.allowVolumeExpansion === undefined ? {} : { allowVolumeExpansion: options.allowVolumeExpansion }),
  };
}

/** What `helm template` prints for a small database chart: each object under a `# Source:` comment. */
function bundle(sts: JsonObject, classes: readonly JsonObject[]): { text: string; supporting: JsonObject[] } {
  const name = String((sts['metadata'] as JsonObject)['name']);
  const service = { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { clusterIP: 'None', selector: { app: name }, ports: [{ name: 'db', port: 5432 }] } };
  const pdb = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name, namespace }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: name } } } };
  const supporting = [...classes, service, pdb];
  const sources = [...classes.map(() => 'storageclass.yaml'), 'service-headless.yaml', 'pdb.yaml', 'statefulset.yaml'];
  const text = [...supporting, sts].map((object, i) => `---\n# Source: db/templates/${sources[i] ?? ''}\n${JSON.stringify(object, null, 2)}\n`).join('');
  return { text, supporting };
}

/** `stateguard review -c CONFIG -o json FILE`: the one StatefulSet's verdict (deny = any result fail). */
function reviewOffline(file: string): Verdict & { lookups: { data: string; from: string[] }[] } {
  const review = spawnSync(process.execPath, [MAIN, 'review', '-c', configFile, '-o', 'json', file], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  assert.equal(review.stderr, '');
  const report = JSON.parse(review.stdout) as { items: { results: { policy: string; result: string }[] }[]; lookups: { data: string; from: string[] }[] };
  assert.equal(report.items.length, 1);
  const results = report.items[0]?.results ?? [];
  const of = (kind: string): string[] => results.filter((r) => r.result === kind).map((r) => r.policy).sort();
  const denied = of('fail');
  assert.equal(review.status, denied.length > 0 ? 1 : 0, 'stateguard review exit code');
  return { verdict: denied.length > 0 ? 'deny' : 'allow', denied, warned: of('warn'), lookups: report.lookups };
}

/** `kubectl apply` of one document or a bundle: stateguard's verdict on the StatefulSet, from kubectl's output. */
async function applyOnline(args: string[], input?: string): Promise<Verdict & { stderr: string }> {
  const result = await cluster.kubectl(['apply', ...args], input === undefined ? {} : { input });
  const warned = [...new Set(result.stderr.split('\n').flatMap((line) => /^Warning: \[([a-z0-9-]+)\] /.exec(line)?.[1] ?? []))].sort();
  const denial = /admission webhook "(?:validate|mutate)\.stateguard\.io" denied the request: ([\s\S]*)$/.exec(result.stderr);
  const denied = denial === null ? [] : [...new Set((denial[1] ?? '').split('\n').flatMap((line) => /^\[([a-z0-9-]+)\] /.exec(line)?.[1] ?? []))].sort();
  if (denial === null) assert.equal(result.code, 0, `kubectl apply failed, not by stateguard:\n${result.stderr}`);
  return { verdict: denial === null ? 'allow' : 'deny', denied, warned, stderr: result.stderr };
}

/** Applies the bundle's other objects, then waits until the webhook's caches hold them (no existence warning left). */
async function applySupporting(file: string, supporting: readonly JsonObject[]): Promise<void> {
  await cluster.kubectlOk(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: supporting }) });
  await eventually('the webhook caches to see the bundle', async () => {
    const probe = await applyOnline(['--dry-run=server', '-f', file]);
    return probe.warned.some((policy) => EXISTENCE.includes(policy)) ? undefined : probe;
  });
}

async function storedSize(ns: string, name: string): Promise<string> {
  const object = JSON.parse((await cluster.kubectlOk(['get', 'statefulset', name, '-n', ns, '-o', 'json'])).stdout) as { spec: { volumeClaimTemplates: { spec: { resources: { requests: { storage: string } } } }[] } };
  return object.spec.volumeClaimTemplates[0]?.spec.resources.requests.storage ?? '';
}

test('a helm-template-like bundle gets the same verdict, denying policies and warnings offline as from the webhook (allowed, with storage warnings)', async () => {
  const sts = statefulSet('db', namespace, { replicas: 3, storageClassName: 'fast-ssd' });
  const { text, supporting } = bundle(sts, [storageClass('fast-ssd', { annotations: { 'stateguard.io/deprecated': 'use fast-ssd-v2' } })]);
  const file = join(workDir, 'db-bundle.yaml');
  writeFileSync(file, text);

  const offline = reviewOffline(file);
  assert.deepEqual(offline.lookups.filter((l) => l.from.length > 0).map((l) => l.data), ['Services', 'PodDisruptionBudgets', 'StorageClasses'], 'the lookups came from the bundle');
  assert.deepEqual({ verdict: offline.verdict, denied: offline.denied, warned: offline.warned }, { verdict: 'allow', denied: [], warned: ['storage-class-expandable', 'storage-class-not-deprecated'] });

  await applySupporting(file, supporting);
  const online = await applyOnline(['-f', file]);
  assert.deepEqual({ verdict: online.verdict, denied: online.denied, warned: online.warned }, { verdict: offline.verdict, denied: offline.denied, warned: offline.warned }, online.stderr);
  assert.match(online.stderr, /Warning: \[storage-class-not-deprecated\] .*StorageClass "fast-ssd", which is marked deprecated \(annotation stateguard\.io\/deprecated: "use fast-ssd-v2"\)/);
});

test('a bundle the storage rules deny is denied by the webhook for the same policies as offline', async () => {
  const sts = statefulSet('archive', namespace, { replicas: 3, storageClassName: 'fast-nvme' });
  const spec = sts['spec'] as { volumeClaimTemplates: JsonObject[]; template: { spec: { containers: { volumeMounts: JsonObject[] }[] } } };
  (spec.volumeClaimTemplates[0] as { spec: { resources: { requests: { storage: string } } } }).spec.resources.requests.storage = '150Gi';
  spec.volumeClaimTemplates.push({ metadata: { name: 'logs' }, spec: { storageClassName: 'slow-hdd', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
  spec.template.spec.containers[0]?.volumeMounts.push({ name: 'logs', mountPath: '/logs' });
  const { text, supporting } = bundle(sts, [storageClass('fast-nvme', { allowVolumeExpansion: true }), storageClass('slow-hdd', { allowVolumeExpansion: true })]);
  const file = join(workDir, 'archive-bundle.yaml');
  writeFileSync(file, text);

  const offline = reviewOffline(file);
  assert.deepEqual(offline.denied, ['storage-class-allowed', 'storage-size-bounds']);

  await applySupporting(file, supporting);
  const online = await applyOnline(['-f', file]);
  assert.deepEqual({ verdict: online.verdict, denied: online.denied }, { verdict: offline.verdict, denied: offline.denied }, online.stderr);
  assert.match(online.stderr, /\[storage-size-bounds\] spec\.volumeClaimTemplates\[0\]\.spec\.resources\.requests\.storage: volumeClaimTemplate "data" requests 150Gi of StorageClass "fast-nvme", more than 100Gi: that class allows 1Gi to 100Gi in multiples of 1Gi/);
  assert.match(online.stderr, /\[storage-class-allowed\] spec\.volumeClaimTemplates\[1\]\.spec\.storageClassName: volumeClaimTemplate "logs" names StorageClass "slow-hdd", which is not allowed here \(allowed: fast-\*\)/);
});

function resized(sts: JsonObject, size: string): JsonObject {
  const copy = structuredClone(sts) as { spec: { volumeClaimTemplates: { spec: { resources: { requests: { storage: string } } } }[] } };
  const template = copy.spec.volumeClaimTemplates[0];
  if (template !== undefined) template.spec.resources.requests.storage = size;
  return copy as unknown as JsonObject;
}

test(`resizing a claim template: the API server ${RELEASE.minor} refuses it on its own, and the stored size stays`, async () => {
  const sts = statefulSet('plain', unguarded, { storageClassName: 'fast-ssd' });
  await cluster.kubectlOk(['apply', '-f', '-'], { input: JSON.stringify(sts) });
  const result = await cluster.kubectl(['apply', '-f', '-'], { input: JSON.stringify(resized(sts, '2Gi')) });
  assert.notEqual(result.code, 0, 'the API server accepted a changed volumeClaimTemplate');
  assert.doesNotMatch(result.stderr, /stateguard\.io/, 'stateguard was not asked (namespace left out)');
  assert.match(result.stderr, claimTemplateChangeRefusal(RELEASE));
  assert.equal(await storedSize(unguarded, 'plain'), '1Gi');
});

test('resizing a claim template: stateguard explains it in the mutating webhook, naming the PVCs and the orphan-delete procedure', async () => {
  const sts = statefulSet('db', namespace, { replicas: 3, storageClassName: 'fast-ssd' });
  assert.equal(await storedSize(namespace, 'db'), '1Gi', 'the first test created db');
  const online = await applyOnline(['-f', '-'], JSON.stringify(resized(sts, '2Gi')));
  assert.equal(online.verdict, 'deny');
  assert.match(online.stderr, /admission webhook "mutate\.stateguard\.io" denied the request/, 'denied before the API server validates');
  assert.deepEqual(online.denied, ['claim-template-resize', 'immutable-fields-unchanged']);
  assert.match(online.stderr, /\[claim-template-resize\] spec\.volumeClaimTemplates\[0\]\.spec\.resources\.requests\.storage: volumeClaimTemplate "data" changes its storage request from 1Gi to 2Gi: the API server refuses any change to volumeClaimTemplates \(they are immutable\), and a StatefulSet never resizes the PVCs it already created \(PVCs data-db-0, data-db-1, data-db-2 keep 1Gi\)/);
  assert.match(online.stderr, /kubectl patch pvc data-db-0 -n shop -p '\{"spec":\{"resources":\{"requests":\{"storage":"2Gi"\}\}\}\}' \(and the same for data-db-1, data-db-2\)/);
  assert.match(online.stderr, /kubectl delete statefulset db -n shop --cascade=orphan/);
  assert.equal(await storedSize(namespace, 'db'), '1Gi');
});
