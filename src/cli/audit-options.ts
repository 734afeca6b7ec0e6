/** The `stateguard audit` flags, apart from the command itself, so that the CLI loads client-node only to audit. */
import { Option, type Command } from 'commander';
import type { ConfigInput } from '../config/config.ts';
import { FAIL_ON, type FailOn } from '../report/model.ts';
import { flagLayer, withConfigOptions, type ConfigFlag } from './config-flags.ts';
import { OUTPUT_FORMATS } from './output.ts';

export const AUDIT_FORMATS = [...OUTPUT_FORMATS, 'markdown'] as const;
export type AuditFormat = (typeof AUDIT_FORMATS)[number];

/** The config keys `audit` has flags for, with their help. */
export const AUDIT_FLAGS: readonly ConfigFlag[] = [
  ['cluster.kubeconfig', 'kubeconfig file(s), as in KUBECONFIG (default: KUBECONFIG, ~/.kube/config, in-cluster)'],
  ['cluster.context', 'kubeconfig context (default: the current one)'],
];

export interface AuditFlags {
  namespace?: string;
  output: AuditFormat;
  writeReports: boolean;
  failOn: FailOn;
}

export function withAuditOptions(command: Command): Command {
  return withConfigOptions(command.description('judge the StatefulSets of a live cluster with the same policies (and the lookups the webhook has)'), AUDIT_FLAGS)
    .option('-n, --namespace <namespace>', 'only this namespace (default: all)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(AUDIT_FORMATS).default('text'))
    .option('--write-reports', 'write a PolicyReport per StatefulSet (wgpolicyk8s.io v1alpha2, else v1beta1: what the cluster serves) and delete those of StatefulSets that are gone', false)
    .addOption(new Option('--fail-on <level>', 'exit 1 on deny violations, or also on warnings').choices(FAIL_ON).default('deny'));
}

/** The cluster flags given (by attribute name) as the last config layer. */
export function auditConfigInput(flags: Readonly<Record<string, unknown>>): ConfigInput {
  return flagLayer(flags, AUDIT_FLAGS);
}

