/**
 * Wires one server: admission over HTTPS, health and metrics over plain HTTP, certificate and policy reloads,
 * and a graceful, bounded shutdown. No cluster I/O: what is known of the cluster comes in through `lookups`.
 */
import { writeFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { StateguardError } from '../policy/index.ts';
import { buildAdmissionApp } from './build-admission-app.ts';
import { buildHealthApp } from './build-health-app.ts';
import { loadTls } from './load-tls.ts';
import { LOG_KEYS } from './log-keys.ts';
import { createMetrics } from './metrics.ts';
import { createPolicyStore, type Lookups, type ReloadResult, type Settings } from './policy-store.ts';
import { certificateExpiry, secureContextOptions, type TlsMaterial } from './tls-material.ts';
import { watchCertificates } from './watch-certificates.ts';
import { watchPolicySources } from './watch-policy-sources.ts';

export interface StartOptions {
  /** Config and policies already loaded (so start-up errors surface before anything listens). */
  readonly initial: Settings;
  /** Loads them again: on SIGHUP, or when a policy directory or the config file changes. */
  readonly load: () => Settings;
  readonly logger: Logger;
  readonly lookups?: Lookups;
  /** How often certificate files are checked in case a change event is missed. */
  readonly certificatePollMs?: number;
}

export interface RunningServer {
  readonly admissionUrl: string;
  readonly metricsUrl: string;
  /** The CA to trust when serving a self-signed certificate. */
  readonly caCert?: string;
  reload(): ReloadResult;
  /** Readiness goes false, listeners stop accepting, in-flight requests finish (bounded). Idempotent. */
  close(): Promise<void>;
}

const CERTIFICATE_POLL_MS = 10_000;
/** Node's default (511) drops connection bursts, e.g. every API server replica reconnecting at once; Linux caps it at somaxconn. */
const LISTEN_BACKLOG = 4096;

export async function startServer(options: StartOptions): Promise<RunningServer> {
  const { logger } = options;
  const { server } = options.initial.config;
  const metrics = createMetrics();
  const store = createPolicyStore(options.initial, options.load, options.lookups ?? {}, logger.child({ [LOG_KEYS.component]: 'policies' }));
  const tls = await loadTls(server);
  const caCert = tls.source === 'self-signed' ? tls.caCert : undefined;
  if (caCert !== undefined && server.caOut !== undefined) writeFileSync(server.caOut, caCert);

  let ready = false;
  const admission = buildAdmissionApp({ server, tls: tls.material, context: store.context, metrics, logger: logger.child({ [LOG_KEYS.component]: 'admission' }) });
  const health = buildHealthApp({ ready: () => ready, metrics });
  const recordExpiry = (material: TlsMaterial): void => {
    metrics.setCertificateExpiry('serving', certificateExpiry(material.cert));
    if (material.clientCa !== undefined) metrics.setCertificateExpiry('client-ca', certificateExpiry(material.clientCa));
  };
  recordExpiry(tls.material);

  const admissionUrl = await listen(admission, server.host, server.port);
  const metricsUrl = await listen(health, server.metricsHost, server.metricsPort).catch(async (error: unknown) => {
    await admission.close();
    throw error;
  });
  const stopCertificates = tls.source === 'files'
    ? watchCertificates({
      files: tls.files,
      apply: (material) => {
        admission.server.setSecureContext(secureContextOptions(material));
        recordExpiry(material);
      },
      logger: logger.child({ [LOG_KEYS.component]: 'tls' }),
      pollMs: options.certificatePollMs ?? CERTIFICATE_POLL_MS,
    })
    : () => undefined;
  const watchSources = (): (() => void) => watchPolicySources(store.settings().config, reload, logger);
  let stopPolicyWatch = watchSources();
  function reload(): ReloadResult {
    const result = store.reload();
    if (result.ok) {
      // The new config may name other policy directories or another config file.
      stopPolicyWatch();
      stopPolicyWatch = watchSources();
    }
    return result;
  }

  ready = true;
  logger.info({
    [LOG_KEYS.policies]: options.initial.set.policies.length,
    [LOG_KEYS.admissionUrl]: admissionUrl,
    [LOG_KEYS.metricsUrl]: metricsUrl,
    [LOG_KEYS.tls]: tls.source,
    [LOG_KEYS.clientAuth]: tls.material.clientCa !== undefined,
    ...(caCert !== undefined && server.caOut !== undefined ? { [LOG_KEYS.caFile]: server.caOut } : {}),
  }, 'stateguard serving');

  let closing: Promise<void> | undefined;
  const shutdown = async (): Promise<void> => {
    ready = false;
    stopCertificates();
    stopPolicyWatch();
    const deadline = setTimeout(() => {
      logger.warn(`requests still running after ${server.shutdownTimeoutMs} ms (server.shutdownTimeoutMs): closing their connections`);
      admission.server.closeAllConnections();
    }, server.shutdownTimeoutMs);
    await admission.close();
    clearTimeout(deadline);
    await health.close();
    logger.info('stopped');
  };
  return {
    admissionUrl,
    metricsUrl,
    ...(caCert === undefined ? {} : { caCert }),
    reload,
    close: () => (closing ??= shutdown()),
  };
}

async function listen(app: { listen(options: { host: string; port: number; backlog: number }): Promise<string> }, host: string, port: number): Promise<string> {
  try {
    return await app.listen({ host, port, backlog: LISTEN_BACKLOG });
  } catch (error) {
    throw new StateguardError('ERR_CONFIG', `cannot listen on ${host}:${port}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, { cause: error });
  }
}
