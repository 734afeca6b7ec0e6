/** What one admission request ended in: the AdmissionReview to send, and what the webhook logs and counts. */
import type { PolicyResult } from '../policy/index.ts';
import type { FindingAction } from './enforce.ts';
import type { Limit } from './limits.ts';
import { ADMISSION_API_VERSION, ADMISSION_KIND, type AdmissionResponse, type AdmissionReviewResponse, type AdmissionRequest } from './types.ts';

/** `ignore`: a request the webhook rules should not have sent, allowed with a warning. */
export type Decision = 'allow' | 'deny' | 'patch' | 'ignore';

export interface AdmissionOutcome {
  readonly review: AdmissionRequest;
  readonly response: AdmissionReviewResponse;
  readonly decision: Decision;
  /** Set when the request was denied because it is past a limit (README "Limits"), not for a policy's finding. */
  readonly refused?: Limit;
  readonly findings: Readonly<Record<string, FindingAction>>;
  /** Mutators whose defaults are in the patch. */
  readonly mutators: readonly string[];
  /** The results this webhook is answerable for, so that metrics count each policy's result once per request. */
  readonly results: readonly PolicyResult[];
}

export function reviewResponse(response: AdmissionResponse): AdmissionReviewResponse {
  return { apiVersion: ADMISSION_API_VERSION, kind: ADMISSION_KIND, response };
}
