import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PolicyResult } from '../../src/policy/index.ts';
import { formatJson } from '../../src/report/json.ts';
import { formatJunit } from '../../src/report/junit.ts';
import { formatMarkdown } from '../../src/report/markdown.ts';
import { counts, exitCode, verdictOf, type ReportItem, type Report } from '../../src/report/model.ts';
import { formatText } from '../../src/report/text.ts';

function result(policy: string, fields: Partial<PolicyResult> & Pick<PolicyResult, 'result'>): PolicyResult {
  return { policy, category: 'test', severity: 'high', action: 'deny', violations: [], ...fields };
}

function item(name: string, results: PolicyResult[]): ReportItem {
  return { source: 'manifests.yaml', line: 3, kind: 'StatefulSet', namespace: 'shop', name, evaluation: { target: 'StatefulSet', results, patch: [], mutators: [], mutated: {} } };
}

const passed = result('name-length', { result: 'pass' });
const crashed = result('broken', { result: 'error', reason: 'check failed: boom' });
const refused = result('storage-class-exists', { result: 'skip', skip: { cause: 'lookup-forbidden', lookup: 'storageClasses' }, reason: 'not evaluated, the lookup was refused: cannot list storageclasses: 403 Forbidden' });
const offline = result('pdb-exists', { result: 'skip', skip: { cause: 'no-cluster-data', lookup: 'podDisruptionBudgets' }, reason: 'no cluster data: PodDisruptionBudgets are not known offline' });
const report = (...items: ReportItem[]): Report => ({ items, problems: [], skipped: {} });

test('an item whose only non-pass result is an error is an error everywhere: never WARN, never clean, exit 2', () => {
  const errored = report(item('web', [passed, crashed]));
  assert.equal(verdictOf(errored.items[0]!.evaluation.results), 'error');
  assert.deepEqual(counts(errored), { denied: 0, warned: 0, errors: 1, incomplete: 0, clean: 0 });
  assert.equal(exitCode(errored, 'deny'), 2);
  const text = formatText(errored, { color: false });
  assert.match(text, /^ERROR StatefulSet shop\/web manifests\.yaml:3$/m);
  assert.match(text, /0 clean/);
  const markdown = formatMarkdown(errored, 'review');
  assert.match(markdown, /^\| ERROR \| `shop\/web` \|/m);
  assert.match(markdown, /0 clean/);
  assert.equal((JSON.parse(formatJson(errored)) as { summary: { clean: number; errors: number } }).summary.clean, 0);
});

test('a policy not evaluated because a lookup was refused is never a pass: INCOMPLETE, the refusal shown, exit 2', () => {
  const incomplete = report(item('web', [passed, offline, refused]));
  assert.equal(verdictOf(incomplete.items[0]!.evaluation.results), 'incomplete');
  assert.deepEqual(counts(incomplete), { denied: 0, warned: 0, errors: 0, incomplete: 1, clean: 0 });
  assert.equal(exitCode(incomplete, 'deny'), 2);
  const text = formatText(incomplete, { color: false });
  assert.match(text, /^INCOMPLETE StatefulSet shop\/web /m);
  assert.match(text, /storage-class-exists.*lookup was refused: cannot list storageclasses: 403 Forbidden/);
  assert.match(text, /0 clean/);
  assert.match(text, /1 not fully evaluated/);
  const markdown = formatMarkdown(incomplete, 'audit');
  assert.match(markdown, /^\| INCOMPLETE \| `shop\/web` \|/m);
  assert.match(markdown, /^\| not evaluated \| `storage-class-exists` \| \| not evaluated, the lookup was refused/m);
  assert.match(formatJunit(incomplete), /<error message="not evaluated, the lookup was refused/);
  assert.equal(exitCode(report(item('web', [passed, offline])), 'deny'), 0, 'missing data offline is a skip, as before');
});

test('denials outrank warnings, and every item is counted once', () => {
  const mixed = report(
    item('a', [result('p', { result: 'fail', violations: [{ path: 'x', message: 'm', fix: 'f' }] }), result('q', { result: 'warn', action: 'warn', violations: [{ path: 'y', message: 'm', fix: 'f' }] })]),
    item('b', [result('q', { result: 'warn', action: 'warn', violations: [{ path: 'y', message: 'm', fix: 'f' }] })]),
    item('c', [passed, offline]),
  );
  assert.deepEqual(mixed.items.map((i) => verdictOf(i.evaluation.results)), ['deny', 'warn', 'pass']);
  assert.deepEqual(counts(mixed), { denied: 1, warned: 1, errors: 0, incomplete: 0, clean: 1 });
  assert.equal(exitCode(mixed, 'deny'), 1);
});
