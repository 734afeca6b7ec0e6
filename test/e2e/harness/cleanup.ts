/**
 * Last-resort cleanups for a test process that ends without calling stop(): they run on exit
 * (including an uncaught exception) and on SIGINT/SIGTERM, last registered first, and must be synchronous.
 */
const cleanups = new Set<() => void>();
let handlersInstalled = false;

/** Returns a function that unregisters `cleanup` once it is no longer needed. */
export function registerCleanup(cleanup: () => void): () => void {
  installHandlers();
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

function runAll(): void {
  for (const cleanup of [...cleanups].reverse()) {
    try {
      cleanup();
    } catch (error) {
      console.error('e2e cleanup failed:', error);
    }
  }
  cleanups.clear();
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.once('exit', runAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      runAll();
      // Keep the default behaviour (die by the signal) unless someone else, e.g. node:test, handles it.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}
