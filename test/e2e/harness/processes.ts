import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { registerCleanup } from './cleanup.ts';

/** A long-running child in its own process group, with stdout and stderr appended to `logPath`. */
export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logPath: string;
  /** Why the process ended ("exit code 1", "signal SIGKILL", ...), or undefined while it runs. */
  exitReason(): string | undefined;
  /** SIGTERM to the process group, then SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs: number): Promise<void>;
}

export function startProcess(name: string, command: string, args: string[], logPath: string): ManagedProcess {
  const logFd = openSync(logPath, 'a');
  const child = spawn(command, args, { detached: true, stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  let reason: string | undefined;
  let unregisterCleanup = () => {};
  const exited = new Promise<void>((resolve) => {
    const ended = (why: string) => {
      reason ??= why;
      unregisterCleanup();
      resolve();
    };
    child.once('error', (error) => ended(`failed: ${error.message}`));
    child.once('exit', (code, signal) => ended(signal === null ? `exit code ${code}` : `signal ${signal}`));
  });
  const { pid } = child;
  if (pid === undefined) throw new Error(`could not start ${name} (${command})`);
  // A test that fails without calling stop() must not leave the process behind.
  unregisterCleanup = registerCleanup(() => signalGroup(pid, 'SIGKILL'));

  return {
    name,
    pid,
    logPath,
    exitReason: () => reason,
    async stop(graceMs) {
      if (reason !== undefined) return;
      signalGroup(pid, 'SIGTERM');
      const exitedInTime = await Promise.race([exited.then(() => true), sleep(graceMs, false, { ref: false })]);
      if (!exitedInTime) {
        signalGroup(pid, 'SIGKILL');
        await exited;
      }
    },
  };
}

export async function logTail(logPath: string, lines: number): Promise<string> {
  const text = await readFile(logPath, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
