/** The registry of built-in mutators, by the name policies use in `mutate.mutator`. */
import { defaultDropAllCapabilities } from './default-drop-all-capabilities.ts';
import { defaultNoPrivilegeEscalation } from './default-no-privilege-escalation.ts';
import { defaultResources } from './default-resources.ts';
import { defaultRunAsNonRoot } from './default-run-as-non-root.ts';
import { defaultSeccompProfile } from './default-seccomp-profile.ts';
import { defaultStorageClass } from './default-storage-class.ts';
import { fsGroupChangePolicy } from './fs-group-change-policy.ts';
import type { Mutator } from './mutator.ts';
import { podAntiAffinity } from './pod-anti-affinity.ts';
import { topologySpreadZone } from './topology-spread-zone.ts';

export type { Mutator, MutatorContext, MutatorScope } from './mutator.ts';

const ALL: readonly Mutator[] = [
  defaultSeccompProfile, defaultNoPrivilegeEscalation, defaultDropAllCapabilities, podAntiAffinity, fsGroupChangePolicy,
  defaultRunAsNonRoot, topologySpreadZone, defaultStorageClass, defaultResources,
];

export const MUTATORS: ReadonlyMap<string, Mutator> = new Map(ALL.map((mutator) => [mutator.name, mutator]));
