/** `stateguard audit`: judge the StatefulSets of a live cluster, with the lookups the webhook has; optionally write PolicyReports. */
import { pino } from 'pino';
import { scanCluster } from '../audit/scan.ts';
import { loadKube } from '../cluster/kube.ts';
import { startLookupCache, type SyncState } from '../cluster/lookup-cache.ts';
import { actionSettings, type Config } from '../config/config.ts';
import type { PolicySet } from '../policy/index.ts';
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

/** How long to wait for the lookup caches before judging without the kinds still missing. */
const LOOKUP_SYNC_MS = 30_000;

export async function audit(config: Config, set: PolicySet, flags: AuditFlags, options: AuditOptions, io: CommandIo, version: string): Promise<number> {
  const kube = loadKube({
    ...(config.cluster.kubeconfig === undefined ? {} : { kubeconfig: config.cluster.kubeconfig }),
    ...(config.cluster.context === undefined ? {} : { context: config.cluster.context }),
  });
  const cache = startLookupCache(kube, { log: pino({ level: 'silent' }) });
  try {
    const lookups = await cache.waitForSync(LOOKUP_SYNC_MS);
    const progress = (scanned: number): void => { io.stderr(`\r\u001b[Kscanned ${scanned} StatefulSets`); };
    const { report, written } = await scanCluster(kube, {
      policies: { set, actions: actionSettings(config) },
      view: cache,
      ...(flags.namespace === undefined ? {} : { namespace: flags.namespace }),
      ...(options.progress ? { onProgress: progress } : {}),
      ...(flags.writeReports ? { reports: { deleteWhenClean: config.cluster.reportsDeleteWhenClean } } : {}),
    });
    if (options.progress) io.stderr('\r\u001b[K');
    io.stdout(flags.output === 'markdown' ? formatMarkdown(report, `stateguard audit of ${kube.server}`) : formatOutput({ ...report, apiServer: kube.server }, flags.output, { color: options.color }, set, version));
    io.stderr(missingLookups(lookups));
    if (written !== undefined) io.stderr(`PolicyReports: ${written.created} created, ${written.updated} updated, ${written.unchanged} unchanged, ${written.deleted} deleted\n`);
    return exitCode(report, flags.failOn);
  } finally {
    await cache.stop();
  }
}

function missingLookups(state: SyncState): string {
  return Object.entries(state.pending)
    .map(([kind, failure]) => `stateguard audit: no ${kind} known (${failure?.message ?? 'not listed in time'}); the policies that need them were skipped\n`)
    .join('');
}
