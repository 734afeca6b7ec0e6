/** A pino root that keeps every record in memory, for asserting on log lines. */
import type { Logger } from 'pino';
import { createLogger } from '../../../src/logging/logger.ts';

export type LogRecord = Record<string, unknown> & { level: number; msg: string };

export function captureLogs(level = 'info'): { logger: Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  const logger = createLogger({ level, format: 'pino' }, { write: (line: string) => { records.push(JSON.parse(line) as LogRecord); } });
  return { logger, records };
}
