/** The pod template inside a StatefulSet: containers with their paths, as Pod Security Admission walks them. */
import { asArray, asObject, asString, child, isObject } from './object-path.ts';
import type { JsonObject } from './types.ts';

export const TEMPLATE_SPEC_PATH = 'spec.template.spec';
/** The pod-level securityContext, as a display path. */
export const POD_SECURITY_CONTEXT_PATH = child(TEMPLATE_SPEC_PATH, 'securityContext');

export type ContainerList = 'containers' | 'initContainers' | 'ephemeralContainers';

export interface ContainerRef {
  readonly container: JsonObject;
  readonly list: ContainerList;
  readonly index: number;
  readonly name: string;
  readonly path: string;
  /** An init container with `restartPolicy: Always` runs for the pod's lifetime. */
  readonly sidecar: boolean;
}

export function podSpec(object: unknown): JsonObject {
  return asObject(asObject(asObject(asObject(object)['spec'])['template'])['spec']);
}

/** The pod spec itself when the StatefulSet has one (a mutator must not report edits to a detached empty object). */
export function existingPodSpec(object: unknown): JsonObject | undefined {
  const spec = asObject(asObject(asObject(object)['spec'])['template'])['spec'];
  return isObject(spec) ? spec : undefined;
}

export function templateLabels(object: unknown): Record<string, unknown> {
  return asObject(asObject(asObject(asObject(object)['spec'])['template'])['metadata'])['labels'] as Record<string, unknown> ?? {};
}

/**
 * Windows pods as Pod Security Admission sees them: `os.name: windows` only. PSA exempts those (and no others)
 * from its Linux-only restricted checks, so a check that exempted more would pass what the API server rejects.
 */
export function isWindowsPod(spec: JsonObject): boolean {
  return asString(asObject(spec['os'])['name']) === 'windows';
}

/**
 * Pods that run on Windows nodes: `os.name: windows`, or pinned by nodeSelector (older manifests). Used only to keep
 * Linux-only mutations off them; checks use isWindowsPod.
 */
export function isWindows(spec: JsonObject): boolean {
  return isWindowsPod(spec) || asObject(spec['nodeSelector'])['kubernetes.io/os'] === 'windows';
}

/** Every container of the template: containers, initContainers and (forbidden in templates) ephemeralContainers. */
export function allContainers(spec: JsonObject, lists: readonly ContainerList[] = ALL_LISTS): ContainerRef[] {
  const refs: ContainerRef[] = [];
  for (const list of lists) {
    const containers = asArray(spec[list]);
    for (let index = 0; index < containers.length; index++) {
      const container = containers[index];
      if (!isObject(container)) continue;
      refs.push({
        container,
        list,
        index,
        name: asString(container['name']) ?? `#${index}`,
        path: child(LIST_PATHS[list], index),
        sidecar: list === 'initContainers' && container['restartPolicy'] === 'Always',
      });
    }
  }
  return refs;
}

const ALL_LISTS: readonly ContainerList[] = Object.freeze(['initContainers', 'containers', 'ephemeralContainers']);
/** Each list's display path, made once: every container check asks for the containers' paths on every request. */
const LIST_PATHS: Readonly<Record<ContainerList, string>> = { containers: child(TEMPLATE_SPEC_PATH, 'containers'), initContainers: child(TEMPLATE_SPEC_PATH, 'initContainers'), ephemeralContainers: child(TEMPLATE_SPEC_PATH, 'ephemeralContainers') };

/** Long-running containers: regular containers and sidecars. */
export function runningContainers(spec: JsonObject): ContainerRef[] {
  return allContainers(spec, ['initContainers', 'containers']).filter((ref) => ref.list === 'containers' || ref.sidecar);
}

/** Describes a container for messages: `container "db"`, `init container "setup"`. */
export function describeContainer(ref: ContainerRef): string {
  const label = ref.list === 'containers' ? 'container' : ref.list === 'initContainers' ? (ref.sidecar ? 'sidecar container' : 'init container') : 'ephemeral container';
  return `${label} "${ref.name}"`;
}

export function replicasOf(object: unknown): number {
  const replicas = asObject(asObject(object)['spec'])['replicas'];
  return typeof replicas === 'number' ? replicas : 1;
}
