/**
 * The StatefulSetPolicy resources of the cluster (deploy/base/crd-policies.yaml): watched, joined to the file
 * policies at each (re)load (src/policy/policy-resources.ts), their Ready condition written back by the leader.
 * A change the engine reads (spec, labels, annotations) asks for a reload; a status or server-field change does not.
 */
import { createResourceResolver, POLICY_RESOURCE, policyDocumentOf, type JsonObject, type PolicySet, type ResourceStatus } from '../policy/index.ts';
import { LOG_KEYS } from '../logging/log-keys.ts';
import { describeFailure } from './cluster-error.ts';
import type { ClusterLog, Kube } from './kube.ts';
import type { LeaderElector } from './leader.ts';
import { watchCollection } from './watched-collection.ts';

export interface PolicyResourceWatchOptions {
  readonly log: ClusterLog;
  readonly leader: Pick<LeaderElector, 'isLeader' | 'onChange'>;
  /** A resource changed what the engine reads: reload (the caller coalesces bursts). */
  readonly onChange: () => void;
  readonly watchTimeoutSeconds?: number;
}

export interface PolicyResourceWatch {
  /** The file policies with the resource policies joined; the leader writes each status that changed. */
  combine(files: PolicySet): PolicySet;
  /**
   * The set in force reflects every resource seen; or they cannot be listed (no CRD installed, no RBAC: the watch
   * logs why and retries), so there is nothing to wait for.
   */
  settled(): boolean;
  stop(): Promise<void>;
}

export const POLICY_RESOURCE_PATH = `/apis/${POLICY_RESOURCE.group}/${POLICY_RESOURCE.version}/${POLICY_RESOURCE.plural}`;
const NOT_LISTABLE = new Set([403, 404]);

export function startPolicyResourceWatch(kube: Kube, options: PolicyResourceWatchOptions): PolicyResourceWatch {
  const { log } = options;
  const watched = watchCollection(kube, POLICY_RESOURCE_PATH, { log, ...(options.watchTimeoutSeconds === undefined ? {} : { watchTimeoutSeconds: options.watchTimeoutSeconds }) });
  const resolver = createResourceResolver();
  const read = new Map<string, string>();
  let changes = 0;
  let combined = 0;
  let statuses: ReadonlyMap<string, ResourceStatus> = new Map();

  const changed = (object: JsonObject, deleted: boolean): void => {
    const name = nameOf(object);
    const document = JSON.stringify(policyDocumentOf(object));
    if (deleted) read.delete(name);
    else if (read.get(name) === document) return;
    else read.set(name, document);
    changes++;
    options.onChange();
  };
  watched.on('add', (object) => changed(object, false));
  watched.on('update', (object) => changed(object, false));
  watched.on('delete', (object) => changed(object, true));

  const writeStatuses = (): void => {
    if (!options.leader.isLeader()) return;
    for (const [name, status] of statuses) {
      const current = watched.get(name);
      if (current === undefined) continue;
      const body = statusBody(status, current['status']);
      if (body === undefined) continue;
      kube.custom.patchClusterCustomObjectStatus({ group: POLICY_RESOURCE.group, version: POLICY_RESOURCE.version, plural: POLICY_RESOURCE.plural, name, body: [{ op: 'add', path: '/status', value: body }] })
        .catch((error: unknown) => log.warn({ [LOG_KEYS.err]: describeFailure(error) }, `cannot write the status of ${POLICY_RESOURCE.kind} ${name}`));
    }
  };
  const unsubscribe = options.leader.onChange((leader) => {
    if (leader) writeStatuses();
  });
  watched.start();

  return {
    combine(files) {
      combined = changes;
      const resolved = resolver.resolve(files, watched.list());
      const before = statuses;
      statuses = resolved.statuses;
      for (const [name, status] of statuses) if (!status.ready && before.get(name)?.message !== status.message) log.warn({ [LOG_KEYS.reason]: status.reason }, `${POLICY_RESOURCE.kind} ${name}: ${status.message}`);
      writeStatuses();
      return resolved.set;
    },
    settled: () => (watched.synced() && combined === changes) || NOT_LISTABLE.has(watched.failure()?.status ?? 0),
    async stop() {
      unsubscribe();
      await watched.stop();
    },
  };
}

function nameOf(object: JsonObject): string {
  const metadata = object['metadata'] as { name?: unknown } | undefined;
  return typeof metadata?.name === 'string' ? metadata.name : '';
}

/** The status to write, or undefined when the stored one says the same (its lastTransitionTime kept while Ready holds). */
export function statusBody(status: ResourceStatus, stored: unknown): JsonObject | undefined {
  const conditions = (stored as { conditions?: unknown } | undefined)?.conditions;
  const previous = Array.isArray(conditions) ? (conditions as JsonObject[]).find((c) => c['type'] === 'Ready') : undefined;
  const value = status.ready ? 'True' : 'False';
  const generation = status.generation === undefined ? {} : { observedGeneration: status.generation };
  const condition = { type: 'Ready', status: value, reason: status.reason, message: status.message, ...generation };
  const same = previous !== undefined && Object.entries(condition).every(([key, v]) => previous[key] === v);
  if (same) return undefined;
  const since = previous?.['status'] === value && typeof previous['lastTransitionTime'] === 'string' ? previous['lastTransitionTime'] : new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  return { ...generation, conditions: [{ ...condition, lastTransitionTime: since }] };
}
