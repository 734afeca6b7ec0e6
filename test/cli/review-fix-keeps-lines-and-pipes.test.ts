import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { runCliInProcess } from '../helpers/cli-in-process.ts';
import { SEED_FILE } from '../helpers/seed.ts';

const GOOD = readFileSync(join(import.meta.dirname, '../../policies/tests/good-statefulset.yaml'), 'utf8');
const seedText = readFileSync(SEED_FILE, 'utf8');

/** The seed example as hand-written YAML often looks: flow mappings without padding, unindented sequences, quotes. */
const HAND_WRITTEN = seedText
  .replace('    matchLabels:\n      app: web\n', '    matchLabels: {app: web}\n')
  .replace('      labels:\n        app: web\n', "      labels: {app: 'web'}\n")
  .replace('      containers:\n        - name: nginx', '      containers:\n      - name: "nginx"')
  .replace(/\n {10}(image|ports|volumeMounts)/g, '\n        $1')
  .replace(/\n {12}- name: (http|html)/g, '\n        - name: $1')
  .replace(/\n {14}(containerPort|mountPath)/g, '\n          $1');

test('--fix changes only the lines it adds to: every other line stays byte-identical', async () => {
  assert.match(HAND_WRITTEN, /matchLabels: \{app: web\}/);
  assert.match(HAND_WRITTEN, /\n {6}- name: "nginx"\n {8}image:/);
  const dir = mkdtempSync(join(tmpdir(), 'stateguard-fixbytes-'));
  const file = join(dir, 'web.yaml');
  writeFileSync(file, `${HAND_WRITTEN}---\n# a comment-only document\n---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {clusterIP: None, selector: {app: web}}\n`);
  const before = readFileSync(file, 'utf8');
  const { stderr } = await runCliInProcess(['review', '--fix', file]);
  assert.match(stderr, /--fix: wrote /);
  const after = readFileSync(file, 'utf8');
  const kept = before.split('\n');
  const lines = after.split('\n');
  // Every original line is still there, in order (additions only in between).
  let at = 0;
  for (const line of kept) {
    const found = lines.indexOf(line, at);
    assert.ok(found >= 0, `original line kept byte for byte: ${JSON.stringify(line)}`);
    at = found + 1;
  }
  assert.ok(lines.length > kept.length, 'the defaults were added');
  const [sts] = parseAllDocuments(after).map((d) => d.toJS() as { spec: { template: { spec: { securityContext?: unknown } } } });
  assert.deepEqual(sts?.spec.template.spec.securityContext, { seccompProfile: { type: 'RuntimeDefault' } });
});

test('review --fix - writes every document to stdout (fixed or not) and the report to stderr, so it can be piped', async () => {
  const input = `${seedText}---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {clusterIP: None}\n`;
  const fixed = await runCliInProcess(['review', '--fix', '-'], { input });
  assert.equal(fixed.code, 1);
  assert.match(fixed.stderr, /DENY StatefulSet default\/web/);
  assert.match(fixed.stderr, /--fix: fixed the manifests from stdin/);
  const documents = parseAllDocuments(fixed.stdout).map((d) => d.toJS() as { kind: string; spec: Record<string, unknown> });
  assert.deepEqual(documents.map((d) => d.kind), ['StatefulSet', 'Service']);
  assert.match(fixed.stdout, /seccompProfile:/);
  assert.doesNotMatch(fixed.stdout, /DENY|reviewed/, 'no report on stdout');
  assert.match(fixed.stdout, /metadata: \{name: web\}/, 'the Service is passed through as written');

  const clean = await runCliInProcess(['review', '--fix', '-'], { input: GOOD });
  assert.equal(clean.code, 0, clean.stderr);
  assert.equal(clean.stdout, GOOD, 'nothing to fix: the input is passed through byte for byte');
  assert.match(clean.stderr, /--fix: nothing to change \(the manifests from stdin are on stdout, unchanged\)/);
});

test('--fix keeps CRLF line ends; an edit on a line the library writes differently (odd spacing) re-renders the file and says so', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stateguard-fixcrlf-'));
  const crlf = join(dir, 'crlf.yaml');
  writeFileSync(crlf, seedText.replaceAll('\n', '\r\n'));
  const first = await runCliInProcess(['review', '--fix', crlf]);
  assert.match(first.stderr, /--fix: wrote /);
  assert.doesNotMatch(first.stderr, /rendered again/);
  const fixed = readFileSync(crlf, 'utf8');
  assert.ok(!/(^|[^\r])\n/.test(fixed), 'every line still ends in CRLF');
  assert.match(fixed, /seccompProfile:\r\n/);

  const flow = join(dir, 'flow.yaml');
  writeFileSync(flow, seedText.replace(/ {6}containers:\n[\s\S]*?(?=\n {2}volumeClaimTemplates)/, '      containers: [{name: nginx,   image: "registry.k8s.io/nginx-slim:0.27", volumeMounts: [{name: html, mountPath: /usr/share/nginx/html}]}]'));
  const second = await runCliInProcess(['review', '--fix', flow]);
  assert.match(second.stderr, /flow\.yaml: an edit touches lines the YAML library writes differently, so the whole file was rendered again/);
  const text = readFileSync(flow, 'utf8');
  assert.match(text, /allowPrivilegeEscalation: false/);
  assert.match(text, /^# The seed example/m, 'comments kept');
});
