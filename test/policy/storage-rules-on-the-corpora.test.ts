/**
 * The storage rules of issue #16 on each corpus, as a platform team would run them: `stateguard review` with a
 * class allow-list and size bounds configured (config below), LOOKUP data from the same files (the bundles that
 * carry StorageClasses), and an UPDATE doubling the first claim template's size of every StatefulSet that has one.
 * The counts of StatefulSets each rule flags are pinned: a change is a changed rule, to be re-pinned on purpose.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { evaluate, type JsonObject } from '../../src/policy/index.ts';
import { parseQuantity } from '../../src/policy/quantity.ts';
import { CORPORA, corpusSkip, loadCorpus, type Corpus } from '../helpers/corpus.ts';
import { runCliInProcess } from '../helpers/cli-in-process.ts';
import { builtinPolicies } from '../helpers/policies.ts';

const CONFIG = {
  policies: {
    'storage-class-allowed': { action: 'deny', params: { allowed: ['standard', 'gp3*', 'premium-*'] } },
    'storage-size-bounds': { action: 'deny', params: { classes: { '*': { min: '1Gi', max: '1Ti', step: '1Gi' } } } },
  },
};

/** StatefulSets each rule flags (fail or warn), per corpus. */
const PINNED: Record<Corpus['id'], Record<string, number>> = {
  // helm-rendered-chart.yaml ships the (deprecated, not expandable) default class its StatefulSet's claims get.
  fixture: { 'storage-class-allowed': 6, 'storage-size-bounds': 0, 'storage-class-expandable': 1, 'storage-class-not-deprecated': 1, 'claim-template-resize': 17 },
  real: { 'storage-class-allowed': 14, 'storage-size-bounds': 4, 'storage-class-expandable': 2, 'storage-class-not-deprecated': 0, 'claim-template-resize': 41 },
};

const config = join(mkdtempSync(join(tmpdir(), 'stateguard-storage-corpus-')), 'config.yaml');
writeFileSync(config, JSON.stringify(CONFIG));

function firstTemplateDoubled(object: JsonObject): JsonObject | undefined {
  const copy = structuredClone(object) as { spec?: { volumeClaimTemplates?: { spec?: { resources?: { requests?: { storage?: unknown } } } }[] } };
  const requests = copy.spec?.volumeClaimTemplates?.[0]?.spec?.resources?.requests;
  const size = parseQuantity(requests?.storage);
  if (requests === undefined || size === undefined || size <= 0) return undefined;
  requests.storage = String(size * 2);
  return copy as JsonObject;
}

for (const corpus of CORPORA) test(`${corpus.id} corpus: the storage rules flag the pinned number of StatefulSets`, corpusSkip(corpus), async () => {
  const review = await runCliInProcess(['review', '-c', config, '-o', 'json', corpus.dir]);
  const report = JSON.parse(review.stdout) as { items: { results: { policy: string; result: string }[] }[] };
  assert.equal(report.items.length, corpus.statefulSets);
  const counts: Record<string, number> = {};
  for (const id of ['storage-class-allowed', 'storage-size-bounds', 'storage-class-expandable', 'storage-class-not-deprecated']) {
    counts[id] = report.items.filter((item) => item.results.some((r) => r.policy === id && (r.result === 'fail' || r.result === 'warn'))).length;
  }
  let resized = 0;
  for (const entry of loadCorpus(corpus)) {
    const updated = firstTemplateDoubled(entry.object);
    if (updated === undefined) continue;
    const evaluation = evaluate(builtinPolicies(), { object: updated, oldObject: entry.object, operation: 'UPDATE' });
    const result = evaluation.results.find((r) => r.policy === 'claim-template-resize');
    assert.equal(result?.result, 'fail', `${entry.file}/${entry.name}: a doubled claim template is not explained`);
    resized += 1;
  }
  counts['claim-template-resize'] = resized;
  assert.deepEqual(counts, PINNED[corpus.id]);
});
