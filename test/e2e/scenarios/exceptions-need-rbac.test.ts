/**
 * StatefulSetPolicyExceptions under RBAC (issue #15), through a real kube-apiserver with users impersonated by
 * `kubectl --as`. The CRD and the shipped `stateguard-exception-author` ClusterRole are applied from deploy/base;
 * stateguard runs with its cluster features (the watched exception cache).
 * - `dev` may do anything with StatefulSets in `tenant` and read exceptions, but not create one: RBAC answers 403;
 * - `lead` is bound to `stateguard-exception-author` in `tenant` (a RoleBinding): may create exceptions there only;
 * - an exception created by the cluster admin admits exactly the StatefulSets it names, for the policies it names;
 *   an expired one admits nothing and kubectl prints why; an invalid one is refused at `kubectl apply`;
 * - `stateguard audit` and `stateguard review` (given the same exception documents) give the same verdict.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before } from 'node:test';
import { parse, stringify } from 'yaml';
import { runCli } from '../../helpers/cli.ts';
import { startCluster, type Cluster } from '../harness/cluster.ts';
import type { KubectlResult } from '../harness/kubectl.ts';
import { startStateguard, type Stateguard } from '../harness/stateguard.ts';
import { test } from '../harness/test.ts';
import { registerWebhooks } from '../harness/webhooks.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed kubectl output

const ROOT = join(import.meta.dirname, '..', '..', '..');
const SEED_FILE = join(ROOT, 'examples', 'seed-statefulset.yaml');
const DENIED_BY_STATEGUARD = 'admission webhook "validate.stateguard.io" denied the request: ';
const NAMESPACE = 'tenant';
/** Bound on stateguard's cache seeing a change made through the API server (a watch event, normally milliseconds). */
const PROPAGATION_MS = 20_000;

let cluster: Cluster;
let stateguard: Stateguard | undefined;

const kubectl = (args: string[], input?: Json): Promise<KubectlResult> => cluster.kubectl(args, input === undefined ? {} : { input: JSON.stringify(input) });
const kubectlOk = (args: string[], input?: Json): Promise<KubectlResult> => cluster.kubectlOk(args, input === undefined ? {} : { input: JSON.stringify(input) });

before(async () => {
  cluster = await startCluster();
  await kubectlOk(['create', 'namespace', 'stateguard']);
  await kubectlOk(['create', 'namespace', NAMESPACE]);
  await kubectlOk(['create', 'namespace', 'elsewhere']);
  await kubectlOk(['apply', '-f', join(ROOT, 'deploy', 'base', 'crd-exceptions.yaml'), '-f', join(ROOT, 'deploy', 'base', 'rbac-exceptions.yaml')]);
  await cluster.waitEstablished('crd/statefulsetpolicyexceptions.stateguard.io');
  const rbac: Json[] = [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'tenant-developer', namespace: NAMESPACE },
      rules: [
        { apiGroups: ['apps'], resources: ['statefulsets', 'statefulsets/scale'], verbs: ['*'] },
        { apiGroups: ['stateguard.io'], resources: ['statefulsetpolicyexceptions'], verbs: ['get', 'list', 'watch'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'tenant-developer', namespace: NAMESPACE },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'tenant-developer' },
      subjects: ['dev', 'lead'].map((name) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name })),
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'exception-author', namespace: NAMESPACE },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'stateguard-exception-author' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'lead' }],
    },
  ];
  await kubectlOk(['apply', '-f', '-'], { apiVersion: 'v1', kind: 'List', items: rbac });
  stateguard = await startStateguard({ kubeconfig: cluster.kubeconfig });
  await registerWebhooks(cluster, stateguard);
});

after(async () => {
  await stateguard?.stop();
  await cluster?.stop();
});

/** The seed (no StorageClass: storage-class-required denies it) named `name` in the tenant namespace, with cpu and memory requests. */
function statefulSet(name: string, edit: (object: Json) => void = () => undefined): Json {
  const object = parse(readFileSync(SEED_FILE, 'utf8')) as Json;
  object['metadata'] = { name, namespace: NAMESPACE, labels: { app: name } };
  object['spec'].template.spec.containers[0].resources = { requests: { cpu: '100m', memory: '64Mi' } };
  edit(object);
  return object;
}

function exception(name: string, spec: Json, namespace = NAMESPACE): Json {
  return { apiVersion: 'stateguard.io/v1alpha1', kind: 'StatefulSetPolicyException', metadata: { name, namespace }, spec: { reason: 'DB-42: the StorageClass migration lands in Q3', ...spec } };
}

function deniedLines(result: KubectlResult): string[] {
  assert.equal(result.code, 1, `not denied:\n${result.stdout}${result.stderr}`);
  const at = result.stderr.indexOf(DENIED_BY_STATEGUARD);
  assert.notEqual(at, -1, `not denied by stateguard's validating webhook:\n${result.stderr}`);
  return result.stderr.slice(at + DENIED_BY_STATEGUARD.length).trimEnd().split('\n');
}

/** Server-side dry runs (the webhooks are called; nothing is stored) until `done` holds, within PROPAGATION_MS. */
async function dryRunUntil(what: string, object: Json, user: string, done: (result: KubectlResult) => boolean): Promise<KubectlResult> {
  const deadline = Date.now() + PROPAGATION_MS;
  for (;;) {
    const result = await kubectl(['apply', '--dry-run=server', '-f', '-', '--as', user], object);
    if (done(result)) return result;
    if (Date.now() > deadline) assert.fail(`${what}: not within ${PROPAGATION_MS} ms; last answer:\n${result.stdout}${result.stderr}`);
    await sleep(200);
  }
}

test('a user without the right cannot create an exception in their own namespace: 403 from RBAC', async () => {
  const result = await kubectl(['create', '-f', '-', '--as', 'dev'], exception('self-service', { policies: [{ policy: 'pod-security-baseline' }], statefulSets: { names: ['mine'] } }));
  assert.equal(result.code, 1, result.stdout);
  assert.match(result.stderr, /\(Forbidden\).*User "dev" cannot create resource "statefulsetpolicyexceptions" in API group "stateguard\.io" in the namespace "tenant"/);
  // Reading is allowed: the tenant sees what lifts its policies.
  await cluster.kubectlOk(['get', 'statefulsetpolicyexceptions', '-n', NAMESPACE, '--as', 'dev']);
  // The author role bound in tenant lets lead create there, and nowhere else.
  const lead = await kubectl(['create', '--dry-run=server', '-f', '-', '--as', 'lead'], exception('by-lead', { policies: [{ policy: 'storage-class-required' }], statefulSets: { names: ['x'] } }));
  assert.equal(lead.code, 0, lead.stderr);
  const leadElsewhere = await kubectl(['create', '--dry-run=server', '-f', '-', '--as', 'lead'], exception('by-lead', { policies: [{ policy: 'storage-class-required' }], statefulSets: { names: ['x'] } }, 'elsewhere'));
  assert.match(leadElsewhere.stderr, /\(Forbidden\).*User "lead" cannot create resource "statefulsetpolicyexceptions".*in the namespace "elsewhere"/);
});

test('an invalid exception is refused at kubectl apply, naming the field', async () => {
  const noReason = exception('lazy', { policies: [{ policy: 'storage-class-required' }], statefulSets: { names: ['x'] } });
  delete noReason['spec'].reason;
  assert.match((await kubectl(['apply', '-f', '-'], noReason)).stderr, /spec\.reason: Required value/);
  const checks = exception('odd', { policies: [{ policy: 'storage-class-required', checks: ['privileged'] }], statefulSets: { names: ['x'] } });
  assert.match((await kubectl(['apply', '-f', '-'], checks)).stderr, /spec\.policies\[0\]\.checks: Invalid value: .*checks \(Pod Security check ids\) are only for pod-security-baseline and pod-security-restricted/);
  const date = exception('when', { policies: [{ policy: 'storage-class-required' }], statefulSets: { names: ['x'] }, expiresAt: 'next tuesday' });
  assert.match((await kubectl(['apply', '-f', '-'], date)).stderr, /spec\.expiresAt: Invalid value: "next tuesday"/);
});

test('an admin-created exception admits exactly the StatefulSets it names, for the policies it names; audit and review agree', async () => {
  await kubectlOk(['apply', '-f', '-'], exception('legacy-storage', { policies: [{ policy: 'storage-class-required' }], statefulSets: { names: ['legacy-a'] } }));
  const listed = (await kubectlOk(['get', 'statefulsetpolicyexceptions', '-n', NAMESPACE])).stdout;
  assert.match(listed, /^NAME\s+POLICIES\s+EXPIRES\s+AGE$/m);
  assert.match(listed, /^legacy-storage\s+storage-class-required\s+\d+s$/m, 'no expiry: an empty EXPIRES column');

  await dryRunUntil('the exception reaches stateguard', statefulSet('legacy-a'), 'dev', (result) => result.code === 0);
  const admitted = await kubectl(['apply', '-f', '-', '--as', 'dev'], statefulSet('legacy-a'));
  assert.equal(admitted.code, 0, admitted.stderr);
  const decision = await stateguard!.waitForDecision('legacy-a', (line) => line.webhook === 'validate' && line.object === `${NAMESPACE}/legacy-a` && line.dry_run === false);
  assert.equal(decision.decision, 'allow');
  assert.equal(decision.findings['storage-class-required'], 'excepted');
  assert.deepEqual(decision['excepted'], ['storage-class-required: tenant/legacy-storage']);
  const metrics = await (await fetch(`${stateguard!.metricsUrl}/metrics`)).text();
  assert.match(metrics, /^stateguard_exceptions_applied_total\{policy="storage-class-required",exception="tenant\/legacy-storage"\} [1-9]\d*$/m);

  // Not named: denied by the same policy.
  const other = deniedLines(await kubectl(['apply', '-f', '-', '--as', 'dev'], statefulSet('legacy-b')));
  assert.deepEqual(other.map((line) => /^\[([a-z-]+)\]/.exec(line)?.[1]), ['storage-class-required']);
  // Named, but for another policy: that one still denies.
  const noRequests = deniedLines(await kubectl(['apply', '-f', '-', '--as', 'dev'], statefulSet('legacy-a', (o) => { delete o['spec'].template.spec.containers[0].resources; })));
  assert.deepEqual([...new Set(noRequests.map((line) => /^\[([a-z-]+)\]/.exec(line)?.[1]))], ['resource-requests-required']);

  // stateguard audit reads the same exception from the cluster: the stored legacy-a is excepted, not failed.
  const audit = runCli(['audit', '--kubeconfig', cluster.kubeconfig, '-n', NAMESPACE, '-o', 'json']);
  const audited = (JSON.parse(audit.stdout) as Json)['items'].find((item: Json) => item.name === 'legacy-a');
  const auditResult = audited?.results.find((r: Json) => r.policy === 'storage-class-required');
  assert.deepEqual(auditResult?.skip, { cause: 'excepted', exception: { namespace: NAMESPACE, name: 'legacy-storage' } }, audit.stdout + audit.stderr);
  // stateguard review, given the exception as one would kubectl apply it, says the same.
  const review = runCli(['review', '-o', 'json', '-'], { input: `${stringify(exception('legacy-storage', { policies: [{ policy: 'storage-class-required' }], statefulSets: { names: ['legacy-a'] } }))}---\n${stringify(statefulSet('legacy-a'))}` });
  assert.equal(review.code, 0, review.stdout + review.stderr);
  const reviewed = (JSON.parse(review.stdout) as Json)['items'][0];
  const reviewResult = reviewed.results.find((r: Json) => r.policy === 'storage-class-required');
  assert.deepEqual(reviewResult.skip, auditResult.skip);
});

test('an expired exception admits nothing, and kubectl prints that it expired', async () => {
  await kubectlOk(['apply', '-f', '-'], exception('expired', { policies: [{ policy: 'storage-class-required' }], statefulSets: { names: ['old-a'] }, expiresAt: '2020-01-01T00:00:00Z' }));
  const expired = await dryRunUntil('the expired exception reaches stateguard', statefulSet('old-a'), 'dev', (result) => result.stderr.includes('expired at'));
  assert.match(expired.stderr, /Warning: \[storage-class-required\] StatefulSetPolicyException tenant\/expired expired at 2020-01-01T00:00:00Z: not applied/);
  const lines = deniedLines(await kubectl(['apply', '-f', '-', '--as', 'dev'], statefulSet('old-a')));
  assert.deepEqual(lines.map((line) => /^\[([a-z-]+)\]/.exec(line)?.[1]), ['storage-class-required']);
  assert.notEqual((await kubectl(['get', 'statefulset', 'old-a', '-n', NAMESPACE])).code, 0, 'not stored');
});
