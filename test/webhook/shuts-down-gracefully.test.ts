import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connect } from 'node:tls';
import { after, before, test } from 'node:test';
import { builtinPolicies } from '../helpers/policies.ts';
import { seed } from '../helpers/seed.ts';
import { get, post, type RequestError } from './helpers/https.ts';
import { admissionReview } from './helpers/reviews.ts';
import { serveProcess } from './helpers/serve-process.ts';
import { until } from './helpers/until.ts';

const ROOT = resolve(import.meta.dirname, '../..');
let work: string;

before(() => {
  work = mkdtempSync(join(tmpdir(), 'stateguard-serve-'));
});

after(() => rmSync(work, { recursive: true, force: true }));

/** A request whose headers and half its body are sent now, and the rest on `finish()`. */
async function partialRequest(url: string, ca: string, body: string): Promise<{ finish(): Promise<{ status: number; text: string }> }> {
  const { port } = new URL(url);
  const socket = connect({ host: '127.0.0.1', port: Number(port), ca, servername: 'localhost' });
  await once(socket, 'secureConnect');
  const half = Math.floor(body.length / 2);
  socket.write(`POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, half)}`);
  let received = '';
  socket.on('data', (chunk: Buffer) => { received += chunk.toString('utf8'); });
  const closed = once(socket, 'close');
  return {
    async finish() {
      socket.write(body.slice(half));
      await closed;
      const [head = '', text = ''] = received.split('\r\n\r\n');
      return { status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1] ?? 0), text };
    },
  };
}

test('the startup summary and the try-it hint name the URLs, and SIGHUP reloads', async () => {
  const served = await serveProcess(work);
  try {
    const serving = served.records.find((r) => r.msg === 'stateguard serving');
    assert.equal(serving?.['policies'], builtinPolicies().policies.length);
    assert.equal(serving?.['tls'], 'self-signed');
    await until(() => served.stderr().includes('curl'), 'the try-it hint');
    assert.match(served.stderr(), new RegExp(`curl -s --cacert \\S+ -H 'Content-Type: application/json' --data @examples/admission-review\\.json ${served.admissionUrl}/validate`));
    served.child.kill('SIGHUP');
    await served.waitFor((r) => r.msg === 'config and policies reloaded', 'reload after SIGHUP');
    const example = readFileSync(join(ROOT, 'examples/admission-review.json'), 'utf8');
    const response = await post(`${served.admissionUrl}/validate`, example, { ca: served.ca });
    const message = (response.json as { response: { status: { message: string } } }).response.status.message;
    assert.deepEqual(message.split('\n').map((line) => /^\[([a-z-]+)\]/.exec(line)?.[1]), ['resource-requests-required', 'storage-class-required']);
  } finally {
    // SIGINT (an interactive stop) skips the drain.
    served.child.kill('SIGINT');
    assert.equal(await served.exited, 0);
  }
});

test('SIGTERM during traffic: readiness goes false, in-flight requests finish, new connections are refused after the drain, exit 0', async () => {
  const config = join(work, 'short-drain.yaml');
  writeFileSync(config, 'server:\n  shutdownDrainMs: 300\n');
  const served = await serveProcess(work, ['--config', config]);
  const body = JSON.stringify(admissionReview(seed()));
  const statuses: number[] = [];
  const failures: string[] = [];
  let refused = 0;
  const traffic = Array.from({ length: 4 }, async (_, worker) => {
    for (let i = 0; i < 100_000; i++) {
      try {
        const result = await post(`${served.admissionUrl}/validate`, admissionReview(seed(), { uid: `w${worker}-${i}` }), { ca: served.ca });
        statuses.push(result.status);
      } catch (error) {
        // Refused, or queued by the kernel and reset when the listener closed: never accepted by the server.
        if ((error as RequestError).secured) failures.push(String(error));
        else refused++;
        return;
      }
    }
  });
  try {
    await until(() => statuses.length >= 50 || failures.length > 0, 'traffic before SIGTERM');
    const inFlight = await Promise.all(Array.from({ length: 5 }, () => partialRequest(served.admissionUrl, served.ca, body)));

    served.child.kill('SIGTERM');
    await served.waitFor((r) => r.msg === 'shutting down', 'shutting down');
    assert.equal((await get(`${served.metricsUrl}/readyz`)).status, 503, 'not ready while draining');
    assert.equal((await get(`${served.metricsUrl}/healthz`)).status, 200, 'still alive while draining');

    const finished = await Promise.all(inFlight.map((request) => request.finish()));
    assert.deepEqual(finished.map((r) => r.status), [200, 200, 200, 200, 200]);
    for (const r of finished) assert.equal((JSON.parse(r.text) as { response: { allowed: boolean } }).response.allowed, false);
    assert.equal(await served.exited, 0);
  } finally {
    served.child.kill('SIGKILL');
    await Promise.all(traffic);
  }
  assert.deepEqual(failures, [], 'a request that reached the server failed');
  assert.deepEqual(statuses.filter((s) => s !== 200), []);
  assert.equal(refused, 4, 'each client stops at a refused connection once the server is gone');
  const decisions = served.records.filter((r) => r.msg === 'admission decision').length;
  assert.equal(decisions, statuses.length + 5, 'one decision line per answered request');
  assert.ok(served.records.some((r) => r.msg === 'stopped'));
});

test('shutdown is bounded by shutdownTimeoutMs: a request that never completes does not hold the exit', async () => {
  const config = join(work, 'short-shutdown.yaml');
  writeFileSync(config, 'server:\n  shutdownDrainMs: 0\n  shutdownTimeoutMs: 300\n  requestTimeoutMs: 60000\n');
  const served = await serveProcess(work, ['--config', config]);
  try {
    await partialRequest(served.admissionUrl, served.ca, JSON.stringify(admissionReview(seed())));
    served.child.kill('SIGTERM');
    assert.equal(await served.exited, 0);
    assert.ok(served.records.some((r) => r.level === 40 && /requests still running after 300 ms/.test(r.msg)));
  } finally {
    served.child.kill('SIGKILL');
  }
});
