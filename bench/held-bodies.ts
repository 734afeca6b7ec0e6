/**
 * `node bench/held-bodies.ts [--connections N] [--root DIR]`: N connections each send a 2.9 MiB body but its last byte,
 * and hold it; prints the server's RSS once all are sent (or refused), and how many were answered meanwhile (429s).
 * Shows what the in-flight body budget bounds: without it, every held body is buffered at once.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { connect } from 'node:tls';
import { imageNodeFlags } from './image-node-flags.ts';

const argument = (name: string, fallback: string): string => {
  const index = process.argv.indexOf(name);
  return index === -1 ? fallback : process.argv[index + 1] ?? fallback;
};
const CONNECTIONS = Number(argument('--connections', '40'));
const ROOT = resolve(argument('--root', resolve(import.meta.dirname, '..')));
const BODY = `{"padding":"${'x'.repeat(2.9 * 1024 * 1024)}"}`;

const rssMiB = (pid: number): number => Math.round(Number((/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8')))?.[1] ?? 0) / 1024);

const child = spawn(process.execPath, [...imageNodeFlags(), 'src/cli/main.ts', 'serve', '--port', '0', '--metrics-port', '0'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
let seen = '';
let port = 0;
for await (const chunk of child.stderr) {
  seen += String(chunk);
  const match = /admission on https:\/\/[\d.]+:(\d+)/.exec(seen);
  if (match?.[1] !== undefined) { port = Number(match[1]); child.stderr.resume(); break; }
}
const idle = rssMiB(child.pid ?? 0);
let exited: string | undefined;
child.once('exit', (code, signal) => { exited = `code ${code} signal ${signal}`; });
const rss = (pid: number): number => (exited === undefined ? rssMiB(pid) : 0);
let answered = 0;
let peak = idle;
const sampler = setInterval(() => { peak = Math.max(peak, rss(child.pid ?? 0)); }, 50);
const sockets = await Promise.all(Array.from({ length: CONNECTIONS }, () => new Promise<ReturnType<typeof connect>>((resolvePromise) => {
  const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false });
  socket.on('error', () => undefined);
  socket.once('data', () => { answered++; });
  socket.once('secureConnect', () => {
    socket.write(`POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${BODY.length}\r\n\r\n`);
    // All but the last byte: when the write is flushed to the kernel, the server has it or holds it back.
    socket.write(BODY.slice(0, -1), () => resolvePromise(socket));
  });
})));
await new Promise((r) => setTimeout(r, 3_000));
clearInterval(sampler);
process.stdout.write(`${JSON.stringify({ connections: CONNECTIONS, bodyMiB: 2.9, idleRssMiB: idle, peakRssMiB: peak, rssAfterSendMiB: rss(child.pid ?? 0), answeredWhileHeld: answered, serverExited: exited ?? false })}\n`);
for (const socket of sockets) socket.destroy();
if (exited === undefined) {
  child.kill('SIGTERM');
  await once(child, 'exit');
}
