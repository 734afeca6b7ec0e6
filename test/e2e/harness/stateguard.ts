/**
 * `stateguard serve` as a real child process on free loopback ports, with a fresh self-signed certificate (or, given
 * a kubeconfig, the self-managed one it keeps in the cluster): what the e2e scenarios register as the API server's
 * admission webhooks.
 */
import { rmSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { registerCleanup } from './cleanup.ts';
import { logTail, startProcess } from './processes.ts';

const repoRoot = join(import.meta.dirname, '..', '..', '..');
const MAIN = join(repoRoot, 'src', 'cli', 'main.ts');
const defaultReadyTimeoutMs = 30_000;
/**
 * Bounded wait after SIGTERM before SIGKILL: the server answers for server.shutdownDrainMs (5 s) after SIGTERM, then
 * stops its cluster side (at most 5 s); nothing is in flight here, so 20 s is room, not a wait.
 */
const stopGraceMs = 20_000;
const keepDir = process.env.STATEGUARD_E2E_KEEP === '1';
const LISTENING = /stateguard: admission on (https:\/\/\S+) \(\/validate, \/mutate\); \/healthz, \/readyz, \/metrics on (http:\/\/\S+)/;

export interface StateguardOptions {
  /** A config file (YAML) to pass as --config. */
  configFile?: string;
  /** Or the config itself, written to a file in the server's directory (JSON is YAML). */
  config?: Record<string, unknown>;
  /**
   * Handed to the server as --kubeconfig, which turns its cluster features on: lookup caches (LOOKUP policies,
   * namespace labels), leader election, self-managed certificates (unless the config names certificate files; the
   * namespace `cluster.namespace` must exist) and the background audit. Without it the server runs offline, and
   * KUBECONFIG is unset either way.
   */
  kubeconfig?: string;
  /** More `serve` arguments. */
  args?: readonly string[];
  readyTimeoutMs?: number;
}

/** One pino JSON line of the server's log. */
export type LogLine = Record<string, unknown> & { msg?: string };

/** The one line each admission request ends in (src/webhook/decision-record.ts). */
export interface DecisionLine extends LogLine {
  webhook: 'validate' | 'mutate';
  uid: string;
  object: string;
  kind: string;
  operation: string;
  dry_run: boolean;
  decision: 'allow' | 'deny' | 'patch' | 'ignore';
  findings: Record<string, string>;
  mutated: string[];
  duration_ms: number;
}

export interface Stateguard {
  /** https://127.0.0.1:<port>: POST /validate and /mutate. */
  url: string;
  /** The CA (bundle) to trust, as --ca-out wrote it when the server was ready. */
  caPem: string;
  /** The --ca-out file: the server rewrites it when a self-managed certificate's CA bundle changes. */
  caPath: string;
  /** http://127.0.0.1:<port>: /healthz, /readyz, /metrics. */
  metricsUrl: string;
  pid: number;
  /** stdout and stderr of the server. */
  logPath: string;
  /** Every JSON log line so far (stderr's human lines are left out). */
  logs(): Promise<LogLine[]>;
  /** The admission decision lines so far, oldest first. */
  decisions(): Promise<DecisionLine[]>;
  /** Polls the log until a decision line matches (pino writes asynchronously, so a line may trail the response). */
  waitForDecision(what: string, match: (line: DecisionLine) => boolean, timeoutMs?: number): Promise<DecisionLine>;
  /** Polls the log until `count` decision lines match; returns all that match, oldest first. */
  waitForDecisions(what: string, match: (line: DecisionLine) => boolean, count: number, timeoutMs?: number): Promise<DecisionLine[]>;
  /** Why the process ended, or undefined while it runs. */
  exitReason(): string | undefined;
  /** SIGTERM, a bounded wait, then SIGKILL; removes its directory. Returns how the process ended. */
  stop(): Promise<string>;
}

export async function startStateguard(options: StateguardOptions = {}): Promise<Stateguard> {
  const dir = await mkdtemp(join(tmpdir(), 'stateguard-serve-'));
  const unregisterDirCleanup = registerCleanup(() => {
    if (!keepDir) rmSync(dir, { recursive: true, force: true });
  });
  const caPath = join(dir, 'ca.pem');
  const logPath = join(dir, 'stateguard.log');
  let configFile = options.configFile;
  if (options.config !== undefined) {
    configFile = join(dir, 'config.yaml');
    await writeFile(configFile, JSON.stringify(options.config, null, 2));
  }
  const args = [
    MAIN, 'serve', '--port', '0', '--metrics-port', '0', '--ca-out', caPath,
    ...(configFile === undefined ? [] : ['--config', configFile]),
    ...(options.kubeconfig === undefined ? [] : ['--kubeconfig', options.kubeconfig]),
    ...(options.args ?? []),
  ];
  // env(1) execs the server in place (same pid, same process group), so processes.ts needs no env option.
  const env = ['-u', 'KUBECONFIG', 'NO_COLOR=1'];
  const managed = startProcess('stateguard', 'env', [...env, process.execPath, ...args], logPath);

  const removeDir = async (): Promise<void> => {
    if (keepDir) console.error(`STATEGUARD_E2E_KEEP=1: kept ${dir}`);
    else await rm(dir, { recursive: true, force: true });
    unregisterDirCleanup();
  };
  const readLog = (): Promise<string> => readFile(logPath, 'utf8').catch(() => '');

  try {
    const timeoutMs = options.readyTimeoutMs ?? defaultReadyTimeoutMs;
    const deadline = Date.now() + timeoutMs;
    let urls: RegExpExecArray | null = null;
    for (;;) {
      const exitReason = managed.exitReason();
      if (exitReason !== undefined) throw new Error(`stateguard ended (${exitReason}) before it was ready`);
      urls ??= LISTENING.exec(await readLog());
      if (urls !== null && await isReady(`${urls[2]}/readyz`)) break;
      if (Date.now() > deadline) throw new Error(`stateguard was not ready within ${timeoutMs} ms`);
      await sleep(100);
    }
    const [, url, metricsUrl] = urls as unknown as [string, string, string];
    const caPem = await readFile(caPath, 'utf8');

    const logs = async (): Promise<LogLine[]> => (await readLog()).split('\n').flatMap((line) => {
      if (!line.startsWith('{')) return [];
      try {
        return [JSON.parse(line) as LogLine];
      } catch {
        return [];
      }
    });
    const decisions = async (): Promise<DecisionLine[]> => (await logs()).filter((line): line is DecisionLine => line.msg === 'admission decision');
    const waitForDecisions = async (what: string, match: (line: DecisionLine) => boolean, count: number, waitMs = 5_000): Promise<DecisionLine[]> => {
      const until = Date.now() + waitMs;
      for (;;) {
        const found = (await decisions()).filter(match);
        if (found.length >= count) return found;
        if (Date.now() > until) throw new Error(`${found.length} of ${count} stateguard decision line(s) for ${what} within ${waitMs} ms; last lines:\n${await logTail(logPath, 10)}`);
        await sleep(50);
      }
    };
    return {
      url,
      caPem,
      caPath,
      metricsUrl,
      pid: managed.pid,
      logPath,
      logs,
      decisions,
      async waitForDecision(what, match, waitMs) {
        const [first] = await waitForDecisions(what, match, 1, waitMs);
        return first as DecisionLine;
      },
      waitForDecisions,
      exitReason: () => managed.exitReason(),
      async stop() {
        await managed.stop(stopGraceMs);
        const reason = managed.exitReason() ?? 'unknown';
        await removeDir();
        return reason;
      },
    };
  } catch (error) {
    const tail = await logTail(logPath, 40);
    await managed.stop(stopGraceMs);
    await removeDir();
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`stateguard serve failed to start: ${message}\n--- last lines of its output ---\n${tail}`, { cause: error });
  }
}

async function isReady(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.text();
    return response.status === 200;
  } catch {
    return false;
  }
}

/** stateguard's own view: duration_ms of its decision lines per webhook (exact quantiles, nearest rank). */
export function formatDecisionDurations(lines: readonly DecisionLine[]): string[] {
  return (['mutate', 'validate'] as const).map((webhook) => {
    const durations = lines.filter((line) => line.webhook === webhook).map((line) => line.duration_ms).sort((a, b) => a - b);
    const at = (q: number): string => (durations.length === 0 ? 'n/a' : `${durations[Math.min(durations.length - 1, Math.ceil(q * durations.length) - 1)]?.toFixed(2)} ms`);
    const sum = durations.reduce((total, d) => total + d, 0);
    return `stateguard /${webhook} (decision log duration_ms): count ${durations.length}, sum ${(sum / 1000).toFixed(3)} s, p50 ${at(0.5)}, p99 ${at(0.99)}, max ${at(1)}`;
  });
}
