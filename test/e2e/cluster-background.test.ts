import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { after, before } from 'node:test';
import { test } from './harness/test.ts';
import { startBackgroundAudit, type BackgroundAudit } from '../../src/audit/background.ts';
import type { AuditPolicies } from '../../src/audit/audit-statefulset.ts';
import { createEventRecorder } from '../../src/cluster/events.ts';
import { loadKube, type Kube } from '../../src/cluster/kube.ts';
import { startLookupCache, type LookupCache } from '../../src/cluster/lookup-cache.ts';
import { DEFAULT_ACTION_SETTINGS } from '../../src/policy/index.ts';
import { builtinPolicies } from '../helpers/policies.ts';
import { eventually, silentLog, stateguardKubeconfig, statefulSet } from '../cluster/fixtures.ts';
import { startCluster, type Cluster } from './harness/cluster.ts';
import { chooseReportApi, type ReportApi } from '../../src/cluster/policy-report-api.ts';

const V1ALPHA2 = chooseReportApi(['v1alpha2']) as ReportApi;

const CRD = resolve(import.meta.dirname, '../../deploy/components/policyreport-crd/policyreport-crd.yaml');
const namespace = 'apps';

let cluster: Cluster;
/** As stateguard's service account, with the RBAC of deploy/base. */
let kube: Kube;
let cache: LookupCache;
let audit: BackgroundAudit | undefined;

/** A leader whose leadership the test hands over. */
const leadership = {
  leading: false,
  listeners: new Set<(leader: boolean) => void>(),
  isLeader() { return this.leading; },
  onChange(listener: (leader: boolean) => void) { this.listeners.add(listener); return () => this.listeners.delete(listener); },
  set(leading: boolean) { this.leading = leading; for (const listener of this.listeners) listener(leading); },
};
let policies: AuditPolicies;

before(async () => {
  cluster = await startCluster();
  kube = loadKube({ kubeconfig: await stateguardKubeconfig(cluster) });
  await kubectl(['apply', '-f', CRD]);
  await cluster.waitEstablished('crd/policyreports.wgpolicyk8s.io');
  await kubectl(['create', 'namespace', namespace]);
  await kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'standard' }, provisioner: 'example.com/none', allowVolumeExpansion: true }));
  cache = startLookupCache(kube, { log: silentLog, watchTimeoutSeconds: 5 });
  await cache.waitForSync(30_000);
  policies = { set: builtinPolicies(), actions: DEFAULT_ACTION_SETTINGS };
});

after(async () => {
  await audit?.stop();
  await cache?.stop();
  await cluster?.stop();
});

async function kubectl(args: string[], input?: string): Promise<string> {
  return (await cluster.kubectlOk(args, input === undefined ? {} : { input })).stdout;
}

interface Report { metadata: { name: string }; scope: { name: string }; results: { policy: string; result: string }[] }
/** The results that are not passes (reports list passes too). */
const flagged = (report: Report | undefined) => report?.results.filter((r) => r.result !== 'pass');

async function reports(): Promise<Map<string, Report>> {
  const list = JSON.parse(await kubectl(['get', 'policyreports', '-n', namespace, '-o', 'json'])) as { items: Report[] };
  return new Map(list.items.map((r) => [r.scope.name, r]));
}

async function violationEvents(name: string): Promise<string[]> {
  const list = JSON.parse(await kubectl(['get', 'events.events.k8s.io', '-n', namespace, '-o', 'json'])) as { items: { regarding: { name: string }; reason: string; note: string }[] };
  return list.items.filter((e) => e.regarding.name === name && e.reason === 'PolicyViolation').map((e) => e.note);
}

test('nothing is written until this replica leads; then every StatefulSet gets its report and orphaned reports go', async () => {
  await kubectl(['apply', '-f', '-'], JSON.stringify(statefulSet('existing', namespace)));
  await kubectl(['apply', '-f', '-'], JSON.stringify({
    apiVersion: 'wgpolicyk8s.io/v1alpha2', kind: 'PolicyReport',
    metadata: { name: 'stateguard-sts-gone', namespace, labels: { 'app.kubernetes.io/managed-by': 'stateguard' } },
    scope: { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'gone', namespace, uid: '00000000-0000-0000-0000-000000000000' },
    results: [],
  }));
  audit = startBackgroundAudit(kube, {
    policies: () => policies, view: cache, leader: leadership, intervalMs: 3_600_000, deleteWhenClean: false, reportApi: V1ALPHA2,
    events: createEventRecorder(kube, { instance: 'test-replica', maxPerMinute: 2, log: silentLog }), log: silentLog, watchTimeoutSeconds: 5,
  });
  await new Promise((done) => setTimeout(done, 1000));
  assert.deepEqual([...(await reports()).keys()], ['gone'], 'a follower writes nothing');

  leadership.set(true);
  const written = await eventually('the report of "existing" and no orphan', async () => {
    const now = await reports();
    return now.has('existing') && !now.has('gone') ? now : undefined;
  });
  assert.deepEqual(flagged(written.get('existing'))?.map((r) => r.policy), ['headless-service-exists']);
  const notes = await eventually('the Event on "existing"', async () => {
    const found = await violationEvents('existing');
    return found.length > 0 ? found : undefined;
  });
  assert.match(notes[0] ?? '', /^\[headless-service-exists\] spec\.serviceName: Service "existing" does not exist/);
});

test('a new StatefulSet is reported from the watch, with an Event naming its new violations', async () => {
  await kubectl(['apply', '-f', '-'], JSON.stringify(statefulSet('later', namespace, { withoutRequests: true })));
  const report = await eventually('the report of "later"', async () => (await reports()).get('later'));
  assert.deepEqual(flagged(report)?.map((r) => r.policy), ['headless-service-exists', 'resource-requests-required']);
  const notes = await eventually('the Event on "later"', async () => {
    const found = await violationEvents('later');
    return found.length > 0 ? found : undefined;
  });
  assert.equal(notes.length, 1);
  assert.match(notes[0] ?? '', /\[resource-requests-required\] spec\.template\.spec\.containers\[0\]\.resources\.requests: container "app" requests no cpu/);
});

test('a fixed StatefulSet gets its report updated and no new Event; a deleted one loses its report', async () => {
  await kubectl(['apply', '-f', '-'], JSON.stringify(statefulSet('later', namespace)));
  await eventually('the updated report', async () => (flagged((await reports()).get('later'))?.length === 1 ? true : undefined));
  assert.equal((await violationEvents('later')).length, 1);

  await kubectl(['delete', 'statefulset', 'later', '-n', namespace]);
  await eventually('the report of "later" to be deleted', async () => ((await reports()).has('later') ? undefined : true));
});

test('rescan() applies changed policies to every StatefulSet, also to a report changed meanwhile by someone else', async () => {
  await kubectl(['annotate', 'policyreport', 'stateguard-sts-existing', '-n', namespace, 'example.com/touched=yes']);
  policies = { set: builtinPolicies(), actions: { ...DEFAULT_ACTION_SETTINGS, overrides: { 'headless-service-exists': 'off' } } };
  await audit?.rescan();
  assert.deepEqual(flagged((await reports()).get('existing')), []);
});

test('Events are rate-limited', async () => {
  const names = ['a', 'b', 'c'];
  await kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: names.map((name) => statefulSet(name, namespace, { withoutRequests: true })) }));
  await eventually('their reports', async () => {
    const now = await reports();
    return names.every((name) => now.has(name)) ? true : undefined;
  });
  await audit?.rescan();
  const events = (await Promise.all(names.map(violationEvents))).flat();
  // 2 per minute, and "existing" and "later" took both within the last minute.
  assert.ok(events.length < names.length, `${events.length} Events for ${names.length} StatefulSets with new violations`);
});

test('losing the leadership stops the writes', async () => {
  leadership.set(false);
  await new Promise((done) => setTimeout(done, 200));
  await kubectl(['apply', '-f', '-'], JSON.stringify(statefulSet('while-following', namespace)));
  // An absence can only be waited for (1.5 s); the end of the test shows the wait is not vacuous.
  await new Promise((done) => setTimeout(done, 1500));
  assert.equal((await reports()).has('while-following'), false);
  // The wait was long enough to matter: leading again, the same StatefulSet gets its report.
  leadership.set(true);
  await eventually('the report of "while-following" once leading again', async () => ((await reports()).has('while-following') ? true : undefined));
});
