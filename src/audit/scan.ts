/**
 * One pass over the cluster's StatefulSets (paged: limit + continue), each judged by the same engine as admission.
 * Optionally brings the PolicyReports up to date, deleting those whose StatefulSet is gone.
 */
import { desiredReport } from '../report/policy-report-body.ts';
import { deletePolicyReport, listPolicyReports, reportKey, writePolicyReport, type ExistingReport, type WriteOutcome } from '../cluster/policy-reports.ts';
import { statefulSetPages, statefulSetUid } from '../cluster/statefulsets.ts';
import type { Kube } from '../cluster/kube.ts';
import type { ReportApi } from '../cluster/policy-report-api.ts';
import type { InputProblem, ReportItem, Report } from '../report/model.ts';
import { auditStatefulSet, type AuditPolicies, type ClusterView } from './audit-statefulset.ts';
import { createWorkQueue } from './work-queue.ts';

export interface ScanOptions {
  readonly policies: AuditPolicies;
  readonly view: ClusterView;
  /** One namespace; default all. */
  readonly namespace?: string;
  readonly pageSize?: number;
  /** After each page: the number of StatefulSets evaluated so far. */
  readonly onProgress?: (scanned: number) => void;
  /** Write a PolicyReport per StatefulSet and delete the reports of StatefulSets that are gone. */
  readonly reports?: { readonly deleteWhenClean: boolean; readonly api: ReportApi };
}

export interface ScanResult {
  readonly report: Report;
  /** PolicyReport writes by outcome, when reports were written. */
  readonly written?: Readonly<Record<WriteOutcome, number>>;
}

/** Report writes in flight: enough to hide API latency, few enough not to crowd the API server. */
const WRITE_CONCURRENCY = 8;

export async function scanCluster(kube: Kube, options: ScanOptions): Promise<ScanResult> {
  const writing = options.reports === undefined ? undefined : { ...options.reports, existing: await listPolicyReports(kube, options.reports.api, options.namespace) };
  const written: Record<WriteOutcome, number> = { created: 0, updated: 0, unchanged: 0, deleted: 0 };
  const problems: InputProblem[] = [];
  // The errors name the report and the server (ERR_CLUSTER); the scan goes on and exits 2.
  const queue = createWorkQueue(WRITE_CONCURRENCY, (_key, error) => problems.push({ file: kube.server, message: error instanceof Error ? error.message : String(error) }));
  const items: ReportItem[] = [];
  const reported = new Set<string>();

  const pages = statefulSetPages(kube, {
    ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
    ...(options.pageSize === undefined ? {} : { limit: options.pageSize }),
  });
  for await (const page of pages) {
    for (const object of page.items) {
      const { ref, item } = auditStatefulSet(object, options.policies, options.view);
      items.push(item);
      if (writing === undefined) continue;
      const desired = desiredReport(ref, item.evaluation, new Date(), writing.api.apiVersion);
      const key = reportKey(desired);
      reported.add(key);
      queue.schedule(key, async () => {
        written[(await writePolicyReport(kube, writing.api, desired, writing.existing.get(key), writing.deleteWhenClean)).outcome]++;
      });
    }
    options.onProgress?.(items.length);
  }
  if (writing !== undefined) {
    for (const report of writing.existing.values()) {
      if (!reported.has(reportKey(report))) queue.schedule(reportKey(report), () => deleteOrphan(kube, writing.api, report, written));
    }
  }
  await queue.idle();
  return { report: { apiServer: kube.server, items, problems, skipped: {} }, ...(writing === undefined ? {} : { written }) };
}

/** Deletes a report unless its StatefulSet was created after the list began (the next scan reports on it). */
async function deleteOrphan(kube: Kube, api: ReportApi, report: ExistingReport, written: Record<WriteOutcome, number>): Promise<void> {
  const { name, uid } = report.scope;
  if (name !== undefined && uid !== undefined && (await statefulSetUid(kube, report.namespace, name)) === uid) return;
  await deletePolicyReport(kube, api, report);
  written.deleted++;
}
