import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCliInProcess } from '../helpers/cli-in-process.ts';
import { SEED_FILE } from '../helpers/seed.ts';

const dir = mkdtempSync(join(tmpdir(), 'stateguard-bad-'));
const seedText = readFileSync(SEED_FILE, 'utf8');
const write = (name: string, content: string | Buffer): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

const cases: { name: string; file: () => string; message: RegExp }[] = [
  { name: 'a YAML syntax error names file and line', file: () => write('syntax.yaml', 'apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: [broken\n'), message: /syntax\.yaml:\d+: YAML syntax error in document 1/ },
  { name: 'an unknown apiVersion is reported and the StatefulSet still reviewed', file: () => write('beta.yaml', seedText.replace('apps/v1', 'apps/v1beta1')), message: /beta\.yaml:\d+: StatefulSet apiVersion apps\/v1beta1 is not served/ },
  { name: 'a binary file is named as such', file: () => write('blob.yaml', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3, 0, 0])), message: /blob\.yaml: binary file/ },
  { name: 'an empty file given by name is reported', file: () => write('empty.yaml', ''), message: /empty\.yaml: empty file/ },
  { name: 'a missing path is reported', file: () => join(dir, 'missing.yaml'), message: /missing\.yaml: cannot read: no such file or directory/ },
  { name: 'a scalar document is not an object', file: () => write('scalar.yaml', 'just text\n'), message: /scalar\.yaml:1: document 1 is not a Kubernetes object/ },
];

for (const c of cases) {
  test(`${c.name}; the other files are still reviewed and the exit code is 2`, async () => {
    const { code, stdout, stderr } = await runCliInProcess(['review', c.file(), SEED_FILE]);
    assert.equal(code, 2, stdout + stderr);
    assert.match(stdout, c.message);
    assert.match(stdout, /DENY StatefulSet default\/web .*seed-statefulset\.yaml/);
    assert.doesNotMatch(stdout + stderr, /\n\s+at /, 'no stack trace');
  });
}

test('a StatefulSet with template: null gets a finding, not a crash', async () => {
  const file = write('null-template.yaml', 'apiVersion: apps/v1\nkind: StatefulSet\nmetadata: { name: t }\nspec:\n  serviceName: t\n  selector: { matchLabels: { app: t } }\n  template: null\n');
  const { code, stdout } = await runCliInProcess(['review', file]);
  assert.equal(code, 1);
  assert.match(stdout, /template-sanity spec\.template/);
});

test('a 10 MB file is reviewed', async () => {
  const docs = Array.from({ length: 2000 }, (_, i) => seedText.replace('name: web\n  namespace', `name: web-${i}\n  namespace`)).join('---\n');
  const file = write('big10.yaml', `${docs}\n# ${'x'.repeat(10 * 1024 * 1024 - docs.length)}\n`);
  assert.ok(readFileSync(file).length > 10 * 1024 * 1024);
  const { code, stdout } = await runCliInProcess(['review', '-o', 'json', file]);
  assert.equal(code, 1);
  assert.equal((JSON.parse(stdout) as { summary: { statefulSets: number } }).summary.statefulSets, 2000);
});

test('a directory with 5,000 manifests is reviewed; a bad one among them is named and the rest go on', async () => {
  const many = join(dir, 'many');
  mkdirSync(many);
  for (let i = 0; i < 5000; i++) writeFileSync(join(many, `sts-${String(i).padStart(4, '0')}.yaml`), seedText.replace('name: web\n', `name: web-${i}\n`));
  writeFileSync(join(many, 'sts-2500.yaml'), 'kind: [\n');
  const { code, stdout } = await runCliInProcess(['review', '-o', 'json', many]);
  assert.equal(code, 2);
  const report = JSON.parse(stdout) as { summary: { statefulSets: number }; problems: { file: string; line: number }[] };
  assert.equal(report.summary.statefulSets, 4999);
  assert.equal(report.problems.length, 1);
  assert.match(report.problems[0]?.file ?? '', /sts-2500\.yaml$/);
});

test('usage errors exit 2', async () => {
  assert.equal((await runCliInProcess(['review'])).code, 2);
  assert.equal((await runCliInProcess(['review', '-o', 'html', SEED_FILE])).code, 2);
  assert.equal((await runCliInProcess(['frobnicate'])).code, 2);
  assert.equal((await runCliInProcess(['--version'])).code, 0);
});

test('a bad config file is a clear error', async () => {
  const config = write('config.yaml', 'policies:\n  storage-class-required: { action: block }\nunknownKey: 1\n');
  const { code, stderr } = await runCliInProcess(['review', '--config', config, SEED_FILE]);
  assert.equal(code, 2);
  assert.match(stderr, /config file .*config\.yaml is invalid/);
  assert.match(stderr, /unknown field "unknownKey"/);
});
