/**
 * Parts of a process started in order and stopped in reverse, within a deadline: the shape of the server
 * (start-server.ts) and of its cluster side (cli/cluster-wiring.ts). A part that throws while stopping is logged and
 * the next one stopped; at the deadline the part still stopping is logged and stop() returns, leaving the rest of the
 * sequence to finish on its own (a stuck part must not hold the pod past its grace period).
 */

/** What a part's stop may return. */
type Stopping = void | Promise<void> | undefined;

export interface LifecycleLog {
  warn(message: string): void;
}

export interface Lifecycle {
  /**
   * Starts one part and records its stop. When `start` throws, the parts started before it are stopped (in reverse,
   * without a deadline) and the error is rethrown, so a failed start leaves nothing running.
   */
  start<T>(name: string, start: () => T | Promise<T>, stop: (value: T) => Stopping): Promise<T>;
  /**
   * Stops every part, the last started first, waiting at most deadlineMs (Infinity: as long as they take).
   * Idempotent: later calls return the first call's promise.
   */
  stop(deadlineMs: number): Promise<void>;
}

export interface LifecycleOptions {
  /** What the parts are, for the log lines ("cluster features"). */
  readonly what: string;
  readonly log: LifecycleLog;
  /** How a stop's error reads in the log (default: its message). */
  readonly describe?: (error: unknown) => string;
}

export function createLifecycle(options: LifecycleOptions): Lifecycle {
  const parts: { name: string; stop: () => Stopping }[] = [];
  let stopping: Promise<void> | undefined;
  let current: string | undefined;
  const describe = options.describe ?? ((error: unknown) => (error instanceof Error ? error.message : String(error)));

  const stopAll = async (): Promise<void> => {
    for (const part of parts.toReversed()) {
      current = part.name;
      try {
        await part.stop();
      } catch (error) {
        options.log.warn(`${part.name} did not stop cleanly: ${describe(error)}`);
      }
    }
    current = undefined;
  };

  const bounded = async (deadlineMs: number): Promise<void> => {
    const all = stopAll();
    if (deadlineMs === Infinity) return all;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<true>((resolve) => { timer = setTimeout(() => resolve(true), deadlineMs); });
    if (await Promise.race([all.then(() => false), late])) {
      options.log.warn(`${options.what}: ${current ?? 'a part'} still stopping after ${deadlineMs} ms; not waiting for it (nor for what stops after it)`);
    }
    clearTimeout(timer);
  };

  return {
    async start<T>(name: string, start: () => T | Promise<T>, stop: (value: T) => Stopping): Promise<T> {
      let value: T;
      try {
        value = await start();
      } catch (error) {
        await stopAll();
        parts.length = 0;
        throw error;
      }
      parts.push({ name, stop: () => stop(value) });
      return value;
    },
    stop: (deadlineMs) => (stopping ??= bounded(deadlineMs)),
  };
}
