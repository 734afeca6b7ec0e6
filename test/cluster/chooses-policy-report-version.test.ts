import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseReportApi } from '../../src/cluster/policy-report-api.ts';

test('v1alpha2 is written when served, whatever version the CRD stores', () => {
  assert.equal(chooseReportApi(['v1alpha1', 'v1alpha2', 'v1beta1'])?.apiVersion, 'wgpolicyk8s.io/v1alpha2');
  assert.equal(chooseReportApi(['v1alpha2'])?.version, 'v1alpha2');
});

test('v1beta1 is written when it is the only version stateguard can write that is served', () => {
  assert.deepEqual(chooseReportApi(['v1alpha1', 'v1beta1']), { group: 'wgpolicyk8s.io', version: 'v1beta1', plural: 'policyreports', apiVersion: 'wgpolicyk8s.io/v1beta1' });
});

test('no writable version served (none, only v1alpha1 whose results differ, or an unknown one): no report API', () => {
  assert.equal(chooseReportApi([]), undefined);
  assert.equal(chooseReportApi(['v1alpha1']), undefined);
  assert.equal(chooseReportApi(['v1beta2']), undefined);
});
