/** Kubernetes Events (events.k8s.io/v1) on StatefulSets, rate-limited so a first scan of a large cluster cannot flood the API. */
import { randomBytes } from 'node:crypto';
import { V1MicroTime } from '@kubernetes/client-node';
import { clusterError } from './cluster-error.ts';
import type { ClusterLog, Kube } from './kube.ts';
import type { StatefulSetRef } from '../report/policy-report-body.ts';
import { LOG_KEYS } from '../logging/log-keys.ts';

export interface EventOptions {
  /** This replica, as the Event's reportingInstance. */
  readonly instance: string;
  readonly maxPerMinute: number;
  readonly log: ClusterLog;
}

export interface EventRecorder {
  /** A Warning Event; false when the rate limit dropped it. */
  warn(statefulSet: StatefulSetRef, reason: string, note: string): Promise<boolean>;
}

/** events.k8s.io/v1 limits `note` to 1024 bytes of UTF-8 (the API server says "characters" and counts bytes). */
export const MAX_NOTE_BYTES = 1024;
const ELLIPSIS = '…';
const encoder = new TextEncoder();

/** The note as it fits: whole, or cut to at most `maxBytes` of UTF-8 with `…`, never inside a character. */
export function fitNote(note: string, maxBytes = MAX_NOTE_BYTES): string {
  if (Buffer.byteLength(note) <= maxBytes) return note;
  // encodeInto writes only whole characters (a surrogate pair too), so `read` ends on a character boundary.
  const { read } = encoder.encodeInto(note, new Uint8Array(maxBytes - Buffer.byteLength(ELLIPSIS)));
  return note.slice(0, read) + ELLIPSIS;
}

export function createEventRecorder(kube: Kube, options: EventOptions): EventRecorder {
  // A token bucket: bursts up to a minute's worth, refilled continuously.
  let tokens = options.maxPerMinute;
  let refilledAt = performance.now();
  const take = (): boolean => {
    const now = performance.now();
    tokens = Math.min(options.maxPerMinute, tokens + ((now - refilledAt) / 60_000) * options.maxPerMinute);
    refilledAt = now;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };

  return {
    async warn(statefulSet, reason, note) {
      if (!take()) {
        options.log.debug({ [LOG_KEYS.object]: `${statefulSet.namespace}/${statefulSet.name}`, [LOG_KEYS.reason]: reason }, 'Event dropped by the rate limit');
        return false;
      }
      const { namespace, name, uid } = statefulSet;
      try {
        await kube.events.createNamespacedEvent({
          namespace,
          body: {
            // As client-go names Events: the object's name and a hex timestamp (generateName rejects the trailing dot).
            metadata: { name: `${name.slice(0, 200)}.${Date.now().toString(16)}${randomBytes(2).toString('hex')}`, namespace },
            eventTime: new V1MicroTime(),
            reportingController: 'stateguard.io/audit',
            reportingInstance: options.instance,
            action: 'Audit',
            reason,
            regarding: { apiVersion: 'apps/v1', kind: 'StatefulSet', namespace, name, uid },
            note: fitNote(note),
            type: 'Warning',
          },
        });
      } catch (error) {
        throw clusterError(kube.server, `cannot create an Event on StatefulSet ${namespace}/${name}`, error);
      }
      return true;
    },
  };
}
