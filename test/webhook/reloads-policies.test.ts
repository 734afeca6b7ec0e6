import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { AdmissionReviewResponse } from '../../src/admission/index.ts';
import { loadSettings } from '../../src/cli/main.ts';
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
  assert.equal(result.policies, 35);
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
  assert.ok(t.records.some((r) => r.msg === 'config and policies reloaded'));
});
