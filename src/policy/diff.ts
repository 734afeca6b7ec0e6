/** RFC 6902 patch from one JSON value to another: the "edit a draft, diff it into a patch" half of mutation. */
import { deepEqual, isObject } from './object-path.ts';
import type { PatchOperation } from './types.ts';

export function escapePointer(key: string | number): string {
  return String(key).replaceAll('~', '~0').replaceAll('/', '~1');
}

export function diff(from: unknown, to: unknown): PatchOperation[] {
  const ops: PatchOperation[] = [];
  walk(from, to, '', ops);
  return ops;
}

function walk(from: unknown, to: unknown, pointer: string, ops: PatchOperation[]): void {
  if (deepEqual(from, to)) return;
  if (isObject(from) && isObject(to)) {
    for (const key of Object.keys(from)) {
      if (from[key] !== undefined && to[key] === undefined) ops.push({ op: 'remove', path: `${pointer}/${escapePointer(key)}` });
    }
    for (const key of Object.keys(to)) {
      if (to[key] === undefined) continue;
      const path = `${pointer}/${escapePointer(key)}`;
      if (from[key] === undefined) ops.push({ op: 'add', path, value: to[key] });
      else walk(from[key], to[key], path, ops);
    }
    return;
  }
  if (Array.isArray(from) && Array.isArray(to)) {
    const common = Math.min(from.length, to.length);
    for (let i = 0; i < common; i++) walk(from[i], to[i], `${pointer}/${i}`, ops);
    for (let i = common; i < to.length; i++) ops.push({ op: 'add', path: `${pointer}/${i}`, value: to[i] });
    for (let i = from.length - 1; i >= common; i--) ops.push({ op: 'remove', path: `${pointer}/${i}` });
    return;
  }
  ops.push(pointer === '' ? { op: 'replace', path: '', value: to } : { op: 'replace', path: pointer, value: to });
}
