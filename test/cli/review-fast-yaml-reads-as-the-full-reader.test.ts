/**
 * The reader's fast path (js-yaml events, src/policy/fast-yaml.ts) gives exactly the events of the `yaml` library's
 * Document path: the same objects (values, key order, -0, NaN), the same line numbers, the same problems and
 * messages. Over both corpora's files, tricky YAML, and mangled text. Where it cannot be sure it gives up, and the
 * full reader words the answer.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { FAST_MAX_CHARS, fastDocuments, readFastDocuments, resolvePlain, type FastDocument } from '../../src/policy/fast-yaml.ts';
import { parseDocuments, parseText } from '../../src/cli/read-manifests.ts';
import { corpusFiles, presentCorpora } from '../helpers/corpus.ts';
import { checkProperty } from '../fuzz/fuzz-settings.ts';
import { statefulSets } from '../fuzz/fuzz-inputs.ts';

const sts = (name: string, extra = ''): string => `apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: ${name}\n${extra}spec:\n  serviceName: ${name}\n  template:\n    spec:\n      containers:\n        - name: c\n          image: nginx:1.27\n`;

function assertSame(text: string, file = 'm.yaml'): void {
  for (const explicit of [true, false]) {
    assert.deepStrictEqual([...parseText(file, text, explicit, false)], [...parseDocuments(file, text, explicit, false)], JSON.stringify(text.slice(0, 400)));
  }
}

test('both corpora: every file takes the fast path and reads exactly as the full reader', () => {
  for (const corpus of presentCorpora()) {
    for (const name of corpusFiles(corpus)) {
      const text = readFileSync(join(corpus.dir, name), 'utf8');
      assertSame(text, name);
      const reason = fastDocuments(text) === undefined ? `${corpus.id}/${name} gave up the fast path` : undefined;
      // Files with anchors or merge keys are read by the full reader; all others must be fast.
      if (reason !== undefined) assert.match(text, /[&*!]\w|<<:/, reason);
    }
  }
});

const TRICKY: Readonly<Record<string, string>> = {
  'several documents, comments, an empty one': `# head\n${sts('a')}---\n# only a comment\n---\n${sts('b')}...\n---\n`,
  'CRLF line breaks': sts('crlf').replaceAll('\n', '\r\n'),
  'a lone CR': sts('cr').replace('\n', '\r'),
  'a byte-order mark': `\uFEFF${sts('bom')}`,
  'a byte-order mark before a second document': `${sts('a')}---\n\uFEFF${sts('b')}`,
  'a duplicate key': sts('dup').replace('kind: StatefulSet\n', 'kind: StatefulSet\nkind: StatefulSet\n'),
  'a quoted duplicate key': sts('dup').replace('kind: StatefulSet\n', 'kind: StatefulSet\n"kind": StatefulSet\n'),
  'anchors, aliases and a merge key': `${sts('m', 'x-base: &base\n  a: 1\nx-use:\n  <<: *base\n  b: 2\n')}`,
  'an alias bomb': `a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n`,
  'tags': sts('t', 'x: !!str 12\ny: !custom z\n'),
  'a %YAML 1.1 directive': `%YAML 1.1\n---\n${sts('d', 'x: yes\n')}`,
  'core-schema scalars': sts('s', 'x: [~, null, Null, NULL, true, False, TRUE, 0o17, 0x1F, -0, +12, 012, 1e3, .5, 5., -.inf, .NaN, 1_000, 0b11, yes, on, 2020-01-01, "1", \'true\', 12:30]\n'),
  'block scalars and folding': sts('b', 'x: |\n  line 1\n   more\n\n  end\ny: >-\n  folded\n  text\n\n  para\nz: "esc \\t \\u00e9 \\x41 \\N \\_ \\\n  cont"\nw: \'it\'\'s\'\n'),
  'flow collections': sts('f', 'x: {a: 1, b: [2, 3], "c": {d: e}}\ny: [a, {b: c}]\n'),
  'a non-string key': sts('k', 'x:\n  1: one\n  true: yes\n  ~: nothing\n'),
  'a __proto__ key': sts('p', 'x:\n  __proto__: {polluted: 1}\n'),
  'a kind: List': `apiVersion: v1\nkind: List\nitems:\n  - ${sts('l1').replaceAll('\n', '\n    ').trimEnd()}\n\n  # between\n  - ${sts('l2').replaceAll('\n', '\n    ').trimEnd()}\n`,
  'a List with a scalar item': `kind: List\nitems:\n  - 3\n  - ${sts('l').replaceAll('\n', '\n    ').trimEnd()}\n`,
  'a document that is a scalar': `just text\n---\n${sts('a')}`,
  'a document that is a list': `- a\n- b\n`,
  'a syntax error': `${sts('a')}---\nkey: [unclosed\n---\n${sts('b')}`,
  'tab indentation': sts('tab').replace('  name:', '\tname:'),
  'JSON': '{\n  "apiVersion": "apps/v1", "kind": "StatefulSet",\n  "metadata": {"name": "j"},\n  "spec": {"replicas": 1, "x": [1.5, -0, 1e400, null, true, "\\u00e9"]}\n}\n',
  'an empty file': '',
  'only comments': '# nothing\n# here\n',
  'a comment right after a value': sts('c', 'x: a#b\ny: a #b\n'),
  'a long single-line key': sts('l', `${'k'.repeat(1100)}: v\n`),
  'a multi-line implicit key': sts('m', '"multi\n  line": v\n'),
  'odd indentation of a sequence under a key': sts('i', 'x:\n- a\n- b\ny:\n    - c\n'),
  'a StatefulSet that is not apps/v1': sts('v').replace('apps/v1', 'apps/v1beta1'),
  // The fast path cuts a text before each `---` at the start of a line and reads the parts one at a time.
  'markers inside block scalars, and one ending a block scalar': `${sts('a', 'x: |\n  ---\n  ...\n  --- y\ny: >\n  text\n')}---\n${sts('b', 'z: |\n  last line\n')}---\n${sts('c')}`,
  'a block scalar at the root, cut by a marker': `--- |\n  text\n---\n${sts('a')}`,
  '--- with a comment': `${sts('a')}--- # the second\n${sts('b')}---\t# a tab\n${sts('c')}`,
  '--- with content on the same line': `${sts('a')}--- {apiVersion: apps/v1, kind: StatefulSet, metadata: {name: b}}\n--- ${'\n'}${sts('c')}`,
  '--- with a tag on the same line, after a plain document': `${sts('a')}--- !!map\n${sts('b')}`,
  '---x and -- are not markers': `${sts('a', '---x: 1\n--: 2\n')}`,
  '... ends a document, with and without a --- after it': `${sts('a')}...\n${sts('b')}...\n# between\n---\n${sts('c')}...\n`,
  'a marker after a byte-order mark': `\uFEFF---\n${sts('a')}\uFEFF---\n${sts('b')}`,
  'several documents with CRLF line breaks': `${sts('a')}---\n${sts('b')}--- # c\n${sts('c')}`.replaceAll('\n', '\r\n'),
  'a directive before a later document': `${sts('a')}...\n%YAML 1.1\n---\n${sts('b', 'x: yes\n')}`,
  'a flow collection across a marker': `${sts('a')}---\nx: [a,\n---\n  b]\n---\n${sts('b')}`,
  'a quoted scalar across a marker': `${sts('a')}---\nx: "a\n---\n  b"\n---\n${sts('b')}`,
  'an alias to an anchor of an earlier document': `${sts('a', 'x: &n 1\n')}---\n${sts('b', 'y: *n\n')}`,
  'a duplicate key in the last of three documents': `${sts('a')}---\n${sts('b')}---\n${sts('c', 'kind: StatefulSet\n')}`,
};

for (const [name, text] of Object.entries(TRICKY)) {
  test(`reads as the full reader: ${name}`, () => assertSame(text));
}

test('the fast path gives up where the two libraries could differ', () => {
  for (const name of ['a lone CR', 'a duplicate key', 'a quoted duplicate key', 'anchors, aliases and a merge key', 'an alias bomb', 'tags', 'a %YAML 1.1 directive', 'a non-string key', 'a __proto__ key', 'a long single-line key', 'a List with a scalar item', 'a document that is a scalar', 'a document that is a list', 'a syntax error']) {
    assert.equal(fastDocuments(TRICKY[name] ?? ''), undefined, name);
  }
  for (const name of ['several documents, comments, an empty one', 'CRLF line breaks', 'a byte-order mark', 'core-schema scalars', 'block scalars and folding', 'flow collections', 'a kind: List', 'JSON']) {
    assert.notEqual(fastDocuments(TRICKY[name] ?? ''), undefined, name);
  }
});

test('the fast path gives each document as soon as its part is read, and says where the full reader takes over', () => {
  const reading = readFastDocuments(`${sts('a')}---\n${sts('b')}---\nkey: [unclosed\n---\n${sts('c')}`);
  const first = reading.next();
  assert.equal(first.done, false);
  assert.deepStrictEqual([first.value && first.value.line, (reading.next().value as FastDocument).line], [1, 13]);
  assert.deepStrictEqual(reading.next(), { done: true, value: false });
  const whole = readFastDocuments(`${sts('a')}---\n${sts('b')}`);
  assert.deepStrictEqual([...whole].map((document) => document.line), [1, 13]);
});

test('an input over FAST_MAX_CHARS takes the full reader, which streams it one document at a time', () => {
  const small = `${sts('a')}---\n`;
  const text = small.repeat(Math.ceil(FAST_MAX_CHARS / small.length) + 1);
  assert.equal(fastDocuments(text), undefined);
  assert.notEqual(fastDocuments(text.slice(0, FAST_MAX_CHARS - (FAST_MAX_CHARS % small.length))), undefined);
});

test('plain scalars resolve as the yaml library resolves them', () => {
  for (const source of ['', '~', 'null', 'Null', 'NULL', 'nULL', 'true', 'True', 'TRUE', 'tRUE', 'false', 'yes', 'no', 'on', '0', '-0', '+0', '007', '0o17', '0o18', '0x1F', '0X1F', '0b1', '1_000', '1e3', '1E-3', '.5', '5.', '-.5e+2', '.inf', '-.Inf', '+.INF', '.nan', '.NaN', 'NaN', 'inf', '1.2.3', '12:30', '2020-01-01', '9007199254740993', '-', '.', '+', 'e3']) {
    const expected = yamlValue(source);
    if (typeof expected !== 'symbol') assert.deepStrictEqual(resolvePlain(source), expected, source);
  }
});

/** The yaml library's own value for a plain scalar (a symbol when it does not read it as one). */
function yamlValue(source: string): unknown {
  const events = [...parseDocuments('x', `kind: StatefulSet\napiVersion: apps/v1\nv: ${source}\n`, false, false)];
  const event = events[0];
  return event?.type === 'manifest' ? event.manifest.object['v'] : Symbol('unread');
}

type TextEdit = { readonly kind: 'drop' | 'repeat' | 'indent' | 'insert'; readonly line: number; readonly text: string };
const textEdit: fc.Arbitrary<TextEdit> = fc.record({
  kind: fc.constantFrom('drop', 'repeat', 'indent', 'insert'),
  line: fc.nat(),
  text: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('---', '- ', ': ', '&a', '*a', '!!binary', '{', '[', '"', "'", '|', '>', '? ', '\t', '\r', '\uFEFF', '#', ' #', '%YAML 1.2', '...', 'kind: List', 'items:', '0o7', '.inf', '~')),
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

const OBJECTS = statefulSets();

test('mangled manifest text reads as the full reader reads it', () => {
  checkProperty('fast-yaml-text', fc.property(fc.array(fc.constantFrom(...OBJECTS), { minLength: 1, maxLength: 3 }), fc.array(textEdit, { maxLength: 8 }), fc.boolean(), (objects, list, json) => {
    const text = json ? JSON.stringify(objects[0], null, 1) : objects.map((o) => stringify(o, { aliasDuplicateObjects: false })).join('---\n');
    assertSame(mangleText(text, list));
  }), 100);
});
