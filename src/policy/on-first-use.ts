/**
 * A package loaded on its first use instead of at start-up: for the `yaml` library (about 70 modules, 25 ms) and
 * jsdiff (10 ms), which a short `review` of plain YAML never needs (the fast reader, fast-yaml.ts, reads manifests and
 * policy files). `require` is synchronous, so the callers stay synchronous; it gives the copy `import` would for
 * `yaml`, whose Node entry is CommonJS either way, and jsdiff's CommonJS build for `diff`.
 */
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

/** A function giving the package `specifier`, loaded on the first call. */
export function onFirstUse<T>(specifier: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= load(specifier) as T);
}
