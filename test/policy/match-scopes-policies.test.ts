import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compilePolicies, configurePolicies, evaluate, scopeOf, StateguardError, type EvaluationRequest, type Policy, type PolicyScope, type ScopeFacts } from '../../src/policy/index.ts';
import { builtinPolicies } from '../helpers/policies.ts';
import { seed } from '../helpers/seed.ts';

const base = builtinPolicies().byId.get('storage-class-required')!;
const scoped = (match?: PolicyScope, exclude?: PolicyScope): Policy => ({ ...base, ...(match === undefined ? {} : { match }), ...(exclude === undefined ? {} : { exclude }) });
const facts: ScopeFacts = {
  namespace: 'team-a', namespaceLabels: { tier: 'prod' }, labels: { app: 'db' }, operation: 'CREATE',
  userInfo: { username: 'system:serviceaccount:db-operators:controller', groups: ['system:serviceaccounts', 'system:serviceaccounts:db-operators'] },
};

const CASES: readonly { name: string; match?: PolicyScope; exclude?: PolicyScope; facts?: Partial<ScopeFacts>; applies: boolean; unchecked?: string[] }[] = [
  { name: 'no scope: applies', applies: true },
  { name: 'namespace name', match: { namespaces: ['team-a'] }, applies: true },
  { name: 'namespace glob', match: { namespaces: ['team-*'] }, applies: true },
  { name: 'namespace not listed', match: { namespaces: ['team-b', 'prod-*'] }, applies: false },
  { name: 'namespace label selector', match: { namespaceSelector: { matchLabels: { tier: 'prod' } } }, applies: true },
  { name: 'namespace label selector, NotIn', match: { namespaceSelector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['prod'] }] } }, applies: false },
  { name: 'StatefulSet label selector, Exists', match: { selector: { matchExpressions: [{ key: 'app', operator: 'Exists' }] } }, applies: true },
  { name: 'StatefulSet label selector, DoesNotExist', match: { selector: { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] } }, applies: false },
  { name: 'operations', match: { operations: ['UPDATE'] }, applies: false },
  { name: 'every criterion of a block must hold', match: { namespaces: ['team-a'], operations: ['UPDATE'] }, applies: false },
  { name: 'exclude a service account by glob', exclude: { subjects: ['system:serviceaccount:db-operators:*'] }, applies: false },
  { name: 'exclude by group', exclude: { subjects: ['system:serviceaccounts:db-operators'] }, applies: false },
  { name: 'a human is not excluded', exclude: { subjects: ['system:serviceaccount:db-operators:*'] }, facts: { userInfo: { username: 'alice', groups: ['system:authenticated'] } }, applies: true },
  { name: 'exclude needs every criterion too', exclude: { subjects: ['system:serviceaccount:db-operators:*'], namespaces: ['other'] }, applies: true },
  { name: 'subjects unknown (review): exclude does not exclude, and says so', exclude: { subjects: ['system:serviceaccount:db-operators:*'] }, facts: { userInfo: undefined }, applies: true, unchecked: ['subjects'] },
  { name: 'subjects unknown: match applies as if, and says so', match: { subjects: ['alice'] }, facts: { userInfo: undefined }, applies: true, unchecked: ['subjects'] },
  { name: 'a known part that fails still decides', match: { subjects: ['alice'], namespaces: ['elsewhere'] }, facts: { userInfo: undefined }, applies: false },
  { name: 'namespace labels unknown: applies as if', match: { namespaceSelector: { matchLabels: { tier: 'dev' } } }, facts: { namespaceLabels: undefined }, applies: true, unchecked: ['namespaceLabels'] },
  { name: 'glob characters are not regular expressions', match: { namespaces: ['team.a'] }, applies: false },
];

for (const c of CASES) {
  test(`scope: ${c.name}`, () => {
    const verdict = scopeOf(scoped(c.match, c.exclude), { ...facts, ...c.facts });
    assert.equal(verdict.applies, c.applies);
    if (verdict.applies) assert.deepEqual(verdict.unchecked, c.unchecked ?? []);
  });
}

function request(fields: Partial<EvaluationRequest> = {}): EvaluationRequest {
  return { object: seed(), operation: 'CREATE', namespace: 'shop', ...fields };
}

test('a policy out of scope gives no result at all (never a pass), for validating policies and mutators alike', () => {
  const set = configurePolicies(builtinPolicies(), {
    'storage-class-required': { exclude: { subjects: ['system:serviceaccount:db-operators:*'] } },
    'pod-anti-affinity': { match: { namespaces: ['prod-*'] } },
  });
  const operator = evaluate(set, request({ userInfo: { username: 'system:serviceaccount:db-operators:controller' } }));
  assert.equal(operator.results.find((r) => r.policy === 'storage-class-required'), undefined);
  const human = evaluate(set, request({ userInfo: { username: 'alice' } }));
  assert.equal(human.results.find((r) => r.policy === 'storage-class-required')?.result, 'fail');
  const replicated = seed();
  (replicated['spec'] as Record<string, unknown>)['replicas'] = 3;
  assert.ok(!evaluate(set, request({ object: replicated })).mutators.includes('pod-anti-affinity'));
  assert.ok(evaluate(set, request({ object: replicated, namespace: 'prod-eu' })).mutators.includes('pod-anti-affinity'));
});

test('review (no userInfo) evaluates a subject-scoped policy as if it applies, and the result says the subject part was not checked', () => {
  const set = configurePolicies(builtinPolicies(), { 'storage-class-required': { exclude: { subjects: ['system:serviceaccount:db-operators:*'] } } });
  const result = evaluate(set, request()).results.find((r) => r.policy === 'storage-class-required');
  assert.equal(result?.result, 'fail');
  assert.deepEqual(result?.scope, { unchecked: ['subjects'] });
  assert.equal(evaluate(builtinPolicies(), request()).results.find((r) => r.policy === 'storage-class-required')?.scope, undefined);
});

test('spec.match and spec.exclude in a policy document are validated by the policy schema', () => {
  const doc = (spec: Record<string, unknown>): string => JSON.stringify({
    apiVersion: 'stateguard.io/v1alpha1', kind: 'StatefulSetPolicy', metadata: { name: 'scoped' },
    spec: { description: 'd', severity: 'low', action: 'warn', validate: { schema: {}, message: 'm', fix: 'f' }, ...spec },
  });
  const ok = compilePolicies([{ file: 'scoped.yaml', text: doc({ match: { namespaces: ['team-*'] }, exclude: { subjects: ['system:serviceaccount:db-operators:*'], operations: ['UPDATE'] } }) }]);
  assert.deepEqual(ok.byId.get('scoped')?.exclude?.subjects, ['system:serviceaccount:db-operators:*']);
  for (const [spec, problem] of [
    [{ match: { namespace: ['x'] } }, /match.*namespace/],
    [{ match: { operations: ['DESTROY'] } }, /operations/],
    [{ exclude: { namespaceSelector: { matchExpressions: [{ key: 'a', operator: 'In' }] } } }, /values/],
    [{ match: {} }, /match/],
  ] as const) {
    assert.throws(() => compilePolicies([{ file: 'scoped.yaml', text: doc(spec) }]), (error: unknown) => {
      assert.ok(error instanceof StateguardError);
      assert.match([error.message, ...error.details].join('\n'), problem);
      return true;
    });
  }
});
