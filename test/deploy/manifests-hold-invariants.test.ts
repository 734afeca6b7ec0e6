import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { BUNDLE, policyBundle, staleFiles } from '../../scripts/deploy-policies.ts';
import { kubectlBinary } from '../helpers/kubectl.ts';

type Obj = { kind: string; metadata: { name: string; namespace?: string }; [key: string]: unknown };

const ROOT = resolve(import.meta.dirname, '../..');

function render(overlay: string): Obj[] {
  const text = execFileSync(kubectlBinary(), ['kustomize', resolve(ROOT, 'deploy', overlay)], { encoding: 'utf8' });
  return parseAllDocuments(text).map((d) => d.toJS() as Obj).filter(Boolean);
}

const find = (objects: Obj[], kind: string, name = 'stateguard'): Obj => {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  assert.ok(found, `${kind}/${name} is rendered`);
  return found;
};

type Webhook = { failurePolicy: string; timeoutSeconds: number; sideEffects: string; admissionReviewVersions: string[]; reinvocationPolicy?: string; namespaceSelector: { matchExpressions: { key: string; operator: string; values: string[] }[] }; rules: { resources: string[]; operations: string[] }[] };
const webhooks = (objects: Obj[], kind: string) => find(objects, kind)['webhooks'] as Webhook[];

const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection', '*']);
/** The only resources stateguard may write, and whether the write must be limited by name. */
const WRITABLE: Readonly<Record<string, 'by-name' | 'any'>> = {
  secrets: 'by-name', leases: 'by-name', mutatingwebhookconfigurations: 'by-name', validatingwebhookconfigurations: 'by-name',
  policyreports: 'any', events: 'any',
  // The Ready condition of StatefulSetPolicy resources: the status subresource only, never the spec.
  'statefulsetpolicies/status': 'any',
  // A question to the authoriser (who may exempt a policy), not an object: nothing is stored.
  subjectaccessreviews: 'any',
};

for (const overlay of ['base', 'overlays/audit-only', 'overlays/cert-manager']) {
  test(`${overlay}: RBAC writes only stateguard's own objects`, () => {
    const objects = render(overlay);
    // stateguard-exception-author is for people, bound to nobody (test/deploy/exception-crd-matches-engine.test.ts).
    for (const role of objects.filter((o) => (o.kind === 'ClusterRole' || o.kind === 'Role') && o.metadata.name !== 'stateguard-exception-author')) {
      for (const rule of role['rules'] as { resources: string[]; verbs: string[]; resourceNames?: string[] }[]) {
        assert.ok(!rule.verbs.includes('*') && !rule.resources.includes('*'), 'no wildcards');
        const writes = rule.verbs.filter((v) => WRITE_VERBS.has(v));
        for (const resource of writes.length > 0 ? rule.resources : []) {
          assert.ok(WRITABLE[resource] !== undefined, `${role.kind}/${role.metadata.name} may not write ${resource}`);
          // `create` cannot be limited by name in RBAC; every other write to a by-name resource must be.
          const unnamed = writes.filter((v) => v !== 'create');
          if (WRITABLE[resource] === 'by-name' && unnamed.length > 0) assert.ok((rule.resourceNames?.length ?? 0) > 0, `${resource} writes are limited by name`);
        }
      }
    }
  });

  test(`${overlay}: webhook configurations follow DESIGN.md §7`, () => {
    const objects = render(overlay);
    const expected = overlay === 'overlays/audit-only' ? 'Ignore' : 'Fail';
    for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']) {
      for (const hook of webhooks(objects, kind)) {
        assert.equal(hook.failurePolicy, expected);
        assert.equal(hook.timeoutSeconds, 5);
        assert.equal(hook.sideEffects, 'None');
        assert.deepEqual(hook.admissionReviewVersions, ['v1']);
        const excluded = hook.namespaceSelector.matchExpressions.find((e) => e.key === 'kubernetes.io/metadata.name' && e.operator === 'NotIn');
        assert.deepEqual(excluded?.values.sort(), ['kube-system', 'stateguard']);
        assert.ok(hook.rules.some((r) => r.resources.includes('statefulsets')));
        if (kind === 'MutatingWebhookConfiguration') assert.equal(hook.reinvocationPolicy, 'IfNeeded');
        else assert.ok(hook.rules.some((r) => r.resources.includes('statefulsets/scale')));
      }
    }
  });

  test(`${overlay}: the Deployment is hardened the way our policies ask StatefulSets to be`, () => {
    const deployment = find(render(overlay), 'Deployment') as Obj & { spec: { replicas: number; template: { spec: Record<string, unknown> & { containers: Record<string, unknown>[] } } } };
    assert.ok(deployment.spec.replicas >= 2);
    const pod = deployment.spec.template.spec;
    assert.ok(pod['priorityClassName']);
    assert.ok((pod['affinity'] as { podAntiAffinity?: unknown }).podAntiAffinity);
    const podSc = pod['securityContext'] as Record<string, unknown>;
    assert.equal(podSc['runAsNonRoot'], true);
    assert.ok(typeof podSc['runAsUser'] === 'number' && podSc['runAsUser'] > 0);
    assert.deepEqual(podSc['seccompProfile'], { type: 'RuntimeDefault' });
    for (const container of pod.containers) {
      const sc = container['securityContext'] as Record<string, unknown>;
      assert.equal(sc['readOnlyRootFilesystem'], true);
      assert.equal(sc['allowPrivilegeEscalation'], false);
      assert.deepEqual((sc['capabilities'] as { drop: string[] }).drop, ['ALL']);
      assert.equal((container['readinessProbe'] as { httpGet: { path: string } }).httpGet.path, '/readyz');
      assert.equal((container['livenessProbe'] as { httpGet: { path: string } }).httpGet.path, '/healthz');
      const resources = container['resources'] as { requests: Record<string, string>; limits: Record<string, string> };
      assert.ok(resources.requests['cpu'] && resources.requests['memory'] && resources.limits['memory']);
    }
    assert.ok(find(render(overlay), 'PodDisruptionBudget'));
    // The PolicyReport CRD is shared with Kyverno and Policy Reporter: `kubectl delete -k` must never take it (and every report) away.
    // stateguard's own CRDs (group stateguard.io) are part of the install.
    assert.deepEqual(render(overlay).filter((o) => o.kind === 'CustomResourceDefinition' && !o.metadata.name.endsWith('.stateguard.io')).map((o) => o.metadata.name), []);
  });
}

test('the audit-only overlay caps every policy at audit', () => {
  const config = find(render('overlays/audit-only'), 'ConfigMap', 'stateguard-config') as Obj & { data: Record<string, string> };
  assert.match(config.data['config.yaml'] ?? '', /^actionCeiling: audit$/m);
  assert.ok(config.data['policies.yaml']);
});

test('the cert-manager overlay serves certificate files and lets cert-manager inject the CA', () => {
  const objects = render('overlays/cert-manager');
  const args = ((find(objects, 'Deployment') as Obj & { spec: { template: { spec: { containers: { args: string[] }[] } } } }).spec.template.spec.containers[0]?.args) ?? [];
  assert.ok(args.includes('--tls-cert=/etc/stateguard/tls/tls.crt') && args.includes('--tls-key=/etc/stateguard/tls/tls.key'));
  for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']) {
    assert.equal((find(objects, kind).metadata as { annotations?: Record<string, string> }).annotations?.['cert-manager.io/inject-ca-from'], 'stateguard/stateguard');
  }
  assert.ok(find(objects, 'Certificate'));
});

test('the policies ConfigMap bundle is generated from policies/ (npm run deploy:policies)', () => {
  assert.equal(readFileSync(BUNDLE, 'utf8'), policyBundle());
});

test('the chart\'s generated files (policies bundle, PolicyReport CRD, alert rules, CRDs of deploy/base) are current (npm run deploy:policies)', () => {
  assert.deepEqual(staleFiles(), []);
});
