import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { CLUSTER_STOP_TIMEOUT_MS } from '../../src/cli/cluster-features.ts';
import { buildConfig, type ConfigInput } from '../../src/config/config.ts';
import { serverStopBoundMs } from '../../src/webhook/start-server.ts';

const ROOT = resolve(import.meta.dirname, '../..');
/** Time for the process to flush its log and exit after the last step, and for the kubelet's own bookkeeping. */
const EXIT_MARGIN_MS = 2_000;

interface Pod {
  terminationGracePeriodSeconds?: number;
  containers: { name: string; lifecycle?: { preStop?: { sleep?: { seconds: number } } } }[];
}
type Obj = { kind: string; metadata: { name: string }; spec?: { template: { spec: Pod } }; data?: Record<string, string> };

for (const overlay of ['base', 'overlays/audit-only', 'overlays/cert-manager']) {
  test(`${overlay}: the SIGTERM budget (preStop + the server's stop bound + the cluster stop bound) fits terminationGracePeriodSeconds`, () => {
    const text = execFileSync('kubectl', ['kustomize', resolve(ROOT, 'deploy', overlay)], { encoding: 'utf8' });
    const objects = parseAllDocuments(text).map((d) => d.toJS() as Obj).filter(Boolean);
    const pod = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'stateguard')?.spec?.template.spec;
    const configMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'stateguard-config');
    assert.ok(pod && configMap?.data?.['config.yaml'] !== undefined);
    // The grace period counts from the start of preStop; SIGTERM comes after it.
    const preStopMs = Math.max(0, ...pod.containers.map((c) => (c.lifecycle?.preStop?.sleep?.seconds ?? 0) * 1000));
    const { server } = buildConfig([parse(configMap.data['config.yaml']) as ConfigInput]);
    // The same bounds serve passes to its lifecycles: the server's (drain + in-flight deadline + closing), then the cluster side's.
    const budgetMs = preStopMs + serverStopBoundMs(server, true) + CLUSTER_STOP_TIMEOUT_MS + EXIT_MARGIN_MS;
    const graceMs = (pod.terminationGracePeriodSeconds ?? 30) * 1000;
    assert.ok(budgetMs <= graceMs, `shutdown needs up to ${budgetMs} ms, the pod gets ${graceMs} ms`);
    assert.ok(preStopMs + server.shutdownDrainMs >= 3_000, 'the pod keeps answering for a few seconds after SIGTERM, while it leaves the endpoints');
  });
}
