/** Cluster access: a KubeConfig chosen by the config (never by reading the environment here) and its API clients. */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import {
  AdmissionregistrationV1Api, AppsV1Api, CoordinationV1Api, CoreV1Api, CustomObjectsApi, EventsV1Api, KubeConfig,
} from '@kubernetes/client-node';
import type { Logger } from 'pino';
import { SERVICE_ACCOUNT_TOKEN } from '../config/cluster-access.ts';
import { StateguardError } from '../policy/index.ts';

export interface KubeOptions {
  /** Kubeconfig file(s), separated as in KUBECONFIG. Absent: ~/.kube/config, else the in-cluster service account. */
  readonly kubeconfig?: string;
  readonly context?: string;
}

export interface Kube {
  readonly config: KubeConfig;
  /** The API server's URL, for messages. */
  readonly server: string;
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly coordination: CoordinationV1Api;
  readonly admission: AdmissionregistrationV1Api;
  readonly events: EventsV1Api;
  readonly custom: CustomObjectsApi;
}

/** What the cluster modules log through: the server's pino logger (or a child of it). */
export type ClusterLog = Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;

export function loadKube(options: KubeOptions): Kube {
  const config = new KubeConfig();
  try {
    const files = options.kubeconfig?.split(delimiter).filter(Boolean) ?? [];
    const home = join(homedir(), '.kube', 'config');
    if (files.length === 0 && existsSync(home)) files.push(home);
    if (files.length > 0) loadFiles(config, files);
    else if (existsSync(SERVICE_ACCOUNT_TOKEN)) config.loadFromCluster();
    else throw new Error('no kubeconfig: pass --kubeconfig, set KUBECONFIG, or run in a cluster');
    if (options.context !== undefined) {
      if (config.getContextObject(options.context) === null) throw new Error(`the kubeconfig has no context "${options.context}"`);
      config.setCurrentContext(options.context);
    }
  } catch (error) {
    throw new StateguardError('ERR_CLUSTER', `cannot load the cluster configuration: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const server = config.getCurrentCluster()?.server;
  if (server === undefined) throw new StateguardError('ERR_CLUSTER', `the kubeconfig context "${config.getCurrentContext()}" names no cluster`);
  return {
    config,
    server,
    core: config.makeApiClient(CoreV1Api),
    apps: config.makeApiClient(AppsV1Api),
    coordination: config.makeApiClient(CoordinationV1Api),
    admission: config.makeApiClient(AdmissionregistrationV1Api),
    events: config.makeApiClient(EventsV1Api),
    custom: config.makeApiClient(CustomObjectsApi),
  };
}

/** As kubectl merges KUBECONFIG: the first file sets the current context, later files add entries. */
function loadFiles(config: KubeConfig, files: readonly string[]): void {
  files.forEach((file, index) => {
    if (index === 0) {
      config.loadFromFile(file);
      return;
    }
    const more = new KubeConfig();
    more.loadFromFile(file);
    config.mergeConfig(more, true);
  });
}
