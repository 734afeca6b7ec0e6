/** Markdown for pull-request comments, issues and job summaries: a summary table, then the findings per StatefulSet. */
import type { PolicyResult } from '../policy/index.ts';
import { counts, type ReviewItem, type ReviewReport } from './model.ts';

const FLAGGED: readonly PolicyResult['result'][] = ['fail', 'error', 'warn'];

export function formatMarkdown(report: ReviewReport, title: string): string {
  const { denied, warned, clean, errors } = counts(report);
  const out = [
    `## ${title}`,
    '',
    `**${report.items.length} StatefulSet${report.items.length === 1 ? '' : 's'}: ${denied} denied, ${warned} with warnings, ${clean} clean**` +
      (errors > 0 ? `, ${errors} with policy errors` : '') + (report.problems.length > 0 ? `, ${report.problems.length} input errors` : ''),
  ];
  if (report.items.length > 0) {
    out.push('', '| verdict | StatefulSet | fail | warn | error | skip |', '|---|---|--:|--:|--:|--:|');
    for (const item of report.items) {
      const tally = (result: PolicyResult['result']) => item.evaluation.results.filter((r) => r.result === result).length;
      out.push(`| ${verdict(item)} | ${code(`${item.namespace}/${item.name}`)} | ${tally('fail')} | ${tally('warn')} | ${tally('error')} | ${tally('skip')} |`);
    }
  }
  for (const item of report.items) {
    const flagged = FLAGGED.flatMap((kind) => item.evaluation.results.filter((r) => r.result === kind));
    if (flagged.length === 0) continue;
    out.push('', `### ${verdict(item)} ${code(`${item.namespace}/${item.name}`)}`, '', '| result | policy | path | message | fix |', '|---|---|---|---|---|');
    for (const result of flagged) {
      if (result.violations.length === 0) out.push(`| ${result.result} | ${code(result.policy)} | | ${cell(result.reason ?? '')} | |`);
      for (const v of result.violations) {
        const policy = v.checkId === undefined ? result.policy : `${result.policy} [${v.checkId}]`;
        out.push(`| ${result.result} | ${code(policy)} | ${code(v.path)} | ${cell(v.message)} | ${cell(v.fix)} |`);
      }
    }
    const skipped = item.evaluation.results.filter((r) => r.result === 'skip');
    if (skipped.length > 0) out.push('', `Skipped: ${skipped.map((r) => `${code(r.policy)} (${cell(r.reason ?? 'skipped')})`).join(', ')}`);
  }
  if (report.problems.length > 0) {
    out.push('', '### Errors', '');
    for (const problem of report.problems) out.push(`- ${code(problem.line === undefined ? problem.file : `${problem.file}:${problem.line}`)}: ${cell(problem.message)}`);
  }
  return out.join('\n') + '\n';
}

function verdict(item: ReviewItem): string {
  const results = item.evaluation.results;
  if (results.some((r) => r.result === 'fail')) return 'DENY';
  return results.some((r) => r.result === 'warn' || r.result === 'error') ? 'WARN' : 'PASS';
}

/** Table-safe text: pipes escaped, line breaks as <br>. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'").replace(/\|/g, '\\|')}\``;
}
