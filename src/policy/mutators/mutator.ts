/** The contract of a built-in mutator: edit a draft in place, adding only what is absent. */
import type { JsonObject, Operation } from '../types.ts';

export interface MutatorContext {
  /** A deep copy of the StatefulSet; the engine diffs it against the original into the patch. */
  readonly draft: JsonObject;
  readonly params: JsonObject;
  readonly operation: Operation;
}

/**
 * - `template`: edits spec.template; runs on CREATE, and on UPDATE only when the UPDATE already changes the
 *   template (otherwise every pod would restart).
 * - `create-only`: edits fields that are immutable after creation.
 */
export type MutatorScope = 'template' | 'create-only';

export interface Mutator {
  readonly name: string;
  readonly scope: MutatorScope;
  /** Sets Linux-only fields: skipped for `spec.template.spec.os.name: windows`, which the API would reject. */
  readonly linuxOnly: boolean;
  readonly params?: JsonObject;
  /** Returns whether the draft changed. */
  apply(context: MutatorContext): boolean;
}
