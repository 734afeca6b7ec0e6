/**
 * `helm install`, `helm upgrade` and `helm uninstall` of charts/stateguard against the real API server, with the
 * webhook answering: there is no kubelet (and no image registry) here, so the Deployment's pod never runs. Its part
 * is played by `stateguard serve` as a process of this machine, run as the chart's ServiceAccount (so the chart's
 * RBAC is what it has) with the config.yaml and policies.yaml of the installed ConfigMap, written to files as the
 * kubelet would mount them. The API server calls it through the chart's Service: with --enable-aggregator-routing
 * it resolves the Service to its EndpointSlice, which the test points at this machine's address (the endpoints
 * controller would point it at the pod). Certificates are self-managed: the server issues them and patches the
 * caBundle of the webhook configurations the chart installed. The chart also installs the PolicyReport CRD (the cluster
 * has none), so the background audit runs and its metrics (leader, lookup caches, audit) are checked on the way.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { parse, stringify } from 'yaml';
import { eventually, statefulSet } from '../cluster/fixtures.ts';
import { CHART, helmOk, releaseObjects } from '../helpers/helm.ts';
import { startCluster, type Cluster } from './harness/cluster.ts';
import { writeKubeconfig } from './harness/kubectl.ts';
import { startStateguard, type Stateguard } from './harness/stateguard.ts';
import { test } from './harness/test.ts';

type Hook = { failurePolicy: string; clientConfig: { caBundle?: string; service?: { name: string; namespace: string } } };

let cluster: Cluster;
let server: Stateguard | undefined;
let dir: string;

before(async () => {
  cluster = await startCluster({ apiserverArgs: ['--enable-aggregator-routing=true'] });
  dir = await mkdtemp(join(tmpdir(), 'stateguard-helm-e2e-'));
  await cluster.kubectlOk(['create', 'namespace', 'shop']);
});

after(async () => {
  await server?.stop();
  await cluster?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

/** A non-loopback IPv4 address of this machine: Endpoints may not name a loopback address. */
function machineAddress(): string {
  const address = Object.values(networkInterfaces()).flat().find((a) => a !== undefined && a.family === 'IPv4' && !a.internal)?.address;
  if (address === undefined) throw new Error('this machine has no non-loopback IPv4 address for the webhook EndpointSlice');
  return address;
}

const helm = (args: string[], values: Record<string, unknown> = {}) => helmOk(cluster.kubeconfig, args, values);

/** The installed ConfigMap as the kubelet would mount it: policies.yaml in a folder, config.yaml pointing there. */
async function projectConfigMap(): Promise<string> {
  const configMap = JSON.parse((await cluster.kubectlOk(['get', 'configmap', 'stateguard-config', '-n', 'stateguard', '-o', 'json'])).stdout) as { data: Record<string, string> };
  const policies = join(dir, 'policies');
  await mkdir(policies, { recursive: true });
  await writeFile(join(policies, 'policies.yaml'), configMap.data['policies.yaml'] ?? '');
  const config = parse(configMap.data['config.yaml'] ?? '') as { policyDirs: string[] };
  assert.deepEqual(config.policyDirs, ['/etc/stateguard/policies'], 'the chart points the server at the mounted policies');
  config.policyDirs = [policies];
  const file = join(dir, 'config.yaml');
  await writeFile(file, stringify(config));
  return file;
}

async function liveHooks(): Promise<Hook[]> {
  const hooks: Hook[] = [];
  for (const kind of ['mutatingwebhookconfiguration', 'validatingwebhookconfiguration']) {
    hooks.push(...(JSON.parse((await cluster.kubectlOk(['get', kind, 'stateguard', '-o', 'json'])).stdout) as { webhooks: Hook[] }).webhooks);
  }
  return hooks;
}

const unsafe = () => JSON.stringify(statefulSet('db', 'shop', { withoutRequests: true }));
const dryRunCreate = () => cluster.kubectl(['create', '--dry-run=server', '-f', '-'], { input: unsafe() });

test('helm install: the webhook configurations call the chart\'s Service, and a StatefulSet is denied or admitted as the values say', async () => {
  // With the PolicyReport CRD (the cluster has none), so the background audit runs too.
  helm(['install', 'stateguard', CHART, '--namespace', 'stateguard', '--create-namespace'], { policyReportCRD: { install: true } });
  await cluster.waitEstablished('crd/policyreports.wgpolicyk8s.io');
  for (const hook of await liveHooks()) {
    assert.equal(hook.failurePolicy, 'Fail');
    assert.deepEqual(hook.clientConfig.service && [hook.clientConfig.service.namespace, hook.clientConfig.service.name], ['stateguard', 'stateguard']);
  }
  // The pod's stand-in, with the chart's ServiceAccount and RBAC.
  const token = (await cluster.kubectlOk(['create', 'token', 'stateguard', '-n', 'stateguard', '--duration=1h'])).stdout.trim();
  const kubeconfig = join(dir, 'stateguard.kubeconfig');
  await writeKubeconfig(kubeconfig, { server: cluster.server, caPem: cluster.caPem, token });
  server = await startStateguard({ configFile: await projectConfigMap(), kubeconfig, args: ['--host=0.0.0.0'] });
  const port = Number(new URL(server.url).port);
  await cluster.kubectlOk(['apply', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
      metadata: { name: 'stateguard-e2e', namespace: 'stateguard', labels: { 'kubernetes.io/service-name': 'stateguard' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: [machineAddress()], conditions: { ready: true } }],
      ports: [{ name: 'https', port, protocol: 'TCP' }],
    }),
  });
  // The server has put its CA into both configurations the chart installed.
  await eventually('the caBundle of both webhook configurations', async () => ((await liveHooks()).every((h) => (h.clientConfig.caBundle ?? '') !== '') ? true : undefined), 30_000);

  const denied = await eventually('the API server denies through the chart\'s webhook', async () => {
    const result = await dryRunCreate();
    return /resource-requests-required/.test(result.stderr) ? result : undefined;
  }, 30_000);
  assert.notEqual(denied.code, 0);
  assert.match(denied.stderr, /admission webhook "validate\.stateguard\.io" denied the request/);
  const safe = await cluster.kubectl(['create', '-o', 'json', '-f', '-'], { input: JSON.stringify(statefulSet('web', 'shop')) });
  assert.equal(safe.code, 0, safe.stderr);
  await server.waitForDecision('the compliant StatefulSet', (line) => line.object === 'shop/web' && line.webhook === 'validate' && line.decision === 'allow');

  // The cluster side's metrics: this replica leads, its lookup caches synced, and the audit scanned and reported.
  const metrics = await eventually('the audit has written the report of shop/web', async () => {
    const text = await (await fetch(`${server?.metricsUrl}/metrics`)).text();
    return /^stateguard_audit_reports_written_total\{outcome="created"\} [1-9]/m.test(text) && /^stateguard_audit_last_scan_timestamp_seconds [1-9]/m.test(text) ? text : undefined;
  }, 30_000);
  assert.match(metrics, /^stateguard_leader 1$/m);
  for (const kind of ['namespaces', 'services', 'storageClasses', 'podDisruptionBudgets', 'limitRanges']) assert.match(metrics, new RegExp(`^stateguard_lookup_cache_synced\\{kind="${kind}"\\} 1$`, 'm'));
  await cluster.kubectlOk(['get', 'policyreports', '-n', 'shop', 'stateguard-sts-web']);
});

test('helm upgrade to audit-only: failurePolicy Ignore reaches the API server, the caBundle stays, and the same StatefulSet is admitted', async () => {
  assert.ok(server, 'the install test started the server');
  const before = await liveHooks();
  helm(['upgrade', 'stateguard', CHART, '--namespace', 'stateguard'], { actionCeiling: 'audit', webhook: { failurePolicy: 'Ignore' }, policyReportCRD: { install: true } });
  const afterUpgrade = await liveHooks();
  for (const [i, hook] of afterUpgrade.entries()) {
    assert.equal(hook.failurePolicy, 'Ignore');
    assert.equal(hook.clientConfig.caBundle, before[i]?.clientConfig.caBundle, 'helm upgrade keeps the caBundle stateguard wrote');
  }
  // The kubelet would update the mounted files; the server reloads them by itself.
  await projectConfigMap();
  const admitted = await eventually('the upgraded config admits the StatefulSet', async () => {
    const result = await dryRunCreate();
    return result.code === 0 ? result : undefined;
  }, 30_000);
  assert.equal(admitted.code, 0);
  await server.waitForDecision('the audited StatefulSet', (line) => line.object === 'shop/db' && line.webhook === 'validate' && line.decision === 'allow' && line.findings['resource-requests-required'] !== undefined);
});

test('helm uninstall leaves no webhook configuration (nor any other chart object) behind', async () => {
  // Back to Fail first: a leftover Fail webhook is the one that would block the cluster.
  helm(['upgrade', 'stateguard', CHART, '--namespace', 'stateguard'], { policyReportCRD: { install: true } });
  const installed = releaseObjects(cluster.kubeconfig, 'stateguard', 'stateguard');
  assert.ok(installed.length >= 10 && installed.some((o) => o.kind === 'CustomResourceDefinition'), JSON.stringify(installed.map((o) => o.kind)));
  helmOk(cluster.kubeconfig, ['uninstall', 'stateguard', '--namespace', 'stateguard']);
  await server?.stop();
  server = undefined;
  const hooks = await cluster.kubectlOk(['get', 'mutatingwebhookconfigurations,validatingwebhookconfigurations', '-o', 'name']);
  assert.doesNotMatch(hooks.stdout, /stateguard/);
  for (const object of installed) {
    // Kept by design: the PolicyReport CRD (deleting it would delete every report in the cluster).
    if (object.metadata.annotations?.['helm.sh/resource-policy'] === 'keep') {
      assert.equal(object.kind, 'CustomResourceDefinition');
      await cluster.kubectlOk(['get', 'crd', object.metadata.name]);
      continue;
    }
    const args = ['get', object.kind.toLowerCase(), object.metadata.name, ...(object.metadata.namespace === undefined ? [] : ['-n', object.metadata.namespace])];
    const left = await cluster.kubectl(args);
    assert.match(left.stderr, /NotFound/, `${object.kind}/${object.metadata.name} is gone`);
  }
  // With no webhook left, nothing stands between a StatefulSet and the API server.
  const created = await cluster.kubectl(['create', '--dry-run=server', '-f', '-'], { input: unsafe() });
  assert.equal(created.code, 0, created.stderr);
});
