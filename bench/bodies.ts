/** AdmissionReview request bodies for the load tests, built from the shared corpus and the fixtures. */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { benchCorpus, loadCorpus } from '../test/helpers/corpus.ts';
import { seed } from '../test/helpers/seed.ts';

export function admissionReview(object: Record<string, unknown>): string {
  const metadata = (object['metadata'] ?? {}) as Record<string, unknown>;
  const namespace = typeof metadata['namespace'] === 'string' ? metadata['namespace'] : 'default';
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: randomUUID(),
      kind: { group: 'apps', version: 'v1', kind: 'StatefulSet' },
      resource: { group: 'apps', version: 'v1', resource: 'statefulsets' },
      name: metadata['name'],
      namespace,
      operation: 'CREATE',
      userInfo: { username: 'bench', groups: ['system:authenticated'] },
      object: { ...object, metadata: { ...metadata, namespace } },
      oldObject: null,
      dryRun: false,
    },
  });
}

export interface BodySet {
  readonly clean: string;
  readonly violating: string;
  readonly large: string;
  /** The three, for a mixed load. */
  readonly mixed: readonly string[];
}

export function bodies(): BodySet {
  const good = parse(readFileSync(resolve(import.meta.dirname, '../policies/tests/good-statefulset.yaml'), 'utf8')) as Record<string, unknown>;
  const largest = loadCorpus(benchCorpus()).map((e) => e.object).sort((a, b) => JSON.stringify(b).length - JSON.stringify(a).length)[0] ?? good;
  const clean = admissionReview(good);
  const violating = admissionReview(seed());
  const large = admissionReview(largest);
  return { clean, violating, large, mixed: [clean, violating, large] };
}
