/** A parsed AdmissionReview as the engine's input, with the namespace labels the caller knows. */
import type { EvaluationRequest } from '../policy/index.ts';
import type { AdmissionContext, TargetRequest } from './types.ts';

export function evaluationRequest(review: TargetRequest, context: AdmissionContext): EvaluationRequest {
  const labels = review.namespace === undefined ? undefined : context.namespaceLabels?.(review.namespace);
  const exceptions = review.namespace === undefined ? undefined : context.exceptions?.(review.namespace);
  return {
    object: review.object,
    operation: review.operation,
    dryRun: review.dryRun,
    ...(review.oldObject === undefined ? {} : { oldObject: review.oldObject }),
    ...(review.namespace === undefined ? {} : { namespace: review.namespace }),
    ...(labels === undefined ? {} : { namespaceLabels: labels }),
    ...(review.userInfo === undefined ? {} : { userInfo: review.userInfo }),
    ...(context.lookup === undefined ? {} : { lookup: context.lookup }),
    ...(context.exemptionGrant === undefined ? {} : { exemptionGrant: context.exemptionGrant }),
    ...(exceptions === undefined ? {} : { exceptions }),
  };
}
