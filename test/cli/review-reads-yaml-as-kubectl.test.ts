import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCliInProcess } from '../helpers/cli-in-process.ts';
import { SEED_FILE } from '../helpers/seed.ts';

const GOOD = readFileSync(join(import.meta.dirname, '../../policies/tests/good-statefulset.yaml'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'stateguard-yaml-'));

/** The compliant StatefulSet with its unsafe settings written only behind merge keys (inline maps and an alias). */
function behindMergeKeys(): string {
  return GOOD
    .replace('      terminationGracePeriodSeconds: 60\n', '      terminationGracePeriodSeconds: 60\n      <<: { hostPID: true, hostNetwork: true }\n      initContainers:\n        - name: init\n          image: docker.io/library/busybox:1.36\n          resources: { requests: { cpu: 10m, memory: 16Mi }, limits: { memory: 16Mi } }\n          securityContext: { <<: *privileged }\n')
    .replace('          securityContext:\n            allowPrivilegeEscalation: false\n', '          securityContext:\n            <<: &privileged { privileged: true }\n')
    // The alias must follow its anchor: move the init container after the containers.
    .replace(/( {6}initContainers:\n(?: {8}.*\n)+)([\s\S]*?)( {6}volumes:\n)/, '$2$1$3');
}

test('merge keys (<<: {...} and <<: *anchor) are applied as kubectl applies them: what they add is reviewed and denied', async () => {
  const text = behindMergeKeys();
  assert.match(text, /<<: \{ hostPID: true, hostNetwork: true \}/);
  assert.match(text, /<<: \*privileged/);
  const { code, stdout } = await runCliInProcess(['review', '-'], { input: text });
  assert.equal(code, 1, stdout);
  assert.match(stdout, /DENY StatefulSet default\/postgres/);
  assert.match(stdout, /pod-security-baseline \[hostNamespaces\]/);
  assert.match(stdout, /pod-security-baseline \[privileged\] .*containers\[0\]/);
  assert.match(stdout, /pod-security-baseline \[privileged\] .*initContainers\[0\]/);
});

test('a duplicate key is an input error naming file and line, not "last one wins"', async () => {
  const text = GOOD.replace('          securityContext:\n            allowPrivilegeEscalation: false\n',
    '          securityContext:\n            privileged: true\n          securityContext:\n            allowPrivilegeEscalation: false\n');
  const file = join(dir, 'duplicate.yaml');
  writeFileSync(file, text);
  const line = text.split('\n').findIndex((l, i, all) => l === '          securityContext:' && all.slice(0, i).includes('          securityContext:')) + 1;
  const { code, stdout } = await runCliInProcess(['review', file, SEED_FILE]);
  assert.equal(code, 2, stdout);
  assert.match(stdout, new RegExp(`duplicate\\.yaml:${line}: duplicate key in document 1`));
  assert.doesNotMatch(stdout, /StatefulSet default\/postgres/, 'the document with the duplicate key is not reviewed as clean');
  assert.match(stdout, /DENY StatefulSet default\/web/, 'the other file is still reviewed');
});

test('empty documents (a trailing ---, helm template comment-only documents) are ignored like kubectl ignores them', async () => {
  const helm = `---\n# Source: chart/templates/secret.yaml\n# only comments: the template rendered nothing\n---\n${GOOD}---\n# Source: chart/templates/empty.yaml\n---\n`;
  const { code, stdout } = await runCliInProcess(['review', '-'], { input: helm });
  assert.equal(code, 0, stdout);
  assert.match(stdout, /1 StatefulSet reviewed: 0 denied, 0 with warnings, 1 clean; 0 other documents skipped; 0 input errors/);
  const empty = join(dir, 'comments-only.yaml');
  writeFileSync(empty, '# nothing here\n---\n');
  const named = await runCliInProcess(['review', empty]);
  assert.equal(named.code, 2, 'a file named on the command line with no documents is still an error');
  assert.match(named.stdout, /comments-only\.yaml: empty file/);
});

test('a merge key whose source is not a mapping, and an alias bomb, are input errors naming the document, not crashes', async () => {
  const file = join(dir, 'bad-merges.yaml');
  const bomb = 'a: &a [1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n';
  writeFileSync(file, `kind: StatefulSet\napiVersion: apps/v1\nmetadata: &n web\nspec:\n  <<: *n\n---\n${bomb}`);
  const { code, stdout, stderr } = await runCliInProcess(['review', file, SEED_FILE]);
  assert.equal(code, 2, stdout + stderr);
  assert.match(stdout, /bad-merges\.yaml:1: document 1 cannot be read: Merge sources must be maps/);
  assert.match(stdout, /bad-merges\.yaml:7: document 2 cannot be read: Excessive alias count/);
  assert.match(stdout, /DENY StatefulSet default\/web/);
  assert.doesNotMatch(stdout + stderr, /\n\s+at /);
});
