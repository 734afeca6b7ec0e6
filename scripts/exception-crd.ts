/**
 * Writes deploy/base/crd-exceptions.yaml, the StatefulSetPolicyException CRD, from the engine's one schema
 * (src/policy/exception-schema.ts); `--write` updates it, test/deploy/exception-crd-matches-engine.test.ts keeps it
 * current. Beside the schema, the CRD adds what only the API server can say: a CEL rule (checks are for the Pod
 * Security policies only, which the engine also refuses) and the printer columns.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { stringify } from 'yaml';
import { CHECK_SCOPED_POLICIES, EXCEPTION_SPEC_SCHEMA } from '../src/policy/index.ts';

export const EXCEPTION_CRD = resolve(import.meta.dirname, '../deploy/base/crd-exceptions.yaml');

export function exceptionCrd(): string {
  const spec = structuredClone(EXCEPTION_SPEC_SCHEMA) as unknown as { properties: { policies: { items: Record<string, unknown> } } };
  spec.properties.policies.items['x-kubernetes-validations'] = [{
    rule: `!has(self.checks) || self.policy in [${CHECK_SCOPED_POLICIES.map((id) => `'${id}'`).join(', ')}]`,
    message: `checks (Pod Security check ids) are only for ${CHECK_SCOPED_POLICIES.join(' and ')}`,
    fieldPath: '.checks',
  }];
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'statefulsetpolicyexceptions.stateguard.io', labels: { 'app.kubernetes.io/name': 'stateguard' } },
    spec: {
      group: 'stateguard.io',
      scope: 'Namespaced',
      names: { kind: 'StatefulSetPolicyException', listKind: 'StatefulSetPolicyExceptionList', plural: 'statefulsetpolicyexceptions', singular: 'statefulsetpolicyexception', shortNames: ['ssexception'], categories: ['stateguard'] },
      versions: [{
        name: 'v1alpha1',
        served: true,
        storage: true,
        additionalPrinterColumns: [
          { name: 'Policies', type: 'string', jsonPath: '.spec.policies[*].policy' },
          { name: 'Expires', type: 'string', jsonPath: '.spec.expiresAt' },
          { name: 'Reason', type: 'string', jsonPath: '.spec.reason', priority: 1 },
          { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
        ],
        schema: {
          openAPIV3Schema: {
            type: 'object',
            description: 'Lifts named stateguard policies (or named Pod Security checks) for named StatefulSets of this namespace, with a reason and an optional expiry. Who may create one is decided by RBAC: by default cluster admins only.',
            required: ['spec'],
            properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, spec },
          },
        },
      }],
    },
  };
  const header = '# Generated from src/policy/exception-schema.ts by `node scripts/exception-crd.ts --write`: edit the schema there, not here.\n';
  return header + stringify(crd, { lineWidth: 0 });
}

if (import.meta.main) {
  if (process.argv.includes('--write')) writeFileSync(EXCEPTION_CRD, exceptionCrd());
  else process.stdout.write(readFileSync(EXCEPTION_CRD, 'utf8') === exceptionCrd() ? 'deploy/base/crd-exceptions.yaml is current\n' : 'deploy/base/crd-exceptions.yaml is stale\n');
}
