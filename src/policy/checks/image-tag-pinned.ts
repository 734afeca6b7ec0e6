import { child } from '../object-path.ts';
import { parseImageRef } from '../image-ref.ts';
import { allContainers, describeContainer, podSpec } from '../pod.ts';
import type { Violation } from '../types.ts';
import { violation, type Check } from './check.ts';

/** Images carry an explicit tag other than `latest`, or a digest. */
export const imageTagPinned: Check = {
  name: 'image-tag-pinned',
  run({ object, fix }) {
    const violations: Violation[] = [];
    for (const ref of allContainers(podSpec(object), ['initContainers', 'containers'])) {
      const image = ref.container['image'];
      if (typeof image !== 'string' || image === '') continue;
      const parsed = parseImageRef(image);
      if (parsed.digest !== undefined) continue;
      if (parsed.tag === undefined) {
        violations.push(violation(child(ref.path, 'image'), `${describeContainer(ref)} image "${image}" has no tag, which means :latest`, fix));
      } else if (parsed.tag === 'latest') {
        violations.push(violation(child(ref.path, 'image'), `${describeContainer(ref)} image "${image}" uses the moving tag latest`, fix));
      }
    }
    return violations;
  },
};
