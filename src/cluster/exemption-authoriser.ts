/**
 * Who may exempt a policy: one SubjectAccessReview per (user, namespace, policy) — verb `exempt` on
 * `statefulsetpolicies.stateguard.io` named by the policy id, in the object's namespace — asked as the AdmissionReview's
 * userInfo (username, uid, groups, extra). Answers are cached briefly and the cache is bounded; a call that fails or is
 * refused is never a grant and never cached.
 */
import { AuthorizationV1Api, type V1SubjectAccessReview } from '@kubernetes/client-node';
import type { ExemptionAuthoriser, ExemptionQuestion } from '../admission/index.ts';
import type { ExemptionGrant, UserInfo } from '../policy/index.ts';
import { describeFailure } from './cluster-error.ts';
import type { ClusterLog, Kube } from './kube.ts';

export const EXEMPT_VERB = 'exempt';
export const POLICY_GROUP = 'stateguard.io';
export const POLICY_RESOURCE = 'statefulsetpolicies';

export interface ExemptionAuthoriserOptions {
  /** How long an answer is reused (RBAC changes take effect within this). Default 10 s. */
  readonly ttlMs?: number;
  /** Most answers kept; the oldest go first. Default 1,000. */
  readonly maxEntries?: number;
  /** Bound on one SubjectAccessReview: the API server's webhook timeout is 5 s. Default 2 s. */
  readonly timeoutMs?: number;
  readonly log: ClusterLog;
}

interface Answer { readonly allowed: boolean; readonly until: number }

export function createExemptionAuthoriser(kube: Pick<Kube, 'config'>, options: ExemptionAuthoriserOptions): ExemptionAuthoriser {
  const api = kube.config.makeApiClient(AuthorizationV1Api);
  const ttlMs = options.ttlMs ?? 10_000;
  const maxEntries = options.maxEntries ?? 1_000;
  const timeoutMs = options.timeoutMs ?? 2_000;
  const cache = new Map<string, Answer>();

  const ask = async (userInfo: UserInfo, namespace: string, policy: string): Promise<boolean> => {
    const key = JSON.stringify([userInfo.username, userInfo.uid, userInfo.groups, userInfo.extra, namespace, policy]);
    const cached = cache.get(key);
    if (cached !== undefined && cached.until > Date.now()) return cached.allowed;
    const body: V1SubjectAccessReview = {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: {
        resourceAttributes: { group: POLICY_GROUP, resource: POLICY_RESOURCE, name: policy, namespace, verb: EXEMPT_VERB },
        ...(userInfo.username === undefined ? {} : { user: userInfo.username }),
        ...(userInfo.uid === undefined ? {} : { uid: userInfo.uid }),
        ...(userInfo.groups === undefined ? {} : { groups: [...userInfo.groups] }),
        ...(userInfo.extra === undefined ? {} : { extra: Object.fromEntries(Object.entries(userInfo.extra).map(([k, v]) => [k, [...v]])) }),
      },
    };
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs); });
    try {
      const review = await Promise.race([api.createSubjectAccessReview({ body }), timedOut]);
      const allowed = review.status?.allowed === true;
      cache.delete(key);
      cache.set(key, { allowed, until: Date.now() + ttlMs });
      while (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
      return allowed;
    } finally {
      clearTimeout(timer);
    }
  };

  return async (question: ExemptionQuestion): Promise<ExemptionGrant> => {
    if (question.userInfo.username === undefined) {
      return { allowed: [], unavailable: Object.fromEntries(question.policies.map((id) => [id, 'the request names no user'])) };
    }
    const allowed: string[] = [];
    const unavailable: Record<string, string> = {};
    await Promise.all(question.policies.map(async (policy) => {
      try {
        if (await ask(question.userInfo, question.namespace, policy)) allowed.push(policy);
      } catch (error) {
        const why = `SubjectAccessReview failed: ${describeFailure(error)}`;
        options.log.warn(`cannot verify who may exempt ${policy} in ${question.namespace}: ${why}`);
        unavailable[policy] = why;
      }
    }));
    return Object.keys(unavailable).length === 0 ? { allowed } : { allowed, unavailable };
  };
}
