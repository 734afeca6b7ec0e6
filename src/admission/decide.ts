/**
 * One webhook's decision on a StatefulSet or Scale. Each webhook computes its half (the engine's skip options):
 * - validate: the object as received (the mutating webhook already ran), every validating policy, no patch;
 * - mutate: the patch of defaults, plus the policies enforced in the mutating webhook (rules the API server's own
 *   validation would pre-empt before the validating webhook runs).
 */
import { evaluate, MUTATED_ANNOTATION, type EvaluateOptions, type Evaluation } from '../policy/index.ts';
import { enforce, type Enforcement } from './enforce.ts';
import { evaluationRequest } from './evaluation-request.ts';
import { reviewResponse, type AdmissionOutcome } from './outcome.ts';
import type { AdmissionContext, AdmissionResponse, TargetReview, Webhook } from './types.ts';

const EVALUATION: Readonly<Record<Webhook, EvaluateOptions>> = {
  validate: { validateMutated: false, skipMutation: true },
  mutate: { skipValidation: true },
};

/** The response's audit annotation key: recorded by the API server as `<webhook name>/mutated` (see enforce.ts). */
const MUTATED_AUDIT_KEY = MUTATED_ANNOTATION.slice(MUTATED_ANNOTATION.indexOf('/') + 1);

export function decide(webhook: Webhook, review: TargetReview, context: AdmissionContext): AdmissionOutcome {
  const evaluation = evaluate(context.set, evaluationRequest(review, context), { actions: context.actions, ...EVALUATION[webhook] });
  const enforcement = enforce(evaluation.results);
  const response = admissionResponse(review.uid, enforcement, evaluation);
  return {
    review,
    response: reviewResponse(response),
    decision: !response.allowed ? 'deny' : response.patch !== undefined ? 'patch' : 'allow',
    findings: enforcement.findings,
    mutators: evaluation.mutators,
    // A policy enforced in the mutating webhook is counted there, not a second time here.
    results: webhook === 'validate' ? evaluation.results.filter((r) => context.set.byId.get(r.policy)?.enforceInMutatingWebhook !== true) : evaluation.results,
  };
}

/** Denied with one line per violation, or allowed with the patch if any; warnings and audit annotations either way. */
function admissionResponse(uid: string, enforcement: Enforcement, evaluation: Evaluation): AdmissionResponse {
  const allowed = enforcement.denials.length === 0;
  const patched = allowed && evaluation.patch.length > 0;
  const auditAnnotations = patched ? { ...enforcement.auditAnnotations, [MUTATED_AUDIT_KEY]: evaluation.mutators.join(',') } : enforcement.auditAnnotations;
  return {
    uid,
    allowed,
    ...(allowed ? {} : { status: { code: 403, reason: 'Forbidden', message: enforcement.denials.join('\n') } }),
    ...(patched ? { patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(evaluation.patch)).toString('base64') } : {}),
    ...(enforcement.warnings.length === 0 ? {} : { warnings: enforcement.warnings }),
    ...(Object.keys(auditAnnotations).length === 0 ? {} : { auditAnnotations }),
  };
}
