/**
 * No self-service bypass (issue #15): through a real kube-apiserver with real RBAC, users impersonated with
 * `kubectl --as`. stateguard runs with annotation exemptions turned on (they are off by default) and asks the
 * cluster with a SubjectAccessReview whether the requesting user may `exempt` each policy an object claims.
 * - `dev` may create StatefulSets in `tenant` and nothing more: no annotation and no namespace label gets a
 *   violating StatefulSet in;
 * - `lead` is granted `exempt` on `statefulsetpolicies.stateguard.io/storage-class-required` by a Role: that
 *   policy, and only that one, can be exempted;
 * - `resource-requests-required` excludes the subjects `system:serviceaccount:db-operators:*`: the operator's
 *   service account is not blocked by it, a human is.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { test } from '../harness/test.ts';
import { parse } from 'yaml';
import { startCluster, type Cluster } from '../harness/cluster.ts';
import type { KubectlResult } from '../harness/kubectl.ts';
import { startStateguard, type Stateguard } from '../harness/stateguard.ts';
import { registerWebhooks } from '../harness/webhooks.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- parsed kubectl output

const SEED_FILE = join(import.meta.dirname, '..', '..', '..', 'examples', 'seed-statefulset.yaml');
const DENIED_BY_STATEGUARD = 'admission webhook "validate.stateguard.io" denied the request: ';
const NAMESPACE = 'tenant';

let cluster: Cluster;
let stateguard: Stateguard | undefined;

const kubectl = (args: string[], input?: Json): Promise<KubectlResult> => cluster.kubectl(args, input === undefined ? {} : { input: JSON.stringify(input) });
const kubectlOk = (args: string[], input?: Json): Promise<KubectlResult> => cluster.kubectlOk(args, input === undefined ? {} : { input: JSON.stringify(input) });

before(async () => {
  cluster = await startCluster();
  await kubectlOk(['create', 'namespace', 'stateguard']);
  // The tenant namespace is labelled to loosen everything to audit: by default the label may only tighten.
  await kubectlOk(['apply', '-f', '-'], { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE, labels: { 'stateguard.io/action': 'audit' } } });
  const rbac: Json[] = [
    role('statefulset-writer', [{ apiGroups: ['apps'], resources: ['statefulsets'], verbs: ['get', 'list', 'create', 'update', 'patch'] }]),
    binding('statefulset-writer', ['dev', 'lead']),
    role('exempt-storage-class', [{ apiGroups: ['stateguard.io'], resources: ['statefulsetpolicies'], resourceNames: ['storage-class-required'], verbs: ['exempt'] }]),
    binding('exempt-storage-class', ['lead']),
    {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'operator-writes', namespace: NAMESPACE },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'statefulset-writer' },
      subjects: [{ kind: 'ServiceAccount', name: 'controller', namespace: 'db-operators' }],
    },
  ];
  await kubectlOk(['apply', '-f', '-'], { apiVersion: 'v1', kind: 'List', items: rbac });
  // The operator's service accounts are out of scope of resource-requests-required (it sets requests itself later).
  const config = { exemptions: { annotations: true }, policies: { 'resource-requests-required': { exclude: { subjects: ['system:serviceaccount:db-operators:*'] } } } };
  stateguard = await startStateguard({ config, kubeconfig: cluster.kubeconfig });
  await registerWebhooks(cluster, stateguard);
});

after(async () => {
  await stateguard?.stop();
  await cluster?.stop();
});

function role(name: string, rules: Json[]): Json {
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name, namespace: NAMESPACE }, rules };
}

function binding(name: string, users: string[]): Json {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name, namespace: NAMESPACE },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
    subjects: users.map((user) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user })),
  };
}

/** The seed with the given exemption annotations (and a reason), named `name`, in the tenant namespace. */
function exempting(name: string, policies: string, edit: (object: Json) => void = () => undefined): Json {
  const object = parse(readFileSync(SEED_FILE, 'utf8')) as Json;
  object['metadata'] = { ...object['metadata'], name, namespace: NAMESPACE, annotations: { 'stateguard.io/exempt': policies, 'stateguard.io/exempt-reason': 'OPS-1: needed, trust me' } };
  edit(object);
  return object;
}

function withRequests(object: Json): void {
  object['spec'].template.spec.containers[0].resources = { requests: { cpu: '100m', memory: '64Mi' } };
}

function denialLines(result: KubectlResult): string[] {
  assert.equal(result.code, 1, `not denied:\n${result.stdout}${result.stderr}`);
  const at = result.stderr.indexOf(DENIED_BY_STATEGUARD);
  assert.notEqual(at, -1, `not denied by stateguard's validating webhook:\n${result.stderr}`);
  return result.stderr.slice(at + DENIED_BY_STATEGUARD.length).trimEnd().split('\n');
}

async function assertNotStored(name: string): Promise<void> {
  const lookup = await kubectl(['get', 'statefulset', name, '-n', NAMESPACE]);
  assert.notEqual(lookup.code, 0, `statefulset ${NAMESPACE}/${name} was stored`);
}

test('RBAC as set up: dev may create StatefulSets but not exempt; lead may exempt storage-class-required only', async () => {
  // The question stateguard asks, asked directly (kubectl auth can-i resolves resources through discovery, and
  // statefulsetpolicies is not served without the CRD).
  const may = async (user: string, verb: string, group: string, resource: string, name?: string): Promise<boolean> => {
    const review = { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { user, groups: ['system:authenticated'], resourceAttributes: { group, resource, verb, namespace: NAMESPACE, ...(name === undefined ? {} : { name }) } } };
    return (JSON.parse((await kubectlOk(['create', '-f', '-', '-o', 'json'], review)).stdout) as Json)['status'].allowed === true;
  };
  assert.equal(await may('dev', 'create', 'apps', 'statefulsets'), true);
  assert.equal(await may('dev', 'exempt', 'stateguard.io', 'statefulsetpolicies', 'pod-security-baseline'), false);
  assert.equal(await may('lead', 'exempt', 'stateguard.io', 'statefulsetpolicies', 'storage-class-required'), true);
  assert.equal(await may('lead', 'exempt', 'stateguard.io', 'statefulsetpolicies', 'resource-requests-required'), false);
});

test('a user without the exempt right cannot get a privileged, hostPID, hostNetwork StatefulSet in by annotation or namespace label', async () => {
  const hostile = exempting('hostile', 'pod-security-baseline,storage-class-required,resource-requests-required', (object) => {
    withRequests(object);
    object['spec'].volumeClaimTemplates[0].spec.storageClassName = 'standard';
    const pod = object['spec'].template.spec;
    pod.hostPID = true;
    pod.hostNetwork = true;
    pod.containers[0].securityContext = { privileged: true };
  });
  const lines = denialLines(await kubectl(['apply', '-f', '-', '--as', 'dev'], hostile));
  const baseline = lines.filter((line) => line.startsWith('[pod-security-baseline] '));
  assert.ok(baseline.length >= 2, lines.join('\n'));
  for (const line of baseline) {
    assert.match(line, /\[exemption not honoured: dev may not exempt pod-security-baseline \(RBAC: verb exempt on statefulsetpolicies\.stateguard\.io "pod-security-baseline" in namespace tenant\)\]$/);
  }
  await assertNotStored('hostile');
  const decision = await stateguard!.waitForDecision('the hostile StatefulSet', (line) => line.webhook === 'validate' && line.object === `${NAMESPACE}/hostile`);
  assert.equal(decision.decision, 'deny');
  assert.equal(decision.findings['pod-security-baseline'], 'deny', 'the audit label on the namespace did not loosen it');
  assert.equal(decision['exempted'], undefined);
});

test('a user granted exempt on one policy by a Role can exempt that policy, and only that one', async () => {
  const granted = await kubectl(['apply', '-f', '-', '--as', 'lead'], exempting('legacy', 'storage-class-required', withRequests));
  assert.equal(granted.code, 0, granted.stderr);
  assert.match(granted.stdout, /statefulset\.apps\/legacy created/);
  const decision = await stateguard!.waitForDecision('the exempted StatefulSet', (line) => line.webhook === 'validate' && line.object === `${NAMESPACE}/legacy`);
  assert.equal(decision.decision, 'allow');
  assert.equal(decision.findings['storage-class-required'], 'exempt');
  assert.deepEqual(decision['exempted'], ['storage-class-required']);
  const metrics = await (await fetch(`${stateguard!.metricsUrl}/metrics`)).text();
  assert.match(metrics, /^stateguard_exemptions_total\{policy="storage-class-required"\} 1$/m);

  const lines = denialLines(await kubectl(['apply', '-f', '-', '--as', 'lead'], exempting('greedy', 'storage-class-required,resource-requests-required')));
  assert.deepEqual(lines.map((line) => /^\[([a-z-]+)\]/.exec(line)?.[1]), ['resource-requests-required']);
  assert.match(lines[0] ?? '', /\[exemption not honoured: lead may not exempt resource-requests-required /);
  await assertNotStored('greedy');

  const denied = denialLines(await kubectl(['apply', '-f', '-', '--as', 'dev'], exempting('copycat', 'storage-class-required', withRequests)));
  assert.match(denied.join('\n'), /^\[storage-class-required\] .*\[exemption not honoured: dev may not exempt storage-class-required /m);
  await assertNotStored('copycat');
});

test('an operator\'s service account excluded by a policy\'s exclude is not blocked by that policy; a human is', async () => {
  const withClass = (name: string): Json => {
    const object = exempting(name, '');
    delete object['metadata'].annotations;
    object['spec'].volumeClaimTemplates[0].spec.storageClassName = 'standard';
    return object;
  };
  const operator = await kubectl(['apply', '-f', '-', '--as', 'system:serviceaccount:db-operators:controller'], withClass('operated'));
  assert.equal(operator.code, 0, operator.stderr);
  const decision = await stateguard!.waitForDecision('the operator\'s StatefulSet', (line) => line.webhook === 'validate' && line.object === `${NAMESPACE}/operated`);
  assert.equal(decision.decision, 'allow');
  assert.equal(decision.findings['resource-requests-required'], undefined, 'out of scope: no result at all');

  const lines = denialLines(await kubectl(['apply', '-f', '-', '--as', 'dev'], withClass('by-hand')));
  assert.deepEqual(lines.map((line) => /^\[([a-z-]+)\]/.exec(line)?.[1]), ['resource-requests-required']);
  await assertNotStored('by-hand');
});
