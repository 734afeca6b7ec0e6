import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  admit, enforce, DENIAL_LINE_MAX_CHARS, MAX_DENIAL_LINES, MAX_ITEMS, MAX_VALUES, MAX_WARNINGS, MESSAGE_MAX_BYTES, PATCH_MAX_BYTES, WARNING_MAX_CHARS,
  type AdmissionContext, type AdmissionReviewResponse, type Webhook,
} from '../../src/admission/index.ts';
import { DEFAULT_ACTION_SETTINGS, MAX_VIOLATIONS_PER_POLICY, type JsonObject, type PolicyResult, type Violation } from '../../src/policy/index.ts';
import { builtinPolicies } from '../helpers/policies.ts';
import { seed } from '../helpers/seed.ts';
import { admissionReview } from '../webhook/helpers/reviews.ts';

const context = (): AdmissionContext => ({ set: builtinPolicies(), actions: DEFAULT_ACTION_SETTINGS });
const many = (count: number, message = 'bad'): Violation[] => Array.from({ length: count }, (_, i) => ({ path: `spec.x[${i}]`, message, fix: 'fix it' }));
const failing = (policy: string, violations: Violation[], extra: Partial<PolicyResult> = {}): PolicyResult => ({ policy, category: 't', severity: 'high', action: 'deny', result: 'fail', violations, ...extra });

/** Everything the API server would read from one answer, in bytes. */
function answerBytes(response: AdmissionReviewResponse): number {
  return Buffer.byteLength(JSON.stringify(response));
}

function answer(webhook: Webhook, object: JsonObject): AdmissionReviewResponse {
  const admission = admit(webhook, admissionReview(object), context());
  assert.equal(admission.ok, true);
  if (!admission.ok) throw new Error('unreachable');
  return admission.outcome.response;
}

function withClaims(claims: unknown[]): JsonObject {
  const object = seed();
  return { ...object, spec: { ...(object['spec'] as JsonObject), volumeClaimTemplates: claims } };
}

test('one policy with 80,000 violations: a bounded denial that says how many more were left out', () => {
  const { denials } = enforce([failing('p', many(80_000))]);
  assert.equal(denials.length, MAX_DENIAL_LINES);
  assert.match(denials.at(-1) ?? '', /^\[stateguard\] 79951 more violations not shown/);
  assert.ok(Buffer.byteLength(denials.join('\n')) <= MESSAGE_MAX_BYTES);
});

test('violations the engine only counted are included in the number left out', () => {
  const { denials } = enforce([failing('p', many(3)), failing('q', many(2), { omittedViolations: 500 })]);
  assert.equal(denials.length, 6);
  assert.match(denials.at(-1) ?? '', /^\[stateguard\] 500 more violations not shown/);
});

test('long lines are cut, and the message stops at its byte budget with the count of the rest', () => {
  const { denials } = enforce([failing('p', many(40, 'é'.repeat(100_000)))]);
  for (const line of denials) assert.ok(line.length <= DENIAL_LINE_MAX_CHARS);
  assert.ok(Buffer.byteLength(denials.join('\n')) <= MESSAGE_MAX_BYTES, `${Buffer.byteLength(denials.join('\n'))} bytes`);
  assert.match(denials.at(-1) ?? '', /^\[stateguard\] \d+ more violations not shown/);
});

test('warnings the engine only counted are included in the warnings left out', () => {
  const { warnings } = enforce([{ ...failing('w', many(3)), action: 'warn', result: 'warn', omittedViolations: 997 }]);
  assert.equal(warnings.length, 4);
  assert.match(warnings.at(-1) ?? '', /^\[stateguard\] 997 more warnings not shown/);
});

test('the engine keeps at most MAX_VIOLATIONS_PER_POLICY violations per result and counts the rest', () => {
  const admission = admit('validate', admissionReview(withClaims(Array.from({ length: MAX_ITEMS }, () => ({})))), context());
  assert.ok(admission.ok);
  const results = admission.outcome.results.filter((r) => r.violations.length > 0);
  assert.ok(results.length > 0);
  for (const result of results) assert.ok(result.violations.length <= MAX_VIOLATIONS_PER_POLICY, result.policy);
  assert.ok(results.some((r) => (r.omittedViolations ?? 0) > 0));
});

/** Warnings, the denial message, one audit annotation per policy and the envelope. */
const ANSWER_BOUND = MESSAGE_MAX_BYTES + MAX_WARNINGS * WARNING_MAX_CHARS * 3 + builtinPolicies().policies.length * 1100 + 4096;

for (const [name, claims, refused] of [
  ['14,884 claim templates', Array.from({ length: 14_884 }, (_, i) => ({ metadata: { name: `c${i}` }, spec: { accessModes: ['ReadWriteOnce'] } })), true],
  ['100,000 empty claim templates', Array.from({ length: 100_000 }, () => ({})), true],
  ['one claim template more than MAX_ITEMS', Array.from({ length: MAX_ITEMS + 1 }, () => ({})), true],
  ['as many empty claim templates as MAX_ITEMS allows', Array.from({ length: MAX_ITEMS }, () => ({})), false],
] as const) {
  for (const webhook of ['validate', 'mutate'] as const) {
    test(`/${webhook} with ${name}: the answer stays within the documented bounds`, () => {
      const response = answer(webhook, withClaims([...claims]));
      assert.ok(answerBytes(response) <= ANSWER_BOUND, `${answerBytes(response)} bytes`);
      if (refused) {
        assert.equal(response.response.status?.code, 422);
        assert.match(response.response.status?.message ?? '', /request\.object (holds more than \d+ values|has a list of more than \d+ items)/);
      } else if (webhook === 'validate') {
        assert.equal(response.response.allowed, false);
        assert.match(response.response.status?.message ?? '', /more violations not shown/);
      }
    });
  }
}

test('/mutate: defaults that would make a patch past PATCH_MAX_BYTES deny with a 413, never a partial patch', () => {
  // pod-anti-affinity copies the pod's labels into its term: a label value of 1.1 MB makes a patch of as much.
  const object = seed();
  const big = 'x'.repeat(PATCH_MAX_BYTES + 10_000);
  const spec = object['spec'] as JsonObject;
  const template = spec['template'] as JsonObject;
  const wide = { ...object, spec: { ...spec, selector: { matchLabels: { app: big } }, template: { ...template, metadata: { labels: { app: big } } } } };
  const response = answer('mutate', wide).response;
  const admission = admit('mutate', admissionReview(wide), context());
  assert.equal(admission.ok && admission.outcome.refused, 'patch');
  assert.equal(response.allowed, false);
  assert.equal(response.status?.code, 413);
  assert.match(response.status?.message ?? '', /JSON patch of \d+ operations \(\d+ bytes\)/);
  assert.equal(response.patch, undefined);
  assert.ok(answerBytes(answer('mutate', wide)) <= ANSWER_BOUND);
});

test('an object with more values than MAX_VALUES, in no long list, is refused with a 422 naming the limit', () => {
  const labels = Object.fromEntries(Array.from({ length: MAX_VALUES }, (_, i) => [`label-${i}`, 'x']));
  const object = seed();
  const response = answer('validate', { ...object, metadata: { ...(object['metadata'] as JsonObject), labels } });
  assert.equal(response.response.status?.code, 422);
  assert.match(response.response.status?.message ?? '', new RegExp(`request\\.object holds more than ${MAX_VALUES} values`));
});
