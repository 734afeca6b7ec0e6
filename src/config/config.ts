/** Config: defaults ← file ← env (STATEGUARD_*) ← flags, validated by one compiled schema, frozen. */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describeSchemaError, StateguardError, type Action, type ActionSettings, type JsonObject, type NamespaceActions, type PolicyScope } from '../policy/index.ts';
import { CONFIG_SCHEMA } from './schema.ts';
import type { LogFormat } from '../logging/logger.ts';

export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  readonly metricsHost: string;
  readonly metricsPort: number;
  readonly bodyLimitBytes: number;
  /** The request-body bytes read, parsed and evaluated at once; a quarter is kept for small bodies (README, Memory). */
  readonly bodyBudgetBytes: number;
  readonly requestTimeoutMs: number;
  /** After SIGTERM, how long to keep accepting and answering (readiness false, `Connection: close`) before closing. */
  readonly shutdownDrainMs: number;
  /** Then how long in-flight requests may take before their connections are closed. */
  readonly shutdownTimeoutMs: number;
  readonly maxConnections: number;
  readonly dnsNames: readonly string[];
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly clientCa?: string;
  /** Where to write the CA certificate of the self-signed pair (unused with tlsCert/tlsKey). */
  readonly caOut?: string;
}

/** Cluster access and in-cluster behaviour: lookups, certificates, leader election, background audit, reports. */
export interface ClusterConfig {
  /**
   * Whether `serve` runs its cluster features (lookups, leader election, certificates, background audit). Absent:
   * only in a pod (cluster-access.ts); `--kubeconfig` and `--context` set it. KUBECONFIG alone never does.
   */
  readonly enabled?: boolean;
  /** Kubeconfig file(s), path-list separated as in KUBECONFIG; absent: ~/.kube/config, then in-cluster. */
  readonly kubeconfig?: string;
  readonly context?: string;
  /** stateguard's own namespace: the certificate Secret and the Lease live here. */
  readonly namespace: string;
  /** This replica's name in the Lease (the pod name); absent: the host name and a random suffix, unique per process. */
  readonly identity?: string;
  readonly webhookNames: { readonly mutating: string; readonly validating: string };
  readonly certSecretName: string;
  /** Lifetime of each self-managed certificate; fractions of a day are for trying rotation out. */
  readonly certValidityDays: number;
  readonly leaseName: string;
  readonly leaseDurationSeconds: number;
  readonly leaseRenewSeconds: number;
  /** Readiness waits until the lookup caches have synced (at most syncTimeoutSeconds). */
  readonly readinessWaitsForSync: boolean;
  readonly syncTimeoutSeconds: number;
  readonly auditIntervalSeconds: number;
  readonly reportsDeleteWhenClean: boolean;
  /** Kubernetes Events on a StatefulSet when the background audit finds new violations. */
  readonly events: { readonly enabled: boolean; readonly maxPerMinute: number };
}

export interface Config {
  readonly policyDirs: readonly string[];
  readonly builtinPolicies: boolean;
  /** Per-policy settings by id: the validation's action, a mutator's switch, params merged over the policy's own, scope. */
  readonly policies: Readonly<Record<string, { readonly action?: Action; readonly enabled?: boolean; readonly params?: JsonObject; readonly match?: PolicyScope; readonly exclude?: PolicyScope }>>;
  /** The strongest action any policy may take: `audit` for an audit-only install. */
  readonly actionCeiling: Exclude<Action, 'off'>;
  /** What the namespace label `stateguard.io/action` may do: tighten (default), tighten-and-loosen (opt-in), off. */
  readonly namespaceActions: NamespaceActions;
  /**
   * Exemption annotations (`stateguard.io/exempt`): off unless `annotations` is true; then honoured only where
   * `namespaces` allows and a SubjectAccessReview says the requesting user may `exempt` the policy.
   */
  readonly exemptions: { readonly annotations: boolean; readonly namespaces: readonly string[] };
  readonly server: ServerConfig;
  readonly cluster: ClusterConfig;
  readonly log: { readonly level: string; readonly format: LogFormat };
  /** The config file this was read from, if any (the server watches it). */
  readonly file?: string;
}

export const DEFAULT_CONFIG: Config = {
  policyDirs: [],
  builtinPolicies: true,
  policies: {},
  actionCeiling: 'deny',
  namespaceActions: 'tighten',
  exemptions: { annotations: false, namespaces: ['*'] },
  server: {
    host: '127.0.0.1',
    port: 8443,
    metricsHost: '127.0.0.1',
    metricsPort: 9090,
    bodyLimitBytes: 3 * 1024 * 1024,
    // Measured with bench/attack.ts (README, Memory): keeps peak RSS under the Deployment's 256 MiB limit.
    bodyBudgetBytes: 1024 * 1024,
    requestTimeoutMs: 10_000,
    shutdownDrainMs: 5_000,
    shutdownTimeoutMs: 20_000,
    // Each open TLS connection holds about 56 KiB of native memory (README, Memory): 1,000 fit the Deployment's limit.
    maxConnections: 1_000,
    dnsNames: ['localhost', '127.0.0.1', 'stateguard', 'stateguard.stateguard', 'stateguard.stateguard.svc'],
  },
  cluster: {
    namespace: 'stateguard',
    webhookNames: { mutating: 'stateguard', validating: 'stateguard' },
    certSecretName: 'stateguard-tls',
    certValidityDays: 365,
    leaseName: 'stateguard-leader',
    leaseDurationSeconds: 15,
    leaseRenewSeconds: 5,
    readinessWaitsForSync: true,
    syncTimeoutSeconds: 30,
    auditIntervalSeconds: 3600,
    reportsDeleteWhenClean: false,
    events: { enabled: true, maxPerMinute: 30 },
  },
  log: { level: 'info', format: 'pino' },
};

const validateConfig = new Ajv({ allErrors: true, strict: true, strictTypes: false }).compile(CONFIG_SCHEMA);

type Partial2<T> = { -readonly [K in keyof T]?: T[K] extends readonly unknown[] ? T[K] : T[K] extends object ? Partial2<T[K]> : T[K] };
export type ConfigInput = Partial2<Omit<Config, 'file'>>;

/** Environment variables, mapped onto config paths. */
const ENV: readonly [string, (input: ConfigInput, value: string) => void][] = [
  ['STATEGUARD_POLICY_DIRS', (c, v) => { c.policyDirs = v.split(',').map((d) => d.trim()).filter(Boolean); }],
  ['STATEGUARD_HOST', (c, v) => { (c.server ??= {}).host = v; }],
  ['STATEGUARD_PORT', (c, v) => { (c.server ??= {}).port = Number(v); }],
  ['STATEGUARD_METRICS_HOST', (c, v) => { (c.server ??= {}).metricsHost = v; }],
  ['STATEGUARD_METRICS_PORT', (c, v) => { (c.server ??= {}).metricsPort = Number(v); }],
  ['STATEGUARD_TLS_CERT', (c, v) => { (c.server ??= {}).tlsCert = v; }],
  ['STATEGUARD_TLS_KEY', (c, v) => { (c.server ??= {}).tlsKey = v; }],
  ['STATEGUARD_CLIENT_CA', (c, v) => { (c.server ??= {}).clientCa = v; }],
  // true | false; anything else is passed on for the schema to name.
  ['STATEGUARD_CLUSTER', (c, v) => { (c.cluster ??= {}).enabled = v === 'true' ? true : v === 'false' ? false : v as unknown as boolean; }],
  ['KUBECONFIG', (c, v) => { (c.cluster ??= {}).kubeconfig = v; }],
  ['STATEGUARD_NAMESPACE', (c, v) => { (c.cluster ??= {}).namespace = v; }],
  ['STATEGUARD_POD_NAME', (c, v) => { (c.cluster ??= {}).identity = v; }],
  ['STATEGUARD_LOG_LEVEL', (c, v) => { (c.log ??= {}).level = v; }],
  ['STATEGUARD_LOG_FORMAT', (c, v) => { (c.log ??= {}).format = v as LogFormat; }],
];

export function readConfigFile(file: string): ConfigInput {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new StateguardError('ERR_CONFIG', `cannot read config file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = parse(text, { prettyErrors: true });
  } catch (error) {
    throw new StateguardError('ERR_CONFIG', `config file ${file} is not valid YAML: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  // An empty or comment-only file is a mistake (a truncated write, a ConfigMap key gone), never "all defaults".
  if (parsed === null || parsed === undefined) throw new StateguardError('ERR_CONFIG', `config file ${file} is empty (or only comments): give at least one setting, or leave out --config for the defaults`);
  return checked(parsed, `config file ${file}`);
}

export function envConfig(env: NodeJS.ProcessEnv = process.env): ConfigInput {
  const input: ConfigInput = {};
  for (const [name, apply] of ENV) {
    const value = env[name];
    if (value !== undefined && value !== '') apply(input, value);
  }
  return checked(input, 'environment (STATEGUARD_*)');
}

/** Merges layers in order and validates the result. `file` names the config file used, if any. */
export function buildConfig(layers: readonly ConfigInput[], file?: string): Config {
  const merged = layers.reduce<Record<string, unknown>>((acc, layer) => merge(acc, layer as Record<string, unknown>), structuredClone(DEFAULT_CONFIG) as unknown as Record<string, unknown>);
  const config = checked(merged, 'config') as unknown as Config;
  if ((config.server.tlsCert === undefined) !== (config.server.tlsKey === undefined)) {
    throw new StateguardError('ERR_CONFIG', 'config: server.tlsCert and server.tlsKey must be given together');
  }
  if (config.cluster.leaseRenewSeconds >= config.cluster.leaseDurationSeconds) {
    throw new StateguardError('ERR_CONFIG', 'config: cluster.leaseRenewSeconds must be shorter than cluster.leaseDurationSeconds');
  }
  return deepFreeze(file === undefined ? config : { ...config, file });
}

export function actionSettings(config: Config): ActionSettings {
  const overrides: Record<string, Action> = {};
  for (const [id, settings] of Object.entries(config.policies)) if (settings.action !== undefined) overrides[id] = settings.action;
  return Object.freeze({ overrides: Object.freeze(overrides), namespaceActions: config.namespaceActions, exemptionNamespaces: config.exemptions.namespaces, annotationExemptions: config.exemptions.annotations, ceiling: config.actionCeiling });
}

/** Settings that were replaced: named with their replacement, rather than a bare "unknown property". */
const REPLACED: Readonly<Record<string, string>> = {
  namespaceActionOverride: 'namespaceActionOverride was replaced by namespaceActions: tighten (the default: the stateguard.io/action label may only tighten), tighten-and-loosen (it may also weaken; namespaceActionOverride: true meant that) or off',
};

function checked(value: unknown, what: string): ConfigInput {
  const replaced = typeof value === 'object' && value !== null ? Object.keys(REPLACED).filter((key) => key in value) : [];
  if (replaced.length > 0) throw new StateguardError('ERR_CONFIG', `${what} is invalid`, { details: replaced.map((key) => REPLACED[key] ?? key) });
  if (validateConfig(value)) return value as ConfigInput;
  const details = (validateConfig.errors ?? []).map(describeSchemaError);
  throw new StateguardError('ERR_CONFIG', `${what} is invalid`, { details });
}

function merge(base: Record<string, unknown>, layer: Record<string, unknown>): Record<string, unknown> {
  const out = { ...base };
  for (const [key, value] of Object.entries(layer)) {
    if (value === undefined) continue;
    const current = out[key];
    out[key] = isPlain(value) && isPlain(current) ? merge(current, value) : value;
  }
  return out;
}

function isPlain(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
