import { asArray, asObject, asString, joinPath } from '../object-path.ts';
import { parseQuantity, QUANTITY } from '../quantity.ts';
import type { Violation } from '../types.ts';
import { violation, type Check } from './check.ts';

/** Every volumeClaimTemplate requests a positive storage size, at most `params.max` when set. */
export const storageRequestRequired: Check = {
  name: 'storage-request-required',
  params: { type: 'object', properties: { max: { type: 'string', pattern: QUANTITY.source } }, additionalProperties: false },
  run({ object, params, fix }) {
    const max = parseQuantity(params['max']);
    const violations: Violation[] = [];
    asArray(asObject(object['spec'])['volumeClaimTemplates']).forEach((template, i) => {
      const name = asString(asObject(asObject(template)['metadata'])['name']) ?? `#${i}`;
      const path = joinPath('spec', 'volumeClaimTemplates', i, 'spec', 'resources', 'requests', 'storage');
      const raw = asObject(asObject(asObject(asObject(template)['spec'])['resources'])['requests'])['storage'];
      if (raw === undefined || raw === null || raw === '') {
        violations.push(violation(path, `volumeClaimTemplate "${name}" requests no storage size, so its PVCs cannot be created`, fix));
        return;
      }
      const size = parseQuantity(raw);
      if (size === undefined) {
        violations.push(violation(path, `volumeClaimTemplate "${name}" storage request "${String(raw)}" is not a valid quantity`, 'use a quantity such as 10Gi'));
      } else if (size <= 0) {
        violations.push(violation(path, `volumeClaimTemplate "${name}" requests ${String(raw)} of storage; it must be greater than zero`, fix));
      } else if (max !== undefined && size > max) {
        violations.push(violation(path, `volumeClaimTemplate "${name}" requests ${String(raw)}, more than the allowed maximum ${String(params['max'])}`, `request at most ${String(params['max'])}, or ask for the limit to be raised`));
      }
    });
    return violations;
  },
};
