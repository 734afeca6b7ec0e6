import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadPolicySet } from '../../src/config/read-policies.ts';
import { evaluate } from '../../src/policy/index.ts';
import { formatSarif } from '../../src/report/sarif.ts';
import { sarifValidator } from '../helpers/sarif-schema.ts';
import { seed } from '../helpers/seed.ts';

const set = loadPolicySet([], true);

test('audit results are located by API path under the API server base URI, and validate against the schema', () => {
  const evaluation = evaluate(set, { object: seed(), operation: 'CREATE', namespace: 'default' }, { actions: { overrides: {}, namespaceActions: 'off', exemptionNamespaces: [] } });
  const report = {
    items: [{ source: '/apis/apps/v1/namespaces/default/statefulsets/web', line: 0, kind: 'StatefulSet', namespace: 'default', name: 'web', evaluation }],
    problems: [],
    skipped: {},
    apiServer: 'https://10.0.0.1:6443',
  };
  const sarif = JSON.parse(formatSarif(report, set.policies, '0.0.0', { cwd: '/work' })) as {
    runs: { originalUriBaseIds: Record<string, { uri: string }>; results: { locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region?: unknown } }[] }[] }[];
  };
  const validate = sarifValidator();
  assert.ok(validate(sarif), JSON.stringify(validate.errors, null, 2));
  const run = sarif.runs[0];
  assert.ok(run !== undefined && run.results.length > 0);
  const location = run.results[0]?.locations[0]?.physicalLocation;
  assert.deepEqual(location?.artifactLocation, { uri: 'apis/apps/v1/namespaces/default/statefulsets/web', uriBaseId: 'KUBERNETES_API_SERVER' });
  assert.equal(location?.region, undefined, 'no line 0 region for a cluster object');
  assert.equal(run.originalUriBaseIds['KUBERNETES_API_SERVER']?.uri, 'https://10.0.0.1:6443/');
  assert.equal(new URL(location?.artifactLocation.uri ?? '', run.originalUriBaseIds['KUBERNETES_API_SERVER']?.uri).href, 'https://10.0.0.1:6443/apis/apps/v1/namespaces/default/statefulsets/web');
});
