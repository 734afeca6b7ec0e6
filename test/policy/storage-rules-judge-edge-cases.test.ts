/**
 * The storage rules of issue #16 on the shapes their policy cases do not reach: unnamed templates, sizes past 2^53
 * bytes, bounds that admit no size, decimal units, non-UPDATE requests, and case files whose params are invalid.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { claimTemplateResize } from '../../src/policy/checks/claim-template-resize.ts';
import type { CheckContext, CheckOutcome } from '../../src/policy/checks/index.ts';
import { storageClassExpandable } from '../../src/policy/checks/storage-class-expandable.ts';
import { storageClassNotDeprecated } from '../../src/policy/checks/storage-class-not-deprecated.ts';
import { formatBytes, storageSizeBounds } from '../../src/policy/checks/storage-size-bounds.ts';
import { runCases, type JsonObject, type LookupContext } from '../../src/policy/index.ts';
import { builtinPolicies } from '../helpers/policies.ts';

function sts(templates: readonly JsonObject[], spec: JsonObject = {}): JsonObject {
  return { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db' }, spec: { ...spec, volumeClaimTemplates: templates } };
}

function claim(storage: unknown, storageClassName?: string, name?: string): JsonObject {
  return { ...(name === undefined ? {} : { metadata: { name } }), spec: { ...(storageClassName === undefined ? {} : { storageClassName }), resources: { requests: { storage } } } };
}

function run(check: { run(context: CheckContext): CheckOutcome }, context: Partial<CheckContext> & { object: JsonObject }): CheckOutcome {
  return check.run({ operation: 'CREATE', target: 'StatefulSet', namespace: 'shop', params: {}, fix: 'the fix', ...context });
}

function messages(outcome: CheckOutcome): string[] {
  assert.ok(Array.isArray(outcome), `expected violations, got ${JSON.stringify(outcome)}`);
  return (outcome as { message: string; fix: string }[]).map((v) => `${v.message} | ${v.fix}`);
}

test('storage-size-bounds: sizes past 2^53 bytes compare as multiples by ratio, and an unnamed template is named by its index', () => {
  const params = { classes: { big: { step: '1Ei' } } };
  assert.deepEqual(messages(run(storageSizeBounds, { object: sts([claim('4Ei', 'big')]), params })), []);
  const [message] = messages(run(storageSizeBounds, { object: sts([claim('1.5Ei', 'big')]), params }));
  assert.match(message ?? '', /^volumeClaimTemplate "#0" requests 1\.5Ei of StorageClass "big", not a multiple of 1Ei: .* \| request 2Ei /);
});

test('storage-size-bounds: when the step leaves no size within the bounds, the fix names the bounds instead of a size', () => {
  const [message] = messages(run(storageSizeBounds, { object: sts([claim('12Gi', 'fast')]), params: { classes: { fast: { min: '11Gi', max: '15Gi', step: '10Gi' } } } }));
  assert.match(message ?? '', /\| request a size that StorageClass "fast" allows: 11Gi to 15Gi in multiples of 10Gi$/);
});

test('storage-size-bounds: above the maximum the fix offers the largest allowed size, in decimal units when they are exact', () => {
  const [message] = messages(run(storageSizeBounds, { object: sts([claim('7G', 'hdd')]), params: { classes: { hdd: { max: '5G', step: '1G' } } } }));
  assert.match(message ?? '', /\| request 5G \(the nearest size StorageClass "hdd" allows: at most 5G in multiples of 1G\)$/);
});

test('formatBytes writes the shortest exact quantity', () => {
  // 1536 is 1.5Ki: no whole number of a unit, so plain bytes.
  assert.deepEqual([2 ** 30 * 20, 5e9, 1536, 2000, 999].map(formatBytes), ['20Gi', '5G', '1536', '2k', '999']);
});

test('claim-template-resize judges only UPDATEs that carry the old object', () => {
  const object = sts([claim('2Gi', 'fast', 'data')], { replicas: 2 });
  assert.deepEqual(run(claimTemplateResize, { object, operation: 'CREATE', oldObject: sts([claim('1Gi', 'fast', 'data')]) }), []);
  assert.deepEqual(run(claimTemplateResize, { object, operation: 'UPDATE' }), []);
  const [message] = messages(run(claimTemplateResize, { object, operation: 'UPDATE', oldObject: { metadata: {}, spec: { volumeClaimTemplates: [claim('1Gi', 'fast', 'data')] } } }));
  assert.match(message ?? '', /\(PVC data-<statefulset>-0 keeps 1Gi\)/, 'nil replicas is 1; a nameless old object still gets a message');
});

const classes = (list: readonly JsonObject[]): LookupContext => ({
  storageClass: (name) => list.find((c) => (c['metadata'] as JsonObject)['name'] === name) ?? null,
});

test('the LOOKUP storage rules skip when a template names no class and the default class is not known', () => {
  const object = sts([claim('1Gi')]);
  for (const check of [storageClassExpandable, storageClassNotDeprecated]) {
    const outcome = run(check, { object, lookup: classes([]), params: { annotation: 'stateguard.io/deprecated' } });
    assert.deepEqual((outcome as { skip?: unknown }).skip, { cause: 'no-cluster-data', lookup: 'storageClasses' }, check.name);
  }
});

test('a class without a name in its metadata is still reported by the name the template gives', () => {
  const lookup: LookupContext = { storageClass: () => ({ provisioner: 'x', metadata: { annotations: { 'stateguard.io/deprecated': '' } } }) };
  const [expandable] = messages(run(storageClassExpandable, { object: sts([claim('1Gi', 'fast', 'data')]), lookup }));
  assert.match(expandable ?? '', /names StorageClass "fast", which does not set allowVolumeExpansion/);
  const [deprecated] = messages(run(storageClassNotDeprecated, { object: sts([claim('1Gi', 'fast', 'data')]), lookup, params: { annotation: 'stateguard.io/deprecated' } }));
  assert.match(deprecated ?? '', /which is marked deprecated \(annotation stateguard\.io\/deprecated\) \|/);
});

test('a policy case whose params the policy does not accept fails with the param named', () => {
  const [outcome] = runCases(builtinPolicies(), [{
    file: 'inline', policy: 'storage-class-allowed', name: 'bad params', params: { allowd: ['x'] },
    request: { object: sts([claim('1Gi', 'fast')]), operation: 'CREATE' }, expect: { result: 'skip' },
  }]);
  assert.equal(outcome?.problems.length, 1);
  assert.match(outcome?.problems[0] ?? '', /^invalid params: .*policies\.storage-class-allowed\.params\.allowd: unknown param \(known: allowed, denied\)/);
});
