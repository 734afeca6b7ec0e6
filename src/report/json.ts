/** Machine output: the whole report as JSON, patches included. */
import { counts, type Report } from './model.ts';

export function formatJson(report: Report): string {
  return JSON.stringify({
    summary: { statefulSets: report.items.length, ...counts(report), inputErrors: report.problems.length, skipped: report.skipped },
    items: report.items.map((item) => ({
      file: item.source, line: item.line, kind: item.kind, namespace: item.namespace, name: item.name,
      results: item.evaluation.results, mutators: item.evaluation.mutators, patch: item.evaluation.patch,
    })),
    problems: report.problems,
    ...(report.lookups === undefined ? {} : { lookups: report.lookups }),
  }, null, 2) + '\n';
}
