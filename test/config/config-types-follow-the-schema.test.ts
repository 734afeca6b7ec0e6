/**
 * The config's types are read off its schema, so the compiler sees every drift between them. The `@ts-expect-error`
 * lines are the proof: `npm run typecheck` fails if any of them stops being an error.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_CONFIG, type ConfigInput } from '../../src/config/config.ts';
import { CONFIG_SCHEMA } from '../../src/config/schema.ts';
import { CONFIG_SOURCES, configLeaves, getAt, type ConfigSource } from '../../src/config/sources.ts';
import type { FromSchemaWithDefaults, PolicyScope, SchemaLeafPath } from '../../src/policy/index.ts';

/** Accepts a value of type T: a call that does not compile is a value that is not a T. */
function accept<T>(_value: T): void {}

/** The schema as a change to schema.ts would leave it: server has one more key, with a default. */
const GROWN = {
  ...CONFIG_SCHEMA,
  properties: { ...CONFIG_SCHEMA.properties, server: { ...CONFIG_SCHEMA.properties.server, properties: { ...CONFIG_SCHEMA.properties.server.properties, readTimeoutMs: { type: 'integer', default: 5000 } } } },
} as const;

// A key added to the schema is in the type read off it: the config of today is not a config of that schema…
// @ts-expect-error: property 'readTimeoutMs' is missing
accept<FromSchemaWithDefaults<typeof GROWN>>(DEFAULT_CONFIG);
// …and the table of environment variables and flags must say where the new key comes from, or that it is file-only.
// @ts-expect-error: property '"server.readTimeoutMs"' is missing
accept<Record<SchemaLeafPath<typeof GROWN>, ConfigSource>>(CONFIG_SOURCES);

// Vice versa: the code cannot read a key the schema does not have…
// @ts-expect-error: property 'readTimeoutMs' does not exist
accept<number>(DEFAULT_CONFIG.server.readTimeoutMs);
// …nor write one in a layer (a typo, or a key removed from the schema), nor give a value of another type.
// @ts-expect-error: 'prot' does not exist in type
accept<ConfigInput>({ server: { prot: 8443 } });
// @ts-expect-error: type 'string' is not assignable to type 'number'
accept<ConfigInput>({ server: { port: '8443' } });
// @ts-expect-error: type '"loosen"' is not assignable to type '"off" | "tighten" | "tighten-and-loosen"'
accept<ConfigInput>({ namespaceActions: 'loosen' });
// The policy side: a scope (policy-schema.ts) has no field the schema lacks.
// @ts-expect-error: 'users' does not exist in type
accept<PolicyScope>({ namespaces: ['team-*'], users: ['alice'] });

// A key with a default is always there in the config in force; a key without one may be absent.
accept<number>(DEFAULT_CONFIG.server.port);
// @ts-expect-error: type 'string | undefined' is not assignable to type 'string'
accept<string>(DEFAULT_CONFIG.server.tlsCert);

test('the config in force holds each default of the schema, and only keys the schema has', () => {
  for (const { path, schema } of configLeaves()) {
    if ('default' in schema) assert.deepEqual(getAt(DEFAULT_CONFIG, path), schema['default'], path);
    else assert.equal(getAt(DEFAULT_CONFIG, path), undefined, path);
  }
});

test('a key added to the schema is a leaf the table of sources lacks, at run time too', () => {
  const leaves = configLeaves(GROWN).map((leaf) => leaf.path);
  assert.ok(leaves.includes('server.readTimeoutMs'));
  assert.ok(!Object.keys(CONFIG_SOURCES).includes('server.readTimeoutMs'));
});
