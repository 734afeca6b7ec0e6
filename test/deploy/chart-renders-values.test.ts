/**
 * charts/stateguard: `helm lint --strict` passes for every documented value set, each value lands where it acts
 * (config.yaml, webhooks, Deployment, cert-manager objects, monitoring), values.schema.json refuses bad values
 * naming them, and the chart's version follows package.json.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { buildConfig, type ConfigInput } from '../../src/config/config.ts';
import { CHART, helmTemplate, runHelm, valuesFile, type Obj } from '../helpers/helm.ts';

type Hook = { failurePolicy: string; timeoutSeconds: number; namespaceSelector: { matchLabels?: Record<string, string>; matchExpressions: { key: string; operator: string; values: string[] }[] } };
type Container = { image: string; args: string[]; resources: unknown; volumeMounts: { name: string }[] };
type Deployment = Obj & { spec: { replicas: number; template: { spec: { priorityClassName?: string; containers: Container[]; volumes: { name: string }[] } } } };

const ROOT = resolve(import.meta.dirname, '../..');
const find = (objects: Obj[], kind: string, name = 'stateguard'): Obj | undefined => objects.find((o) => o.kind === kind && o.metadata.name === name);
const must = (objects: Obj[], kind: string, name = 'stateguard'): Obj => {
  const found = find(objects, kind, name);
  assert.ok(found, `${kind}/${name} is rendered`);
  return found;
};
const hooks = (objects: Obj[]): Hook[] => ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'].flatMap((kind) => must(objects, kind)['webhooks'] as Hook[]);
const config = (objects: Obj[]) => buildConfig([parse((must(objects, 'ConfigMap', 'stateguard-config')['data'] as Record<string, string>)['config.yaml'] ?? '') as ConfigInput]);
const container = (objects: Obj[]) => (must(objects, 'Deployment') as Deployment).spec.template.spec.containers[0] as Container;

const VALUE_SETS: Record<string, Record<string, unknown>> = {
  defaults: {},
  'audit-only': { actionCeiling: 'audit', webhook: { failurePolicy: 'Ignore' } },
  'cert-manager with a ClusterIssuer': { certificates: { mode: 'cert-manager', certManager: { issuerRef: { kind: 'ClusterIssuer', name: 'corp-ca' } } } },
  everything: {
    replicas: 3, image: { digest: `sha256:${'a'.repeat(64)}` }, policyReportCRD: { install: true },
    monitoring: { serviceMonitor: { enabled: true, labels: { release: 'prom' } }, prometheusRule: { enabled: true } },
    policies: { 'min-replicas': { action: 'deny', params: { min: 3 } } }, audit: { intervalSeconds: 600 }, log: { level: 'debug', format: 'iso' },
  },
};

for (const [name, values] of Object.entries(VALUE_SETS)) {
  test(`helm lint --strict passes with the ${name} values, and the server accepts the config.yaml they render`, () => {
    const file = valuesFile(values);
    try {
      const lint = runHelm(['lint', '--strict', CHART, '--namespace', 'stateguard', '--values', file.path]);
      assert.equal(lint.code, 0, lint.stdout + lint.stderr);
      assert.match(lint.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
    } finally {
      file.remove();
    }
    assert.ok(config(helmTemplate(values)).policyDirs.length > 0);
  });
}

test('the default install enforces: actionCeiling deny, failurePolicy Fail, no shared CRD (only stateguard.io ones), no Prometheus Operator objects', () => {
  const objects = helmTemplate();
  assert.equal(config(objects).actionCeiling, 'deny');
  for (const hook of hooks(objects)) assert.equal(hook.failurePolicy, 'Fail');
  assert.deepEqual(objects.filter((o) => ['ServiceMonitor', 'PrometheusRule', 'Certificate', 'Issuer'].includes(o.kind) || (o.kind === 'CustomResourceDefinition' && !o.metadata.name.endsWith('.stateguard.io'))).map((o) => o.kind), []);
  assert.equal(container(objects).image, 'ghcr.io/stateguard/stateguard:0.1.0');
});

test('audit-only values cap every policy at audit and let an unreachable webhook never block a write', () => {
  const objects = helmTemplate(VALUE_SETS['audit-only']);
  assert.equal(config(objects).actionCeiling, 'audit');
  for (const hook of hooks(objects)) assert.equal(hook.failurePolicy, 'Ignore');
});

test('the namespace selector excludes kube-system and the release namespace, and keeps the conditions given', () => {
  const objects = helmTemplate({ webhook: { excludeNamespaces: ['kube-system', 'infra'], namespaceSelector: { matchLabels: { 'stateguard.io/enabled': 'true' } }, timeoutSeconds: 3 } }, 'policy-system');
  for (const hook of hooks(objects)) {
    assert.deepEqual(hook.namespaceSelector.matchLabels, { 'stateguard.io/enabled': 'true' });
    assert.deepEqual(hook.namespaceSelector.matchExpressions, [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', 'infra', 'policy-system'] }]);
    assert.equal(hook.timeoutSeconds, 3);
  }
  // Everything namespaced lands in the release namespace, and the certificate names its Service there.
  for (const object of objects.filter((o) => o.metadata.namespace !== undefined)) assert.equal(object.metadata.namespace, 'policy-system', object.kind);
  assert.deepEqual(config(objects).server.dnsNames, ['policy-system'].flatMap((ns) => [`stateguard.${ns}.svc`, `stateguard.${ns}.svc.cluster.local`]));
});

test('cert-manager values: the Certificate uses the named issuer (no self-signed Issuer), the server reads its files, the CA is injected', () => {
  const objects = helmTemplate({ ...VALUE_SETS['cert-manager with a ClusterIssuer'] }, 'sg');
  assert.equal(find(objects, 'Issuer', 'stateguard-selfsigned'), undefined);
  const certificate = must(objects, 'Certificate') as Obj & { spec: { issuerRef: unknown; secretName: string; dnsNames: string[] } };
  assert.deepEqual(certificate.spec.issuerRef, { kind: 'ClusterIssuer', name: 'corp-ca' });
  assert.deepEqual(certificate.spec.dnsNames, ['stateguard.sg.svc', 'stateguard.sg.svc.cluster.local']);
  assert.ok(container(objects).args.includes('--tls-cert=/etc/stateguard/tls/tls.crt'));
  for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']) {
    assert.equal(must(objects, kind).metadata.annotations?.['cert-manager.io/inject-ca-from'], 'sg/stateguard');
  }
});

test('replicas, image digest, resources, per-policy settings, audit and log values land in the Deployment and config', () => {
  const objects = helmTemplate({ ...VALUE_SETS['everything'], resources: { requests: { cpu: '200m', memory: '192Mi' }, limits: { memory: '384Mi' } } });
  const deployment = must(objects, 'Deployment') as Deployment;
  assert.equal(deployment.spec.replicas, 3);
  assert.equal(container(objects).image, `ghcr.io/stateguard/stateguard:0.1.0@sha256:${'a'.repeat(64)}`);
  assert.deepEqual(container(objects).resources, { requests: { cpu: '200m', memory: '192Mi' }, limits: { memory: '384Mi' } });
  const built = config(objects);
  assert.deepEqual(built.policies['min-replicas'], { action: 'deny', params: { min: 3 } });
  assert.equal(built.cluster.auditIntervalSeconds, 600);
  assert.deepEqual(built.log, { level: 'debug', format: 'iso' });
  assert.equal(must(objects, 'ServiceMonitor').metadata.labels?.['release'], 'prom');
  assert.ok(must(objects, 'PrometheusRule'));
});

test('the PolicyReport CRD is rendered only when asked, and kept on uninstall', () => {
  assert.equal(find(helmTemplate(), 'CustomResourceDefinition', 'policyreports.wgpolicyk8s.io'), undefined);
  const crd = must(helmTemplate({ policyReportCRD: { install: true } }), 'CustomResourceDefinition', 'policyreports.wgpolicyk8s.io');
  assert.equal(crd.metadata.annotations?.['helm.sh/resource-policy'], 'keep');
});

const REFUSED: [string, Record<string, unknown>, RegExp][] = [
  ['a failurePolicy Kubernetes does not know', { webhook: { failurePolicy: 'fail' } }, /failurePolicy/],
  ['an action ceiling that is not an action', { actionCeiling: 'block' }, /actionCeiling/],
  ['an unknown top-level value (a typo)', { replica: 3 }, /replica/],
  ['zero replicas', { replicas: 0 }, /replicas/],
  ['a certificates mode that does not exist', { certificates: { mode: 'vault' } }, /mode/],
  ['a policy setting the server does not know', { policies: { 'min-replicas': { enforce: true } } }, /enforce/],
];

for (const [what, values, field] of REFUSED) {
  test(`values.schema.json refuses ${what}, naming it`, () => {
    const file = valuesFile(values);
    try {
      const result = runHelm(['template', 'stateguard', CHART, '--values', file.path]);
      assert.notEqual(result.code, 0, result.stdout);
      assert.match(result.stderr, /values don't meet the specifications of the schema/);
      assert.match(result.stderr, field);
    } finally {
      file.remove();
    }
  });
}

test('the chart\'s version and appVersion follow package.json', () => {
  const chart = parse(readFileSync(resolve(CHART, 'Chart.yaml'), 'utf8')) as { version: string; appVersion: string };
  const { version } = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { version: string };
  assert.deepEqual([chart.version, chart.appVersion], [version, version]);
});
