/**
 * Each leaf of the config schema has its environment variable, its flag, or is file-only, in one table
 * (src/config/sources.ts); each environment variable sets its key, read as the key's type; each flag is on the CLI.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Command } from 'commander';
import { buildProgram } from '../../src/cli/main.ts';
import { givenOptions } from '../../src/cli/config-flags.ts';
import { serveConfigInput, withServeOptions } from '../../src/cli/serve-options.ts';
import { envConfig } from '../../src/config/config.ts';
import { CONFIG_SOURCES, configLeaves, getAt, type ConfigSource } from '../../src/config/sources.ts';

const SOURCES: Readonly<Record<string, ConfigSource>> = CONFIG_SOURCES;

/** A value for an environment variable of each schema type, and what the config then holds. */
const SAMPLES: Readonly<Record<string, { text: string; value: unknown }>> = {
  string: { text: 'some-text', value: 'some-text' },
  integer: { text: '8444', value: 8444 },
  boolean: { text: 'false', value: false },
  array: { text: ' /a, /b,,/c ', value: ['/a', '/b', '/c'] },
};

test('the table names exactly the leaves of the schema', () => {
  assert.deepEqual(Object.keys(SOURCES).sort(), configLeaves().map((leaf) => leaf.path).sort());
});

test('each environment variable sets its key, read as the key\'s type', () => {
  const names = Object.values(SOURCES).flatMap((source) => (source.env === undefined ? [] : [source.env]));
  assert.equal(new Set(names).size, names.length, 'each variable sets one key');
  for (const { path, schema } of configLeaves()) {
    const name = SOURCES[path]?.env;
    if (name === undefined) continue;
    assert.match(name, /^(STATEGUARD_[A-Z_]+|KUBECONFIG)$/, path);
    // An enum has no type of its own: one of its values.
    const sample = Array.isArray(schema['enum']) ? { text: String(schema['enum'][0]), value: schema['enum'][0] } : SAMPLES[String(schema['type'])];
    assert.ok(sample !== undefined, `${path}: no sample for its type`);
    assert.deepEqual(getAt(envConfig({ [name]: sample.text }), path), sample.value, `${name} → ${path}`);
  }
});

test('each flag of the table is an option of the CLI', () => {
  const longFlags = new Set(buildProgram().commands.flatMap((command) => command.options.map((option) => option.long)));
  for (const [path, source] of Object.entries(SOURCES)) {
    const long = source.flag?.split(/[ ,]+/).find((word) => word.startsWith('--'));
    if (long !== undefined) assert.ok(longFlags.has(long), `${path}: ${long} is no option of any command`);
  }
});

test('the flags layer holds the flags given, never the defaults --help shows', () => {
  const command = withServeOptions(new Command('serve')).exitOverride().action(() => {});
  command.parse(['--port', '7', '--tls-cert', '/c'], { from: 'user' });
  assert.equal(command.getOptionValue('host'), '127.0.0.1', 'the default is there for --help');
  assert.deepEqual(serveConfigInput(givenOptions(command)), { server: { port: 7, tlsCert: '/c' }, cluster: {} });
});
