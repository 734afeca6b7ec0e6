/** Prometheus metrics of one server instance, in a private registry (tests run several servers in one process). */
import { readFileSync } from 'node:fs';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AdmissionOutcome, Webhook } from '../admission/index.ts';

/** From 0.5 ms: a typical decision takes well under a millisecond; the API server's timeout is seconds. */
const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** The duration histogram's label set of each webhook, built once. */
const DURATION_LABELS: Readonly<Record<Webhook, { readonly webhook: Webhook }>> = { validate: Object.freeze({ webhook: 'validate' }), mutate: Object.freeze({ webhook: 'mutate' }) };

export interface Metrics {
  readonly registry: Registry;
  observeDecision(webhook: Webhook, outcome: AdmissionOutcome, seconds: number): void;
  /** A bad request (invalid, 4xx) or a fault of the server (error, 5xx). */
  observeRejected(webhook: Webhook, decision: 'invalid' | 'error', seconds: number): void;
  /** Records when a certificate in use expires: as a timestamp, and as the seconds left at each scrape. */
  setCertificateExpiry(certificate: 'serving' | 'client-ca', expiresAt: Date): void;
  /** A reload of config and policies; `policies`: how many are in force after it (unchanged when it failed). */
  observeReload(ok: boolean, policies: number): void;
}

/**
 * The cluster side's state, read at each scrape (src/cli/cluster-wiring.ts provides it). Without cluster features the
 * server has none: stateguard_leader and the audit scan gauges are 0, and the per-kind and per-policy series have no samples.
 */
export interface ClusterStatus {
  /** This replica holds the leader Lease. */
  leader(): boolean;
  /** Each lookup cache's kind, and whether its first list has completed. */
  cachesSynced(): Readonly<Record<string, boolean>>;
  /** Absent while the background audit is off (no PolicyReport CRD served). */
  audit?(): {
    readonly lastScan: { readonly finishedAt: Date; readonly durationSeconds: number } | undefined;
    readonly reportsWritten: Readonly<Record<string, number>>;
    violationsByPolicy(): ReadonlyMap<string, number>;
  };
}

/** The package version, read once (src/ and dist/ sit at the same depth below package.json). */
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** `policies`: how many are in force at start-up. */
export function createMetrics(policies = 0, cluster?: ClusterStatus): Metrics {
  const registry = new Registry();
  registerClusterMetrics(registry, cluster);
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'stateguard_build_info',
    help: 'Always 1: the stateguard version and the Node.js version it runs on',
    labelNames: ['version', 'node_version'] as const,
    registers: [registry],
  }).set({ version: VERSION, node_version: process.version }, 1);
  const policiesLoaded = new Gauge({ name: 'stateguard_policies_loaded', help: 'Policies in force (built-in and loaded from policy directories)', registers: [registry] });
  policiesLoaded.set(policies);
  const reloads = new Counter({
    name: 'stateguard_config_reloads_total',
    help: 'Reloads of config and policies by result (success, failure: the last good set keeps serving)',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  for (const result of ['success', 'failure'] as const) reloads.inc({ result }, 0);
  // Counted like the policy results below: plain cells handed to prom-client at each scrape.
  const countRequest = cellCounter(registry, 'stateguard_admission_requests_total',
    'Admission requests by webhook, operation and decision (allow, deny, patch, ignore, invalid, error)', ['webhook', 'operation', 'decision']);
  const duration = new Histogram({
    name: 'stateguard_admission_duration_seconds',
    help: 'Time from receiving an admission request to its response, body parsing included',
    labelNames: ['webhook'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  // About 25 policy results per request. prom-client hashes the label set on every increment, even through a bound
  // child, so the hot path counts into plain cells and hands the totals to prom-client when it is scraped.
  const countPolicyResult = cellCounter(registry, 'stateguard_policy_results_total',
    'Policy results of admission requests (pass, fail, warn, error, skip; a failed mutator is an error) by policy and action', ['policy', 'result', 'action']);
  const exemptions = new Counter({
    name: 'stateguard_exemptions_total',
    help: 'Exemptions honoured at admission (an exemption annotation the requesting user may grant), by policy',
    labelNames: ['policy'] as const,
    registers: [registry],
  });
  const exceptionsApplied = new Counter({
    name: 'stateguard_exceptions_applied_total',
    help: 'StatefulSetPolicyExceptions used at admission (a result skipped, or some Pod Security findings lifted), by policy and exception (namespace/name)',
    labelNames: ['policy', 'exception'] as const,
    registers: [registry],
  });
  const expiries = new Map<string, Date>();
  new Gauge({
    name: 'stateguard_certificate_expiry_seconds',
    help: 'Seconds until a certificate in use expires (serving certificate, client CA)',
    labelNames: ['certificate'] as const,
    registers: [registry],
    collect() {
      for (const [certificate, expiresAt] of expiries) this.set({ certificate }, (expiresAt.getTime() - Date.now()) / 1000);
    },
  });
  new Gauge({
    name: 'stateguard_certificate_expiration_timestamp_seconds',
    help: 'When a certificate in use expires, in seconds since the epoch (serving certificate, client CA), as cert-manager exposes it',
    labelNames: ['certificate'] as const,
    registers: [registry],
    collect() {
      for (const [certificate, expiresAt] of expiries) this.set({ certificate }, Math.floor(expiresAt.getTime() / 1000));
    },
  });

  return {
    registry,
    observeDecision(webhook, outcome, seconds) {
      countRequest(webhook, outcome.review.operation, outcome.decision);
      duration.observe(DURATION_LABELS[webhook], seconds);
      for (const result of outcome.results) {
        countPolicyResult(result.policy, result.result, result.action);
        if (result.skip?.cause === 'exempted') exemptions.inc({ policy: result.policy });
        const applied = result.exceptions?.applied;
        if (applied !== undefined) for (const { namespace, name } of applied) exceptionsApplied.inc({ policy: result.policy, exception: `${namespace}/${name}` });
      }
    },
    observeRejected(webhook, decision, seconds) {
      countRequest(webhook, 'unknown', decision);
      duration.observe(DURATION_LABELS[webhook], seconds);
    },
    setCertificateExpiry(certificate, expiresAt) {
      expiries.set(certificate, expiresAt);
    },
    observeReload(ok, count) {
      reloads.inc({ result: ok ? 'success' : 'failure' });
      policiesLoaded.set(count);
    },
  };
}

/** Leader, lookup-cache and background-audit series, pulled from `cluster` at each scrape. */
function registerClusterMetrics(registry: Registry, cluster: ClusterStatus | undefined): void {
  new Gauge({
    name: 'stateguard_leader',
    help: '1 while this replica holds the leader Lease (it runs the background audit and certificate rotation), else 0',
    registers: [registry],
    collect() {
      this.set(cluster?.leader() === true ? 1 : 0);
    },
  });
  new Gauge({
    name: 'stateguard_lookup_cache_synced',
    help: '1 when the lookup cache of a kind has completed its first list (its LOOKUP policies skip until then), else 0',
    labelNames: ['kind'] as const,
    registers: [registry],
    collect() {
      for (const [kind, synced] of Object.entries(cluster?.cachesSynced() ?? {})) this.set({ kind }, synced ? 1 : 0);
    },
  });
  const audit = () => cluster?.audit?.();
  new Gauge({
    name: 'stateguard_audit_last_scan_timestamp_seconds',
    help: 'When this replica last completed a full background audit scan, in seconds since the epoch (only the leader scans; 0 before its first)',
    registers: [registry],
    collect() {
      const scan = audit()?.lastScan;
      this.set(scan === undefined ? 0 : Math.floor(scan.finishedAt.getTime() / 1000));
    },
  });
  new Gauge({
    name: 'stateguard_audit_last_scan_duration_seconds',
    help: 'How long the last full background audit scan took, PolicyReport writes included',
    registers: [registry],
    collect() {
      this.set(audit()?.lastScan?.durationSeconds ?? 0);
    },
  });
  new Counter({
    name: 'stateguard_audit_reports_written_total',
    help: 'PolicyReports the background audit created, updated or deleted (unchanged verdicts are not written)',
    labelNames: ['outcome'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [outcome, count] of Object.entries(audit()?.reportsWritten ?? {})) this.inc({ outcome }, count);
    },
  });
  new Gauge({
    name: 'stateguard_audit_violations',
    help: 'StatefulSets whose PolicyReport flags a policy (fail or warn), by policy, as the leader last wrote them',
    labelNames: ['policy'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [policy, count] of audit()?.violationsByPolicy() ?? []) this.set({ policy }, count);
    },
  });
}

/**
 * A counter of three labels counted in plain cells (by first, then second, then third label value; the keys are the
 * callers' own strings, so no lookup allocates) and handed to prom-client at each scrape, in the order the label sets
 * first occurred, as prom-client itself lists them.
 */
function cellCounter<L extends string>(registry: Registry, name: string, help: string, labelNames: readonly [L, L, L]): (a: string, b: string, c: string) => void {
  type Cell = { readonly labels: Record<L, string>; count: number };
  const cells = new Map<string, Map<string, Map<string, Cell>>>();
  new Counter({
    name, help, labelNames, registers: [registry],
    collect() {
      this.reset();
      for (const bySecond of cells.values()) for (const byThird of bySecond.values()) for (const cell of byThird.values()) this.inc(cell.labels, cell.count);
    },
  });
  const [first, second, third] = labelNames;
  return (a, b, c) => {
    let bySecond = cells.get(a);
    if (bySecond === undefined) cells.set(a, (bySecond = new Map()));
    let byThird = bySecond.get(b);
    if (byThird === undefined) bySecond.set(b, (byThird = new Map()));
    const cell = byThird.get(c);
    if (cell === undefined) byThird.set(c, { labels: { [first]: a, [second]: b, [third]: c } as Record<L, string>, count: 1 });
    else cell.count++;
  };
}
