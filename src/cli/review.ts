/**
 * `stateguard review`: evaluate manifests offline, as the webhook would (mutate, then validate). Documents are
 * evaluated as they are read; text output is written as it goes, the other formats keep only the evaluated items.
 */
import { writeFileSync } from 'node:fs';
import { EXCEPTION_KIND, evaluate, readException, type ActionSettings, type ExceptionsInput, type PolicyException, type PolicySet } from '../policy/index.ts';
import { addItem, emptyTotals, exitCodeOf, type FailOn, type InputProblem, type ReportItem } from '../report/model.ts';
import { formatTextItem, formatTextProblem, formatTextSummary } from '../report/text.ts';
import { terminalSafe } from '../report/terminal-safe.ts';
import { yamlDiff } from '../report/yaml-diff.ts';
import { fixFile } from './fix.ts';
import { formatOutput, type OutputFormat } from './output.ts';
import { readManifestStream, type Manifest, type StdinReader } from './read-manifests.ts';
import type { ReadResult } from './read-sources.ts';
import { describeSources, LOOKUP_KINDS, ReviewLookups } from './review-lookups.ts';

export interface ReviewOptions {
  readonly output: OutputFormat;
  readonly diff: boolean;
  readonly fix: boolean;
  readonly failOn: FailOn;
  readonly color: boolean;
  /** `--cluster-data` files and directories: LOOKUP data beside what the reviewed inputs carry. */
  readonly clusterData?: readonly string[];
  /** StatefulSetPolicyExceptions of the `--policies` directories; those in the reviewed inputs are added. */
  readonly exceptions?: readonly PolicyException[];
}

export interface CommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly stdin: StdinReader;
}

export function review(paths: readonly string[], set: PolicySet, actions: ActionSettings, options: ReviewOptions, io: CommandIo, version: string): number {
  // With `--fix -` the fixed manifests own stdout (for a pipe into kubectl); the report goes to stderr.
  const report = options.fix && paths.includes('-') ? io.stderr : io.stdout;
  const streaming = options.output === 'text';
  const tally = emptyTotals();
  const items: ReportItem[] = [];
  const problems: InputProblem[] = [];
  const pending: { manifest: Manifest; item: ReportItem | undefined }[] = [];
  const written: string[] = [];
  let stdinChanged = false;
  const onProblem = (problem: InputProblem): void => {
    tally.problems++;
    if (streaming) report(formatTextProblem(problem, options.color));
    else problems.push(problem);
  };
  const stdin = onceStdin(io.stdin);
  const exceptions: PolicyException[] = [...(options.exceptions ?? [])];
  const lookups = collectLookups(paths, options.clusterData ?? [], stdin, onProblem, exceptions);
  const excepting: ExceptionsInput = { items: exceptions, now: Date.now() };
  for (const event of readManifestStream(paths, stdin, { keepDocuments: options.fix })) {
    if (event.type === 'problem') onProblem(event.problem);
    else if (event.type === 'skipped') tally.skipped[event.kind] = (tally.skipped[event.kind] ?? 0) + 1;
    else if (event.type === 'manifest') {
      const item = evaluateManifest(event.manifest, set, actions, lookups, excepting, onProblem);
      if (options.fix) pending.push({ manifest: event.manifest, item });
      if (item === undefined) continue;
      addItem(tally, item);
      if (streaming) {
        const diff = options.diff ? yamlDiff(event.manifest.object, item.evaluation.mutated, `statefulset/${item.namespace}/${item.name}`) : undefined;
        report(formatTextItem(item, options.color, { diff }));
      } else {
        // The mutated object is only needed for --diff (text); dropping it keeps the kept items small.
        items.push({ ...item, evaluation: { ...item.evaluation, mutated: undefined } });
      }
    } else {
      const fixed = fixFile(event.source, pending.map(({ manifest, item }) => ({ manifest, patch: item?.evaluation.patch ?? [] })));
      pending.length = 0;
      if (fixed.rerendered) io.stderr(`--fix: ${terminalSafe(event.source.file)}: an edit touches lines the YAML library writes differently, so the whole file was rendered again (comments kept, layout normalised)\n`);
      if (event.source.file === '<stdin>') {
        io.stdout(fixed.text);
        stdinChanged ||= fixed.changed;
      } else if (fixed.changed) {
        writeFileSync(event.source.file, fixed.text);
        written.push(event.source.file);
      }
    }
  }
  const sources = lookups.size > 0 || (options.clusterData ?? []).length > 0 ? lookups.sources() : undefined;
  if (streaming) report((sources === undefined ? '' : `${terminalSafe(describeSources(sources))}\n`) + formatTextSummary(tally));
  else report(formatOutput({ items, problems, skipped: tally.skipped, ...(sources === undefined ? {} : { lookups: sources }) }, options.output, { color: options.color }, set, version));
  if (options.fix) {
    const done = [...(written.length > 0 ? [`wrote ${terminalSafe(written.join(', '))}`] : []), ...(stdinChanged ? ['fixed the manifests from stdin'] : [])];
    const stdin = paths.includes('-') ? ` (the manifests from stdin are on stdout${stdinChanged ? '' : ', unchanged'})` : '';
    io.stderr(`--fix: ${done.length === 0 ? 'nothing to change' : done.join('; ')}${stdin}\n`);
  }
  return exitCodeOf(tally, options.failOn);
}

/** Inputs without such a `kind` are not parsed in the first pass (most have only StatefulSets). */
const MENTIONS_LOOKUP_KIND = new RegExp(`kind["']?\\s*:\\s*["']?(${[...Object.keys(LOOKUP_KINDS), EXCEPTION_KIND].join('|')})\\b`);

/** Stdin is read once (the first pass collects its lookup objects, the second reviews it). */
function onceStdin(read: StdinReader): StdinReader {
  let result: ReadResult | undefined;
  return (maxBytes) => (result ??= read(maxBytes));
}

/**
 * First pass: the LOOKUP objects of --cluster-data and of the reviewed inputs (their problems are reported later),
 * and the StatefulSetPolicyExceptions of the reviewed inputs (an invalid one is a problem, reported now).
 */
function collectLookups(paths: readonly string[], clusterData: readonly string[], stdin: StdinReader, onProblem: (problem: InputProblem) => void, exceptions: PolicyException[]): ReviewLookups {
  const lookups = new ReviewLookups();
  for (const path of clusterData) {
    if (path === '-') {
      onProblem({ file: '-', message: '--cluster-data -: stdin is for the manifests to review; give the cluster data as a file or directory' });
      continue;
    }
    for (const event of readManifestStream([path], stdin)) {
      if (event.type === 'problem') onProblem({ ...event.problem, message: `--cluster-data: ${event.problem.message}` });
      else if (event.type === 'skipped') lookups.add(event.object, event.file, 'cluster-data');
    }
  }
  for (const event of readManifestStream(paths, stdin, { keepDocuments: false, mentions: MENTIONS_LOOKUP_KIND })) {
    if (event.type !== 'skipped') continue;
    if (event.kind !== EXCEPTION_KIND) {
      lookups.add(event.object, event.file, 'review');
      continue;
    }
    const reading = readException(event.object);
    if (reading.ok) exceptions.push(reading.exception);
    else for (const problem of reading.problems) onProblem({ file: event.file, line: event.line, message: `${EXCEPTION_KIND}: ${problem}` });
  }
  return lookups;
}

function evaluateManifest(manifest: Manifest, set: PolicySet, actions: ActionSettings, lookups: ReviewLookups, exceptions: ExceptionsInput, onProblem: (problem: InputProblem) => void): ReportItem | undefined {
  const metadata = (manifest.object['metadata'] ?? {}) as Record<string, unknown>;
  const namespace = typeof metadata['namespace'] === 'string' ? metadata['namespace'] : 'default';
  const name = typeof metadata['name'] === 'string' ? metadata['name'] : typeof metadata['generateName'] === 'string' ? `${metadata['generateName']}*` : '<unnamed>';
  try {
    return { source: manifest.file, line: manifest.line, kind: 'StatefulSet', namespace, name, evaluation: evaluate(set, { object: manifest.object, operation: 'CREATE', namespace, ...lookups.forStatefulSet(manifest.object, namespace, manifest.file), exceptions }, { actions, surface: 'review' }) };
  } catch (error) {
    onProblem({ file: manifest.file, line: manifest.line, message: `cannot evaluate ${namespace}/${name}: ${error instanceof Error ? error.message : String(error)}` });
    return undefined;
  }
}
