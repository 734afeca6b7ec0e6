/**
 * Where manifests come from: the files named on the command line, the files found by walking directories (symbolic
 * links followed, loops detected), and stdin. Everything is read with the same size limit, incrementally, so an
 * endless stream stops at the limit; special files (FIFOs, devices, sockets) are refused, never opened for a read
 * that could block forever.
 */
import { closeSync, constants, fstatSync, openSync, readdirSync, readlinkSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';

export const MAX_INPUT_BYTES = 64 * 1024 * 1024;
const MANIFEST_FILE = /\.(ya?ml|json)$/i;
const CHUNK_BYTES = 1024 * 1024;

/** The bytes of one input, or why there are none. */
export type ReadResult = { readonly bytes: Buffer } | { readonly refused: string };

/** Reads stdin (or a test's stand-in) up to `maxBytes`; more than that is refused. */
export type StdinReader = (maxBytes: number) => ReadResult;

/** A file to read, or a problem found while walking (unreadable directory, broken link, loop). */
export type WalkEntry = { readonly file: string } | { readonly file: string; readonly problem: string };

const ERRNO: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a component of the path is not a directory',
  ENAMETOOLONG: 'the path is too long',
  ELOOP: 'too many levels of symbolic links (a link loop)',
  EISDIR: 'is a directory',
  EIO: 'input/output error',
};

export function describeError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined) return ERRNO[code] ?? code;
  return error instanceof Error ? error.message : String(error);
}

function special(stats: Stats): string | undefined {
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return stats.isFile() ? undefined : 'not a regular file';
}

/** One read buffer for every input (reads are synchronous): a fresh 1 MiB per file made 10,000 files slow and big. */
let chunk: Buffer | undefined;

/**
 * Reads an open descriptor to its end, or stops once more than `maxBytes` arrived. `size`: a regular file's size at
 * open; reading stops once that much arrived, as readFileSync does, without a last read to find the end (10,000
 * small files: 10,000 system calls fewer per pass). A file reported as empty (/proc) is read to its end.
 */
export function readLimited(fd: number, maxBytes: number, what: string, size = 0): ReadResult {
  const chunks: Buffer[] = [];
  chunk ??= Buffer.allocUnsafe(CHUNK_BYTES);
  let total = 0;
  for (;;) {
    let read: number;
    try {
      read = readSync(fd, chunk, 0, chunk.length, null);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
        continue;
      }
      if ((error as NodeJS.ErrnoException).code === 'EOF') break;
      return { refused: `cannot read: ${describeError(error)}` };
    }
    if (read === 0) break;
    total += read;
    if (total > maxBytes) return { refused: `${what} is over the ${maxBytes / 1048576} MiB limit for one manifest input; stopped reading there` };
    // A copy of what was read: a pipe gives 64 KiB at a time, and keeping views would keep 1 MiB each.
    chunks.push(Buffer.from(chunk.subarray(0, read)));
    if (size > 0 && total >= size) break;
  }
  return { bytes: Buffer.concat(chunks, total) };
}

/** Reads one file named by path: regular files only, within the limit. */
export function readFileLimited(file: string, maxBytes = MAX_INPUT_BYTES): ReadResult {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading must not wait for a writer; it is refused below.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return { refused: `cannot read: ${describeError(error)}` };
  }
  try {
    const stats = fstatSync(fd);
    if (stats.isDirectory()) return { refused: 'cannot read: is a directory' };
    const kind = special(stats);
    if (kind !== undefined) return { refused: `${kind}, not a manifest file: refused (only regular files are read)` };
    if (stats.size > maxBytes) return { refused: `file is ${(stats.size / 1048576).toFixed(1)} MiB, over the ${maxBytes / 1048576} MiB limit for one manifest file` };
    return readLimited(fd, maxBytes, 'the file', stats.size);
  } finally {
    closeSync(fd);
  }
}

/** The manifest files under a directory, in name order, following symbolic links; hidden entries are skipped. */
export function* walk(directory: string, ancestors: ReadonlySet<string> = new Set([safeRealpath(directory)])): Generator<WalkEntry> {
  let entries;
  try {
    entries = readdirSync(directory, { withFileTypes: true });
  } catch (error) {
    yield { file: directory, problem: `cannot read directory: ${describeError(error)}` };
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const path = join(directory, entry.name);
    let isDirectory = entry.isDirectory();
    if (entry.isSymbolicLink()) {
      let target: Stats;
      try {
        target = statSync(path);
      } catch (error) {
        yield { file: path, problem: `broken symbolic link${linkTarget(path)}: ${describeError(error)}` };
        continue;
      }
      isDirectory = target.isDirectory();
    }
    if (isDirectory) {
      const real = safeRealpath(path);
      if (ancestors.has(real)) {
        yield { file: path, problem: `symbolic link loop: leads back to ${real}, which is being walked; not followed` };
        continue;
      }
      yield* walk(path, new Set([...ancestors, real]));
    } else if (MANIFEST_FILE.test(entry.name)) {
      yield { file: path };
    }
  }
}

function linkTarget(path: string): string {
  try {
    return ` (to ${readlinkSync(path)})`;
  } catch {
    return '';
  }
}

function safeRealpath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
