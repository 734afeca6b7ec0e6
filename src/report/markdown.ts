/** Markdown for pull-request comments, issues and job summaries: a summary table, then the findings per StatefulSet. */
import type { PolicyResult } from '../policy/index.ts';
import { counts, flaggedResults, isAudit, verdictOf, type ReportItem, type Report } from './model.ts';

export function formatMarkdown(report: Report, title: string): string {
  const { denied, warned, clean, errors, incomplete } = counts(report);
  const problems = isAudit(report) ? 'cluster errors' : 'input errors';
  const out = [
    `## ${title}`,
    '',
    `**${report.items.length} StatefulSet${report.items.length === 1 ? '' : 's'}: ${denied} denied, ${warned} with warnings, ${clean} clean**` +
      (errors > 0 ? `, ${errors} with policy errors` : '') + (incomplete > 0 ? `, ${incomplete} not fully evaluated (a lookup was refused)` : '') +
      (report.problems.length > 0 ? `, ${report.problems.length} ${problems}` : ''),
  ];
  if (report.items.length > 0) {
    // Counted as the findings tables below list them: one row per violation, per rule error, per refused lookup.
    out.push('', '| verdict | StatefulSet | deny violations | warnings | rule errors | not evaluated | skipped policies |', '|---|---|--:|--:|--:|--:|--:|');
    for (const item of report.items) {
      const rows = (kind: string) => flaggedResults(item.evaluation.results).filter((r) => resultLabel(r) === kind).reduce((n, r) => n + Math.max(1, r.violations.length), 0);
      out.push(`| ${verdict(item)} | ${code(`${item.namespace}/${item.name}`)} | ${rows('fail')} | ${rows('warn')} | ${rows('error')} | ${rows(NOT_EVALUATED)} | ${skippedOf(item).length} |`);
    }
  }
  for (const item of report.items) {
    const flagged = flaggedResults(item.evaluation.results);
    if (flagged.length === 0) continue;
    out.push('', `### ${verdict(item)} ${code(`${item.namespace}/${item.name}`)}`, '', '| result | policy | path | message | fix |', '|---|---|---|---|---|');
    for (const result of flagged) {
      if (result.violations.length === 0) out.push(`| ${resultLabel(result)} | ${code(result.policy)} | | ${cell(result.reason ?? '')} | |`);
      for (const v of result.violations) {
        const policy = v.checkId === undefined ? result.policy : `${result.policy} [${v.checkId}]`;
        out.push(`| ${result.result} | ${code(policy)} | ${code(v.path)} | ${cell(v.message)} | ${cell(v.fix)} |`);
      }
    }
    const skipped = skippedOf(item);
    if (skipped.length > 0) out.push('', `Skipped: ${skipped.map((r) => `${code(r.policy)} (${cell(r.reason ?? 'skipped')})`).join(', ')}`);
  }
  if (report.problems.length > 0) {
    out.push('', '### Errors', '');
    for (const problem of report.problems) out.push(`- ${code(problem.line === undefined ? problem.file : `${problem.file}:${problem.line}`)}: ${cell(problem.message)}`);
  }
  return out.join('\n') + '\n';
}

function verdict(item: ReportItem): string {
  return verdictOf(item.evaluation.results).toUpperCase();
}

const NOT_EVALUATED = 'not evaluated';

/** Skips a reader may accept (exempted, no cluster data); a refused lookup is flagged instead. */
function skippedOf(item: ReportItem): PolicyResult[] {
  return item.evaluation.results.filter((r) => r.result === 'skip' && resultLabel(r) === 'skip');
}

function resultLabel(result: PolicyResult): string {
  return result.skip?.cause === 'lookup-forbidden' ? NOT_EVALUATED : result.result;
}

/** Table-safe text: pipes escaped, line breaks as <br>. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'").replace(/\|/g, '\\|')}\``;
}
