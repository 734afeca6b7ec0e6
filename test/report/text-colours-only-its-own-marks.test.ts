import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadPolicySet } from '../../src/config/read-policies.ts';
import { evaluate } from '../../src/policy/index.ts';
import { formatTextItem, formatTextProblem } from '../../src/report/text.ts';
import { seed } from '../helpers/seed.ts';

const set = loadPolicySet([], true);

test('coloured text output styles its own marks (node:util styleText) and escapes the escapes a manifest carries', () => {
  const object = seed();
  (object['metadata'] as Record<string, unknown>)['name'] = 'web\u001b[32m';
  const evaluation = evaluate(set, { object, operation: 'CREATE', namespace: 'default' }, { actions: { overrides: {}, namespaceActions: 'off', exemptionNamespaces: [] } });
  const item = { source: 'a.yaml', line: 4, kind: 'StatefulSet', namespace: 'default', name: 'web\u001b[32m', evaluation };
  const coloured = formatTextItem(item, true);
  assert.ok(coloured.startsWith('\u001b[31mDENY\u001b[39m '), JSON.stringify(coloured.slice(0, 40)));
  assert.ok(coloured.includes('StatefulSet default/web\\x1b[32m'));
  assert.ok(!coloured.includes('web\u001b[32m'));
  const plain = formatTextItem(item, false);
  assert.ok(!plain.includes('\u001b'));
  assert.equal(formatTextProblem({ file: 'x\u001b]0;t\u0007.yaml', message: 'm\u009bn' }, false), 'ERROR x\\x1b]0;t\\x07.yaml: m\\x9bn\n');
});
