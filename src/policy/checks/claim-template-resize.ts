import { asObject, asString, isObject } from '../object-path.ts';
import { parseQuantity } from '../quantity.ts';
import type { JsonObject, Violation } from '../types.ts';
import { violation, type Check } from './check.ts';
import { claimTemplates } from '../claim-templates.ts';

/** PVC names listed in a message before "…". */
const LISTED = 3;

/**
 * UPDATE: a volumeClaimTemplate's storage request changes. Kubernetes refuses it (volumeClaimTemplates are
 * immutable: 1.35 answers with the generic "updates to statefulset spec for fields other than … are forbidden", 1.37
 * with "field is immutable"), and the StatefulSet never resizes the PVCs it created. Each finding says so, names the
 * PVCs and gives the supported procedure: expand each PVC, then re-create the StatefulSet with --cascade=orphan.
 */
export const claimTemplateResize: Check = {
  name: 'claim-template-resize',
  run({ object, oldObject, operation, namespace }) {
    if (operation !== 'UPDATE' || !isObject(oldObject)) return [];
    const before = new Map(claimTemplates(oldObject).map((t) => [t.name, t]));
    const violations: Violation[] = [];
    for (const template of claimTemplates(object)) {
      const old = before.get(template.name);
      const from = parseQuantity(old?.storage);
      const to = parseQuantity(template.storage);
      if (old === undefined || from === undefined || to === undefined || from === to) continue;
      const was = String(old.storage);
      const now = String(template.storage);
      const claims = claimNames(template.name, oldObject);
      const refused = `volumeClaimTemplate "${template.name}" changes its storage request from ${was} to ${now}: the API server refuses any change to volumeClaimTemplates (they are immutable), and a StatefulSet never resizes the PVCs it already created (${claims.text} ${was})`;
      if (to < from) {
        violations.push(violation(template.storagePath, `${refused}; a PVC cannot shrink below its current capacity either`, `keep ${was}; to use less storage, move the data to a new StatefulSet with smaller claims`));
        continue;
      }
      const name = asString(asObject(oldObject['metadata'])['name']) ?? '<statefulset>';
      const patch = `kubectl patch pvc ${claims.first} -n ${namespace} -p '{"spec":{"resources":{"requests":{"storage":"${now}"}}}}'`;
      violations.push(violation(template.storagePath, refused,
        `revert to ${was} and expand each PVC instead: ${patch}${claims.more ? ` (and the same for ${claims.rest})` : ''}, which needs a StorageClass with allowVolumeExpansion: true; `
        + `then, so that new replicas get ${now} too, kubectl delete statefulset ${name} -n ${namespace} --cascade=orphan (pods and PVCs keep running) and apply the manifest with ${now}: the new StatefulSet adopts the pods and their PVCs`));
    }
    return violations;
  },
};

/** The PVCs of a template: `<template>-<statefulset>-<ordinal>` for each replica the old object had. */
function claimNames(template: string, statefulSet: JsonObject): { text: string; first: string; rest: string; more: boolean } {
  const spec = asObject(statefulSet['spec']);
  const name = asString(asObject(statefulSet['metadata'])['name']) ?? '<statefulset>';
  const start = typeof asObject(spec['ordinals'])['start'] === 'number' ? asObject(spec['ordinals'])['start'] as number : 0;
  const replicas = typeof spec['replicas'] === 'number' ? Math.max(0, spec['replicas']) : 1;
  const claim = (ordinal: number): string => `${template}-${name}-${ordinal}`;
  const first = claim(start);
  if (replicas <= 1) return { text: `PVC ${first} keeps`, first, rest: '', more: false };
  const last = claim(start + replicas - 1);
  const all = replicas <= LISTED ? Array.from({ length: replicas }, (_, i) => claim(start + i)) : [];
  const text = `PVCs ${all.length > 0 ? all.join(', ') : `${first} … ${last}`} keep`;
  const rest = all.length > 0 ? all.slice(1).join(', ') : `${claim(start + 1)} … ${last}`;
  return { text, first, rest, more: true };
}
