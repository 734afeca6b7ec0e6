/** Runs the mutators on a draft and diffs it into the patch (the mutation contract of DESIGN.md §3). */
import { MUTATED_ANNOTATION } from './annotations.ts';
import { diff } from './diff.ts';
import { MUTATORS } from './mutators/index.ts';
import { asObject, cloneJson, deepEqual, ensureObject, isObject } from './object-path.ts';
import { isWindows, podSpec } from './pod.ts';
import type { EvaluationRequest, JsonObject, PatchOperation, Policy } from './types.ts';

export interface Mutation {
  readonly draft: JsonObject;
  readonly patch: readonly PatchOperation[];
  readonly acted: readonly string[];
  readonly errors: readonly { policy: string; message: string }[];
}

export function mutate(policies: readonly Policy[], object: JsonObject, request: EvaluationRequest): Mutation {
  const templateChanged = request.operation === 'CREATE' || !isObject(request.oldObject)
    || !deepEqual(asObject(object['spec'])['template'], asObject(request.oldObject['spec'])['template']);
  const windows = isWindows(podSpec(object));
  const runnable = policies.filter((policy) => {
    const mutator = MUTATORS.get(policy.mutate?.mutator ?? '');
    if (mutator === undefined || (mutator.linuxOnly && windows)) return false;
    if (mutator.scope === 'create-only') return request.operation === 'CREATE';
    return request.operation === 'CREATE' || (request.operation === 'UPDATE' && templateChanged);
  });
  if (runnable.length === 0) return { draft: object, patch: [], acted: [], errors: [] };

  let result = runAll(runnable, object, request);
  if (result.errors.length > 0) {
    // A mutator that threw may have left the draft half-edited: start again without the failed ones.
    const failed = new Set(result.errors.map((e) => e.policy));
    result = { ...runAll(runnable.filter((p) => !failed.has(p.id)), object, request), errors: result.errors };
  }
  // A mutator reports whether it changed the draft (test/policy/mutator-contract.test.ts holds each to that), so
  // when none did there is nothing to diff: the draft equals the object and the patch is empty.
  if (result.acted.length === 0) return { ...result, draft: object, patch: [] };
  if (request.operation === 'CREATE') stamp(result.draft, result.acted);
  return { ...result, patch: diff(object, result.draft) };
}

function runAll(policies: readonly Policy[], object: JsonObject, request: EvaluationRequest): Omit<Mutation, 'patch'> {
  const draft = cloneJson(object);
  const acted: string[] = [];
  const errors: { policy: string; message: string }[] = [];
  for (const policy of policies) {
    const mutator = MUTATORS.get(policy.mutate?.mutator ?? '');
    if (mutator === undefined) continue;
    try {
      if (mutator.apply({ draft, params: policy.mutate?.params ?? {}, operation: request.operation })) acted.push(policy.id);
    } catch (error) {
      errors.push({ policy: policy.id, message: error instanceof Error ? error.message : String(error) });
    }
  }
  return { draft, acted, errors };
}

/**
 * Records on the StatefulSet's own metadata which mutators acted (merged with an earlier stamp). Not when metadata
 * or its annotations hold something other than an object: that is the user's value, never overwritten.
 */
function stamp(draft: JsonObject, acted: readonly string[]): void {
  if (!canHoldObject(draft['metadata']) || !canHoldObject(asObject(draft['metadata'])['annotations'])) return;
  const annotations = ensureObject(ensureObject(draft, 'metadata'), 'annotations');
  const previous = typeof annotations[MUTATED_ANNOTATION] === 'string' ? annotations[MUTATED_ANNOTATION].split(',') : [];
  annotations[MUTATED_ANNOTATION] = [...new Set([...previous, ...acted].filter((id) => id !== ''))].sort().join(',');
}

function canHoldObject(value: unknown): boolean {
  return value === undefined || value === null || isObject(value);
}
