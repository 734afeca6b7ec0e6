import { asObject, deepEqual, isObject } from '../object-path.ts';
import type { Violation } from '../types.ts';
import { violation, type Check } from './check.ts';

/**
 * The spec fields the API server lets an UPDATE change; everything else in spec is immutable. Current API servers
 * also allow revisionHistoryLimit; older ones reject that change themselves, before a validating webhook runs.
 */
const MUTABLE = new Set(['replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds']);

const WHAT_CAN_CHANGE = 'only replicas, ordinals, template, updateStrategy, revisionHistoryLimit, persistentVolumeClaimRetentionPolicy and minReadySeconds may change';

/** UPDATE: names each immutable spec field that changed, with the orphan-delete and re-create path. */
export const immutableFieldsUnchanged: Check = {
  name: 'immutable-fields-unchanged',
  run({ object, oldObject, operation, fix }) {
    if (operation !== 'UPDATE' || !isObject(oldObject)) return [];
    const spec = asObject(object['spec']);
    const oldSpec = asObject(oldObject['spec']);
    const keys = new Set([...Object.keys(spec), ...Object.keys(oldSpec)]);
    const violations: Violation[] = [];
    for (const key of [...keys].sort()) {
      if (MUTABLE.has(key) || deepEqual(spec[key], oldSpec[key])) continue;
      const detail = key === 'volumeClaimTemplates'
        ? 'volumeClaimTemplates cannot change after creation (to grow a volume, resize each PVC instead)'
        : `spec.${key} cannot change after creation`;
      violations.push(violation(`spec.${key}`, `${detail}; ${WHAT_CAN_CHANGE}`, fix));
    }
    return violations;
  },
};
