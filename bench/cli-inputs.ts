/**
 * The CLI bench's inputs: 10,000 real-shaped StatefulSets, made by copying the corpus's StatefulSets (the real-world
 * corpus when it is there, else the project's fixture corpus) with new names, laid out two ways: 100 files of 100
 * documents, and 10,000 single-document files. The copies are `apps/v1` (a few corpus ones are v1beta1). Also one StatefulSet alone, for the start-up figure.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { benchCorpus, loadCorpus } from '../test/helpers/corpus.ts';

export interface CliInputs {
  /** Which corpus the documents were copied from, and its StatefulSet count. */
  readonly corpus: { readonly id: string; readonly dir: string; readonly statefulSets: number; readonly leftOut: readonly string[] };
  readonly documents: number;
  /** Directory → its files in name order (kube-score takes files, not directories). */
  readonly layouts: Readonly<Record<'multi' | 'single' | 'small', { readonly dir: string; readonly files: readonly string[]; readonly documents: number }>>;
  /** One StatefulSet, the first of the corpus. */
  readonly one: string;
}

const PLACEHOLDER = 'stateguard-bench-name-placeholder';

/** The StatefulSet texts, each with a placeholder for its name (stringified once, renamed by text replacement). */
function templates(accept: (text: string) => boolean): { texts: string[]; names: string[]; refused: string[] } {
  const entries = loadCorpus(benchCorpus());
  const texts: string[] = [];
  const names: string[] = [];
  const refused: string[] = [];
  for (const entry of entries) {
    const object = structuredClone(entry.object);
    const metadata = (object['metadata'] ?? {}) as Record<string, unknown>;
    metadata['name'] = PLACEHOLDER;
    object['metadata'] = metadata;
    // A few corpus StatefulSets are apps/v1beta1: copies are apps/v1, so both tools review every one as a StatefulSet.
    object['apiVersion'] = 'apps/v1';
    const text = stringify(object);
    if (!accept(text)) {
      refused.push(`${entry.file}: ${entry.name}`);
      continue;
    }
    texts.push(text);
    names.push(entry.name);
  }
  return { texts, names, refused };
}

function documentText(t: { texts: string[]; names: string[] }, i: number): string {
  const k = i % t.texts.length;
  return (t.texts[k] ?? '').replace(PLACEHOLDER, `${t.names[k] ?? 'sts'}-copy-${i}`);
}

/** Writes `files` files of `perFile` documents each under `dir`. */
function writeLayout(t: { texts: string[]; names: string[] }, dir: string, files: number, perFile: number): { dir: string; files: string[]; documents: number } {
  mkdirSync(dir, { recursive: true });
  const paths: string[] = [];
  for (let f = 0; f < files; f++) {
    const docs: string[] = [];
    for (let d = 0; d < perFile; d++) docs.push(documentText(t, f * perFile + d));
    const path = join(dir, `sts-${String(f).padStart(5, '0')}.yaml`);
    writeFileSync(path, docs.join('---\n'));
    paths.push(path);
  }
  return { dir, files: paths, documents: files * perFile };
}

/** `accept`: whether every tool can read a StatefulSet (one that is not a valid Kubernetes object is left out). */
export function writeCliInputs(work: string, accept: (text: string) => boolean, documents = 10_000): CliInputs {
  const corpus = benchCorpus();
  const t = templates(accept);
  const one = join(work, 'one-statefulset.yaml');
  writeFileSync(one, documentText(t, 0));
  return {
    corpus: { id: corpus.id, dir: corpus.dir, statefulSets: t.texts.length, leftOut: t.refused },
    documents,
    layouts: {
      multi: writeLayout(t, join(work, 'multi'), documents / 100, 100),
      single: writeLayout(t, join(work, 'single'), documents, 1),
      // A tenth of the documents, in the multi-document layout: peak RSS here against `multi` shows whether it is flat.
      small: writeLayout(t, join(work, 'small'), documents / 1000, 100),
    },
    one,
  };
}
