/**
 * A JSON Schema as the engine validates with (ajv, draft-07) → a Kubernetes structural schema (OpenAPI v3 subset of
 * apiextensions.k8s.io/v1): a type on every node, no `$ref`, no `if`/`then`/`else`, junctors holding only value
 * checks, free-form objects marked `x-kubernetes-preserve-unknown-fields`. What the API server cannot express it
 * leaves to stateguard's own admission check of the resource (src/webhook/policy-resource-admission.ts). A keyword
 * this does not know stops the generator: a schema change must be looked at, never silently dropped.
 */
type Schema = Record<string, unknown>;

/** Copied as they are. */
const VALUE_CHECKS = ['minLength', 'maxLength', 'pattern', 'minItems', 'maxItems', 'minimum', 'maximum', 'minProperties', 'maxProperties', 'description', 'required', 'format'];
/** Expressed elsewhere, or left to stateguard's admission check (conditionals; `not` appears only inside them). */
const HANDLED = ['type', 'properties', 'additionalProperties', 'items', 'enum', 'const', 'uniqueItems', 'anyOf', 'oneOf', 'if', 'then', 'else', 'exclusiveMinimum'];

export function toStructural(schema: Schema, path = '(root)'): Schema {
  for (const key of Object.keys(schema)) {
    if (!VALUE_CHECKS.includes(key) && !HANDLED.includes(key)) throw new Error(`structural-schema: ${path}: keyword "${key}" has no structural form; teach scripts/structural-schema.ts`);
  }
  const out: Schema = { type: typeOf(schema, path) };
  for (const key of VALUE_CHECKS) if (schema[key] !== undefined) out[key] = schema[key];
  if (typeof schema['exclusiveMinimum'] === 'number') Object.assign(out, { minimum: schema['exclusiveMinimum'], exclusiveMinimum: true });
  const values = schema['const'] === undefined ? schema['enum'] : [schema['const']];
  if (values !== undefined) out['enum'] = values;
  const properties = schema['properties'] as Record<string, Schema> | undefined;
  const additional = schema['additionalProperties'];
  if (properties !== undefined) {
    out['properties'] = Object.fromEntries(Object.entries(properties).map(([key, inner]) => [key, toStructural(inner, `${path}.${key}`)]));
  } else if (typeof additional === 'object' && additional !== null) {
    out['additionalProperties'] = toStructural(additional as Schema, `${path}.*`);
  } else if (out['type'] === 'object') {
    // A free-form object: params, a JSON Schema rule. The API server keeps what it holds; stateguard validates it.
    out['x-kubernetes-preserve-unknown-fields'] = true;
  }
  // additionalProperties: false needs no form: the API server prunes unknown fields, and kubectl's field validation
  // (strict by default) refuses them at apply.
  if (schema['items'] !== undefined) {
    const items = toStructural(schema['items'] as Schema, `${path}[]`);
    out['items'] = items;
    if (schema['uniqueItems'] === true) {
      if (items['type'] === 'object' || items['type'] === 'array') throw new Error(`structural-schema: ${path}: uniqueItems over objects has no structural form`);
      out['x-kubernetes-list-type'] = 'set';
    }
  }
  for (const junctor of ['anyOf', 'oneOf'] as const) {
    const options = schema[junctor] as Schema[] | undefined;
    if (options === undefined) continue;
    out[junctor] = options.map((option, index) => {
      const keys = Object.keys(option);
      if (keys.some((key) => key !== 'required')) throw new Error(`structural-schema: ${path}.${junctor}[${index}]: only "required" is kept inside a junctor, found ${keys.join(', ')}`);
      return option;
    });
  }
  return out;
}

function typeOf(schema: Schema, path: string): string {
  if (typeof schema['type'] === 'string') return schema['type'];
  const values = schema['const'] === undefined ? schema['enum'] : [schema['const']];
  if (Array.isArray(values) && values.length > 0) {
    const types = new Set(values.map((value) => (Number.isInteger(value) ? 'integer' : typeof value)));
    const [only] = types;
    if (types.size === 1 && only !== undefined && ['string', 'integer', 'number', 'boolean'].includes(only)) return only;
  }
  if (schema['properties'] !== undefined || schema['additionalProperties'] !== undefined) return 'object';
  if (schema['items'] !== undefined) return 'array';
  throw new Error(`structural-schema: ${path}: no type, and none follows from its values`);
}
