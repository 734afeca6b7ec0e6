/**
 * `node bench/idle-connection-bursts.ts [--connections N] [--bursts N] [--config FILE]`: the server's memory
 * through bursts of idle TLS connections (handshake done, no request), as a careless or hostile client makes them.
 * Runs `stateguard serve` with the image's Node flags, opens N connections per burst, holds them until the server
 * has reaped them (or 30 s), and prints its RSS (VmRSS, and the peak VmHWM) before and after each burst.
 * A measurement, not a test: the figures are in the README (Memory).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { connect, type TLSSocket } from 'node:tls';
import { imageNodeFlags } from './image-node-flags.ts';

const ROOT = resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { connections: { type: 'string', default: '2000' }, bursts: { type: 'string', default: '3' }, config: { type: 'string' }, hold: { type: 'string', default: '30000' } } });
const CONNECTIONS = Number(values.connections);
const BURSTS = Number(values.bursts);
const HOLD_MS = Number(values.hold);
const BATCH = 100;

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** RSS and its peak from /proc, and the V8 heap the server reports in its metrics (MiB). */
async function memoryMiB(pid: number): Promise<{ rss: number; peak: number; v8Heap: number }> {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  const metrics = await (await fetch(`${metricsUrl}/metrics`)).text();
  const heap = Number(/^nodejs_heap_size_total_bytes (\S+)/m.exec(metrics)?.[1] ?? NaN);
  return { rss: Math.round(kib('VmRSS') / 1024), peak: Math.round(kib('VmHWM') / 1024), v8Heap: Math.round(heap / 1048576) };
}

const dir = mkdtempSync(join(tmpdir(), 'stateguard-idle-'));
const caFile = join(dir, 'ca.pem');
const args = [...imageNodeFlags(), join(ROOT, 'src/cli/main.ts'), 'serve', '--port', '0', '--metrics-port', '0', '--ca-out', caFile, ...(values.config === undefined ? [] : ['--config', values.config])];
const server = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
const { url, metricsUrl } = await new Promise<{ url: URL; metricsUrl: string }>((found, failed) => {
  createInterface({ input: server.stdout }).on('line', (line) => {
    const record = JSON.parse(line) as { msg: string; admission_url?: string; metrics_url?: string };
    if (record.msg === 'stateguard serving') found({ url: new URL(String(record.admission_url)), metricsUrl: String(record.metrics_url) });
  });
  server.once('exit', (code) => failed(new Error(`the server exited (${code})`)));
});
const ca = readFileSync(caFile, 'utf8');
const pid = server.pid!;

/** One connection through its handshake; resolves with the socket, or undefined when the server refused it. */
function open(): Promise<TLSSocket | undefined> {
  return new Promise((done) => {
    const socket = connect({ host: '127.0.0.1', port: Number(url.port), ca, servername: 'localhost' });
    socket.once('secureConnect', () => done(socket));
    socket.once('error', () => done(undefined));
    socket.once('close', () => done(undefined));
  });
}

await sleep(2000);
const rows: Record<string, unknown>[] = [{ stage: 'idle server', ...(await memoryMiB(pid)) }];
for (let burst = 1; burst <= BURSTS; burst++) {
  const sockets: TLSSocket[] = [];
  let refused = 0;
  for (let opened = 0; opened < CONNECTIONS; opened += BATCH) {
    const batch = await Promise.all(Array.from({ length: Math.min(BATCH, CONNECTIONS - opened) }, open));
    for (const socket of batch) if (socket === undefined) refused++; else sockets.push(socket.on('error', () => undefined).resume());
  }
  const held = { stage: `burst ${burst}: ${sockets.length} open, ${refused} refused`, ...(await memoryMiB(pid)) };
  const deadline = Date.now() + HOLD_MS;
  while (sockets.some((s) => !s.destroyed && !s.readableEnded) && Date.now() < deadline) await sleep(200);
  const reaped = sockets.filter((s) => s.destroyed || s.readableEnded).length;
  for (const socket of sockets) socket.destroy();
  await sleep(3000);
  rows.push(held, { stage: `burst ${burst}: ${reaped} reaped by the server, all closed, 3 s later`, ...(await memoryMiB(pid)) });
}
server.kill('SIGINT');
rmSync(dir, { recursive: true, force: true });
console.table(rows);
