/** The real server on loopback (ports chosen by the OS), with logs kept in memory. */
import { buildConfig, type ConfigInput } from '../../../src/config/config.ts';
import { loadPolicySet } from '../../../src/config/read-policies.ts';
import type { Settings, Lookups } from '../../../src/webhook/policy-store.ts';
import { startServer, type RunningServer } from '../../../src/webhook/start-server.ts';
import { captureLogs, type LogRecord } from './logs.ts';

export const LOOPBACK: ConfigInput = { server: { host: '127.0.0.1', port: 0, metricsHost: '127.0.0.1', metricsPort: 0 } };

export interface TestServer {
  readonly server: RunningServer;
  readonly records: LogRecord[];
  readonly ca: string | string[];
  url(path: string): string;
}

export function settingsOf(input: ConfigInput): Settings {
  const config = buildConfig([LOOPBACK, input]);
  return { config, set: loadPolicySet(config.policyDirs, config.builtinPolicies, config.policies) };
}

export async function startTestServer(options: { input?: ConfigInput; load?: () => Settings; lookups?: Lookups; ca?: string | string[]; certificatePollMs?: number } = {}): Promise<TestServer> {
  const load = options.load ?? (() => settingsOf(options.input ?? {}));
  const { logger, records } = captureLogs();
  const server = await startServer({
    initial: load(),
    load,
    logger,
    ...(options.lookups === undefined ? {} : { lookups: options.lookups }),
    ...(options.certificatePollMs === undefined ? {} : { certificatePollMs: options.certificatePollMs }),
  });
  const ca = options.ca ?? server.caCert;
  if (ca === undefined) throw new Error('startTestServer: pass the CA of the certificate files');
  return { server, records, ca, url: (path) => `${server.admissionUrl}${path}` };
}
