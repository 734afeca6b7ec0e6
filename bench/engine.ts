/** In-process engine throughput: StatefulSet evaluations per second (all built-in policies, mutate + validate), one core. */
import { loadPolicySet } from '../src/config/read-policies.ts';
import { evaluate } from '../src/policy/index.ts';
import { benchCorpus, loadCorpus } from '../test/helpers/corpus.ts';

export interface EngineBench {
  readonly evaluationsPerSecond: number;
  readonly evaluations: number;
  readonly seconds: number;
  readonly rounds: readonly number[];
}

export function benchEngine(durationMs = 3000, rounds = 3): EngineBench {
  const set = loadPolicySet([]);
  const corpus = loadCorpus(benchCorpus()).map((entry) => entry.object);
  for (let i = 0; i < 2000; i++) evaluate(set, { object: corpus[i % corpus.length], operation: 'CREATE' }); // warm-up
  const rates: number[] = [];
  let total = 0;
  let totalSeconds = 0;
  for (let r = 0; r < rounds; r++) {
    let n = 0;
    const start = process.hrtime.bigint();
    const deadline = start + BigInt(durationMs) * 1_000_000n;
    while (process.hrtime.bigint() < deadline) {
      for (let i = 0; i < corpus.length; i++) evaluate(set, { object: corpus[i], operation: 'CREATE' });
      n += corpus.length;
    }
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    rates.push(n / seconds);
    total += n;
    totalSeconds += seconds;
  }
  return { evaluationsPerSecond: total / totalSeconds, evaluations: total, seconds: totalSeconds, rounds: rates };
}

if (import.meta.main) {
  const result = benchEngine();
  console.log(`engine: ${Math.round(result.evaluationsPerSecond)} evaluations/s over the corpus (rounds: ${result.rounds.map((r) => Math.round(r)).join(', ')})`);
}
