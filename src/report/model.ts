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
  /** Set by audit: the items are objects of this API server, and `file` is their API path. */
  readonly apiServer?: string;
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
  const { denied, warned, errors, clean } = totals(report);
  return { denied, warned, errors, clean };
}

/** What the summary line and the exit code need; kept as a running tally when items are not kept. */
export interface ReviewTotals {
  statefulSets: number;
  denied: number;
  warned: number;
  errors: number;
  clean: number;
  problems: number;
  skipped: Record<string, number>;
}

export function emptyTotals(): ReviewTotals {
  return { statefulSets: 0, denied: 0, warned: 0, errors: 0, clean: 0, problems: 0, skipped: {} };
}

export function addItem(tally: ReviewTotals, item: ReviewItem): void {
  const results = item.evaluation.results;
  tally.statefulSets++;
  if (results.some((r) => r.result === 'fail')) tally.denied++;
  else if (results.some((r) => r.result === 'warn')) tally.warned++;
  else tally.clean++;
  if (results.some((r) => r.result === 'error')) tally.errors++;
}

export function totals(report: ReviewReport): ReviewTotals {
  const tally = { ...emptyTotals(), problems: report.problems.length, skipped: { ...report.skipped } };
  for (const item of report.items) addItem(tally, item);
  return tally;
}

/** 0 clean, 1 deny violations (or warnings with --fail-on warn), 2 input or evaluation errors. */
export function exitCode(report: ReviewReport, failOn: FailOn): number {
  return exitCodeOf(totals(report), failOn);
}

export function exitCodeOf(t: ReviewTotals, failOn: FailOn): number {
  if (t.problems > 0 || t.errors > 0) return 2;
  if (t.denied > 0 || (failOn === 'warn' && t.warned > 0)) return 1;
  return 0;
}
