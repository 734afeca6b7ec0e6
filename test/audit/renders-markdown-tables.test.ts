import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_ACTION_SETTINGS, evaluate } from '../../src/policy/index.ts';
import { formatMarkdown } from '../../src/report/markdown.ts';
import type { Report } from '../../src/report/model.ts';
import { builtinPolicies } from '../helpers/policies.ts';
import { seed } from '../helpers/seed.ts';
import { statefulSet } from '../cluster/fixtures.ts';

// An honoured exemption (annotation exemptions on, the grant a SubjectAccessReview gave): to show how one is rendered.
const EXEMPTING = { ...DEFAULT_ACTION_SETTINGS, annotationExemptions: true };
const GRANT = { allowed: ['memory-limit-required'] };

function item(name: string, object: unknown) {
  return { source: `/apis/apps/v1/namespaces/shop/statefulsets/${name}`, line: 0, kind: 'StatefulSet', namespace: 'shop', name, evaluation: evaluate(builtinPolicies(), { object, operation: 'CREATE', exemptionGrant: GRANT }, { surface: 'audit', actions: EXEMPTING }) };
}

test('markdown: a summary table, then a findings table per StatefulSet that did not pass, table-safe', () => {
  const web = seed();
  (web['metadata'] as Record<string, unknown>)['annotations'] = { 'stateguard.io/exempt': 'memory-limit-required', 'stateguard.io/exempt-reason': 'a | b\nc' };
  const report: Report = { apiServer: 'https://127.0.0.1:6443', items: [item('web', web), item('clean', statefulSet('clean', 'shop'))], problems: [{ file: 'https://127.0.0.1:6443', message: 'shop/x: 403 Forbidden' }], skipped: {} };
  const text = formatMarkdown(report, 'stateguard audit of https://127.0.0.1:6443');
  assert.match(text, /^## stateguard audit of https:\/\/127\.0\.0\.1:6443\n\n\*\*2 StatefulSets: 1 denied, 0 with warnings, 1 clean\*\*, 1 cluster errors\n/);
  assert.match(text, /^\| verdict \| StatefulSet \| deny violations \| warnings \| rule errors \| not evaluated \| skipped policies \|$/m);
  const row = /^\| DENY \| `shop\/web` \| (\d+) \| (\d+) \| 0 \| 0 \| 6 \|$/m.exec(text);
  assert.ok(row, text);
  assert.equal(Number(row[1]), (text.match(/^\| fail \|/gm) ?? []).length, 'the summary counts the rows its findings table lists');
  assert.equal(Number(row[2]), (text.match(/^\| warn \|/gm) ?? []).length);
  assert.match(text, /^\| PASS \| `shop\/clean` \| 0 \| 0 \| 0 \| 0 \| 4 \|$/m);
  assert.match(text, /^### DENY `shop\/web`$/m);
  assert.doesNotMatch(text, /^### PASS/m, 'only StatefulSets with findings get a section');
  assert.match(text, /^\| fail \| `resource-requests-required` \| `spec\.template\.spec\.containers\[0\]\.resources\.requests` \| container "nginx" requests no cpu/m);
  assert.match(text, /`memory-limit-required` \(exempted: a \\\| b<br>c\)/);
  const tables = text.split('\n\n').filter((block) => block.startsWith('|'));
  assert.equal(tables.length, 2);
  for (const table of tables) {
    const columns = table.split('\n').map((row) => row.replace(/\\\|/g, '').split('|').length);
    assert.equal(new Set(columns).size, 1, `every row has its header's columns:\n${table}`);
  }
  assert.match(text, /### Errors\n\n- `https:\/\/127\.0\.0\.1:6443`: shop\/x: 403 Forbidden\n$/);
});
