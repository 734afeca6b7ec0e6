#!/usr/bin/env node
/** The `stateguard` command: the composition root. Sub-commands set process.exitCode; nothing else exits. */
// First: on a Node.js older than the CLI needs, exit 2 naming the version before anything else runs.
import './node-version.ts';
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { actionSettings, buildConfig, envConfig, readConfigFile, type Config, type ConfigInput } from '../config/config.ts';
import { BUILTIN_POLICY_DIR, loadExceptions, loadPolicySet } from '../config/read-policies.ts';
import { CONFIG_SOURCES } from '../config/sources.ts';
import { useColor } from '../config/terminal.ts';
import { StateguardError, type PolicySet } from '../policy/index.ts';
import { FAIL_ON, type FailOn } from '../report/model.ts';
import { auditConfigInput, withAuditOptions, type AuditFlags } from './audit-options.ts';
import { explain, listPolicies } from './catalog.ts';
import { givenOptions } from './config-flags.ts';
import { OUTPUT_FORMATS, type OutputFormat } from './output.ts';
import { readLimited } from './read-sources.ts';
import { review, type CommandIo } from './review.ts';
import { serveConfigInput, withServeOptions } from './serve-options.ts';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * A reader that goes away (`stateguard review … | head`) closes the pipe: the rest of the output is dropped, but the
 * command still runs to its end, so its exit code is the verdict on everything it was given, not a crash.
 */
const closedStreams = new Set<NodeJS.WriteStream>();
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    closedStreams.add(stream);
  });
}
const writeTo = (stream: NodeJS.WriteStream) => (text: string): void => {
  if (!closedStreams.has(stream)) stream.write(text);
};

/** The process's own streams; a test hands main() its own CommandIo instead (test/helpers/cli-in-process.ts). */
const processIo: CommandIo = {
  stdout: writeTo(process.stdout),
  stderr: writeTo(process.stderr),
  stdin: (maxBytes) => readLimited(0, maxBytes, 'stdin'),
};

interface PolicyFlags { config?: string; policies?: string[]; builtinPolicies?: boolean }

/** Config and policies for a command: defaults ← config file ← env ← flags. */
export function loadSettings(flags: PolicyFlags, extra: ConfigInput = {}): { config: Config; set: PolicySet } {
  const file = flags.config === undefined ? {} : readConfigFile(flags.config);
  const fromFlags: ConfigInput = {
    ...extra,
    ...(flags.policies === undefined ? {} : { policyDirs: [...(file.policyDirs ?? []), ...flags.policies] }),
    ...(flags.builtinPolicies === false ? { builtinPolicies: false } : {}),
  };
  const config = buildConfig([file, envConfig(), fromFlags], flags.config);
  return { config, set: loadPolicySet(config.policyDirs, config.builtinPolicies, config.policies) };
}

function withPolicyOptions(command: Command): Command {
  return command
    .option('-c, --config <file>', 'config file (YAML)')
    .option(CONFIG_SOURCES.policyDirs.flag, 'extra policy directory, or a file of StatefulSetPolicy manifests (repeatable)', (dir: string, all: string[] = []) => [...all, dir])
    .option(CONFIG_SOURCES.builtinPolicies.flag, 'do not load the built-in policies');
}

export function buildProgram(io: CommandIo = processIo): Command {
  const program = new Command('stateguard')
    .description('Admission policy enforcer for Kubernetes StatefulSets')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });

  withServeOptions(withPolicyOptions(program.command('serve')))
    .action(async (flags: PolicyFlags, command: Command) => {
      // The server's modules (fastify, pino, TLS, metrics) are loaded only to serve: a `review` starts faster.
      const { serve } = await import('./serve.ts');
      await serve(() => loadSettings(flags, serveConfigInput(givenOptions(command))), io);
    });

  withPolicyOptions(program.command('review'))
    .description('review StatefulSet manifests offline (files, directories, - for stdin)')
    .argument('<paths...>', 'files, directories or - for stdin')
    .addOption(new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('text'))
    .option('--diff', 'show the defaults the webhook would inject, as a YAML diff', false)
    .option('--fix', 'write the mutated manifests back (comments kept)', false)
    .addOption(new Option('--fail-on <level>', 'exit 1 on deny violations, or also on warnings').choices(FAIL_ON).default('deny'))
    .option('--cluster-data <path>', 'cluster data for the LOOKUP policies (kubectl get … -o yaml: Services, PodDisruptionBudgets, StorageClasses, LimitRanges, Namespaces); repeatable', (path: string, all: string[] = []) => [...all, path])
    .action((paths: string[], flags: PolicyFlags & { output: OutputFormat; diff: boolean; fix: boolean; failOn: FailOn; clusterData?: string[] }) => {
      const { config, set } = loadSettings(flags);
      process.exitCode = review(paths, set, actionSettings(config), { output: flags.output, diff: flags.diff, fix: flags.fix, failOn: flags.failOn, color: useColor(process.stdout), clusterData: flags.clusterData ?? [], exceptions: loadExceptions(config.policyDirs) }, io, VERSION);
    });

  withAuditOptions(withPolicyOptions(program.command('audit')))
    .action(async (flags: PolicyFlags & AuditFlags, command: Command) => {
      const { config, set } = loadSettings(flags, auditConfigInput(givenOptions(command)));
      // client-node (about 90 MiB of a process's memory) is loaded only to audit.
      const { audit } = await import('./audit.ts');
      process.exitCode = await audit(config, set, flags, { color: useColor(process.stdout), progress: process.stderr.isTTY }, io, VERSION);
    });

  withPolicyOptions(program.command('test'))
    .description("run policy test cases (each policy's tests/*.yaml); default: the built-in policies")
    .argument('[dir]', 'policy directory', BUILTIN_POLICY_DIR)
    .action(async (dir: string, flags: PolicyFlags) => {
      const { testCommand } = await import('./test-command.ts');
      const extra = dir === BUILTIN_POLICY_DIR ? flags : { ...flags, policies: [...(flags.policies ?? []), dir] };
      const { set } = loadSettings(extra);
      process.exitCode = testCommand(dir, set, io);
    });

  withPolicyOptions(program.command('policies'))
    .description('list the loaded policies: id, default action, kind, description')
    .option('--json', 'as JSON', false)
    .action((flags: PolicyFlags & { json: boolean }) => {
      io.stdout(listPolicies(loadSettings(flags).set, flags.json));
    });

  withPolicyOptions(program.command('explain'))
    .description('explain one policy: what it checks, why, how to fix, how to override')
    .argument('<id>', 'policy id')
    .action((id: string, flags: PolicyFlags) => {
      const { config, set } = loadSettings(flags);
      const text = explain(set, id, config.policies);
      if (text === undefined) {
        io.stderr(`stateguard explain: no policy "${id}" (stateguard policies lists them)\n`);
        process.exitCode = 2;
      } else {
        io.stdout(text);
      }
    });

  return program;
}

export async function main(argv: readonly string[], io: CommandIo = processIo): Promise<void> {
  try {
    await buildProgram(io).parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? 0 : 2;
    } else if (error instanceof StateguardError) {
      io.stderr(`stateguard: ${error.describe()}\n`);
      process.exitCode = 2;
    } else {
      io.stderr(`stateguard: unexpected error: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
      process.exitCode = 70;
    }
  }
}

if (import.meta.main) await main(process.argv.slice(2));
