import assert from 'node:assert/strict';
import { test } from 'node:test';
import { desiredReport } from '../../src/report/policy-report-body.ts';
import { evaluate, readException, type PolicyException } from '../../src/policy/index.ts';
import { builtinPolicies } from '../helpers/policies.ts';
import { seed } from '../helpers/seed.ts';

const ref = { namespace: 'shop', name: 'web', uid: '6a3f6a1e-0000-4000-8000-000000000002' };
const NOW = Date.parse('2026-06-01T00:00:00Z');

function exception(name: string, spec: Record<string, unknown>): PolicyException {
  const reading = readException({ apiVersion: 'stateguard.io/v1alpha1', kind: 'StatefulSetPolicyException', metadata: { name, namespace: 'shop' }, spec: { reason: 'OPS-7', statefulSets: { names: ['web'] }, ...spec } });
  assert.ok(reading.ok);
  return reading.exception;
}

type ReportResult = { policy: string; result: string; message: string; properties: Record<string, string> };

test('a PolicyReport result skipped by an exception names it; an expired one is named on the judged result', () => {
  const object = seed();
  (object['metadata'] as Record<string, unknown>)['namespace'] = 'shop';
  const items = [
    exception('legacy-storage', { policies: [{ policy: 'storage-class-required' }] }),
    exception('old', { policies: [{ policy: 'resource-requests-required' }], expiresAt: '2026-01-01T00:00:00Z' }),
  ];
  const evaluation = evaluate(builtinPolicies(), { object, operation: 'CREATE', namespace: 'shop', exceptions: { items, now: NOW } }, { surface: 'audit' });
  const body = desiredReport(ref, evaluation, new Date(NOW), 'wgpolicyk8s.io/v1alpha2').body as { results: ReportResult[]; summary: Record<string, number> };
  const byPolicy = new Map(body.results.map((r) => [r.policy, r]));
  const skipped = byPolicy.get('storage-class-required');
  assert.equal(skipped?.result, 'skip');
  assert.equal(skipped?.message, 'excepted by StatefulSetPolicyException shop/legacy-storage');
  assert.equal(skipped?.properties['skip'], 'excepted');
  assert.equal(skipped?.properties['exceptions'], 'shop/legacy-storage');
  const judged = byPolicy.get('resource-requests-required');
  assert.equal(judged?.result, 'fail');
  assert.equal(judged?.properties['expiredExceptions'], 'shop/old (expired 2026-01-01T00:00:00Z)');
});
