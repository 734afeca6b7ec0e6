/**
 * Reloads certificate files when they change: a directory watch for prompt pick-up, and a periodic stat for
 * file systems whose events do not arrive. New material applies to new handshakes only; open connections stay.
 */
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { StateguardError } from '../policy/index.ts';
import { LOG_KEYS } from '../logging/log-keys.ts';
import { readTlsFiles, type TlsFiles } from '../certificates/read-tls-files.ts';
import type { TlsMaterial } from '../certificates/tls-material.ts';
import { filesOrVolumeSwap, watchDirectories } from './watch-directories.ts';

export interface CertificateWatchOptions {
  readonly files: TlsFiles;
  readonly apply: (material: TlsMaterial) => void;
  readonly logger: Logger;
  readonly pollMs: number;
}

const DEBOUNCE_MS = 100;

/** Returns a function that stops watching. */
export function watchCertificates(options: CertificateWatchOptions): () => void {
  const paths = [options.files.cert, options.files.key, ...(options.files.clientCa === undefined ? [] : [options.files.clientCa])];
  let seen = fingerprint(paths);
  const check = (): void => {
    const current = fingerprint(paths);
    if (current === seen) return;
    try {
      options.apply(readTlsFiles(options.files));
      seen = current;
      options.logger.info({ [LOG_KEYS.files]: paths }, 'TLS certificate reloaded');
    } catch (error) {
      // A rotation writes its files one after the other: keep serving the previous material, and retry on the next change or poll.
      options.logger.warn({ [LOG_KEYS.files]: paths }, `TLS files changed but are not usable yet, still serving the previous certificate: ${error instanceof StateguardError ? error.message : String(error)}`);
    }
  };
  const stopWatching = watchDirectories(paths.map((path) => dirname(path)), {
    recursive: false,
    debounceMs: DEBOUNCE_MS,
    relevant: filesOrVolumeSwap(paths),
    onChange: check,
    onError: (directory, error) => options.logger.warn({ [LOG_KEYS.err]: error }, `cannot watch ${directory}; certificate changes are picked up every ${options.pollMs} ms`),
  });
  const poll = setInterval(check, options.pollMs).unref();
  return () => {
    stopWatching();
    clearInterval(poll);
  };
}

/** Identity and size of each file, through symlinks: a swapped `..data` link changes the inode. */
function fingerprint(paths: readonly string[]): string {
  return paths.map((path) => {
    try {
      const stat = statSync(path);
      return `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
    } catch {
      return 'missing';
    }
  }).join('|');
}
