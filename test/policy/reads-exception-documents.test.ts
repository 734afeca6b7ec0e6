import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { exceptionsOfSources, readException } from '../../src/policy/index.ts';

const valid = { apiVersion: 'stateguard.io/v1alpha1', kind: 'StatefulSetPolicyException', metadata: { name: 'legacy', namespace: 'shop' }, spec: { policies: [{ policy: 'storage-class-required' }], statefulSets: { names: ['web'] }, reason: 'OPS-7' } };
const withSpec = (spec: Record<string, unknown>) => ({ ...valid, spec: { ...valid.spec, ...spec } });
const problemsOf = (raw: unknown): readonly string[] => {
  const reading = readException(raw);
  assert.equal(reading.ok, false, 'accepted');
  return reading.ok ? [] : reading.problems;
};

test('a valid exception is read with its namespace, and a missing namespace is kubectl\'s default', () => {
  const reading = readException(valid);
  assert.ok(reading.ok);
  assert.deepEqual(reading.exception, { namespace: 'shop', name: 'legacy', policies: [{ policy: 'storage-class-required' }], statefulSets: { names: ['web'] }, reason: 'OPS-7' });
  const dated = readException(withSpec({ expiresAt: '2026-07-01T12:00:00+02:00' }));
  assert.ok(dated.ok);
  assert.equal(dated.exception.expiresAtMs, Date.parse('2026-07-01T10:00:00Z'));
  const defaulted = readException({ ...valid, metadata: { name: 'legacy' } });
  assert.equal(defaulted.ok && defaulted.exception.namespace, 'default');
});

test('every invalid field is named', () => {
  const cases: readonly [string, unknown, RegExp][] = [
    ['no reason', withSpec({ reason: undefined }), /^spec: must have required property 'reason'$/],
    ['a blank reason', withSpec({ reason: '   ' }), /^spec\.reason: must match pattern/],
    ['no policies', withSpec({ policies: [] }), /^spec\.policies: must NOT have fewer than 1 items$/],
    ['no StatefulSets', withSpec({ statefulSets: {} }), /^spec\.statefulSets: must NOT have fewer than 1 properties$/],
    ['a typo', withSpec({ statefulSets: { name: ['web'] } }), /^spec\.statefulSets: unknown field "name"$/],
    ['a date without offset', withSpec({ expiresAt: '2026-07-01' }), /^spec\.expiresAt: must match format "date-time"$/],
    ['an impossible date', withSpec({ expiresAt: '2026-13-45T00:00:00Z' }), /^spec\.expiresAt: must match format "date-time"$/],
    ['checks on a policy without check ids', withSpec({ policies: [{ policy: 'storage-class-required', checks: ['privileged'] }] }), /^spec\.policies\.0\.checks: only pod-security-baseline and pod-security-restricted have check ids/],
    ['another version', { ...valid, apiVersion: 'stateguard.io/v2' }, /^apiVersion: must be stateguard\.io\/v1alpha1$/],
    ['no name', { ...valid, metadata: { namespace: 'shop' } }, /^metadata\.name: required$/],
    ['no spec', { ...valid, spec: undefined }, /^spec: must be object$/],
  ];
  for (const [what, raw, expected] of cases) {
    const problems = problemsOf(raw);
    assert.ok(problems.some((p) => expected.test(p)), `${what}: ${problems.join(' | ')}`);
  }
});

test('policy files: exceptions are read beside the policies, each invalid one with file:line, other documents untouched', () => {
  const text = [
    'apiVersion: stateguard.io/v1alpha1\nkind: StatefulSetPolicy\nmetadata: {name: x}\nspec: {}',
    'apiVersion: stateguard.io/v1alpha1\nkind: StatefulSetPolicyException\nmetadata: {name: ok, namespace: shop}\nspec: {policies: [{policy: name-length}], statefulSets: {names: [web]}, reason: why}',
    'apiVersion: stateguard.io/v1alpha1\nkind: StatefulSetPolicyException\nmetadata: {name: bad}\nspec: {policies: [{policy: name-length}], statefulSets: {names: [web]}}',
  ].join('\n---\n');
  const { exceptions, problems } = exceptionsOfSources([{ file: 'policies/extra.yaml', text }]);
  assert.deepEqual(exceptions.map((e) => `${e.namespace}/${e.name}`), ['shop/ok']);
  assert.deepEqual(problems, ["policies/extra.yaml:11: StatefulSetPolicyException bad: spec: must have required property 'reason'"]);
});

test('the README\'s example exception is valid', () => {
  const readme = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');
  const block = /```yaml\n( *)apiVersion: stateguard\.io\/v1alpha1\n *kind: StatefulSetPolicyException\n[\s\S]*?```/.exec(readme);
  assert.ok(block, 'the README shows an exception');
  const indent = block[1]!.length;
  const text = block[0].split('\n').slice(1, -1).map((line) => line.slice(indent)).join('\n');
  const reading = readException(parse(text));
  assert.ok(reading.ok, JSON.stringify(reading));
  assert.deepEqual(reading.exception.policies, [{ policy: 'storage-class-required' }, { policy: 'pod-security-baseline', checks: ['hostNamespaces'] }]);
});
