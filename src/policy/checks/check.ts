/** The contract of a built-in check: a pure function from an object to field-path violations. */
import type { JsonObject, LookupContext, LookupData, Operation, Skip, Target, Violation } from '../types.ts';

export interface CheckContext {
  /** The StatefulSet (or Scale) being evaluated, after mutation when the caller asked for it. */
  readonly object: JsonObject;
  readonly oldObject?: JsonObject | undefined;
  readonly operation: Operation;
  readonly target: Target;
  readonly namespace: string;
  readonly params: JsonObject;
  readonly lookup?: LookupContext | undefined;
  /** The policy's own fix text, used when a finding has no more specific one. */
  readonly fix: string;
}

/** A check either reports violations (empty: pass) or says why it cannot judge (skip, with words for people). */
export type CheckOutcome = readonly Violation[] | { readonly skip: Skip; readonly reason: string };

/**
 * The skip of a LOOKUP check whose data is missing: `lookup-forbidden` when the API server refused the list (the
 * refusal is named), otherwise `no-cluster-data` with `why` (e.g. "Services are not known offline").
 */
export function missingData(context: Pick<CheckContext, 'lookup'>, lookup: LookupData, why: string): CheckOutcome {
  const refused = context.lookup?.refused?.(lookup);
  return refused === undefined
    ? { skip: { cause: 'no-cluster-data', lookup }, reason: `no cluster data: ${why}` }
    : { skip: { cause: 'lookup-forbidden', lookup }, reason: `not evaluated, the lookup was refused: ${refused}` };
}

export interface Check {
  readonly name: string;
  /** JSON Schema of `validate.params`, checked when the policy loads. */
  readonly params?: JsonObject;
  run(context: CheckContext): CheckOutcome;
}

export function violation(path: string, message: string, fix: string, checkId?: string): Violation {
  return checkId === undefined ? { path, message, fix } : { path, message, fix, checkId };
}
