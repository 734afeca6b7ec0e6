/** Runs the real `stateguard` CLI as a child process. */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

export const MAIN = resolve(import.meta.dirname, '../../src/cli/main.ts');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `stdinFd`: an open descriptor to give the CLI as its stdin instead of `input` (a device, a FIFO). */
export function runCli(args: readonly string[], options: { input?: string | Buffer; stdinFd?: number; cwd?: string; env?: NodeJS.ProcessEnv; node?: string; main?: string } = {}): CliResult {
  const result = spawnSync(options.node ?? process.execPath, [options.main ?? MAIN, ...args], {
    ...(options.stdinFd === undefined ? { input: options.input ?? '' } : { stdio: [options.stdinFd, 'pipe', 'pipe'] }),
    cwd: options.cwd ?? resolve(import.meta.dirname, '../..'),
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
