import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createCertificateRelay, type FedCertificate } from '../../src/certificates/certificate-feed.ts';
import { generateSelfSigned } from '../../src/certificates/generate-self-signed.ts';
import { startServer } from '../../src/webhook/start-server.ts';
import { seed } from '../helpers/seed.ts';
import { get, post } from './helpers/https.ts';
import { captureLogs } from './helpers/logs.ts';
import { admissionReview } from './helpers/reviews.ts';
import { settingsOf } from './helpers/server.ts';
import { until } from './helpers/until.ts';

let work: string;

before(() => {
  work = mkdtempSync(join(tmpdir(), 'stateguard-feed-'));
});

after(() => rmSync(work, { recursive: true, force: true }));

async function pair(): Promise<FedCertificate> {
  const { caCert, cert, key } = await generateSelfSigned(['localhost', '127.0.0.1']);
  return { cert, key, caBundle: caCert };
}

const fingerprint = (pem: string): string => new X509Certificate(pem).fingerprint256;

test('with a certificate feed, health answers at once, HTTPS starts with the first pair, and later pairs serve new connections', async () => {
  const caOut = join(work, 'ca.pem');
  const settings = settingsOf({ server: { caOut } });
  const relay = createCertificateRelay();
  const { logger, records } = captureLogs();
  let synced = false;
  const starting = startServer({ initial: settings, load: () => settings, logger, certificates: relay, ready: () => synced });

  await until(() => records.some((r) => r.msg.startsWith('waiting for the first self-managed certificate')), 'the waiting line');
  const metricsUrl = String(records.find((r) => r.msg.startsWith('waiting'))?.['metrics_url']);
  assert.equal((await get(`${metricsUrl}/healthz`)).status, 200, 'alive while waiting');
  assert.equal((await get(`${metricsUrl}/readyz`)).status, 503, 'not ready without HTTPS');

  const first = await pair();
  relay.publish(first);
  const server = await starting;
  try {
    assert.equal(server.caCert, first.caBundle);
    assert.equal(readFileSync(caOut, 'utf8'), first.caBundle);
    assert.equal(records.find((r) => r.msg === 'stateguard serving')?.['tls'], 'self-managed');
    assert.equal((await get(`${metricsUrl}/readyz`)).status, 503, 'readiness also waits for the extra condition');
    synced = true;
    assert.equal((await get(`${metricsUrl}/readyz`)).status, 200);

    const body = admissionReview(seed());
    const kept = new Agent({ keepAlive: true, maxSockets: 1 });
    assert.equal((await post(`${server.admissionUrl}/validate`, body, { ca: first.caBundle, agent: kept })).certificate, fingerprint(first.cert));

    const second = await pair();
    const both = [first.caBundle, second.caBundle].join('\n');
    relay.publish({ ...second, caBundle: both });
    assert.equal((await post(`${server.admissionUrl}/validate`, body, { ca: both })).certificate, fingerprint(second.cert), 'a new connection gets the new pair');
    assert.equal((await post(`${server.admissionUrl}/validate`, body, { ca: first.caBundle, agent: kept })).certificate, fingerprint(first.cert), 'an open connection keeps its pair');
    assert.equal(readFileSync(caOut, 'utf8'), both, '--ca-out follows the bundle');
    kept.destroy();
  } finally {
    await server.close();
  }
});

test('a start that waits for its first certificate ends when aborted, and closes the health port', async () => {
  const settings = settingsOf({});
  const { logger, records } = captureLogs();
  const abort = new AbortController();
  const starting = startServer({ initial: settings, load: () => settings, logger, certificates: createCertificateRelay(), signal: abort.signal });
  await until(() => records.some((r) => r.msg.startsWith('waiting for the first self-managed certificate')), 'the waiting line');
  const metricsUrl = String(records.find((r) => r.msg.startsWith('waiting'))?.['metrics_url']);
  abort.abort();
  await assert.rejects(starting, { name: 'AbortError' });
  await assert.rejects(get(`${metricsUrl}/healthz`));
});
