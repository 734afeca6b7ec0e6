import { asObject, isObject } from '../object-path.ts';
import { existingPodSpec } from '../pod.ts';
import { selectorIsEmpty } from '../label-selectors.ts';
import type { Mutator } from './mutator.ts';

/** Opt-in: one zone spread constraint (ScheduleAnyway by default) when the template has none. */
export const topologySpreadZone: Mutator = {
  name: 'topology-spread-zone',
  scope: 'template',
  linuxOnly: false,
  params: {
    type: 'object',
    properties: {
      topologyKey: { type: 'string', minLength: 1 },
      maxSkew: { type: 'integer', minimum: 1 },
      whenUnsatisfiable: { enum: ['ScheduleAnyway', 'DoNotSchedule'] },
    },
    additionalProperties: false,
  },
  apply({ draft, params }) {
    const selector = asObject(draft['spec'])['selector'];
    if (!isObject(selector) || selectorIsEmpty(selector)) return false;
    const spec = existingPodSpec(draft);
    if (spec === undefined) return false;
    if (spec['topologySpreadConstraints'] !== undefined) return false;
    spec['topologySpreadConstraints'] = [{
      maxSkew: typeof params['maxSkew'] === 'number' ? params['maxSkew'] : 1,
      topologyKey: typeof params['topologyKey'] === 'string' ? params['topologyKey'] : 'topology.kubernetes.io/zone',
      whenUnsatisfiable: typeof params['whenUnsatisfiable'] === 'string' ? params['whenUnsatisfiable'] : 'ScheduleAnyway',
      labelSelector: structuredClone(selector),
    }];
    return true;
  },
};
