/**
 * The enforcement boundary: the engine's raw results in (what audits and reports see), what the API server
 * enforces out (kubewarden style: the mode is applied here and nowhere else).
 *
 * - `fail` (action deny): one denial line per violation, within the bounds of src/admission/limits.ts.
 * - `warn` with action warn: one warning per violation (at most MAX_WARNINGS); with action audit: one audit annotation per policy.
 * - `error`: never denies. A rule that crashes fails open for that policy only, so one broken rule cannot block
 *   every StatefulSet in the cluster; it becomes a warning, and the webhook logs and counts it.
 * - `skip` because of an honoured exemption: the `exempted` audit annotation.
 * - a StatefulSetPolicyException used (skip, or findings of some checks lifted): the `excepted` audit annotation;
 *   an expired one, or exceptions that could not be checked: a warning (src/admission/exception-records.ts).
 * - `skip` for lack of cluster data (missing or refused), and `pass`: nothing.
 *
 * Audit annotation keys carry no `/`: the API server records each as `<webhook name>/<key>` and drops keys with
 * a second slash, so `exempted` from the webhook `validate.stateguard.io` reads `validate.stateguard.io/exempted`.
 */
import type { PolicyResult } from '../policy/index.ts';
import { exceptionRecords } from './exception-records.ts';
import { MAX_DENIAL_LINES, MESSAGE_MAX_BYTES } from './limits.ts';
import { auditValue, BoundedLines, denialLine, findingWarning, MAX_WARNINGS, warningLine } from './messages.ts';

export type FindingAction = 'deny' | 'warn' | 'audit' | 'error' | 'exempt' | 'excepted';

const EXEMPTED_ANNOTATION = 'exempted';

export interface Enforcement {
  readonly denials: readonly string[];
  readonly warnings: readonly string[];
  readonly auditAnnotations: Readonly<Record<string, string>>;
  /** Policy id → what this request did with its finding: the compact form for the decision log. */
  readonly findings: Readonly<Record<string, FindingAction>>;
}

export function enforce(results: readonly PolicyResult[]): Enforcement {
  const denials = new BoundedLines(MAX_DENIAL_LINES, MESSAGE_MAX_BYTES, 'violations');
  const warnings = new BoundedLines(MAX_WARNINGS, Number.POSITIVE_INFINITY, 'warnings');
  const auditAnnotations: Record<string, string> = {};
  const findings: Record<string, FindingAction> = {};
  const exempted: string[] = [];
  let exemptionReason = '';
  for (const result of results) {
    const action = findingAction(result);
    if (action === undefined) continue;
    findings[result.policy] = action;
    switch (action) {
      case 'deny': {
        const note = result.exemption?.honoured === false ? result.reason : undefined;
        for (const violation of result.violations) denials.add(() => denialLine(result.policy, violation, note));
        denials.skip(result.omittedViolations ?? 0);
        break;
      }
      case 'warn':
        for (const violation of result.violations) warnings.add(() => findingWarning(result.policy, violation));
        warnings.skip(result.omittedViolations ?? 0);
        break;
      case 'audit':
        auditAnnotations[result.policy] = auditValue(result.violations.map((violation) => `${violation.path}: ${violation.message}`));
        break;
      case 'error':
        warnings.add(() => warningLine(`[${result.policy}] not enforced, the rule failed: ${result.reason ?? 'unknown error'}`));
        break;
      case 'exempt':
        exempted.push(result.policy);
        exemptionReason = result.exemption?.reason ?? '';
        break;
      case 'excepted':
        break;
    }
  }
  const excepted = exceptionRecords(results);
  for (const warning of excepted.warnings) warnings.add(() => warning);
  Object.assign(auditAnnotations, excepted.auditAnnotations);
  if (exempted.length > 0) auditAnnotations[EXEMPTED_ANNOTATION] = auditValue([`${exempted.join(',')}: ${exemptionReason}`]);
  return { denials: denials.lines(), warnings: warnings.lines(), auditAnnotations, findings };
}

function findingAction(result: PolicyResult): FindingAction | undefined {
  switch (result.result) {
    case 'fail': return 'deny';
    case 'warn': return result.action === 'audit' ? 'audit' : 'warn';
    case 'error': return 'error';
    case 'skip': return result.skip?.cause === 'exempted' ? 'exempt' : result.skip?.cause === 'excepted' ? 'excepted' : undefined;
    case 'pass': return undefined;
  }
}
