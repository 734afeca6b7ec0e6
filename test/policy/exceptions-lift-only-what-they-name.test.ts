import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluate, readException, type EvaluationRequest, type ExceptionsInput, type PolicyException } from '../../src/policy/index.ts';
import { builtinPolicies } from '../helpers/policies.ts';
import { seed } from '../helpers/seed.ts';

const set = builtinPolicies();
const NOW = Date.parse('2026-06-01T00:00:00Z');

function exception(name: string, spec: Record<string, unknown>, namespace = 'shop'): PolicyException {
  const reading = readException({ apiVersion: 'stateguard.io/v1alpha1', kind: 'StatefulSetPolicyException', metadata: { name, namespace }, spec: { reason: 'OPS-7: migrating', ...spec } });
  assert.ok(reading.ok, JSON.stringify(reading));
  return reading.exception;
}

/** The seed (denied by storage-class-required and resource-requests-required), privileged and hostPID, in `shop`. */
function request(exceptions: ExceptionsInput | undefined, edit: (object: Record<string, any>) => void = () => undefined): EvaluationRequest { // eslint-disable-line @typescript-eslint/no-explicit-any -- test fixture
  const object = seed() as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test fixture
  object['metadata'] = { name: 'web', namespace: 'shop', labels: { tier: 'db' } };
  object['spec'].template.spec.hostPID = true;
  object['spec'].template.spec.containers[0].securityContext = { privileged: true };
  edit(object);
  return { object, operation: 'CREATE', namespace: 'shop', ...(exceptions === undefined ? {} : { exceptions }) };
}

const results = (req: EvaluationRequest) => new Map(evaluate(set, req).results.map((r) => [r.policy, r]));
const input = (...items: PolicyException[]): ExceptionsInput => ({ items, now: NOW });

test('an exception naming a policy and the StatefulSet turns that result into a skip with cause excepted, never a pass', () => {
  const byName = results(request(input(exception('legacy-storage', { policies: [{ policy: 'storage-class-required' }], statefulSets: { names: ['web'] } }))));
  const lifted = byName.get('storage-class-required');
  assert.equal(lifted?.result, 'skip');
  assert.deepEqual(lifted?.skip, { cause: 'excepted', exception: { namespace: 'shop', name: 'legacy-storage' } });
  assert.deepEqual(lifted?.exceptions, { applied: [{ namespace: 'shop', name: 'legacy-storage', reason: 'OPS-7: migrating' }] });
  assert.deepEqual(lifted?.violations, []);
  assert.equal(byName.get('resource-requests-required')?.result, 'fail', 'a policy it does not name is judged as usual');
  // A policy the StatefulSet passes anyway is still recorded as excepted: the exception is what decided it.
  const passing = results(request(input(exception('names', { policies: [{ policy: 'name-length' }], statefulSets: { names: ['web'] } })))).get('name-length');
  assert.equal(passing?.result, 'skip');
  assert.equal(passing?.skip?.cause, 'excepted');
});

test('an exception covers StatefulSets by label selector, and only those it names or selects', () => {
  const bySelector = exception('db-tier', { policies: [{ policy: 'storage-class-required' }], statefulSets: { selector: { matchLabels: { tier: 'db' } } } });
  assert.equal(results(request(input(bySelector))).get('storage-class-required')?.skip?.cause, 'excepted');
  const other = results(request(input(bySelector), (o) => { o['metadata'].labels = { tier: 'web' }; })).get('storage-class-required');
  assert.equal(other?.result, 'fail');
  assert.equal(other?.exceptions, undefined, 'not covered: nothing recorded');
  const otherName = exception('db', { policies: [{ policy: 'storage-class-required' }], statefulSets: { names: ['db'] } });
  assert.equal(results(request(input(otherName))).get('storage-class-required')?.result, 'fail');
});

test('an exception acts in its own namespace only', () => {
  const elsewhere = exception('legacy', { policies: [{ policy: 'storage-class-required' }], statefulSets: { names: ['web'] } }, 'team-b');
  assert.equal(results(request(input(elsewhere))).get('storage-class-required')?.result, 'fail');
});

test('an exception with Pod Security check ids lifts only those findings; the rest still deny', () => {
  const hostOnly = exception('host-pid', { policies: [{ policy: 'pod-security-baseline', checks: ['hostNamespaces'] }], statefulSets: { names: ['web'] } });
  const partial = results(request(input(hostOnly))).get('pod-security-baseline');
  assert.equal(partial?.result, 'fail');
  assert.deepEqual(partial?.violations.map((v) => v.checkId), ['privileged']);
  assert.deepEqual(partial?.exceptions?.applied, [{ namespace: 'shop', name: 'host-pid', reason: 'OPS-7: migrating', checks: ['hostNamespaces'] }]);
  const both = exception('host-and-privileged', { policies: [{ policy: 'pod-security-baseline', checks: ['hostNamespaces', 'privileged'] }], statefulSets: { names: ['web'] } });
  const lifted = results(request(input(both))).get('pod-security-baseline');
  assert.equal(lifted?.result, 'skip');
  assert.deepEqual(lifted?.skip, { cause: 'excepted', exception: { namespace: 'shop', name: 'host-and-privileged' } });
  // Checks the object does not violate change nothing: a true pass stays a pass, with nothing recorded.
  const clean = results(request(input(hostOnly), (o) => { delete o['spec'].template.spec.hostPID; delete o['spec'].template.spec.containers[0].securityContext; })).get('pod-security-baseline');
  assert.equal(clean?.result, 'pass');
  assert.equal(clean?.exceptions, undefined);
});

test('an expired exception is ignored and reported as expired', () => {
  const expired = exception('old', { policies: [{ policy: 'storage-class-required' }], statefulSets: { names: ['web'] }, expiresAt: '2026-05-31T23:59:59Z' });
  const result = results(request(input(expired))).get('storage-class-required');
  assert.equal(result?.result, 'fail');
  assert.deepEqual(result?.exceptions, { expired: [{ namespace: 'shop', name: 'old', expiresAt: '2026-05-31T23:59:59Z' }] });
  const current = exception('current', { policies: [{ policy: 'storage-class-required' }], statefulSets: { names: ['web'] }, expiresAt: '2026-06-01T00:00:01+00:00' });
  assert.equal(results(request(input(current))).get('storage-class-required')?.skip?.cause, 'excepted');
  // Expiry is exact: at the instant itself it no longer applies.
  const atNow = exception('edge', { policies: [{ policy: 'storage-class-required' }], statefulSets: { names: ['web'] }, expiresAt: '2026-06-01T00:00:00Z' });
  assert.equal(results(request(input(atNow))).get('storage-class-required')?.result, 'fail');
});

test('exceptions that could not be checked are said on each result they might have changed, and pass nothing', () => {
  const byPolicy = results(request({ items: [], now: NOW, unchecked: 'the StatefulSetPolicyException cache has not synced' }));
  assert.equal(byPolicy.get('storage-class-required')?.result, 'fail');
  assert.deepEqual(byPolicy.get('storage-class-required')?.exceptions, { unchecked: 'the StatefulSetPolicyException cache has not synced' });
  assert.equal(byPolicy.get('name-length')?.exceptions, undefined, 'a pass is said nothing about');
});

test('a Scale is covered by name only (it carries no StatefulSet labels)', () => {
  const scale = { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'web', namespace: 'shop' }, spec: { replicas: 0 } };
  const minReplicas = { ...set, policies: set.policies };
  const settings = { overrides: { 'min-replicas': 'deny' as const }, namespaceActions: 'tighten' as const, exemptionNamespaces: [] };
  const judge = (items: PolicyException[]) => evaluate(minReplicas, { object: scale, operation: 'UPDATE', namespace: 'shop', exceptions: input(...items) }, { actions: settings }).results.find((r) => r.policy === 'min-replicas');
  assert.equal(judge([])?.result, 'fail');
  assert.equal(judge([exception('by-name', { policies: [{ policy: 'min-replicas' }], statefulSets: { names: ['web'] } })])?.skip?.cause, 'excepted');
  assert.equal(judge([exception('by-label', { policies: [{ policy: 'min-replicas' }], statefulSets: { selector: { matchLabels: { tier: 'db' } } } })])?.result, 'fail');
});

test('no exceptions given: results are exactly those without the feature', () => {
  const plain = evaluate(set, request(undefined));
  const empty = evaluate(set, request(input()));
  assert.deepEqual(empty.results, plain.results);
});
