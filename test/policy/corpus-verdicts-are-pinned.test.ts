/**
 * Each corpus (test/helpers/corpus.ts) against its pinned verdicts: the fixture corpus on every clone, the
 * real-world one when it is beside the checkout (otherwise each test over it is reported as skipped, with the
 * missing path). Re-pin with scripts/pin-corpus-verdicts.ts, never from a test.
 */
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import jsonpatch from 'fast-json-patch';
import { evaluate } from '../../src/policy/index.ts';
import { CORPORA, FIXTURE_CORPUS, corpusFiles, corpusSkip, loadCorpus } from '../helpers/corpus.ts';
import { pinnedSummaries, verdictSummaries } from '../helpers/corpus-verdicts.ts';
import { builtinPolicies } from '../helpers/policies.ts';

const set = builtinPolicies();

for (const corpus of CORPORA) {
  const options = corpusSkip(corpus);
  const entries = () => loadCorpus(corpus);

  test(`${corpus.id} corpus: holds ${corpus.statefulSets} StatefulSets across its files`, options, () => {
    assert.equal(entries().length, corpus.statefulSets);
    assert.ok(corpusFiles(corpus).length >= 15);
  });

  test(`${corpus.id} corpus: every StatefulSet gets a verdict and the verdicts match the pinned summary`, options, () => {
    assert.deepEqual(verdictSummaries(corpus), pinnedSummaries(corpus), 'corpus verdicts changed: review the difference, then re-pin with node scripts/pin-corpus-verdicts.ts');
  });

  test(`${corpus.id} corpus: no StatefulSet yields an error result`, options, () => {
    for (const entry of entries()) {
      const errors = evaluate(set, { object: entry.object, operation: 'CREATE' }).results.filter((r) => r.result === 'error');
      assert.deepEqual(errors, [], `${entry.file}/${entry.name}`);
    }
  });

  test(`${corpus.id} corpus: every patch applies with an independent RFC 6902 implementation and gives the mutated object`, options, () => {
    for (const entry of entries()) {
      const evaluation = evaluate(set, { object: entry.object, operation: 'CREATE' });
      const patched = jsonpatch.applyPatch(structuredClone(entry.object), jsonpatch.deepClone(evaluation.patch) as jsonpatch.Operation[], true).newDocument;
      assert.deepEqual(patched, evaluation.mutated, `${entry.file}/${entry.name}`);
    }
  });

  test(`${corpus.id} corpus: mutation is idempotent: re-evaluating the mutated object gives an empty patch`, options, () => {
    for (const entry of entries()) {
      const first = evaluate(set, { object: entry.object, operation: 'CREATE' });
      const second = evaluate(set, { object: first.mutated, operation: 'CREATE' });
      assert.deepEqual(second.patch, [], `${entry.file}/${entry.name}`);
    }
  });

  test(`${corpus.id} corpus: an UPDATE that leaves the template alone gets no patch, whatever else changes`, options, () => {
    for (const entry of entries()) {
      const spec = entry.object['spec'] as Record<string, unknown>;
      const updated = { ...entry.object, spec: { ...spec, replicas: 7 } };
      const evaluation = evaluate(set, { object: updated, oldObject: entry.object, operation: 'UPDATE' });
      assert.deepEqual(evaluation.patch, [], `${entry.file}/${entry.name}`);
    }
  });
}

test('the fixture corpus covers the shapes the real-world corpus taught us', () => {
  const entries = loadCorpus(FIXTURE_CORPUS);
  const spec = (o: Record<string, unknown>) => o['spec'] as { template: { spec: Record<string, unknown[] | unknown> }; volumeClaimTemplates?: unknown[] };
  const pod = (o: Record<string, unknown>) => spec(o).template.spec as { initContainers?: { restartPolicy?: string }[]; containers: unknown[]; nodeSelector?: Record<string, string>; hostNetwork?: boolean };
  const has = (what: string, found: boolean) => assert.ok(found, `no fixture StatefulSet has ${what}`);
  has('apps/v1beta1 or v1beta2', entries.some((e) => String(e.object['apiVersion']).startsWith('apps/v1beta')));
  has('a Windows pod', entries.some((e) => pod(e.object).nodeSelector?.['kubernetes.io/os'] === 'windows'));
  has('an init container', entries.some((e) => (pod(e.object).initContainers ?? []).some((c) => c.restartPolicy === undefined)));
  has('a native sidecar', entries.some((e) => (pod(e.object).initContainers ?? []).some((c) => c.restartPolicy === 'Always')));
  has('two or more containers', entries.some((e) => pod(e.object).containers.length >= 2));
  has('two or more claim templates', entries.some((e) => (spec(e.object).volumeClaimTemplates ?? []).length >= 2));
  has('no claim template', entries.some((e) => spec(e.object).volumeClaimTemplates === undefined));
  has('Helm labels', entries.some((e) => JSON.stringify(e.object['metadata']).includes('helm.sh/chart')));
  has('an owner (operator output)', entries.some((e) => (e.object['metadata'] as Record<string, unknown>)['ownerReferences'] !== undefined));
  has('a status block (live object dump)', entries.some((e) => e.object['status'] !== undefined));
  has('hostNetwork', entries.some((e) => pod(e.object).hostNetwork === true));
  has('a huge StatefulSet (over 50 KB of JSON)', entries.some((e) => JSON.stringify(e.object).length > 50_000));
  has('a huge bundle (a file over 500 KB)', corpusFiles(FIXTURE_CORPUS).some((f) => statSync(join(FIXTURE_CORPUS.dir, f)).size > 500_000));
  for (const image of ['postgres', 'mysql', 'mongo', 'kafka', 'rabbitmq', 'redis']) has(`a ${image} image`, entries.some((e) => JSON.stringify(pod(e.object).containers).includes(`"image":"${image}`) || JSON.stringify(pod(e.object).containers).includes(`/${image}:`)));
});
