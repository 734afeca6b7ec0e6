/**
 * The bounds on what one admission answer may carry, whatever the input (README "Limits"). Each comes from what
 * the API server itself accepts or keeps:
 * - warnings: the API server keeps 4 KiB of them, 256 characters each (src/admission/messages.ts);
 * - denial message: returned whole to the client and written to the audit log; 16 KiB is half of what the API
 *   server accepts in a condition message (32 KiB), and 50 lines of 1 KiB is more than anyone reads in a terminal;
 * - patch: the API server applies at most 10,000 JSON Patch operations in a PATCH request, and stores at most
 *   1.5 MiB per object (etcd), so a patch of defaults over 1 MiB could not be stored anyway.
 */
import { MAX_DEPTH, MAX_ITEMS, MAX_VALUES, unevaluable, type ShapeProblem, type Unevaluable } from '../policy/index.ts';
import type { AdmissionStatus, TargetRequest } from './types.ts';

export const MAX_DENIAL_LINES = 50;
export const DENIAL_LINE_MAX_CHARS = 1024;
export const MESSAGE_MAX_BYTES = 16 * 1024;
export const MAX_PATCH_OPERATIONS = 10_000;
export const PATCH_MAX_BYTES = 1024 * 1024;
export { MAX_DEPTH, MAX_ITEMS, MAX_VALUES };

/** Which limit a refused request is past: the decision log's field (src/policy/limits.ts has the first three). */
export type Limit = ShapeProblem | 'patch';

export interface Refusal {
  readonly limit: Limit;
  readonly status: AdmissionStatus;
}

/** Why a well-formed review will not be evaluated: a deny status, so that no failurePolicy can let it through. */
export function refusal(review: Pick<TargetRequest, 'object' | 'oldObject'> | { readonly object: unknown }, objectName = 'request.object'): Refusal | undefined {
  const found = unevaluable(review);
  return found === undefined ? undefined : refusalOf(found, objectName);
}

/** The refusal for what the engine found past its limits (request.object or request.oldObject). */
export function refusalOf(found: Unevaluable, objectName = 'request.object'): Refusal {
  const named = found.field === 'object' ? `${objectName}${found.message.slice('object'.length)}` : `request.${found.message}`;
  return { limit: found.problem, status: { code: 422, reason: 'Invalid', message: `stateguard: ${named}` } };
}

/** The patch is too large to send: denied rather than admitted without its defaults. */
export function patchRefusal(operations: number, bytes: number): Refusal | undefined {
  if (operations <= MAX_PATCH_OPERATIONS && bytes <= PATCH_MAX_BYTES) return undefined;
  return {
    limit: 'patch',
    status: {
      code: 413,
      reason: 'RequestEntityTooLarge',
      message: `stateguard: the defaults for this StatefulSet make a JSON patch of ${operations} operations (${bytes} bytes); stateguard sends at most ${MAX_PATCH_OPERATIONS} operations and ${PATCH_MAX_BYTES} bytes, and does not admit it without them`,
    },
  };
}
