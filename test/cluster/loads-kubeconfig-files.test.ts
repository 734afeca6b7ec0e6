import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, test } from 'node:test';
import { loadKube } from '../../src/cluster/kube.ts';
import { StateguardError } from '../../src/policy/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'stateguard-kubeconfig-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function kubeconfig(file: string, name: string, server: string): string {
  const path = join(dir, file);
  writeFileSync(path, JSON.stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': name,
    clusters: [{ name, cluster: { server } }], users: [{ name, user: { token: 't' } }], contexts: [{ name, context: { cluster: name, user: name } }],
  }));
  return path;
}

const first = kubeconfig('first', 'first', 'https://first.example:6443');
const second = kubeconfig('second', 'second', 'https://second.example:6443');

test('a KUBECONFIG-style list merges the files; the first sets the current context, --context picks another', () => {
  assert.equal(loadKube({ kubeconfig: [first, second].join(delimiter) }).server, 'https://first.example:6443');
  assert.equal(loadKube({ kubeconfig: [first, second].join(delimiter), context: 'second' }).server, 'https://second.example:6443');
});

test('an unknown context or an unreadable file is an ERR_CLUSTER error saying so', () => {
  assert.throws(() => loadKube({ kubeconfig: first, context: 'third' }), (error: unknown) => error instanceof StateguardError && error.code === 'ERR_CLUSTER' && /has no context "third"/.test(error.message));
  assert.throws(() => loadKube({ kubeconfig: join(dir, 'missing') }), (error: unknown) => error instanceof StateguardError && /cannot load the cluster configuration: ENOENT/.test(error.message));
});
