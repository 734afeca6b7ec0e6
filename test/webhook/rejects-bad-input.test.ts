import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testApp } from './helpers/app.ts';
import { BAD_REQUESTS } from './helpers/bad-requests.ts';

for (const bad of BAD_REQUESTS) {
  test(`${bad.name} → ${bad.status} ${bad.code}, with one log line naming the problem`, async () => {
    const { app, records } = await testApp();
    const response = await app.inject({ method: 'POST', url: bad.path, headers: { 'content-type': bad.contentType ?? 'application/json' }, payload: bad.body });
    assert.equal(response.statusCode, bad.status);
    const body = response.json() as { statusCode: number; code: string; message: string };
    assert.equal(body.statusCode, bad.status);
    assert.equal(body.code, bad.code);
    assert.match(body.message, bad.message);
    assert.equal(records.length, 1, JSON.stringify(records));
    assert.equal(records[0]?.['problem'], bad.code);
    assert.equal(records[0]?.msg, body.message);
    assert.equal(records[0]?.level, 40);
  });
}

test('a GET on an admission route is not found, and bad requests are counted as invalid', async () => {
  const { app, records, metrics } = await testApp();
  const response = await app.inject({ method: 'GET', url: '/validate' });
  assert.equal(response.statusCode, 404);
  assert.equal(records.length, 1);
  const bad = BAD_REQUESTS.find((b) => b.code === 'ERR_REVIEW_UID');
  await app.inject({ method: 'POST', url: '/validate', headers: { 'content-type': 'application/json' }, payload: bad?.body ?? '' });
  assert.match(await metrics.registry.metrics(), /stateguard_admission_requests_total\{webhook="validate",operation="unknown",decision="invalid"\} 1/);
});
