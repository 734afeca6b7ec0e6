import { asObject, child } from '../object-path.ts';
import { allContainers, describeContainer, podSpec } from '../pod.ts';
import { parseQuantity } from '../quantity.ts';
import type { Violation } from '../types.ts';
import { violation, type Check } from './check.ts';

const RESOURCES = ['cpu', 'memory'] as const;

function positive(value: unknown): boolean {
  const quantity = parseQuantity(value);
  return quantity !== undefined && quantity > 0;
}

/**
 * Every container (init and sidecar included) requests cpu and memory. A limit counts, because the API copies limits
 * into requests when it creates the Pod; so does a pod-level request (PodLevelResources).
 */
export const resourceRequestsRequired: Check = {
  name: 'resource-requests-required',
  run({ object, fix }) {
    const spec = podSpec(object);
    const podRequests = asObject(asObject(spec['resources'])['requests']);
    const violations: Violation[] = [];
    for (const ref of allContainers(spec, ['initContainers', 'containers'])) {
      const resources = asObject(ref.container['resources']);
      const requests = asObject(resources['requests']);
      const limits = asObject(resources['limits']);
      const missing = RESOURCES.filter((r) => !positive(requests[r]) && !positive(limits[r]) && !positive(podRequests[r]));
      if (missing.length > 0) {
        violations.push(violation(child(child(ref.path, 'resources'), 'requests'), `${describeContainer(ref)} requests no ${missing.join(' or ')}, so the scheduler cannot place it safely and it is evicted first under pressure`, fix));
      }
    }
    return violations;
  },
};
