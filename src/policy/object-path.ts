/** Plain-object access for JSON values; display paths are built with child/joinPath (from paths.ts). */
import { StateguardError } from './errors.ts';
import type { JsonObject } from './types.ts';

export { child, joinPath } from './paths.ts';

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asObject(value: unknown): JsonObject {
  return isObject(value) ? value : {};
}

export function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * Returns `parent[key]` as an object, creating it when absent or null (mutators edit drafts this way). A value of
 * another type is the user's, and a mutator only adds: it throws, and the mutator is reported as failed.
 */
export function ensureObject(parent: JsonObject, key: string): JsonObject {
  const existing = parent[key];
  if (isObject(existing)) return existing;
  if (existing !== undefined && existing !== null) {
    throw new StateguardError('ERR_INPUT', `${key} holds ${Array.isArray(existing) ? 'an array' : `a ${typeof existing}`}, not an object; stateguard does not overwrite it`);
  }
  const created: JsonObject = {};
  parent[key] = created;
  return created;
}

/** Deep structural equality for JSON values. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a).filter((k) => a[k] !== undefined);
    const otherKeys = Object.keys(b).filter((k) => b[k] !== undefined);
    return keys.length === otherKeys.length && keys.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

/**
 * Deep copy of a JSON value (faster than structuredClone for the plain objects the engine sees). A `__proto__` key,
 * which JSON.parse keeps as an own property, stays an own property instead of replacing the copy's prototype.
 */
export function cloneJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneJson) as T;
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const key of Object.keys(value)) {
      if (key === '__proto__') Object.defineProperty(out, key, { value: cloneJson(value[key]), enumerable: true, writable: true, configurable: true });
      else out[key] = cloneJson(value[key]);
    }
    return out as T;
  }
  return value;
}
