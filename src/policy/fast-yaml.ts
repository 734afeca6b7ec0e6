/**
 * The fast YAML reader of manifests (src/cli/read-manifests.ts) and policy files (compile.ts): js-yaml's event parser
 * (many times faster than the `yaml` library's Document/CST path) and a small constructor of our own, for the plain
 * YAML that manifests and policies almost always are.
 * It gives up (returns undefined) on anything where the two libraries could differ, and the caller then reads the
 * text with the `yaml` library as before, which also words every error message: a syntax error, a duplicate key,
 * anchors and aliases, merge keys, tags, directives, a non-string key, `__proto__`, a lone CR line break, a
 * document that is not a mapping (other than an empty one), a List item that is not a mapping, a key over 1000
 * characters, a byte-order mark other than the text's first character (js-yaml reads one before a `---` as the
 * `yaml` library does not), an input over 1 MiB (FAST_MAX_CHARS).
 * Plain scalars are resolved as the `yaml` library's YAML 1.2 core schema does (its regular expressions).
 */
import { EVENT_ID, getScalarValue, parseEvents, SCALAR_STYLE, type Event } from 'js-yaml';

export interface FastDocument {
  /** The document's value: a plain object, or null for an empty (or comment-only) document. */
  readonly value: Record<string, unknown> | null;
  /** 1-based line where the document's content starts (its first key), as the `yaml` library locates it. */
  readonly line: number;
  /** For a `kind: List`: the 1-based line of each item of `items`. */
  readonly itemLines: readonly number[];
}

/** Thrown inside, caught at the top: this text needs the full reader. */
const GIVE_UP = Symbol('give up');

const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;
/**
 * js-yaml parses a whole part of a text (readFastDocuments) into events before its first document is built; a larger
 * input (a long stream on stdin) takes the `yaml` library's path, one document at a time, as before.
 */
export const FAST_MAX_CHARS = 1024 * 1024;
/** The `yaml` library refuses an implicit key longer than 1024 characters; the fast path leaves long keys to it. */
const MAX_KEY_CHARS = 1000;
/** Characters that can start a plain scalar the core schema resolves to something other than a string. */
const MAYBE_NOT_STRING = /^[-+.~0-9nNtTfF]?$|^[-+.~0-9nNtTfF]/;

/** A plain scalar's value under the YAML 1.2 core schema, in the `yaml` library's order of tags. */
export function resolvePlain(source: string): unknown {
  if (!MAYBE_NOT_STRING.test(source)) return source;
  if (NULL.test(source)) return null;
  if (BOOL.test(source)) return source[0] === 't' || source[0] === 'T';
  if (INT_OCT.test(source)) return parseInt(source.substring(2), 8);
  if (INT.test(source)) return parseInt(source, 10);
  if (INT_HEX.test(source)) return parseInt(source.substring(2), 16);
  if (FLOAT_NAN.test(source)) return source.slice(-3).toLowerCase() === 'nan' ? NaN : source[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (FLOAT_EXP.test(source) || FLOAT.test(source)) return parseFloat(source);
  return source;
}

interface Frame {
  readonly value: Record<string, unknown> | unknown[];
  readonly start: number;
  key: string | undefined;
  /** Item starts, kept only for the root mapping's `items` sequence. */
  readonly starts: number[] | undefined;
}

/**
 * Where a text is cut into parts that are read one at a time: before each document-start marker (`---` at the start
 * of a line, then a space, a tab, a line break or the end), which always starts a new document (YAML 1.2 §9.1.2,
 * c-forbidden), even inside a block scalar, a quoted scalar or a flow collection. A `---` not at the start of a line,
 * or after a byte-order mark, is left to the parser.
 */
const DOCUMENT_START = /(?<=\n)---(?=[ \t\r\n]|$)/g;
/** A directive applies to the document after it, across a cut: a text with one is read in one part. */
const DIRECTIVE = /^%/m;

/**
 * The documents of `text`, each as soon as its part of the text is read: the text is cut before its document-start
 * markers, so only one part's events and objects are alive at a time, not those of every document of a long file.
 * Returns true when every part was read; false when a part needs the full reader (see the module comment), which then
 * reads the text from the document after those already given.
 */
export function* readFastDocuments(text: string): Generator<FastDocument, boolean> {
  if (text.length > FAST_MAX_CHARS || /\r(?!\n)/.test(text) || text.includes('\uFEFF', 1)) return false;
  const starts = DIRECTIVE.test(text) ? [0] : [0, ...Array.from(text.matchAll(DOCUMENT_START), (match) => match.index)];
  let linesBefore = 0;
  for (const [i, start] of starts.entries()) {
    const part = text.slice(start, starts[i + 1]);
    const newlines = lineStarts(part);
    let documents: FastDocument[];
    try {
      documents = construct(part, parseEvents(part, {}), newlines, linesBefore);
    } catch {
      return false;
    }
    yield* documents;
    linesBefore += newlines.length;
  }
  return true;
}

/** All the documents of `text` (a policy file), or undefined when the text needs the full reader. */
export function fastDocuments(text: string): FastDocument[] | undefined {
  const documents: FastDocument[] = [];
  const reading = readFastDocuments(text);
  for (let next = reading.next(); ; next = reading.next()) {
    if (next.done === true) return next.value ? documents : undefined;
    documents.push(next.value);
  }
}

/** The documents of one part; `newlines`: its line starts; `linesBefore`: the lines of the text before it. */
function construct(text: string, events: readonly Event[], newlines: readonly number[], linesBefore: number): FastDocument[] {
  const documents: FastDocument[] = [];
  const stack: Frame[] = [];
  let root: { value: unknown; start: number } | undefined;
  let itemStarts: number[] = [];
  const add = (value: unknown, start: number, isScalar: boolean, length = 0): void => {
    const frame = stack[stack.length - 1];
    if (frame === undefined) {
      root = { value, start };
      return;
    }
    if (Array.isArray(frame.value)) {
      frame.value.push(value);
      frame.starts?.push(start);
      return;
    }
    if (frame.key === undefined) {
      if (!isScalar || typeof value !== 'string' || length > MAX_KEY_CHARS || value === '<<' || value === '__proto__' || Object.hasOwn(frame.value, value)) throw GIVE_UP;
      frame.key = value;
      return;
    }
    frame.value[frame.key] = value;
    frame.key = undefined;
  };
  for (const event of events) {
    switch (event.type) {
      case EVENT_ID.DOCUMENT:
        if (event.directives.length > 0) throw GIVE_UP;
        root = undefined;
        itemStarts = [];
        break;
      case EVENT_ID.SCALAR: {
        if (event.tagStart !== -1 || event.anchorStart !== -1) throw GIVE_UP;
        const source = getScalarValue(text, event);
        add(event.style === SCALAR_STYLE.PLAIN ? resolvePlain(source) : source, event.valueStart, true, event.valueEnd - event.valueStart);
        break;
      }
      case EVENT_ID.SEQUENCE:
      case EVENT_ID.MAPPING: {
        if (event.tagStart !== -1 || event.anchorStart !== -1) throw GIVE_UP;
        const parent = stack[stack.length - 1];
        const isItems = event.type === EVENT_ID.SEQUENCE && parent !== undefined && stack.length === 1 && parent.key === 'items';
        stack.push({ value: event.type === EVENT_ID.SEQUENCE ? [] : {}, start: event.start, key: undefined, starts: isItems ? itemStarts : undefined });
        break;
      }
      case EVENT_ID.POP: {
        const frame = stack.pop();
        if (frame !== undefined) {
          add(frame.value, frame.start, false);
          break;
        }
        documents.push(finish(root, itemStarts, newlines, linesBefore));
        break;
      }
      default:
        throw GIVE_UP; // an alias
    }
  }
  return documents;
}

function finish(root: { value: unknown; start: number } | undefined, itemStarts: readonly number[], newlines: readonly number[], linesBefore: number): FastDocument {
  if (root === undefined || root.value === null) return { value: null, line: 1, itemLines: [] };
  if (typeof root.value !== 'object' || Array.isArray(root.value)) throw GIVE_UP;
  const value = root.value as Record<string, unknown>;
  if (value['kind'] === 'List' && Array.isArray(value['items'])) {
    for (const item of value['items'] as unknown[]) if (typeof item !== 'object' || item === null || Array.isArray(item)) throw GIVE_UP;
  }
  return { value, line: linesBefore + lineOf(root.start, newlines), itemLines: itemStarts.map((start) => linesBefore + lineOf(start, newlines)) };
}

/** Offsets just after each '\n' (a CRLF ends at its LF), as the `yaml` library's LineCounter records them. */
function lineStarts(text: string): number[] {
  const starts: number[] = [];
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
  return starts;
}

function lineOf(offset: number, starts: readonly number[]): number {
  let low = 0;
  let high = starts.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((starts[mid] ?? 0) <= offset) low = mid + 1;
    else high = mid;
  }
  return low + 1;
}
