import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { DNS_LABEL_MAX, isDnsLabel, selectorIsEmpty, selectorMatches } from '../../src/policy/index.ts';

const POLICY = resolve(import.meta.dirname, '../../src/policy');

test('a DNS label is lower-case alphanumerics and inner dashes, at most 63 characters', () => {
  const cases: readonly [string, boolean][] = [
    ['db', true], ['db-0', true], ['0db', true], ['a'.repeat(DNS_LABEL_MAX), true],
    ['a'.repeat(DNS_LABEL_MAX + 1), false], ['', false], ['-db', false], ['db-', false], ['Db', false], ['db.x', false], ['db_x', false],
  ];
  for (const [name, ok] of cases) assert.equal(isDnsLabel(name), ok, name);
});

test('a label selector holds when every matchLabels pair and expression does; empty selects all, an unknown operator none', () => {
  const labels = { app: 'db', tier: 'prod' };
  const cases: readonly [unknown, boolean][] = [
    [{}, true],
    [undefined, true],
    [{ matchLabels: { app: 'db' } }, true],
    [{ matchLabels: { app: 'web' } }, false],
    [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['prod', 'dev'] }] }, true],
    [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }, false],
    [{ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['prod'] }] }, false],
    [{ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, true],
    [{ matchExpressions: [{ key: 'app', operator: 'Exists' }] }, true],
    [{ matchExpressions: [{ key: 'zone', operator: 'Exists' }] }, false],
    [{ matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }, true],
    [{ matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, false],
    [{ matchExpressions: [{ key: 'app', operator: 'Gt', values: ['1'] }] }, false],
    [{ matchLabels: { app: 'db' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['dev'] }] }, false],
  ];
  for (const [selector, selects] of cases) assert.equal(selectorMatches(selector, labels), selects, JSON.stringify(selector));
  assert.equal(selectorIsEmpty({ matchLabels: {}, matchExpressions: [] }), true);
  assert.equal(selectorIsEmpty({ matchExpressions: [{ key: 'app', operator: 'Exists' }] }), false);
});

test('rule files share no helpers: only the registries import a check or a mutator, and rules import no other rule', () => {
  const found: string[] = [];
  const files = readdirSync(POLICY, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  for (const file of files) {
    const text = readFileSync(resolve(POLICY, file), 'utf8');
    for (const [, from] of text.matchAll(/^import .* from '([^']+)';$/gm)) {
      const target = resolve(POLICY, file, '..', from!).slice(POLICY.length + 1);
      const rule = /^(checks|mutators)\/(?!index\.ts|check\.ts|mutator\.ts)/.test(target);
      const registry = file === `${target.split('/')[0]}/index.ts`;
      if (rule && !registry) found.push(`${file} imports ${target}`);
    }
  }
  assert.deepEqual(found, []);
});
