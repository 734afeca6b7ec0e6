/** JSON Schema of the config file (and of the merged config: defaults ← file ← env ← flags). */
import { LOG_FORMATS } from '../logging/logger.ts';
import { ACTIONS, DNS_LABEL_MAX, DNS_SUBDOMAIN_MAX, NAMESPACE_ACTIONS, SCOPE_SCHEMA } from '../policy/index.ts';

/** How log lines spell level and time: pino's numbers (default), or level names and ISO 8601 time. */

export const CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    policyDirs: { type: 'array', items: { type: 'string', minLength: 1 } },
    builtinPolicies: { type: 'boolean' },
    policies: {
      type: 'object',
      description: 'per-policy settings by id',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: {
          // The validation's action; for a mutator, an error naming enabled (policy/configure.ts).
          action: { enum: [...ACTIONS] },
          // A mutator's switch; for a policy without one, an error naming action (policy/configure.ts).
          enabled: { type: 'boolean' },
          // Validated against the policy's own params schema once the policies are loaded (policy/configure.ts).
          params: { type: 'object' },
          // Replace the policy's own spec.match / spec.exclude.
          match: SCOPE_SCHEMA,
          exclude: SCOPE_SCHEMA,
        },
      },
    },
    actionCeiling: { enum: ['deny', 'warn', 'audit'] },
    namespaceActions: { enum: [...NAMESPACE_ACTIONS] },
    exemptions: {
      type: 'object',
      additionalProperties: false,
      properties: {
        // Honour stateguard.io/exempt annotations at all (then only with a SubjectAccessReview allowing verb exempt).
        annotations: { type: 'boolean' },
        namespaces: { type: 'array', items: { type: 'string', minLength: 1 } },
      },
    },
    server: {
      type: 'object',
      additionalProperties: false,
      properties: {
        host: { type: 'string', minLength: 1 },
        port: { type: 'integer', minimum: 0, maximum: 65535 },
        metricsHost: { type: 'string', minLength: 1 },
        metricsPort: { type: 'integer', minimum: 0, maximum: 65535 },
        bodyLimitBytes: { type: 'integer', minimum: 1024 },
        bodyBudgetBytes: { type: 'integer', minimum: 262144 },
        requestTimeoutMs: { type: 'integer', minimum: 100 },
        shutdownDrainMs: { type: 'integer', minimum: 0 },
        shutdownTimeoutMs: { type: 'integer', minimum: 0 },
        maxConnections: { type: 'integer', minimum: 1 },
        dnsNames: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
        tlsCert: { type: 'string', minLength: 1 },
        tlsKey: { type: 'string', minLength: 1 },
        clientCa: { type: 'string', minLength: 1 },
        caOut: { type: 'string', minLength: 1 },
      },
    },
    cluster: {
      type: 'object',
      additionalProperties: false,
      properties: {
        enabled: { type: 'boolean' },
        kubeconfig: { type: 'string', minLength: 1 },
        context: { type: 'string', minLength: 1 },
        namespace: { type: 'string', minLength: 1, maxLength: DNS_LABEL_MAX },
        identity: { type: 'string', minLength: 1 },
        webhookNames: {
          type: 'object',
          additionalProperties: false,
          properties: { mutating: { type: 'string', minLength: 1 }, validating: { type: 'string', minLength: 1 } },
        },
        certSecretName: { type: 'string', minLength: 1, maxLength: DNS_SUBDOMAIN_MAX },
        certValidityDays: { type: 'number', exclusiveMinimum: 0, maximum: 3650 },
        leaseName: { type: 'string', minLength: 1, maxLength: DNS_SUBDOMAIN_MAX },
        leaseDurationSeconds: { type: 'integer', minimum: 2 },
        leaseRenewSeconds: { type: 'integer', minimum: 1 },
        readinessWaitsForSync: { type: 'boolean' },
        syncTimeoutSeconds: { type: 'integer', minimum: 0 },
        auditIntervalSeconds: { type: 'integer', minimum: 10 },
        reportsDeleteWhenClean: { type: 'boolean' },
        events: {
          type: 'object',
          additionalProperties: false,
          properties: { enabled: { type: 'boolean' }, maxPerMinute: { type: 'integer', minimum: 1 } },
        },
      },
    },
    log: {
      type: 'object',
      additionalProperties: false,
      properties: { level: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] }, format: { enum: LOG_FORMATS } },
    },
  },
} as const;
