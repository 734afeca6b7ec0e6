import { child, isObject } from '../object-path.ts';
import { describeContainer, podSpec, runningContainers } from '../pod.ts';
import { violation, type Check } from './check.ts';

/** Containers and sidecars have a readinessProbe: ordered start-up and rolling updates advance on Ready. */
export const readinessProbeRequired: Check = {
  name: 'readiness-probe-required',
  run({ object, fix }) {
    return runningContainers(podSpec(object))
      .filter((ref) => !isObject(ref.container['readinessProbe']))
      .map((ref) => violation(child(ref.path, 'readinessProbe'), `${describeContainer(ref)} has no readinessProbe, so it counts as Ready before it can serve and the rollout moves on too early`, fix));
  },
};
