/** Runs a `validate.schema` rule: on the object, or on each element of `validate.forEach`. */
import type { ValidateFunction } from 'ajv';
import { child, joinPath, parsePath, valueAt, type PathKey } from './paths.ts';
import { renderMessage } from './template.ts';
import type { JsonObject, Validate, Violation } from './types.ts';

/** At most `limit` violations, built in full; `found` counts them all (the rest only as a number). */
export interface SchemaRuleOutcome {
  readonly violations: Violation[];
  readonly found: number;
}

/** forEach and path keys, parsed once per path (compilePolicies has refused the paths that do not parse). */
const PARSED = new Map<string, readonly PathKey[]>();
function keysOf(path: string): readonly PathKey[] {
  let keys = PARSED.get(path);
  if (keys === undefined) {
    keys = parsePath(path);
    if (PARSED.size < 10_000) PARSED.set(path, keys);
  }
  return keys;
}

export function runSchemaRule(validate: Validate, schema: ValidateFunction, object: JsonObject, limit: number): SchemaRuleOutcome {
  const violations: Violation[] = [];
  let found = 0;
  const judge = (subject: unknown, path: () => string): void => {
    if (schema(subject)) return;
    if (found++ >= limit) return;
    const at = path();
    const target = validate.path === undefined ? at : keysOf(validate.path).reduce<string>(child, at);
    violations.push({ path: target === '' ? '(object)' : target, message: renderMessage(validate.message, subject), fix: renderMessage(validate.fix, subject) });
  };
  if (validate.forEach === undefined) {
    judge(object, () => '');
  } else {
    const keys = keysOf(validate.forEach);
    const list = valueAt(object, keys);
    const base = joinPath(...keys);
    if (Array.isArray(list)) for (let i = 0; i < list.length; i++) judge(list[i], () => child(base, i));
  }
  return { violations, found };
}
