/**
 * The webhook configurations of deploy/base/webhooks.yaml, pointed at a stateguard started by the harness, and
 * what the API server measures of them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseAllDocuments } from 'yaml';
import { statefulSetOf } from '../../helpers/statefulset.ts';
import type { Cluster } from './cluster.ts';

const WEBHOOKS_FILE = join(import.meta.dirname, '..', '..', '..', 'deploy', 'base', 'webhooks.yaml');
const KINDS = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'] as const;

type Json = Record<string, unknown>;
type Kubectl = Pick<Cluster, 'kubectl'>;

export interface WebhookTarget {
  /** https://host:port of stateguard; each webhook's service path is appended. */
  url: string;
  caPem: string;
}

/**
 * Both configurations as deployed, everything kept (rules, namespaceSelector, failurePolicy, timeouts,
 * sideEffects, reinvocationPolicy, matchPolicy), except that `clientConfig` becomes `{ url, caBundle }`.
 */
export function webhookConfigurations(target: WebhookTarget): Json[] {
  const documents = parseAllDocuments(readFileSync(WEBHOOKS_FILE, 'utf8')).map((document) => document.toJS() as Json);
  const configurations = documents.filter((document) => (KINDS as readonly unknown[]).includes(document['kind']));
  if (configurations.length !== KINDS.length) throw new Error(`${WEBHOOKS_FILE}: expected one ${KINDS.join(' and one ')}`);
  const caBundle = Buffer.from(target.caPem).toString('base64');
  return configurations.map((configuration) => ({
    ...configuration,
    webhooks: (configuration['webhooks'] as Json[]).map((webhook) => {
      const service = (webhook['clientConfig'] as { service?: { path?: string } }).service;
      if (service?.path === undefined) throw new Error(`${WEBHOOKS_FILE}: webhook ${String(webhook['name'])} has no clientConfig.service.path`);
      return { ...webhook, clientConfig: { url: `${target.url}${service.path}`, caBundle } };
    }),
  }));
}

/** Applies both configurations with kubectl and waits until the API server calls both webhooks. */
export async function registerWebhooks(cluster: Kubectl, target: WebhookTarget): Promise<Json[]> {
  const configurations = webhookConfigurations(target);
  const list = { apiVersion: 'v1', kind: 'List', items: configurations };
  const result = await cluster.kubectl(['apply', '-f', '-'], { input: JSON.stringify(list) });
  if (result.code !== 0) throw new Error(`kubectl apply of the webhook configurations failed:\n${result.stderr}`);
  await waitUntilCalled(cluster);
  return configurations;
}

export async function deleteWebhooks(cluster: Kubectl): Promise<void> {
  const result = await cluster.kubectl(['delete', '--ignore-not-found', 'mutatingwebhookconfiguration/stateguard', 'validatingwebhookconfiguration/stateguard']);
  if (result.code !== 0) throw new Error(`kubectl delete of the webhook configurations failed:\n${result.stderr}`);
}

/** A StatefulSet every built-in deny policy passes (min-replicas included) and the default mutators change. */
function probeStatefulSet(name: string, namespace: string): Json {
  return statefulSetOf(name, namespace, {
    replicas: 3,
    podSpec: {
      containers: [{
        name: 'app',
        image: 'registry.k8s.io/pause:3.10',
        resources: { requests: { cpu: '10m', memory: '16Mi' } },
        volumeMounts: [{ name: 'data', mountPath: '/data' }],
      }],
    },
    volumeClaimTemplates: [{
      metadata: { name: 'data' },
      spec: { storageClassName: 'standard', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    }],
  });
}

/**
 * The API server picks up webhook configurations from an informer, a moment after they are stored: dry-run
 * probes in `default` until the mutating webhook patches (the mutated annotation) and the validating one denies.
 */
async function waitUntilCalled(cluster: Kubectl, timeoutMs = 30_000): Promise<void> {
  const good = probeStatefulSet('stateguard-probe', 'default');
  const bad = structuredClone(good) as { spec: { volumeClaimTemplates: { spec: Json }[] } };
  for (const template of bad.spec.volumeClaimTemplates) delete template.spec['storageClassName'];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const mutated = await cluster.kubectl(['create', '--dry-run=server', '-o', 'json', '-f', '-'], { input: JSON.stringify(good) });
    const denied = await cluster.kubectl(['create', '--dry-run=server', '-f', '-'], { input: JSON.stringify(bad) });
    const patched = mutated.code === 0 && (JSON.parse(mutated.stdout) as { metadata: { annotations?: Json } }).metadata.annotations?.['stateguard.io/mutated'] !== undefined;
    if (patched && denied.stderr.includes('admission webhook "validate.stateguard.io" denied the request')) return;
    const last = `mutating probe: ${mutated.code === 0 ? 'not patched' : mutated.stderr.trim()}; validating probe: ${denied.code === 0 ? 'admitted' : denied.stderr.trim()}`;
    if (Date.now() > deadline) throw new Error(`the API server did not call the stateguard webhooks within ${timeoutMs} ms (${last})`);
    await sleep(200);
  }
}

export interface WebhookLatency {
  /** The webhook's name, e.g. validate.stateguard.io. */
  name: string;
  type: string;
  count: number;
  sumSeconds: number;
  /** Estimated from the buckets (linear interpolation within a bucket, as PromQL's histogram_quantile). */
  p50Seconds: number;
  p99Seconds: number;
  /** Upper bounds of the buckets, finite ones only: estimates inside the first bucket are only interpolations. */
  bucketBounds: number[];
}

/** apiserver_admission_webhook_admission_duration_seconds per webhook, summed over operations and verdicts. */
export function webhookLatency(metrics: string, family = 'apiserver_admission_webhook_admission_duration_seconds'): WebhookLatency[] {
  const webhooks = new Map<string, { type: string; buckets: Map<number, number>; count: number; sum: number }>();
  const line = new RegExp(`^${family}_(bucket|count|sum)\\{([^}]*)\\} (\\S+)$`, 'gm');
  for (const match of metrics.matchAll(line)) {
    const [, series, labelText, value] = match as unknown as [string, string, string, string];
    const labels = Object.fromEntries([...labelText.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const name = labels['name'] ?? '';
    const entry = webhooks.get(name) ?? { type: labels['type'] ?? '', buckets: new Map<number, number>(), count: 0, sum: 0 };
    webhooks.set(name, entry);
    if (series === 'count') entry.count += Number(value);
    else if (series === 'sum') entry.sum += Number(value);
    else {
      const le = labels['le'] === '+Inf' ? Number.POSITIVE_INFINITY : Number(labels['le']);
      entry.buckets.set(le, (entry.buckets.get(le) ?? 0) + Number(value));
    }
  }
  return [...webhooks].map(([name, entry]) => {
    const buckets = [...entry.buckets].sort(([a], [b]) => a - b);
    return {
      name, type: entry.type, count: entry.count, sumSeconds: entry.sum,
      p50Seconds: quantile(0.5, buckets), p99Seconds: quantile(0.99, buckets),
      bucketBounds: buckets.map(([le]) => le).filter((le) => Number.isFinite(le)),
    };
  }).sort((a, b) => a.name.localeCompare(b.name));
}

function quantile(q: number, buckets: readonly (readonly [number, number])[]): number {
  const total = buckets.at(-1)?.[1] ?? 0;
  if (total === 0) return Number.NaN;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const [le, count] of buckets) {
    if (count >= rank) {
      // In the +Inf bucket, the best estimate is the highest finite bound (as histogram_quantile).
      if (le === Number.POSITIVE_INFINITY) return lowerBound;
      return lowerBound + (le - lowerBound) * ((rank - lowerCount) / Math.max(count - lowerCount, 1e-12));
    }
    lowerBound = le;
    lowerCount = count;
  }
  return lowerBound;
}

export function formatLatency(latencies: readonly WebhookLatency[]): string[] {
  const ms = (seconds: number): string => (Number.isNaN(seconds) ? 'n/a' : `${(seconds * 1000).toFixed(1)} ms`);
  return latencies.map((l) => `API server → ${l.name} (${l.type}): count ${l.count}, sum ${l.sumSeconds.toFixed(3)} s, mean ${ms(l.count === 0 ? Number.NaN : l.sumSeconds / l.count)}, p50 ≈ ${ms(l.p50Seconds)}, p99 ≈ ${ms(l.p99Seconds)} (buckets ${l.bucketBounds.map((b) => `${b * 1000}`).join('/')} ms)`);
}
