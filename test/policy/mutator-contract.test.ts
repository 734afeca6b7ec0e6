import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findCaseFiles, loadCases } from '../../src/cli/test-command.ts';
import { BUILTIN_POLICY_DIR } from '../../src/config/read-policies.ts';
import type { JsonObject, Operation } from '../../src/policy/index.ts';
import { MUTATORS } from '../../src/policy/mutators/index.ts';
import { cloneJson, deepEqual, isObject } from '../../src/policy/object-path.ts';
import { isWindows, podSpec } from '../../src/policy/pod.ts';
import { loadCorpus, presentCorpora } from '../helpers/corpus.ts';
import { builtinPolicies } from '../helpers/policies.ts';
import { seed } from '../helpers/seed.ts';

/**
 * The engine skips the diff when no mutator says it acted, so each mutator's answer must be true: `false` leaves
 * the draft exactly as it was, `true` changed it. Checked on every corpus StatefulSet, every case object of the
 * built-in policies (StatefulSets: the engine mutates nothing else) and the seed, with the built-in params (and a class for the opt-in default-storage-class).
 */
const objects: { name: string; object: JsonObject }[] = [
  { name: 'seed', object: seed() },
  ...presentCorpora().flatMap((corpus) => loadCorpus(corpus).map((entry) => ({ name: `${corpus.id}:${entry.file}/${entry.name}`, object: entry.object as JsonObject }))),
  ...loadCases(findCaseFiles(BUILTIN_POLICY_DIR)).cases
    .filter((c) => isObject(c.request.object) && c.request.object['kind'] === 'StatefulSet')
    .map((c) => ({ name: `${c.policy}: ${c.name}`, object: c.request.object as JsonObject })),
];

const paramsOf = new Map(builtinPolicies().policies.filter((p) => p.mutate !== undefined).map((p) => [p.mutate?.mutator ?? '', p.mutate?.params ?? {}]));

for (const mutator of MUTATORS.values()) {
  test(`mutator ${mutator.name} reports exactly whether it changed the draft`, () => {
    const params: JsonObject = { ...paramsOf.get(mutator.name), ...(mutator.name === 'default-storage-class' ? { storageClassName: 'fast' } : {}) };
    let acted = 0;
    for (const { name, object } of objects) {
      if (mutator.linuxOnly && isWindows(podSpec(object))) continue; // The engine never runs these on Windows pods.
      for (const operation of ['CREATE', 'UPDATE'] as Operation[]) {
        const draft = cloneJson(object);
        let changed: boolean;
        try {
          changed = mutator.apply({ draft, params, operation });
        } catch {
          continue; // A mutator that throws fails only its own policy; the engine then discards the draft.
        }
        if (changed) acted++;
        assert.equal(changed, !deepEqual(draft, object), `${name} (${operation}): apply returned ${changed}`);
      }
    }
    assert.ok(acted > 0, `${mutator.name} never acted on ${objects.length} objects`);
  });
}
