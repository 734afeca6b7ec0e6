import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluate, type JsonObject } from '../../src/policy/index.ts';
import { builtinPolicies } from '../helpers/policies.ts';
import { seed } from '../helpers/seed.ts';

/** The seed with one field of its pod spec (or of its first container) set to a value of the wrong type. */
function withPodField(field: string, value: unknown, inContainer = false): JsonObject {
  const object = seed() as JsonObject & { spec: { template: { spec: JsonObject & { containers: JsonObject[] } } } };
  const target = inContainer ? object.spec.template.spec.containers[0] ?? {} : object.spec.template.spec;
  target[field] = value;
  return object;
}

const CASES: readonly { name: string; object: JsonObject }[] = [
  { name: 'affinity holding a string', object: withPodField('affinity', 'anywhere') },
  { name: 'securityContext holding an array', object: withPodField('securityContext', ['x']) },
  { name: 'a container securityContext holding a number', object: withPodField('securityContext', 7, true) },
  { name: 'capabilities.drop holding a string', object: withPodField('securityContext', { capabilities: { drop: 'ALL' } }, true) },
  { name: 'seccompProfile holding a string', object: withPodField('securityContext', { seccompProfile: 'runtime/default' }) },
  { name: 'metadata holding an array', object: { ...seed(), metadata: ['web'] } },
];

for (const { name, object } of CASES) {
  test(`mutation only adds: ${name} is left as it is`, () => {
    const evaluation = evaluate(builtinPolicies(), { object, operation: 'CREATE' });
    const rewrites = evaluation.patch.filter((op) => op.op !== 'add');
    assert.deepEqual(rewrites, [], 'no replace or remove of the user\'s values');
  });
}

test('a mutator that would have to overwrite a value is reported as failed, naming the field', () => {
  const evaluation = evaluate(builtinPolicies(), { object: withPodField('affinity', 'anywhere'), operation: 'CREATE' });
  const failed = evaluation.results.find((r) => r.policy === 'pod-anti-affinity');
  assert.equal(failed?.result, 'error');
  assert.match(failed?.reason ?? '', /affinity holds a string, not an object; stateguard does not overwrite it/);
});
