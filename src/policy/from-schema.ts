/**
 * TypeScript types read off a JSON Schema written `as const`, so that a schema is the one description of its shape
 * and the compiler sees every change to it. Covers the keywords our schemas use for shape: `type`, `const`, `enum`,
 * `properties`, `required`, `additionalProperties`, `items` and `default`. The other keywords (`anyOf`, `if`/`then`,
 * `minItems`, `pattern`, …) only narrow values and leave the type as it is: a type says what may be read, the
 * validator what was checked.
 */

/** A document valid against S (what ajv's validator of S proves): properties not `required` are optional. */
export type FromSchema<S> = Value<S, false>;

/**
 * What a validator of S with ajv's `useDefaults` leaves: a property that has a `default` is always there. An object
 * whose properties have defaults needs a `default: {}` of its own to be filled when it is left out.
 */
export type FromSchemaWithDefaults<S> = Value<S, true>;

/** The dotted paths of S's leaves: every property that is not an object with `properties` of its own. */
export type SchemaLeafPath<S> = S extends { readonly properties: infer P }
  ? { [K in keyof P & string]: P[K] extends { readonly properties: object } ? `${K}.${SchemaLeafPath<P[K]>}` : K }[keyof P & string]
  : never;

type Value<S, D extends boolean> =
  S extends { readonly const: infer C } ? C
  : S extends { readonly enum: readonly (infer E)[] } ? E
  : S extends { readonly type: 'string' } ? string
  : S extends { readonly type: 'integer' | 'number' } ? number
  : S extends { readonly type: 'boolean' } ? boolean
  : S extends { readonly type: 'array'; readonly items: infer I } ? readonly Value<I, D>[]
  : S extends { readonly type: 'object' } ? Flat<Known<S, D> & Additional<S, D>>
  : unknown;

type PropertiesOf<S> = S extends { readonly properties: infer P } ? P : object;
type RequiredOf<S> = S extends { readonly required: readonly (infer R)[] } ? R : never;
/** Whether property K of S is always there. */
type Present<S, K, D> = K extends RequiredOf<S> ? true : D extends true ? (PropertiesOf<S>[K & keyof PropertiesOf<S>] extends { readonly default: unknown } ? true : false) : false;

type Known<S, D extends boolean> = {
  readonly [K in keyof PropertiesOf<S> as Present<S, K, D> extends true ? K : never]: Value<PropertiesOf<S>[K], D>;
} & {
  readonly [K in keyof PropertiesOf<S> as Present<S, K, D> extends true ? never : K]?: Value<PropertiesOf<S>[K], D>;
};

/** Keys beyond `properties`: none (`false`), of one schema, or any (absent, as JSON Schema says). */
type Additional<S, D extends boolean> =
  S extends { readonly additionalProperties: false } ? unknown
  : S extends { readonly additionalProperties: infer A extends object } ? { readonly [key: string]: Value<A, D> }
  : { readonly [key: string]: unknown };

/** One object type instead of an intersection: what hovers and error messages show. */
type Flat<T> = { [K in keyof T]: T[K] } & {};
