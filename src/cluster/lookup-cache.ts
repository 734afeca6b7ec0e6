/**
 * Watched caches of what LOOKUP policies and namespace-label overrides read: StorageClasses, Services,
 * PodDisruptionBudgets, LimitRanges and Namespaces. Admission reads memory only, never the API server.
 */
import { DEFAULT_STORAGE_CLASS_ANNOTATION, type JsonObject, type LookupContext, type LookupData } from '../policy/index.ts';
import type { Kube } from './kube.ts';
import { watchKind, type WatchedKind, type WatchFailure, type WatchOptions } from './watched-kind.ts';

/** Each kind's API group path and resource; cluster-scoped ones are listed cluster-wide even for one namespace. */
export const LOOKUP_KINDS = {
  storageClasses: { group: '/apis/storage.k8s.io/v1', resource: 'storageclasses', namespaced: false },
  services: { group: '/api/v1', resource: 'services', namespaced: true },
  podDisruptionBudgets: { group: '/apis/policy/v1', resource: 'poddisruptionbudgets', namespaced: true },
  limitRanges: { group: '/api/v1', resource: 'limitranges', namespaced: true },
  namespaces: { group: '/api/v1', resource: 'namespaces', namespaced: false },
} as const;
export type LookupKind = keyof typeof LOOKUP_KINDS;

export interface LookupCacheOptions extends WatchOptions {
  /**
   * Read only this namespace's Services, PodDisruptionBudgets and LimitRanges (`audit -n`): what a user with a
   * namespaced Role may list. Absent: cluster-wide (the server, whose ClusterRole allows it).
   */
  readonly namespace?: string;
}

/** The collection a kind is read from: namespaced kinds within `namespace` when one is given. */
export function lookupPath(kind: LookupKind, namespace?: string): string {
  const { group, resource, namespaced } = LOOKUP_KINDS[kind];
  return namespaced && namespace !== undefined ? `${group}/namespaces/${namespace}/${resource}` : `${group}/${resource}`;
}

export interface SyncState {
  readonly synced: readonly LookupKind[];
  /** Kinds not synced yet, with the last failure if there was one. */
  readonly pending: Readonly<Partial<Record<LookupKind, WatchFailure | undefined>>>;
}

export interface LookupCache {
  /** A kind's function is absent until its cache has synced, so its policies skip with the reason meanwhile. */
  readonly lookup: LookupContext;
  /** Labels of a namespace; undefined until namespaces have synced, or for a namespace not (yet) seen. */
  namespaceLabels(namespace: string): Readonly<Record<string, string>> | undefined;
  synced(): boolean;
  /** Resolves when every kind has synced (never, while one cannot be listed). */
  whenSynced(): Promise<void>;
  state(): SyncState;
  /**
   * Resolves when every kind has synced or failed at least once (the state says why; those kinds keep
   * retrying), or at the timeout: for a one-shot audit, which should not wait out a backoff to learn little.
   */
  waitForSync(timeoutMs: number): Promise<SyncState>;
  stop(): Promise<void>;
}


export function startLookupCache(kube: Kube, options: LookupCacheOptions): LookupCache {
  const kinds = Object.fromEntries(Object.keys(LOOKUP_KINDS).map((kind) => [kind, watchKind(kube, lookupPath(kind as LookupKind, options.namespace), options)])) as Record<LookupKind, WatchedKind>;
  for (const kind of Object.values(kinds)) kind.start();
  const inNamespace = (kind: WatchedKind) => (namespace: string): readonly JsonObject[] => kind.list(namespace);
  const ifSynced = <F>(kind: WatchedKind, read: F): F | undefined => (kind.synced() ? read : undefined);

  // Getters, so a kind's function reads as absent until synced: the engine skips its policies with the reason,
  // where a function answering undefined would make storage-class-exists report an error instead.
  const lookup = {
    get storageClass() {
      return ifSynced(kinds.storageClasses, (name: string) => kinds.storageClasses.get(name) ?? null);
    },
    get defaultStorageClass() {
      return ifSynced(kinds.storageClasses, () => kinds.storageClasses.list().find(isDefaultClass) ?? null);
    },
    get services() {
      return ifSynced(kinds.services, inNamespace(kinds.services));
    },
    get podDisruptionBudgets() {
      return ifSynced(kinds.podDisruptionBudgets, inNamespace(kinds.podDisruptionBudgets));
    },
    get limitRanges() {
      return ifSynced(kinds.limitRanges, inNamespace(kinds.limitRanges));
    },
    // Said only while the data is missing: a kind that syncs later is read, not refused.
    refused(data: LookupData) {
      const kind = kinds[data];
      const failure = kind.failure();
      if (kind.synced() || failure?.status !== 403) return undefined;
      return failure.message;
    },
  } as LookupContext;

  const state = (): SyncState => {
    const entries = Object.entries(kinds) as [LookupKind, WatchedKind][];
    return {
      synced: entries.filter(([, kind]) => kind.synced()).map(([name]) => name),
      pending: Object.fromEntries(entries.filter(([, kind]) => !kind.synced()).map(([name, kind]) => [name, kind.failure()])),
    };
  };
  const allSynced = Promise.all(Object.values(kinds).map((kind) => kind.whenSynced())).then(() => undefined);
  const allTried = Promise.all(Object.values(kinds).map((kind) => kind.whenTried()));

  return {
    lookup,
    namespaceLabels(namespace) {
      const object = kinds.namespaces.get(namespace);
      if (object === undefined) return undefined;
      return (object['metadata'] as { labels?: Record<string, string> } | undefined)?.labels ?? {};
    },
    synced: () => Object.values(kinds).every((kind) => kind.synced()),
    state,
    whenSynced: () => allSynced,
    async waitForSync(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([allTried, new Promise((resolve) => { timer = setTimeout(resolve, timeoutMs); })]);
      clearTimeout(timer);
      return state();
    },
    async stop() {
      await Promise.all(Object.values(kinds).map((kind) => kind.stop()));
    },
  };
}

function isDefaultClass(storageClass: JsonObject): boolean {
  const annotations = (storageClass['metadata'] as { annotations?: Record<string, string> } | undefined)?.annotations;
  return annotations?.[DEFAULT_STORAGE_CLASS_ANNOTATION] === 'true';
}
