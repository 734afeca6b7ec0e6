import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.ts';
import { SEED_FILE } from '../helpers/seed.ts';

const seedText = readFileSync(SEED_FILE, 'utf8');

test('10,000 documents on stdin are reviewed within a 64 MiB heap: memory does not grow with the number of documents', () => {
  // Before documents were streamed, 5,000 of them exhausted a 64 MiB heap (10,000 took 630 MiB RSS).
  const documents = Array.from({ length: 10_000 }, (_, i) => seedText.replace('name: web\n  namespace', `name: web-${i}\n  namespace`)).join('---\n');
  const { code, stdout, stderr } = runCli(['review', '-'], { input: documents, env: { NODE_OPTIONS: '--max-old-space-size=64' } });
  assert.equal(code, 1, stderr.slice(0, 2000));
  assert.match(stdout, /^10000 StatefulSets reviewed: 10000 denied/m);
});
