import assert from 'node:assert/strict';
import { test } from 'node:test';
import jsonpatch from 'fast-json-patch';
import { compilePolicies, escapePointer, joinPath, parsePath, pointerToPath, pointerTokens, StateguardError, toPointer, unescapePointer, valueAt, type PathKey } from '../../src/policy/index.ts';
import { runSchemaRule } from '../../src/policy/schema-rule.ts';

const ROUND_TRIPS: readonly (readonly PathKey[])[] = [
  [],
  ['spec'],
  ['spec', 'template', 'spec', 'containers', 0, 'image'],
  ['metadata', 'annotations', 'example.com/x'],
  ['metadata', 'annotations', 'volume.beta.kubernetes.io/storage-class'],
  ['data', 'a "quoted" key', 'back\\slash', 'tab\tkey'],
  ['items', 3, 12, 'x'],
  ['a~1b/c', '~', '/', ''],
  ['storage-class-required', 'x-y'],
];

test('display paths round-trip: joinPath then parsePath gives the keys back, keys with dots included', () => {
  for (const keys of ROUND_TRIPS) assert.deepEqual(parsePath(joinPath(...keys)), keys, joinPath(...keys));
  assert.equal(joinPath('metadata', 'annotations', 'example.com/x'), 'metadata.annotations["example.com/x"]');
  assert.equal(joinPath('spec', 'containers', 0, 'image'), 'spec.containers[0].image');
});

test('the old dotted policy paths read as before, names with dashes and slashes included', () => {
  assert.deepEqual(parsePath('spec.volumeClaimTemplates'), ['spec', 'volumeClaimTemplates']);
  assert.deepEqual(parsePath('metadata.labels.app-name'), ['metadata', 'labels', 'app-name']);
  assert.deepEqual(parsePath('metadata.labels.team/x'), ['metadata', 'labels', 'team/x']);
  assert.deepEqual(parsePath('spec.containers.0'), ['spec', 'containers', '0'], 'a bare number is a key, as it was');
  assert.deepEqual(parsePath('["a.b"].c[2]'), ['a.b', 'c', 2]);
});

test('a path that cannot be read throws ERR_INPUT naming the path and where it goes wrong', () => {
  const bad: readonly [string, RegExp][] = [
    ['a..b', /path "a\.\.b" cannot be read at character 2/],
    ['a.', /path "a\." cannot be read at character 2/],
    ['.a', /path "\.a" cannot be read at character 1/],
    ['a[0]b', /path "a\[0\]b" cannot be read at character 5/],
    ['a["b', /path "a\[\\?"b" cannot be read at character 2/],
    ['a[x]', /cannot be read at character 2/],
    ['a]', /cannot be read at character 2/],
    ['a b', /cannot be read at character 2/],
    ['a.[0]', /cannot be read at character 2/],
  ];
  for (const [path, message] of bad) {
    assert.throws(() => parsePath(path), (error: unknown) => error instanceof StateguardError && error.code === 'ERR_INPUT' && message.test(error.message), path);
  }
});

test('JSON Pointers: ~ escapes as ~0 before / as ~1, unescaping reverses it, and pointers read back as display paths', () => {
  assert.equal(escapePointer('a~1b/c'), 'a~01b~1c');
  assert.equal(unescapePointer('a~01b~1c'), 'a~1b/c');
  for (const keys of ROUND_TRIPS) assert.deepEqual(pointerTokens(toPointer(keys)), keys.map(String));
  assert.equal(toPointer(['metadata', 'annotations', 'stateguard.io/mutated']), '/metadata/annotations/stateguard.io~1mutated');
  assert.equal(pointerToPath('/spec/containers/0/env/1/name'), 'spec.containers[0].env[1].name');
  assert.equal(pointerToPath('/metadata/annotations/example.com~1x'), 'metadata.annotations["example.com/x"]');
  assert.deepEqual(pointerTokens(''), []);
  assert.throws(() => pointerTokens('metadata/name'), /JSON Pointer "metadata\/name" does not start with "\/"/);
  const doc = { annotations: { 'a~1b/c': 'old' } };
  const patched = jsonpatch.applyPatch(structuredClone(doc), [{ op: 'replace', path: toPointer(['annotations', 'a~1b/c']), value: 'new' }], true).newDocument;
  assert.deepEqual(patched, { annotations: { 'a~1b/c': 'new' } });
});

test('valueAt steps into arrays by index and objects by own key only', () => {
  const value = { a: { 'b.c': [10, { d: 'x' }] } };
  assert.equal(valueAt(value, ['a', 'b.c', 1, 'd']), 'x');
  assert.equal(valueAt(value, ['a', 'b.c', '1']), undefined, 'a string key does not index an array');
  assert.equal(valueAt(value, ['a', 0]), undefined, 'an index does not step into an object');
  assert.equal(valueAt(value, ['a', 'constructor']), undefined);
  assert.equal(valueAt(value, ['a', 'b.c', 5]), undefined);
  assert.equal(valueAt('text', ['length']), undefined);
});

const policy = (validate: string): string => `apiVersion: stateguard.io/v1alpha1
kind: StatefulSetPolicy
metadata: { name: owner-annotated }
spec:
  description: test
  severity: low
  action: warn
  validate:
${validate}
    message: "{{metadata.name}} has no owner"
    fix: add one`;

test('policy forEach and path take display paths: an annotation key with dots and slashes is reachable', () => {
  const set = compilePolicies([{ file: 'p.yaml', text: policy(`    forEach: spec.volumeClaimTemplates
    path: metadata.annotations["example.com/owner"]
    schema: { properties: { metadata: { properties: { annotations: { required: [example.com/owner] } } } } }`) }]);
  const validate = set.policies[0]!.validate!;
  const object = { spec: { volumeClaimTemplates: [{ metadata: { name: 'data', annotations: { 'example.com/owner': 'db' } } }, { metadata: { name: 'logs', annotations: {} } }] } };
  const outcome = runSchemaRule(validate, set.schemas.get('owner-annotated')!, object, 10);
  assert.deepEqual(outcome.violations, [{ path: 'spec.volumeClaimTemplates[1].metadata.annotations["example.com/owner"]', message: 'logs has no owner', fix: 'add one' }]);

  const nested = compilePolicies([{ file: 'p.yaml', text: policy(`    forEach: metadata.annotations["example.com/list"][0]
    schema: { type: string }`) }]);
  const listed = runSchemaRule(nested.policies[0]!.validate!, nested.schemas.get('owner-annotated')!, { metadata: { annotations: { 'example.com/list': [[1, 'ok']] } } }, 10);
  assert.deepEqual(listed.violations.map((v) => v.path), ['metadata.annotations["example.com/list"][0][0]']);
});

test('a policy whose forEach or path cannot be read is refused at load, naming the field and the path', () => {
  assert.throws(() => compilePolicies([{ file: 'p.yaml', text: policy(`    forEach: spec..volumeClaimTemplates
    path: metadata.annotations["unclosed
    schema: { type: object }`) }]), (error: unknown) => {
    assert.ok(error instanceof StateguardError && error.code === 'ERR_POLICY_INVALID');
    assert.match(error.details[0] ?? '', /^p\.yaml:1: policy owner-annotated: validate\.forEach: path "spec\.\.volumeClaimTemplates" cannot be read at character 5/);
    assert.match(error.details[1] ?? '', /validate\.path: path "metadata\.annotations\["unclosed" cannot be read at character 21/);
    return true;
  });
});
