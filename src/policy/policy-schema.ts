/** JSON Schema of a policy document (DESIGN.md §2). */
import { ACTIONS, OPERATIONS, SEVERITIES, TARGETS } from './types.ts';

const ID = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';

export const POLICY_SCHEMA = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  additionalProperties: false,
  properties: {
    apiVersion: { const: 'stateguard.io/v1alpha1' },
    kind: { const: 'StatefulSetPolicy' },
    metadata: {
      type: 'object',
      required: ['name'],
      additionalProperties: false,
      properties: {
        name: { type: 'string', pattern: ID, maxLength: 63 },
        annotations: { type: 'object', additionalProperties: { type: 'string' } },
      },
    },
    spec: {
      type: 'object',
      required: ['description', 'severity', 'action'],
      additionalProperties: false,
      anyOf: [{ required: ['validate'] }, { required: ['mutate'] }],
      properties: {
        description: { type: 'string', minLength: 1 },
        severity: { enum: [...SEVERITIES] },
        action: { enum: [...ACTIONS] },
        operations: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: [...OPERATIONS] } },
        targets: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: [...TARGETS] } },
        lookup: { type: 'boolean' },
        enforceInMutatingWebhook: { type: 'boolean' },
        validate: {
          type: 'object',
          required: ['message', 'fix'],
          additionalProperties: false,
          oneOf: [{ required: ['schema'] }, { required: ['check'] }],
          properties: {
            forEach: { type: 'string', minLength: 1 },
            schema: { type: 'object' },
            check: { type: 'string', minLength: 1 },
            path: { type: 'string' },
            params: { type: 'object' },
            message: { type: 'string', minLength: 1 },
            fix: { type: 'string', minLength: 1 },
          },
        },
        mutate: {
          type: 'object',
          required: ['mutator'],
          additionalProperties: false,
          properties: { mutator: { type: 'string', minLength: 1 }, params: { type: 'object' } },
        },
      },
    },
  },
} as const;
