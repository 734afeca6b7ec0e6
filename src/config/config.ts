/** Config: defaults ← file ← env (STATEGUARD_*) ← flags, validated by one compiled schema, frozen. */
import { readFileSync } from 'node:fs';
import type { ValidateFunction } from 'ajv';
import { yaml } from '../policy/on-first-use.ts';
import { describeSchemaError, StateguardError, type Action, type ActionSettings, type FromSchema, type FromSchemaWithDefaults } from '../policy/index.ts';
import { validate as precompiledLayerValidator } from '../generated/validate-config.ts';
import { validate as precompiledMergedValidator } from '../generated/validate-config-with-defaults.ts';
import type { CONFIG_SCHEMA } from './schema.ts';
import { CONFIG_SOURCES, configLeaves, fromText, setAt, type ConfigSource } from './sources.ts';

/** A config layer (the file, the environment, the flags), as the schema reads it: any key may be left out. */
export type ConfigInput = FromSchema<typeof CONFIG_SCHEMA>;

/**
 * The config in force: the layers merged over the schema's defaults (each key that has a `default` is there),
 * validated and frozen. Described by the schema alone (schema.ts: what each key means, its default).
 */
export type Config = FromSchemaWithDefaults<typeof CONFIG_SCHEMA> & {
  /** The config file this was read from, if any (the server watches it). */
  readonly file?: string;
};
export type ServerConfig = Config['server'];
export type ClusterConfig = Config['cluster'];

/**
 * CONFIG_SCHEMA, compiled ahead of time (npm run validators): compiling it here cost about 50 ms of every start-up.
 * The layer validator checks one layer as it is: a value left out stays out. The merged validator checks the merged
 * layers and fills in the schema's defaults, so that what it passes is a whole Config.
 */
const validateLayer = precompiledLayerValidator as ValidateFunction<ConfigInput>;
const validateMerged = precompiledMergedValidator as ValidateFunction<Config>;

/** Environment variables, mapped onto config paths and read as their schema says (sources.ts). */
const SOURCES: Readonly<Record<string, ConfigSource>> = CONFIG_SOURCES;
const ENV = configLeaves().flatMap(({ path, schema }) => {
  const name = SOURCES[path]?.env;
  return name === undefined ? [] : [{ path, name, schema }];
});

export function readConfigFile(file: string): ConfigInput {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new StateguardError('ERR_CONFIG', `cannot read config file ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = yaml().parse(text, { prettyErrors: true });
  } catch (error) {
    throw new StateguardError('ERR_CONFIG', `config file ${file} is not valid YAML: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  // An empty or comment-only file is a mistake (a truncated write, a ConfigMap key gone), never "all defaults".
  if (parsed === null || parsed === undefined) throw new StateguardError('ERR_CONFIG', `config file ${file} is empty (or only comments): give at least one setting, or leave out --config for the defaults`);
  return checked(parsed, `config file ${file}`);
}

export function envConfig(env: NodeJS.ProcessEnv = process.env): ConfigInput {
  const layer: Record<string, unknown> = {};
  for (const { path, name, schema } of ENV) {
    const value = env[name];
    if (value !== undefined && value !== '') setAt(layer, path, fromText(schema, value));
  }
  return checked(layer, 'environment (STATEGUARD_*)');
}

/** Merges layers in order and validates the result. `file` names the config file used, if any. */
export function buildConfig(layers: readonly ConfigInput[], file?: string): Config {
  const merged = layers.reduce<Record<string, unknown>>((acc, layer) => merge(acc, layer), defaults());
  const config = resolved(merged);
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

/** A layer, validated as it is (`what` names it in the error). */
export function checked(value: unknown, what: string): ConfigInput {
  refuseReplaced(value, what);
  if (validateLayer(value)) return value;
  throw new StateguardError('ERR_CONFIG', `${what} is invalid`, { details: (validateLayer.errors ?? []).map(describeSchemaError) });
}

/** The merged layers, validated, with the schema's defaults filled in (in place: `merged` is a fresh copy). */
function resolved(merged: Record<string, unknown>): Config {
  refuseReplaced(merged, 'config');
  if (validateMerged(merged)) return merged;
  throw new StateguardError('ERR_CONFIG', 'config is invalid', { details: (validateMerged.errors ?? []).map(describeSchemaError) });
}

/** A fresh copy of the schema's defaults, keys in schema order (the layers' keys come after, as they always did). */
function defaults(): Record<string, unknown> {
  const base = {};
  validateMerged(base);
  return base;
}

function refuseReplaced(value: unknown, what: string): void {
  const replaced = typeof value === 'object' && value !== null ? Object.keys(REPLACED).filter((key) => key in value) : [];
  if (replaced.length > 0) throw new StateguardError('ERR_CONFIG', `${what} is invalid`, { details: replaced.map((key) => REPLACED[key] ?? key) });
}

/** `layer` over `base`; plain objects are copied (never shared with a layer), lists and values replace. */
function merge(base: Readonly<Record<string, unknown>>, layer: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out = { ...base };
  for (const [key, value] of Object.entries(layer)) {
    if (value === undefined) continue;
    const current = out[key];
    out[key] = isPlain(value) ? merge(isPlain(current) ? current : {}, value) : value;
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

/** The schema's defaults: the config with no layer. */
export const DEFAULT_CONFIG: Config = buildConfig([]); // last: it needs the whole module
