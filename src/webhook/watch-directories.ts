/**
 * Debounced change notification for directories. Directories, not files: a mounted Secret or ConfigMap is
 * updated by swapping a `..data` symlink, which a watch on the old file never sees.
 */
import { watch, type FSWatcher } from 'node:fs';
import { basename } from 'node:path';

export interface WatchOptions {
  readonly recursive: boolean;
  readonly debounceMs: number;
  /** Which entries matter, by name relative to the watched directory; default: all. */
  readonly relevant?: (filename: string) => boolean;
  readonly onChange: () => void;
  readonly onError: (directory: string, error: Error) => void;
}

/** Returns a function that stops watching. */
export function watchDirectories(directories: readonly string[], options: WatchOptions): () => void {
  let timer: NodeJS.Timeout | undefined;
  const changed = (filename: string | null): void => {
    if (filename !== null && options.relevant !== undefined && !options.relevant(filename)) return;
    clearTimeout(timer);
    timer = setTimeout(options.onChange, options.debounceMs);
  };
  const watchers: FSWatcher[] = [];
  for (const directory of new Set(directories)) {
    try {
      const watcher = watch(directory, { recursive: options.recursive, persistent: false }, (_event, filename) => changed(filename));
      watcher.on('error', (error) => options.onError(directory, error));
      watchers.push(watcher);
    } catch (error) {
      options.onError(directory, error as Error);
    }
  }
  return () => {
    clearTimeout(timer);
    for (const watcher of watchers) watcher.close();
  };
}

/** The files themselves, or the atomic-writer entries (`..data`, `..2024_…`) a Kubernetes volume swaps. */
export function filesOrVolumeSwap(files: readonly string[]): (filename: string) => boolean {
  const names = new Set(files.map((file) => basename(file)));
  return (filename) => names.has(basename(filename)) || filename.startsWith('..');
}
