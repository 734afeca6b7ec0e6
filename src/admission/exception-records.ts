/**
 * What the API server records of StatefulSetPolicyExceptions (src/policy/exceptions.ts): each one used, in the
 * `excepted` audit annotation (`validate.stateguard.io/excepted`); each expired one, and exceptions that could not
 * be checked, in a warning kubectl prints.
 */
import type { PolicyResult } from '../policy/index.ts';
import { auditValue, warningLine } from './messages.ts';

export const EXCEPTED_ANNOTATION = 'excepted';

/** `policy: namespace/name` (with `[check,…]` when only some Pod Security checks were lifted), one per use. */
export function exceptionUses(results: readonly PolicyResult[]): string[] {
  const uses: string[] = [];
  for (const result of results) {
    for (const applied of result.exceptions?.applied ?? []) {
      uses.push(`${result.policy}${applied.checks === undefined ? '' : `[${applied.checks.join(',')}]`}: ${applied.namespace}/${applied.name}`);
    }
  }
  return uses;
}

export interface ExceptionRecords {
  readonly auditAnnotations: Readonly<Record<string, string>>;
  readonly warnings: readonly string[];
}

export function exceptionRecords(results: readonly PolicyResult[]): ExceptionRecords {
  const uses = exceptionUses(results);
  const warnings: string[] = [];
  let unchecked: string | undefined;
  for (const result of results) {
    for (const expired of result.exceptions?.expired ?? []) {
      warnings.push(warningLine(`[${result.policy}] StatefulSetPolicyException ${expired.namespace}/${expired.name} expired at ${expired.expiresAt}: not applied`));
    }
    unchecked ??= result.exceptions?.unchecked;
  }
  if (unchecked !== undefined) warnings.push(warningLine(`stateguard: ${unchecked}; none was applied`));
  return { auditAnnotations: uses.length === 0 ? {} : { [EXCEPTED_ANNOTATION]: auditValue(uses) }, warnings };
}
