import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compilePolicies, configurePolicies, evaluate, StateguardError, type ActionSettings, type MutatingPolicy, type Policy, type PolicySet, type ValidatingPolicy } from '../../src/policy/index.ts';
import { builtinPolicies } from '../helpers/policies.ts';
import { seed } from '../helpers/seed.ts';

const HEADER = 'apiVersion: stateguard.io/v1alpha1\nkind: StatefulSetPolicy\nmetadata: { name: extra-defaults }\nspec:\n  description: adds defaults\n';
const MUTATE = '  mutate: { mutator: default-seccomp-profile }\n';
const VALIDATE = '  validate: { schema: { required: [spec] }, message: no spec, fix: add one }\n';

function compileError(text: string): string[] {
  try {
    compilePolicies([{ file: 'extra.yaml', text }]);
  } catch (error) {
    assert.ok(error instanceof StateguardError && error.code === 'ERR_POLICY_INVALID', String(error));
    return (error.details ?? []) as string[];
  }
  return assert.fail('the policy was accepted');
}

function configError(set: PolicySet, settings: Parameters<typeof configurePolicies>[1]): string[] {
  try {
    configurePolicies(set, settings);
  } catch (error) {
    assert.ok(error instanceof StateguardError && error.code === 'ERR_CONFIG', String(error));
    return (error.details ?? []) as string[];
  }
  return assert.fail('the settings were accepted');
}

test('an old-style mutator file (action and severity) is refused, naming mutate.enabled and what its action meant', () => {
  assert.deepEqual(compileError(`${HEADER}  severity: medium\n  action: audit\n${MUTATE}`), [
    'extra.yaml:7: policy extra-defaults: spec.action and spec.severity: a mutator has no action and no severity (they are the validation\'s); remove them and switch the mutator with mutate.enabled: true | false (action audit was mutate.enabled: true)',
  ]);
  assert.match(compileError(`${HEADER}  action: 'off'\n${MUTATE}`)[0] ?? '', /spec\.action: .*remove it .*\(action off was mutate\.enabled: false\)$/);
  assert.match(compileError(`${HEADER}  severity: low\n${MUTATE}`)[0] ?? '', /spec\.severity: a mutator has no action and no severity .*remove it and switch the mutator with mutate\.enabled: true \| false$/);
});

test('a mutator runs by default, mutate.enabled: false switches it off; a validating policy still needs severity and action', () => {
  const on = compilePolicies([{ file: 'extra.yaml', text: `${HEADER}${MUTATE}` }]);
  const policy = on.byId.get('extra-defaults');
  assert.deepEqual([policy?.severity, policy?.action, policy?.mutate?.enabled], [undefined, undefined, true]);
  assert.deepEqual(evaluate(on, { object: seed(), operation: 'CREATE' }).mutators, ['extra-defaults']);
  const off = compilePolicies([{ file: 'extra.yaml', text: `${HEADER}  mutate: { mutator: default-seccomp-profile, enabled: false }\n` }]);
  assert.deepEqual(evaluate(off, { object: seed(), operation: 'CREATE' }).mutators, []);
  assert.deepEqual(compileError(`${HEADER}${VALIDATE}`), [
    'extra.yaml:5: policy extra-defaults: spec: must have required property \'severity\'',
    'extra.yaml:5: policy extra-defaults: spec: must have required property \'action\'',
  ]);
});

test('a policy that validates and mutates: action switches the validation only, mutate.enabled the mutator', () => {
  const both = (action: string, enabled: string) => `${HEADER}  severity: low\n  action: ${action}\n${VALIDATE}  mutate: { mutator: default-seccomp-profile${enabled} }\n`;
  assert.deepEqual(compileError(both("'off'", '')), ['extra.yaml:1: policy extra-defaults: action off switches the validation only: say whether the mutator runs with mutate.enabled: true | false']);
  const mutating = compilePolicies([{ file: 'extra.yaml', text: both("'off'", ', enabled: true') }]);
  const evaluation = evaluate(mutating, { object: seed(), operation: 'CREATE' });
  assert.deepEqual([evaluation.mutators, evaluation.results], [['extra-defaults'], []]);
  const validating = compilePolicies([{ file: 'extra.yaml', text: both('deny', ', enabled: false') }]);
  const judged = evaluate(validating, { object: seed(), operation: 'CREATE' });
  assert.deepEqual([judged.mutators, judged.results.map((r) => `${r.policy}:${r.result}:${r.severity ?? ''}`)], [[], ['extra-defaults:pass:low']]);
});

test('config: enabled switches a mutator; action for a mutator, or enabled for a policy without one, is an error naming the other', () => {
  const set = builtinPolicies();
  const switched = configurePolicies(set, { 'default-run-as-non-root': { enabled: true }, 'default-seccomp-profile': { enabled: false } });
  const { mutators } = evaluate(switched, { object: seed(), operation: 'CREATE' });
  assert.ok(mutators.includes('default-run-as-non-root'));
  assert.ok(!mutators.includes('default-seccomp-profile'));
  assert.ok(!evaluate(set, { object: seed(), operation: 'CREATE' }).mutators.includes('default-run-as-non-root'), 'opt-in by default');
  assert.equal(configurePolicies(set, { 'default-seccomp-profile': { enabled: true } }), set, 'the switch as it is changes nothing');
  assert.deepEqual(configError(set, { 'default-run-as-non-root': { action: 'audit' }, 'pod-anti-affinity': { action: 'off' }, 'min-replicas': { enabled: true } }), [
    'policies.default-run-as-non-root.action: default-run-as-non-root is a mutator: it has no action (action precedence is validation\'s); switch it with policies.default-run-as-non-root.enabled: true',
    'policies.pod-anti-affinity.action: pod-anti-affinity is a mutator: it has no action (action precedence is validation\'s); switch it with policies.pod-anti-affinity.enabled: false',
    'policies.min-replicas.enabled: min-replicas has no mutator (enabled switches mutators); set its validation\'s policies.min-replicas.action: deny | warn | audit | off',
  ]);
});

test('action precedence does not reach mutators: a failing mutator is an error with action audit and no severity, whatever the label or ceiling', () => {
  const builtin = builtinPolicies().byId.get('default-resources') as MutatingPolicy;
  // A params getter that throws stands in for a mutator that fails.
  const throwing: Policy = { ...builtin, mutate: { ...builtin.mutate, enabled: true, params: { get cpu(): string { throw new Error('boom'); } } } };
  const set: PolicySet = { policies: [throwing], byId: new Map([[throwing.id, throwing]]), schemas: new Map() };
  const actions: ActionSettings = { overrides: {}, namespaceActions: 'tighten-and-loosen', exemptionNamespaces: ['*'], ceiling: 'warn' };
  for (const label of ['deny', 'audit', undefined]) {
    const request = { object: seed(), operation: 'CREATE' as const, ...(label === undefined ? {} : { namespaceLabels: { 'stateguard.io/action': label } }) };
    assert.deepEqual(evaluate(set, request, { actions }).results, [
      { policy: 'default-resources', category: 'defaults', action: 'audit', result: 'error', violations: [], reason: 'mutator failed: boom' },
    ]);
  }
  // Beside a validation, the failure carries the validation's severity (and the validation is not judged on a half-mutated object).
  const validating = builtinPolicies().byId.get('memory-limit-required') as ValidatingPolicy;
  const both: Policy = { ...validating, mutate: throwing.mutate };
  const mixed: PolicySet = { policies: [both], byId: new Map([[both.id, both]]), schemas: new Map() };
  assert.deepEqual(evaluate(mixed, { object: seed(), operation: 'CREATE' }, { actions }).results, [
    { policy: 'memory-limit-required', category: validating.category, severity: validating.severity, action: 'audit', result: 'error', violations: [], reason: 'mutator failed: boom' },
  ]);
});
