/**
 * Bounded concurrency for API writes, one task per key at a time: a key scheduled again before its task started
 * runs only the latest task (a burst of watch events for one StatefulSet becomes one report write).
 */
export interface WorkQueue {
  schedule(key: string, task: () => Promise<void>): void;
  /** Resolves once nothing is pending or running. */
  idle(): Promise<void>;
}

export function createWorkQueue(concurrency: number, onError: (key: string, error: unknown) => void): WorkQueue {
  const pending = new Map<string, () => Promise<void>>();
  const running = new Set<string>();
  let waiters: (() => void)[] = [];

  const pump = (): void => {
    for (const [key, task] of pending) {
      if (running.size >= concurrency) break;
      if (running.has(key)) continue;
      pending.delete(key);
      running.add(key);
      task().catch((error: unknown) => onError(key, error)).finally(() => {
        running.delete(key);
        pump();
      });
    }
    if (running.size === 0 && pending.size === 0) {
      for (const resolve of waiters) resolve();
      waiters = [];
    }
  };

  return {
    schedule(key, task) {
      pending.delete(key);
      pending.set(key, task);
      pump();
    },
    idle() {
      if (running.size === 0 && pending.size === 0) return Promise.resolve();
      return new Promise((resolve) => waiters.push(resolve));
    },
  };
}
