import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import jsonpatch from 'fast-json-patch';
import { evaluate } from '../../src/policy/index.ts';
import { corpusFiles, loadCorpus } from '../helpers/corpus.ts';
import { builtinPolicies } from '../helpers/policies.ts';

const PINNED = resolve(import.meta.dirname, '../fixtures/corpus-verdicts.json');
const corpus = loadCorpus();
const set = builtinPolicies();

function summary(results: readonly { policy: string; result: string }[]): string {
  const of = (kind: string) => results.filter((r) => r.result === kind).map((r) => r.policy).join(',');
  return `fail=[${of('fail')}] warn=[${of('warn')}] error=[${of('error')}]`;
}

test('the corpus holds 59 StatefulSets across its files', () => {
  assert.equal(corpus.length, 59);
  assert.ok(corpusFiles().length >= 50);
});

test('every corpus StatefulSet gets a verdict and the verdicts match the pinned summary', () => {
  const actual: Record<string, string> = {};
  for (const entry of corpus) {
    const evaluation = evaluate(set, { object: entry.object, operation: 'CREATE' });
    assert.ok(evaluation.results.length > 0, `${entry.file}/${entry.name} got no results`);
    actual[`${entry.file}/${entry.name}`] = summary(evaluation.results);
  }
  if (process.env['UPDATE_PINNED'] === '1') writeFileSync(PINNED, JSON.stringify(actual, null, 2) + '\n');
  const pinned = JSON.parse(readFileSync(PINNED, 'utf8')) as Record<string, string>;
  assert.deepEqual(actual, pinned, 'corpus verdicts changed: review the difference, then run UPDATE_PINNED=1 to re-pin');
});

test('no corpus StatefulSet yields an error result', () => {
  for (const entry of corpus) {
    const errors = evaluate(set, { object: entry.object, operation: 'CREATE' }).results.filter((r) => r.result === 'error');
    assert.deepEqual(errors, [], `${entry.file}/${entry.name}`);
  }
});

test('every patch applies with an independent RFC 6902 implementation and gives the mutated object', () => {
  for (const entry of corpus) {
    const evaluation = evaluate(set, { object: entry.object, operation: 'CREATE' });
    const patched = jsonpatch.applyPatch(structuredClone(entry.object), jsonpatch.deepClone(evaluation.patch) as jsonpatch.Operation[], true).newDocument;
    assert.deepEqual(patched, evaluation.mutated, `${entry.file}/${entry.name}`);
  }
});

test('mutation is idempotent over the whole corpus: re-evaluating the mutated object gives an empty patch', () => {
  for (const entry of corpus) {
    const first = evaluate(set, { object: entry.object, operation: 'CREATE' });
    const second = evaluate(set, { object: first.mutated, operation: 'CREATE' });
    assert.deepEqual(second.patch, [], `${entry.file}/${entry.name}`);
  }
});

test('an UPDATE that leaves the template alone gets no patch, whatever else changes', () => {
  for (const entry of corpus) {
    const spec = entry.object['spec'] as Record<string, unknown>;
    const updated = { ...entry.object, spec: { ...spec, replicas: 7 } };
    const evaluation = evaluate(set, { object: updated, oldObject: entry.object, operation: 'UPDATE' });
    assert.deepEqual(evaluation.patch, [], `${entry.file}/${entry.name}`);
  }
});
