/**
 * Reload triggers, coalesced: at most one reload running and one pending, however many triggers arrive (a burst of
 * SIGHUPs from a loop of `kill -HUP`, or a watcher and a signal at once). A reload never runs inside the trigger, and
 * reloads start at least `minIntervalMs` apart, so the event loop answers admission requests in between. The last
 * trigger is never lost: one arriving during a reload leaves exactly one more reload pending.
 */
export interface ReloadTrigger {
  /** Asks for a reload: starts one soon, or leaves one pending if one is running or already waiting. */
  request(): void;
  /** Drops a pending reload; later requests are ignored (shutdown). */
  stop(): void;
}

export function coalesceReloads(run: () => unknown, minIntervalMs: number): ReloadTrigger {
  let running = false;
  let pending = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let lastStart = Number.NEGATIVE_INFINITY;

  const start = (): void => {
    timer = undefined;
    if (stopped) return;
    pending = false;
    running = true;
    lastStart = performance.now();
    void Promise.resolve().then(run).finally(() => {
      running = false;
      if (pending) schedule();
    });
  };
  const schedule = (): void => {
    if (timer !== undefined || stopped) return;
    timer = setTimeout(start, Math.max(0, lastStart + minIntervalMs - performance.now()));
  };
  return {
    request() {
      if (stopped) return;
      pending = true;
      if (!running) schedule();
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
