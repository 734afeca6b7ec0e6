/** `stateguard serve --kubeconfig` whose own namespace (cluster.namespace) does not exist: one clear error, exit 2. */
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { test } from './harness/test.ts';
import { runCli } from '../helpers/cli.ts';
import { startCluster, type Cluster } from './harness/cluster.ts';

let cluster: Cluster;

before(async () => {
  cluster = await startCluster();
});

after(async () => {
  await cluster?.stop();
});

test('serve names the missing namespace and the fix in one line and exits 2, instead of never becoming ready', () => {
  const result = runCli(['serve', '--kubeconfig', cluster.kubeconfig, '--port', '0', '--metrics-port', '0'], { env: { STATEGUARD_NAMESPACE: 'not-there' } });
  assert.equal(result.code, 2, result.stderr);
  const errors = result.stderr.split('\n').filter((line) => line.startsWith('stateguard: '));
  assert.equal(errors.length, 1, result.stderr);
  assert.match(errors[0] ?? '', /^stateguard: namespace "not-there" does not exist at https:\/\/127\.0\.0\.1:\d+ \(stateguard keeps its Lease and certificate Secret there\): create it \(kubectl create namespace not-there\) or set cluster\.namespace \(STATEGUARD_NAMESPACE\) to the namespace stateguard runs in$/);
});
