import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fitNote, MAX_NOTE_BYTES } from '../../src/cluster/events.ts';

test('a note within 1024 bytes is kept whole', () => {
  assert.equal(fitNote('short'), 'short');
  const exact = 'é'.repeat(MAX_NOTE_BYTES / 2);
  assert.equal(fitNote(exact), exact);
});

test('a longer note is cut to at most 1024 bytes of UTF-8 with …, never inside a character', () => {
  for (const unit of ['a', 'é', '€', '🗄️', 'a🗄', 'ab€']) {
    const note = unit.repeat(2000);
    const cut = fitNote(note);
    const bytes = Buffer.byteLength(cut);
    assert.ok(bytes <= MAX_NOTE_BYTES, `${unit}: ${bytes} bytes`);
    assert.ok(bytes > MAX_NOTE_BYTES - 3 - 4, `${unit}: cut at the last whole character, ${bytes} bytes`);
    assert.ok(cut.endsWith('…'));
    assert.ok(note.startsWith(cut.slice(0, -1)), `${unit}: a prefix, no character split`);
    assert.doesNotMatch(cut, /\uFFFD/);
    assert.equal(Buffer.from(cut, 'utf8').toString('utf8'), cut, 'well-formed: no lone surrogate');
  }
});

test('1023 characters of a multi-byte note (the old cut) would not fit', () => {
  const note = 'ü'.repeat(1500);
  assert.ok(Buffer.byteLength(`${note.slice(0, 1023)}…`) > MAX_NOTE_BYTES, 'the character count was the wrong measure');
  assert.ok(Buffer.byteLength(fitNote(note)) <= MAX_NOTE_BYTES);
});
