import assert from 'node:assert/strict';
import { test } from 'node:test';
import { admit, type AdmissionContext, type Webhook } from '../../src/admission/index.ts';
import { DEFAULT_ACTION_SETTINGS, MAX_DEPTH, type JsonObject } from '../../src/policy/index.ts';
import { builtinPolicies } from '../helpers/policies.ts';
import { seed } from '../helpers/seed.ts';
import { admissionReview } from '../webhook/helpers/reviews.ts';

const context = (): AdmissionContext => ({ set: builtinPolicies(), actions: DEFAULT_ACTION_SETTINGS });

/** `{ n: { n: … 'leaf' } }`, `levels` objects deep, built without recursion. */
function nested(levels: number): JsonObject {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = { n: value };
  return value as JsonObject;
}

function answer(webhook: Webhook, body: JsonObject) {
  const admission = admit(webhook, body, context());
  assert.equal(admission.ok, true, 'a well-formed review is answered with an AdmissionReview, not a problem');
  if (!admission.ok) throw new Error('unreachable');
  return admission.outcome;
}

for (const webhook of ['mutate', 'validate'] as const) {
  test(`/${webhook}: an object nested 20,000 levels deep is denied with a 422 naming the limit, not a crash`, () => {
    const outcome = answer(webhook, admissionReview({ ...seed(), extra: nested(20_000) }));
    assert.equal(outcome.response.response.allowed, false);
    assert.equal(outcome.decision, 'deny');
    assert.equal(outcome.refused, 'depth', 'the decision log can say which limit, as a field');
    assert.equal(outcome.response.response.status?.code, 422);
    assert.match(outcome.response.response.status?.message ?? '', new RegExp(`request\\.object nests more than ${MAX_DEPTH} levels`));
    assert.equal(outcome.response.response.patch, undefined);
  });

  test(`/${webhook}: an UPDATE that changes an immutable field next to deep nesting is denied, never let through`, () => {
    const old = { ...seed(), extra: nested(20_000) };
    const changed = { ...seed(), extra: nested(20_000), spec: { ...(seed()['spec'] as JsonObject), serviceName: 'other' } };
    const outcome = answer(webhook, admissionReview(changed, { operation: 'UPDATE', oldObject: old }));
    assert.equal(outcome.response.response.allowed, false);
    assert.match(outcome.response.response.status?.message ?? '', /nests more than/);
  });
}

test('an UPDATE whose stored oldObject alone is too deep is denied naming request.oldObject', () => {
  const outcome = answer('mutate', admissionReview(seed(), { operation: 'UPDATE', oldObject: { ...seed(), extra: nested(MAX_DEPTH) } }));
  assert.equal(outcome.response.response.allowed, false);
  assert.match(outcome.response.response.status?.message ?? '', /request\.oldObject nests more than/);
});

test('nesting up to the limit is evaluated as usual', () => {
  // The object itself is level 1: `extra` adds MAX_DEPTH - 2 more objects and a leaf.
  const outcome = answer('mutate', admissionReview({ ...seed(), extra: nested(MAX_DEPTH - 2) }));
  assert.equal(outcome.response.response.allowed, true);
  assert.equal(outcome.decision, 'patch');
  assert.equal(outcome.refused, undefined);
});

test('/mutate: defaults that would take an object past the depth limit are refused, not sent (its re-evaluation would be)', () => {
  // pod-anti-affinity copies spec.selector six levels deeper, into the pod template's affinity term.
  const object = seed();
  const spec = object['spec'] as JsonObject;
  const selector = { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'k', operator: 'In', values: [nested(MAX_DEPTH - 8)] }] };
  const outcome = answer('mutate', admissionReview({ ...object, spec: { ...spec, selector } }));
  assert.equal(outcome.response.response.allowed, false);
  assert.equal(outcome.response.response.status?.code, 422);
  assert.match(outcome.response.response.status?.message ?? '', /request\.object with the defaults added nests more than/);
});

test('the decision log line names the limit a refused request is past', async () => {
  const { decisionRecord } = await import('../../src/webhook/decision-record.ts');
  const refused = decisionRecord(answer('validate', admissionReview({ ...seed(), extra: nested(MAX_DEPTH + 10) })), 1);
  assert.equal(refused['refused'], 'depth');
  assert.equal(refused['decision'], 'deny');
  assert.equal('refused' in decisionRecord(answer('validate', admissionReview(seed())), 1), false);
});
