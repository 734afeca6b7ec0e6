/** The one pino root of the server. Children add context; nothing logs whole objects at info. */
import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogFormat } from './log-formats.ts';

/**
 * Never logged on purpose; redacted in case a future log call passes them along (TLS material, env values).
 * Fixed paths only: a wildcard path costs about 5 µs on every line, decision lines included.
 */
const REDACT = ['key', 'cert', 'ca', 'clientCa', 'passphrase', 'env', 'tls.key', 'tls.cert', 'tls.ca', 'tls.clientCa'];

/**
 * Asynchronous writes (flushed on exit by pino), so logging never blocks the admission path. If stdout stops draining,
 * the buffer stops at 64 MiB and further lines are dropped rather than growing the process until it is OOM-killed.
 */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

export function createLogger(options: { level: string; format: LogFormat }, destination: DestinationStream = pino.destination({ sync: false, maxLength: MAX_BUFFERED_BYTES })): Logger {
  const iso = options.format === 'iso' ? { formatters: { level: (label: string) => ({ level: label }) }, timestamp: pino.stdTimeFunctions.isoTime } : {};
  return pino({ level: options.level, redact: { paths: REDACT, censor: '[redacted]' }, ...iso }, destination);
}
