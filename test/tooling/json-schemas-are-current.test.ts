import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse, parseAllDocuments } from 'yaml';
import { jsonSchemas, SCHEMA_DIR } from '../../scripts/json-schemas.ts';
import { withDescriptions } from '../../scripts/schema-docs.ts';
import { findCaseFiles } from '../../src/cli/test-command.ts';
import { BUILTIN_POLICY_DIR, readPolicySources } from '../../src/config/read-policies.ts';
import { readException } from '../../src/policy/index.ts';

const ROOT = resolve(import.meta.dirname, '../..');

function published(file: string): ValidateFunction {
  return new Ajv({ strict: false, allErrors: true }).compile(JSON.parse(readFileSync(join(SCHEMA_DIR, file), 'utf8')) as object);
}

test('the committed JSON Schemas are the ones generated from the code (npm run schemas)', () => {
  const generated = jsonSchemas();
  assert.deepEqual(readdirSync(SCHEMA_DIR).filter((f) => generated.has(f)).sort(), [...generated.keys()].sort());
  for (const [file, text] of generated) assert.equal(readFileSync(join(SCHEMA_DIR, file), 'utf8'), text, `schemas/${file} is stale: npm run schemas`);
});

test('every built-in policy and the example policy validate against schemas/policy.schema.json; a wrong action does not', () => {
  const validate = published('policy.schema.json');
  const sources = [...readPolicySources(BUILTIN_POLICY_DIR), ...readPolicySources(join(ROOT, 'examples/custom-policy/policies'))];
  for (const source of sources) {
    for (const document of parseAllDocuments(source.text)) assert.ok(validate(document.toJS()), `${source.file}: ${JSON.stringify(validate.errors)}`);
  }
  const policy = parse(sources[0]?.text ?? '') as { spec: object };
  assert.equal(validate({ ...policy, spec: { ...policy.spec, action: 'block' } }), false);
});

test('every built-in test case file validates against schemas/policy-test-cases.schema.json', () => {
  const validate = published('policy-test-cases.schema.json');
  // policies/tests/ holds the shared fixtures (StatefulSets), not case files.
  const files = findCaseFiles(BUILTIN_POLICY_DIR).filter((file) => !file.startsWith(join(BUILTIN_POLICY_DIR, 'tests')));
  assert.ok(files.length > 20);
  for (const file of files) assert.ok(validate(parse(readFileSync(file, 'utf8'))), `${file}: ${JSON.stringify(validate.errors)}`);
  assert.equal(validate({ policy: 'x', cases: [{ name: 'n', expect: { result: 'passes' } }] }), false);
});

test('an exception the engine reads validates against schemas/policy-exception.schema.json; one it refuses does not', () => {
  const validate = published('policy-exception.schema.json');
  const document = {
    apiVersion: 'stateguard.io/v1alpha1', kind: 'StatefulSetPolicyException', metadata: { name: 'legacy', namespace: 'shop' },
    spec: { policies: [{ policy: 'pod-security-baseline', checks: ['hostNamespaces'] }], statefulSets: { names: ['db'] }, expiresAt: '2027-01-01T00:00:00Z', reason: 'OPS-7' },
  };
  assert.ok(readException(document).ok);
  assert.ok(validate(document), JSON.stringify(validate.errors));
  for (const spec of [{ ...document.spec, reason: undefined }, { ...document.spec, statefulSet: { names: ['db'] } }, { ...document.spec, statefulSets: {} }]) {
    const broken = { ...document, spec: JSON.parse(JSON.stringify(spec)) as object };
    assert.equal(readException(broken).ok, false);
    assert.equal(validate(broken), false, JSON.stringify(spec));
  }
});

test('the shipped config validates against schemas/config.schema.json; an unknown key does not', () => {
  const validate = published('config.schema.json');
  const config = parse(readFileSync(join(ROOT, 'deploy/base/config.yaml'), 'utf8')) as object;
  assert.ok(validate(config), JSON.stringify(validate.errors));
  assert.equal(validate({ ...config, policyDir: ['x'] }), false);
});

test('the schemas carry descriptions, and a description for a field the schema lost stops the generator', () => {
  const policy = JSON.parse(jsonSchemas().get('policy.schema.json') ?? '{}') as { properties: { spec: { properties: Record<string, { description?: string }> } } };
  for (const field of ['description', 'severity', 'action', 'match', 'exclude', 'validate', 'mutate']) assert.ok(policy.properties.spec.properties[field]?.description, `spec.${field} is described`);
  assert.throws(() => withDescriptions({ type: 'object', properties: {} }, { 'spec.gone': 'x' }), /no field "spec\.gone" in the schema any more/);
  assert.deepEqual(withDescriptions({ type: 'array', items: { type: 'object', properties: { a: {} }, additionalProperties: { type: 'string' } } }, { '[]': 'item', '[].a': 'a', '[].*': 'value' }), {
    type: 'array', items: { type: 'object', description: 'item', properties: { a: { description: 'a' } }, additionalProperties: { type: 'string', description: 'value' } },
  });
});

test('the README shows the yaml-language-server modeline for each published schema', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  for (const file of jsonSchemas().keys()) assert.match(readme, new RegExp(`# yaml-language-server: \\$schema=\\S*schemas/${file.replaceAll('.', '\\.')}`));
});
