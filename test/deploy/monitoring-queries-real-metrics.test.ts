import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { relative, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { get } from '../webhook/helpers/https.ts';
import { startTestServer, type TestServer } from '../webhook/helpers/server.ts';

type Obj = { kind: string; metadata: { name: string; labels?: Record<string, string> }; spec: Record<string, unknown> };

const ROOT = resolve(import.meta.dirname, '../..');
let t: TestServer;

before(async () => {
  t = await startTestServer();
});

after(async () => {
  await t.server.close();
});

/** deploy/base with the monitoring component, as a user's overlay adds it. */
function renderWithMonitoring(): Obj[] {
  const dir = mkdtempSync(resolve(tmpdir(), 'stateguard-overlay-'));
  try {
    const rel = (path: string) => relative(dir, resolve(ROOT, path));
    writeFileSync(resolve(dir, 'kustomization.yaml'), `resources: [${rel('deploy/base')}]\ncomponents: [${rel('deploy/components/monitoring')}]\n`);
    return parseAllDocuments(execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' })).map((d) => d.toJS() as Obj).filter(Boolean);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every series name the running server exposes: each `# TYPE`, with a histogram's _bucket, _sum and _count. */
async function exposedNames(): Promise<Set<string>> {
  const text = (await get(`${t.server.metricsUrl}/metrics`)).text;
  const names = new Set<string>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name!);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name!}${suffix}`);
  }
  return names;
}

const queried = (expr: string): string[] => [...expr.matchAll(/\bstateguard_\w+/g)].map((m) => m[0]);

test('every stateguard metric the PrometheusRule and the README queries name is one the server exposes', async () => {
  const names = await exposedNames();
  const rule = renderWithMonitoring().find((o) => o.kind === 'PrometheusRule');
  assert.ok(rule, 'the monitoring component renders a PrometheusRule');
  const alerts = (rule.spec['groups'] as { rules: { alert: string; expr: string }[] }[]).flatMap((g) => g.rules);
  assert.ok(alerts.length >= 4);
  for (const alert of alerts) {
    assert.ok(queried(alert.expr).length > 0, `${alert.alert} queries a stateguard metric`);
    for (const name of queried(alert.expr)) assert.ok(names.has(name), `${alert.alert}: ${name} is not exposed`);
  }
  const readme = readFileSync(resolve(ROOT, 'README.md'), 'utf8');
  const promql = [...readme.matchAll(/```promql\n([\s\S]*?)```/g)].map((m) => m[1]!).join('\n');
  assert.ok(queried(promql).length >= 5, 'the README shows queries');
  for (const name of queried(promql)) assert.ok(names.has(name), `README: ${name} is not exposed`);
  for (const [, name] of readme.matchAll(/^\| `(stateguard_\w+)`/gm)) assert.ok(names.has(name!), `README metrics table: ${name!} is not exposed`);
});

test('every query of the Grafana dashboard names only metrics the server exposes, and the component ships it as the sidecar loads it', async () => {
  const names = await exposedNames();
  const file = readFileSync(resolve(ROOT, 'deploy/components/monitoring/grafana-dashboard.json'), 'utf8');
  const dashboard = JSON.parse(file) as { uid: string; panels: { title: string; targets: { expr: string; datasource: { uid: string } }[] }[] };
  assert.ok(dashboard.panels.length >= 10);
  const used = new Set<string>();
  for (const panel of dashboard.panels) {
    assert.ok(panel.targets.length > 0, `${panel.title} has a query`);
    for (const target of panel.targets) {
      assert.ok(queried(target.expr).length > 0, `${panel.title}: ${target.expr} queries a stateguard metric`);
      for (const name of queried(target.expr)) {
        assert.ok(names.has(name), `${panel.title}: ${name} is not exposed`);
        used.add(name.replace(/_(bucket|sum|count)$/, ''));
      }
      assert.equal(target.datasource.uid, '${datasource}', `${panel.title} uses the dashboard's datasource variable`);
    }
  }
  // The leader, lookup-cache and audit series are on the dashboard.
  for (const name of ['stateguard_leader', 'stateguard_lookup_cache_synced', 'stateguard_audit_last_scan_timestamp_seconds', 'stateguard_audit_violations', 'stateguard_audit_reports_written_total']) assert.ok(used.has(name), `the dashboard shows ${name}`);
  const configMap = renderWithMonitoring().find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'stateguard-grafana-dashboard') as (Obj & { data: Record<string, string> }) | undefined;
  assert.equal(configMap?.metadata.labels?.['grafana_dashboard'], '1');
  assert.equal(configMap?.data['grafana-dashboard.json'], file);
});

test('the ServiceMonitor scrapes the Service\'s metrics port', () => {
  const objects = renderWithMonitoring();
  const monitor = objects.find((o) => o.kind === 'ServiceMonitor');
  const service = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'stateguard');
  assert.ok(monitor && service);
  const selector = (monitor.spec['selector'] as { matchLabels: Record<string, string> }).matchLabels;
  for (const [key, value] of Object.entries(selector)) assert.equal(service.metadata.labels?.[key], value, `the Service carries ${key}=${value}`);
  const ports = (service.spec['ports'] as { name: string }[]).map((p) => p.name);
  for (const endpoint of monitor.spec['endpoints'] as { port: string; path: string }[]) {
    assert.ok(ports.includes(endpoint.port), endpoint.port);
    assert.equal(endpoint.path, '/metrics');
  }
});
