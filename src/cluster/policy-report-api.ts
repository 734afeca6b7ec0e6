/**
 * Which PolicyReport API stateguard writes, found at start-up by discovery: the CRD belongs to whoever installed it
 * (Kyverno, Policy Reporter, deploy/components/policyreport-crd), and each serves its own set of versions.
 * v1alpha2 is preferred (what Policy Reporter and Kyverno read), then v1beta1 (a superset of it). v1alpha1 names its
 * result fields differently (`status`, `data`) and is never written.
 */
import { clusterError, httpStatus } from './cluster-error.ts';
import type { Kube } from './kube.ts';
import { getJsonPatiently } from './list-pages.ts';

export const REPORT_GROUP = 'wgpolicyk8s.io';
/** In order of preference. */
export const WRITABLE_REPORT_VERSIONS = ['v1alpha2', 'v1beta1'] as const;
export type ReportVersion = (typeof WRITABLE_REPORT_VERSIONS)[number];

export interface ReportApi {
  readonly group: typeof REPORT_GROUP;
  readonly version: ReportVersion;
  readonly plural: 'policyreports';
  /** `wgpolicyk8s.io/<version>`, the reports' apiVersion. */
  readonly apiVersion: string;
}

/** The API for the most preferred writable version among those served; undefined when none is. */
export function chooseReportApi(served: readonly string[]): ReportApi | undefined {
  const version = WRITABLE_REPORT_VERSIONS.find((v) => served.includes(v));
  return version === undefined ? undefined : { group: REPORT_GROUP, version, plural: 'policyreports', apiVersion: `${REPORT_GROUP}/${version}` };
}

/** The versions of wgpolicyk8s.io that serve `policyreports` (none when the group is absent). Throws ERR_CLUSTER. */
export async function servedReportVersions(kube: Kube): Promise<string[]> {
  const group = await discover<{ versions?: { version?: string }[] }>(kube, `/apis/${REPORT_GROUP}`);
  const served: string[] = [];
  for (const { version } of group?.versions ?? []) {
    if (version === undefined) continue;
    const resources = await discover<{ resources?: { name?: string }[] }>(kube, `/apis/${REPORT_GROUP}/${version}`);
    if (resources?.resources?.some((r) => r.name === 'policyreports')) served.push(version);
  }
  return served;
}

/** One line for the log or stderr: why no report is written, and how to change that. */
export function noReportApiMessage(server: string, served: readonly string[]): string {
  const have = served.length === 0 ? 'serves no PolicyReport CRD' : `serves PolicyReports only as ${served.join(', ')}`;
  return `${server} ${have}; stateguard writes ${WRITABLE_REPORT_VERSIONS.join(' or ')}: install the upstream CRD (deploy/components/policyreport-crd) and restart`;
}

async function discover<T>(kube: Kube, path: string): Promise<T | undefined> {
  try {
    return await getJsonPatiently<T>(kube, path, {});
  } catch (error) {
    if (httpStatus(error) === 404) return undefined;
    throw clusterError(kube.server, `cannot discover ${path}`, error);
  }
}
