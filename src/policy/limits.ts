/**
 * What the engine will evaluate. The API server decodes a StatefulSet into its typed schema before any webhook sees
 * it, so a real object nests about 15 levels (spec.template.spec.affinity…matchExpressions[0].values[0]), 20 with
 * metadata.managedFields; its own JSON decoder refuses 10,000. The engine recurses (clone, diff, deep equality), so
 * it refuses anything past MAX_DEPTH up front instead of overflowing the stack part-way through a rule.
 */
import { StateguardError } from './errors.ts';

/** Levels of objects and arrays, the top-level object being level 1. */
export const MAX_DEPTH = 100;

/** Violations kept per policy result; the rest are counted in `omittedViolations`. */
export const MAX_VIOLATIONS_PER_POLICY = 100;

/** Whether `value` nests objects or arrays more than `max` levels deep. Iterative: safe on any depth. */
export function nestsDeeperThan(value: unknown, max = MAX_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [current, level] = next;
    if (typeof current !== 'object' || current === null) continue;
    if (level > max) return true;
    for (const child of Array.isArray(current) ? current : Object.values(current)) {
      if (typeof child === 'object' && child !== null) stack.push([child, level + 1]);
    }
  }
  return false;
}

/** The field of a request that nests too deep to evaluate, if any. */
export function tooDeepField(request: { readonly object: unknown; readonly oldObject?: unknown }): 'object' | 'oldObject' | undefined {
  if (nestsDeeperThan(request.object)) return 'object';
  if (nestsDeeperThan(request.oldObject)) return 'oldObject';
  return undefined;
}

export function tooDeepMessage(field: string): string {
  return `${field} nests more than ${MAX_DEPTH} levels of objects and arrays; a StatefulSet nests about 20, and stateguard does not evaluate deeper ones`;
}

/** Throws ERR_INPUT when the request is too deep to evaluate (callers that can answer otherwise check first). */
export function assertEvaluable(request: { readonly object: unknown; readonly oldObject?: unknown }): void {
  const field = tooDeepField(request);
  if (field !== undefined) throw new StateguardError('ERR_INPUT', tooDeepMessage(field));
}
