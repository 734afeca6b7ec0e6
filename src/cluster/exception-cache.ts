/**
 * A watched cache of StatefulSetPolicyExceptions (stateguard.io/v1alpha1) for the webhook and both audits: admission
 * reads memory only. Until the first list completes, or while listing fails (refused, unreachable), every evaluation
 * is told the exceptions were not checked, and why: none is applied meanwhile, so nothing passes on it. Without the
 * CRD (404) no exception can exist: none applies and nothing is said (the watch keeps retrying, so a CRD installed
 * later is picked up).
 */
import { EXCEPTION_API_VERSION, EXCEPTION_KIND, readException, type ExceptionReading, type ExceptionsInput, type JsonObject } from '../policy/index.ts';
import { LOG_KEYS } from '../logging/log-keys.ts';
import type { Kube } from './kube.ts';
import { watchCollection, type WatchFailure, type WatchOptions } from './watched-collection.ts';

export const EXCEPTION_GROUP_PATH = '/apis/stateguard.io/v1alpha1';
export const EXCEPTION_RESOURCE = 'statefulsetpolicyexceptions';

export interface ExceptionCacheOptions extends WatchOptions {
  /** Only this namespace's exceptions (`audit -n`: what a namespaced Role may list). Absent: cluster-wide. */
  readonly namespace?: string;
}

export interface ExceptionCache {
  /** The valid exceptions of a namespace, with `now` for their expiry; `unchecked` says why when not synced. */
  forNamespace(namespace: string, now?: number): ExceptionsInput;
  /** Why exceptions cannot be checked now; undefined when synced, or when the CRD is not installed (none can exist). */
  unchecked(): string | undefined;
  synced(): boolean;
  /** Why the last list or watch failed, until one succeeds. */
  failure(): WatchFailure | undefined;
  /** Resolves at the first complete list or the first failure (a one-shot audit then reports it), or at the timeout. */
  settled(timeoutMs: number): Promise<void>;
  /** Called after any exception was added, changed or deleted (the background audit rescans). */
  onChange(listener: () => void): void;
  stop(): Promise<void>;
}

const POLL_MS = 50;

export function startExceptionCache(kube: Kube, options: ExceptionCacheOptions): ExceptionCache {
  const path = options.namespace === undefined ? `${EXCEPTION_GROUP_PATH}/${EXCEPTION_RESOURCE}` : `${EXCEPTION_GROUP_PATH}/namespaces/${options.namespace}/${EXCEPTION_RESOURCE}`;
  const collection = watchCollection(kube, path, options);
  // Read once per stored object version: the informer replaces an object on each change, so identity is the key.
  const readings = new WeakMap<JsonObject, ExceptionReading>();
  const read = (object: JsonObject): ExceptionReading => {
    let reading = readings.get(object);
    if (reading === undefined) {
      // Items of a LIST carry no apiVersion and kind.
      reading = readException({ ...object, apiVersion: EXCEPTION_API_VERSION, kind: EXCEPTION_KIND });
      readings.set(object, reading);
      if (!reading.ok) {
        const metadata = (object['metadata'] ?? {}) as { namespace?: string; name?: string };
        options.log.warn({ [LOG_KEYS.object]: `${metadata.namespace ?? ''}/${metadata.name ?? ''}`, [LOG_KEYS.problems]: reading.problems }, `invalid ${EXCEPTION_KIND} ignored`);
      }
    }
    return reading;
  };
  const unchecked = (): string | undefined => {
    if (collection.synced()) return undefined;
    const failure = collection.failure();
    if (failure?.status === 404) return undefined;
    return `${EXCEPTION_KIND}s were not checked: ${failure === undefined ? 'the first list has not completed' : failure.message}`;
  };
  collection.start();
  return {
    forNamespace(namespace, now = Date.now()) {
      if (!collection.synced()) {
        const why = unchecked();
        return why === undefined ? { items: [], now } : { items: [], now, unchecked: why };
      }
      const items = [];
      for (const object of collection.list(namespace)) {
        const reading = read(object);
        if (reading.ok) items.push(reading.exception);
      }
      return { items, now };
    },
    unchecked,
    synced: () => collection.synced(),
    failure: () => collection.failure(),
    async settled(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (!collection.synced() && collection.failure() === undefined && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    },
    onChange(listener) {
      for (const event of ['add', 'update', 'delete'] as const) collection.on(event, listener);
    },
    stop: () => collection.stop(),
  };
}
