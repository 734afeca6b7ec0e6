import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluate, MAX_DEPTH, MAX_VIOLATIONS_PER_POLICY, MAX_ITEMS, MAX_VALUES, shapeProblem, StateguardError, type JsonObject } from '../../src/policy/index.ts';
import { builtinPolicies } from '../helpers/policies.ts';
import { seed } from '../helpers/seed.ts';

function nested(levels: number): JsonObject {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = [{ n: value }];
  return value as JsonObject;
}

test('depth is measured without recursion, arrays and objects alike, at any depth', () => {
  assert.equal(shapeProblem({ a: 1 }), undefined);
  assert.equal(shapeProblem('text'), undefined);
  assert.equal(shapeProblem(nested(MAX_DEPTH / 2)), undefined, 'each step of nested() is two levels (an array and an object)');
  assert.equal(shapeProblem(nested(MAX_DEPTH / 2 + 1)), 'depth');
  assert.equal(shapeProblem(nested(200_000)), 'depth');
});

const keys = (count: number): JsonObject => Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, 0]));

test('values are counted, scalars included, and counting stops at the limit', () => {
  assert.equal(shapeProblem(keys(MAX_VALUES - 1)), undefined, 'the object and its values');
  assert.equal(shapeProblem(keys(MAX_VALUES)), 'values');
  assert.equal(shapeProblem({ a: keys(MAX_VALUES / 2), b: keys(MAX_VALUES / 2) }), 'values');
});

test('a list longer than MAX_ITEMS is refused wherever it is', () => {
  assert.equal(shapeProblem({ a: { b: Array.from({ length: MAX_ITEMS }, () => 0) } }), undefined);
  assert.equal(shapeProblem({ a: { b: Array.from({ length: MAX_ITEMS + 1 }, () => 0) } }), 'items');
  assert.equal(shapeProblem({ wide: Array.from({ length: 1_000_000 }, () => ({})) }), 'items');
});

test('evaluate() refuses an object with more values than MAX_VALUES with ERR_INPUT', () => {
  const object = { ...seed(), extra: keys(MAX_VALUES) };
  assert.throws(() => evaluate(builtinPolicies(), { object, operation: 'CREATE' }), (error: unknown) => error instanceof StateguardError && error.code === 'ERR_INPUT' && /holds more than/.test(error.message));
});

for (const field of ['object', 'oldObject'] as const) {
  test(`evaluate() refuses request.${field} nested too deep with ERR_INPUT naming it, for every surface`, () => {
    const deep = { ...seed(), extra: nested(50_000) };
    const request = field === 'object' ? { object: deep, oldObject: seed(), operation: 'UPDATE' as const } : { object: seed(), oldObject: deep, operation: 'UPDATE' as const };
    assert.throws(() => evaluate(builtinPolicies(), request), (error: unknown) => error instanceof StateguardError && error.code === 'ERR_INPUT' && error.message.startsWith(`${field} nests more than ${MAX_DEPTH}`));
  });
}

test('each policy keeps at most MAX_VIOLATIONS_PER_POLICY violations and counts the rest', () => {
  const object = seed();
  const claims = Array.from({ length: MAX_ITEMS }, (_, i) => ({ metadata: { name: `c${i}` } }));
  const evaluation = evaluate(builtinPolicies(), { object: { ...object, spec: { ...(object['spec'] as JsonObject), volumeClaimTemplates: claims } }, operation: 'CREATE' });
  const capped = evaluation.results.filter((r) => r.omittedViolations !== undefined);
  assert.ok(capped.length > 0);
  for (const result of capped) {
    assert.equal(result.violations.length, MAX_VIOLATIONS_PER_POLICY, result.policy);
    assert.equal(result.violations.length + (result.omittedViolations ?? 0), MAX_ITEMS, `${result.policy} counts every claim template`);
  }
});
