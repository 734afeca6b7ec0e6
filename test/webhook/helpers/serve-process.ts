/** `stateguard serve` as a real child process on free loopback ports, with its log parsed line by line. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { MAIN } from '../../helpers/cli.ts';
import type { LogRecord } from './logs.ts';

const ROOT = resolve(import.meta.dirname, '../../..');

export interface Served {
  readonly child: ChildProcess;
  readonly records: LogRecord[];
  readonly ca: string;
  readonly admissionUrl: string;
  readonly metricsUrl: string;
  readonly stderr: () => string;
  /** Resolves with the first log record (present or future) that matches. */
  waitFor(match: (record: LogRecord) => boolean, what: string): Promise<LogRecord>;
  readonly exited: Promise<number | null>;
}

/** Starts `stateguard serve` with its CA written into `dir`; resolves once it logged its startup summary. */
export async function serveProcess(dir: string, extraArgs: readonly string[] = []): Promise<Served> {
  const caFile = join(dir, `ca-${Date.now()}.pem`);
  const child = spawn(process.execPath, [MAIN, 'serve', '--port', '0', '--metrics-port', '0', '--ca-out', caFile, ...extraArgs], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const records: LogRecord[] = [];
  const waiters: { match: (record: LogRecord) => boolean; resolve: (record: LogRecord) => void }[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const record = JSON.parse(line) as LogRecord;
    records.push(record);
    for (const waiter of waiters.filter((w) => w.match(record))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(record);
    }
  });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const waitFor = (match: (record: LogRecord) => boolean, what: string): Promise<LogRecord> => {
    const found = records.find(match);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolvePromise, reject) => {
      const timer = setTimeout(() => reject(new Error(`no log line: ${what}\nstderr: ${stderr}`)), 30_000);
      waiters.push({ match, resolve: (record) => { clearTimeout(timer); resolvePromise(record); } });
      void exited.then((code) => reject(new Error(`stateguard serve exited (${code}) before: ${what}\nstderr: ${stderr}`)));
    });
  };
  const serving = await waitFor((r) => r.msg === 'stateguard serving', 'startup summary');
  return {
    child, records, waitFor, exited, stderr: () => stderr,
    ca: readFileSync(caFile, 'utf8'),
    admissionUrl: String(serving['admission_url']),
    metricsUrl: String(serving['metrics_url']),
  };
}
