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
import { startPolicyResourceWatch } from '../cluster/policy-resource-watch.ts';
import type { ClusterAccess } from '../config/cluster-access.ts';
import { actionSettings, type ClusterConfig } from '../config/config.ts';
import { createCertificateRelay } from '../certificates/certificate-feed.ts';
import { createLifecycle } from '../webhook/lifecycle.ts';
import { LOG_KEYS } from '../logging/log-keys.ts';
import type { Settings } from '../webhook/policy-store.ts';
import { CLUSTER_STOP_TIMEOUT_MS, type ClusterFeatures } from './cluster-features.ts';


const DAY_MS = 86_400_000;


/**
 * Starts the cluster side; `access` says cluster features are on (and why). Fails (ERR_CLUSTER) when stateguard's
 * own namespace does not exist: the Lease and the certificate Secret could never be written, so the server would
 * never become ready.
 */
export async function startClusterFeatures(initial: Settings, logger: Logger, access: ClusterAccess, requestReload: () => void = () => undefined): Promise<ClusterFeatures> {
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

  // Stopped in reverse: the audit, the certificates, the leader election (releasing the Lease), the caches.
  const parts = createLifecycle({ what: 'cluster features', log: logger, describe: describeFailure });
  const lookups = await parts.start('the lookup caches', () => startLookupCache(kube, { log: log('lookups') }), (caches) => caches.stop());
  const sync = await parts.start('the sync gate', () => syncGate(lookups, cluster, log('lookups')), (gate) => gate.stop());
  const exceptions = await parts.start('the exception cache', () => startExceptionCache(kube, { log: log('exceptions') }), (cache) => cache.stop());
  const exceptionsOf = (namespace: string) => exceptions.forNamespace(namespace);
  const leader = await parts.start('the leader election', () => startLeaderElection(kube, {
    namespace: cluster.namespace, name: cluster.leaseName, identity,
    leaseDurationSeconds: cluster.leaseDurationSeconds, renewIntervalSeconds: cluster.leaseRenewSeconds, log: log('leader'),
  }), (election) => election.stop());
  const policyResources = await parts.start('the policy resources', () => startPolicyResourceWatch(kube, { leader, onChange: requestReload, log: log('policy-resources') }), (watch) => watch.stop());
  // With certificate files (cert-manager, a mounted Secret) the server follows those; nothing here touches certificates.
  const relay = config.server.tlsCert === undefined ? createCertificateRelay() : undefined;
  const certificates = relay === undefined ? undefined : await parts.start('the certificate manager', () => startCertificateManager(kube, {
    namespace: cluster.namespace, secretName: cluster.certSecretName, webhookNames: cluster.webhookNames, dnsNames: config.server.dnsNames,
    ...rotationTiming(cluster.certValidityDays * DAY_MS), leader, onCertificate: (certificate) => relay.publish(certificate), log: log('certificates'),
  }), (manager) => manager.stop());
  let policies = auditPolicies(initial);
  if (reportApi === undefined) log('audit').warn(`background audit off: ${noReportApiMessage(kube.server, servedReports)}`);
  const audit = reportApi === undefined ? undefined : await parts.start('the background audit', () => startBackgroundAudit(kube, {
    policies: () => policies, view: { lookup: lookups.lookup, namespaceLabels: (namespace) => lookups.namespaceLabels(namespace), exceptions: exceptionsOf }, leader, intervalMs: cluster.auditIntervalSeconds * 1000, deleteWhenClean: cluster.reportsDeleteWhenClean, reportApi, log: log('audit'),
    ...(cluster.events.enabled ? { events: createEventRecorder(kube, { instance: identity, maxPerMinute: cluster.events.maxPerMinute, log: log('events') }) } : {}),
  }), (background) => background.stop());

  // A changed exception changes verdicts: the reports follow it without waiting for the next interval.
  exceptions.onChange(() => audit?.rescan().catch((error: unknown) => logger.warn({ [LOG_KEYS.err]: describeFailure(error) }, 'background rescan after an exception changed failed')));

  const features = ['lookups', 'exceptions', 'policy-resources', 'leader-election', ...(certificates === undefined ? [] : ['certificates']), ...(audit === undefined ? [] : ['background-audit']), ...(audit !== undefined && cluster.events.enabled ? ['events'] : [])];
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
      // Not ready before the StatefulSetPolicy resources are in force (bounded like the lookups), nor before the
      // exceptions are listed or failed once (not installed, refused: their absence is then said per request).
      ready: () => sync.ready() && (policyResources.settled() || !sync.waits()) && (exceptions.synced() || exceptions.failure() !== undefined),
      clusterStatus: {
        leader: () => leader.isLeader(),
        cachesSynced: () => {
          const state = lookups.state();
          return Object.fromEntries([...state.synced.map((kind) => [kind, true] as const), ...Object.keys(state.pending).map((kind) => [kind, false] as const)]);
        },
        ...(audit === undefined ? {} : { audit: () => audit.status() }),
      },
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
    combinePolicies: policyResources.combine,
    stop: () => parts.stop(CLUSTER_STOP_TIMEOUT_MS),
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
function syncGate(lookups: LookupCache, cluster: ClusterConfig, log: Logger): { ready: () => boolean; waits: () => boolean; stop: () => void } {
  const startedAt = performance.now();
  let stopped = false;
  let bounded = false;
  const bound = setTimeout(() => {
    bounded = true;
    if (lookups.synced()) return;
    const pending = Object.entries(lookups.state().pending).map(([kind, failure]) => `${kind} (${failure?.message ?? 'not listed yet'})`);
    log.warn(`lookup caches not synced after ${cluster.syncTimeoutSeconds} s (cluster.syncTimeoutSeconds): ${pending.join(', ')}; their policies skip until they are${cluster.readinessWaitsForSync ? '; ready anyway' : ''}`);
  }, cluster.syncTimeoutSeconds * 1000).unref();
  void lookups.whenSynced().then(() => {
    clearTimeout(bound);
    if (!stopped) log.info({ [LOG_KEYS.syncedMs]: Math.round(performance.now() - startedAt) }, 'lookup caches synced');
  });
  const ready = cluster.readinessWaitsForSync ? () => lookups.synced() || bounded : () => true;
  return {
    ready,
    waits: () => cluster.readinessWaitsForSync && !bounded,
    stop: () => {
      stopped = true;
      clearTimeout(bound);
    },
  };
}
