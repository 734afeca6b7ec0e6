/**
 * The catalogue of bad admission requests. A problem is data (returned, never thrown): the webhook answers it
 * with its HTTP status and `{ statusCode, error, code, message }`, and logs it once.
 */
export const PROBLEMS = {
  ERR_CONTENT_TYPE: 415,
  ERR_BODY_TOO_LARGE: 413,
  ERR_JSON: 400,
  /** Valid JSON with a `__proto__` or `constructor.prototype` key: refused, it could poison object prototypes. */
  ERR_JSON_PROTOTYPE_KEY: 400,
  ERR_BAD_REQUEST: 400,
  ERR_NOT_FOUND: 404,
  ERR_REQUEST_TIMEOUT: 408,
  /** Too many large bodies in flight (server.bodyBudgetBytes): answered with Retry-After. */
  ERR_BUSY: 429,
  /** nginx's "client closed request": never sent, the connection is gone. */
  ERR_CLIENT_CLOSED: 499,
  ERR_REVIEW_NOT_OBJECT: 400,
  ERR_REVIEW_API_VERSION: 400,
  ERR_REVIEW_KIND: 400,
  ERR_REVIEW_REQUEST: 400,
  ERR_REVIEW_UID: 400,
  ERR_REVIEW_OPERATION: 400,
  ERR_REVIEW_RESOURCE: 400,
  ERR_REVIEW_OBJECT: 400,
  ERR_REVIEW_OLD_OBJECT: 400,
} as const;
export type ProblemCode = keyof typeof PROBLEMS;

export interface Problem {
  readonly code: ProblemCode;
  readonly status: number;
  readonly message: string;
}

export function problem(code: ProblemCode, message: string): Problem {
  return { code, status: PROBLEMS[code], message };
}
