/**
 * Property suite over admit(): corpus StatefulSets and AdmissionReviews, mangled (fields deleted, duplicated,
 * retyped, deepened, widened), through both webhooks. Whatever the input: no throw, a well-formed answer within the
 * documented bounds, and a patch that an independent RFC 6902 implementation applies, that only adds, that is
 * idempotent, and after which the verdict is no weaker than the engine's own on the mutated object.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import jsonPatch, { type Operation } from 'fast-json-patch';
import {
  admit, enforce, MAX_PATCH_OPERATIONS, MAX_WARNINGS, MESSAGE_MAX_BYTES, PATCH_MAX_BYTES, WARNING_MAX_CHARS,
  type Admission, type AdmissionContext, type AdmissionResponse, type Webhook,
} from '../../src/admission/index.ts';
import { DEFAULT_ACTION_SETTINGS, evaluate, escapePointer, MUTATED_ANNOTATION, unevaluable, type JsonObject } from '../../src/policy/index.ts';
import { builtinPolicies } from '../helpers/policies.ts';
import { admissionReview } from '../webhook/helpers/reviews.ts';
import { checkProperty } from './fuzz-settings.ts';
import { edits, mangle } from './mangle.ts';
import { reviews, statefulSets } from './fuzz-inputs.ts';

const context: AdmissionContext = { set: builtinPolicies(), actions: DEFAULT_ACTION_SETTINGS };
const OBJECTS = statefulSets();
const AUDIT_VALUE_MAX_CHARS = 1024;
const STAMP_PATH = `/metadata/annotations/${escapePointer(MUTATED_ANNOTATION)}`;

/** A well-formed answer within the bounds of the README's Limits table; returns the response when there is one. */
function assertWellFormed(admission: Admission, uid: unknown): AdmissionResponse | undefined {
  if (!admission.ok) {
    assert.ok(admission.problem.status >= 400 && admission.problem.status < 500, `problem status ${admission.problem.status}`);
    assert.ok(admission.problem.message.length > 0);
    return undefined;
  }
  const { response } = admission.outcome.response;
  assert.equal(response.uid, uid);
  assert.equal(typeof response.allowed, 'boolean');
  if (!response.allowed) {
    assert.ok(response.status !== undefined, 'a denial has a status');
    assert.ok(response.status.code >= 400 && response.status.code < 500, `status code ${response.status.code}`);
    assert.ok(response.status.message.length > 0);
    assert.ok(Buffer.byteLength(response.status.message) <= MESSAGE_MAX_BYTES, `message of ${Buffer.byteLength(response.status.message)} bytes`);
    assert.equal(response.patch, undefined, 'a denial carries no patch');
  }
  assert.ok((response.warnings ?? []).length <= MAX_WARNINGS);
  for (const warning of response.warnings ?? []) assert.ok(warning.length <= WARNING_MAX_CHARS && !/[\n\r]/.test(warning));
  for (const value of Object.values(response.auditAnnotations ?? {})) assert.ok(value.length <= AUDIT_VALUE_MAX_CHARS);
  return response;
}

function patchOf(response: AdmissionResponse): Operation[] {
  if (response.patch === undefined) return [];
  assert.equal(response.patchType, 'JSONPatch');
  const json = Buffer.from(response.patch, 'base64').toString('utf8');
  assert.ok(Buffer.byteLength(json) <= PATCH_MAX_BYTES);
  const operations = JSON.parse(json) as Operation[];
  assert.ok(Array.isArray(operations) && operations.length > 0 && operations.length <= MAX_PATCH_OPERATIONS);
  return operations;
}

function withObject(review: JsonObject, object: unknown): JsonObject {
  return { ...review, request: { ...(review['request'] as JsonObject), object } };
}

/** The whole pipeline for one review: /mutate, the patch applied independently, /mutate again, /validate. */
function assertPipeline(review: JsonObject): void {
  const request = review['request'] as JsonObject;
  const mutated = assertWellFormed(admit('mutate', review, context), request['uid']);
  assertWellFormed(admit('validate', review, context), request['uid']);
  if (mutated === undefined || !mutated.allowed) return;
  const operations = patchOf(mutated);
  const object = request['object'];
  for (const operation of operations) {
    // A null is an unset field to the API server: filling it in is an addition.
    const replacesNull = operation.op === 'replace' && jsonPatch.getValueByPointer(object, operation.path) === null;
    assert.ok(operation.op === 'add' || replacesNull || (operation.op === 'replace' && operation.path === STAMP_PATH), `additive only: ${operation.op} ${operation.path}`);
  }
  const patched = operations.length === 0 ? object : jsonPatch.applyPatch(structuredClone(object), operations, true, false).newDocument;
  const patchedReview = withObject(review, patched);

  const again = assertWellFormed(admit('mutate', patchedReview, context), request['uid']);
  assert.ok(again !== undefined && again.allowed, `the mutated object is admitted by /mutate again: ${again?.status?.message ?? 'a problem'}`);
  assert.equal(again.patch, undefined, 'idempotent: mutating the mutated object adds nothing');

  // What the engine says of the object mutated in-process (the CLI's verdict) is what /validate says after the patch.
  const engine = evaluate(context.set, { object, operation: request['operation'] as 'CREATE', oldObject: request['oldObject'] }, { actions: context.actions });
  assert.deepEqual(patched, engine.mutated, 'the patch reproduces the engine\'s mutated object');
  const validated = assertWellFormed(admit('validate', patchedReview, context), request['uid']);
  const engineDenies = enforce(engine.results).denials.length > 0;
  if (engineDenies) assert.equal(validated?.allowed, false, 'the verdict after mutation is never weaker than the engine\'s');
}

const webhook = fc.constantFrom<Webhook>('validate', 'mutate');

test('mangled StatefulSets on CREATE: a bounded, well-formed answer and a sound patch', () => {
  checkProperty('create', fc.property(fc.constantFrom(...OBJECTS), edits, (object, list) => {
    assertPipeline(admissionReview(mangle(object, list)));
  }), 30);
});

test('mangled StatefulSets on UPDATE: old and new mangled apart, never a crash or a fail-open', () => {
  checkProperty('update', fc.property(fc.constantFrom(...OBJECTS), edits, edits, (object, oldEdits, newEdits) => {
    const oldObject = mangle(object, oldEdits);
    const review = admissionReview(mangle(object, newEdits), { operation: 'UPDATE', oldObject });
    assertPipeline(review);
    // An UPDATE that changes an immutable field, whatever else is in the objects, is never allowed.
    const spec = oldObject['spec'];
    const changed = { ...oldObject, spec: { ...(typeof spec === 'object' && spec !== null && !Array.isArray(spec) ? spec : {}), serviceName: 'renamed-by-fuzz' } };
    const changeReview = admissionReview(changed, { operation: 'UPDATE', oldObject });
    for (const which of ['mutate', 'validate'] as const) {
      const response = assertWellFormed(admit(which, changeReview, context), (changeReview['request'] as JsonObject)['uid']);
      if (response !== undefined) assert.equal(response.allowed, false, `/${which} denies a changed serviceName`);
    }
  }), 30);
});

test('mangled AdmissionReviews (the envelope too): a 4xx problem or a well-formed answer, never a throw', () => {
  checkProperty('envelope', fc.property(fc.constantFrom(...reviews()), edits, webhook, (review, list, which) => {
    const body = mangle(review, list);
    const request = typeof body === 'object' && body !== null ? (body as JsonObject)['request'] : undefined;
    const uid = typeof request === 'object' && request !== null ? (request as JsonObject)['uid'] : undefined;
    assertWellFormed(admit(which, body, context), uid);
  }), 60);
});

test('objects past the depth or value limits are denied by both webhooks with the reason, never evaluated', () => {
  checkProperty('limits', fc.property(fc.constantFrom(...OBJECTS), edits, webhook, (object, list, which) => {
    const review = admissionReview(mangle(object, list));
    const reason = unevaluable(review['request'] as { object: unknown; oldObject?: unknown });
    const response = assertWellFormed(admit(which, review, context), (review['request'] as JsonObject)['uid']);
    if (reason !== undefined && response !== undefined) {
      assert.equal(response?.allowed, false);
      assert.equal(response?.status?.code, 422);
    }
  }), 40);
});
