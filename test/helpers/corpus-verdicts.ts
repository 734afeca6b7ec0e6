/** Verdict summaries of a corpus, as pinned in test/fixtures/*-corpus-verdicts.json (scripts/pin-corpus-verdicts.ts writes them). */
import { readFileSync } from 'node:fs';
import { evaluate } from '../../src/policy/index.ts';
import { loadCorpus, type Corpus } from './corpus.ts';
import { builtinPolicies } from './policies.ts';

export type VerdictSummaries = Record<string, string>;

function summary(results: readonly { policy: string; result: string }[]): string {
  const of = (kind: string) => results.filter((r) => r.result === kind).map((r) => r.policy).join(',');
  return `fail=[${of('fail')}] warn=[${of('warn')}] error=[${of('error')}]`;
}

/** `<file>/<name>` → `fail=[…] warn=[…] error=[…]` for each StatefulSet, CREATE with the built-in policies. */
export function verdictSummaries(corpus: Corpus): VerdictSummaries {
  const summaries: VerdictSummaries = {};
  for (const entry of loadCorpus(corpus)) {
    const evaluation = evaluate(builtinPolicies(), { object: entry.object, operation: 'CREATE' });
    if (evaluation.results.length === 0) throw new Error(`${entry.file}/${entry.name} got no results`);
    summaries[`${entry.file}/${entry.name}`] = summary(evaluation.results);
  }
  return summaries;
}

export function pinnedSummaries(corpus: Corpus): VerdictSummaries {
  return JSON.parse(readFileSync(corpus.pinnedVerdicts, 'utf8')) as VerdictSummaries;
}
