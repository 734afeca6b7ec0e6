import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { AdmissionReviewResponse } from '../../src/admission/index.ts';
import type { JsonObject } from '../../src/policy/index.ts';
import { post } from './helpers/https.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

let t: TestServer;
before(async () => { t = await startTestServer(); });
after(() => t.server.close());

function policy(spec: JsonObject): JsonObject {
  return {
    apiVersion: 'stateguard.io/v1alpha1', kind: 'StatefulSetPolicy',
    metadata: { name: 'team-label', uid: 'u-1', generation: 1, labels: { owner: 'platform' }, annotations: { note: 'x' }, managedFields: [] },
    spec,
  };
}

const GOOD = { description: 'A team label.', severity: 'low', action: 'deny', validate: { schema: { required: ['metadata'] }, message: 'no team', fix: 'add one' } };

let sequence = 0;
function review(object: unknown, operation = 'CREATE'): JsonObject {
  return {
    apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview',
    request: {
      uid: `p-${++sequence}`, kind: { group: 'stateguard.io', version: 'v1alpha1', kind: 'StatefulSetPolicy' },
      resource: { group: 'stateguard.io', version: 'v1alpha1', resource: 'statefulsetpolicies' },
      name: 'team-label', operation, userInfo: { username: 'admin' }, object, oldObject: operation === 'UPDATE' ? object : null, dryRun: false,
    },
  };
}

async function answer(body: JsonObject): Promise<AdmissionReviewResponse['response']> {
  const result = await post(t.url('/validate'), body, { ca: t.ca });
  assert.equal(result.status, 200);
  return (result.json as AdmissionReviewResponse).response;
}

test('a valid StatefulSetPolicy resource, labels and server metadata included, is admitted on CREATE and UPDATE', async () => {
  for (const operation of ['CREATE', 'UPDATE']) {
    const response = await answer(review(policy(GOOD), operation));
    assert.equal(response.allowed, true, operation);
    assert.equal(response.status, undefined);
  }
  const line = t.records.find((r) => r['kind'] === 'StatefulSetPolicy' && r['decision'] === 'allow');
  assert.equal(line?.msg, 'admission decision');
});

test('an invalid StatefulSetPolicy is refused with a message naming each field', async () => {
  const response = await answer(review(policy({ ...GOOD, action: 'block', severity: 'urgent' })));
  assert.equal(response.allowed, false);
  assert.equal(response.status?.code, 422);
  assert.match(response.status?.message ?? '', /^StatefulSetPolicy team-label is invalid: /);
  assert.match(response.status?.message ?? '', /spec\.severity: must be equal to one of the allowed values/);
  assert.match(response.status?.message ?? '', /spec\.action: must be equal to one of the allowed values \(deny, warn, audit, off\)/);
  const unknownCheck = await answer(review(policy({ ...GOOD, validate: { check: 'nope', message: 'm', fix: 'f' } })));
  assert.match(unknownCheck.status?.message ?? '', /unknown check "nope"/);
  const line = t.records.find((r) => r['kind'] === 'StatefulSetPolicy' && r['decision'] === 'deny');
  assert.ok(Array.isArray(line?.['problems']));
});

test('a refusal lists at most 20 problems and says how many more', async () => {
  const properties = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`extra${i}`, true]));
  const response = await answer(review(policy({ ...GOOD, ...properties })));
  assert.match(response.status?.message ?? '', /; and 10 more$/);
});

test('a StatefulSetPolicy request without an object, or a DELETE, is not taken for a StatefulSet', async () => {
  const missing = await answer(review('not an object'));
  assert.equal(missing.allowed, false);
  assert.match(missing.status?.message ?? '', /request\.object: must be a StatefulSetPolicy object/);
  const deleted = await answer(review(null, 'DELETE'));
  assert.equal(deleted.allowed, true);
});
