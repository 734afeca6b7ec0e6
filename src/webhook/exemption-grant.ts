/**
 * Who may exempt what, asked before the decision: only for a StatefulSet (or Scale) whose object claims an exemption
 * of a loaded policy, only when config honours annotation exemptions, and only when a cluster can answer. The
 * answer goes to the engine as data (AdmissionContext.exemptionGrant); without one, no exemption is honoured.
 */
import type { AdmissionContext, AdmissionRequest } from '../admission/index.ts';
import { claimedExemptions, isObject } from '../policy/index.ts';

/** At most this many policies are asked about per request; the others are reported as not verified. */
export const MAX_EXEMPTION_QUESTIONS = 16;

/** The loaded policies the object claims an exemption from, when the cluster is to be asked about them (else none). */
function claimedPolicies(review: AdmissionRequest, context: AdmissionContext): string[] {
  if (review.target === 'none' || context.actions.annotationExemptions !== true || context.authoriseExemptions === undefined) return [];
  return claimedExemptions(review.object).filter((id) => context.set.byId.has(id));
}

/** Whether withExemptionGrant has anything to ask: if not, the context is used as it is, without waiting. */
export function asksForExemptions(review: AdmissionRequest, context: AdmissionContext): boolean {
  return claimedPolicies(review, context).length > 0;
}

export async function withExemptionGrant(review: AdmissionRequest, context: AdmissionContext): Promise<AdmissionContext> {
  const claimed = claimedPolicies(review, context);
  if (claimed.length === 0 || review.target === 'none' || context.authoriseExemptions === undefined) return context;
  const asked = claimed.slice(0, MAX_EXEMPTION_QUESTIONS);
  const metadata = review.object['metadata'];
  const namespace = review.namespace ?? (isObject(metadata) && typeof metadata['namespace'] === 'string' ? metadata['namespace'] : 'default');
  const grant = await context.authoriseExemptions({ userInfo: review.userInfo ?? {}, namespace, policies: asked });
  const skipped = claimed.slice(MAX_EXEMPTION_QUESTIONS);
  if (skipped.length === 0) return { ...context, exemptionGrant: grant };
  const unavailable = { ...grant.unavailable, ...Object.fromEntries(skipped.map((id) => [id, `more than ${MAX_EXEMPTION_QUESTIONS} policies claimed; only the first ${MAX_EXEMPTION_QUESTIONS} were checked`])) };
  return { ...context, exemptionGrant: { allowed: grant.allowed, unavailable } };
}
