import { asString, child } from '../object-path.ts';
import { podSpec, TEMPLATE_SPEC_PATH } from '../pod.ts';
import { violation, type Check } from './check.ts';

/**
 * `serviceAccount` (deprecated) and `serviceAccountName` agree when both are set: the API server keeps
 * serviceAccountName, so the pods run as an account the author of the other field did not mean.
 */
export const serviceAccountConsistent: Check = {
  name: 'service-account-consistent',
  run({ object, fix }) {
    const spec = podSpec(object);
    const legacy = asString(spec['serviceAccount']);
    const name = asString(spec['serviceAccountName']);
    if (legacy === undefined || legacy === '' || name === undefined || name === '' || legacy === name) return [];
    return [violation(child(TEMPLATE_SPEC_PATH, 'serviceAccount'), `serviceAccount "${legacy}" differs from serviceAccountName "${name}"; the pods run as "${name}"`, fix)];
  },
};
