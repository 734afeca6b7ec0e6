import { BETA_STORAGE_CLASS_ANNOTATION } from '../annotations.ts';
import { asArray, asObject, isObject } from '../object-path.ts';
import type { Mutator } from './mutator.ts';

/**
 * Opt-in, CREATE only: sets params.storageClassName on volumeClaimTemplates that name no class. An explicit ""
 * (static binding) is never touched.
 */
export const defaultStorageClass: Mutator = {
  name: 'default-storage-class',
  scope: 'create-only',
  linuxOnly: false,
  params: { type: 'object', required: ['storageClassName'], properties: { storageClassName: { type: 'string', minLength: 1 } }, additionalProperties: false },
  apply({ draft, params }) {
    let changed = false;
    for (const template of asArray(asObject(draft['spec'])['volumeClaimTemplates'])) {
      if (!isObject(template) || !isObject(template['spec'])) continue;
      if (template['spec']['storageClassName'] !== undefined && template['spec']['storageClassName'] !== null) continue;
      if (asObject(asObject(template['metadata'])['annotations'])[BETA_STORAGE_CLASS_ANNOTATION] !== undefined) continue;
      template['spec']['storageClassName'] = params['storageClassName'];
      changed = true;
    }
    return changed;
  },
};
