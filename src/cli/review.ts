/** `stateguard review`: evaluate manifests offline, as the webhook would (mutate, then validate). */
import { writeFileSync } from 'node:fs';
import { evaluate, type PolicySet, type ActionSettings } from '../policy/index.ts';
import { exitCode, type FailOn, type ReviewItem, type ReviewReport } from '../report/model.ts';
import { formatOutput, type OutputFormat } from './output.ts';
import { applyFixes } from './fix.ts';
import { readManifests } from './read-manifests.ts';
import { yamlDiff } from '../report/yaml-diff.ts';

export interface ReviewOptions {
  readonly output: OutputFormat;
  readonly diff: boolean;
  readonly fix: boolean;
  readonly failOn: FailOn;
  readonly color: boolean;
}

export interface CommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly stdin: () => string;
}

export function review(paths: readonly string[], set: PolicySet, actions: ActionSettings, options: ReviewOptions, io: CommandIo, version: string): number {
  const input = readManifests(paths, io.stdin, { keepDocuments: options.fix });
  const items: ReviewItem[] = [];
  const problems = [...input.problems];
  for (const manifest of input.manifests) {
    const metadata = (manifest.object['metadata'] ?? {}) as Record<string, unknown>;
    const namespace = typeof metadata['namespace'] === 'string' ? metadata['namespace'] : 'default';
    const name = typeof metadata['name'] === 'string' ? metadata['name'] : typeof metadata['generateName'] === 'string' ? `${metadata['generateName']}*` : '<unnamed>';
    try {
      items.push({ file: manifest.file, line: manifest.line, kind: 'StatefulSet', namespace, name, evaluation: evaluate(set, { object: manifest.object, operation: 'CREATE', namespace }, { actions }) });
    } catch (error) {
      problems.push({ file: manifest.file, line: manifest.line, message: `cannot evaluate ${namespace}/${name}: ${error instanceof Error ? error.message : String(error)}` });
    }
  }
  const report: ReviewReport = { items, problems, skipped: Object.fromEntries(input.skipped) };
  const diffs = options.diff ? new Map(items.map((item, i) => [i, yamlDiff(input.manifests[i]?.object, item.evaluation.mutated)])) : undefined;
  io.stdout(formatOutput(report, options.output, { color: options.color, ...(diffs === undefined ? {} : { diffs }) }, set, version));
  if (options.fix) {
    const fixed = applyFixes(input.files, input.manifests, items);
    for (const file of fixed) {
      if (file.file === '<stdin>') io.stdout(file.text);
      else writeFileSync(file.file, file.text);
    }
    io.stderr(`--fix: ${fixed.length === 0 ? 'nothing to change' : `wrote ${fixed.map((f) => f.file).join(', ')}`}\n`);
  }
  return exitCode(report, options.failOn);
}
