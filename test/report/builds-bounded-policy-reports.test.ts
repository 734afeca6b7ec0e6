import assert from 'node:assert/strict';
import { test } from 'node:test';
import { desiredReport, reportName } from '../../src/report/policy-report-body.ts';
import { evaluate } from '../../src/policy/index.ts';
import { builtinPolicies } from '../helpers/policies.ts';
import { seed } from '../helpers/seed.ts';
import { statefulSet } from '../cluster/fixtures.ts';

const V = 'wgpolicyk8s.io/v1alpha2';
const ref = { namespace: 'shop', name: 'web', uid: '6a3f6a1e-0000-4000-8000-000000000001' };
const judge = (object: unknown) => evaluate(builtinPolicies(), { object, operation: 'CREATE', namespace: 'shop' }, { surface: 'audit' });

test('report names stay valid DNS subdomains of at most 253 characters, distinct for distinct StatefulSets', () => {
  assert.equal(reportName('web'), 'stateguard-sts-web');
  const long = `${'a'.repeat(236)}.b-c`;
  const other = `${'a'.repeat(236)}.b-d`;
  for (const name of [long, other]) {
    assert.ok(reportName(name).length <= 253);
    assert.match(reportName(name), /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/);
  }
  assert.notEqual(reportName(long), reportName(other));
});

test('a report lists each policy once, passes included, with its rule, bounded messages, summary counts and its owner', () => {
  const object = seed();
  const report = desiredReport(ref, judge(object), new Date('2030-01-01T00:00:00Z'), 'wgpolicyk8s.io/v1beta1');
  const body = report.body as { apiVersion: string; metadata: { ownerReferences: unknown[]; annotations: Record<string, string> }; summary: Record<string, number>; results: { policy: string; rule: string; result: string; message: string; timestamp: { seconds: number } }[] };
  const all = judge(object).results;
  assert.equal(body.apiVersion, 'wgpolicyk8s.io/v1beta1');
  assert.deepEqual(body.results.map((r) => [r.policy, r.result]), all.map((r) => [r.policy, r.result]));
  assert.ok(body.results.some((r) => r.result === 'pass'), 'the seed passes some policies: Policy Reporter counts them from results');
  assert.ok(body.results.every((r) => r.rule === r.policy && r.message.length > 0));
  assert.equal(body.summary['pass'], body.results.filter((r) => r.result === 'pass').length);
  assert.equal(Object.values(body.summary).reduce((a, b) => a + b, 0), all.length);
  assert.ok(body.results.every((r) => r.message.length <= 1024 && r.timestamp.seconds === 1_893_456_000));
  assert.ok(JSON.stringify(body).length < all.length * 4 * 1024 + 2048, 'bounded: one result per policy, texts truncated');
  assert.deepEqual(body.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: ref.uid }]);
  assert.equal(body.metadata.annotations['stateguard.io/verdict'], report.hash);
  assert.equal(report.clean, false);
  assert.ok(report.flagged.includes('resource-requests-required'));
});

test('the verdict hash ignores the time and changes with the verdict and the StatefulSet uid', () => {
  const evaluation = judge(seed());
  const hash = desiredReport(ref, evaluation, new Date(0), V).hash;
  assert.equal(desiredReport(ref, evaluation, new Date(), V).hash, hash);
  assert.notEqual(desiredReport({ ...ref, uid: 'another' }, evaluation, new Date(0), V).hash, hash);
  assert.notEqual(desiredReport(ref, judge(statefulSet('web', 'shop')), new Date(0), V).hash, hash);
});

test('a StatefulSet every applicable policy passes is clean', () => {
  const lookup = { storageClass: () => ({ allowVolumeExpansion: true }), services: () => [{ metadata: { name: 'web' }, spec: { clusterIP: 'None', selector: { app: 'web' } } }], podDisruptionBudgets: () => [] };
  const evaluation = evaluate(builtinPolicies(), { object: statefulSet('web', 'shop'), operation: 'CREATE', namespace: 'shop', lookup }, { surface: 'audit' });
  assert.equal(desiredReport(ref, evaluation, new Date(), V).clean, true);
});
