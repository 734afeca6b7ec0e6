import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { loadSettings } from '../../src/cli/main.ts';
import { StateguardError } from '../../src/policy/index.ts';
import { runCliInProcess } from '../helpers/cli-in-process.ts';

const work = mkdtempSync(join(tmpdir(), 'stateguard-params-'));
after(() => rmSync(work, { recursive: true, force: true }));

let n = 0;
function configFile(text: string): string {
  const file = join(work, `config-${n++}.yaml`);
  writeFileSync(file, text);
  return file;
}

function configError(text: string): StateguardError {
  try {
    loadSettings({ config: configFile(text) });
  } catch (error) {
    assert.ok(error instanceof StateguardError, String(error));
    return error;
  }
  assert.fail('the config was accepted');
}

test('config params merge over the defaults of checks and mutators', () => {
  const { set } = loadSettings({
    config: configFile([
      'policies:',
      '  min-replicas: { action: deny, params: { min: 5 } }',
      '  default-storage-class: { enabled: true, params: { storageClassName: fast-ssd } }',
      '  storage-request-required: { params: { max: 100Gi } }',
      '  pod-anti-affinity: { params: { mode: required } }',
    ].join('\n')),
  });
  assert.deepEqual(set.byId.get('min-replicas')?.validate?.params, { min: 5 });
  assert.deepEqual(set.byId.get('default-storage-class')?.mutate, { mutator: 'default-storage-class', params: { storageClassName: 'fast-ssd' }, enabled: true });
  assert.deepEqual(set.byId.get('storage-request-required')?.validate?.params, { max: '100Gi' });
  // Only `mode` given: topologyKey and weight keep the policy's defaults.
  assert.deepEqual(set.byId.get('pod-anti-affinity')?.mutate?.params, { topologyKey: 'kubernetes.io/hostname', mode: 'required', weight: 100 });
});

test('params are validated against the policy\'s own params schema, naming policy, param and problem', () => {
  const cases: [string, RegExp][] = [
    ['min-replicas: { params: { min: 0 } }', /policies\.min-replicas\.params\.min: must be >= 1/],
    ['min-replicas: { params: { min: three } }', /policies\.min-replicas\.params\.min: must be integer/],
    ['min-replicas: { params: { minimum: 5 } }', /policies\.min-replicas\.params\.minimum: unknown param \(known: min\)/],
    ['pod-anti-affinity: { params: { mode: sometimes } }', /policies\.pod-anti-affinity\.params\.mode: must be equal to one of the allowed values \(preferred, required\)/],
    ['storage-request-required: { params: { max: lots } }', /policies\.storage-request-required\.params\.max: must match/],
    ['default-storage-class: { params: { storageClassName: "" } }', /policies\.default-storage-class\.params\.storageClassName: must NOT have fewer than 1 characters/],
    ['storage-class-required: { params: { strict: true } }', /policies\.storage-class-required\.params: the policy takes no params/],
    ['image-tag-pinned: { params: { x: 1 } }', /policies\.image-tag-pinned\.params: the policy takes no params/],
  ];
  for (const [entry, expected] of cases) {
    const error = configError(`policies:\n  ${entry}\n`);
    assert.equal(error.code, 'ERR_CONFIG');
    assert.match(error.describe(), expected, entry);
  }
});

test('an unknown policy id in the config is an error naming the closest id', () => {
  const error = configError('policies:\n  min-replica: { action: deny }\n  storage-clas-required: { action: warn }\n');
  assert.equal(error.code, 'ERR_CONFIG');
  assert.match(error.describe(), /policies\.min-replica: no policy with this id \(did you mean "min-replicas"\?\)/);
  assert.match(error.describe(), /policies\.storage-clas-required: no policy with this id \(did you mean "storage-class-required"\?\)/);
  const far = configError('policies:\n  zzzzzz: { action: deny }\n');
  assert.match(far.describe(), /policies\.zzzzzz: no policy with this id \(stateguard policies lists them\)/);
});

test('a policy the config names but the built-ins being off leaves unloaded is an unknown id', () => {
  const error = configError('builtinPolicies: false\npolicies:\n  min-replicas: { action: deny }\n');
  assert.match(error.describe(), /policies\.min-replicas: no policy with this id/);
});

test('`stateguard explain` and `stateguard policies` show the effective params', async () => {
  const config = configFile('policies:\n  min-replicas: { action: deny, params: { min: 5 } }\n');
  const explained = await runCliInProcess(['explain', 'min-replicas', '--config', config]);
  assert.equal(explained.code, 0, explained.stderr);
  assert.match(explained.stdout, /^params: \{"min":5\} \(the config file sets min\)$/m);
  assert.match(explained.stdout, /^action from the config file: deny$/m);
  const builtin = await runCliInProcess(['explain', 'min-replicas']);
  assert.match(builtin.stdout, /^params: \{"min":3\}$/m);

  const listed = await runCliInProcess(['policies', '--config', config]);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /^min-replicas .*params: \{"min":5\}/m);
  const json = await runCliInProcess(['policies', '--json', '--config', config]);
  const entries = JSON.parse(json.stdout) as { id: string; params: unknown }[];
  assert.deepEqual(entries.find((e) => e.id === 'min-replicas')?.params, { min: 5 });
  assert.deepEqual(entries.find((e) => e.id === 'pod-anti-affinity')?.params, { topologyKey: 'kubernetes.io/hostname', mode: 'preferred', weight: 100 });
  assert.deepEqual(entries.find((e) => e.id === 'storage-class-required')?.params, {});
});

test('a configured param changes the verdict of `stateguard review`', async () => {
  const config = configFile('policies:\n  min-replicas: { action: deny, params: { min: 5 } }\n');
  const reviewed = await runCliInProcess(['review', '--config', config, 'examples/seed-statefulset.yaml']);
  assert.match(reviewed.stdout, /below the minimum of 5/);
});

test("the README's config example loads, its params, action overrides and mutator switches applied", () => {
  const readme = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Configuration'));
  const example = /```yaml\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  assert.match(example, /^policies:$/m);
  // Its policy directory exists only in a cluster.
  const { config, set } = loadSettings({ config: configFile(example.replace(/^policyDirs: .*$/m, '')) });
  assert.deepEqual(config.policies['min-replicas'], { action: 'deny', params: { min: 5 } });
  assert.deepEqual(set.byId.get('min-replicas')?.validate?.params, { min: 5 });
  assert.equal(set.byId.get('default-run-as-non-root')?.mutate?.enabled, true);
});

test('a bad config reaches the CLI user as one clear error, exit 2', async () => {
  const config = configFile('policies:\n  min-replicas: { params: { min: 0 } }\n');
  const result = await runCliInProcess(['policies', '--config', config]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /policies\.min-replicas\.params\.min: must be >= 1/);
  assert.doesNotMatch(result.stderr, /\n\s+at /);
});
