import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { serveConfigInput } from '../../src/cli/serve-options.ts';
import { clusterAccess } from '../../src/config/cluster-access.ts';
import { buildConfig, envConfig } from '../../src/config/config.ts';

const dir = mkdtempSync(join(tmpdir(), 'stateguard-access-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const token = join(dir, 'token');
writeFileSync(token, 'a service-account token');
const missing = join(dir, 'no-token');
const inPod = { KUBERNETES_SERVICE_HOST: '10.0.0.1' };

/** defaults ← env ← flags, as `serve` builds them. */
function enabled(env: NodeJS.ProcessEnv, flags: Parameters<typeof serveConfigInput>[0], tokenFile: string): boolean {
  return clusterAccess(buildConfig([envConfig(env), serveConfigInput(flags)]).cluster, env, tokenFile).enabled;
}

test('cluster features run with --kubeconfig or --context, or in a pod; a KUBECONFIG in the shell alone does not turn them on', () => {
  const cases: { what: string; env: NodeJS.ProcessEnv; flags: Parameters<typeof serveConfigInput>[0]; tokenFile: string; expected: boolean }[] = [
    { what: 'npm start on a laptop', env: {}, flags: {}, tokenFile: missing, expected: false },
    { what: 'KUBECONFIG set in the shell', env: { KUBECONFIG: '/home/dev/.kube/config' }, flags: {}, tokenFile: missing, expected: false },
    { what: '--kubeconfig', env: {}, flags: { kubeconfig: '/tmp/kubeconfig' }, tokenFile: missing, expected: true },
    { what: '--context, with KUBECONFIG saying where', env: { KUBECONFIG: '/home/dev/.kube/config' }, flags: { context: 'staging' }, tokenFile: missing, expected: true },
    { what: 'in a pod', env: inPod, flags: {}, tokenFile: token, expected: true },
    { what: 'KUBERNETES_SERVICE_HOST without a token', env: inPod, flags: {}, tokenFile: missing, expected: false },
    { what: 'a token without KUBERNETES_SERVICE_HOST', env: {}, flags: {}, tokenFile: token, expected: false },
    { what: 'in a pod, turned off', env: { ...inPod, STATEGUARD_CLUSTER: 'false' }, flags: {}, tokenFile: token, expected: false },
    { what: 'turned on by the environment', env: { STATEGUARD_CLUSTER: 'true' }, flags: {}, tokenFile: missing, expected: true },
  ];
  for (const c of cases) assert.equal(enabled(c.env, c.flags, c.tokenFile), c.expected, c.what);
});

test('the reason says why, for the start-up summary', () => {
  assert.match(clusterAccess({}, { KUBECONFIG: '/x' }, missing).reason, /KUBECONFIG alone does not enable it/);
  assert.match(clusterAccess({}, inPod, token).reason, /in a pod/);
  assert.match(clusterAccess({ enabled: true }, {}, missing).reason, /--kubeconfig/);
});

test('--kubeconfig and --context are the last config layer; without them the cluster section is left as it is', () => {
  assert.deepEqual(serveConfigInput({ kubeconfig: '/k', context: 'c' }).cluster, { kubeconfig: '/k', context: 'c', enabled: true });
  assert.deepEqual(serveConfigInput({}).cluster, {});
  assert.equal(buildConfig([{ cluster: { certValidityDays: 30 / 86_400 } }]).cluster.certValidityDays, 30 / 86_400, 'fractions of a day, for trying rotation out');
});
