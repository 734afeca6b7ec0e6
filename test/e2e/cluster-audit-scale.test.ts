/** Audits a cluster of 1,000 StatefulSets: correctness asserted, scan rates only reported (no assertions on time). */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before } from 'node:test';
import { test } from './harness/test.ts';
import { stringify } from 'yaml';
import { scanCluster } from '../../src/audit/scan.ts';
import { loadKube } from '../../src/cluster/kube.ts';
import { startLookupCache } from '../../src/cluster/lookup-cache.ts';
import { DEFAULT_ACTION_SETTINGS } from '../../src/policy/index.ts';
import { runCli } from '../helpers/cli.ts';
import { builtinPolicies } from '../helpers/policies.ts';
import { silentLog, statefulSet } from '../cluster/fixtures.ts';
import { startCluster, type Cluster } from './harness/cluster.ts';

const CRD = resolve(import.meta.dirname, '../../deploy/components/policyreport-crd/policyreport-crd.yaml');
const NAMESPACES = 10;
const PER_NAMESPACE = 100;
const TOTAL = NAMESPACES * PER_NAMESPACE;
/** StatefulSets per kubectl call, well inside the harness's kubectl timeout. */
const CHUNK = 250;

let cluster: Cluster;

before(async () => {
  cluster = await startCluster();
  await kubectl(['apply', '-f', CRD]);
  await cluster.waitEstablished('crd/policyreports.wgpolicyk8s.io');
  const namespaces = Array.from({ length: NAMESPACES }, (_, n) => `team-${n}`);
  const objects = [
    ...namespaces.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })),
    ...namespaces.flatMap((namespace) => Array.from({ length: PER_NAMESPACE }, (_, i) => statefulSet(`db-${i}`, namespace, { replicas: 1 + (i % 3), withoutRequests: i % 4 === 0 }))),
  ];
  for (let start = 0; start < objects.length; start += CHUNK) {
    const file = join(cluster.dir, `statefulsets-${start}.yaml`);
    writeFileSync(file, objects.slice(start, start + CHUNK).map((object) => stringify(object)).join('---\n'));
    await kubectl(['apply', '-f', file]);
  }
});

after(async () => {
  await cluster?.stop();
});

async function kubectl(args: string[]): Promise<string> {
  return (await cluster.kubectlOk(args)).stdout;
}

function rate(count: number, ms: number): string {
  return `${Math.round((count / ms) * 1000)} StatefulSets/s (${count} in ${Math.round(ms)} ms)`;
}

test(`the scan pages through all ${TOTAL} StatefulSets`, async (t) => {
  const kube = loadKube({ kubeconfig: cluster.kubeconfig });
  const cache = startLookupCache(kube, { log: silentLog });
  try {
    await cache.waitForSync(30_000);
    const pages: number[] = [];
    const started = performance.now();
    const { report } = await scanCluster(kube, {
      policies: { set: builtinPolicies(), actions: DEFAULT_ACTION_SETTINGS }, view: cache, pageSize: 100, onProgress: (scanned) => pages.push(scanned),
    });
    const elapsed = performance.now() - started;
    assert.equal(report.items.length, TOTAL);
    assert.equal(new Set(report.items.map((i) => `${i.namespace}/${i.name}`)).size, TOTAL);
    assert.equal(pages.length, TOTAL / 100, 'one progress call per page of 100');
    assert.equal(report.items.filter((i) => i.evaluation.results.some((r) => r.result === 'fail')).length, TOTAL / 4);
    t.diagnostic(`library scan (pages of 100, lookups synced): ${rate(TOTAL, elapsed)}`);
  } finally {
    await cache.stop();
  }
});

test(`stateguard audit, as a process, reports all ${TOTAL} and writes as many PolicyReports`, async (t) => {
  const timed = (args: string[]) => {
    const started = performance.now();
    const result = runCli(['audit', '--kubeconfig', cluster.kubeconfig, ...args]);
    return { result, ms: performance.now() - started };
  };
  const plain = timed(['-o', 'json']);
  assert.equal(plain.result.code, 1, plain.result.stderr);
  assert.equal((JSON.parse(plain.result.stdout) as { summary: { statefulSets: number } }).summary.statefulSets, TOTAL);

  const first = timed(['-o', 'json', '--write-reports']);
  assert.match(first.result.stderr, new RegExp(`PolicyReports: ${TOTAL} created, 0 updated, 0 unchanged, 0 deleted`));
  const count = (await kubectl(['get', 'policyreports', '-A', '--no-headers'])).trim().split('\n').length;
  assert.equal(count, TOTAL);

  const second = timed(['-o', 'json', '--write-reports']);
  assert.match(second.result.stderr, new RegExp(`PolicyReports: 0 created, 0 updated, ${TOTAL} unchanged, 0 deleted`));

  t.diagnostic(`CLI audit, process start to exit: ${rate(TOTAL, plain.ms)}`);
  t.diagnostic(`CLI audit --write-reports, all created: ${rate(TOTAL, first.ms)}`);
  t.diagnostic(`CLI audit --write-reports, all unchanged: ${rate(TOTAL, second.ms)}`);
});
