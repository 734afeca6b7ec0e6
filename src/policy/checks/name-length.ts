import { isDnsLabel } from '../kubernetes-names.ts';
import { asObject, asString } from '../object-path.ts';
import { violation, type Check } from './check.ts';

const MAX = 52;

/**
 * The pod label `controller-revision-hash` is `<name>-<10 characters>` and must fit 63 characters,
 * so a longer name is accepted but its pods are never created.
 */
export const nameLength: Check = {
  name: 'name-length',
  run({ object, fix }) {
    const metadata = asObject(object['metadata']);
    const name = asString(metadata['name']);
    const generateName = asString(metadata['generateName']);
    if (name !== undefined && name !== '') {
      if (name.length > MAX) {
        return [violation('metadata.name', `name "${name}" is ${name.length} characters; StatefulSet names longer than ${MAX} make the controller-revision-hash label too long and no pod is ever created`, fix)];
      }
      if (!isDnsLabel(name)) {
        return [violation('metadata.name', `name "${name}" is not a DNS label (lower-case letters, digits and '-', starting and ending with an alphanumeric)`, 'rename the StatefulSet to a DNS label')];
      }
      return [];
    }
    if (generateName !== undefined && generateName.length + 5 > MAX) {
      return [violation('metadata.generateName', `generateName "${generateName}" plus the 5 random characters exceeds ${MAX} characters`, `shorten generateName to at most ${MAX - 5} characters`)];
    }
    return [];
  },
};
