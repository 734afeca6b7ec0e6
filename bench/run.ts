/**
 * `npm run bench`: admission throughput and latency against a bare Node HTTPS baseline, engine rate, the CLI beside
 * kube-score on 10,000 real-shaped StatefulSets (bench/cli.ts), and server memory after 1 million requests. Prints a table and writes bench/results.json.
 *
 * Saturation is measured closed-loop with autocannon; latency at a fixed rate open-loop with bench/loadgen (Go),
 * which times each request from when it was due. autocannon's fixed-rate mode is not usable for that: it reports
 * whole milliseconds and gave the bare baseline a p99 of 149 ms at 1,000 req/s, where loadgen measures 1.7 ms.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { benchCli, formatCliBench, type CliBench } from './cli.ts';
import { benchEngine } from './engine.ts';
import { bodies } from './bodies.ts';
import { imageNodeFlags } from './image-node-flags.ts';

const ROOT = resolve(import.meta.dirname, '..');
const NODE = process.execPath;
const QUICK = process.argv.includes('--quick');
const SECONDS = QUICK ? 3 : 10;
const REPEATS = QUICK ? 1 : 3;
const CONNECTIONS = 64;
const MEMORY_REQUESTS = QUICK ? 100_000 : 1_000_000;

interface Load { requests: number; rps: number; errors: number; latencyMs: { p50: number; p99: number; p999: number; max: number } }

const LOADGEN = join(ROOT, '.cache/bench-bin/loadgen');

/** Builds bench/loadgen (Go standard library only: no module downloads) into .cache/bench-bin. */
function buildLoadgen(): void {
  const result = spawnSync('go', ['build', '-o', LOADGEN, '.'], { cwd: join(ROOT, 'bench/loadgen'), encoding: 'utf8' });
  if (result.error !== undefined) throw new Error(`building bench/loadgen needs Go on PATH: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`go build of bench/loadgen failed: ${result.stderr}`);
}

/** Open-loop load at a fixed rate: latency percentiles measured from each request's due time. */
function fixedRate(url: string, bodiesFile: string, rate: number): Load {
  const result = spawnSync(LOADGEN, ['-url', url, '-bodies', bodiesFile, '-rate', String(rate), '-duration', String(SECONDS), '-connections', String(CONNECTIONS)], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`loadgen failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as Load;
}

/** CPU seconds (user + system, all threads) a process has used so far. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Starts a server; its stdout (the decision log) goes to `logFile`, as a container runtime writes it to a file. */
async function startChild(args: string[], ready: RegExp, logFile: string): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  const child = spawn(NODE, args, { cwd: ROOT, stdio: ['ignore', openSync(logFile, 'w'), 'pipe'] });
  let seen = '';
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args.join(' ')} did not start: ${seen}`)), 30_000);
    const onData = (chunk: Buffer): void => {
      seen += chunk.toString('utf8');
      const match = ready.exec(seen);
      if (!match) return;
      clearTimeout(timer);
      child.stderr?.off('data', onData);
      child.stderr?.resume();
      resolvePromise({ child, match });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`${args.join(' ')} exited with ${code}: ${seen}`)); });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  child.removeAllListeners('exit');
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

function load(url: string, bodiesFile: string, options: { durationSeconds?: number; amount?: number }): Load {
  const spec = JSON.stringify({ url, bodiesFile, connections: CONNECTIONS, ...options });
  const result = spawnSync(NODE, [join(ROOT, 'bench/load.ts'), spec], { encoding: 'utf8', env: { ...process.env, NODE_TLS_REJECT_UNAUTHORIZED: '0' }, maxBuffer: 16 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`load generator failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as Load;
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

function stats(values: readonly number[]): { mean: number; spread: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return { mean, spread: values.length < 2 ? 0 : (Math.max(...values) - Math.min(...values)) / mean };
}

interface Saturation { rps: number; spread: number; errors: number; cpuMicrosPerRequest: number; runs: Load[] }

/** Closed-loop saturation, and the server's CPU time per request over the same runs (steadier than req/s here). */
function saturation(url: string, file: string, pid: number): Saturation {
  load(url, file, { durationSeconds: 3 }); // Warm-up, not measured: connections, JIT, heap sizing.
  const cpuBefore = cpuSeconds(pid);
  const runs = Array.from({ length: REPEATS }, () => load(url, file, { durationSeconds: SECONDS }));
  const cpu = cpuSeconds(pid) - cpuBefore;
  const { mean, spread } = stats(runs.map((r) => r.rps));
  const requests = runs.reduce((sum, r) => sum + r.requests, 0);
  return { rps: mean, spread, errors: runs.reduce((sum, r) => sum + r.errors, 0), cpuMicrosPerRequest: (cpu * 1e6) / requests, runs };
}

/** The production form, as the container image runs it: compiled JavaScript, not TypeScript stripped at load. */
const CLI = join(ROOT, 'dist/cli/main.js');

async function main(): Promise<void> {
  const build = spawnSync(join(ROOT, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`npm run build failed: ${build.stdout}${build.stderr}`);
  buildLoadgen();
  const work = mkdtempSync(join(tmpdir(), 'stateguard-bench-'));
  const set = bodies();
  const files = { mixed: join(work, 'mixed.json'), clean: join(work, 'clean.json') };
  writeFileSync(files.mixed, JSON.stringify(set.mixed));
  writeFileSync(files.clean, JSON.stringify([set.clean]));

  const baseline = await startChild([join(ROOT, 'bench/baseline-server.ts')], /^(\d+)$/m, join(work, 'baseline.log'));
  const baselineUrl = `https://127.0.0.1:${baseline.match[1]}/`;
  // As the container image runs it (its Node flags), with default logging (info: one decision line per request).
  const server = await startChild([...imageNodeFlags(), CLI, 'serve', '--port', '0', '--metrics-port', '0'], /admission on (https:\/\/[\d.:]+)/, join(work, 'stateguard.log'));
  const admission = server.match[1] ?? '';
  try {
    const base = saturation(baselineUrl, files.mixed, baseline.child.pid ?? 0);
    const validate = saturation(`${admission}/validate`, files.mixed, server.child.pid ?? 0);
    const mutate = saturation(`${admission}/mutate`, files.mixed, server.child.pid ?? 0);
    const rate = Math.round(base.rps / 2);
    const latency = {
      baseline: fixedRate(baselineUrl, files.mixed, rate),
      validate: fixedRate(`${admission}/validate`, files.mixed, rate),
      mutate: fixedRate(`${admission}/mutate`, files.mixed, rate),
    };
    // The same at half of each webhook's own saturation: latency when it is loaded but not overloaded.
    const ownHalf = { validate: Math.round(validate.rps / 2), mutate: Math.round(mutate.rps / 2) };
    const latencyAtOwnHalf = {
      baseline: fixedRate(baselineUrl, files.mixed, ownHalf.validate),
      validate: fixedRate(`${admission}/validate`, files.mixed, ownHalf.validate),
      mutate: fixedRate(`${admission}/mutate`, files.mixed, ownHalf.mutate),
    };
    await stopChild(baseline.child);

    const memory: { requests: number; rssMiB: number }[] = [{ requests: 0, rssMiB: rssMiB(server.child.pid ?? 0) }];
    const step = MEMORY_REQUESTS / 4;
    for (let done = step; done <= MEMORY_REQUESTS; done += step) {
      load(`${admission}/validate`, files.mixed, { amount: step });
      memory.push({ requests: done, rssMiB: rssMiB(server.child.pid ?? 0) });
    }
    await stopChild(server.child);

    const engine = benchEngine(QUICK ? 1000 : 3000, REPEATS);
    const cli = benchCli(work, REPEATS);

    const results = {
      machine: { cpus: (await import('node:os')).cpus().length, node: process.version, quick: QUICK, date: new Date().toISOString() },
      webhook: {
        saturation: {
          baseline: { rps: base.rps, spread: base.spread, errors: base.errors, cpuMicrosPerRequest: base.cpuMicrosPerRequest },
          validate: { rps: validate.rps, spread: validate.spread, errors: validate.errors, cpuMicrosPerRequest: validate.cpuMicrosPerRequest, ratio: validate.rps / base.rps },
          mutate: { rps: mutate.rps, spread: mutate.spread, errors: mutate.errors, cpuMicrosPerRequest: mutate.cpuMicrosPerRequest, ratio: mutate.rps / base.rps },
        },
        latencyAtHalfBaseline: { rate, ...latency },
        latencyAtHalfOwnSaturation: { rates: { baseline: ownHalf.validate, ...ownHalf }, ...latencyAtOwnHalf },
      },
      engine: { evaluationsPerSecond: engine.evaluationsPerSecond, rounds: engine.rounds },
      cli,
      memory,
    };
    writeFileSync(join(ROOT, 'bench/results.json'), JSON.stringify(results, null, 2) + '\n');
    printTable(results);
  } finally {
    await stopChild(baseline.child).catch(() => undefined);
    await stopChild(server.child).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }
}

interface Printable {
  webhook: {
    saturation: Record<string, { rps: number; spread: number; cpuMicrosPerRequest: number; ratio?: number }>;
    latencyAtHalfBaseline: { rate: number } & Record<string, unknown>;
    latencyAtHalfOwnSaturation: { rates: Record<string, number> } & Record<string, unknown>;
  };
  engine: { evaluationsPerSecond: number };
  cli: CliBench;
  memory: { requests: number; rssMiB: number }[];
}

function printTable(r: Printable): void {
  const lines = ['| measure | baseline | /validate | /mutate |', '|---|---|---|---|'];
  const sat = r.webhook.saturation;
  const fmt = (x: { rps: number; spread: number; ratio?: number } | undefined): string => x === undefined ? '' : `${Math.round(x.rps)} req/s ±${(x.spread * 50).toFixed(1)}%${x.ratio === undefined ? '' : ` (${(x.ratio * 100).toFixed(0)}%)`}`;
  lines.push(`| saturation (${CONNECTIONS} connections, keep-alive) | ${fmt(sat['baseline'])} | ${fmt(sat['validate'])} | ${fmt(sat['mutate'])} |`);
  lines.push(`| server CPU per request at saturation | ${['baseline', 'validate', 'mutate'].map((k) => `${Math.round(sat[k]?.cpuMicrosPerRequest ?? 0)} µs`).join(' | ')} |`);
  const lat = (l: Load): string => `${l.latencyMs.p50} / ${l.latencyMs.p99} / ${l.latencyMs.p999} ms${l.errors > 0 ? ` (${l.errors} errors)` : ''}`;
  const half = r.webhook.latencyAtHalfBaseline;
  lines.push(`| p50 / p99 / p99.9 at ${half.rate} req/s (half the baseline) | ${['baseline', 'validate', 'mutate'].map((k) => lat(half[k] as Load)).join(' | ')} |`);
  const own = r.webhook.latencyAtHalfOwnSaturation;
  lines.push(`| p50 / p99 / p99.9 at half its own saturation (${own.rates['validate']} / ${own.rates['mutate']} req/s) | ${['baseline', 'validate', 'mutate'].map((k) => lat(own[k] as Load)).join(' | ')} |`);
  process.stdout.write(`${lines.join('\n')}\n\n`);
  process.stdout.write(`engine: ${Math.round(r.engine.evaluationsPerSecond)} evaluations/s (one core, corpus, all built-in policies)\n`);
  process.stdout.write(formatCliBench(r.cli));
  process.stdout.write(`server RSS: ${r.memory.map((m) => `${m.requests / 1000}k → ${m.rssMiB.toFixed(0)} MiB`).join(', ')}\n`);
}

await main();
