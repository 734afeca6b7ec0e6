/**
 * The background audit in the server. While this replica leads: a watched cache of every StatefulSet, each change
 * judged and its PolicyReport rewritten when the verdict changed, deleted with the StatefulSet; a full rescan once
 * synced, periodically and on demand (policy change), which also deletes reports whose StatefulSet is gone.
 * New violations raise a rate-limited Warning Event on the StatefulSet.
 */
import { describeFailure } from '../cluster/cluster-error.ts';
import type { EventRecorder } from '../cluster/events.ts';
import type { ClusterLog, Kube } from '../cluster/kube.ts';
import type { LeaderElector } from '../cluster/leader.ts';
import type { ReportApi } from '../cluster/policy-report-api.ts';
import { desiredReport, reportName, type StatefulSetRef } from '../report/policy-report-body.ts';
import { deletePolicyReport, listPolicyReports, reportKey, writePolicyReport, type ExistingReport } from '../cluster/policy-reports.ts';
import { watchStatefulSets } from '../cluster/statefulsets.ts';
import type { WatchedCollection } from '../cluster/watched-collection.ts';
import type { JsonObject, PolicyResult } from '../policy/index.ts';
import { auditStatefulSet, type AuditPolicies, type ClusterView } from './audit-statefulset.ts';
import { createWorkQueue } from './work-queue.ts';
import { LOG_KEYS } from '../logging/log-keys.ts';

export interface BackgroundAuditOptions {
  /** The policies in force now: read at every evaluation, so a reload applies at the next rescan. */
  readonly policies: () => AuditPolicies;
  readonly view: ClusterView;
  readonly leader: Pick<LeaderElector, 'isLeader' | 'onChange'>;
  readonly intervalMs: number;
  readonly deleteWhenClean: boolean;
  /** The served PolicyReport version the reports are written as (src/cluster/policy-report-api.ts). */
  readonly reportApi: ReportApi;
  /** Absent: no Events. */
  readonly events?: EventRecorder;
  readonly log: ClusterLog;
  readonly watchTimeoutSeconds?: number;
}

/** What the audit has done, for the metrics: read at each scrape. */
export interface AuditStatus {
  /** The last full scan this replica completed (only the leader scans). */
  readonly lastScan: { readonly finishedAt: Date; readonly durationSeconds: number } | undefined;
  /** PolicyReports written since start, by what the write did. */
  readonly reportsWritten: Readonly<Record<'created' | 'updated' | 'deleted', number>>;
  /** Policy id → StatefulSets whose current report flags it (fail or warn); empty while not leading. */
  violationsByPolicy(): ReadonlyMap<string, number>;
}

export interface BackgroundAudit {
  /** Judges every StatefulSet again and deletes orphaned reports; resolves when the writes are done. Not leading: nothing. */
  rescan(): Promise<void>;
  status(): AuditStatus;
  stop(): Promise<void>;
}

const WRITE_CONCURRENCY = 4;

interface Active {
  readonly statefulSets: WatchedCollection;
  /** What is stored, by reportKey: what each verdict is compared with. */
  readonly reports: Map<string, ExistingReport>;
}

export function startBackgroundAudit(kube: Kube, options: BackgroundAuditOptions): BackgroundAudit {
  const { log } = options;
  const queue = createWorkQueue(WRITE_CONCURRENCY, (key, error) => log.warn({ [LOG_KEYS.object]: key, [LOG_KEYS.err]: String(error) }, 'PolicyReport not updated; retried at the next change or rescan'));
  let active: Active | undefined;
  let lastScan: AuditStatus['lastScan'];
  const reportsWritten = { created: 0, updated: 0, deleted: 0 };

  const judge = (state: Active, object: JsonObject): void => {
    const { ref, item } = auditStatefulSet(object, options.policies(), options.view);
    const desired = desiredReport(ref, item.evaluation, new Date(), options.reportApi.apiVersion);
    const key = reportKey(desired);
    queue.schedule(key, async () => {
      const previous = state.reports.get(key);
      const { outcome, stored } = await writePolicyReport(kube, options.reportApi, desired, previous, options.deleteWhenClean);
      if (outcome !== 'unchanged') reportsWritten[outcome]++;
      if (stored === undefined) state.reports.delete(key);
      else state.reports.set(key, stored);
      const appeared = item.evaluation.results.filter((r) => desired.flagged.includes(r.policy) && !(previous?.flagged ?? []).includes(r.policy));
      if (appeared.length === 0 || options.events === undefined) return;
      // The report is written by now: a failed Event is logged as what it is, not as a lost report.
      await options.events.warn(ref, 'PolicyViolation', violationNote(appeared)).catch((error: unknown) => {
        log.warn({ [LOG_KEYS.object]: `${ref.namespace}/${ref.name}`, [LOG_KEYS.err]: describeFailure(error) }, 'Event PolicyViolation not recorded (the PolicyReport was written and lists the findings)');
      });
    });
  };

  const forget = (state: Active, report: { namespace: string; name: string }): void => {
    const key = reportKey(report);
    queue.schedule(key, async () => {
      await deletePolicyReport(kube, options.reportApi, report);
      reportsWritten.deleted++;
      state.reports.delete(key);
    });
  };

  const rescan = async (): Promise<void> => {
    const state = active;
    if (state === undefined || !state.statefulSets.synced()) return;
    const startedAt = performance.now();
    const present = new Set<string>();
    for (const object of state.statefulSets.list()) {
      present.add((object['metadata'] as { uid?: string } | undefined)?.uid ?? '');
      judge(state, object);
    }
    for (const report of state.reports.values()) if (!present.has(report.scope.uid ?? '')) forget(state, report);
    await queue.idle();
    lastScan = { finishedAt: new Date(), durationSeconds: (performance.now() - startedAt) / 1000 };
  };

  const violationsByPolicy = (): ReadonlyMap<string, number> => {
    const counts = new Map<string, number>();
    for (const report of active?.reports.values() ?? []) for (const policy of report.flagged) counts.set(policy, (counts.get(policy) ?? 0) + 1);
    return counts;
  };

  const activate = async (): Promise<void> => {
    const reports = await listPolicyReports(kube, options.reportApi);
    if (active !== undefined || !options.leader.isLeader()) return;
    const statefulSets = watchStatefulSets(kube, { log, ...(options.watchTimeoutSeconds === undefined ? {} : { watchTimeoutSeconds: options.watchTimeoutSeconds }) });
    const state: Active = { statefulSets, reports };
    // Until the first list is complete, the rescan that follows it judges everything at once.
    const onChange = (object: JsonObject): void => { if (statefulSets.synced()) judge(state, object); };
    statefulSets.on('add', onChange);
    statefulSets.on('update', onChange);
    statefulSets.on('delete', (object) => {
      const metadata = object['metadata'] as StatefulSetRef;
      forget(state, { namespace: metadata.namespace, name: reportName(metadata.name) });
    });
    active = state;
    statefulSets.start();
    await statefulSets.whenSynced();
    if (active === state) await rescan();
  };

  const deactivate = async (): Promise<void> => {
    const state = active;
    active = undefined;
    await state?.statefulSets.stop();
    await queue.idle();
  };

  const onLeadership = (leader: boolean): void => {
    const change = leader ? activate() : deactivate();
    change.catch((error: unknown) => log.warn({ [LOG_KEYS.err]: String(error) }, leader ? 'background audit did not start; retrying at the next interval' : 'background audit did not stop cleanly'));
  };
  const unsubscribe = options.leader.onChange(onLeadership);
  if (options.leader.isLeader()) onLeadership(true);
  const interval = setInterval(() => {
    if (active === undefined && options.leader.isLeader()) onLeadership(true);
    else rescan().catch((error: unknown) => log.warn({ [LOG_KEYS.err]: String(error) }, 'background rescan failed'));
  }, options.intervalMs).unref();

  return {
    rescan,
    status: () => ({ lastScan, reportsWritten: { ...reportsWritten }, violationsByPolicy }),
    async stop() {
      clearInterval(interval);
      unsubscribe();
      await deactivate();
    },
  };
}

/** One line per violation (or per error), as `kubectl describe` shows an Event's note. */
function violationNote(results: readonly PolicyResult[]): string {
  return results.flatMap((r) => (r.violations.length > 0 ? r.violations.map((v) => `[${r.policy}] ${v.path}: ${v.message}`) : [`[${r.policy}] ${r.reason ?? r.result}`])).join('\n');
}
