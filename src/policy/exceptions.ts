/**
 * The one place StatefulSetPolicyExceptions act (called once, at the end of evaluate()): an exception of the
 * StatefulSet's namespace that names the policy and covers the StatefulSet (by name or label selector), and has not
 * expired, turns the policy's result into `skip` with cause `excepted` — never a pass. With `checks`, only the
 * findings of those Pod Security check ids are lifted: the rest still count, and when none is left the result is
 * the same skip. Expired exceptions change nothing and are listed on the result; so is an input that could not be
 * checked. Exceptions lift validation only: mutators (which add defaults and never deny) are not affected.
 */
import type { AppliedException, ExceptionRef, ExceptionsInput, ExceptionTrace, PolicyException } from './exception-types.ts';
import { selectorMatches } from './label-selectors.ts';
import { asObject, asString, isObject } from './object-path.ts';
import type { JsonObject, PolicyResult, Target } from './types.ts';

interface Cover {
  readonly exception: PolicyException;
  readonly checks?: readonly string[];
}

export function applyExceptions(results: readonly PolicyResult[], input: ExceptionsInput | undefined, target: Target, object: JsonObject, namespace: string): readonly PolicyResult[] {
  if (input === undefined) return results;
  const covering = coveringExceptions(input.items, target, object, namespace);
  if (covering.length === 0 && input.unchecked === undefined) return results;
  return results.map((result) => withExceptions(result, covering, input));
}

/** The exceptions of the namespace that cover this StatefulSet (a Scale carries no labels: by name only). */
function coveringExceptions(items: readonly PolicyException[], target: Target, object: JsonObject, namespace: string): readonly PolicyException[] {
  if (items.length === 0) return items;
  const metadata = asObject(object['metadata']);
  const name = asString(metadata['name']);
  const labels = target === 'StatefulSet' ? stringLabels(metadata['labels']) : undefined;
  return items.filter((exception) => {
    if (exception.namespace !== namespace) return false;
    const { names, selector } = exception.statefulSets;
    if (name !== undefined && names?.includes(name) === true) return true;
    return selector !== undefined && labels !== undefined && selectorMatches(selector, labels);
  });
}

function withExceptions(result: PolicyResult, covering: readonly PolicyException[], input: ExceptionsInput): PolicyResult {
  const live: Cover[] = [];
  const expired: (ExceptionRef & { expiresAt: string })[] = [];
  for (const exception of covering) {
    for (const entry of exception.policies) {
      if (entry.policy !== result.policy) continue;
      if (exception.expiresAtMs !== undefined && exception.expiresAtMs <= input.now) expired.push({ namespace: exception.namespace, name: exception.name, expiresAt: exception.expiresAt ?? '' });
      else live.push(entry.checks === undefined ? { exception } : { exception, checks: entry.checks });
    }
  }
  // Said only where an exception could have mattered: a result that is not a pass or a skip.
  const unchecked = input.unchecked !== undefined && (result.result === 'fail' || result.result === 'warn' || result.result === 'error') ? input.unchecked : undefined;
  const trace = (applied: readonly AppliedException[]): ExceptionTrace | undefined => {
    const out: ExceptionTrace = {
      ...(applied.length === 0 ? {} : { applied }),
      ...(expired.length === 0 ? {} : { expired }),
      ...(unchecked === undefined ? {} : { unchecked }),
    };
    return Object.keys(out).length === 0 ? undefined : out;
  };
  const whole = live.find((cover) => cover.checks === undefined);
  if (whole !== undefined) {
    const { exception } = whole;
    return skipped(result, exception, trace([{ namespace: exception.namespace, name: exception.name, reason: exception.reason }]));
  }
  const applied: AppliedException[] = [];
  let violations = result.violations;
  for (const { exception, checks } of live) {
    const kept = violations.filter((v) => v.checkId === undefined || !checks!.includes(v.checkId));
    if (kept.length === violations.length) continue;
    const lifted = [...new Set(violations.filter((v) => !kept.includes(v)).map((v) => v.checkId!))];
    applied.push({ namespace: exception.namespace, name: exception.name, reason: exception.reason, checks: lifted });
    violations = kept;
  }
  const recorded = trace(applied);
  if (applied.length > 0 && violations.length === 0 && (result.omittedViolations ?? 0) === 0) return skipped(result, applied[0]!, recorded);
  if (recorded === undefined) return result;
  return { ...result, violations, exceptions: recorded };
}

function skipped(result: PolicyResult, by: ExceptionRef, trace: ExceptionTrace | undefined): PolicyResult {
  return {
    policy: result.policy, category: result.category, action: result.action,
    ...(result.severity === undefined ? {} : { severity: result.severity }),
    ...(result.exemption === undefined ? {} : { exemption: result.exemption }),
    ...(result.scope === undefined ? {} : { scope: result.scope }),
    result: 'skip',
    violations: [],
    skip: { cause: 'excepted', exception: { namespace: by.namespace, name: by.name } },
    reason: `excepted by StatefulSetPolicyException ${by.namespace}/${by.name}`,
    ...(trace === undefined ? {} : { exceptions: trace }),
  };
}

function stringLabels(value: unknown): Readonly<Record<string, string>> {
  const out: Record<string, string> = {};
  if (isObject(value)) for (const [key, item] of Object.entries(value)) if (typeof item === 'string') out[key] = item;
  return out;
}
