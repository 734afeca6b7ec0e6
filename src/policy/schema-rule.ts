/** Runs a `validate.schema` rule: on the object, or on each element of `validate.forEach`. */
import type { ValidateFunction } from 'ajv';
import { child, getDotted, splitDotted } from './object-path.ts';
import { renderMessage } from './template.ts';
import type { JsonObject, Validate, Violation } from './types.ts';

export function runSchemaRule(validate: Validate, schema: ValidateFunction, object: JsonObject): Violation[] {
  const subjects: [unknown, string][] = [];
  if (validate.forEach === undefined) {
    subjects.push([object, '']);
  } else {
    const list = getDotted(object, validate.forEach);
    const base = splitDotted(validate.forEach).reduce<string>((path, key) => child(path, key), '');
    if (Array.isArray(list)) list.forEach((item, i) => subjects.push([item, child(base, i)]));
  }
  const violations: Violation[] = [];
  for (const [subject, path] of subjects) {
    if (schema(subject)) continue;
    const target = validate.path === undefined ? path : splitDotted(validate.path).reduce<string>((p, key) => child(p, key), path);
    violations.push({ path: target === '' ? '(object)' : target, message: renderMessage(validate.message, subject), fix: renderMessage(validate.fix, subject) });
  }
  return violations;
}
