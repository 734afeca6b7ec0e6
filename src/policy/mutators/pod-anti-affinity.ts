import { asObject, ensureObject, isObject } from '../object-path.ts';
import { existingPodSpec, replicasOf } from '../pod.ts';
import { selectorIsEmpty } from '../checks/selector-matches-template.ts';
import type { Mutator } from './mutator.ts';

/**
 * Spreads replicas over nodes: a preferred podAntiAffinity term whose selector is a copy of spec.selector (immutable,
 * and guaranteed to select the pods), added when replicas ≥ 2 and the template has no podAntiAffinity.
 */
export const podAntiAffinity: Mutator = {
  name: 'pod-anti-affinity',
  scope: 'template',
  linuxOnly: false,
  params: {
    type: 'object',
    properties: {
      topologyKey: { type: 'string', minLength: 1 },
      mode: { enum: ['preferred', 'required'] },
      weight: { type: 'integer', minimum: 1, maximum: 100 },
    },
    additionalProperties: false,
  },
  apply({ draft, params }) {
    const selector = asObject(draft['spec'])['selector'];
    if (replicasOf(draft) < 2 || !isObject(selector) || selectorIsEmpty(selector)) return false;
    const spec = existingPodSpec(draft);
    if (spec === undefined) return false;
    if (asObject(spec['affinity'])['podAntiAffinity'] !== undefined) return false;
    const labelSelector = structuredClone(selector);
    const topologyKey = typeof params['topologyKey'] === 'string' ? params['topologyKey'] : 'kubernetes.io/hostname';
    const term = { labelSelector, topologyKey };
    ensureObject(spec, 'affinity')['podAntiAffinity'] = params['mode'] === 'required'
      ? { requiredDuringSchedulingIgnoredDuringExecution: [term] }
      : { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: typeof params['weight'] === 'number' ? params['weight'] : 100, podAffinityTerm: term }] };
    return true;
  },
};
