/** What `serve` takes from its cluster side, and the cluster-free default (no client-node loaded for it). */
import type { ClusterAccess } from '../config/cluster-access.ts';
import { LOG_KEYS } from '../logging/log-keys.ts';
import type { PolicySet } from '../policy/index.ts';
import type { StartOptions } from '../webhook/start-server.ts';

export interface ClusterFeatures {
  /** What the server takes from the cluster. Off: only the summary saying why. */
  readonly server: Pick<StartOptions, 'lookups' | 'certificates' | 'ready' | 'onReload' | 'summary' | 'clusterStatus'>;
  /** Joins the cluster's StatefulSetPolicy resources to the file policies at each (re)load (policy-resource-watch.ts). */
  readonly combinePolicies?: (files: PolicySet) => PolicySet;
  /** Stops the audit, the certificates, the leader election (releasing the Lease) and the caches, bounded. */
  stop(): Promise<void>;
}

/** The bound on stop(): the last part of the shutdown, after the admission drain, within the pod's grace period. */
export const CLUSTER_STOP_TIMEOUT_MS = 5_000;

/** Without cluster features: only the summary saying why. */
export function withoutCluster(access: ClusterAccess): ClusterFeatures {
  return { server: { summary: { [LOG_KEYS.cluster]: { features: [], reason: access.reason } } }, stop: async () => undefined };
}
