import { BETA_STORAGE_CLASS_ANNOTATION } from '../annotations.ts';
import { asArray, asObject, asString, joinPath } from '../object-path.ts';
import type { Violation } from '../types.ts';
import { missingData, violation, type Check } from './check.ts';

/** LOOKUP: the StorageClass each volumeClaimTemplate names exists (a typo leaves PVCs Pending forever). */
export const storageClassExists: Check = {
  name: 'storage-class-exists',
  run(context) {
    const { object, lookup, fix } = context;
    const find = lookup?.storageClass;
    if (find === undefined) return missingData(context, 'storageClasses', 'StorageClasses are not known offline');
    const violations: Violation[] = [];
    let unknown = false;
    asArray(asObject(object['spec'])['volumeClaimTemplates']).forEach((template, i) => {
      const t = asObject(template);
      const name = asString(asObject(t['metadata'])['name']) ?? `#${i}`;
      // The legacy annotation wins over spec.storageClassName, as in the PV controller.
      const fromAnnotation = asString(asObject(asObject(t['metadata'])['annotations'])[BETA_STORAGE_CLASS_ANNOTATION]);
      const className = fromAnnotation ?? asString(asObject(t['spec'])['storageClassName']);
      if (className === undefined || className === '') return;
      const found = find(className);
      if (found === undefined) unknown = true;
      else if (found === null) {
        const path = fromAnnotation !== undefined ? joinPath('spec', 'volumeClaimTemplates', i, 'metadata', 'annotations', BETA_STORAGE_CLASS_ANNOTATION) : joinPath('spec', 'volumeClaimTemplates', i, 'spec', 'storageClassName');
        violations.push(violation(path, `volumeClaimTemplate "${name}" names StorageClass "${className}", which does not exist in this cluster`, fix));
      }
    });
    return unknown ? missingData(context, 'storageClasses', 'the StorageClass is not known (not synced yet, or not in the cluster data given)') : violations;
  },
};
