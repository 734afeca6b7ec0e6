/**
 * Seed and run count of the property suites. `npm test` runs a fixed seed and a few runs (a few seconds);
 * `npm run fuzz` (FUZZ_LONG=1) a random seed and many runs. FUZZ_ONLY, FUZZ_SEED, FUZZ_PATH and FUZZ_RUNS replay a
 * failure: the command is printed with it.
 */
import fc from 'fast-check';

const LONG = process.env['FUZZ_LONG'] === '1';
const seedText = process.env['FUZZ_SEED'];
const SEED = seedText !== undefined && seedText !== '' ? Number(seedText) : LONG ? (Math.random() * 2 ** 31) | 0 : 20_261_202;
const PATH = process.env['FUZZ_PATH'];
const RUNS = Number(process.env['FUZZ_RUNS'] ?? (LONG ? 2_000 : 0)) || undefined;
if (LONG) process.stderr.write(`fuzz: seed ${SEED}, ${RUNS ?? 'default'} runs per property (FUZZ_SEED=${SEED} to run it again)\n`);

/** Replays one property only (a counterexample path belongs to one property). */
const ONLY = process.env['FUZZ_ONLY'];

/** Checks a property; on failure throws fast-check's report followed by the command that replays it. */
export function checkProperty<T>(name: string, property: fc.IProperty<T>, quickRuns: number): void {
  if (ONLY !== undefined && ONLY !== name) return;
  const details = fc.check(property, { seed: SEED, numRuns: RUNS ?? quickRuns, ...(PATH === undefined ? {} : { path: PATH }), endOnFailure: LONG });
  if (!details.failed) return;
  const replay = `replay: FUZZ_ONLY=${name} FUZZ_SEED=${details.seed} FUZZ_PATH=${details.counterexamplePath ?? ''} FUZZ_RUNS=${details.numRuns} npm run fuzz`;
  process.stderr.write(`fuzz property "${name}" failed with seed ${details.seed}\n${replay}\n`);
  const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  throw new Error(`${fc.defaultReportMessage(details) ?? 'property failed'}\n${cause}\n${replay}`);
}
