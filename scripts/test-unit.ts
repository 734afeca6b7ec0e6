/**
 * `npm run test:unit`: every test outside test/e2e (no Go, no cluster), with Node's own test coverage of src/.
 * Prints line, branch and function coverage per src/ folder and fails when a folder with a floor (FLOORS) is
 * below it, or when any test fails. Extra arguments go to `node --test` (e.g. --test-name-pattern=...).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const LCOV = join(ROOT, '.cache', 'coverage', 'lcov.info');
/** Percent floors per folder; raise them with the coverage, never lower them to make a run pass. */
const FLOORS: Readonly<Record<string, { lines: number; branches: number; functions: number }>> = {
  'src/policy': { lines: 97, branches: 90, functions: 95 },
  'src/admission': { lines: 98, branches: 92, functions: 98 },
};

type Counts = { lines: [number, number]; branches: [number, number]; functions: [number, number] };

mkdirSync(join(ROOT, '.cache', 'coverage'), { recursive: true });
const run = spawnSync(process.execPath, [
  '--test', '--experimental-test-coverage', '--test-coverage-include=src/**',
  '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=lcov', `--test-reporter-destination=${LCOV}`,
  ...process.argv.slice(2), 'test/*.test.ts', 'test/!(e2e)/**/*.test.ts',
], { cwd: ROOT, stdio: 'inherit' });

const byFolder = new Map<string, Counts>();
let folder = '';
for (const line of readFileSync(LCOV, 'utf8').split('\n')) {
  const [key, value = ''] = line.split(':', 2) as [string, string?];
  if (key === 'SF') {
    folder = relative(ROOT, value).split('/').slice(0, 2).join('/');
    if (!byFolder.has(folder)) byFolder.set(folder, { lines: [0, 0], branches: [0, 0], functions: [0, 0] });
    continue;
  }
  const counts = byFolder.get(folder);
  if (counts === undefined) continue;
  const n = Number(value);
  if (key === 'LF') counts.lines[1] += n;
  else if (key === 'LH') counts.lines[0] += n;
  else if (key === 'BRF') counts.branches[1] += n;
  else if (key === 'BRH') counts.branches[0] += n;
  else if (key === 'FNF') counts.functions[1] += n;
  else if (key === 'FNH') counts.functions[0] += n;
}

const percent = ([hit, found]: [number, number]) => (found === 0 ? 100 : (100 * hit) / found);
const failures: string[] = [];
console.log('\ncoverage per folder (lines / branches / functions, %):');
for (const [name, counts] of [...byFolder].sort(([a], [b]) => a.localeCompare(b))) {
  const floor = FLOORS[name];
  const row = (['lines', 'branches', 'functions'] as const).map((kind) => {
    const value = percent(counts[kind]);
    if (floor !== undefined && value < floor[kind]) failures.push(`${name}: ${kind} ${value.toFixed(1)}% is below the floor of ${floor[kind]}%`);
    return `${value.toFixed(1).padStart(5)}`;
  });
  console.log(`  ${name.padEnd(16)} ${row.join(' / ')}${floor === undefined ? '' : `   (floor ${floor.lines} / ${floor.branches} / ${floor.functions})`}`);
}
for (const failure of failures) console.error(`coverage: ${failure}`);
if (byFolder.size === 0) failures.push('no coverage data was written');
process.exitCode = run.status !== 0 ? (run.status ?? 1) : failures.length > 0 ? 1 : 0;
