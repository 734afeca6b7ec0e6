/**
 * One collection (the objects at one API path) kept current by client-node's ListWatch (list, then watch from that resourceVersion; a closed watch
 * resumes, an expired one relists). ListWatch gives up on an error, so this restarts it with exponential backoff.
 */
import { ListWatch, Watch, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import type { JsonObject } from '../policy/index.ts';
import { describeFailure, httpStatus } from './cluster-error.ts';
import type { ClusterLog, Kube } from './kube.ts';
import { listAll } from './list-pages.ts';
import { LOG_KEYS } from '../logging/log-keys.ts';

export interface WatchOptions {
  readonly log: ClusterLog;
  /** The API server ends each watch after this long and the cache resumes it: short in tests to prove that works. */
  readonly watchTimeoutSeconds?: number;
}

export interface WatchFailure {
  readonly status?: number;
  readonly message: string;
}

export type WatchEvent = 'add' | 'update' | 'delete';

export interface WatchedCollection {
  /** True from the first complete list on, also while a lost watch reconnects (the data is then stale, not absent). */
  synced(): boolean;
  /** Resolves at the first complete list. */
  whenSynced(): Promise<void>;
  /** Resolves when the first attempt has ended: at the first complete list, or at the first failure. */
  whenTried(): Promise<void>;
  /** Why the last attempt failed, until one succeeds. */
  failure(): WatchFailure | undefined;
  get(name: string, namespace?: string): JsonObject | undefined;
  list(namespace?: string): readonly JsonObject[];
  on(event: WatchEvent, listener: (object: JsonObject) => void): void;
  start(): void;
  stop(): Promise<void>;
}

const DEFAULT_WATCH_TIMEOUT_SECONDS = 300;
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 30_000;

/**
 * Asks for bookmarks and a server-side end to each watch, so neither side keeps a dead connection. Once closed, it
 * aborts the watches it opened and any that connect later: ListWatch starts a watch after a list that was in flight
 * when it was stopped, and that connection would keep a stopping process alive.
 */
class BoundedWatch extends Watch {
  readonly #timeoutSeconds: number;
  readonly #open = new Set<AbortController>();
  #closed = false;

  constructor(config: KubeConfig, timeoutSeconds: number) {
    super(config);
    this.#timeoutSeconds = timeoutSeconds;
  }

  override async watch(...[path, query, callback, done]: Parameters<Watch['watch']>): ReturnType<Watch['watch']> {
    if (this.#closed) {
      const aborted = new AbortController();
      aborted.abort();
      return aborted;
    }
    const opened: { controller?: AbortController } = {};
    const finished = (error: unknown): void => {
      if (opened.controller !== undefined) this.#open.delete(opened.controller);
      done(error);
    };
    const controller = await super.watch(path, { ...query, timeoutSeconds: this.#timeoutSeconds, allowWatchBookmarks: true }, callback, finished);
    opened.controller = controller;
    if (this.#closed) controller.abort();
    else this.#open.add(controller);
    return controller;
  }

  close(): void {
    this.#closed = true;
    for (const controller of this.#open) controller.abort();
    this.#open.clear();
  }
}

/** `path` is the collection, e.g. `/api/v1/services`; `fieldSelector` narrows it (one named object). */
export function watchCollection(kube: Kube, path: string, options: WatchOptions & { readonly fieldSelector?: string }): WatchedCollection {
  const watch = new BoundedWatch(kube.config, options.watchTimeoutSeconds ?? DEFAULT_WATCH_TIMEOUT_SECONDS);
  const list = (): Promise<{ items: KubernetesObject[] }> => listAll(kube, path, options.fieldSelector === undefined ? {} : { fieldSelector: options.fieldSelector });
  const informer = new ListWatch<KubernetesObject>(path, watch, list, false, undefined, options.fieldSelector);
  let synced = false;
  const firstSync = Promise.withResolvers<void>();
  const firstTry = Promise.withResolvers<void>();
  let stopped = false;
  let failures = 0;
  let failure: WatchFailure | undefined;
  let failedThisAttempt = false;
  let retry: NodeJS.Timeout | undefined;

  const attempt = async (): Promise<void> => {
    failedThisAttempt = false;
    await informer.start();
    if (failedThisAttempt || stopped) return;
    synced = true;
    firstSync.resolve();
    firstTry.resolve();
    failures = 0;
    failure = undefined;
  };
  informer.on('error', (error: unknown) => {
    failedThisAttempt = true;
    failures++;
    const status = httpStatus(error);
    failure = { ...(status === undefined ? {} : { status }), message: describeFailure(error) };
    firstTry.resolve();
    if (stopped) return;
    const delayMs = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** (failures - 1));
    options.log.warn({ [LOG_KEYS.collection]: path, [LOG_KEYS.err]: failure.message, [LOG_KEYS.retryMs]: delayMs }, `watch of ${path} failed; retrying`);
    retry = setTimeout(() => void attempt(), delayMs);
    retry.unref();
  });

  return {
    synced: () => synced,
    whenSynced: () => firstSync.promise,
    whenTried: () => firstTry.promise,
    failure: () => failure,
    get: (name, namespace) => informer.get(name, namespace) as JsonObject | undefined,
    list: (namespace) => informer.list(namespace) as readonly JsonObject[],
    on: (event, listener) => informer.on(event, listener as (object: KubernetesObject) => void),
    start: () => void attempt(),
    async stop() {
      stopped = true;
      clearTimeout(retry);
      watch.close();
      await informer.stop();
    },
  };
}
