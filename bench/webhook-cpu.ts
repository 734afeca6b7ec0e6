/**
 * `node bench/webhook-cpu.ts`: the server CPU time per admission request, stateguard against the bare baseline,
 * interleaved round by round so that both see the same load from the rest of the machine (on shared cores the
 * absolute numbers move by 2× between minutes; the ratio in one run moves much less). Uses the compiled server
 * (`npm run build` first) with the image's Node flags (each tree its own Dockerfile's), the bench bodies and autocannon
 * as `npm run bench` does.
 *
 *   --seconds N      length of each run (default 10)
 *   --rounds N       rounds of baseline, /validate, /mutate (default 3)
 *   --compare DIR    also a second stateguard tree (its dist/), e.g. a `git worktree` of the commit before
 *   --cpu-prof DIR   run the server under --cpu-prof, writing the profile to DIR when it exits
 *
 * Prints, per target, CPU µs per request (each round and the median), req/s, and the ratios to the baseline; then
 * the server's RSS and the load average.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { bodies } from './bodies.ts';
import { imageNodeFlags } from './image-node-flags.ts';

const ROOT = resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, rounds: { type: 'string', default: '3' }, compare: { type: 'string' }, 'cpu-prof': { type: 'string' } } });
const SECONDS = Number(args.seconds);
const ROUNDS = Number(args.rounds);

interface Server { readonly child: ChildProcess; readonly url: string }

function start(argv: string[], ready: RegExp, log: string, url: (match: RegExpExecArray) => string): Promise<Server> {
  const child = spawn(process.execPath, argv, { cwd: ROOT, stdio: ['ignore', openSync(log, 'w'), 'pipe'] });
  let seen = '';
  return new Promise((resolvePromise, reject) => {
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString('utf8');
      const match = ready.exec(seen);
      if (!match) return;
      child.stderr?.off('data', onData);
      child.stderr?.resume();
      child.removeAllListeners('exit');
      resolvePromise({ child, url: url(match) });
    };
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${argv.join(' ')} exited with ${code}: ${seen}`)));
  });
}

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function rssMiB(pid: number): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
}

function load(url: string, bodiesFile: string, durationSeconds: number): { requests: number; rps: number; errors: number } {
  const spec = JSON.stringify({ url, bodiesFile, connections: 64, durationSeconds });
  const result = spawnSync(process.execPath, [join(ROOT, 'bench/load.ts'), spec], { encoding: 'utf8', env: { ...process.env, NODE_TLS_REJECT_UNAUTHORIZED: '0' } });
  if (result.status !== 0) throw new Error(`load generator failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as { requests: number; rps: number; errors: number };
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

const work = mkdtempSync(join(tmpdir(), 'stateguard-webhook-cpu-'));
const bodiesFile = join(work, 'mixed.json');
writeFileSync(bodiesFile, JSON.stringify(bodies().mixed));
// Each tree as its own image runs it: the Node flags of its Dockerfile.
const serve = (tree: string, profile: boolean): string[] => [...imageNodeFlags(join(tree, 'Dockerfile')), ...(profile && args['cpu-prof'] !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${args['cpu-prof']}`] : []), join(tree, 'dist/cli/main.js'), 'serve', '--port', '0', '--metrics-port', '0'];
const admission = /admission on (https:\/\/[\d.:]+)/;
const servers: Record<string, Server> = {
  baseline: await start([join(ROOT, 'bench/baseline-server.ts')], /^(\d+)$/m, join(work, 'baseline.log'), (m) => `https://127.0.0.1:${m[1]}/`),
  stateguard: await start(serve(ROOT, true), admission, join(work, 'stateguard.log'), (m) => m[1] ?? ''),
};
if (args.compare !== undefined) servers['compared'] = await start(serve(resolve(args.compare), false), admission, join(work, 'compared.log'), (m) => m[1] ?? '');

const targets: { name: string; server: Server; url: string }[] = [{ name: 'baseline', server: servers['baseline'] as Server, url: servers['baseline']?.url ?? '' }];
for (const webhook of ['validate', 'mutate']) {
  for (const key of ['compared', 'stateguard']) {
    const server = servers[key];
    if (server !== undefined) targets.push({ name: `${key === 'compared' ? 'compared ' : ''}/${webhook}`, server, url: `${server.url}/${webhook}` });
  }
}
try {
  for (const target of targets) load(target.url, bodiesFile, 3); // Warm-up: connections, JIT, heap sizing.
  const runs = new Map<string, { micros: number[]; rps: number[]; errors: number }>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const target of targets) {
      const pid = target.server.child.pid ?? 0;
      const before = cpuSeconds(pid);
      const result = load(target.url, bodiesFile, SECONDS);
      const entry = runs.get(target.name) ?? { micros: [], rps: [], errors: 0 };
      entry.micros.push(((cpuSeconds(pid) - before) * 1e6) / result.requests);
      entry.rps.push(result.rps);
      entry.errors += result.errors;
      runs.set(target.name, entry);
    }
  }
  const base = runs.get('baseline');
  for (const [name, entry] of runs) {
    const micros = median(entry.micros);
    const rps = median(entry.rps);
    const ratios = base === undefined || name === 'baseline' ? '' : `, CPU ${(micros / median(base.micros)).toFixed(2)}× the baseline's, ${((100 * rps) / median(base.rps)).toFixed(0)}% of its req/s`;
    process.stdout.write(`${name.padEnd(20)} ${Math.round(micros)} µs/request [${entry.micros.map((m) => Math.round(m)).join(', ')}], ${Math.round(rps)} req/s${ratios}${entry.errors > 0 ? `, ${entry.errors} errors` : ''}\n`);
  }
  process.stdout.write(`stateguard RSS ${rssMiB(servers['stateguard']?.child.pid ?? 0).toFixed(0)} MiB; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
} finally {
  for (const server of Object.values(servers)) {
    server.child.kill('SIGTERM');
    if (server.child.exitCode === null) await once(server.child, 'exit');
  }
  rmSync(work, { recursive: true, force: true });
}
