/** RFC 6902 patch from one JSON value to another: the "edit a draft, diff it into a patch" half of mutation. */
import { deepEqual, isObject } from './object-path.ts';
import { toPointer } from './paths.ts';
import type { PatchOperation } from './types.ts';

/** One pass over both values; pointers are built only for the operations emitted. */
export function diff(from: unknown, to: unknown): PatchOperation[] {
  const ops: PatchOperation[] = [];
  walk(from, to, [], ops);
  return ops;
}

function pointer(keys: readonly (string | number)[], last?: string | number): string {
  return toPointer(last === undefined ? keys : [...keys, last]);
}

function walk(from: unknown, to: unknown, keys: (string | number)[], ops: PatchOperation[]): void {
  if (from === to) return;
  if (isObject(from) && isObject(to)) {
    for (const key of Object.keys(from)) {
      if (from[key] !== undefined && to[key] === undefined) ops.push({ op: 'remove', path: pointer(keys, key) });
    }
    for (const key of Object.keys(to)) {
      if (to[key] === undefined) continue;
      if (from[key] === undefined) {
        ops.push({ op: 'add', path: pointer(keys, key), value: to[key] });
      } else {
        keys.push(key);
        walk(from[key], to[key], keys, ops);
        keys.pop();
      }
    }
    return;
  }
  if (Array.isArray(from) && Array.isArray(to)) {
    const common = Math.min(from.length, to.length);
    for (let i = 0; i < common; i++) {
      keys.push(i);
      walk(from[i], to[i], keys, ops);
      keys.pop();
    }
    for (let i = common; i < to.length; i++) ops.push({ op: 'add', path: pointer(keys, i), value: to[i] });
    for (let i = from.length - 1; i >= common; i--) ops.push({ op: 'remove', path: pointer(keys, i) });
    return;
  }
  if (!deepEqual(from, to)) ops.push({ op: 'replace', path: pointer(keys), value: to });
}
