/** Every key of stateguard's server logs (webhook and cluster), in one place: dashboards and alerts query these. */
export const LOG_KEYS = {
  component: 'component',
  webhook: 'webhook',
  uid: 'uid',
  /** `namespace/name` of the object. */
  object: 'object',
  /** An object kind (StatefulSet, MutatingWebhookConfiguration, …). */
  kind: 'kind',
  /** The API path of a watched collection (`/apis/storage.k8s.io/v1/storageclasses`). */
  collection: 'collection',
  operation: 'operation',
  user: 'user',
  dryRun: 'dry_run',
  decision: 'decision',
  /** Policy id → deny | warn | audit | error | exempt | excepted. */
  findings: 'findings',
  /** Mutators whose defaults are in the patch. */
  mutated: 'mutated',
  /** The limit a request was refused for without evaluation: depth | items | values | patch (src/admission/limits.ts). */
  refused: 'refused',
  exempted: 'exempted',
  /** Each StatefulSetPolicyException used, as `policy: namespace/name` (src/admission/exception-records.ts). */
  excepted: 'excepted',
  durationMs: 'duration_ms',
  /** Problem code of a bad request (src/admission/problems.ts). */
  problem: 'problem',
  statusCode: 'status_code',
  policies: 'policies',
  /** What a policy reload changed: added, removed, actions, params, settings (webhook/reload-changes.ts). */
  changes: 'changes',
  problems: 'problems',
  admissionUrl: 'admission_url',
  metricsUrl: 'metrics_url',
  tls: 'tls',
  clientAuth: 'client_auth',
  caFile: 'ca_file',
  /** Which cluster features run, in the start-up summary. */
  cluster: 'cluster',
  files: 'files',
  signal: 'signal',
  err: 'err',
  /** `namespace/name` of the leader Lease, and who holds it. */
  lease: 'lease',
  holder: 'holder',
  /** When a certificate expires (ISO 8601). */
  expires: 'expires',
  /** Why an Event was dropped or emitted. */
  reason: 'reason',
  retryMs: 'retry_ms',
  /** How long the lookup caches took to sync at start-up. */
  syncedMs: 'synced_ms',
} as const;
