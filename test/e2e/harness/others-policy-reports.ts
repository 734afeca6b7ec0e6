/**
 * Another producer's PolicyReport CRD and reports (the upstream CRD shape, v1alpha1/v1alpha2/v1beta1 with v1beta1
 * stored, under Kyverno's label and field manager), and a fingerprint of them: what installing and uninstalling
 * stateguard (kustomize or Helm) must leave exactly as it was.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { eventually } from '../../cluster/fixtures.ts';
import type { Cluster } from './cluster.ts';

type Json = Record<string, unknown>;
type Meta = { name: string; resourceVersion: string; labels?: Record<string, string> };

export const CRD_NAME = 'crd/policyreports.wgpolicyk8s.io';
export const OTHERS = { 'app.kubernetes.io/managed-by': 'kyverno' } as const;
const CRD_FILE = join(import.meta.dirname, '../../../deploy/components/policyreport-crd/policyreport-crd.yaml');

/** Someone else's report in `namespace`, written through `version`. */
export function othersReport(name: string, version: string, namespace: string): Json {
  return {
    apiVersion: `wgpolicyk8s.io/${version}`, kind: 'PolicyReport',
    metadata: { name, namespace, labels: { ...OTHERS } },
    scope: { apiVersion: 'v1', kind: 'Pod', name: 'web-0', namespace },
    summary: { pass: 1, fail: 1, warn: 0, error: 0, skip: 0 },
    results: [
      { source: 'kyverno', policy: 'require-labels', rule: 'check-team', result: 'pass', scored: true, timestamp: { seconds: 1, nanos: 0 } },
      { source: 'kyverno', policy: 'disallow-latest', rule: 'validate-image', result: 'fail', severity: 'medium', timestamp: { seconds: 1, nanos: 0 } },
    ],
  };
}

/** Installs the other producer's CRD and two of its reports (v1beta1 and v1alpha2) in `namespace`. */
export async function installOthersReports(cluster: Cluster, namespace: string): Promise<void> {
  const crd = parse(readFileSync(CRD_FILE, 'utf8')) as { metadata: Json };
  crd.metadata['labels'] = { ...OTHERS };
  await cluster.kubectlOk(['apply', '--field-manager=kyverno', '-f', '-'], { input: JSON.stringify(crd) });
  await cluster.waitEstablished(CRD_NAME);
  await eventually('the other producer\'s reports are written', async () => {
    const written = await Promise.all([['kyverno-beta', 'v1beta1'], ['kyverno-alpha', 'v1alpha2']].map(([name, version]) => cluster.kubectl(['create', '-f', '-'], { input: JSON.stringify(othersReport(name as string, version as string, namespace)) })));
    return written.every((w) => w.code === 0 || /AlreadyExists/.test(w.stderr)) ? true : undefined;
  });
}

/** The CRD's resourceVersion and labels, and name@resourceVersion of each of the other producer's reports. */
export async function othersState(cluster: Cluster, namespace: string): Promise<{ crd: string; labels: Record<string, string> | undefined; reports: string[] }> {
  const getJson = async <T>(args: string[]): Promise<T> => JSON.parse((await cluster.kubectlOk([...args, '-o', 'json'])).stdout) as T;
  const crd = await getJson<{ metadata: Meta }>(['get', CRD_NAME]);
  const reports = await getJson<{ items: { metadata: Meta }[] }>(['get', 'policyreports', '-n', namespace, '-l', 'app.kubernetes.io/managed-by=kyverno']);
  return { crd: crd.metadata.resourceVersion, labels: crd.metadata.labels, reports: reports.items.map((r) => `${r.metadata.name}@${r.metadata.resourceVersion}`).sort() };
}
