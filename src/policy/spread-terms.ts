/**
 * The terms meant to spread a StatefulSet's replicas (pod anti-affinity terms, topology spread constraints) and
 * whether each selects the replicas: read by the spread-selects-own-pods check and the pod-anti-affinity mutator.
 */
import { selectorIsEmpty, selectorMatches } from './label-selectors.ts';
import { asArray, asObject, child, isObject } from './object-path.ts';
import { podSpec, TEMPLATE_SPEC_PATH, templateLabels } from './pod.ts';
import type { JsonObject } from './types.ts';

export interface SpreadTerm {
  readonly path: string;
  readonly type: 'anti-affinity' | 'topology spread';
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
    terms.push({ path, type: 'anti-affinity', judged, selectsOwnPods: selectsOwn(term, labels) });
  };
  const required = child(AA, 'requiredDuringSchedulingIgnoredDuringExecution');
  asArray(antiAffinity['requiredDuringSchedulingIgnoredDuringExecution']).forEach((term, i) => add(term, child(required, i)));
  const preferred = child(AA, 'preferredDuringSchedulingIgnoredDuringExecution');
  asArray(antiAffinity['preferredDuringSchedulingIgnoredDuringExecution']).forEach((weighted, i) => add(asObject(weighted)['podAffinityTerm'], child(child(preferred, i), 'podAffinityTerm')));
  asArray(spec['topologySpreadConstraints']).forEach((constraint, i) => {
    if (isObject(constraint)) terms.push({ path: child(child(TEMPLATE_SPEC_PATH, 'topologySpreadConstraints'), i), type: 'topology spread', judged: true, selectsOwnPods: selectsOwn(constraint, labels) });
  });
  return terms;
}

/**
 * Whether a podAntiAffinity is there but none of its terms can select the replicas (the pod-anti-affinity mutator
 * then treats it as absent). Terms that cannot be judged count as able to.
 */
export function antiAffinityCannotMatch(object: unknown, namespace: string | undefined): boolean {
  const terms = spreadTerms(object, namespace).filter((t) => t.type === 'anti-affinity');
  return terms.length > 0 && terms.every((t) => t.judged && !t.selectsOwnPods);
}
