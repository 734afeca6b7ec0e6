/** A stored StatefulSet past the engine's limits is judged `error` by the audit, never clean and never a crash. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { auditStatefulSet } from '../../src/audit/audit-statefulset.ts';
import { DEFAULT_ACTION_SETTINGS, MAX_DEPTH, MAX_ITEMS, type JsonObject } from '../../src/policy/index.ts';
import { verdictOf } from '../../src/report/model.ts';
import { builtinPolicies } from '../helpers/policies.ts';
import { seed } from '../helpers/seed.ts';

function nested(depth: number): JsonObject {
  let value: JsonObject = {};
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

const CASES: readonly (readonly [string, (object: JsonObject) => void, RegExp])[] = [
  ['nested deeper than the limit', (object) => { (object['metadata'] as JsonObject)['annotations'] = { deep: JSON.stringify(nested(3)) }; object['extra'] = nested(MAX_DEPTH + 5); }, /deep|nest|levels/i],
  ['a list longer than the limit', (object) => { object['extra'] = Array.from({ length: MAX_ITEMS + 1 }, (_, i) => i); }, /item|list/i],
];

for (const [name, change, why] of CASES) {
  test(`a stored StatefulSet with ${name} is an error on every validating policy, with the reason`, () => {
    const stored = seed() as JsonObject;
    change(stored);
    const { item } = auditStatefulSet(stored, { set: builtinPolicies(), actions: DEFAULT_ACTION_SETTINGS }, {});
    const results = item.evaluation.results;
    assert.ok(results.length > 5);
    assert.ok(results.every((r) => r.result === 'error' && why.test(r.reason ?? '')), JSON.stringify(results[0]));
    assert.equal(verdictOf(results), 'error');
  });
}

test('a StatefulSet within the limits is judged as usual', () => {
  const { item } = auditStatefulSet(seed() as JsonObject, { set: builtinPolicies(), actions: DEFAULT_ACTION_SETTINGS }, {});
  assert.equal(verdictOf(item.evaluation.results), 'deny');
});
