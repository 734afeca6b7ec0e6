/**
 * A policy enabled without the params it needs (storage-class-allowed with no list, storage-size-bounds with no class)
 * checked nothing: `stateguard review` says so in every format (skip with cause not-configured), never pass.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCliInProcess } from '../helpers/cli-in-process.ts';

const good = join(import.meta.dirname, '../../policies/tests/good-statefulset.yaml');
const config = join(mkdtempSync(join(tmpdir(), 'stateguard-not-configured-')), 'config.yaml');
writeFileSync(config, JSON.stringify({ policies: { 'storage-class-allowed': { action: 'deny' }, 'storage-size-bounds': { action: 'deny' } } }));

test('enabled without params, the storage list rules are skip not-configured in JSON and named in the text report', async () => {
  const json = await runCliInProcess(['review', '-c', config, '-o', 'json', good]);
  const results = (JSON.parse(json.stdout) as { items: { results: { policy: string; result: string; skip?: unknown; reason?: string }[] }[] }).items[0]?.results ?? [];
  for (const id of ['storage-class-allowed', 'storage-size-bounds']) {
    const result = results.find((r) => r.policy === id);
    assert.equal(result?.result, 'skip', id);
    assert.deepEqual(result?.skip, { cause: 'not-configured' }, id);
    assert.match(result?.reason ?? '', /^not configured: params\./, id);
  }
  const text = await runCliInProcess(['review', '-c', config, good]);
  assert.match(text.stdout, /^ {2}- storage-class-allowed, storage-size-bounds: enabled but not configured \(no params\), nothing checked$/m);
});
