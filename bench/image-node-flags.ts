/** The Node flags the container image runs the server with (the Dockerfile's ENTRYPOINT is the one source). */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export function imageNodeFlags(dockerfile = resolve(import.meta.dirname, '../Dockerfile')): string[] {
  const line = readFileSync(dockerfile, 'utf8').split('\n').find((l) => l.startsWith('ENTRYPOINT '));
  if (line === undefined) throw new Error(`${dockerfile} has no ENTRYPOINT`);
  const entrypoint = JSON.parse(line.slice('ENTRYPOINT '.length)) as string[];
  return entrypoint.slice(1).filter((arg) => arg.startsWith('--'));
}
