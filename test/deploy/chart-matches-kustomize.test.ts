/**
 * The Helm chart installs what deploy/ installs: for each kustomize overlay (or component) the value set that means
 * the same renders the same objects, field for field. Allowed differences: no Namespace object (helm install
 * --create-namespace), labels added (Helm's own, and the base's on objects kustomize leaves unlabelled), the kept-on-uninstall annotation of the PolicyReport CRD, and config.yaml
 * compared as the config the server builds from it (the chart spells out defaults the base leaves implicit).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { buildConfig, type ConfigInput } from '../../src/config/config.ts';
import { helmTemplate, type Obj } from '../helpers/helm.ts';
import { kubectlBinary } from '../helpers/kubectl.ts';

const ROOT = resolve(import.meta.dirname, '../..');
/** What the chart may add to kustomize's labels: Helm's own, and the base's two on objects kustomize leaves bare. */
const CHART_LABELS = new Set(['helm.sh/chart', 'app.kubernetes.io/managed-by', 'app.kubernetes.io/instance', 'app.kubernetes.io/version', 'app.kubernetes.io/name', 'app.kubernetes.io/part-of']);

function labelsMatch(id: string, chart: Obj | undefined, kustomized: Obj): void {
  const actual = chart?.metadata.labels ?? {};
  for (const [label, value] of Object.entries(kustomized.metadata.labels ?? {})) assert.equal(actual[label], value, `${id} label ${label}`);
  for (const label of Object.keys(actual)) assert.ok(label in (kustomized.metadata.labels ?? {}) || CHART_LABELS.has(label), `${id}: unexpected label ${label}`);
}

/** deploy/<overlay> plus components, rendered by kubectl kustomize (a temporary overlay when components are added). */
function kustomize(overlay: string, components: readonly string[] = []): Obj[] {
  const dir = mkdtempSync(join(tmpdir(), 'stateguard-kustomize-'));
  try {
    // Relative: kustomize refuses absolute paths to other kustomizations.
    const rel = (path: string) => relative(dir, resolve(ROOT, 'deploy', path));
    writeFileSync(join(dir, 'kustomization.yaml'), `resources: ${JSON.stringify([rel(overlay)])}\ncomponents: ${JSON.stringify(components.map((c) => rel(`components/${c}`)))}\n`);
    const text = execFileSync(kubectlBinary(), ['kustomize', dir], { encoding: 'utf8' });
    return parseAllDocuments(text).map((d) => d.toJS() as Obj).filter(Boolean);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const key = (o: Obj) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/** Labels are compared apart (labelsMatch): the chart labels every object alike, kustomize only the base's resources. */
function normalised(object: Obj): Obj {
  const copy = structuredClone(object);
  delete copy.metadata.labels;
  if (copy.kind === 'CustomResourceDefinition' && copy.metadata.annotations?.['helm.sh/resource-policy'] === 'keep') {
    delete copy.metadata.annotations['helm.sh/resource-policy'];
    if (Object.keys(copy.metadata.annotations).length === 0) delete copy.metadata.annotations;
  }
  if (copy.kind === 'ConfigMap' && copy.metadata.name === 'stateguard-config') {
    const data = copy['data'] as Record<string, string>;
    data['config.yaml'] = JSON.stringify(buildConfig([parse(data['config.yaml'] ?? '') as ConfigInput]));
  }
  return copy;
}

const CASES = [
  { name: 'default values', values: {}, overlay: 'base', components: [] },
  { name: 'audit-only values (actionCeiling audit, failurePolicy Ignore)', values: { actionCeiling: 'audit', webhook: { failurePolicy: 'Ignore' } }, overlay: 'overlays/audit-only', components: [] },
  { name: 'cert-manager values', values: { certificates: { mode: 'cert-manager' } }, overlay: 'overlays/cert-manager', components: [] },
  {
    name: 'monitoring and PolicyReport CRD values',
    values: { monitoring: { serviceMonitor: { enabled: true }, prometheusRule: { enabled: true }, grafanaDashboard: { enabled: true } }, policyReportCRD: { install: true } },
    overlay: 'base', components: ['monitoring', 'policyreport-crd'],
  },
] as const;

for (const { name, values, overlay, components } of CASES) {
  test(`the chart with ${name} renders what deploy/${overlay}${components.map((c) => ` + components/${c}`).join('')} renders`, () => {
    const kustomized = new Map(kustomize(overlay, components).filter((o) => o.kind !== 'Namespace').map((o) => [key(o), o]));
    const rendered = helmTemplate(values);
    const charted = new Map(rendered.map((o) => [key(o), o]));
    assert.deepEqual([...charted.keys()].sort(), [...kustomized.keys()].sort(), 'the same objects');
    for (const [id, object] of kustomized) {
      const chart = charted.get(id);
      assert.deepEqual(chart && normalised(chart), normalised(object), id);
      labelsMatch(id, chart, object);
    }
    // Helm's labels are there (instance, managed-by), beside the base's own.
    for (const object of rendered.filter((o) => o.kind !== 'CustomResourceDefinition')) {
      assert.equal(object.metadata.labels?.['app.kubernetes.io/managed-by'], 'Helm', key(object));
      assert.equal(object.metadata.labels?.['app.kubernetes.io/part-of'], 'stateguard', key(object));
    }
  });
}
