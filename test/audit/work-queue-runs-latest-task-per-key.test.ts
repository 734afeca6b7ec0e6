import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { createWorkQueue } from '../../src/audit/work-queue.ts';

test('a key scheduled again before its task started runs only the latest task', async () => {
  const ran: string[] = [];
  const queue = createWorkQueue(1, () => assert.fail('no task fails'));
  queue.schedule('busy', async () => { await sleep(20); ran.push('busy'); });
  for (const version of [1, 2, 3]) queue.schedule('sts', async () => { ran.push(`sts v${version}`); });
  await queue.idle();
  assert.deepEqual(ran, ['busy', 'sts v3']);
});

test('one task per key at a time, at most `concurrency` in all, and failures reported by key', async () => {
  let running = 0;
  let peak = 0;
  const perKey = new Map<string, number>();
  const failures: string[] = [];
  const queue = createWorkQueue(3, (key, error) => failures.push(`${key}: ${(error as Error).message}`));
  const task = (key: string, fail = false) => async () => {
    running++;
    perKey.set(key, (perKey.get(key) ?? 0) + 1);
    peak = Math.max(peak, running);
    assert.equal(perKey.get(key), 1, `${key} runs once at a time`);
    await sleep(10);
    perKey.set(key, (perKey.get(key) ?? 1) - 1);
    running--;
    if (fail) throw new Error('refused');
  };
  for (let i = 0; i < 10; i++) queue.schedule(`k${i}`, task(`k${i}`, i === 4));
  queue.schedule('k0', task('k0'));
  await queue.idle();
  assert.equal(peak, 3);
  assert.deepEqual(failures, ['k4: refused']);
  assert.equal(await Promise.race([queue.idle().then(() => 'idle'), sleep(50).then(() => 'waiting')]), 'idle');
});
