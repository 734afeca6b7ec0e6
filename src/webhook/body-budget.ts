/**
 * The in-flight body budget (`server.bodyBudgetBytes`): a bound on the request-body bytes the server reads, parses
 * and evaluates at once, so that memory is bounded by design. A request is charged its Content-Length (a body without
 * one, chunked, is charged `server.bodyLimitBytes`) from the moment its headers arrive until its response is done.
 * A quarter of the budget is reserved for small bodies (at most SMALL_BODY_BYTES, every real StatefulSet review):
 * large bodies share the rest, and wait in a short FIFO queue for room; a large body that finds the queue full, or
 * that waits longer than QUEUE_WAIT_MS, is refused (429 ERR_BUSY with Retry-After, see admission-routes.ts).
 */

/** A body this small may use the reserved share: the largest real StatefulSet reviews are a few tens of KiB. */
export const SMALL_BODY_BYTES = 64 * 1024;
/** How long a large body may wait for room before it is refused. */
export const QUEUE_WAIT_MS = 1_000;
/** How many large bodies may wait at once; more are refused at once. */
export const QUEUE_LENGTH = 16;

/** Gives the charge back; calling it again does nothing. */
export type Release = () => void;

export interface BodyBudget {
  /** Resolves with a release once `bytes` fit, or with undefined when the request is refused (queue full, waited too long). */
  acquire(bytes: number): Promise<Release | undefined>;
  /** A release at once when `bytes` fit now (no large body waits ahead of it); undefined when it has to `acquire`. */
  tryTake(bytes: number): Release | undefined;
  /** The bytes charged now (for tests and metrics). */
  readonly inUse: () => number;
}

interface Waiter {
  readonly bytes: number;
  readonly grant: (release: Release | undefined) => void;
  readonly timer: NodeJS.Timeout;
}

export function createBodyBudget(budgetBytes: number): BodyBudget {
  const reserve = Math.floor(budgetBytes / 4);
  const sharedBytes = budgetBytes - reserve;
  let inUse = 0;
  const waiting: Waiter[] = [];

  const take = (bytes: number): Release => {
    inUse += bytes;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      inUse -= bytes;
      grantWaiting();
    };
  };
  // Strictly in arrival order: a large body at the head is never overtaken by later large bodies.
  const grantWaiting = (): void => {
    while (waiting.length > 0 && inUse + (waiting[0]?.bytes ?? 0) <= sharedBytes) {
      const next = waiting.shift();
      if (next === undefined) return;
      clearTimeout(next.timer);
      next.grant(take(next.bytes));
    }
  };

  // A body larger than the shared part still runs, alone: the budget bounds concurrency, the body limit the size.
  const charged = (requested: number): number => requested <= SMALL_BODY_BYTES ? requested : Math.min(requested, sharedBytes);
  const tryTake = (requested: number): Release | undefined => {
    const bytes = charged(requested);
    const fits = requested <= SMALL_BODY_BYTES ? inUse + bytes <= budgetBytes : waiting.length === 0 && inUse + bytes <= sharedBytes;
    return fits ? take(bytes) : undefined;
  };

  return {
    inUse: () => inUse,
    tryTake,
    acquire(requested: number): Promise<Release | undefined> {
      const now = tryTake(requested);
      if (now !== undefined) return Promise.resolve(now);
      if (waiting.length >= QUEUE_LENGTH) return Promise.resolve(undefined);
      const bytes = charged(requested);
      const { promise, resolve } = Promise.withResolvers<Release | undefined>();
      const waiter: Waiter = {
        bytes,
        grant: resolve,
        timer: setTimeout(() => {
          waiting.splice(waiting.indexOf(waiter), 1);
          resolve(undefined);
        }, QUEUE_WAIT_MS),
      };
      waiting.push(waiter);
      return promise;
    },
  };
}

/** What a request is charged: its Content-Length, or the body limit for a body of unknown length; 0 for none or one the body limit refuses anyway. */
export function chargeOf(headers: { readonly 'content-length'?: string | undefined; readonly 'transfer-encoding'?: string | undefined }, bodyLimitBytes: number): number {
  const length = headers['content-length'];
  if (length === undefined) return headers['transfer-encoding'] === undefined ? 0 : bodyLimitBytes;
  const bytes = Number(length);
  return Number.isSafeInteger(bytes) && bytes >= 0 && bytes <= bodyLimitBytes ? bytes : 0;
}
