/**
 * Whether `serve` runs its cluster features. On when asked for (`cluster.enabled`, which `--kubeconfig` and
 * `--context` set), or when it runs in a pod (a service-account token and KUBERNETES_SERVICE_HOST); off otherwise.
 * A developer's KUBECONFIG says which cluster, never whether: `npm start` stays a local, cluster-free server.
 */
import { existsSync } from 'node:fs';
import type { ClusterConfig } from './config.ts';

/** Where the kubelet mounts the pod's service-account token. */
export const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export interface ClusterAccess {
  readonly enabled: boolean;
  /** Why, for the start-up summary. */
  readonly reason: string;
}

export function clusterAccess(cluster: Pick<ClusterConfig, 'enabled'>, env: NodeJS.ProcessEnv = process.env, tokenFile = SERVICE_ACCOUNT_TOKEN): ClusterAccess {
  if (cluster.enabled === true) return { enabled: true, reason: 'cluster.enabled (--kubeconfig, --context)' };
  if (cluster.enabled === false) return { enabled: false, reason: 'cluster.enabled is false' };
  if ((env['KUBERNETES_SERVICE_HOST'] ?? '') !== '' && existsSync(tokenFile)) return { enabled: true, reason: 'in a pod (service-account token)' };
  return { enabled: false, reason: 'not in a pod, and no --kubeconfig (KUBECONFIG alone does not enable it)' };
}
