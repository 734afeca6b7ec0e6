/**
 * stateguard's webhooks as users meet them: a real kube-apiserver calls a real `stateguard serve`, registered
 * from deploy/base/webhooks.yaml, and every request goes through the real kubectl. One cluster and one server
 * for the whole file (config: fixtures/min-replicas-deny.yaml); each test works in its own namespace.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before } from 'node:test';
import { test } from '../harness/test.ts';
import { parse } from 'yaml';
import { startCluster, type Cluster } from '../harness/cluster.ts';
import type { KubectlResult } from '../harness/kubectl.ts';
import { formatDecisionDurations, startStateguard, type DecisionLine, type Stateguard } from '../harness/stateguard.ts';
import { formatLatency, registerWebhooks, webhookLatency } from '../harness/webhooks.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed kubectl output

const repoRoot = join(import.meta.dirname, '..', '..', '..');
const SEED_FILE = join(repoRoot, 'examples', 'seed-statefulset.yaml');
const CONFIG_FILE = join(import.meta.dirname, '..', 'fixtures', 'min-replicas-deny.yaml');
const DENIED_BY_STATEGUARD = 'admission webhook "validate.stateguard.io" denied the request: ';
const DEFAULT_MUTATORS = ['default-drop-all-capabilities', 'default-no-privilege-escalation', 'default-seccomp-profile', 'pod-anti-affinity'];

let cluster: Cluster;
let stateguard: Stateguard | undefined;

before(async () => {
  cluster = await startCluster();
  // With the kubeconfig the server runs in the cluster: it learns namespace labels (stateguard.io/action) and
  // LOOKUP data from watches, and serves the certificate it keeps in its namespace (the one deploy/ creates).
  await createNamespace('stateguard');
  stateguard = await startStateguard({ configFile: CONFIG_FILE, kubeconfig: cluster.kubeconfig });
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

/** The seed example as a user would fix it: a StorageClass and cpu + memory requests, nothing else. */
function seed(namespace?: string): Json {
  const object = parse(readFileSync(SEED_FILE, 'utf8')) as Json;
  if (namespace !== undefined) object['metadata'].namespace = namespace;
  return object;
}

function corrected(namespace: string): Json {
  const object = seed(namespace);
  object['spec'].volumeClaimTemplates[0].spec.storageClassName = 'standard';
  object['spec'].template.spec.containers[0].resources = { requests: { cpu: '100m', memory: '64Mi' } };
  return object;
}

function inputOf(input: Json | string | undefined): { input?: string } {
  return input === undefined ? {} : { input: typeof input === 'string' ? input : JSON.stringify(input) };
}

function kubectl(args: string[], input?: Json | string): Promise<KubectlResult> {
  return cluster.kubectl(args, inputOf(input));
}

function kubectlOk(args: string[], input?: Json | string): Promise<KubectlResult> {
  return cluster.kubectlOk(args, inputOf(input));
}

async function createNamespace(name: string, labels: Record<string, string> = {}): Promise<void> {
  await kubectlOk(['apply', '-f', '-'], { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
}

async function getStatefulSet(namespace: string, name: string): Promise<Json> {
  return JSON.parse((await kubectlOk(['get', 'statefulset', name, '-n', namespace, '-o', 'json'])).stdout) as Json;
}

async function assertNotStored(namespace: string, name: string): Promise<void> {
  const lookup = await kubectl(['get', 'statefulset', name, '-n', namespace]);
  assert.notEqual(lookup.code, 0, `statefulset ${namespace}/${name} was stored`);
  assert.match(lookup.stderr, /NotFound/);
}

/** The lines of stateguard's denial as kubectl prints them, and the policies they name. */
function denial(stderr: string): { lines: string[]; policies: string[] } {
  const at = stderr.indexOf(DENIED_BY_STATEGUARD);
  assert.notEqual(at, -1, `not denied by stateguard's validating webhook:\n${stderr}`);
  const lines = stderr.slice(at + DENIED_BY_STATEGUARD.length).trimEnd().split('\n');
  const policies = lines.map((line) => /^\[([a-z0-9-]+)\] /.exec(line)?.[1] ?? `(unexpected line: ${line})`);
  return { lines, policies: policies.sort() };
}

/** kubectl's `Warning: …` lines, split into the API server's PodSecurity warnings and stateguard's `[policy]` ones. */
function warnings(stderr: string): { podSecurity: string[]; stateguard: string[]; other: string[] } {
  const lines = stderr.split('\n').filter((line) => line.startsWith('Warning: ')).map((line) => line.slice('Warning: '.length));
  return {
    podSecurity: lines.filter((line) => line.startsWith('would violate PodSecurity')),
    stateguard: lines.flatMap((line) => /^\[([a-z0-9-]+)\] /.exec(line)?.[1] ?? []).sort(),
    other: lines.filter((line) => !line.startsWith('would violate PodSecurity') && !/^\[[a-z0-9-]+\] /.test(line)),
  };
}

function decisionsFor(lines: readonly DecisionLine[], webhook: DecisionLine['webhook'], object: string, operation?: string): DecisionLine[] {
  return lines.filter((line) => line.webhook === webhook && line.object === object && (operation === undefined || line.operation === operation));
}

test('the seed example is denied, naming both violations and how to fix each', async () => {
  const result = await kubectl(['apply', '-f', SEED_FILE]);
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /^Error from server \(Forbidden\): error when creating ".*seed-statefulset\.yaml": admission webhook "validate\.stateguard\.io" denied the request: /m);
  const { lines, policies } = denial(result.stderr);
  assert.deepEqual(policies, ['resource-requests-required', 'storage-class-required']);
  assert.match(lines.find((line) => line.startsWith('[storage-class-required]')) ?? '', /^\[storage-class-required\] spec\.volumeClaimTemplates\[0\]\.spec\.storageClassName: volumeClaimTemplate "html" sets no storageClassName.* \(fix: set spec\.volumeClaimTemplates\[\*\]\.spec\.storageClassName to a StorageClass/);
  assert.match(lines.find((line) => line.startsWith('[resource-requests-required]')) ?? '', /^\[resource-requests-required\] spec\.template\.spec\.containers\[0\]\.resources\.requests: container "nginx" requests no cpu or memory.* \(fix: set resources\.requests\.cpu and resources\.requests\.memory/);
  await assertNotStored('default', 'web');

  const decision = await server().waitForDecision('the denied seed', (line) => line.webhook === 'validate' && line.object === 'default/web' && !line.dry_run);
  assert.equal(decision.decision, 'deny');
  assert.equal(decision.operation, 'CREATE');
  assert.equal(decision.findings['storage-class-required'], 'deny');
  assert.equal(decision.findings['resource-requests-required'], 'deny');
});

test('a corrected StatefulSet is created with the safe defaults injected; PodSecurity restricted then warns only about runAsNonRoot', async () => {
  const namespace = 'restricted';
  await createNamespace(namespace, { 'pod-security.kubernetes.io/warn': 'restricted' });

  const result = await kubectlOk(['apply', '-f', '-'], corrected(namespace));
  assert.match(result.stdout, /statefulset\.apps\/web created/);
  const warned = warnings(result.stderr);
  // The defaults (seccompProfile, allowPrivilegeEscalation, capabilities) leave only runAsNonRoot, whose mutator is opt-in.
  assert.deepEqual(warned.podSecurity, ['would violate PodSecurity "restricted:latest": runAsNonRoot != true (pod or container "nginx" must set securityContext.runAsNonRoot=true)']);
  // The LOOKUP policies see this cluster's caches: it has no StorageClass "standard", no Service "web" and no PDB.
  assert.deepEqual(warned.stateguard, ['headless-service-exists', 'memory-limit-required', 'pdb-exists', 'pod-security-restricted', 'readiness-probe-required', 'storage-class-exists']);
  assert.deepEqual(warned.other, []);

  const stored = await getStatefulSet(namespace, 'web');
  const pod = stored['spec'].template.spec;
  assert.deepEqual(pod.securityContext, { seccompProfile: { type: 'RuntimeDefault' } });
  assert.deepEqual(pod.containers[0].securityContext, { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
  assert.deepEqual(pod.affinity, {
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [{
        weight: 100,
        podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } } },
      }],
    },
  });
  assert.equal(stored['metadata'].annotations['stateguard.io/mutated'], DEFAULT_MUTATORS.join(','));
  assert.equal(stored['spec'].template.metadata.annotations?.['stateguard.io/mutated'], undefined, 'the mutated stamp belongs on the StatefulSet, not the pod template');

  const decision = await server().waitForDecision('the mutation of restricted/web', (line) => line.webhook === 'mutate' && line.object === `${namespace}/web`);
  assert.equal(decision.decision, 'patch');
  assert.deepEqual(decision.mutated, DEFAULT_MUTATORS);

  // Control: where the namespaceSelector keeps stateguard out, the same object draws PodSecurity warnings for the fields it defaults.
  await createNamespace('stateguard', { 'pod-security.kubernetes.io/warn': 'restricted' });
  const unguarded = await kubectlOk(['create', '--dry-run=server', '-f', '-'], corrected('stateguard'));
  const [unguardedWarning] = warnings(unguarded.stderr).podSecurity;
  for (const field of ['allowPrivilegeEscalation != false', 'unrestricted capabilities', 'runAsNonRoot != true', 'seccompProfile']) {
    assert.ok(unguardedWarning?.includes(field), `without stateguard PodSecurity warns about ${field}: ${unguardedWarning}`);
  }
});

test('the namespace label stateguard.io/action only tightens: warn does not let the seed in, deny turns warnings into a denial', async () => {
  const relaxed = 'relaxed';
  await createNamespace(relaxed, { 'stateguard.io/action': 'warn' });
  const strict = 'strict';
  await createNamespace(strict, { 'stateguard.io/action': 'deny' });

  // The server learns namespace labels from a watch: probe the tightened namespace with dry runs until it knows.
  const deadline = Date.now() + 10_000;
  let probe = await kubectl(['apply', '--dry-run=server', '-f', '-'], corrected(strict));
  while (probe.code === 0 && Date.now() < deadline) {
    await sleep(250);
    probe = await kubectl(['apply', '--dry-run=server', '-f', '-'], corrected(strict));
  }
  const tightened = await kubectl(['apply', '-f', '-'], corrected(strict));
  assert.equal(tightened.code, 1, `the label stateguard.io/action=deny did not tighten the warn policies (does the server know namespace labels?):\n${tightened.stderr}`);
  assert.ok(denial(tightened.stderr).policies.includes('readiness-probe-required'), tightened.stderr);
  await assertNotStored(strict, 'web');

  const loosened = await kubectl(['apply', '-f', '-'], seed(relaxed));
  assert.equal(loosened.code, 1, `the label stateguard.io/action=warn loosened a denial:\n${loosened.stdout}`);
  assert.deepEqual(denial(loosened.stderr).policies, ['resource-requests-required', 'storage-class-required']);
  await assertNotStored(relaxed, 'web');
});

test('a server-side dry run gives the same verdicts and stores nothing', async () => {
  const namespace = 'dry-run';
  await createNamespace(namespace);

  const dryDenied = await kubectl(['apply', '--dry-run=server', '-f', '-'], seed(namespace));
  assert.equal(dryDenied.code, 1, dryDenied.stderr);
  const realDenied = await kubectl(['apply', '-f', '-'], seed(namespace));
  assert.equal(realDenied.code, 1, realDenied.stderr);
  assert.deepEqual(denial(dryDenied.stderr).lines, denial(realDenied.stderr).lines, 'a dry run is denied exactly as the real request');
  assert.deepEqual(denial(dryDenied.stderr).policies, ['resource-requests-required', 'storage-class-required']);

  const dryAllowed = await kubectlOk(['apply', '--dry-run=server', '-o', 'json', '-f', '-'], corrected(namespace));
  const returned = JSON.parse(dryAllowed.stdout) as Json;
  assert.equal(returned['metadata'].annotations['stateguard.io/mutated'], DEFAULT_MUTATORS.join(','), 'the dry run shows the defaults the real request gets');
  assert.deepEqual(returned['spec'].template.spec.securityContext, { seccompProfile: { type: 'RuntimeDefault' } });
  await assertNotStored(namespace, 'web');

  const dry = await server().waitForDecisions('the dry runs', (line) => line.object === `${namespace}/web` && line.dry_run, 4);
  assert.deepEqual(dry.map((line) => `${line.webhook}:${line.decision}`), ['mutate:patch', 'validate:deny', 'mutate:patch', 'validate:allow']);
});

test('UPDATE: changing a volumeClaimTemplate is denied by the mutating webhook, explaining the --cascade=orphan path', async () => {
  const namespace = 'update-claims';
  await createNamespace(namespace);
  await kubectlOk(['apply', '-f', '-'], corrected(namespace));

  const bigger = corrected(namespace);
  bigger['spec'].volumeClaimTemplates[0].spec.resources.requests.storage = '2Gi';
  const result = await kubectl(['apply', '-f', '-'], bigger);
  assert.equal(result.code, 1, result.stderr);
  // The API server's own StatefulSet update validation runs between the mutating and the validating webhooks, so
  // immutable-fields-unchanged is enforced in the mutating one (enforceInMutatingWebhook, src/policy/surface.ts): its explanation comes
  // first (claim-template-resize says what a resize needs, immutable-fields-unchanged which fields may change), and
  // the API server's terser "spec: Forbidden: updates to statefulset spec…" never does.
  assert.match(result.stderr, /admission webhook "mutate\.stateguard\.io" denied the request: \[claim-template-resize\] spec\.volumeClaimTemplates\[0\]\.spec\.resources\.requests\.storage: volumeClaimTemplate "html" changes its storage request from 1Gi to 2Gi/);
  assert.match(result.stderr, /\[immutable-fields-unchanged\] spec\.volumeClaimTemplates: volumeClaimTemplates cannot change after creation \(to grow a volume, resize each PVC instead\); only replicas, ordinals, template, updateStrategy, revisionHistoryLimit, persistentVolumeClaimRetentionPolicy and minReadySeconds may change \(fix: revert the field; to really change it, kubectl delete statefulset NAME --cascade=orphan \(pods and PVCs keep running\), then apply the new StatefulSet, which adopts the pods\)/);
  assert.doesNotMatch(result.stderr, /updates to statefulset spec for fields other than/);

  const mutation = await server().waitForDecision('the mutating call for the update', (line) => line.webhook === 'mutate' && line.object === `${namespace}/web` && line.operation === 'UPDATE');
  assert.equal(mutation.decision, 'deny');
  assert.deepEqual(mutation.findings, { 'claim-template-resize': 'deny', 'immutable-fields-unchanged': 'deny' });
  // Log lines are written in order: later requests' lines show that none for this update is still on its way.
  const later = corrected(namespace);
  later['metadata'].name = 'later';
  await kubectlOk(['create', '--dry-run=server', '-f', '-'], later);
  await server().waitForDecision('a later request', (line) => line.webhook === 'validate' && line.object === `${namespace}/later`);
  assert.deepEqual(decisionsFor(await server().decisions(), 'validate', `${namespace}/web`, 'UPDATE'), [], 'a request denied by a mutating webhook goes no further');
  assert.equal((await getStatefulSet(namespace, 'web'))['spec'].volumeClaimTemplates[0].spec.resources.requests.storage, '1Gi');
});

test('UPDATE: changing only replicas is admitted with no patch, and the pod template stays as it was', async () => {
  const namespace = 'update-replicas';
  await createNamespace(namespace);
  await kubectlOk(['apply', '-f', '-'], corrected(namespace));
  const before = await getStatefulSet(namespace, 'web');

  await kubectlOk(['patch', 'statefulset', 'web', '-n', namespace, '--type', 'merge', '-p', '{"spec":{"replicas":4}}']);
  const patched = await getStatefulSet(namespace, 'web');
  assert.equal(patched['spec'].replicas, 4);
  assert.equal(patched['metadata'].generation, before['metadata'].generation + 1);
  assert.deepEqual(patched['spec'].template, before['spec'].template);
  const mutation = await server().waitForDecision('the replicas patch', (line) => line.webhook === 'mutate' && line.object === `${namespace}/web` && line.operation === 'UPDATE');
  assert.equal(mutation.decision, 'allow');
  assert.deepEqual(mutation.mutated, []);

  // kubectl scale goes through statefulsets/scale: only the validating webhook's rules name the subresource.
  await kubectlOk(['scale', 'statefulset', 'web', '-n', namespace, '--replicas=5']);
  const scaled = await getStatefulSet(namespace, 'web');
  assert.equal(scaled['spec'].replicas, 5);
  assert.deepEqual(scaled['spec'].template, before['spec'].template);
  const scale = await server().waitForDecision('the scale', (line) => line.object === `${namespace}/web` && line.kind === 'Scale');
  assert.equal(scale.webhook, 'validate');
  assert.equal(scale.decision, 'allow');
  assert.equal(decisionsFor(await server().decisions(), 'mutate', `${namespace}/web`, 'UPDATE').length, 1);
});

test('UPDATE: a new image is admitted and the template defaults are kept', async () => {
  const namespace = 'update-image';
  await createNamespace(namespace);
  await kubectlOk(['apply', '-f', '-'], corrected(namespace));
  const before = await getStatefulSet(namespace, 'web');

  const newer = corrected(namespace);
  newer['spec'].template.spec.containers[0].image = 'registry.k8s.io/nginx-slim:0.28';
  await kubectlOk(['apply', '-f', '-'], newer);
  const after = await getStatefulSet(namespace, 'web');
  assert.equal(after['spec'].template.spec.containers[0].image, 'registry.k8s.io/nginx-slim:0.28');
  const withOldImage = structuredClone(after['spec'].template);
  withOldImage.spec.containers[0].image = 'registry.k8s.io/nginx-slim:0.27';
  assert.deepEqual(withOldImage, before['spec'].template, 'only the image changed: the injected defaults are kept');
  const mutation = await server().waitForDecision('the image update', (line) => line.webhook === 'mutate' && line.object === `${namespace}/web` && line.operation === 'UPDATE');
  assert.equal(mutation.decision, 'allow', 'the defaults are all there already: nothing to patch');

  // A replace without the defaults changes the template, so the mutating webhook adds them again.
  const replaced = corrected(namespace);
  replaced['spec'].template.spec.containers[0].image = 'registry.k8s.io/nginx-slim:0.29';
  await kubectlOk(['replace', '-f', '-'], replaced);
  const afterReplace = await getStatefulSet(namespace, 'web');
  assert.equal(afterReplace['spec'].template.spec.containers[0].image, 'registry.k8s.io/nginx-slim:0.29');
  assert.deepEqual(afterReplace['spec'].template.spec.securityContext, { seccompProfile: { type: 'RuntimeDefault' } });
  assert.deepEqual(afterReplace['spec'].template.spec.containers[0].securityContext, { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
  assert.deepEqual(afterReplace['spec'].template.spec.affinity, before['spec'].template.spec.affinity);
  const updates = await server().waitForDecisions('the replace', (line) => line.webhook === 'mutate' && line.object === `${namespace}/web` && line.operation === 'UPDATE', 2);
  assert.equal(updates[1]?.decision, 'patch');
  assert.deepEqual(updates[1]?.mutated, DEFAULT_MUTATORS);
});

test('scaling below min-replicas through statefulsets/scale is denied', async () => {
  const namespace = 'scale-down';
  await createNamespace(namespace);
  await kubectlOk(['apply', '-f', '-'], corrected(namespace));

  const result = await kubectl(['scale', 'statefulset', 'web', '-n', namespace, '--replicas=1']);
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /^Error from server \(Forbidden\): admission webhook "validate\.stateguard\.io" denied the request: \[min-replicas\] spec\.replicas: replicas is 1, below the minimum of 3 .*\(fix: /m);
  assert.equal((await getStatefulSet(namespace, 'web'))['spec'].replicas, 3);
  const decision = await server().waitForDecision('the scale-down', (line) => line.object === `${namespace}/web` && line.kind === 'Scale');
  assert.equal(decision.decision, 'deny');
  assert.deepEqual(decision.findings, { 'min-replicas': 'deny' });
});

test('an exemption annotation alone is never honoured (annotation exemptions are off by default); one without a reason is denied too', async () => {
  const namespace = 'exemptions';
  await createNamespace(namespace);
  const exempt = (name: string, reason?: string): Json => {
    const object = seed(namespace);
    object['metadata'].name = name;
    object['metadata'].annotations = {
      'stateguard.io/exempt': 'storage-class-required,resource-requests-required',
      ...(reason === undefined ? {} : { 'stateguard.io/exempt-reason': reason }),
    };
    return object;
  };

  const refused = await kubectl(['apply', '-f', '-'], exempt('legacy', 'OPS-1234: migrating to the fast-ssd class by 2026-12'));
  const lines = denial(refused.stderr).lines;
  assert.deepEqual(denial(refused.stderr).policies, ['resource-requests-required', 'storage-class-required']);
  for (const line of lines) assert.match(line, /\[exemption not honoured: annotation exemptions are off \(config exemptions\.annotations\)\]$/);
  await assertNotStored(namespace, 'legacy');

  const denied = await kubectl(['apply', '-f', '-'], exempt('no-reason'));
  assert.equal(denied.code, 1, denied.stderr);
  assert.deepEqual(denial(denied.stderr).policies, ['exemption-reason-required', 'resource-requests-required', 'storage-class-required']);
  assert.match(denial(denied.stderr).lines.find((line) => line.startsWith('[exemption-reason-required]')) ?? '', /the exemption from "storage-class-required,resource-requests-required" gives no reason \(fix: add the annotation stateguard\.io\/exempt-reason/);
  await assertNotStored(namespace, 'no-reason');
});

test('webhook latency as the API server measured it over the scenarios above', async (t) => {
  const latencies = webhookLatency(await cluster.metrics());
  for (const line of [...formatLatency(latencies), ...formatDecisionDurations(await server().decisions())]) t.diagnostic(line);
  const names = latencies.map((l) => l.name);
  assert.ok(names.includes('mutate.stateguard.io') && names.includes('validate.stateguard.io'), `webhooks measured: ${names.join(', ')}`);
  for (const latency of latencies) assert.ok(latency.count > 0);
});

test('with stateguard down, failurePolicy Fail rejects StatefulSets, except in namespaces the selector leaves out', async () => {
  const namespace = 'outage';
  await createNamespace(namespace);
  const ended = await server().stop();
  stateguard = undefined;
  assert.equal(ended, 'exit code 0', 'SIGTERM ends the server gracefully');

  const result = await kubectl(['apply', '-f', '-'], corrected(namespace));
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /Internal error occurred: failed calling webhook "mutate\.stateguard\.io": failed to call webhook: Post "https:\/\/127\.0\.0\.1:\d+\/mutate\?timeout=5s": dial tcp 127\.0\.0\.1:\d+: connect: connection refused/);
  await assertNotStored(namespace, 'web');

  const system = await kubectlOk(['apply', '-f', '-'], corrected('kube-system'));
  assert.match(system.stdout, /statefulset\.apps\/web created/);
  assert.equal((await getStatefulSet('kube-system', 'web'))['metadata'].annotations?.['stateguard.io/mutated'], undefined);
});
