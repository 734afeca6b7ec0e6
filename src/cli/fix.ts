/** `--fix`: applies each StatefulSet's patch to its YAML document in place, so comments and layout survive. */
import { isDeepStrictEqual } from 'node:util';
import type { Document } from 'yaml';
import { pointerTokens, type PatchOperation } from '../policy/index.ts';
import { yaml } from '../policy/on-first-use.ts';
import { carryOver, commonLines } from './fix-merge.ts';
import { YAML_OPTIONS, type Manifest, type SourceFile } from './read-manifests.ts';

export interface FixedFile {
  readonly file: string;
  readonly text: string;
  /** Whether any document was changed (text is then the original, byte for byte, when false). */
  readonly changed: boolean;
  /** The edits could not be kept to their lines: the whole file was rendered again (comments kept). */
  readonly rerendered: boolean;
}

interface Style { readonly indentSeq: boolean; readonly flowCollectionPadding: boolean }
const STYLES: readonly Style[] = [true, false].flatMap((indentSeq) => [true, false].map((flowCollectionPadding) => ({ indentSeq, flowCollectionPadding })));

function render(source: SourceFile, style: Style): string {
  return source.json && source.documents.length === 1
    ? `${JSON.stringify(source.documents[0]?.toJS(), null, 2)}\n`
    : source.documents.map((d) => d.toString({ lineWidth: 0, ...style })).join('');
}

/** The rendering options closest to how the file is written (sequence indentation, `{a: b}` or `{ a: b }`). */
function closestStyle(source: SourceFile): Style {
  let best = { style: STYLES[0] as Style, common: -1 };
  for (const style of STYLES) {
    const common = commonLines(source.text, render(source, style));
    if (common > best.common) best = { style, common };
  }
  return best.style;
}

/**
 * One file with the patches of its StatefulSets applied. A file with a YAML error is left as it is. Lines that no
 * patch changed keep their original bytes; if that cannot be done safely, the whole file is re-rendered.
 */
export function fixFile(source: SourceFile, fixes: readonly { manifest: Manifest; patch: readonly PatchOperation[] }[]): FixedFile {
  const unchanged = { file: source.file, text: source.text, changed: false, rerendered: false };
  if (source.documents.some((d) => d.errors.length > 0)) return unchanged;
  const todo = fixes.filter((f) => f.patch.length > 0 && f.manifest.document !== undefined);
  if (todo.length === 0) return unchanged;
  const style = closestStyle(source);
  const before = render(source, style);
  for (const { manifest, patch } of todo) {
    const document = manifest.document as Document;
    const prefix = manifest.itemIndex === undefined ? [] : ['items', manifest.itemIndex];
    for (const op of patch) {
      // YAML sequences are indexed by numbers; a patch only ever indexes arrays with all-digit tokens.
      const keys = [...prefix, ...pointerTokens(op.path).map((key) => (/^\d+$/.test(key) ? Number(key) : key))];
      if (op.op === 'remove') document.deleteIn(keys);
      else setIn(document, keys, op.value);
    }
  }
  const after = render(source, style);
  // Consistent CRLF line ends are kept: the edit is carried over on LF lines and the CRs put back.
  const crlf = source.text.includes('\r\n') && !/(^|[^\r])\n/.test(source.text);
  const carried = carryOver(crlf ? source.text.replaceAll('\r\n', '\n') : source.text, before, after);
  const merged = carried !== undefined && crlf ? carried.replaceAll('\n', '\r\n') : carried;
  if (merged !== undefined && sameContent(merged, source)) return { file: source.file, text: merged, changed: true, rerendered: false };
  return { file: source.file, text: after, changed: true, rerendered: true };
}

/** The carried-over text must read back as exactly the patched documents; otherwise it is not used. */
function sameContent(text: string, source: SourceFile): boolean {
  const reread = yaml().parseAllDocuments(text, YAML_OPTIONS);
  const documents = Array.isArray(reread) ? reread : [reread];
  const wanted = source.documents.map((d) => d.toJS({ maxAliasCount: 1000 }) as unknown);
  const got = documents.map((d) => (d.errors.length > 0 ? Symbol('error') : d.toJS({ maxAliasCount: 1000 })) as unknown);
  return isDeepStrictEqual(got, wanted);
}

/** Sets a value, appending when the index is one past the end of a sequence. */
function setIn(document: Document, keys: readonly (string | number)[], value: unknown): void {
  const parentKeys = keys.slice(0, -1);
  const last = keys[keys.length - 1];
  const parent = parentKeys.length === 0 ? document.contents : document.getIn(parentKeys, true);
  if (yaml().isSeq(parent) && typeof last === 'number' && last === parent.items.length) {
    parent.add(document.createNode(value));
    return;
  }
  if (parent !== undefined && !yaml().isMap(parent) && !yaml().isSeq(parent)) return;
  document.setIn(keys, document.createNode(value));
}
