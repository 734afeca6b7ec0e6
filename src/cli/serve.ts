/**
 * `stateguard serve`: the admission webhooks, until SIGTERM or SIGINT; SIGHUP reloads config and policies. With a
 * cluster (--kubeconfig, or in a pod) also its lookups, leader election, certificates and background audit.
 */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOG_KEYS } from '../logging/log-keys.ts';
import { createLogger } from '../logging/logger.ts';
import type { Settings } from '../webhook/policy-store.ts';
import { coalesceReloads } from '../webhook/coalesce-reloads.ts';
import { startServer, type RunningServer } from '../webhook/start-server.ts';
import { clusterAccess } from '../config/cluster-access.ts';
import { withoutCluster } from './cluster-features.ts';
import type { CommandIo } from './review.ts';

/** SIGHUP-triggered reloads start at least this far apart. */
const RELOAD_MIN_INTERVAL_MS = 1000;

const EXAMPLE_REVIEW = fileURLToPath(new URL('../../examples/admission-review.json', import.meta.url));

export async function serve(load: () => Settings, io: Pick<CommandIo, 'stderr'>): Promise<void> {
  const initial = load();
  const logger = createLogger(initial.config.log);
  const access = clusterAccess(initial.config.cluster);
  // client-node (about 90 MiB of a process's memory) is loaded only when a cluster is used.
  // StatefulSetPolicy resources ask for a reload when they change; the reloads are coalesced as SIGHUP's are.
  let requestReload = (): void => undefined;
  const cluster = access.enabled ? await (await import('./cluster-wiring.ts')).startClusterFeatures(initial, logger, access, () => requestReload()) : withoutCluster(access);
  const combine = cluster.combinePolicies;
  const loadAll = combine === undefined ? load : (): Settings => {
    const settings = load();
    return { ...settings, set: combine(settings.set) };
  };
  // A SIGTERM while HTTPS still waits for its first self-managed certificate ends the wait.
  const startup = new AbortController();
  const starting = startServer({ initial, load: loadAll, logger, ...cluster.server, signal: startup.signal });
  // Listening for signals from the start: a SIGHUP's default action would end the process. A burst of them runs a
  // few reloads, not one each (coalesce-reloads.ts); a failed start has nothing to reload.
  const reloads = coalesceReloads(() => starting.then((server) => server.reload(), () => undefined), RELOAD_MIN_INTERVAL_MS);
  const reload = (): void => reloads.request();
  requestReload = reload;
  const stop = (signal: NodeJS.Signals): void => {
    removeHandlers();
    reloads.stop();
    logger.info({ [LOG_KEYS.signal]: signal }, 'shutting down');
    startup.abort();
    // Drain admission first (SIGTERM: the pod is leaving the endpoints, keep answering meanwhile; SIGINT: at once);
    // then stop the cluster side, releasing the Lease so another replica leads at once.
    starting.then((server) => server.close({ drain: signal === 'SIGTERM' }), () => undefined).then(() => cluster.stop()).then(
      () => { process.exitCode = 0; },
      (error: unknown) => {
        logger.error({ [LOG_KEYS.err]: error }, 'shutdown failed');
        process.exitCode = 1;
      },
    );
  };
  const removeHandlers = (): void => {
    process.off('SIGHUP', reload).off('SIGTERM', stop).off('SIGINT', stop);
  };
  process.on('SIGHUP', reload).on('SIGTERM', stop).on('SIGINT', stop);
  let server: RunningServer;
  try {
    server = await starting;
  } catch (error) {
    if (startup.signal.aborted) return;
    removeHandlers();
    await cluster.stop();
    throw error;
  }
  io.stderr(tryIt(server, initial.config.server.caOut));
}

function tryIt(server: RunningServer, caOut: string | undefined): string {
  const trust = server.caCert !== undefined && caOut !== undefined ? `-s --cacert ${caOut}` : '-sk';
  return [
    `stateguard: admission on ${server.admissionUrl} (/validate, /mutate); /healthz, /readyz, /metrics on ${server.metricsUrl}`,
    'Try it with the seed StatefulSet (denied for two violations):',
    `  curl ${trust} -H 'Content-Type: application/json' --data @${relative(process.cwd(), EXAMPLE_REVIEW)} ${server.admissionUrl}/validate`,
    '',
  ].join('\n');
}
