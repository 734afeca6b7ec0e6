/**
 * The StatefulSet corpora the tests run over, one entry per StatefulSet document:
 * - `fixture`: test/fixtures/corpus, written for this project; always there, so every clone runs it;
 * - `real`: the real-world corpus at ../shared/corpus/real beside the checkout (CI has it). Optional: a test
 *   over it is reported as skipped, naming the missing path, when it is not there (`corpusSkip`).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

export interface Corpus {
  readonly id: 'fixture' | 'real';
  readonly dir: string;
  /** StatefulSet documents the corpus holds: a changed count is a changed corpus, to be re-pinned on purpose. */
  readonly statefulSets: number;
  /** Pinned verdict summaries, written by scripts/pin-corpus-verdicts.ts. */
  readonly pinnedVerdicts: string;
  readonly optional: boolean;
}

const FIXTURES = resolve(import.meta.dirname, '../fixtures');

export const FIXTURE_CORPUS: Corpus = { id: 'fixture', dir: join(FIXTURES, 'corpus'), statefulSets: 20, pinnedVerdicts: join(FIXTURES, 'fixture-corpus-verdicts.json'), optional: false };
export const REAL_CORPUS: Corpus = { id: 'real', dir: resolve(import.meta.dirname, '../../../shared/corpus/real'), statefulSets: 59, pinnedVerdicts: join(FIXTURES, 'real-corpus-verdicts.json'), optional: true };
export const CORPORA: readonly Corpus[] = [FIXTURE_CORPUS, REAL_CORPUS];

export interface CorpusEntry {
  readonly file: string;
  readonly name: string;
  readonly object: Record<string, unknown>;
}

export function corpusPresent(corpus: Corpus): boolean {
  return existsSync(corpus.dir);
}

/**
 * node:test options for a test over `corpus`: `{ skip: <why> }` when an optional corpus is absent (reported as a
 * skip with the path, never as a pass), else `{}`. A missing required corpus is not skipped: loading it fails.
 */
export function corpusSkip(corpus: Corpus): { skip?: string } {
  if (!corpus.optional || corpusPresent(corpus)) return {};
  return { skip: `the ${corpus.id}-world corpus is not there: ${corpus.dir} does not exist (CI provides it beside the checkout)` };
}

export function corpusFiles(corpus: Corpus = FIXTURE_CORPUS): string[] {
  return readdirSync(corpus.dir).filter((f) => f.endsWith('.yaml')).sort();
}

const loaded = new Map<Corpus['id'], CorpusEntry[]>();

/** The corpus's StatefulSets, parsed once per process (the fixture corpus holds an 850 KB bundle): do not mutate them. */
export function loadCorpus(corpus: Corpus = FIXTURE_CORPUS): CorpusEntry[] {
  const cached = loaded.get(corpus.id);
  if (cached !== undefined) return cached;
  const entries: CorpusEntry[] = [];
  for (const file of corpusFiles(corpus)) {
    for (const document of parseAllDocuments(readFileSync(join(corpus.dir, file), 'utf8'))) {
      const value = document.toJS() as Record<string, unknown> | null;
      const items = value?.['kind'] === 'List' ? (value['items'] as Record<string, unknown>[]) : [value];
      for (const object of items) {
        if (object?.['kind'] !== 'StatefulSet') continue;
        entries.push({ file, name: String((object['metadata'] as Record<string, unknown>)['name']), object });
      }
    }
  }
  loaded.set(corpus.id, entries);
  return entries;
}

/** Every corpus that is there: the fixture corpus always, the real-world one when present (for loops over both). */
export function presentCorpora(): Corpus[] {
  return CORPORA.filter((corpus) => !corpus.optional || corpusPresent(corpus));
}

/** For the benchmarks: the real-world corpus when it is there (their published numbers use it), else the fixture corpus. */
export function benchCorpus(): Corpus {
  return corpusPresent(REAL_CORPUS) ? REAL_CORPUS : FIXTURE_CORPUS;
}
