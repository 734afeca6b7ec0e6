import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluate, type ActionSettings, type EvaluationRequest, type LookupContext } from '../../src/policy/index.ts';
import { builtinPolicies } from '../helpers/policies.ts';
import { seed } from '../helpers/seed.ts';

const set = builtinPolicies();
const everywhere: ActionSettings = { overrides: {}, namespaceActions: 'tighten', exemptionNamespaces: ['*'], annotationExemptions: true };
const resultOf = (request: EvaluationRequest, policy: string, actions = everywhere) => evaluate(set, request, { actions }).results.find((r) => r.policy === policy);

/** `null`: no grant at all (nobody could be asked). */
function exempting(annotations: Record<string, string>, exemptionGrant: EvaluationRequest['exemptionGrant'] | null = { allowed: ['storage-class-required'] }): EvaluationRequest {
  const object = seed();
  (object['metadata'] as Record<string, unknown>)['annotations'] = annotations;
  return { object, operation: 'CREATE', namespace: 'shop', userInfo: { username: 'dev' }, ...(exemptionGrant === null ? {} : { exemptionGrant }) };
}

const claim = { 'stateguard.io/exempt': 'storage-class-required,resource-requests-required', 'stateguard.io/exempt-reason': 'JIRA-12' };

test('an exemption granted to the requesting user is a skip with cause exempted and the claim, reason and all', () => {
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

test('annotation exemptions are off by default: the claim is judged as usual and says so', () => {
  const result = resultOf(exempting(claim), 'storage-class-required', { overrides: {}, namespaceActions: 'tighten', exemptionNamespaces: ['*'] });
  assert.equal(result?.result, 'fail');
  assert.deepEqual(result?.exemption, { reason: 'JIRA-12', honoured: false, refusal: 'exemptions-disabled' });
  assert.match(result?.reason ?? '', /annotation exemptions are off \(config exemptions\.annotations\)/);
});

test('an exemption is honoured only for the policies the grant allows the requesting user', () => {
  const results = evaluate(set, exempting(claim), { actions: everywhere }).results;
  assert.equal(results.find((r) => r.policy === 'storage-class-required')?.result, 'skip');
  const refused = results.find((r) => r.policy === 'resource-requests-required');
  assert.equal(refused?.result, 'fail');
  assert.deepEqual(refused?.exemption, { reason: 'JIRA-12', honoured: false, refusal: 'not-authorised' });
  assert.match(refused?.reason ?? '', /^exemption not honoured: dev may not exempt resource-requests-required \(RBAC: verb exempt on statefulsetpolicies\.stateguard\.io "resource-requests-required" in namespace shop\)$/);
});

test('without a grant (offline, audit) or when the authoriser could not answer, no exemption is honoured, and the result says why', () => {
  const offline = resultOf(exempting(claim, null), 'storage-class-required');
  assert.equal(offline?.result, 'fail');
  assert.deepEqual(offline?.exemption, { reason: 'JIRA-12', honoured: false, refusal: 'authorisation-unavailable' });
  assert.match(offline?.reason ?? '', /cannot verify who may exempt offline/);
  const failed = resultOf(exempting(claim, { allowed: [], unavailable: { 'storage-class-required': 'SubjectAccessReview failed: 403 Forbidden' } }), 'storage-class-required');
  assert.equal(failed?.result, 'fail');
  assert.equal(failed?.exemption?.refusal, 'authorisation-unavailable');
  assert.match(failed?.reason ?? '', /cannot verify who may exempt: SubjectAccessReview failed: 403 Forbidden/);
});

test('a mutator is exempted only with the grant too', () => {
  const annotations = { 'stateguard.io/exempt': 'pod-anti-affinity', 'stateguard.io/exempt-reason': 'single node' };
  const request = (grant: EvaluationRequest['exemptionGrant'] | null): EvaluationRequest => {
    const base = exempting(annotations, grant);
    (base.object as { spec: { replicas: number } }).spec.replicas = 3;
    return base;
  };
  assert.ok(evaluate(set, request(null), { actions: everywhere }).mutators.includes('pod-anti-affinity'));
  assert.ok(!evaluate(set, request({ allowed: ['pod-anti-affinity'] }), { actions: everywhere }).mutators.includes('pod-anti-affinity'));
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
