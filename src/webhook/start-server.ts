/**
 * Wires one server: admission over HTTPS, health and metrics over plain HTTP, certificate and policy reloads,
 * and a graceful, bounded shutdown. No cluster I/O: what is known of the cluster comes in through `lookups`, and
 * self-managed certificates through `certificates`.
 */
import { writeFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { ServerConfig } from '../config/config.ts';
import { StateguardError } from '../policy/index.ts';
import { buildAdmissionApp, type AdmissionApp } from './build-admission-app.ts';
import { buildHealthApp } from './build-health-app.ts';
import type { CertificateFeed, FedCertificate } from '../certificates/certificate-feed.ts';
import { loadTls, type InitialTls } from './load-tls.ts';
import { LOG_KEYS } from '../logging/log-keys.ts';
import { createLifecycle } from './lifecycle.ts';
import { createMetrics, type ClusterStatus, type Metrics } from '../metrics/metrics.ts';
import { createPolicyStore, type Lookups, type ReloadResult, type Settings } from './policy-store.ts';
import { certificateExpiry, checkTlsMaterial, secureContextOptions, type TlsMaterial } from '../certificates/tls-material.ts';
import { watchCertificates } from './watch-certificates.ts';
import { watchPolicySources } from './watch-policy-sources.ts';

export interface StartOptions {
  /** Config and policies already loaded (so start-up errors surface before anything listens). */
  readonly initial: Settings;
  /** Loads them again: on SIGHUP, or when a policy directory or the config file changes. */
  readonly load: () => Settings;
  readonly logger: Logger;
  readonly lookups?: Lookups;
  /** Self-managed certificates, used without tlsCert/tlsKey: HTTPS starts with the first pair and follows the others. */
  readonly certificates?: CertificateFeed;
  /** A further condition of readiness, e.g. that the lookup caches have synced. */
  readonly ready?: () => boolean;
  /** After each reload that took effect (SIGHUP, or a changed policy directory or config file). */
  readonly onReload?: (settings: Settings) => void;
  /** The cluster side's state, exposed as metrics (leader, lookup caches, background audit). */
  readonly clusterStatus?: ClusterStatus;
  /** More fields for the start-up summary line: what runs besides the server. */
  readonly summary?: Readonly<Record<string, unknown>>;
  /** Aborts a start that still waits for its first certificate (a SIGTERM meanwhile). */
  readonly signal?: AbortSignal;
  /** How often certificate files are checked in case a change event is missed. */
  readonly certificatePollMs?: number;
}

export interface RunningServer {
  readonly admissionUrl: string;
  readonly metricsUrl: string;
  /** The CA (bundle) to trust when serving a self-signed or self-managed certificate. */
  readonly caCert?: string;
  reload(): ReloadResult;
  /**
   * Readiness goes false and every answer says `Connection: close`; with `drain`, requests are still accepted and
   * answered for server.shutdownDrainMs (until the pod has left the endpoints); then the listeners stop accepting
   * and in-flight requests finish, bounded by server.shutdownTimeoutMs. Idempotent.
   */
  close(options?: { readonly drain: boolean }): Promise<void>;
}

const CERTIFICATE_POLL_MS = 10_000;
/** Node's default (511) drops connection bursts, e.g. every API server replica reconnecting at once; Linux caps it at somaxconn. */
const LISTEN_BACKLOG = 4096;
/** After the in-flight deadline has closed the last connections: time for the listeners to finish closing. */
const CLOSE_MARGIN_MS = 1_000;

/** The most close() takes: the drain (SIGTERM), the in-flight deadline, and the listeners closing. */
export function serverStopBoundMs(server: Pick<ServerConfig, 'shutdownDrainMs' | 'shutdownTimeoutMs'>, drain: boolean): number {
  return (drain ? server.shutdownDrainMs : 0) + server.shutdownTimeoutMs + CLOSE_MARGIN_MS;
}

/**
 * Starts, in order: health and metrics, HTTPS admission (after its first certificate), the certificate and policy
 * watches, readiness. close() stops them in reverse: readiness goes false first, admission drains and closes, health last.
 */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const { logger } = options;
  const { server } = options.initial.config;
  const metrics = createMetrics(options.initial.set.policies.length, options.clusterStatus);
  const store = createPolicyStore(options.initial, options.load, options.lookups ?? {}, logger.child({ [LOG_KEYS.component]: 'policies' }));
  const parts = createLifecycle({ what: 'the server', log: logger });

  let ready = false;
  let draining = false;
  let drainOnStop = false;
  const alsoReady = options.ready ?? (() => true);
  // Health first: the kubelet's probes are answered while HTTPS waits for a self-managed certificate.
  const health = buildHealthApp({ ready: () => ready && alsoReady(), metrics });
  const metricsUrl = await parts.start('health and metrics', () => listen(health, server.metricsHost, server.metricsPort), () => health.close());
  if (server.tlsCert === undefined && options.certificates !== undefined && options.certificates.current() === undefined) {
    logger.info({ [LOG_KEYS.metricsUrl]: metricsUrl }, 'waiting for the first self-managed certificate: HTTPS starts with it, readiness stays false until then');
  }
  const { tls, admission, admissionUrl } = await parts.start('admission', async () => {
    const tls = await loadTls(server, options.certificates, options.signal);
    const admission = buildAdmissionApp({ server, tls: tls.material, context: store.context, metrics, logger: logger.child({ [LOG_KEYS.component]: 'admission' }), draining: () => draining });
    return { tls, admission, admissionUrl: await listen(admission, server.host, server.port) };
  }, ({ admission }) => closeAdmission(admission, drainOnStop, server, logger));

  await parts.start('certificate watch', () => followTls(tls, admission, metrics, server, logger.child({ [LOG_KEYS.component]: 'tls' }), options.certificatePollMs ?? CERTIFICATE_POLL_MS), (stop) => stop());
  const watchSources = (): (() => void) => watchPolicySources(store.settings().config, reload, logger);
  let stopPolicyWatch: () => void = await parts.start('policy watch', watchSources, () => stopPolicyWatch());
  function reload(): ReloadResult {
    const result = store.reload();
    metrics.observeReload(result.ok, store.settings().set.policies.length);
    if (result.ok) {
      // The new config may name other policy directories or another config file.
      stopPolicyWatch();
      stopPolicyWatch = watchSources();
      options.onReload?.(store.settings());
    }
    return result;
  }
  await parts.start('readiness', () => { ready = true; }, () => {
    ready = false;
    draining = true;
  });

  logger.info({
    [LOG_KEYS.policies]: options.initial.set.policies.length,
    [LOG_KEYS.admissionUrl]: admissionUrl,
    [LOG_KEYS.metricsUrl]: metricsUrl,
    [LOG_KEYS.tls]: tls.source,
    [LOG_KEYS.clientAuth]: tls.material.clientCa !== undefined,
    ...(tls.source !== 'files' && server.caOut !== undefined ? { [LOG_KEYS.caFile]: server.caOut } : {}),
    ...options.summary,
  }, 'stateguard serving');

  let closing: Promise<void> | undefined;
  const shutdown = async (drain: boolean): Promise<void> => {
    drainOnStop = drain;
    await parts.stop(serverStopBoundMs(server, drain));
    logger.info('stopped');
  };
  return {
    admissionUrl,
    metricsUrl,
    ...(tls.source === 'files' ? {} : { caCert: tls.caCert }),
    reload,
    close: (closeOptions) => (closing ??= shutdown(closeOptions?.drain ?? false)),
  };
}

/** With `drain`, keeps answering for shutdownDrainMs; then stops accepting, closing what still runs after shutdownTimeoutMs. */
async function closeAdmission(admission: AdmissionApp, drain: boolean, server: ServerConfig, logger: Logger): Promise<void> {
  if (drain && server.shutdownDrainMs > 0) {
    logger.info(`draining for ${server.shutdownDrainMs} ms (server.shutdownDrainMs): not ready, still answering, with Connection: close`);
    await new Promise((resolve) => setTimeout(resolve, server.shutdownDrainMs));
  }
  const deadline = setTimeout(() => {
    logger.warn(`requests still running after ${server.shutdownTimeoutMs} ms (server.shutdownTimeoutMs): closing their connections`);
    admission.server.closeAllConnections();
  }, server.shutdownTimeoutMs);
  await admission.close();
  clearTimeout(deadline);
}

/**
 * Keeps HTTPS on current material: certificate files are watched, a self-managed feed followed (its CA bundle
 * written to server.caOut), a self-signed pair kept. Records each pair's expiry. Returns the stop.
 */
function followTls(tls: InitialTls, admission: AdmissionApp, metrics: Metrics, server: ServerConfig, logger: Logger, pollMs: number): () => void {
  const writeCa = (caCert: string): void => {
    if (server.caOut !== undefined) writeFileSync(server.caOut, caCert);
  };
  if (tls.source !== 'files') writeCa(tls.caCert);
  const recordExpiry = (material: TlsMaterial): void => {
    metrics.setCertificateExpiry('serving', certificateExpiry(material.cert));
    if (material.clientCa !== undefined) metrics.setCertificateExpiry('client-ca', certificateExpiry(material.clientCa));
  };
  recordExpiry(tls.material);
  // New material applies to new handshakes only; open connections keep theirs. Unusable material throws ERR_TLS.
  const apply = (material: TlsMaterial): void => {
    checkTlsMaterial(material, 'new serving certificate');
    admission.server.setSecureContext(secureContextOptions(material));
    recordExpiry(material);
  };
  if (tls.source === 'files') return watchCertificates({ files: tls.files, apply, logger, pollMs });
  if (tls.source === 'self-signed') return () => undefined;
  return followFeed(tls.feed, tls.material, (material, caBundle) => {
    apply(material);
    try {
      writeCa(caBundle);
    } catch (error) {
      logger.warn({ [LOG_KEYS.err]: error }, `cannot write the new CA bundle to ${server.caOut}`);
    }
  }, logger);
}

/**
 * Applies each new pair of a feed (the client CA stays as it was); a pair the TLS stack refuses is logged and the
 * previous one kept. Catches up with a pair that arrived while HTTPS was starting. Returns the unsubscribe.
 */
function followFeed(feed: CertificateFeed, initial: TlsMaterial, apply: (material: TlsMaterial, caBundle: string) => void, logger: Logger): () => void {
  let served: FedCertificate | undefined;
  const follow = (pair: FedCertificate): void => {
    if (pair === served) return;
    served = pair;
    try {
      apply({ cert: pair.cert, key: pair.key, ...(initial.clientCa === undefined ? {} : { clientCa: initial.clientCa }) }, pair.caBundle);
    } catch (error) {
      logger.warn(`new serving certificate not usable, still serving the previous one: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const unsubscribe = feed.subscribe(follow);
  const now = feed.current();
  if (now !== undefined) follow(now);
  return unsubscribe;
}

async function listen(app: { listen(options: { host: string; port: number; backlog: number }): Promise<string> }, host: string, port: number): Promise<string> {
  try {
    return await app.listen({ host, port, backlog: LISTEN_BACKLOG });
  } catch (error) {
    throw new StateguardError('ERR_CONFIG', `cannot listen on ${host}:${port}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { cause: error });
  }
}
