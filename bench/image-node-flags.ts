/**
 * How the container image runs the server, read from the Dockerfile (the one source): the Node flags of its
 * ENTRYPOINT, and the glibc allocator settings of its ENV lines (`MALLOC_*`).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

const DOCKERFILE = resolve(import.meta.dirname, '../Dockerfile');

export function imageNodeFlags(dockerfile = DOCKERFILE): string[] {
  const line = readFileSync(dockerfile, 'utf8').split('\n').find((l) => l.startsWith('ENTRYPOINT '));
  if (line === undefined) throw new Error(`${dockerfile} has no ENTRYPOINT`);
  const entrypoint = JSON.parse(line.slice('ENTRYPOINT '.length)) as string[];
  return entrypoint.slice(1).filter((arg) => arg.startsWith('--'));
}

/** The image's `ENV MALLOC_…=…` settings (one `NAME=value` per ENV line), for a server started as the image starts it. */
export function imageMallocEnv(dockerfile = DOCKERFILE): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(dockerfile, 'utf8').split('\n')) {
    const match = /^ENV (MALLOC_[A-Z_]+)=(\S+)$/.exec(line);
    if (match !== null) env[match[1] ?? ''] = match[2] ?? '';
  }
  return env;
}
