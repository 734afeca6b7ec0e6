/**
 * Reads manifests from files, directories and stdin: YAML (multi-document), JSON, `kind: List`. YAML is read as
 * kubectl reads it: merge keys (`<<: *anchor`) are applied, a duplicate key is an input error, empty documents are
 * ignored. Documents are produced one at a time (a generator), so memory does not grow with their number.
 */
import { statSync } from 'node:fs';
import type { Document, LineCounter } from 'yaml';
import type { InputProblem } from '../report/model.ts';
import { readFastDocuments } from '../policy/fast-yaml.ts';
import { yaml } from '../policy/on-first-use.ts';
import { describeError, MAX_INPUT_BYTES, readFileLimited, walk, type ReadResult, type StdinReader } from './read-sources.ts';

export type { InputProblem } from '../report/model.ts';
export type { StdinReader } from './read-sources.ts';
export { MAX_INPUT_BYTES as MAX_FILE_BYTES } from './read-sources.ts';

export interface Manifest {
  readonly file: string;
  /** 1-based line of the document (or List item) in the file. */
  readonly line: number;
  /** Index of the document in the file (0-based), and of the item inside a `kind: List`. */
  readonly documentIndex: number;
  readonly itemIndex?: number;
  readonly object: Record<string, unknown>;
  /** The parsed document, kept only for --fix (comment-preserving edits): YAML ASTs are large. */
  readonly document?: Document;
}

/** One file's text and parsed documents, for --fix; produced after the file's manifests. */
export interface SourceFile {
  readonly file: string;
  readonly json: boolean;
  readonly text: string;
  readonly documents: readonly Document[];
}

export type ReadEvent =
  | { readonly type: 'manifest'; readonly manifest: Manifest }
  | { readonly type: 'problem'; readonly problem: InputProblem }
  /** A document that is not a StatefulSet (not reviewed; LOOKUP data such as Services is taken from it). */
  | { readonly type: 'skipped'; readonly kind: string; readonly object: Record<string, unknown>; readonly file: string; readonly line: number }
  | { readonly type: 'source'; readonly source: SourceFile };

export interface ReadOptions {
  /** Keep each file's parsed documents (for --fix); otherwise only the plain objects are kept. */
  readonly keepDocuments: boolean;
  /** Parse only the inputs whose text matches (a first pass looking for some kinds skips the rest unparsed). */
  readonly mentions?: RegExp;
}

const SERVED_API_VERSIONS = new Set(['apps/v1']);
/** How kubectl reads YAML: YAML 1.1 merge keys honoured, duplicate keys refused. */
export const YAML_OPTIONS = { merge: true, uniqueKeys: true, prettyErrors: false } as const;

/** The manifests, problems and skipped kinds of the inputs, in input order, one at a time. */
export function* readManifestStream(paths: readonly string[], stdin: StdinReader, options: ReadOptions = { keepDocuments: false }): Generator<ReadEvent> {
  for (const path of paths) {
    if (path === '-') {
      yield* fromBytes('<stdin>', stdin(MAX_INPUT_BYTES), true, options);
      continue;
    }
    let directory: boolean;
    try {
      directory = statSync(path).isDirectory();
    } catch (error) {
      yield problem({ file: path, message: `cannot read: ${describeError(error)}` });
      continue;
    }
    if (!directory) {
      yield* fromBytes(path, readFileLimited(path), true, options);
      continue;
    }
    for (const entry of walk(path)) {
      if ('problem' in entry) yield problem({ file: entry.file, message: entry.problem });
      else yield* fromBytes(entry.file, readFileLimited(entry.file), false, options);
    }
  }
}

function problem(value: InputProblem): ReadEvent {
  return { type: 'problem', problem: value };
}

function* fromBytes(file: string, read: ReadResult, explicit: boolean, options: ReadOptions): Generator<ReadEvent> {
  if ('refused' in read) {
    yield problem({ file, message: read.refused });
    return;
  }
  if (read.bytes.includes(0)) {
    yield problem({ file, message: file === '<stdin>' ? 'binary data, not YAML or JSON' : 'binary file, not YAML or JSON' });
    return;
  }
  const text = read.bytes.toString('utf8');
  if (options.mentions !== undefined && !options.mentions.test(text)) return;
  yield* parseText(file, text, explicit, options.keepDocuments);
}

/**
 * Parses one input's text into manifests and problems; `explicit`: named on the command line (empty is an error).
 * Plain YAML takes the fast path (fast-yaml.ts), one document at a time; --fix (which keeps the parsed documents)
 * and anything the fast path gives up on take the `yaml` library's Document path, from the document where the fast
 * path stopped. Both give the same events.
 */
export function* parseText(file: string, text: string, explicit: boolean, keep: boolean): Generator<ReadEvent> {
  if (keep) return yield* parseDocuments(file, text, explicit, keep);
  const documents = readFastDocuments(text);
  let empty = true;
  for (let documentIndex = 0, next = documents.next(); ; documentIndex++, next = documents.next()) {
    if (next.done === true) {
      if (!next.value) return yield* parseDocuments(file, text, explicit, keep, documentIndex);
      break;
    }
    const { value, line, itemLines } = next.value;
    if (value === null) continue;
    empty = false;
    if (value['kind'] === 'List' && Array.isArray(value['items'])) {
      for (const [itemIndex, item] of (value['items'] as unknown[]).entries()) yield* classify(file, itemLines[itemIndex] ?? line, documentIndex, itemIndex, item, undefined);
    } else {
      yield* classify(file, line, documentIndex, undefined, value, undefined);
    }
  }
  if (empty && explicit) yield problem({ file, message: 'empty file: no documents to review' });
}

/**
 * The `yaml` library's path: positions, comments and every error message. The events of the documents before
 * `from` (which the fast path gave already) are left out.
 */
export function* parseDocuments(file: string, text: string, explicit: boolean, keep: boolean, from = 0): Generator<ReadEvent> {
  const { Composer, LineCounter, Parser } = yaml();
  const lines = new LineCounter();
  const composer = new Composer(YAML_OPTIONS);
  const documents: Document[] = [];
  let documentIndex = -1;
  let empty = true;
  for (const document of composer.compose(new Parser(lines.addNewLine).parse(text), true, text.length)) {
    documentIndex++;
    if (keep) documents.push(document as Document);
    const events = documentEvents(file, document, documentIndex, lines, keep);
    let next = events.next();
    for (; next.done !== true; next = events.next()) if (documentIndex >= from) yield next.value;
    if (next.value) empty = false;
  }
  if (empty && explicit) yield problem({ file, message: 'empty file: no documents to review' });
  if (keep) yield { type: 'source', source: { file, json: /\.json$/i.test(file), text, documents } };
}

/** One document's events; returns whether it counts as content (an empty or comment-only document does not). */
function* documentEvents(file: string, document: Document.Parsed, documentIndex: number, lines: LineCounter, keep: boolean): Generator<ReadEvent, boolean> {
  const line = lines.linePos(document.contents?.range[0] ?? document.range[0]).line;
  const error = document.errors[0];
  if (error !== undefined) {
    const at = lines.linePos(error.pos[0]).line;
    const message = error.code === 'DUPLICATE_KEY'
      ? `duplicate key in document ${documentIndex + 1}: ${String(error.message.split('\n')[0])} (kubectl refuses it; a later key would hide an earlier one)`
      : `YAML syntax error in document ${documentIndex + 1}: ${error.message.split('\n')[0] ?? ''}`;
    yield problem({ file, line: at, documentIndex, message });
    return true;
  }
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: 1000 });
  } catch (failure) {
    // An alias bomb, or a merge key whose source is not a mapping.
    yield problem({ file, line, documentIndex, message: `document ${documentIndex + 1} cannot be read: ${failure instanceof Error ? failure.message : String(failure)}` });
    return true;
  }
  if (value === null || value === undefined) return false; // an empty or comment-only document: kubectl skips it
  yield* objects(file, line, documentIndex, value, document, lines, keep);
  return true;
}

function* objects(file: string, line: number, documentIndex: number, value: unknown, document: Document, lines: LineCounter, keep: boolean): Generator<ReadEvent> {
  if (typeof value !== 'object' || Array.isArray(value)) {
    yield problem({ file, line, documentIndex, message: `document ${documentIndex + 1} is not a Kubernetes object (a ${Array.isArray(value) ? 'list' : typeof value})` });
    return;
  }
  const object = value as Record<string, unknown>;
  if (object['kind'] === 'List' && Array.isArray(object['items'])) {
    const items: unknown[] = object['items'];
    for (const [itemIndex, item] of items.entries()) {
      const node = document.getIn(['items', itemIndex], true) as { range?: [number, number, number] } | undefined;
      const itemLine = node?.range === undefined ? line : lines.linePos(node.range[0]).line;
      yield* classify(file, itemLine, documentIndex, itemIndex, item, keep ? document : undefined);
    }
    return;
  }
  yield* classify(file, line, documentIndex, undefined, object, keep ? document : undefined);
}

function* classify(file: string, line: number, documentIndex: number, itemIndex: number | undefined, value: unknown, document: Document | undefined): Generator<ReadEvent> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    yield problem({ file, line, documentIndex, message: 'list item is not a Kubernetes object' });
    return;
  }
  const object = value as Record<string, unknown>;
  const kind = typeof object['kind'] === 'string' ? object['kind'] : '<no kind>';
  if (kind !== 'StatefulSet') {
    yield { type: 'skipped', kind, object, file, line };
    return;
  }
  const apiVersion = object['apiVersion'];
  if (!SERVED_API_VERSIONS.has(String(apiVersion))) {
    yield problem({ file, line, documentIndex, message: `StatefulSet apiVersion ${String(apiVersion)} is not served by current Kubernetes (use apps/v1); reviewed as apps/v1` });
  }
  yield { type: 'manifest', manifest: { file, line, documentIndex, ...(itemIndex === undefined ? {} : { itemIndex }), object, ...(document === undefined ? {} : { document }) } };
}

/** Everything `readManifests` read: the manifests, the source files kept, the problems and the skipped kinds. */
export interface ManifestReading {
  readonly manifests: Manifest[];
  readonly files: SourceFile[];
  readonly problems: InputProblem[];
  readonly skipped: Map<string, number>;
}

/** All of it at once (tests, small inputs): the manifests, the problems and the skipped kinds. */
export function readManifests(paths: readonly string[], stdin: StdinReader, options: ReadOptions = { keepDocuments: false }): ManifestReading {
  const reading: ManifestReading = { manifests: [], files: [], problems: [], skipped: new Map<string, number>() };
  for (const event of readManifestStream(paths, stdin, options)) {
    if (event.type === 'manifest') reading.manifests.push(event.manifest);
    else if (event.type === 'problem') reading.problems.push(event.problem);
    else if (event.type === 'skipped') reading.skipped.set(event.kind, (reading.skipped.get(event.kind) ?? 0) + 1);
    else reading.files.push(event.source);
  }
  return reading;
}

/** A StdinReader for text already in memory (tests, fuzzing); the same limit applies. */
export function textStdin(text: string | Buffer): StdinReader {
  return (maxBytes) => {
    const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
    return bytes.length > maxBytes ? { refused: `stdin is over the ${maxBytes / 1048576} MiB limit for one manifest input` } : { bytes };
  };
}
