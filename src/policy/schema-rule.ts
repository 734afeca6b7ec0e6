/** Runs a `validate.schema` rule: on the object, or on each element of `validate.forEach`. */
import type { ValidateFunction } from 'ajv';
import { child, getDotted, splitDotted } from './object-path.ts';
import { renderMessage } from './template.ts';
import type { JsonObject, Validate, Violation } from './types.ts';

/** At most `limit` violations, built in full; `found` counts them all (the rest only as a number). */
export interface SchemaRuleOutcome {
  readonly violations: Violation[];
  readonly found: number;
}

export function runSchemaRule(validate: Validate, schema: ValidateFunction, object: JsonObject, limit: number): SchemaRuleOutcome {
  const violations: Violation[] = [];
  let found = 0;
  const judge = (subject: unknown, path: () => string): void => {
    if (schema(subject)) return;
    if (found++ >= limit) return;
    const at = path();
    const target = validate.path === undefined ? at : splitDotted(validate.path).reduce<string>((p, key) => child(p, key), at);
    violations.push({ path: target === '' ? '(object)' : target, message: renderMessage(validate.message, subject), fix: renderMessage(validate.fix, subject) });
  };
  if (validate.forEach === undefined) {
    judge(object, () => '');
  } else {
    const list = getDotted(object, validate.forEach);
    const base = splitDotted(validate.forEach).reduce<string>((path, key) => child(path, key), '');
    if (Array.isArray(list)) for (let i = 0; i < list.length; i++) judge(list[i], () => child(base, i));
  }
  return { violations, found };
}
