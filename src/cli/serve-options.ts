/**
 * The flags of `stateguard serve`, apart from the server itself (serve.ts), so that building the command line does
 * not load fastify, pino and the TLS stack for the other commands.
 */
import type { Command } from 'commander';
import type { ConfigInput } from '../config/config.ts';

export interface ServeFlags {
  host?: string;
  port?: number;
  metricsHost?: string;
  metricsPort?: number;
  tlsCert?: string;
  tlsKey?: string;
  clientCa?: string;
  caOut?: string;
  kubeconfig?: string;
  context?: string;
}

export function withServeOptions(command: Command): Command {
  return command
    .description('serve the validating and mutating admission webhooks (HTTPS), with health and metrics (HTTP)')
    .option('--host <address>', 'admission listen address (default 127.0.0.1)')
    .option('--port <port>', 'admission HTTPS port (default 8443; 0: any free port)', Number)
    .option('--metrics-host <address>', 'health and metrics listen address (default 127.0.0.1)')
    .option('--metrics-port <port>', 'health and metrics HTTP port (default 9090; 0: any free port)', Number)
    .option('--tls-cert <file>', 'serving certificate (PEM), reloaded when it changes; default: a fresh self-signed one')
    .option('--tls-key <file>', 'private key of --tls-cert (PEM)')
    .option('--client-ca <file>', 'require client certificates signed by this CA (PEM)')
    .option('--ca-out <file>', 'write the CA of the self-signed (or self-managed) certificate here, for clients to trust')
    .option('--kubeconfig <files>', 'run the cluster features (lookups, leader election, certificates, reports) against this cluster; in a pod they run without it')
    .option('--context <name>', 'kubeconfig context (default: the current one); also turns the cluster features on');
}

/** The flags as the last config layer (defaults ← file ← env ← flags). */
export function serveConfigInput(flags: ServeFlags): ConfigInput {
  const server: NonNullable<ConfigInput['server']> = {};
  if (flags.host !== undefined) server.host = flags.host;
  if (flags.port !== undefined) server.port = flags.port;
  if (flags.metricsHost !== undefined) server.metricsHost = flags.metricsHost;
  if (flags.metricsPort !== undefined) server.metricsPort = flags.metricsPort;
  if (flags.tlsCert !== undefined) server.tlsCert = flags.tlsCert;
  if (flags.tlsKey !== undefined) server.tlsKey = flags.tlsKey;
  if (flags.clientCa !== undefined) server.clientCa = flags.clientCa;
  if (flags.caOut !== undefined) server.caOut = flags.caOut;
  // Asking for a cluster turns its features on; a KUBECONFIG in the environment only says which cluster (cluster-access.ts).
  const cluster: NonNullable<ConfigInput['cluster']> = {};
  if (flags.kubeconfig !== undefined) cluster.kubeconfig = flags.kubeconfig;
  if (flags.context !== undefined) cluster.context = flags.context;
  if (flags.kubeconfig !== undefined || flags.context !== undefined) cluster.enabled = true;
  return { server, cluster };
}
