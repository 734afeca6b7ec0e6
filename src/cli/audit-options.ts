/** The `stateguard audit` flags, apart from the command itself, so that the CLI loads client-node only to audit. */
import { Option, type Command } from 'commander';
import type { ConfigInput } from '../config/config.ts';
import { FAIL_ON, type FailOn } from '../report/model.ts';
import { OUTPUT_FORMATS } from './output.ts';

export const AUDIT_FORMATS = [...OUTPUT_FORMATS, 'markdown'] as const;
export type AuditFormat = (typeof AUDIT_FORMATS)[number];

export interface AuditFlags {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  output: AuditFormat;
  writeReports: boolean;
  failOn: FailOn;
}

export function withAuditOptions(command: Command): Command {
  return command
    .description('judge the StatefulSets of a live cluster with the same policies (and the lookups the webhook has)')
    .option('--kubeconfig <files>', 'kubeconfig file(s), as in KUBECONFIG (default: KUBECONFIG, ~/.kube/config, in-cluster)')
    .option('--context <name>', 'kubeconfig context (default: the current one)')
    .option('-n, --namespace <namespace>', 'only this namespace (default: all)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(AUDIT_FORMATS).default('text'))
    .option('--write-reports', 'write a PolicyReport per StatefulSet (wgpolicyk8s.io v1alpha2, else v1beta1: what the cluster serves) and delete those of StatefulSets that are gone', false)
    .addOption(new Option('--fail-on <level>', 'exit 1 on deny violations, or also on warnings').choices(FAIL_ON).default('deny'));
}

/** The cluster flags as the last config layer. */
export function auditConfigInput(flags: AuditFlags): ConfigInput {
  return { cluster: { ...(flags.kubeconfig === undefined ? {} : { kubeconfig: flags.kubeconfig }), ...(flags.context === undefined ? {} : { context: flags.context }) } };
}

