/** `stateguard audit`: judge the StatefulSets of a live cluster, with the lookups the webhook has; optionally write PolicyReports. */
import { pino } from 'pino';
import { scanCluster } from '../audit/scan.ts';
import { loadKube } from '../cluster/kube.ts';
import { chooseReportApi, noReportApiMessage, servedReportVersions, type ReportApi } from '../cluster/policy-report-api.ts';
import { startExceptionCache } from '../cluster/exception-cache.ts';
import { startLookupCache, type LookupCollection, type SyncState } from '../cluster/lookup-cache.ts';
import { actionSettings, type Config } from '../config/config.ts';
import { StateguardError, type PolicySet } from '../policy/index.ts';
import { formatMarkdown } from '../report/markdown.ts';
import { exitCode } from '../report/model.ts';
import { formatOutput } from './output.ts';
import type { AuditFlags } from './audit-options.ts';
import type { CommandIo } from './review.ts';

export interface AuditOptions {
  readonly color: boolean;
  /** A progress line on stderr (when it is a terminal). */
  readonly progress: boolean;
}

/** How long to wait for the lookup caches before judging without the collections still missing. */
const LOOKUP_SYNC_MS = 30_000;

export async function audit(config: Config, set: PolicySet, flags: AuditFlags, options: AuditOptions, io: CommandIo, version: string): Promise<number> {
  const kube = loadKube({
    ...(config.cluster.kubeconfig === undefined ? {} : { kubeconfig: config.cluster.kubeconfig }),
    ...(config.cluster.context === undefined ? {} : { context: config.cluster.context }),
  });
  const reportApi = flags.writeReports ? await writableReportApi(kube) : undefined;
  // For one namespace, its own lists: what a namespaced Role allows (cluster-scoped collections are tried all the same).
  const cache = startLookupCache(kube, { log: pino({ level: 'silent' }), ...(flags.namespace === undefined ? {} : { namespace: flags.namespace }) });
  const exceptions = startExceptionCache(kube, { log: pino({ level: 'silent' }), ...(flags.namespace === undefined ? {} : { namespace: flags.namespace }) });
  try {
    const [lookups] = await Promise.all([cache.waitForSync(LOOKUP_SYNC_MS), exceptions.settled(LOOKUP_SYNC_MS)]);
    const now = Date.now();
    const progress = (scanned: number): void => { io.stderr(`\r\u001b[Kscanned ${scanned} StatefulSets`); };
    const { report, written } = await scanCluster(kube, {
      policies: { set, actions: actionSettings(config) },
      view: { lookup: cache.lookup, namespaceLabels: (namespace) => cache.namespaceLabels(namespace), exceptions: (namespace) => exceptions.forNamespace(namespace, now) },
      ...(flags.namespace === undefined ? {} : { namespace: flags.namespace }),
      ...(options.progress ? { onProgress: progress } : {}),
      ...(reportApi === undefined ? {} : { reports: { deleteWhenClean: config.cluster.reportsDeleteWhenClean, api: reportApi } }),
    });
    if (options.progress) io.stderr('\r\u001b[K');
    io.stdout(flags.output === 'markdown' ? formatMarkdown(report, `stateguard audit of ${kube.server}`) : formatOutput(report, flags.output, { color: options.color }, set, version));
    io.stderr(missingLookups(lookups));
    const unchecked = exceptions.unchecked();
    if (unchecked !== undefined) io.stderr(`stateguard audit: ${unchecked}; none was applied, and each result one might have changed says so\n`);
    if (written !== undefined) io.stderr(`PolicyReports: ${written.created} created, ${written.updated} updated, ${written.unchanged} unchanged, ${written.deleted} deleted\n`);
    return exitCode(report, flags.failOn);
  } finally {
    await Promise.all([cache.stop(), exceptions.stop()]);
  }
}

/** --write-reports: the served PolicyReport version, or ERR_CLUSTER saying the cluster has none stateguard writes. */
async function writableReportApi(kube: ReturnType<typeof loadKube>): Promise<ReportApi> {
  const served = await servedReportVersions(kube);
  const api = chooseReportApi(served);
  if (api === undefined) throw new StateguardError('ERR_CLUSTER', `--write-reports: ${noReportApiMessage(kube.server, served)}`);
  return api;
}

/** What the caches could not read, and what that did to the verdicts (the report names each policy concerned). */
function missingLookups(state: SyncState): string {
  return Object.entries(state.pending).map(([collection, failure]) => {
    const what = `stateguard audit: ${COLLECTION_NAMES[collection as LookupCollection]}: ${failure?.message ?? 'not listed in time'}`;
    if (collection === 'namespaces') return `${what}; namespace labels (stateguard.io/action, which may tighten an action) were not read, so verdicts use the configured actions and may be milder than admission's\n`;
    return failure?.status === 403
      ? `${what}; the policies that need them were not evaluated (exit 2)\n`
      : `${what}; the policies that need them were skipped\n`;
  }).join('');
}

const COLLECTION_NAMES: Readonly<Record<LookupCollection, string>> = {
  storageClasses: 'StorageClasses', services: 'Services', podDisruptionBudgets: 'PodDisruptionBudgets', limitRanges: 'LimitRanges', namespaces: 'Namespaces',
};
