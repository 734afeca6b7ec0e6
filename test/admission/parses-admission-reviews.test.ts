import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseReview, type ProblemCode } from '../../src/admission/index.ts';
import type { JsonObject } from '../../src/policy/index.ts';
import { seed } from '../helpers/seed.ts';
import { admissionReview, scaleOf } from '../webhook/helpers/reviews.ts';

/** A valid review with one field of `request` replaced (undefined deletes it). */
function withRequest(changes: JsonObject): JsonObject {
  const review = admissionReview(seed());
  const request = { ...(review['request'] as JsonObject), ...changes };
  for (const [key, value] of Object.entries(changes)) if (value === undefined) delete request[key];
  return { ...review, request };
}

const BAD: readonly { name: string; body: unknown; code: ProblemCode; names: RegExp }[] = [
  { name: 'a JSON array', body: [], code: 'ERR_REVIEW_NOT_OBJECT', names: /AdmissionReview JSON object, got an array/ },
  { name: 'JSON null', body: null, code: 'ERR_REVIEW_NOT_OBJECT', names: /got null/ },
  { name: 'admission.k8s.io/v1beta1', body: { ...admissionReview(seed()), apiVersion: 'admission.k8s.io/v1beta1' }, code: 'ERR_REVIEW_API_VERSION', names: /apiVersion must be admission.k8s.io\/v1, got "admission.k8s.io\/v1beta1"/ },
  { name: 'no apiVersion', body: { ...admissionReview(seed()), apiVersion: undefined }, code: 'ERR_REVIEW_API_VERSION', names: /got nothing/ },
  { name: 'another kind', body: { ...admissionReview(seed()), kind: 'StatefulSet' }, code: 'ERR_REVIEW_KIND', names: /kind must be AdmissionReview, got "StatefulSet"/ },
  { name: 'no request', body: { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }, code: 'ERR_REVIEW_REQUEST', names: /request must be an object, got nothing/ },
  { name: 'no uid', body: withRequest({ uid: undefined }), code: 'ERR_REVIEW_UID', names: /request\.uid must be a non-empty string, got nothing/ },
  { name: 'an empty uid', body: withRequest({ uid: '' }), code: 'ERR_REVIEW_UID', names: /request\.uid/ },
  { name: 'a numeric uid', body: withRequest({ uid: 7 }), code: 'ERR_REVIEW_UID', names: /got number 7/ },
  { name: 'an unknown operation', body: withRequest({ operation: 'PATCH' }), code: 'ERR_REVIEW_OPERATION', names: /one of CREATE, UPDATE, DELETE, CONNECT, got "PATCH"/ },
  { name: 'no request.resource', body: withRequest({ resource: undefined }), code: 'ERR_REVIEW_RESOURCE', names: /request\.resource/ },
  { name: 'a null object', body: withRequest({ object: null }), code: 'ERR_REVIEW_OBJECT', names: /request\.object must be a StatefulSet object, got null/ },
  { name: 'an object of another kind', body: withRequest({ object: { ...seed(), kind: 'Deployment' } }), code: 'ERR_REVIEW_OBJECT', names: /request\.object\.kind is "Deployment" but request\.kind\.kind is "StatefulSet"/ },
  { name: 'an UPDATE without oldObject', body: withRequest({ operation: 'UPDATE', oldObject: null }), code: 'ERR_REVIEW_OLD_OBJECT', names: /an UPDATE needs request\.oldObject/ },
];

for (const { name, body, code, names } of BAD) {
  test(`a review with ${name} is a ${code} problem naming it`, () => {
    const parsed = parseReview(body);
    assert.equal(parsed.ok, false);
    if (parsed.ok) return;
    assert.equal(parsed.problem.code, code);
    assert.equal(parsed.problem.status, 400);
    assert.match(parsed.problem.message, names);
  });
}

test('a StatefulSet CREATE becomes a StatefulSet review with the request fields the engine needs', () => {
  const parsed = parseReview(admissionReview(seed(), { uid: 'u-1', dryRun: true, username: 'bob', namespace: 'shop' }));
  assert.ok(parsed.ok);
  const { review } = parsed;
  assert.equal(review.target, 'StatefulSet');
  assert.equal(review.uid, 'u-1');
  assert.equal(review.operation, 'CREATE');
  assert.equal(review.namespace, 'shop');
  assert.equal(review.name, 'web');
  assert.equal(review.dryRun, true);
  assert.deepEqual(review.userInfo, { username: 'bob', groups: ['system:authenticated'] });
});

test('userInfo keeps uid, string groups and string extra lists (a SubjectAccessReview passes them on); other values are dropped', () => {
  const userInfo = { username: 'alice', uid: 'u-42', groups: ['devs', 7, 'system:authenticated'], extra: { scopes: ['read', null, 'write'], 'node-name': 'n1', empty: [] } };
  const parsed = parseReview(withRequest({ userInfo }));
  assert.ok(parsed.ok);
  assert.deepEqual(parsed.review.userInfo, { username: 'alice', uid: 'u-42', groups: ['devs', 'system:authenticated'], extra: { scopes: ['read', 'write'], empty: [] } });
});

test('a statefulsets/scale UPDATE becomes a Scale review carrying the old Scale', () => {
  const parsed = parseReview(admissionReview(scaleOf('web', 1), { operation: 'UPDATE', oldObject: scaleOf('web', 3) }));
  assert.ok(parsed.ok && parsed.review.target === 'Scale');
  assert.deepEqual(parsed.review.oldObject, scaleOf('web', 3));
});

test('a generateName object without a name yet is named by its prefix', () => {
  const object = seed();
  object['metadata'] = { generateName: 'web-' };
  const parsed = parseReview(withRequest({ object, name: undefined }));
  assert.ok(parsed.ok);
  assert.equal(parsed.review.name, 'web-*');
});

const MISROUTED: readonly { name: string; changes: JsonObject; received: string }[] = [
  { name: 'a Deployment', changes: { kind: { group: 'apps', version: 'v1', kind: 'Deployment' }, resource: { group: 'apps', version: 'v1', resource: 'deployments' }, object: { kind: 'Deployment' } }, received: 'CREATE apps/v1 deployments (kind Deployment)' },
  { name: 'a Pod', changes: { kind: { group: '', version: 'v1', kind: 'Pod' }, resource: { group: '', version: 'v1', resource: 'pods' }, object: { kind: 'Pod' } }, received: 'CREATE v1 pods (kind Pod)' },
  { name: 'a DELETE of a StatefulSet (no object)', changes: { operation: 'DELETE', object: null, oldObject: seed() }, received: 'DELETE apps/v1 statefulsets (kind StatefulSet)' },
  { name: 'the status subresource', changes: { operation: 'UPDATE', subResource: 'status', oldObject: seed() }, received: 'UPDATE apps/v1 statefulsets/status (kind StatefulSet)' },
];

for (const { name, changes, received } of MISROUTED) {
  test(`${name} is a well-formed review that the webhook rules should not have sent`, () => {
    const parsed = parseReview(withRequest(changes));
    assert.ok(parsed.ok);
    assert.equal(parsed.review.target, 'none');
    if (parsed.review.target === 'none') assert.equal(parsed.review.received, received);
  });
}
