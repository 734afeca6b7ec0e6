/** The volumeClaimTemplates of a StatefulSet as the storage checks read them: name, StorageClass, storage request. */
import { BETA_STORAGE_CLASS_ANNOTATION } from './annotations.ts';
import { asArray, asObject, asString, joinPath } from './object-path.ts';
import type { JsonObject, LookupContext } from './types.ts';

export interface ClaimTemplate {
  readonly index: number;
  /** metadata.name, or `#<index>` when it has none. */
  readonly name: string;
  /** The StorageClass named (annotation first); undefined: none named (the cluster default); '': static binding. */
  readonly className: string | undefined;
  /** The path of the field that names the class (the annotation when it is set). */
  readonly classPath: string;
  /** requests.storage as written. */
  readonly storage: unknown;
  readonly storagePath: string;
}

export function claimTemplates(object: JsonObject): ClaimTemplate[] {
  return asArray(asObject(object['spec'])['volumeClaimTemplates']).map((raw, index) => {
    const template = asObject(raw);
    const metadata = asObject(template['metadata']);
    const spec = asObject(template['spec']);
    const fromAnnotation = asString(asObject(metadata['annotations'])[BETA_STORAGE_CLASS_ANNOTATION]);
    return {
      index,
      name: asString(metadata['name']) ?? `#${index}`,
      className: fromAnnotation ?? asString(spec['storageClassName']),
      classPath: fromAnnotation !== undefined
        ? joinPath('spec', 'volumeClaimTemplates', index, 'metadata', 'annotations', BETA_STORAGE_CLASS_ANNOTATION)
        : joinPath('spec', 'volumeClaimTemplates', index, 'spec', 'storageClassName'),
      storage: asObject(asObject(spec['resources'])['requests'])['storage'],
      storagePath: joinPath('spec', 'volumeClaimTemplates', index, 'spec', 'resources', 'requests', 'storage'),
    };
  });
}

/** A check with nothing configured says so instead of passing: it checked nothing. */
export function notConfigured(what: string): { skip: { cause: 'not-configured' }; reason: string } {
  return { skip: { cause: 'not-configured' }, reason: `not configured: ${what}` };
}

/** The StorageClass a template's claims get, as far as the lookup knows it. */
export type ClassLookup =
  | { readonly state: 'found'; readonly name: string; readonly storageClass: JsonObject }
  /** Named but not in the cluster (storage-class-exists reports it), or no class and no default class. */
  | { readonly state: 'missing' }
  /** Static binding (""): no class at all. */
  | { readonly state: 'none' }
  /** Not known: not synced, not in the cluster data given, or no lookup at all. */
  | { readonly state: 'unknown' };

/** A template naming no class gets the cluster's default class (the DefaultStorageClass admission plugin). */
export function lookUpClass(lookup: LookupContext | undefined, template: ClaimTemplate): ClassLookup {
  if (template.className === '') return { state: 'none' };
  const found = template.className === undefined ? lookup?.defaultStorageClass?.() : lookup?.storageClass?.(template.className);
  if (found === undefined) return { state: 'unknown' };
  if (found === null) return { state: 'missing' };
  return { state: 'found', name: asString(asObject(found['metadata'])['name']) ?? template.className ?? '', storageClass: found };
}
