/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go does it: the holder renews every renew interval;
 * another replica takes over once it has seen no renewal for the lease duration (measured on its own clock,
 * so clock skew between nodes does not matter); a stopping leader releases the Lease so the next one takes over
 * at its next try instead of waiting for expiry.
 */
import { V1MicroTime, type V1Lease, type V1LeaseSpec } from '@kubernetes/client-node';
import { clusterError, describeFailure, httpStatus } from './cluster-error.ts';
import type { ClusterLog, Kube } from './kube.ts';
import { LOG_KEYS } from '../logging/log-keys.ts';

export interface LeaderOptions {
  readonly namespace: string;
  /** The Lease's name. */
  readonly name: string;
  /** This replica's name in the Lease (the pod name). */
  readonly identity: string;
  readonly leaseDurationSeconds: number;
  readonly renewIntervalSeconds: number;
  readonly log: ClusterLog;
}

export interface LeaderElector {
  isLeader(): boolean;
  /** Calls `listener` on every change of leadership; returns the function that unsubscribes it. */
  onChange(listener: (leader: boolean) => void): () => void;
  /** Stops trying and releases the Lease if this replica holds it. */
  stop(): Promise<void>;
}

export function startLeaderElection(kube: Kube, options: LeaderOptions): LeaderElector {
  const { namespace, name, identity, log } = options;
  const listeners = new Set<(leader: boolean) => void>();
  /** A leader that could not renew for this long steps down: another replica may take over soon after. */
  const renewDeadlineMs = (options.leaseDurationSeconds * 1000 * 2) / 3;
  let leader = false;
  let lastRenewal = 0;
  let observed = { record: '', at: 0 };
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const setLeader = (value: boolean): void => {
    if (value === leader) return;
    leader = value;
    log.info({ [LOG_KEYS.lease]: `${namespace}/${name}`, [LOG_KEYS.holder]: identity }, value ? 'became the leader' : 'no longer the leader');
    for (const listener of listeners) listener(value);
  };

  const spec = (acquireTime: V1MicroTime, transitions: number): V1LeaseSpec => ({
    holderIdentity: identity,
    leaseDurationSeconds: options.leaseDurationSeconds,
    acquireTime,
    renewTime: new V1MicroTime(),
    leaseTransitions: transitions,
  });

  /** True when this replica holds the Lease after the attempt. */
  const tryAcquireOrRenew = async (): Promise<boolean> => {
    let lease: V1Lease;
    try {
      lease = await kube.coordination.readNamespacedLease({ name, namespace });
    } catch (error) {
      if (httpStatus(error) !== 404) throw error;
      await kube.coordination.createNamespacedLease({ namespace, body: { metadata: { name, namespace }, spec: spec(new V1MicroTime(), 0) } });
      return true;
    }
    const current = lease.spec ?? {};
    const record = `${current.holderIdentity ?? ''}/${String(current.renewTime)}`;
    if (record !== observed.record) observed = { record, at: performance.now() };
    const held = current.holderIdentity !== undefined && current.holderIdentity !== '';
    const expired = performance.now() - observed.at > (current.leaseDurationSeconds ?? options.leaseDurationSeconds) * 1000;
    if (held && current.holderIdentity !== identity && !expired) return false;
    const renewing = current.holderIdentity === identity;
    const next = renewing ? spec(current.acquireTime ?? new V1MicroTime(), current.leaseTransitions ?? 0) : spec(new V1MicroTime(), (current.leaseTransitions ?? 0) + 1);
    // The resourceVersion makes this a compare-and-swap: of two replicas taking over at once, one gets 409.
    await kube.coordination.replaceNamespacedLease({ name, namespace, body: { metadata: { name, namespace, resourceVersion: lease.metadata?.resourceVersion ?? '' }, spec: next } });
    return true;
  };

  const tick = async (): Promise<void> => {
    try {
      const holds = await tryAcquireOrRenew();
      if (holds) lastRenewal = performance.now();
      setLeader(holds);
    } catch (error) {
      if (httpStatus(error) === 409) {
        // Another replica wrote the Lease between our read and our write: it won this round.
        setLeader(false);
      } else {
        if (leader && performance.now() - lastRenewal > renewDeadlineMs) setLeader(false);
        log.warn({ [LOG_KEYS.lease]: `${namespace}/${name}`, [LOG_KEYS.err]: describeFailure(error) }, 'cannot acquire or renew the leader Lease');
      }
    }
    if (!stopped) timer = setTimeout(() => { running = tick(); }, options.renewIntervalSeconds * 1000).unref();
  };
  running = tick();

  return {
    isLeader: () => leader,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      if (!leader) return;
      setLeader(false);
      try {
        const lease = await kube.coordination.readNamespacedLease({ name, namespace });
        if (lease.spec?.holderIdentity !== identity) return;
        const released: V1LeaseSpec = { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: new V1MicroTime() };
        await kube.coordination.replaceNamespacedLease({ name, namespace, body: { ...lease, spec: released } });
      } catch (error) {
        throw clusterError(kube.server, `cannot release the Lease ${namespace}/${name}`, error);
      }
    },
  };
}
