import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ADMISSION_API_VERSION, ADMISSION_KIND, serializeReviewResponse, type AdmissionResponse, type AdmissionReviewResponse } from '../../src/admission/index.ts';
import { outcomeShapes } from '../webhook/helpers/outcomes.ts';

test('every response shape is serialized to the bytes JSON.stringify makes (corpus, warnings, patches, refusals, unicode)', () => {
  const responses = outcomeShapes().map((outcome) => outcome.response);
  for (const response of responses) assert.equal(serializeReviewResponse(response), JSON.stringify(response));
  const fields = new Set(responses.flatMap((response) => Object.keys(response.response)));
  assert.deepEqual([...fields].sort(), ['allowed', 'auditAnnotations', 'patch', 'patchType', 'status', 'uid', 'warnings'], 'every field of a response occurs');
});

/** Any UTF-16 text, lone surrogates and control characters included. */
const text = fc.string({ unit: 'binary', maxLength: 40 });

const response: fc.Arbitrary<AdmissionResponse> = fc.record({
  uid: text,
  allowed: fc.boolean(),
  status: fc.option(fc.record({ code: fc.integer({ min: 100, max: 599 }), reason: text, message: text }), { nil: undefined }),
  patch: fc.option(text, { nil: undefined }),
  warnings: fc.option(fc.array(text, { maxLength: 4 }), { nil: undefined }),
  auditAnnotations: fc.option(fc.dictionary(text, text, { maxKeys: 4 }), { nil: undefined }),
}).map(({ uid, allowed, status, patch, warnings, auditAnnotations }): AdmissionResponse => ({
  // Built in the order decide.ts builds it, optional fields left out rather than undefined.
  uid,
  allowed,
  ...(status === undefined ? {} : { status }),
  ...(patch === undefined ? {} : { patchType: 'JSONPatch' as const, patch }),
  ...(warnings === undefined ? {} : { warnings }),
  ...(auditAnnotations === undefined ? {} : { auditAnnotations }),
}));

test('any text in any field is escaped exactly as JSON.stringify escapes it', () => {
  fc.assert(fc.property(response, (value) => {
    const review: AdmissionReviewResponse = { apiVersion: ADMISSION_API_VERSION, kind: ADMISSION_KIND, response: value };
    assert.equal(serializeReviewResponse(review), JSON.stringify(review));
  }), { numRuns: 2000 });
});
