/** Policy test cases: evaluate one policy against a prepared object and compare with the expected outcome. */
import type { PolicySet } from './compile.ts';
import { configurePolicies } from './configure.ts';
import { StateguardError } from './errors.ts';
import { evaluate } from './evaluate.ts';
import { deepEqual } from './object-path.ts';
import type { EvaluationRequest, JsonObject, PatchOperation, Policy, Result } from './types.ts';

export interface ExpectedViolation {
  readonly path?: string;
  /** A substring of the message. */
  readonly message?: string;
  readonly checkId?: string;
}

export interface PolicyCase {
  readonly file: string;
  readonly policy: string;
  readonly name: string;
  readonly request: EvaluationRequest;
  /** Params for this case, merged over the policy's own and validated as config `policies.<id>.params` are. */
  readonly params?: JsonObject;
  readonly expect: {
    readonly result?: Result;
    readonly violations?: readonly ExpectedViolation[];
    readonly patch?: readonly PatchOperation[];
  };
}

export interface CaseOutcome {
  readonly case: PolicyCase;
  readonly problems: readonly string[];
}

/** Runs each case with only its own policy loaded, so cases stay independent of the rest of the catalog. */
export function runCases(set: PolicySet, cases: readonly PolicyCase[]): CaseOutcome[] {
  const isolated = new Map<string, PolicySet>();
  return cases.map((testCase) => {
    const policy = set.byId.get(testCase.policy);
    if (policy === undefined) return { case: testCase, problems: [`unknown policy "${testCase.policy}"`] };
    let single = isolated.get(policy.id);
    if (single === undefined) {
      single = isolate(set, policy);
      isolated.set(policy.id, single);
    }
    if (testCase.params !== undefined) {
      try {
        single = configurePolicies(single, { [policy.id]: { params: testCase.params } });
      } catch (error) {
        return { case: testCase, problems: [`invalid params: ${error instanceof StateguardError ? [error.message, ...error.details].join('; ') : String(error)}`] };
      }
    }
    return { case: testCase, problems: check(single, single.byId.get(policy.id) ?? policy, testCase) };
  });
}

function isolate(set: PolicySet, policy: Policy): PolicySet {
  // An opt-in policy (action off, or a mutator switched off) is tested as if enabled.
  const mutate = policy.mutate === undefined || policy.mutate.enabled ? {} : { mutate: { ...policy.mutate, enabled: true } };
  const enabled: Policy = policy.validate === undefined ? { ...policy, ...mutate } : { ...policy, ...mutate, ...(policy.action === 'off' ? { action: 'deny' as const } : {}) };
  const schemas = new Map([...set.schemas].filter(([id]) => id === policy.id));
  return { policies: [enabled], byId: new Map([[enabled.id, enabled]]), schemas };
}

function check(set: PolicySet, policy: Policy, testCase: PolicyCase): string[] {
  const problems: string[] = [];
  let evaluation;
  try {
    evaluation = evaluate(set, testCase.request);
  } catch (error) {
    return [`evaluation threw: ${error instanceof Error ? error.message : String(error)}`];
  }
  const result = evaluation.results.find((r) => r.policy === policy.id);
  const { expect } = testCase;
  if (expect.result !== undefined) {
    const actual = result?.result ?? (policy.validate === undefined ? 'pass' : 'skip');
    if (actual !== expect.result) problems.push(`expected result ${expect.result}, got ${actual}${result?.reason === undefined ? '' : ` (${result.reason})`}`);
  }
  if (expect.violations !== undefined) {
    const actual = result?.violations ?? [];
    if (actual.length !== expect.violations.length) {
      problems.push(`expected ${expect.violations.length} violation(s), got ${actual.length}: ${actual.map((v) => `${v.path}: ${v.message}`).join(' | ')}`);
    }
    expect.violations.forEach((wanted, i) => {
      const got = actual[i];
      if (got === undefined) return;
      if (wanted.path !== undefined && got.path !== wanted.path) problems.push(`violation ${i}: expected path ${wanted.path}, got ${got.path}`);
      if (wanted.message !== undefined && !got.message.includes(wanted.message)) problems.push(`violation ${i}: message "${got.message}" does not contain "${wanted.message}"`);
      if (wanted.checkId !== undefined && got.checkId !== wanted.checkId) problems.push(`violation ${i}: expected check id ${wanted.checkId}, got ${got.checkId ?? 'none'}`);
    });
  }
  if (expect.patch !== undefined && !deepEqual(evaluation.patch, expect.patch)) {
    problems.push(`expected patch ${JSON.stringify(expect.patch)}, got ${JSON.stringify(evaluation.patch)}`);
  }
  // Every mutation must be idempotent: the mutated object yields no further patch.
  const again = evaluate(set, { ...testCase.request, object: evaluation.mutated, ...(testCase.request.operation === 'UPDATE' ? { oldObject: evaluation.mutated } : {}) });
  if (again.patch.length > 0) problems.push(`mutation is not idempotent: a second pass patches ${JSON.stringify(again.patch)}`);
  return problems;
}
