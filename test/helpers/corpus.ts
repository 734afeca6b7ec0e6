/** The shared corpus of real StatefulSets (../shared/corpus/real), one entry per StatefulSet document. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const CORPUS_DIR = resolve(import.meta.dirname, '../../../shared/corpus/real');

export interface CorpusEntry {
  readonly file: string;
  readonly name: string;
  readonly object: Record<string, unknown>;
}

export function corpusFiles(): string[] {
  return readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.yaml')).sort();
}

export function loadCorpus(): CorpusEntry[] {
  const entries: CorpusEntry[] = [];
  for (const file of corpusFiles()) {
    for (const document of parseAllDocuments(readFileSync(join(CORPUS_DIR, file), 'utf8'))) {
      const value = document.toJS() as Record<string, unknown> | null;
      const items = value?.['kind'] === 'List' ? (value['items'] as Record<string, unknown>[]) : [value];
      for (const object of items) {
        if (object?.['kind'] !== 'StatefulSet') continue;
        entries.push({ file, name: String((object['metadata'] as Record<string, unknown>)['name']), object });
      }
    }
  }
  return entries;
}
