import { asObject, ensureObject } from '../object-path.ts';
import { allContainers, podSpec } from '../pod.ts';
import { QUANTITY } from '../quantity.ts';
import type { Mutator } from './mutator.ts';

/** Opt-in: requests.cpu / requests.memory from params on containers that set neither a request nor a limit for them. */
export const defaultResources: Mutator = {
  name: 'default-resources',
  scope: 'template',
  linuxOnly: false,
  params: { type: 'object', properties: { cpu: { type: 'string', pattern: QUANTITY.source }, memory: { type: 'string', pattern: QUANTITY.source } }, additionalProperties: false },
  apply({ draft, params }) {
    let changed = false;
    const podRequests = asObject(asObject(podSpec(draft)['resources'])['requests']);
    for (const ref of allContainers(podSpec(draft), ['initContainers', 'containers'])) {
      for (const resource of ['cpu', 'memory'] as const) {
        const value = params[resource];
        if (typeof value !== 'string' || podRequests[resource] !== undefined) continue;
        const current = asObject(ref.container['resources']);
        if (asObject(current['requests'])[resource] !== undefined || asObject(current['limits'])[resource] !== undefined) continue;
        ensureObject(ensureObject(ref.container, 'resources'), 'requests')[resource] = value;
        changed = true;
      }
    }
    return changed;
  },
};
