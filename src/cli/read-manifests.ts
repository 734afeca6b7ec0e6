/** Reads manifests from files, directories and stdin: YAML (multi-document), JSON, `kind: List`. */
import { openSync, readFileSync, readSync, closeSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseAllDocuments, type Document } from 'yaml';

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

export interface InputProblem {
  readonly file: string;
  readonly line?: number;
  readonly documentIndex?: number;
  readonly message: string;
}

export interface SourceFile {
  readonly file: string;
  readonly json: boolean;
  readonly documents: readonly Document[];
}

export interface ManifestSet {
  readonly manifests: Manifest[];
  readonly files: SourceFile[];
  readonly problems: InputProblem[];
  /** Documents that are not StatefulSets (or Scales), by kind. */
  readonly skipped: Map<string, number>;
}

const MANIFEST_FILE = /\.(ya?ml|json)$/i;
export const MAX_FILE_BYTES = 64 * 1024 * 1024;
const SERVED_API_VERSIONS = new Set(['apps/v1']);

export interface ReadOptions {
  /** Keep each file's parsed documents (for --fix); otherwise only the plain objects are kept. */
  readonly keepDocuments: boolean;
}

export function readManifests(paths: readonly string[], stdin: () => string, options: ReadOptions = { keepDocuments: false }): ManifestSet {
  const set: ManifestSet = { manifests: [], files: [], problems: [], skipped: new Map() };
  const keep = options.keepDocuments;
  for (const path of paths) {
    if (path === '-') {
      parseText('<stdin>', stdin(), set, true, keep);
      continue;
    }
    let stat;
    try {
      stat = statSync(path);
    } catch (error) {
      set.problems.push({ file: path, message: `cannot read: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : String(error)}` });
      continue;
    }
    if (stat.isDirectory()) {
      for (const file of walk(path)) readOne(file, set, false, keep);
    } else {
      readOne(path, set, true, keep);
    }
  }
  return set;
}

function walk(directory: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue;
    const path = join(directory, entry.name);
    if (entry.isDirectory()) files.push(...walk(path));
    else if (entry.isFile() && MANIFEST_FILE.test(entry.name)) files.push(path);
  }
  return files;
}

function readOne(file: string, set: ManifestSet, explicit: boolean, keep: boolean): void {
  try {
    const size = statSync(file).size;
    if (size > MAX_FILE_BYTES) {
      set.problems.push({ file, message: `file is ${(size / 1048576).toFixed(1)} MiB, over the ${MAX_FILE_BYTES / 1048576} MiB limit for one manifest file` });
      return;
    }
    if (looksBinary(file)) {
      set.problems.push({ file, message: 'binary file, not YAML or JSON' });
      return;
    }
    parseText(file, readFileSync(file, 'utf8'), set, explicit, keep);
  } catch (error) {
    set.problems.push({ file, message: `cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}` });
  }
}

function looksBinary(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(8192);
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, read).includes(0);
  } finally {
    closeSync(fd);
  }
}

function parseText(file: string, text: string, set: ManifestSet, explicit: boolean, keep: boolean): void {
  if (text.includes('\u0000')) {
    set.problems.push({ file, message: 'binary data, not YAML or JSON' });
    return;
  }
  const lines = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
  const list = Array.isArray(documents) ? documents : [];
  if (keep) set.files.push({ file, json: /\.json$/i.test(file), documents: list });
  let empty = true;
  list.forEach((document, documentIndex) => {
    const line = lines.linePos(document.contents?.range?.[0] ?? document.range[0]).line;
    if (document.errors.length > 0) {
      const error = document.errors[0];
      const at = error === undefined ? line : lines.linePos(error.pos[0]).line;
      set.problems.push({ file, line: at, documentIndex, message: `YAML syntax error in document ${documentIndex + 1}: ${(error?.message ?? '').split('\n')[0] ?? ''}` });
      empty = false;
      return;
    }
    if (document.contents === null) return;
    const value: unknown = document.toJS({ maxAliasCount: 1000 });
    // A document of comments only (helm template output) or an explicit null: empty, as kubectl reads it.
    if (value === null) return;
    empty = false;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      set.problems.push({ file, line, documentIndex, message: `document ${documentIndex + 1} is not a Kubernetes object (a ${Array.isArray(value) ? 'list' : typeof value})` });
      return;
    }
    const object = value as Record<string, unknown>;
    if (object['kind'] === 'List' && Array.isArray(object['items'])) {
      object['items'].forEach((item, itemIndex) => {
        const node = document.getIn(['items', itemIndex], true) as { range?: [number, number, number] } | undefined;
        const itemLine = node?.range === undefined ? line : lines.linePos(node.range[0]).line;
        classify(file, itemLine, documentIndex, itemIndex, item, keep ? document : undefined, set);
      });
      return;
    }
    classify(file, line, documentIndex, undefined, object, keep ? document : undefined, set);
  });
  if (empty && explicit) set.problems.push({ file, message: 'empty file: no documents to review' });
}

function classify(file: string, line: number, documentIndex: number, itemIndex: number | undefined, value: unknown, document: Document | undefined, set: ManifestSet): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    set.problems.push({ file, line, documentIndex, message: 'list item is not a Kubernetes object' });
    return;
  }
  const object = value as Record<string, unknown>;
  const kind = typeof object['kind'] === 'string' ? object['kind'] : '<no kind>';
  if (kind !== 'StatefulSet') {
    set.skipped.set(kind, (set.skipped.get(kind) ?? 0) + 1);
    return;
  }
  const apiVersion = object['apiVersion'];
  if (!SERVED_API_VERSIONS.has(String(apiVersion))) {
    set.problems.push({ file, line, documentIndex, message: `StatefulSet apiVersion ${String(apiVersion)} is not served by current Kubernetes (use apps/v1); reviewed as apps/v1` });
  }
  set.manifests.push({ file, line, documentIndex, ...(itemIndex === undefined ? {} : { itemIndex }), object, ...(document === undefined ? {} : { document }) });
}
