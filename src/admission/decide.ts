/**
 * One webhook's decision on a StatefulSet or Scale. Each webhook computes its half, and answers for its half: the
 * engine's surfaces `validate-webhook` and `mutate-webhook` say which (src/policy/surface.ts).
 */
import { answersFor, evaluate, MUTATED_ANNOTATION, UnevaluableError, type Evaluation, type Surface } from '../policy/index.ts';
import { enforce, type Enforcement } from './enforce.ts';
import { evaluationRequest } from './evaluation-request.ts';
import { patchRefusal, refusal, refusalOf, type Limit, type Refusal } from './limits.ts';
import { reviewResponse, type AdmissionOutcome } from './outcome.ts';
import type { AdmissionContext, AdmissionResponse, AdmissionStatus, TargetRequest, Webhook } from './types.ts';

const SURFACE: Readonly<Record<Webhook, Surface>> = { validate: 'validate-webhook', mutate: 'mutate-webhook' };

/** The response's audit annotation key: recorded by the API server as `<webhook name>/mutated` (see enforce.ts). */
const MUTATED_AUDIT_KEY = MUTATED_ANNOTATION.slice(MUTATED_ANNOTATION.indexOf('/') + 1);

export function decide(webhook: Webhook, review: TargetRequest, context: AdmissionContext): AdmissionOutcome {
  // The engine walks the object for its limits before anything else, and says which one: walking it here first too
  // cost about as much as a quarter of the evaluation.
  try {
    return decideEvaluable(webhook, review, context);
  } catch (error) {
    if (error instanceof UnevaluableError) return denied(review, refusalOf(error.unevaluable));
    throw error;
  }
}

function decideEvaluable(webhook: Webhook, review: TargetRequest, context: AdmissionContext): AdmissionOutcome {
  const surface = SURFACE[webhook];
  const evaluation = evaluate(context.set, evaluationRequest(review, context), { actions: context.actions, surface });
  // The defaults may take an object just inside the limits past them: refused, or its next evaluation would be.
  const mutatedRefused = evaluation.patch.length > 0 ? refusal({ object: evaluation.mutated }, 'request.object with the defaults added') : undefined;
  if (mutatedRefused !== undefined) return denied(review, mutatedRefused);
  const enforcement = enforce(evaluation.results);
  const { response, refused } = admissionResponse(review.uid, enforcement, evaluation);
  return {
    review,
    response: reviewResponse(response),
    decision: !response.allowed ? 'deny' : response.patch !== undefined ? 'patch' : 'allow',
    ...(refused === undefined ? {} : { refused }),
    findings: enforcement.findings,
    mutators: evaluation.mutators,
    // Each result is counted by the one webhook that answers for it (a rule enforced in the mutating webhook runs in both).
    results: evaluation.results.filter((r) => answersFor(surface, context.set.byId.get(r.policy))),
  };
}

/** A request stateguard will not evaluate (src/admission/limits.ts): denied, with the reason, by either webhook. */
function denied(review: TargetRequest, { limit, status }: Refusal): AdmissionOutcome {
  return { review, response: reviewResponse({ uid: review.uid, allowed: false, status }), decision: 'deny', refused: limit, findings: {}, mutators: [], results: [] };
}

/** Denied with one line per violation, or allowed with the patch if any; warnings and audit annotations either way. */
function admissionResponse(uid: string, enforcement: Enforcement, evaluation: Evaluation): { response: AdmissionResponse; refused?: Limit } {
  const patchJson = enforcement.denials.length === 0 && evaluation.patch.length > 0 ? JSON.stringify(evaluation.patch) : undefined;
  const tooLarge = patchJson === undefined ? undefined : patchRefusal(evaluation.patch.length, Buffer.byteLength(patchJson));
  const status: AdmissionStatus | undefined = enforcement.denials.length > 0
    ? { code: 403, reason: 'Forbidden', message: enforcement.denials.join('\n') }
    : tooLarge?.status;
  const allowed = status === undefined;
  const patched = allowed && patchJson !== undefined;
  const auditAnnotations = patched ? { ...enforcement.auditAnnotations, [MUTATED_AUDIT_KEY]: evaluation.mutators.join(',') } : enforcement.auditAnnotations;
  const response: AdmissionResponse = {
    uid,
    allowed,
    ...(status === undefined ? {} : { status }),
    ...(patched ? { patchType: 'JSONPatch', patch: Buffer.from(patchJson).toString('base64') } : {}),
    ...(enforcement.warnings.length === 0 ? {} : { warnings: enforcement.warnings }),
    ...(Object.keys(auditAnnotations).length === 0 ? {} : { auditAnnotations }),
  };
  return tooLarge === undefined ? { response } : { response, refused: tooLarge.limit };
}
