import assert from 'node:assert/strict';
import { connect, type TLSSocket } from 'node:tls';
import { test } from 'node:test';
import { buildConfig } from '../../src/config/config.ts';
import { seed } from '../helpers/seed.ts';
import { post } from './helpers/https.ts';
import { admissionReview } from './helpers/reviews.ts';
import { startTestServer } from './helpers/server.ts';

/** A TLS connection through its handshake, or the error that ended it. */
function handshake(url: string, ca: string | string[]): Promise<TLSSocket | Error> {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: Number(port), ca, servername: 'localhost' });
    socket.once('secureConnect', () => resolve(socket));
    socket.once('error', resolve);
    socket.once('close', () => resolve(new Error('closed before the handshake')));
  });
}

test('the default connection cap keeps idle TLS connections within the memory limit (about 56 KiB each, README)', () => {
  assert.ok(buildConfig([]).server.maxConnections <= 1_000);
});

test('connections over server.maxConnections are refused, and a freed slot serves again', async () => {
  const t = await startTestServer({ input: { server: { maxConnections: 20 } } });
  const open: TLSSocket[] = [];
  try {
    for (let i = 0; i < 20; i++) {
      const socket = await handshake(t.url(''), t.ca);
      assert.ok(!(socket instanceof Error), `connection ${i} under the cap: ${String(socket)}`);
      open.push(socket);
    }
    assert.ok(await handshake(t.url(''), t.ca) instanceof Error, 'the 21st connection is refused');
    open.pop()?.destroy();
    // The server notices the freed slot once the close reaches it: retry within a bound.
    let answer: Awaited<ReturnType<typeof post>> | undefined;
    for (let attempt = 0; attempt < 50 && answer === undefined; attempt++) {
      answer = await post(t.url('/validate'), admissionReview(seed()), { ca: t.ca }).catch(async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        return undefined;
      });
    }
    assert.equal(answer?.status, 200);
  } finally {
    for (const socket of open) socket.destroy();
    await t.server.close();
  }
});
