import { DNS_LABEL_MAX, isDnsLabel } from '../kubernetes-names.ts';
import { asArray, asObject, asString, child, isObject } from '../object-path.ts';
import { allContainers, describeContainer, podSpec, TEMPLATE_SPEC_PATH } from '../pod.ts';
import type { Violation } from '../types.ts';
import { violation, type Check } from './check.ts';

/**
 * What the API server does not fully validate in a StatefulSet template (kubernetes#60619, #137728):
 * a bad template is stored and then loops on FailedCreate.
 */
export const templateSanity: Check = {
  name: 'template-sanity',
  run({ object }) {
    const template = asObject(object['spec'])['template'];
    if (!isObject(template) || !isObject(template['spec'])) {
      return [violation('spec.template', 'spec.template (with its pod spec) is missing', 'add spec.template with metadata.labels and spec.containers')];
    }
    const spec = podSpec(object);
    const violations: Violation[] = [];
    if (asArray(spec['containers']).length === 0) {
      violations.push(violation(child(TEMPLATE_SPEC_PATH, 'containers'), 'the pod template has no containers', 'add at least one container'));
    }
    if (asArray(spec['ephemeralContainers']).length > 0) {
      violations.push(violation(child(TEMPLATE_SPEC_PATH, 'ephemeralContainers'), 'ephemeralContainers are not allowed in a pod template', 'remove ephemeralContainers; add them to running pods with kubectl debug'));
    }
    if (spec['activeDeadlineSeconds'] !== undefined && spec['activeDeadlineSeconds'] !== null) {
      violations.push(violation(child(TEMPLATE_SPEC_PATH, 'activeDeadlineSeconds'), 'activeDeadlineSeconds is forbidden for StatefulSet pods: they would be killed after the deadline', 'remove activeDeadlineSeconds'));
    }
    const restartPolicy = spec['restartPolicy'];
    if (restartPolicy !== undefined && restartPolicy !== 'Always') {
      violations.push(violation(child(TEMPLATE_SPEC_PATH, 'restartPolicy'), `restartPolicy is ${String(restartPolicy)}; StatefulSet pods only support Always`, 'remove restartPolicy or set it to Always'));
    }
    const seen = new Map<string, string>();
    for (const ref of allContainers(spec, ['initContainers', 'containers'])) {
      const name = asString(ref.container['name']);
      if (name === undefined || name === '') {
        violations.push(violation(child(ref.path, 'name'), `${describeContainer(ref)} has no name`, 'give every container a unique DNS-label name'));
      } else if (!isDnsLabel(name)) {
        violations.push(violation(child(ref.path, 'name'), `${describeContainer(ref)}: name is not a DNS label of at most ${DNS_LABEL_MAX} characters`, 'use lower-case letters, digits and -'));
      } else if (seen.has(name)) {
        violations.push(violation(child(ref.path, 'name'), `${describeContainer(ref)}: the name is also used by ${seen.get(name) ?? ''}`, 'give every container (including init containers) a unique name'));
      } else {
        seen.set(name, ref.path);
      }
      const image = ref.container['image'];
      if (typeof image !== 'string' || image.trim() === '') {
        violations.push(violation(child(ref.path, 'image'), `${describeContainer(ref)} sets no image`, 'set image to a pinned image reference'));
      }
      asArray(ref.container['ports']).forEach((port, p) => {
        const portName = asString(asObject(port)['name']);
        if (portName !== undefined && portName.length > 15) {
          violations.push(violation(child(child(child(ref.path, 'ports'), p), 'name'), `${describeContainer(ref)}: port name "${portName}" is longer than 15 characters`, 'shorten the port name to at most 15 characters'));
        }
      });
    }
    return violations;
  },
};
