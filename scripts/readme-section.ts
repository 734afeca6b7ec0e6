/** README sections generated from the code, between a begin and an end marker (a test fails when one is stale). */
import { resolve } from 'node:path';

export const README = resolve(import.meta.dirname, '../README.md');

/** `readme` with the text between `begin` and `end` replaced by `body`. */
export function replaceSection(readme: string, begin: string, end: string, body: string): string {
  const start = readme.indexOf(begin);
  const stop = readme.indexOf(end);
  if (start < 0 || stop < start) throw new Error(`README.md lacks the ${begin} … ${end} markers`);
  return `${readme.slice(0, start + begin.length)}\n${body}\n${readme.slice(stop)}`;
}
