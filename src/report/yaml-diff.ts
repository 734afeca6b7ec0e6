/** The injected defaults as a readable unified diff of the object's YAML (before → after mutation). */
import { stringify } from 'yaml';

export function yamlDiff(before: unknown, after: unknown, context = 3): string {
  const a = stringify(before, { lineWidth: 0 }).trimEnd().split('\n');
  const b = stringify(after, { lineWidth: 0 }).trimEnd().split('\n');
  const ops = lineDiff(a, b);
  if (!ops.some((op) => op.kind !== ' ')) return '';
  const keep = ops.map((op, i) => op.kind !== ' ' || ops.slice(Math.max(0, i - context), i + context + 1).some((o) => o.kind !== ' '));
  const out: string[] = [];
  let gap = false;
  ops.forEach((op, i) => {
    if (!keep[i]) { gap = true; return; }
    if (gap && out.length > 0) out.push('@@');
    gap = false;
    out.push(`${op.kind}${op.line}`);
  });
  return out.join('\n');
}

interface LineOp { readonly kind: ' ' | '+' | '-'; readonly line: string }

/** Longest-common-subsequence line diff; manifests are small enough for the quadratic table. */
function lineDiff(a: readonly string[], b: readonly string[]): LineOp[] {
  const rows = a.length + 1, cols = b.length + 1;
  const table = new Uint32Array(rows * cols);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i * cols + j] = a[i] === b[j] ? (table[(i + 1) * cols + j + 1] ?? 0) + 1 : Math.max(table[(i + 1) * cols + j] ?? 0, table[i * cols + j + 1] ?? 0);
    }
  }
  const ops: LineOp[] = [];
  let i = 0, j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) { ops.push({ kind: ' ', line: a[i] ?? '' }); i++; j++; }
    else if ((table[(i + 1) * cols + j] ?? 0) >= (table[i * cols + j + 1] ?? 0)) { ops.push({ kind: '-', line: a[i] ?? '' }); i++; }
    else { ops.push({ kind: '+', line: b[j] ?? '' }); j++; }
  }
  while (i < a.length) ops.push({ kind: '-', line: a[i++] ?? '' });
  while (j < b.length) ops.push({ kind: '+', line: b[j++] ?? '' });
  return ops;
}
