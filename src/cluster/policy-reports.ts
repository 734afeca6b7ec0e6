/** Reading and writing stateguard's PolicyReports: written only when the verdict changed, deleted with their StatefulSet. */
import { SKIP_CAUSES, VERDICT_ANNOTATION, type JsonObject, type Result, type SkipCause } from '../policy/index.ts';
import { flaggedResults } from '../report/model.ts';
import { clusterError, httpStatus } from './cluster-error.ts';
import type { Kube } from './kube.ts';
import { listPages } from './list-pages.ts';
import type { ReportApi } from './policy-report-api.ts';
import { MANAGED_BY, SKIP_PROPERTY, type DesiredReport } from '../report/policy-report-body.ts';

export interface ExistingReport {
  readonly namespace: string;
  readonly name: string;
  readonly resourceVersion: string;
  readonly hash: string | undefined;
  /** The StatefulSet it reports on. */
  readonly scope: { readonly name?: string; readonly uid?: string };
  /** Policies it shows as flagged (src/report/model.ts). */
  readonly flagged: readonly string[];
}

export type WriteOutcome = 'created' | 'updated' | 'unchanged' | 'deleted';

const MANAGED_SELECTOR = Object.entries(MANAGED_BY).map(([key, value]) => `${key}=${value}`).join(',');

export function reportKey(report: { readonly namespace: string; readonly name: string }): string {
  return `${report.namespace}/${report.name}`;
}

/** stateguard's reports in a namespace (or all), by reportKey. */
export async function listPolicyReports(kube: Kube, api: ReportApi, namespace?: string): Promise<Map<string, ExistingReport>> {
  const path = `/apis/${api.group}/${api.version}${namespace === undefined ? '' : `/namespaces/${namespace}`}/${api.plural}`;
  const reports = new Map<string, ExistingReport>();
  for await (const page of listPages(kube, path, { labelSelector: MANAGED_SELECTOR })) {
    for (const item of page.items) {
      const report = existingReport(item);
      reports.set(reportKey(report), report);
    }
  }
  return reports;
}

/**
 * Brings the cluster to `desired`: created, replaced when the verdict hash differs, deleted when clean and
 * `deleteWhenClean`. Returns what is stored afterwards, for the next comparison.
 */
export async function writePolicyReport(kube: Kube, api: ReportApi, desired: DesiredReport, existing: ExistingReport | undefined, deleteWhenClean: boolean): Promise<{ outcome: WriteOutcome; stored: ExistingReport | undefined }> {
  if (desired.clean && deleteWhenClean) {
    if (existing === undefined) return { outcome: 'unchanged', stored: undefined };
    await deletePolicyReport(kube, api, existing);
    return { outcome: 'deleted', stored: undefined };
  }
  if (existing?.hash === desired.hash) return { outcome: 'unchanged', stored: existing };
  const collection = { group: api.group, version: api.version, plural: api.plural, namespace: desired.namespace };
  const target = { ...collection, name: desired.name };
  const replace = async (resourceVersion: string): Promise<ExistingReport> => {
    const body = { ...desired.body, metadata: { ...(desired.body['metadata'] as JsonObject), resourceVersion } };
    return existingReport(await kube.custom.replaceNamespacedCustomObject({ ...target, body }));
  };
  try {
    try {
      return existing === undefined
        ? { outcome: 'created', stored: existingReport(await kube.custom.createNamespacedCustomObject({ ...collection, body: desired.body })) }
        : { outcome: 'updated', stored: await replace(existing.resourceVersion) };
    } catch (error) {
      if (httpStatus(error) !== 409) throw error;
      // Written meanwhile by another stateguard (the CLI beside the server, a former leader): replace what is there now.
      const current = existingReport(await kube.custom.getNamespacedCustomObject(target) as JsonObject);
      return { outcome: 'updated', stored: await replace(current.resourceVersion) };
    }
  } catch (error) {
    throw clusterError(kube.server, `cannot write PolicyReport ${reportKey(desired)}`, error);
  }
}

/** Deletes a report; one already gone is fine. */
export async function deletePolicyReport(kube: Kube, api: ReportApi, report: { readonly namespace: string; readonly name: string }): Promise<void> {
  try {
    await kube.custom.deleteNamespacedCustomObject({ group: api.group, version: api.version, plural: api.plural, namespace: report.namespace, name: report.name });
  } catch (error) {
    if (httpStatus(error) !== 404) throw clusterError(kube.server, `cannot delete PolicyReport ${reportKey(report)}`, error);
  }
}

function existingReport(object: JsonObject): ExistingReport {
  const metadata = (object['metadata'] ?? {}) as { name?: string; namespace?: string; resourceVersion?: string; annotations?: Record<string, string> };
  const results = Array.isArray(object['results']) ? (object['results'] as StoredResult[]) : [];
  return {
    namespace: metadata.namespace ?? '',
    name: metadata.name ?? '',
    resourceVersion: metadata.resourceVersion ?? '',
    hash: metadata.annotations?.[VERDICT_ANNOTATION],
    scope: (object['scope'] ?? {}) as ExistingReport['scope'],
    flagged: flaggedResults(results.flatMap(readBack)).map((r) => r.policy),
  };
}

interface StoredResult {
  readonly policy?: string;
  readonly result?: string;
  readonly properties?: Readonly<Record<string, string>>;
}

/** A stored result in the engine's terms, as far as flaggedResults needs them. */
function readBack(stored: StoredResult): { policy: string; result: Result; skip?: { cause: SkipCause } }[] {
  if (stored.policy === undefined || stored.result === undefined) return [];
  const cause = SKIP_CAUSES.find((c) => c === stored.properties?.[SKIP_PROPERTY]);
  return [{ policy: stored.policy, result: stored.result as Result, ...(cause === undefined ? {} : { skip: { cause } }) }];
}
