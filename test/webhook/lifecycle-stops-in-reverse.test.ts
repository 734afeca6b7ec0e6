import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLifecycle } from '../../src/webhook/lifecycle.ts';

function recorder(): { log: { warn(message: string): void }; warnings: string[] } {
  const warnings: string[] = [];
  return { log: { warn: (message) => warnings.push(message) }, warnings };
}

test('parts start in order and stop in reverse, each stop given the value its start returned', async () => {
  const { log, warnings } = recorder();
  const parts = createLifecycle({ what: 'the test', log });
  const events: string[] = [];
  for (const name of ['a', 'b', 'c']) {
    const value = await parts.start(name, async () => { events.push(`start ${name}`); return name.toUpperCase(); }, async (started) => { events.push(`stop ${name} (${started})`); });
    assert.equal(value, name.toUpperCase());
  }
  await parts.stop(Infinity);
  assert.deepEqual(events, ['start a', 'start b', 'start c', 'stop c (C)', 'stop b (B)', 'stop a (A)']);
  assert.deepEqual(warnings, []);
});

test('stop is idempotent: a second call returns the first promise and stops nothing twice', async () => {
  const parts = createLifecycle({ what: 'the test', log: recorder().log });
  let stops = 0;
  await parts.start('a', () => undefined, () => { stops++; });
  const first = parts.stop(1_000);
  assert.equal(parts.stop(1_000), first);
  await first;
  assert.equal(stops, 1);
});

test('a part that throws while stopping is logged by name and the parts started before it still stop', async () => {
  const { log, warnings } = recorder();
  const parts = createLifecycle({ what: 'the test', log });
  const stopped: string[] = [];
  await parts.start('the caches', () => undefined, () => { stopped.push('caches'); });
  await parts.start('the audit', () => undefined, () => { throw new Error('socket hang up'); });
  await parts.stop(10_000);
  assert.deepEqual(stopped, ['caches']);
  assert.deepEqual(warnings, ['the audit did not stop cleanly: socket hang up']);
});

test('at the deadline the part still stopping is logged and stop returns; the sequence finishes on its own', async () => {
  const { log, warnings } = recorder();
  const parts = createLifecycle({ what: 'cluster features', log });
  const stuck = Promise.withResolvers<void>();
  const stopped: string[] = [];
  await parts.start('the lookup caches', () => undefined, () => { stopped.push('caches'); });
  await parts.start('the leader election', () => undefined, () => stuck.promise);
  await parts.start('the background audit', () => undefined, () => { stopped.push('audit'); });
  await parts.stop(50);
  assert.deepEqual(warnings, ['cluster features: the leader election still stopping after 50 ms; not waiting for it (nor for what stops after it)']);
  assert.deepEqual(stopped, ['audit']);
  stuck.resolve();
  await new Promise<void>((resolve) => setImmediate(resolve));
  assert.deepEqual(stopped, ['audit', 'caches'], 'the parts after the stuck one stop once it has');
});

test('a failed start stops what was started, in reverse, and rethrows; a later stop() has nothing left to stop', async () => {
  const parts = createLifecycle({ what: 'the test', log: recorder().log });
  const events: string[] = [];
  await parts.start('health', () => undefined, () => { events.push('stop health'); });
  await parts.start('metrics', () => undefined, () => { events.push('stop metrics'); });
  await assert.rejects(parts.start('admission', () => { throw new Error('cannot listen on 127.0.0.1:8443: EADDRINUSE'); }, () => { events.push('stop admission'); }), /EADDRINUSE/);
  assert.deepEqual(events, ['stop metrics', 'stop health']);
  await parts.stop(1_000);
  assert.deepEqual(events, ['stop metrics', 'stop health']);
});
