import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluate, type ActionSettings, type EvaluationRequest, type LookupContext } from '../../src/policy/index.ts';
import { builtinPolicies } from '../helpers/policies.ts';
import { seed } from '../helpers/seed.ts';

const set = builtinPolicies();
const everywhere: ActionSettings = { overrides: {}, namespaceActions: 'tighten', exemptionNamespaces: ['*'] };
const resultOf = (request: EvaluationRequest, policy: string, actions = everywhere) => evaluate(set, request, { actions }).results.find((r) => r.policy === policy);

function exempting(annotations: Record<string, string>): EvaluationRequest {
  const object = seed();
  (object['metadata'] as Record<string, unknown>)['annotations'] = annotations;
  return { object, operation: 'CREATE', namespace: 'shop' };
}

test('an honoured exemption is a skip with cause exempted and the claim, reason and all', () => {
  const result = resultOf(exempting({ 'stateguard.io/exempt': 'storage-class-required', 'stateguard.io/exempt-reason': 'JIRA-12' }), 'storage-class-required');
  assert.equal(result?.result, 'skip');
  assert.deepEqual(result?.skip, { cause: 'exempted' });
  assert.deepEqual(result?.exemption, { reason: 'JIRA-12', honoured: true });
});

test('an exemption not honoured is judged as usual and says why in a closed field', () => {
  const noReason = resultOf(exempting({ 'stateguard.io/exempt': 'storage-class-required' }), 'storage-class-required');
  assert.equal(noReason?.result, 'fail');
  assert.equal(noReason?.skip, undefined);
  assert.deepEqual(noReason?.exemption, { reason: '', honoured: false, refusal: 'no-reason' });
  const elsewhere = resultOf(exempting({ 'stateguard.io/exempt': 'storage-class-required', 'stateguard.io/exempt-reason': 'JIRA-12' }), 'storage-class-required', { ...everywhere, exemptionNamespaces: ['team-a'] });
  assert.deepEqual(elsewhere?.exemption, { reason: 'JIRA-12', honoured: false, refusal: 'namespace-not-allowed' });
  assert.equal(resultOf(exempting({}), 'storage-class-required')?.exemption, undefined, 'no claim, no field');
});

test('a LOOKUP policy without its data skips with cause no-cluster-data naming the data', () => {
  const offline = resultOf({ object: seed(), operation: 'CREATE' }, 'headless-service-exists');
  assert.deepEqual(offline?.skip, { cause: 'no-cluster-data', lookup: 'services' });
  const object = seed();
  (object['spec'] as { volumeClaimTemplates: { spec: Record<string, unknown> }[] }).volumeClaimTemplates[0]!.spec['storageClassName'] = 'fast';
  const unsynced = resultOf({ object, operation: 'CREATE', lookup: { storageClass: () => undefined } }, 'storage-class-exists');
  assert.deepEqual(unsynced?.skip, { cause: 'no-cluster-data', lookup: 'storageClasses' });
});

test('a LOOKUP policy whose data the API server refused skips with cause lookup-forbidden and names the refusal', () => {
  const object = seed();
  (object['spec'] as Record<string, unknown>)['replicas'] = 3;
  const lookup: LookupContext = {
    services: () => [],
    refused: (data) => (data === 'services' ? undefined : `cannot list ${data}: 403 Forbidden`),
  };
  const results = evaluate(set, { object, operation: 'CREATE', namespace: 'shop', lookup }, { actions: everywhere }).results;
  const pdb = results.find((r) => r.policy === 'pdb-exists');
  assert.equal(pdb?.result, 'skip');
  assert.deepEqual(pdb?.skip, { cause: 'lookup-forbidden', lookup: 'podDisruptionBudgets' });
  assert.match(pdb?.reason ?? '', /^not evaluated, the lookup was refused: cannot list podDisruptionBudgets: 403 Forbidden$/);
  assert.deepEqual(results.find((r) => r.policy === 'storage-class-exists')?.skip, { cause: 'lookup-forbidden', lookup: 'storageClasses' });
  assert.notEqual(results.find((r) => r.policy === 'headless-service-exists')?.result, 'skip', 'the data that was read is used');
});
