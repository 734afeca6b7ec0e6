import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { loadSettings } from '../../src/cli/main.ts';
import { get } from './helpers/https.ts';
import { LOOPBACK, startTestServer, type TestServer } from './helpers/server.ts';

const VERSION = (JSON.parse(readFileSync(resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string }).version;

let work: string;
let config: string;
let t: TestServer;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'stateguard-metrics-'));
  mkdirSync(join(work, 'policies'));
  config = join(work, 'stateguard.yaml');
  writeFileSync(config, `policyDirs: [${JSON.stringify(join(work, 'policies'))}]\n`);
  t = await startTestServer({ load: () => loadSettings({ config }, LOOPBACK) });
});

after(async () => {
  await t.server.close();
  rmSync(work, { recursive: true, force: true });
});

async function sample(name: string, labels = ''): Promise<number | undefined> {
  const text = (await get(`${t.server.metricsUrl}/metrics`)).text;
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `) || (labels === '' && l.startsWith(`${name}{`)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

test('stateguard_build_info names the version and the Node.js it runs on', async () => {
  assert.equal(await sample('stateguard_build_info', `{version="${VERSION}",node_version="${process.version}"}`), 1);
});

test('policies loaded and reloads by result follow successful and rejected reloads', async () => {
  const loaded = await sample('stateguard_policies_loaded');
  assert.ok(loaded !== undefined && loaded > 20, String(loaded));
  const ok = t.server.reload();
  assert.ok(ok.ok);
  assert.equal(await sample('stateguard_config_reloads_total', '{result="success"}'), 1);
  assert.equal(await sample('stateguard_policies_loaded'), ok.policies);
  writeFileSync(join(work, 'policies', 'broken.yaml'), 'apiVersion: stateguard.io/v1alpha1\nkind: StatefulSetPolicy\nmetadata: { name: Not_Valid }\n');
  assert.equal(t.server.reload().ok, false);
  assert.equal(await sample('stateguard_config_reloads_total', '{result="failure"}'), 1);
  assert.equal(await sample('stateguard_policies_loaded'), ok.policies, 'the last good set keeps serving');
  rmSync(join(work, 'policies', 'broken.yaml'));
});

test('certificate expiry is also a timestamp, as cert-manager exposes it', async () => {
  const timestamp = await sample('stateguard_certificate_expiration_timestamp_seconds', '{certificate="serving"}');
  const left = await sample('stateguard_certificate_expiry_seconds', '{certificate="serving"}');
  assert.ok(timestamp !== undefined && left !== undefined);
  assert.ok(Number.isInteger(timestamp), 'whole seconds');
  // The same expiry, read at two scrapes a moment apart.
  assert.ok(Math.abs(timestamp - (Date.now() / 1000 + left)) < 120, `${timestamp} vs now + ${left}`);
});
