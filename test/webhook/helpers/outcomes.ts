/**
 * Admission outcomes of every shape the webhook answers with, for tests that compare two ways of writing them:
 * the corpus through both webhooks (CREATE and UPDATE), the seed, misrouted, refused (too deep), dry runs, a review
 * without a user, exemptions, and strings that need escaping (quotes, backslashes, control characters, unicode,
 * lone surrogates, more than 100 characters).
 */
import { admit, type AdmissionContext, type AdmissionOutcome, type Webhook } from '../../../src/admission/index.ts';
import { DEFAULT_ACTION_SETTINGS, type JsonObject } from '../../../src/policy/index.ts';
import { presentCorpora, loadCorpus } from '../../helpers/corpus.ts';
import { builtinPolicies } from '../../helpers/policies.ts';
import { seed } from '../../helpers/seed.ts';
import { admissionReview } from './reviews.ts';

/** Text that every escaping rule of JSON (and of pino's own fast path) has to get right. */
export const TRICKY_STRINGS: readonly string[] = [
  'plain',
  'quote " and backslash \\ inside',
  '"leading quote',
  'trailing backslash \\',
  'tab\tnew\nline\r\u0000\u001f',
  'del \u007f and é ü 漢字 🚀',
  'lone high \ud800 and lone low \udc00',
  'line sep \u2028 para sep \u2029',
  'x'.repeat(101),
  `${'"'.repeat(60)}${'\\'.repeat(60)}`,
  '',
];

function outcomeOf(webhook: Webhook, body: JsonObject, context: AdmissionContext): AdmissionOutcome {
  const admission = admit(webhook, body, context);
  if (!admission.ok) throw new Error(`not an outcome: ${admission.problem.message}`);
  return admission.outcome;
}

/** `{ n: { n: … } }`, `levels` deep, without recursion. */
function nested(levels: number): JsonObject {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = { n: value };
  return value as JsonObject;
}

export function outcomeShapes(): AdmissionOutcome[] {
  const context: AdmissionContext = { set: builtinPolicies(), actions: DEFAULT_ACTION_SETTINGS };
  // Capped at warn (warnings) and at audit (audit annotations): every part of a response.
  const capped = (['warn', 'audit'] as const).map((ceiling): AdmissionContext => ({ set: context.set, actions: { ...DEFAULT_ACTION_SETTINGS, ceiling } }));
  const objects: JsonObject[] = [seed(), ...presentCorpora().flatMap((corpus) => loadCorpus(corpus).map((entry) => entry.object as JsonObject))];
  const outcomes: AdmissionOutcome[] = [];
  for (const webhook of ['validate', 'mutate'] as const) {
    for (const object of objects) {
      outcomes.push(outcomeOf(webhook, admissionReview(object), context));
      for (const cappedContext of capped) outcomes.push(outcomeOf(webhook, admissionReview(object), cappedContext));
      outcomes.push(outcomeOf(webhook, admissionReview(object, { operation: 'UPDATE', oldObject: object, dryRun: true }), context));
    }
    outcomes.push(outcomeOf(webhook, admissionReview(seed(), { operation: 'DELETE' }), context));
    outcomes.push(outcomeOf(webhook, admissionReview({ ...seed(), extra: nested(200) }), context));
    for (const text of TRICKY_STRINGS) {
      const named = { ...seed(), metadata: { ...(seed()['metadata'] as JsonObject), name: text } };
      const review = admissionReview(named, { uid: text === '' ? 'u' : text, username: text, namespace: text });
      outcomes.push(outcomeOf(webhook, review, context));
    }
  }
  const noUser = admissionReview(seed());
  delete (noUser['request'] as JsonObject)['userInfo'];
  outcomes.push(outcomeOf('validate', noUser, context));
  // An honoured exemption (the decision line lists it): the engine's result shape, as the cluster's grant makes it.
  const base = outcomes[0];
  if (base !== undefined) {
    const exempted = base.results.slice(0, 2).map((result) => ({ ...result, result: 'skip' as const, skip: { cause: 'exempted' as const } }));
    outcomes.push({ ...base, results: [...exempted, ...base.results.slice(2)], findings: { ...base.findings, [exempted[0]?.policy ?? 'x']: 'exempt' } });
    // A StatefulSetPolicyException used (the decision line lists it as `excepted`), one of them for some checks only.
    const excepted = base.results.slice(0, 2).map((result, i) => ({
      ...result, result: 'skip' as const, skip: { cause: 'excepted' as const, exception: { namespace: 'shop', name: `legacy-"${i}"` } },
      exceptions: { applied: [{ namespace: 'shop', name: `legacy-"${i}"`, reason: 'OPS-7', ...(i === 1 ? { checks: ['hostNamespaces'] } : {}) }] },
    }));
    outcomes.push({ ...base, results: [...excepted, ...base.results.slice(2)], findings: { ...base.findings, [excepted[0]?.policy ?? 'x']: 'excepted' } });
  }
  return outcomes;
}
