import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findCaseFiles, loadCases } from '../../src/cli/test-command.ts';
import { BUILTIN_POLICY_DIR } from '../../src/config/read-policies.ts';
import { runCases } from '../../src/policy/index.ts';
import { builtinPolicies } from '../helpers/policies.ts';

const set = builtinPolicies();
const { cases, problems } = loadCases(findCaseFiles(BUILTIN_POLICY_DIR));

test('every case file of the built-in policies is well-formed', () => {
  assert.deepEqual(problems, []);
});

test('every built-in policy ships test cases, with at least one pass and one non-pass (or patch) case', () => {
  for (const policy of set.policies) {
    const own = cases.filter((c) => c.policy === policy.id);
    assert.ok(own.length >= 2, `${policy.id} has ${own.length} test case(s)`);
    if (policy.validate !== undefined) {
      assert.ok(own.some((c) => c.expect.result === 'pass'), `${policy.id} has no passing case`);
      assert.ok(own.some((c) => c.expect.result !== undefined && c.expect.result !== 'pass'), `${policy.id} has no failing case`);
    } else {
      assert.ok(own.some((c) => (c.expect.patch?.length ?? 0) > 0), `${policy.id} has no case with an expected patch`);
    }
  }
});

for (const outcome of runCases(set, cases)) {
  test(`${outcome.case.policy}: ${outcome.case.name}`, () => {
    assert.deepEqual(outcome.problems, [], outcome.case.file);
  });
}
