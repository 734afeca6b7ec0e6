/** Mutate, then validate the mutated object, as the API server does: one pure function for every surface. */
import { DEFAULT_ACTION_SETTINGS, exemptionRefusal, readExemption, refusalText, resolveAction, type Exemption } from './actions.ts';
import type { CheckContext } from './checks/check.ts';
import { CHECKS } from './checks/index.ts';
import { applyExceptions } from './exceptions.ts';
import type { PolicySet } from './compile.ts';
import { StateguardError } from './errors.ts';
import { assertEvaluable, MAX_VIOLATIONS_PER_POLICY } from './limits.ts';
import { mutate } from './mutate.ts';
import { asObject, asString, isObject } from './object-path.ts';
import { runSchemaRule } from './schema-rule.ts';
import { scopeOf, type ScopeFacts, type ScopeVerdict } from './match.ts';
import { SURFACE_PLANS, validatesOn, type Surface } from './surface.ts';
import { isValidating, type Action, type ActionSettings, type Evaluation, type EvaluationRequest, type ExemptionClaim, type JsonObject, type Policy, type PolicyResult, type Skip, type Target, type ValidatingPolicy, type Violation } from './types.ts';

export interface EvaluateOptions {
  readonly actions?: ActionSettings;
  /** Which surface asks: what runs and on which object (src/policy/surface.ts). Default `review`: mutate, then validate the mutated object. */
  readonly surface?: Surface;
}

export function targetOf(object: unknown): Target {
  if (!isObject(object)) throw new StateguardError('ERR_INPUT', `expected a StatefulSet or Scale object, got ${object === null ? 'null' : Array.isArray(object) ? 'an array' : typeof object}`);
  return object['kind'] === 'Scale' ? 'Scale' : 'StatefulSet';
}

export function evaluate(set: PolicySet, request: EvaluationRequest, options: EvaluateOptions = {}): Evaluation {
  const target = targetOf(request.object);
  assertEvaluable(request);
  const object = request.object as JsonObject;
  const settings = options.actions ?? DEFAULT_ACTION_SETTINGS;
  const namespace = request.namespace ?? (asString(asObject(object['metadata'])['namespace']) ?? 'default');
  const exemption = readExemption(object);
  const claims = new Map<string, ClaimEntry>();
  const claimOf = (id: string): ClaimEntry | undefined => {
    if (exemption === undefined || !exemption.policies.has(id)) return undefined;
    let claim = claims.get(id);
    if (claim === undefined) claims.set(id, (claim = claimFor(exemption, id, namespace, settings, request)));
    return claim;
  };
  // Scope (match / exclude) per request: a policy out of scope gives no result at all, so it is never counted as a pass.
  // Sets without any scoped policy (the built-ins) skip this entirely: nothing is allocated per request for it.
  const scoped = hasScopes(set);
  const facts: ScopeFacts | undefined = !scoped ? undefined : {
    namespace,
    namespaceLabels: request.namespaceLabels,
    labels: target === 'StatefulSet' ? stringRecord(asObject(object['metadata'])['labels']) : undefined,
    operation: request.operation,
    userInfo: request.userInfo,
  };
  const scopes = new Map<Policy, ScopeVerdict>();
  const scopeFor = (policy: Policy): ScopeVerdict | undefined => {
    if (facts === undefined) return undefined;
    let scope = scopes.get(policy);
    if (scope === undefined) scopes.set(policy, (scope = scopeOf(policy, facts)));
    return scope;
  };
  const all = applicableOf(set, target, request.operation);
  const applicable = scoped ? all.filter((policy) => scopeFor(policy)?.applies !== false) : all;

  const plan = SURFACE_PLANS[options.surface ?? 'review'];
  const mutation = target === 'StatefulSet' && plan.mutators
    ? mutate(applicable.filter((p) => p.mutate?.enabled === true && claimOf(p.id)?.claim.honoured !== true), object, request)
    : { draft: object, patch: [], acted: [], errors: [] };
  const subject = plan.validates === 'received' ? object : mutation.draft;

  const base: CheckBase = {
    object: subject,
    oldObject: isObject(request.oldObject) ? request.oldObject : undefined,
    operation: request.operation,
    target,
    namespace,
    lookup: request.lookup,
  };
  const results: PolicyResult[] = [];
  for (const policy of applicable) {
    const failed = mutation.errors.find((e) => e.policy === policy.id);
    if (failed !== undefined) {
      results.push(mutatorFailure(policy, failed.message));
      continue;
    }
    if (!isValidating(policy) || !validatesOn(plan, policy)) continue;
    const action = resolveAction(policy, settings, request.namespaceLabels);
    if (action === 'off') continue;
    const result = validateOne(set, policy, action, base, claimOf(policy.id));
    const scope = scopeFor(policy);
    results.push(scope?.applies === true && scope.unchecked.length > 0 ? { ...result, scope: { unchecked: scope.unchecked } } : result);
  }
  // StatefulSetPolicyExceptions act here and nowhere else (src/policy/exceptions.ts).
  return { target, results: applyExceptions(results, request.exceptions, target, object, namespace), patch: mutation.patch, mutators: mutation.acted, mutated: mutation.draft };
}

/** The policies for a target and operation, worked out once per compiled set (every request asks the same question). */
const APPLICABLE = new WeakMap<PolicySet, Map<string, readonly Policy[]>>();

function applicableOf(set: PolicySet, target: Target, operation: EvaluationRequest['operation']): readonly Policy[] {
  let byKey = APPLICABLE.get(set);
  if (byKey === undefined) APPLICABLE.set(set, (byKey = new Map()));
  const key = `${target} ${operation}`;
  let policies = byKey.get(key);
  if (policies === undefined) byKey.set(key, (policies = set.policies.filter((p) => p.targets.includes(target) && p.operations.includes(operation))));
  return policies;
}

const SCOPED = new WeakMap<PolicySet, boolean>();

/** Whether any policy of the set has match / exclude, worked out once per compiled set. */
function hasScopes(set: PolicySet): boolean {
  let scoped = SCOPED.get(set);
  if (scoped === undefined) SCOPED.set(set, (scoped = set.policies.some((p) => p.match !== undefined || p.exclude !== undefined)));
  return scoped;
}

/** What every check of one evaluation sees; each check adds its policy's params and fix. */
type CheckBase = Omit<CheckContext, 'params' | 'fix'>;

function validateOne(set: PolicySet, policy: ValidatingPolicy, action: Action, base: CheckBase, entry: ClaimEntry | undefined): PolicyResult {
  const claim = entry?.claim;
  if (claim?.honoured === true) return resultOf(policy, action, 'skip', [], `exempted: ${claim.reason}`, { skip: { cause: 'exempted' }, exemption: claim });
  const validate = policy.validate;
  let violations: readonly Violation[];
  let found: number;
  try {
    if (validate.check !== undefined) {
      const check = CHECKS.get(validate.check);
      if (check === undefined) throw new Error(`unknown check ${validate.check}`);
      // One shape for every check's context (a spread per policy made the call sites megamorphic).
      const outcome = check.run({
        object: base.object,
        oldObject: base.oldObject,
        operation: base.operation,
        target: base.target,
        namespace: base.namespace,
        lookup: base.lookup,
        params: validate.params,
        fix: validate.fix,
      });
      if (!Array.isArray(outcome)) {
        const skipped = outcome as { skip: Skip; reason: string };
        return resultOf(policy, action, 'skip', [], skipped.reason, { skip: skipped.skip });
      }
      found = outcome.length;
      violations = found > MAX_VIOLATIONS_PER_POLICY ? outcome.slice(0, MAX_VIOLATIONS_PER_POLICY) : outcome;
    } else {
      const schema = set.schemas.get(policy.id);
      if (schema === undefined) throw new Error('schema rule was not compiled');
      ({ violations, found } = runSchemaRule(validate, schema, base.object, MAX_VIOLATIONS_PER_POLICY));
    }
  } catch (error) {
    return resultOf(policy, action, 'error', [], `check failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const notHonoured = entry?.note;
  const extra: ResultExtra = claim === undefined ? NO_EXTRA : { exemption: claim };
  const omitted = found - violations.length;
  if (violations.length === 0) return resultOf(policy, action, 'pass', [], notHonoured, extra);
  return resultOf(policy, action, action === 'deny' ? 'fail' : 'warn', violations, notHonoured, omitted > 0 ? { ...extra, omittedViolations: omitted } : extra);
}

/** An exemption claim, and for people why it was not honoured. */
interface ClaimEntry {
  readonly claim: ExemptionClaim;
  readonly note?: string;
}

/** The exemption the object claims for one policy, with whether it is honoured and why not. */
function claimFor(exemption: Exemption, id: string, namespace: string, settings: ActionSettings, request: EvaluationRequest): ClaimEntry {
  const refusal = exemptionRefusal(id, exemption.reason, namespace, settings, request.exemptionGrant);
  if (refusal === undefined) return { claim: { reason: exemption.reason, honoured: true } };
  return {
    claim: { reason: exemption.reason, honoured: false, refusal },
    note: refusalText(refusal, id, namespace, request.userInfo?.username, request.exemptionGrant),
  };
}

/** A mutator that threw: `error` for its policy only, recorded and never enforced (action audit; the validation's severity, if any). */
function mutatorFailure(policy: Policy, message: string): PolicyResult {
  return {
    policy: policy.id, category: policy.category, ...(policy.severity === undefined ? {} : { severity: policy.severity }), action: 'audit', result: 'error', violations: [],
    reason: `mutator failed: ${message}`,
  };
}

type ResultExtra = Pick<PolicyResult, 'skip' | 'exemption' | 'omittedViolations'>;

const NO_EXTRA: ResultExtra = Object.freeze({});

/**
 * The fields in this order: policy, category, severity, action, result, violations, then skip, exemption,
 * omittedViolations and reason when present. Assigned one by one rather than spread: about 25 results a request,
 * and most are a plain pass.
 */
function resultOf(policy: ValidatingPolicy, action: Action, result: PolicyResult['result'], violations: readonly Violation[], reason?: string, extra: ResultExtra = NO_EXTRA): PolicyResult {
  const out: { -readonly [K in keyof PolicyResult]: PolicyResult[K] } = { policy: policy.id, category: policy.category, severity: policy.severity, action, result, violations };
  if (extra.skip !== undefined) out.skip = extra.skip;
  if (extra.exemption !== undefined) out.exemption = extra.exemption;
  if (extra.omittedViolations !== undefined) out.omittedViolations = extra.omittedViolations;
  if (reason !== undefined) out.reason = reason;
  return out;
}

/** metadata.labels as strings only; {} when there are none. */
function stringRecord(value: unknown): Readonly<Record<string, string>> {
  const out: Record<string, string> = {};
  if (isObject(value)) for (const [key, item] of Object.entries(value)) if (typeof item === 'string') out[key] = item;
  return out;
}
