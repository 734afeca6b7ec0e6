/**
 * Leader, lookup-cache and background-audit metrics, read from the cluster side at each scrape: what a dashboard
 * and alerts need to see which replica leads, whether lookups work, and whether the audit keeps up.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createMetrics, type ClusterStatus } from '../../src/metrics/metrics.ts';

/** name{labels} → value, from the Prometheus text. */
async function samples(status?: ClusterStatus): Promise<Map<string, number>> {
  const text = await createMetrics(3, status).registry.metrics();
  return new Map([...text.matchAll(/^(stateguard_(?:leader|lookup_cache|audit)\S*) (\S+)$/gm)].map((m) => [m[1]!, Number(m[2])]));
}

test('without cluster features: not leader, audit scan gauges 0, and no per-kind or per-policy series', async () => {
  assert.deepEqual(Object.fromEntries(await samples()), {
    stateguard_leader: 0,
    stateguard_audit_last_scan_timestamp_seconds: 0,
    stateguard_audit_last_scan_duration_seconds: 0,
  });
});

test('the leader with synced and pending caches and a finished scan exposes each, as the cluster side says at scrape time', async () => {
  let leader = true;
  const status: ClusterStatus = {
    leader: () => leader,
    cachesSynced: () => ({ namespaces: true, storageClasses: false }),
    audit: () => ({
      lastScan: { finishedAt: new Date('2026-12-02T20:00:00.500Z'), durationSeconds: 1.25 },
      reportsWritten: { created: 4, updated: 2, deleted: 1 },
      violationsByPolicy: () => new Map([['resource-requests-required', 3], ['image-tag-pinned', 1]]),
    }),
  };
  assert.deepEqual(Object.fromEntries(await samples(status)), {
    stateguard_leader: 1,
    'stateguard_lookup_cache_synced{kind="namespaces"}': 1,
    'stateguard_lookup_cache_synced{kind="storageClasses"}': 0,
    stateguard_audit_last_scan_timestamp_seconds: Date.parse('2026-12-02T20:00:00Z') / 1000,
    stateguard_audit_last_scan_duration_seconds: 1.25,
    'stateguard_audit_reports_written_total{outcome="created"}': 4,
    'stateguard_audit_reports_written_total{outcome="updated"}': 2,
    'stateguard_audit_reports_written_total{outcome="deleted"}': 1,
    'stateguard_audit_violations{policy="resource-requests-required"}': 3,
    'stateguard_audit_violations{policy="image-tag-pinned"}': 1,
  });
  leader = false;
  const metrics = createMetrics(3, status);
  assert.match(await metrics.registry.metrics(), /^stateguard_leader 0$/m);
});

test('a policy no longer flagged disappears from stateguard_audit_violations at the next scrape', async () => {
  let violations = new Map([['pdb-exists', 2]]);
  const metrics = createMetrics(3, { leader: () => true, cachesSynced: () => ({}), audit: () => ({ lastScan: undefined, reportsWritten: { created: 0, updated: 0, deleted: 0 }, violationsByPolicy: () => violations }) });
  assert.match(await metrics.registry.metrics(), /^stateguard_audit_violations\{policy="pdb-exists"\} 2$/m);
  violations = new Map();
  assert.doesNotMatch(await metrics.registry.metrics(), /stateguard_audit_violations\{/);
});
