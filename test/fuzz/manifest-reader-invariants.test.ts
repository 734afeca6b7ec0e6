/**
 * Property suite over the CLI's manifest reader (its public readManifests only) and the engine behind it: corpus
 * StatefulSets as YAML or JSON text, mangled as objects and as text (lines deleted, duplicated, re-indented, bytes
 * inserted). Whatever the text: no throw, every problem named with its source, every manifest a StatefulSet object,
 * an unmangled text read back exactly, and each manifest evaluated or refused with ERR_INPUT.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { readManifests, textStdin } from '../../src/cli/read-manifests.ts';
import { evaluate, StateguardError, unevaluable, type JsonObject } from '../../src/policy/index.ts';
import { builtinPolicies } from '../helpers/policies.ts';
import { checkProperty } from './fuzz-settings.ts';
import { edits, mangle } from './mangle.ts';
import { statefulSets } from './fuzz-inputs.ts';

const OBJECTS = statefulSets();

type TextEdit = { readonly kind: 'drop' | 'repeat' | 'indent' | 'insert'; readonly line: number; readonly text: string };
const textEdit: fc.Arbitrary<TextEdit> = fc.record({
  kind: fc.constantFrom('drop', 'repeat', 'indent', 'insert'),
  line: fc.nat(),
  text: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('---', '- ', ': ', '&a', '*a', '!!binary', '{', '[', '"', '\t', '\u0000', '#')),
});

function mangleText(text: string, list: readonly TextEdit[]): string {
  const lines = text.split('\n');
  for (const change of list) {
    const at = change.line % Math.max(lines.length, 1);
    const line = lines[at] ?? '';
    if (change.kind === 'drop') lines.splice(at, 1);
    else if (change.kind === 'repeat') lines.splice(at, 0, line);
    else if (change.kind === 'indent') lines[at] = `  ${line}`;
    else lines[at] = `${line.slice(0, change.text.length)}${change.text}${line.slice(change.text.length)}`;
  }
  return lines.join('\n');
}

function read(text: string): ReturnType<typeof readManifests> {
  return readManifests(['-'], textStdin(text));
}

function assertWellFormed(reading: ReturnType<typeof readManifests>): void {
  for (const problem of reading.problems) {
    assert.equal(problem.file, '<stdin>');
    assert.ok(typeof problem.message === 'string' && problem.message.length > 0);
  }
  for (const manifest of reading.manifests) {
    assert.equal(manifest.file, '<stdin>');
    assert.ok(manifest.line >= 1);
    assert.equal(manifest.object['kind'], 'StatefulSet');
    try {
      evaluate(builtinPolicies(), { object: manifest.object, operation: 'CREATE' });
    } catch (error) {
      assert.ok(error instanceof StateguardError && error.code === 'ERR_INPUT', `only input errors: ${String(error)}`);
      assert.ok(unevaluable({ object: manifest.object }) !== undefined);
    }
  }
}

const format = fc.constantFrom('yaml', 'json');
const toText = (object: JsonObject, as: string): string => (as === 'json' ? JSON.stringify(object) : stringify(object, { aliasDuplicateObjects: false }));

test('mangled StatefulSets written as YAML or JSON are read back exactly, and evaluated or refused', () => {
  checkProperty('reader-objects', fc.property(fc.constantFrom(...OBJECTS), edits, format, (object, list, as) => {
    const mangled = mangle(object, list);
    const reading = read(toText(mangled, as));
    assertWellFormed(reading);
    if (mangled['kind'] === 'StatefulSet' && mangled['apiVersion'] === 'apps/v1') {
      assert.equal(reading.manifests.length, 1, `read back: ${reading.problems.map((p) => p.message).join('; ')}`);
      assert.deepEqual(reading.manifests[0]?.object, mangled);
    }
  }), 20);
});

test('mangled manifest text (several documents): problems named, never a throw', () => {
  checkProperty('reader-text', fc.property(fc.array(fc.constantFrom(...OBJECTS), { minLength: 1, maxLength: 3 }), fc.array(textEdit, { maxLength: 8 }), format, (objects, list, as) => {
    const text = as === 'json' ? JSON.stringify(objects[0]) : objects.map((o) => toText(o, 'yaml')).join('---\n');
    assertWellFormed(read(mangleText(text, list)));
  }), 60);
});
