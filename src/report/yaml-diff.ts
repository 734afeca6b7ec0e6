/** The injected defaults as a unified diff (jsdiff) of the object's YAML, before → after mutation. */
import { jsdiff, yaml } from '../policy/on-first-use.ts';

/**
 * `label` names the object in the `---`/`+++` headers (e.g. `statefulset/default/web`); line numbers in the hunks
 * count lines of the object's YAML as rendered, not of the source file. Empty when nothing changed.
 */
export function yamlDiff(before: unknown, after: unknown, label: string, context = 3): string {
  const a = yaml().stringify(before, { lineWidth: 0 });
  const b = yaml().stringify(after, { lineWidth: 0 });
  if (a === b) return '';
  const { formatPatch, structuredPatch, FILE_HEADERS_ONLY } = jsdiff();
  return formatPatch(structuredPatch(label, label, a, b, 'submitted', 'as the webhook would admit it', { context }), FILE_HEADERS_ONLY).trimEnd();
}
