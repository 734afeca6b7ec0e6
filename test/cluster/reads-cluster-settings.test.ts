import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildConfig, envConfig } from '../../src/config/config.ts';
import { StateguardError } from '../../src/policy/index.ts';

test('cluster settings default to the names deploy/base uses, and come from KUBECONFIG and the pod environment', () => {
  const defaults = buildConfig([]).cluster;
  assert.deepEqual({ namespace: defaults.namespace, secret: defaults.certSecretName, lease: defaults.leaseName, webhooks: defaults.webhookNames }, {
    namespace: 'stateguard', secret: 'stateguard-tls', lease: 'stateguard-leader', webhooks: { mutating: 'stateguard', validating: 'stateguard' },
  });
  const fromEnv = buildConfig([envConfig({ KUBECONFIG: '/a:/b', STATEGUARD_NAMESPACE: 'guard', STATEGUARD_POD_NAME: 'stateguard-7d9f-x2' })]).cluster;
  assert.deepEqual({ kubeconfig: fromEnv.kubeconfig, namespace: fromEnv.namespace, identity: fromEnv.identity }, { kubeconfig: '/a:/b', namespace: 'guard', identity: 'stateguard-7d9f-x2' });
});

test('a renew interval not shorter than the lease duration is a config error', () => {
  assert.throws(() => buildConfig([{ cluster: { leaseDurationSeconds: 5, leaseRenewSeconds: 5 } }]), (error: unknown) => error instanceof StateguardError && error.code === 'ERR_CONFIG' && /leaseRenewSeconds must be shorter/.test(error.message));
  assert.throws(() => buildConfig([{ cluster: { events: { enabled: true, maxPerMinute: 0 } } }]), StateguardError);
});
