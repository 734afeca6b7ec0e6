import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildConfig, type ConfigInput } from '../../src/config/config.ts';
import { reloadChanges } from '../../src/webhook/reload-changes.ts';
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
