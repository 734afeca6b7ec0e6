/**
 * Every input is read through one reused buffer (a fresh 1 MiB buffer per file made 10,000 files slow and large):
 * a file over the buffer's size, read in several chunks, and the files read after it keep their own bytes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readManifests, textStdin } from '../../src/cli/read-manifests.ts';
import { readFileLimited } from '../../src/cli/read-sources.ts';

const sts = (name: string): string => `apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: ${name}\nspec:\n  serviceName: ${name}\n`;

test('a multi-chunk file and the small files after it are each read whole and unmixed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stateguard-one-buffer-'));
  try {
    const big = `${'# padding line to pass the 1 MiB read buffer\n'.repeat(60_000)}${sts('big')}`;
    writeFileSync(join(dir, 'a-big.yaml'), big);
    writeFileSync(join(dir, 'b-small.yaml'), sts('small'));
    writeFileSync(join(dir, 'c-tiny.yaml'), sts('t'));
    const reading = readManifests([dir], textStdin(''));
    assert.deepEqual(reading.problems, []);
    assert.deepEqual(reading.manifests.map((m) => [m.object['metadata'], m.line]), [[{ name: 'big' }, 60_001], [{ name: 'small' }, 1], [{ name: 't' }, 1]]);
    for (const name of ['a-big.yaml', 'b-small.yaml', 'c-tiny.yaml', 'a-big.yaml']) {
      const read = readFileLimited(join(dir, name));
      assert.ok('bytes' in read);
      assert.equal(read.bytes.toString('utf8'), readFileSync(join(dir, name), 'utf8'), name);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
