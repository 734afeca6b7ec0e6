import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { createServer, get } from 'node:https';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { after, before } from 'node:test';
import { test } from './harness/test.ts';
import { startCertificateManager, type CertificateManager, type CertificateOptions, type ServingCertificate } from '../../src/cluster/certificates.ts';
import { bundleCertificates } from '../../src/certificates/certificate-rotation.ts';
import { loadKube, type Kube } from '../../src/cluster/kube.ts';
import { eventually, silentLog, stateguardKubeconfig } from '../cluster/fixtures.ts';
import { startCluster, type Cluster } from './harness/cluster.ts';

const namespace = 'stateguard';
const WEBHOOKS = resolve(import.meta.dirname, '../../deploy/base/webhooks.yaml');
const leader = { isLeader: () => true, onChange: () => () => undefined };
const follower = { isLeader: () => false, onChange: () => () => undefined };

let cluster: Cluster;
/** As stateguard's service account, with the RBAC of deploy/base. */
let kube: Kube;
const managers: CertificateManager[] = [];

before(async () => {
  cluster = await startCluster();
  kube = loadKube({ kubeconfig: await stateguardKubeconfig(cluster) });
  const result = await cluster.kubectl(['apply', '-f', WEBHOOKS]);
  assert.equal(result.code, 0, result.stderr);
});

after(async () => {
  for (const manager of managers) await manager.stop();
  await cluster?.stop();
});

function start(secretName: string, role: CertificateOptions['leader'], extra: Partial<CertificateOptions> = {}): { manager: CertificateManager; delivered: ServingCertificate[] } {
  const delivered: ServingCertificate[] = [];
  const manager = startCertificateManager(kube, {
    namespace, secretName, webhookNames: { mutating: 'stateguard', validating: 'stateguard' }, dnsNames: ['localhost', '127.0.0.1'],
    validityMs: 86_400_000, leader: role, onCertificate: (certificate) => delivered.push(certificate), log: silentLog, ...extra,
  });
  managers.push(manager);
  return { manager, delivered };
}

/** The caBundle every webhook of both configurations carries, decoded; undefined while they differ. */
async function webhookBundle(): Promise<string | undefined> {
  const mutating = await kube.admission.readMutatingWebhookConfiguration({ name: 'stateguard' });
  const validating = await kube.admission.readValidatingWebhookConfiguration({ name: 'stateguard' });
  const bundles = new Set([...(mutating.webhooks ?? []), ...(validating.webhooks ?? [])].map((w) => Buffer.from(w.clientConfig.caBundle ?? '', 'base64').toString('utf8')));
  return bundles.size === 1 ? [...bundles][0] : undefined;
}

async function bundleWith(count: number): Promise<string> {
  return eventually(`a caBundle of ${count} CA(s) in both webhook configurations`, async () => {
    const bundle = await webhookBundle();
    return bundle !== undefined && bundleCertificates(bundle).length === count ? bundle : undefined;
  });
}

async function secretVersion(name: string): Promise<string | undefined> {
  return (await kube.core.readNamespacedSecret({ name, namespace })).metadata?.resourceVersion;
}

/** Whether a client trusting `caBundle` completes a TLS handshake, checking the name, with a server using `pair`. */
async function trusted(pair: { cert: string; key: string }, caBundle: string): Promise<boolean> {
  const server = createServer({ cert: pair.cert, key: pair.key }, (_request, response) => response.end('ok'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise<boolean>((done) => {
      get({ host: '127.0.0.1', servername: 'localhost', port, ca: caBundle, path: '/' }, (response) => {
        response.resume();
        done(response.statusCode === 200);
      }).on('error', () => done(false));
    });
  } finally {
    server.close();
  }
}

function signedBy(cert: string, ca: string | undefined): boolean {
  return ca !== undefined && new X509Certificate(cert).checkIssued(new X509Certificate(ca));
}

test('the leader creates the Secret and sets the caBundle of both webhook configurations', async () => {
  const { manager, delivered } = start('stateguard-tls', leader);
  await manager.reconcile();
  const certificate = await eventually('the pair from the Secret watch', () => delivered[0]);
  assert.equal(await webhookBundle(), certificate.caBundle);
  assert.equal(bundleCertificates(certificate.caBundle).length, 1);
  assert.ok(await trusted(certificate, certificate.caBundle), 'the API server would trust the served certificate');
  assert.ok(Math.abs((manager.expirySeconds() ?? 0) - 86_400) < 60);
});

test('a follower serves the same pair from its Secret watch and writes nothing', async () => {
  const version = await secretVersion('stateguard-tls');
  const { manager, delivered } = start('stateguard-tls', follower);
  await manager.reconcile();
  const certificate = await eventually('the follower to get the pair', () => delivered[0]);
  assert.equal(certificate.cert, managers[0]?.current()?.cert);
  assert.equal(await secretVersion('stateguard-tls'), version);
});

test('a restarted leader reuses the Secret and the caBundle', async () => {
  const before = { version: await secretVersion('stateguard-tls'), bundle: await webhookBundle(), cert: managers[0]?.current()?.cert };
  for (const manager of managers.splice(0)) await manager.stop();
  const { manager, delivered } = start('stateguard-tls', leader);
  await manager.reconcile();
  assert.equal((await eventually('the pair', () => delivered[0])).cert, before.cert);
  assert.deepEqual({ version: await secretVersion('stateguard-tls'), bundle: await webhookBundle(), cert: manager.current()?.cert }, before);
});

test('a rotation keeps the old and the new CA in the caBundle until the old certificate expires, then drops the old', async () => {
  for (const manager of managers.splice(0)) await manager.stop();
  assert.equal((await cluster.kubectl(['delete', 'secret', 'stateguard-tls', '-n', namespace])).code, 0);
  // 9 s certificates: staged at 6 s, served 1 s later, the old CA dropped when the old pair expires at 9 s.
  const { delivered } = start('stateguard-tls', leader, { validityMs: 9_000, switchDelayMs: 1_000, checkIntervalMs: 200 });
  const first = await eventually('the first pair', () => delivered[0]);
  const [oldCa] = bundleCertificates(first.caBundle);
  // The Secret is written (and watched) before the caBundles are patched: until then they still hold the CA of the
  // deleted Secret, also a bundle of one. Wait for the new one rather than take the first single-CA bundle seen.
  await eventually('both webhook configurations to trust the first CA', async () => ((await webhookBundle()) === first.caBundle ? true : undefined));

  const overlap = await bundleWith(2);
  const newCa = bundleCertificates(overlap).find((ca) => ca !== oldCa);
  assert.equal(bundleCertificates(overlap)[0], oldCa);
  assert.ok(await trusted(first, overlap), 'replicas still serving the old pair stay trusted');

  const second = await eventually('the new pair', () => delivered.find((c) => signedBy(c.cert, newCa)));
  assert.equal(second.caBundle, overlap, 'the new pair is served only while both CAs are trusted');
  assert.ok(await trusted(second, overlap));

  const final = await bundleWith(1);
  assert.deepEqual(bundleCertificates(final), [newCa]);
  assert.ok(await trusted(second, final));
  assert.equal(await trusted(first, final), false);
});
