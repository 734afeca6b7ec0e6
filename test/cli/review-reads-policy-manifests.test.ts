import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCliInProcess } from '../helpers/cli-in-process.ts';

const GOOD = join(import.meta.dirname, '../../policies/tests/good-statefulset.yaml');
const dir = mkdtempSync(join(tmpdir(), 'stateguard-manifests-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Two StatefulSetPolicy manifests in one file, as one would `kubectl apply -f` them: labels, annotations and all. */
const MANIFESTS = `# yaml-language-server: $schema=../schemas/policy.schema.json
apiVersion: stateguard.io/v1alpha1
kind: StatefulSetPolicy
metadata:
  name: team-label-required
  labels: { app.kubernetes.io/part-of: platform-policies }
  annotations: { stateguard.io/category: governance, owner: platform-team }
spec:
  description: Every StatefulSet names its owning team.
  severity: medium
  action: deny
  validate:
    path: metadata.labels.team
    schema: { required: [metadata], properties: { metadata: { required: [labels], properties: { labels: { required: [team] } } } } }
    message: the StatefulSet has no team label
    fix: add metadata.labels.team
---
apiVersion: stateguard.io/v1alpha1
kind: StatefulSetPolicy
metadata:
  name: cost-center-label
  labels: { app.kubernetes.io/part-of: platform-policies }
spec:
  description: Every StatefulSet names its cost center.
  severity: low
  action: warn
  validate:
    path: metadata.labels.cost-center
    schema: { required: [metadata], properties: { metadata: { required: [labels], properties: { labels: { required: [cost-center] } } } } }
    message: the StatefulSet has no cost-center label
    fix: add metadata.labels.cost-center
`;

test('review --policies reads a file of StatefulSetPolicy manifests, the documents one would kubectl apply', async () => {
  const file = join(dir, 'policies.yaml');
  writeFileSync(file, MANIFESTS);
  const result = await runCliInProcess(['review', '--policies', file, '-o', 'json', GOOD]);
  assert.equal(result.code, 1, result.stderr);
  const findings = JSON.stringify(JSON.parse(result.stdout));
  assert.match(findings, /team-label-required/);
  assert.match(findings, /cost-center-label/);
});

test('an invalid manifest in such a file names the file, line and field', async () => {
  const file = join(dir, 'invalid.yaml');
  writeFileSync(file, MANIFESTS.replace('action: deny', 'action: block'));
  const result = await runCliInProcess(['review', '--policies', file, GOOD]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /invalid\.yaml:11: policy team-label-required: spec\.action: must be equal to one of the allowed values/);
});
