import assert from 'node:assert/strict';
import { test } from 'node:test';
import { admit, type AdmissionContext } from '../../src/admission/index.ts';
import { DEFAULT_ACTION_SETTINGS, type JsonObject } from '../../src/policy/index.ts';
import { loadCorpus } from '../helpers/corpus.ts';
import { builtinPolicies } from '../helpers/policies.ts';
import { seed } from '../helpers/seed.ts';
import { testApp } from './helpers/app.ts';
import { admissionReview } from './helpers/reviews.ts';

test('each webhook answers with JSON.stringify of the AdmissionReview, as application/json; charset=utf-8', async () => {
  const { app } = await testApp();
  const context: AdmissionContext = { set: builtinPolicies(), actions: DEFAULT_ACTION_SETTINGS };
  const objects = [seed(), ...loadCorpus().map((entry) => entry.object as JsonObject)];
  for (const webhook of ['validate', 'mutate'] as const) {
    for (const [i, object] of objects.entries()) {
      const body = admissionReview(object, { uid: `bytes-${webhook}-${i}`, username: 'zoë "q" \\ \ud800' });
      const response = await app.inject({ method: 'POST', url: `/${webhook}`, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) });
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(response.headers['content-type'], 'application/json; charset=utf-8');
      const expected = admit(webhook, body, context);
      assert.ok(expected.ok);
      assert.equal(response.body, JSON.stringify(expected.outcome.response), `${webhook} ${i}`);
      assert.equal(response.headers['content-length'], String(Buffer.byteLength(response.body)));
    }
  }
});
