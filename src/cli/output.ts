/** Picks the formatter for `-o`. */
import type { PolicySet } from '../policy/index.ts';
import { formatJson } from '../report/json.ts';
import { formatJunit } from '../report/junit.ts';
import type { Report } from '../report/model.ts';
import { formatSarif } from '../report/sarif.ts';
import { formatText, type TextOptions } from '../report/text.ts';

export const OUTPUT_FORMATS = ['text', 'json', 'sarif', 'junit'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function formatOutput(report: Report, format: OutputFormat, text: TextOptions, set: PolicySet, version: string): string {
  switch (format) {
    case 'json': return formatJson(report);
    case 'sarif': return formatSarif(report, set.policies, version, { cwd: process.cwd() });
    case 'junit': return formatJunit(report);
    case 'text': return formatText(report, text);
  }
}
