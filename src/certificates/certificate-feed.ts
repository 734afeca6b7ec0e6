/**
 * Serving certificates handed to the server from outside (the cluster's shared Secret, watched by the composition
 * root): HTTPS starts with the first pair, and each later one serves new connections while open ones stay.
 */
export interface FedCertificate {
  readonly cert: string;
  readonly key: string;
  /** The CAs clients trust while this pair is served (PEM). */
  readonly caBundle: string;
}

export interface CertificateFeed {
  /** The pair to serve now; undefined until the first arrives. */
  current(): FedCertificate | undefined;
  /** Calls `listener` with each later pair; returns the function that unsubscribes it. */
  subscribe(listener: (pair: FedCertificate) => void): () => void;
}

export interface CertificateRelay extends CertificateFeed {
  publish(pair: FedCertificate): void;
}

export function createCertificateRelay(): CertificateRelay {
  let current: FedCertificate | undefined;
  const listeners = new Set<(pair: FedCertificate) => void>();
  return {
    current: () => current,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    publish(pair) {
      current = pair;
      for (const listener of [...listeners]) listener(pair);
    },
  };
}

/** The current pair, or the first to arrive; rejects with the signal's reason when it is aborted first. */
export function firstCertificate(feed: CertificateFeed, signal?: AbortSignal): Promise<FedCertificate> {
  const now = feed.current();
  if (now !== undefined) return Promise.resolve(now);
  if (signal?.aborted === true) return Promise.reject(signal.reason as Error);
  const { promise, resolve, reject } = Promise.withResolvers<FedCertificate>();
  const onAbort = (): void => {
    unsubscribe();
    reject(signal?.reason as Error);
  };
  const unsubscribe = feed.subscribe((pair) => {
    unsubscribe();
    signal?.removeEventListener('abort', onAbort);
    resolve(pair);
  });
  signal?.addEventListener('abort', onAbort, { once: true });
  return promise;
}
