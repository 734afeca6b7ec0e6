import { asArray, asObject, asString, ensureObject, isObject } from '../object-path.ts';
import { existingPodSpec, replicasOf, templateLabels } from '../pod.ts';
import { selectorIsEmpty, selectorMatches } from '../label-selectors.ts';
import { antiAffinityCannotMatch } from '../spread-terms.ts';
import type { Mutator } from './mutator.ts';

/**
 * Spreads replicas over nodes: a preferred podAntiAffinity term whose selector is a copy of spec.selector (immutable,
 * and guaranteed to select the pods), added when replicas ≥ 2 and the template has no podAntiAffinity, or one none
 * of whose terms can select the pods (then the term is appended beside the user's, which stay as they are).
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
    const present = asObject(spec['affinity'])['podAntiAffinity'];
    if (present !== undefined) {
      // Beside terms that cannot select the pods, add one only if it can (spec.selector may miss the labels too).
      const cannotMatch = isObject(present) && antiAffinityCannotMatch(draft, asString(asObject(draft['metadata'])['namespace']));
      if (!cannotMatch || !selectorMatches(selector, templateLabels(draft))) return false;
    }
    const labelSelector = structuredClone(selector);
    const topologyKey = typeof params['topologyKey'] === 'string' ? params['topologyKey'] : 'kubernetes.io/hostname';
    const term = { labelSelector, topologyKey };
    const [list, entry] = params['mode'] === 'required'
      ? ['requiredDuringSchedulingIgnoredDuringExecution', term]
      : ['preferredDuringSchedulingIgnoredDuringExecution', { weight: typeof params['weight'] === 'number' ? params['weight'] : 100, podAffinityTerm: term }];
    const antiAffinity = ensureObject(ensureObject(spec, 'affinity'), 'podAntiAffinity');
    antiAffinity[list] = [...asArray(antiAffinity[list]), entry];
    return true;
  },
};
