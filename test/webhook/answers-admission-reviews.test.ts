import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import jsonpatch, { type Operation } from 'fast-json-patch';
import { parse } from 'yaml';
import { WARNING_MAX_CHARS, type AdmissionResponse, type ExemptionAuthoriser, type ExemptionQuestion } from '../../src/admission/index.ts';
import type { JsonObject } from '../../src/policy/index.ts';
import { seed } from '../helpers/seed.ts';
import { testApp } from './helpers/app.ts';
import { admissionReview, scaleOf, withValue } from './helpers/reviews.ts';

/** The project's fully compliant StatefulSet: it passes every built-in policy. */
function compliant(): JsonObject {
  return parse(readFileSync(resolve(import.meta.dirname, '../../policies/tests/good-statefulset.yaml'), 'utf8')) as JsonObject;
}

function patchOf(response: AdmissionResponse): Operation[] {
  return response.patch === undefined ? [] : (JSON.parse(Buffer.from(response.patch, 'base64').toString('utf8')) as Operation[]);
}

function applied(object: JsonObject, response: AdmissionResponse): JsonObject {
  return jsonpatch.applyPatch(structuredClone(object), patchOf(response), true, false).newDocument;
}

const STORAGE_CLASS_LINE = /^\[storage-class-required\] spec\.volumeClaimTemplates\[0\]\.spec\.storageClassName: volumeClaimTemplate "html" sets no storageClassName.* \(fix: .+\)$/;
const REQUESTS_LINE = /^\[resource-requests-required\] spec\.template\.spec\.containers\[0\]\.resources\.requests: container "nginx" requests no cpu or memory.* \(fix: .+\)$/;

test('the seed StatefulSet is denied with a 403 naming both violations, one line each, and allowed findings as warnings', async () => {
  const { review, records } = await testApp();
  const response = await review('validate', admissionReview(seed(), { uid: 'seed-1', username: 'alice' }));
  assert.equal(response.uid, 'seed-1');
  assert.equal(response.allowed, false);
  assert.equal(response.status?.code, 403);
  assert.equal(response.status?.reason, 'Forbidden');
  const lines = response.status?.message.split('\n') ?? [];
  assert.equal(lines.length, 2);
  assert.ok(lines.some((line) => REQUESTS_LINE.test(line)), lines.join('\n'));
  assert.ok(lines.some((line) => STORAGE_CLASS_LINE.test(line)), lines.join('\n'));
  assert.ok(response.warnings?.some((w) => w.startsWith('[readiness-probe-required] ')));
  for (const warning of response.warnings ?? []) {
    assert.ok(warning.length <= WARNING_MAX_CHARS && !warning.includes('\n'), warning);
  }
  const decisions = records.filter((r) => r.msg === 'admission decision');
  assert.equal(decisions.length, 1);
  assert.deepEqual(
    { ...decisions[0], time: undefined, pid: undefined, hostname: undefined, duration_ms: undefined },
    {
      level: 30, time: undefined, pid: undefined, hostname: undefined, webhook: 'validate', uid: 'seed-1', object: 'default/web', kind: 'StatefulSet',
      operation: 'CREATE', user: 'alice', dry_run: false, decision: 'deny', mutated: [], duration_ms: undefined, msg: 'admission decision',
      findings: { 'storage-class-required': 'deny', 'resource-requests-required': 'deny', 'memory-limit-required': 'warn', 'pod-security-restricted': 'warn', 'readiness-probe-required': 'warn' },
    },
  );
  assert.equal(typeof decisions[0]?.['duration_ms'], 'number');
});

test('the mutating webhook answers only a JSON Patch that an independent RFC 6902 implementation applies, and the result passes the mutators\' checks', async () => {
  const { review, records } = await testApp();
  const original = seed();
  const response = await review('mutate', admissionReview(original));
  assert.equal(response.allowed, true);
  assert.equal(response.patchType, 'JSONPatch');
  assert.equal(response.status, undefined);
  assert.equal(response.warnings, undefined);
  const mutators = ['default-drop-all-capabilities', 'default-no-privilege-escalation', 'default-seccomp-profile', 'pod-anti-affinity'];
  assert.deepEqual(response.auditAnnotations, { mutated: mutators.join(',') });

  const patched = applied(original, response);
  assert.equal((patched['metadata'] as JsonObject)['annotations'] !== undefined && ((patched['metadata'] as JsonObject)['annotations'] as JsonObject)['stateguard.io/mutated'], mutators.join(','));
  const container = ((((patched['spec'] as JsonObject)['template'] as JsonObject)['spec'] as JsonObject)['containers'] as JsonObject[])[0];
  assert.deepEqual(container?.['securityContext'], { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });

  const after = await review('validate', admissionReview(patched));
  const fixedByMutators = /allowPrivilegeEscalation|drop ALL capabilities|seccomp profile/;
  assert.deepEqual((after.warnings ?? []).filter((w) => fixedByMutators.test(w)), [], 'the defaults the patch injects satisfy the checks they exist for');
  assert.equal(after.allowed, false, 'mutation adds safe defaults, it does not invent storage classes or requests');

  const again = await review('mutate', admissionReview(patched));
  assert.equal(again.patch, undefined, 'idempotent: a reinvocation on the mutated object patches nothing');
  assert.equal(again.auditAnnotations, undefined);
  assert.deepEqual(records.filter((r) => r.msg === 'admission decision').map((r) => r['decision']), ['patch', 'deny', 'allow']);
});

test('a dry run gets the same decision as the real request', async () => {
  const { review } = await testApp();
  for (const webhook of ['validate', 'mutate'] as const) {
    const real = await review(webhook, admissionReview(seed(), { uid: 'same' }));
    const dry = await review(webhook, admissionReview(seed(), { uid: 'same', dryRun: true }));
    assert.deepEqual(dry, real);
  }
});

test('an UPDATE that leaves the pod template alone gets no patch (no rolling restart); one that changes it gets the template defaults only', async () => {
  const { review } = await testApp();
  const stored = seed();
  const scaled = withValue(stored, 'spec.replicas', 5);
  const untouched = await review('mutate', admissionReview(scaled, { operation: 'UPDATE', oldObject: stored }));
  assert.equal(untouched.patch, undefined);

  const retagged = structuredClone(stored);
  ((((retagged['spec'] as JsonObject)['template'] as JsonObject)['spec'] as JsonObject)['containers'] as JsonObject[])[0]!['image'] = 'registry.k8s.io/nginx-slim:0.28';
  const changed = await review('mutate', admissionReview(retagged, { operation: 'UPDATE', oldObject: stored }));
  const paths = patchOf(changed).map((op) => op.path);
  assert.ok(paths.length > 0 && paths.every((path) => path.startsWith('/spec/template/')), paths.join(' '));
});

test('an UPDATE of an immutable field is denied by the mutating webhook already (the API server would pre-empt the validating one), without a patch, and counted once', async () => {
  const { review, metrics } = await testApp();
  const stored = seed();
  const renamed = withValue(stored, 'spec.serviceName', 'web-headless');
  for (const webhook of ['mutate', 'validate'] as const) {
    const response = await review(webhook, admissionReview(renamed, { operation: 'UPDATE', oldObject: stored }));
    assert.equal(response.allowed, false, webhook);
    assert.match(response.status?.message ?? '', /^\[immutable-fields-unchanged\] spec\.serviceName: /m);
    assert.equal(response.patch, undefined);
  }
  assert.match(await metrics.registry.metrics(), /stateguard_policy_results_total\{policy="immutable-fields-unchanged",result="fail",action="deny"\} 1\n/);
});

test('a scale-down through statefulsets/scale below min-replicas is denied once config enables the policy', async () => {
  const scaleDown = admissionReview(scaleOf('web', 1), { operation: 'UPDATE', oldObject: scaleOf('web', 3) });
  const byDefault = await testApp();
  assert.equal((await byDefault.review('validate', scaleDown)).allowed, true, 'min-replicas is off by default');

  const enabled = await testApp({ policies: { 'min-replicas': { action: 'deny' } } });
  const denied = await enabled.review('validate', scaleDown);
  assert.equal(denied.allowed, false);
  assert.match(denied.status?.message ?? '', /^\[min-replicas\] spec\.replicas: replicas is 1, below the minimum of 3/);
  const atMinimum = await enabled.review('validate', admissionReview(scaleOf('web', 3), { operation: 'UPDATE', oldObject: scaleOf('web', 5) }));
  assert.equal(atMinimum.allowed, true);
  assert.equal((await enabled.review('mutate', scaleDown)).patch, undefined, 'a Scale is never patched');
});

function exempted(reason?: string): JsonObject {
  const annotations: JsonObject = { 'stateguard.io/exempt': 'storage-class-required,resource-requests-required' };
  if (reason !== undefined) annotations['stateguard.io/exempt-reason'] = reason;
  return withValue(seed(), 'metadata.annotations', annotations);
}

/** The cluster's answer as the webhook gets it from src/cluster (SubjectAccessReviews): who may exempt which policy. */
function authoriser(allowed: Record<string, readonly string[]>, asked: ExemptionQuestion[] = []): ExemptionAuthoriser {
  return async (question) => {
    asked.push(question);
    const mine = allowed[question.userInfo.username ?? ''] ?? [];
    return { allowed: question.policies.filter((id) => mine.includes(id)) };
  };
}

const ON = { exemptions: { annotations: true } } as const;

test('annotation exemptions are off by default: a reasoned exemption is denied, the denial says why, nobody is asked', async () => {
  const asked: ExemptionQuestion[] = [];
  const { review } = await testApp({}, { authoriseExemptions: authoriser({ alice: ['storage-class-required', 'resource-requests-required'] }, asked) });
  const response = await review('validate', admissionReview(exempted('legacy volumes, INC-42')));
  assert.equal(response.allowed, false);
  assert.match(response.status?.message ?? '', /^\[storage-class-required\] .*\[exemption not honoured: annotation exemptions are off \(config exemptions\.annotations\)\]$/m);
  assert.equal(response.auditAnnotations, undefined);
  assert.equal(asked.length, 0);
});

test('an exemption the requesting user may grant (SubjectAccessReview) is honoured and recorded: audit annotation, decision log, metric', async () => {
  const asked: ExemptionQuestion[] = [];
  const { review, records, metrics } = await testApp(ON, { authoriseExemptions: authoriser({ alice: ['storage-class-required', 'resource-requests-required'] }, asked) });
  const response = await review('validate', admissionReview(exempted('legacy volumes, INC-42'), { namespace: 'shop' }));
  assert.equal(response.allowed, true);
  assert.deepEqual(response.auditAnnotations, { exempted: 'resource-requests-required,storage-class-required: legacy volumes, INC-42' });
  const decision = records.find((r) => r.msg === 'admission decision');
  const findings = decision?.['findings'] as Record<string, string>;
  assert.equal(findings['storage-class-required'], 'exempt');
  assert.deepEqual(decision?.['exempted'], ['resource-requests-required', 'storage-class-required']);
  assert.deepEqual(asked, [{ userInfo: { username: 'alice', groups: ['system:authenticated'] }, namespace: 'shop', policies: ['storage-class-required', 'resource-requests-required'] }]);
  const text = await metrics.registry.metrics();
  assert.match(text, /^stateguard_exemptions_total\{policy="storage-class-required"\} 1$/m);
  assert.match(text, /^stateguard_exemptions_total\{policy="resource-requests-required"\} 1$/m);
});

test('an exemption of a policy the user may not exempt is refused for that policy only, naming the missing right', async () => {
  const { review } = await testApp(ON, { authoriseExemptions: authoriser({ bob: ['storage-class-required'] }) });
  const response = await review('validate', admissionReview(exempted('legacy'), { username: 'bob', namespace: 'shop' }));
  assert.equal(response.allowed, false);
  const message = response.status?.message ?? '';
  assert.doesNotMatch(message, /^\[storage-class-required\]/m);
  assert.match(message, /^\[resource-requests-required\] .*\[exemption not honoured: bob may not exempt resource-requests-required \(RBAC: verb exempt on statefulsetpolicies\.stateguard\.io "resource-requests-required" in namespace shop\)\]$/m);
  assert.deepEqual(response.auditAnnotations, { exempted: 'storage-class-required: legacy' });
});

test('with exemptions on but no cluster to ask (npm start), or an authoriser that cannot answer, nothing is exempted and the denial says why', async () => {
  const offline = await testApp(ON);
  const response = await offline.review('validate', admissionReview(exempted('legacy')));
  assert.equal(response.allowed, false);
  assert.match(response.status?.message ?? '', /\[exemption not honoured: cannot verify who may exempt offline/);
  const failing = await testApp(ON, { authoriseExemptions: async (q) => ({ allowed: [], unavailable: Object.fromEntries(q.policies.map((id) => [id, 'SubjectAccessReview failed: 403 Forbidden'])) }) });
  const refused = await failing.review('validate', admissionReview(exempted('legacy')));
  assert.equal(refused.allowed, false);
  assert.match(refused.status?.message ?? '', /\[exemption not honoured: cannot verify who may exempt: SubjectAccessReview failed: 403 Forbidden\]/);
});

test('the authoriser is asked only for objects that claim an exemption of a loaded policy', async () => {
  const asked: ExemptionQuestion[] = [];
  const { review } = await testApp(ON, { authoriseExemptions: authoriser({}, asked) });
  await review('validate', admissionReview(seed()));
  await review('validate', admissionReview(withValue(seed(), 'metadata.annotations', { 'stateguard.io/exempt': 'no-such-policy', 'stateguard.io/exempt-reason': 'x' })));
  assert.equal(asked.length, 0);
});

test('an exemption without a reason is itself denied, and exempts nothing', async () => {
  const { review } = await testApp(ON, { authoriseExemptions: authoriser({ alice: ['storage-class-required', 'resource-requests-required'] }) });
  const response = await review('validate', admissionReview(exempted()));
  assert.equal(response.allowed, false);
  const message = response.status?.message ?? '';
  assert.match(message, /^\[exemption-reason-required\] metadata\.annotations\["stateguard\.io\/exempt-reason"\]: /m);
  assert.match(message, /^\[storage-class-required\] .*\[exemption not honoured: it gives no reason\]$/m);
  assert.equal(response.auditAnnotations, undefined);
});

test('an exemption in a namespace where config does not allow them is refused, and the denial says why', async () => {
  const { review } = await testApp({ exemptions: { annotations: true, namespaces: ['sandbox'] } }, { authoriseExemptions: authoriser({ alice: ['storage-class-required', 'resource-requests-required'] }) });
  const refused = await review('validate', admissionReview(exempted('legacy'), { namespace: 'prod' }));
  assert.equal(refused.allowed, false);
  assert.match(refused.status?.message ?? '', /\[exemption not honoured: exemptions are not allowed in namespace prod\]/);
  assert.equal((await review('validate', admissionReview(exempted('legacy'), { namespace: 'sandbox' }))).allowed, true);
});

test('a namespace labelled stateguard.io/action (from the lookup provider) only tightens by default; loosening is a config opt-in', async () => {
  const labels: Record<string, Record<string, string>> = { legacy: { 'stateguard.io/action': 'warn' }, quiet: { 'stateguard.io/action': 'audit' }, strict: { 'stateguard.io/action': 'deny' } };
  const lookups = { namespaceLabels: (namespace: string) => labels[namespace] };
  const { review } = await testApp({}, lookups);
  for (const namespace of ['legacy', 'quiet', 'elsewhere']) {
    assert.equal((await review('validate', admissionReview(seed(), { namespace }))).allowed, false, `${namespace}: the label cannot loosen deny`);
  }
  const tightened = await review('validate', admissionReview(compliantWithoutProbe(), { namespace: 'strict' }));
  assert.equal(tightened.allowed, false, 'deny tightens the warn policies');
  assert.match(tightened.status?.message ?? '', /^\[readiness-probe-required\] /m);

  const loosening = await testApp({ namespaceActions: 'tighten-and-loosen' }, lookups);
  const warned = await loosening.review('validate', admissionReview(seed(), { namespace: 'legacy' }));
  assert.equal(warned.allowed, true);
  assert.ok(warned.warnings?.some((w) => w.startsWith('[storage-class-required] ')));
  const audited = await loosening.review('validate', admissionReview(seed(), { namespace: 'quiet' }));
  assert.equal(audited.allowed, true);
  assert.match(audited.auditAnnotations?.['storage-class-required'] ?? '', /^spec\.volumeClaimTemplates\[0\]\.spec\.storageClassName: /);
  assert.ok(!(audited.warnings ?? []).some((w) => /storage-class-required|resource-requests-required/.test(w)));

  const ignored = await testApp({ namespaceActions: 'off' }, lookups);
  assert.equal((await ignored.review('validate', admissionReview(compliantWithoutProbe(), { namespace: 'strict' }))).allowed, true, 'off: the label is ignored');
});

/** Passes every deny policy; only warn policies (readiness-probe-required among them) have findings. */
function compliantWithoutProbe(): JsonObject {
  const object = compliant();
  const containers = ((object['spec'] as JsonObject)['template'] as { spec: { containers: JsonObject[] } }).spec.containers;
  for (const container of containers) delete container['readinessProbe'];
  return object;
}

test('a policy excluded for an operator\'s service account does not block it; a human is blocked; nothing is counted for the excluded policy', async () => {
  const { review, metrics } = await testApp({ policies: { 'storage-class-required': { exclude: { subjects: ['system:serviceaccount:db-operators:*'] } } } });
  const withRequests = (): JsonObject => {
    const object = seed();
    ((object['spec'] as JsonObject)['template'] as { spec: { containers: JsonObject[] } }).spec.containers[0]!['resources'] = { requests: { cpu: '1', memory: '1Gi' } };
    return object;
  };
  const operator = await review('validate', admissionReview(withRequests(), { username: 'system:serviceaccount:db-operators:controller' }));
  assert.equal(operator.allowed, true, operator.status?.message);
  const human = await review('validate', admissionReview(withRequests(), { username: 'alice' }));
  assert.equal(human.allowed, false);
  assert.match(human.status?.message ?? '', /^\[storage-class-required\] /m);
  const text = await metrics.registry.metrics();
  assert.match(text, /^stateguard_policy_results_total\{policy="storage-class-required",result="fail",action="deny"\} 1$/m);
  assert.doesNotMatch(text, /policy="storage-class-required",result="pass"/);
});

test('a config override to audit records findings as audit annotations instead of warnings', async () => {
  const { review } = await testApp({ policies: { 'readiness-probe-required': { action: 'audit' } } });
  const response = await review('validate', admissionReview(seed()));
  assert.match(response.auditAnnotations?.['readiness-probe-required'] ?? '', /^spec\.template\.spec\.containers\[0\]\.readinessProbe: container "nginx" has no readinessProbe/);
  assert.ok(!(response.warnings ?? []).some((w) => w.startsWith('[readiness-probe-required]')));
});

test('a rule that fails at evaluation (here: a broken cluster lookup) fails open for that policy: allowed, with a warning, logged and counted', async () => {
  const lookups = { lookup: { services: () => { throw new Error('service cache unavailable'); } } };
  const { review, records, metrics } = await testApp({ policies: { 'headless-service-exists': { action: 'deny' } } }, lookups);
  const response = await review('validate', admissionReview(compliant()));
  assert.equal(response.allowed, true);
  assert.ok(response.warnings?.includes('[headless-service-exists] not enforced, the rule failed: check failed: service cache unavailable'), JSON.stringify(response.warnings));
  assert.equal((records.find((r) => r.msg === 'admission decision')?.['findings'] as Record<string, string>)['headless-service-exists'], 'error');
  assert.match(await metrics.registry.metrics(), /stateguard_policy_results_total\{policy="headless-service-exists",result="error",action="deny"\} 1/);
});

test('an object the webhook rules should not have sent is allowed, with a warning naming the misconfigured rule', async () => {
  const { review, records } = await testApp();
  const deployment = admissionReview({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'default' } });
  const request = deployment['request'] as JsonObject;
  request['kind'] = { group: 'apps', version: 'v1', kind: 'Deployment' };
  request['resource'] = { group: 'apps', version: 'v1', resource: 'deployments' };
  for (const webhook of ['validate', 'mutate'] as const) {
    const response = await review(webhook, deployment);
    assert.equal(response.allowed, true);
    assert.equal(response.patch, undefined);
    assert.equal(response.warnings?.length, 1);
    assert.match(response.warnings?.[0] ?? '', new RegExp(`^stateguard: the ${webhook} webhook's rules sent CREATE apps/v1 deployments`));
    assert.ok((response.warnings?.[0] ?? '').length <= WARNING_MAX_CHARS);
  }
  assert.deepEqual(records.filter((r) => r.msg === 'admission decision').map((r) => r['decision']), ['ignore', 'ignore']);
});

test('metrics count requests by webhook, operation and decision, and policy results by policy, result and action', async () => {
  const { review, metrics } = await testApp();
  await review('validate', admissionReview(seed()));
  await review('validate', admissionReview(seed()));
  await review('mutate', admissionReview(seed()));
  const text = await metrics.registry.metrics();
  assert.match(text, /stateguard_admission_requests_total\{webhook="validate",operation="CREATE",decision="deny"\} 2/);
  assert.match(text, /stateguard_admission_requests_total\{webhook="mutate",operation="CREATE",decision="patch"\} 1/);
  assert.match(text, /stateguard_admission_duration_seconds_bucket\{le="0.0005",webhook="validate"\} \d+/);
  assert.match(text, /stateguard_admission_duration_seconds_count\{webhook="validate"\} 2/);
  assert.match(text, /stateguard_policy_results_total\{policy="storage-class-required",result="fail",action="deny"\} 2/);
  assert.match(text, /stateguard_policy_results_total\{policy="name-length",result="pass",action="deny"\} 2/);
  assert.match(text, /process_cpu_user_seconds_total/);
});

test('policy result counts stay cumulative across scrapes (they are handed to prom-client at each scrape)', async () => {
  const { review, metrics } = await testApp();
  await review('validate', admissionReview(seed()));
  assert.match(await metrics.registry.metrics(), /stateguard_policy_results_total\{policy="storage-class-required",result="fail",action="deny"\} 1\n/);
  await review('validate', admissionReview(seed()));
  await review('validate', admissionReview(seed()));
  const text = await metrics.registry.metrics();
  assert.match(text, /stateguard_policy_results_total\{policy="storage-class-required",result="fail",action="deny"\} 3\n/);
  assert.match(text, /stateguard_policy_results_total\{policy="name-length",result="pass",action="deny"\} 3\n/);
});

test('a JSON content type with a charset parameter is parsed like plain application/json', async () => {
  const { app } = await testApp();
  const response = await app.inject({ method: 'POST', url: '/validate', headers: { 'content-type': 'application/json; charset=utf-8' }, payload: JSON.stringify(admissionReview(seed(), { uid: 'charset-1' })) });
  assert.equal(response.statusCode, 200, response.body);
  assert.equal((response.json() as { response: AdmissionResponse }).response.uid, 'charset-1');
});
