import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

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

/** Process groups still running, killed when this process exits so a failing test leaves none behind. */
const runningGroups = new Set<number>();

export function startProcess(name: string, command: string, args: string[], logPath: string): ManagedProcess {
  installCleanupHandlers();
  const logFd = openSync(logPath, 'a');
  const child = spawn(command, args, { detached: true, stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  const { pid } = child;
  if (pid === undefined) throw new Error(`could not start ${name} (${command})`);
  runningGroups.add(pid);

  let reason: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      reason = signal === null ? `exit code ${code}` : `signal ${signal}`;
      runningGroups.delete(pid);
      resolve();
    });
  });

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

let cleanupHandlersInstalled = false;

function installCleanupHandlers(): void {
  if (cleanupHandlersInstalled) return;
  cleanupHandlersInstalled = true;
  const killAll = () => runningGroups.forEach((pid) => signalGroup(pid, 'SIGKILL'));
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killAll();
      // Keep the default behaviour (die by the signal) unless someone else, e.g. node:test, handles it.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}
