/** How findings read where the API server shows them: single lines, bounded in length and number. */
import type { Violation } from '../policy/index.ts';

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
  return oneLine(`[${policy}] ${violation.path}: ${violation.message} (fix: ${violation.fix})${note === undefined ? '' : ` [${note}]`}`);
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

export function capWarnings(warnings: readonly string[]): readonly string[] {
  if (warnings.length <= MAX_WARNINGS) return warnings;
  const shown = warnings.slice(0, MAX_WARNINGS - 1);
  return [...shown, warningLine(`[stateguard] ${warnings.length - shown.length} more warnings not shown; stateguard review lists every finding`)];
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
