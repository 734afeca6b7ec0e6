import { asArray, asObject, asString, isObject, joinPath } from '../object-path.ts';
import { allContainers, podSpec } from '../pod.ts';
import type { Violation } from '../types.ts';
import { violation, type Check } from './check.ts';

/** Each volumeClaimTemplate is mounted by some container; a pod volume of the same name is silently replaced by the claim. */
export const volumeClaimMounted: Check = {
  name: 'volume-claim-mounted',
  run({ object, fix }) {
    const spec = podSpec(object);
    const mounted = new Set<string>();
    for (const ref of allContainers(spec, ['initContainers', 'containers'])) {
      for (const mount of asArray(ref.container['volumeMounts'])) {
        const name = isObject(mount) ? asString(mount['name']) : undefined;
        if (name !== undefined) mounted.add(name);
      }
    }
    const podVolumes = new Set(asArray(spec['volumes']).map((v) => asString(asObject(v)['name'])));
    const violations: Violation[] = [];
    asArray(asObject(object['spec'])['volumeClaimTemplates']).forEach((template, i) => {
      const name = asString(asObject(asObject(template)['metadata'])['name']);
      const path = joinPath('spec', 'volumeClaimTemplates', i, 'metadata', 'name');
      if (name === undefined || name === '') {
        violations.push(violation(path, `volumeClaimTemplate #${i} has no name, so no container can mount it`, 'give the template a name and mount it with volumeMounts[].name'));
        return;
      }
      if (mounted.has(name)) return;
      const collision = podVolumes.has(name) ? `; note that pod volume "${name}" of the same name is replaced by the claim` : '';
      violations.push(violation(path, `volumeClaimTemplate "${name}" is not mounted by any container, so its data volume is never used${collision}`, fix));
    });
    return violations;
  },
};
