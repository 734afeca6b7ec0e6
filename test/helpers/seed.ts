import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';

export const SEED_FILE = resolve(import.meta.dirname, '../../examples/seed-statefulset.yaml');

/** A fresh copy of the seed example StatefulSet. */
export function seed(): Record<string, unknown> {
  return parse(readFileSync(SEED_FILE, 'utf8')) as Record<string, unknown>;
}
