import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, test } from 'node:test';
import { seed } from '../helpers/seed.ts';
import { post } from './helpers/https.ts';
import { admissionReview } from './helpers/reviews.ts';
import { serveProcess } from './helpers/serve-process.ts';

const work = mkdtempSync(join(tmpdir(), 'stateguard-sighup-'));
after(() => rmSync(work, { recursive: true, force: true }));

const SIGNALS = 200;
const reloaded = (msg: unknown): boolean => typeof msg === 'string' && msg.startsWith('config and policies reloaded');

test('a burst of SIGHUPs runs a few reloads, not one per signal, and requests keep being answered', async (t) => {
  const config = join(work, 'stateguard.yaml');
  writeFileSync(config, 'policies:\n  min-replicas: { action: warn }\n');
  const served = await serveProcess(work, ['--config', config]);
  try {
    const review = admissionReview(seed());
    let answered = 0;
    for (let i = 0; i < SIGNALS; i++) {
      served.child.kill('SIGHUP');
      // Spread the burst (as a loop of `kill -HUP` would) and ask for a verdict every tenth signal, mid-burst.
      if (i % 10 === 0) {
        const response = await post(`${served.admissionUrl}/validate`, review, { ca: served.ca, timeoutMs: 10_000 });
        assert.equal(response.status, 200);
        answered++;
      } else {
        await sleep(5);
      }
    }
    // A change after the burst, and one more signal: once it shows in the log, every reload of the burst has run.
    writeFileSync(config, 'policies:\n  min-replicas: { action: deny }\n');
    served.child.kill('SIGHUP');
    const tightened = (changes: unknown): boolean => JSON.stringify((changes as { actions?: unknown } | undefined)?.actions) === JSON.stringify([{ policy: 'min-replicas', from: 'warn', to: 'deny' }]);
    await served.waitFor((r) => reloaded(r.msg) && tightened(r['changes']), 'the reload after the burst');
    const reloads = served.records.filter((r) => reloaded(r.msg)).length;
    t.diagnostic(`${reloads} reloads for ${SIGNALS + 1} SIGHUPs, ${answered} requests answered during the burst`);
    assert.equal(answered, SIGNALS / 10);
    assert.ok(reloads >= 1 && reloads <= SIGNALS / 10, `${reloads} reloads for ${SIGNALS + 1} SIGHUPs`);
    const final = await post(`${served.admissionUrl}/validate`, review, { ca: served.ca });
    assert.equal(final.status, 200);
  } finally {
    served.child.kill('SIGTERM');
    await served.exited;
  }
});
