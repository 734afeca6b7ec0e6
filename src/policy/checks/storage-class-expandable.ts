import type { Violation } from '../types.ts';
import { missingData, violation, type Check } from './check.ts';
import { claimTemplates, lookUpClass } from '../claim-templates.ts';

/**
 * LOOKUP: the StorageClass of each volumeClaimTemplate sets `allowVolumeExpansion: true`, so its PVCs can grow with
 * the data (a StatefulSet cannot change its templates; growing means expanding each PVC). A template naming no class
 * is judged by the cluster's default class; a class that does not exist is left to storage-class-exists.
 */
export const storageClassExpandable: Check = {
  name: 'storage-class-expandable',
  run(context) {
    const { object, lookup, fix } = context;
    if (lookup?.storageClass === undefined) return missingData(context, 'storageClasses', 'StorageClasses are not known offline');
    const violations: Violation[] = [];
    let unknown = false;
    for (const template of claimTemplates(object)) {
      const found = lookUpClass(lookup, template);
      if (found.state === 'unknown') unknown = true;
      if (found.state !== 'found' || found.storageClass['allowVolumeExpansion'] === true) continue;
      const which = template.className === undefined ? `gets the default StorageClass "${found.name}"` : `names StorageClass "${found.name}"`;
      violations.push(violation(template.classPath, `volumeClaimTemplate "${template.name}" ${which}, which does not set allowVolumeExpansion: its PVCs cannot be resized when the data outgrows them`, fix));
    }
    return unknown ? missingData(context, 'storageClasses', 'the StorageClass is not known (not synced yet, or not in the cluster data given)') : violations;
  },
};
