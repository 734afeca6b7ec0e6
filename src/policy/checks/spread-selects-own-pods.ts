import { asArray, asObject, child, isObject } from '../object-path.ts';
import { podSpec, TEMPLATE_SPEC_PATH, templateLabels } from '../pod.ts';
import type { JsonObject, Violation } from '../types.ts';
import { violation, type Check } from './check.ts';
import { selectorIsEmpty, selectorMatches } from './selector-matches-template.ts';

/**
 * Pod anti-affinity terms and topology spread constraints exist to keep a StatefulSet's own replicas apart, so
 * their selector has to select the template's own labels: one that does not (the ZooKeeper tutorial's `app in
 * (zk)` on pods labelled only `app.kubernetes.io/name: zk`) counts no replica, and all may land on one node.
 */

export interface SpreadTerm {
  readonly path: string;
  readonly kind: 'anti-affinity' | 'topology spread';
  /** false: the term reaches beyond the pod's own namespace (namespaces, namespaceSelector) or excludes its own
   * pods on purpose (mismatchLabelKeys), so whether it is meant for the replicas cannot be judged. */
  readonly judged: boolean;
  /** Whether the term selects the template's own labels. */
  readonly selectsOwnPods: boolean;
}

const AA = child(child(TEMPLATE_SPEC_PATH, 'affinity'), 'podAntiAffinity');

/** A nil labelSelector selects no pods, unless matchLabelKeys builds one from the pod's own labels. */
function selectsOwn(term: JsonObject, labels: Record<string, unknown>): boolean {
  const selector = term['labelSelector'];
  if (!isObject(selector)) return asArray(term['matchLabelKeys']).length > 0;
  return selectorIsEmpty(selector) || selectorMatches(selector, labels);
}

/** No namespaceSelector, and no namespaces but the pod's own (unknown namespace: none listed at all). */
function ownNamespaceOnly(term: JsonObject, namespace: string | undefined): boolean {
  return term['namespaceSelector'] === undefined || term['namespaceSelector'] === null
    ? asArray(term['namespaces']).every((ns) => namespace !== undefined && ns === namespace)
    : false;
}

/** Every anti-affinity term (required and preferred) and topology spread constraint of the template. */
export function spreadTerms(object: unknown, namespace: string | undefined): SpreadTerm[] {
  const spec = podSpec(object);
  const labels = templateLabels(object);
  const antiAffinity = asObject(asObject(spec['affinity'])['podAntiAffinity']);
  const terms: SpreadTerm[] = [];
  const add = (term: unknown, path: string): void => {
    if (!isObject(term)) return;
    const judged = ownNamespaceOnly(term, namespace) && asArray(term['mismatchLabelKeys']).length === 0;
    terms.push({ path, kind: 'anti-affinity', judged, selectsOwnPods: selectsOwn(term, labels) });
  };
  const required = child(AA, 'requiredDuringSchedulingIgnoredDuringExecution');
  asArray(antiAffinity['requiredDuringSchedulingIgnoredDuringExecution']).forEach((term, i) => add(term, child(required, i)));
  const preferred = child(AA, 'preferredDuringSchedulingIgnoredDuringExecution');
  asArray(antiAffinity['preferredDuringSchedulingIgnoredDuringExecution']).forEach((weighted, i) => add(asObject(weighted)['podAffinityTerm'], child(child(preferred, i), 'podAffinityTerm')));
  asArray(spec['topologySpreadConstraints']).forEach((constraint, i) => {
    if (isObject(constraint)) terms.push({ path: child(child(TEMPLATE_SPEC_PATH, 'topologySpreadConstraints'), i), kind: 'topology spread', judged: true, selectsOwnPods: selectsOwn(constraint, labels) });
  });
  return terms;
}

/**
 * Whether a podAntiAffinity is there but none of its terms can select the replicas (the pod-anti-affinity mutator
 * then treats it as absent). Terms that cannot be judged count as able to.
 */
export function antiAffinityCannotMatch(object: unknown, namespace: string | undefined): boolean {
  const terms = spreadTerms(object, namespace).filter((t) => t.kind === 'anti-affinity');
  return terms.length > 0 && terms.every((t) => t.judged && !t.selectsOwnPods);
}

export const spreadSelectsOwnPods: Check = {
  name: 'spread-selects-own-pods',
  run({ object, namespace, fix }) {
    const terms = spreadTerms(object, namespace);
    // An anti-affinity term may target another app on purpose; it is a finding only when no term spreads the replicas.
    const antiAffinityOk = terms.some((t) => t.kind === 'anti-affinity' && (!t.judged || t.selectsOwnPods));
    const out: Violation[] = [];
    for (const term of terms) {
      if (!term.judged || term.selectsOwnPods || (term.kind === 'anti-affinity' && antiAffinityOk)) continue;
      const what = term.kind === 'anti-affinity' ? 'this pod anti-affinity term' : 'this topology spread constraint';
      out.push(violation(child(term.path, 'labelSelector'), `${what} selects none of the StatefulSet's own pods (its selector does not match spec.template.metadata.labels), so it does not keep the replicas apart`, fix));
    }
    return out;
  },
};
