/**
 * Generates deploy/base/crd-policies.yaml, the StatefulSetPolicy CRD, from the one policy schema the engine uses
 * (src/policy/policy-schema.ts) with the descriptions of scripts/schema-docs.ts. `--write` updates the file; a test
 * (test/deploy/crd-policies-is-generated.test.ts) fails when the committed CRD differs from the generated one.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { stringify } from 'yaml';
import { POLICY_RESOURCE } from '../src/policy/index.ts';
import { POLICY_SCHEMA } from '../src/policy/policy-schema.ts';
import { POLICY_DOCS, withDescriptions } from './schema-docs.ts';
import { toStructural } from './structural-schema.ts';

export const POLICY_CRD = resolve(import.meta.dirname, '../deploy/base/crd-policies.yaml');

type Schema = Record<string, unknown>;

const CONDITION = {
  type: 'object',
  required: ['type', 'status'],
  properties: {
    type: { type: 'string', description: 'Ready: the policy is in force as written.' },
    status: { type: 'string', enum: ['True', 'False', 'Unknown'] },
    reason: { type: 'string', description: 'Accepted, Invalid (the message names each field; the last good version keeps serving if there was one) or Shadowed (a policy file has this id and wins).' },
    message: { type: 'string' },
    observedGeneration: { type: 'integer', format: 'int64' },
    lastTransitionTime: { type: 'string', format: 'date-time' },
  },
};

const STATUS = {
  type: 'object',
  description: 'Written by stateguard (its leader replica).',
  properties: {
    observedGeneration: { type: 'integer', format: 'int64' },
    conditions: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'], items: CONDITION },
  },
};

/** The CRD's openAPIV3Schema: the policy schema in structural form, with metadata as the API server wants it and a status. */
export function policyCrdSchema(): Schema {
  const described = withDescriptions(POLICY_SCHEMA as unknown as Schema, POLICY_DOCS);
  const properties = described['properties'] as Record<string, Schema>;
  const metadata = properties['metadata'] as { properties: { name: Schema }; description: string };
  const { pattern, maxLength, description } = metadata.properties.name;
  return {
    type: 'object',
    description: described['description'],
    required: ['spec'],
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      // The API server allows only name (and generateName) constraints here; labels and annotations are standard.
      metadata: { type: 'object', properties: { name: { type: 'string', pattern, maxLength, description } } },
      spec: toStructural(properties['spec'] as Schema, 'spec'),
      status: STATUS,
    },
  };
}

export function policyCrd(): string {
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${POLICY_RESOURCE.plural}.${POLICY_RESOURCE.group}`, labels: { 'app.kubernetes.io/name': 'stateguard' } },
    spec: {
      group: POLICY_RESOURCE.group,
      scope: 'Cluster',
      names: { kind: POLICY_RESOURCE.kind, listKind: `${POLICY_RESOURCE.kind}List`, plural: POLICY_RESOURCE.plural, singular: POLICY_RESOURCE.kind.toLowerCase(), shortNames: ['ssp'], categories: ['stateguard'] },
      versions: [{
        name: POLICY_RESOURCE.version,
        served: true,
        storage: true,
        subresources: { status: {} },
        additionalPrinterColumns: [
          { name: 'Action', type: 'string', jsonPath: '.spec.action' },
          { name: 'Severity', type: 'string', jsonPath: '.spec.severity', priority: 1 },
          { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
          { name: 'Reason', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].reason', priority: 1 },
          { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
        ],
        schema: { openAPIV3Schema: policyCrdSchema() },
      }],
    },
  };
  // YAML 1.1, as the API server reads it: `off` must be quoted there or it is false.
  const header = '# Generated from src/policy/policy-schema.ts by `npm run deploy:crd`: change the schema there, not here.\n';
  return header + stringify(crd, { lineWidth: 0, aliasDuplicateObjects: false, version: '1.1' });
}

if (import.meta.main) {
  if (process.argv.includes('--write')) writeFileSync(POLICY_CRD, policyCrd());
  else process.stdout.write(readFileSync(POLICY_CRD, 'utf8') === policyCrd() ? 'deploy/base/crd-policies.yaml is current\n' : 'deploy/base/crd-policies.yaml is stale\n');
}
