import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { after, before } from 'node:test';
import { test } from './harness/test.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseAllDocuments } from 'yaml';
import { startCluster, type Cluster } from './harness/cluster.ts';
import { webhookConfigurations } from './harness/webhooks.ts';

type Json = Record<string, unknown>;

const ROOT = resolve(import.meta.dirname, '../..');
const OVERLAYS = ['base', 'overlays/audit-only', 'overlays/cert-manager'] as const;

let cluster: Cluster;

before(async () => {
  cluster = await startCluster();
  const crds = await cluster.kubectl(['apply', '-f', resolve(import.meta.dirname, 'fixtures/cert-manager-crds.yaml')]);
  assert.equal(crds.code, 0, crds.stderr);
  // A CRD serves its kind only once established.
  for (let i = 0; i < 50; i++) {
    const ready = await cluster.kubectl(['get', 'certificates.cert-manager.io', '-A']);
    if (ready.code === 0) return;
    await sleep(200);
  }
  assert.fail('cert-manager stand-in CRDs never became established');
});

after(async () => {
  await cluster?.stop();
});

function render(overlay: string): string {
  return execFileSync(cluster.kubectlPath, ['kustomize', resolve(ROOT, 'deploy', overlay)], { encoding: 'utf8' });
}

/** Applies, retrying briefly while a just-created CRD or namespace is not yet served. */
async function apply(manifest: string, extra: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let result = await cluster.kubectl(['apply', ...extra, '-f', '-'], { input: manifest });
  for (let i = 0; i < 20 && result.code !== 0 && /no matches for kind|ensure CRDs are installed|not found/.test(result.stderr); i++) {
    await sleep(250);
    result = await cluster.kubectl(['apply', ...extra, '-f', '-'], { input: manifest });
  }
  return result;
}

for (const overlay of OVERLAYS) {
  test(`deploy/${overlay}: every object is accepted by the API server, with --dry-run=server and then for real`, async () => {
    const manifest = render(overlay);
    const objects = parseAllDocuments(manifest).map((d) => d.toJS() as Json).filter(Boolean);
    // The namespace must exist before a server-side dry run of namespaced objects can succeed.
    await cluster.kubectl(['create', 'namespace', 'stateguard']);
    const dryRun = await apply(manifest, ['--dry-run=server']);
    assert.equal(dryRun.code, 0, dryRun.stderr);
    const real = await apply(manifest, []);
    assert.equal(real.code, 0, real.stderr);
    for (const object of objects) {
      const metadata = object['metadata'] as { name: string; namespace?: string };
      const args = ['get', String(object['kind']).toLowerCase() + (object['apiVersion'] === 'cert-manager.io/v1' ? '.cert-manager.io' : ''), metadata.name, ...(metadata.namespace === undefined ? [] : ['-n', metadata.namespace]), '-o', 'name'];
      const stored = await cluster.kubectl(args);
      assert.equal(stored.code, 0, `${String(object['kind'])}/${metadata.name} is stored: ${stored.stderr}`);
    }
  });
}

test('the webhook configurations deploy/ creates are the ones the e2e scenarios register, apart from clientConfig', async () => {
  const applied = await apply(render('base'), []);
  assert.equal(applied.code, 0, applied.stderr);
  const scenario = webhookConfigurations({ url: 'https://127.0.0.1:1', caPem: 'unused' });
  for (const expected of scenario) {
    const kind = String(expected['kind']);
    const live = JSON.parse((await cluster.kubectl(['get', kind.toLowerCase(), 'stateguard', '-o', 'json'])).stdout) as { webhooks: Json[] };
    const strip = (hooks: readonly Json[]) => hooks.map(({ clientConfig: _clientConfig, ...rest }) => rest);
    const expectedHooks = strip(expected['webhooks'] as Json[]);
    const liveHooks = strip(live.webhooks);
    for (const [i, hook] of expectedHooks.entries()) {
      for (const [key, value] of Object.entries(hook)) assert.deepEqual(liveHooks[i]?.[key], value, `${kind} webhook ${i} field ${key}`);
    }
    const service = (live.webhooks[0]?.['clientConfig'] as { service?: { name: string; namespace: string } }).service;
    assert.deepEqual([service?.namespace, service?.name], ['stateguard', 'stateguard']);
  }
});
