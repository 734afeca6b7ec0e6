import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { connect as connectTcp, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as connectTls, type TLSSocket } from 'node:tls';
import { after, before, test } from 'node:test';
import jsonpatch, { type Operation } from 'fast-json-patch';
import { enforce, type AdmissionReviewResponse } from '../../src/admission/index.ts';
import { evaluate, type JsonObject } from '../../src/policy/index.ts';
import { CORPORA, corpusSkip, loadCorpus } from '../helpers/corpus.ts';
import { builtinPolicies } from '../helpers/policies.ts';
import { seed } from '../helpers/seed.ts';
import { BAD_REQUESTS } from './helpers/bad-requests.ts';
import { get, post } from './helpers/https.ts';
import { admissionReview } from './helpers/reviews.ts';
import { serveProcess } from './helpers/serve-process.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

const REQUEST_TIMEOUT_MS = 1500;
let t: TestServer;

before(async () => {
  t = await startTestServer({ input: { server: { requestTimeoutMs: REQUEST_TIMEOUT_MS } } });
});

after(async () => {
  await t.server.close();
});

function responseOf(result: { status: number; json: unknown }): AdmissionReviewResponse['response'] {
  assert.equal(result.status, 200);
  return (result.json as AdmissionReviewResponse).response;
}

function patchOf(response: AdmissionReviewResponse['response']): Operation[] {
  return response.patch === undefined ? [] : (JSON.parse(Buffer.from(response.patch, 'base64').toString('utf8')) as Operation[]);
}

/**
 * No container or pod sets any securityContext, and the pod is not Windows (by `os.name`, or pinned by a
 * `kubernetes.io/os: windows` nodeSelector, where the Linux-only defaults are not injected): every security default applies.
 */
function cleanSlate(object: JsonObject): boolean {
  const pod = ((object['spec'] as JsonObject)['template'] as JsonObject)['spec'] as JsonObject;
  const containers = [...((pod['containers'] as JsonObject[] | undefined) ?? []), ...((pod['initContainers'] as JsonObject[] | undefined) ?? [])];
  const windows = (pod['os'] as JsonObject | undefined)?.['name'] === 'windows' || (pod['nodeSelector'] as JsonObject | undefined)?.['kubernetes.io/os'] === 'windows';
  return pod['securityContext'] === undefined && !windows && containers.every((c) => c['securityContext'] === undefined);
}

for (const source of CORPORA) test(`every ${source.id} corpus StatefulSet over HTTPS: the patch applies (RFC 6902, independent implementation) to the engine's mutated object, which validates as the engine says and needs no further patch`, corpusSkip(source), async () => {
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const set = builtinPolicies();
  const corpus = loadCorpus(source);
  assert.equal(corpus.length, source.statefulSets);
  let cleanSlates = 0;
  try {
    for (const entry of corpus) {
      const label = `${entry.file}/${entry.name}`;
      const send = async (webhook: string, object: JsonObject, uid: string) => {
        const response = responseOf(await post(t.url(`/${webhook}`), admissionReview(object, { uid }), { ca: t.ca, agent }));
        assert.equal(response.uid, uid, label);
        return response;
      };
      const mutation = await send('mutate', entry.object, `${label}:mutate`);
      const patched = jsonpatch.applyPatch(structuredClone(entry.object), patchOf(mutation), true, false).newDocument;
      const engine = evaluate(set, { object: entry.object, operation: 'CREATE', namespace: 'default' });
      assert.deepEqual(patched, engine.mutated, label);
      assert.equal(mutation.auditAnnotations?.['mutated'], engine.mutators.length === 0 ? undefined : engine.mutators.join(','), label);

      const verdict = await send('validate', patched, `${label}:validate`);
      const expected = enforce(engine.results);
      assert.equal(verdict.allowed, expected.denials.length === 0, label);
      assert.deepEqual(verdict.status?.message.split('\n') ?? [], expected.denials, label);
      assert.deepEqual(verdict.warnings ?? [], expected.warnings, label);

      const reinvoked = await send('mutate', patched, `${label}:reinvoke`);
      assert.equal(reinvoked.patch, undefined, `${label}: the mutated object needs no further patch`);

      if (cleanSlate(entry.object)) {
        cleanSlates++;
        const fixable = (verdict.warnings ?? []).filter((w) => /allowPrivilegeEscalation|drop ALL capabilities|seccomp profile/.test(w));
        assert.deepEqual(fixable, [], `${label}: findings the security defaults exist for remain after the patch`);
      }
    }
  } finally {
    agent.destroy();
  }
  const minimum = source.id === 'real' ? 10 : 5;
  assert.ok(cleanSlates >= minimum, `only ${cleanSlates} ${source.id} corpus StatefulSets set no securityContext`);
});

for (const bad of BAD_REQUESTS) {
  test(`over TLS: ${bad.name} → ${bad.status} ${bad.code}, logged once`, async () => {
    const before = t.records.length;
    const result = await post(t.url(bad.path), bad.body, { ca: t.ca, headers: { 'content-type': bad.contentType ?? 'application/json' } });
    assert.equal(result.status, bad.status);
    assert.equal((result.json as { code: string }).code, bad.code);
    assert.match((result.json as { message: string }).message, bad.message);
    const lines = t.records.slice(before);
    assert.equal(lines.length, 1, JSON.stringify(lines));
    assert.equal(lines[0]?.['problem'], bad.code);
  });
}

function tlsConnect(url = t.server.admissionUrl, ca = t.ca, options: { minVersion?: 'TLSv1'; maxVersion?: 'TLSv1.1' } = {}): Promise<TLSSocket> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connectTls({ host: '127.0.0.1', port: Number(port), ca, servername: 'localhost', ...options }, () => resolve(socket));
    socket.once('error', reject);
  });
}

test('TLS below 1.2 and plain HTTP are refused on the admission port', async () => {
  await assert.rejects(tlsConnect(t.server.admissionUrl, t.ca, { minVersion: 'TLSv1', maxVersion: 'TLSv1.1' }), /protocol|version|alert|ssl/i);
  await assert.rejects(fetch(t.server.admissionUrl.replace('https:', 'http:') + '/validate', { method: 'POST', signal: AbortSignal.timeout(5000) }));
  const modern = await tlsConnect();
  assert.match(modern.getProtocol() ?? '', /^TLSv1\.[23]$/);
  modern.destroy();
});

/** Everything the server sends until it closes the connection; the bound ends the wait if it never does. */
function untilClosed(socket: Socket, boundMs: number): Promise<{ received: string; closedByServer: boolean }> {
  return new Promise((resolve) => {
    let received = '';
    socket.on('data', (chunk: Buffer) => { received += chunk.toString('utf8'); });
    const bound = setTimeout(() => {
      socket.destroy();
      resolve({ received, closedByServer: false });
    }, boundMs);
    socket.once('close', () => {
      clearTimeout(bound);
      resolve({ received, closedByServer: true });
    });
  });
}

test('a client that never finishes its body gets a 408 after requestTimeoutMs, logged once, while other requests are served', async () => {
  const before = t.records.length;
  const slow = await tlsConnect();
  slow.write('POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{"apiVersion":');
  const closed = untilClosed(slow, REQUEST_TIMEOUT_MS * 10);
  for (let i = 0; i < 5; i++) {
    assert.equal(responseOf(await post(t.url('/validate'), admissionReview(seed()), { ca: t.ca })).allowed, false);
  }
  const { received, closedByServer } = await closed;
  assert.ok(closedByServer, 'the server never timed the slow client out');
  assert.match(received, /^HTTP\/1\.1 408 /);
  assert.match(received, /"code":"ERR_REQUEST_TIMEOUT"/);
  const problems = t.records.slice(before).filter((r) => r['problem'] !== undefined);
  assert.deepEqual(problems.map((r) => r['problem']), ['ERR_REQUEST_TIMEOUT']);
});

for (const [name, partial] of [['sends half its headers', 'POST /validate HTTP/1.1\r\nHost: local'], ['sends nothing after the handshake', '']] as const) {
  test(`a client that ${name} is timed out too`, async () => {
    const idle = await tlsConnect();
    if (partial !== '') idle.write(partial);
    const { received, closedByServer } = await untilClosed(idle, REQUEST_TIMEOUT_MS * 10);
    assert.ok(closedByServer);
    assert.match(received, /^HTTP\/1\.1 408 /);
  });
}

test('thousands of open connections (idle TCP and idle TLS) do not stop the server from serving; idle ones are reaped', async () => {
  // The server as a process of its own: client and server sockets then draw on separate descriptor limits, and
  // its timeouts are long enough to count the idle connections before they are reaped (12 s: on a loaded CI machine
  // opening them all took over 5 s, and the first ones were reaped before the count).
  const dir = mkdtempSync(join(tmpdir(), 'stateguard-busy-'));
  const config = join(dir, 'config.yaml');
  writeFileSync(config, 'server:\n  requestTimeoutMs: 12000\n  shutdownDrainMs: 0\n  maxConnections: 4000\n');
  const busy = await serveProcess(dir, ['--config', config]);
  const { port } = new URL(busy.admissionUrl);
  const TCP_SOCKETS = 3000;
  const TLS_SOCKETS = 200;
  const sockets: Socket[] = [];
  try {
    for (let batch = 0; batch < TCP_SOCKETS / 500; batch++) {
      const opened = Array.from({ length: 500 }, () => connectTcp({ host: '127.0.0.1', port: Number(port) }).on('error', () => undefined));
      await Promise.all(opened.map((socket) => new Promise((resolve) => socket.once('connect', resolve).once('close', resolve))));
      sockets.push(...opened);
    }
    for (let batch = 0; batch < TLS_SOCKETS / 50; batch++) {
      sockets.push(...await Promise.all(Array.from({ length: 50 }, () => tlsConnect(busy.admissionUrl, busy.ca))));
    }
    const closings = sockets.map((socket) => untilClosed(socket, 60_000));
    assert.equal(sockets.filter((s) => !s.destroyed).length, TCP_SOCKETS + TLS_SOCKETS);

    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => post(`${busy.admissionUrl}/validate`, admissionReview(seed(), { uid: `busy-${i}` }), { ca: busy.ca })));
    assert.deepEqual(results.map((r) => r.status), Array(20).fill(200));

    const closedByServer = (await Promise.all(closings)).filter((c) => c.closedByServer).length;
    assert.equal(closedByServer, TCP_SOCKETS + TLS_SOCKETS, 'connections that never send a request are closed by the server');
    assert.equal(responseOf(await post(`${busy.admissionUrl}/validate`, admissionReview(seed()), { ca: busy.ca })).allowed, false);
  } finally {
    for (const socket of sockets) socket.destroy();
    busy.child.kill('SIGTERM');
    await busy.exited;
    rmSync(dir, { recursive: true, force: true });
  }
});

test('health, readiness and metrics answer on the plain HTTP port, with the certificate expiry', async () => {
  assert.deepEqual(await get(`${t.server.metricsUrl}/healthz`), { status: 200, text: 'ok' });
  assert.deepEqual(await get(`${t.server.metricsUrl}/readyz`), { status: 200, text: 'ok' });
  const metrics = await get(`${t.server.metricsUrl}/metrics`);
  assert.equal(metrics.status, 200);
  const expiry = Number(/stateguard_certificate_expiry_seconds\{certificate="serving"\} (\S+)/.exec(metrics.text)?.[1]);
  assert.ok(expiry > 360 * 86_400 && expiry <= 365 * 86_400, `expiry ${expiry}`);
  assert.match(metrics.text, /stateguard_admission_requests_total\{webhook="validate",operation="CREATE",decision="deny"\}/);
  assert.equal((await get(`${t.server.metricsUrl}/validate`)).status, 404);
});
