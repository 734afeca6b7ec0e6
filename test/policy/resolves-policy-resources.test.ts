import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createResourceResolver, policyDocumentOf, resourceProblems, type JsonObject } from '../../src/policy/index.ts';
import { builtinPolicies } from '../helpers/policies.ts';

/** A StatefulSetPolicy as the API server stores it: server-set metadata, labels, and a status. */
function resource(name: string, spec: JsonObject, extra: { uid?: string; generation?: number } = {}): JsonObject {
  return {
    apiVersion: 'stateguard.io/v1alpha1',
    kind: 'StatefulSetPolicy',
    metadata: {
      name, uid: extra.uid ?? `uid-${name}`, generation: extra.generation ?? 1, resourceVersion: '42', creationTimestamp: '2026-01-01T00:00:00Z',
      labels: { team: 'platform' }, annotations: { 'stateguard.io/category': 'governance' }, managedFields: [{ manager: 'kubectl' }],
    },
    spec,
    status: { conditions: [] },
  };
}

const labelRule = (action: string): JsonObject => ({
  description: 'Every StatefulSet carries a team label.',
  severity: 'low',
  action,
  validate: { path: 'metadata.labels.team', schema: { required: ['metadata'] }, message: 'no team label', fix: 'add the label team' },
});

test('a valid resource joins the file policies, with its labels and annotations accepted', () => {
  const files = builtinPolicies();
  const { set, statuses } = createResourceResolver().resolve(files, [resource('team-label', labelRule('deny'))]);
  assert.equal(set.policies.length, files.policies.length + 1);
  assert.equal(set.byId.get('team-label')?.action, 'deny');
  assert.equal(set.byId.get('team-label')?.category, 'governance');
  assert.ok(set.schemas.has('team-label'));
  assert.deepEqual(statuses.get('team-label'), { ready: true, reason: 'Accepted', generation: 1, message: 'the policy is in force' });
  assert.deepEqual(set.policies.map((p) => p.id), [...set.policies.map((p) => p.id)].sort());
});

test('no resources: the file set itself', () => {
  const files = builtinPolicies();
  assert.equal(createResourceResolver().resolve(files, []).set, files);
});

test('an invalid resource names the field and nothing serves when no good version was seen', () => {
  const { set, statuses } = createResourceResolver().resolve(builtinPolicies(), [resource('team-label', labelRule('block'))]);
  assert.equal(set.byId.has('team-label'), false);
  const status = statuses.get('team-label');
  assert.equal(status?.ready, false);
  assert.equal(status?.reason, 'Invalid');
  assert.match(status?.message ?? '', /^spec\.action: must be equal to one of the allowed values \(deny, warn, audit, off\); no version of it is in force$/);
});

test('an invalid update keeps the last good version serving; deleting the resource forgets it', () => {
  const resolver = createResourceResolver();
  const files = builtinPolicies();
  resolver.resolve(files, [resource('team-label', labelRule('warn'), { generation: 1 })]);
  const broken = resolver.resolve(files, [resource('team-label', labelRule('block'), { generation: 2 })]);
  assert.equal(broken.set.byId.get('team-label')?.action, 'warn');
  assert.equal(broken.statuses.get('team-label')?.generation, 2);
  assert.match(broken.statuses.get('team-label')?.message ?? '', /spec\.action: .*; the last good version \(generation 1\) keeps serving$/);
  resolver.resolve(files, []);
  assert.equal(resolver.resolve(files, [resource('team-label', labelRule('block'))]).set.byId.has('team-label'), false);
});

test('a re-created resource (new uid) does not inherit the last good version of the old one', () => {
  const resolver = createResourceResolver();
  const files = builtinPolicies();
  resolver.resolve(files, [resource('team-label', labelRule('deny'), { uid: 'a' })]);
  const recreated = resolver.resolve(files, [resource('team-label', labelRule('block'), { uid: 'b' })]);
  assert.equal(recreated.set.byId.has('team-label'), false);
  assert.match(recreated.statuses.get('team-label')?.message ?? '', /no version of it is in force$/);
});

test('a resource named like a file policy is shadowed: the file policy stays, the status names the file', () => {
  const files = builtinPolicies();
  const { set, statuses } = createResourceResolver().resolve(files, [resource('storage-class-required', labelRule('off'))]);
  assert.equal(set.byId.get('storage-class-required'), files.byId.get('storage-class-required'));
  const status = statuses.get('storage-class-required');
  assert.equal(status?.reason, 'Shadowed');
  assert.equal(status?.ready, false);
  assert.match(status?.message ?? '', /a policy file defines storage-class-required \(policies\/storage-class-required\/policy\.yaml:\d+\) and files win/);
});

test('a resource without a name or generation is handled, never thrown on', () => {
  const nameless = { apiVersion: 'stateguard.io/v1alpha1', kind: 'StatefulSetPolicy', metadata: {}, spec: labelRule('deny') };
  const bare = { apiVersion: 'stateguard.io/v1alpha1', kind: 'StatefulSetPolicy', metadata: { name: 'bare' }, spec: labelRule('deny') };
  const { statuses } = createResourceResolver().resolve(builtinPolicies(), [nameless, bare, { kind: 'StatefulSetPolicy' }]);
  assert.deepEqual([...statuses.keys()], ['bare']);
  assert.equal(statuses.get('bare')?.generation, undefined);
});

test('the engine reads name, labels, annotations and spec of a resource, nothing the server sets', () => {
  const document = policyDocumentOf(resource('team-label', labelRule('deny')));
  assert.deepEqual(Object.keys(document), ['apiVersion', 'kind', 'metadata', 'spec']);
  assert.deepEqual(Object.keys(document['metadata'] as JsonObject), ['name', 'labels', 'annotations']);
  assert.deepEqual(policyDocumentOf({ spec: {} })['metadata'], {});
});

test('resource problems cover what only compiling finds: unknown checks, bad params, rule schemas that do not compile', () => {
  const unknownCheck = { ...labelRule('deny'), validate: { check: 'no-such-check', message: 'm', fix: 'f' } };
  assert.match(resourceProblems(resource('a', unknownCheck)).join('\n'), /^unknown check "no-such-check"/);
  const badSchema = { ...labelRule('deny'), validate: { schema: { type: 'no-such-type' }, message: 'm', fix: 'f' } };
  assert.match(resourceProblems(resource('b', badSchema)).join('\n'), /^validate\.schema does not compile/);
  assert.deepEqual(resourceProblems(resource('c', labelRule('deny'))), []);
  assert.match(resourceProblems({ apiVersion: 'stateguard.io/v1alpha1', kind: 'StatefulSetPolicy', metadata: { name: 'd' } }).join('\n'), /must have required property 'spec'/);
});
