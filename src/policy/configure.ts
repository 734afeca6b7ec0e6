/**
 * Per-policy settings from the config file, applied to a compiled set: `params` merge over the policy's own params
 * and are validated against the params schema of its built-in check or mutator; `enabled` switches a mutator;
 * `action` (applied per request with the namespace label and the ceiling, src/policy/actions.ts) is checked here to
 * belong to a validating policy. An id that names no loaded policy is an error that suggests the closest one, and so
 * is `action` for a mutator or `enabled` for a policy without one. Pure: the caller reads the config.
 */
import type { Ajv, ValidateFunction } from 'ajv';
import { newAjv } from './ajv.ts';
import { CHECKS } from './checks/index.ts';
import type { PolicySet } from './compile.ts';
import { describeSchemaError } from './compile.ts';
import { StateguardError } from './errors.ts';
import { MUTATORS } from './mutators/index.ts';
import type { Action, JsonObject, Policy, PolicyScope } from './types.ts';

export interface PolicySettings {
  /** The validation's action: only for a policy that validates (checked here, applied by resolveAction). */
  readonly action?: Action;
  /** The mutator's switch: only for a policy with a mutator. */
  readonly enabled?: boolean;
  readonly params?: JsonObject;
  /** Replace the policy's own match / exclude (validated by the config schema). */
  readonly match?: PolicyScope;
  readonly exclude?: PolicyScope;
}

/** Made on the first configured params schema (most runs configure none). */
let ajv: Ajv | undefined;
const compiled = new WeakMap<JsonObject, ValidateFunction>();

/** The set with each configured policy's params merged in; throws ERR_CONFIG naming every problem. */
export function configurePolicies(set: PolicySet, settings: Readonly<Record<string, PolicySettings>>): PolicySet {
  const problems: string[] = [];
  const replaced = new Map<string, Policy>();
  for (const [id, setting] of Object.entries(settings)) {
    const policy = set.byId.get(id);
    if (policy === undefined) {
      const near = closestId(id, [...set.byId.keys()]);
      problems.push(`policies.${id}: no policy with this id (${near === undefined ? 'stateguard policies lists them' : `did you mean "${near}"?`})`);
      continue;
    }
    if (setting.action !== undefined && policy.validate === undefined) {
      problems.push(`policies.${id}.action: ${id} is a mutator: it has no action (action precedence is validation's); switch it with policies.${id}.enabled: ${setting.action === 'off' ? 'false' : 'true'}`);
    }
    if (setting.enabled !== undefined && policy.mutate === undefined) {
      problems.push(`policies.${id}.enabled: ${id} has no mutator (enabled switches mutators); set its validation's policies.${id}.action: deny | warn | audit | off`);
      continue;
    }
    const switched = setting.enabled === undefined || policy.mutate === undefined || policy.mutate.enabled === setting.enabled ? {} : { mutate: Object.freeze({ ...policy.mutate, enabled: setting.enabled }) };
    const scoped: Policy = setting.match === undefined && setting.exclude === undefined && switched.mutate === undefined ? policy : Object.freeze({
      ...policy,
      ...switched,
      ...(setting.match === undefined ? {} : { match: setting.match }),
      ...(setting.exclude === undefined ? {} : { exclude: setting.exclude }),
    });
    if (setting.params === undefined) {
      if (scoped !== policy) replaced.set(id, scoped);
      continue;
    }
    const next = withParams(scoped, setting.params, (problem) => problems.push(`policies.${id}.params${problem}`));
    if (next !== undefined) replaced.set(id, next);
  }
  if (problems.length > 0) throw new StateguardError('ERR_CONFIG', `config: policy settings are invalid (${problems.length} problem${problems.length === 1 ? '' : 's'})`, { details: problems });
  if (replaced.size === 0) return set;
  const policies = Object.freeze(set.policies.map((p) => replaced.get(p.id) ?? p));
  return Object.freeze({ policies, byId: new Map(policies.map((p) => [p.id, p])), schemas: set.schemas });
}

function withParams(policy: Policy, params: JsonObject, report: (problem: string) => void): Policy | undefined {
  const check = policy.validate?.check === undefined ? undefined : CHECKS.get(policy.validate.check)?.params;
  const mutator = policy.mutate === undefined ? undefined : MUTATORS.get(policy.mutate.mutator)?.params;
  if (check === undefined && mutator === undefined) {
    report(': the policy takes no params');
    return undefined;
  }
  let ok = true;
  const merged = (schema: JsonObject | undefined, defaults: JsonObject | undefined): JsonObject | undefined => {
    if (schema === undefined || defaults === undefined) return undefined;
    const value = Object.freeze({ ...defaults, ...params });
    const validate = validatorOf(schema);
    if (validate(value)) return value;
    ok = false;
    for (const error of validate.errors ?? []) report(describeParamError(error, schema));
    return undefined;
  };
  const validateParams = merged(check, policy.validate?.params);
  const mutateParams = merged(mutator, policy.mutate?.params);
  if (!ok) return undefined;
  const mutate = policy.mutate === undefined || mutateParams === undefined ? {} : { mutate: Object.freeze({ ...policy.mutate, params: mutateParams }) };
  if (policy.validate === undefined) return Object.freeze({ ...policy, ...mutate });
  return Object.freeze({ ...policy, ...(validateParams === undefined ? {} : { validate: Object.freeze({ ...policy.validate, params: validateParams }) }), ...mutate });
}

function validatorOf(schema: JsonObject): ValidateFunction {
  let validate = compiled.get(schema);
  if (validate === undefined) {
    ajv ??= newAjv({ allErrors: true, strict: true, strictTypes: false, strictTuples: false, strictRequired: false });
    compiled.set(schema, (validate = ajv.compile(schema)));
  }
  return validate;
}

function describeParamError(error: Parameters<typeof describeSchemaError>[0], schema: JsonObject): string {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties') {
    const known = Object.keys((schema['properties'] ?? {}) as JsonObject);
    return `.${String(params['additionalProperty'])}: unknown param (known: ${known.join(', ')})`;
  }
  const described = describeSchemaError(error);
  // describeSchemaError starts with the instance path, or "(document)" for the params object itself.
  return described.startsWith('(document)') ? described.slice('(document)'.length) : `.${described}`;
}

/** The known id nearest to `id` by edit distance, when it is near enough to be a likely typo. */
export function closestId(id: string, known: readonly string[]): string | undefined {
  let best: { id: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(id, candidate);
    if (best === undefined || distance < best.distance) best = { id: candidate, distance };
  }
  return best !== undefined && best.distance <= Math.max(2, Math.floor(id.length / 3)) ? best.id : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length]!;
}
