/** Human output: compact, grouped per StatefulSet, coloured only when asked (a TTY without NO_COLOR). */
import type { PolicyResult } from '../policy/index.ts';
import { counts, flaggedResults, locationOf, verdictOf, type ReviewReport, type Verdict } from './model.ts';

export interface TextOptions {
  readonly color: boolean;
  /** Unified YAML diff of the injected defaults per item, when --diff is on. */
  readonly diffs?: ReadonlyMap<number, string>;
}

const CODES = { red: 31, yellow: 33, green: 32, cyan: 36, dim: 2, bold: 1 } as const;
type Paint = (code: keyof typeof CODES, text: string) => string;

const MARK: Readonly<Record<PolicyResult['result'], string>> = { fail: '✗', warn: '!', error: 'E', skip: '-', pass: '✓' };
const VERDICT: Readonly<Record<Verdict, readonly [keyof typeof CODES, string]>> = {
  error: ['red', 'ERROR'], incomplete: ['red', 'INCOMPLETE'], deny: ['red', 'DENY'], warn: ['yellow', 'WARN'], pass: ['green', 'PASS'],
};

export function formatText(report: ReviewReport, options: TextOptions): string {
  const paint: Paint = options.color ? (code, text) => `\u001b[${CODES[code]}m${text}\u001b[0m` : (_code, text) => text;
  const out: string[] = [];
  report.items.forEach((item, index) => {
    const results = item.evaluation.results;
    const flagged = flaggedResults(results);
    const verdict = paint(...VERDICT[verdictOf(results)]);
    out.push(`${verdict} ${paint('bold', `${item.kind} ${item.namespace}/${item.name}`)} ${paint('dim', locationOf(item))}`);
    for (const result of flagged) {
      const colour = result.result === 'warn' ? 'yellow' : 'red';
      if (result.violations.length === 0) {
        out.push(`  ${paint(colour, `${MARK[result.result]} ${result.policy}`)} ${result.reason ?? ''}`);
      }
      for (const v of result.violations) {
        const check = v.checkId === undefined ? '' : ` [${v.checkId}]`;
        out.push(`  ${paint(colour, `${MARK[result.result]} ${result.policy}${check}`)} ${paint('dim', v.path)}`);
        out.push(`      ${v.message}`);
        out.push(`      ${paint('cyan', 'fix:')} ${v.fix}`);
      }
    }
    const exempted = results.filter((r) => r.skip?.cause === 'exempted');
    for (const result of exempted) out.push(`  ${MARK.skip} ${result.policy} ${paint('dim', result.reason ?? '')}`);
    const offline = results.filter((r) => r.skip?.cause === 'no-cluster-data');
    if (offline.length > 0) out.push(paint('dim', `  - ${offline.map((r) => r.policy).join(', ')}: need cluster data, skipped`));
    if (item.evaluation.mutators.length > 0) {
      out.push(`  ${paint('cyan', '+')} defaults the webhook would inject: ${item.evaluation.mutators.join(', ')}${options.diffs === undefined && report.origin !== 'cluster' ? paint('dim', ' (--diff shows them)') : ''}`);
    }
    const diff = options.diffs?.get(index);
    if (diff !== undefined && diff !== '') out.push(diff.split('\n').map((line) => `    ${line.startsWith('+') ? paint('green', line) : line.startsWith('-') ? paint('red', line) : paint('dim', line)}`).join('\n'));
  });
  for (const problem of report.problems) {
    const where = problem.line === undefined ? problem.file : `${problem.file}:${problem.line}`;
    out.push(`${paint('red', 'ERROR')} ${where}: ${problem.message}`);
  }
  out.push(summary(report));
  return out.join('\n') + '\n';
}

function summary(report: ReviewReport): string {
  const { denied, warned, clean, errors, incomplete } = counts(report);
  const audit = report.origin === 'cluster';
  const skipped = Object.entries(report.skipped);
  const skippedCount = skipped.reduce((sum, [, n]) => sum + n, 0);
  const parts = [
    `${report.items.length} StatefulSet${report.items.length === 1 ? '' : 's'} ${audit ? 'audited' : 'reviewed'}: ${denied} denied, ${warned} with warnings, ${clean} clean`,
    ...(errors > 0 ? [`${errors} with policy errors`] : []),
    ...(incomplete > 0 ? [`${incomplete} not fully evaluated (a lookup was refused)`] : []),
    ...(audit ? [] : [`${skippedCount} other document${skippedCount === 1 ? '' : 's'} skipped${skippedCount > 0 ? ` (${skipped.map(([k, n]) => `${n} ${k}`).join(', ')})` : ''}`]),
    `${report.problems.length} ${audit ? 'cluster' : 'input'} error${report.problems.length === 1 ? '' : 's'}`,
  ];
  return parts.join('; ');
}
