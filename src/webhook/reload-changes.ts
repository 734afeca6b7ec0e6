/**
 * What a reload changes in enforcement: policies added or removed, actions in force (config override and ceiling
 * applied), mutators switched on or off, params, and the settings that decide who may weaken a policy. A reload that may weaken enforcement is
 * logged at warn with these changes, so a truncated config or a lost policy file never passes as routine.
 */
import { actionSettings } from '../config/config.ts';
import { resolveAction, type Action, type ActionSettings, type Policy } from '../policy/index.ts';
import type { Settings } from './policy-store.ts';

export interface ActionChange {
  readonly policy: string;
  readonly from: Action;
  readonly to: Action;
}

/** A mutator switched on or off (mutate.enabled, config policies.<id>.enabled). */
export interface MutatorSwitch {
  readonly policy: string;
  readonly from: 'on' | 'off';
  readonly to: 'on' | 'off';
}

export interface ReloadChanges {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** The validation's action in force (`off` for a policy that does not validate). */
  readonly actions: readonly ActionChange[];
  readonly mutators: readonly MutatorSwitch[];
  /** Policies whose params changed (a looser limit is as weakening as a looser action). */
  readonly params: readonly string[];
  /** Policies whose rule or scope changed (an edited StatefulSetPolicy resource, a changed file). */
  readonly definitions: readonly string[];
  /** Action ceiling, namespace action override and exemption namespaces, as `name: before → after`. */
  readonly settings: readonly string[];
  /** Whether enforcement may be weaker after the reload than before. */
  readonly weakens: boolean;
}

const STRENGTH: Readonly<Record<Action, number>> = { deny: 3, warn: 2, audit: 1, off: 0 };

export function reloadChanges(before: Settings, after: Settings): ReloadChanges {
  const actionsBefore = actionSettings(before.config);
  const actionsAfter = actionSettings(after.config);
  const added = after.set.policies.filter((p) => !before.set.byId.has(p.id)).map((p) => p.id);
  const removed = before.set.policies.filter((p) => !after.set.byId.has(p.id)).map((p) => p.id);
  const actions: ActionChange[] = [];
  const mutators: MutatorSwitch[] = [];
  const params: string[] = [];
  const definitions: string[] = [];
  for (const policy of after.set.policies) {
    const old = before.set.byId.get(policy.id);
    if (old === undefined) continue;
    const from = actionOf(old, actionsBefore);
    const to = actionOf(policy, actionsAfter);
    if (from !== to) actions.push({ policy: policy.id, from, to });
    const [was, is] = [switchOf(old), switchOf(policy)];
    if (was !== is) mutators.push({ policy: policy.id, from: was, to: is });
    if (JSON.stringify(paramsOf(old)) !== JSON.stringify(paramsOf(policy))) params.push(policy.id);
    else if (JSON.stringify(definitionOf(old)) !== JSON.stringify(definitionOf(policy))) definitions.push(policy.id);
  }
  const settings: string[] = [];
  let settingsWeaken = false;
  const compare = (name: string, from: unknown, to: unknown, weakens: boolean): void => {
    if (JSON.stringify(from) === JSON.stringify(to)) return;
    settings.push(`${name}: ${JSON.stringify(from)} → ${JSON.stringify(to)}`);
    settingsWeaken ||= weakens;
  };
  const [b, a] = [before.config, after.config];
  compare('actionCeiling', b.actionCeiling, a.actionCeiling, STRENGTH[a.actionCeiling] < STRENGTH[b.actionCeiling]);
  // Only a change to `tighten` is strictly stronger (off → tighten, tighten-and-loosen → tighten); any other loses tightening or adds loosening.
  compare('namespaceActions', b.namespaceActions, a.namespaceActions, a.namespaceActions !== 'tighten');
  compare('exemptions.annotations', b.exemptions.annotations, a.exemptions.annotations, a.exemptions.annotations && !b.exemptions.annotations);
  const exempting = (namespaces: readonly string[]) => (ns: string) => namespaces.includes('*') || namespaces.includes(ns);
  compare('exemptions.namespaces', b.exemptions.namespaces, a.exemptions.namespaces, a.exemptions.namespaces.some((ns) => !exempting(b.exemptions.namespaces)(ns)));
  // A changed rule may accept more than before: as weakening as a looser param.
  const weakens = removed.length > 0 || params.length > 0 || definitions.length > 0 || settingsWeaken || actions.some((c) => STRENGTH[c.to] < STRENGTH[c.from]) || mutators.some((m) => m.to === 'off');
  return { added, removed, actions, mutators, params, definitions, settings, weakens };
}

/** One line for the log message: `removed a, b; actions a deny → warn; params changed: c`. */
export function describeChanges(changes: ReloadChanges): string {
  const parts = [
    changes.added.length > 0 ? `added ${changes.added.join(', ')}` : '',
    changes.removed.length > 0 ? `removed ${changes.removed.join(', ')}` : '',
    changes.actions.length > 0 ? `actions ${changes.actions.map((c) => `${c.policy} ${c.from} → ${c.to}`).join(', ')}` : '',
    changes.mutators.length > 0 ? `mutators ${changes.mutators.map((m) => `${m.policy} ${m.from} → ${m.to}`).join(', ')}` : '',
    changes.params.length > 0 ? `params changed: ${changes.params.join(', ')}` : '',
    changes.definitions.length > 0 ? `definition changed: ${changes.definitions.join(', ')}` : '',
    changes.settings.length > 0 ? changes.settings.join(', ') : '',
  ].filter((part) => part !== '');
  return parts.length === 0 ? 'no change in enforcement' : parts.join('; ');
}

/** The validation's action in force; `off` for a policy that does not validate. */
function actionOf(policy: Policy, settings: ActionSettings): Action {
  return policy.validate === undefined ? 'off' : resolveAction(policy, settings, undefined);
}

function switchOf(policy: Policy): 'on' | 'off' {
  return policy.mutate?.enabled === true ? 'on' : 'off';
}

function paramsOf(policy: Policy): unknown {
  return [policy.validate?.params ?? null, policy.mutate?.params ?? null];
}

const NOT_DEFINITION = new Set(['id', 'file', 'line', 'action', 'description', 'category', 'validate', 'mutate']);

/** What a policy checks and on what, besides its action and params (not its words, nor where it is written). */
function definitionOf(policy: Policy): unknown {
  const { validate, mutate } = policy;
  const rest = Object.fromEntries(Object.entries(policy).filter(([key]) => !NOT_DEFINITION.has(key)));
  return [rest, validate === undefined ? null : { ...validate, params: null }, mutate?.mutator ?? null];
}
