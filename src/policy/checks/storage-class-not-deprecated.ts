import { asObject, asString } from '../object-path.ts';
import type { Violation } from '../types.ts';
import { missingData, violation, type Check } from './check.ts';
import { claimTemplates, lookUpClass } from '../claim-templates.ts';

/**
 * LOOKUP: no volumeClaimTemplate uses a StorageClass that carries `params.annotation` (any value but "false"); the
 * annotation's value, when it is more than "true", is quoted as the platform team's advice. A template naming no
 * class is judged by the cluster's default class. A class that does not exist is left to storage-class-exists.
 */
export const storageClassNotDeprecated: Check = {
  name: 'storage-class-not-deprecated',
  params: { type: 'object', required: ['annotation'], properties: { annotation: { type: 'string', minLength: 1, maxLength: 316 } }, additionalProperties: false },
  run(context) {
    const { object, lookup, params, fix } = context;
    if (lookup?.storageClass === undefined) return missingData(context, 'storageClasses', 'StorageClasses are not known offline');
    const annotation = String(params['annotation']);
    const violations: Violation[] = [];
    let unknown = false;
    for (const template of claimTemplates(object)) {
      const found = lookUpClass(lookup, template);
      if (found.state === 'unknown') unknown = true;
      if (found.state !== 'found') continue;
      const value = asString(asObject(asObject(found.storageClass['metadata'])['annotations'])[annotation]);
      if (value === undefined || value.trim().toLowerCase() === 'false') continue;
      const advice = value.trim() === '' || value.trim().toLowerCase() === 'true' ? '' : `: "${value.trim()}"`;
      const which = template.className === undefined ? `gets the default StorageClass "${found.name}"` : `names StorageClass "${found.name}"`;
      violations.push(violation(template.classPath, `volumeClaimTemplate "${template.name}" ${which}, which is marked deprecated (annotation ${annotation}${advice})`, fix));
    }
    return unknown ? missingData(context, 'storageClasses', 'the StorageClass is not known (not synced yet, or not in the cluster data given)') : violations;
  },
};
