/**
 * The cluster side of `stateguard serve`: watched lookup caches, leader election on a Lease, self-managed
 * certificates (only without certificate files) and the background audit. Started before the server, stopped after
 * it has drained. Off unless asked for or running in a pod (src/config/cluster-access.ts): the server then runs
 * exactly as it does on a laptop, with no cluster data.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { AuditPolicies } from '../audit/audit-statefulset.ts';
import { startBackgroundAudit } from '../audit/background.ts';
import { startCertificateManager } from '../cluster/certificates.ts';
import { describeFailure } from '../cluster/cluster-error.ts';
import { createEventRecorder } from '../cluster/events.ts';
import { startExceptionCache } from '../cluster/exception-cache.ts';
import { createExemptionAuthoriser } from '../cluster/exemption-authoriser.ts';
import { loadKube } from '../cluster/kube.ts';
import { chooseReportApi, noReportApiMessage, servedReportVersions } from '../cluster/policy-report-api.ts';
import { requireNamespace } from '../cluster/own-namespace.ts';
import { startLeaderElection } from '../cluster/leader.ts';
import { startLookupCache, type LookupCache } from '../cluster/lookup-cache.ts';
import type { ClusterAccess } from '../config/cluster-access.ts';
import { actionSettings, type ClusterConfig } from '../config/config.ts';
import { createCertificateRelay } from '../webhook/certificate-feed.ts';
import { LOG_KEYS } from '../config/log-keys.ts';
import type { Settings } from '../webhook/policy-store.ts';
import { CLUSTER_STOP_TIMEOUT_MS, type ClusterFeatures } from './cluster-features.ts';


const DAY_MS = 86_400_000;
const SYNC_POLL_MS = 100;


/**
 * Starts the cluster side; `access` says cluster features are on (and why). Fails (ERR_CLUSTER) when stateguard's
 * own namespace does not exist: the Lease and the certificate Secret could never be written, so the server would
 * never become ready.
 */
export async function startClusterFeatures(initial: Settings, logger: Logger, access: ClusterAccess): Promise<ClusterFeatures> {
  const { config } = initial;

  const cluster = config.cluster;
  const kube = loadKube({
    ...(cluster.kubeconfig === undefined ? {} : { kubeconfig: cluster.kubeconfig }),
    ...(cluster.context === undefined ? {} : { context: cluster.context }),
  });
  await requireNamespace(kube, cluster.namespace);
  // The PolicyReport CRD is someone else's (or the opt-in component's): write the version it serves, or no reports;
  // discovered before anything starts, so a failure here leaves nothing running.
  const servedReports = await servedReportVersions(kube);
  const reportApi = chooseReportApi(servedReports);
  const log = (component: string): Logger => logger.child({ [LOG_KEYS.component]: component });
  const identity = cluster.identity ?? `${hostname()}_${randomBytes(4).toString('hex')}`;

  const lookups = startLookupCache(kube, { log: log('lookups') });
  const sync = syncGate(lookups, cluster, log('lookups'));
  const exceptions = startExceptionCache(kube, { log: log('exceptions') });
  const exceptionsOf = (namespace: string) => exceptions.forNamespace(namespace);
  const leader = startLeaderElection(kube, {
    namespace: cluster.namespace, name: cluster.leaseName, identity,
    leaseDurationSeconds: cluster.leaseDurationSeconds, renewIntervalSeconds: cluster.leaseRenewSeconds, log: log('leader'),
  });
  // With certificate files (cert-manager, a mounted Secret) the server follows those; nothing here touches certificates.
  const relay = config.server.tlsCert === undefined ? createCertificateRelay() : undefined;
  const certificates = relay === undefined ? undefined : startCertificateManager(kube, {
    namespace: cluster.namespace, secretName: cluster.certSecretName, webhookNames: cluster.webhookNames, dnsNames: config.server.dnsNames,
    ...rotationTiming(cluster.certValidityDays * DAY_MS), leader, onCertificate: (certificate) => relay.publish(certificate), log: log('certificates'),
  });
  let policies = auditPolicies(initial);
  if (reportApi === undefined) log('audit').warn(`background audit off: ${noReportApiMessage(kube.server, servedReports)}`);
  const audit = reportApi === undefined ? undefined : startBackgroundAudit(kube, {
    policies: () => policies, view: { lookup: lookups.lookup, namespaceLabels: (namespace) => lookups.namespaceLabels(namespace), exceptions: exceptionsOf }, leader, intervalMs: cluster.auditIntervalSeconds * 1000, deleteWhenClean: cluster.reportsDeleteWhenClean, reportApi, log: log('audit'),
    ...(cluster.events.enabled ? { events: createEventRecorder(kube, { instance: identity, maxPerMinute: cluster.events.maxPerMinute, log: log('events') }) } : {}),
  });

  // A changed exception changes verdicts: the reports follow it without waiting for the next interval.
  exceptions.onChange(() => audit?.rescan().catch((error: unknown) => logger.warn({ [LOG_KEYS.err]: describeFailure(error) }, 'background rescan after an exception changed failed')));

  const features = ['lookups', 'exceptions', 'leader-election', ...(certificates === undefined ? [] : ['certificates']), ...(audit === undefined ? [] : ['background-audit']), ...(audit !== undefined && cluster.events.enabled ? ['events'] : [])];
  return {
    server: {
      lookups: {
        lookup: lookups.lookup,
        namespaceLabels: (namespace) => lookups.namespaceLabels(namespace),
        // Asked only when config honours exemption annotations and an object claims one (webhook/exemption-grant.ts).
        authoriseExemptions: createExemptionAuthoriser(kube, { log: log('exemptions') }),
        exceptions: exceptionsOf,
      },
      ...(relay === undefined ? {} : { certificates: relay }),
      // Ready once the exceptions are listed, or failed once (not installed, refused): their absence is then said per request.
      ready: () => sync.ready() && (exceptions.synced() || exceptions.failure() !== undefined),
      onReload(settings) {
        policies = auditPolicies(settings);
        audit?.rescan().catch((error: unknown) => logger.warn({ [LOG_KEYS.err]: describeFailure(error) }, 'background rescan after the reload failed'));
      },
      summary: {
        [LOG_KEYS.cluster]: {
          features, reason: access.reason, api: kube.server, identity, policy_reports: reportApi?.apiVersion ?? 'off', lease: `${cluster.namespace}/${cluster.leaseName}`,
          ...(certificates === undefined ? {} : { certificate_secret: `${cluster.namespace}/${cluster.certSecretName}` }),
        },
      },
    },
    async stop() {
      sync.stop();
      const steps: readonly [string, () => Promise<void> | undefined][] = [
        ['the background audit', () => audit?.stop()],
        ['the certificate manager', () => certificates?.stop()],
        ['the leader election', () => leader.stop()],
        ['the lookup caches', () => lookups.stop()],
        ['the exception cache', () => exceptions.stop()],
      ];
      const stopAll = async (): Promise<void> => {
        for (const [what, step] of steps) {
          try {
            await step();
          } catch (error) {
            logger.warn({ [LOG_KEYS.err]: describeFailure(error) }, `${what} did not stop cleanly`);
          }
        }
      };
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<true>((resolve) => { timer = setTimeout(() => resolve(true), CLUSTER_STOP_TIMEOUT_MS); });
      if (await Promise.race([stopAll().then(() => false), timedOut])) logger.warn(`cluster features still stopping after ${CLUSTER_STOP_TIMEOUT_MS} ms; not waiting for them`);
      clearTimeout(timer);
    },
  };
}

function auditPolicies(settings: Settings): AuditPolicies {
  return { set: settings.set, actions: actionSettings(settings.config) };
}

/**
 * How often the leader checks the certificate Secret and the caBundles, and how long a new CA is trusted before its
 * pair is served: at most 60 s and 30 s, shorter for short-lived certificates so a rotation always fits their
 * last third (a 30 s certificate: checks every 1.5 s, switch after 3 s).
 */
function rotationTiming(validityMs: number): { validityMs: number; checkIntervalMs: number; switchDelayMs: number } {
  return { validityMs, checkIntervalMs: Math.min(60_000, Math.max(1_000, validityMs / 20)), switchDelayMs: Math.min(30_000, validityMs / 10) };
}

/**
 * Readiness waits for the lookup caches (when cluster.readinessWaitsForSync), at most syncTimeoutSeconds: a replica
 * that cannot list a kind still serves, its LOOKUP policies skipping with the reason. Logs the sync, or at the bound
 * what is missing (each failed list is logged as it happens). Returns the condition and a function that stops it.
 */
function syncGate(lookups: LookupCache, cluster: ClusterConfig, log: Logger): { ready: () => boolean; stop: () => void } {
  const boundMs = cluster.syncTimeoutSeconds * 1000;
  const startedAt = performance.now();
  const elapsed = (): number => performance.now() - startedAt;
  const poll = setInterval(() => {
    if (lookups.synced()) {
      log.info({ [LOG_KEYS.syncedMs]: Math.round(elapsed()) }, 'lookup caches synced');
    } else if (elapsed() >= boundMs) {
      const pending = Object.entries(lookups.state().pending).map(([kind, failure]) => `${kind} (${failure?.message ?? 'not listed yet'})`);
      log.warn(`lookup caches not synced after ${cluster.syncTimeoutSeconds} s (cluster.syncTimeoutSeconds): ${pending.join(', ')}; their policies skip until they are${cluster.readinessWaitsForSync ? '; ready anyway' : ''}`);
    } else {
      return;
    }
    clearInterval(poll);
  }, SYNC_POLL_MS).unref();
  const ready = cluster.readinessWaitsForSync ? () => lookups.synced() || elapsed() >= boundMs : () => true;
  return { ready, stop: () => clearInterval(poll) };
}
