/**
 * Field paths, in the two syntaxes stateguard reads and writes:
 * - display paths, as users read them in findings and write them in policies and test cases:
 *   `spec.template.spec.containers[0].image`, `metadata.annotations["example.com/x"]` (a key that is not a plain
 *   name is a JSON string in brackets). Plain dotted paths (`spec.volumeClaimTemplates`) are display paths too.
 * - JSON Pointers (RFC 6901), in patches: `/metadata/annotations/example.com~1x`.
 */
import { StateguardError } from './errors.ts';

/** An object key, or an array index. */
export type PathKey = string | number;

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
/** One step: `.name` (or `name` first), `[3]`, or `["any key"]`. A name runs to the next `.`, `[` or `]`. */
const STEP = /\.?([^.[\]"\s]+)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;

/** Appends a key or index to a display path. */
export function child(path: string, key: PathKey): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (IDENTIFIER.test(key)) return path === '' ? key : `${path}.${key}`;
  return `${path}[${JSON.stringify(key)}]`;
}

/** The display path of keys and indexes (`[]` gives ''). */
export function joinPath(...keys: readonly PathKey[]): string {
  return keys.reduce<string>((path, key) => child(path, key), '');
}

/**
 * The keys of a display path ('' is the object itself). Anything else — an empty name (`a..b`, a trailing dot), an
 * unclosed bracket, a name glued to a bracket (`a[0]b`) — throws ERR_INPUT naming the path and where it goes wrong.
 */
export function parsePath(path: string): PathKey[] {
  const keys: PathKey[] = [];
  STEP.lastIndex = 0;
  while (STEP.lastIndex < path.length) {
    const at = STEP.lastIndex;
    const match = STEP.exec(path);
    // A name needs its dot except first; `[` needs none.
    if (match === null || (match[1] !== undefined && (at === 0) === path.startsWith('.', at))) {
      throw new StateguardError('ERR_INPUT', `path "${path}" cannot be read at character ${at + 1} ("${path.slice(at, at + 12)}"): write names joined by dots, indexes as [0] and other keys as ["a.b/c"]`);
    }
    if (match[1] !== undefined) keys.push(match[1]);
    else if (match[2] !== undefined) keys.push(Number(match[2]));
    else keys.push(JSON.parse(match[3]!) as string);
  }
  return keys;
}

/** The value at `keys`: indexes step into arrays, keys into objects (own keys only); undefined when absent. */
export function valueAt(value: unknown, keys: readonly PathKey[]): unknown {
  let current = value;
  for (const key of keys) {
    if (typeof key === 'number' ? !Array.isArray(current) : typeof current !== 'object' || current === null || Array.isArray(current) || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<PathKey, unknown>)[key];
  }
  return current;
}

/** One JSON Pointer reference token: `~` as `~0`, then `/` as `~1`. */
export function escapePointer(key: PathKey): string {
  return String(key).replaceAll('~', '~0').replaceAll('/', '~1');
}

/** The reverse of escapePointer: `~1` to `/`, then `~0` to `~` (so `~01` reads back as `~1`). */
export function unescapePointer(token: string): string {
  return token.replaceAll('~1', '/').replaceAll('~0', '~');
}

/** A JSON Pointer of keys ('' for none). */
export function toPointer(keys: readonly PathKey[]): string {
  return keys.map((key) => `/${escapePointer(key)}`).join('');
}

/** The reference tokens of a JSON Pointer, unescaped (all strings: whether `0` is an index depends on the value). */
export function pointerTokens(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new StateguardError('ERR_INPUT', `JSON Pointer "${pointer}" does not start with "/"`);
  return pointer.slice(1).split('/').map(unescapePointer);
}

/** A JSON Pointer as a display path, reading all-digit tokens as indexes (`/a/0/b.c` → `a[0]["b.c"]`). */
export function pointerToPath(pointer: string): string {
  return joinPath(...pointerTokens(pointer).map((token) => (/^\d+$/.test(token) ? Number(token) : token)));
}
