/**
 * The CLI section of `npm run bench`: `stateguard review` beside kube-score v1.20.0 on 10,000 real-shaped
 * StatefulSets (bench/cli-inputs.ts), wall time and peak RSS from /usr/bin/time, median of interleaved runs, and the
 * start-up figure (one StatefulSet). kube-score is built with `go install` into .cache/tools (kept between runs).
 * Run alone: `node bench/cli.ts [--quick]` (it builds dist/ first).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { writeCliInputs, type CliInputs } from './cli-inputs.ts';

const ROOT = resolve(import.meta.dirname, '..');
const KUBE_SCORE_VERSION = 'v1.20.0';
const KUBE_SCORE_DIR = join(ROOT, '.cache/tools', `kube-score-${KUBE_SCORE_VERSION}`);
const KUBE_SCORE = join(KUBE_SCORE_DIR, 'kube-score');
/** What a user runs: the package's bin, which runs the compiled dist/ when it is built. */
const STATEGUARD = join(ROOT, 'bin/stateguard.js');

/** Wall seconds, CPU seconds (user + system, all threads: steadier than wall time on a loaded machine), peak RSS. */
export interface Run { readonly seconds: number; readonly cpuSeconds: number; readonly peakRssMiB: number; readonly exitCode: number | null }
export interface ToolFigures { readonly runs: readonly Run[]; readonly medianSeconds: number; readonly medianCpuSeconds: number; readonly peakRssMiB: number }
export interface CliBench {
  readonly corpus: CliInputs['corpus'];
  readonly documents: number;
  readonly repeats: number;
  readonly loadAverage: readonly number[];
  readonly layouts: Record<string, { stateguard: ToolFigures; kubeScore: ToolFigures; ratio: number }>;
  readonly smallLayoutPeakRssMiB: number;
  readonly startup: { stateguard: ToolFigures; kubeScore: ToolFigures };
}

/** Builds kube-score once into .cache/tools (the Go module proxy serves it); a later bench reuses the binary. */
export function buildKubeScore(): string {
  if (existsSync(KUBE_SCORE)) return KUBE_SCORE;
  const result = spawnSync('go', ['install', `github.com/zegl/kube-score/cmd/kube-score@${KUBE_SCORE_VERSION}`], { env: { ...process.env, GOBIN: KUBE_SCORE_DIR }, encoding: 'utf8' });
  if (result.error !== undefined) throw new Error(`building kube-score needs Go on PATH: ${result.error.message}`);
  if (result.status !== 0 || !existsSync(KUBE_SCORE)) throw new Error(`go install of kube-score ${KUBE_SCORE_VERSION} failed: ${result.stderr}`);
  return KUBE_SCORE;
}

/** One timed run: wall seconds and peak RSS from GNU time; stdout is discarded (both tools still format it). */
function timed(command: string, args: readonly string[], work: string): Run {
  const out = join(work, 'time.txt');
  const result = spawnSync('/usr/bin/time', ['-o', out, '-f', '%e %U %S %M', command, ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error !== undefined) throw new Error(`${command} could not run: ${result.error.message}`);
  // Both exit 1 when they find something to deny; anything else means the run did not review.
  if (result.stderr.startsWith('Failed to')) throw new Error(`${command} did not review: ${result.stderr.slice(0, 2000)}`);
  if (result.status !== 0 && result.status !== 1) throw new Error(`${command} ${args.slice(0, 3).join(' ')} … exited ${result.status}: ${result.stderr.slice(-2000)}`);
  const [seconds, user, system, kib] = readFileSync(out, 'utf8').trim().split('\n').pop()?.split(' ').map(Number) ?? [];
  return { seconds: seconds ?? NaN, cpuSeconds: (user ?? NaN) + (system ?? NaN), peakRssMiB: (kib ?? NaN) / 1024, exitCode: result.status };
}

function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
}

function figures(runs: Run[]): ToolFigures {
  return { runs, medianSeconds: median(runs.map((r) => r.seconds)), medianCpuSeconds: median(runs.map((r) => r.cpuSeconds)), peakRssMiB: Math.max(...runs.map((r) => r.peakRssMiB)) };
}

export function benchCli(work: string, repeats = 3): CliBench {
  const kubeScore = buildKubeScore();
  // kube-score refuses a whole run over one document that is not a valid object (a boolean in a container's args).
  const probe = join(work, 'probe.yaml');
  const inputs = writeCliInputs(work, (text) => {
    writeFileSync(probe, text);
    return spawnSync(kubeScore, ['score', probe], { encoding: 'utf8' }).stderr === '';
  });
  const stateguard = (paths: readonly string[]): [string, string[]] => [process.execPath, [STATEGUARD, 'review', ...paths]];
  const score = (files: readonly string[]): [string, string[]] => [kubeScore, ['score', ...files]];
  const layouts: CliBench['layouts'] = {};
  const runs: Record<string, { stateguard: Run[]; kubeScore: Run[] }> = {};
  for (const name of ['multi', 'single'] as const) runs[name] = { stateguard: [], kubeScore: [] };
  const startup = { stateguard: [] as Run[], kubeScore: [] as Run[] };
  for (let r = 0; r < repeats; r++) {
    // Interleaved, alternating which goes first, so a change in the machine's load falls on both.
    for (const name of ['multi', 'single'] as const) {
      const layout = inputs.layouts[name];
      const entry = runs[name];
      if (entry === undefined) continue;
      const pair = [() => entry.stateguard.push(timed(...stateguard([layout.dir]), work)), () => entry.kubeScore.push(timed(...score(layout.files), work))];
      for (const run of r % 2 === 0 ? pair : pair.reverse()) run();
    }
    for (let s = 0; s < 2; s++) {
      startup.stateguard.push(timed(...stateguard([inputs.one]), work));
      startup.kubeScore.push(timed(...score([inputs.one]), work));
    }
  }
  for (const [name, entry] of Object.entries(runs)) {
    const sg = figures(entry.stateguard);
    const ks = figures(entry.kubeScore);
    layouts[name] = { stateguard: sg, kubeScore: ks, ratio: ks.medianSeconds / sg.medianSeconds };
  }
  const small = timed(...stateguard([inputs.layouts.small.dir]), work);
  return {
    corpus: inputs.corpus,
    documents: inputs.documents,
    repeats,
    loadAverage: loadavg(),
    layouts,
    smallLayoutPeakRssMiB: small.peakRssMiB,
    startup: { stateguard: figures(startup.stateguard), kubeScore: figures(startup.kubeScore) },
  };
}

export function formatCliBench(b: CliBench): string {
  const lines = [
    `cli: ${b.documents} StatefulSets copied from the ${b.corpus.id} corpus (${b.corpus.statefulSets} StatefulSets, ${b.corpus.dir}${b.corpus.leftOut.length === 0 ? '' : `; left out, kube-score cannot read them: ${b.corpus.leftOut.join(', ')}`}); median of ${b.repeats} interleaved runs; load average ${b.loadAverage.map((l) => l.toFixed(2)).join(' ')}`,
    '| tool (wall time, CPU time in brackets) | 100 files × 100 docs | 10,000 files | peak RSS | one StatefulSet (start-up) |',
    '|---|---|---|---|---|',
  ];
  const row = (label: string, key: 'stateguard' | 'kubeScore'): string => {
    const m = b.layouts['multi']?.[key];
    const s = b.layouts['single']?.[key];
    const rss = [m?.peakRssMiB ?? NaN, s?.peakRssMiB ?? NaN];
    const time = (f: ToolFigures | undefined): string => `${f?.medianSeconds.toFixed(2)} s (${f?.medianCpuSeconds.toFixed(2)} s)`;
    return `| ${label} | ${time(m)} | ${time(s)} | ${Math.min(...rss).toFixed(0)}–${Math.max(...rss).toFixed(0)} MiB | ${time(b.startup[key])} |`;
  };
  lines.push(row('kube-score 1.20.0', 'kubeScore'), row('stateguard review', 'stateguard'));
  lines.push(`stateguard vs kube-score: ${b.layouts['multi']?.ratio.toFixed(2)}× (100 × 100), ${b.layouts['single']?.ratio.toFixed(2)}× (10,000 files) as fast; peak RSS on ${b.documents / 10} documents: ${b.smallLayoutPeakRssMiB.toFixed(0)} MiB`);
  return `${lines.join('\n')}\n`;
}

if (import.meta.main) {
  const build = spawnSync(join(ROOT, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`npm run build failed: ${build.stdout}${build.stderr}`);
  const work = mkdtempSync(join(tmpdir(), 'stateguard-cli-bench-'));
  try {
    const result = benchCli(work, process.argv.includes('--quick') ? 1 : 3);
    process.stdout.write(formatCliBench(result));
    if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
