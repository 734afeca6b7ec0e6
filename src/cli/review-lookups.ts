/**
 * Cluster data for `stateguard review`: the Services, PodDisruptionBudgets, StorageClasses, LimitRanges and
 * Namespaces in the same input as the StatefulSet (a `helm template` bundle carries its headless Service and PDB), and
 * of `--cluster-data` files (`kubectl get … -o yaml`). An object in the inputs is evidence that it exists; that one
 * is absent is known only for a kind `--cluster-data` lists (then its list is taken as the cluster's).
 */
import { asObject, asString } from '../policy/object-path.ts';
import { DEFAULT_STORAGE_CLASS_ANNOTATION, selectorMatches, type JsonObject, type LookupContext } from '../policy/index.ts';
import { templateLabels } from '../policy/pod.ts';
import type { LookupSource } from '../report/model.ts';

export const LOOKUP_KINDS = { Service: 'Services', PodDisruptionBudget: 'PodDisruptionBudgets', StorageClass: 'StorageClasses', LimitRange: 'LimitRanges', Namespace: 'Namespaces' } as const;
type LookupKind = keyof typeof LOOKUP_KINDS;
export type LookupOrigin = 'review' | 'cluster-data';

interface Held { readonly object: JsonObject; readonly file: string; readonly origin: LookupOrigin }


function isLookupKind(kind: unknown): kind is LookupKind {
  return typeof kind === 'string' && Object.hasOwn(LOOKUP_KINDS, kind);
}

const nameOf = (object: JsonObject): string | undefined => asString(asObject(object['metadata'])['name']);
const namespaceOf = (object: JsonObject): string => asString(asObject(object['metadata'])['namespace']) ?? 'default';

export class ReviewLookups {
  private readonly held = new Map<LookupKind, Held[]>();
  /** Kinds `--cluster-data` lists: for those, what is not there does not exist. */
  private readonly complete = new Set<LookupKind>();
  /** Which kinds answered a lookup, from which files: for the report. */
  private readonly used = new Map<LookupKind, Set<string>>();

  /** Keeps the object when it is LOOKUP data; says whether it was. */
  add(object: JsonObject, file: string, origin: LookupOrigin): boolean {
    const kind = object['kind'];
    if (!isLookupKind(kind) || nameOf(object) === undefined) return false;
    const list = this.held.get(kind) ?? [];
    list.push({ object, file, origin });
    this.held.set(kind, list);
    if (origin === 'cluster-data') this.complete.add(kind);
    return true;
  }

  get size(): number {
    return [...this.held.values()].reduce((sum, list) => sum + list.length, 0);
  }

  /**
   * The objects of a kind (in a namespace), one per name: those of the StatefulSet's own input (a file, or stdin:
   * what is applied with it) before --cluster-data (the cluster before the apply). Other reviewed files are not
   * seen: a directory of unrelated manifests would otherwise judge a StatefulSet by another app's Service.
   */
  private visible(kind: LookupKind, file: string, namespace?: string): Held[] {
    const rank = (h: Held): number => (h.origin === 'cluster-data' ? 1 : 0);
    const byName = new Map<string, Held>();
    const candidates = (this.held.get(kind) ?? []).filter((x) => (x.origin === 'cluster-data' || x.file === file) && (namespace === undefined || namespaceOf(x.object) === namespace));
    for (const h of candidates) {
      const key = nameOf(h.object) ?? '';
      const kept = byName.get(key);
      if (kept === undefined || rank(h) < rank(kept)) byName.set(key, h);
    }
    return [...byName.values()];
  }

  private answer<T>(kind: LookupKind, found: readonly Held[], value: T): T {
    const files = this.used.get(kind) ?? new Set<string>();
    for (const h of found) files.add(`${h.origin === 'cluster-data' ? '--cluster-data ' : ''}${h.file}`);
    if (found.length === 0) files.add('--cluster-data (none listed)');
    this.used.set(kind, files);
    return value;
  }

  /** The lookups one StatefulSet sees, and the labels of its Namespace when a Namespace object gives them. */
  forStatefulSet(statefulSet: JsonObject, namespace: string, file: string): { lookup: LookupContext; namespaceLabels?: Record<string, string> } {
    const lookup: LookupContext = {
      services: (ns) => {
        const list = this.visible('Service', file, ns);
        const wanted = asString(asObject(statefulSet['spec'])['serviceName']);
        const found = list.filter((h) => nameOf(h.object) === wanted);
        if (found.length === 0 && !this.complete.has('Service')) return undefined;
        return this.answer('Service', found, list.map((h) => h.object));
      },
      podDisruptionBudgets: (ns) => {
        const list = this.visible('PodDisruptionBudget', file, ns);
        const labels = templateLabels(statefulSet);
        const found = list.filter((h) => { const s = asObject(h.object['spec'])['selector']; return s !== undefined && s !== null && selectorMatches(s, labels); });
        if (found.length === 0 && !this.complete.has('PodDisruptionBudget')) return undefined;
        return this.answer('PodDisruptionBudget', found, list.map((h) => h.object));
      },
      limitRanges: (ns) => {
        const list = this.visible('LimitRange', file, ns);
        if (list.length === 0 && !this.complete.has('LimitRange')) return undefined;
        return this.answer('LimitRange', list, list.map((h) => h.object));
      },
      storageClass: (name) => {
        const found = this.visible('StorageClass', file).filter((h) => nameOf(h.object) === name);
        if (found.length === 0) return this.complete.has('StorageClass') ? this.answer('StorageClass', [], null) : undefined;
        return this.answer('StorageClass', found, found[0]?.object);
      },
      defaultStorageClass: () => {
        const found = this.visible('StorageClass', file).filter((h) => asObject(asObject(h.object['metadata'])['annotations'])[DEFAULT_STORAGE_CLASS_ANNOTATION] === 'true');
        if (found.length === 0) return this.complete.has('StorageClass') ? this.answer('StorageClass', [], null) : undefined;
        return this.answer('StorageClass', found, found[0]?.object);
      },
    };
    const space = this.visible('Namespace', file).find((h) => nameOf(h.object) === namespace);
    const labels = asObject(asObject(space?.object['metadata'])['labels']);
    const namespaceLabels = Object.fromEntries(Object.entries(labels).filter((e): e is [string, string] => typeof e[1] === 'string'));
    return space === undefined ? { lookup } : { lookup, namespaceLabels };
  }

  /** Where each kind of LOOKUP data came from (the inputs that answered a lookup); none: not known. */
  sources(): LookupSource[] {
    return (Object.keys(LOOKUP_KINDS) as LookupKind[]).filter((k) => k !== 'Namespace').map((kind) => ({ data: LOOKUP_KINDS[kind], from: [...(this.used.get(kind) ?? [])] }));
  }
}

/** One line for the text report: which lookups were answered from where, and which stayed unknown. */
export function describeSources(sources: readonly LookupSource[]): string {
  return `lookups: ${sources.map((s) => (s.from.length === 0 ? `${s.data} not known (no cluster data)` : `${s.data} from ${s.from.join(', ')}`)).join('; ')}`;
}
