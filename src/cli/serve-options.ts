/**
 * The flags of `stateguard serve`, apart from the server itself (serve.ts), so that building the command line does
 * not load fastify, pino and the TLS stack for the other commands.
 */
import type { Command } from 'commander';
import type { ConfigInput } from '../config/config.ts';
import { flagLayer, withConfigOptions, type ConfigFlag } from './config-flags.ts';

/** The config keys `serve` has flags for, with their help (the defaults come from the schema). */
export const SERVE_FLAGS: readonly ConfigFlag[] = [
  ['server.host', 'admission listen address'],
  ['server.port', 'admission HTTPS port (0: any free port)'],
  ['server.metricsHost', 'health and metrics listen address'],
  ['server.metricsPort', 'health and metrics HTTP port (0: any free port)'],
  ['server.tlsCert', 'serving certificate (PEM), reloaded when it changes; default: a fresh self-signed one'],
  ['server.tlsKey', 'private key of --tls-cert (PEM)'],
  ['server.clientCa', 'require client certificates signed by this CA (PEM)'],
  ['server.caOut', 'write the CA of the self-signed (or self-managed) certificate here, for clients to trust'],
  ['cluster.kubeconfig', 'run the cluster features (lookups, leader election, certificates, reports) against this cluster; in a pod they run without it'],
  ['cluster.context', 'kubeconfig context (default: the current one); also turns the cluster features on'],
];

export function withServeOptions(command: Command): Command {
  return withConfigOptions(command.description('serve the validating and mutating admission webhooks (HTTPS), with health and metrics (HTTP)'), SERVE_FLAGS);
}

/** The flags given (by attribute name) as the last config layer (defaults ← file ← env ← flags). */
export function serveConfigInput(flags: Readonly<Record<string, unknown>>): ConfigInput {
  const input = flagLayer(flags, SERVE_FLAGS);
  // Asking for a cluster turns its features on; a KUBECONFIG in the environment only says which cluster (cluster-access.ts).
  if (input.cluster?.kubeconfig === undefined && input.cluster?.context === undefined) return input;
  return { ...input, cluster: { ...input.cluster, enabled: true } };
}
