/** Edits a plain object by display path (`spec.volumeClaimTemplates[0].spec["a.b"]`, paths.ts); null deletes. */
import { parsePath } from '../policy/index.ts';

export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = parsePath(path);
  let current: Record<string | number, unknown> = target;
  keys.forEach((key, i) => {
    if (i === keys.length - 1) {
      if (value === null) {
        if (Array.isArray(current) && typeof key === 'number') current.splice(key, 1);
        else delete current[key];
      } else {
        current[key] = structuredClone(value);
      }
      return;
    }
    const next = current[key];
    if (typeof next !== 'object' || next === null) current[key] = typeof keys[i + 1] === 'number' ? [] : {};
    current = current[key] as Record<string | number, unknown>;
  });
}
