/**
 * What the engine will evaluate.
 * - Depth: the API server decodes a StatefulSet into its typed schema before any webhook sees it, so a real object
 *   nests about 15 levels (spec.template.spec.affinity…matchExpressions[0].values[0]), 20 with
 *   metadata.managedFields; its own JSON decoder refuses 10,000. The engine recurses (clone, diff, deep equality),
 *   so it refuses anything past MAX_DEPTH up front instead of overflowing the stack part-way through a rule.
 * - Values: every rule's work grows with the number of containers, volumes and claim templates. The API server's
 *   byte limits (1.5 MiB stored per object) allow hundreds of thousands of values, far past any real StatefulSet: the
 *   largest of the shared corpus has 568 (64 in its longest array), managedFields and status about double that.
 *   Most rules iterate a list (containers, volumes, claim templates), so long lists cost the most: MAX_ITEMS bounds
 *   each, MAX_VALUES the whole.
 */
import { StateguardError } from './errors.ts';

/** Levels of objects and arrays, the top-level object being level 1. */
export const MAX_DEPTH = 100;

/** Values (objects, arrays, scalars) in one object. */
export const MAX_VALUES = 20_000;

/** Items in one array: measured under 8 looping senders, a list of 500 kept the server at ~160 MiB, 1,000 at 260–300. */
export const MAX_ITEMS = 500;

/** Violations kept per policy result; the rest are counted in `omittedViolations`. */
export const MAX_VIOLATIONS_PER_POLICY = 100;

export type ShapeProblem = 'depth' | 'values' | 'items';

/**
 * Whether `value` nests deeper than `maxDepth` or holds more than `maxValues` values, or has an array of more than
 * `maxItems`. It runs on every request, before anything else looks at the object, so it is in two steps: a walk that
 * allocates nothing answers whether any limit is crossed (almost never), and only then the walk with an explicit stack
 * names the limit it meets first. Both are safe on any input.
 */
export function shapeProblem(value: unknown, maxDepth = MAX_DEPTH, maxValues = MAX_VALUES, maxItems = MAX_ITEMS): ShapeProblem | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const walk: QuickWalk = { values: 1, maxDepth, maxValues, maxItems };
  return withinLimits(value, 1, walk) ? undefined : firstProblem(value, maxDepth, maxValues, maxItems);
}

interface QuickWalk {
  values: number;
  readonly maxDepth: number;
  readonly maxValues: number;
  readonly maxItems: number;
}

/**
 * False as soon as a limit is crossed. Recursive, at most `maxDepth` + 1 calls deep. It may count more values than
 * firstProblem (for…in also sees inherited enumerable keys, were Object.prototype ever given one); that only sends
 * the object to firstProblem, which counts own values and decides.
 */
function withinLimits(current: object, level: number, walk: QuickWalk): boolean {
  if (level > walk.maxDepth) return false;
  if (Array.isArray(current)) {
    const items = current as unknown[];
    if (items.length > walk.maxItems) return false;
    walk.values += items.length;
    if (walk.values > walk.maxValues) return false;
    for (let i = 0; i < items.length; i++) {
      const child = items[i];
      if (typeof child === 'object' && child !== null && !withinLimits(child, level + 1, walk)) return false;
    }
    return true;
  }
  const record = current as Record<string, unknown>;
  for (const key in record) {
    if (++walk.values > walk.maxValues) return false;
    const child = record[key];
    if (typeof child === 'object' && child !== null && !withinLimits(child, level + 1, walk)) return false;
  }
  return true;
}

/** The limit a walk with an explicit stack (last child first) meets first; undefined when there is none. */
function firstProblem(value: object, maxDepth: number, maxValues: number, maxItems: number): ShapeProblem | undefined {
  const objects: object[] = [value];
  const levels: number[] = [1];
  let values = 1;
  while (objects.length > 0) {
    const current = objects.pop();
    const level = levels.pop() ?? 0;
    if (level > maxDepth) return 'depth';
    const children = Array.isArray(current) ? current as unknown[] : Object.values(current as Record<string, unknown>);
    if (Array.isArray(current) && children.length > maxItems) return 'items';
    values += children.length;
    if (values > maxValues) return 'values';
    for (let i = 0; i < children.length; i++) {
      const child = children[i];
      if (typeof child === 'object' && child !== null) {
        objects.push(child);
        levels.push(level + 1);
      }
    }
  }
  return undefined;
}

/** Why a request cannot be evaluated: which field, past which limit, in words. */
export interface Unevaluable {
  readonly field: 'object' | 'oldObject';
  readonly problem: ShapeProblem;
  readonly message: string;
}

const WHY: Readonly<Record<ShapeProblem, string>> = {
  depth: `nests more than ${MAX_DEPTH} levels of objects and arrays; a StatefulSet nests about 20, and stateguard does not evaluate deeper ones`,
  items: `has a list of more than ${MAX_ITEMS} items; the longest lists of real StatefulSets hold under 100, and stateguard does not evaluate longer ones`,
  values: `holds more than ${MAX_VALUES} values; the largest real StatefulSets hold a few thousand, and stateguard does not evaluate larger ones`,
};

/** The first field of the request at fault, or undefined when it can be evaluated. */
export function unevaluable(request: { readonly object: unknown; readonly oldObject?: unknown }): Unevaluable | undefined {
  for (const field of ['object', 'oldObject'] as const) {
    const problem = shapeProblem(request[field]);
    if (problem !== undefined) return { field, problem, message: `${field} ${WHY[problem]}` };
  }
  return undefined;
}

/**
 * ERR_INPUT for a request past the limits, with which field and limit as data: a caller that answers with a refusal
 * (the webhook) reads it from here instead of walking the object a second time before evaluating it.
 */
export class UnevaluableError extends StateguardError {
  readonly unevaluable: Unevaluable;

  constructor(found: Unevaluable) {
    super('ERR_INPUT', found.message);
    this.unevaluable = found;
  }
}

/** Throws an UnevaluableError (ERR_INPUT) when the request cannot be evaluated. */
export function assertEvaluable(request: { readonly object: unknown; readonly oldObject?: unknown }): void {
  const found = unevaluable(request);
  if (found !== undefined) throw new UnevaluableError(found);
}
