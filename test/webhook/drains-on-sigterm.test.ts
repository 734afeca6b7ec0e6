import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { seed } from '../helpers/seed.ts';
import { get, post, type HttpsResult } from './helpers/https.ts';
import { admissionReview } from './helpers/reviews.ts';
import { serveProcess, type Served } from './helpers/serve-process.ts';
import { until } from './helpers/until.ts';

let work: string;
let config: string;

before(() => {
  work = mkdtempSync(join(tmpdir(), 'stateguard-drain-'));
  config = join(work, 'drain.yaml');
  // Long enough for the test to act on the drain line; the process waits it out before it exits.
  writeFileSync(config, 'server:\n  shutdownDrainMs: 3000\n');
});

after(() => rmSync(work, { recursive: true, force: true }));

const idleSockets = (agent: Agent): number => Object.values(agent.freeSockets).reduce((sum, sockets) => sum + (sockets?.length ?? 0), 0);

test('after SIGTERM, the next request on each open keep-alive connection is answered with Connection: close, and new connections are still accepted while draining', async () => {
  const served = await serveProcess(work, ['--config', config]);
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  try {
    const send = (uid: string): Promise<HttpsResult> => post(`${served.admissionUrl}/validate`, admissionReview(seed(), { uid }), { ca: served.ca, agent });
    await Promise.all(Array.from({ length: 16 }, (_, i) => send(`open-${i}`)));
    assert.equal(idleSockets(agent), 16);

    served.child.kill('SIGTERM');
    await served.waitFor((r) => r.msg.startsWith('draining'), 'the drain line');
    assert.equal((await get(`${served.metricsUrl}/readyz`)).status, 503, 'not ready while draining');
    const answers = await Promise.all(Array.from({ length: 16 }, (_, i) => send(`kept-${i}`)));
    assert.deepEqual(answers.map((a) => a.status), Array.from({ length: 16 }, () => 200));
    assert.deepEqual(answers.map((a) => a.headers['connection']), Array.from({ length: 16 }, () => 'close'));
    const fresh = await post(`${served.admissionUrl}/validate`, admissionReview(seed(), { uid: 'fresh' }), { ca: served.ca });
    assert.equal(fresh.status, 200, 'a new connection during the drain is answered');
    assert.equal(fresh.headers['connection'], 'close');
    assert.equal(await served.exited, 0);
  } finally {
    agent.destroy();
    served.child.kill('SIGKILL');
  }
  const decisions = served.records.filter((r) => r.msg === 'admission decision').length;
  assert.equal(decisions, 33);
});

/** Sends without pause over keep-alive connections to whichever server the "endpoints" list names. */
function loopingClient(endpoints: () => Served): { stop(): Promise<{ answered: number; failures: string[] }> } {
  const agents = new Map<Served, Agent>();
  const failures: string[] = [];
  let answered = 0;
  let sending = true;
  const workers = Array.from({ length: 4 }, async (_, worker) => {
    for (let i = 0; sending; i++) {
      const target = endpoints();
      if (!agents.has(target)) agents.set(target, new Agent({ keepAlive: true, maxSockets: 4 }));
      try {
        const result = await post(`${target.admissionUrl}/validate`, admissionReview(seed(), { uid: `w${worker}-${i}` }), { ca: target.ca, agent: agents.get(target)! });
        if (result.status === 200) answered++;
        else failures.push(`status ${result.status}`);
      } catch (error) {
        failures.push(String(error));
      }
    }
  });
  return {
    async stop() {
      sending = false;
      await Promise.all(workers);
      for (const agent of agents.values()) agent.destroy();
      return { answered, failures };
    },
  };
}

test('a rolling restart: a client that keeps sending over keep-alive connections gets an answer to every request', async () => {
  const [old, next] = await Promise.all([serveProcess(work, ['--config', config]), serveProcess(work, ['--config', config])]);
  // The endpoints controller: a terminating pod leaves the endpoints once it is seen not ready.
  let endpoint = old;
  const client = loopingClient(() => endpoint);
  try {
    await until(() => old.records.filter((r) => r.msg === 'admission decision').length >= 50, 'traffic to the old server');
    old.child.kill('SIGTERM');
    await until(async () => (await get(`${old.metricsUrl}/readyz`)).status === 503, 'the old server not ready');
    endpoint = next;
    await until(() => next.records.filter((r) => r.msg === 'admission decision').length >= 50, 'traffic to the new server');
    assert.equal(await old.exited, 0);
  } finally {
    const { answered, failures } = await client.stop();
    old.child.kill('SIGKILL');
    next.child.kill('SIGTERM');
    assert.deepEqual(failures, [], 'every request was answered');
    assert.ok(answered >= 100);
  }
  assert.equal(await next.exited, 0);
});
