import assert from 'node:assert/strict';
import { test } from 'node:test';
import { oneLine } from '../../src/admission/messages.ts';

/** The definition oneLine's character scan must agree with: collapse every run of whitespace or control characters. */
function reference(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\s\u0000-\u001f\u007f]+/g, ' ').trim();
}

test('oneLine leaves clean one-line text as it is and flattens everything else exactly like the reference', () => {
  const samples = [
    'container "nginx" requests no cpu or memory',
    '',
    ' leading space',
    'trailing space ',
    'two  spaces',
    'a\nnewline',
    'a\ttab',
    'carriage\r\nreturn',
    'a\u0000nul',
    'a\u007fdel',
    'no\u00a0break',
    'em\u2003space',
    'line\u2028separator',
    'ideographic\u3000space',
    'bom\ufeffinside',
    'ünïcödé stays — as is',
    ' ',
    '  ',
    '\n',
  ];
  for (const text of samples) assert.equal(oneLine(text), reference(text), JSON.stringify(text));
  assert.equal(oneLine('unchanged text'), 'unchanged text');
});

test('oneLine cuts past max characters with an ellipsis', () => {
  assert.equal(oneLine('abcdefghij', 5), 'abcd…');
  assert.equal(oneLine('abc', 5), 'abc');
});
