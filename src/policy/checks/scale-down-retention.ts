import { asObject, isObject } from '../object-path.ts';
import { violation, type Check } from './check.ts';

/** UPDATE: scaling down while whenScaled=Delete deletes the PVCs (and data) of the removed replicas. */
export const scaleDownRetention: Check = {
  name: 'scale-down-retention',
  run({ object, oldObject, operation, fix }) {
    if (operation !== 'UPDATE' || !isObject(oldObject)) return [];
    const replicas = asObject(object['spec'])['replicas'];
    const oldReplicas = asObject(oldObject['spec'])['replicas'];
    if (typeof replicas !== 'number' || typeof oldReplicas !== 'number' || replicas >= oldReplicas) return [];
    const retention = asObject(asObject(object['spec'])['persistentVolumeClaimRetentionPolicy']);
    if (retention['whenScaled'] !== 'Delete') return [];
    return [violation('spec.replicas', `scaling down from ${oldReplicas} to ${replicas} while whenScaled is Delete deletes the PVCs of ${oldReplicas - replicas} replica(s) and their data`, fix)];
  },
};
