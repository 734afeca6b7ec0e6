import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import { GENERATED_DIR, precompiledValidators } from '../../scripts/precompiled-validators.ts';
import { compilePolicies, type PolicySource } from '../../src/policy/index.ts';
import { RULE_SCHEMA_AJV_OPTIONS } from '../../src/policy/policy-schema.ts';
import { RULE_VALIDATORS } from '../../src/generated/rule-validators.ts';

test('the committed precompiled validators are the ones generated from the schemas (npm run validators)', () => {
  const generated = precompiledValidators();
  assert.deepEqual(readdirSync(GENERATED_DIR).sort(), [...generated.keys()].sort());
  for (const [file, text] of generated) assert.equal(readFileSync(join(GENERATED_DIR, file), 'utf8'), text, `src/generated/${file} is stale: npm run validators`);
});

const policy = (schema: string): PolicySource => ({
  file: 'p.yaml',
  text: `apiVersion: stateguard.io/v1alpha1\nkind: StatefulSetPolicy\nmetadata:\n  name: p\nspec:\n  description: d\n  severity: low\n  action: deny\n  validate:\n    message: m\n    fix: f\n    schema: ${schema}\n`,
});

test('a precompiled rule validator gives the errors ajv gives when it compiles the schema', () => {
  for (const [key, precompiled] of RULE_VALIDATORS) {
    const compiled = new Ajv(RULE_SCHEMA_AJV_OPTIONS).compile(JSON.parse(key) as object);
    for (const value of [{}, null, 'x', [], { spec: {} }, { spec: { replicas: 0 } }, { min: 'x' }]) {
      assert.equal(precompiled(value), compiled(value), `${key} on ${JSON.stringify(value)}`);
      assert.deepEqual(precompiled.errors, compiled.errors, `${key} on ${JSON.stringify(value)}`);
    }
  }
});

test('a schema that is not precompiled is compiled at load, and one that does not compile is a policy problem as before', () => {
  const set = compilePolicies([policy('{ required: [spec], properties: { spec: { required: [stateguardTestField] } } }')]);
  const validate = set.schemas.get('p');
  assert.ok(validate !== undefined && !validate({ spec: {} }) && validate({ spec: { stateguardTestField: 1 } }));
  assert.throws(() => compilePolicies([policy('{ type: strng }')]), (error: { details?: unknown }) => /validate\.schema does not compile/.test(JSON.stringify(error.details)));
});
