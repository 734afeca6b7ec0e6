/**
 * Flags that set config keys: spelled in config/sources.ts, parsed by the key's schema type, and shown in `--help`
 * with the schema's default. The flags layer holds only what the command line gave: a default shown in `--help` must
 * not hide the config file and the environment (defaults ← file ← env ← flags).
 */
import { Option, type Command } from 'commander';
import { checked, DEFAULT_CONFIG, type ConfigInput } from '../config/config.ts';
import { CONFIG_SOURCES, getAt, leafSchema, setAt, type FlagPath } from '../config/sources.ts';

/** A flag and its help, for one command. */
export type ConfigFlag = readonly [path: FlagPath, help: string];

export function configOption(path: FlagPath, help: string): Option {
  const option = new Option(CONFIG_SOURCES[path].flag, help);
  const type = leafSchema(path)['type'];
  if (type === 'integer' || type === 'number') option.argParser(Number);
  const fallback = getAt(DEFAULT_CONFIG, path);
  if (fallback !== undefined) option.default(fallback);
  return option;
}

export function withConfigOptions(command: Command, flags: readonly ConfigFlag[]): Command {
  for (const [path, help] of flags) command.addOption(configOption(path, help));
  return command;
}

/** The option values the command line gave (not the defaults), by attribute name. */
export function givenOptions(command: Command): Readonly<Record<string, unknown>> {
  const given = command.options.map((option) => option.attributeName()).filter((name) => command.getOptionValueSource(name) === 'cli');
  return Object.fromEntries(given.map((name) => [name, command.getOptionValue(name)]));
}

/**
 * The values of `flags` (by attribute name) as a config layer, checked like the other layers; the section of each
 * flag is there even when the flag is not.
 */
export function flagLayer(values: Readonly<Record<string, unknown>>, flags: readonly ConfigFlag[]): ConfigInput {
  const layer: Record<string, unknown> = {};
  for (const [path] of flags) {
    const section = path.slice(0, Math.max(0, path.lastIndexOf('.')));
    if (section !== '' && getAt(layer, section) === undefined) setAt(layer, section, {});
    const value = values[new Option(CONFIG_SOURCES[path].flag).attributeName()];
    if (value !== undefined) setAt(layer, path, value);
  }
  return checked(layer, 'config');
}
