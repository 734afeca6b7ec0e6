import assert from 'node:assert/strict';
import { test } from 'node:test';
import { captureLogs } from './helpers/logs.ts';
import { startTestServer } from './helpers/server.ts';

test('TLS material and env values are redacted wherever a log call would pass them', () => {
  const { logger, records } = captureLogs();
  logger.info({ key: 'PRIVATE', cert: 'PEM', env: { STATEGUARD_TLS_KEY: '/secret' }, tls: { key: 'PRIVATE', cert: 'PEM', ca: 'PEM', clientCa: 'PEM' }, policies: 3 }, 'line');
  assert.deepEqual(
    { ...records[0], time: undefined, pid: undefined, hostname: undefined },
    { level: 30, time: undefined, pid: undefined, hostname: undefined, key: '[redacted]', cert: '[redacted]', env: '[redacted]', tls: { key: '[redacted]', cert: '[redacted]', ca: '[redacted]', clientCa: '[redacted]' }, policies: 3, msg: 'line' },
  );
});

test('a server with a generated key logs no key or certificate', async () => {
  const t = await startTestServer();
  await t.server.close();
  const text = JSON.stringify(t.records);
  assert.doesNotMatch(text, /BEGIN|PRIVATE KEY|CERTIFICATE/);
  assert.deepEqual(t.records.map((r) => r.msg), ['stateguard serving', 'stopped']);
});
