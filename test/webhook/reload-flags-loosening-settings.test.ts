import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildConfig, type ConfigInput } from '../../src/config/config.ts';
import { configurePolicies } from '../../src/policy/index.ts';
import { describeChanges, reloadChanges } from '../../src/webhook/reload-changes.ts';
import { builtinPolicies } from '../helpers/policies.ts';

const set = builtinPolicies();
const settings = (input: ConfigInput) => ({ config: buildConfig([input]), set });

test('a reload that lets the namespace label loosen, or turns annotation exemptions on, may weaken enforcement', () => {
  const loosen = reloadChanges(settings({}), settings({ namespaceActions: 'tighten-and-loosen' }));
  assert.equal(loosen.weakens, true);
  assert.deepEqual(loosen.settings, ['namespaceActions: "tighten" → "tighten-and-loosen"']);
  assert.equal(reloadChanges(settings({}), settings({ namespaceActions: 'off' })).weakens, true, 'off drops the tightening');
  assert.equal(reloadChanges(settings({ namespaceActions: 'tighten-and-loosen' }), settings({})).weakens, false, 'back to tighten is stronger');
  const exempting = reloadChanges(settings({}), settings({ exemptions: { annotations: true } }));
  assert.equal(exempting.weakens, true);
  assert.deepEqual(exempting.settings, ['exemptions.annotations: false → true']);
  assert.equal(reloadChanges(settings({ exemptions: { annotations: true } }), settings({})).weakens, false);
});

test('a reload that switches a mutator off may weaken enforcement, and says so as a mutator switch, not an action', () => {
  const withSwitch = (enabled: boolean) => ({ config: buildConfig([{ policies: { 'default-seccomp-profile': { enabled } } }]), set: configurePolicies(set, { 'default-seccomp-profile': { enabled } }) });
  const off = reloadChanges(withSwitch(true), withSwitch(false));
  assert.deepEqual([off.mutators, off.actions, off.weakens], [[{ policy: 'default-seccomp-profile', from: 'on', to: 'off' }], [], true]);
  assert.equal(describeChanges(off), 'mutators default-seccomp-profile on → off');
  const on = reloadChanges(withSwitch(false), withSwitch(true));
  assert.deepEqual([on.mutators, on.weakens], [[{ policy: 'default-seccomp-profile', from: 'off', to: 'on' }], false]);
});
