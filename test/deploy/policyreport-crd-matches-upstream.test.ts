import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { relative, resolve } from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';

type Schema = { type?: string; format?: string; enum?: string[]; required?: string[]; properties?: Record<string, Schema>; items?: Schema; additionalProperties?: Schema };
type Crd = { kind: string; metadata: { name: string; labels?: Record<string, string> }; spec: { group: string; scope: string; names: Record<string, unknown>; versions: { name: string; served: boolean; storage: boolean; schema: { openAPIV3Schema: Schema } }[] } };

const ROOT = resolve(import.meta.dirname, '../..');

/** An overlay of deploy/base with the opt-in component, as a user with no PolicyReport CRD writes it. */
function renderWithComponent(): Crd[] {
  const dir = mkdtempSync(resolve(tmpdir(), 'stateguard-overlay-'));
  try {
    const rel = (path: string) => relative(dir, resolve(ROOT, path));
    writeFileSync(resolve(dir, 'kustomization.yaml'), `resources: [${rel('deploy/base')}]\ncomponents: [${rel('deploy/components/policyreport-crd')}]\n`);
    const text = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
    // stateguard's own CRDs (group stateguard.io) are in the base; this test is about the shared one the component adds.
    return parseAllDocuments(text).map((d) => d.toJS() as Crd).filter((o) => o?.kind === 'CustomResourceDefinition' && !o.metadata.name.endsWith('.stateguard.io'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every field path with its type (and enum, format, required), the shape two CRDs must share to store the same reports. */
function shape(schema: Schema, path = ''): string[] {
  const own = `${path || '.'}:${schema.type ?? ''}${schema.format ? `/${schema.format}` : ''}${schema.enum ? `[${schema.enum.join(',')}]` : ''}${schema.required ? ` required(${[...schema.required].sort().join(',')})` : ''}`;
  const nested = [
    ...Object.entries(schema.properties ?? {}).flatMap(([key, value]) => shape(value, `${path}.${key}`)),
    ...(schema.items ? shape(schema.items, `${path}[]`) : []),
    ...(schema.additionalProperties ? shape(schema.additionalProperties, `${path}{}`) : []),
  ];
  return [own, ...nested].sort();
}

// The upstream definition (kubernetes-sigs/wg-policy-prototypes, policy-report/crd/v1beta1), as field lists.
const LABEL_SELECTOR = ['matchExpressions', 'matchLabels'];
const OBJECT_REF = ['apiVersion', 'fieldPath', 'kind', 'name', 'namespace', 'resourceVersion', 'uid'];
const UPSTREAM_RESULT_FIELDS: Record<string, string[]> = {
  v1alpha1: ['category', 'data', 'message', 'policy', 'resourceSelector', 'resources', 'rule', 'scored', 'severity', 'status'],
  v1alpha2: ['category', 'message', 'policy', 'properties', 'resourceSelector', 'resources', 'result', 'rule', 'scored', 'severity', 'source', 'timestamp'],
  v1beta1: ['category', 'message', 'policy', 'properties', 'resourceSelector', 'resources', 'result', 'rule', 'scored', 'severity', 'source', 'timestamp'],
};
const UPSTREAM_TOP_FIELDS: Record<string, string[]> = {
  v1alpha1: ['apiVersion', 'kind', 'metadata', 'results', 'scope', 'scopeSelector', 'summary'],
  v1alpha2: ['apiVersion', 'kind', 'metadata', 'results', 'scope', 'scopeSelector', 'summary'],
  v1beta1: ['apiVersion', 'configuration', 'kind', 'metadata', 'results', 'scope', 'scopeSelector', 'source', 'summary'],
};

test('deploy/components/policyreport-crd adds the upstream PolicyReport CRD: versions, storage version, names and fields', () => {
  const crds = renderWithComponent();
  assert.equal(crds.length, 1);
  const [crd] = crds as [Crd];
  assert.equal(crd.metadata.name, 'policyreports.wgpolicyk8s.io');
  assert.deepEqual(crd.metadata.labels ?? {}, {}, 'no stateguard labels: the CRD is not stateguard\'s');
  assert.deepEqual([crd.spec.group, crd.spec.scope, crd.spec.names['kind'], crd.spec.names['plural'], crd.spec.names['shortNames']], ['wgpolicyk8s.io', 'Namespaced', 'PolicyReport', 'policyreports', ['polr']]);
  assert.deepEqual(crd.spec.versions.map((v) => [v.name, v.served, v.storage]), [['v1alpha1', true, false], ['v1alpha2', true, false], ['v1beta1', true, true]]);
  for (const version of crd.spec.versions) {
    const schema = version.schema.openAPIV3Schema;
    assert.deepEqual(Object.keys(schema.properties ?? {}).sort(), UPSTREAM_TOP_FIELDS[version.name], version.name);
    const result = schema.properties?.['results']?.items;
    assert.deepEqual(Object.keys(result?.properties ?? {}).sort(), UPSTREAM_RESULT_FIELDS[version.name], `${version.name} results`);
    assert.deepEqual(result?.required, ['policy']);
    assert.deepEqual(Object.keys(schema.properties?.['scope']?.properties ?? {}).sort(), OBJECT_REF);
    assert.deepEqual(Object.keys(result?.properties?.['resources']?.items?.properties ?? {}).sort(), OBJECT_REF);
    assert.deepEqual(Object.keys(result?.properties?.['resourceSelector']?.properties ?? {}).sort(), LABEL_SELECTOR);
    assert.deepEqual(Object.keys(schema.properties?.['summary']?.properties ?? {}).sort(), ['error', 'fail', 'pass', 'skip', 'warn']);
    const severities = result?.properties?.['severity']?.enum;
    assert.deepEqual(severities, version.name === 'v1alpha1' ? ['high', 'low', 'medium'] : ['critical', 'high', 'low', 'medium', 'info']);
  }
  // v1alpha2 and v1beta1 results are the same shape: what stateguard writes fits either.
  const [, alpha2, beta1] = crd.spec.versions;
  assert.deepEqual(shape(alpha2!.schema.openAPIV3Schema.properties!['results']!), shape(beta1!.schema.openAPIV3Schema.properties!['results']!));
});
