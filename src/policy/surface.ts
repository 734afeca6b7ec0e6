/**
 * The surfaces one engine serves, and for each what runs and what it answers for: the one place that says it.
 *
 * - `validate-webhook`: sees the object after the mutating webhook already ran: no mutators, every validation on the
 *   object as received. It runs the rules enforced in the mutating webhook again (a safety net if the mutating
 *   webhook was skipped) but does not answer for them: the mutating webhook counts them.
 * - `mutate-webhook`: the patch of defaults, plus the validations the API server's own validation (which runs
 *   between the two webhooks) would pre-empt with a terser message (`enforceInMutatingWebhook`), on the mutated object.
 * - `review` (the CLI): what the webhooks would do together: mutate, then validate the mutated object.
 * - `audit`: the stored object has been through the mutating webhook already: validate it as stored; the mutators
 *   still run so the report can show the defaults an older object lacks.
 */
import type { Policy } from './types.ts';

export const SURFACES = ['validate-webhook', 'mutate-webhook', 'review', 'audit'] as const;
export type Surface = (typeof SURFACES)[number];

export interface SurfacePlan {
  /** Run the mutators (the patch, the mutated object and mutator errors). */
  readonly mutators: boolean;
  /** The object validation sees: the mutated one (what would be admitted), or the object as received. */
  readonly validates: 'mutated' | 'received';
  /** Which validating policies run: every one, or only those enforced in the mutating webhook. */
  readonly validation: 'all' | 'mutating-webhook-rules';
  /** The results the surface answers for (counts in metrics and decision records): all it computes, or all but the mutating webhook's rules. */
  readonly answers: 'all' | 'all-but-mutating-webhook-rules';
}

export const SURFACE_PLANS: Readonly<Record<Surface, SurfacePlan>> = Object.freeze({
  'validate-webhook': { mutators: false, validates: 'received', validation: 'all', answers: 'all-but-mutating-webhook-rules' },
  'mutate-webhook': { mutators: true, validates: 'mutated', validation: 'mutating-webhook-rules', answers: 'all' },
  review: { mutators: true, validates: 'mutated', validation: 'all', answers: 'all' },
  audit: { mutators: true, validates: 'received', validation: 'all', answers: 'all' },
});

/** Whether the surface runs this policy's validation (the policy validates and its action is not off: the caller's part). */
export function validatesOn(plan: SurfacePlan, policy: Policy): boolean {
  return plan.validation === 'all' || policy.enforceInMutatingWebhook;
}

/** Whether a result of this policy, computed on this surface, is the surface's to answer for (so none is counted twice). */
export function answersFor(surface: Surface, policy: Policy | undefined): boolean {
  return SURFACE_PLANS[surface].answers === 'all' || policy?.enforceInMutatingWebhook !== true;
}
