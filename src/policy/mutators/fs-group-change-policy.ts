import { asObject } from '../object-path.ts';
import { podSpec } from '../pod.ts';
import type { Mutator } from './mutator.ts';

/** fsGroupChangePolicy OnRootMismatch when fsGroup is set: avoids a recursive chown of the whole volume at every mount. */
export const fsGroupChangePolicy: Mutator = {
  name: 'fs-group-change-policy',
  scope: 'template',
  linuxOnly: true,
  apply({ draft }) {
    const sc = asObject(podSpec(draft)['securityContext']);
    if (sc['fsGroup'] === undefined || sc['fsGroup'] === null || sc['fsGroupChangePolicy'] !== undefined) return false;
    sc['fsGroupChangePolicy'] = 'OnRootMismatch';
    return true;
  },
};
