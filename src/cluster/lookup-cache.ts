/**
 * Watched caches of what LOOKUP policies and namespace-label overrides read: StorageClasses, Services,
 * PodDisruptionBudgets, LimitRanges and Namespaces. Admission reads memory only, never the API server.
 */
import { DEFAULT_STORAGE_CLASS_ANNOTATION, type JsonObject, type LookupContext, type LookupData } from '../policy/index.ts';
import type { Kube } from './kube.ts';
import { watchCollection, type WatchedCollection, type WatchFailure, type WatchOptions } from './watched-collection.ts';

/** Each collection's API group path and resource; cluster-scoped ones are listed cluster-wide even for one namespace. */
export const LOOKUP_COLLECTIONS = {
  storageClasses: { group: '/apis/storage.k8s.io/v1', resource: 'storageclasses', namespaced: false },
  services: { group: '/api/v1', resource: 'services', namespaced: true },
  podDisruptionBudgets: { group: '/apis/policy/v1', resource: 'poddisruptionbudgets', namespaced: true },
  limitRanges: { group: '/api/v1', resource: 'limitranges', namespaced: true },
  namespaces: { group: '/api/v1', resource: 'namespaces', namespaced: false },
} as const;
export type LookupCollection = keyof typeof LOOKUP_COLLECTIONS;

export interface LookupCacheOptions extends WatchOptions {
  /**
   * Read only this namespace's Services, PodDisruptionBudgets and LimitRanges (`audit -n`): what a user with a
   * namespaced Role may list. Absent: cluster-wide (the server, whose ClusterRole allows it).
   */
  readonly namespace?: string;
}

/** Where a collection is read from: namespaced ones within `namespace` when one is given. */
export function lookupPath(collection: LookupCollection, namespace?: string): string {
  const { group, resource, namespaced } = LOOKUP_COLLECTIONS[collection];
  return namespaced && namespace !== undefined ? `${group}/namespaces/${namespace}/${resource}` : `${group}/${resource}`;
}

export interface SyncState {
  readonly synced: readonly LookupCollection[];
  /** Collections not synced yet, with the last failure if there was one. */
  readonly pending: Readonly<Partial<Record<LookupCollection, WatchFailure | undefined>>>;
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
  const collections = Object.fromEntries(Object.keys(LOOKUP_COLLECTIONS).map((collection) => [collection, watchCollection(kube, lookupPath(collection as LookupCollection, options.namespace), options)])) as Record<LookupCollection, WatchedCollection>;
  for (const collection of Object.values(collections)) collection.start();
  const inNamespace = (collection: WatchedCollection) => (namespace: string): readonly JsonObject[] => collection.list(namespace);
  const ifSynced = <F>(collection: WatchedCollection, read: F): F | undefined => (collection.synced() ? read : undefined);

  // Getters, so a collection's function reads as absent until synced: the engine skips its policies with the reason,
  // where a function answering undefined would make storage-class-exists report an error instead.
  const lookup = {
    get storageClass() {
      return ifSynced(collections.storageClasses, (name: string) => collections.storageClasses.get(name) ?? null);
    },
    get defaultStorageClass() {
      return ifSynced(collections.storageClasses, () => collections.storageClasses.list().find(isDefaultClass) ?? null);
    },
    get services() {
      return ifSynced(collections.services, inNamespace(collections.services));
    },
    get podDisruptionBudgets() {
      return ifSynced(collections.podDisruptionBudgets, inNamespace(collections.podDisruptionBudgets));
    },
    get limitRanges() {
      return ifSynced(collections.limitRanges, inNamespace(collections.limitRanges));
    },
    // Said only while the data is missing: a collection that syncs later is read, not refused.
    refused(data: LookupData) {
      const collection = collections[data];
      const failure = collection.failure();
      if (collection.synced() || failure?.status !== 403) return undefined;
      return failure.message;
    },
  } as LookupContext;

  const state = (): SyncState => {
    const entries = Object.entries(collections) as [LookupCollection, WatchedCollection][];
    return {
      synced: entries.filter(([, collection]) => collection.synced()).map(([name]) => name),
      pending: Object.fromEntries(entries.filter(([, collection]) => !collection.synced()).map(([name, collection]) => [name, collection.failure()])),
    };
  };
  const allSynced = Promise.all(Object.values(collections).map((collection) => collection.whenSynced())).then(() => undefined);
  const allTried = Promise.all(Object.values(collections).map((collection) => collection.whenTried()));

  return {
    lookup,
    namespaceLabels(namespace) {
      const object = collections.namespaces.get(namespace);
      if (object === undefined) return undefined;
      return (object['metadata'] as { labels?: Record<string, string> } | undefined)?.labels ?? {};
    },
    synced: () => Object.values(collections).every((collection) => collection.synced()),
    state,
    whenSynced: () => allSynced,
    async waitForSync(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([allTried, new Promise((resolve) => { timer = setTimeout(resolve, timeoutMs); })]);
      clearTimeout(timer);
      return state();
    },
    async stop() {
      await Promise.all(Object.values(collections).map((collection) => collection.stop()));
    },
  };
}

function isDefaultClass(storageClass: JsonObject): boolean {
  const annotations = (storageClass['metadata'] as { annotations?: Record<string, string> } | undefined)?.annotations;
  return annotations?.[DEFAULT_STORAGE_CLASS_ANNOTATION] === 'true';
}
