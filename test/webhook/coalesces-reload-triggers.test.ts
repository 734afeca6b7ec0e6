import assert from 'node:assert/strict';
import { test } from 'node:test';
import { coalesceReloads } from '../../src/webhook/coalesce-reloads.ts';
import { until } from './helpers/until.ts';

/** A reload the test finishes by hand, so "running" lasts as long as the test wants. */
function controlledReloads(): { runs: number; finish(): void; running: boolean; run: () => Promise<void> } {
  const state = {
    runs: 0,
    running: false,
    release: undefined as (() => void) | undefined,
    finish() { state.release?.(); },
    run: (): Promise<void> => {
      assert.equal(state.running, false, 'two reloads ran at once');
      state.runs++;
      state.running = true;
      return new Promise<void>((resolve) => { state.release = () => { state.running = false; resolve(); }; });
    },
  };
  return state;
}

test('triggers during a running reload leave exactly one reload pending, which runs after it', async () => {
  const reloads = controlledReloads();
  const trigger = coalesceReloads(reloads.run, 0);
  trigger.request();
  assert.equal(reloads.runs, 0, 'never inside the trigger');
  await until(() => reloads.running, 'the first reload running');
  for (let i = 0; i < 100; i++) trigger.request();
  reloads.finish();
  await until(() => reloads.runs === 2 && reloads.running, 'the one pending reload running');
  reloads.finish();
  // Nothing more was asked for: a third never starts. Ask once more to see the trigger still works.
  trigger.request();
  await until(() => reloads.runs === 3, 'a later request runs');
  reloads.finish();
  trigger.stop();
});

test('triggers before the reload starts are absorbed into it', async () => {
  const reloads = controlledReloads();
  const trigger = coalesceReloads(reloads.run, 0);
  for (let i = 0; i < 50; i++) trigger.request();
  await until(() => reloads.running, 'the reload running');
  reloads.finish();
  trigger.request();
  await until(() => reloads.runs === 2, 'the next request runs');
  reloads.finish();
  trigger.stop();
});

test('stop() drops a pending reload and ignores later requests', async () => {
  const reloads = controlledReloads();
  const trigger = coalesceReloads(reloads.run, 0);
  trigger.request();
  await until(() => reloads.running, 'the reload running');
  trigger.request();
  trigger.stop();
  reloads.finish();
  trigger.request();
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setTimeout(resolve, 5));
  assert.equal(reloads.runs, 1);
});
