/**
 * Re-pins the corpus verdicts the tests compare against (test/policy/corpus-verdicts-are-pinned.test.ts):
 * `node scripts/pin-corpus-verdicts.ts [fixture|real]` (both when none is named) writes each corpus's
 * summaries to its pinned file and prints what changed. Review the difference before committing it: a test
 * never writes the file it compares against.
 */
import { writeFileSync } from 'node:fs';
import { CORPORA, corpusPresent } from '../test/helpers/corpus.ts';
import { pinnedSummaries, verdictSummaries } from '../test/helpers/corpus-verdicts.ts';

const wanted = process.argv.slice(2);
for (const id of wanted) if (!CORPORA.some((c) => c.id === id)) throw new Error(`unknown corpus "${id}" (known: ${CORPORA.map((c) => c.id).join(', ')})`);

for (const corpus of CORPORA.filter((c) => wanted.length === 0 || wanted.includes(c.id))) {
  if (!corpusPresent(corpus)) {
    console.error(`${corpus.id}: ${corpus.dir} does not exist, not re-pinned`);
    if (wanted.includes(corpus.id)) process.exitCode = 1;
    continue;
  }
  let before: Record<string, string> = {};
  try {
    before = pinnedSummaries(corpus);
  } catch {
    console.log(`${corpus.id}: no pinned file yet`);
  }
  const after = verdictSummaries(corpus);
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  const changed = keys.filter((key) => before[key] !== after[key]);
  for (const key of changed) console.log(`${corpus.id}: ${key}\n  was: ${before[key] ?? '(absent)'}\n  now: ${after[key] ?? '(absent)'}`);
  writeFileSync(corpus.pinnedVerdicts, JSON.stringify(after, null, 2) + '\n');
  console.log(`${corpus.id}: ${Object.keys(after).length} StatefulSets pinned in ${corpus.pinnedVerdicts} (${changed.length} changed)`);
}
