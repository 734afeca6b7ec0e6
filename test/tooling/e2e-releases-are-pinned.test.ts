/**
 * The e2e releases setting (test/e2e/cluster/releases) and the go.mod of each release agree: the harness and
 * scripts/e2e-build.sh read their versions from these files only. No Go needed.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { listedReleases, releaseOf, selectedRelease } from '../e2e/harness/release.ts';

test('the oldest and the newest supported Kubernetes minors are listed, oldest first', () => {
  const minors = listedReleases();
  assert.equal(minors.length, 2);
  const [oldest, newest] = minors.map((m) => Number(m.split('.')[1])) as [number, number];
  assert.ok(oldest < newest, `${minors.join(', ')}`);
});

for (const minor of listedReleases()) {
  test(`Kubernetes ${minor}: its go.mod builds kube-apiserver, kubectl and etcd, with every staging module at the matching v0 release`, () => {
    const release = releaseOf(minor);
    const goMod = readFileSync(release.goModPath, 'utf8');
    for (const tool of ['go.etcd.io/etcd/server/v3', 'k8s.io/kubernetes/cmd/kube-apiserver', 'k8s.io/kubernetes/cmd/kubectl']) assert.match(goMod, new RegExp(`^\\t${tool.replaceAll('.', '\\.')}$`, 'm'), `tool ${tool}`);
    const staging = `v0${release.kubernetes.slice(2)}`;
    const replaced = [...goMod.matchAll(/^\t(k8s\.io\/[a-z0-9-]+) => (k8s\.io\/[a-z0-9-]+) (v\S+)$/gm)];
    assert.ok(replaced.length >= 30, `${replaced.length} staging modules replaced`);
    for (const [, from, to, version] of replaced) {
      assert.equal(from, to);
      assert.equal(version, staging, `${from} pinned to ${version}, not ${staging}`);
    }
    assert.match(release.etcd, /^v3\.\d+\.\d+$/);
  });
}

test('STATEGUARD_E2E_KUBERNETES outside the list is an error naming the list, not a silent default', () => {
  const saved = process.env['STATEGUARD_E2E_KUBERNETES'];
  process.env['STATEGUARD_E2E_KUBERNETES'] = '1.20';
  try {
    assert.throws(selectedRelease, /STATEGUARD_E2E_KUBERNETES=1\.20 is not listed in .*releases \(1\.\d+, 1\.\d+\)/);
  } finally {
    if (saved === undefined) delete process.env['STATEGUARD_E2E_KUBERNETES'];
    else process.env['STATEGUARD_E2E_KUBERNETES'] = saved;
  }
});
