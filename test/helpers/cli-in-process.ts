/**
 * Runs the `stateguard` CLI inside the test process: `main()` of src/cli/main.ts with stdout and stderr captured
 * and process.exitCode read and restored. Same result shape as runCli (test/helpers/cli.ts), in milliseconds
 * instead of a Node start-up per call. For behaviour of the commands; what is about the process (stdin, signals,
 * exit on a crash, environment) stays with runCli. Calls are serialised: the capture is process-wide.
 */
import type { CliResult } from './cli.ts';

let queue: Promise<unknown> = Promise.resolve();

export function runCliInProcess(args: readonly string[]): Promise<CliResult> {
  const run = queue.then(() => capture(args));
  queue = run.catch(() => undefined);
  return run;
}

async function capture(args: readonly string[]): Promise<CliResult> {
  const { main } = await import('../../src/cli/main.ts');
  const stdout: string[] = [];
  const stderr: string[] = [];
  const writes = { out: process.stdout.write, err: process.stderr.write };
  const savedExitCode = process.exitCode;
  const savedNoColor = process.env['NO_COLOR'];
  process.exitCode = undefined;
  process.env['NO_COLOR'] = '1';
  process.stdout.write = ((chunk: string | Uint8Array) => { stdout.push(String(chunk)); return true; }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => { stderr.push(String(chunk)); return true; }) as typeof process.stderr.write;
  try {
    await main(args);
    return { code: typeof process.exitCode === 'number' ? process.exitCode : Number(process.exitCode ?? 0), stdout: stdout.join(''), stderr: stderr.join('') };
  } finally {
    process.stdout.write = writes.out;
    process.stderr.write = writes.err;
    process.exitCode = savedExitCode;
    if (savedNoColor === undefined) delete process.env['NO_COLOR'];
    else process.env['NO_COLOR'] = savedNoColor;
  }
}
