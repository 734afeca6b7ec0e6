import { asObject, child } from '../object-path.ts';
import { allContainers, describeContainer, podSpec } from '../pod.ts';
import { parseQuantity } from '../quantity.ts';
import type { Violation } from '../types.ts';
import { violation, type Check } from './check.ts';

/** Every container has a memory limit (pod-level limits count). */
export const memoryLimitRequired: Check = {
  name: 'memory-limit-required',
  run({ object, fix }) {
    const spec = podSpec(object);
    if ((parseQuantity(asObject(asObject(spec['resources'])['limits'])['memory']) ?? 0) > 0) return [];
    const violations: Violation[] = [];
    for (const ref of allContainers(spec, ['initContainers', 'containers'])) {
      const limit = parseQuantity(asObject(asObject(ref.container['resources'])['limits'])['memory']);
      if (limit === undefined || limit <= 0) {
        violations.push(violation(child(child(ref.path, 'resources'), 'limits'), `${describeContainer(ref)} has no memory limit; unbounded memory can OOM the whole node`, fix));
      }
    }
    return violations;
  },
};
