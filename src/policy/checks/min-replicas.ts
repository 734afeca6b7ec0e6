import { asObject } from '../object-path.ts';
import { violation, type Check } from './check.ts';

/** spec.replicas (nil means 1) is at least params.min; also checked on statefulsets/scale. */
export const minReplicas: Check = {
  name: 'min-replicas',
  params: { type: 'object', required: ['min'], properties: { min: { type: 'integer', minimum: 1 } }, additionalProperties: false },
  run({ object, params, fix, target }) {
    const min = typeof params['min'] === 'number' ? params['min'] : 1;
    const raw = asObject(object['spec'])['replicas'];
    // A Scale omits replicas when it is 0; a StatefulSet defaults a missing replicas to 1.
    const replicas = typeof raw === 'number' ? raw : target === 'Scale' ? 0 : 1;
    if (replicas >= min) return [];
    return [violation('spec.replicas', `replicas is ${replicas}, below the minimum of ${min} for a highly available StatefulSet`, fix)];
  },
};
