import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import { parse, parseAllDocuments } from 'yaml';
import { POLICY_CRD, policyCrd, policyCrdSchema } from '../../scripts/policy-crd.ts';
import { toStructural } from '../../scripts/structural-schema.ts';
import { BUILTIN_POLICY_DIR, readPolicySources } from '../../src/config/read-policies.ts';
import { ACTIONS } from '../../src/policy/index.ts';
import { kubectlBinary } from '../helpers/kubectl.ts';

test('the committed StatefulSetPolicy CRD is the one generated from the policy schema (npm run deploy:crd)', () => {
  assert.equal(readFileSync(POLICY_CRD, 'utf8'), policyCrd());
});

test('the API server reads the CRD as YAML 1.1 and still sees every action as a string (off is not false)', () => {
  const crd = parse(readFileSync(POLICY_CRD, 'utf8'), { version: '1.1' }) as { spec: { versions: { schema: { openAPIV3Schema: { properties: { spec: { properties: { action: { enum: unknown[] } } } } } } }[] } };
  assert.deepEqual(crd.spec.versions[0]?.schema.openAPIV3Schema.properties.spec.properties.action.enum, [...ACTIONS]);
});

test('the CRD schema accepts every built-in policy, as kubectl apply would send it', () => {
  const validate = new Ajv({ strict: false, allErrors: true }).compile(policyCrdSchema());
  const sources = readPolicySources(BUILTIN_POLICY_DIR);
  assert.ok(sources.length > 20);
  for (const source of sources) {
    for (const document of parseAllDocuments(source.text)) {
      const policy = document.toJS() as Record<string, unknown>;
      assert.ok(validate({ ...policy, metadata: { ...(policy['metadata'] as object), labels: { team: 'platform' } } }), `${source.file}: ${JSON.stringify(validate.errors)}`);
    }
  }
});

test('the CRD schema is structural: a type on every node, no $ref, no conditionals, free-form parts preserved', () => {
  const walk = (node: Record<string, unknown>, path: string): void => {
    assert.equal(typeof node['type'], 'string', `${path} has a type`);
    for (const key of ['$ref', 'if', 'then', 'else', 'not', 'const', 'uniqueItems']) assert.equal(node[key], undefined, `${path} has no ${key}`);
    if (node['type'] === 'object' && node['properties'] === undefined && node['additionalProperties'] === undefined && path !== 'metadata') {
      assert.equal(node['x-kubernetes-preserve-unknown-fields'], true, `${path} is free-form`);
    }
    for (const [key, inner] of Object.entries((node['properties'] ?? {}) as Record<string, Record<string, unknown>>)) walk(inner, `${path}.${key}`);
    if (typeof node['additionalProperties'] === 'object') walk(node['additionalProperties'] as Record<string, unknown>, `${path}.*`);
    if (node['items'] !== undefined) walk(node['items'] as Record<string, unknown>, `${path}[]`);
  };
  const schema = policyCrdSchema();
  walk(schema, '(root)');
  const spec = (schema['properties'] as Record<string, Record<string, unknown>>)['spec'] as { properties: Record<string, Record<string, unknown>> };
  assert.equal((spec.properties['validate'] as { properties: Record<string, Record<string, unknown>> }).properties['schema']?.['x-kubernetes-preserve-unknown-fields'], true);
  assert.ok(String((spec.properties['action'] as Record<string, unknown>)['description']).length > 0, 'described for kubectl explain');
});

test('a schema keyword with no structural form stops the generator, naming where it is', () => {
  assert.throws(() => toStructural({ type: 'object', properties: { a: { $ref: '#/x' } } }), /\(root\)\.a: keyword "\$ref" has no structural form/);
  assert.throws(() => toStructural({ properties: { a: { enum: ['x', 1] } } }), /\(root\)\.a: no type/);
  assert.throws(() => toStructural({ type: 'array', uniqueItems: true, items: { type: 'object' } }), /uniqueItems over objects/);
  assert.throws(() => toStructural({ type: 'object', anyOf: [{ type: 'string' }] }), /only "required" is kept inside a junctor/);
  assert.deepEqual(toStructural({ const: 3 }), { type: 'integer', enum: [3] });
  assert.deepEqual(toStructural({ type: 'number', exclusiveMinimum: 0 }), { type: 'number', minimum: 0, exclusiveMinimum: true });
  assert.deepEqual(toStructural({ items: { enum: [true] } }), { type: 'array', items: { type: 'boolean', enum: [true] } });
});

test('kustomize renders the CRD with the base, and the printer columns show action, ready and age', () => {
  const text = execFileSync(kubectlBinary(), ['kustomize', resolve(import.meta.dirname, '../../deploy/base')], { encoding: 'utf8' });
  const crd = parseAllDocuments(text).map((d) => d.toJS() as { kind: string; metadata: { name: string } }).find((o) => o.kind === 'CustomResourceDefinition' && o.metadata.name === 'statefulsetpolicies.stateguard.io');
  assert.ok(crd);
  const version = (parse(readFileSync(POLICY_CRD, 'utf8')) as { spec: { versions: { additionalPrinterColumns: { name: string; priority?: number }[] }[] } }).spec.versions[0];
  assert.deepEqual(version?.additionalPrinterColumns.filter((c) => c.priority === undefined).map((c) => c.name), ['Action', 'Ready', 'Age']);
});
