import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { EXCEPTION_CRD, exceptionCrd } from '../../scripts/exception-crd.ts';
import { EXCEPTION_SPEC_SCHEMA } from '../../src/policy/index.ts';
import { kubectlBinary } from '../helpers/kubectl.ts';

type Obj = { kind: string; metadata: { name: string; labels?: Record<string, string> }; [key: string]: unknown };
type Rule = { apiGroups: string[]; resources: string[]; verbs: string[] };

const ROOT = resolve(import.meta.dirname, '../..');

function withoutCel(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutCel);
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(Object.entries(schema).filter(([key]) => key !== 'x-kubernetes-validations').map(([key, value]) => [key, withoutCel(value)]));
}

test('the CRD file is generated from the engine\'s schema and is current (node scripts/exception-crd.ts --write)', () => {
  assert.equal(readFileSync(EXCEPTION_CRD, 'utf8'), exceptionCrd());
  const crd = parse(readFileSync(EXCEPTION_CRD, 'utf8')) as { spec: { versions: { schema: { openAPIV3Schema: { properties: { spec: unknown } } } }[] } };
  assert.deepEqual(withoutCel(crd.spec.versions[0]?.schema.openAPIV3Schema.properties.spec), withoutCel(EXCEPTION_SPEC_SCHEMA));
});

for (const overlay of ['base', 'overlays/audit-only', 'overlays/cert-manager']) {
  test(`${overlay}: nobody but cluster admins may create exceptions; stateguard only reads them`, () => {
    const objects = parseAllDocuments(execFileSync(kubectlBinary(), ['kustomize', resolve(ROOT, 'deploy', overlay)], { encoding: 'utf8' })).map((d) => d.toJS() as Obj).filter(Boolean);
    assert.ok(objects.some((o) => o.kind === 'CustomResourceDefinition' && o.metadata.name === 'statefulsetpolicyexceptions.stateguard.io'));
    const touching = (o: Obj): Rule[] => ((o['rules'] ?? []) as Rule[]).filter((r) => r.apiGroups.includes('stateguard.io') && r.resources.includes('statefulsetpolicyexceptions'));
    const roles = objects.filter((o) => (o.kind === 'ClusterRole' || o.kind === 'Role') && touching(o).length > 0);
    const stateguard = roles.find((o) => o.metadata.name === 'stateguard');
    assert.deepEqual(touching(stateguard!).flatMap((r) => r.verbs), ['get', 'list', 'watch']);
    const writers = roles.filter((o) => touching(o).some((r) => r.verbs.some((v) => ['create', 'update', 'patch', '*'].includes(v))));
    assert.deepEqual(writers.map((o) => `${o.kind}/${o.metadata.name}`), ['ClusterRole/stateguard-exception-author']);
    const author = writers[0]!;
    assert.ok(!Object.keys(author.metadata.labels ?? {}).some((key) => key.startsWith('rbac.authorization.k8s.io/aggregate-to-')), 'not aggregated into admin, edit or view');
    const bindings = objects.filter((o) => (o.kind === 'ClusterRoleBinding' || o.kind === 'RoleBinding') && (o['roleRef'] as { name: string }).name === 'stateguard-exception-author');
    assert.deepEqual(bindings, [], 'bound to nobody');
  });
}
