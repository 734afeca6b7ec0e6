import { asArray, asObject, ensureObject } from '../object-path.ts';
import { allContainers, podSpec } from '../pod.ts';
import type { Mutator } from './mutator.ts';

/**
 * allowPrivilegeEscalation: false on each container that leaves it unset. Skipped for privileged containers and
 * those adding CAP_SYS_ADMIN, where the API rejects the combination.
 */
export const defaultNoPrivilegeEscalation: Mutator = {
  name: 'default-no-privilege-escalation',
  scope: 'template',
  linuxOnly: true,
  apply({ draft }) {
    let changed = false;
    for (const ref of allContainers(podSpec(draft), ['initContainers', 'containers'])) {
      const sc = asObject(ref.container['securityContext']);
      if (sc['allowPrivilegeEscalation'] !== undefined || sc['privileged'] === true) continue;
      const added = asArray(asObject(sc['capabilities'])['add']);
      if (added.includes('SYS_ADMIN') || added.includes('CAP_SYS_ADMIN')) continue;
      ensureObject(ref.container, 'securityContext')['allowPrivilegeEscalation'] = false;
      changed = true;
    }
    return changed;
  },
};
