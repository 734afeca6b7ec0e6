/** What every formatter renders: evaluated StatefulSets, input problems and skipped documents. */
import type { Evaluation, PolicyResult, Violation } from '../policy/index.ts';

export interface InputProblem {
  readonly file: string;
  readonly line?: number;
  readonly documentIndex?: number;
  readonly message: string;
}

export interface ReviewItem {
  /** Where it came from: a file (and line), or a cluster object for audits. */
  readonly file: string;
  readonly line: number;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly evaluation: Evaluation;
}

export interface ReviewReport {
  readonly items: readonly ReviewItem[];
  readonly problems: readonly InputProblem[];
  readonly skipped: Readonly<Record<string, number>>;
}

export const FAIL_ON = ['deny', 'warn'] as const;
export type FailOn = (typeof FAIL_ON)[number];

export interface Finding {
  readonly item: ReviewItem;
  readonly result: PolicyResult;
  readonly violation: Violation;
}

/** Every violation of every item, in order. */
export function findings(report: ReviewReport): Finding[] {
  return report.items.flatMap((item) => item.evaluation.results.flatMap((result) => result.violations.map((violation) => ({ item, result, violation }))));
}

export function counts(report: ReviewReport): { denied: number; warned: number; errors: number; clean: number } {
  let denied = 0, warned = 0, errors = 0, clean = 0;
  for (const item of report.items) {
    const results = item.evaluation.results;
    if (results.some((r) => r.result === 'fail')) denied++;
    else if (results.some((r) => r.result === 'warn')) warned++;
    else clean++;
    if (results.some((r) => r.result === 'error')) errors++;
  }
  return { denied, warned, errors, clean };
}

/** 0 clean, 1 deny violations (or warnings with --fail-on warn), 2 input or evaluation errors. */
export function exitCode(report: ReviewReport, failOn: FailOn): number {
  const { denied, warned, errors } = counts(report);
  if (report.problems.length > 0 || errors > 0) return 2;
  if (denied > 0 || (failOn === 'warn' && warned > 0)) return 1;
  return 0;
}
