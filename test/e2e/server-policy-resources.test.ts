/**
 * StatefulSetPolicy resources through the real API server with kubectl: `serve --kubeconfig` (as stateguard's
 * service account, deploy/base RBAC) applies a new policy within seconds without a restart, refuses an invalid one
 * at `kubectl apply` naming the field, writes each one's Ready condition (kubectl get shows it), keeps the last
 * good version serving when an invalid edit gets in while the webhook is away, and never lets a resource replace a
 * file policy.
 */
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { after, before } from 'node:test';
import { test } from './harness/test.ts';
import type { JsonObject } from '../../src/policy/index.ts';
import { eventually, stateguardKubeconfig, statefulSet } from '../cluster/fixtures.ts';
import { startCluster, type Cluster } from './harness/cluster.ts';
import { startStateguard, type Stateguard } from './harness/stateguard.ts';
import { deleteWebhooks, registerWebhooks } from './harness/webhooks.ts';

const namespace = 'shop';
const CRD = resolve(import.meta.dirname, '../../deploy/base/crd-policies.yaml');

let cluster: Cluster;
let stateguard: Stateguard | undefined;

before(async () => {
  cluster = await startCluster();
  const serviceAccount = await stateguardKubeconfig(cluster);
  await cluster.kubectlOk(['apply', '-f', CRD]);
  await cluster.waitEstablished('crd/statefulsetpolicies.stateguard.io');
  await cluster.kubectlOk(['create', 'namespace', namespace]);
  await apply({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'standard' }, provisioner: 'example.com/none' });
  stateguard = await startStateguard({ kubeconfig: serviceAccount });
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

function apply(object: JsonObject, extra: string[] = []): Promise<{ stdout: string; stderr: string; code: number }> {
  return cluster.kubectl(['apply', ...extra, '-f', '-'], { input: JSON.stringify(object) });
}

function teamLabelPolicy(name: string, validate: JsonObject = {}): JsonObject {
  return {
    apiVersion: 'stateguard.io/v1alpha1',
    kind: 'StatefulSetPolicy',
    metadata: { name, labels: { owner: 'platform' }, annotations: { 'stateguard.io/category': 'governance' } },
    spec: {
      description: 'Every StatefulSet names its owning team.',
      severity: 'medium',
      action: 'deny',
      // Scoped: the harness's webhook probe in `default` carries no team label.
      match: { namespaces: [namespace] },
      validate: {
        path: 'metadata.labels.team',
        schema: { required: ['metadata'], properties: { metadata: { required: ['labels'], properties: { labels: { required: ['team'] } } } } },
        message: 'the StatefulSet has no team label',
        fix: 'add metadata.labels.team',
        ...validate,
      },
    },
  };
}

/** kubectl apply --dry-run=server of a StatefulSet without a team label: its stderr when denied by `policy`. */
async function deniedBy(policy: string): Promise<string | undefined> {
  const result = await apply(statefulSet('db', namespace), ['--dry-run=server']);
  return result.code !== 0 && result.stderr.includes(`[${policy}] metadata.labels.team: the StatefulSet has no team label`) ? result.stderr : undefined;
}

async function ready(name: string): Promise<{ status: string; reason: string; message: string }> {
  const out = await cluster.kubectlOk(['get', 'statefulsetpolicy', name, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")]}']);
  return out.stdout === '' ? { status: '', reason: '', message: '' } : JSON.parse(out.stdout) as { status: string; reason: string; message: string };
}

test('kubectl apply of a StatefulSetPolicy takes effect within seconds, without a restart, and kubectl get shows it ready', async (t) => {
  const pid = server().pid;
  assert.equal(await deniedBy('team-label-required'), undefined, 'not enforced before it exists');
  const created = await apply(teamLabelPolicy('team-label-required'));
  assert.equal(created.code, 0, created.stderr);
  const appliedAt = performance.now();
  const stderr = await eventually('the new policy to deny a StatefulSet', () => deniedBy('team-label-required'), 15_000);
  // Measured, not asserted (the bound above is the assertion): for the README.
  t.diagnostic(`denied ${Math.round(performance.now() - appliedAt)} ms after kubectl apply returned`);
  assert.match(stderr, /admission webhook "validate\.stateguard\.io" denied the request/);
  assert.equal(server().pid, pid);
  assert.equal(server().exitReason(), undefined, 'the same process serves');
  const reload = (await server().logs()).find((line) => line.msg === 'config and policies reloaded' && JSON.stringify(line['changes']).includes('team-label-required'));
  assert.deepEqual((reload?.['changes'] as { added: string[] }).added, ['team-label-required']);

  await eventually('the Ready condition', async () => ((await ready('team-label-required')).status === 'True' ? true : undefined), 15_000);
  const table = await cluster.kubectlOk(['get', 'statefulsetpolicies']);
  assert.match(table.stdout, /^NAME\s+ACTION\s+READY\s+AGE\n/);
  assert.match(table.stdout, /\nteam-label-required\s+deny\s+True\s+\d+s\n/);
});

test('an invalid StatefulSetPolicy is refused at kubectl apply, with a message naming the field', async () => {
  // The CRD's schema (generated from the engine's) catches what OpenAPI can say…
  const badAction = await apply({ ...teamLabelPolicy('bad-action'), spec: { ...teamLabelPolicy('x')['spec'] as JsonObject, action: 'block' } });
  assert.notEqual(badAction.code, 0);
  assert.match(badAction.stderr, /spec\.action: Unsupported value: "block"/);
  // …stateguard's own admission check the rest: a check that does not exist, a rule schema that does not compile.
  const unknownCheck = await apply(teamLabelPolicy('unknown-check', { schema: undefined, check: 'no-such-check' }));
  assert.notEqual(unknownCheck.code, 0);
  assert.match(unknownCheck.stderr, /admission webhook "validate\.stateguard\.io" denied the request: StatefulSetPolicy unknown-check is invalid: unknown check "no-such-check"/);
  const badSchema = await apply(teamLabelPolicy('bad-schema', { schema: { type: 'no-such-type' } }));
  assert.notEqual(badSchema.code, 0);
  assert.match(badSchema.stderr, /StatefulSetPolicy bad-schema is invalid: validate\.schema does not compile/);
  const listed = await cluster.kubectlOk(['get', 'statefulsetpolicies', '-o', 'name']);
  assert.doesNotMatch(listed.stdout, /bad-action|unknown-check|bad-schema/);
});

test('an invalid edit that gets in while the webhook is away: its status says why, the last good version keeps serving', async () => {
  await deleteWebhooks(cluster);
  try {
    const edited = await apply(teamLabelPolicy('team-label-required', { schema: undefined, check: 'no-such-check' }));
    assert.equal(edited.code, 0, edited.stderr);
    const condition = await eventually('the Invalid condition', async () => {
      const found = await ready('team-label-required');
      return found.reason === 'Invalid' ? found : undefined;
    }, 15_000);
    assert.equal(condition.status, 'False');
    assert.match(condition.message, /^unknown check "no-such-check" .*; the last good version \(generation 1\) keeps serving$/);
  } finally {
    await registerWebhooks(cluster, server());
  }
  assert.ok(await deniedBy('team-label-required'), 'the last good version still denies');
  const table = await cluster.kubectlOk(['get', 'statefulsetpolicies', '-o', 'wide']);
  assert.match(table.stdout, /\nteam-label-required\s+deny\s+medium\s+False\s+Invalid\s+/);
  // Fixed: in force again, as written.
  await cluster.kubectlOk(['apply', '-f', '-'], { input: JSON.stringify(teamLabelPolicy('team-label-required')) });
  await eventually('Ready again', async () => ((await ready('team-label-required')).status === 'True' ? true : undefined), 15_000);
});

test('a resource named like a file policy does not replace it: its status says Shadowed', async () => {
  const shadow = { ...teamLabelPolicy('storage-class-required'), spec: { ...teamLabelPolicy('x')['spec'] as JsonObject, action: 'off' } };
  const applied = await apply(shadow);
  assert.equal(applied.code, 0, applied.stderr);
  const condition = await eventually('the Shadowed condition', async () => {
    const found = await ready('storage-class-required');
    return found.reason === 'Shadowed' ? found : undefined;
  }, 15_000);
  assert.equal(condition.status, 'False');
  assert.match(condition.message, /a policy file defines storage-class-required \(policies\/storage-class-required\/policy\.yaml:\d+\) and files win/);
  const noClass = statefulSet('noclass', namespace, {});
  const spec = noClass['spec'] as { volumeClaimTemplates: { spec: Record<string, unknown> }[] };
  for (const template of spec.volumeClaimTemplates) delete template.spec['storageClassName'];
  const result = await apply({ ...noClass, metadata: { ...noClass['metadata'] as object, labels: { team: 'a' } } }, ['--dry-run=server']);
  assert.match(result.stderr, /\[storage-class-required\]/, 'the file policy still denies');
});

test('deleting a StatefulSetPolicy lifts it within seconds', async (t) => {
  await cluster.kubectlOk(['delete', 'statefulsetpolicy', 'team-label-required']);
  const deletedAt = performance.now();
  await eventually('the StatefulSet to pass again', async () => ((await deniedBy('team-label-required')) === undefined ? true : undefined), 15_000);
  t.diagnostic(`admitted ${Math.round(performance.now() - deletedAt)} ms after kubectl delete returned`);
  const reload = (await server().logs()).find((line) => line.msg?.startsWith('config and policies reloaded, enforcement may be weaker') === true && JSON.stringify(line['changes']).includes('team-label-required'));
  assert.ok(reload, 'the removal is logged at warn');
});
