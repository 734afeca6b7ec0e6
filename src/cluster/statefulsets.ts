/** The StatefulSets an audit reads: paged lists, a watched cache, and whether one still exists. */
import { httpStatus, clusterError } from './cluster-error.ts';
import type { Kube } from './kube.ts';
import { listPages, type ListPage } from './list-pages.ts';
import { watchCollection, type WatchedCollection, type WatchOptions } from './watched-collection.ts';

function collection(namespace?: string): string {
  return namespace === undefined ? '/apis/apps/v1/statefulsets' : `/apis/apps/v1/namespaces/${namespace}/statefulsets`;
}

/** Pages of StatefulSets in one namespace or all, as the API server serves them. */
export function statefulSetPages(kube: Kube, options: { readonly namespace?: string; readonly limit?: number } = {}): AsyncGenerator<ListPage> {
  return listPages(kube, collection(options.namespace), options.limit === undefined ? {} : { limit: options.limit });
}

/** Every StatefulSet of the cluster, kept current. */
export function watchStatefulSets(kube: Kube, options: WatchOptions): WatchedCollection {
  return watchCollection(kube, collection(), options);
}

/** The uid of a StatefulSet, or undefined when there is none of that name. */
export async function statefulSetUid(kube: Kube, namespace: string, name: string): Promise<string | undefined> {
  try {
    return (await kube.apps.readNamespacedStatefulSet({ namespace, name })).metadata?.uid;
  } catch (error) {
    if (httpStatus(error) === 404) return undefined;
    throw clusterError(kube.server, `cannot read StatefulSet ${namespace}/${name}`, error);
  }
}
