import { asObject, ensureObject } from '../object-path.ts';
import { allContainers, existingPodSpec } from '../pod.ts';
import type { Mutator } from './mutator.ts';

/**
 * Opt-in: pod-level runAsNonRoot: true when neither the pod nor any container sets it. Images whose USER is root
 * or non-numeric then fail to start, hence not on by default.
 */
export const defaultRunAsNonRoot: Mutator = {
  name: 'default-run-as-non-root',
  scope: 'template',
  linuxOnly: false,
  apply({ draft }) {
    const spec = existingPodSpec(draft);
    if (spec === undefined) return false;
    if (asObject(spec['securityContext'])['runAsNonRoot'] !== undefined) return false;
    if (allContainers(spec).some((ref) => asObject(ref.container['securityContext'])['runAsNonRoot'] !== undefined)) return false;
    ensureObject(spec, 'securityContext')['runAsNonRoot'] = true;
    return true;
  },
};
