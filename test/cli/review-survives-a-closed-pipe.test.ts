/** `stateguard review … | head -1`: the reader closes the pipe early; the CLI drops the rest and still exits with its verdict. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { MAIN } from '../helpers/cli.ts';

const SEED = resolve(import.meta.dirname, '../../examples/seed-statefulset.yaml');

test('a reader that closes the pipe after one line does not crash the review; the exit code is still the verdict', async () => {
  // 40 copies of the seed: far more output than one line, so the pipe is closed while the review still writes.
  const child = spawn(process.execPath, [MAIN, 'review', ...Array.from({ length: 40 }, () => SEED)], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const firstLine = await new Promise<string>((done) => {
    let seen = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      seen += chunk;
      if (seen.includes('\n')) {
        child.stdout.destroy();
        done(seen.split('\n')[0] ?? '');
      }
    });
  });
  const code = await new Promise<number | null>((done) => child.on('close', (c) => done(c)));
  assert.match(firstLine, /^DENY StatefulSet default\/web/);
  assert.doesNotMatch(stderr, /EPIPE|Error:|at /, stderr);
  assert.equal(code, 1, 'the seed is denied: exit 1, as without the pipe');
});
