import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { after, before } from 'node:test';
import { test } from './harness/test.ts';
import { pino } from 'pino';
import { startBackgroundAudit } from '../../src/audit/background.ts';
import { createEventRecorder } from '../../src/cluster/events.ts';
import { loadKube } from '../../src/cluster/kube.ts';
import { DEFAULT_ACTION_SETTINGS } from '../../src/policy/index.ts';
import { builtinPolicies } from '../helpers/policies.ts';
import { seed } from '../helpers/seed.ts';
import { eventually, silentLog, stateguardKubeconfig } from '../cluster/fixtures.ts';
import { startCluster, type Cluster } from './harness/cluster.ts';
import { writeKubeconfig } from './harness/kubectl.ts';
import { chooseReportApi, type ReportApi } from '../../src/cluster/policy-report-api.ts';

const V1ALPHA2 = chooseReportApi(['v1alpha2']) as ReportApi;

const CRD = resolve(import.meta.dirname, '../../deploy/components/policyreport-crd/policyreport-crd.yaml');
const namespace = 'events';

let cluster: Cluster;

before(async () => {
  cluster = await startCluster();
  await kubectl(['apply', '-f', CRD]);
  await cluster.waitEstablished('crd/policyreports.wgpolicyk8s.io');
  await kubectl(['create', 'namespace', namespace]);
});

after(async () => {
  await cluster?.stop();
});

async function kubectl(args: string[], input?: string): Promise<string> {
  return (await cluster.kubectlOk(args, input === undefined ? {} : { input })).stdout;
}

/** The README's seed example (many findings) under another name. */
function seedNamed(name: string): Record<string, unknown> {
  const object = seed();
  return { ...object, metadata: { ...(object['metadata'] as object), name, namespace } };
}

function backgroundAudit(kubeconfig: string, log: pino.Logger) {
  const kube = loadKube({ kubeconfig });
  return startBackgroundAudit(kube, {
    policies: () => ({ set: builtinPolicies(), actions: DEFAULT_ACTION_SETTINGS }), view: {}, intervalMs: 3_600_000, deleteWhenClean: false, reportApi: V1ALPHA2,
    leader: { isLeader: () => true, onChange: () => () => undefined },
    events: createEventRecorder(kube, { instance: 'test', maxPerMinute: 60, log }), log,
  });
}

async function notes(name: string): Promise<string[]> {
  const list = JSON.parse(await kubectl(['get', 'events.events.k8s.io', '-n', namespace, '-o', 'json'])) as { items: { regarding: { name: string }; note: string }[] };
  return list.items.filter((e) => e.regarding.name === name).map((e) => e.note);
}

test('a long multi-byte note is cut to the API server\'s 1024 bytes, never inside a character, and the Event is recorded', async () => {
  const kube = loadKube({ kubeconfig: await stateguardKubeconfig(cluster) });
  const uid = JSON.parse(await kubectl(['create', '-f', '-', '-o', 'json'], JSON.stringify(seedNamed('wide')))).metadata.uid as string;
  const events = createEventRecorder(kube, { instance: 'test', maxPerMinute: 60, log: silentLog });
  const note = Array.from({ length: 200 }, (_, i) => `[größe-prüfen] spec.template.spec.containers[${i}]: 🗄️ zu groß`).join('\n');
  assert.ok(note.length > 1024 && Buffer.byteLength(note) > note.length, 'multi-byte and longer than the limit');
  assert.equal(await events.warn({ namespace, name: 'wide', uid }, 'PolicyViolation', note), true);
  const [stored] = await notes('wide');
  assert.ok(stored !== undefined, 'the Event exists');
  assert.ok(Buffer.byteLength(stored) <= 1024, `${Buffer.byteLength(stored)} bytes`);
  assert.ok(Buffer.byteLength(stored) > 1024 - 8, 'cut close to the limit, not far below it');
  assert.ok(stored.endsWith('…'));
  assert.ok(note.startsWith(stored.slice(0, -1)), 'a prefix of the note: no character split or replaced');
});

test('the background audit records the Event of the seed example, whose note is longer than 1024 bytes', async () => {
  await kubectl(['create', '-f', '-'], JSON.stringify(seedNamed('seed')));
  const audit = backgroundAudit(await stateguardKubeconfig(cluster), silentLog);
  try {
    const [note] = await eventually('the Event of seed', async () => { const found = await notes('seed'); return found.length > 0 ? found : undefined; });
    assert.ok(note?.endsWith('…'), 'the full note was longer than the limit');
    assert.match(note ?? '', /^\[memory-limit-required\] spec\.template/);
  } finally {
    await audit.stop();
  }
});

test('a refused Event is logged as such, not as a lost PolicyReport (the report was written)', async () => {
  await kubectl(['create', 'serviceaccount', 'no-events', '-n', namespace]);
  await kubectl(['create', 'clusterrole', 'sts-reader', '--verb=get,list,watch', '--resource=statefulsets.apps']);
  await kubectl(['create', 'clusterrole', 'report-writer', '--verb=get,list,watch,create,update,patch,delete', '--resource=policyreports.wgpolicyk8s.io']);
  for (const role of ['sts-reader', 'report-writer']) await kubectl(['create', 'clusterrolebinding', `no-events-${role}`, `--clusterrole=${role}`, `--serviceaccount=${namespace}:no-events`]);
  const token = (await kubectl(['create', 'token', 'no-events', '-n', namespace])).trim();
  const kubeconfig = join(cluster.dir, 'no-events.kubeconfig');
  await writeKubeconfig(kubeconfig, { server: cluster.server, caPem: cluster.caPem, token });

  const lines: { msg: string }[] = [];
  const log = pino({ level: 'warn' }, new Writable({ write(chunk: Buffer, _encoding, done) { lines.push(JSON.parse(chunk.toString()) as { msg: string }); done(); } }));
  await kubectl(['create', '-f', '-'], JSON.stringify(seedNamed('many')));
  const audit = backgroundAudit(kubeconfig, log);
  try {
    await eventually('the report of many', async () => ((await kubectl(['get', 'policyreports', '-n', namespace, '-o', 'name'])).includes('stateguard-sts-many') ? true : undefined));
    const refused = await eventually('the refused Event to be logged', () => lines.find((l) => /Event/.test(l.msg)));
    assert.match(refused.msg, /^Event PolicyViolation not recorded/);
    assert.match(JSON.stringify(refused), /403 Forbidden/);
    assert.ok(!lines.some((l) => /PolicyReport not updated/.test(l.msg)), JSON.stringify(lines));
  } finally {
    await audit.stop();
  }
});
