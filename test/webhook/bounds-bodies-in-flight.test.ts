import assert from 'node:assert/strict';
import { connect, type TLSSocket } from 'node:tls';
import { after, before, test } from 'node:test';
import type { JsonObject } from '../../src/policy/index.ts';
import { QUEUE_LENGTH, SMALL_BODY_BYTES } from '../../src/webhook/body-budget.ts';
import { seed } from '../helpers/seed.ts';
import { post } from './helpers/https.ts';
import { admissionReview } from './helpers/reviews.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { until } from './helpers/until.ts';

// 1 MiB: a quarter (256 KiB) kept for small bodies, 768 KiB shared by large ones, so two 300 KiB bodies fill it.
const BUDGET = 1024 * 1024;
const LARGE = 300 * 1024;

let t: TestServer;
before(async () => {
  t = await startTestServer({ input: { server: { bodyBudgetBytes: BUDGET } } });
});
after(() => t.server.close());

/** A clean review padded with JSON whitespace to `total` bytes. */
function padded(total: number): string {
  const text = JSON.stringify(admissionReview(seed() as JsonObject));
  return text + ' '.repeat(total - Buffer.byteLength(text));
}

/** A large body whose headers and first bytes are sent, the rest held back until `finish()`: it holds its charge. */
function heldBody(): { finish: () => void; answer: Promise<string>; close: () => void } {
  const body = padded(LARGE);
  const { port } = new URL(t.server.admissionUrl);
  const socket: TLSSocket = connect({ host: '127.0.0.1', port: Number(port), ca: t.ca, servername: 'localhost' });
  socket.setTimeout(20_000, () => socket.destroy(new Error('no answer within 20 s')));
  let received = '';
  socket.on('data', (chunk: Buffer) => { received += chunk.toString('utf8'); });
  const answer = new Promise<string>((resolve, reject) => {
    socket.on('error', reject);
    socket.on('data', () => { if (/\r\n\r\n[\s\S]*\}$/.test(received)) resolve(received); });
  });
  socket.once('secureConnect', () => {
    socket.write(`POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 1024)}`);
  });
  return { finish: () => socket.write(body.slice(1024)), answer, close: () => socket.destroy() };
}

test('with the large-body share of the budget full, more large bodies are answered 429 ERR_BUSY with Retry-After, while small reviews are still answered 200', async () => {
  const held = [heldBody(), heldBody()];
  // Both held bodies are charged from their headers on: wait until the server holds them (600 KiB of 768 KiB).
  await until(async () => {
    const probe = await post(t.url('/validate'), padded(LARGE), { ca: t.ca });
    return probe.status === 429;
  }, 'the two held bodies to fill the large-body share');

  // More large bodies than the queue holds, at once: each waits for room that never comes, or finds the queue full.
  const refused = await Promise.all(Array.from({ length: QUEUE_LENGTH + 2 }, () => post(t.url('/validate'), padded(LARGE), { ca: t.ca, timeoutMs: 20_000 })));
  assert.deepEqual(refused.map((r) => r.status), Array.from(refused, () => 429));
  for (const answer of refused) {
    assert.equal(answer.headers['retry-after'], '1');
    assert.equal((answer.json as { code: string }).code, 'ERR_BUSY');
    assert.match((answer.json as { message: string }).message, /server\.bodyBudgetBytes/);
  }

  // Meanwhile a real review, and a body just at the small-body size, fit in the reserved share.
  const clean = await post(t.url('/validate'), admissionReview(seed() as JsonObject), { ca: t.ca });
  assert.equal(clean.status, 200);
  assert.equal(typeof (clean.json as { response: { allowed: unknown } }).response.allowed, 'boolean');
  assert.equal((await post(t.url('/mutate'), padded(SMALL_BODY_BYTES), { ca: t.ca })).status, 200);

  // The held bodies are then read and answered, and give their charge back: a large body gets through again.
  for (const body of held) body.finish();
  for (const answer of await Promise.all(held.map((h) => h.answer))) assert.match(answer, /^HTTP\/1\.1 200 /);
  for (const body of held) body.close();
  const later = await post(t.url('/validate'), padded(LARGE), { ca: t.ca });
  assert.equal(later.status, 200);
  const busyLines = t.records.filter((r) => r['code'] === 'ERR_BUSY' || JSON.stringify(r).includes('ERR_BUSY'));
  assert.ok(busyLines.length >= refused.length, 'every refused body is logged');
});
