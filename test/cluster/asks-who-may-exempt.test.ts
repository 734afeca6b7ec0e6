/**
 * The SubjectAccessReview client against a plain HTTP server standing in for the API server's
 * /apis/authorization.k8s.io/v1/subjectaccessreviews: what is asked, what is cached (and how many), and that a
 * refused, failed or silent call is never a grant. Through the real kube-apiserver: test/e2e/scenarios/exemptions-need-rbac.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createExemptionAuthoriser } from '../../src/cluster/exemption-authoriser.ts';
import { loadKube } from '../../src/cluster/kube.ts';
import { silentLog } from './fixtures.ts';

type Handler = (spec: Record<string, any>, response: ServerResponse) => void; // eslint-disable-line @typescript-eslint/no-explicit-any -- request JSON

const dir = mkdtempSync(join(tmpdir(), 'stateguard-sar-'));
const servers: ReturnType<typeof createServer>[] = [];
after(() => {
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
  rmSync(dir, { recursive: true, force: true });
});

async function apiServer(handler: Handler): Promise<{ kubeconfig: string; asked: Record<string, unknown>[] }> {
  const asked: Record<string, unknown>[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let body = '';
    request.on('data', (chunk: Buffer) => { body += chunk.toString(); }).on('end', () => {
      assert.equal(request.url?.split('?')[0], '/apis/authorization.k8s.io/v1/subjectaccessreviews');
      const spec = (JSON.parse(body) as { spec: Record<string, unknown> }).spec;
      asked.push(spec);
      handler(spec, response);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const file = join(dir, `kubeconfig-${servers.length}`);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  writeFileSync(file, JSON.stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'c',
    clusters: [{ name: 'c', cluster: { server: url, 'insecure-skip-tls-verify': true } }], users: [{ name: 'u', user: { token: 't' } }], contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
  }));
  return { kubeconfig: file, asked };
}

const answer = (allowed: boolean) => (_spec: unknown, response: ServerResponse): void => {
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify({ apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', status: { allowed } }));
};

const user = { username: 'dev', uid: 'u-1', groups: ['system:authenticated'], extra: { scopes: ['a'] } };

test('asks, as the requesting user, for verb exempt on statefulsetpolicies.stateguard.io named by each policy, in the namespace', async () => {
  const { kubeconfig, asked } = await apiServer((spec, response) => answer((spec['resourceAttributes'] as { name: string }).name === 'storage-class-required')(spec, response));
  const authorise = createExemptionAuthoriser(loadKube({ kubeconfig }), { log: silentLog });
  const grant = await authorise({ userInfo: user, namespace: 'shop', policies: ['storage-class-required', 'pod-security-baseline'] });
  assert.deepEqual(grant, { allowed: ['storage-class-required'] });
  const first = asked.find((spec) => (spec['resourceAttributes'] as { name: string }).name === 'storage-class-required');
  assert.deepEqual(first, {
    resourceAttributes: { group: 'stateguard.io', resource: 'statefulsetpolicies', name: 'storage-class-required', namespace: 'shop', verb: 'exempt' },
    user: 'dev', uid: 'u-1', groups: ['system:authenticated'], extra: { scopes: ['a'] },
  });
});

test('answers are reused briefly, and the cache is bounded', async () => {
  const { kubeconfig, asked } = await apiServer(answer(true));
  const authorise = createExemptionAuthoriser(loadKube({ kubeconfig }), { log: silentLog, maxEntries: 2 });
  await authorise({ userInfo: user, namespace: 'shop', policies: ['a'] });
  await authorise({ userInfo: user, namespace: 'shop', policies: ['a'] });
  assert.equal(asked.length, 1, 'the second question is answered from the cache');
  await authorise({ userInfo: user, namespace: 'shop', policies: ['b'] });
  await authorise({ userInfo: user, namespace: 'shop', policies: ['c'] });
  await authorise({ userInfo: user, namespace: 'shop', policies: ['a'] });
  assert.equal(asked.length, 4, 'with room for two answers, the oldest (a) was dropped and asked again');
  await authorise({ userInfo: { ...user, username: 'other' }, namespace: 'shop', policies: ['a'] });
  assert.equal(asked.length, 5, 'another user is another question');
});

test('a refused or failed call, or one without an answer in time, is never a grant, and is not cached', async () => {
  const refused = await apiServer((_spec, response) => { response.statusCode = 403; response.end(JSON.stringify({ kind: 'Status', message: 'subjectaccessreviews is forbidden' })); });
  const authorise = createExemptionAuthoriser(loadKube({ kubeconfig: refused.kubeconfig }), { log: silentLog });
  const grant = await authorise({ userInfo: user, namespace: 'shop', policies: ['a'] });
  assert.deepEqual(grant.allowed, []);
  assert.match(grant.unavailable?.['a'] ?? '', /^SubjectAccessReview failed: 403 Forbidden/);
  await authorise({ userInfo: user, namespace: 'shop', policies: ['a'] });
  assert.equal(refused.asked.length, 2);

  const silent = await apiServer(() => undefined);
  const slow = createExemptionAuthoriser(loadKube({ kubeconfig: silent.kubeconfig }), { log: silentLog, timeoutMs: 200 });
  const late = await slow({ userInfo: user, namespace: 'shop', policies: ['a'] });
  assert.deepEqual(late.allowed, []);
  assert.match(late.unavailable?.['a'] ?? '', /no answer within 200 ms/);

  const anonymous = await createExemptionAuthoriser(loadKube({ kubeconfig: refused.kubeconfig }), { log: silentLog })({ userInfo: {}, namespace: 'shop', policies: ['a'] });
  assert.deepEqual(anonymous, { allowed: [], unavailable: { a: 'the request names no user' } });
});
