/** Edits a plain object by display path (`spec.volumeClaimTemplates[0].spec["a.b"]`); null deletes. */

const TOKEN = /([^.[\]"]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g;

export function parsePath(path: string): (string | number)[] {
  const keys: (string | number)[] = [];
  for (const match of path.matchAll(TOKEN)) {
    if (match[1] !== undefined) keys.push(match[1]);
    else if (match[2] !== undefined) keys.push(Number(match[2]));
    else if (match[3] !== undefined) keys.push(JSON.parse(`"${match[3]}"`) as string);
  }
  return keys;
}

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
