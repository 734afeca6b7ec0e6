import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { until } from '../webhook/helpers/until.ts';

const ROOT = resolve(import.meta.dirname, '../..');

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const refused = (url: string): Promise<boolean> => new Promise((resolvePromise) => {
  const { port } = new URL(url);
  const socket = connect({ host: '127.0.0.1', port: Number(port) });
  socket.once('connect', () => { socket.destroy(); resolvePromise(false); });
  socket.once('error', () => resolvePromise(true));
});

test('SIGTERM to `npm start` stops the server it started and frees its ports', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stateguard-npm-start-'));
  const config = join(dir, 'config.yaml');
  writeFileSync(config, 'server:\n  shutdownDrainMs: 0\n');
  const npm = spawn('npm', ['start', '--silent', '--', '--port', '0', '--metrics-port', '0', '--config', config], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let serving: { pid: number; admission_url: string; metrics_url: string } | undefined;
  createInterface({ input: npm.stdout! }).on('line', (line) => {
    if (line.includes('"stateguard serving"')) serving = JSON.parse(line) as typeof serving;
  });
  const exited = once(npm, 'exit');
  try {
    await until(() => serving !== undefined, 'the server started by npm start', 30_000);
    const server = serving!;
    assert.ok(alive(server.pid));
    npm.kill('SIGTERM');
    await exited;
    await until(() => !alive(server.pid), `the server process ${server.pid} ends`, 30_000);
    assert.ok(await refused(server.admission_url), 'the admission port is free');
    assert.ok(await refused(server.metrics_url), 'the metrics port is free');
  } finally {
    npm.kill('SIGKILL');
    if (serving !== undefined && alive(serving.pid)) process.kill(serving.pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
