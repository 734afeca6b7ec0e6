import { asObject, isObject } from '../object-path.ts';
import { replicasOf } from '../pod.ts';
import { violation, type Check } from './check.ts';

/** UPDATE: scaling down while whenScaled=Delete deletes the PVCs (and data) of the removed replicas. */
export const scaleDownRetention: Check = {
  name: 'scale-down-retention',
  run({ object, oldObject, operation, fix }) {
    if (operation !== 'UPDATE' || !isObject(oldObject)) return [];
    // Nil replicas is what the API server defaults it to: 1.
    const replicas = replicasOf(object);
    const oldReplicas = replicasOf(oldObject);
    if (replicas >= oldReplicas) return [];
    const retention = asObject(asObject(object['spec'])['persistentVolumeClaimRetentionPolicy']);
    if (retention['whenScaled'] !== 'Delete') return [];
    return [violation('spec.replicas', `scaling down from ${oldReplicas} to ${replicas} while whenScaled is Delete deletes the PVCs of ${oldReplicas - replicas} replica(s) and their data`, fix)];
  },
};
