/**
 * The PolicyReport CRD is shared (Kyverno, Policy Reporter and others install it). With policyReportCRD.install the
 * chart installs it only on a cluster that has none, and keeps it on uninstall; on a cluster where someone else
 * installed it, helm install, upgrade and uninstall leave that CRD and everyone's reports exactly as they were.
 */
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { eventually } from '../cluster/fixtures.ts';
import { CHART, helmOk, releaseObjects } from '../helpers/helm.ts';
import { startCluster, type Cluster } from './harness/cluster.ts';
import { CRD_NAME, OTHERS, installOthersReports, othersState } from './harness/others-policy-reports.ts';
import { test } from './harness/test.ts';

let cluster: Cluster;

before(async () => {
  cluster = await startCluster();
  await cluster.kubectlOk(['create', 'namespace', 'shop']);
});

after(async () => {
  await cluster?.stop();
});

const WITH_CRD = { policyReportCRD: { install: true } };

const install = (values: Record<string, unknown>) => helmOk(cluster.kubeconfig, ['install', 'stateguard', CHART, '--namespace', 'stateguard', '--create-namespace'], values);
const upgrade = (values: Record<string, unknown>) => helmOk(cluster.kubeconfig, ['upgrade', 'stateguard', CHART, '--namespace', 'stateguard'], values);
const uninstall = () => helmOk(cluster.kubeconfig, ['uninstall', 'stateguard', '--namespace', 'stateguard']);
/** The release's objects as `Kind/name` (its own stateguard.io CRDs are always among them; the PolicyReport one only when it installed it). */
const manifestObjects = () => releaseObjects(cluster.kubeconfig, 'stateguard', 'stateguard').map((o) => `${o.kind}/${o.metadata.name}`);

test('on a cluster without a PolicyReport CRD, policyReportCRD.install installs the upstream one, upgrade keeps owning it, and uninstall keeps it', async () => {
  install(WITH_CRD);
  await cluster.waitEstablished(CRD_NAME);
  const crd = JSON.parse((await cluster.kubectlOk(['get', CRD_NAME, '-o', 'json'])).stdout) as { metadata: { annotations: Record<string, string> }; spec: { versions: { name: string; storage: boolean }[] } };
  assert.equal(crd.metadata.annotations['helm.sh/resource-policy'], 'keep');
  assert.deepEqual(crd.spec.versions.map((v) => `${v.name}${v.storage ? '*' : ''}`), ['v1alpha1', 'v1alpha2', 'v1beta1*']);
  upgrade(WITH_CRD);
  assert.ok(manifestObjects().includes('CustomResourceDefinition/policyreports.wgpolicyk8s.io'), 'the release still renders the CRD it installed');
  uninstall();
  const kept = await cluster.kubectl(['get', CRD_NAME, '-o', 'name']);
  assert.equal(kept.code, 0, `helm uninstall deleted the PolicyReport CRD (and every report with it): ${kept.stderr}`);
  // Leave the cluster without a CRD for the next case, as it was.
  await cluster.kubectlOk(['delete', CRD_NAME]);
  await eventually('the CRD is gone', async () => ((await cluster.kubectl(['get', CRD_NAME])).code !== 0 ? true : undefined), 30_000);
});

test('with another producer\'s PolicyReport CRD and reports, helm install (asking for the CRD), upgrade and uninstall leave them intact', async () => {
  await installOthersReports(cluster, 'shop');
  const before = await othersState(cluster, 'shop');
  assert.equal(before.reports.length, 2);

  install(WITH_CRD);
  assert.ok(!manifestObjects().includes('CustomResourceDefinition/policyreports.wgpolicyk8s.io'), 'the release does not take over a CRD someone else installed');
  assert.deepEqual(await othersState(cluster, 'shop'), before, 'helm install changed neither the CRD nor the reports');
  upgrade({ ...WITH_CRD, actionCeiling: 'audit' });
  assert.deepEqual(await othersState(cluster, 'shop'), before, 'helm upgrade changed neither the CRD nor the reports');
  uninstall();
  const after = await othersState(cluster, 'shop');
  assert.deepEqual(after, before, 'helm uninstall removed neither the CRD nor the reports');
  assert.deepEqual(after.labels, OTHERS, 'the CRD still carries its owner\'s labels, not Helm\'s');
});
