import { loadPolicySet } from '../../src/config/read-policies.ts';
import type { PolicySet } from '../../src/policy/index.ts';

let builtin: PolicySet | undefined;

/** The built-in policy set, compiled once per test process. */
export function builtinPolicies(): PolicySet {
  builtin ??= loadPolicySet([]);
  return builtin;
}
