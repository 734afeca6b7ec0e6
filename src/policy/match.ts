/**
 * Which requests a policy is for: `match` and `exclude` (policy YAML `spec.match`/`spec.exclude`, or config
 * `policies.<id>.match`/`exclude`), one matcher for the webhook, `review` and audit. A block holds when every
 * criterion it gives holds. Criteria whose data the caller does not have (no userInfo offline, namespace labels not
 * known) are "unknown": the policy is then evaluated as if it applies, and the result lists what was not checked, so
 * missing data can never turn a policy off.
 */
import { selectorMatches } from './label-selectors.ts';
import type { Operation, Policy, PolicyScope, ScopePart, UserInfo } from './types.ts';

export interface ScopeFacts {
  readonly namespace: string;
  /** Undefined when not known (offline, cache not synced). */
  readonly namespaceLabels: Readonly<Record<string, string>> | undefined;
  /** The StatefulSet's own labels; undefined when not known (a Scale carries no StatefulSet labels). */
  readonly labels: Readonly<Record<string, string>> | undefined;
  readonly operation: Operation;
  /** Undefined when not known (review, audit). */
  readonly userInfo: UserInfo | undefined;
}

export type ScopeVerdict =
  | { readonly applies: true; readonly unchecked: readonly ScopePart[] }
  | { readonly applies: false };

const ALWAYS: ScopeVerdict = Object.freeze({ applies: true, unchecked: Object.freeze([]) });

export function scopeOf(policy: Policy, facts: ScopeFacts): ScopeVerdict {
  if (policy.match === undefined && policy.exclude === undefined) return ALWAYS;
  const unchecked = new Set<ScopePart>();
  if (policy.match !== undefined) {
    const held = holds(policy.match, facts, unchecked);
    if (held === false) return { applies: false };
  }
  if (policy.exclude !== undefined) {
    const held = holds(policy.exclude, facts, unchecked);
    if (held === true) return { applies: false };
  }
  return unchecked.size === 0 ? ALWAYS : { applies: true, unchecked: [...unchecked] };
}

type Tri = boolean | 'unknown';

/** True when every given criterion holds, false when one does not, unknown when the rest hold but data is missing. */
function holds(scope: PolicyScope, facts: ScopeFacts, unchecked: Set<ScopePart>): Tri {
  const parts: [ScopePart, () => Tri][] = [];
  if (scope.namespaces !== undefined) parts.push(['namespaces', () => scope.namespaces!.some((glob) => globMatches(glob, facts.namespace))]);
  if (scope.operations !== undefined) parts.push(['operations', () => scope.operations!.includes(facts.operation)]);
  if (scope.namespaceSelector !== undefined) parts.push(['namespaceLabels', () => (facts.namespaceLabels === undefined ? 'unknown' : selectorMatches(scope.namespaceSelector!, facts.namespaceLabels))]);
  if (scope.selector !== undefined) parts.push(['labels', () => (facts.labels === undefined ? 'unknown' : selectorMatches(scope.selector!, facts.labels))]);
  if (scope.subjects !== undefined) parts.push(['subjects', () => (facts.userInfo === undefined ? 'unknown' : subjectMatches(scope.subjects!, facts.userInfo))]);
  let result: Tri = true;
  const missing: ScopePart[] = [];
  for (const [part, test] of parts) {
    const value = test();
    if (value === false) return false;
    if (value === 'unknown') {
      result = 'unknown';
      missing.push(part);
    }
  }
  for (const part of missing) unchecked.add(part);
  return result;
}

/** A subject entry matches the username (`system:serviceaccount:NS:NAME` for service accounts) or any group. */
function subjectMatches(subjects: readonly string[], user: UserInfo): boolean {
  return subjects.some((glob) => (user.username !== undefined && globMatches(glob, user.username)) || (user.groups ?? []).some((group) => globMatches(glob, group)));
}

const GLOBS = new Map<string, RegExp>();

/** `*` any run of characters (`:` included), `?` one character; everything else literal. */
export function globMatches(glob: string, value: string): boolean {
  if (!glob.includes('*') && !glob.includes('?')) return glob === value;
  let pattern = GLOBS.get(glob);
  if (pattern === undefined) {
    pattern = new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
    if (GLOBS.size < 10_000) GLOBS.set(glob, pattern);
  }
  return pattern.test(value);
}
