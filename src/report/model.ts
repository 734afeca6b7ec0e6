/** What every formatter renders: evaluated StatefulSets, input problems and skipped documents. */
import type { Evaluation, PolicyResult, Violation } from '../policy/index.ts';

export interface InputProblem {
  readonly file: string;
  readonly line?: number;
  readonly documentIndex?: number;
  readonly message: string;
}

export interface ReviewItem {
  /** Where it came from: a file (and line), or a cluster object's API path for audits. */
  readonly file: string;
  /** 1-based; 0 when there is no line (a cluster object). */
  readonly line: number;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly evaluation: Evaluation;
}

export interface ReviewReport {
  /** Where the items come from: manifest files (default) or a live cluster (`stateguard audit`). */
  readonly origin?: 'files' | 'cluster';
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

/** `file:line`, or the API path alone for a cluster object. */
export function locationOf(item: Pick<ReviewItem, 'file' | 'line'>): string {
  return item.line > 0 ? `${item.file}:${item.line}` : item.file;
}

/** Every violation of every item, in order. */
export function findings(report: ReviewReport): Finding[] {
  return report.items.flatMap((item) => item.evaluation.results.flatMap((result) => result.violations.map((violation) => ({ item, result, violation }))));
}

/**
 * An item's verdict, worst first: what every formatter prints, the summaries count and the exit code follows.
 * - `error`: a rule or mutator failed, so the item was not fully judged (exit 2);
 * - `incomplete`: a policy could not be judged because the API server refused a lookup it needs (exit 2);
 * - `deny`: a deny violation (exit 1); `warn`: warnings only (exit 1 with --fail-on warn); `pass`: nothing else.
 */
export const VERDICTS = ['error', 'incomplete', 'deny', 'warn', 'pass'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** The results a reader must act on, in the order they are shown: denials, errors, refused lookups, warnings. */
export function flaggedResults<R extends Pick<PolicyResult, 'result' | 'skip'>>(results: readonly R[]): R[] {
  return FLAGGED_ORDER.flatMap((flag) => results.filter((r) => flagOf(r) === flag));
}

export function verdictOf(results: readonly Pick<PolicyResult, 'result' | 'skip'>[]): Verdict {
  const flags = new Set(results.map(flagOf));
  if (flags.has('error')) return 'error';
  if (flags.has('refused')) return 'incomplete';
  if (flags.has('fail')) return 'deny';
  return flags.has('warn') ? 'warn' : 'pass';
}

type Flag = 'fail' | 'error' | 'refused' | 'warn';
const FLAGGED_ORDER: readonly Flag[] = ['fail', 'error', 'refused', 'warn'];

function flagOf(result: Pick<PolicyResult, 'result' | 'skip'>): Flag | undefined {
  switch (result.result) {
    case 'fail': case 'error': case 'warn': return result.result;
    case 'skip': return result.skip?.cause === 'lookup-forbidden' ? 'refused' : undefined;
    case 'pass': return undefined;
  }
}

export interface Counts {
  readonly denied: number;
  readonly warned: number;
  /** Items a rule failed on. */
  readonly errors: number;
  /** Items with a policy not judged because a lookup was refused. */
  readonly incomplete: number;
  readonly clean: number;
}

/** Items by verdict: each item counted once. */
export function counts(report: ReviewReport): Counts {
  const by: Record<Verdict, number> = { error: 0, incomplete: 0, deny: 0, warn: 0, pass: 0 };
  for (const item of report.items) by[verdictOf(item.evaluation.results)]++;
  return { denied: by.deny, warned: by.warn, errors: by.error, incomplete: by.incomplete, clean: by.pass };
}

/** 0 clean, 1 deny violations (or warnings with --fail-on warn), 2 input or evaluation errors or refused lookups. */
export function exitCode(report: ReviewReport, failOn: FailOn): number {
  const { denied, warned, errors, incomplete } = counts(report);
  if (report.problems.length > 0 || errors > 0 || incomplete > 0) return 2;
  if (denied > 0 || (failOn === 'warn' && warned > 0)) return 1;
  return 0;
}
