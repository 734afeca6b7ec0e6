import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCliInProcess } from '../helpers/cli-in-process.ts';
import { SEED_FILE } from '../helpers/seed.ts';

const dir = mkdtempSync(join(tmpdir(), 'stateguard-exempt-'));
const manifest = join(dir, 'exempt.yaml');
writeFileSync(manifest, readFileSync(SEED_FILE, 'utf8').replace(/^metadata:\n {2}name: web\n/m, 'metadata:\n  name: web\n  annotations:\n    stateguard.io/exempt: storage-class-required\n    stateguard.io/exempt-reason: legacy\n'));

test('review never honours an exemption annotation, and says why: off by default', async () => {
  const { code, stdout } = await runCliInProcess(['review', manifest]);
  assert.equal(code, 1);
  assert.match(stdout, /✗ storage-class-required [^\n]*\n(?: {6}[^\n]*\n)*? {6}exemption not honoured: annotation exemptions are off \(config exemptions\.annotations\)\n/);
});

test('review never honours an exemption annotation, and says why: turned on, nobody can verify who may exempt offline', async () => {
  const config = join(dir, 'config.yaml');
  writeFileSync(config, 'exemptions: { annotations: true }\n');
  const { code, stdout } = await runCliInProcess(['review', '--config', config, manifest, '-o', 'json']);
  assert.equal(code, 1);
  const text = (await runCliInProcess(['review', '--config', config, manifest])).stdout;
  assert.match(text, /exemption not honoured: cannot verify who may exempt offline/);
  assert.match(stdout, /"refusal": ?"authorisation-unavailable"/);
});

test('review says when a policy scoped by subjects was evaluated as if it applies (subjects are unknown offline)', async () => {
  const config = join(dir, 'scoped.yaml');
  writeFileSync(config, 'policies:\n  storage-class-required: { exclude: { subjects: ["system:serviceaccount:db-operators:*"] } }\n');
  const { code, stdout } = await runCliInProcess(['review', '--config', config, SEED_FILE]);
  assert.equal(code, 1);
  assert.match(stdout, /✗ storage-class-required /);
  assert.match(stdout, /~ storage-class-required \(subjects\): evaluated as if in scope; those match\/exclude parts were not checked/);
});
