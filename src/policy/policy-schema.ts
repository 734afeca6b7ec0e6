/** JSON Schema of a policy document (DESIGN.md §2). */
import { DNS_LABEL_MAX, DNS_LABEL_PATTERN } from './kubernetes-names.ts';
import { ACTIONS, OPERATIONS, SEVERITIES, TARGETS } from './types.ts';

const STRINGS = { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } } as const;

/** A Kubernetes label selector. */
export const LABEL_SELECTOR_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    matchLabels: { type: 'object', additionalProperties: { type: 'string' } },
    matchExpressions: {
      type: 'array',
      items: {
        type: 'object',
        required: ['key', 'operator'],
        additionalProperties: false,
        properties: {
          key: { type: 'string', minLength: 1 },
          operator: { enum: ['In', 'NotIn', 'Exists', 'DoesNotExist'] },
          values: { type: 'array', items: { type: 'string' } },
        },
        // In and NotIn need values; Exists and DoesNotExist take none (as the API server's own validation says).
        if: { properties: { operator: { enum: ['In', 'NotIn'] } } },
        then: { required: ['values'], properties: { values: { minItems: 1 } } },
        else: { not: { required: ['values'] } },
      },
    },
  },
} as const;

/** A `match` or `exclude` block (src/policy/match.ts); also settable per policy in the config file. */
export const SCOPE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    // Namespace names or globs (`team-*`).
    namespaces: STRINGS,
    namespaceSelector: LABEL_SELECTOR_SCHEMA,
    // Selects StatefulSets by their own labels.
    selector: LABEL_SELECTOR_SCHEMA,
    operations: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: [...OPERATIONS] } },
    // Usernames or groups, globs allowed: `system:serviceaccount:db-operators:*`, `system:serviceaccounts:ci`, `alice`.
    subjects: STRINGS,
  },
} as const;

/** How the policy schema is compiled (ajv options): the precompiled validator (src/generated/) is built with these. */
export const POLICY_SCHEMA_AJV_OPTIONS = { allErrors: true, strict: true, strictTypes: false, strictTuples: false, strictRequired: false } as const;

/**
 * How policies' own schemas (`validate.schema`, the params of checks and mutators) are compiled; those of the
 * built-in policies are also precompiled (src/generated/rule-validators.ts) with these.
 */
export const RULE_SCHEMA_AJV_OPTIONS = { allErrors: false, strict: true, strictTypes: false, strictTuples: false, strictRequired: false } as const;

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
        name: { type: 'string', pattern: DNS_LABEL_PATTERN, maxLength: DNS_LABEL_MAX },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        annotations: { type: 'object', additionalProperties: { type: 'string' } },
      },
    },
    spec: {
      type: 'object',
      required: ['description'],
      additionalProperties: false,
      anyOf: [{ required: ['validate'] }, { required: ['mutate'] }],
      // severity and action are the validation's; a mutate-only policy has neither (its switch is mutate.enabled).
      if: { required: ['validate'] },
      then: { required: ['severity', 'action'] },
      else: { not: { anyOf: [{ required: ['severity'] }, { required: ['action'] }] } },
      properties: {
        description: { type: 'string', minLength: 1 },
        severity: { enum: [...SEVERITIES] },
        action: { enum: [...ACTIONS] },
        operations: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: [...OPERATIONS] } },
        targets: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: [...TARGETS] } },
        lookup: { type: 'boolean' },
        enforceInMutatingWebhook: { type: 'boolean' },
        match: SCOPE_SCHEMA,
        exclude: SCOPE_SCHEMA,
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
          properties: { mutator: { type: 'string', minLength: 1 }, params: { type: 'object' }, enabled: { type: 'boolean' } },
        },
      },
    },
  },
} as const;
