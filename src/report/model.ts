/** What every formatter renders: evaluated StatefulSets, input problems and skipped documents. */
import type { Evaluation, PolicyResult, Violation } from '../policy/index.ts';

export interface InputProblem {
  readonly file: string;
  readonly line?: number;
  readonly documentIndex?: number;
  readonly message: string;
}

export interface ReportItem {
  /** Where it came from: a file (and line), or a cluster object's API path for audits. Output formats name it `file`. */
  readonly source: string;
  /** 1-based; 0 when there is no line (a cluster object). */
  readonly line: number;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly evaluation: Evaluation;
}

export interface Report {
  readonly items: readonly ReportItem[];
  readonly problems: readonly InputProblem[];
  readonly skipped: Readonly<Record<string, number>>;
  /**
   * Set exactly by an audit (the one mark of where the items come from, see `isAudit`): the items are objects of
   * this API server, and `source` is their API path. Absent: manifest files (`stateguard review`).
   */
  readonly apiServer?: string;
  /** Set by an offline review given cluster data: where each kind of LOOKUP data came from. */
  readonly lookups?: readonly LookupSource[];
}

/** One kind of LOOKUP data (`Services`, …) and the inputs that answered lookups of it; none: not known offline. */
export interface LookupSource {
  readonly data: string;
  readonly from: readonly string[];
}

export const FAIL_ON = ['deny', 'warn'] as const;
export type FailOn = (typeof FAIL_ON)[number];

export interface Finding {
  readonly item: ReportItem;
  readonly result: PolicyResult;
  readonly violation: Violation;
}

/** Whether the items come from a live cluster (`stateguard audit`) rather than manifest files. */
export function isAudit(report: Pick<Report, 'apiServer'>): boolean {
  return report.apiServer !== undefined;
}

/** `file:line`, or the API path alone for a cluster object. */
export function locationOf(item: Pick<ReportItem, 'source' | 'line'>): string {
  return item.line > 0 ? `${item.source}:${item.line}` : item.source;
}

/** Every violation of every item, in order. */
export function findings(report: Report): Finding[] {
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

/** What the summary line and the exit code need; kept as a running tally when items are not kept (streamed review). */
export interface ReportTotals {
  statefulSets: number;
  denied: number;
  warned: number;
  /** Items a rule failed on. */
  errors: number;
  /** Items with a policy not judged because a lookup was refused. */
  incomplete: number;
  clean: number;
  problems: number;
  skipped: Record<string, number>;
}

export type Counts = Pick<ReportTotals, 'denied' | 'warned' | 'errors' | 'incomplete' | 'clean'>;

export function emptyTotals(): ReportTotals {
  return { statefulSets: 0, denied: 0, warned: 0, errors: 0, incomplete: 0, clean: 0, problems: 0, skipped: {} };
}

/** Counts one item by its verdict: each item counted once. */
export function addItem(tally: ReportTotals, item: ReportItem): void {
  tally.statefulSets++;
  switch (verdictOf(item.evaluation.results)) {
    case 'error': tally.errors++; break;
    case 'incomplete': tally.incomplete++; break;
    case 'deny': tally.denied++; break;
    case 'warn': tally.warned++; break;
    case 'pass': tally.clean++; break;
  }
}

export function totals(report: Report): ReportTotals {
  const tally = { ...emptyTotals(), problems: report.problems.length, skipped: { ...report.skipped } };
  for (const item of report.items) addItem(tally, item);
  return tally;
}

/** Items by verdict: each item counted once. */
export function counts(report: Report): Counts {
  const { denied, warned, errors, incomplete, clean } = totals(report);
  return { denied, warned, errors, incomplete, clean };
}

/** 0 clean, 1 deny violations (or warnings with --fail-on warn), 2 input or evaluation errors or refused lookups. */
export function exitCode(report: Report, failOn: FailOn): number {
  return exitCodeOf(totals(report), failOn);
}

export function exitCodeOf(t: ReportTotals, failOn: FailOn): number {
  if (t.problems > 0 || t.errors > 0 || t.incomplete > 0) return 2;
  if (t.denied > 0 || (failOn === 'warn' && t.warned > 0)) return 1;
  return 0;
}
