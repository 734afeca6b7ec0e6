/** AdmissionReview v1 ⇄ engine: parsing, enforcement actions, and message, warning and patch assembly. */
export * from './types.ts';
export { admit, admitParsed, type Admission } from './admit.ts';
export { parseReview, type ParsedRequest } from './parse-review.ts';
export { enforce, type Enforcement, type FindingAction } from './enforce.ts';
export { EXCEPTED_ANNOTATION, exceptionUses } from './exception-records.ts';
export type { AdmissionOutcome, Decision } from './outcome.ts';
export { problem, type Problem, type ProblemCode } from './problems.ts';
export { MAX_WARNINGS, WARNING_MAX_CHARS } from './messages.ts';
export { DENIAL_LINE_MAX_CHARS, MAX_DENIAL_LINES, MAX_DEPTH, MAX_ITEMS, MAX_VALUES, MAX_PATCH_OPERATIONS, MESSAGE_MAX_BYTES, PATCH_MAX_BYTES, type Limit } from './limits.ts';
export { serializeReviewResponse } from './serialize-response.ts';
