import assert from 'node:assert/strict';
import { test } from 'node:test';
import { enforce, MAX_WARNINGS, WARNING_MAX_CHARS } from '../../src/admission/index.ts';
import type { PolicyResult, Violation } from '../../src/policy/index.ts';

function result(policy: string, fields: Partial<PolicyResult> & Pick<PolicyResult, 'action' | 'result'>): PolicyResult {
  return { policy, category: 'test', severity: 'high', violations: [], ...fields };
}

const violation = (path: string, message: string, fix = 'do the right thing'): Violation => ({ path, message, fix });

test('a failing deny policy gives one denial line per violation: [policy] path: message (fix: …)', () => {
  const { denials, warnings, auditAnnotations, findings } = enforce([
    result('storage-class-required', { action: 'deny', result: 'fail', violations: [violation('spec.volumeClaimTemplates[0].spec.storageClassName', 'no class', 'name one')] }),
    result('resource-requests-required', { action: 'deny', result: 'fail', violations: [violation('a', 'one'), violation('b', 'two')] }),
    result('name-length', { action: 'deny', result: 'pass' }),
  ]);
  assert.deepEqual(denials, [
    '[storage-class-required] spec.volumeClaimTemplates[0].spec.storageClassName: no class (fix: name one)',
    '[resource-requests-required] a: one (fix: do the right thing)',
    '[resource-requests-required] b: two (fix: do the right thing)',
  ]);
  assert.deepEqual(warnings, []);
  assert.deepEqual(auditAnnotations, {});
  assert.deepEqual(findings, { 'storage-class-required': 'deny', 'resource-requests-required': 'deny' });
});

test('a denial line stays one line even when a message carries newlines', () => {
  const { denials } = enforce([result('p', { action: 'deny', result: 'fail', violations: [violation('x', 'line one\nline two\r\n', 'fix\tit')] })]);
  assert.deepEqual(denials, ['[p] x: line one line two (fix: fix it)']);
});

test('a refused exemption is said on the denial line, from the structured claim (the reason text is not parsed)', () => {
  const refused = { reason: 'legacy', honoured: false, refusal: 'namespace-not-allowed' } as const;
  const { denials } = enforce([result('p', { action: 'deny', result: 'fail', exemption: refused, reason: 'not here, sorry', violations: [violation('x', 'bad')] })]);
  assert.deepEqual(denials, ['[p] x: bad (fix: do the right thing) [not here, sorry]']);
  const plain = enforce([result('p', { action: 'deny', result: 'fail', reason: 'exemption not honoured: looks like a refusal', violations: [violation('x', 'bad')] })]);
  assert.deepEqual(plain.denials, ['[p] x: bad (fix: do the right thing)'], 'without a refused claim there is no note, whatever the reason says');
});

test('warn findings become warnings: one line each, at most 256 characters', () => {
  const long = 'a'.repeat(300);
  const { denials, warnings, findings } = enforce([
    result('readiness-probe-required', { action: 'warn', result: 'warn', violations: [violation('x', 'container "db" has no readinessProbe'), violation('y', long)] }),
  ]);
  assert.deepEqual(denials, []);
  assert.equal(warnings[0], '[readiness-probe-required] container "db" has no readinessProbe (fix: do the right thing)', 'the fix is included when it fits');
  assert.equal(warnings[1]?.length, WARNING_MAX_CHARS);
  assert.ok(warnings[1]?.endsWith('…'));
  assert.deepEqual(findings, { 'readiness-probe-required': 'warn' });
});

test('more warnings than the API server keeps are cut, and the last one says how many are left out', () => {
  const many = Array.from({ length: 40 }, (_, i) => violation(`p${i}`, `finding ${i}`));
  const { warnings } = enforce([result('pod-security-restricted', { action: 'warn', result: 'warn', violations: many })]);
  assert.equal(warnings.length, MAX_WARNINGS);
  assert.match(warnings[MAX_WARNINGS - 1] ?? '', /^\[stateguard\] 25 more warnings not shown/);
  assert.ok(warnings.join('').length <= 4096);
});

test('audit findings become one bounded audit annotation per policy, keyed without a slash', () => {
  const { warnings, auditAnnotations, findings } = enforce([
    result('memory-limit-required', { action: 'audit', result: 'warn', violations: [violation('x', 'no limit'), violation('y', 'no limit either')] }),
    result('image-tag-pinned', { action: 'audit', result: 'warn', violations: Array.from({ length: 100 }, (_, i) => violation(`spec.template.spec.containers[${i}].image`, 'uses a mutable tag')) }),
  ]);
  assert.deepEqual(warnings, []);
  assert.equal(auditAnnotations['memory-limit-required'], 'x: no limit; y: no limit either');
  assert.ok((auditAnnotations['image-tag-pinned'] ?? '').length <= 1024);
  for (const key of Object.keys(auditAnnotations)) assert.doesNotMatch(key, /\//, 'the API server prefixes keys with the webhook name and drops keys with two slashes');
  assert.deepEqual(findings, { 'memory-limit-required': 'audit', 'image-tag-pinned': 'audit' });
});

test('an error result never denies, even of a deny policy: it becomes a warning naming the policy', () => {
  const { denials, warnings, findings } = enforce([
    result('headless-service-exists', { action: 'deny', result: 'error', reason: 'check failed: cache unavailable' }),
  ]);
  assert.deepEqual(denials, []);
  assert.deepEqual(warnings, ['[headless-service-exists] not enforced, the rule failed: check failed: cache unavailable']);
  assert.deepEqual(findings, { 'headless-service-exists': 'error' });
});

test('honoured exemptions are recorded in one audit annotation with the reason; lookups without data are silent', () => {
  const honoured = { reason: 'legacy volume, INC-42', honoured: true } as const;
  const { denials, warnings, auditAnnotations, findings } = enforce([
    result('storage-class-required', { action: 'deny', result: 'skip', skip: { cause: 'exempted' }, exemption: honoured, reason: 'for people' }),
    result('resource-requests-required', { action: 'deny', result: 'skip', skip: { cause: 'exempted' }, exemption: honoured }),
    result('storage-class-exists', { action: 'warn', result: 'skip', skip: { cause: 'no-cluster-data', lookup: 'storageClasses' }, reason: 'exempted: looks like one' }),
    result('pdb-exists', { action: 'warn', result: 'skip', skip: { cause: 'lookup-forbidden', lookup: 'podDisruptionBudgets' } }),
  ]);
  assert.deepEqual(denials, []);
  assert.deepEqual(warnings, []);
  assert.deepEqual(auditAnnotations, { exempted: 'storage-class-required,resource-requests-required: legacy volume, INC-42' });
  assert.deepEqual(findings, { 'storage-class-required': 'exempt', 'resource-requests-required': 'exempt' });
});
