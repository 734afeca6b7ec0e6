/**
 * The raw verdict on a stored StatefulSet: what a CREATE of it would get, validating the object as stored (it has
 * been through the mutating webhook already), with the lookup data and namespace labels known at the time.
 */
import type { StatefulSetRef } from '../report/policy-report-body.ts';
import { evaluate, isValidating, unevaluable, type ActionSettings, type ExceptionsInput, type Evaluation, type JsonObject, type LookupContext, type PolicySet } from '../policy/index.ts';
import type { ReportItem } from '../report/model.ts';

export interface AuditPolicies {
  readonly set: PolicySet;
  readonly actions: ActionSettings;
}

/** What is known of the cluster besides the StatefulSets; absent parts make LOOKUP policies skip. */
export interface ClusterView {
  readonly lookup?: LookupContext;
  readonly namespaceLabels?: (namespace: string) => Readonly<Record<string, string>> | undefined;
  /** StatefulSetPolicyExceptions of a namespace (src/cluster/exception-cache.ts). */
  readonly exceptions?: (namespace: string) => ExceptionsInput;
}

export interface AuditedStatefulSet {
  readonly ref: StatefulSetRef;
  readonly item: ReportItem;
}

export function auditStatefulSet(stored: JsonObject, policies: AuditPolicies, view: ClusterView): AuditedStatefulSet {
  const metadata = (stored['metadata'] ?? {}) as { name?: string; namespace?: string; uid?: string };
  const ref = { namespace: metadata.namespace ?? 'default', name: metadata.name ?? '', uid: metadata.uid ?? '' };
  // Items of a LIST carry no apiVersion and kind; admission requests do.
  const object = { apiVersion: 'apps/v1', kind: 'StatefulSet', ...stored };
  const labels = view.namespaceLabels?.(ref.namespace);
  const exceptions = view.exceptions?.(ref.namespace);
  const refused = unevaluable({ object });
  const evaluation = refused !== undefined ? notEvaluated(policies.set, refused.message) : evaluate(policies.set, {
    object,
    operation: 'CREATE',
    namespace: ref.namespace,
    ...(labels === undefined ? {} : { namespaceLabels: labels }),
    ...(view.lookup === undefined ? {} : { lookup: view.lookup }),
    ...(exceptions === undefined ? {} : { exceptions }),
  }, { actions: policies.actions, surface: 'audit' });
  return {
    ref,
    item: { source: `/apis/apps/v1/namespaces/${ref.namespace}/statefulsets/${ref.name}`, line: 0, kind: 'StatefulSet', namespace: ref.namespace, name: ref.name, evaluation },
  };
}

/**
 * A stored object past the engine's limits (depth, values, list items) is not judged: every validating policy is an
 * `error` naming the limit, so the item is never counted clean and its report says why.
 */
function notEvaluated(set: PolicySet, why: string): Evaluation {
  const results = set.policies
    .filter(isValidating)
    .filter((p) => p.targets.includes('StatefulSet') && p.operations.includes('CREATE'))
    .map((p) => ({ policy: p.id, category: p.category, severity: p.severity, action: p.action, result: 'error' as const, violations: [], reason: `not evaluated: ${why}` }));
  return { target: 'StatefulSet', results, patch: [], mutators: [], mutated: undefined };
}
