import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { test } from 'node:test';
import { bundleCertificates, rotate, type CertificateData, type RotationPolicy } from '../../src/certificates/certificate-rotation.ts';

const policy: RotationPolicy = { dnsNames: ['stateguard.stateguard.svc'], validityMs: 90_000, switchDelayMs: 5_000 };
const t0 = new Date('2030-01-01T00:00:00Z');
const at = (seconds: number): Date => new Date(t0.getTime() + seconds * 1000);

async function step(data: CertificateData | undefined, seconds: number, rules = policy) {
  return rotate(data, at(seconds), rules);
}

function issuer(cert: string, bundle: string): number {
  return bundleCertificates(bundle).findIndex((ca) => new X509Certificate(cert).checkIssued(new X509Certificate(ca)));
}

test('a certificate is created, staged at 2/3 of its lifetime, served after the switch delay, and its CA dropped at expiry', async () => {
  const created = await step(undefined, 0);
  assert.equal(created?.step, 'create');
  const first = created.data;
  assert.equal(bundleCertificates(first.caBundle).length, 1);
  assert.equal(issuer(first.cert, first.caBundle), 0);
  assert.equal(await step(first, 59), undefined, 'nothing to do before 2/3 of the lifetime');

  const staged = await step(first, 60);
  assert.equal(staged?.step, 'stage');
  assert.equal(staged.data.cert, first.cert, 'replicas keep serving the current pair');
  assert.equal(bundleCertificates(staged.data.caBundle).length, 2);
  assert.equal(issuer(staged.data.nextCert ?? '', staged.data.caBundle), 1);
  assert.equal(await step(staged.data, 64), undefined, 'not served before the switch delay');

  const promoted = await step(staged.data, 65);
  assert.equal(promoted?.step, 'promote');
  assert.deepEqual(promoted.data, { cert: staged.data.nextCert, key: staged.data.nextKey, caBundle: staged.data.caBundle });
  assert.equal(await step(promoted.data, 89), undefined, 'the old CA stays while its certificate is valid');

  const pruned = await step(promoted.data, 90);
  assert.equal(pruned?.step, 'prune');
  assert.deepEqual(bundleCertificates(pruned.data.caBundle), [bundleCertificates(staged.data.caBundle)[1]]);
  assert.equal(await step(pruned.data, 91), undefined);
});

test('a certificate covering every configured name (IPv6 too, however written) is kept', async () => {
  const names = { ...policy, dnsNames: ['stateguard.stateguard.svc', '::1', '127.0.0.1'] };
  const created = await step(undefined, 0, names);
  assert.equal(await step(created?.data, 1, names), undefined);
  assert.equal(await step(created?.data, 1, { ...names, dnsNames: ['0:0:0:0:0:0:0:1'] }), undefined);
});

test('a name the certificate lacks stages a new one for it', async () => {
  const created = await step(undefined, 0);
  const staged = await step(created?.data, 1, { ...policy, dnsNames: ['stateguard.other.svc'] });
  assert.equal(staged?.step, 'stage');
  assert.equal(new X509Certificate(staged.data.nextCert ?? '').subjectAltName, 'DNS:stateguard.other.svc');
});

test('a staged pair is served at once when the current one has expired', async () => {
  const created = await step(undefined, 0);
  const staged = await step(created?.data, 60);
  assert.equal((await step(staged?.data, 91))?.step, 'promote');
});

test('unusable contents are replaced by a new CA and pair', async () => {
  const created = await step(undefined, 0);
  const other = await step(undefined, 0);
  for (const broken of [
    { cert: 'not a certificate', key: 'no key', caBundle: '' },
    { ...created?.data as CertificateData, key: other?.data.key ?? '' },
  ]) {
    const replaced = await step(broken, 1);
    assert.equal(replaced?.step, 'create');
    assert.equal(issuer(replaced.data.cert, replaced.data.caBundle), 0);
  }
  assert.equal((await step(created?.data, 91))?.step, 'create', 'an expired pair with nothing staged');
});
