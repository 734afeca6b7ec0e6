import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluate } from '../../src/policy/index.ts';
import { formatMarkdown } from '../../src/report/markdown.ts';
import { isAudit, type Report } from '../../src/report/model.ts';
import { formatText } from '../../src/report/text.ts';
import { builtinPolicies } from '../helpers/policies.ts';
import { seed } from '../helpers/seed.ts';

const item = { source: '/apis/apps/v1/namespaces/default/statefulsets/web', line: 0, kind: 'StatefulSet', namespace: 'default', name: 'web', evaluation: evaluate(builtinPolicies(), { object: seed(), operation: 'CREATE' }, { surface: 'audit' }) };
const problems = [{ file: 'https://10.0.0.1:6443', message: 'default/x: 403 Forbidden' }];
const audited: Report = { apiServer: 'https://10.0.0.1:6443', items: [item], problems, skipped: {} };
const reviewed: Report = { items: [{ ...item, source: 'web.yaml', line: 1 }], problems, skipped: {} };

test('the API server is the one mark of an audit: text and markdown say audited and cluster errors exactly when it is set', () => {
  assert.equal(isAudit(audited), true);
  assert.equal(isAudit(reviewed), false);
  assert.match(formatText(audited, { color: false }), /1 StatefulSet audited:/);
  assert.match(formatText(reviewed, { color: false }), /1 StatefulSet reviewed:/);
  assert.match(formatMarkdown(audited, 'audit'), /cluster errors/);
  assert.doesNotMatch(formatMarkdown(reviewed, 'review'), /cluster errors/);
  assert.match(formatMarkdown(reviewed, 'review'), /input errors/);
});
