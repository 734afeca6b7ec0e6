/** The real objects the property suites start from: the shared corpus, the seed example and the policy fixtures. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import type { JsonObject } from '../../src/policy/index.ts';
import { loadCorpus } from '../helpers/corpus.ts';
import { seed } from '../helpers/seed.ts';

const ROOT = resolve(import.meta.dirname, '../..');

function fixture(path: string): JsonObject {
  return parse(readFileSync(resolve(ROOT, path), 'utf8')) as JsonObject;
}

/** StatefulSets, with a namespace each (the API server always sends one). */
export function statefulSets(): JsonObject[] {
  const objects = [seed(), fixture('policies/tests/good-statefulset.yaml'), fixture('policies/tests/good-windows-statefulset.yaml'), ...loadCorpus().map((e) => e.object)];
  return objects.map((object) => ({ ...object, metadata: { namespace: 'default', ...(object['metadata'] as JsonObject) } }));
}

/** The example AdmissionReviews as the API server sends them. */
export function reviews(): JsonObject[] {
  return [fixture('examples/admission-review.json'), fixture('examples/admission-review-scale.json')];
}
