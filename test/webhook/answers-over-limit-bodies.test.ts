import assert from 'node:assert/strict';
import { connect } from 'node:tls';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from './helpers/server.ts';

let t: TestServer;

before(async () => {
  t = await startTestServer();
});

after(() => t.server.close());

const LIMIT = 3 * 1024 * 1024;
const START = '{"padding":"';
const CHUNK = Buffer.alloc(64 * 1024, 'x');

/**
 * Streams a body of `total` bytes (no `Expect: 100-continue`) as fast as the connection takes it, and keeps sending
 * after the answer arrives, as a client does that writes its whole body before reading. Resolves with everything
 * received, and how the connection ended.
 */
function streamBody(framing: 'content-length' | 'chunked', total: number): Promise<{ received: string; error?: string }> {
  const { port } = new URL(t.server.admissionUrl);
  const socket = connect({ host: '127.0.0.1', port: Number(port), ca: t.ca, servername: 'localhost' });
  let received = '';
  let error: string | undefined;
  // Reading only once the whole body is written (or writing failed), as a client does that sends, then reads.
  const read = (): void => { socket.on('data', (chunk: Buffer) => { received += chunk.toString('utf8'); }).resume(); };
  socket.pause();
  // Bounded: a connection the server neither answers nor closes fails the test instead of hanging it.
  socket.setTimeout(20_000, () => socket.destroy(new Error('no answer within 20 s')));
  socket.on('error', (e: NodeJS.ErrnoException) => {
    error ??= (e as { code?: string }).code ?? e.message;
    read();
  });
  return new Promise((resolve) => {
    socket.on('close', () => resolve({ received, ...(error === undefined ? {} : { error }) }));
    socket.once('secureConnect', () => {
      const length = framing === 'content-length' ? `Content-Length: ${START.length + total}` : 'Transfer-Encoding: chunked';
      const start = framing === 'content-length' ? START : `${START.length.toString(16)}\r\n${START}\r\n`;
      socket.write(`POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n${length}\r\n\r\n${start}`);
      let sent = 0;
      const more = (): void => {
        while (sent + CHUNK.length <= total && !socket.destroyed) {
          sent += CHUNK.length;
          const piece = framing === 'content-length' ? CHUNK : Buffer.concat([Buffer.from(`${CHUNK.length.toString(16)}\r\n`), CHUNK, Buffer.from('\r\n')]);
          if (!socket.write(piece)) {
            socket.once('drain', more);
            return;
          }
        }
        if (!socket.destroyed) socket.end(framing === 'chunked' ? '0\r\n\r\n' : '');
        read();
      };
      more();
    });
  });
}

for (const framing of ['content-length', 'chunked'] as const) {
  test(`a body streamed over the limit (${framing}, no Expect: 100-continue) gets its 413 problem, then the connection closes`, async () => {
    const before = t.records.length;
    const { received, error } = await streamBody(framing, 2 * LIMIT);
    assert.match(received, /^HTTP\/1\.1 413 /, `got ${JSON.stringify(received.slice(0, 200))} (${error ?? 'closed'})`);
    const [head = '', body = ''] = received.split('\r\n\r\n');
    assert.match(head, /\r\nconnection: close\r\n/i);
    const problem = JSON.parse(body) as { code: string; message: string };
    assert.equal(problem.code, 'ERR_BODY_TOO_LARGE');
    assert.match(problem.message, /larger than the limit of 3145728 bytes/);
    assert.equal(t.records.slice(before).filter((r) => r['problem'] === 'ERR_BODY_TOO_LARGE').length, 1);
  });
}
