/** Human output: compact, grouped per StatefulSet, coloured only when asked (a TTY without NO_COLOR). */
import { styleText } from 'node:util';
import type { PolicyResult } from '../policy/index.ts';
import { flaggedResults, isAudit, locationOf, totals, verdictOf, type InputProblem, type ReportItem, type Report, type ReportTotals, type Verdict } from './model.ts';
import { terminalSafe as safe } from './terminal-safe.ts';

export interface TextOptions {
  readonly color: boolean;
  /** Unified YAML diff of the injected defaults per item, when --diff is on. */
  readonly diffs?: ReadonlyMap<number, string>;
}

type Style = 'red' | 'yellow' | 'green' | 'cyan' | 'dim' | 'bold';
type Paint = (style: Style, text: string) => string;

const MARK: Readonly<Record<PolicyResult['result'], string>> = { fail: '✗', warn: '!', error: 'E', skip: '-', pass: '✓' };
const VERDICT: Readonly<Record<Verdict, readonly [Style, string]>> = {
  error: ['red', 'ERROR'], incomplete: ['red', 'INCOMPLETE'], deny: ['red', 'DENY'], warn: ['yellow', 'WARN'], pass: ['green', 'PASS'],
};

function painter(color: boolean): Paint {
  return color ? (style, text) => styleText(style, text, { validateStream: false }) : (_style, text) => text;
}

/** The whole report at once (audit, tests); `review` writes the same lines as it goes. */
export function formatText(report: Report, options: TextOptions): string {
  const audit = isAudit(report);
  const out = report.items.map((item, index) => formatTextItem(item, options.color, audit ? { audit } : { diff: options.diffs === undefined ? undefined : options.diffs.get(index) ?? '' }));
  for (const problem of report.problems) out.push(formatTextProblem(problem, options.color));
  out.push(formatTextSummary(totals(report), audit));
  return out.join('');
}

/**
 * One StatefulSet's lines. `diff`: undefined when --diff is off, '' when on and nothing changed. Every string taken
 * from a manifest is escaped: a field value must not move the cursor, recolour or rewrite the terminal.
 */
export function formatTextItem(item: ReportItem, color: boolean, shown: { readonly diff?: string | undefined; readonly audit?: boolean } = {}): string {
  const { diff, audit = false } = shown;
  const paint = painter(color);
  const out: string[] = [];
  const results = item.evaluation.results;
  const flagged = flaggedResults(results);
  const verdict = paint(...VERDICT[verdictOf(results)]);
  out.push(`${verdict} ${paint('bold', safe(`${item.kind} ${item.namespace}/${item.name}`))} ${paint('dim', safe(locationOf(item)))}`);
  for (const result of flagged) {
    const colour = result.result === 'warn' ? 'yellow' : 'red';
    if (result.violations.length === 0) {
      out.push(`  ${paint(colour, `${MARK[result.result]} ${safe(result.policy)}`)} ${safe(result.reason ?? '')}`);
    }
    for (const v of result.violations) {
      const check = v.checkId === undefined ? '' : ` [${v.checkId}]`;
      out.push(`  ${paint(colour, safe(`${MARK[result.result]} ${result.policy}${check}`))} ${paint('dim', safe(v.path))}`);
      out.push(`      ${safe(v.message)}`);
      out.push(`      ${paint('cyan', 'fix:')} ${safe(v.fix)}`);
    }
    // A claimed exemption that was not honoured: say why (offline, nobody can verify who may exempt).
    if (result.exemption?.honoured === false && result.violations.length > 0) out.push(`      ${paint('dim', safe(result.reason ?? ''))}`);
    for (const note of exceptionNotes(result)) out.push(`      ${paint('dim', safe(note))}`);
    const omitted = result.omittedViolations ?? 0;
    if (omitted > 0) out.push(`  ${paint(colour, `${MARK[result.result]} ${safe(result.policy)}`)} … and ${omitted} more violation${omitted === 1 ? '' : 's'} (only the first ${result.violations.length} are listed)`);
  }
  const exempted = results.filter((r) => r.skip?.cause === 'exempted' || r.skip?.cause === 'excepted');
  for (const result of exempted) out.push(`  ${MARK.skip} ${safe(result.policy)} ${paint('dim', safe(result.reason ?? ''))}`);
  const unscoped = results.filter((r) => r.scope !== undefined);
  if (unscoped.length > 0) out.push(paint('dim', `  ~ ${safe(unscoped.map((r) => `${r.policy} (${r.scope?.unchecked.join(', ')})`).join(', '))}: evaluated as if in scope; those match/exclude parts were not checked (unknown here)`));
  const offline = results.filter((r) => r.skip?.cause === 'no-cluster-data');
  if (offline.length > 0) out.push(paint('dim', `  - ${safe(offline.map((r) => r.policy).join(', '))}: need cluster data, skipped`));
  const unconfigured = results.filter((r) => r.skip?.cause === 'not-configured');
  if (unconfigured.length > 0) out.push(paint('dim', `  - ${safe(unconfigured.map((r) => r.policy).join(', '))}: enabled but not configured (no params), nothing checked`));
  if (item.evaluation.mutators.length > 0) {
    out.push(`  ${paint('cyan', '+')} defaults the webhook would inject: ${safe(item.evaluation.mutators.join(', '))}${diff === undefined && !audit ? paint('dim', ' (--diff shows them)') : ''}`);
  }
  if (diff !== undefined && diff !== '') out.push(diff.split('\n').map((line) => `    ${paintDiffLine(paint, safe(line))}`).join('\n'));
  return out.join('\n') + '\n';
}

function paintDiffLine(paint: Paint, line: string): string {
  if (line.startsWith('+++') || line.startsWith('---')) return paint('bold', line);
  if (line.startsWith('@@')) return paint('cyan', line);
  if (line.startsWith('+')) return paint('green', line);
  return line.startsWith('-') ? paint('red', line) : paint('dim', line);
}

export function formatTextProblem(problem: InputProblem, color: boolean): string {
  const where = problem.line === undefined ? problem.file : `${problem.file}:${problem.line}`;
  return `${painter(color)('red', 'ERROR')} ${safe(where)}: ${safe(problem.message)}\n`;
}

export function formatTextSummary(t: ReportTotals, audit = false): string {
  const skipped = Object.entries(t.skipped);
  const skippedCount = skipped.reduce((sum, [, n]) => sum + n, 0);
  const parts = [
    `${t.statefulSets} StatefulSet${t.statefulSets === 1 ? '' : 's'} ${audit ? 'audited' : 'reviewed'}: ${t.denied} denied, ${t.warned} with warnings, ${t.clean} clean`,
    ...(t.errors > 0 ? [`${t.errors} with policy errors`] : []),
    ...(t.incomplete > 0 ? [`${t.incomplete} not fully evaluated (a lookup was refused)`] : []),
    ...(audit ? [] : [`${skippedCount} other document${skippedCount === 1 ? '' : 's'} skipped${skippedCount > 0 ? ` (${safe(skipped.map(([k, n]) => `${n} ${k}`).join(', '))})` : ''}`]),
    `${t.problems} ${audit ? 'cluster' : 'input'} error${t.problems === 1 ? '' : 's'}`,
  ];
  return parts.join('; ') + '\n';
}

/** For a judged result: the StatefulSetPolicyExceptions that lifted some of its checks, expired ones, or that none could be read. */
function exceptionNotes(result: PolicyResult): string[] {
  const trace = result.exceptions;
  if (trace === undefined) return [];
  return [
    ...(trace.applied ?? []).map((e) => `checks ${(e.checks ?? []).join(', ')} excepted by StatefulSetPolicyException ${e.namespace}/${e.name}`),
    ...(trace.expired ?? []).map((e) => `StatefulSetPolicyException ${e.namespace}/${e.name} expired at ${e.expiresAt}: not applied`),
    ...(trace.unchecked === undefined ? [] : [trace.unchecked]),
  ];
}
