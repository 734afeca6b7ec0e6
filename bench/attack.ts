/**
 * `node bench/attack.ts`: the amplification and depth attacks of issue #11 (items 3 and 4) against a real server
 * (`stateguard serve` over TLS, with the image's Node flags). Looping senders post attack bodies while one sender
 * posts a clean AdmissionReview in between, each attack against a fresh server; prints the server's peak RSS, each attack's status and response size,
 * and the latency of the clean requests. `--seconds N` per phase (default 10), `--senders N` (default 8), `--only NAME`,
 * `--config FILE` (a config file for the server), `--root DIR` (the server's source tree, e.g. `git archive <commit> | tar -x -C DIR` to measure before a change).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { admissionReview } from './bodies.ts';
import { imageNodeFlags } from './image-node-flags.ts';
import { seed } from '../test/helpers/seed.ts';

const ROOT = resolve(import.meta.dirname, '..');
const argument = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(name);
  return index === -1 ? fallback : Number(process.argv[index + 1]);
};
const SECONDS = argument('--seconds', 10);
const SENDERS = argument('--senders', 8);
/** The source tree of the server under test (`--root`, e.g. an export of an earlier commit); this one by default. */
const SERVER_ROOT = process.argv.includes('--root') ? resolve(process.argv[process.argv.indexOf('--root') + 1] ?? '.') : ROOT;
/** `--config FILE`: a config file for the server (e.g. another `server.bodyBudgetBytes`). */
const CONFIG = process.argv.includes('--config') ? resolve(process.argv[process.argv.indexOf('--config') + 1] ?? '') : undefined;
const ONLY = process.argv.indexOf('--only') === -1 ? undefined : process.argv[process.argv.indexOf('--only') + 1];

const good = parse(readFileSync(resolve(ROOT, 'policies/tests/good-statefulset.yaml'), 'utf8')) as Record<string, unknown>;

function withClaims(claims: unknown[]): Record<string, unknown> {
  return { ...good, spec: { ...(good['spec'] as object), volumeClaimTemplates: claims } };
}

/** JSON.stringify itself overflows the stack on such depths: the nesting is spliced in as text. */
const DEEP = '"@deep@"';
function deepen(body: string, depth: number): string {
  return body.replaceAll(DEEP, `${'{"n":'.repeat(depth)}"leaf"${'}'.repeat(depth)}`);
}

function update(object: Record<string, unknown>, oldObject: Record<string, unknown>): string {
  const review = JSON.parse(admissionReview(object)) as { request: Record<string, unknown> };
  review.request['operation'] = 'UPDATE';
  review.request['oldObject'] = oldObject;
  return JSON.stringify(review);
}

/** Each attack: a route and a body under the 3 MiB body limit. */
const ATTACKS: Record<string, { route: string; body: string }> = {
  'claims-14884': { route: '/validate', body: admissionReview(withClaims(Array.from({ length: 14_884 }, (_, i) => ({ metadata: { name: `c${i}` }, spec: { accessModes: ['ReadWriteOnce'] } })))) },
  'empty-claims-100k': { route: '/validate', body: admissionReview(withClaims(Array.from({ length: 100_000 }, () => ({})))) },
  // The same 100k-value body refused before the engine sees it (another apiVersion → 400): the webhook layer's share.
  'empty-claims-100k-bad-api-version': { route: '/validate', body: admissionReview(withClaims(Array.from({ length: 100_000 }, () => ({})))).replace('"admission.k8s.io/v1"', '"admission.k8s.io/v0"') },
  // The longest list an object may hold and still be evaluated (MAX_ITEMS): the worst case after the limits.
  'empty-claims-at-limit': { route: '/validate', body: admissionReview(withClaims(Array.from({ length: 500 }, () => ({})))) },
  // The largest body under the limit that parses into the most objects (1M empty claim templates, 2.9 MiB).
  'empty-claims-1m': { route: '/validate', body: admissionReview(withClaims(Array.from({ length: 1_000_000 }, () => ({})))) },
  'empty-claims-100k-mutate': { route: '/mutate', body: admissionReview(withClaims(Array.from({ length: 100_000 }, () => ({})))) },
  'deep-8000-mutate': { route: '/mutate', body: deepen(admissionReview({ ...seed(), extra: '@deep@' }), 8_000) },
  'deep-update-immutable': { route: '/mutate', body: deepen(update({ ...good, spec: { ...(good['spec'] as object), serviceName: 'other', extra: '@deep@' } }, { ...good, spec: { ...(good['spec'] as object), extra: '@deep@' } }), 9_000) },
};
const CLEAN = admissionReview(good);
// The reference: the same senders with clean reviews only.
ATTACKS['clean-baseline'] = { route: '/validate', body: CLEAN };

const agent = new Agent({ keepAlive: true, rejectUnauthorized: false, maxSockets: SENDERS + 2 });

interface Answer { status: number; bytes: number; ms: number; allowed?: boolean; message?: string }

function post(base: URL, route: string, body: string): Promise<Answer> {
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const req = request(new URL(route, base), { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const answer: Answer = { status: res.statusCode ?? 0, bytes: Buffer.byteLength(text), ms: performance.now() - started };
        try {
          const parsed = JSON.parse(text) as { response?: { allowed?: boolean; status?: { message?: string } }; message?: string };
          if (parsed.response?.allowed !== undefined) answer.allowed = parsed.response.allowed;
          const message = parsed.response?.status?.message ?? parsed.message;
          if (message !== undefined) answer.message = message.slice(0, 160);
        } catch { /* reported by status */ }
        resolvePromise(answer);
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:')) ?? '';
  return Math.round(Number(line.replace(/\D+/g, '')) / 1024);
}

/** The V8 heap (used and total) and Node's external memory from the server's /metrics, in MiB. */
async function heapMiB(metrics: URL): Promise<{ used: number; total: number; external: number }> {
  const text = await (await fetch(new URL('/metrics', metrics))).text();
  const value = (name: string): number => Math.round(Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? 0) / 1024 / 1024);
  return { used: value('nodejs_heap_size_used_bytes'), total: value('nodejs_heap_size_total_bytes'), external: value('nodejs_external_memory_bytes') };
}

async function start(): Promise<{ child: ChildProcess; base: URL; metrics: URL }> {
  const child = spawn(process.execPath, [...imageNodeFlags(), 'src/cli/main.ts', 'serve', '--port', '0', '--metrics-port', '0', ...(CONFIG === undefined ? [] : ['--config', CONFIG])], { cwd: SERVER_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let seen = '';
  for await (const chunk of child.stderr ?? []) {
    seen += String(chunk);
    const match = /admission on (https:\/\/[\d.:]+).*on (http:\/\/[\d.:]+)/.exec(seen);
    if (match?.[1] !== undefined && match[2] !== undefined) { child.stderr?.resume(); return { child, base: new URL(match[1]), metrics: new URL(match[2]) }; }
  }
  throw new Error(`the server did not start: ${seen}`);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round((sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0) * 10) / 10;
}

async function phase(base: URL, metrics: URL, pid: number, name: string): Promise<void> {
  const attack = ATTACKS[name];
  if (attack === undefined) return;
  const idle = rssMiB(pid);
  const first = await post(base, attack.route, attack.body);
  const deadline = performance.now() + SECONDS * 1000;
  let peak = rssMiB(pid);
  const sampler = setInterval(() => { peak = Math.max(peak, rssMiB(pid)); }, 50);
  // The heap at its largest seen (sampled less often: a scrape costs the server work too).
  const heap = { used: 0, total: 0, external: 0 };
  const heapSampler = setInterval(() => {
    void heapMiB(metrics).then((h) => { heap.used = Math.max(heap.used, h.used); heap.total = Math.max(heap.total, h.total); heap.external = Math.max(heap.external, h.external); }, () => undefined);
  }, 500);
  let attacks = 0;
  const statuses = new Set<number>();
  const senders = Array.from({ length: SENDERS }, async () => {
    while (performance.now() < deadline) {
      const answer = await post(base, attack.route, attack.body).catch(() => ({ status: -1, bytes: 0, ms: 0 }));
      statuses.add(answer.status);
      attacks++;
    }
  });
  const clean: number[] = [];
  while (performance.now() < deadline) {
    const answer = await post(base, '/validate', CLEAN);
    if (answer.status !== 200) throw new Error(`a clean request got ${answer.status}`);
    clean.push(answer.ms);
    await new Promise((r) => setTimeout(r, 20));
  }
  await Promise.all(senders);
  clearInterval(sampler);
  clearInterval(heapSampler);
  process.stdout.write(`${JSON.stringify({
    attack: name, route: attack.route, idleRssMiB: idle, bodyKiB: Math.round(attack.body.length / 1024), status: first.status, allowed: first.allowed,
    responseBytes: first.bytes, message: first.message, attacksSent: attacks, attackStatuses: [...statuses],
    peakRssMiB: peak, peakHeapMiB: heap, cleanRequests: clean.length, cleanMs: { p50: percentile(clean, 0.5), p99: percentile(clean, 0.99), max: percentile(clean, 1) },
  })}\n`);
}

/** Each attack against a fresh server, so that one phase's heap growth is not counted in the next. */
try {
  process.stdout.write(`${JSON.stringify({ senders: SENDERS, secondsPerPhase: SECONDS })}\n`);
  for (const name of Object.keys(ATTACKS).filter((n) => ONLY === undefined || n === ONLY)) {
    const { child, base, metrics } = await start();
    try {
      await phase(base, metrics, child.pid ?? 0, name);
    } finally {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  }
} finally {
  agent.destroy();
}
