/**
 * `stateguard serve`: the admission webhooks, until SIGTERM or SIGINT; SIGHUP reloads config and policies. With a
 * cluster (--kubeconfig, or in a pod) also its lookups, leader election, certificates and background audit.
 */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import type { ConfigInput } from '../config/config.ts';
import { LOG_KEYS } from '../config/log-keys.ts';
import { createLogger } from '../webhook/logger.ts';
import type { Settings } from '../webhook/policy-store.ts';
import { coalesceReloads } from '../webhook/coalesce-reloads.ts';
import { startServer, type RunningServer } from '../webhook/start-server.ts';
import { clusterAccess } from '../config/cluster-access.ts';
import { withoutCluster } from './cluster-features.ts';
import type { CommandIo } from './review.ts';

export interface ServeFlags {
  host?: string;
  port?: number;
  metricsHost?: string;
  metricsPort?: number;
  tlsCert?: string;
  tlsKey?: string;
  clientCa?: string;
  caOut?: string;
  kubeconfig?: string;
  context?: string;
}

/** SIGHUP-triggered reloads start at least this far apart. */
const RELOAD_MIN_INTERVAL_MS = 1000;

const EXAMPLE_REVIEW = fileURLToPath(new URL('../../examples/admission-review.json', import.meta.url));

export function withServeOptions(command: Command): Command {
  return command
    .description('serve the validating and mutating admission webhooks (HTTPS), with health and metrics (HTTP)')
    .option('--host <address>', 'admission listen address (default 127.0.0.1)')
    .option('--port <port>', 'admission HTTPS port (default 8443; 0: any free port)', Number)
    .option('--metrics-host <address>', 'health and metrics listen address (default 127.0.0.1)')
    .option('--metrics-port <port>', 'health and metrics HTTP port (default 9090; 0: any free port)', Number)
    .option('--tls-cert <file>', 'serving certificate (PEM), reloaded when it changes; default: a fresh self-signed one')
    .option('--tls-key <file>', 'private key of --tls-cert (PEM)')
    .option('--client-ca <file>', 'require client certificates signed by this CA (PEM)')
    .option('--ca-out <file>', 'write the CA of the self-signed (or self-managed) certificate here, for clients to trust')
    .option('--kubeconfig <files>', 'run the cluster features (lookups, leader election, certificates, reports) against this cluster; in a pod they run without it')
    .option('--context <name>', 'kubeconfig context (default: the current one); also turns the cluster features on');
}

/** The flags as the last config layer (defaults ← file ← env ← flags). */
export function serveConfigInput(flags: ServeFlags): ConfigInput {
  const server: NonNullable<ConfigInput['server']> = {};
  if (flags.host !== undefined) server.host = flags.host;
  if (flags.port !== undefined) server.port = flags.port;
  if (flags.metricsHost !== undefined) server.metricsHost = flags.metricsHost;
  if (flags.metricsPort !== undefined) server.metricsPort = flags.metricsPort;
  if (flags.tlsCert !== undefined) server.tlsCert = flags.tlsCert;
  if (flags.tlsKey !== undefined) server.tlsKey = flags.tlsKey;
  if (flags.clientCa !== undefined) server.clientCa = flags.clientCa;
  if (flags.caOut !== undefined) server.caOut = flags.caOut;
  // Asking for a cluster turns its features on; a KUBECONFIG in the environment only says which cluster (cluster-access.ts).
  const cluster: NonNullable<ConfigInput['cluster']> = {};
  if (flags.kubeconfig !== undefined) cluster.kubeconfig = flags.kubeconfig;
  if (flags.context !== undefined) cluster.context = flags.context;
  if (flags.kubeconfig !== undefined || flags.context !== undefined) cluster.enabled = true;
  return { server, cluster };
}

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
