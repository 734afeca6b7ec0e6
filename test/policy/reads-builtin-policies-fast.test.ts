/**
 * The built-in policy files take the fast reader (src/policy/fast-yaml.ts) at every start-up, and it reads them as
 * the `yaml` library does: the same values and the same document lines. A policy file the fast reader gives up on
 * would still load (through the full reader), only slower: this test says which one.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineCounter, parseAllDocuments, type Document } from 'yaml';
import { BUILTIN_POLICY_DIR, readPolicySources } from '../../src/config/read-policies.ts';
import { fastDocuments } from '../../src/policy/fast-yaml.ts';

test('every built-in policy file takes the fast reader and reads as the yaml library reads it', () => {
  const sources = readPolicySources(BUILTIN_POLICY_DIR);
  assert.ok(sources.length > 30, `${sources.length} policy files`);
  for (const { file, text } of sources) {
    const fast = fastDocuments(text);
    assert.ok(fast !== undefined && fast.length > 0 && fast.every((d) => d.value !== null), `${file} gave up the fast reader`);
    const lines = new LineCounter();
    const full = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false }) as Document[];
    assert.deepStrictEqual(fast.map((d) => ({ value: d.value, line: d.line })), full.map((d) => ({ value: d.toJS() as unknown, line: lines.linePos(d.contents?.range?.[0] ?? 0).line })), file);
  }
});
