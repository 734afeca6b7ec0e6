/**
 * Runs the `stateguard` CLI inside the test process: `main()` of src/cli/main.ts with a CommandIo that collects
 * stdout and stderr and reads stdin from `input`, process.exitCode read and restored. Same options and result shape
 * as runCli (test/helpers/cli.ts), in milliseconds instead of a Node start-up per call. For the behaviour of the
 * commands; what is about the process (a real pipe or device as stdin, closed pipes, signals, heap limits, start-up)
 * stays with runCli. Calls are serialised: the working directory, the environment and the exit code are process-wide.
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CommandIo } from '../../src/cli/review.ts';
import { readLimited } from '../../src/cli/read-sources.ts';
import type { CliResult } from './cli.ts';

const ROOT = resolve(import.meta.dirname, '../..');

export interface InProcessOptions {
  /** What stdin holds; read through the CLI's own reader (readLimited), from a file instead of a pipe. */
  readonly input?: string | Buffer;
  /** The working directory during the run; default: the repository root, as runCli. */
  readonly cwd?: string;
  /** Variables set (or, with undefined, removed) during the run, over NO_COLOR=1. */
  readonly env?: NodeJS.ProcessEnv;
}

let queue: Promise<unknown> = Promise.resolve();

export function runCliInProcess(args: readonly string[], options: InProcessOptions = {}): Promise<CliResult> {
  const run = queue.then(() => capture(args, options));
  queue = run.catch(() => undefined);
  return run;
}

async function capture(args: readonly string[], options: InProcessOptions): Promise<CliResult> {
  const { main } = await import('../../src/cli/main.ts');
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io: CommandIo = {
    stdout: (text) => { stdout.push(text); },
    stderr: (text) => { stderr.push(text); },
    stdin: (maxBytes) => readInput(options.input ?? '', maxBytes),
  };
  const savedExitCode = process.exitCode;
  const savedCwd = process.cwd();
  const env: NodeJS.ProcessEnv = { NO_COLOR: '1', ...options.env };
  const savedEnv = Object.fromEntries(Object.keys(env).map((key) => [key, process.env[key]]));
  process.exitCode = undefined;
  setEnv(env);
  process.chdir(options.cwd ?? ROOT);
  try {
    await main(args, io);
    return { code: typeof process.exitCode === 'number' ? process.exitCode : Number(process.exitCode ?? 0), stdout: stdout.join(''), stderr: stderr.join('') };
  } finally {
    process.chdir(savedCwd);
    setEnv(savedEnv);
    process.exitCode = savedExitCode;
  }
}

function setEnv(values: NodeJS.ProcessEnv): void {
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
}

/** `input` as the CLI reads stdin: the same reader and limit, from a file holding it. */
function readInput(input: string | Buffer, maxBytes: number): ReturnType<CommandIo['stdin']> {
  const dir = mkdtempSync(join(tmpdir(), 'stateguard-stdin-'));
  const file = join(dir, 'stdin');
  writeFileSync(file, input);
  const fd = openSync(file, 'r');
  try {
    return readLimited(fd, maxBytes, 'stdin');
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
}
