/** AdmissionReviews as the API server sends them, for StatefulSets and Scales. */
import { setPath } from '../../../src/cli/set-path.ts';
import type { JsonObject } from '../../../src/policy/index.ts';

export interface ReviewOptions {
  readonly operation?: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  readonly oldObject?: JsonObject;
  readonly dryRun?: boolean;
  readonly namespace?: string;
  readonly uid?: string;
  readonly username?: string;
}

let sequence = 0;

/** An AdmissionReview for a StatefulSet (or a Scale, by the object's kind) as the API server sends it. */
export function admissionReview(object: JsonObject, options: ReviewOptions = {}): JsonObject {
  const metadata = (object['metadata'] ?? {}) as JsonObject;
  const isScale = object['kind'] === 'Scale';
  const operation = options.operation ?? 'CREATE';
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: options.uid ?? `uid-${++sequence}`,
      kind: isScale ? { group: 'autoscaling', version: 'v1', kind: 'Scale' } : { group: 'apps', version: 'v1', kind: 'StatefulSet' },
      resource: { group: 'apps', version: 'v1', resource: 'statefulsets' },
      ...(isScale ? { subResource: 'scale' } : {}),
      name: metadata['name'],
      namespace: options.namespace ?? metadata['namespace'] ?? 'default',
      operation,
      userInfo: { username: options.username ?? 'alice', groups: ['system:authenticated'] },
      object,
      oldObject: options.oldObject ?? null,
      dryRun: options.dryRun ?? false,
    },
  };
}

export function scaleOf(name: string, replicas: number, namespace = 'default'): JsonObject {
  return {
    apiVersion: 'autoscaling/v1',
    kind: 'Scale',
    metadata: { name, namespace },
    spec: { replicas },
    status: { replicas: 3, selector: `app=${name}` },
  };
}

/** Sets a value at a display path of a deep copy (test edits of fixtures; null deletes). */
export function withValue(object: JsonObject, path: string, value: unknown): JsonObject {
  const copy = structuredClone(object);
  setPath(copy, path, value);
  return copy;
}
