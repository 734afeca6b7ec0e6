/** The one info line each admission request ends in: who did what to which object, and what stateguard decided. */
import { exceptionUses, type AdmissionOutcome } from '../admission/index.ts';
import { LOG_KEYS } from '../logging/log-keys.ts';

export const DECISION_MESSAGE = 'admission decision';

export function decisionRecord(outcome: AdmissionOutcome, durationMs: number): Record<string, unknown> {
  const { review } = outcome;
  const exempted = outcome.results.filter((r) => r.skip?.cause === 'exempted').map((r) => r.policy);
  const excepted = exceptionUses(outcome.results);
  return {
    [LOG_KEYS.uid]: review.uid,
    [LOG_KEYS.object]: `${review.namespace ?? ''}/${review.name ?? ''}`,
    [LOG_KEYS.kind]: review.target === 'none' ? review.received : review.target,
    [LOG_KEYS.operation]: review.operation,
    [LOG_KEYS.user]: review.userInfo?.username,
    [LOG_KEYS.dryRun]: review.dryRun,
    [LOG_KEYS.decision]: outcome.decision,
    [LOG_KEYS.findings]: outcome.findings,
    [LOG_KEYS.mutated]: outcome.mutators,
    ...(outcome.refused === undefined ? {} : { [LOG_KEYS.refused]: outcome.refused }),
    // Each honoured exemption, by policy id (the findings say `exempt` too; this is the list to search for).
    ...(exempted.length === 0 ? {} : { [LOG_KEYS.exempted]: exempted }),
    ...(excepted.length === 0 ? {} : { [LOG_KEYS.excepted]: excepted }),
    [LOG_KEYS.durationMs]: Math.round(durationMs * 100) / 100,
  };
}
