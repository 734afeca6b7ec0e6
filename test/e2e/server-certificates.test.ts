/**
 * `stateguard serve --kubeconfig` on an empty cluster, as stateguard's service account (deploy/base RBAC): it creates
 * its CA and serving certificate in a Secret, puts the CA into both webhook configurations, which were registered
 * with a URL and no caBundle, and serves that certificate. Nobody hands a certificate to anybody, yet admission
 * through kubectl works; and a rotation forced early keeps every request working.
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { after, before } from 'node:test';
import { test } from './harness/test.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { bundleCertificates } from '../../src/certificates/certificate-rotation.ts';
import { loadKube, type Kube } from '../../src/cluster/kube.ts';
import { eventually, stateguardKubeconfig, statefulSet } from '../cluster/fixtures.ts';
import { post } from '../webhook/helpers/https.ts';
import { startCluster, type Cluster } from './harness/cluster.ts';
import { freeLoopbackPorts } from './harness/ports.ts';
import { startProcess } from './harness/processes.ts';
import { startStateguard, type Stateguard } from './harness/stateguard.ts';
import { webhookConfigurations } from './harness/webhooks.ts';

const namespace = 'stateguard';
const SECRET = 'stateguard-tls';
const REVIEW = readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'admission-review.json'), 'utf8');
/** Passes every built-in deny policy; with 3 replicas the pod-anti-affinity mutator patches it. */
const PROBE = statefulSet('probe', 'default', { replicas: 3 });

let cluster: Cluster;
/** As the cluster admin: to look at what stateguard wrote. */
let kube: Kube;
/** stateguard's service account. */
let serviceAccount: string;
let port: number;
const POLICY_REPORT_CRD = join(import.meta.dirname, '..', '..', 'deploy', 'components', 'policyreport-crd', 'policyreport-crd.yaml');
let stateguard: Stateguard | undefined;

before(async () => {
  cluster = await startCluster();
  kube = loadKube({ kubeconfig: cluster.kubeconfig });
  serviceAccount = await stateguardKubeconfig(cluster);
  [port] = (await freeLoopbackPorts(1)) as [number];
  // As deploy/ installs them, the configurations exist before the server starts, and name no CA.
  const configurations = webhookConfigurations({ url: `https://127.0.0.1:${port}`, caPem: '' }).map((configuration) => ({
    ...configuration,
    webhooks: (configuration['webhooks'] as { clientConfig: { url: string } }[]).map((webhook) => ({ ...webhook, clientConfig: { url: webhook.clientConfig.url } })),
  }));
  const applied = await cluster.kubectl(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: configurations }) });
  assert.equal(applied.code, 0, applied.stderr);
  // The PolicyReport CRD is an opt-in piece of deploy/; with it the server runs every cluster feature.
  await cluster.kubectlOk(['apply', '-f', POLICY_REPORT_CRD]);
  await cluster.waitEstablished('crd/policyreports.wgpolicyk8s.io');
  // The namespace exists (a missing one stops the server at start-up); RBAC forbids stateguard's Lease in it.
  await cluster.kubectlOk(['create', 'namespace', 'elsewhere']);
});

after(async () => {
  await stateguard?.stop();
  await cluster?.stop();
});

function start(config: Record<string, unknown> = {}): Promise<Stateguard> {
  return startStateguard({ kubeconfig: serviceAccount, config, args: ['--port', String(port)] });
}

/** The caBundle every webhook of both configurations carries, decoded; undefined while they differ or have none. */
async function webhookBundle(): Promise<string | undefined> {
  const mutating = await kube.admission.readMutatingWebhookConfiguration({ name: 'stateguard' });
  const validating = await kube.admission.readValidatingWebhookConfiguration({ name: 'stateguard' });
  const bundles = new Set([...(mutating.webhooks ?? []), ...(validating.webhooks ?? [])].map((w) => w.clientConfig.caBundle ?? ''));
  const [only] = bundles;
  return bundles.size === 1 && only !== undefined && only !== '' ? Buffer.from(only, 'base64').toString('utf8') : undefined;
}

async function validatingBundle(): Promise<string> {
  const [webhook] = (await kube.admission.readValidatingWebhookConfiguration({ name: 'stateguard' })).webhooks ?? [];
  return Buffer.from(webhook?.clientConfig.caBundle ?? '', 'base64').toString('utf8');
}

async function secretData(): Promise<Record<string, string>> {
  const secret = await kube.core.readNamespacedSecret({ name: SECRET, namespace });
  return Object.fromEntries(Object.entries(secret.data ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')]));
}

/** Once the API server has picked up the caBundle: a dry-run create goes through both webhooks over TLS. */
async function admissionWorks(): Promise<void> {
  let last = '';
  await eventually('a dry-run create patched by the mutating webhook and admitted by the validating one', async () => {
    const result = await cluster.kubectl(['create', '--dry-run=server', '-o', 'json', '-f', '-'], { input: JSON.stringify(PROBE) });
    last = result.stderr.trim();
    if (result.code !== 0) return undefined;
    return (JSON.parse(result.stdout) as { metadata: { annotations?: Record<string, string> } }).metadata.annotations?.['stateguard.io/mutated'] === 'pod-anti-affinity' ? true : undefined;
  }, 30_000).catch((error: unknown) => {
    throw new Error(`${String(error)}; kubectl said: ${last}`);
  });
}

/** POSTs the example review over the agent's connection; the fingerprint of the certificate it was served with. */
function postOn(agent: Agent, url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json' }, timeout: 10_000 }, (res) => {
      const certificate = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
      res.resume().on('end', () => (res.statusCode === 200 ? resolve(certificate) : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(REVIEW);
  });
}

async function certificateExpirySeconds(server: Stateguard): Promise<number> {
  const text = await (await fetch(`${server.metricsUrl}/metrics`)).text();
  const value = /^stateguard_certificate_expiry_seconds\{certificate="serving"\} (\S+)$/m.exec(text)?.[1];
  assert.ok(value !== undefined, 'the serving certificate expiry is exported');
  return Number(value);
}

test('on an empty cluster the server creates its certificate, sets both caBundles, serves it, and kubectl apply goes through', async () => {
  assert.equal((await cluster.kubectl(['get', 'secret', SECRET, '-n', namespace])).code, 1, 'no Secret before the server runs');
  stateguard = await start();
  const serving = (await stateguard.logs()).find((line) => line.msg === 'stateguard serving');
  assert.equal(serving?.['tls'], 'self-managed');
  assert.deepEqual((serving?.['cluster'] as { features: string[] }).features, ['lookups', 'exceptions', 'policy-resources', 'leader-election', 'certificates', 'background-audit', 'events']);

  const bundle = await eventually('a caBundle in both webhook configurations', webhookBundle);
  const data = await secretData();
  assert.equal(data['ca.crt'], bundle, 'the webhooks trust the CA the Secret holds');
  assert.equal(stateguard.caPem, bundle, '--ca-out has the same bundle');
  assert.equal(bundleCertificates(bundle).length, 1);
  const response = await post(`${stateguard.url}/validate`, REVIEW, { ca: bundle });
  assert.equal(response.status, 200, 'a client trusting only the caBundle completes the handshake');
  assert.equal(response.certificate, new X509Certificate(data['tls.crt'] ?? '').fingerprint256, 'the server serves the pair from the Secret');
  assert.ok(Math.abs(await certificateExpirySeconds(stateguard) - 365 * 86_400) < 120);

  await admissionWorks();
  const seed = await cluster.kubectl(['apply', '-f', join(import.meta.dirname, '..', '..', 'examples', 'seed-statefulset.yaml')]);
  assert.equal(seed.code, 1);
  assert.match(seed.stderr, /admission webhook "validate\.stateguard\.io" denied the request: \[resource-requests-required\]/);
  const created = await cluster.kubectl(['apply', '-f', '-'], { input: JSON.stringify(statefulSet('web', 'default', { replicas: 3 })) });
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stdout, /statefulset\.apps\/web created/);

  assert.equal(await stateguard.stop(), 'exit code 0');
  stateguard = undefined;
  const lease = await kube.coordination.readNamespacedLease({ name: 'stateguard-leader', namespace });
  assert.equal(lease.spec?.holderIdentity, '', 'the Lease is released on SIGTERM');
});

test('a rotation forced early (30 s certificates) fails no request: kubectl, new connections trusting the current caBundle, and a kept-alive connection', async (t) => {
  // A fresh start: the Secret is gone, the caBundles still name the last CA.
  assert.equal((await cluster.kubectl(['delete', 'secret', SECRET, '-n', namespace])).code, 0);
  stateguard = await start({ cluster: { certValidityDays: 30 / 86_400 } });
  const server = stateguard;
  const first = await eventually('the new CA in the caBundles', async () => {
    const bundle = await webhookBundle();
    return bundle !== undefined && bundle === (await secretData())['ca.crt'] ? bundle : undefined;
  });
  await admissionWorks();

  let done = false;
  const kubectlLoop = (async () => {
    const failures: string[] = [];
    let count = 0;
    while (!done) {
      const result = await cluster.kubectl(['create', '--dry-run=server', '-f', '-'], { input: JSON.stringify(PROBE) });
      count++;
      if (result.code !== 0) failures.push(result.stderr.trim());
    }
    return { count, failures };
  })();
  /** Each request to /validate on a new connection, trusting what its webhook configuration says at that moment. */
  const served: { certificate: string; bundleSize: number }[] = [];
  const freshLoop = (async () => {
    const failures: string[] = [];
    while (!done) {
      const bundle = await validatingBundle();
      try {
        const response = await post(`${server.url}/validate`, REVIEW, { ca: bundle });
        if (response.status !== 200) failures.push(`status ${response.status}`);
        if (served.at(-1)?.certificate !== response.certificate || served.at(-1)?.bundleSize !== bundleCertificates(bundle).length) {
          served.push({ certificate: response.certificate, bundleSize: bundleCertificates(bundle).length });
        }
      } catch (error) {
        failures.push(String(error));
      }
      await sleep(50);
    }
    return failures;
  })();
  /** One connection opened before the rotation, trusting only the first CA: it must stay open and keep working. */
  const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: first });
  const sockets = new Set<Socket>();
  agent.on('free', (socket: Socket) => sockets.add(socket));
  const keptLoop = (async () => {
    const failures: string[] = [];
    const certificates = new Set<string>();
    while (!done) {
      try {
        certificates.add(await postOn(agent, `${server.url}/validate`));
      } catch (error) {
        failures.push(String(error));
      }
      await sleep(200);
    }
    return { failures, certificates };
  })();

  // Observed through new connections: the first pair alone, both CAs trusted, the new pair served, the old CA gone.
  await eventually('a complete rotation', () => {
    const sizes = served.map((s) => s.bundleSize).join(',');
    return new Set(served.map((s) => s.certificate)).size >= 2 && /2.*1$/.test(sizes) ? true : undefined;
  }, 60_000);
  done = true;
  const [viaKubectl, fresh, kept] = await Promise.all([kubectlLoop, freshLoop, keptLoop]);
  agent.destroy();

  t.diagnostic(`during the rotation: ${viaKubectl.count} kubectl dry-runs; on new connections, certificate and bundle size: ${served.map((s) => `${s.certificate.slice(0, 8)}/${s.bundleSize}`).join(' → ')}`);
  assert.deepEqual(viaKubectl.failures, [], `kubectl requests that failed during the rotation (of ${viaKubectl.count})`);
  assert.ok(viaKubectl.count >= 20, `${viaKubectl.count} kubectl requests`);
  assert.deepEqual(fresh, []);
  assert.deepEqual(kept.failures, []);
  assert.equal(sockets.size, 1, 'the kept-alive connection was never dropped');
  assert.equal(kept.certificates.size, 1, `an open connection keeps the certificate it started with: ${[...kept.certificates].join(', ')}`);
  const [before, ...later] = served;
  assert.equal(before?.bundleSize, 1);
  const switched = later.findIndex((s) => s.certificate !== before?.certificate);
  assert.ok(switched >= 0 && later.slice(0, switched).some((s) => s.bundleSize === 2), `the new CA was trusted before its pair was served: ${JSON.stringify(served)}`);

  const expiry = await certificateExpirySeconds(server);
  assert.ok(expiry > 0 && expiry <= 30, `the expiry metric follows the served certificate (${expiry} s)`);
});

test('without a certificate (its Lease is forbidden, so nobody creates one) the server is alive, not ready, says why, and ends on SIGTERM', async () => {
  // RBAC lets stateguard's service account write its Lease in "stateguard" only.
  const config = join(cluster.dir, 'elsewhere.yaml');
  writeFileSync(config, JSON.stringify({ cluster: { namespace: 'elsewhere' } }));
  const logPath = join(cluster.dir, 'elsewhere.log');
  const main = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts');
  const managed = startProcess('stateguard', process.execPath, [main, 'serve', '--kubeconfig', serviceAccount, '--config', config, '--port', '0', '--metrics-port', '0'], logPath);
  try {
    const lines = async (): Promise<{ msg?: string; metrics_url?: string }[]> => readFileSync(logPath, 'utf8').split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { msg?: string });
    const waiting = await eventually('the line saying HTTPS waits for a certificate', async () => (await lines()).find((line) => line.msg?.startsWith('waiting for the first self-managed certificate')));
    await eventually('the reason in the log', async () => ((await lines()).some((line) => line.msg === 'cannot acquire or renew the leader Lease') ? true : undefined));
    assert.equal((await fetch(`${waiting.metrics_url}/healthz`)).status, 200);
    assert.equal((await fetch(`${waiting.metrics_url}/readyz`)).status, 503);
    // stop() sends SIGTERM and escalates to SIGKILL after the grace: exit code 0 means the SIGTERM ended the wait.
    await managed.stop(10_000);
    assert.equal(managed.exitReason(), 'exit code 0', 'a SIGTERM ends the wait for a certificate (not the SIGKILL after the grace)');
  } finally {
    await managed.stop(1_000);
  }
});
