import { asObject, ensureObject } from '../object-path.ts';
import { allContainers, existingPodSpec } from '../pod.ts';
import type { Mutator } from './mutator.ts';

/** Pod-level seccomp RuntimeDefault, only when neither the pod nor any container sets a profile. */
export const defaultSeccompProfile: Mutator = {
  name: 'default-seccomp-profile',
  scope: 'template',
  linuxOnly: true,
  apply({ draft }) {
    const spec = existingPodSpec(draft);
    if (spec === undefined) return false;
    const existing = asObject(spec['securityContext'])['seccompProfile'];
    if (existing !== undefined && existing !== null) return false;
    if (allContainers(spec).some((ref) => asObject(ref.container['securityContext'])['seccompProfile'] !== undefined)) return false;
    ensureObject(spec, 'securityContext')['seccompProfile'] = { type: 'RuntimeDefault' };
    return true;
  },
};
