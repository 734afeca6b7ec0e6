/** The injected defaults as a unified diff (jsdiff) of the object's YAML, before → after mutation. */
import { FILE_HEADERS_ONLY, formatPatch, structuredPatch } from 'diff';
import { stringify } from 'yaml';

/**
 * `label` names the object in the `---`/`+++` headers (e.g. `statefulset/default/web`); line numbers in the hunks
 * count lines of the object's YAML as rendered, not of the source file. Empty when nothing changed.
 */
export function yamlDiff(before: unknown, after: unknown, label: string, context = 3): string {
  const a = stringify(before, { lineWidth: 0 });
  const b = stringify(after, { lineWidth: 0 });
  if (a === b) return '';
  return formatPatch(structuredPatch(label, label, a, b, 'submitted', 'as the webhook would admit it', { context }), FILE_HEADERS_ONLY).trimEnd();
}
