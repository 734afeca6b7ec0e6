/**
 * The schema of a StatefulSetPolicyException's `spec`, written once: structural (a `type` on every node, no
 * if/then), so deploy/base/crd-exceptions.yaml carries it as is (test/deploy/exception-crd-matches-engine.test.ts),
 * and closed to unknown fields for the engine's own reading (`strictly`), where the API server would prune them.
 */
import type { JsonObject } from './types.ts';

const NAME = { type: 'string', minLength: 1, maxLength: 253, pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$' } as const;

const LABEL_SELECTOR = {
  type: 'object',
  description: 'A label selector over the StatefulSets\' own labels (as in a Deployment\'s spec.selector).',
  properties: {
    matchLabels: { type: 'object', additionalProperties: { type: 'string' } },
    matchExpressions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['key', 'operator'],
        properties: {
          key: { type: 'string', minLength: 1 },
          operator: { type: 'string', enum: ['In', 'NotIn', 'Exists', 'DoesNotExist'] },
          values: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
} as const;

export const EXCEPTION_SPEC_SCHEMA = {
  type: 'object',
  required: ['policies', 'statefulSets', 'reason'],
  properties: {
    policies: {
      type: 'array',
      description: 'The policies excepted; for pod-security-baseline and pod-security-restricted optionally only some Pod Security check ids.',
      minItems: 1,
      maxItems: 64,
      items: {
        type: 'object',
        required: ['policy'],
        properties: {
          policy: { type: 'string', description: 'A policy id, e.g. storage-class-required.', minLength: 1, maxLength: 63, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' },
          checks: {
            type: 'array',
            description: 'Pod Security Admission check ids (hostNamespaces, privileged, ...): only their findings are excepted.',
            minItems: 1,
            maxItems: 64,
            items: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z][A-Za-z0-9_]*$' },
          },
        },
      },
    },
    statefulSets: {
      type: 'object',
      description: 'The StatefulSets of this namespace it covers: by name, by label selector, or both (either matches).',
      minProperties: 1,
      properties: {
        names: { type: 'array', minItems: 1, maxItems: 256, items: NAME },
        selector: LABEL_SELECTOR,
      },
    },
    expiresAt: { type: 'string', format: 'date-time', description: 'RFC 3339; from then on the exception is ignored (and reported as expired).' },
    reason: { type: 'string', description: 'Why: a ticket, an owner, a plan. Required.', minLength: 1, maxLength: 1024, pattern: '\\S' },
  },
} as const;

/** The same schema closed to unknown fields (a typo such as `statefulset:` is an error, not a silent no-op). */
export function strictly(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strictly);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) out[key] = key === 'enum' || key === 'required' ? value : strictly(value);
  if ('properties' in schema && !('additionalProperties' in schema)) out['additionalProperties'] = false;
  return out;
}
