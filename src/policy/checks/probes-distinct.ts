import { child, deepEqual, isObject } from '../object-path.ts';
import { describeContainer, podSpec, runningContainers } from '../pod.ts';
import { violation, type Check } from './check.ts';

/**
 * A container's livenessProbe is not identical to its readinessProbe: with the same probe a replica that is only
 * slow or catching up (not ready) is restarted instead of being taken out of rotation.
 */
export const probesDistinct: Check = {
  name: 'probes-distinct',
  run({ object, fix }) {
    return runningContainers(podSpec(object))
      .filter((ref) => isObject(ref.container['livenessProbe']) && deepEqual(ref.container['livenessProbe'], ref.container['readinessProbe']))
      .map((ref) => violation(child(ref.path, 'livenessProbe'), `${describeContainer(ref)} has identical liveness and readiness probes, so a replica that is slow or catching up is restarted instead of being taken out of rotation`, fix));
  },
};
