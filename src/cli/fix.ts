/** `--fix`: applies each StatefulSet's patch to its YAML document in place, so comments and layout survive. */
import { isMap, isSeq, type Document } from 'yaml';
import type { ReviewItem } from '../report/model.ts';
import type { Manifest, SourceFile } from './read-manifests.ts';

export interface FixedFile {
  readonly file: string;
  readonly text: string;
}

function unescape(segment: string): string | number {
  const key = segment.replaceAll('~1', '/').replaceAll('~0', '~');
  return /^\d+$/.test(key) ? Number(key) : key;
}

export function applyFixes(files: readonly SourceFile[], manifests: readonly Manifest[], items: readonly ReviewItem[]): FixedFile[] {
  const touched = new Set<Document>();
  manifests.forEach((manifest, i) => {
    const patch = items[i]?.evaluation.patch ?? [];
    const document = manifest.document;
    if (patch.length === 0 || document === undefined) return;
    const prefix = manifest.itemIndex === undefined ? [] : ['items', manifest.itemIndex];
    for (const op of patch) {
      const keys = [...prefix, ...op.path.split('/').slice(1).map(unescape)];
      if (op.op === 'remove') document.deleteIn(keys);
      else setIn(document, keys, op.value);
    }
    touched.add(document);
  });
  return files
    .filter((file) => file.documents.some((d) => touched.has(d)))
    .map((file) => ({
      file: file.file,
      text: file.json && file.documents.length === 1
        ? `${JSON.stringify(file.documents[0]?.toJS(), null, 2)}\n`
        : file.documents.map((d) => d.toString({ lineWidth: 0 })).join(''),
    }));
}

/** Sets a value, appending when the index is one past the end of a sequence. */
function setIn(document: Document, keys: readonly (string | number)[], value: unknown): void {
  const parentKeys = keys.slice(0, -1);
  const last = keys[keys.length - 1];
  const parent = parentKeys.length === 0 ? document.contents : document.getIn(parentKeys, true);
  if (isSeq(parent) && typeof last === 'number' && last === parent.items.length) {
    parent.add(document.createNode(value));
    return;
  }
  if (parent !== undefined && !isMap(parent) && !isSeq(parent)) return;
  document.setIn(keys, document.createNode(value));
}
