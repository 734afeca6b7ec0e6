/** Failed API calls as ERR_CLUSTER errors that name the server, the HTTP status and the API server's own message. */
import { STATUS_CODES } from 'node:http';
import { ApiException } from '@kubernetes/client-node';
import { StateguardError } from '../policy/index.ts';

/** The HTTP status of a failed call, or undefined when no response arrived. */
export function httpStatus(error: unknown): number | undefined {
  if (error instanceof ApiException) return error.code;
  if (error instanceof StateguardError && error.cause !== undefined) return httpStatus(error.cause);
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** One line: "403 Forbidden: <the API server's message>", or why no response arrived; ERR_CLUSTER errors as they are. */
export function describeFailure(error: unknown): string {
  if (error instanceof StateguardError) return error.message;
  const status = httpStatus(error);
  if (status !== undefined) {
    const message = error instanceof ApiException ? statusMessage(error.body) : undefined;
    return `${status} ${STATUS_CODES[status] ?? ''}`.trim() + (message === undefined ? '' : `: ${message}`);
  }
  // fetch fails with "fetch failed"; the reason (ECONNREFUSED, a TLS error, …) is its cause.
  const cause = (error as { cause?: { message?: unknown } } | null)?.cause;
  if (typeof cause?.message === 'string') return `no response (${cause.message})`;
  return error instanceof Error ? error.message : String(error);
}

export function clusterError(server: string, action: string, error: unknown): StateguardError {
  return new StateguardError('ERR_CLUSTER', `${action} at ${server}: ${describeFailure(error)}`, { cause: error });
}

/** The `message` of a metav1.Status body, which arrives as text. */
function statusMessage(body: unknown): string | undefined {
  if (typeof body !== 'string') return undefined;
  try {
    const message = (JSON.parse(body) as { message?: unknown }).message;
    return typeof message === 'string' ? message : undefined;
  } catch {
    return body.trim() === '' ? undefined : body.trim().slice(0, 200);
  }
}
