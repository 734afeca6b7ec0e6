/** Enforcement action precedence: policy < config < namespace label (tightens by default) < exemption (DESIGN.md §3). */
import { EXEMPT_ANNOTATION, EXEMPT_REASON_ANNOTATION, NAMESPACE_ACTION_LABEL } from './annotations.ts';
import { asObject, asString } from './object-path.ts';
import type { Action, ActionSettings, ExemptionGrant, ExemptionRefusal, ValidatingPolicy } from './types.ts';


const STRENGTH: Readonly<Record<Action, number>> = { deny: 3, warn: 2, audit: 1, off: 0 };

export const DEFAULT_ACTION_SETTINGS: ActionSettings = Object.freeze({
  overrides: Object.freeze({}),
  namespaceActions: 'tighten',
  annotationExemptions: false,
  exemptionNamespaces: Object.freeze(['*']),
});

const LABEL_ACTIONS: ReadonlySet<string> = new Set<Exclude<Action, 'off'>>(['deny', 'warn', 'audit']);

/**
 * The action in force for a policy: config overrides the policy's default; the namespace label then tightens it
 * (or, with `tighten-and-loosen`, also loosens it); the ceiling caps the result. A policy that is off stays off.
 * Validation only: a mutator has no action (its switch is `mutate.enabled`).
 */
export function resolveAction(policy: Pick<ValidatingPolicy, 'id' | 'action'>, settings: ActionSettings, namespaceLabels: Readonly<Record<string, string>> | undefined): Action {
  const configured = settings.overrides[policy.id] ?? policy.action;
  if (configured === 'off') return 'off';
  const label = settings.namespaceActions === 'off' ? undefined : namespaceLabels?.[NAMESPACE_ACTION_LABEL];
  const labelled = label !== undefined && LABEL_ACTIONS.has(label) ? label as Action : undefined;
  const chosen = labelled === undefined ? configured
    : STRENGTH[labelled] > STRENGTH[configured] || settings.namespaceActions === 'tighten-and-loosen' ? labelled
      : configured;
  const ceiling = settings.ceiling ?? 'deny';
  return STRENGTH[chosen] > STRENGTH[ceiling] ? ceiling : chosen;
}

export interface Exemption {
  readonly policies: ReadonlySet<string>;
  readonly reason: string;
}

/** The policy ids an object's `stateguard.io/exempt` annotation names, if any. */
export function claimedExemptions(object: unknown): readonly string[] {
  const annotations = asObject(asObject(asObject(object)['metadata'])['annotations']);
  const list = asString(annotations[EXEMPT_ANNOTATION]);
  if (list === undefined) return [];
  return [...new Set(list.split(',').map((id) => id.trim()).filter((id) => id !== ''))];
}

export function readExemption(object: unknown): Exemption | undefined {
  const ids = claimedExemptions(object);
  if (ids.length === 0) return undefined;
  const annotations = asObject(asObject(asObject(object)['metadata'])['annotations']);
  return { policies: new Set(ids), reason: (asString(annotations[EXEMPT_REASON_ANNOTATION]) ?? '').trim() };
}

/** Whether the exemption claimed for one policy is honoured, and if not, why (first refusal wins). */
export function exemptionRefusal(id: string, reason: string, namespace: string, settings: ActionSettings, grant: ExemptionGrant | undefined): ExemptionRefusal | undefined {
  if (settings.annotationExemptions !== true) return 'exemptions-disabled';
  if (!settings.exemptionNamespaces.includes('*') && !settings.exemptionNamespaces.includes(namespace)) return 'namespace-not-allowed';
  if (reason === '') return 'no-reason';
  if (grant === undefined || grant.unavailable?.[id] !== undefined) return 'authorisation-unavailable';
  if (!grant.allowed.includes(id)) return 'not-authorised';
  return undefined;
}

/** For people: why a claimed exemption was not honoured. */
export function refusalText(refusal: ExemptionRefusal, id: string, namespace: string, user: string | undefined, grant: ExemptionGrant | undefined): string {
  switch (refusal) {
    case 'exemptions-disabled': return 'exemption not honoured: annotation exemptions are off (config exemptions.annotations)';
    case 'namespace-not-allowed': return `exemption not honoured: exemptions are not allowed in namespace ${namespace}`;
    case 'no-reason': return 'exemption not honoured: it gives no reason';
    case 'authorisation-unavailable': {
      const why = grant?.unavailable?.[id];
      return why === undefined
        ? 'exemption not honoured: cannot verify who may exempt offline (only the webhook, asking the cluster with a SubjectAccessReview, can)'
        : `exemption not honoured: cannot verify who may exempt: ${why}`;
    }
    case 'not-authorised': return `exemption not honoured: ${user ?? 'the requesting user'} may not exempt ${id} (RBAC: verb exempt on statefulsetpolicies.stateguard.io "${id}" in namespace ${namespace})`;
  }
}
