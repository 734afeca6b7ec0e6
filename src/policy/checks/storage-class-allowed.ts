import { globMatches } from '../match.ts';
import type { Violation } from '../types.ts';
import { violation, type Check } from './check.ts';
import { claimTemplates, notConfigured } from '../claim-templates.ts';

const CLASS_LIST = { type: 'array', items: { type: 'string', minLength: 1 } } as const;

/**
 * Each class a volumeClaimTemplate names is one of `params.allowed` (names or globs) and none of `params.denied`.
 * A template naming no class (the cluster default) or "" (static binding) is not judged here: storage-class-required
 * covers it. With neither list configured the result is a skip `not-configured`, never a pass.
 */
export const storageClassAllowed: Check = {
  name: 'storage-class-allowed',
  params: { type: 'object', properties: { allowed: CLASS_LIST, denied: CLASS_LIST }, additionalProperties: false },
  run({ object, params, fix }) {
    const allowed = stringsOf(params['allowed']);
    const denied = stringsOf(params['denied']);
    if (allowed.length === 0 && denied.length === 0) return notConfigured('params.allowed and params.denied list no StorageClass');
    const violations: Violation[] = [];
    for (const template of claimTemplates(object)) {
      const { className, name } = template;
      if (className === undefined || className === '') continue;
      const refusedBy = denied.find((pattern) => globMatches(pattern, className));
      if (refusedBy !== undefined) {
        violations.push(violation(template.classPath, `volumeClaimTemplate "${name}" names StorageClass "${className}", which is denied here (${refusedBy === className ? 'listed' : `matches "${refusedBy}"`})`, fix));
      } else if (allowed.length > 0 && !allowed.some((pattern) => globMatches(pattern, className))) {
        violations.push(violation(template.classPath, `volumeClaimTemplate "${name}" names StorageClass "${className}", which is not allowed here (allowed: ${allowed.join(', ')})`, fix));
      }
    }
    return violations;
  },
};

function stringsOf(value: unknown): readonly string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}
