/**
 * The Kubernetes release an e2e run targets. test/e2e/cluster/releases lists the supported minors (the one setting
 * that moves them); each has test/e2e/cluster/<minor>/go.mod, from which scripts/e2e-build.sh builds etcd,
 * kube-apiserver and kubectl. `npm run test:e2e` runs every e2e file once per release with
 * STATEGUARD_E2E_KUBERNETES=<minor>; a file run by hand without it targets the newest listed release.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const clusterDir = join(import.meta.dirname, '..', 'cluster');
export const RELEASES_FILE = join(clusterDir, 'releases');

export interface Release {
  /** "1.35" */
  minor: string;
  /** Minor number, for the named behaviour branches (see api-behaviour.ts). */
  minorNumber: number;
  /** "v1.35.4", from the release's go.mod. */
  kubernetes: string;
  /** etcd server version that kubernetes release requires, from the same go.mod. */
  etcd: string;
  goModPath: string;
}

export function listedReleases(): string[] {
  const minors = readFileSync(RELEASES_FILE, 'utf8').split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  for (const minor of minors) if (!/^1\.\d+$/.test(minor)) throw new Error(`${RELEASES_FILE}: "${minor}" is not a Kubernetes minor such as 1.35`);
  if (minors.length === 0) throw new Error(`${RELEASES_FILE} lists no Kubernetes release`);
  return minors;
}

export function releaseOf(minor: string): Release {
  const goModPath = join(clusterDir, minor, 'go.mod');
  let goMod: string;
  try {
    goMod = readFileSync(goModPath, 'utf8');
  } catch {
    throw new Error(`Kubernetes ${minor} has no ${goModPath}: write it with scripts/e2e-release-gomod.sh v${minor}.<patch>`);
  }
  const kubernetes = requiredVersion(goMod, goModPath, 'k8s.io/kubernetes');
  if (!kubernetes.startsWith(`v${minor}.`)) throw new Error(`${goModPath} requires k8s.io/kubernetes ${kubernetes}, not a ${minor} release`);
  return { minor, minorNumber: Number(minor.split('.')[1]), kubernetes, etcd: requiredVersion(goMod, goModPath, 'go.etcd.io/etcd/server/v3'), goModPath };
}

/** The release this process targets: STATEGUARD_E2E_KUBERNETES, else the newest listed. */
export function selectedRelease(): Release {
  const listed = listedReleases();
  const wanted = process.env['STATEGUARD_E2E_KUBERNETES'];
  if (wanted === undefined || wanted === '') return releaseOf(listed.at(-1) as string);
  if (!listed.includes(wanted)) throw new Error(`STATEGUARD_E2E_KUBERNETES=${wanted} is not listed in ${RELEASES_FILE} (${listed.join(', ')})`);
  return releaseOf(wanted);
}

function requiredVersion(goMod: string, path: string, modulePath: string): string {
  const escaped = modulePath.replaceAll('.', '\\.');
  const version = new RegExp(`^\\s*(?:require )?${escaped} (v\\S+)`, 'm').exec(goMod)?.[1];
  if (version === undefined) throw new Error(`${path} does not require ${modulePath}`);
  return version;
}
