/**
 * log.format: `pino` (default: numeric levels, epoch milliseconds) or `iso` (level names and ISO 8601 UTC time, what
 * log pipelines such as Loki, Elasticsearch and Cloud Logging parse without a mapping), from the config file or
 * STATEGUARD_LOG_FORMAT, and the real `stateguard serve` process writes it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildConfig, envConfig } from '../../src/config/config.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { startStateguard } from '../e2e/harness/stateguard.ts';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function lines(format: 'pino' | 'iso'): Record<string, unknown>[] {
  const records: Record<string, unknown>[] = [];
  const logger = createLogger({ level: 'info', format }, { write: (line: string) => { records.push(JSON.parse(line) as Record<string, unknown>); } });
  logger.warn({ key: 'PRIVATE', policies: 3 }, 'line');
  return records;
}

test('format iso writes the level as its name and the time as ISO 8601 UTC, still redacting', () => {
  const [record] = lines('iso');
  assert.equal(record?.['level'], 'warn');
  assert.match(String(record?.['time']), ISO);
  assert.ok(Math.abs(Date.parse(String(record?.['time'])) - Date.now()) < 60_000);
  assert.equal(record?.['key'], '[redacted]');
  assert.equal(record?.['msg'], 'line');
});

test('format pino (the default) keeps numeric levels and epoch milliseconds', () => {
  const [record] = lines('pino');
  assert.equal(record?.['level'], 40);
  assert.equal(typeof record?.['time'], 'number');
  assert.equal(buildConfig([]).log.format, 'pino');
});

test('log.format comes from the config file or STATEGUARD_LOG_FORMAT, and an unknown format is refused naming it', () => {
  assert.equal(buildConfig([{ log: { format: 'iso' } }]).log.format, 'iso');
  assert.equal(buildConfig([envConfig({ STATEGUARD_LOG_FORMAT: 'iso' })]).log.format, 'iso');
  assert.throws(() => buildConfig([{ log: { format: 'text' as 'iso' } }]), (error: Error & { details?: string[] }) => {
    assert.match(`${error.message} ${(error.details ?? []).join(' ')}`, /log\/format|log\.format/);
    return true;
  });
});

test('stateguard serve with log.format iso writes every line with a level name and an ISO time', async () => {
  const server = await startStateguard({ config: { log: { format: 'iso' } } });
  try {
    const logs = await server.logs();
    assert.ok(logs.some((line) => line.msg === 'stateguard serving'), JSON.stringify(logs));
    for (const line of logs) {
      assert.ok(['info', 'warn', 'error', 'debug'].includes(String(line['level'])), JSON.stringify(line));
      assert.match(String(line['time']), ISO);
    }
  } finally {
    await server.stop();
  }
});
