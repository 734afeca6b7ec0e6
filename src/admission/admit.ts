/** One admission request: parse the AdmissionReview, then validate or mutate it, or say what is wrong with it. */
import type { Problem } from './problems.ts';
import { decide } from './decide.ts';
import { parseReview, type ParsedRequest } from './parse-review.ts';
import { warningLine } from './messages.ts';
import { reviewResponse, type AdmissionOutcome } from './outcome.ts';
import type { AdmissionContext, MisroutedRequest, Webhook } from './types.ts';

export type Admission = { readonly ok: true; readonly outcome: AdmissionOutcome } | { readonly ok: false; readonly problem: Problem };

export function admit(webhook: Webhook, body: unknown, context: AdmissionContext): Admission {
  return admitParsed(webhook, parseReview(body), context);
}

/** As admit, for a body already parsed (the webhook parses first to learn whether it must ask who may exempt). */
export function admitParsed(webhook: Webhook, parsed: ParsedRequest, context: AdmissionContext): Admission {
  if (!parsed.ok) return parsed;
  const { review } = parsed;
  if (review.target === 'none') return { ok: true, outcome: misrouted(webhook, review) };
  return { ok: true, outcome: decide(webhook, review, context) };
}

/** Allowed: failing closed on a resource stateguard has no policies for would only block unrelated work. */
function misrouted(webhook: Webhook, review: MisroutedRequest): AdmissionOutcome {
  const warning = warningLine(`stateguard: the ${webhook} webhook's rules sent ${review.received}; match only CREATE/UPDATE of apps/v1 statefulsets(/scale)`);
  return {
    review,
    decision: 'ignore',
    findings: {},
    mutators: [],
    results: [],
    response: reviewResponse({ uid: review.uid, allowed: true, warnings: [warning] }),
  };
}
