import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { AdmissionReviewResponse } from '../../src/admission/index.ts';
import { loadSettings } from '../../src/cli/main.ts';
import { builtinPolicies } from '../helpers/policies.ts';
import { seed } from '../helpers/seed.ts';
import { post } from './helpers/https.ts';
import { admissionReview } from './helpers/reviews.ts';
import { LOOPBACK, startTestServer, type TestServer } from './helpers/server.ts';
import { until } from './helpers/until.ts';

function labelPolicy(id: string, label: string): string {
  return `apiVersion: stateguard.io/v1alpha1
kind: StatefulSetPolicy
metadata:
  name: ${id}
  annotations: { stateguard.io/category: governance }
spec:
  description: Every StatefulSet carries the ${label} label.
  severity: low
  action: deny
  validate:
    path: metadata.labels.${label}
    schema: { required: [metadata], properties: { metadata: { required: [labels], properties: { labels: { required: [${label}] } } } } }
    message: the StatefulSet has no ${label} label
    fix: add the label ${label}
`;
}

let work: string;
let policies: string;
let config: string;
let t: TestServer;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'stateguard-reload-'));
  policies = join(work, 'policies');
  mkdirSync(join(policies, 'team-label'), { recursive: true });
  writeFileSync(join(policies, 'team-label', 'policy.yaml'), labelPolicy('team-label-required', 'team'));
  config = join(work, 'stateguard.yaml');
  writeFileSync(config, `policyDirs: [${JSON.stringify(policies)}]\n`);
  t = await startTestServer({ load: () => loadSettings({ config }, LOOPBACK) });
});

after(async () => {
  await t.server.close();
  rmSync(work, { recursive: true, force: true });
});

async function verdict(): Promise<AdmissionReviewResponse['response']> {
  const result = await post(t.url('/validate'), admissionReview(seed()), { ca: t.ca });
  assert.equal(result.status, 200);
  return (result.json as AdmissionReviewResponse).response;
}

const denies = (response: AdmissionReviewResponse['response'], policy: string): boolean => (response.status?.message ?? '').includes(`[${policy}] `);

/** Polls until the server's verdict satisfies `done`: reloads on file changes are debounced and asynchronous. */
function eventually(done: (response: AdmissionReviewResponse['response']) => boolean, what: string): Promise<void> {
  return until(async () => done(await verdict()), what);
}

test('policies from the configured directory are enforced beside the built-in ones', async () => {
  const response = await verdict();
  assert.ok(denies(response, 'team-label-required'));
  assert.ok(denies(response, 'storage-class-required'));
});

test('reload() picks up a new policy', async () => {
  mkdirSync(join(policies, 'tier-label'));
  writeFileSync(join(policies, 'tier-label', 'policy.yaml'), labelPolicy('tier-label-required', 'tier'));
  const result = t.server.reload();
  assert.ok(result.ok);
  assert.equal(result.policies, builtinPolicies().policies.length + 2, 'the built-ins, team-label-required and tier-label-required');
  assert.ok(denies(await verdict(), 'tier-label-required'));
});

test('an invalid policy set is rejected with every problem logged, and the last good set keeps serving', async () => {
  writeFileSync(join(policies, 'broken.yaml'), 'apiVersion: stateguard.io/v1alpha1\nkind: StatefulSetPolicy\nmetadata: { name: Not_Valid }\nspec: { severity: urgent }\n');
  const before = t.records.length;
  const result = t.server.reload();
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.match(result.error, /invalid policy set \(\d+ problems\)/);
  assert.ok(result.problems.length >= 3, result.problems.join('\n'));
  assert.ok(result.problems.every((p) => p.includes('broken.yaml:')), result.problems.join('\n'));
  const logged = t.records.slice(before).find((r) => r.level === 50);
  assert.match(logged?.msg ?? '', /^reload rejected, the last good policies keep serving: invalid policy set/);
  assert.deepEqual(logged?.['problems'], result.problems);
  const response = await verdict();
  assert.ok(denies(response, 'team-label-required') && denies(response, 'tier-label-required'));
});

test('a change in a policy directory reloads by itself once the set is valid again', async () => {
  rmSync(join(policies, 'broken.yaml'));
  rmSync(join(policies, 'tier-label'), { recursive: true });
  await eventually((response) => !denies(response, 'tier-label-required') && denies(response, 'team-label-required'), 'the tier policy gone after its file was removed');
});

test('a change of the config file reloads by itself (action overrides apply)', async () => {
  writeFileSync(config, `policyDirs: [${JSON.stringify(policies)}]\npolicies:\n  team-label-required: { action: warn }\n`);
  await eventually((response) => !denies(response, 'team-label-required') && (response.warnings ?? []).includes('[team-label-required] the StatefulSet has no team label (fix: add the label team)'), 'team-label-required downgraded to warn');
  // deny → warn loosens enforcement: logged at warn, naming the change.
  assert.ok(t.records.some((r) => r.level === 40 && r.msg === 'config and policies reloaded, enforcement may be weaker: actions team-label-required deny → warn'));
});

/** Rewrites the config and reloads at once (the watcher's own reload of the same content comes later and changes nothing). */
function reloadWith(text: string): { result: ReturnType<TestServer['server']['reload']>; logged: (typeof t.records)[number] | undefined } {
  writeFileSync(config, text);
  const from = t.records.length;
  const result = t.server.reload();
  return { result, logged: t.records.slice(from).find((r) => typeof r.msg === 'string' && r.msg.startsWith('config and policies reloaded') || r.level === 50) };
}

const dirs = (): string => `policyDirs: [${JSON.stringify(policies)}]\n`;

test('an empty or comment-only config file is rejected on reload, and the last good set keeps serving', async () => {
  for (const text of ['', '   \n', '# only a comment\n# and another\n', '---\n']) {
    const { result, logged } = reloadWith(text);
    assert.equal(result.ok, false, JSON.stringify(text));
    if (result.ok) return;
    assert.match(result.error, /config file .* is empty \(or only comments\)/);
    assert.equal(logged?.level, 50);
    assert.match(logged?.msg ?? '', /^reload rejected, the last good policies keep serving: config file .* is empty/);
  }
  const response = await verdict();
  assert.ok((response.warnings ?? []).some((w) => w.startsWith('[team-label-required]')), 'still the last good set: team-label-required at warn');
  assert.ok(denies(response, 'storage-class-required'));
  assert.ok(reloadWith(`${dirs()}policies:\n  team-label-required: { action: warn }\n`).result.ok);
});

test('an empty or comment-only policy file is rejected on reload', async () => {
  const file = join(policies, 'team-label', 'policy.yaml');
  for (const text of ['', '# TODO\n']) {
    writeFileSync(file, text);
    const result = t.server.reload();
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.ok(result.problems.some((p) => /team-label\/policy\.yaml: holds no policy \(the file is empty or only comments\)/.test(p)), result.problems.join('\n'));
  }
  writeFileSync(file, labelPolicy('team-label-required', 'team'));
  assert.ok((await verdict()).warnings?.some((w) => w.startsWith('[team-label-required]')));
});

test('a config with invalid params or an unknown policy id is rejected on reload, naming each problem', () => {
  const { result, logged } = reloadWith(`${dirs()}policies:\n  min-replicas: { params: { min: 0 } }\n  team-label-requird: { action: deny }\n`);
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.equal(result.problems.length, 2, result.problems.join('\n'));
  assert.ok(result.problems.includes('policies.min-replicas.params.min: must be >= 1'), result.problems.join('\n'));
  assert.ok(result.problems.includes('policies.team-label-requird: no policy with this id (did you mean "team-label-required"?)'), result.problems.join('\n'));
  assert.equal(logged?.level, 50);
});

test('a reload that only adds or tightens is logged at info with what changed', () => {
  const { result, logged } = reloadWith(`${dirs()}policies:\n  team-label-required: { action: deny }\n  min-replicas: { action: deny }\n`);
  assert.ok(result.ok);
  assert.equal(logged?.level, 30);
  assert.equal(logged?.msg, 'config and policies reloaded');
  assert.deepEqual((logged?.['changes'] as { actions: unknown }).actions, [
    { policy: 'min-replicas', from: 'off', to: 'deny' },
    { policy: 'team-label-required', from: 'warn', to: 'deny' },
  ]);
});

test('a config truncated to a shorter valid YAML is applied, logged at warn naming every change', () => {
  const params = reloadWith(`${dirs()}policies:\n  team-label-required: { action: deny }\n  min-replicas: { action: deny, params: { min: 2 } }\n`);
  assert.ok(params.result.ok);
  assert.equal(params.logged?.level, 40);
  assert.equal(params.logged?.msg, 'config and policies reloaded, enforcement may be weaker: params changed: min-replicas');

  const truncated = reloadWith(`${dirs()}policies:\n  team-label-required: { action: deny }\n`);
  assert.ok(truncated.result.ok);
  assert.equal(truncated.logged?.level, 40);
  assert.equal(truncated.logged?.msg, 'config and policies reloaded, enforcement may be weaker: actions min-replicas deny → off; params changed: min-replicas');
  assert.deepEqual((truncated.logged?.['changes'] as { actions: unknown }).actions, [{ policy: 'min-replicas', from: 'deny', to: 'off' }]);

  const noDirs = reloadWith('namespaceActions: tighten\nactionCeiling: warn\n');
  assert.ok(noDirs.result.ok);
  assert.equal(noDirs.logged?.level, 40);
  assert.match(noDirs.logged?.msg ?? '', /^config and policies reloaded, enforcement may be weaker: removed team-label-required; actions .*storage-class-required deny → warn.*; actionCeiling: "deny" → "warn"$/);
  assert.deepEqual((noDirs.logged?.['changes'] as { removed: unknown }).removed, ['team-label-required']);
});

