import { EXEMPT_ANNOTATION, EXEMPT_REASON_ANNOTATION } from '../annotations.ts';
import { asObject, asString, joinPath } from '../object-path.ts';
import { violation, type Check } from './check.ts';

/** An exemption must say why; one without a reason is itself a violation. */
export const exemptionReasonRequired: Check = {
  name: 'exemption-reason-required',
  run({ object, fix }) {
    const annotations = asObject(asObject(object['metadata'])['annotations']);
    const exempt = asString(annotations[EXEMPT_ANNOTATION]);
    if (exempt === undefined || exempt.trim() === '') return [];
    const reason = asString(annotations[EXEMPT_REASON_ANNOTATION]);
    if (reason !== undefined && reason.trim() !== '') return [];
    return [violation(joinPath('metadata', 'annotations', EXEMPT_REASON_ANNOTATION), `the exemption from "${exempt}" gives no reason`, fix)];
  },
};
