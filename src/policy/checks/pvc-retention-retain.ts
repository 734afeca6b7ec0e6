import { asObject, joinPath } from '../object-path.ts';
import type { Violation } from '../types.ts';
import { violation, type Check } from './check.ts';

/** PVCs are kept when the StatefulSet is deleted or scaled down (nil means Retain, the API default). */
export const pvcRetentionRetain: Check = {
  name: 'pvc-retention-retain',
  run({ object, fix }) {
    const policy = asObject(asObject(object['spec'])['persistentVolumeClaimRetentionPolicy']);
    const violations: Violation[] = [];
    if (policy['whenDeleted'] === 'Delete') {
      violations.push(violation(joinPath('spec', 'persistentVolumeClaimRetentionPolicy', 'whenDeleted'), 'whenDeleted is Delete: deleting the StatefulSet deletes its PVCs and, with a Delete reclaim policy, the data', fix));
    }
    if (policy['whenScaled'] === 'Delete') {
      violations.push(violation(joinPath('spec', 'persistentVolumeClaimRetentionPolicy', 'whenScaled'), 'whenScaled is Delete: scaling down deletes the PVCs of the removed replicas', fix));
    }
    return violations;
  },
};
