/** How findings read where the API server shows them: single lines, bounded in length and number. */
import type { Violation } from '../policy/index.ts';
import { DENIAL_LINE_MAX_CHARS } from './limits.ts';

/**
 * The AdmissionResponse contract asks for 120 characters "if possible" and says warnings over 256 characters may be
 * truncated. Our messages name the field and the fix, which rarely fits 120; cutting there drops the actionable part,
 * so a warning may use up to 256 characters, which kubectl prints whole.
 */
export const WARNING_MAX_CHARS = 256;
/** Past about 4 KiB of warnings the API server truncates and then drops them: 16 × 256 stays within it, the last slot saying how many were left out. */
export const MAX_WARNINGS = 16;
/** Audit annotations land in every audit event of the request: keep each value small. */
const AUDIT_VALUE_MAX_CHARS = 1024;

/** `[policy] path: message (fix: …)`, one per denying violation (gatekeeper style). */
export function denialLine(policy: string, violation: Violation, note?: string): string {
  return oneLine(`[${policy}] ${violation.path}: ${violation.message} (fix: ${violation.fix})${note === undefined ? '' : ` [${note}]`}`, DENIAL_LINE_MAX_CHARS);
}

export function warningLine(text: string): string {
  return oneLine(text, WARNING_MAX_CHARS);
}

/** `[policy] message (fix: …)` when that fits a warning, else `[policy] message`. */
export function findingWarning(policy: string, violation: Violation): string {
  const withFix = oneLine(`[${policy}] ${violation.message} (fix: ${violation.fix})`);
  return withFix.length <= WARNING_MAX_CHARS ? withFix : warningLine(`[${policy}] ${violation.message}`);
}

export function auditValue(parts: readonly string[]): string {
  return oneLine(parts.join('; '), AUDIT_VALUE_MAX_CHARS);
}

/** Room kept for the closing "N more … not shown" line. */
const SUMMARY_RESERVE_BYTES = 160;

/**
 * Lines up to a count and a byte budget (newline-joined); past either, lines are only counted, never built, and the
 * last line says how many were left out. What a hostile object can make grows with its size; this does not.
 */
export class BoundedLines {
  readonly #maxLines: number;
  readonly #maxBytes: number;
  readonly #what: string;
  readonly #lines: string[] = [];
  #bytes = 0;
  #left = 0;

  constructor(maxLines: number, maxBytes: number, what: string) {
    this.#maxLines = maxLines;
    this.#maxBytes = maxBytes;
    this.#what = what;
  }

  add(line: () => string): void {
    if (this.#left > 0 || this.#lines.length >= this.#maxLines) {
      this.#left++;
      return;
    }
    const text = line();
    const bytes = Buffer.byteLength(text) + 1;
    if (this.#bytes + bytes > this.#maxBytes - SUMMARY_RESERVE_BYTES) {
      this.#left++;
      return;
    }
    this.#lines.push(text);
    this.#bytes += bytes;
  }

  /** Counts lines that were never offered (violations the engine only counted). */
  skip(count: number): void {
    this.#left += count;
  }

  lines(): readonly string[] {
    if (this.#left === 0) return this.#lines;
    const shown = this.#lines.slice(0, this.#maxLines - 1);
    const left = this.#left + this.#lines.length - shown.length;
    return [...shown, warningLine(`[stateguard] ${left} more ${this.#what} not shown; run stateguard review on the manifest for more`)];
  }
}

/** Runs of whitespace and control characters (newlines included) become one space; past `max` characters, an ellipsis. */
export function oneLine(text: string, max = Number.POSITIVE_INFINITY): string {
  // eslint-disable-next-line no-control-regex
  const flat = needsFlattening(text) ? text.replace(/[\s\u0000-\u001f\u007f]+/g, ' ').trim() : text;
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}

/**
 * Whether `text` has a control character, whitespace other than a single inner space, or a leading or trailing
 * space. Most messages are already one clean line and this runs for every finding of every request: a scan of
 * the characters costs a fraction of the equivalent regular expression.
 */
function needsFlattening(text: string): boolean {
  const last = text.length - 1;
  for (let i = 0; i <= last; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x20) {
      if (i === 0 || i === last || text.charCodeAt(i + 1) === 0x20) return true;
    } else if (code < 0x20 || code === 0x7f) {
      return true;
    } else if (code > 0x7f && WIDE_WHITESPACE.test(text[i] ?? '')) {
      return true;
    }
  }
  return false;
}

const WIDE_WHITESPACE = /\s/;
