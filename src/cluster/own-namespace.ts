/** stateguard's own namespace (cluster.namespace), where its Lease and certificate Secret live, must exist. */
import { StateguardError } from '../policy/index.ts';
import { httpStatus } from './cluster-error.ts';
import type { Kube } from './kube.ts';

/**
 * Throws ERR_CLUSTER naming the namespace and the fix when the API server says it does not exist (404). Any other
 * answer lets the start go on: a 403 (no `get` on namespaces) or an unreachable server is reported, and retried,
 * by the parts that need the cluster.
 */
export async function requireNamespace(kube: Kube, namespace: string): Promise<void> {
  try {
    await kube.core.readNamespace({ name: namespace });
  } catch (error) {
    if (httpStatus(error) !== 404) return;
    throw new StateguardError('ERR_CLUSTER',
      `namespace "${namespace}" does not exist at ${kube.server} (stateguard keeps its Lease and certificate Secret there): ` +
      `create it (kubectl create namespace ${namespace}) or set cluster.namespace (STATEGUARD_NAMESPACE) to the namespace stateguard runs in`,
      { cause: error });
  }
}
