/** Enforcement action precedence: policy < config < namespace label < exemption (DESIGN.md §3). */
import { EXEMPT_ANNOTATION, EXEMPT_REASON_ANNOTATION } from './checks/exemption-reason-required.ts';
import { asObject, asString } from './object-path.ts';
import type { Action, ActionSettings, Policy } from './types.ts';

export const NAMESPACE_ACTION_LABEL = 'stateguard.io/action';

const STRENGTH: Readonly<Record<Action, number>> = { deny: 3, warn: 2, audit: 1, off: 0 };

export const DEFAULT_ACTION_SETTINGS: ActionSettings = Object.freeze({
  overrides: Object.freeze({}),
  namespaceOverride: true,
  exemptionNamespaces: Object.freeze(['*']),
});

/** The action in force for a policy: the ceiling and the namespace label may only weaken, the label only to warn or audit. */
export function resolveAction(policy: Policy, settings: ActionSettings, namespaceLabels: Readonly<Record<string, string>> | undefined): Action {
  const override = settings.overrides[policy.id] ?? policy.action;
  const ceiling = settings.ceiling ?? 'deny';
  const configured = override !== 'off' && STRENGTH[override] > STRENGTH[ceiling] ? ceiling : override;
  if (!settings.namespaceOverride || configured === 'off') return configured;
  const label = namespaceLabels?.[NAMESPACE_ACTION_LABEL];
  if ((label === 'warn' || label === 'audit') && STRENGTH[label] < STRENGTH[configured]) return label;
  return configured;
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
