import assert from 'node:assert/strict';
import { test } from 'node:test';
import jsonpatch from 'fast-json-patch';
import { answersFor, compilePolicies, escapePointer, evaluate, StateguardError, SURFACE_PLANS, SURFACES, validatesOn, type ActionSettings, type EvaluationRequest, type Policy, type ValidatingPolicy } from '../../src/policy/index.ts';
import { builtinPolicies } from '../helpers/policies.ts';
import { seed } from '../helpers/seed.ts';

const set = builtinPolicies();
const settings = (overrides: ActionSettings['overrides'] = {}, namespaceActions: ActionSettings['namespaceActions'] = 'tighten', exemptionNamespaces: readonly string[] = ['*']): ActionSettings => ({ overrides, namespaceActions, exemptionNamespaces });
const resultOf = (request: EvaluationRequest, policy: string, actions = settings()) => evaluate(set, request, { actions }).results.find((r) => r.policy === policy);

test('the seed example is denied by storage-class-required and resource-requests-required', () => {
  const failed = evaluate(set, { object: seed(), operation: 'CREATE' }).results.filter((r) => r.result === 'fail').map((r) => r.policy);
  assert.deepEqual(failed.sort(), ['resource-requests-required', 'storage-class-required']);
});

test('action precedence: policy default < config override < namespace label (tightens only, by default)', () => {
  const request = { object: seed(), operation: 'CREATE' } as const;
  assert.equal(resultOf(request, 'storage-class-required')?.action, 'deny');
  assert.equal(resultOf(request, 'storage-class-required', settings({ 'storage-class-required': 'warn' }))?.result, 'warn');
  const loosen = { ...request, namespaceLabels: { 'stateguard.io/action': 'audit' } };
  assert.equal(resultOf(loosen, 'storage-class-required')?.action, 'deny', 'by default the label never loosens');
  assert.equal(resultOf(loosen, 'storage-class-required', settings({}, 'tighten-and-loosen'))?.action, 'audit', 'loosening is a config opt-in');
  const tighten = { ...request, namespaceLabels: { 'stateguard.io/action': 'deny' } };
  assert.equal(resultOf(tighten, 'memory-limit-required')?.action, 'deny', 'a deny label makes a warn policy deny');
  assert.equal(resultOf(tighten, 'memory-limit-required')?.result, 'fail');
  assert.equal(resultOf({ ...request, namespaceLabels: { 'stateguard.io/action': 'warn' } }, 'memory-limit-required', settings({ 'memory-limit-required': 'audit' }))?.action, 'warn', 'audit tightens to warn');
  assert.equal(resultOf(tighten, 'memory-limit-required', settings({}, 'off'))?.action, 'warn', 'namespaceActions off ignores the label');
  assert.equal(resultOf(tighten, 'min-replicas'), undefined, 'the label never turns on a policy that is off');
  const capped = evaluate(set, tighten, { actions: { ...settings(), ceiling: 'warn' } }).results;
  assert.equal(capped.find((r) => r.policy === 'memory-limit-required')?.action, 'warn', 'the ceiling caps what the label tightens to');
  assert.equal(resultOf({ ...request, namespaceLabels: { 'stateguard.io/action': 'bogus' } }, 'memory-limit-required')?.action, 'warn', 'an unknown label value changes nothing');
  assert.equal(resultOf(request, 'min-replicas'), undefined, 'off policies are not evaluated');
  const audited = evaluate(set, request, { actions: { ...settings(), ceiling: 'audit' } }).results;
  assert.ok(audited.every((r) => r.action === 'audit'), 'an audit ceiling caps every policy');
  assert.ok(!audited.some((r) => r.result === 'fail'));
  assert.equal(resultOf(request, 'min-replicas', settings({ 'min-replicas': 'deny' }))?.result, 'pass');
});

test('an exemption with a reason and a grant skips the policy and records why; without a reason it is itself denied', () => {
  const object = seed();
  (object['metadata'] as Record<string, unknown>)['annotations'] = { 'stateguard.io/exempt': 'storage-class-required', 'stateguard.io/exempt-reason': 'JIRA-12: static PVs' };
  const enabled = { ...settings(), annotationExemptions: true };
  const granted = { object, operation: 'CREATE', exemptionGrant: { allowed: ['storage-class-required'] } } as const;
  const exempted = resultOf(granted, 'storage-class-required', enabled);
  assert.equal(exempted?.result, 'skip');
  assert.match(exempted?.reason ?? '', /JIRA-12/);
  assert.equal(resultOf(granted, 'storage-class-required')?.result, 'fail', 'off by default');
  assert.equal(resultOf(granted, 'storage-class-required', { ...settings({}, 'tighten', ['team-a']), annotationExemptions: true })?.result, 'fail', 'not honoured outside allowed namespaces');
  (object['metadata'] as Record<string, unknown>)['annotations'] = { 'stateguard.io/exempt': 'storage-class-required' };
  assert.equal(resultOf(granted, 'storage-class-required', enabled)?.result, 'fail');
  assert.equal(resultOf(granted, 'exemption-reason-required', enabled)?.result, 'fail');
});

test('a check that throws yields error for that policy only', () => {
  const nameLength = set.byId.get('name-length') as ValidatingPolicy;
  const broken: Policy = { ...nameLength, id: 'broken-check', validate: { ...nameLength.validate, check: 'no-such-check' } };
  const withBroken = { ...set, policies: [...set.policies, broken], byId: new Map([...set.byId, [broken.id, broken]]) };
  const evaluation = evaluate(withBroken, { object: seed(), operation: 'CREATE' });
  const result = evaluation.results.find((r) => r.policy === 'broken-check');
  assert.equal(result?.result, 'error');
  assert.match(result?.reason ?? '', /check failed: unknown check no-such-check/);
  assert.equal(evaluation.results.find((r) => r.policy === 'resource-requests-required')?.result, 'fail');
});

test('a lookup cache that has not synced yet makes its policy skip, not fail', () => {
  const object = seed();
  (object['spec'] as { volumeClaimTemplates: { spec: Record<string, unknown> }[] }).volumeClaimTemplates[0]!.spec['storageClassName'] = 'fast';
  const result = resultOf({ object, operation: 'CREATE', lookup: { storageClass: () => undefined } }, 'storage-class-exists');
  assert.equal(result?.result, 'skip');
  assert.match(result?.reason ?? '', /not synced/);
});

test('lookup policies are skipped with a reason offline, evaluated with cluster data', () => {
  const offline = resultOf({ object: seed(), operation: 'CREATE' }, 'headless-service-exists');
  assert.equal(offline?.result, 'skip');
  assert.match(offline?.reason ?? '', /no cluster data/);
  const services = () => [{ metadata: { name: 'web' }, spec: { clusterIP: 'None', selector: { app: 'web' } } }];
  assert.equal(resultOf({ object: seed(), operation: 'CREATE', lookup: { services } }, 'headless-service-exists')?.result, 'pass');
  assert.equal(resultOf({ object: seed(), operation: 'CREATE', lookup: { services: () => [] } }, 'headless-service-exists')?.result, 'warn');
});

test('non-objects are rejected as input errors, not crashes', () => {
  for (const object of [null, 42, 'text', []]) {
    assert.throws(() => evaluate(set, { object, operation: 'CREATE' }), (error: unknown) => error instanceof StateguardError && error.code === 'ERR_INPUT');
  }
});

test('a StatefulSet with template: null gets a verdict, not a crash', () => {
  const object = seed();
  (object['spec'] as Record<string, unknown>)['template'] = null;
  const evaluation = evaluate(set, { object, operation: 'CREATE' });
  assert.equal(evaluation.results.find((r) => r.policy === 'template-sanity')?.result, 'fail');
  assert.deepEqual(evaluation.results.filter((r) => r.result === 'error'), []);
});

test('an invalid policy names file, line, policy and every schema error', () => {
  const text = [
    'apiVersion: stateguard.io/v1alpha1',
    'kind: StatefulSetPolicy',
    'metadata: { name: broken-one }',
    'spec:',
    '  description: x',
    '  severity: urgent',
    '  action: deny',
    '  validate: { check: no-such-check, message: m, fix: f }',
  ].join('\n');
  assert.throws(() => compilePolicies([{ file: 'p.yaml', text }]), (error: unknown) => {
    assert.ok(error instanceof StateguardError);
    assert.equal(error.code, 'ERR_POLICY_INVALID');
    assert.ok(error.details.some((d) => d.startsWith('p.yaml:6: policy broken-one: spec.severity')), error.details.join('\n'));
    return true;
  });
  assert.throws(() => compilePolicies([{ file: 'q.yaml', text: text.replace('urgent', 'high') }]), /invalid policy set/);
  assert.throws(() => compilePolicies([{ file: 'r.yaml', text: 'a: [unclosed' }]), (error: unknown) => error instanceof StateguardError && error.details[0]?.startsWith('r.yaml:1: YAML') === true);
});

test('annotation keys in patch paths are escaped per RFC 6901: the mutated marker is added beside existing annotations at .../stateguard.io~1mutated', () => {
  const object = seed();
  (object['metadata'] as Record<string, unknown>)['annotations'] = { 'example.com/owner': 'team-a', 'odd~key/name': 'kept' };
  const evaluation = evaluate(set, { object, operation: 'CREATE' });
  const annotationOps = evaluation.patch.filter((op) => op.path.startsWith('/metadata/annotations'));
  assert.deepEqual(annotationOps.map((op) => `${op.op} ${op.path}`), ['add /metadata/annotations/stateguard.io~1mutated']);
  // An independent RFC 6902/6901 implementation reads the escaped path as the key with its slash.
  const patched = jsonpatch.applyPatch(structuredClone(object), jsonpatch.deepClone(evaluation.patch) as jsonpatch.Operation[], true).newDocument;
  assert.deepEqual(patched, evaluation.mutated);
  assert.deepEqual(Object.keys((patched['metadata'] as { annotations: object }).annotations).sort(), ['example.com/owner', 'odd~key/name', 'stateguard.io/mutated']);
});

test('pointer escaping turns ~ into ~0 before / into ~1, so a key holding "~1" survives a round trip', () => {
  assert.equal(escapePointer('a~1b/c'), 'a~01b~1c');
  assert.equal(escapePointer('stateguard.io/mutated'), 'stateguard.io~1mutated');
  assert.equal(escapePointer(3), '3');
  const doc = { annotations: { 'a~1b/c': 'old' } };
  const replaced = jsonpatch.applyPatch(structuredClone(doc), [{ op: 'replace', path: `/annotations/${escapePointer('a~1b/c')}`, value: 'new' }], true).newDocument;
  assert.deepEqual(replaced, { annotations: { 'a~1b/c': 'new' } });
});

test('each webhook computes only its half: the validate-webhook surface gives no patch, the mutate-webhook surface no results', () => {
  const validateOnly = evaluate(set, { object: seed(), operation: 'CREATE' }, { surface: 'validate-webhook' });
  assert.deepEqual(validateOnly.patch, []);
  assert.deepEqual(validateOnly.mutators, []);
  const full = evaluate(set, { object: seed(), operation: 'CREATE' }, { surface: 'audit' });
  assert.deepEqual(validateOnly.results, full.results, 'the verdict does not depend on the mutators when validating the object as received');
  const mutateOnly = evaluate(set, { object: seed(), operation: 'CREATE' }, { surface: 'mutate-webhook' });
  assert.deepEqual(mutateOnly.results, []);
  const old = seed();
  const changed = seed();
  (changed['spec'] as Record<string, unknown>)['serviceName'] = 'other';
  const update = evaluate(set, { object: changed, oldObject: old, operation: 'UPDATE' }, { surface: 'mutate-webhook' });
  assert.deepEqual(update.results.map((r) => `${r.policy}:${r.result}`), ['claim-template-resize:pass', 'immutable-fields-unchanged:fail'], 'rules the API server would pre-empt are enforced in the mutating webhook');
  assert.deepEqual(mutateOnly.patch, full.patch);
  assert.deepEqual(evaluate(set, { object: seed(), operation: 'CREATE' }).results, evaluate(set, { object: seed(), operation: 'CREATE' }, { surface: 'review' }).results, 'review is the default surface');
});

test('each surface answers for each rule once: the validating webhook runs the mutating webhook\'s rules again but leaves them to it', () => {
  const inMutating = set.byId.get('immutable-fields-unchanged');
  const elsewhere = set.byId.get('storage-class-required');
  assert.ok(inMutating?.enforceInMutatingWebhook === true && elsewhere !== undefined);
  assert.deepEqual(SURFACES.map((surface) => [surface, validatesOn(SURFACE_PLANS[surface], inMutating), answersFor(surface, inMutating)]),
    [['validate-webhook', true, false], ['mutate-webhook', true, true], ['review', true, true], ['audit', true, true]]);
  assert.deepEqual(SURFACES.map((surface) => [surface, validatesOn(SURFACE_PLANS[surface], elsewhere), answersFor(surface, elsewhere)]),
    [['validate-webhook', true, true], ['mutate-webhook', false, true], ['review', true, true], ['audit', true, true]]);
  assert.deepEqual(SURFACES.filter((surface) => SURFACE_PLANS[surface].mutators), ['mutate-webhook', 'review', 'audit']);
  assert.deepEqual(SURFACES.filter((surface) => SURFACE_PLANS[surface].validates === 'received'), ['validate-webhook', 'audit']);
});

test('a __proto__ key in the input stays data: no prototype pollution, no spurious patch', () => {
  const object = JSON.parse(JSON.stringify(seed()).replace('"spec":{', '"spec":{"__proto__":{"polluted":true},')) as Record<string, unknown>;
  const evaluation = evaluate(set, { object, operation: 'CREATE' });
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  assert.ok(!evaluation.patch.some((op) => op.path.includes('__proto__')), JSON.stringify(evaluation.patch));
  assert.equal(Object.getPrototypeOf((evaluation.mutated as Record<string, unknown>)['spec']), Object.prototype);
});
