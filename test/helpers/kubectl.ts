/**
 * The kubectl for tests outside the e2e suite (e.g. `kubectl kustomize` of the deploy overlays): the one
 * scripts/e2e-build.sh built from the newest listed Kubernetes release when it is there (`npm test` builds it
 * first), else `kubectl` on PATH. Neither: an error that says how to get one, never a skip.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { binariesDir } from '../e2e/harness/binaries.ts';
import { listedReleases, releaseOf } from '../e2e/harness/release.ts';

let found: string | undefined;

export function kubectlBinary(): string {
  if (found !== undefined) return found;
  const built = join(binariesDir(releaseOf(listedReleases().at(-1) as string)), 'kubectl');
  if (existsSync(built)) return (found = built);
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore', timeout: 30_000 });
    return (found = 'kubectl');
  } catch {
    throw new Error(`no kubectl: neither ${built} (scripts/e2e-build.sh builds it) nor kubectl on PATH`);
  }
}
