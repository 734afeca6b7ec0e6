/**
 * Keeps --fix edits to the lines they change. The edited documents are rendered twice by the YAML library, before
 * and after the patch; the line changes between the two renderings are carried over to the original text, where the
 * lines around them are the same. Untouched lines stay byte-identical (flow mappings, sequence indentation, quoting).
 */
import { jsdiff } from '../policy/on-first-use.ts';

interface Hunk {
  /** Replaced range of the "before" rendering, [start, end) in lines. */
  readonly start: number;
  readonly end: number;
  readonly lines: readonly string[];
}

function hunks(before: readonly string[], after: readonly string[]): Hunk[] {
  const out: Hunk[] = [];
  let index = 0;
  let open: { start: number; end: number; lines: string[] } | undefined;
  for (const change of jsdiff().diffArrays([...before], [...after])) {
    if (!change.added && !change.removed) {
      if (open !== undefined) out.push(open);
      open = undefined;
      index += change.count;
      continue;
    }
    open ??= { start: index, end: index, lines: [] };
    if (change.removed) { index += change.count; open.end = index; } else open.lines.push(...change.value);
  }
  if (open !== undefined) out.push(open);
  return out;
}

/** For each line of `rendered`, the index of the same line in `original` (undefined where they differ). */
function lineMap(rendered: readonly string[], original: readonly string[]): (number | undefined)[] {
  const map: (number | undefined)[] = [];
  let o = 0;
  for (const change of jsdiff().diffArrays([...rendered], [...original])) {
    if (change.added) { o += change.count; continue; }
    for (let i = 0; i < change.count; i++) map.push(change.removed ? undefined : o + i);
    if (!change.removed) o += change.count;
  }
  return map;
}

/** How many lines two texts have in common (in order). */
export function commonLines(a: string, b: string): number {
  return jsdiff().diffArrays(a.split('\n'), b.split('\n')).reduce((sum, change) => sum + (change.added || change.removed ? 0 : change.count), 0);
}

/**
 * The original text with the before → after changes applied, or undefined when a change touches a line whose
 * original form differs from its rendering (the caller then uses the whole rendering).
 */
export function carryOver(original: string, before: string, after: string): string | undefined {
  const o = original.split('\n');
  const b = before.split('\n');
  const map = lineMap(b, o);
  const out: string[] = [];
  let next = 0;
  for (const hunk of hunks(b, after.split('\n'))) {
    let from: number | undefined, to: number | undefined;
    if (hunk.start === hunk.end) {
      // A pure insertion: after the line that precedes it or, if that one is written differently, before the next.
      const previous = hunk.start === 0 ? undefined : map[hunk.start - 1];
      from = previous === undefined ? map[hunk.start] : previous + 1;
      to = from;
    } else {
      from = map[hunk.start];
      to = map[hunk.end - 1];
      for (let i = hunk.start; i < hunk.end; i++) if (map[i] !== (from ?? -2) + i - hunk.start) return undefined;
      to = to === undefined ? undefined : to + 1;
    }
    if (from === undefined || to === undefined || from < next) return undefined;
    out.push(...o.slice(next, from), ...hunk.lines);
    next = to;
  }
  out.push(...o.slice(next));
  return out.join('\n');
}
