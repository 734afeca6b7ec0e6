import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import { decisionWriter, asString } from '../../src/webhook/decision-line.ts';
import { DECISION_MESSAGE, decisionRecord } from '../../src/webhook/decision-record.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { outcomeShapes, TRICKY_STRINGS } from './helpers/outcomes.ts';

/** A destination that keeps every line written to it. */
function capture(): { lines: string[]; write(line: string): void } {
  const lines: string[] = [];
  return { lines, write: (line) => void lines.push(line) };
}

/** The time is the only field that may differ between two lines written a moment apart. */
const timeless = (line: string): string => line.replace(/,"time":(\d+|"[^"]*"),/, ',"time":0,');

for (const format of ['pino', 'iso'] as const) {
  test(`each decision line has the bytes pino writes for the decision record, for every outcome shape (log.format ${format})`, () => {
    const ours = capture();
    const theirs = capture();
    const write = decisionWriter(createLogger({ level: 'info', format }, ours).child({ webhook: 'validate' }));
    const reference = createLogger({ level: 'info', format }, theirs).child({ webhook: 'validate' });
    const outcomes = outcomeShapes();
    for (const [i, outcome] of outcomes.entries()) {
      const durationMs = [0.004, 1.23456, 12, 0.005, Number.NaN][i % 5] ?? 0;
      write(outcome, durationMs);
      reference.info(decisionRecord(outcome, durationMs), DECISION_MESSAGE);
    }
    assert.equal(ours.lines.length, outcomes.length);
    assert.deepEqual(ours.lines.map(timeless), theirs.lines.map(timeless));
    assert.ok(ours.lines.some((line) => line.includes('"exempted":[')), 'an exemption is among the shapes');
    assert.ok(ours.lines.some((line) => line.includes('"excepted":[')), 'an exception used is among the shapes');
    assert.ok(ours.lines.some((line) => line.includes('"refused":"depth"')), 'a refusal is among the shapes');
    assert.ok(ours.lines.some((line) => !line.includes('"user":')), 'a review without a user is among the shapes');
  });
}

test('strings are escaped as pino escapes them (quotes, backslashes, control characters, lone surrogates, long text)', () => {
  const line = capture();
  const logger = pino({}, line);
  for (const text of TRICKY_STRINGS) {
    logger.info({ value: text });
    const written = line.lines.pop() ?? '';
    assert.equal(written.slice(written.indexOf('"value":') + '"value":'.length, -'}\n'.length), asString(text), JSON.stringify(text));
  }
});

test('nothing is written when info is off; a logger pino shapes differently gets the record through logger.info', () => {
  const quiet = capture();
  const outcome = outcomeShapes()[0];
  assert.ok(outcome !== undefined);
  decisionWriter(createLogger({ level: 'warn', format: 'pino' }, quiet))(outcome, 1);
  assert.deepEqual(quiet.lines, []);

  const mixed = capture();
  decisionWriter(pino({ mixin: () => ({ extra: 1 }) }, mixed))(outcome, 1);
  assert.equal(mixed.lines.length, 1);
  const record = JSON.parse(mixed.lines[0] ?? '{}') as Record<string, unknown>;
  assert.equal(record['extra'], 1, 'the mixin still applies');
  assert.equal(record['msg'], DECISION_MESSAGE);
  assert.equal(record['uid'], outcome.review.uid);
});

test('the server logger takes the direct path (the comparison above is not between two logger.info calls)', () => {
  const ours = capture();
  const outcome = outcomeShapes().find((o) => o.review.uid.includes('\ud800'));
  assert.ok(outcome !== undefined);
  decisionWriter(createLogger({ level: 'info', format: 'pino' }, ours).child({ webhook: 'validate' }))(outcome, 1);
  // pino's fast path leaves a lone surrogate as it is; JSON.stringify would escape it. Both paths agree on that, so
  // tell them apart by a logger whose redaction covers a decision key: it must fall back, and redact.
  const redacting = capture();
  decisionWriter(pino({ redact: ['uid'] }, redacting))(outcome, 1);
  assert.match(redacting.lines[0] ?? '', /"uid":"\[Redacted\]"/);
  assert.ok((ours.lines[0] ?? '').includes(`"uid":"${outcome.review.uid}"`));
});
