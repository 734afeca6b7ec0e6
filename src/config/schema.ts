/**
 * JSON Schema of the config file (and of the merged config: defaults ← file ← env ← flags): the one description of
 * the config. The types (config.ts), the defaults (`default`, filled in by the validator), the environment variables
 * and flags (sources.ts), the README table and `--help` are read off it.
 */
import { LOG_FORMATS } from '../logging/log-formats.ts';
import { ACTIONS, DNS_LABEL_MAX, DNS_SUBDOMAIN_MAX, NAMESPACE_ACTIONS, SCOPE_SCHEMA } from '../policy/index.ts';

const PORT = { type: 'integer', minimum: 0, maximum: 65535 } as const;
const TEXT = { type: 'string', minLength: 1 } as const;

/** How the config schema is compiled (ajv options): the precompiled validator (src/generated/) is built with these. */
export const CONFIG_SCHEMA_AJV_OPTIONS = { allErrors: true, strict: true, strictTypes: false } as const;

export const CONFIG_SCHEMA = {
  type: 'object',
  description: 'stateguard configuration file (defaults ← this file ← STATEGUARD_* env ← flags).',
  additionalProperties: false,
  properties: {
    policyDirs: { type: 'array', items: TEXT, default: [], description: 'Extra policy directories (or files of StatefulSetPolicy manifests), besides the built-in policies.' },
    builtinPolicies: { type: 'boolean', default: true, description: 'Load the built-in policies.' },
    policies: {
      type: 'object',
      default: {},
      description: 'Per-policy settings by policy id (file policies; a StatefulSetPolicy resource is edited directly): action or enabled, params, match, exclude.',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: {
          // For a mutator, an error naming enabled (policy/configure.ts).
          action: { enum: [...ACTIONS], description: 'Override the policy\'s action (policies that validate).' },
          // For a policy without a mutator, an error naming action (policy/configure.ts).
          enabled: { type: 'boolean', description: 'Switch a mutator on or off.' },
          // Validated against the policy's own params schema once the policies are loaded (policy/configure.ts).
          params: { type: 'object', description: 'Params merged over the policy\'s own, validated against its check or mutator.' },
          match: { ...SCOPE_SCHEMA, description: 'Replace the policy\'s spec.match.' },
          exclude: { ...SCOPE_SCHEMA, description: 'Replace the policy\'s spec.exclude.' },
        },
      },
    },
    actionCeiling: { enum: ['deny', 'warn', 'audit'], default: 'deny', description: 'The strongest action any policy may take: `audit` for an audit-only install, `warn` for a trial run.' },
    namespaceActions: { enum: [...NAMESPACE_ACTIONS], default: 'tighten', description: 'What the namespace label `stateguard.io/action` may do: tighten only, also loosen (avoid in shared clusters), or nothing.' },
    exemptions: {
      type: 'object',
      default: {},
      description: 'Exemption annotations (`stateguard.io/exempt`): off unless `annotations` is true; then honoured only in `namespaces`, for a user a SubjectAccessReview allows verb `exempt`.',
      additionalProperties: false,
      properties: {
        annotations: { type: 'boolean', default: false, description: 'Honour `stateguard.io/exempt` annotations at all (then only with the RBAC verb `exempt`).' },
        namespaces: { type: 'array', items: TEXT, default: ['*'], description: 'Namespaces where exemption annotations are honoured; `*`: everywhere.' },
      },
    },
    server: {
      type: 'object',
      default: {},
      description: 'The admission server: listeners, limits, TLS, shutdown. Read at start.',
      additionalProperties: false,
      properties: {
        host: { ...TEXT, default: '127.0.0.1', description: 'Admission (HTTPS) listen address; the Deployment sets 0.0.0.0.' },
        port: { ...PORT, default: 8443, description: 'Admission HTTPS port; 0: any free port.' },
        metricsHost: { ...TEXT, default: '127.0.0.1', description: 'Listen address of /healthz, /readyz and /metrics (plain HTTP).' },
        metricsPort: { ...PORT, default: 9090, description: 'Health and metrics HTTP port; 0: any free port.' },
        bodyLimitBytes: { type: 'integer', minimum: 1024, default: 3 * 1024 * 1024, description: 'Larger AdmissionReviews get 413.' },
        // Measured with bench/attack.ts (README, Memory): keeps peak RSS under the Deployment's 256 MiB limit.
        bodyBudgetBytes: { type: 'integer', minimum: 262144, default: 1024 * 1024, description: 'Request-body bytes read, parsed and evaluated at once; a quarter is kept for bodies ≤ 64 KiB (Memory).' },
        requestTimeoutMs: { type: 'integer', minimum: 100, default: 10_000, description: 'A client that has not sent its whole request by then gets 408.' },
        shutdownDrainMs: { type: 'integer', minimum: 0, default: 5_000, description: 'After SIGTERM: how long to keep answering (not ready, `Connection: close`) before closing; 0: close at once.' },
        shutdownTimeoutMs: { type: 'integer', minimum: 0, default: 20_000, description: 'Then: how long in-flight requests may take before their connections are closed.' },
        // Each open TLS connection holds about 56 KiB of native memory (README, Memory): 1,000 fit the Deployment's limit.
        maxConnections: { type: 'integer', minimum: 1, default: 1_000, description: 'Open connections; more are refused (about 56 KiB each, Memory).' },
        dnsNames: { type: 'array', minItems: 1, items: TEXT, default: ['localhost', '127.0.0.1', 'stateguard', 'stateguard.stateguard', 'stateguard.stateguard.svc'], description: 'Subject alternative names of the self-signed (or self-managed) certificate.' },
        tlsCert: { ...TEXT, description: 'Serving certificate (PEM file), reloaded when it changes; absent: a self-signed (or self-managed) one.' },
        tlsKey: { ...TEXT, description: 'Private key of tlsCert (PEM file); given together with it.' },
        clientCa: { ...TEXT, description: 'Require client certificates signed by this CA (PEM file).' },
        caOut: { ...TEXT, description: 'Where to write the CA of the self-signed (or self-managed) certificate, for clients to trust; unused with tlsCert/tlsKey.' },
      },
    },
    cluster: {
      type: 'object',
      default: {},
      description: 'The cluster features: lookups, leader election, certificates, reports, policy resources. Read at start.',
      additionalProperties: false,
      properties: {
        enabled: { type: 'boolean', description: 'Run the cluster features. Absent: only in a pod; `--kubeconfig` and `--context` turn them on, `KUBECONFIG` alone never does.' },
        kubeconfig: { ...TEXT, description: 'Kubeconfig file(s), path-list separated as in KUBECONFIG; absent: ~/.kube/config, then in-cluster.' },
        context: { ...TEXT, description: 'Kubeconfig context; absent: the current one.' },
        namespace: { ...TEXT, maxLength: DNS_LABEL_MAX, default: 'stateguard', description: 'stateguard\'s own namespace: the certificate Secret and the Lease live here.' },
        identity: { ...TEXT, description: 'This replica\'s name in the Lease (the pod name); absent: the host name and a random suffix, unique per process.' },
        webhookNames: {
          type: 'object',
          default: {},
          description: 'The webhook configurations whose caBundle is patched.',
          additionalProperties: false,
          properties: {
            mutating: { ...TEXT, default: 'stateguard', description: 'The MutatingWebhookConfiguration.' },
            validating: { ...TEXT, default: 'stateguard', description: 'The ValidatingWebhookConfiguration.' },
          },
        },
        certSecretName: { ...TEXT, maxLength: DNS_SUBDOMAIN_MAX, default: 'stateguard-tls', description: 'The Secret of the self-managed serving certificate.' },
        certValidityDays: { type: 'number', exclusiveMinimum: 0, maximum: 3650, default: 365, description: 'Lifetime of each self-managed certificate, rotated at 2/3; fractions of a day are for trying rotation out.' },
        leaseName: { ...TEXT, maxLength: DNS_SUBDOMAIN_MAX, default: 'stateguard-leader', description: 'The Lease of leader election.' },
        leaseDurationSeconds: { type: 'integer', minimum: 2, default: 15, description: 'How long a leader\'s Lease holds without renewal.' },
        leaseRenewSeconds: { type: 'integer', minimum: 1, default: 5, description: 'How often the leader renews it; shorter than leaseDurationSeconds.' },
        readinessWaitsForSync: { type: 'boolean', default: true, description: '/readyz waits until the lookup caches have synced (at most syncTimeoutSeconds).' },
        syncTimeoutSeconds: { type: 'integer', minimum: 0, default: 30, description: 'The longest /readyz waits for the caches.' },
        auditIntervalSeconds: { type: 'integer', minimum: 10, default: 3600, description: 'Full rescan by the leader (also on every policy reload).' },
        reportsDeleteWhenClean: { type: 'boolean', default: false, description: 'Delete a StatefulSet\'s PolicyReport when it has no findings, instead of writing one with passes only.' },
        events: {
          type: 'object',
          default: {},
          description: 'Kubernetes Events on a StatefulSet when the background audit finds new violations.',
          additionalProperties: false,
          properties: {
            enabled: { type: 'boolean', default: true, description: 'Write the Events.' },
            maxPerMinute: { type: 'integer', minimum: 1, default: 30, description: 'At most this many Events a minute.' },
          },
        },
      },
    },
    log: {
      type: 'object',
      default: {},
      description: 'Logging.',
      additionalProperties: false,
      properties: {
        level: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info', description: 'The lowest level written.' },
        format: { enum: LOG_FORMATS, default: 'pino', description: 'pino: `"level":30`, `"time":<epoch ms>` (pino-pretty reads it); iso: `"level":"info"`, ISO 8601 time.' },
      },
    },
  },
} as const;
