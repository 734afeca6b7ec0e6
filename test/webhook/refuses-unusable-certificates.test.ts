import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createCertificateRelay } from '../../src/certificates/certificate-feed.ts';
import { generateSelfSigned, type SelfSigned } from '../../src/certificates/generate-self-signed.ts';
import { startServer } from '../../src/webhook/start-server.ts';
import { spawnSync } from 'node:child_process';
import { MAIN } from '../helpers/cli.ts';
import { seed } from '../helpers/seed.ts';
import { get, post } from './helpers/https.ts';
import { captureLogs } from './helpers/logs.ts';
import { admissionReview } from './helpers/reviews.ts';
import { settingsOf, startTestServer } from './helpers/server.ts';
import { until } from './helpers/until.ts';

let work: string;
let first: SelfSigned;
let other: SelfSigned;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'stateguard-badtls-'));
  [first, other] = await Promise.all([generateSelfSigned(['localhost', '127.0.0.1']), generateSelfSigned(['localhost', '127.0.0.1'])]);
});

after(() => rmSync(work, { recursive: true, force: true }));

const fingerprint = (pem: string): string => new X509Certificate(pem).fingerprint256;

function files(name: string, cert: string, key: string): { cert: string; key: string } {
  const paths = { cert: join(work, `${name}.crt`), key: join(work, `${name}.key`) };
  writeFileSync(paths.cert, cert);
  writeFileSync(paths.key, key);
  return paths;
}

const UNUSABLE = [
  { name: 'empty certificate', cert: () => '', key: () => first.key, why: /certificate .*empty/ },
  { name: 'empty key', cert: () => first.cert, key: () => '', why: /key .*empty/ },
  { name: 'both empty', cert: () => '', key: () => '', why: /empty/ },
  { name: 'key of another certificate', cert: () => first.cert, key: () => other.key, why: /does not match/ },
  { name: 'garbage certificate', cert: () => '-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n', key: () => first.key, why: /certificate/ },
] as const;

for (const bad of UNUSABLE) {
  test(`start-up with an unusable pair (${bad.name}) is a one-line error and exit 2, nothing left serving`, () => {
    const paths = files(bad.name.replaceAll(' ', '-'), bad.cert(), bad.key());
    // Bounded: before the fix the process kept running (healthz 200, every handshake failing).
    const result = spawnSync(process.execPath, [MAIN, 'serve', '--port', '0', '--metrics-port', '0', '--tls-cert', paths.cert, '--tls-key', paths.key], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(result.status, 2, `${String(result.signal)} ${result.stderr}`);
    const lines = result.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0] ?? '', /^stateguard: .*unusable TLS/);
    assert.match(lines[0] ?? '', bad.why);
    assert.doesNotMatch(result.stdout, /stateguard serving/);
  });
}

test('a reload to empty or mismatched files keeps serving the previous pair, says so, and stays ready', async () => {
  const paths = files('live', first.cert, first.key);
  const t = await startTestServer({ input: { server: { tlsCert: paths.cert, tlsKey: paths.key } }, ca: [first.caCert, other.caCert], certificatePollMs: 50 });
  try {
    for (const bad of UNUSABLE) {
      const before = t.records.length;
      writeFileSync(paths.cert, bad.cert());
      writeFileSync(paths.key, bad.key());
      await until(() => t.records.slice(before).some((r) => r.level === 40 && /not usable/.test(r.msg)), `the warning for ${bad.name}`);
      assert.ok(!t.records.slice(before).some((r) => r.msg === 'TLS certificate reloaded'), `no reload claimed for ${bad.name}`);
      const answer = await post(t.url('/validate'), admissionReview(seed()), { ca: t.ca });
      assert.equal(answer.status, 200, bad.name);
      assert.equal(answer.certificate, fingerprint(first.cert), bad.name);
      assert.equal((await get(`${t.server.metricsUrl}/readyz`)).status, 200);
    }
  } finally {
    await t.server.close();
  }
});

test('an empty pair from the certificate feed is not installed; the previous one keeps serving', async () => {
  const settings = settingsOf({});
  const relay = createCertificateRelay();
  relay.publish({ cert: first.cert, key: first.key, caBundle: first.caCert });
  const { logger, records } = captureLogs();
  const server = await startServer({ initial: settings, load: () => settings, logger, certificates: relay });
  try {
    relay.publish({ cert: '', key: '', caBundle: first.caCert });
    assert.ok(records.some((r) => r.level === 40 && /not usable/.test(r.msg)));
    const answer = await post(`${server.admissionUrl}/validate`, admissionReview(seed()), { ca: first.caCert });
    assert.equal(answer.certificate, fingerprint(first.cert));
  } finally {
    await server.close();
  }
});
