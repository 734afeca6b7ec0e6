/**
 * The wgpolicyk8s.io PolicyReport of one StatefulSet (v1alpha2 or v1beta1, whichever the cluster serves: the body is
 * the same): one result per policy, passes included (Policy Reporter counts results, not the summary), each with
 * `rule` (the policy id: a stateguard policy is one rule); messages truncated, so a report stays small however bad
 * the object (at most one result per policy in force); a hash of everything but the timestamps, so an unchanged
 * verdict is never rewritten.
 */
import { createHash } from 'node:crypto';
import { DNS_SUBDOMAIN_MAX, VERDICT_ANNOTATION, type Evaluation, type JsonObject, type PolicyResult, type Result } from '../policy/index.ts';
import { flaggedResults } from './model.ts';

export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'stateguard' } as const;
/** The property of a skipped result that says why (a SkipCause): what makes a refused lookup flagged when read back. */
export const SKIP_PROPERTY = 'skip';

export interface StatefulSetRef {
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
}

export interface DesiredReport {
  readonly namespace: string;
  readonly name: string;
  readonly hash: string;
  /** Every policy passed (or was not applicable): nothing flagged. */
  readonly clean: boolean;
  /** Policies with a flagged result (src/report/model.ts): what an Event announces when it is new. */
  readonly flagged: readonly string[];
  readonly body: JsonObject;
}

const PREFIX = 'stateguard-sts-';
const MAX_TEXT = 1024;

/** `stateguard-sts-<name>`, shortened with a hash of the full name when that would exceed 253 characters. */
export function reportName(statefulSetName: string): string {
  const name = PREFIX + statefulSetName;
  if (name.length <= DNS_SUBDOMAIN_MAX) return name;
  const hash = createHash('sha256').update(statefulSetName).digest('hex').slice(0, 8);
  return `${name.slice(0, DNS_SUBDOMAIN_MAX - hash.length - 1).replace(/[.-]+$/, '')}-${hash}`;
}

/** `apiVersion`: the served PolicyReport version (src/cluster/policy-report-api.ts). */
export function desiredReport(statefulSet: StatefulSetRef, evaluation: Evaluation, now: Date, apiVersion: string): DesiredReport {
  const scope = { apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: statefulSet.namespace, name: statefulSet.name, uid: statefulSet.uid };
  const summary: Record<Result, number> = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 };
  for (const result of evaluation.results) summary[result.result]++;
  const results = evaluation.results.map(reportResult);
  const hash = createHash('sha256').update(JSON.stringify({ scope, summary, results })).digest('hex').slice(0, 16);
  const name = reportName(statefulSet.name);
  const timestamp = { seconds: Math.floor(now.getTime() / 1000), nanos: 0 };
  return {
    namespace: statefulSet.namespace,
    name,
    hash,
    clean: evaluation.results.every((r) => r.result === 'pass'),
    flagged: flaggedResults(evaluation.results).map((r) => r.policy),
    body: {
      apiVersion,
      kind: 'PolicyReport',
      metadata: {
        name,
        namespace: statefulSet.namespace,
        labels: { ...MANAGED_BY },
        annotations: { [VERDICT_ANNOTATION]: hash },
        // Garbage-collected with its StatefulSet where a controller-manager runs; stateguard deletes orphans too.
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: statefulSet.name, uid: statefulSet.uid }],
      },
      scope,
      summary,
      results: results.map((result) => ({ ...result, timestamp })),
    },
  };
}

function reportResult(result: PolicyResult): JsonObject {
  const checks = [...new Set(result.violations.flatMap((v) => (v.checkId === undefined ? [] : [v.checkId])))];
  const fixes = [...new Set(result.violations.map((v) => v.fix))];
  // StatefulSetPolicyExceptions used (`namespace/name`, with the lifted check ids) and expired ones, by name.
  const excepted = (result.exceptions?.applied ?? []).map((e) => `${e.namespace}/${e.name}${e.checks === undefined ? '' : `[${e.checks.join(',')}]`}`);
  const expired = (result.exceptions?.expired ?? []).map((e) => `${e.namespace}/${e.name} (expired ${e.expiresAt})`);
  return {
    source: 'stateguard',
    policy: result.policy,
    rule: result.policy,
    category: result.category,
    // Optional in the PolicyReport schema; a mutator's result has none.
    ...(result.severity === undefined ? {} : { severity: result.severity }),
    result: result.result,
    scored: true,
    message: truncate(result.violations.length > 0 ? result.violations.map((v) => `${v.path}: ${v.message}`).join('\n') : result.reason ?? `${result.policy}: ${result.result}`),
    properties: {
      action: result.action,
      ...(result.skip === undefined ? {} : { [SKIP_PROPERTY]: result.skip.cause }),
      ...(fixes.length > 0 ? { fix: truncate(fixes.join('\n')) } : {}),
      ...(checks.length > 0 ? { checks: truncate(checks.join(',')) } : {}),
      ...(excepted.length > 0 ? { exceptions: truncate(excepted.join('; ')) } : {}),
      ...(expired.length > 0 ? { expiredExceptions: truncate(expired.join('; ')) } : {}),
      ...(result.exceptions?.unchecked === undefined ? {} : { exceptionsUnchecked: truncate(result.exceptions.unchecked) }),
    },
  };
}

function truncate(text: string): string {
  return text.length <= MAX_TEXT ? text : `${text.slice(0, MAX_TEXT - 1)}…`;
}
