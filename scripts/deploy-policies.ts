/**
 * Writes the generated deploy files: the policies bundle (policies/ → the ConfigMap key) for deploy/base and the
 * Helm chart, and the chart's copies of what deploy/ defines once (the PolicyReport CRD component, the
 * PrometheusRule's rules, the Grafana dashboard, every CRD of deploy/base). `--write` updates them; without it, says which are stale.
 * test/deploy/manifests-hold-invariants.test.ts keeps them current.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { BUILTIN_POLICY_DIR, readPolicySources } from '../src/config/read-policies.ts';

const ROOT = resolve(import.meta.dirname, '..');
export const BUNDLE = join(ROOT, 'deploy/base/policies.yaml');
const CHART_FILES = join(ROOT, 'charts/stateguard/files');
/** Where the chart takes stateguard's own CRDs from (templates/crds.yaml renders each file there). */
const CHART_CRDS = join(CHART_FILES, 'crds');

export function policyBundle(): string {
  const header = '# Generated from policies/ by `npm run deploy:policies`: edit the policies there, not here.\n';
  return header + readPolicySources(BUILTIN_POLICY_DIR).map((source) => `---\n# ${source.file}\n${source.text.trimEnd()}\n`).join('');
}

const generatedHeader = (source: string) => `# Generated from ${source} by \`npm run deploy:policies\`: edit it there, not here.\n`;

/** The CustomResourceDefinitions among deploy/base's resources (stateguard's own; the PolicyReport CRD is not one). */
function baseCrds(): { name: string; source: string; text: string }[] {
  const kustomization = parse(readFileSync(join(ROOT, 'deploy/base/kustomization.yaml'), 'utf8')) as { resources?: string[] };
  return (kustomization.resources ?? []).flatMap((file) => {
    const path = join(ROOT, 'deploy/base', file);
    if (!existsSync(path) || !file.endsWith('.yaml')) return [];
    return parseAllDocuments(readFileSync(path, 'utf8'))
      .map((document) => document.toJS() as { kind?: string; metadata?: { name?: string; labels?: Record<string, string> } } | null)
      .filter((object) => object?.kind === 'CustomResourceDefinition')
      .map((object) => {
        // The label deploy/base/kustomization.yaml gives every resource of the base.
        const metadata = { ...object?.metadata, labels: { ...object?.metadata?.labels, 'app.kubernetes.io/part-of': 'stateguard' } };
        return { name: String(metadata.name), source: relative(ROOT, path), text: stringify({ ...object, metadata }) };
      });
  });
}

/** Every generated file (absolute path → content). */
export function generatedFiles(): Map<string, string> {
  const files = new Map<string, string>([[BUNDLE, policyBundle()], [join(CHART_FILES, 'policies.yaml'), policyBundle()]]);
  const crd = 'deploy/components/policyreport-crd/policyreport-crd.yaml';
  files.set(join(CHART_FILES, 'policyreport-crd.yaml'), generatedHeader(crd) + readFileSync(join(ROOT, crd), 'utf8'));
  const rule = 'deploy/components/monitoring/prometheusrule.yaml';
  const { spec } = parse(readFileSync(join(ROOT, rule), 'utf8')) as { spec: unknown };
  files.set(join(CHART_FILES, 'prometheusrule-spec.yaml'), generatedHeader(rule) + stringify(spec, { lineWidth: 0 }));
  // JSON allows no comment: the dashboard is copied as it is.
  files.set(join(CHART_FILES, 'grafana-dashboard.json'), readFileSync(join(ROOT, 'deploy/components/monitoring/grafana-dashboard.json'), 'utf8'));
  for (const { name, source, text } of baseCrds()) files.set(join(CHART_CRDS, `${name}.yaml`), generatedHeader(source) + text);
  return files;
}

/** Generated files that differ from what is on disk, and chart CRD copies whose source is gone. */
export function staleFiles(): string[] {
  const files = generatedFiles();
  const stale = [...files].filter(([path, text]) => !existsSync(path) || readFileSync(path, 'utf8') !== text).map(([path]) => path);
  const leftovers = existsSync(CHART_CRDS) ? readdirSync(CHART_CRDS).map((f) => join(CHART_CRDS, f)).filter((path) => !files.has(path)) : [];
  return [...stale, ...leftovers].map((path) => relative(ROOT, path));
}

if (import.meta.main) {
  if (process.argv.includes('--write')) {
    if (existsSync(CHART_CRDS)) rmSync(CHART_CRDS, { recursive: true });
    for (const [path, text] of generatedFiles()) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
    }
  } else {
    const stale = staleFiles();
    process.stdout.write(stale.length === 0 ? 'generated deploy files are current\n' : `stale (run npm run deploy:policies): ${stale.join(', ')}\n`);
    process.exitCode = stale.length === 0 ? 0 : 1;
  }
}
