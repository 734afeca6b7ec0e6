/** One error class tree for broken input or environment; violations are data, never exceptions. */

export const ERROR_CODES = [
  'ERR_POLICY_INVALID',
  'ERR_CONFIG',
  'ERR_CLUSTER',
  'ERR_INPUT',
  'ERR_TLS',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class StateguardError extends Error {
  readonly code: ErrorCode;
  /** One line per problem, for errors that collect several (an invalid policy set, a bad config). */
  readonly details: readonly string[];

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: readonly string[] } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StateguardError';
    this.code = code;
    this.details = options.details ?? [];
  }

  /** The message followed by each detail on its own line. */
  describe(): string {
    return [this.message, ...this.details.map((line) => `  - ${line}`)].join('\n');
  }
}
