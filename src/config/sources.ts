/**
 * Where each config key may be set besides the config file: its environment variable and its flag, in one table
 * keyed by every leaf of the schema, so that the compiler refuses a key the table forgets. How a value is read
 * (a number, true/false, a comma-separated list) follows from the key's schema.
 */
import type { SchemaLeafPath } from '../policy/index.ts';
import { CONFIG_SCHEMA } from './schema.ts';

/** A config key as a dotted path: `server.port`. A leaf is any key that is not an object with `properties`. */
export type ConfigPath = SchemaLeafPath<typeof CONFIG_SCHEMA>;

export interface ConfigSource {
  /** The environment variable (all of them start STATEGUARD_, apart from KUBECONFIG). */
  readonly env?: string;
  /** The flag as commander spells it; its attribute name (camel case of the long flag) is the key's last segment. */
  readonly flag?: string;
}

/** Set in the config file only. */
const FILE_ONLY = {} as const;

export const CONFIG_SOURCES = {
  policyDirs: { env: 'STATEGUARD_POLICY_DIRS', flag: '-p, --policies <path>' },
  builtinPolicies: { flag: '--no-builtin-policies' },
  policies: FILE_ONLY,
  actionCeiling: FILE_ONLY,
  namespaceActions: FILE_ONLY,
  'exemptions.annotations': FILE_ONLY,
  'exemptions.namespaces': FILE_ONLY,
  'server.host': { env: 'STATEGUARD_HOST', flag: '--host <address>' },
  'server.port': { env: 'STATEGUARD_PORT', flag: '--port <port>' },
  'server.metricsHost': { env: 'STATEGUARD_METRICS_HOST', flag: '--metrics-host <address>' },
  'server.metricsPort': { env: 'STATEGUARD_METRICS_PORT', flag: '--metrics-port <port>' },
  'server.bodyLimitBytes': FILE_ONLY,
  'server.bodyBudgetBytes': FILE_ONLY,
  'server.requestTimeoutMs': FILE_ONLY,
  'server.shutdownDrainMs': FILE_ONLY,
  'server.shutdownTimeoutMs': FILE_ONLY,
  'server.maxConnections': FILE_ONLY,
  'server.dnsNames': FILE_ONLY,
  'server.tlsCert': { env: 'STATEGUARD_TLS_CERT', flag: '--tls-cert <file>' },
  'server.tlsKey': { env: 'STATEGUARD_TLS_KEY', flag: '--tls-key <file>' },
  'server.clientCa': { env: 'STATEGUARD_CLIENT_CA', flag: '--client-ca <file>' },
  'server.caOut': { flag: '--ca-out <file>' },
  // --kubeconfig and --context also set it to true (serve-options.ts).
  'cluster.enabled': { env: 'STATEGUARD_CLUSTER' },
  'cluster.kubeconfig': { env: 'KUBECONFIG', flag: '--kubeconfig <files>' },
  'cluster.context': { flag: '--context <name>' },
  'cluster.namespace': { env: 'STATEGUARD_NAMESPACE' },
  // The Deployment sets it from the downward API.
  'cluster.identity': { env: 'STATEGUARD_POD_NAME' },
  'cluster.webhookNames.mutating': FILE_ONLY,
  'cluster.webhookNames.validating': FILE_ONLY,
  'cluster.certSecretName': FILE_ONLY,
  'cluster.certValidityDays': FILE_ONLY,
  'cluster.leaseName': FILE_ONLY,
  'cluster.leaseDurationSeconds': FILE_ONLY,
  'cluster.leaseRenewSeconds': FILE_ONLY,
  'cluster.readinessWaitsForSync': FILE_ONLY,
  'cluster.syncTimeoutSeconds': FILE_ONLY,
  'cluster.auditIntervalSeconds': FILE_ONLY,
  'cluster.reportsDeleteWhenClean': FILE_ONLY,
  'cluster.events.enabled': FILE_ONLY,
  'cluster.events.maxPerMinute': FILE_ONLY,
  'log.level': { env: 'STATEGUARD_LOG_LEVEL' },
  'log.format': { env: 'STATEGUARD_LOG_FORMAT' },
} as const satisfies Record<ConfigPath, ConfigSource>;

/** The config keys that have a flag. */
export type FlagPath = { [P in ConfigPath]: (typeof CONFIG_SOURCES)[P] extends { readonly flag: string } ? P : never }[ConfigPath];

/** One node of the schema, as the walkers below read it. */
export type SchemaNode = { readonly [keyword: string]: unknown };

/** The schema's leaves in schema order, with their dotted paths. */
export function configLeaves(node: SchemaNode = CONFIG_SCHEMA, prefix = ''): { path: string; schema: SchemaNode }[] {
  const properties = node['properties'];
  if (!isNode(properties)) return [];
  return Object.entries(properties).flatMap(([key, child]) => {
    if (!isNode(child)) return [];
    const path = `${prefix}${key}`;
    return isNode(child['properties']) ? configLeaves(child, `${path}.`) : [{ path, schema: child }];
  });
}

/** The schema of a leaf. */
export function leafSchema(path: ConfigPath): SchemaNode {
  const leaf = configLeaves().find((candidate) => candidate.path === path);
  if (leaf === undefined) throw new Error(`no config key ${path} in the schema`);
  return leaf.schema;
}

/**
 * A value given as text (an environment variable) as the key's schema wants it: a number, true or false, a
 * comma-separated list. Text that is none of these is passed on as it is, for the schema to name.
 */
export function fromText(schema: SchemaNode, text: string): unknown {
  switch (schema['type']) {
    case 'integer':
    case 'number': return Number(text);
    case 'boolean': return text === 'true' ? true : text === 'false' ? false : text;
    case 'array': return text.split(',').map((item) => item.trim()).filter(Boolean);
    default: return text;
  }
}

/** Sets `path` in a layer under construction, creating the objects on the way. */
export function setAt(layer: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop() ?? path;
  let node = layer;
  for (const key of keys) {
    const next = node[key];
    if (isNode(next)) node = next;
    else {
      const created: Record<string, unknown> = {};
      node[key] = created;
      node = created;
    }
  }
  node[last] = value;
}

/** The value at `path` of a config (or a layer), if any. */
export function getAt(config: unknown, path: string): unknown {
  let node = config;
  for (const key of path.split('.')) node = isNode(node) ? node[key] : undefined;
  return node;
}

function isNode(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
