import { asArray, asObject, asString, child } from '../object-path.ts';
import { allContainers, describeContainer, podSpec } from '../pod.ts';
import type { Violation } from '../types.ts';
import { violation, type Check } from './check.ts';

/**
 * No credential in plain text in the template: an env var named like a credential (PASSWORD, SECRET, TOKEN, a
 * name ending in _KEY, …) with a literal `value`. Anyone who can read the StatefulSet reads it; use valueFrom a Secret.
 */
const CREDENTIAL_NAME = /PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|(^|_)KEY$|APIKEY|API_KEY/i;
/** Names that point at a credential rather than hold it (a file, a path, a Secret's name). */
const POINTER_NAME = /_(FILE|PATH|DIR|NAME|REF|NAMESPACE)$/i;

/** Values that are no credential: a switch (MYSQL_ALLOW_EMPTY_PASSWORD: "1") or a file path (GOOGLE_APPLICATION_CREDENTIALS). */
const NOT_A_SECRET = /^(true|false|yes|no|0|1|\/[\w.\-/]*)$/i;

function plaintext(name: string, value: unknown): value is string {
  // `$(OTHER_VAR)` expands another variable, usually one that comes from a Secret.
  return CREDENTIAL_NAME.test(name) && !POINTER_NAME.test(name) && typeof value === 'string' && value !== ''
    && !value.includes('$(') && !NOT_A_SECRET.test(value);
}

export const envPlaintextCredentials: Check = {
  name: 'env-plaintext-credentials',
  run({ object, fix }) {
    const out: Violation[] = [];
    for (const ref of allContainers(podSpec(object))) {
      asArray(ref.container['env']).forEach((entry, i) => {
        const name = asString(asObject(entry)['name']) ?? '';
        const value = asObject(entry)['value'];
        if (plaintext(name, value)) {
          out.push(violation(child(child(child(ref.path, 'env'), i), 'value'), `${describeContainer(ref)} sets ${name} to a literal value, readable by anyone who can read the StatefulSet`, fix));
        }
      });
    }
    return out;
  },
};
