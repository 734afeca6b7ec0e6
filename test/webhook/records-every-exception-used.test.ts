/**
 * Every StatefulSetPolicyException used at admission is recorded: the `excepted` audit annotation, the decision
 * log's `excepted` field and `stateguard_exceptions_applied_total{policy,exception}`; an expired one and exceptions
 * that could not be checked are warnings, and neither lets anything in.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readException, type ExceptionsInput, type PolicyException } from '../../src/policy/index.ts';
import { seed } from '../helpers/seed.ts';
import { testApp } from './helpers/app.ts';
import { admissionReview } from './helpers/reviews.ts';

const NOW = Date.parse('2026-06-01T00:00:00Z');

function exception(name: string, spec: Record<string, unknown>): PolicyException {
  const reading = readException({ apiVersion: 'stateguard.io/v1alpha1', kind: 'StatefulSetPolicyException', metadata: { name, namespace: 'shop' }, spec: { reason: 'OPS-7', statefulSets: { names: ['web'] }, ...spec } });
  assert.ok(reading.ok, JSON.stringify(reading));
  return reading.exception;
}

/** The seed in `shop`, with cpu and memory requests: only storage-class-required denies it. */
function web(): Record<string, unknown> {
  const object = seed() as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test fixture
  object['metadata'] = { name: 'web', namespace: 'shop' };
  object['spec'].template.spec.containers[0].resources = { requests: { cpu: '100m', memory: '64Mi' } };
  return object;
}

const byNamespace = (input: ExceptionsInput) => ({ exceptions: (namespace: string) => (namespace === 'shop' ? input : { items: [], now: NOW }) });

test('an exception used is in the audit annotation, the decision log and the metric, and the StatefulSet is admitted', async () => {
  const { review, records, metrics } = await testApp({}, byNamespace({ items: [exception('legacy-storage', { policies: [{ policy: 'storage-class-required' }] })], now: NOW }));
  const response = await review('validate', admissionReview(web()));
  assert.equal(response.allowed, true, JSON.stringify(response.status));
  assert.equal(response.auditAnnotations?.['excepted'], 'storage-class-required: shop/legacy-storage');
  const decision = records.find((r) => r.msg === 'admission decision');
  assert.deepEqual(decision?.['excepted'], ['storage-class-required: shop/legacy-storage']);
  assert.equal((decision?.['findings'] as Record<string, string>)['storage-class-required'], 'excepted');
  assert.match(await metrics.registry.metrics(), /^stateguard_exceptions_applied_total\{policy="storage-class-required",exception="shop\/legacy-storage"\} 1$/m);
});

test('an exception lifting some Pod Security checks is recorded with them, and the other checks still deny', async () => {
  const partial = exception('host-pid', { policies: [{ policy: 'pod-security-baseline', checks: ['hostNamespaces'] }, { policy: 'storage-class-required' }] });
  const { review, metrics } = await testApp({}, byNamespace({ items: [partial], now: NOW }));
  const object = web() as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test fixture
  object['spec'].template.spec.hostPID = true;
  assert.equal((await review('validate', admissionReview(object))).allowed, true);
  object['spec'].template.spec.containers[0].securityContext = { privileged: true };
  const denied = await review('validate', admissionReview(object));
  assert.equal(denied.allowed, false);
  assert.match(denied.status?.message ?? '', /^\[pod-security-baseline\] .*privileged/);
  assert.doesNotMatch(denied.status?.message ?? '', /hostPID/);
  assert.equal(denied.auditAnnotations?.['excepted'], 'pod-security-baseline[hostNamespaces]: shop/host-pid; storage-class-required: shop/host-pid');
  assert.match(await metrics.registry.metrics(), /^stateguard_exceptions_applied_total\{policy="pod-security-baseline",exception="shop\/host-pid"\} 2$/m);
});

test('an expired exception is not applied: denied, with a warning naming it', async () => {
  const expired = exception('old', { policies: [{ policy: 'storage-class-required' }], expiresAt: '2026-05-01T00:00:00Z' });
  const { review, records, metrics } = await testApp({}, byNamespace({ items: [expired], now: NOW }));
  const response = await review('validate', admissionReview(web()));
  assert.equal(response.allowed, false);
  assert.ok(response.warnings?.includes('[storage-class-required] StatefulSetPolicyException shop/old expired at 2026-05-01T00:00:00Z: not applied'), JSON.stringify(response.warnings));
  assert.equal(response.auditAnnotations?.['excepted'], undefined);
  assert.equal(records.find((r) => r.msg === 'admission decision')?.['excepted'], undefined);
  assert.doesNotMatch(await metrics.registry.metrics(), /^stateguard_exceptions_applied_total\{/m);
});

test('exceptions that could not be checked (cache not synced) apply to nothing, and the answer says so', async () => {
  const { review } = await testApp({}, byNamespace({ items: [], now: NOW, unchecked: 'StatefulSetPolicyExceptions were not checked: the first list has not completed' }));
  const response = await review('validate', admissionReview(web()));
  assert.equal(response.allowed, false);
  assert.ok(response.warnings?.includes('stateguard: StatefulSetPolicyExceptions were not checked: the first list has not completed; none was applied'), JSON.stringify(response.warnings));
});
