import { asObject, ensureObject } from '../object-path.ts';
import { allContainers, podSpec } from '../pod.ts';
import type { Mutator } from './mutator.ts';

/** Appends "ALL" to capabilities.drop of each non-privileged container; never edits capabilities.add. */
export const defaultDropAllCapabilities: Mutator = {
  name: 'default-drop-all-capabilities',
  scope: 'template',
  linuxOnly: true,
  apply({ draft }) {
    let changed = false;
    for (const ref of allContainers(podSpec(draft), ['initContainers', 'containers'])) {
      if (asObject(ref.container['securityContext'])['privileged'] === true) continue;
      const capabilities = ensureObject(ensureObject(ref.container, 'securityContext'), 'capabilities');
      const drop = capabilities['drop'];
      if (Array.isArray(drop)) {
        if (drop.includes('ALL')) continue;
        drop.push('ALL');
      } else if (drop === undefined || drop === null) {
        capabilities['drop'] = ['ALL'];
      } else {
        continue; // the user's value, of the wrong type: never overwritten
      }
      changed = true;
    }
    return changed;
  },
};
