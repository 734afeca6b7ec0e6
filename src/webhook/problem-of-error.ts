/** Bad requests: fastify's errors as stateguard problems, the 4xx body, and the one log line each gets. */
import { STATUS_CODES } from 'node:http';
import type { FastifyError } from 'fastify';
import type { Logger } from 'pino';
import { problem, type Problem } from '../admission/index.ts';
import { LOG_KEYS } from '../logging/log-keys.ts';

const PROTOTYPE_KEY = 'STATEGUARD_JSON_PROTOTYPE_KEY';

/** What the JSON parser reports for valid JSON with a prototype-poisoning key. */
export function prototypeKeyError(): FastifyError {
  return Object.assign(new Error('the body has a prototype-poisoning key'), { code: PROTOTYPE_KEY, name: 'FastifyError', statusCode: 400 });
}

/** Undefined for a fault of the server itself (5xx). */
export function problemOfError(error: FastifyError, contentType: string | undefined, bodyLimitBytes: number): Problem | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return problem('ERR_CONTENT_TYPE', `content type ${contentType === undefined ? '(none)' : JSON.stringify(contentType)} is not supported: send an AdmissionReview as application/json`);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problem('ERR_BODY_TOO_LARGE', `the body is larger than the limit of ${bodyLimitBytes} bytes (server.bodyLimitBytes)`);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return problem('ERR_JSON', 'the body is empty: send an AdmissionReview');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return problem('ERR_JSON', 'the body is not valid JSON');
    case PROTOTYPE_KEY:
      return problem('ERR_JSON_PROTOTYPE_KEY', 'the body has a __proto__ or constructor.prototype key, which could poison object prototypes: refused');
    default:
      return error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? problem('ERR_BAD_REQUEST', error.message) : undefined;
  }
}

/** The JSON body of a 4xx answer, in fastify's error shape plus the problem code. */
export function problemBody(found: Problem): { statusCode: number; error: string; code: string; message: string } {
  return { statusCode: found.status, error: STATUS_CODES[found.status] ?? 'Error', code: found.code, message: found.message };
}

export function logProblem(logger: Logger, found: Problem): void {
  logger.warn({ [LOG_KEYS.problem]: found.code, [LOG_KEYS.statusCode]: found.status }, found.message);
}
