/** Enforcement action precedence: policy < config < namespace label (tightens by default) < exemption (DESIGN.md §3). */
import { EXEMPT_ANNOTATION, EXEMPT_REASON_ANNOTATION } from './checks/exemption-reason-required.ts';
import { asObject, asString } from './object-path.ts';
import type { Action, ActionSettings, Policy } from './types.ts';

export const NAMESPACE_ACTION_LABEL = 'stateguard.io/action';

const STRENGTH: Readonly<Record<Action, number>> = { deny: 3, warn: 2, audit: 1, off: 0 };

export const DEFAULT_ACTION_SETTINGS: ActionSettings = Object.freeze({
  overrides: Object.freeze({}),
  namespaceActions: 'tighten',
  exemptionNamespaces: Object.freeze(['*']),
});

const LABEL_ACTIONS: ReadonlySet<string> = new Set<Exclude<Action, 'off'>>(['deny', 'warn', 'audit']);

/**
 * The action in force for a policy: config overrides the policy's default; the namespace label then tightens it
 * (or, with `tighten-and-loosen`, also loosens it); the ceiling caps the result. A policy that is off stays off.
 */
export function resolveAction(policy: Policy, settings: ActionSettings, namespaceLabels: Readonly<Record<string, string>> | undefined): Action {
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
  /** False when the namespace does not allow exemptions: then nothing is exempted. */
  readonly honoured: boolean;
}

export function readExemption(object: unknown, namespace: string, settings: ActionSettings): Exemption | undefined {
  const annotations = asObject(asObject(asObject(object)['metadata'])['annotations']);
  const list = asString(annotations[EXEMPT_ANNOTATION]);
  if (list === undefined || list.trim() === '') return undefined;
  const reason = (asString(annotations[EXEMPT_REASON_ANNOTATION]) ?? '').trim();
  const allowed = settings.exemptionNamespaces.includes('*') || settings.exemptionNamespaces.includes(namespace);
  return {
    policies: new Set(list.split(',').map((id) => id.trim()).filter((id) => id !== '')),
    reason,
    honoured: allowed && reason !== '',
  };
}
