/** A policy whose violations were capped by the engine says, in the text report, how many more there were. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluate, MAX_VIOLATIONS_PER_POLICY, type JsonObject } from '../../src/policy/index.ts';
import { formatText } from '../../src/report/text.ts';
import { builtinPolicies } from '../helpers/policies.ts';
import { seed } from '../helpers/seed.ts';

test('text output ends a capped policy with "… and N more violations"', () => {
  const object = seed() as JsonObject;
  const spec = object['spec'] as JsonObject;
  const claims = Array.from({ length: MAX_VIOLATIONS_PER_POLICY + 7 }, (_, i) => ({ metadata: { name: `c${i}` }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }));
  spec['volumeClaimTemplates'] = claims;
  const evaluation = evaluate(builtinPolicies(), { object, operation: 'CREATE' });
  const capped = evaluation.results.find((r) => r.policy === 'storage-class-required');
  assert.equal(capped?.violations.length, MAX_VIOLATIONS_PER_POLICY);
  assert.equal(capped?.omittedViolations, 7);
  const text = formatText({ items: [{ source: 'x.yaml', line: 1, kind: 'StatefulSet', namespace: 'default', name: 'web', evaluation }], problems: [], skipped: {} }, { color: false });
  assert.match(text, new RegExp(`storage-class-required … and 7 more violations \\(only the first ${MAX_VIOLATIONS_PER_POLICY} are listed\\)`));
});
