/**
 * The AdmissionReview answer as JSON text, written field by field in the order the response is built (outcome.ts,
 * decide.ts): the same bytes as JSON.stringify of the object, without its generic walk of every key. Strings still
 * go through JSON.stringify, so escaping is JSON.stringify's own. test/admission/serializes-responses-as-json-does.test.ts
 * compares the two for every response shape.
 */
import type { AdmissionResponse, AdmissionReviewResponse } from './types.ts';

export function serializeReviewResponse(review: AdmissionReviewResponse): string {
  return `{"apiVersion":${JSON.stringify(review.apiVersion)},"kind":${JSON.stringify(review.kind)},"response":${serializeResponse(review.response)}}`;
}

function serializeResponse(response: AdmissionResponse): string {
  let text = `{"uid":${JSON.stringify(response.uid)},"allowed":${response.allowed ? 'true' : 'false'}`;
  const { status, patchType, patch, warnings, auditAnnotations } = response;
  if (status !== undefined) text += `,"status":{"code":${JSON.stringify(status.code)},"reason":${JSON.stringify(status.reason)},"message":${JSON.stringify(status.message)}}`;
  if (patchType !== undefined) text += `,"patchType":${JSON.stringify(patchType)}`;
  if (patch !== undefined) text += `,"patch":${JSON.stringify(patch)}`;
  if (warnings !== undefined) text += `,"warnings":${JSON.stringify(warnings)}`;
  if (auditAnnotations !== undefined) text += `,"auditAnnotations":${JSON.stringify(auditAnnotations)}`;
  return `${text}}`;
}
