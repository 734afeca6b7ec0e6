import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { generate } from 'selfsigned';
import { generateSelfSigned, type SelfSigned } from '../../src/certificates/generate-self-signed.ts';
import { seed } from '../helpers/seed.ts';
import { get, post } from './helpers/https.ts';
import { admissionReview } from './helpers/reviews.ts';
import { startTestServer } from './helpers/server.ts';
import { until } from './helpers/until.ts';

/**
 * Certificate files as Kubernetes mounts a Secret: `tls.crt -> ..data/tls.crt`, `..data -> ..<version>`, and an
 * update swaps `..data` atomically (rename of a new symlink over it).
 */
class MountedSecret {
  readonly dir: string;
  private version = 0;
  constructor(dir: string) {
    this.dir = dir;
  }
  get cert(): string { return join(this.dir, 'tls.crt'); }
  get key(): string { return join(this.dir, 'tls.key'); }
  write(files: { cert: string; key: string }): void {
    const version = `..v${++this.version}`;
    mkdirSync(join(this.dir, version));
    writeFileSync(join(this.dir, version, 'tls.crt'), files.cert);
    writeFileSync(join(this.dir, version, 'tls.key'), files.key);
    symlinkSync(version, join(this.dir, '..data_tmp'));
    renameSync(join(this.dir, '..data_tmp'), join(this.dir, '..data'));
    if (this.version === 1) {
      symlinkSync('..data/tls.crt', this.cert);
      symlinkSync('..data/tls.key', this.key);
    }
  }
}

const fingerprint = (pem: string): string => new X509Certificate(pem).fingerprint256;

let work: string;
let first: SelfSigned;
let second: SelfSigned;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'stateguard-tls-'));
  [first, second] = await Promise.all([generateSelfSigned(['localhost', '127.0.0.1']), generateSelfSigned(['localhost', '127.0.0.1'])]);
});

after(() => rmSync(work, { recursive: true, force: true }));

test('a rotated Secret is served to new connections without a failed request, and a half-written one is waited out', async () => {
  const secret = new MountedSecret(join(work, 'secret'));
  mkdirSync(secret.dir);
  secret.write(first);
  // A long poll interval: the directory watch has to notice the symlink swap by itself.
  const t = await startTestServer({ input: { server: { tlsCert: secret.cert, tlsKey: secret.key } }, ca: [first.caCert, second.caCert], certificatePollMs: 600_000 });
  const seen = new Set<string>();
  const statuses: number[] = [];
  const failures: string[] = [];
  let sending = true;
  const traffic = Array.from({ length: 4 }, async (_, worker) => {
    for (let i = 0; sending && i < 10_000; i++) {
      try {
        const result = await post(t.url('/validate'), admissionReview(seed(), { uid: `w${worker}-${i}` }), { ca: t.ca });
        statuses.push(result.status);
        seen.add(result.certificate);
      } catch (error) {
        failures.push(String(error));
      }
    }
  });
  try {
    await until(() => statuses.length >= 20, 'traffic');
    assert.deepEqual([...seen], [fingerprint(first.cert)]);

    secret.write(second);
    await until(() => seen.has(fingerprint(second.cert)), 'the rotated certificate');

    // A rotation caught half-way: the new certificate with the old key. Keep serving the last good pair.
    const before = t.records.length;
    secret.write({ cert: first.cert, key: second.key });
    await until(() => t.records.slice(before).some((r) => r.level === 40 && /not usable yet/.test(r.msg)), 'the warning about the unusable pair');
    const count = statuses.length;
    await until(() => statuses.length >= count + 20, 'traffic after the bad rotation');
    const latest = await post(t.url('/validate'), admissionReview(seed()), { ca: t.ca });
    assert.equal(latest.certificate, fingerprint(second.cert));
  } finally {
    sending = false;
    await Promise.all(traffic);
    await t.server.close();
  }
  assert.deepEqual(failures, [], 'no request failed during the rotations');
  assert.ok(statuses.length > 40);
  assert.deepEqual(statuses.filter((status) => status !== 200), []);
  assert.ok(t.records.some((r) => r.msg === 'TLS certificate reloaded'));
});

test('with a client CA, only clients presenting a certificate it signed get through', async () => {
  const clientCa = await generate([{ name: 'commonName', value: 'kube-apiserver client CA' }], {
    keyType: 'ec', curve: 'P-256', algorithm: 'sha256',
    extensions: [{ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, digitalSignature: true, critical: true }],
    clientCertificate: { cn: 'kube-apiserver' },
  });
  const caFile = join(work, 'client-ca.crt');
  writeFileSync(caFile, clientCa.cert);
  const t = await startTestServer({ input: { server: { clientCa: caFile } } });
  try {
    await assert.rejects(post(t.url('/validate'), admissionReview(seed()), { ca: t.ca }), /certificate|socket hang up|ECONNRESET|alert/i);
    const stranger = await generateSelfSigned(['intruder']);
    await assert.rejects(post(t.url('/validate'), admissionReview(seed()), { ca: t.ca, cert: stranger.cert, key: stranger.key }), /certificate|socket hang up|ECONNRESET|alert/i);
    const admitted = await post(t.url('/validate'), admissionReview(seed()), { ca: t.ca, cert: clientCa.clientcert ?? '', key: clientCa.clientprivate ?? '' });
    assert.equal(admitted.status, 200);
    const metrics = await get(`${t.server.metricsUrl}/metrics`);
    assert.match(metrics.text, /stateguard_certificate_expiry_seconds\{certificate="client-ca"\} \d+/);
  } finally {
    await t.server.close();
  }
});
