import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildConfig } from '../../src/config/config.ts';
import { createResourceResolver, type JsonObject } from '../../src/policy/index.ts';
import { describeChanges, reloadChanges } from '../../src/webhook/reload-changes.ts';
import { builtinPolicies } from '../helpers/policies.ts';

const config = buildConfig([{}]);

function resource(maxLength: number, action = 'deny', description = 'Names stay short.'): JsonObject {
  return {
    apiVersion: 'stateguard.io/v1alpha1', kind: 'StatefulSetPolicy', metadata: { name: 'short-names', uid: 'u' },
    spec: { description, severity: 'low', action, validate: { schema: { properties: { metadata: { properties: { name: { maxLength } } } } }, message: 'long name', fix: 'shorten it' } },
  };
}

test('an edited policy resource is named in the reload changes, and may weaken enforcement', () => {
  const resolver = createResourceResolver();
  const at = (object: JsonObject) => ({ config, set: resolver.resolve(builtinPolicies(), [object]).set });
  const before = at(resource(20));
  const edited = reloadChanges(before, at(resource(30)));
  assert.deepEqual(edited.definitions, ['short-names']);
  assert.equal(edited.weakens, true);
  assert.equal(describeChanges(edited), 'definition changed: short-names');
  const actionOnly = reloadChanges(before, at(resource(20, 'warn')));
  assert.deepEqual(actionOnly.definitions, [], 'an action change is reported as such, not twice');
  assert.deepEqual(actionOnly.actions, [{ policy: 'short-names', from: 'deny', to: 'warn' }]);
  assert.deepEqual(reloadChanges(before, at(resource(20))).definitions, []);
  assert.deepEqual(reloadChanges(before, at(resource(20, 'deny', 'Names stay shorter.'))).definitions, [], 'words are not enforcement');
});
