/**
 * A package loaded on its first use instead of at start-up: for the `yaml` library (about 70 modules, 25 ms) and
 * jsdiff (10 ms), which a short `review` of plain YAML never needs (the fast reader, fast-yaml.ts, reads manifests and
 * policy files). `require` is synchronous, so the callers stay synchronous; it gives the copy `import` would for
 * `yaml`, whose Node entry is CommonJS either way, and jsdiff's CommonJS build for `diff`.
 */
import { createRequire } from 'node:module';
import type * as Diff from 'diff';
import type * as Yaml from 'yaml';

const load = createRequire(import.meta.url);

/** A function giving the package `specifier`, loaded on the first call. */
export function onFirstUse<T>(specifier: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= load(specifier) as T);
}

/**
 * The `yaml` library: for a config file, --fix and --diff, exception documents, and the manifests and policy files the
 * fast reader gives up on (or a policy set with a problem, whose messages need its positions).
 */
export const yaml = onFirstUse<typeof Yaml>('yaml');

/** jsdiff: for --fix (carrying changes over onto the original text) and --diff. */
export const jsdiff = onFirstUse<typeof Diff>('diff');
