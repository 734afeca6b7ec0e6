import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chargeOf, createBodyBudget, QUEUE_LENGTH, SMALL_BODY_BYTES } from '../../src/webhook/body-budget.ts';

const KiB = 1024;

test('large bodies share three quarters of the budget; small bodies may use the reserved quarter', async () => {
  const budget = createBodyBudget(1024 * KiB);
  const first = await budget.acquire(768 * KiB);
  assert.ok(first !== undefined);
  // The shared part is full: the second large body waits, while four small bodies of 64 KiB fill the reserve.
  const waiting = budget.acquire(300 * KiB);
  const small = await Promise.all(Array.from({ length: 4 }, () => budget.acquire(SMALL_BODY_BYTES)));
  assert.ok(small.every((release) => release !== undefined));
  assert.equal(budget.inUse(), 1024 * KiB);
  for (const release of small) release?.();
  first();
  const second = await waiting;
  assert.ok(second !== undefined);
  assert.equal(budget.inUse(), 300 * KiB);
  second();
  second();
  assert.equal(budget.inUse(), 0, 'a release twice gives the charge back once');
});

test('a large body finds a full queue refused at once; one larger than the shared part runs alone', async () => {
  const budget = createBodyBudget(1024 * KiB);
  const alone = await budget.acquire(3 * 1024 * KiB);
  assert.ok(alone !== undefined);
  assert.equal(budget.inUse(), 768 * KiB);
  const queued = Array.from({ length: QUEUE_LENGTH }, () => budget.acquire(100 * KiB));
  assert.equal(await budget.acquire(100 * KiB), undefined);
  alone();
  const granted = await Promise.all(queued.slice(0, 7));
  assert.ok(granted.every((release) => release !== undefined), 'seven of 100 KiB fit in 768 KiB, in arrival order');
  for (const release of granted) release?.();
  // The nine others are granted in turn as the ones before them give their charge back.
  for (const next of queued.slice(7)) {
    const release = await next;
    assert.ok(release !== undefined);
    release();
  }
  assert.equal(budget.inUse(), 0);
});

test('a request is charged its Content-Length, the body limit when chunked, nothing without a body or over the limit', () => {
  assert.equal(chargeOf({ 'content-length': '4096' }, 3 * 1024 * KiB), 4096);
  assert.equal(chargeOf({ 'transfer-encoding': 'chunked' }, 3 * 1024 * KiB), 3 * 1024 * KiB);
  assert.equal(chargeOf({}, 3 * 1024 * KiB), 0);
  assert.equal(chargeOf({ 'content-length': String(4 * 1024 * KiB) }, 3 * 1024 * KiB), 0);
  assert.equal(chargeOf({ 'content-length': 'x' }, 3 * 1024 * KiB), 0);
});
