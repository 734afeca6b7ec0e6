import assert from 'node:assert/strict';
import { test } from 'node:test';
import { statusBody } from '../../src/cluster/policy-resource-watch.ts';
import type { ResourceStatus } from '../../src/policy/index.ts';

const accepted: ResourceStatus = { ready: true, reason: 'Accepted', message: 'the policy is in force', generation: 2 };
const invalid: ResourceStatus = { ready: false, reason: 'Invalid', message: 'spec.action: …; the last good version (generation 2) keeps serving', generation: 3 };

test('the first status of a resource is one Ready condition with the observed generation', () => {
  const body = statusBody(accepted, undefined) as { observedGeneration: number; conditions: Record<string, unknown>[] };
  assert.equal(body.observedGeneration, 2);
  assert.equal(body.conditions.length, 1);
  assert.deepEqual({ ...body.conditions[0], lastTransitionTime: undefined }, { type: 'Ready', status: 'True', reason: 'Accepted', message: 'the policy is in force', observedGeneration: 2, lastTransitionTime: undefined });
  assert.match(String(body.conditions[0]?.['lastTransitionTime']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
});

test('a status that says what is stored is not written again (no write, no update event, no loop)', () => {
  const stored = statusBody(accepted, undefined);
  assert.equal(statusBody(accepted, stored), undefined);
});

test('the transition time moves only when Ready changes value', () => {
  const since = '2026-01-01T00:00:00Z';
  const stored = { conditions: [{ type: 'Ready', status: 'False', reason: 'Invalid', message: 'old', observedGeneration: 1, lastTransitionTime: since }] };
  const stillFalse = statusBody(invalid, stored) as { conditions: Record<string, unknown>[] };
  assert.equal(stillFalse.conditions[0]?.['lastTransitionTime'], since);
  const nowTrue = statusBody(accepted, stored) as { conditions: Record<string, unknown>[] };
  assert.notEqual(nowTrue.conditions[0]?.['lastTransitionTime'], since);
  const bare = statusBody({ ready: true, reason: 'Accepted', message: 'm' }, { conditions: 'not a list' }) as Record<string, unknown>;
  assert.equal(bare['observedGeneration'], undefined);
});
